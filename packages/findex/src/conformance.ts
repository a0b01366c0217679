/**
 * The store conformance suite: every `FindexStore` must pass it. Node only (it is a `node:test`
 * suite). Call it from a test file with a factory that opens a fresh, empty, isolated store:
 *
 * ```ts
 * import { describeStoreConformance } from '@custos/findex/conformance';
 * describeStoreConformance('my store', async () => {
 *   const store = await MyStore.open(uniqueName());
 *   return { store, peer: () => MyStore.open(sameName()), close: () => store.destroy() };
 * });
 * ```
 *
 * It checks the contract of `store.ts`: read order and duplicates, absent cells, guarded writes
 * that apply, wrong guards that do not (expected value differs, expected absent but present,
 * expected present but absent, one wrong guard among many), deletes, binary safety, isolation
 * between stores, argument checks, large batches, and concurrency through separate connections:
 * compare-and-swap counters that must lose no increment, and racing creators of which exactly
 * one may win.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { guardsHeld, type FindexStore, type Guard, type Write } from './store.ts';

export interface ConformanceTarget {
  /** A fresh, empty store, isolated from every other target. */
  readonly store: FindexStore;
  /**
   * Another handle on the same data through its own connection, for the concurrency cases.
   * Defaults to `store` itself (fine for in-process stores). Handles are not closed by the suite
   * except through `close`.
   */
  readonly peer?: () => Promise<FindexStore>;
  /** Releases everything the target holds (drop the table, delete the keys, disconnect). */
  close(): Promise<void>;
}

export interface ConformanceOptions {
  /** Skip the whole suite with this reason (e.g. the server is unreachable). */
  readonly skip?: string | false | undefined;
  /** Concurrent writers in the concurrency cases. Default 16. */
  readonly writers?: number;
  /** Compare-and-swap increments per writer. Default 30. */
  readonly increments?: number;
}

const enc = new TextEncoder();

function addr(text: string): Uint8Array {
  const a = new Uint8Array(16);
  a.set(enc.encode(text).subarray(0, 16));
  return a;
}

function cell(text: string): Uint8Array {
  return enc.encode(text);
}

function u64(n: number): Uint8Array {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, BigInt(n));
  return out;
}

function readU64(b: Uint8Array | null): number {
  if (b === null) return 0;
  return Number(new DataView(b.buffer, b.byteOffset, b.byteLength).getBigUint64(0));
}

/** Registers the suite under `describe(name)`. */
export function describeStoreConformance(
  name: string,
  open: () => Promise<ConformanceTarget>,
  options: ConformanceOptions = {},
): void {
  const writers = options.writers ?? 16;
  const increments = options.increments ?? 30;

  async function withTarget(fn: (t: ConformanceTarget) => Promise<void>): Promise<void> {
    const t = await open();
    try {
      await fn(t);
    } finally {
      await t.close();
    }
  }

  void describe(name, { skip: options.skip ?? false }, () => {
    void it('reads nothing from an empty store, in order, duplicates included', () =>
      withTarget(async ({ store }) => {
        assert.deepEqual(await store.batchRead([]), []);
        assert.deepEqual(await store.batchRead([addr('a'), addr('b'), addr('a')]), [
          null,
          null,
          null,
        ]);
      }));

    void it('applies unguarded writes and reads them back in the order asked', () =>
      withTarget(async ({ store }) => {
        const current = await store.guardedWrite(
          [],
          [
            { address: addr('a'), value: cell('alpha') },
            { address: addr('b'), value: cell('beta') },
          ],
        );
        assert.deepEqual(current, []);
        const read = await store.batchRead([addr('b'), addr('x'), addr('a'), addr('b')]);
        assert.deepEqual(read, [cell('beta'), null, cell('alpha'), cell('beta')]);
      }));

    void it('a guard expecting absence applies once, then refuses and reports the winner', () =>
      withTarget(async ({ store }) => {
        const g: Guard = { address: addr('h'), expected: null };
        const first = await store.guardedWrite([g], [{ address: addr('h'), value: cell('one') }]);
        assert.deepEqual(first, [null]);
        assert.ok(guardsHeld([g], first));
        const second = await store.guardedWrite([g], [{ address: addr('h'), value: cell('two') }]);
        assert.deepEqual(second, [cell('one')]);
        assert.ok(!guardsHeld([g], second));
        assert.deepEqual(await store.batchRead([addr('h')]), [cell('one')]);
      }));

    void it('wrong guard: a different expected value writes nothing', () =>
      withTarget(async ({ store }) => {
        await store.guardedWrite([], [{ address: addr('h'), value: cell('v1') }]);
        const current = await store.guardedWrite(
          [{ address: addr('h'), expected: cell('v0') }],
          [
            { address: addr('h'), value: cell('v2') },
            { address: addr('c'), value: cell('side effect') },
          ],
        );
        assert.deepEqual(current, [cell('v1')]);
        assert.deepEqual(await store.batchRead([addr('h'), addr('c')]), [cell('v1'), null]);
        // A prefix or extension of the stored value is not equal to it.
        for (const expected of [cell('v'), cell('v10'), cell('V1')]) {
          const r = await store.guardedWrite(
            [{ address: addr('h'), expected }],
            [{ address: addr('h'), value: cell('x') }],
          );
          assert.deepEqual(r, [cell('v1')]);
        }
        assert.deepEqual(await store.batchRead([addr('h')]), [cell('v1')]);
      }));

    void it('wrong guard: expecting a value where nothing is stored writes nothing', () =>
      withTarget(async ({ store }) => {
        const current = await store.guardedWrite(
          [{ address: addr('h'), expected: cell('ghost') }],
          [{ address: addr('h'), value: cell('v') }],
        );
        assert.deepEqual(current, [null]);
        assert.deepEqual(await store.batchRead([addr('h')]), [null]);
      }));

    void it('the right guard applies the whole batch, deletes included', () =>
      withTarget(async ({ store }) => {
        await store.guardedWrite(
          [],
          [
            { address: addr('h'), value: cell('v1') },
            { address: addr('old'), value: cell('stale') },
          ],
        );
        const current = await store.guardedWrite(
          [{ address: addr('h'), expected: cell('v1') }],
          [
            { address: addr('h'), value: cell('v2') },
            { address: addr('c1'), value: cell('cell 1') },
            { address: addr('old'), value: null },
            { address: addr('never'), value: null },
          ],
        );
        assert.deepEqual(current, [cell('v1')]);
        assert.deepEqual(
          await store.batchRead([addr('h'), addr('c1'), addr('old'), addr('never')]),
          [cell('v2'), cell('cell 1'), null, null],
        );
        // A deleted cell guards as absent.
        const again = await store.guardedWrite(
          [{ address: addr('old'), expected: null }],
          [{ address: addr('old'), value: cell('reborn') }],
        );
        assert.deepEqual(again, [null]);
        assert.deepEqual(await store.batchRead([addr('old')]), [cell('reborn')]);
      }));

    void it('many guards are all or nothing: one wrong guard among several writes nothing', () =>
      withTarget(async ({ store }) => {
        await store.guardedWrite(
          [],
          [
            { address: addr('g1'), value: cell('1') },
            { address: addr('g2'), value: cell('2') },
          ],
        );
        const guards: Guard[] = [
          { address: addr('g1'), expected: cell('1') },
          { address: addr('g2'), expected: cell('two') },
          { address: addr('g3'), expected: null },
        ];
        const writes: Write[] = [
          { address: addr('g1'), value: cell('1b') },
          { address: addr('g2'), value: cell('2b') },
          { address: addr('g3'), value: cell('3b') },
        ];
        const current = await store.guardedWrite(guards, writes);
        assert.deepEqual(current, [cell('1'), cell('2'), null]);
        assert.ok(!guardsHeld(guards, current));
        assert.deepEqual(await store.batchRead([addr('g1'), addr('g2'), addr('g3')]), [
          cell('1'),
          cell('2'),
          null,
        ]);
        const fixed = guards.map((g, i) => (i === 1 ? { ...g, expected: cell('2') } : g));
        const ok = await store.guardedWrite(fixed, writes);
        assert.ok(guardsHeld(fixed, ok));
        assert.deepEqual(await store.batchRead([addr('g1'), addr('g2'), addr('g3')]), [
          cell('1b'),
          cell('2b'),
          cell('3b'),
        ]);
      }));

    void it('a guard need not be written: it only conditions the others', () =>
      withTarget(async ({ store }) => {
        await store.guardedWrite([], [{ address: addr('lock'), value: cell('epoch 7') }]);
        const held = await store.guardedWrite(
          [{ address: addr('lock'), expected: cell('epoch 7') }],
          [{ address: addr('data'), value: cell('d1') }],
        );
        assert.deepEqual(held, [cell('epoch 7')]);
        const refused = await store.guardedWrite(
          [{ address: addr('lock'), expected: cell('epoch 6') }],
          [{ address: addr('data'), value: cell('d2') }],
        );
        assert.deepEqual(refused, [cell('epoch 7')]);
        assert.deepEqual(await store.batchRead([addr('lock'), addr('data')]), [
          cell('epoch 7'),
          cell('d1'),
        ]);
      }));

    void it('is binary safe: any address byte, any cell byte, lengths 1 to 4096', () =>
      withTarget(async ({ store }) => {
        const specials = [0x00, 0xff, 0x2a, 0x3f, 0x5b, 0x5c, 0x7b, 0x7d, 0x27, 0x22, 0x0a, 0x25];
        const addresses: Uint8Array[] = [
          Uint8Array.of(0),
          Uint8Array.of(0xff),
          Uint8Array.from(specials),
          new Uint8Array(64).fill(0x2a),
          Uint8Array.from({ length: 16 }, (_, i) => (i * 37) & 0xff),
        ];
        const values: Uint8Array[] = [
          Uint8Array.of(0),
          Uint8Array.from({ length: 256 }, (_, i) => i),
          Uint8Array.from(specials),
          new Uint8Array(4096).fill(0),
          Uint8Array.from({ length: 4096 }, (_, i) => (i * 131) & 0xff),
        ];
        await store.guardedWrite(
          [],
          addresses.map((address, i) => ({ address, value: values[i] as Uint8Array })),
        );
        assert.deepEqual(await store.batchRead(addresses), values);
        // Address 0x00 and address 0x00 0x00 are different addresses.
        assert.deepEqual(await store.batchRead([Uint8Array.of(0, 0)]), [null]);
        const cur = await store.guardedWrite(
          [{ address: addresses[3] as Uint8Array, expected: values[3] as Uint8Array }],
          [{ address: addresses[3] as Uint8Array, value: Uint8Array.of(1) }],
        );
        assert.deepEqual(cur, [values[3]]);
        assert.deepEqual(await store.batchRead([addresses[3] as Uint8Array]), [Uint8Array.of(1)]);
      }));

    void it('neither keeps nor exposes the caller arrays', () =>
      withTarget(async ({ store }) => {
        const a = addr('k');
        const v = cell('value');
        await store.guardedWrite([], [{ address: a, value: v }]);
        v.fill(0);
        const [read] = await store.batchRead([a]);
        assert.deepEqual(read, cell('value'));
        read.fill(0);
        assert.deepEqual(await store.batchRead([addr('k')]), [cell('value')]);
      }));

    void it('handles large batches in one call', () =>
      withTarget(async ({ store }) => {
        const n = 3000;
        const writes: Write[] = [];
        for (let i = 0; i < n; i++) {
          const address = new Uint8Array(16);
          new DataView(address.buffer).setUint32(12, i);
          writes.push({ address, value: u64(i * 7 + 1) });
        }
        const guards: Guard[] = writes
          .slice(0, 1000)
          .map((w) => ({ address: w.address, expected: null }));
        const cur = await store.guardedWrite(guards, writes);
        assert.ok(guardsHeld(guards, cur));
        const read = await store.batchRead(writes.map((w) => w.address));
        assert.equal(read.length, n);
        for (let i = 0; i < n; i++) assert.equal(readU64(read[i] ?? null), i * 7 + 1);
      }));

    void it('rejects malformed arguments without writing', () =>
      withTarget(async ({ store }) => {
        const bad: [unknown, unknown][] = [
          [null, []],
          [[], null],
          [[{ address: 'h', expected: null }], []],
          [[{ address: new Uint8Array(0), expected: null }], []],
          [[{ address: new Uint8Array(65), expected: null }], []],
          [[{ address: addr('h'), expected: new Uint8Array(0) }], []],
          [[], [{ address: addr('h'), value: new Uint8Array(0) }]],
          [[], [{ address: addr('h'), value: 'text' }]],
          [
            [
              { address: addr('h'), expected: null },
              { address: addr('h'), expected: null },
            ],
            [],
          ],
          [
            [],
            [
              { address: addr('h'), value: cell('1') },
              { address: addr('h'), value: cell('2') },
            ],
          ],
        ];
        for (const [g, w] of bad) {
          await assert.rejects(
            store.guardedWrite(g as Guard[], w as Write[]),
            (e: unknown) => e instanceof TypeError || e instanceof RangeError,
          );
        }
        for (const a of [null, 'x', [new Uint8Array(0)], [[1, 2]]]) {
          await assert.rejects(
            store.batchRead(a as Uint8Array[]),
            (e: unknown) => e instanceof TypeError || e instanceof RangeError,
          );
        }
        assert.deepEqual(await store.batchRead([addr('h')]), [null]);
      }));

    void it('stores are isolated from each other', async () => {
      const t1 = await open();
      const t2 = await open();
      try {
        await t1.store.guardedWrite([], [{ address: addr('same'), value: cell('one') }]);
        assert.deepEqual(await t2.store.batchRead([addr('same')]), [null]);
        const cur = await t2.store.guardedWrite(
          [{ address: addr('same'), expected: null }],
          [{ address: addr('same'), value: cell('two') }],
        );
        assert.deepEqual(cur, [null]);
        assert.deepEqual(await t1.store.batchRead([addr('same')]), [cell('one')]);
      } finally {
        await t1.close();
        await t2.close();
      }
    });

    void it(`concurrency: ${writers} writers × ${increments} compare-and-swap increments lose nothing`, () =>
      withTarget(async (t) => {
        const handles = await Promise.all(
          Array.from({ length: writers }, () => (t.peer ? t.peer() : Promise.resolve(t.store))),
        );
        const counter = addr('counter');
        let attempts = 0;
        await Promise.all(
          handles.map(async (store, w) => {
            let [seen] = await store.batchRead([counter]);
            for (let k = 0; k < increments; k++) {
              for (;;) {
                attempts++;
                const next = readU64(seen ?? null) + 1;
                // Each increment also writes a marker cell: the counter and the markers must
                // move together, or the batch was not atomic.
                const marker = new Uint8Array(16);
                marker[0] = 0x6d;
                new DataView(marker.buffer).setUint32(8, next);
                const guard: Guard = { address: counter, expected: seen ?? null };
                const cur = await store.guardedWrite(
                  [guard],
                  [
                    { address: counter, value: u64(next) },
                    { address: marker, value: u64(w) },
                  ],
                );
                if (guardsHeld([guard], cur)) {
                  seen = u64(next);
                  break;
                }
                seen = cur[0] ?? null;
              }
            }
          }),
        );
        const total = writers * increments;
        const [final] = await t.store.batchRead([counter]);
        assert.equal(readU64(final ?? null), total);
        const markers = Array.from({ length: total + 1 }, (_, i) => {
          const m = new Uint8Array(16);
          m[0] = 0x6d;
          new DataView(m.buffer).setUint32(8, i + 1);
          return m;
        });
        const read = await t.store.batchRead(markers);
        assert.equal(read.filter((r) => r !== null).length, total);
        assert.equal(read[total], null);
        assert.ok(attempts >= total);
      }));

    void it(`concurrency: of ${writers} racing creators exactly one wins, the others see its value`, () =>
      withTarget(async (t) => {
        const handles = await Promise.all(
          Array.from({ length: writers }, () => (t.peer ? t.peer() : Promise.resolve(t.store))),
        );
        const target = addr('race');
        const results = await Promise.all(
          handles.map((store, w) =>
            store.guardedWrite(
              [{ address: target, expected: null }],
              [
                { address: target, value: u64(w + 1) },
                { address: addr(`side-${w}`), value: u64(w + 1) },
              ],
            ),
          ),
        );
        const winners = results.filter((r) => r[0] === null);
        assert.equal(winners.length, 1);
        const winner = results.indexOf(winners[0] as (Uint8Array | null)[]);
        const [stored] = await t.store.batchRead([target]);
        assert.deepEqual(stored, u64(winner + 1));
        for (const r of results) if (r[0] !== null) assert.deepEqual(r[0], u64(winner + 1));
        const sides = await t.store.batchRead(handles.map((_, w) => addr(`side-${w}`)));
        assert.deepEqual(
          sides.map((s) => s !== null),
          handles.map((_, w) => w === winner),
        );
      }));
  });
}
