/**
 * The SQLite store, on `node:sqlite` (no native addon). Node only.
 *
 * One table `(a BLOB PRIMARY KEY, w BLOB NOT NULL) WITHOUT ROWID`. `batchRead` is a few
 * `SELECT … WHERE a IN (…)` statements inside one read transaction (one consistent snapshot);
 * `guardedWrite` is one `BEGIN IMMEDIATE` transaction that reads the guards, compares, and
 * writes every row, so a batch costs one transaction whatever its size (the anchor's example
 * autocommits each row and manages under a thousand rows per second).
 *
 * Calls are synchronous underneath: within one process every call is atomic by construction;
 * across processes `BEGIN IMMEDIATE` takes SQLite's write lock and `busy_timeout` waits for it.
 */
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import { bytesEqual, bytesKey } from './_assert.ts';
import {
  checkAddresses,
  checkGuardedWrite,
  type FindexStore,
  type Guard,
  type StoreStats,
  type Write,
} from './store.ts';

const TABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;
/** IN-list sizes prepared once each; longer reads are split into chunks of the largest. */
const IN_SIZES = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512] as const;
const MAX_IN = 512;

export interface SqliteStoreOptions {
  /** Table name (letters, digits, underscore; created if missing). Default `findex`. */
  readonly table?: string;
}

export class SqliteStore implements FindexStore {
  readonly db: DatabaseSync;
  readonly table: string;
  readonly #select = new Map<number, StatementSync>();
  readonly #upsert: StatementSync;
  readonly #delete: StatementSync;

  /**
   * Uses an open database (its pragmas are left as they are) and creates the table if missing.
   * @throws RangeError on an invalid table name.
   */
  constructor(db: DatabaseSync, options: SqliteStoreOptions = {}) {
    if (!(db instanceof DatabaseSync)) throw new TypeError('db must be a node:sqlite DatabaseSync');
    const table = options.table ?? 'findex';
    if (typeof table !== 'string' || !TABLE_NAME.test(table)) {
      throw new RangeError(
        'table must be 1-63 letters, digits or underscores, not starting with a digit',
      );
    }
    this.db = db;
    this.table = table;
    db.exec(
      `CREATE TABLE IF NOT EXISTS "${table}" (a BLOB PRIMARY KEY, w BLOB NOT NULL) WITHOUT ROWID`,
    );
    this.#upsert = db.prepare(`INSERT OR REPLACE INTO "${table}" (a, w) VALUES (?, ?)`);
    this.#delete = db.prepare(`DELETE FROM "${table}" WHERE a = ?`);
  }

  /**
   * Opens (or creates) a database file with the settings Findex wants: WAL journal,
   * `synchronous=NORMAL` (durable at checkpoints, never corrupt) and a 5 s busy timeout.
   * `path` may be `:memory:`.
   */
  static open(path: string, options: SqliteStoreOptions = {}): SqliteStore {
    const db = new DatabaseSync(path, { timeout: 5000 });
    if (path !== ':memory:') db.exec('PRAGMA journal_mode=WAL');
    db.exec('PRAGMA synchronous=NORMAL');
    return new SqliteStore(db, options);
  }

  batchRead(addresses: readonly Uint8Array[]): Promise<(Uint8Array | null)[]> {
    try {
      const list = checkAddresses(addresses);
      if (list.length <= MAX_IN) return Promise.resolve(this._read(list));
      // Several statements: wrap them in one read transaction so they see one snapshot.
      const own = !this.db.isTransaction;
      if (own) this.db.exec('BEGIN');
      try {
        const out = this._read(list);
        if (own) this.db.exec('COMMIT');
        return Promise.resolve(out);
      } catch (error) {
        if (own) this.db.exec('ROLLBACK');
        throw error;
      }
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }

  guardedWrite(guards: readonly Guard[], writes: readonly Write[]): Promise<(Uint8Array | null)[]> {
    try {
      const args = checkGuardedWrite(guards, writes);
      this.db.exec('BEGIN IMMEDIATE');
      try {
        const current = this._read(args.guards.map((g) => g.address));
        let held = true;
        for (let i = 0; i < args.guards.length && held; i++) {
          held = _same(current[i] ?? null, (args.guards[i] as Guard).expected);
        }
        if (held) {
          for (const w of args.writes) {
            if (w.value === null) this.#delete.run(w.address);
            else this.#upsert.run(w.address, w.value);
          }
        }
        this.db.exec('COMMIT');
        return Promise.resolve(current);
      } catch (error) {
        if (this.db.isTransaction) this.db.exec('ROLLBACK');
        throw error;
      }
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }

  /** Rows held and their payload bytes (address + cell). */
  stats(): Promise<StoreStats> {
    const row = this.db
      .prepare(
        `SELECT COUNT(*) AS n, COALESCE(SUM(length(a) + length(w)), 0) AS b FROM "${this.table}"`,
      )
      .get() as { n: number | bigint; b: number | bigint };
    return Promise.resolve({ cells: Number(row.n), bytes: Number(row.b) });
  }

  /** Drops the table (tests clean up with this). */
  drop(): void {
    this.db.exec(`DROP TABLE IF EXISTS "${this.table}"`);
  }

  _read(addresses: readonly Uint8Array[]): (Uint8Array | null)[] {
    const found = new Map<string, Uint8Array>();
    for (let start = 0; start < addresses.length; start += MAX_IN) {
      const chunk = addresses.slice(start, start + MAX_IN);
      const size = IN_SIZES.find((s) => s >= chunk.length) ?? MAX_IN;
      // Pad the IN list with the first address: duplicates in IN are harmless.
      const params: Uint8Array[] = chunk.slice();
      while (params.length < size) params.push(chunk[0] as Uint8Array);
      for (const row of this._selectStatement(size).all(...params) as {
        a: Uint8Array;
        w: Uint8Array;
      }[]) {
        found.set(bytesKey(row.a), row.w);
      }
    }
    return addresses.map((a) => found.get(bytesKey(a)) ?? null);
  }

  _selectStatement(size: number): StatementSync {
    let stmt = this.#select.get(size);
    if (stmt === undefined) {
      const marks = new Array<string>(size).fill('?').join(',');
      stmt = this.db.prepare(`SELECT a, w FROM "${this.table}" WHERE a IN (${marks})`);
      this.#select.set(size, stmt);
    }
    return stmt;
  }
}

function _same(cell: Uint8Array | null, expected: Uint8Array | null): boolean {
  if (cell === null || expected === null) return cell === expected;
  return bytesEqual(cell, expected);
}
