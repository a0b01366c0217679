/**
 * `custos serve`: runs the key-management server until SIGINT/SIGTERM, then stops gracefully
 * (in-flight requests finish, the audit log is flushed). Takes every server setting as a flag
 * (raw command: `@custos/kms` parses them).
 */
import { registerCommand } from './_commands.ts';

registerCommand(['serve'], {
  summary: 'run the key-management server (KMIP over HTTP and mutual TLS)',
  usage: '[-c FILE] [--port N] [--hostname ADDR] [--<setting> VALUE]... [--set key=value]...',
  description: `Runs the Custos KMS: KMIP over HTTP on 127.0.0.1:9998 (POST /kmip/2_1, POST /kmip), the rights
API, /health, /version, /metrics; SQLite in ./custos-data unless configured otherwise.

Configuration, lowest to highest precedence: defaults, the TOML file (-c FILE or
CUSTOS_CONFIG), environment variables CUSTOS_<SECTION>_<KEY>, flags. Every setting of the
sample file (packages/kms/custos.sample.toml) has a flag; "custos serve --settings" lists them.
  --port, --hostname             aliases of --http-port, --http-hostname`,
  raw: true,
  async run(_ctx, args) {
    const { serve } = await import('./_serve.ts');
    return serve(args.positionals);
  },
});
