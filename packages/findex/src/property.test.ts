/**
 * Property tests against a plain Map model: random sequences of batched inserts, deletes,
 * searches, prefix/suffix queries, AND/OR queries, streams and compactions, by two clients
 * sharing one store, with random cell sizes.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { Findex } from './findex.ts';
import { InMemoryStore } from './memory-store.ts';
import { id, KEY, nums } from './_test/helpers.ts';

const WORDS = ['a', 'ab', 'abc', 'abd', 'b', 'ba', 'bab', 'cab', 'é', 'éa'];
const word = fc.constantFrom(...WORDS);
const vals = fc.array(fc.integer({ min: 0, max: 40 }), { minLength: 1, maxLength: 6 });
const batch = fc.array(fc.tuple(word, vals), { minLength: 1, maxLength: 4 });

type Cmd =
  | { op: 'insert' | 'delete'; client: 0 | 1; batch: [string, number[]][] }
  | { op: 'search'; client: 0 | 1; words: string[] }
  | { op: 'prefix' | 'suffix'; client: 0 | 1; q: string }
  | { op: 'and' | 'or'; client: 0 | 1; words: string[] }
  | { op: 'stream'; client: 0 | 1; w: string; limit: number }
  | { op: 'compact'; client: 0 | 1 };

const client = fc.constantFrom<0 | 1>(0, 1);
const cmd: fc.Arbitrary<Cmd> = fc.oneof(
  { arbitrary: fc.record({ op: fc.constant('insert' as const), client, batch }), weight: 4 },
  { arbitrary: fc.record({ op: fc.constant('delete' as const), client, batch }), weight: 2 },
  {
    arbitrary: fc.record({
      op: fc.constant('search' as const),
      client,
      words: fc.array(word, { minLength: 1, maxLength: 3 }),
    }),
    weight: 2,
  },
  {
    arbitrary: fc.record({
      op: fc.constantFrom('prefix' as const, 'suffix' as const),
      client,
      q: fc.constantFrom('a', 'ab', 'abc', 'b', 'ba', 'é', 'éa', 'ca', 'abcd'),
    }),
    weight: 2,
  },
  {
    arbitrary: fc.record({
      op: fc.constantFrom('and' as const, 'or' as const),
      client,
      words: fc.array(word, { minLength: 1, maxLength: 3 }),
    }),
    weight: 1,
  },
  {
    arbitrary: fc.record({
      op: fc.constant('stream' as const),
      client,
      w: word,
      limit: fc.integer({ min: 1, max: 8 }),
    }),
    weight: 1,
  },
  { arbitrary: fc.record({ op: fc.constant('compact' as const), client }), weight: 1 },
);

void describe('Findex against a Map model', () => {
  void it('agrees with the model on every operation', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(64, 96, 128, 300),
        fc.array(cmd, { minLength: 1, maxLength: 25 }),
        async (cellSize, cmds) => {
          const store = new InMemoryStore();
          const options = {
            store,
            key: KEY,
            cellSize,
            prefix: { min: 1, max: 2 },
            suffix: { min: 1, max: 2 },
            synonymDepth: 0,
          };
          const clients = [new Findex(options), new Findex(options)];
          const model = new Map<string, Set<number>>();
          const get = (w: string): number[] => [...(model.get(w) ?? [])].sort((x, y) => x - y);
          const union = (ws: string[]): number[] =>
            [...new Set(ws.flatMap(get))].sort((x, y) => x - y);
          for (const c of cmds) {
            const fx = clients[c.client] as Findex;
            switch (c.op) {
              case 'insert':
              case 'delete': {
                await fx[c.op](c.batch.map(([w, v]) => [w, v.map(id)] as const));
                for (const [w, v] of c.batch) {
                  const set = model.get(w) ?? new Set<number>();
                  for (const n of v)
                    if (c.op === 'insert') set.add(n);
                    else set.delete(n);
                  model.set(w, set);
                }
                break;
              }
              case 'search': {
                const results = await fx.search(c.words);
                c.words.forEach((w, i) => {
                  assert.deepEqual(nums(results[i] ?? []), get(w));
                });
                break;
              }
              case 'prefix':
              case 'suffix': {
                const match = WORDS.filter((w) =>
                  c.op === 'prefix' ? w.startsWith(c.q) : w.endsWith(c.q),
                );
                const q = c.op === 'prefix' ? { prefix: c.q } : { suffix: c.q };
                assert.deepEqual(nums(await fx.query(q)), union(match), JSON.stringify(q));
                break;
              }
              case 'and': {
                const expected = c.words
                  .map(get)
                  .reduce((acc, s) => acc.filter((n) => s.includes(n)));
                assert.deepEqual(nums(await fx.query({ and: c.words })), expected);
                break;
              }
              case 'or':
                assert.deepEqual(nums(await fx.query({ or: c.words })), union(c.words));
                break;
              case 'stream': {
                const got: Uint8Array[] = [];
                for await (const v of fx.stream(c.w, { limit: c.limit, pageCells: 2 })) got.push(v);
                const expected = get(c.w);
                assert.equal(got.length, Math.min(c.limit, expected.length));
                for (const n of nums(got)) assert.ok(expected.includes(n));
                break;
              }
              case 'compact':
                await fx.compact({ batchSize: 3 });
                break;
            }
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});
