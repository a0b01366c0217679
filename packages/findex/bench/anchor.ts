/**
 * Driver for the anchor, Cosmian Findex as shipped in `cloudproof_js@10.0.1` (WASM build of
 * Findex v6: Entry and Chain tables). Our own code: a Map-backed `DbInterface` that counts the
 * bytes stored (uid + value, both tables), the same corpus and the same measurements as ours.
 */
import { createRequire } from 'node:module';
import type { Corpus } from './corpus.ts';

/* eslint-disable @typescript-eslint/no-explicit-any -- the anchor ships loose typings */
type Any = any;

export interface AnchorFindex {
  add(batch: { indexedValue: unknown; keywords: string[] }[]): Promise<unknown>;
  search(keywords: string[]): Promise<{ total(): number }>;
}

export interface AnchorRun {
  readonly findex: AnchorFindex;
  readonly Data: { fromNumber(n: number): unknown };
  bytes(): number;
}

let loaded: Any | null | undefined;

/** Loads cloudproof_js, or returns null (with the reason printed) when it cannot. */
export async function loadAnchor(): Promise<Any | null> {
  if (loaded !== undefined) return loaded;
  try {
    loaded = createRequire(import.meta.url)('cloudproof_js');
    // The WASM module loads lazily; `DbInterface` needs it loaded. Its own in-memory example
    // is the public call that loads it.
    await loaded.inMemoryDbInterfaceExample();
  } catch (error) {
    console.log(`\n> anchor unavailable: cloudproof_js failed to load (${(error as Error).message.split('\n')[0]})\n`);
    loaded = null;
  }
  return loaded;
}

export async function newAnchor(cp: Any): Promise<AnchorRun> {
  const entry = new Map<string, Uint8Array>();
  const chain = new Map<string, Uint8Array>();
  const key = (u: Uint8Array): string => Buffer.from(u.buffer, u.byteOffset, u.byteLength).toString('latin1');
  const table = (t: Map<string, Uint8Array>): Any => {
    const db = new cp.DbInterface();
    db.fetch = async (uids: Uint8Array[]) => {
      const out: { uid: Uint8Array; value: Uint8Array }[] = [];
      for (const uid of uids) {
        const value = t.get(key(uid));
        if (value !== undefined) out.push({ uid, value });
      }
      return out;
    };
    db.insert = async (items: { uid: Uint8Array; value: Uint8Array }[]) => {
      for (const { uid, value } of items) t.set(key(uid), value);
    };
    return db;
  };
  const entryDb = table(entry);
  entryDb.upsert = async (olds: { uid: Uint8Array; value: Uint8Array }[], news: { uid: Uint8Array; value: Uint8Array }[]) => {
    const expected = new Map(olds.map(({ uid, value }) => [key(uid), value]));
    const rejected: { uid: Uint8Array; value: Uint8Array | undefined }[] = [];
    for (const { uid, value } of news) {
      const k = key(uid);
      const cur = entry.get(k);
      const old = expected.get(k);
      const same = cur === undefined || old === undefined ? cur === old : Buffer.compare(cur, old) === 0;
      if (same) entry.set(k, value);
      else rejected.push({ uid, value: cur });
    }
    return rejected;
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

export function anchorBatches(run: AnchorRun, corpus: Corpus, perCall: number): { indexedValue: unknown; keywords: string[] }[][] {
  const out: { indexedValue: unknown; keywords: string[] }[][] = [];
  for (let i = 0; i < corpus.docs.length; i += perCall) {
    out.push(corpus.docs.slice(i, i + perCall).map((d) => ({ indexedValue: run.Data.fromNumber(d.id), keywords: [...d.keywords] })));
  }
  return out;
}
