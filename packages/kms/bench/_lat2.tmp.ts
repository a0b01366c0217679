import { connect as netConnect } from 'node:net';
const port = Number(process.argv[2]); const path = process.argv[3]!; const method = process.argv[4] ?? 'POST'; const body = Buffer.from(process.argv[5] ?? '');
const wire = Buffer.concat([Buffer.from(`${method} ${path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`), body]);
const s = netConnect({ host: '127.0.0.1', port }); s.setNoDelay(true);
await new Promise((r) => s.on('connect', r));
const lat: number[] = []; let buf = Buffer.alloc(0); let t0 = 0; let resolveOne: () => void = () => {};
s.on('data', (c: Buffer) => { buf = Buffer.concat([buf, c]); const e = buf.indexOf('\r\n\r\n'); if (e < 0) return; const m = /content-length: *(\d+)/i.exec(buf.subarray(0, e).toString()); const l = Number(m![1]); if (buf.length < e + 4 + l) return; buf = buf.subarray(e + 4 + l); lat.push(performance.now() - t0); resolveOne(); });
for (let i = 0; i < 5000; i++) { await new Promise<void>((r) => { resolveOne = r; t0 = performance.now(); s.write(wire); }); }
lat.sort((a, b) => a - b); console.log(path, method, 'p50', (lat[2500]! * 1000).toFixed(0), 'µs p10', (lat[500]! * 1000).toFixed(0)); s.destroy();
