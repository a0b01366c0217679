/**
 * Driver for the anchor, Cosmian Findex as shipped in `cloudproof_js@10.0.1` (WASM build of
 * Findex v6: Entry and Chain tables). Our own code: a Map-backed `DbInterface` that counts the
 * bytes stored (uid + value, both tables), the same corpus and the same measurements as ours.
 */
import { createRequire } from 'node:module';
import type { Corpus } from './corpus.ts';

interface Row {
  uid: Uint8Array;
  value: Uint8Array;
}

/** The parts of the anchor's API this driver uses (its own typings are loose). */
interface DbInterfaceLike {
  fetch: (uids: Uint8Array[]) => Promise<Row[]>;
  insert: (items: Row[]) => Promise<void>;
  upsert?: (
    olds: Row[],
    news: Row[],
  ) => Promise<{ uid: Uint8Array; value: Uint8Array | undefined }[]>;
}

export interface AnchorFindex {
  add(batch: { indexedValue: unknown; keywords: string[] }[]): Promise<unknown>;
  search(keywords: string[]): Promise<{ total(): number }>;
  instantiateCustomInterface(entry: DbInterfaceLike, chain: DbInterfaceLike): Promise<void>;
}

export interface Cloudproof {
  Findex: new (key: Uint8Array, label: string) => AnchorFindex;
  DbInterface: new () => DbInterfaceLike;
  Data: { fromNumber(n: number): unknown };
  inMemoryDbInterfaceExample(): Promise<unknown>;
}

export interface AnchorRun {
  readonly findex: AnchorFindex;
  readonly Data: Cloudproof['Data'];
  bytes(): number;
}

let loaded: Cloudproof | null | undefined;

/** Loads cloudproof_js, or returns null (with the reason printed) when it cannot. */
export async function loadAnchor(): Promise<Cloudproof | null> {
  if (loaded !== undefined) return loaded;
  try {
    const cp = createRequire(import.meta.url)('cloudproof_js') as Cloudproof;
    // The WASM module loads lazily; `DbInterface` needs it loaded. Its own in-memory example
    // is the public call that loads it.
    await cp.inMemoryDbInterfaceExample();
    loaded = cp;
  } catch (error) {
    console.log(
      `\n> anchor unavailable: cloudproof_js failed to load (${(error as Error).message.split('\n')[0] ?? ''})\n`,
    );
    loaded = null;
  }
  return loaded;
}

export async function newAnchor(cp: Cloudproof): Promise<AnchorRun> {
  const entry = new Map<string, Uint8Array>();
  const chain = new Map<string, Uint8Array>();
  const key = (u: Uint8Array): string =>
    Buffer.from(u.buffer, u.byteOffset, u.byteLength).toString('latin1');
  const table = (t: Map<string, Uint8Array>): DbInterfaceLike => {
    const db = new cp.DbInterface();
    db.fetch = (uids) => {
      const out: Row[] = [];
      for (const uid of uids) {
        const value = t.get(key(uid));
        if (value !== undefined) out.push({ uid, value });
      }
      return Promise.resolve(out);
    };
    db.insert = (items) => {
      for (const { uid, value } of items) t.set(key(uid), value);
      return Promise.resolve();
    };
    return db;
  };
  const entryDb = table(entry);
  entryDb.upsert = (olds, news) => {
    const expected = new Map(olds.map(({ uid, value }) => [key(uid), value]));
    const rejected: { uid: Uint8Array; value: Uint8Array | undefined }[] = [];
    for (const { uid, value } of news) {
      const k = key(uid);
      const cur = entry.get(k);
      const old = expected.get(k);
      const same =
        cur === undefined || old === undefined ? cur === old : Buffer.compare(cur, old) === 0;
      if (same) entry.set(k, value);
      else rejected.push({ uid, value: cur });
    }
    return Promise.resolve(rejected);
  };
  const findex = new cp.Findex(new Uint8Array(16).fill(7), 'bench');
  await findex.instantiateCustomInterface(entryDb, table(chain));
  return {
    findex,
    Data: cp.Data,
    bytes: () => {
      let b = 0;
      for (const t of [entry, chain]) for (const [k, v] of t) b += k.length + v.length;
      return b;
    },
  };
}

export function anchorBatches(
  run: AnchorRun,
  corpus: Corpus,
  perCall: number,
): { indexedValue: unknown; keywords: string[] }[][] {
  const out: { indexedValue: unknown; keywords: string[] }[][] = [];
  for (let i = 0; i < corpus.docs.length; i += perCall) {
    out.push(
      corpus.docs
        .slice(i, i + perCall)
        .map((d) => ({ indexedValue: run.Data.fromNumber(d.id), keywords: [...d.keywords] })),
    );
  }
  return out;
}
