/**
 * CPU profile of the KMS on one request type under load: starts `_server.ts kms` with
 * `--cpu-prof`, drives it over raw keep-alive sockets (as `run.ts` does) and prints the top
 * functions by self time from the profile written when the server exits.
 *
 * Usage: node --conditions=custos-source bench/profile.ts [json|binary] [seconds] [concurrency]
 * Env: PROFILE_DIR (where the .cpuprofile goes, default a temporary folder, kept and printed),
 * PROFILE_INTERVAL_US (sampling interval, default 1000; node's `--cpu-prof-interval`).
 *
 * The profiler samples wall time on the main thread: a `write` to the socket that wakes the load
 * generator, which then takes the core, is charged to `writeUtf8String` although the server is
 * off the CPU. For CPU time per request use run.ts (from /proc) or `perf`.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  Operation,
  createSymmetricKey,
  encodeJsonOperation,
  encodeRequestMessage,
  encodeRequestPayload,
  encodeTtlv,
  encrypt,
  requestMessage,
} from '@custos/kmip';

const [kind = 'json', secondsArg = '5', concurrencyArg = '4'] = process.argv.slice(2);
const SERVER = fileURLToPath(new URL('./_server.ts', import.meta.url));
const profileDir = process.env['PROFILE_DIR'] ?? mkdtempSync(join(tmpdir(), 'custos-kms-prof-'));
const dataDir = mkdtempSync(join(tmpdir(), 'custos-kms-prof-data-'));

const child = spawn(
  process.execPath,
  [
    '--conditions=custos-source',
    '--cpu-prof',
    `--cpu-prof-dir=${profileDir}`,
    `--cpu-prof-interval=${process.env['PROFILE_INTERVAL_US'] ?? '1000'}`,
    SERVER,
    'kms',
    dataDir,
  ],
  { stdio: ['ignore', 'pipe', 'inherit'] },
);
// The server must not outlive this script, whatever happens here.
process.once('exit', () => child.kill('SIGKILL'));
const port = await new Promise<number>((resolve, reject) => {
  let out = '';
  child.stdout.on('data', (c: Buffer) => {
    out += c.toString();
    const m = /PORT (\d+)/.exec(out);
    if (m !== null) resolve(Number(m[1]));
  });
  child.once('exit', (code) => {
    reject(new Error(`server exited with ${code}`));
  });
});

/** One request/response over a fresh socket (setup only). */
function post(path: string, type: string, text: string): Promise<string> {
  const body = Buffer.from(text);
  return new Promise((resolve, reject) => {
    const s = connect({ host: '127.0.0.1', port });
    let got = '';
    s.on('data', (c: Buffer) => {
      got += c.toString('latin1');
      const end = got.indexOf('\r\n\r\n');
      const m = /content-length: *(\d+)/i.exec(got);
      if (end !== -1 && m !== null && got.length >= end + 4 + Number(m[1])) {
        s.destroy();
        resolve(got.slice(end + 4));
      }
    });
    s.on('error', reject);
    s.write(
      `POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Type: ${type}\r\nContent-Length: ${body.length}\r\n\r\n`,
    );
    s.write(body);
  });
}

const created = await post(
  '/kmip/2_1',
  'application/json',
  encodeJsonOperation(
    Operation.Create,
    false,
    encodeRequestPayload(
      Operation.Create,
      createSymmetricKey({ length: 256, activationDate: new Date(Date.now() - 60_000) }).payload,
    ),
  ),
);
const uid = /"UniqueIdentifier","type":"TextString","value":"([^"]+)"/.exec(created)?.[1];
if (uid === undefined) throw new Error(`Create failed: ${created.slice(0, 200)}`);
const data = new Uint8Array(64).fill(0x61);
const [path, type, body] =
  kind === 'binary'
    ? [
        '/kmip',
        'application/octet-stream',
        encodeTtlv(encodeRequestMessage(requestMessage([encrypt(uid, data)]))),
      ]
    : [
        '/kmip/2_1',
        'application/json',
        encodeJsonOperation(
          Operation.Encrypt,
          false,
          encodeRequestPayload(Operation.Encrypt, encrypt(uid, data).payload),
        ),
      ];
const wire = Buffer.concat([
  Buffer.from(
    `POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Type: ${type}\r\nContent-Length: ${body.length}\r\n\r\n`,
  ),
  Buffer.from(body),
]);

let done = 0;
const deadline = performance.now() + Number(secondsArg) * 1000;
await Promise.all(
  Array.from(
    { length: Number(concurrencyArg) },
    () =>
      new Promise<void>((resolve, reject) => {
        const s = connect({ host: '127.0.0.1', port });
        s.setNoDelay(true);
        let buf: Buffer = Buffer.alloc(0);
        s.on('data', (c: Buffer) => {
          buf = buf.length === 0 ? c : Buffer.concat([buf, c]);
          const end = buf.indexOf('\r\n\r\n');
          if (end === -1) return;
          const m = /content-length: *(\d+)/i.exec(buf.subarray(0, end).toString('latin1'));
          const total = end + 4 + Number(m?.[1] ?? 0);
          if (buf.length < total) return;
          buf = buf.subarray(total);
          done++;
          if (performance.now() < deadline) s.write(wire);
          else {
            s.destroy();
            resolve();
          }
        });
        s.on('error', reject);
        s.write(wire);
      }),
  ),
);
console.log(`${kind}: ${Math.round(done / Number(secondsArg))} requests/s while profiling`);
await new Promise<void>((r) => {
  child.once('exit', () => {
    r();
  });
  child.kill('SIGTERM');
});
rmSync(dataDir, { recursive: true, force: true });

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount: number;
}
const file = readdirSync(profileDir).find((f) => f.endsWith('.cpuprofile'));
if (file === undefined) throw new Error('no profile written');
const profile = JSON.parse(readFileSync(join(profileDir, file), 'utf8')) as { nodes: Node[] };
const self = new Map<string, number>();
let total = 0;
for (const n of profile.nodes) {
  total += n.hitCount;
  const where = n.callFrame.url.replace(/^.*\/(packages|node_modules)\//, '$1/');
  const key = `${n.callFrame.functionName || '(anonymous)'} ${where}:${n.callFrame.lineNumber + 1}`;
  self.set(key, (self.get(key) ?? 0) + n.hitCount);
}
console.log(`profile: ${join(profileDir, file)} (${total} samples)`);
for (const [k, v] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 45))
  console.log(`${((v / total) * 100).toFixed(1).padStart(5)}%  ${k}`);
