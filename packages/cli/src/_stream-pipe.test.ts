/**
 * Streams through real `custos` processes and pipes, as a shell runs them:
 *
 *   generator | custos sym encrypt -k K - | custos sym decrypt - | sha256
 *
 * 1 GiB through `sym` and 256 MiB through `cc`, with the peak resident memory of each CLI
 * process measured (VmHWM of /proc/<pid>/status, polled) and asserted to be bounded and not to
 * grow with the size (a 1 GiB run against a 128 MiB one). Also: no progress bar when stderr is
 * not a terminal, and the exit status of a real process when the server is down.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { KmsClient } from '@custos/client';
import { provider, toHex } from '@custos/crypto';
import { BIN, closedPort, run, serve, type Served } from './_test/cli.ts';

const MiB = 1 << 20;
/** Peak RSS allowed for one CLI process streaming any size (measured ≈ 190 MiB from sources). */
const MAX_PEAK = 256 * MiB;
/** Growth allowed from a 128 MiB stream to a 1 GiB one: memory must not follow the size. */
const MAX_GROWTH = 48 * MiB;

/** Deterministic, fast, incompressible bytes: xorshift128 over 32-bit words. */
function* generator(total: number, seed: number): Generator<Uint8Array> {
  let x = seed | 1;
  let y = 362436069;
  let z = 521288629;
  let w = 88675123;
  for (let done = 0; done < total; done += MiB) {
    const words = new Uint32Array(Math.min(MiB, total - done) / 4);
    for (let i = 0; i < words.length; i++) {
      const t = x ^ (x << 11);
      x = y;
      y = z;
      z = w;
      w = (w ^ (w >>> 19) ^ (t ^ (t >>> 8))) >>> 0;
      words[i] = w;
    }
    yield new Uint8Array(words.buffer);
  }
}

/** Polls the peak resident set (VmHWM) of a process until it exits. */
function peakRss(child: ChildProcess): Promise<number> {
  let peak = 0;
  const file = `/proc/${child.pid ?? 0}/status`;
  const read = (): void => {
    try {
      const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(file, 'utf8'));
      if (m !== null) peak = Math.max(peak, Number(m[1]) * 1024);
    } catch {
      // exited between two polls
    }
  };
  const timer = setInterval(read, 50);
  return new Promise((resolve) => {
    child.once('exit', () => {
      clearInterval(timer);
      resolve(peak);
    });
  });
}

interface PipeResult {
  inputHash: string;
  outputHash: string;
  peaks: [number, number];
  codes: [number | null, number | null];
  stderr: string;
  seconds: number;
}

/** generator → `custos <encrypt...>` → `custos <decrypt...>` → hash, concurrently. */
async function pipeThrough(
  url: string,
  encrypt: readonly string[],
  decrypt: readonly string[],
  size: number,
): Promise<PipeResult> {
  const env = { PATH: process.env['PATH'] ?? '', HOME: process.cwd(), CUSTOS_KMS_URL: url };
  const start = performance.now();
  const enc = spawn(process.execPath, [BIN, ...encrypt], { stdio: ['pipe', 'pipe', 'pipe'], env });
  // The decryptor reads the encryptor's stdout directly: the data never passes through here.
  const dec = spawn(process.execPath, [BIN, ...decrypt], {
    stdio: [enc.stdout, 'pipe', 'pipe'],
    env,
  });
  let stderr = '';
  enc.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  dec.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const peaks = Promise.all([peakRss(enc), peakRss(dec)]);
  const codes = Promise.all([
    new Promise<number | null>((r) => enc.once('exit', r)),
    new Promise<number | null>((r) => dec.once('exit', r)),
  ]);
  const outHash = provider.hash.create('sha256');
  const reading = (async () => {
    for await (const chunk of dec.stdout) outHash.update(chunk as Buffer);
  })();
  const inHash = provider.hash.create('sha256');
  enc.stdin.on('error', () => undefined); // reported through the exit codes
  const state = { exited: false };
  enc.once('exit', () => {
    state.exited = true;
    enc.stdin.emit('drain');
  });
  for (const piece of generator(size, 7)) {
    inHash.update(piece);
    if (state.exited) break;
    if (!enc.stdin.write(piece)) await new Promise((r) => enc.stdin.once('drain', r));
  }
  enc.stdin.end();
  await reading;
  const [p1, p2] = await peaks;
  const [c1, c2] = await codes;
  return {
    inputHash: toHex(inHash.digest()),
    outputHash: toHex(outHash.digest()),
    peaks: [p1, p2],
    codes: [c1, c2],
    stderr,
    seconds: (performance.now() - start) / 1000,
  };
}

const procfs = existsSync('/proc/self/status')
  ? undefined
  : 'no /proc: peak memory cannot be measured here';

void describe('streams through custos processes and pipes', { timeout: 180_000 }, () => {
  let server: Served;
  let aes: string;
  let ccPublic: string;
  let ccUser: string;
  before(async () => {
    server = await serve();
    const kms = new KmsClient({ url: server.url });
    aes = await kms.createSymmetricKey();
    const cc = await kms.createCovercryptMasterKeyPair({ Department: ['HR', 'FIN'] });
    ccPublic = cc.publicKeyId;
    ccUser = await kms.createCovercryptUserKey(cc.privateKeyId, 'Department::HR');
    await kms.close();
  });
  after(async () => {
    await server.stop();
  });

  const mib = (n: number): string => `${(n / MiB).toFixed(0)} MiB`;

  void it(
    '1 GiB through sym encrypt | sym decrypt at bounded, size-independent memory',
    { skip: procfs },
    async () => {
      const small = await pipeThrough(
        server.url,
        ['sym', 'encrypt', '-k', aes, '-'],
        ['sym', 'decrypt', '-'],
        128 * MiB,
      );
      const big = await pipeThrough(
        server.url,
        ['sym', 'encrypt', '-k', aes, '-'],
        ['sym', 'decrypt', '-'],
        1024 * MiB,
      );
      for (const r of [small, big]) {
        assert.deepEqual(r.codes, [0, 0], r.stderr);
        assert.equal(r.outputHash, r.inputHash);
        // stderr is a pipe here: no progress bar, nothing at all.
        assert.equal(r.stderr, '');
      }
      console.log(
        `# 1 GiB sym pipe: ${big.seconds.toFixed(1)} s, peak RSS encrypt ${mib(big.peaks[0])} decrypt ${mib(big.peaks[1])}` +
          ` (128 MiB run: ${mib(small.peaks[0])}, ${mib(small.peaks[1])})`,
      );
      for (let i = 0; i < 2; i++) {
        assert.ok(big.peaks[i]! < MAX_PEAK, `peak ${mib(big.peaks[i]!)} over ${mib(MAX_PEAK)}`);
        assert.ok(
          big.peaks[i]! - small.peaks[i]! < MAX_GROWTH,
          `memory grew with the size: ${mib(small.peaks[i]!)} → ${mib(big.peaks[i]!)}`,
        );
      }
    },
  );

  void it(
    '256 MiB through cc encrypt | cc decrypt at bounded memory',
    { skip: procfs },
    async () => {
      const r = await pipeThrough(
        server.url,
        ['cc', 'encrypt', '-k', ccPublic, '-p', 'Department::HR', '-'],
        ['cc', 'decrypt', '-k', ccUser, '-'],
        256 * MiB,
      );
      assert.deepEqual(r.codes, [0, 0], r.stderr);
      assert.equal(r.outputHash, r.inputHash);
      assert.equal(r.stderr, '');
      console.log(
        `# 256 MiB cc pipe: ${r.seconds.toFixed(1)} s, peak RSS ${mib(r.peaks[0])}, ${mib(r.peaks[1])}`,
      );
      assert.ok(Math.max(...r.peaks) < MAX_PEAK, `peak ${mib(Math.max(...r.peaks))}`);
    },
  );

  void it('SIGINT stops a run: exit 130, the partial output file removed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'custos-sigint-'));
    try {
      const env = { PATH: process.env['PATH'] ?? '', HOME: dir, CUSTOS_KMS_URL: server.url };
      const child = spawn(
        process.execPath,
        [BIN, 'sym', 'encrypt', '-k', aes, '-', '-o', 'out.enc'],
        {
          cwd: dir,
          stdio: ['pipe', 'ignore', 'pipe'],
          env,
        },
      );
      let stderr = '';
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      const exit = new Promise<number | null>((r) => child.once('exit', r));
      child.stdin.on('error', () => undefined); // an early exit shows in the status
      // Data arrives, then the input stays open: the run is in the middle of its output.
      child.stdin.write(new Uint8Array(3 * MiB));
      for (let i = 0; i < 200 && !readdirSync(dir).some((f) => f.endsWith('.part')); i++)
        await new Promise((r) => setTimeout(r, 50));
      assert.ok(
        readdirSync(dir).some((f) => f.endsWith('.part')),
        'the output was being written',
      );
      child.kill('SIGINT');
      assert.equal(await exit, 130, stderr);
      assert.match(stderr, /custos: interrupted/);
      assert.deepEqual(readdirSync(dir), []);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  void it('a real process exits 6 with a readable message when the server is down', async () => {
    const r = await run(
      ['sym', 'encrypt', '-k', aes, '--url', `http://127.0.0.1:${await closedPort()}`, BIN],
      process.cwd(),
    );
    assert.equal(r.code, 6, r.stderr);
    assert.match(r.stderr, /^custos: .*cannot reach the server: connection refused/);
    assert.equal(r.stdout, '');
  });
});
