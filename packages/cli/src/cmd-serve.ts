/**
 * `custos serve`: runs the key-management server until SIGINT/SIGTERM, then stops gracefully
 * (in-flight requests finish, the audit log is flushed).
 */
import { ConfigError, loadConfig, startServer } from '@custos/kms';
import { parseArgs, settingFlags } from './_args.ts';

export const SERVE_HELP = `Usage: custos serve [-c FILE] [--port N] [--hostname ADDR] [--<setting> VALUE]... [--set key=value]...

Runs the Custos KMS: KMIP over HTTP on 127.0.0.1:9998 (POST /kmip/2_1, POST /kmip), the rights
API, /health, /version, /metrics; SQLite in ./custos-data unless configured otherwise.

Configuration, lowest to highest precedence: defaults, the TOML file (-c FILE or
CUSTOS_CONFIG), environment variables CUSTOS_<SECTION>_<KEY>, flags. Every setting of the
sample file (packages/kms/custos.sample.toml) has a flag:
${settingFlags()}
  --port, --hostname             aliases of --http-port, --http-hostname
`;

export async function serve(
  argv: readonly string[],
  signals: NodeJS.EventEmitter = process,
): Promise<number> {
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
