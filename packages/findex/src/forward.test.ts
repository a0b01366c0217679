import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TamperDetected, WriteConflict } from './errors.ts';
import { Findex } from './findex.ts';
import { ForwardState } from './forward.ts';
import { InMemoryStore } from './memory-store.ts';
import { CountingStore, id, KEY, nums } from './_test/helpers.ts';
import { bytesKey } from './_assert.ts';

void describe('forward-private mode', () => {
  void it('inserts, deletes and searches; searches take one round trip', async () => {
    const store = new CountingStore(new InMemoryStore());
    const fx = new Findex({ store, key: KEY, forward: new ForwardState(), prefix: { min: 2 } });
    await fx.insert([
      ['alpha', [id(1), id(2)]],
      ['beta', [id(3)]],
    ]);
    await fx.insert([['alpha', Array.from({ length: 300 }, (_, i) => id(100 + i))]]);
    await fx.delete([['alpha', [id(2)]]]);
    store.reset();
    const [a, b, c] = await fx.search(['alpha', 'beta', 'gamma']);
    assert.equal(store.reads, 1);
    assert.equal(a?.size, 301);
    assert.ok(a.has(id(1)) && !a.has(id(2)));
    assert.deepEqual(nums(b ?? []), [3]);
    assert.equal(c?.size, 0);
    assert.deepEqual(nums(await fx.query({ prefix: 'be' })), [3]);
  });

  void it('an insert writes only to addresses no earlier search has shown to the store', async () => {
    const store = new CountingStore(new InMemoryStore());
    const fx = new Findex({ store, key: KEY, forward: new ForwardState() });
    await fx.insert([['w', [id(1)]]]);
    await fx.search(['w']);
    await fx.search(['w']);
    const seen = new Set(store.readLog.flat().map(bytesKey));
    store.reset();
    await fx.insert([['w', [id(2)]]]);
    for (const w of store.writeLog.flatMap((l) => l.writes))
      assert.ok(!seen.has(bytesKey(w.address)));
    assert.equal(store.reads, 0);
    assert.deepEqual(nums((await fx.search(['w']))[0] ?? []), [1, 2]);
  });

  void it('exports and imports its state; a shared state copy is caught as a conflict', async () => {
    const mem = new InMemoryStore();
    const state = new ForwardState();
    const fx = new Findex({ store: mem, key: KEY, forward: state });
    await fx.insert([
      ['k', [id(1)]],
      ['é', [id(2)]],
    ]);
    const copy = ForwardState.import(state.export());
    assert.equal(copy.size, 2);
    const other = new Findex({ store: mem, key: KEY, forward: copy });
    assert.deepEqual(nums((await other.search(['k']))[0] ?? []), [1]);
    await fx.insert([['k', [id(3)]]]);
    await assert.rejects(other.insert([['k', [id(4)]]]), WriteConflict);
    assert.deepEqual(nums((await fx.search(['k']))[0] ?? []), [1, 3]);
    for (const bad of [
      new Uint8Array(0),
      Uint8Array.of(9, 0, 0, 0, 0),
      Uint8Array.of(1, 0, 0, 0, 1),
      Uint8Array.of(1, 0, 0, 0, 0, 7),
    ]) {
      assert.throws(() => ForwardState.import(bad), RangeError);
    }
  });

  void it('detects a truncated chain from the state alone', async () => {
    const mem = new InMemoryStore();
    const counting = new CountingStore(mem);
    const fx = new Findex({ store: counting, key: KEY, forward: new ForwardState() });
    await fx.insert([['k', Array.from({ length: 50 }, (_, i) => id(i))]]);
    const cells = counting.writeLog[0]?.writes ?? [];
    mem.tamper((cells[cells.length - 1] as { address: Uint8Array }).address, null);
    await assert.rejects(fx.search(['k']), TamperDetected);
  });

  void it('compacts to fresh random addresses', async () => {
    const mem = new InMemoryStore();
    const state = new ForwardState();
    const fx = new Findex({ store: mem, key: KEY, forward: state });
    for (let i = 0; i < 20; i++) await fx.insert([['k', [id(i)]]]);
    await fx.delete([['k', Array.from({ length: 15 }, (_, i) => id(i))]]);
    const before = await mem.stats();
    const report = await fx.compact();
    assert.equal(report.complete, true);
    const after = await mem.stats();
    assert.ok(after.cells < before.cells / 4, `${before.cells} → ${after.cells}`);
    assert.deepEqual(nums((await fx.search(['k']))[0] ?? []), [15, 16, 17, 18, 19]);
  });
});
