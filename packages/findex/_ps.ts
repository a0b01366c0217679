import { Findex, InMemoryStore } from './src/index.ts';
import { buildCorpus, docId } from './bench/corpus.ts';
const corpus = buildCorpus(10000);
const store = new InMemoryStore();
const w = new Findex({ store, key: new Uint8Array(32).fill(7) });
const m = new Map<string, Uint8Array[]>();
for (const d of corpus.docs) for (const k of d.keywords) { let l = m.get(k); if (!l) m.set(k, l = []); l.push(docId(d.id)); }
await w.insert(m);
const fx = new Findex({ store, key: new Uint8Array(32).fill(7), cacheSize: 0 });
const kws = [...corpus.volume.keys()].filter((k) => corpus.volume.get(k)! <= 10);
for (let r = 0; r < 5; r++) {
  const t = performance.now(); let n = 0;
  for (let i = 0; i < 20000; i++) { await fx.search([kws[i % kws.length]!]); n++; }
  console.log('search µs', ((performance.now() - t) / n * 1000).toFixed(1));
}
let t = performance.now();
for (let i = 0; i < 20; i++) { const s = new InMemoryStore(); const f = new Findex({ store: s, key: new Uint8Array(32).fill(7) }); await f.insert(m); }
console.log('insert 10k ms', ((performance.now() - t) / 20).toFixed(1));
