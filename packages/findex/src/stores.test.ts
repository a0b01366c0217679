import assert from 'node:assert/strict';
import { DatabaseSync } from 'node:sqlite';
import { describe, it } from 'node:test';
import { describeStoreConformance } from './conformance.ts';
import { Findex } from './findex.ts';
import { InMemoryStore } from './memory-store.ts';
import { PostgresStore, type PgPoolLike } from './postgres-store.ts';
import { RedisStore, type RedisCommander } from './redis-store.ts';
import { SqliteStore } from './sqlite-store.ts';
import { backends } from './_test/backends.ts';

for (const backend of backends) {
  describeStoreConformance(`${backend.name} store conformance`, () => backend.open(), {
    skip: backend.skip,
  });
}

void describe('store constructors reject bad arguments', () => {
  void it('sqlite, redis, postgres', () => {
    const db = new DatabaseSync(':memory:');
    for (const table of ['', '1abc', 'a-b', 'x'.repeat(64), 'a"b']) {
      assert.throws(() => new SqliteStore(db, { table }), RangeError);
      assert.throws(
        () => new PostgresStore({ query: () => Promise.resolve({ rows: [] }) }, { table }),
        RangeError,
      );
    }
    assert.throws(() => new SqliteStore({} as unknown as DatabaseSync), TypeError);
    const client = { sendCommand: () => Promise.resolve(null) };
    for (const prefix of ['', 'a b', 'a*', '{x}', 'x'.repeat(65)]) {
      assert.throws(() => new RedisStore(client, { prefix }), RangeError);
    }
    assert.throws(() => new RedisStore({} as RedisCommander), TypeError);
    assert.throws(() => new PostgresStore({} as PgPoolLike), TypeError);
    db.close();
  });

  void it('compaction options', async () => {
    const fx = new Findex({ store: new InMemoryStore(), key: new Uint8Array(32) });
    await assert.rejects(fx.compact({ batchSize: 0 }), RangeError);
    const noRegistry = new Findex({
      store: new InMemoryStore(),
      key: new Uint8Array(32),
      registry: false,
    });
    await assert.rejects(noRegistry.compact(), RangeError);
  });
});
