import { Findex } from './src/index.ts';
import { postgresBackend, redisBackend } from './src/_test/backends.ts';
import { CountingStore, id, KEY } from './src/_test/helpers.ts';
for (const backend of [postgresBackend]) {
  const t = await backend.open();
  const stores = await Promise.all(Array.from({ length: 16 }, async () => new CountingStore(t.peer ? await t.peer() : t.store)));
  const t0 = performance.now(); let fails = 0;
  await Promise.all(stores.map(async (store, w) => { const fx = new Findex({ store, key: KEY, maxAttempts: 10000 }); for (let k = 0; k < 200; k++) { await fx.insert([['hot', [id(w * 100000 + k)]]]); } }));
  const writes = stores.reduce((a, s) => a + s.writes, 0), reads = stores.reduce((a, s) => a + s.reads, 0);
  console.log(backend.name, 'ms', (performance.now() - t0).toFixed(0), 'writes', writes, 'reads', reads, 'per success', (writes / 3200).toFixed(2));
  await t.close();
}
