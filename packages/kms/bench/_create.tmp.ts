import { loadConfig, silentLogger, startServer } from '@custos/kms';
import { Operation, createSymmetricKey, encodeRequestPayload } from '@custos/kmip';
import { mkdtempSync } from 'node:fs'; import { tmpdir } from 'node:os'; import { join } from 'node:path';
const dir = mkdtempSync(join(tmpdir(), 'micro-'));
const s = await startServer(loadConfig({ env: {}, overrides: { data_dir: dir, 'http.port': '0', 'log.level': 'silent', 'kek.value': Buffer.alloc(32, 1).toString('base64') } }), { logger: silentLogger });
const caller = { user: 'admin', source: 'x' };
const payload = encodeRequestPayload(Operation.Create, createSymmetricKey({ length: 256 }).payload);
for (let r = 0; r < 3; r++) {
  const t = performance.now(); const c0 = process.cpuUsage(); let n = 0;
  while (performance.now() - t < 2000) { await s.dispatcher.processOperation(Operation.Create, payload, caller); n++; if (n % 100 === 0) await new Promise((x) => setImmediate(x)); }
  const c = process.cpuUsage(c0);
  console.log('create µs wall', ((performance.now() - t) * 1000 / n).toFixed(1), 'cpu', ((c.user + c.system) / n).toFixed(1));
}
await s.close();
