/**
 * The PostgreSQL store (`pg`). Node only.
 *
 * One table `(a bytea PRIMARY KEY, w bytea NOT NULL)`. `batchRead` is one parameterised
 * `SELECT … WHERE a = ANY($1)` (one statement, one snapshot). `guardedWrite` is one round trip:
 * a single simple-protocol query string holding a READ COMMITTED transaction of two statements:
 *
 * 1. `pg_advisory_xact_lock` on the lock slots of every address touched, in ascending order (no
 *    deadlock between writers). Slots are 10 bits of the address under a per-table lock class,
 *    so at most 1,024 locks are ever held by one call, whatever the batch size.
 * 2. one statement with a fresh snapshot (taken after the locks, so it sees every write
 *    committed by previous holders) that compares the guards and, only if all hold, deletes and
 *    upserts the writes, returning the guard values found.
 *
 * Cells are sent inline as hex (`decode('…','hex')`), which is why no parameter binding is
 * needed: only hex digits and numbers ever enter the SQL text.
 */
import pg from 'pg';
import {
  checkAddresses,
  checkGuardedWrite,
  type FindexStore,
  type Guard,
  type StoreStats,
  type Write,
} from './store.ts';
import { StoreError } from './errors.ts';

const TABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;
const SLOT_BITS = 10;

/** What the store needs from a `pg.Pool` (or a compatible pool). */
export interface PgPoolLike {
  query(text: string, values?: unknown[]): Promise<{ rows: unknown[] }>;
  connect(): Promise<PgClientLike>;
}
export interface PgClientLike {
  query(text: string, values?: unknown[]): Promise<unknown>;
  release(error?: Error | boolean): void;
}

export interface PostgresStoreOptions {
  /** Table name (letters, digits, underscore). Default `findex`. */
  readonly table?: string;
}

export class PostgresStore implements FindexStore {
  readonly table: string;
  readonly #pool: PgPoolLike;
  readonly #lockClass: number;
  readonly #end: (() => Promise<void>) | undefined;

  /**
   * Uses a pool (not ended by `close()`). Call `ensureTable()` once before use.
   * @throws RangeError on an invalid table name.
   */
  constructor(pool: PgPoolLike, options: PostgresStoreOptions = {}, end?: () => Promise<void>) {
    if (typeof pool !== 'object' || pool === null || typeof pool.query !== 'function') {
      throw new TypeError('pool must be a pg.Pool');
    }
    const table = options.table ?? 'findex';
    if (typeof table !== 'string' || !TABLE_NAME.test(table)) {
      throw new RangeError('table must be 1-63 letters, digits or underscores, not starting with a digit');
    }
    this.table = table;
    this.#pool = pool;
    this.#lockClass = _fnv1a32(`custos-findex:${table}`);
    this.#end = end;
  }

  /**
   * Creates a pool from a connection string (or `pg.PoolConfig`) and the table if missing;
   * `close()` ends that pool.
   */
  static async connect(
    config: string | pg.PoolConfig,
    options: PostgresStoreOptions = {},
  ): Promise<PostgresStore> {
    const pool = new pg.Pool(typeof config === 'string' ? { connectionString: config } : config);
    pool.on('error', () => {
      // An idle client died (server restart): the pool drops it; the next query reports errors.
    });
    const store = new PostgresStore(pool, options, () => pool.end());
    try {
      await store.ensureTable();
    } catch (error) {
      await pool.end();
      throw error;
    }
    return store;
  }

  /** Creates the table if it does not exist. */
  async ensureTable(): Promise<void> {
    await this._query(
      `CREATE TABLE IF NOT EXISTS "${this.table}" (` +
        'a bytea PRIMARY KEY CHECK (octet_length(a) BETWEEN 1 AND 64), ' +
        'w bytea NOT NULL CHECK (octet_length(w) >= 1))',
    );
  }

  batchRead(addresses: readonly Uint8Array[]): Promise<(Uint8Array | null)[]> {
    return this._batchRead(addresses);
  }

  async _batchRead(addresses: readonly Uint8Array[]): Promise<(Uint8Array | null)[]> {
    const list = checkAddresses(addresses);
    if (list.length === 0) return [];
    const result = await this._query(`SELECT a, w FROM "${this.table}" WHERE a = ANY($1::bytea[])`, [
      list.map(_buf),
    ]);
    const found = new Map<string, Uint8Array>();
    for (const row of result.rows as { a: Buffer; w: Buffer }[]) found.set(row.a.toString('hex'), row.w);
    return list.map((a) => {
      const w = found.get(_hex(a));
      return w === undefined ? null : new Uint8Array(w);
    });
  }

  guardedWrite(guards: readonly Guard[], writes: readonly Write[]): Promise<(Uint8Array | null)[]> {
    return this._guardedWrite(guards, writes);
  }

  async _guardedWrite(guards: readonly Guard[], writes: readonly Write[]): Promise<(Uint8Array | null)[]> {
    const args = checkGuardedWrite(guards, writes);
    const slots = new Set<number>();
    for (const g of args.guards) slots.add(_slot(g.address));
    for (const w of args.writes) slots.add(_slot(w.address));
    const sorted = [...slots].sort((x, y) => x - y);
    const t = `"${this.table}"`;
    const guardAddrs = _array(args.guards.map((g) => g.address));
    const guardExp = _array(args.guards.map((g) => g.expected));
    const dels = args.writes.filter((w) => w.value === null);
    const sets = args.writes.filter((w) => w.value !== null);
    const sql =
      'BEGIN ISOLATION LEVEL READ COMMITTED;' +
      `SELECT count(pg_advisory_xact_lock(${this.#lockClass}, s)) FROM ` +
      `(SELECT s FROM unnest('{${sorted.join(',')}}'::int[]) WITH ORDINALITY AS l(s, o) ORDER BY o) q;` +
      `WITH g(a, e, i) AS (SELECT * FROM unnest(${guardAddrs}, ${guardExp}) WITH ORDINALITY), ` +
      `cur AS (SELECT g.i, g.e, t.w FROM g LEFT JOIN ${t} t ON t.a = g.a), ` +
      'ok AS (SELECT COALESCE(bool_and(cur.w IS NOT DISTINCT FROM cur.e), true) AS v FROM cur), ' +
      `d AS (DELETE FROM ${t} t USING ok WHERE ok.v AND t.a = ANY(${_array(dels.map((w) => w.address))})), ` +
      `u AS (INSERT INTO ${t} (a, w) SELECT x.a, x.w FROM unnest(${_array(sets.map((w) => w.address))}, ` +
      `${_array(sets.map((w) => w.value))}) AS x(a, w), ok WHERE ok.v ` +
      'ON CONFLICT (a) DO UPDATE SET w = EXCLUDED.w) ' +
      'SELECT cur.w FROM cur ORDER BY cur.i;' +
      'COMMIT;';
    let client: PgClientLike;
    try {
      client = await this.#pool.connect();
    } catch (error) {
      throw new StoreError('postgres connection failed', { cause: error });
    }
    let results: unknown;
    try {
      results = await client.query(sql);
    } catch (error) {
      // A failed statement leaves the explicit transaction open and aborted: close it before the
      // connection goes back to the pool (or drop the connection if even that fails).
      try {
        await client.query('ROLLBACK');
        client.release();
      } catch {
        client.release(true);
      }
      throw new StoreError('postgres guarded write failed', { cause: error });
    }
    client.release();
    const list = results as { rows: { w: Buffer | null }[] }[];
    const rows = list[2]?.rows;
    if (!Array.isArray(rows) || rows.length !== args.guards.length) {
      throw new StoreError('postgres guarded write returned an unexpected result');
    }
    return rows.map((r) => (r.w === null ? null : new Uint8Array(r.w)));
  }

  /** Rows held and their payload bytes (address + cell). */
  async stats(): Promise<StoreStats> {
    const r = await this._query(
      `SELECT COUNT(*)::int AS n, COALESCE(SUM(octet_length(a) + octet_length(w)), 0)::bigint AS b FROM "${this.table}"`,
    );
    const row = r.rows[0] as { n: number; b: string };
    return { cells: Number(row.n), bytes: Number(row.b) };
  }

  /** Total on-disk size of the table and its index, as PostgreSQL reports it. */
  async relationBytes(): Promise<number> {
    const r = await this._query(`SELECT pg_total_relation_size('"${this.table}"')::bigint AS b`);
    return Number((r.rows[0] as { b: string }).b);
  }

  /** Drops the table (tests clean up with this). */
  async drop(): Promise<void> {
    await this._query(`DROP TABLE IF EXISTS "${this.table}"`);
  }

  /** Ends the pool if `connect()` created it. */
  async close(): Promise<void> {
    if (this.#end !== undefined) await this.#end();
  }

  async _query(text: string, values?: unknown[]): Promise<{ rows: unknown[] }> {
    try {
      return await this.#pool.query(text, values);
    } catch (error) {
      throw new StoreError('postgres query failed', { cause: error });
    }
  }
}

function _buf(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function _hex(bytes: Uint8Array): string {
  return _buf(bytes).toString('hex');
}

/** An inline `bytea[]` literal; only hex digits come from the data. */
function _array(items: readonly (Uint8Array | null)[]): string {
  if (items.length === 0) return 'ARRAY[]::bytea[]';
  return `ARRAY[${items.map((b) => (b === null ? 'NULL' : `decode('${_hex(b)}','hex')`)).join(',')}]::bytea[]`;
}

function _slot(address: Uint8Array): number {
  return (((address[0] ?? 0) << 8) | (address[1] ?? 0)) & ((1 << SLOT_BITS) - 1);
}

/** FNV-1a, 32 bits, as a signed int4: a lock class per table, not a security function. */
function _fnv1a32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h | 0;
}
