/**
 * The command table of `custos` and the context every command runs with.
 *
 * A command module is a file `cmd-<name>.ts` of this folder (`cmd-<name>.js` once built). The
 * launcher imports every such module at start-up (tests excluded), so each one must be light at
 * its top level: it calls `registerCommand` for its commands and imports anything heavy
 * (`@custos/kms`, crypto, streams) lazily inside `run`:
 *
 *   import { registerCommand } from './_commands.ts';
 *   registerCommand(['sym', 'encrypt'], {
 *     summary: 'encrypt a file or stream with a symmetric key of the KMS',
 *     usage: '--key-id ID [-o OUT] [FILE]',
 *     options: { 'key-id': { value: 'ID', short: 'k', help: 'the key', required: true },
 *                output: { value: 'FILE', short: 'o', help: 'where to write (default stdout)' } },
 *     args: [{ name: 'FILE', help: 'input (default stdin)', optional: true }],
 *     async run(ctx, args) {
 *       const { encryptFile } = await import('./_stream-encrypt.ts');
 *       const kms = await ctx.client();
 *       ...
 *       ctx.out.result({ output: path }, () => `encrypted to ${path}`);
 *     },
 *   });
 *
 * Global flags (`--conf`, `--url`, `--json`, `--token`, ...) are parsed by the launcher before a
 * command's own options and are never declared by commands. A command reports failure by throwing
 * (see `_errors.ts` for the classes and the exit code each gets) or by returning a non-zero exit
 * status; returning nothing means success.
 */
import type { KmsClient } from '@custos/client';
import type { CliConfig } from './_config.ts';

/** One option of a command: `--name VALUE` (when `value` is set) or a bare `--name` switch. */
export interface OptionSpec {
  /** Placeholder of the value in help (`ID`, `FILE`); absent for a boolean switch. */
  readonly value?: string;
  /** One-letter alias (`-k`). */
  readonly short?: string;
  readonly help: string;
  /** May be given several times; the parsed value is then a `string[]`. */
  readonly repeat?: boolean;
  /** A missing required option is a usage error (exit 2) before `run` is called. */
  readonly required?: boolean;
  /** Values offered by shell completion and checked by the parser. */
  readonly choices?: readonly string[];
  /** Shell completion hint for the value. */
  readonly complete?: 'file' | 'dir';
}

/** One positional argument. */
export interface ArgSpec {
  readonly name: string;
  readonly help: string;
  readonly optional?: boolean;
  /** Takes every remaining argument (last one only). */
  readonly variadic?: boolean;
  readonly complete?: 'file' | 'dir';
}

/** What the parser hands a command. */
export interface CommandArgs {
  /** Option name (long form, no dashes) → value; `true` for switches, `string[]` when repeat. */
  readonly options: Readonly<Record<string, string | true | readonly string[]>>;
  /** Positional arguments, in order (variadic ones flattened at the end). */
  readonly positionals: readonly string[];
}

/** Printing for people and, with `--json`, for scripts. */
export interface Output {
  /** True under `--json`: print one JSON document on stdout and nothing else there. */
  readonly json: boolean;
  /** Prints `value` as JSON under `--json`, else the text `human(value)` (when given). */
  result<T>(value: T, human?: (value: T) => string): void;
  /** A line for people on stdout (suppressed under `--json`). */
  info(line: string): void;
  /** A warning on stderr (always shown). */
  warn(line: string): void;
}

/** What a command runs with. */
export interface CommandContext {
  /** Merged configuration: file, environment, then global flags. */
  readonly config: CliConfig;
  /**
   * The KMS client for `config` (created on first call, same instance after; closed by the
   * launcher when the command ends). Fails with a configuration error when no server URL is
   * known.
   */
  client(): Promise<KmsClient>;
  readonly out: Output;
  readonly stdin: NodeJS.ReadableStream;
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  readonly env: NodeJS.ProcessEnv;
  /** Working directory relative file names resolve against. */
  readonly cwd: string;
  /** Aborted on SIGINT/SIGTERM: long commands stop, clean up, and the launcher exits 130. */
  readonly signal: AbortSignal;
}

export interface CommandSpec {
  /** One line for the command list. */
  readonly summary: string;
  /** The part of the usage line after the command path (options and arguments). */
  readonly usage?: string;
  /** Longer text shown by `--help` after the usage line. */
  readonly description?: string;
  readonly options?: Readonly<Record<string, OptionSpec>>;
  readonly args?: readonly ArgSpec[];
  /**
   * Runs the command; resolves to the exit status (default 0).
   * The launcher validates options and arguments against the spec first.
   */
  // `void` lets an `async run` that returns nothing satisfy the type.
  // eslint-disable-next-line @typescript-eslint/no-invalid-void-type
  run(ctx: CommandContext, args: CommandArgs): Promise<number | undefined | void>;
  /**
   * Raw mode: the launcher parses nothing after the path but `--help`; `args.positionals` is the
   * raw argv and `args.options` is empty (used by `serve` and `audit verify`, which take every
   * server setting as a flag).
   */
  readonly raw?: boolean;
}

export interface RegisteredCommand extends CommandSpec {
  readonly path: readonly string[];
}

const TABLE = new Map<string, RegisteredCommand>();

/**
 * Adds a command at `path` (`['sym', 'keys', 'create']`).
 * @throws TypeError for an empty or duplicate path.
 */
export function registerCommand(path: readonly string[], spec: CommandSpec): void {
  if (path.length === 0 || path.some((p) => !/^[a-z][a-z0-9-]*$/.test(p)))
    throw new TypeError(`bad command path ${path.join(' ')}`);
  const key = path.join(' ');
  if (TABLE.has(key)) throw new TypeError(`command ${key} registered twice`);
  TABLE.set(key, { ...spec, path: [...path] });
}

/** Every registered command, sorted by path. */
export function commands(): RegisteredCommand[] {
  return [...TABLE.values()].sort((a, b) => a.path.join(' ').localeCompare(b.path.join(' ')));
}

/**
 * The command for the longest registered prefix of `words`, with the words after it; or the
 * group prefix (words that start at least one command) when no command matches.
 */
export function findCommand(words: readonly string[]): {
  command?: RegisteredCommand;
  rest: readonly string[];
  group: readonly string[];
} {
  for (let n = words.length; n > 0; n--) {
    const command = TABLE.get(words.slice(0, n).join(' '));
    if (command !== undefined) return { command, rest: words.slice(n), group: words.slice(0, n) };
  }
  let n = 0;
  while (
    n < words.length &&
    commands().some((c) => words.slice(0, n + 1).every((w, i) => c.path[i] === w))
  )
    n++;
  return { rest: words.slice(n), group: words.slice(0, n) };
}
