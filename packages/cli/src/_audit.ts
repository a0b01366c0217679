/** `custos audit verify` against the server's database (imported lazily: `@custos/kms`). */
import { createLogger, loadConfig, loadKek, openStore, verifyAudit } from '@custos/kms';
import { parseArgs } from './_settings-args.ts';

export async function audit(
  argv: readonly string[],
  print: (line: string) => void,
): Promise<number> {
  const args = parseArgs(argv, { chain: true, json: false });
  if (args.rest.length > 0) {
    const { UsageError } = await import('./_errors.ts');
    throw new UsageError(`unexpected argument ${args.rest[0] ?? ''}`, 'audit verify');
  }
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
