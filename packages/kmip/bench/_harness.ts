/**
 * Micro-benchmark harness (same method as @custos/crypto's): warm up, then several timed
 * samples, report the median. Knobs: BENCH_SAMPLES (default 5), BENCH_SAMPLE_MS (default 200),
 * BENCH_FILTER (regex on the row name).
 */
export interface Measurement {
  usPerOp: number;
  opsPerSec: number;
}

const SAMPLES = Number(process.env['BENCH_SAMPLES'] ?? 5);
const SAMPLE_MS = Number(process.env['BENCH_SAMPLE_MS'] ?? 200);

export const filter: RegExp | undefined =
  process.env['BENCH_FILTER'] !== undefined
    ? new RegExp(process.env['BENCH_FILTER'], 'i')
    : undefined;

function runFor(fn: () => unknown, ms: number): { ops: number; ns: bigint } {
  let ops = 0;
  const start = process.hrtime.bigint();
  const budget = BigInt(ms) * 1_000_000n;
  let elapsed = 0n;
  let batch = 1;
  while (elapsed < budget) {
    for (let i = 0; i < batch; i++) fn();
    ops += batch;
    elapsed = process.hrtime.bigint() - start;
    if (elapsed < budget / 100n) batch *= 2;
  }
  return { ops, ns: elapsed };
}

export function measure(fn: () => unknown): Measurement {
  runFor(fn, Math.max(50, SAMPLE_MS / 2));
  const perOp: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    const { ops, ns } = runFor(fn, SAMPLE_MS);
    perOp.push(Number(ns) / ops / 1000);
  }
  perOp.sort((a, b) => a - b);
  const median = perOp[Math.floor(perOp.length / 2)] as number;
  return { usPerOp: median, opsPerSec: 1e6 / median };
}

export function format(m: Measurement): string {
  const us = m.usPerOp < 10 ? m.usPerOp.toFixed(2) : m.usPerOp.toFixed(1);
  return `${us} µs (${Math.round(m.opsPerSec).toLocaleString('en-US')} op/s)`;
}
