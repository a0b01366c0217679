/**
 * SQLite store through `node:sqlite` (no native addon). One writer connection runs the
 * transactions, one after the other (an async mutex: a transaction may await, e.g. PBKDF2, and
 * the connection must not interleave two of them); a second connection serves the reads made
 * outside transactions, so that they only ever see committed data (WAL mode).
 *
 * One server process per database file: another process writing the same file would not
 * invalidate this one's cache.
 *
 * Audit writes (`appendAudit`) are made as durable as every other commit, but without stopping
 * the event loop for the disk: with `synchronous = full` their commits run at `NORMAL` (written
 * to the WAL, not synced) and are then synced by an `fdatasync` of the WAL file on libuv's
 * thread pool; `appendAudit` resolves only once that sync is done. Other commits keep their
 * synced COMMIT. (A synced commit stops the event loop for the disk's flush latency, 1–10 ms on
 * the project machine: every audit flush did so for every request in flight.)
 */
import { closeSync, fdatasync, mkdirSync, openSync, realpathSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import { KmsError } from './errors.ts';
import { fromRow, nameValues, toRow, type ObjectRecord, type ObjectRow } from './model.ts';
import {
  OBJECT_COLUMNS,
  SCHEMA_VERSION,
  decodeOperations,
  encodeOperations,
  locateSql,
  migrations,
} from './_sql.ts';
import type {
  AuditRow,
  Grant,
  LocateQuery,
  Store,
  StoreReader,
  StoreTransaction,
} from './store.ts';

type Row = Record<string, unknown>;

/** Prepared statements of one connection, created on first use. */
class Statements {
  readonly #db: DatabaseSync;
  readonly #cache = new Map<string, StatementSync>();

  constructor(db: DatabaseSync) {
    this.#db = db;
  }

  get(sql: string): StatementSync {
    let s = this.#cache.get(sql);
    if (s === undefined) {
      s = this.#db.prepare(sql);
      this.#cache.set(sql, s);
    }
    return s;
  }
}

type Param = null | number | bigint | string | Uint8Array;

/** A transaction waiting for the writer connection. */
interface Job {
  readonly run: (tx: StoreTransaction) => Promise<unknown>;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
  /** Made durable after its commit, by a WAL sync off the event loop (audit writes). */
  readonly deferredSync: boolean;
}

/** Most transactions committed together. */
const GROUP_MAX = 64;

/** Audit records per INSERT statement. */
const AUDIT_CHUNK = 64;

/** Reads shared by both connections. */
class Reader implements StoreReader {
  protected readonly st: Statements;

  /** `statements` is the connection's cache, shared by every transaction on it. */
  constructor(statements: Statements) {
    this.st = statements;
  }

  protected tagsOf(uid: string): string[] {
    return (this.st.get('SELECT tag FROM tags WHERE uid = ? ORDER BY tag').all(uid) as Row[]).map(
      (r) => r['tag'] as string,
    );
  }

  protected record(row: Row): ObjectRecord {
    return fromRow(row as unknown as ObjectRow, this.tagsOf(row['uid'] as string));
  }

  getObject(uid: string): Promise<ObjectRecord | undefined> {
    const row = this.st.get(`SELECT ${OBJECT_COLUMNS} FROM objects WHERE uid = ?`).get(uid) as
      Row | undefined;
    return Promise.resolve(row === undefined ? undefined : this.record(row));
  }

  locate(query: LocateQuery): Promise<ObjectRecord[]> {
    const { sql, params } = locateSql(query, '', () => '?');
    const rows = this.st.get(sql).all(...(params as Param[])) as Row[];
    return Promise.resolve(rows.map((r) => this.record(r)));
  }

  grantsOn(uid: string): Promise<Grant[]> {
    const rows = this.st
      .get('SELECT uid, user_id, operations FROM grants WHERE uid = ? ORDER BY user_id')
      .all(uid) as Row[];
    return Promise.resolve(rows.map(grant));
  }

  grantsOf(user: string): Promise<Grant[]> {
    const rows = this.st
      .get('SELECT uid, user_id, operations FROM grants WHERE user_id = ? ORDER BY uid')
      .all(user) as Row[];
    return Promise.resolve(rows.map(grant));
  }

  ownedBy(user: string): Promise<ObjectRecord[]> {
    const rows = this.st
      .get(`SELECT ${OBJECT_COLUMNS} FROM objects WHERE owner = ? ORDER BY seq`)
      .all(user) as Row[];
    return Promise.resolve(rows.map((r) => this.record(r)));
  }
}

function grant(r: Row): Grant {
  return {
    uid: r['uid'] as string,
    user: r['user_id'] as string,
    operations: decodeOperations(r['operations'] as string),
  };
}

class Transaction extends Reader implements StoreTransaction {
  readonly #db: DatabaseSync;
  readonly touched = new Set<string>();

  constructor(db: DatabaseSync, statements: Statements) {
    super(statements);
    this.#db = db;
  }

  #writeSide(record: ObjectRecord): void {
    this.st.get('DELETE FROM tags WHERE uid = ?').run(record.uid);
    this.st.get('DELETE FROM names WHERE uid = ?').run(record.uid);
    const tag = this.st.get('INSERT INTO tags (uid, tag) VALUES (?, ?)');
    for (const t of new Set(record.tags)) tag.run(record.uid, t);
    const name = this.st.get('INSERT INTO names (uid, name) VALUES (?, ?)');
    for (const n of nameValues(record.attributes)) name.run(record.uid, n);
  }

  insertObject(record: ObjectRecord): Promise<void> {
    const r = toRow(record);
    const exists = this.st.get('SELECT 1 FROM objects WHERE uid = ?').get(r.uid);
    if (exists !== undefined)
      return Promise.reject(
        new KmsError('ERR_KMS_ALREADY_EXISTS', `object ${r.uid} already exists`),
      );
    this.st
      .get(
        `INSERT INTO objects (seq, ${OBJECT_COLUMNS})
         VALUES ((SELECT COALESCE(MAX(seq), 0) + 1 FROM objects), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        r.uid,
        r.object_type,
        r.state,
        r.owner,
        r.algorithm,
        r.length,
        r.created_at,
        r.updated_at,
        r.version,
        r.attributes,
        r.material,
      );
    this.#writeSide(record);
    this.touched.add(r.uid);
    return Promise.resolve();
  }

  updateObject(record: ObjectRecord): Promise<void> {
    const r = toRow(record);
    this.st
      .get(
        `UPDATE objects SET object_type = ?, state = ?, owner = ?, algorithm = ?, length = ?,
          created_at = ?, updated_at = ?, version = ?, attributes = ?, material = ? WHERE uid = ?`,
      )
      .run(
        r.object_type,
        r.state,
        r.owner,
        r.algorithm,
        r.length,
        r.created_at,
        r.updated_at,
        r.version,
        r.attributes,
        r.material,
        r.uid,
      );
    this.#writeSide(record);
    this.touched.add(r.uid);
    return Promise.resolve();
  }

  deleteObject(uid: string): Promise<void> {
    this.st.get('DELETE FROM tags WHERE uid = ?').run(uid);
    this.st.get('DELETE FROM names WHERE uid = ?').run(uid);
    this.st.get('DELETE FROM grants WHERE uid = ?').run(uid);
    this.st.get('DELETE FROM objects WHERE uid = ?').run(uid);
    this.touched.add(uid);
    return Promise.resolve();
  }

  setGrant(uid: string, user: string, operations: readonly string[]): Promise<void> {
    if (operations.length === 0)
      this.st.get('DELETE FROM grants WHERE uid = ? AND user_id = ?').run(uid, user);
    else
      this.st
        .get(
          `INSERT INTO grants (uid, user_id, operations) VALUES (?, ?, ?)
           ON CONFLICT (uid, user_id) DO UPDATE SET operations = excluded.operations`,
        )
        .run(uid, user, encodeOperations(operations));
    this.touched.add(uid);
    return Promise.resolve();
  }

  savepoint(name: string): Promise<void> {
    this.#db.exec(`SAVEPOINT ${safeName(name)}`);
    return Promise.resolve();
  }

  rollbackTo(name: string): Promise<void> {
    this.#db.exec(`ROLLBACK TO SAVEPOINT ${safeName(name)}`);
    return Promise.resolve();
  }
}

function safeName(name: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new RangeError('bad savepoint name');
  return name;
}

export interface SqliteStoreOptions {
  /** Database file, or `:memory:` (tests). */
  path: string;
  /** `full` (default): every commit is synced to disk; `normal`: at checkpoints only. */
  synchronous?: 'full' | 'normal';
}

function open(path: string): DatabaseSync {
  const db = new DatabaseSync(path);
  db.exec('PRAGMA busy_timeout = 5000');
  db.exec('PRAGMA foreign_keys = ON');
  return db;
}

/** The SQLite store. */
export class SqliteStore extends Reader implements Store {
  readonly kind = 'sqlite' as const;
  readonly remoteChangesLive = true;
  readonly #writer: DatabaseSync;
  readonly #reader: DatabaseSync;
  readonly #writerStatements: Statements;
  readonly #pending: Job[] = [];
  /** The WAL file, when commits are synced (`synchronous = full` on a file): see `#syncWal`. */
  #walPath: string | undefined;
  #walFd: number | undefined;
  /** WAL syncs under way (awaited by `close`). */
  readonly #syncing = new Set<Promise<void>>();
  /** The drain loop, while it runs (then its settled promise). */
  #draining: Promise<void> | undefined;
  /**
   * Whether the drain loop runs. Cleared by the loop itself when it finds nothing left, in the
   * same turn: a caller that awaited a transaction and at once queues another must start a new
   * loop (clearing it in a `.finally` came one microtask too late, and the job waited forever).
   */
  #drainActive = false;
  #closed = false;

  private constructor(writer: DatabaseSync, reader: DatabaseSync, walPath: string | undefined) {
    const writerStatements = new Statements(writer);
    super(reader === writer ? writerStatements : new Statements(reader));
    this.#writer = writer;
    this.#reader = reader;
    this.#writerStatements = writerStatements;
    this.#walPath = walPath;
  }

  /**
   * Opens (creating folder and file if needed) and migrates the database.
   * @throws Error when the file cannot be opened or its schema is newer than this code.
   */
  static open(options: SqliteStoreOptions): SqliteStore {
    const memory = options.path === ':memory:';
    if (!memory) mkdirSync(dirname(options.path), { recursive: true, mode: 0o700 });
    // An in-memory database exists per connection: reads then share the writer connection.
    const writer = open(options.path);
    if (!memory) {
      writer.exec('PRAGMA journal_mode = WAL');
      writer.exec(`PRAGMA synchronous = ${options.synchronous === 'normal' ? 'NORMAL' : 'FULL'}`);
    }
    migrate(writer);
    const reader = memory ? writer : open(options.path);
    const synced = !memory && options.synchronous !== 'normal';
    // SQLite names the WAL after the database's real path (symbolic links resolved).
    return new SqliteStore(
      writer,
      reader,
      synced ? `${realpathSync(options.path)}-wal` : undefined,
    );
  }

  /**
   * Runs `fn` in its own savepoint of a group transaction (group commit). Transactions run one
   * after the other on the writer connection; those queued while one runs join the same
   * database transaction, each inside its own savepoint (a failing one is rolled back alone),
   * and the group is committed once — one disk sync for the whole group — before any of them
   * is acknowledged. Each caller thus sees its own atomic, durable transaction, while the cost
   * of `synchronous = FULL` is shared by concurrent requests.
   */
  transaction<T>(fn: (tx: StoreTransaction) => Promise<T>): Promise<T> {
    return this.#enqueue(fn, false);
  }

  #enqueue<T>(fn: (tx: StoreTransaction) => Promise<T>, deferredSync: boolean): Promise<T> {
    if (this.#closed) return Promise.reject(new KmsError('ERR_KMS_UNAVAILABLE', 'store closed'));
    return new Promise<T>((resolve, reject) => {
      this.#pending.push({
        run: fn,
        resolve: resolve as (value: unknown) => void,
        reject,
        deferredSync: deferredSync && this.#walPath !== undefined,
      });
      if (!this.#drainActive) {
        this.#drainActive = true;
        this.#draining = this.#drain();
      }
    });
  }

  async #drain(): Promise<void> {
    // The flag is cleared in the very turn the loop ends (no await in between).
    try {
      while (this.#pending.length > 0) {
        const db = this.#writer;
        // A group is all synced commits or all deferred ones: the safety level of a connection
        // cannot change inside a transaction.
        const deferred = (this.#pending[0] as Job).deferredSync;
        const done: { job: Job; value: unknown }[] = [];
        let began = false;
        try {
          if (deferred) db.exec('PRAGMA synchronous = NORMAL');
          db.exec('BEGIN IMMEDIATE');
          began = true;
          while (
            this.#pending.length > 0 &&
            done.length < GROUP_MAX &&
            (this.#pending[0] as Job).deferredSync === deferred
          ) {
            const job = this.#pending.shift() as Job;
            db.exec('SAVEPOINT custos_tx');
            try {
              const value = await job.run(new Transaction(db, this.#writerStatements));
              db.exec('RELEASE custos_tx');
              done.push({ job, value });
            } catch (error) {
              db.exec('ROLLBACK TO custos_tx');
              db.exec('RELEASE custos_tx');
              job.reject(error);
            }
          }
          db.exec('COMMIT');
        } catch (error) {
          if (db.isTransaction) db.exec('ROLLBACK');
          for (const d of done) d.job.reject(error);
          // BEGIN itself failed (database locked by another process): the jobs of this group.
          if (!began)
            while (this.#pending.length > 0 && (this.#pending[0] as Job).deferredSync === deferred)
              (this.#pending.shift() as Job).reject(error);
          continue;
        } finally {
          if (deferred) db.exec('PRAGMA synchronous = FULL');
        }
        if (deferred) this.#syncWal(done);
        else for (const d of done) d.job.resolve(d.value);
      }
    } finally {
      this.#drainActive = false;
    }
  }

  /**
   * Makes the commit just made durable, then acknowledges its jobs: an fdatasync of the WAL file
   * (the frames SQLite wrote at COMMIT, in the page cache until then) on the thread pool, which
   * is what a synced COMMIT does in WAL mode, minus the wait on the event loop. The WAL file keeps
   * its inode while the store is open (SQLite truncates or rewrites it, removes it only when the
   * last connection closes), so one descriptor serves for the store's life. If the sync fails the
   * jobs fail; their rows are committed but perhaps not durable, and a retry (`appendAudit` of
   * the same rows) is accepted and synced again.
   */
  #syncWal(done: readonly { job: Job; value: unknown }[]): void {
    const fail = (error: unknown): void => {
      for (const d of done) d.job.reject(error);
    };
    try {
      this.#walFd ??= openSync(this.#walPath as string, 'r+');
    } catch {
      // The WAL file is not where it should be: sync it the way SQLite does, here and from
      // now on (a checkpoint syncs the WAL before anything else).
      this.#walPath = undefined;
      try {
        this.#writer.exec('PRAGMA wal_checkpoint(PASSIVE)');
      } catch (error) {
        fail(error);
        return;
      }
      for (const d of done) d.job.resolve(d.value);
      return;
    }
    const synced = new Promise<void>((resolve) => {
      fdatasync(this.#walFd as number, (error) => {
        if (error === null) for (const d of done) d.job.resolve(d.value);
        else fail(error);
        resolve();
      });
    });
    this.#syncing.add(synced);
    void synced.then(() => this.#syncing.delete(synced));
  }

  /**
   * Appends chained audit rows, durable when the promise resolves (see `#syncWal`). Rows already
   * stored identically (a retry after a failed sync) are skipped; a row of the same chain and
   * sequence number with other contents is an error (two servers writing one chain).
   */
  appendAudit(rows: readonly AuditRow[]): Promise<void> {
    if (rows.length === 0) return Promise.resolve();
    return this.#enqueue(() => {
      let inserted = 0;
      // Multi-row INSERTs: one statement step per 64 records instead of one per record.
      for (let i = 0; i < rows.length; i += AUDIT_CHUNK) {
        const chunk = rows.slice(i, i + AUDIT_CHUNK);
        const params: Param[] = [];
        for (const r of chunk)
          params.push(
            r.chain,
            r.seq,
            r.at,
            r.user,
            r.operation,
            r.uid,
            r.status,
            r.reason,
            r.source,
            r.prev,
            r.mac,
          );
        inserted += Number(
          this.#writerStatements
            .get(
              `INSERT INTO audit (chain, seq, at, user_id, operation, uid, status, reason, source, prev, mac) VALUES ${Array.from(
                { length: chunk.length },
                () => '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
              ).join(', ')} ON CONFLICT (chain, seq) DO NOTHING`,
            )
            .run(...params).changes,
        );
      }
      if (inserted !== rows.length) this.#checkStoredAudit(rows);
      return Promise.resolve();
    }, true);
  }

  /** @throws Error when a stored row differs from the one given for its chain and seq. */
  #checkStoredAudit(rows: readonly AuditRow[]): void {
    const read = this.#writerStatements.get('SELECT * FROM audit WHERE chain = ? AND seq = ?');
    for (const r of rows) {
      const stored = read.get(r.chain, r.seq) as Row | undefined;
      const s = stored === undefined ? undefined : auditRow(stored);
      if (
        s === undefined ||
        s.at !== r.at ||
        s.user !== r.user ||
        s.operation !== r.operation ||
        s.uid !== r.uid ||
        s.status !== r.status ||
        s.reason !== r.reason ||
        s.source !== r.source ||
        s.prev !== r.prev ||
        s.mac !== r.mac
      )
        throw new Error(
          `audit chain ${r.chain} already has a different record ${r.seq}: is another server using the same instance_id?`,
        );
    }
  }

  lastAudit(chain: string): Promise<AuditRow | undefined> {
    const row = this.#writerStatements
      .get('SELECT * FROM audit WHERE chain = ? ORDER BY seq DESC LIMIT 1')
      .get(chain) as Row | undefined;
    return Promise.resolve(row === undefined ? undefined : auditRow(row));
  }

  readAudit(chain: string, after: number, limit: number): Promise<AuditRow[]> {
    const rows = this.#writerStatements
      .get('SELECT * FROM audit WHERE chain = ? AND seq > ? ORDER BY seq LIMIT ?')
      .all(chain, after, limit) as Row[];
    return Promise.resolve(rows.map(auditRow));
  }

  auditChains(): Promise<string[]> {
    const rows = this.#writerStatements
      .get('SELECT DISTINCT chain FROM audit ORDER BY chain')
      .all() as Row[];
    return Promise.resolve(rows.map((r) => r['chain'] as string));
  }

  getParameter(name: string): Promise<string | undefined> {
    const row = this.#writerStatements
      .get('SELECT value FROM parameters WHERE name = ?')
      .get(name) as Row | undefined;
    return Promise.resolve(row === undefined ? undefined : (row['value'] as string));
  }

  setParameter(name: string, value: string): Promise<void> {
    return this.transaction(() => {
      this.#writerStatements
        .get(
          `INSERT INTO parameters (name, value) VALUES (?, ?)
           ON CONFLICT (name) DO UPDATE SET value = excluded.value`,
        )
        .run(name, value);
      return Promise.resolve();
    });
  }

  onRemoteChange(): void {
    // One process per SQLite file: there are no remote changes to hear about.
  }

  ping(): Promise<void> {
    if (this.#closed) return Promise.reject(new KmsError('ERR_KMS_UNAVAILABLE', 'store closed'));
    this.#reader.prepare('SELECT 1').get();
    return Promise.resolve();
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#draining;
    await Promise.all(this.#syncing);
    if (this.#walFd !== undefined) closeSync(this.#walFd);
    this.#walFd = undefined;
    if (this.#reader !== this.#writer) this.#reader.close();
    this.#writer.close();
  }
}

function auditRow(r: Row): AuditRow {
  return {
    chain: r['chain'] as string,
    seq: Number(r['seq']),
    at: Number(r['at']),
    user: r['user_id'] as string,
    operation: r['operation'] as string,
    uid: r['uid'] as string,
    status: r['status'] as string,
    reason: r['reason'] as string,
    source: r['source'] as string,
    prev: r['prev'] as string,
    mac: r['mac'] as string,
  };
}

function migrate(db: DatabaseSync): void {
  db.exec(
    'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL, description TEXT NOT NULL)',
  );
  const row = db.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as Row;
  const current = Number(row['v'] ?? 0);
  if (current > SCHEMA_VERSION)
    throw new Error(
      `database schema version ${current} is newer than this server (${SCHEMA_VERSION}): upgrade the server`,
    );
  for (const m of migrations('sqlite')) {
    if (m.version <= current) continue;
    db.exec('BEGIN IMMEDIATE');
    try {
      for (const statement of m.sql('')) db.exec(statement);
      db.prepare(
        'INSERT INTO schema_migrations (version, applied_at, description) VALUES (?, ?, ?)',
      ).run(m.version, Date.now(), m.description);
      db.exec('COMMIT');
    } catch (error) {
      db.exec('ROLLBACK');
      throw error;
    }
  }
}
