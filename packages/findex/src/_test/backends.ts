/**
 * The four backends under test, each opening fresh isolated stores: in-memory, SQLite (a temp
 * file per store, so peers are real separate connections), Redis and PostgreSQL (real servers;
 * a unique key prefix or table per store, deleted on close). Redis and PostgreSQL are probed
 * once with a short timeout; when unreachable their `skip` says why.
 *
 * Server addresses: FINDEX_REDIS_URL (default redis://127.0.0.1:6379) and FINDEX_PG_URL
 * (default postgres://postgres@127.0.0.1:5432/test).
 */
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createClient } from 'redis';
import type { ConformanceTarget } from '../conformance.ts';
import { InMemoryStore } from '../memory-store.ts';
import { PostgresStore } from '../postgres-store.ts';
import { RedisStore } from '../redis-store.ts';
import { SqliteStore } from '../sqlite-store.ts';

export const REDIS_URL = process.env['FINDEX_REDIS_URL'] ?? 'redis://127.0.0.1:6379';
export const PG_URL = process.env['FINDEX_PG_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface Backend {
  readonly name: string;
  /** Why the backend is skipped, or false. */
  readonly skip: string | false;
  /** A fresh, empty, isolated store with its peers and cleanup. */
  open(): Promise<ConformanceTarget>;
}

let counter = 0;
function unique(): string {
  counter++;
  return `${process.pid}_${counter}_${Math.floor(Math.random() * 2 ** 32).toString(36)}`;
}

async function probeRedis(): Promise<string | false> {
  const client = createClient({
    url: REDIS_URL,
    socket: { connectTimeout: 500, reconnectStrategy: false },
  });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.ping();
    await client.close();
    return false;
  } catch (error) {
    return `Redis unreachable at ${REDIS_URL}: ${(error as Error).message}`;
  }
}

async function probePostgres(): Promise<string | false> {
  const client = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 500 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    await client.end();
    return false;
  } catch (error) {
    await client.end().catch(() => {});
    return `PostgreSQL unreachable at ${PG_URL}: ${(error as Error).message}`;
  }
}

const [redisSkip, pgSkip] = await Promise.all([probeRedis(), probePostgres()]);

export const memoryBackend: Backend = {
  name: 'memory',
  skip: false,
  open() {
    return Promise.resolve({ store: new InMemoryStore(), close: () => Promise.resolve() });
  },
};

export const sqliteBackend: Backend = {
  name: 'sqlite',
  skip: false,
  open() {
    const path = join(tmpdir(), `custos-findex-${unique()}.sqlite`);
    const stores = [SqliteStore.open(path)];
    return Promise.resolve({
      store: stores[0] as SqliteStore,
      peer: () => {
        const s = SqliteStore.open(path);
        stores.push(s);
        return Promise.resolve(s);
      },
      close: () => {
        for (const s of stores) s.db.close();
        for (const p of [path, `${path}-wal`, `${path}-shm`]) rmSync(p, { force: true });
        return Promise.resolve();
      },
    });
  },
};

export const redisBackend: Backend = {
  name: 'redis',
  skip: redisSkip,
  async open() {
    const prefix = `custos-findex-test-${unique()}`;
    const stores = [await RedisStore.connect(REDIS_URL, { prefix })];
    return {
      store: stores[0] as RedisStore,
      peer: async () => {
        const s = await RedisStore.connect(REDIS_URL, { prefix });
        stores.push(s);
        return s;
      },
      close: async () => {
        await (stores[0] as RedisStore).clear();
        for (const s of stores) await s.close();
      },
    };
  },
};

export const postgresBackend: Backend = {
  name: 'postgres',
  skip: pgSkip,
  async open() {
    const table = `custos_findex_test_${unique()}`;
    // synchronous_commit=off: a commit does not wait for its WAL flush. Atomicity, isolation
    // and the guarded-write protocol are unchanged (only crash durability of the last commits
    // is), and the 16,000 serialised commits of the concurrency test take seconds instead of a
    // minute. FINDEX_PG_SYNC=1 keeps the server default.
    const pool = new pg.Pool({
      connectionString: PG_URL,
      max: 20,
      options: process.env['FINDEX_PG_SYNC'] ? undefined : '-c synchronous_commit=off',
    });
    pool.on('error', () => {});
    const store = new PostgresStore(pool, { table });
    await store.ensureTable();
    return {
      store,
      // Each peer is a store object on the shared pool: every call checks out its own connection.
      peer: () => Promise.resolve(new PostgresStore(pool, { table })),
      close: async () => {
        await store.drop();
        await pool.end();
      },
    };
  },
};

export const backends: readonly Backend[] = [
  memoryBackend,
  sqliteBackend,
  redisBackend,
  postgresBackend,
];
