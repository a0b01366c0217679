import { Findex, InMemoryStore } from './src/index.ts';
import { buildCorpus, docId } from './bench/corpus.ts';
for (const N of (process.env.NS ?? "10000,100000").split(",").map(Number)) {
  const corpus = buildCorpus(N);
  const batches: Map<string, Uint8Array[]>[] = [];
  for (let i = 0; i < corpus.docs.length; i += 1000) { const m = new Map<string, Uint8Array[]>(); for (const d of corpus.docs.slice(i, i + 1000)) for (const k of d.keywords) { let l = m.get(k); if (!l) m.set(k, l = []); l.push(docId(d.id)); } batches.push(m); }
  for (let r = 0; r < (N === 10000 ? 10 : 3); r++) {
    const s = new InMemoryStore(); const f = new Findex({ store: s, key: new Uint8Array(32).fill(7) });
    const t = performance.now(); for (const b of batches) await f.insert(b);
    console.log(N, 'insert pairs/s', Math.round(N / (performance.now() - t) * 1000));
  }
}
