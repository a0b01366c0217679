/**
 * `npm run bench` for @custos/fpe: every `*.bench.ts` suite in this folder, our FF1 on the node
 * and web AES providers side by side with @noble/ciphers' FF1 measured in the same run, then the
 * headline ratio (16-digit FF1 encryptions per second, ours / noble, target >= 3x).
 * Knobs: BENCH_SAMPLES (default 5), BENCH_SAMPLE_MS (default 200), BENCH_FILTER (regex on names).
 */
import { readdirSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';

export interface FpeBenchCase {
  name: string;
  /** Ours on the node provider's AES. */
  node?: () => unknown;
  /** Ours on the web provider's AES. */
  web?: () => unknown;
  /** @noble/ciphers FF1 doing the same work. */
  noble?: () => unknown;
}

export interface FpeBenchSuite {
  name: string;
  cases: () => FpeBenchCase[];
}

const SAMPLES = Number(process.env['BENCH_SAMPLES'] ?? 5);
const SAMPLE_MS = Number(process.env['BENCH_SAMPLE_MS'] ?? 200);
const filter =
  process.env['BENCH_FILTER'] !== undefined
    ? new RegExp(process.env['BENCH_FILTER'], 'i')
    : undefined;

/** Runs `fn` for about `ms` milliseconds; returns operations and elapsed nanoseconds. */
function runFor(fn: () => unknown, ms: number): { ops: number; ns: number } {
  const budget = BigInt(ms) * 1_000_000n;
  const start = process.hrtime.bigint();
  let ops = 0;
  let batch = 1;
  let elapsed = 0n;
  while (elapsed < budget) {
    for (let i = 0; i < batch; i++) fn();
    ops += batch;
    elapsed = process.hrtime.bigint() - start;
    if (elapsed < budget / 100n) batch *= 2;
  }
  return { ops, ns: Number(elapsed) };
}

/** Median operations per second over SAMPLES samples, after a warm-up. */
function opsPerSecond(fn: () => unknown): number {
  runFor(fn, Math.max(50, SAMPLE_MS / 2));
  const rates: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    const { ops, ns } = runFor(fn, SAMPLE_MS);
    rates.push((ops * 1e9) / ns);
  }
  rates.sort((a, b) => a - b);
  return rates[Math.floor(rates.length / 2)] as number;
}

const fmt = (rate: number | undefined): string =>
  rate === undefined
    ? '—'
    : `${Math.round(rate).toLocaleString('en-US')} op/s (${(1e6 / rate).toFixed(2)} µs)`;

const here = fileURLToPath(new URL('.', import.meta.url));
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .sort();

console.log('# @custos/fpe benchmarks');
console.log(
  `\n${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}; ${SAMPLES} samples of ${SAMPLE_MS} ms, median\n`,
);

const results = new Map<string, { node?: number; web?: number; noble?: number }>();
for (const file of files) {
  const { suite } = (await import(`./${file}`)) as { suite: FpeBenchSuite };
  const cases = suite
    .cases()
    .filter((c) => filter === undefined || filter.test(`${suite.name} / ${c.name}`));
  if (cases.length === 0) continue;
  console.log(`\n## ${suite.name}\n`);
  console.log(
    '| operation | ours, node AES | ours, web AES | @noble/ciphers FF1 | ours (node) / noble |',
  );
  console.log('|---|---:|---:|---:|---:|');
  for (const c of cases) {
    const row: { node?: number; web?: number; noble?: number } = {};
    if (c.node) row.node = opsPerSecond(c.node);
    if (c.web) row.web = opsPerSecond(c.web);
    if (c.noble) row.noble = opsPerSecond(c.noble);
    results.set(c.name, row);
    const ratio =
      row.node !== undefined && row.noble !== undefined
        ? `${(row.node / row.noble).toFixed(1)}×`
        : '—';
    console.log(
      `| ${c.name} | ${fmt(row.node)} | ${fmt(row.web)} | ${fmt(row.noble)} | ${ratio} |`,
    );
  }
}

const headline = results.get('FF1 encrypt 16 digits (NIST, no tweak)');
if (headline?.node !== undefined && headline.noble !== undefined && headline.web !== undefined) {
  const worst = Math.min(headline.node, headline.web);
  const ratio = worst / headline.noble;
  console.log(
    `\n**16-digit FF1 encryptions per second**: ours ${fmt(headline.node)} (node AES), ` +
      `${fmt(headline.web)} (web AES); @noble/ciphers ${fmt(headline.noble)}. ` +
      `Slower of ours / noble = **${ratio.toFixed(1)}×** (target ≥ 3×: ${ratio >= 3 ? 'met' : 'NOT met'}).`,
  );
}
