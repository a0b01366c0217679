/**
 * Structured logs: one JSON object per line on stderr (or a readable line in `text` format).
 * Fields are data, never secrets: callers pass identifiers, codes and durations, not tokens,
 * key bytes or request bodies.
 */
import type { LogLevel } from './config.ts';

export type LogFields = Readonly<Record<string, unknown>>;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  /** A logger that adds `fields` to every line. */
  child(fields: LogFields): Logger;
}

const RANK: Readonly<Record<LogLevel, number>> = {
  debug: 10,
  info: 20,
  warn: 30,
  error: 40,
  silent: 99,
};

export interface LoggerOptions {
  level: LogLevel;
  format: 'json' | 'text';
  /** Where lines go (default: stderr). */
  write?: (line: string) => void;
}

function errorFields(value: unknown): unknown {
  if (value instanceof Error) {
    const out: Record<string, unknown> = { name: value.name, message: value.message };
    const code = (value as { code?: unknown }).code;
    if (code !== undefined) out['code'] = code;
    if (value.stack !== undefined) out['stack'] = value.stack;
    return out;
  }
  return value;
}

/** A logger writing at `level` and above. */
export function createLogger(options: LoggerOptions, base: LogFields = {}): Logger {
  const min = RANK[options.level];
  const write = options.write ?? ((line: string) => process.stderr.write(`${line}\n`));
  const emit = (level: Exclude<LogLevel, 'silent'>, msg: string, fields?: LogFields): void => {
    if (RANK[level] < min) return;
    const record: Record<string, unknown> = { time: new Date().toISOString(), level, msg };
    for (const [k, v] of Object.entries(base)) record[k] = v;
    if (fields !== undefined)
      for (const [k, v] of Object.entries(fields)) record[k] = errorFields(v);
    if (options.format === 'json') {
      write(JSON.stringify(record, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)));
    } else {
      const { time, level: l, msg: m, ...rest } = record;
      const extra = Object.entries(rest)
        .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
        .join(' ');
      write(
        `${String(time)} ${String(l).toUpperCase().padEnd(5)} ${String(m)}${extra === '' ? '' : ` ${extra}`}`,
      );
    }
  };
  return {
    debug: (m, f) => {
      emit('debug', m, f);
    },
    info: (m, f) => {
      emit('info', m, f);
    },
    warn: (m, f) => {
      emit('warn', m, f);
    },
    error: (m, f) => {
      emit('error', m, f);
    },
    child: (fields) => createLogger(options, { ...base, ...fields }),
  };
}

/** A logger that writes nothing (tests, library use). */
export const silentLogger: Logger = createLogger({ level: 'silent', format: 'json' });
