/** The server side of `custos serve` (imported only when serving: `@custos/kms` is heavy). */
import { ConfigError, loadConfig, startServer } from '@custos/kms';
import { parseArgs, settingFlags } from './_settings-args.ts';

export async function serve(
  argv: readonly string[],
  signals: NodeJS.EventEmitter = process,
): Promise<number> {
  if (argv.includes('--settings')) {
    process.stdout.write(`${settingFlags()}\n`);
    return 0;
  }
  const args = parseArgs(argv);
  if (args.rest.length > 0) throw new ConfigError(`unexpected argument ${args.rest[0] ?? ''}`);
  const config = loadConfig({
    ...(args.config === undefined ? {} : { file: args.config }),
    overrides: args.overrides,
  });
  const server = await startServer(config);
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      signals.off('SIGINT', stop);
      signals.off('SIGTERM', stop);
      resolve();
    };
    signals.on('SIGINT', stop);
    signals.on('SIGTERM', stop);
  });
  await server.close();
  return 0;
}
