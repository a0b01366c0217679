/**
 * Where the server's CPU goes on one JSON Encrypt, stage by stage, in process (no socket): each
 * stage of the `POST /kmip/2_1` path is run alone in a loop on the default configuration (SQLite,
 * audit on) and timed. The HTTP layer itself (parsing, headers, socket write) is not here: the
 * CPU per request that run.ts reports, minus the sum below, is what it costs.
 *
 * Usage: node --conditions=custos-source [--expose-gc --max-semi-space-size=64] bench/stages.ts [iterations]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  Operation,
  createSymmetricKey,
  decodeJsonOperation,
  decodeRequestPayload,
  encodeJsonOperation,
  encodeRequestPayload,
  encodeResponsePayload,
  encrypt,
} from '@custos/kmip';
import { loadConfig } from '../src/config.ts';
import { silentLogger } from '../src/log.ts';
import { startServer } from '../src/server.ts';

const N = Number(process.argv[2] ?? 50_000);
const dir = mkdtempSync(join(tmpdir(), 'custos-kms-stages-'));
const server = await startServer(
  loadConfig({
    env: {},
    overrides: {
      data_dir: dir,
      'http.port': '0',
      'log.level': 'silent',
      'kek.value': Buffer.alloc(32, 1).toString('base64'),
    },
  }),
  { logger: silentLogger },
);
const caller = { user: server.config.defaultUsername, source: 'http 127.0.0.1' };
try {
  const created = await server.dispatcher.processOperation(
    Operation.Create,
    encodeRequestPayload(
      Operation.Create,
      createSymmetricKey({ length: 256, activationDate: new Date(Date.now() - 60_000) }).payload,
    ),
    caller,
  );
  const uid = /"UniqueIdentifier","type":"TextString","value":"([^"]+)"/.exec(
    encodeJsonOperation(Operation.Create, true, created),
  )?.[1] as string;
  const body = Buffer.from(
    encodeJsonOperation(
      Operation.Encrypt,
      false,
      encodeRequestPayload(Operation.Encrypt, encrypt(uid, new Uint8Array(64).fill(0x61)).payload),
    ),
  );
  const parsed = JSON.parse(body.toString('utf8')) as object;
  const { payload } = decodeJsonOperation(parsed);
  const out = await server.dispatcher.processOperation(Operation.Encrypt, payload, caller);
  const req = decodeRequestPayload(Operation.Encrypt, payload, { major: 2, minor: 1 });
  const loaded = server.state.repo.peek(uid);
  if (loaded === undefined) throw new Error('not cached');
  const audit = server.state.audit;

  const stages: [string, () => unknown][] = [
    ['body.toString + JSON.parse', (): unknown => JSON.parse(body.toString('utf8'))],
    ['decodeJsonOperation (JSON tree → TTLV)', () => decodeJsonOperation(parsed)],
    [
      'decodeRequestPayload (TTLV → Encrypt request)',
      () => decodeRequestPayload(Operation.Encrypt, payload, { major: 2, minor: 1 }),
    ],
    [
      'AES-256-GCM seal 64 B (cached KeyObject)',
      () =>
        (
          loaded.keys.get('aes-256-gcm') as {
            sealDetached(i: Uint8Array, d: Uint8Array, a: Uint8Array): unknown;
          }
        ).sealDetached(new Uint8Array(12), req.data as Uint8Array, new Uint8Array(0)),
    ],
    [
      'encodeResponsePayload (Encrypt response → TTLV)',
      () =>
        encodeResponsePayload(
          Operation.Encrypt,
          {
            uniqueIdentifier: uid,
            data: new Uint8Array(64),
            ivCounterNonce: new Uint8Array(12),
            authenticatedEncryptionTag: new Uint8Array(16),
          },
          { major: 2, minor: 1 },
        ),
    ],
    [
      'encodeJsonOperation (TTLV → JSON text, cosmian)',
      () => encodeJsonOperation(Operation.Encrypt, true, out, { style: 'cosmian' }),
    ],
    [
      'audit.append (record queued)',
      () => {
        audit?.append(caller.user, 'Encrypt', uid, 'success', '', caller.source);
      },
    ],
  ];
  const time = (fn: () => unknown, n: number): number => {
    const t = performance.now();
    for (let i = 0; i < n; i++) fn();
    return ((performance.now() - t) * 1000) / n;
  };
  // Bytes allocated per call: heap growth over a run short enough to need no collection
  // (run with --expose-gc --max-semi-space-size=64 for exact figures; else "—").
  const gc = (globalThis as { gc?: () => void }).gc;
  const allocated = (fn: () => unknown): string => {
    if (gc === undefined) return '—';
    const n = 2000;
    gc();
    const before = process.memoryUsage().heapUsed;
    for (let i = 0; i < n; i++) fn();
    return `${Math.round((process.memoryUsage().heapUsed - before) / n)} B`;
  };
  console.log(`${N} iterations per stage; µs per call, bytes allocated per call`);
  for (const [name, fn] of stages) {
    time(fn, Math.min(N, 5000));
    const bytes = allocated(fn);
    console.log(`${time(fn, N).toFixed(2).padStart(7)}  ${bytes.padStart(7)}  ${name}`);
  }
  // Audit records queued above: their flush (batch MAC, INSERT, COMMIT) per record.
  const queued = Math.min(N, 5000) + N;
  let t = performance.now();
  await audit?.flush();
  console.log(
    `${(((performance.now() - t) * 1000) / queued).toFixed(2).padStart(7)}  audit flush per record (${queued} records in one batch)`,
  );
  // Realistic batches: what one flush interval gathers at ~15k requests/s. CPU time of the
  // process (every thread: the WAL sync runs on the thread pool), not wall time.
  const batch = 300;
  const cpu = process.cpuUsage();
  for (let b = 0; b < 50; b++) {
    for (let i = 0; i < batch; i++)
      audit?.append(caller.user, 'Encrypt', uid, 'success', '', caller.source);
    await audit?.flush();
  }
  const used = process.cpuUsage(cpu);
  console.log(
    `${((used.user + used.system) / (50 * batch)).toFixed(2).padStart(7)}  audit append + flush per record, CPU (batches of ${batch}; ${(used.system / (50 * batch)).toFixed(2)} µs of it in the kernel)`,
  );
  // The whole operation, as http.ts runs it (dispatcher, without JSON and HTTP).
  for (let i = 0; i < 5000; i++)
    await server.dispatcher.processOperation(Operation.Encrypt, payload, caller);
  await audit?.flush();
  if (gc !== undefined) {
    gc();
    const before = process.memoryUsage().heapUsed;
    for (let i = 0; i < 2000; i++)
      await server.dispatcher.processOperation(Operation.Encrypt, payload, caller);
    console.log(
      `         ${Math.round((process.memoryUsage().heapUsed - before) / 2000)} B allocated per processOperation (audit record queued, not flushed)`,
    );
    await audit?.flush();
    gc();
    const b2 = process.memoryUsage().heapUsed;
    for (let i = 0; i < 300; i++)
      audit?.append(caller.user, 'Encrypt', uid, 'success', '', caller.source);
    await audit?.flush();
    console.log(
      `         ${Math.round((process.memoryUsage().heapUsed - b2) / 300)} B allocated per audit record (append + flush of 300)`,
    );
  }
  t = performance.now();
  for (let i = 0; i < N; i++)
    await server.dispatcher.processOperation(Operation.Encrypt, payload, caller);
  const dispatch = ((performance.now() - t) * 1000) / N;
  await audit?.flush();
  console.log(
    `${dispatch.toFixed(2).padStart(7)}  dispatcher.processOperation (all of the operation, audit queued)`,
  );
} finally {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
}
