/**
 * KMS throughput on loopback, concurrency 1 to 16, with a bare node:http server measured in the
 * same run as the ceiling:
 *
 * - AES-256-GCM encrypt of 64 bytes over JSON (`POST /kmip/2_1`, bare operation, as Cosmian's
 *   clients send it) and over binary TTLV (`POST /kmip`, Request Message);
 * - key creations (Create AES-256) per second on SQLite and on PostgreSQL.
 *
 * Servers run in their own processes; this process is the load generator (keep-alive
 * connections driven over raw sockets, one request in flight per connection, pre-serialized
 * requests). Server and load
 * generator share the machine's cores, as in Cosmian's published figures.
 *
 * Knobs: BENCH_DURATION_MS (per point, default 1000), BENCH_WARMUP_MS (default 300),
 * BENCH_REPEATS (ceiling and encrypt rows: median of N alternating runs, default 5),
 * BENCH_CONCURRENCY (default 1,2,4,8,16), BENCH_PG_URL (default postgres://postgres@127.0.0.1:5432/test),
 * BENCH_FILTER (regex on the row name).
 *
 * Run: cd packages/kms && npm run bench
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { connect as netConnect } from 'node:net';
import { Agent, request } from 'node:http';
import { cpus, tmpdir } from 'node:os';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { cryptoOpRows } from './_crypto-ops.ts';
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

const DURATION = Number(process.env['BENCH_DURATION_MS'] ?? 1000);
const WARMUP = Number(process.env['BENCH_WARMUP_MS'] ?? 300);
const LEVELS = (process.env['BENCH_CONCURRENCY'] ?? '1,2,4,8,16').split(',').map(Number);
const PG_URL = process.env['BENCH_PG_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
const FILTER =
  process.env['BENCH_FILTER'] === undefined
    ? undefined
    : new RegExp(process.env['BENCH_FILTER'], 'i');
const SERVER = fileURLToPath(new URL('./_server.ts', import.meta.url));

interface Point {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  /** Server CPU time (user + system) per request in µs, when measurable (Linux). */
  cpuUs?: number;
}

/** CPU time (user + system) of a process in µs, from /proc (Linux only). */
function processCpuUs(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ');
    const ticks = Number(fields?.[11]) + Number(fields?.[12]);
    return Number.isFinite(ticks) ? (ticks * 1e6) / CLOCK_TICKS : undefined;
  } catch {
    return undefined;
  }
}
const CLOCK_TICKS = 100;

interface Running {
  port: number;
  child: ChildProcess;
  stop(): Promise<void>;
}

function startServer(args: string[]): Promise<Running> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--conditions=custos-source', SERVER, ...args], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /PORT (\d+)/.exec(out);
      if (m !== null)
        resolve({
          port: Number(m[1]),
          child,
          stop: () =>
            new Promise((r) => {
              child.once('exit', () => {
                r();
              });
              child.kill('SIGTERM');
            }),
        });
    });
    child.once('exit', (code) => {
      reject(new Error(`server exited with ${code}`));
    });
  });
}

interface Target {
  /** Server process, for its CPU time. */
  pid?: number | undefined;
  port: number;
  path: string;
  contentType: string;
  body: Buffer;
}

function once(agent: Agent, t: Target): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        agent,
        host: '127.0.0.1',
        port: t.port,
        path: t.path,
        method: 'POST',
        headers: { 'content-type': t.contentType, 'content-length': t.body.length },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) });
        });
      },
    );
    req.on('error', reject);
    req.end(t.body);
  });
}

/**
 * One keep-alive connection driven by hand: pre-built HTTP/1.1 request bytes, a minimal
 * response parser (status line, Content-Length, body). Much lighter than node:http's client,
 * so that the load generator takes as little of the shared CPU as possible.
 */
function connection(t: Target): { send: () => Promise<number>; close: () => void } {
  const head = Buffer.from(
    `POST ${t.path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: ${t.contentType}\r\nContent-Length: ${t.body.length}\r\n\r\n`,
  );
  const wire = Buffer.concat([head, t.body]);
  const socket = netConnect({ host: '127.0.0.1', port: t.port });
  socket.setNoDelay(true);
  let buffer: Buffer = Buffer.alloc(0);
  let waiting: ((status: number) => void) | undefined;
  let failing: ((e: Error) => void) | undefined;
  socket.on('data', (chunk: Buffer) => {
    buffer = buffer.length === 0 ? chunk : Buffer.concat([buffer, chunk]);
    const end = buffer.indexOf('\r\n\r\n');
    if (end === -1) return;
    const header = buffer.subarray(0, end).toString('latin1');
    const m = /content-length: *(\d+)/i.exec(header);
    const length = m === null ? 0 : Number(m[1]);
    if (buffer.length < end + 4 + length) return;
    const status = Number(header.slice(9, 12));
    buffer = buffer.subarray(end + 4 + length);
    const w = waiting;
    waiting = undefined;
    w?.(status);
  });
  socket.on('error', (e) => failing?.(e));
  return {
    send: () =>
      new Promise<number>((resolve, reject) => {
        waiting = resolve;
        failing = reject;
        socket.write(wire);
      }),
    close: () => socket.destroy(),
  };
}

async function load(t: Target, concurrency: number, ms: number, record: boolean): Promise<Point> {
  const latencies: number[] = [];
  let errors = 0;
  let done = 0;
  const deadline = performance.now() + ms;
  const worker = async (): Promise<void> => {
    const c = connection(t);
    try {
      while (performance.now() < deadline) {
        const start = performance.now();
        const status = await c.send();
        if (status !== 200) errors++;
        done++;
        if (record) latencies.push(performance.now() - start);
      }
    } finally {
      c.close();
    }
  };
  const started = performance.now();
  const cpu0 = processCpuUs(t.pid);
  await Promise.all(Array.from({ length: concurrency }, worker));
  const cpu1 = processCpuUs(t.pid);
  const elapsed = performance.now() - started;
  latencies.sort((a, b) => a - b);
  const q = (p: number): number =>
    latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? 0;
  const point: Point = { rps: (done / elapsed) * 1000, p50: q(0.5), p99: q(0.99), errors };
  if (cpu0 !== undefined && cpu1 !== undefined && done > 0) point.cpuUs = (cpu1 - cpu0) / done;
  return point;
}

async function measure(t: Target): Promise<Point[]> {
  const out: Point[] = [];
  for (const c of LEVELS) {
    await load(t, c, WARMUP, false);
    out.push(await load(t, c, DURATION, true));
  }
  return out;
}

const rows: { name: string; points: Point[] | string; ratios?: number[] }[] = [];
const want = (name: string): boolean => FILTER === undefined || FILTER.test(name);

async function createKey(port: number): Promise<string> {
  const body = Buffer.from(
    encodeJsonOperation(
      Operation.Create,
      false,
      encodeRequestPayload(
        Operation.Create,
        createSymmetricKey({ length: 256, activationDate: new Date(Date.now() - 60_000) }).payload,
      ),
    ),
  );
  const r = await once(new Agent(), {
    port,
    path: '/kmip/2_1',
    contentType: 'application/json',
    body,
  });
  if (r.status !== 200) throw new Error(`Create failed: ${r.status} ${r.body.toString()}`);
  const m = /"UniqueIdentifier","type":"TextString","value":"([^"]+)"/.exec(r.body.toString());
  if (m === null) throw new Error('no identifier in the Create response');
  return m[1] as string;
}

async function checked(t: Target, expect: RegExp | ((b: Buffer) => boolean)): Promise<Target> {
  const r = await once(new Agent(), t);
  const ok =
    r.status === 200 &&
    (expect instanceof RegExp ? expect.test(r.body.toString()) : expect(r.body));
  if (!ok)
    throw new Error(
      `unexpected answer from ${t.path}: ${r.status} ${r.body.toString().slice(0, 200)}`,
    );
  return t;
}

async function pgReachable(): Promise<string | undefined> {
  const c = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 1000 });
  try {
    await c.connect();
    return undefined;
  } catch (e) {
    return `PostgreSQL unreachable at ${PG_URL}: ${(e as Error).message}`;
  } finally {
    await c.end().catch(() => undefined);
  }
}

const data64 = new Uint8Array(64).fill(0x61);
const REPEATS = Number(process.env['BENCH_REPEATS'] ?? 5);

interface Series {
  points: Point[];
  /** Per level: median over the repeats of (this rps / first target's rps in the same repeat). */
  ratios: number[];
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? Number.NaN;
};

/**
 * Measures several targets at each concurrency level, alternating between them `REPEATS`
 * times, and reports medians. Ratios to the first target (the ceiling) are taken per repeat,
 * from measurements seconds apart, then their median: on a shared machine whose background load
 * drifts, ratios of numbers measured minutes apart mean little.
 */
async function interleaved(targets: readonly Target[]): Promise<Series[]> {
  const out: Series[] = targets.map(() => ({ points: [], ratios: [] }));
  for (const c of LEVELS) {
    const samples: Point[][] = targets.map(() => []);
    for (let r = 0; r < REPEATS; r++) {
      for (const [i, t] of targets.entries()) {
        await load(t, c, WARMUP, false);
        samples[i]?.push(await load(t, c, DURATION, true));
      }
    }
    for (const [i, s] of samples.entries()) {
      const series = out[i] as Series;
      series.ratios.push(median(s.map((p, r) => p.rps / (samples[0]?.[r]?.rps ?? Number.NaN))));
      const sorted = [...s].sort((a, b) => a.rps - b.rps);
      series.points.push(sorted[Math.floor(sorted.length / 2)] as Point);
    }
  }
  return out;
}

// The ceiling and the KMS (SQLite) side by side: encrypt over JSON and binary.
const dir = mkdtempSync(join(tmpdir(), 'custos-kms-bench-'));
try {
  const bare = await startServer(['bare']);
  const kms = await startServer(['kms', dir]);
  const uid = await createKey(kms.port);
  const names: string[] = [];
  const targets: Target[] = [];
  if (want('bare node:http (ceiling)')) {
    names.push('bare node:http (ceiling)');
    targets.push({
      pid: bare.child.pid,
      port: bare.port,
      path: '/kmip/2_1',
      contentType: 'application/json',
      body: Buffer.from(
        JSON.stringify({
          tag: 'Encrypt',
          value: [{ tag: 'Data', type: 'ByteString', value: '61'.repeat(64) }],
        }),
      ),
    });
  }
  if (want('encrypt 64 B JSON')) {
    const json = Buffer.from(
      encodeJsonOperation(
        Operation.Encrypt,
        false,
        encodeRequestPayload(Operation.Encrypt, encrypt(uid, data64).payload),
      ),
    );
    names.push('AES-256-GCM encrypt 64 B, JSON /kmip/2_1');
    targets.push(
      await checked(
        {
          pid: kms.child.pid,
          port: kms.port,
          path: '/kmip/2_1',
          contentType: 'application/json',
          body: json,
        },
        /"EncryptResponse"/,
      ),
    );
  }
  if (want('encrypt 64 B binary')) {
    const bin = Buffer.from(
      encodeTtlv(encodeRequestMessage(requestMessage([encrypt(uid, data64)]))),
    );
    names.push('AES-256-GCM encrypt 64 B, binary /kmip');
    // Result Status Success (0) in the response.
    targets.push(
      await checked(
        {
          pid: kms.child.pid,
          port: kms.port,
          path: '/kmip',
          contentType: 'application/octet-stream',
          body: bin,
        },
        (b) => b.includes(Buffer.from('42007f050000000400000000', 'hex')),
      ),
    );
  }
  const results = await interleaved(targets);
  for (const [i, name] of names.entries())
    rows.push({
      name,
      points: results[i]?.points ?? [],
      ...(i > 0 && results[0] !== undefined && names[0]?.startsWith('bare') === true
        ? { ratios: results[i]?.ratios ?? [] }
        : {}),
    });
  if (want('create SQLite')) {
    const create = Buffer.from(
      encodeJsonOperation(
        Operation.Create,
        false,
        encodeRequestPayload(Operation.Create, createSymmetricKey({ length: 256 }).payload),
      ),
    );
    const t = await checked(
      {
        pid: kms.child.pid,
        port: kms.port,
        path: '/kmip/2_1',
        contentType: 'application/json',
        body: create,
      },
      /"CreateResponse"/,
    );
    rows.push({ name: 'Create AES-256 key, SQLite', points: await measure(t) });
  }
  await kms.stop();
  await bare.stop();
} finally {
  rmSync(dir, { recursive: true, force: true });
}

// Key creation on PostgreSQL.
if (want('create PostgreSQL')) {
  const why = await pgReachable();
  if (why !== undefined)
    rows.push({ name: 'Create AES-256 key, PostgreSQL', points: `skipped: ${why}` });
  else {
    const schema = `kms_bench_${process.pid}`;
    const pgDir = mkdtempSync(join(tmpdir(), 'custos-kms-bench-'));
    try {
      const kms = await startServer(['kms', pgDir, PG_URL, schema]);
      const create = Buffer.from(
        encodeJsonOperation(
          Operation.Create,
          false,
          encodeRequestPayload(Operation.Create, createSymmetricKey({ length: 256 }).payload),
        ),
      );
      const t = await checked(
        {
          pid: kms.child.pid,
          port: kms.port,
          path: '/kmip/2_1',
          contentType: 'application/json',
          body: create,
        },
        /"CreateResponse"/,
      );
      rows.push({ name: 'Create AES-256 key, PostgreSQL', points: await measure(t) });
      await kms.stop();
    } finally {
      rmSync(pgDir, { recursive: true, force: true });
      const c = new pg.Client({ connectionString: PG_URL });
      await c.connect();
      await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await c.end();
    }
  }
}

// Server crypto operations (issue 8): ECDSA P-256 sign, RSA-2048 decrypt, Covercrypt encrypt
// 1 KiB over JSON on SQLite, at BENCH_OPS_CONCURRENCY (default 1,8). Rows of operations the
// server lacks say "skipped" (decided at run time, see _crypto-ops.ts).
const OP_LEVELS = (process.env['BENCH_OPS_CONCURRENCY'] ?? '1,8').split(',').map(Number);
const opRows: { name: string; points: Point[] | string }[] = [];
if (want('sign') || want('decrypt') || want('covercrypt')) {
  const opsDir = mkdtempSync(join(tmpdir(), 'custos-kms-bench-'));
  try {
    const kms = await startServer(['kms', opsDir]);
    const post = (body: Buffer): ReturnType<typeof once> =>
      once(new Agent(), {
        port: kms.port,
        path: '/kmip/2_1',
        contentType: 'application/json',
        body,
      });
    for (const r of await cryptoOpRows(post)) {
      if (!want(r.name)) continue;
      if ('skipped' in r) {
        opRows.push({ name: r.name, points: r.skipped });
        continue;
      }
      const t: Target = {
        pid: kms.child.pid,
        port: kms.port,
        path: '/kmip/2_1',
        contentType: 'application/json',
        body: r.body,
      };
      const points: Point[] = [];
      for (const c of OP_LEVELS) {
        await load(t, c, WARMUP, false);
        points.push(await load(t, c, DURATION, true));
      }
      opRows.push({ name: r.name, points });
    }
    await kms.stop();
  } finally {
    rmSync(opsDir, { recursive: true, force: true });
  }
}

// Report.
const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');
const cpu = cpus()[0]?.model ?? 'unknown CPU';
console.log(
  `\nCustos KMS, ${process.version}, ${cpus().length} × ${cpu}; ${DURATION} ms per point after ${WARMUP} ms warm-up (ceiling and encrypt: median of ${REPEATS} alternating runs); requests/s; p50 / p99 latency (ms) at the highest concurrency; server CPU (user + system) per request, median over the levels\n`,
);
console.log(
  `| scenario | ${LEVELS.map((c) => `c=${c}`).join(' | ')} | p50 / p99 | server CPU/req |`,
);
console.log(`|---|${LEVELS.map(() => '---:').join('|')}|---:|---:|`);
for (const r of rows) {
  if (typeof r.points === 'string') {
    console.log(`| ${r.name} | ${r.points} |`);
    continue;
  }
  const last = r.points[r.points.length - 1] as Point;
  const errs = r.points.reduce((s, p) => s + p.errors, 0);
  const cpus = r.points.map((p) => p.cpuUs).filter((x): x is number => x !== undefined);
  const cpu = cpus.length === 0 ? '—' : `${Math.round(median(cpus))} µs`;
  console.log(
    `| ${r.name} | ${r.points.map((p) => fmt(p.rps)).join(' | ')} | ${last.p50.toFixed(2)} / ${last.p99.toFixed(2)}${errs > 0 ? ` (${errs} errors)` : ''} | ${cpu} |`,
  );
}
for (const r of rows) {
  if (r.ratios === undefined) continue;
  console.log(
    `| ${r.name}, share of the ceiling (paired median) | ${r.ratios.map((x) => `${Math.round(x * 100)}%`).join(' | ')} | |`,
  );
}
if (opRows.length > 0) {
  console.log(`\nServer crypto operations, JSON /kmip/2_1, SQLite; requests/s\n`);
  console.log(
    `| operation | ${OP_LEVELS.map((c) => `c=${c}`).join(' | ')} | p50 / p99 (ms) | server CPU/req |`,
  );
  console.log(`|---|${OP_LEVELS.map(() => '---:').join('|')}|---:|---:|`);
  for (const r of opRows) {
    if (typeof r.points === 'string') {
      console.log(`| ${r.name} | ${r.points} |`);
      continue;
    }
    const last = r.points[r.points.length - 1] as Point;
    const errs = r.points.reduce((s, p) => s + p.errors, 0);
    const cpus = r.points.map((p) => p.cpuUs).filter((x): x is number => x !== undefined);
    console.log(
      `| ${r.name} | ${r.points.map((p) => fmt(p.rps)).join(' | ')} | ${last.p50.toFixed(2)} / ${last.p99.toFixed(2)}${errs > 0 ? ` (${errs} errors)` : ''} | ${cpus.length === 0 ? '—' : `${Math.round(median(cpus))} µs`} |`,
    );
  }
}
