import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Findex, type FindexOptions } from './findex.ts';
import { InMemoryStore } from './memory-store.ts';
import { ResultSet } from './results.ts';
import { CountingStore, id, KEY, KEY2, nums } from './_test/helpers.ts';

function setup(options: Partial<FindexOptions> = {}): {
  fx: Findex;
  store: CountingStore;
  mem: InMemoryStore;
} {
  const mem = new InMemoryStore();
  const store = new CountingStore(mem);
  return { fx: new Findex({ store, key: KEY, ...options }), store, mem };
}

void describe('Findex multi-map', () => {
  void it('inserts, searches and deletes, batched over keywords', async () => {
    const { fx } = setup();
    await fx.insert(
      new Map([
        ['a', [id(1), id(2)]],
        ['b', [id(2), id(3)]],
      ]),
    );
    await fx.insert([['a', [id(4), id(1)]]]);
    const [a0, b0, c] = await fx.search(['a', 'b', 'c']);
    assert.deepEqual(nums(a0 ?? []), [1, 2, 4]);
    assert.deepEqual(nums(b0 ?? []), [2, 3]);
    assert.equal(c?.size, 0);
    await fx.delete([
      ['a', [id(1)]],
      ['b', [id(9)]],
    ]);
    const [a1, b1] = await fx.search(['a', 'b']);
    assert.deepEqual(nums(a1 ?? []), [2, 4]);
    assert.deepEqual(nums(b1 ?? []), [2, 3]);
    // Insert after delete brings a value back.
    await fx.insert([['a', [id(1)]]]);
    assert.deepEqual(nums((await fx.search(['a']))[0] ?? []), [1, 2, 4]);
  });

  void it('returns a ResultSet compared by content, whose values the caller owns', async () => {
    const { fx } = setup();
    const v = id(7);
    await fx.insert([['k', [v, id(7)]]]);
    v.fill(0);
    const [r] = await fx.search(['k']);
    assert.ok(r instanceof ResultSet);
    assert.equal(r.size, 1);
    assert.ok(r.has(id(7)));
    const [first] = r.values();
    first?.fill(0);
    assert.ok(r.has(id(7)));
  });

  void it('handles byte keywords, unicode keywords and values of every allowed length', async () => {
    const { fx } = setup();
    const values = [
      Uint8Array.of(0),
      new Uint8Array(fx.maxValueLength).fill(0xff),
      Uint8Array.from({ length: 63 }, (_, i) => i),
    ];
    await fx.insert([
      [Uint8Array.of(0, 1, 2), values],
      ['日本語', [id(5)]],
    ]);
    const [bytes, uni, asBytes] = await fx.search([
      Uint8Array.of(0, 1, 2),
      '日本語',
      new TextEncoder().encode('日本語'),
    ]);
    assert.equal(bytes?.size, 3);
    for (const v of values) assert.ok(bytes.has(v));
    assert.deepEqual(nums(uni ?? []), [5]);
    assert.deepEqual(nums(asBytes ?? []), [5]);
  });

  void it('keeps indexes apart by key and by label', async () => {
    const mem = new InMemoryStore();
    const a = new Findex({ store: mem, key: KEY, label: 'a' });
    const b = new Findex({ store: mem, key: KEY, label: 'b' });
    const c = new Findex({ store: mem, key: KEY2, label: 'a' });
    await a.insert([['k', [id(1)]]]);
    await b.insert([['k', [id(2)]]]);
    await c.insert([['k', [id(3)]]]);
    assert.deepEqual(nums((await a.search(['k']))[0] ?? []), [1]);
    assert.deepEqual(nums((await b.search(['k']))[0] ?? []), [2]);
    assert.deepEqual(nums((await c.search(['k']))[0] ?? []), [3]);
  });

  void it('searches a batch of keywords in one round trip, and long chains in two', async () => {
    const { fx, store, mem } = setup();
    await fx.insert([
      ['small1', [id(1)]],
      ['small2', [id(2), id(3)]],
      ['long', Array.from({ length: 500 }, (_, i) => id(i))],
    ]);
    const cold = new Findex({ store, key: KEY });
    store.reset();
    await cold.search(['small1', 'small2', 'missing']);
    assert.equal(store.reads, 1);
    store.reset();
    const [long] = await cold.search(['long', 'small1']);
    assert.equal(long?.size, 500);
    assert.equal(store.reads, 2);
    // Once the client knows the chain length, one round trip suffices.
    store.reset();
    await cold.search(['long', 'small2']);
    assert.equal(store.reads, 1);
    assert.ok(mem instanceof InMemoryStore);
  });

  void it('writes a batch in one round trip when its headers are known', async () => {
    const { fx, store } = setup();
    await fx.insert([
      ['a', [id(1)]],
      ['b', [id(1)]],
    ]);
    store.reset();
    await fx.insert([
      ['a', [id(2)]],
      ['b', [id(2)]],
    ]);
    assert.deepEqual([store.reads, store.writes], [0, 1]);
    // A cold client reads the headers first, then writes: two round trips.
    const cold = new Findex({ store, key: KEY });
    store.reset();
    await cold.insert([
      ['a', [id(3)]],
      ['c', [id(3)]],
    ]);
    assert.deepEqual([store.reads, store.writes], [1, 1]);
  });

  void it('keeps its header cache exact across batches, copies and evictions', async () => {
    // The cache keeps views of each write batch's arrays and copies the survivors out once
    // most of a batch was rewritten; a small cacheSize also evicts. Every write must still
    // guard on the exact stored headers (one round trip, no conflict), and reads agree.
    for (const cacheSize of [100_000, 50]) {
      const { fx, store } = setup({ cacheSize });
      const kw = (i: number): string => `k${i}`;
      const expected = new Map<string, number[]>();
      const batch = (from: number, to: number, value: number): [string, Uint8Array[]][] => {
        const out: [string, Uint8Array[]][] = [];
        for (let i = from; i < to; i++) {
          out.push([kw(i), [id(value), id(value + 1)]]);
          expected.set(kw(i), [...(expected.get(kw(i)) ?? []), value, value + 1]);
        }
        return out;
      };
      // 12 values × 9 bytes overflow a default tail: chains grow cells too.
      for (let round = 0; round < 6; round++) {
        await fx.insert(batch(0, 40, 10 * round));
        await fx.insert(batch(0, 32, 10 * round + 2)); // retires 4/5 of the previous batch
        store.reset();
        await fx.insert(batch(30, 40, 10 * round + 4));
        if (cacheSize > 40) assert.deepEqual([store.reads, store.writes], [0, 1]);
        else assert.equal(store.writes, 1);
      }
      const names = [...expected.keys()];
      const got = await fx.search(names);
      const cold = await new Findex({ store, key: KEY }).search(names);
      names.forEach((k, i) => {
        const want = (expected.get(k) ?? []).sort((a, b) => a - b);
        assert.deepEqual(nums(got[i] ?? []), want);
        assert.deepEqual(nums(cold[i] ?? []), want);
      });
    }
  });

  void it('packs 8-byte ids densely', async () => {
    const { fx, mem } = setup();
    const bindings = new Map<string, Uint8Array[]>();
    for (let k = 0; k < 50; k++)
      bindings.set(
        `kw${k}`,
        Array.from({ length: 200 }, (_, i) => id(k * 1000 + i)),
      );
    await fx.insert(bindings);
    const { bytes } = await mem.stats();
    assert.ok(bytes / 10_000 < 20, `${bytes / 10_000} bytes per pair`);
  });
});

void describe('Findex queries', () => {
  const words = ['apple', 'apply', 'applet', 'banana', 'bandana', 'nab', 'été', 'étés'];
  async function corpus(): Promise<Findex> {
    const { fx } = setup({ prefix: { min: 2, max: 4 }, suffix: { min: 2, max: 4 } });
    await fx.insert(words.map((w, i) => [w, [id(i)]] as const));
    return fx;
  }
  const expect = (pred: (w: string) => boolean): number[] =>
    words.flatMap((w, i) => (pred(w) ? [i] : []));

  void it('answers prefix queries of any length from the minimum, exactly', async () => {
    const fx = await corpus();
    for (const p of [
      'ap',
      'app',
      'appl',
      'apple',
      'applet',
      'applets',
      'ba',
      'ban',
      'band',
      'bana',
      'x',
      'ét',
      'été',
    ]) {
      if (Array.from(p).length < 2) {
        await assert.rejects(fx.query({ prefix: p }), RangeError);
        continue;
      }
      assert.deepEqual(
        nums(await fx.query({ prefix: p })),
        expect((w) => w.startsWith(p)),
        p,
      );
    }
  });

  void it('answers suffix queries of any length from the minimum, exactly', async () => {
    const fx = await corpus();
    for (const s of ['na', 'ana', 'dana', 'andana', 'bandana', 'le', 'et', 'let', 'té', 'tés']) {
      assert.deepEqual(
        nums(await fx.query({ suffix: s })),
        expect((w) => w.endsWith(s)),
        s,
      );
    }
  });

  void it('answers a prefix query in one round trip', async () => {
    const { fx, store } = setup({ prefix: { min: 3 } });
    await fx.insert([
      ['international', [id(1)]],
      ['internet', [id(2)]],
      ['interval', [id(3)]],
    ]);
    const cold = new Findex({ store, key: KEY, prefix: { min: 3 } });
    store.reset();
    assert.deepEqual(nums(await cold.query({ prefix: 'inter' })), [1, 2, 3]);
    assert.equal(store.reads, 1);
  });

  void it('removes a deleted (keyword, value) from its prefixes without touching siblings', async () => {
    const { fx } = setup({ prefix: { min: 2 } });
    await fx.insert([
      ['apple', [id(1)]],
      ['apply', [id(1), id(2)]],
    ]);
    await fx.delete([['apple', [id(1)]]]);
    assert.deepEqual(nums(await fx.query({ prefix: 'app' })), [1, 2]);
    assert.deepEqual(nums(await fx.query({ prefix: 'apple' })), []);
    await fx.delete([['apply', [id(1)]]]);
    assert.deepEqual(nums(await fx.query({ prefix: 'app' })), [2]);
  });

  void it('follows synonyms up to the configured depth, hides links, survives cycles', async () => {
    const { fx } = setup({ synonymDepth: 2 });
    await fx.insert([
      ['car', [id(1)]],
      ['automobile', [id(2)]],
      ['vehicle', [id(3)]],
      ['truck', [id(4)]],
    ]);
    await fx.link([
      ['auto', ['car', 'automobile']],
      ['car', ['vehicle']],
      ['vehicle', ['truck', 'auto']],
    ]);
    const [auto, car] = await fx.search(['auto', 'car']);
    // auto → car, automobile (1 hop) → vehicle (2 hops); truck is 3 hops away.
    assert.deepEqual(nums(auto ?? []), [1, 2, 3]);
    // car → vehicle (1 hop) → truck, auto (2 hops); automobile is 3 hops away.
    assert.deepEqual(nums(car ?? []), [1, 3, 4]);
    assert.deepEqual(nums(await fx.query({ exact: 'auto', synonyms: false })), []);
    const shallow = new Findex({ store: new InMemoryStore(), key: KEY, synonymDepth: 0 });
    await shallow.insert([['x', [id(9)]]]);
    await shallow.link([['y', ['x']]]);
    assert.equal((await shallow.search(['y']))[0]?.size, 0);
    await fx.unlink([['auto', ['automobile']]]);
    assert.deepEqual(nums((await fx.search(['auto']))[0] ?? []), [1, 3]);
  });

  void it('evaluates AND and OR, nested, with prefixes', async () => {
    const fx = await corpus();
    await fx.insert([
      ['fruit', [id(0), id(1), id(3)]],
      ['red', [id(0), id(6)]],
    ]);
    assert.deepEqual(nums(await fx.query({ and: ['fruit', 'red'] })), [0]);
    assert.deepEqual(nums(await fx.query({ or: ['red', 'banana'] })), [0, 3, 6]);
    assert.deepEqual(
      nums(await fx.query({ and: ['fruit', { or: [{ prefix: 'ban' }, 'red'] }] })),
      [0, 3],
    );
    assert.deepEqual(nums(await fx.query({ and: ['fruit', 'nothing'] })), []);
  });

  void it('AND fetches no more than needed: an empty term stops it before any chain is read', async () => {
    const { fx, store } = setup({ speculate: 0 });
    await fx.insert([
      ['big', Array.from({ length: 2000 }, (_, i) => id(i))],
      ['small', [id(5), id(3000)]],
    ]);
    const cold = new Findex({ store, key: KEY, speculate: 0 });
    store.reset();
    assert.deepEqual(nums(await cold.query({ and: ['big', 'absent'] })), []);
    assert.equal(store.reads, 1);
    assert.equal(store.addressesRead, 2);
    // With a small term, the small chain is read and intersected first; the big one is read
    // once, and only because the intersection is not yet empty.
    store.reset();
    assert.deepEqual(nums(await cold.query({ and: ['big', 'small'] })), [5]);
    store.reset();
    await cold.insert([['disjoint', [id(9999)]]]);
    store.reset();
    assert.deepEqual(nums(await cold.query({ and: ['disjoint', 'small', 'big'] })), []);
    const bigCells = store.readLog.flat().length;
    assert.ok(bigCells < 20, `read ${bigCells} addresses`);
  });

  void it('streams values newest first and stops fetching at the limit', async () => {
    const { fx, store } = setup();
    const n = 3000;
    await fx.insert([['many', Array.from({ length: n }, (_, i) => id(i))]]);
    await fx.delete([['many', [id(n - 1)]]]);
    const cold = new Findex({ store, key: KEY });
    store.reset();
    const got: number[] = [];
    for await (const v of cold.stream('many', { limit: 10, pageCells: 4 }))
      got.push(Number(new DataView(v.buffer).getBigUint64(0)));
    assert.deepEqual(
      got,
      Array.from({ length: 10 }, (_, i) => n - 2 - i),
    );
    assert.ok(store.addressesRead < 20, `read ${store.addressesRead} addresses`);
    let all = 0;
    for await (const _ of cold.stream({ or: ['many', 'absent'] })) all++;
    assert.equal(all, n - 1);
    const seen: number[] = [];
    for await (const v of cold.stream({ and: ['many'] }, { limit: 3 }))
      seen.push(Number(new DataView(v.buffer).getBigUint64(0)));
    assert.equal(seen.length, 3);
  });
});

void describe('Findex hostile inputs', () => {
  void it('rejects bad options', () => {
    const store = new InMemoryStore();
    const bad: unknown[] = [
      null,
      {},
      { store, key: new Uint8Array(31) },
      { store, key: 'secret' },
      { store: {}, key: KEY },
      { store, key: KEY, cellSize: 63 },
      { store, key: KEY, cellSize: 4097 },
      { store, key: KEY, prefix: { min: 0 } },
      { store, key: KEY, prefix: { min: 4, max: 3 } },
      { store, key: KEY, synonymDepth: -1 },
      { store, key: KEY, maxAttempts: 0 },
      { store, key: KEY, backoff: { baseMs: -1, capMs: 1 } },
      { store, key: { epoch: -1, seed: KEY } },
      { store, key: { epoch: 1, seed: KEY }, previousKey: { epoch: 1, seed: KEY2 } },
      { store, key: KEY, forward: {} },
    ];
    for (const o of bad)
      assert.throws(
        () => new Findex(o as FindexOptions),
        (e: unknown) => e instanceof TypeError || e instanceof RangeError,
      );
  });

  void it('rejects bad bindings, keywords, values and queries without writing', async () => {
    const { fx, store } = setup();
    const bad: unknown[] = [
      null,
      'ab',
      [['k']],
      [['k', id(1)]],
      [['', [id(1)]]],
      [[42, [id(1)]]],
      [['k', ['v']]],
      [['k', [new Uint8Array(0)]]],
      [['k', [new Uint8Array(fx.maxValueLength + 1)]]],
      [['x'.repeat(1025), [id(1)]]],
    ];
    for (const b of bad) {
      await assert.rejects(
        fx.insert(b as never),
        (e: unknown) => e instanceof TypeError || e instanceof RangeError,
      );
    }
    assert.equal(store.writes, 0);
    const badQueries: unknown[] = [
      null,
      1,
      {},
      { and: [] },
      { or: 'a' },
      { prefix: 'abc' },
      { exact: 'a', prefix: 'b' },
      { exact: 'a', synonyms: 'yes' },
    ];
    for (const q of badQueries)
      await assert.rejects(
        fx.query(q as never),
        (e: unknown) => e instanceof TypeError || e instanceof RangeError,
      );
    await assert.rejects(fx.search('a' as never), TypeError);
    await assert.rejects(fx.search([1] as never), TypeError);
    let deep: unknown = 'a';
    for (let i = 0; i < 40; i++) deep = { or: [deep] };
    await assert.rejects(fx.query(deep as never), RangeError);
    await assert.rejects(fx.stream('a', { limit: -1 }).next(), RangeError);
  });
});
