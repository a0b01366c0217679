/**
 * The `custos` command. Subcommands: `serve` (run the KMS), `audit verify` (check the audit
 * chain). Key-management commands against a running server come next.
 */
import { ConfigError, SERVER_VERSION } from '@custos/kms';
import { UsageError } from './_args.ts';
import { AUDIT_HELP, audit } from './cmd-audit.ts';
import { SERVE_HELP, serve } from './cmd-serve.ts';

export const HELP = `Usage: custos <command> [options]

Commands:
  serve            run the key-management server (KMIP over HTTP and mutual TLS)
  audit verify     verify the hash-chained audit log
  help [command]   show help
  version          print the version

Run "custos <command> --help" for the options of a command.
`;

const HELPS: Readonly<Record<string, string>> = { serve: SERVE_HELP, audit: AUDIT_HELP };

/** Runs the command line `argv` (without node and script); returns the exit status. */
export async function main(argv: string[]): Promise<number> {
  const out = (line: string): void => {
    process.stdout.write(`${line}\n`);
  };
  const [command, ...rest] = argv;
  try {
    if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
      out(HELPS[rest[0] ?? ''] ?? HELP);
      return 0;
    }
    if (command === 'version' || command === '--version' || command === '-V') {
      out(SERVER_VERSION);
      return 0;
    }
    if (rest.includes('--help') || rest.includes('-h')) {
      const help = HELPS[command];
      if (help === undefined) throw new UsageError(`unknown command ${command}`);
      out(help);
      return 0;
    }
    switch (command) {
      case 'serve':
        return await serve(rest);
      case 'audit':
        return await audit(rest, out);
      default:
        throw new UsageError(`unknown command ${command}`);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`custos: ${error.message}\nRun "custos --help" for usage.`);
      return 2;
    }
    if (error instanceof ConfigError) {
      console.error(`custos: configuration: ${error.message}`);
      return 78;
    }
    const e = error as NodeJS.ErrnoException;
    if (e.code === 'EADDRINUSE' || e.code === 'EACCES') {
      console.error(`custos: cannot listen: ${e.message}`);
      return 1;
    }
    console.error(`custos: ${e.message}`);
    return 1;
  }
}
