/** The object cache: hits without store reads, CLOCK eviction, invalidation, remote feed down. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { KeyEncryptionKey } from './kek.ts';
import type { ObjectRecord } from './model.ts';
import { Repository } from './repository.ts';
import type { Store } from './store.ts';

/** A store that only answers what the cache asks, and counts reads. */
function fakeStore(): { store: Store; reads: string[]; live: { value: boolean } } {
  const reads: string[] = [];
  const live = { value: true };
  const store = {
    kind: 'sqlite',
    get remoteChangesLive() {
      return live.value;
    },
    onRemoteChange: () => undefined,
    getObject: (uid: string) => {
      reads.push(uid);
      return Promise.resolve(uid.startsWith('missing') ? undefined : ({ uid } as ObjectRecord));
    },
    grantsOn: () => Promise.resolve([]),
  } as unknown as Store;
  return { store, reads, live };
}

const kek = new KeyEncryptionKey(new Uint8Array(32).fill(9));

void test('hits come from the cache, synchronously through peek()', async () => {
  const { store, reads } = fakeStore();
  const repo = new Repository(store, kek, { maxEntries: 10, ttlMs: 60_000 });
  assert.equal(repo.peek('a'), undefined);
  const a = await repo.load('a');
  assert.equal(await repo.load('a'), a);
  assert.equal(repo.peek('a'), a);
  assert.deepEqual(reads, ['a']);
  assert.equal(await repo.load('missing'), undefined);
  assert.deepEqual(repo.stats, { entries: 1, hits: 2, misses: 2 });
  repo.invalidate('a');
  assert.equal(repo.peek('a'), undefined);
  await repo.load('a');
  assert.deepEqual(reads, ['a', 'missing', 'a']);
});

void test('eviction drops an entry not used since the last pass (CLOCK)', async () => {
  const { store, reads } = fakeStore();
  const repo = new Repository(store, kek, { maxEntries: 3, ttlMs: 60_000 });
  for (const uid of ['a', 'b', 'c']) await repo.load(uid);
  // a and c are used again; b is not: loading d evicts b, the least recently used.
  assert.ok(repo.peek('a'));
  assert.ok(repo.peek('c'));
  await repo.load('d');
  assert.equal(repo.stats.entries, 3);
  assert.equal(repo.peek('b'), undefined);
  for (const uid of ['a', 'c', 'd']) assert.ok(repo.peek(uid), uid);
  // Every entry used: one full pass clears the flags, then the oldest goes.
  await repo.load('e');
  assert.equal(repo.stats.entries, 3);
  assert.deepEqual(reads, ['a', 'b', 'c', 'd', 'e']);
});

void test('expired entries and a dead remote-change feed bypass the cache', async () => {
  const { store, reads, live } = fakeStore();
  const repo = new Repository(store, kek, { maxEntries: 10, ttlMs: 1 });
  await repo.load('a');
  await new Promise((r) => setTimeout(r, 5));
  assert.equal(repo.peek('a'), undefined);
  await repo.load('a');
  const fresh = new Repository(store, kek, { maxEntries: 10, ttlMs: 60_000 });
  await fresh.load('b');
  live.value = false;
  assert.equal(fresh.peek('b'), undefined);
  await fresh.load('b');
  assert.deepEqual(reads, ['a', 'a', 'b', 'b']);
});
