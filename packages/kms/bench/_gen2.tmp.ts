import { connect as netConnect } from 'node:net';
import { request } from 'node:http';
import { Operation, createSymmetricKey, encodeJsonOperation, encodeRequestPayload, encrypt } from '@custos/kmip';
const port = Number(process.argv[2]); const conc = Number(process.argv[3] ?? 8); const kind = process.argv[5] ?? 'bare';
const once = (p: string, b: Buffer): Promise<string> => new Promise((res, rej) => { const r = request({ host: '127.0.0.1', port, path: p, method: 'POST', headers: { 'content-type': 'application/json' } }, (m) => { let x = ''; m.on('data', (c) => (x += c)); m.on('end', () => res(x)); }); r.on('error', rej); r.end(b); });
let body = Buffer.from('{"tag":"Encrypt","value":[]}');
if (kind === 'kms') {
  const created = await once('/kmip/2_1', Buffer.from(encodeJsonOperation(Operation.Create, false, encodeRequestPayload(Operation.Create, createSymmetricKey({ length: 256, activationDate: new Date(0) }).payload))));
  const uid = /"UniqueIdentifier","type":"TextString","value":"([^"]+)"/.exec(created)![1]!;
  body = Buffer.from(encodeJsonOperation(Operation.Encrypt, false, encodeRequestPayload(Operation.Encrypt, encrypt(uid, new Uint8Array(64)).payload)));
}
if (kind === 'dv') body = Buffer.from('{"tag":"DiscoverVersions","value":[]}');
const method = kind === 'version' ? 'GET' : 'POST'; const path = kind === 'version' ? '/version' : '/kmip/2_1';
if (kind === 'version') body = Buffer.alloc(0);
const wire = Buffer.concat([Buffer.from(`${method} ${path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`), body]);
let n = 0; const ms = 4000; const deadline = Date.now() + ms;
await Promise.all(Array.from({ length: conc }, () => new Promise<void>((resolve) => {
  const s = netConnect({ host: '127.0.0.1', port }); s.setNoDelay(true); let buf = Buffer.alloc(0);
  const go = () => { if (Date.now() > deadline) { s.destroy(); resolve(); return; } s.write(wire); };
  s.on('connect', go);
  s.on('data', (c: Buffer) => { buf = buf.length ? Buffer.concat([buf, c]) : c; const e = buf.indexOf('\r\n\r\n'); if (e < 0) return; const m = /content-length: *(\d+)/i.exec(buf.subarray(0, e).toString('latin1')); const l = Number(m![1]); if (buf.length < e + 4 + l) return; buf = buf.subarray(e + 4 + l); n++; go(); });
})));
console.log('rps', Math.round(n / (ms / 1000)), 'n', n);
