/**
 * The PostgreSQL store (`pg`). Node only.
 *
 * One table `(a bytea PRIMARY KEY, w bytea NOT NULL)` and one PL/pgSQL function beside it.
 * `batchRead` is one prepared `SELECT … WHERE a = ANY($1)` (one statement, one snapshot).
 * `guardedWrite` is one prepared call of the function — one round trip, one transaction:
 *
 * 1. `pg_advisory_xact_lock` on the lock slots of every address touched, in ascending order (no
 *    deadlock between writers). Slots are 10 bits of the address under a per-table lock class,
 *    so at most 1,024 locks are ever held by one call, whatever the batch size.
 * 2. a read of the guards with a fresh snapshot (PL/pgSQL takes one per statement under READ
 *    COMMITTED, so it sees everything committed by previous lock holders), the comparison, and,
 *    only if every guard holds, the deletes and upserts; the guard values found are returned.
 *
 * Statements are prepared once per connection (named statements), which halves the cost of a
 * call compared with re-parsing it.
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

const TABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,59}$/;
const SLOT_BITS = 10;

/** What the store needs from a `pg.Pool` (or a compatible pool). */
export interface PgPoolLike {
  query(config: { text: string; values?: unknown[]; name?: string }): Promise<{ rows: unknown[] }>;
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
    const p = pool as Partial<PgPoolLike> | null;
    if (typeof p !== 'object' || p === null || typeof p.query !== 'function') {
      throw new TypeError('pool must be a pg.Pool');
    }
    const table = options.table ?? 'findex';
    if (typeof table !== 'string' || !TABLE_NAME.test(table)) {
      throw new RangeError(
        'table must be 1-60 letters, digits or underscores, not starting with a digit',
      );
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

  /** Creates the table and its guarded-write function if they do not exist. */
  async ensureTable(): Promise<void> {
    const t = `"${this.table}"`;
    await this._query(
      `CREATE TABLE IF NOT EXISTS ${t} (` +
        'a bytea PRIMARY KEY CHECK (octet_length(a) BETWEEN 1 AND 64), ' +
        'w bytea NOT NULL CHECK (octet_length(w) >= 1))',
    );
    // Serialise concurrent creators: CREATE OR REPLACE FUNCTION races otherwise.
    await this._query(
      `SELECT pg_advisory_xact_lock(${this.#lockClass}, -1); ` +
        `CREATE OR REPLACE FUNCTION "${this.table}_gw"(ga bytea[], ge bytea[], wa bytea[], wv bytea[], slots int[]) ` +
        'RETURNS TABLE (w bytea) LANGUAGE plpgsql VOLATILE AS $fn$ ' +
        'DECLARE cur bytea[]; ok boolean := true; n int := coalesce(array_length(ga, 1), 0); ' +
        'BEGIN ' +
        "IF current_setting('transaction_isolation') <> 'read committed' THEN " +
        "RAISE EXCEPTION 'findex guarded writes need READ COMMITTED'; END IF; " +
        `PERFORM pg_advisory_xact_lock(${this.#lockClass}, s) FROM unnest(slots) WITH ORDINALITY AS l(s, o) ORDER BY o; ` +
        `SELECT array_agg(t.w ORDER BY g.i) INTO cur FROM unnest(ga) WITH ORDINALITY AS g(a, i) LEFT JOIN ${t} t ON t.a = g.a; ` +
        'FOR i IN 1..n LOOP IF cur[i] IS DISTINCT FROM ge[i] THEN ok := false; EXIT; END IF; END LOOP; ' +
        'IF ok THEN ' +
        `DELETE FROM ${t} d USING unnest(wa, wv) AS x(a, v) WHERE x.v IS NULL AND d.a = x.a; ` +
        `INSERT INTO ${t} (a, w) SELECT x.a, x.v FROM unnest(wa, wv) AS x(a, v) WHERE x.v IS NOT NULL ` +
        'ON CONFLICT (a) DO UPDATE SET w = EXCLUDED.w; ' +
        'END IF; ' +
        'RETURN QUERY SELECT c.v FROM unnest(cur) WITH ORDINALITY AS c(v, i) ORDER BY c.i; ' +
        'END $fn$',
    );
  }

  batchRead(addresses: readonly Uint8Array[]): Promise<(Uint8Array | null)[]> {
    return this._batchRead(addresses);
  }

  async _batchRead(addresses: readonly Uint8Array[]): Promise<(Uint8Array | null)[]> {
    const list = checkAddresses(addresses);
    if (list.length === 0) return [];
    const result = await this._query(
      `SELECT a, w FROM "${this.table}" WHERE a = ANY($1::bytea[])`,
      [list.map(_buf)],
      `findex_read_${this.table}`,
    );
    const found = new Map<string, Uint8Array>();
    for (const row of result.rows as { a: Buffer; w: Buffer }[])
      found.set(row.a.toString('hex'), row.w);
    return list.map((a) => {
      const w = found.get(_hex(a));
      return w === undefined ? null : new Uint8Array(w);
    });
  }

  guardedWrite(guards: readonly Guard[], writes: readonly Write[]): Promise<(Uint8Array | null)[]> {
    return this._guardedWrite(guards, writes);
  }

  async _guardedWrite(
    guards: readonly Guard[],
    writes: readonly Write[],
  ): Promise<(Uint8Array | null)[]> {
    const args = checkGuardedWrite(guards, writes);
    const slots = new Set<number>();
    for (const g of args.guards) slots.add(_slot(g.address));
    for (const w of args.writes) slots.add(_slot(w.address));
    const result = await this._query(
      `SELECT w FROM "${this.table}_gw"($1::bytea[], $2::bytea[], $3::bytea[], $4::bytea[], $5::int[])`,
      [
        args.guards.map((g) => _buf(g.address)),
        args.guards.map((g) => (g.expected === null ? null : _buf(g.expected))),
        args.writes.map((w) => _buf(w.address)),
        args.writes.map((w) => (w.value === null ? null : _buf(w.value))),
        [...slots].sort((x, y) => x - y),
      ],
      `findex_gw_${this.table}`,
    );
    const rows = result.rows as { w: Buffer | null }[];
    if (rows.length !== args.guards.length)
      throw new StoreError('postgres guarded write returned an unexpected result');
    return rows.map((r) => (r.w === null ? null : new Uint8Array(r.w)));
  }

  /** Rows held and their payload bytes (address + cell). */
  async stats(): Promise<StoreStats> {
    const r = await this._query(
      `SELECT COUNT(*)::int AS n, COALESCE(SUM(octet_length(a) + octet_length(w)), 0)::bigint AS b FROM "${this.table}"`,
    );
    const row = r.rows[0] as { n: number | string; b: string };
    return { cells: Number(row.n), bytes: Number(row.b) };
  }

  /** Total on-disk size of the table and its index, as PostgreSQL reports it. */
  async relationBytes(): Promise<number> {
    const r = await this._query(`SELECT pg_total_relation_size('"${this.table}"')::bigint AS b`);
    return Number((r.rows[0] as { b: string }).b);
  }

  /** Drops the table and its function (tests clean up with this). */
  async drop(): Promise<void> {
    await this._query(
      `DROP TABLE IF EXISTS "${this.table}"; DROP FUNCTION IF EXISTS "${this.table}_gw"`,
    );
  }

  /** Ends the pool if `connect()` created it. */
  async close(): Promise<void> {
    if (this.#end !== undefined) await this.#end();
  }

  async _query(text: string, values?: unknown[], name?: string): Promise<{ rows: unknown[] }> {
    try {
      return await this.#pool.query(
        name === undefined
          ? { text, ...(values && { values }) }
          : { text, name, ...(values && { values }) },
      );
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
