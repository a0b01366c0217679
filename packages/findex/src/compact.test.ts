import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { KeyEpochMissing } from './errors.ts';
import { Findex } from './findex.ts';
import { InMemoryStore } from './memory-store.ts';
import { CountingStore, id, KEY, KEY2, nums } from './_test/helpers.ts';

const OLD = { epoch: 1, seed: KEY };
const NEW = { epoch: 2, seed: KEY2 };

async function populated(
  store: InMemoryStore | CountingStore,
  key: Uint8Array | typeof OLD = KEY,
): Promise<Findex> {
  const fx = new Findex({ store, key, prefix: { min: 2 } });
  const bindings = new Map<string, Uint8Array[]>();
  for (let k = 0; k < 40; k++)
    bindings.set(
      `word${k}`,
      Array.from({ length: 30 }, (_, i) => id(k * 100 + i)),
    );
  await fx.insert(bindings);
  await fx.link([['alias', ['word1']]]);
  // Delete two thirds of every keyword, one by one: tombstones pile up.
  for (let k = 0; k < 40; k++) {
    await fx.delete([[`word${k}`, Array.from({ length: 20 }, (_, i) => id(k * 100 + i))]]);
  }
  return fx;
}

function expected(k: number): number[] {
  return Array.from({ length: 10 }, (_, i) => k * 100 + 20 + i);
}

void describe('compaction', () => {
  void it('drops deleted values in place and shrinks the index, results unchanged', async () => {
    const mem = new InMemoryStore();
    const fx = await populated(mem);
    const before = await mem.stats();
    const report = await fx.compact();
    const after = await mem.stats();
    assert.equal(report.complete, true);
    assert.ok(report.keywords > 40);
    assert.ok(after.bytes < before.bytes * 0.6, `${before.bytes} → ${after.bytes}`);
    const fresh = new Findex({ store: mem, key: KEY, prefix: { min: 2 } });
    for (let k = 0; k < 40; k += 7)
      assert.deepEqual(nums((await fresh.search([`word${k}`]))[0] ?? []), expected(k));
    assert.deepEqual(nums((await fresh.search(['alias']))[0] ?? []), expected(1));
    assert.deepEqual(nums(await fresh.query({ prefix: 'word1' })).length, 110);
    // The client that compacted keeps working (its cache follows the rewrite).
    await fx.insert([['word0', [id(5)]]]);
    assert.deepEqual(nums((await fx.search(['word0']))[0] ?? []), [5, ...expected(0)]);
  });

  void it('moves the index to a fresh key online: writers and readers keep working meanwhile', async () => {
    const mem = new InMemoryStore();
    await populated(mem, OLD);
    const ring = { store: mem, key: NEW, previousKey: OLD, prefix: { min: 2 } } as const;
    const compactor = new Findex(ring);
    const writer = new Findex(ring);
    const reader = new Findex(ring);
    const state = { stop: false };
    const extra: number[] = [];
    const background = (async () => {
      for (let i = 0; !state.stop; i++) {
        await writer.insert([[`word${i % 40}`, [id(90_000 + i)]]]);
        extra.push(i);
        const [r] = await reader.search([`word${i % 40}`]);
        assert.ok(r?.has(id(90_000 + i)));
      }
    })();
    const progress: number[] = [];
    const report = await compactor.compact({
      batchSize: 8,
      onProgress: (p) => progress.push(p.done),
    });
    state.stop = true;
    await background;
    assert.equal(report.complete, true);
    assert.ok(progress.length > 5);
    // Everything is readable with the new key alone now.
    const newOnly = new Findex({ store: mem, key: NEW, prefix: { min: 2 } });
    for (let k = 0; k < 40; k++) {
      const mine = extra.filter((i) => i % 40 === k).map((i) => 90_000 + i);
      assert.deepEqual(nums((await newOnly.search([`word${k}`]))[0] ?? []), [
        ...expected(k),
        ...mine,
      ]);
    }
    assert.deepEqual(nums((await newOnly.search(['alias']))[0] ?? []).slice(0, 10), expected(1));
    // A client still on the old key is told to fetch the new one.
    const stale = new Findex({ store: mem, key: OLD });
    await assert.rejects(
      stale.search(['word3']),
      (e: unknown) => e instanceof KeyEpochMissing && e.epoch === 2,
    );
    await assert.rejects(stale.insert([['word3', [id(1)]]]), KeyEpochMissing);
  });

  void it('is resumable from its cursor', async () => {
    const mem = new InMemoryStore();
    await populated(mem, OLD);
    const fx = new Findex({ store: mem, key: NEW, previousKey: OLD, prefix: { min: 2 } });
    const controller = new AbortController();
    const first = await fx.compact({
      batchSize: 5,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.done >= 10) controller.abort();
      },
    });
    assert.equal(first.complete, false);
    assert.ok(first.cursor !== null);
    // Half-moved index: still fully readable through the ring.
    assert.deepEqual(nums((await fx.search(['word39']))[0] ?? []), expected(39));
    const rest = await fx.compact({ batchSize: 5, from: first.cursor });
    assert.equal(rest.complete, true);
    const newOnly = new Findex({ store: mem, key: NEW, prefix: { min: 2 } });
    for (let k = 0; k < 40; k += 3)
      assert.deepEqual(nums((await newOnly.search([`word${k}`]))[0] ?? []), expected(k));
  });

  void it('reads during a rotation cost one round trip for short chains', async () => {
    const mem = new InMemoryStore();
    const counting = new CountingStore(mem);
    const old = new Findex({ store: mem, key: OLD });
    await old.insert([['x', [id(1)]]]);
    const ring = new Findex({ store: counting, key: NEW, previousKey: OLD });
    await ring.insert([['x', [id(2)]]]);
    counting.reset();
    assert.deepEqual(nums((await ring.search(['x']))[0] ?? []), [1, 2]);
    assert.equal(counting.reads, 1);
  });
});
