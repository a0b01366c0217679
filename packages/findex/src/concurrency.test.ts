/**
 * Many writers on one index, on every backend: no update is ever lost. Each writer is its own
 * `Findex` client (own header cache) on its own store connection, so compare-and-swap races
 * are real: across connections for SQLite, Redis and PostgreSQL, across interleaved async
 * calls for the in-memory store.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Findex } from './findex.ts';
import type { ResultSet } from './results.ts';
import { backends } from './_test/backends.ts';
import { id, KEY, nums } from './_test/helpers.ts';

const WRITERS = 16;
const INSERTS = 1000;

for (const backend of backends) {
  void describe(`concurrency on ${backend.name}`, { skip: backend.skip }, () => {
    void it(`${WRITERS} writers × ${INSERTS} inserts on one keyword lose nothing`, async () => {
      const t = await backend.open();
      try {
        const stores = await Promise.all(
          Array.from({ length: WRITERS }, () => (t.peer ? t.peer() : Promise.resolve(t.store))),
        );
        const started = performance.now();
        await Promise.all(
          stores.map(async (store, w) => {
            const fx = new Findex({ store, key: KEY });
            for (let k = 0; k < INSERTS; k++) await fx.insert([['hot', [id(w * 100_000 + k)]]]);
          }),
        );
        const elapsed = performance.now() - started;
        const [result] = await new Findex({ store: t.store, key: KEY }).search(['hot']);
        const expected: number[] = [];
        for (let w = 0; w < WRITERS; w++)
          for (let k = 0; k < INSERTS; k++) expected.push(w * 100_000 + k);
        assert.deepEqual(nums(result ?? []), expected);
        process.stdout.write(
          `# ${backend.name}: ${WRITERS * INSERTS} contended inserts in ${elapsed.toFixed(0)} ms\n`,
        );
      } finally {
        await t.close();
      }
    });

    void it('concurrent multi-keyword batches are atomic: every batch is wholly visible', async () => {
      const t = await backend.open();
      try {
        const stores = await Promise.all(
          Array.from({ length: 8 }, () => (t.peer ? t.peer() : Promise.resolve(t.store))),
        );
        await Promise.all(
          stores.map(async (store, w) => {
            const fx = new Findex({ store, key: KEY });
            for (let k = 0; k < 20; k++) {
              const v = id(w * 1000 + k);
              // Every batch writes the same value under a shared keyword and a private one.
              await fx.insert([
                ['shared-a', [v]],
                ['shared-b', [v]],
                [`own-${w}`, [v]],
              ]);
            }
          }),
        );
        const fx = new Findex({ store: t.store, key: KEY });
        const [a, b, ...own] = await fx.search([
          'shared-a',
          'shared-b',
          ...stores.map((_, w) => `own-${w}`),
        ]);
        assert.equal(a?.size, 160);
        assert.deepEqual(nums(a), nums(b as ResultSet));
        assert.deepEqual(nums(own.flatMap((r) => [...r])), nums(a));
      } finally {
        await t.close();
      }
    });
  });
}
