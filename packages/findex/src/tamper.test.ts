/**
 * A malicious store: it alters, moves, swaps, drops, rolls back or replays cells. Every case
 * must end in TamperDetected or RollbackDetected, never in a silently wrong result (except a
 * whole-keyword rollback shown to a client with no memory of it, which no stateless client can
 * detect: documented, and pinned down here).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RollbackDetected, StoreError, TamperDetected } from './errors.ts';
import { Findex } from './findex.ts';
import { InMemoryStore } from './memory-store.ts';
import type { FindexStore, Guard, Write } from './store.ts';
import { CountingStore, id, KEY, nums } from './_test/helpers.ts';

/** Inserts and returns the header address and chain cell addresses of the keyword written. */
async function indexed(
  n = 40,
  registry = false,
): Promise<{
  mem: InMemoryStore;
  store: CountingStore;
  fx: Findex;
  header: Uint8Array;
  cells: Uint8Array[];
}> {
  const mem = new InMemoryStore();
  const store = new CountingStore(mem);
  const fx = new Findex({ store, key: KEY, registry });
  await fx.insert([['k', Array.from({ length: n }, (_, i) => id(i))]]);
  await fx.insert([['other', [id(999)]]]);
  const first = store.writeLog[0] as { guards: readonly Guard[]; writes: readonly Write[] };
  const header = (first.guards[0] as Guard).address;
  const end = first.writes.findIndex((w) => w.address === header);
  const cells = first.writes.slice(0, end).map((w) => w.address);
  return { mem, store, fx, header, cells };
}

function flip(cell: Uint8Array, at: number): Uint8Array {
  const c = cell.slice();
  c[at] = (c[at] as number) ^ 1;
  return c;
}

async function read(mem: InMemoryStore, a: Uint8Array): Promise<Uint8Array> {
  return (await mem.batchRead([a]))[0] as Uint8Array;
}

void describe('tamper detection', () => {
  void it('an altered header or chain cell (nonce, ciphertext or tag byte) is detected', async () => {
    for (const target of ['header', 'cell'] as const) {
      for (const at of [0, 20, -1]) {
        const { mem, header, cells, fx } = await indexed();
        const a = target === 'header' ? header : (cells[1] as Uint8Array);
        const c = await read(mem, a);
        mem.tamper(a, flip(c, at < 0 ? c.length - 1 : at));
        await assert.rejects(
          new Findex({ store: mem, key: KEY }).search(['k']),
          TamperDetected,
          `${target} byte ${at}`,
        );
        await assert.rejects(fx.search(['k']), TamperDetected);
      }
    }
  });

  void it('a cell moved to another address is detected (headers between keywords, cells within a chain)', async () => {
    const { mem, header, store } = await indexed();
    const otherHeader = ((store.writeLog[1] as { guards: readonly Guard[] }).guards[0] as Guard)
      .address;
    const h1 = await read(mem, header);
    const h2 = await read(mem, otherHeader);
    mem.tamper(header, h2);
    mem.tamper(otherHeader, h1);
    await assert.rejects(new Findex({ store: mem, key: KEY }).search(['k']), TamperDetected);
    const fresh = await indexed();
    const c0 = await read(fresh.mem, fresh.cells[0] as Uint8Array);
    const c1 = await read(fresh.mem, fresh.cells[1] as Uint8Array);
    fresh.mem.tamper(fresh.cells[0] as Uint8Array, c1);
    fresh.mem.tamper(fresh.cells[1] as Uint8Array, c0);
    await assert.rejects(new Findex({ store: fresh.mem, key: KEY }).search(['k']), TamperDetected);
  });

  void it('a truncated chain (last or middle cell dropped) is detected', async () => {
    for (const which of ['last', 'middle'] as const) {
      const { mem, cells } = await indexed();
      mem.tamper((which === 'last' ? cells[cells.length - 1] : cells[1]) as Uint8Array, null);
      await assert.rejects(new Findex({ store: mem, key: KEY }).search(['k']), TamperDetected);
      await assert.rejects(new Findex({ store: mem, key: KEY }).query('k'), TamperDetected);
      const drain = async (): Promise<void> => {
        for await (const v of new Findex({ store: mem, key: KEY }).stream('k'))
          assert.ok(v.length > 0);
      };
      await assert.rejects(drain(), TamperDetected);
    }
  });

  void it('a cell of the wrong length is detected', async () => {
    const { mem, cells } = await indexed();
    const c = await read(mem, cells[0] as Uint8Array);
    mem.tamper(cells[0] as Uint8Array, c.subarray(0, c.length - 1));
    await assert.rejects(new Findex({ store: mem, key: KEY }).search(['k']), TamperDetected);
  });

  void it('a rolled-back keyword is detected by a client that saw the newer state', async () => {
    const { mem, fx, header } = await indexed(5);
    const before = mem.dump();
    await fx.insert([['k', [id(100)]]]);
    assert.deepEqual(nums((await fx.search(['k']))[0] ?? []), [0, 1, 2, 3, 4, 100]);
    // The store restores its old snapshot.
    for (const [a] of mem.dump()) mem.tamper(a, null);
    for (const [a, c] of before) mem.tamper(a, c);
    await assert.rejects(fx.search(['k']), RollbackDetected);
    await assert.rejects(fx.insert([['k', [id(101)]]]), RollbackDetected);
    // A client with no memory of the newer state sees a consistent older index: a whole-state
    // rollback is undetectable without client state (docs/findex.md, "Limits").
    assert.deepEqual(
      nums((await new Findex({ store: mem, key: KEY }).search(['k']))[0] ?? []),
      [0, 1, 2, 3, 4],
    );
    // A deleted header is a rollback too, for a client that saw it.
    mem.tamper(header, null);
    await assert.rejects(fx.search(['k']), RollbackDetected);
  });

  void it('a replayed refused write, or an old cell after a rewrite, is detected', async () => {
    // Writer B loses a race; the store keeps B's refused header and cells and later shows them
    // in place of A's winning ones. A remembers its own header for that version.
    const mem = new InMemoryStore();
    const spy = new CountingStore(mem);
    const a = new Findex({ store: mem, key: KEY, registry: false });
    const b = new Findex({ store: spy, key: KEY, registry: false });
    await a.insert([['k', [id(1)]]]);
    await b.search(['k']);
    await a.insert([['k', [id(2)]]]);
    spy.reset();
    await b.insert([['k', [id(3)]]]); // first attempt refused (stale), second applied
    const refused = spy.writeLog[0] as { guards: readonly Guard[]; writes: readonly Write[] };
    const c = new Findex({ store: mem, key: KEY, registry: false });
    await c.insert([['k', [id(4)]]]); // version n+1 written by C
    // The store now swaps in B's refused attempt (same version number as an old state).
    for (const w of refused.writes) mem.tamper(w.address, w.value);
    await assert.rejects(
      c.search(['k']),
      (e: unknown) => e instanceof TamperDetected || e instanceof RollbackDetected,
    );

    // After an in-place compaction, an old cell put back at its address breaks the chain.
    const { mem: m2, fx, cells } = await indexed(40, true);
    const old = await read(m2, cells[0] as Uint8Array);
    await fx.delete([['k', [id(0)]]]);
    await fx.compact();
    const now = await read(m2, cells[0] as Uint8Array);
    assert.notDeepEqual(now, old);
    m2.tamper(cells[0] as Uint8Array, old);
    await assert.rejects(new Findex({ store: m2, key: KEY }).search(['k']), TamperDetected);
  });

  void it('a store that breaks the result contract is reported as StoreError', async () => {
    const liar: FindexStore = {
      batchRead: (a) => Promise.resolve(a.slice(1).map(() => null)),
      guardedWrite: (g) => Promise.resolve(g.map(() => null)),
    };
    await assert.rejects(new Findex({ store: liar, key: KEY }).search(['k']), StoreError);
    const garbage: FindexStore = {
      batchRead: (a) => Promise.resolve(a.map(() => 'x' as unknown as Uint8Array)),
      guardedWrite: (g) => Promise.resolve(g.map(() => null)),
    };
    await assert.rejects(new Findex({ store: garbage, key: KEY }).search(['k']), StoreError);
  });
});
