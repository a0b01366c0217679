import { Findex, InMemoryStore } from './src/index.ts';
import { buildCorpus, docId } from './bench/corpus.ts';
const corpus = buildCorpus(100000);
const batches: Map<string, Uint8Array[]>[] = [];
for (let i = 0; i < corpus.docs.length; i += 1000) { const m = new Map<string, Uint8Array[]>(); for (const d of corpus.docs.slice(i, i + 1000)) for (const k of d.keywords) { let l = m.get(k); if (!l) m.set(k, l = []); l.push(docId(d.id)); } batches.push(m); }
for (let r = 0; r < 2; r++) {
  const s = new InMemoryStore(); const f = new Findex({ store: s, key: new Uint8Array(32).fill(7), registry: r === 1 });
  const times: string[] = [];
  for (const b of batches) { const t = performance.now(); await f.insert(b); times.push(`${b.size}:${(performance.now() - t).toFixed(0)}`); }
  console.log('registry', r === 1, times.join(' '));
}
