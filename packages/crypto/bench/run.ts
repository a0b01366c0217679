/**
 * `npm run bench`: every `*.bench.ts` suite in this folder, node and web providers side by side
 * (plus peers where a suite has them), then `openssl speed` for AES-256-GCM as the C reference.
 * Writes a Markdown table to stdout; `BENCH_JSON=path` also writes the raw figures.
 */
import { readdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import {
  filter,
  formatMeasurement,
  measure,
  type BenchSuite,
  type Measurement,
} from './_harness.ts';
import { opensslAesGcmSpeed } from './_openssl.ts';

const here = fileURLToPath(new URL('.', import.meta.url));
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .sort();

const cpu = cpus()[0]?.model ?? 'unknown CPU';
console.log(`# @custos/crypto benchmarks`);
console.log(
  `\n${cpu}, ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version} (OpenSSL ${process.versions.openssl})\n`,
);

const raw: Record<string, Record<string, Measurement | undefined>> = {};

for (const file of files) {
  const { suite } = (await import(`./${file}`)) as { suite: BenchSuite };
  const cases = (await suite.cases()).filter(
    (c) => filter === undefined || filter.test(`${suite.name} / ${c.name}`),
  );
  if (cases.length === 0) continue;
  const peerNames = [...new Set(cases.flatMap((c) => Object.keys(c.peers ?? {})))];
  console.log(`\n## ${suite.name}\n`);
  console.log(
    `| operation | node provider | web provider |${peerNames.map((p) => ` ${p} |`).join('')}`,
  );
  console.log(`|---|---:|---:|${peerNames.map(() => '---:|').join('')}`);
  for (const c of cases) {
    const row: Record<string, Measurement | undefined> = {};
    row['node'] = c.node ? await measure(c.node, c.bytes) : undefined;
    row['web'] = c.web ? await measure(c.web, c.bytes) : undefined;
    for (const p of peerNames) {
      const fn = c.peers?.[p];
      row[p] = fn ? await measure(fn, c.bytes) : undefined;
    }
    raw[`${suite.name} / ${c.name}`] = row;
    const cells = ['node', 'web', ...peerNames].map((k) => formatMeasurement(row[k]));
    console.log(`| ${c.name} | ${cells.join(' | ')} |`);
  }
}

if (filter === undefined || filter.test('openssl')) {
  console.log(`\n## Reference: OpenSSL C (same run)\n`);
  const openssl = opensslAesGcmSpeed();
  if (openssl === undefined) {
    console.log('`openssl` not found on PATH: no C reference row.');
  } else {
    console.log(
      `\`${openssl.command}\` (${openssl.version}): **${openssl.mbPerSec.toFixed(0)} MB/s**`,
    );
    const nodeGcm = raw['AEAD / AES-256-GCM seal 1 MiB']?.['node'];
    if (nodeGcm?.mbPerSec !== undefined) {
      const ratio = nodeGcm.mbPerSec / openssl.mbPerSec;
      console.log(
        `\nnode provider AES-256-GCM seal 1 MiB: ${nodeGcm.mbPerSec.toFixed(0)} MB/s = **${(ratio * 100).toFixed(0)}%** of OpenSSL (target ≥ 60%)`,
      );
    }
  }
}

const jsonPath = process.env['BENCH_JSON'];
if (jsonPath !== undefined) writeFileSync(jsonPath, JSON.stringify(raw, null, 2));
