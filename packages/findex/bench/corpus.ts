/**
 * The benchmark corpus, identical for Findex and the anchor: documents with 10 distinct
 * keywords each, drawn Zipf(s = 1) from a vocabulary of N/20 words, with 8-byte document ids,
 * inserted 1,000 documents per call; searches draw keywords uniformly among those indexed.
 * A seeded PRNG (mulberry32) makes runs reproducible.
 */

export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Zipf(1) over [0, size) by inverse CDF. */
function zipf(size: number, rand: () => number): () => number {
  const cdf = new Float64Array(size);
  let acc = 0;
  for (let i = 0; i < size; i++) cdf[i] = acc += 1 / (i + 1);
  for (let i = 0; i < size; i++) cdf[i] = (cdf[i] as number) / acc;
  return () => {
    const u = rand();
    let lo = 0;
    let hi = size - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((cdf[mid] as number) < u) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

export interface Corpus {
  readonly pairs: number;
  readonly docs: readonly { readonly id: number; readonly keywords: readonly string[] }[];
  /** Keyword → number of documents. */
  readonly volume: ReadonlyMap<string, number>;
}

export function buildCorpus(pairs: number, seed = 42, perDoc = 10): Corpus {
  const rand = prng(seed);
  const draw = zipf(Math.max(50, Math.round(pairs / 20)), rand);
  const docs: { id: number; keywords: string[] }[] = [];
  const volume = new Map<string, number>();
  let n = 0;
  for (let d = 0; n < pairs; d++) {
    const set = new Set<string>();
    const want = Math.min(perDoc, pairs - n);
    while (set.size < want) set.add(`kw${draw()}`);
    for (const k of set) volume.set(k, (volume.get(k) ?? 0) + 1);
    n += set.size;
    docs.push({ id: d, keywords: [...set] });
  }
  return { pairs: n, docs, volume };
}

/** 8-byte big-endian id (no DataView: taking a small array's buffer moves it off the heap). */
export function docId(n: number): Uint8Array {
  const b = new Uint8Array(8);
  const hi = Math.floor(n / 2 ** 32);
  for (let i = 0; i < 4; i++) {
    b[3 - i] = (hi >>> (8 * i)) & 0xff;
    b[7 - i] = (n >>> (8 * i)) & 0xff;
  }
  return b;
}

export function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN;
}
