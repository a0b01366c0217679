import { loadConfig, silentLogger, startServer } from '@custos/kms';
import { Operation, createSymmetricKey, decodeJsonOperation, encodeJsonOperation, encodeRequestPayload, encrypt, decodeRequestPayload, encodeResponsePayload } from '@custos/kmip';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
const dir = mkdtempSync(join(tmpdir(), 'micro-'));
const s = await startServer(loadConfig({ env: {}, overrides: { data_dir: dir, 'http.port': '0', 'log.level': 'silent', 'kek.value': Buffer.alloc(32, 1).toString('base64'), 'audit.enabled': process.env.AUDIT ?? 'true' } }), { logger: silentLogger });
const caller = { user: 'admin', source: 'x' };
const c = await s.dispatcher.processOperation(Operation.Create, encodeRequestPayload(Operation.Create, createSymmetricKey({ activationDate: new Date(0) }).payload), caller);
const uid = decodeJsonOperation(encodeJsonOperation(Operation.Create, true, c)).payload.value.find((x) => x.tag === 0x420094)!.value as string;
const text = encodeJsonOperation(Operation.Encrypt, false, encodeRequestPayload(Operation.Encrypt, encrypt(uid, new Uint8Array(64)).payload));
async function time(name: string, fn: () => unknown, n = 20000) {
  for (let i = 0; i < 2000; i++) await fn();
  const t = performance.now();
  for (let i = 0; i < n; i++) await fn();
  console.log(name, ((performance.now() - t) * 1000 / n).toFixed(2), 'µs');
}
await time('JSON.parse', () => JSON.parse(text));
await time('decodeJsonOperation', () => decodeJsonOperation(JSON.parse(text)));
const { payload } = decodeJsonOperation(JSON.parse(text));
await time('decodeRequestPayload', () => decodeRequestPayload(Operation.Encrypt, payload));
await time('processOperation', () => s.dispatcher.processOperation(Operation.Encrypt, payload, caller));
const out = await s.dispatcher.processOperation(Operation.Encrypt, payload, caller);
await time('encodeJsonOperation', () => encodeJsonOperation(Operation.Encrypt, true, out, { style: 'cosmian' }));
await time('full', async () => { const p = decodeJsonOperation(JSON.parse(text)); const r = await s.dispatcher.processOperation(p.operation, p.payload, caller); return encodeJsonOperation(p.operation, true, r, { style: 'cosmian' }); });
await s.close();
