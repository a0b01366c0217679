/**
 * `custos audit verify`: checks every audit chain of the configured database (or one, with
 * --chain) with the KEK, and prints each chain's length and head MAC (anchor the head elsewhere
 * to detect truncation). Exit status 1 when a chain is broken.
 */
import { createLogger, loadConfig, loadKek, openStore, verifyAudit } from '@custos/kms';
import { parseArgs, UsageError } from './_args.ts';

export const AUDIT_HELP = `Usage: custos audit verify [-c FILE] [--chain NAME] [--json] [--<setting> VALUE]...

Verifies the hash chain of the audit log with the key-encryption key of the configuration:
every record's HMAC and sequence number. Prints one line per chain with its record count and
head; exits with status 1 if any chain is broken. Run it against a stopped server, or accept
that records written during the check may be reported after it.
`;

export async function audit(
  argv: readonly string[],
  print: (line: string) => void,
): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub !== 'verify')
    throw new UsageError(
      sub === undefined ? 'audit needs a subcommand: verify' : `unknown audit subcommand ${sub}`,
    );
  const args = parseArgs(rest, { chain: true, json: false });
  const config = loadConfig({
    ...(args.config === undefined ? {} : { file: args.config }),
    overrides: args.overrides,
  });
  const logger = createLogger({ level: 'warn', format: config.log.format });
  const { kek } = loadKek(config);
  const store = await openStore(config, kek, logger);
  try {
    const chain = args.options['chain'];
    const reports = await verifyAudit(
      store,
      kek.auditKey,
      typeof chain === 'string' ? chain : undefined,
    );
    if (args.options['json'] === true) print(JSON.stringify(reports, null, 2));
    else if (reports.length === 0) print('no audit records');
    else
      for (const r of reports)
        print(
          r.ok
            ? `ok      ${r.chain}: ${r.records} records, head ${r.head}`
            : `BROKEN  ${r.chain}: record ${r.brokenAt ?? '?'}: ${r.problem ?? ''} (${r.records} valid records before it)`,
        );
    return reports.every((r) => r.ok) ? 0 : 1;
  } finally {
    await store.close();
  }
}
