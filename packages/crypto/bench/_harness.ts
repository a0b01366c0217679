/**
 * Micro-benchmark harness: warm up, then take several timed samples and report the median.
 * Knobs: BENCH_SAMPLES (default 5), BENCH_SAMPLE_MS (default 200), BENCH_FILTER (regex on
 * "suite / case").
 */

export interface BenchCase {
  /** Row name, e.g. "AES-256-GCM seal 1 KiB". */
  name: string;
  /** Bytes processed per operation, for MB/s (MB = 10^6 bytes, as `openssl speed`). */
  bytes?: number;
  /** One operation per provider; a missing provider prints "—". May return a promise. */
  node?: () => unknown;
  web?: () => unknown;
  /** Extra columns measured in the same run (e.g. a peer library). */
  peers?: Record<string, () => unknown>;
}

export interface BenchSuite {
  name: string;
  /** Built lazily so that a filtered run does not pay for unrelated set-up. */
  cases: () => BenchCase[] | Promise<BenchCase[]>;
}

export interface Measurement {
  usPerOp: number;
  opsPerSec: number;
  mbPerSec?: number;
  spread: string;
}

const SAMPLES = Number(process.env['BENCH_SAMPLES'] ?? 5);
const SAMPLE_MS = Number(process.env['BENCH_SAMPLE_MS'] ?? 200);

export const filter: RegExp | undefined =
  process.env['BENCH_FILTER'] !== undefined
    ? new RegExp(process.env['BENCH_FILTER'], 'i')
    : undefined;

async function runFor(fn: () => unknown, ms: number): Promise<{ ops: number; ns: bigint }> {
  let ops = 0;
  const start = process.hrtime.bigint();
  const budget = BigInt(ms) * 1_000_000n;
  let elapsed = 0n;
  // Batch iterations between clock reads so that very fast ops are not dominated by hrtime.
  let batch = 1;
  while (elapsed < budget) {
    for (let i = 0; i < batch; i++) {
      const result = fn();
      if (result instanceof Promise) await result;
    }
    ops += batch;
    elapsed = process.hrtime.bigint() - start;
    if (elapsed < budget / 100n) batch *= 2;
  }
  return { ops, ns: elapsed };
}

export async function measure(fn: () => unknown, bytes?: number): Promise<Measurement> {
  await runFor(fn, Math.max(50, SAMPLE_MS / 2)); // warm-up (JIT, caches)
  const perOp: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    const { ops, ns } = await runFor(fn, SAMPLE_MS);
    perOp.push(Number(ns) / ops / 1000);
  }
  perOp.sort((a, b) => a - b);
  const median = perOp[Math.floor(perOp.length / 2)] as number;
  const min = perOp[0] as number;
  const max = perOp[perOp.length - 1] as number;
  const pct = (v: number): string => `${Math.round(((v - median) / median) * 100)}%`;
  const m: Measurement = {
    usPerOp: median,
    opsPerSec: 1e6 / median,
    spread: `${pct(min)}/+${pct(max).replace('-', '')}`,
  };
  if (bytes !== undefined) m.mbPerSec = bytes / median; // bytes/µs = MB/s
  return m;
}

export function formatMeasurement(m: Measurement | undefined): string {
  if (m === undefined) return '—';
  const us =
    m.usPerOp < 10
      ? m.usPerOp.toFixed(2)
      : m.usPerOp < 1000
        ? m.usPerOp.toFixed(1)
        : m.usPerOp.toFixed(0);
  const rate =
    m.mbPerSec !== undefined
      ? `${m.mbPerSec.toFixed(0)} MB/s`
      : `${Math.round(m.opsPerSec).toLocaleString('en-US')} op/s`;
  return `${us} µs (${rate})`;
}
