/** The whole Findex API over each real backend (the in-memory one is covered everywhere else). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Findex } from './findex.ts';
import type { ResultSet } from './results.ts';
import { backends } from './_test/backends.ts';
import { id, KEY, KEY2, nums } from './_test/helpers.ts';

for (const backend of backends.filter((b) => b.name !== 'memory')) {
  void describe(`Findex on ${backend.name}`, { skip: backend.skip }, () => {
    void it('inserts, searches, queries, streams, deletes and rotates its key', async () => {
      const t = await backend.open();
      try {
        const old = { epoch: 0, seed: KEY };
        const fx = new Findex({ store: t.store, key: old, prefix: { min: 2 } });
        const bindings = new Map<string, Uint8Array[]>();
        for (let k = 0; k < 30; k++)
          bindings.set(
            `term${k}`,
            Array.from({ length: 40 + k }, (_, i) => id(k * 1000 + i)),
          );
        await fx.insert(bindings);
        await fx.delete([['term0', [id(0), id(1)]]]);
        await fx.link([['t0', ['term0']]]);
        const [t0, t29, alias] = await fx.search(['term0', 'term29', 't0']);
        assert.equal(t0?.size, 38);
        assert.equal(t29?.size, 69);
        assert.deepEqual(nums(alias as ResultSet), nums(t0));
        let term1 = 0;
        for (const [k, v] of bindings) if (k.startsWith('term1')) term1 += v.length;
        assert.equal((await fx.query({ prefix: 'term1' })).size, term1);
        assert.deepEqual(nums(await fx.query({ and: ['term0', 't0'] })), nums(t0));
        let streamed = 0;
        for await (const _ of fx.stream('term5', { limit: 7 })) streamed++;
        assert.equal(streamed, 7);
        const ring = new Findex({
          store: t.store,
          key: { epoch: 1, seed: KEY2 },
          previousKey: old,
          prefix: { min: 2 },
        });
        const report = await ring.compact({ batchSize: 16 });
        assert.equal(report.complete, true);
        const fresh = new Findex({
          store: t.store,
          key: { epoch: 1, seed: KEY2 },
          prefix: { min: 2 },
        });
        const [a, b] = await fresh.search(['term0', 't0']);
        assert.equal(a?.size, 38);
        assert.deepEqual(nums(b as ResultSet), nums(a));
      } finally {
        await t.close();
      }
    });
  });
}
