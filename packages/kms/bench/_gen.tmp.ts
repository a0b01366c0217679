import { connect as netConnect } from 'node:net';
const port = Number(process.argv[2]); const conc = Number(process.argv[3] ?? 8);
const body = Buffer.from('{"tag":"Encrypt","value":[]}');
const wire = Buffer.concat([Buffer.from(`POST /x HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`), body]);
let n = 0; const ms = 3000; const deadline = Date.now() + ms;
await Promise.all(Array.from({ length: conc }, () => new Promise<void>((resolve) => {
  const s = netConnect({ host: '127.0.0.1', port }); s.setNoDelay(true); let buf = Buffer.alloc(0);
  const go = () => { if (Date.now() > deadline) { s.destroy(); resolve(); return; } s.write(wire); };
  s.on('connect', go);
  s.on('data', (c: Buffer) => { buf = buf.length ? Buffer.concat([buf, c]) : c; const e = buf.indexOf('\r\n\r\n'); if (e < 0) return; const m = /content-length: *(\d+)/i.exec(buf.subarray(0, e).toString('latin1')); const l = Number(m![1]); if (buf.length < e + 4 + l) return; buf = buf.subarray(e + 4 + l); n++; go(); });
})));
console.log(process.argv[4] ?? '', 'rps', Math.round(n / (ms / 1000)));
