/**
 * SQLite store through `node:sqlite` (no native addon). One writer connection runs the
 * transactions, one after the other (an async mutex: a transaction may await, e.g. PBKDF2, and
 * the connection must not interleave two of them); a second connection serves the reads made
 * outside transactions, so that they only ever see committed data (WAL mode).
 *
 * One server process per database file: another process writing the same file would not
 * invalidate this one's cache.
 */
import { mkdirSync } from 'node:fs';
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
  #draining: Promise<void> | undefined;
  #closed = false;

  private constructor(writer: DatabaseSync, reader: DatabaseSync) {
    const writerStatements = new Statements(writer);
    super(reader === writer ? writerStatements : new Statements(reader));
    this.#writer = writer;
    this.#reader = reader;
    this.#writerStatements = writerStatements;
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
    return new SqliteStore(writer, reader);
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
    if (this.#closed) return Promise.reject(new KmsError('ERR_KMS_UNAVAILABLE', 'store closed'));
    return new Promise<T>((resolve, reject) => {
      this.#pending.push({
        run: fn,
        resolve: resolve as (value: unknown) => void,
        reject,
      });
      if (this.#draining === undefined)
        this.#draining = this.#drain().finally(() => {
          this.#draining = undefined;
        });
    });
  }

  async #drain(): Promise<void> {
    while (this.#pending.length > 0) {
      const db = this.#writer;
      db.exec('BEGIN IMMEDIATE');
      const done: { job: Job; value: unknown }[] = [];
      while (this.#pending.length > 0 && done.length < GROUP_MAX) {
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
      try {
        db.exec('COMMIT');
      } catch (error) {
        if (db.isTransaction) db.exec('ROLLBACK');
        for (const d of done) d.job.reject(error);
        continue;
      }
      for (const d of done) d.job.resolve(d.value);
    }
  }

  appendAudit(rows: readonly AuditRow[]): Promise<void> {
    if (rows.length === 0) return Promise.resolve();
    return this.transaction(() => {
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
        this.#writerStatements
          .get(
            `INSERT INTO audit (chain, seq, at, user_id, operation, uid, status, reason, source, prev, mac) VALUES ${Array.from(
              { length: chunk.length },
              () => '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
            ).join(', ')}`,
          )
          .run(...params);
      }
      return Promise.resolve();
    });
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
