/**
 * `npm run bench`: Findex against the anchor (Cosmian Findex in cloudproof_js@10.0.1, WASM) on
 * the same Zipf corpus, in the same process, then Findex on SQLite, Redis and PostgreSQL.
 * Prints Markdown. Knobs: BENCH_N (pair counts, default "10000,100000"), BENCH_SEARCHES (500),
 * BENCH_BACKENDS (default "memory,sqlite,redis,postgres"), FINDEX_REDIS_URL, FINDEX_PG_URL.
 *
 * Search latency is given for two clients: "no header cache" (`cacheSize: 0`: every search
 * guesses the chain length, reads `speculate` cells ahead, and detects no rollback, as a fresh
 * process would; only keyword tags, a pure function of the key, are cached) and "warm" (a
 * long-lived client that knows chain lengths from earlier searches).
 *
 * The in-memory comparison runs BENCH_ROUNDS rounds (default 5), alternating anchor and
 * Findex on fresh indexes, and keeps each figure's best round: a shared machine's noise
 * (other processes) then penalises neither side by chance.
 */
import { rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { Findex, InMemoryStore, type FindexStore } from '../src/index.ts';
import { PostgresStore } from '../src/postgres-store.ts';
import { RedisStore } from '../src/redis-store.ts';
import { SqliteStore } from '../src/sqlite-store.ts';
import { anchorBatches, loadAnchor, newAnchor, type Cloudproof } from './anchor.ts';
import { buildCorpus, docId, percentile, prng, type Corpus } from './corpus.ts';

const NS = (process.env['BENCH_N'] ?? '10000,100000').split(',').map(Number);
const SEARCHES = Number(process.env['BENCH_SEARCHES'] ?? 500);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 5);
const BACKENDS = (process.env['BENCH_BACKENDS'] ?? 'memory,sqlite,redis,postgres').split(',');
const REDIS_URL = process.env['FINDEX_REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const PG_URL = process.env['FINDEX_PG_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
const PER_CALL = 1000;
const KEY = new Uint8Array(32).fill(7);

interface Row {
  name: string;
  insert: number;
  stateless: [number, number, number];
  warm: number | null;
  heavy: number;
  batch100: number;
  bytesPerPair: number;
  note?: string;
}

interface Subject {
  insert(docs: Corpus['docs']): Promise<void>;
  /** Returns the number of results. */
  search(keyword: string): Promise<number>;
  searchWarm?(keyword: string): Promise<number>;
  searchMany(keywords: string[]): Promise<void>;
  bytes(): Promise<number>;
}

const micros = (t0: number): number => (performance.now() - t0) * 1000;

async function measure(name: string, corpus: Corpus, subject: Subject): Promise<Row> {
  const t0 = performance.now();
  for (let i = 0; i < corpus.docs.length; i += PER_CALL)
    await subject.insert(corpus.docs.slice(i, i + PER_CALL));
  const insertSeconds = (performance.now() - t0) / 1000;
  const keywords = [...corpus.volume.keys()];
  const rand = prng(43);
  const pick = (): string => keywords[Math.floor(rand() * keywords.length)] as string;
  // Warm-up (JIT, WASM tier-up), the same for both libraries.
  for (let i = 0; i < 300; i++) await subject.search(pick());
  const lat: number[] = [];
  const warm: number[] = [];
  const picked = Array.from({ length: SEARCHES }, pick);
  for (const k of picked) {
    const s = performance.now();
    const got = await subject.search(k);
    lat.push(micros(s));
    if (got !== corpus.volume.get(k))
      throw new Error(`${name}: ${k} returned ${got}, expected ${corpus.volume.get(k)}`);
  }
  if (subject.searchWarm) {
    // The warm client sees each keyword once before it is timed (its header cache then knows
    // the chain length).
    for (const k of picked) await subject.searchWarm(k);
    for (const k of picked) {
      const s = performance.now();
      const got = await subject.searchWarm(k);
      warm.push(micros(s));
      if (got !== corpus.volume.get(k)) throw new Error(`${name}: warm search disagrees`);
    }
  }
  lat.sort((a, b) => a - b);
  warm.sort((a, b) => a - b);
  let heavy = keywords[0] as string;
  for (const k of keywords)
    if ((corpus.volume.get(k) ?? 0) > (corpus.volume.get(heavy) ?? 0)) heavy = k;
  const hl: number[] = [];
  for (let i = 0; i < 5; i++) {
    const s = performance.now();
    await subject.search(heavy);
    hl.push(micros(s));
  }
  const bl: number[] = [];
  for (let i = 0; i < 5; i++) {
    const kws = Array.from({ length: 100 }, pick);
    const s = performance.now();
    await subject.searchMany(kws);
    bl.push(micros(s));
  }
  hl.sort((a, b) => a - b);
  bl.sort((a, b) => a - b);
  return {
    name,
    insert: corpus.pairs / insertSeconds,
    stateless: [percentile(lat, 0.5), percentile(lat, 0.9), percentile(lat, 0.99)],
    warm: warm.length > 0 ? percentile(warm, 0.5) : null,
    heavy: percentile(hl, 0.5),
    batch100: percentile(bl, 0.5),
    bytesPerPair: (await subject.bytes()) / corpus.pairs,
  };
}

function ours(store: FindexStore & { stats(): Promise<{ bytes: number }> }): Subject {
  const writer = new Findex({ store, key: KEY });
  const stateless = new Findex({ store, key: KEY, cacheSize: 0 });
  const warm = new Findex({ store, key: KEY });
  return {
    async insert(docs) {
      const batch = new Map<string, Uint8Array[]>();
      for (const d of docs) {
        const v = docId(d.id);
        for (const k of d.keywords) {
          let list = batch.get(k);
          if (list === undefined) batch.set(k, (list = []));
          list.push(v);
        }
      }
      await writer.insert(batch);
    },
    async search(k) {
      return ((await stateless.search([k]))[0] as { size: number }).size;
    },
    async searchWarm(k) {
      return ((await warm.search([k]))[0] as { size: number }).size;
    },
    async searchMany(kws) {
      await stateless.search(kws);
    },
    async bytes() {
      return (await store.stats()).bytes;
    },
  };
}

async function anchorSubject(cp: Cloudproof): Promise<Subject> {
  const run = await newAnchor(cp);
  return {
    async insert(docs) {
      const [batch] = anchorBatches(run, { pairs: 0, docs, volume: new Map() }, docs.length);
      await run.findex.add(batch ?? []);
    },
    async search(k) {
      return (await run.findex.search([k])).total();
    },
    async searchMany(kws) {
      await run.findex.search(kws);
    },
    bytes: () => Promise.resolve(run.bytes()),
  };
}

async function warmUp(cp: Cloudproof | null): Promise<void> {
  const corpus = buildCorpus(20_000, 7);
  const subjects = [ours(new InMemoryStore())];
  if (cp !== null) subjects.push(await anchorSubject(cp));
  for (const s of subjects) {
    for (let i = 0; i < corpus.docs.length; i += PER_CALL)
      await s.insert(corpus.docs.slice(i, i + PER_CALL));
    for (let i = 0; i < 200; i++) await s.search(`kw${i}`);
  }
}

/** Each figure's best over rounds (highest throughput, lowest latency). */
function best(a: Row | null, b: Row): Row {
  if (a === null) return b;
  const min3 = (
    x: [number, number, number],
    y: [number, number, number],
  ): [number, number, number] => (x[0] <= y[0] ? x : y);
  return {
    name: a.name,
    insert: Math.max(a.insert, b.insert),
    stateless: min3(a.stateless, b.stateless),
    warm: a.warm === null || b.warm === null ? (a.warm ?? b.warm) : Math.min(a.warm, b.warm),
    heavy: Math.min(a.heavy, b.heavy),
    batch100: Math.min(a.batch100, b.batch100),
    bytesPerPair: b.bytesPerPair,
  };
}

function fmt(n: number): string {
  return n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(1);
}

function table(rows: Row[]): void {
  console.log(
    '| implementation | insert (pairs/s) | search median / p90 / p99 (µs), no header cache | search median (µs), warm client | heaviest keyword (µs) | 100-keyword search (µs) | bytes per pair |',
  );
  console.log('|---|---:|---:|---:|---:|---:|---:|');
  for (const r of rows) {
    console.log(
      `| ${r.name} | ${fmt(r.insert)} | ${r.stateless.map(fmt).join(' / ')} | ${r.warm === null ? '—' : fmt(r.warm)} | ${fmt(r.heavy)} | ${fmt(r.batch100)} | ${r.bytesPerPair.toFixed(1)}${r.note ? ` (${r.note})` : ''} |`,
    );
  }
}

const cp = await loadAnchor();
console.log(`# @custos/findex benchmark\n`);
console.log(
  `${cpus()[0]?.model ?? 'CPU'} ×${cpus().length}, Node ${process.version}. In memory: best of ${ROUNDS} alternating rounds per figure. Corpus: 10 keywords per document, Zipf(1) over N/20 words, 8-byte ids, ${PER_CALL} documents per insert call, ${SEARCHES} single-keyword searches (uniform over indexed keywords, every result count checked).`,
);
await warmUp(cp);

for (const n of NS) {
  const corpus = buildCorpus(n);
  const vols = [...corpus.volume.values()].sort((a, b) => a - b);
  console.log(
    `\n## N = ${corpus.pairs.toLocaleString('en-US')} pairs (${corpus.docs.length.toLocaleString('en-US')} documents, ${corpus.volume.size.toLocaleString('en-US')} keywords, median volume ${percentile(vols, 0.5)}, max ${vols[vols.length - 1]})\n`,
  );
  const rows: Row[] = [];
  let anchorRow: Row | null = null;
  let memRow: Row | null = null;
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 === 0 ? ['anchor', 'ours'] : ['ours', 'anchor'];
    for (const who of order) {
      if (who === 'anchor' && cp !== null) {
        anchorRow = best(
          anchorRow,
          await measure(
            'anchor: cloudproof_js 10.0.1 Findex (in memory)',
            corpus,
            await anchorSubject(cp),
          ),
        );
      }
      if (who === 'ours' && BACKENDS.includes('memory')) {
        memRow = best(
          memRow,
          await measure('Findex, in memory', corpus, ours(new InMemoryStore())),
        );
      }
    }
  }
  if (anchorRow !== null) rows.push(anchorRow);
  if (memRow !== null) rows.push(memRow);
  if (BACKENDS.includes('sqlite')) {
    const path = join(tmpdir(), `custos-findex-bench-${process.pid}-${n}.sqlite`);
    const store = SqliteStore.open(path);
    try {
      rows.push(await measure('Findex, SQLite (node:sqlite file, WAL)', corpus, ours(store)));
    } finally {
      store.db.close();
      for (const p of [path, `${path}-wal`, `${path}-shm`]) rmSync(p, { force: true });
    }
  }
  if (BACKENDS.includes('redis')) {
    let store: RedisStore | null = null;
    try {
      store = await RedisStore.connect(REDIS_URL, {
        prefix: `custos-findex-bench-${process.pid}`,
        connectTimeoutMs: 1000,
      });
    } catch (error) {
      console.log(`> Redis skipped: ${(error as Error).message}`);
    }
    if (store !== null) {
      try {
        rows.push(await measure('Findex, Redis (localhost)', corpus, ours(store)));
      } finally {
        await store.clear();
        await store.close();
      }
    }
  }
  if (BACKENDS.includes('postgres')) {
    const pool = new pg.Pool({ connectionString: PG_URL, max: 4, connectionTimeoutMillis: 1000 });
    pool.on('error', () => {});
    const store = new PostgresStore(pool, { table: `custos_findex_bench_${process.pid}` });
    try {
      await store.ensureTable();
      const row = await measure('Findex, PostgreSQL (localhost)', corpus, ours(store));
      row.note = `${((await store.relationBytes()) / corpus.pairs).toFixed(0)} on disk`;
      rows.push(row);
    } catch (error) {
      console.log(`> PostgreSQL skipped: ${(error as Error).message}`);
    } finally {
      await store.drop().catch(() => {});
      await pool.end();
    }
  }
  table(rows);
  if (anchorRow !== null && memRow !== null) {
    const speed = anchorRow.stateless[0] / memRow.stateless[0];
    const ins = memRow.insert / anchorRow.insert;
    console.log(
      `\nIn memory vs anchor: single-keyword search ${speed.toFixed(1)}× faster (target ≥ 3×: ${speed >= 3 ? 'met' : 'NOT met'}), insert ${ins.toFixed(1)}× the throughput (target ≥ 2×: ${ins >= 2 ? 'met' : 'NOT met'}), ${memRow.bytesPerPair.toFixed(1)} bytes per pair (target ≤ 25: ${memRow.bytesPerPair <= 25 ? 'met' : 'NOT met'}; anchor ${anchorRow.bytesPerPair.toFixed(1)}).`,
    );
  }
}
