import { connect as netConnect } from 'node:net';
import { Agent, request } from 'node:http';
import { Operation, createSymmetricKey, encodeJsonOperation, encodeRequestPayload, encrypt } from '@custos/kmip';
const port = Number(process.argv[2]);
const once = (path: string, body: Buffer): Promise<string> => new Promise((res, rej) => { const r = request({ host: '127.0.0.1', port, path, method: 'POST', headers: { 'content-type': 'application/json' } }, (m) => { let b = ''; m.on('data', (c) => (b += c)); m.on('end', () => res(b)); }); r.on('error', rej); r.end(body); });
const created = await once('/kmip/2_1', Buffer.from(encodeJsonOperation(Operation.Create, false, encodeRequestPayload(Operation.Create, createSymmetricKey({ length: 256, activationDate: new Date(0) }).payload))));
const uid = /"UniqueIdentifier","type":"TextString","value":"([^"]+)"/.exec(created)![1]!;
const body = Buffer.from(encodeJsonOperation(Operation.Encrypt, false, encodeRequestPayload(Operation.Encrypt, encrypt(uid, new Uint8Array(64)).payload)));
const wire = Buffer.concat([Buffer.from(`POST /kmip/2_1 HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`), body]);
let n = 0; const deadline = Date.now() + Number(process.argv[3] ?? 4000);
await Promise.all(Array.from({ length: 8 }, () => new Promise<void>((resolve) => {
  const s = netConnect({ host: '127.0.0.1', port }); let buf = Buffer.alloc(0);
  const go = () => { if (Date.now() > deadline) { s.destroy(); resolve(); return; } s.write(wire); };
  s.on('connect', go);
  s.on('data', (c: Buffer) => { buf = Buffer.concat([buf, c]); const e = buf.indexOf('\r\n\r\n'); if (e < 0) return; const m = /content-length: *(\d+)/i.exec(buf.subarray(0, e).toString()); const l = Number(m![1]); if (buf.length < e + 4 + l) return; buf = buf.subarray(e + 4 + l); n++; go(); });
})));
console.log('rps', n / (Number(process.argv[3] ?? 4000) / 1000));
