/**
 * A server process for the benchmark: `bare` (a node:http server answering every POST with a
 * fixed 200-byte JSON body: the ceiling of any Node HTTP service on this machine) or `kms`
 * (the Custos KMS, default configuration, on an ephemeral port). Prints `PORT <n>` when ready
 * and stops on SIGTERM.
 *
 * Usage: node --conditions=custos-source bench/_server.ts bare
 *        node --conditions=custos-source bench/_server.ts kms <data dir> [postgres url] [schema]
 */
import { createServer } from 'node:http';
import { loadConfig, silentLogger, startServer } from '@custos/kms';

const [mode, dir, pgUrl, schema] = process.argv.slice(2);

function ready(port: number, stop: () => Promise<void>): void {
  process.stdout.write(`PORT ${port}\n`);
  process.once('SIGTERM', () => {
    void stop().then(() => process.exit(0));
  });
}

if (mode === 'bare') {
  const body = JSON.stringify({
    tag: 'EncryptResponse',
    value: [
      { tag: 'UniqueIdentifier', type: 'TextString', value: 'x'.repeat(36) },
      { tag: 'Data', type: 'ByteString', value: '00'.repeat(32) },
    ],
  }).slice(0, 200);
  const server = createServer((req, res) => {
    req.on('data', () => undefined);
    req.on('end', () => {
      res.writeHead(200, {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(body),
      });
      res.end(body);
    });
  });
  server.keepAliveTimeout = 120_000;
  server.listen(0, '127.0.0.1', () => {
    const a = server.address();
    ready(
      typeof a === 'object' && a !== null ? a.port : 0,
      () =>
        new Promise((r) => {
          server.close(() => {
            r();
          });
        }),
    );
  });
} else if (mode === 'kms' && dir !== undefined) {
  const overrides: Record<string, string> = {
    data_dir: dir,
    'http.port': '0',
    'log.level': 'silent',
    'kek.value': Buffer.alloc(32, 1).toString('base64'),
  };
  if (pgUrl !== undefined && schema !== undefined)
    Object.assign(overrides, { 'db.type': 'postgresql', 'db.url': pgUrl, 'db.schema': schema });
  const server = await startServer(loadConfig({ env: process.env, overrides }), {
    logger: silentLogger,
  });
  ready(server.httpPort ?? 0, () => server.close());
} else {
  console.error('usage: _server.ts bare | kms <dir> [pg url] [schema]');
  process.exit(2);
}
