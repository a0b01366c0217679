/**
 * Command-line parsing of the server commands (`serve`, `audit verify`): flags become
 * configuration overrides through the setting table of `@custos/kms` (`--http-port 9999` sets
 * `http.port`), plus a few short aliases. Imported lazily: `@custos/kms` is heavy.
 */
import { CONFIG_KEYS, flagName, keyForFlag } from '@custos/kms';
import { UsageError } from './_errors.ts';

/** Short aliases of common settings. */
const ALIASES: Readonly<Record<string, string>> = {
  '--port': 'http.port',
  '--hostname': 'http.hostname',
  '--db': 'db.type',
  '--database-url': 'db.url',
};

export interface ParsedArgs {
  /** `--config` / `-c`. */
  config?: string;
  /** Setting path → text value. */
  overrides: Record<string, string>;
  /** Flags that are not settings (`--chain`), by name without dashes. */
  options: Record<string, string | true>;
  /** Positional arguments. */
  rest: string[];
}

/**
 * Parses `argv`. `options` lists the command's own flags (name → takes a value).
 * @throws UsageError for an unknown flag or a missing value.
 */
export function parseArgs(
  argv: readonly string[],
  options: Readonly<Record<string, boolean>> = {},
): ParsedArgs {
  const out: ParsedArgs = { overrides: {}, options: {}, rest: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (!arg.startsWith('-') || arg === '-') {
      out.rest.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const flag = eq === -1 ? arg : arg.slice(0, eq);
    const inline = eq === -1 ? undefined : arg.slice(eq + 1);
    const value = (required: boolean): string | undefined => {
      if (inline !== undefined) return inline;
      const next = argv[i + 1];
      if (next === undefined || (next.startsWith('--') && required)) {
        if (required) throw new UsageError(`${flag} needs a value`);
        return undefined;
      }
      if (!required && next.startsWith('-')) return undefined;
      i++;
      return next;
    };
    if (flag === '-c' || flag === '--config') {
      out.config = value(true) as string;
      continue;
    }
    if (flag === '--set') {
      const v = value(true) as string;
      const e = v.indexOf('=');
      if (e <= 0) throw new UsageError('--set takes key=value, e.g. --set http.port=9999');
      out.overrides[v.slice(0, e)] = v.slice(e + 1);
      continue;
    }
    const own = options[flag.replace(/^--?/, '')];
    if (own !== undefined) {
      out.options[flag.replace(/^--?/, '')] = own ? (value(true) as string) : true;
      continue;
    }
    const path = ALIASES[flag] ?? keyForFlag(flag)?.path;
    if (path === undefined) throw new UsageError(`unknown option ${flag}`);
    const key = CONFIG_KEYS.find((k) => k.path === path);
    if (key?.kind === 'bool') {
      // A bare boolean flag means true; `--flag=false` or `--flag false` is accepted too.
      const v =
        inline ??
        (/^(true|false|yes|no|on|off|0|1)$/i.test(argv[i + 1] ?? '') ? argv[++i] : 'true');
      out.overrides[path] = v as string;
    } else out.overrides[path] = value(true) as string;
  }
  return out;
}

/** `--flag  description` lines of every setting. */
export function settingFlags(): string {
  return CONFIG_KEYS.map((k) => `  ${flagName(k.path).padEnd(30)} ${k.path}`).join('\n');
}
