/**
 * The `custos` command: finds the command in the table the `cmd-*.ts` modules register
 * (`_commands.ts`), parses its options, loads the client configuration, runs it, and turns
 * every failure into a message on stderr and an exit status (`_errors.ts`, docs/cli.md).
 */
import { parseCommandArgs, splitLeadingGlobals, type OptionValue } from './_args.ts';
import { commands, findCommand } from './_commands.ts';
import { loadCliConfig, type GlobalFlags } from './_config.ts';
import { createContext, type Io } from './_context.ts';
import { CliError, Exit, exitCodeOf, UsageError } from './_errors.ts';
import { commandHelp, groupHelp } from './_help.ts';
import { loadCommands } from './_load.ts';
import { VERSION } from './_version.ts';

/** The top-level help text (command list). */
export async function help(): Promise<string> {
  await loadCommands();
  return groupHelp([]);
}

function defaultIo(signal: AbortSignal): Io {
  return {
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
    signal,
  };
}

function toGlobalFlags(o: Record<string, OptionValue>): GlobalFlags & { json?: boolean } {
  const out: Record<string, string | boolean> = {};
  for (const [k, v] of Object.entries(o)) if (typeof v === 'string' || v === true) out[k] = v;
  return out;
}

function describe(error: unknown, url: string | undefined): string {
  const e = error as { name?: unknown; code?: unknown; message?: unknown };
  const message = typeof e.message === 'string' ? e.message : String(error);
  if ((error as { syscall?: unknown }).syscall === 'listen') return `cannot listen: ${message}`;
  if (
    e.name === 'KmsClientError' &&
    (e.code === 'ERR_KMS_CLIENT_UNREACHABLE' || e.code === 'ERR_KMS_CLIENT_TIMEOUT')
  )
    return `${message}${url === undefined ? '' : ` (server ${url})`}`;
  const c = error as { reasonName?: unknown; resultMessage?: unknown };
  if (
    e.name === 'KmsClientError' &&
    typeof c.resultMessage === 'string' &&
    typeof c.reasonName === 'string'
  )
    return `${c.resultMessage} (${c.reasonName})`;
  return message;
}

/**
 * Runs the command line `argv` (without node and script); returns the exit status.
 * `io` replaces the process streams and environment (tests).
 */
export async function main(argv: readonly string[], io?: Partial<Io>): Promise<number> {
  const controller = new AbortController();
  const base: Io = { ...defaultIo(controller.signal), ...io };
  if (io?.stdout === undefined)
    // `custos ... | head`: a closed pipe ends the output quietly, as for other Unix tools.
    process.stdout.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') process.exit(0);
      throw error;
    });
  const err = (text: string): void => {
    base.stderr.write(text.endsWith('\n') ? text : `${text}\n`);
  };
  const print = (text: string): void => {
    base.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  };
  let url: string | undefined;
  let hint = '';
  try {
    await loadCommands();
    if (argv[0] === '--version' || argv[0] === '-V') {
      print(VERSION);
      return Exit.ok;
    }
    const { globals, rest } = splitLeadingGlobals(argv);
    const first = rest[0];
    if (first === undefined) {
      if (globals['help'] === true) {
        print(groupHelp([]));
        return Exit.ok;
      }
      err(groupHelp([]));
      return Exit.usage;
    }
    if (first === 'help') {
      const found = findCommand(rest.slice(1));
      print(found.command === undefined ? groupHelp(found.group) : commandHelp(found.command));
      return Exit.ok;
    }
    if (first === 'version') {
      print(VERSION);
      return Exit.ok;
    }
    const words: string[] = [];
    for (const w of rest) {
      if (w.startsWith('-')) break;
      words.push(w);
    }
    const found = findCommand(words);
    const command = found.command;
    if (command === undefined) {
      const next = found.rest[0];
      if (found.group.length === 0) throw new UsageError(`unknown command ${first}`);
      if (next !== undefined)
        throw new UsageError(
          `unknown command ${[...found.group, next].join(' ')}`,
          found.group.join(' '),
        );
      if (rest.includes('--help') || rest.includes('-h') || globals['help'] === true) {
        print(groupHelp(found.group));
        return Exit.ok;
      }
      err(groupHelp(found.group));
      return Exit.usage;
    }
    const path = command.path.join(' ');
    hint = path;
    const tail = rest.slice(command.path.length);
    if (globals['help'] === true || tail.includes('--help') || tail.includes('-h')) {
      print(commandHelp(command));
      return Exit.ok;
    }
    let parsed;
    if (command.raw === true) parsed = { args: { options: {}, positionals: tail }, globals: {} };
    else parsed = parseCommandArgs(tail, command, path);
    const flags = toGlobalFlags({ ...globals, ...parsed.globals });
    // Server-side commands (serve, audit) take the server's configuration, not the client's.
    const config =
      command.raw === true
        ? { insecure: false, timeoutMs: 30_000, encoding: 'json' as const }
        : await loadCliConfig(flags, base.env, base.cwd);
    url = config.url;
    const ctx = createContext(config, flags.json === true, base);
    const onSignal = (): void => {
      if (controller.signal.aborted) process.exit(Exit.interrupted);
      controller.abort(new CliError(Exit.interrupted, 'interrupted'));
    };
    if (command.raw !== true) {
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
    }
    try {
      const code = await command.run(ctx, parsed.args);
      return typeof code === 'number' ? code : Exit.ok;
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      await ctx.dispose();
    }
  } catch (error) {
    if (controller.signal.aborted) {
      err('custos: interrupted');
      return Exit.interrupted;
    }
    const code = exitCodeOf(error);
    if (error instanceof UsageError) {
      const where = error.command !== '' ? error.command : hint;
      err(
        `custos: ${error.message}\nRun "custos ${where === '' ? '' : `${where} `}--help" for usage.`,
      );
    } else if (code === Exit.config && !(error instanceof CliError))
      err(`custos: configuration: ${describe(error, url)}`);
    else err(`custos: ${describe(error, url)}`);
    if (
      code === Exit.failed &&
      !(error instanceof CliError) &&
      (error as { name?: unknown }).name !== 'KmsClientError' &&
      base.env['CUSTOS_DEBUG'] !== undefined
    )
      err((error as Error).stack ?? '');
    return code;
  }
}

/** Every command path (for completion and tests). */
export async function commandPaths(): Promise<string[]> {
  await loadCommands();
  return commands().map((c) => c.path.join(' '));
}
