/**
 * Command-line parsing of the client commands: global flags (anywhere on the line), the command
 * path, then the command's options and arguments checked against its spec. No framework: the
 * grammar is small (`--name VALUE`, `--name=VALUE`, `-n VALUE`, bare switches, `--` ends the
 * options) and a hand-written parser keeps start-up at a few milliseconds.
 */
import type { CommandArgs, CommandSpec, OptionSpec } from './_commands.ts';
import { UsageError } from './_errors.ts';

export { UsageError };

/** Flags every client command accepts (see `GlobalFlags` in `_config.ts`). */
export const GLOBAL_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  conf: {
    value: 'FILE',
    help: 'client configuration file (default ~/.config/custos/cli.toml)',
    complete: 'file',
  },
  url: { value: 'URL', help: 'KMS base URL, e.g. https://kms.example.com:9998' },
  token: { value: 'TOKEN', help: 'bearer token: a JWT or an API token' },
  'token-file': { value: 'FILE', help: 'read the bearer token from FILE', complete: 'file' },
  ca: { value: 'FILE', help: 'PEM CA certificates to trust for the server', complete: 'file' },
  'client-cert': { value: 'FILE', help: 'PEM client certificate (mutual TLS)', complete: 'file' },
  'client-key': {
    value: 'FILE',
    help: 'PEM private key of the client certificate',
    complete: 'file',
  },
  insecure: { help: 'accept any server certificate (tests only)' },
  timeout: { value: 'MS', help: 'request timeout in milliseconds (default 30000)' },
  encoding: { value: 'ENC', help: 'KMIP encoding on the wire', choices: ['json', 'binary'] },
  json: { help: 'print results as JSON (for scripts)' },
  help: { short: 'h', help: 'show help' },
};

export type OptionValue = string | true | readonly string[];

interface Parsed {
  options: Record<string, OptionValue>;
  positionals: string[];
}

function lookup(
  flag: string,
  specs: readonly Readonly<Record<string, OptionSpec>>[],
): { name: string; spec: OptionSpec } | undefined {
  for (const table of specs) {
    if (flag.startsWith('--')) {
      const name = flag.slice(2);
      const spec = table[name];
      if (spec !== undefined && Object.hasOwn(table, name)) return { name, spec };
    } else {
      const short = flag.slice(1);
      for (const [name, spec] of Object.entries(table))
        if (spec.short === short) return { name, spec };
    }
  }
  return undefined;
}

/**
 * Parses options and positionals of `argv` against option tables (first match wins).
 * @throws UsageError for an unknown option, a missing value or a value not in `choices`.
 */
export function parseOptions(
  argv: readonly string[],
  tables: readonly Readonly<Record<string, OptionSpec>>[],
  command: string,
): Parsed {
  const out: Parsed = { options: {}, positionals: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--') {
      out.positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-' || /^-\d/.test(arg)) {
      out.positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const flag = eq === -1 ? arg : arg.slice(0, eq);
    const found = lookup(flag, tables);
    if (found === undefined) throw new UsageError(`unknown option ${flag}`, command);
    const { name, spec } = found;
    let value: string | true;
    if (spec.value === undefined) {
      if (eq !== -1) throw new UsageError(`${flag} takes no value`, command);
      value = true;
    } else if (eq !== -1) value = arg.slice(eq + 1);
    else {
      const next = argv[i + 1];
      if (next === undefined)
        throw new UsageError(`${flag} needs a value (${spec.value})`, command);
      value = next;
      i++;
    }
    if (typeof value === 'string' && spec.choices !== undefined && !spec.choices.includes(value))
      throw new UsageError(
        `${flag} must be one of ${spec.choices.join(', ')} (got ${JSON.stringify(value)})`,
        command,
      );
    if (spec.repeat === true) {
      const list = (out.options[name] as string[] | undefined) ?? [];
      list.push(value as string);
      out.options[name] = list;
    } else if (out.options[name] !== undefined && spec.value !== undefined)
      throw new UsageError(`${flag} given twice`, command);
    else out.options[name] = value;
  }
  return out;
}

/**
 * Splits a command line into leading global flags and the rest (command path first).
 * @throws UsageError for an unknown leading option.
 */
export function splitLeadingGlobals(argv: readonly string[]): {
  globals: Record<string, OptionValue>;
  rest: string[];
} {
  let i = 0;
  const lead: string[] = [];
  while (i < argv.length && (argv[i] as string).startsWith('-') && argv[i] !== '--') {
    const arg = argv[i] as string;
    lead.push(arg);
    const found = lookup(arg.split('=')[0] as string, [GLOBAL_OPTIONS]);
    if (found?.spec.value !== undefined && !arg.includes('=') && i + 1 < argv.length) {
      lead.push(argv[i + 1] as string);
      i++;
    }
    i++;
  }
  return { globals: parseOptions(lead, [GLOBAL_OPTIONS], '').options, rest: argv.slice(i) };
}

/**
 * Parses a command's argv (after its path) against its spec plus the global flags.
 * @throws UsageError for unknown options, missing required options or arguments, extra arguments.
 */
export function parseCommandArgs(
  argv: readonly string[],
  spec: CommandSpec,
  command: string,
): { args: CommandArgs; globals: Record<string, OptionValue> } {
  const own = spec.options ?? {};
  const parsed = parseOptions(argv, [own, GLOBAL_OPTIONS], command);
  const options: Record<string, OptionValue> = {};
  const globals: Record<string, OptionValue> = {};
  for (const [k, v] of Object.entries(parsed.options)) {
    if (Object.hasOwn(own, k)) options[k] = v;
    else globals[k] = v;
  }
  if (globals['help'] === true)
    return { args: { options, positionals: parsed.positionals }, globals };
  for (const [name, o] of Object.entries(own))
    if (o.required === true && options[name] === undefined)
      throw new UsageError(
        `missing option --${name}${o.value === undefined ? '' : ` ${o.value}`}`,
        command,
      );
  const specs = spec.args ?? [];
  const required = specs.filter((a) => a.optional !== true && a.variadic !== true).length;
  const variadic = specs.some((a) => a.variadic === true);
  const needsOne = specs.find((a) => a.variadic === true && a.optional !== true);
  if (parsed.positionals.length < required) {
    const missing = specs.filter((a) => a.optional !== true)[parsed.positionals.length];
    throw new UsageError(`missing argument ${missing?.name ?? ''}`.trim(), command);
  }
  if (needsOne !== undefined && parsed.positionals.length < specs.length)
    throw new UsageError(`missing argument ${needsOne.name}`, command);
  if (!variadic && parsed.positionals.length > specs.length)
    throw new UsageError(`unexpected argument ${parsed.positionals[specs.length] ?? ''}`, command);
  return { args: { options, positionals: parsed.positionals }, globals };
}

/** A text option, or undefined. */
export function str(args: CommandArgs, name: string): string | undefined {
  const v = args.options[name];
  return typeof v === 'string' ? v : undefined;
}

/** A repeated option as a list (empty when absent). */
export function list(args: CommandArgs, name: string): string[] {
  const v = args.options[name];
  if (v === undefined || v === true) return [];
  return typeof v === 'string' ? [v] : [...v];
}

/** A switch. */
export function flag(args: CommandArgs, name: string): boolean {
  return args.options[name] === true;
}

/**
 * An integer option within bounds, or `fallback`.
 * @throws UsageError when not an integer in range.
 */
export function int(
  args: CommandArgs,
  name: string,
  fallback: number | undefined,
  min = 0,
  max = Number.MAX_SAFE_INTEGER,
): number | undefined {
  const v = str(args, name);
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!/^\d+$/.test(v) || !Number.isSafeInteger(n) || n < min || n > max)
    throw new UsageError(
      `--${name} must be an integer from ${min} to ${max} (got ${JSON.stringify(v)})`,
    );
  return n;
}
