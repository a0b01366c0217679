import { Findex, InMemoryStore } from './src/index.ts';
function rng(seed: number) { let a = seed >>> 0; return () => { a = (a + 0x6d2b79f5) >>> 0; let t = a; t = Math.imul(t ^ (t >>> 15), t | 1); t ^= t + Math.imul(t ^ (t >>> 7), t | 61); return ((t ^ (t >>> 14)) >>> 0) / 4294967296; }; }
function zipf(V: number, r: () => number) { const c = new Float64Array(V); let a = 0; for (let i = 0; i < V; i++) { a += 1 / (i + 1); c[i] = a; } for (let i = 0; i < V; i++) c[i]! /= a; return () => { const u = r(); let lo = 0, hi = V - 1; while (lo < hi) { const m = (lo + hi) >> 1; if (c[m]! < u) lo = m + 1; else hi = m; } return lo; }; }
for (const N of [10000, 100000]) {
  const r = rng(42), z = zipf(Math.round(N / 20), r); const docs: { id: number; kws: string[] }[] = []; let p = 0;
  for (let d = 0; p < N; d++) { const s = new Set<string>(); while (s.size < 10) s.add('kw' + z()); p += 10; docs.push({ id: d, kws: [...s] }); }
  const vol = new Map<string, number>(); for (const d of docs) for (const k of d.kws) vol.set(k, (vol.get(k) ?? 0) + 1);
  const store = new InMemoryStore(); const fx = new Findex({ store, key: new Uint8Array(32).fill(1) });
  const t0 = performance.now();
  for (let i = 0; i < docs.length; i += 1000) {
    const m = new Map<string, Uint8Array[]>();
    for (const d of docs.slice(i, i + 1000)) { const v = new Uint8Array(8); new DataView(v.buffer).setBigUint64(0, BigInt(d.id)); for (const k of d.kws) { let l = m.get(k); if (!l) m.set(k, l = []); l.push(v); } }
    await fx.insert(m);
  }
  const ins = performance.now() - t0;
  const kws = [...vol.keys()]; const sr = rng(44);
  const fx2 = new Findex({ store, key: new Uint8Array(32).fill(1) });
  for (let i = 0; i < 200; i++) await fx2.search([kws[Math.floor(sr() * kws.length)]!]);
  const lat: number[] = [];
  for (let i = 0; i < 500; i++) { const k = kws[Math.floor(sr() * kws.length)]!; const s = performance.now(); const [res] = await fx2.search([k]); lat.push(performance.now() - s); if (res!.size !== vol.get(k)) throw new Error('bad ' + k); }
  lat.sort((a, b) => a - b);
  const st = await store.stats();
  console.log(N, 'insert pairs/s', Math.round(N / ins * 1000), 'search median µs', (lat[250]! * 1000).toFixed(1), 'p90', (lat[450]! * 1000).toFixed(1), 'B/pair', (st.bytes / N).toFixed(1));
}
