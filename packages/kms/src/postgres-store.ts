/**
 * PostgreSQL store (`pg`), for several server instances sharing one database. Tables live in
 * `db.schema` (created if missing); migrations run under an advisory lock so that instances
 * starting together migrate once.
 *
 * Cache invalidation between instances: every transaction that changes objects or grants sends
 * `NOTIFY custos_kms_<schema>` with the identifiers it touched, delivered at commit; every
 * instance LISTENs on a dedicated connection and drops those cache entries. While that
 * connection is down, `remoteChangesLive` is false (caches are bypassed) and everything is
 * dropped once it is back, so a change made elsewhere is never served stale.
 */
import pg from 'pg';
import { KmsError } from './errors.ts';
import type { Logger } from './log.ts';
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
type Queryable = Pick<pg.Pool | pg.PoolClient, 'query'>;

export interface PostgresStoreOptions {
  url: string;
  schema: string;
  maxConnections: number;
  logger: Logger;
  /**
   * Make every cached read wait for a round trip on the change-feed connection, so that a
   * change committed elsewhere before the request is always seen (default true). False trades
   * that for throughput: changes then reach other instances within the feed's latency.
   */
  strictCache?: boolean;
}

/** Connection failures and server shutdowns: the database is unavailable, not the request wrong. */
function unavailable(error: unknown): unknown {
  const code = (error as { code?: unknown }).code;
  if (
    typeof code === 'string' &&
    (/^(08|57P0)/.test(code) ||
      ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND'].includes(code))
  )
    return new KmsError('ERR_KMS_UNAVAILABLE', 'the database is unavailable', { cause: error });
  return error;
}

async function q(db: Queryable, sql: string, params: unknown[] = []): Promise<Row[]> {
  try {
    return (await db.query(sql, params)).rows as Row[];
  } catch (error) {
    throw unavailable(error);
  }
}

function grant(r: Row): Grant {
  return {
    uid: r['uid'] as string,
    user: r['user_id'] as string,
    operations: decodeOperations(r['operations'] as string),
  };
}

class Reader implements StoreReader {
  protected readonly db: Queryable;
  protected readonly p: string;

  constructor(db: Queryable, prefix: string) {
    this.db = db;
    this.p = prefix;
  }

  protected async records(rows: Row[]): Promise<ObjectRecord[]> {
    if (rows.length === 0) return [];
    const uids = rows.map((r) => r['uid'] as string);
    const tags = new Map<string, string[]>();
    for (const t of await q(
      this.db,
      `SELECT uid, tag FROM ${this.p}tags WHERE uid = ANY($1) ORDER BY tag`,
      [uids],
    )) {
      const list = tags.get(t['uid'] as string) ?? [];
      list.push(t['tag'] as string);
      tags.set(t['uid'] as string, list);
    }
    return rows.map((r) => fromRow(r as unknown as ObjectRow, tags.get(r['uid'] as string) ?? []));
  }

  async getObject(uid: string, options?: { lock?: boolean }): Promise<ObjectRecord | undefined> {
    const rows = await q(
      this.db,
      `SELECT ${OBJECT_COLUMNS} FROM ${this.p}objects WHERE uid = $1${options?.lock === true ? ' FOR UPDATE' : ''}`,
      [uid],
    );
    return (await this.records(rows))[0];
  }

  async locate(query: LocateQuery): Promise<ObjectRecord[]> {
    const { sql, params } = locateSql(query, this.p, (i) => `$${i}`);
    return this.records(await q(this.db, sql, params));
  }

  async grantsOn(uid: string): Promise<Grant[]> {
    return (
      await q(
        this.db,
        `SELECT uid, user_id, operations FROM ${this.p}grants WHERE uid = $1 ORDER BY user_id`,
        [uid],
      )
    ).map(grant);
  }

  async grantsOf(user: string): Promise<Grant[]> {
    return (
      await q(
        this.db,
        `SELECT uid, user_id, operations FROM ${this.p}grants WHERE user_id = $1 ORDER BY uid`,
        [user],
      )
    ).map(grant);
  }

  async ownedBy(user: string): Promise<ObjectRecord[]> {
    return this.records(
      await q(
        this.db,
        `SELECT ${OBJECT_COLUMNS} FROM ${this.p}objects WHERE owner = $1 ORDER BY seq`,
        [user],
      ),
    );
  }
}

class Transaction extends Reader implements StoreTransaction {
  readonly touched = new Set<string>();

  async #writeSide(record: ObjectRecord): Promise<void> {
    await q(this.db, `DELETE FROM ${this.p}tags WHERE uid = $1`, [record.uid]);
    await q(this.db, `DELETE FROM ${this.p}names WHERE uid = $1`, [record.uid]);
    const tags = [...new Set(record.tags)];
    if (tags.length > 0)
      await q(this.db, `INSERT INTO ${this.p}tags (uid, tag) SELECT $1, unnest($2::text[])`, [
        record.uid,
        tags,
      ]);
    const names = nameValues(record.attributes);
    if (names.length > 0)
      await q(this.db, `INSERT INTO ${this.p}names (uid, name) SELECT $1, unnest($2::text[])`, [
        record.uid,
        names,
      ]);
  }

  async insertObject(record: ObjectRecord): Promise<void> {
    const r = toRow(record);
    const rows = await q(
      this.db,
      `INSERT INTO ${this.p}objects (${OBJECT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
       ON CONFLICT (uid) DO NOTHING RETURNING uid`,
      [
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
      ],
    );
    if (rows.length === 0)
      throw new KmsError('ERR_KMS_ALREADY_EXISTS', `object ${r.uid} already exists`);
    await this.#writeSide(record);
    this.touched.add(r.uid);
  }

  async updateObject(record: ObjectRecord): Promise<void> {
    const r = toRow(record);
    await q(
      this.db,
      `UPDATE ${this.p}objects SET object_type = $2, state = $3, owner = $4, algorithm = $5, length = $6,
        created_at = $7, updated_at = $8, version = $9, attributes = $10, material = $11 WHERE uid = $1`,
      [
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
      ],
    );
    await this.#writeSide(record);
    this.touched.add(r.uid);
  }

  async deleteObject(uid: string): Promise<void> {
    await q(this.db, `DELETE FROM ${this.p}grants WHERE uid = $1`, [uid]);
    await q(this.db, `DELETE FROM ${this.p}objects WHERE uid = $1`, [uid]);
    this.touched.add(uid);
  }

  async setGrant(uid: string, user: string, operations: readonly string[]): Promise<void> {
    if (operations.length === 0)
      await q(this.db, `DELETE FROM ${this.p}grants WHERE uid = $1 AND user_id = $2`, [uid, user]);
    else
      await q(
        this.db,
        `INSERT INTO ${this.p}grants (uid, user_id, operations) VALUES ($1, $2, $3)
         ON CONFLICT (uid, user_id) DO UPDATE SET operations = excluded.operations`,
        [uid, user, encodeOperations(operations)],
      );
    this.touched.add(uid);
  }

  async savepoint(name: string): Promise<void> {
    await q(this.db, `SAVEPOINT ${safeName(name)}`);
  }

  async rollbackTo(name: string): Promise<void> {
    await q(this.db, `ROLLBACK TO SAVEPOINT ${safeName(name)}`);
  }
}

function safeName(name: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new RangeError('bad savepoint name');
  return name;
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

/** Largest NOTIFY payload we send (PostgreSQL's limit is 8000 bytes). */
const NOTIFY_MAX = 7000;

export class PostgresStore extends Reader implements Store {
  readonly kind = 'postgresql' as const;
  readonly #pool: pg.Pool;
  readonly #url: string;
  readonly #channel: string;
  readonly #logger: Logger;
  readonly #listeners: ((uid: string | null) => void)[] = [];
  #listenClient: pg.Client | undefined;
  #live = false;
  #closed = false;
  #retry: ReturnType<typeof setTimeout> | undefined;
  #syncing: Promise<void> | undefined;
  #nextSync: Promise<void> | undefined;
  readonly #strict: boolean;

  private constructor(pool: pg.Pool, options: PostgresStoreOptions) {
    super(pool, `"${options.schema}".`);
    this.#pool = pool;
    this.#url = options.url;
    this.#channel = `custos_kms_${options.schema}`.slice(0, 63);
    this.#logger = options.logger;
    this.#strict = options.strictCache ?? true;
  }

  /** Connects, migrates and starts listening for changes. */
  static async open(options: PostgresStoreOptions): Promise<PostgresStore> {
    const pool = new pg.Pool({
      connectionString: options.url,
      connectionTimeoutMillis: 10_000,
      max: options.maxConnections,
      application_name: 'custos-kms',
    });
    pool.on('error', (error) => {
      options.logger.warn('idle PostgreSQL connection failed', { reason: error.message });
    });
    const store = new PostgresStore(pool, options);
    try {
      await store.#migrate(options.schema);
      await store.#listen();
    } catch (error) {
      await pool.end();
      throw unavailable(error);
    }
    return store;
  }

  get remoteChangesLive(): boolean {
    return this.#live;
  }

  async #migrate(schema: string): Promise<void> {
    const client = await this.#pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [
        `custos_kms_migrate:${schema}`,
      ]);
      await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
      await client.query(
        `CREATE TABLE IF NOT EXISTS ${this.p}schema_migrations (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL, description TEXT NOT NULL)`,
      );
      const current = Number(
        (
          (await client.query(`SELECT MAX(version) AS v FROM ${this.p}schema_migrations`))
            .rows[0] as Row
        )['v'] ?? 0,
      );
      if (current > SCHEMA_VERSION)
        throw new Error(
          `database schema version ${current} is newer than this server (${SCHEMA_VERSION}): upgrade the server`,
        );
      for (const m of migrations('postgresql')) {
        if (m.version <= current) continue;
        for (const statement of m.sql(this.p)) await client.query(statement);
        await client.query(
          `INSERT INTO ${this.p}schema_migrations (version, applied_at, description) VALUES ($1, $2, $3)`,
          [m.version, Date.now(), m.description],
        );
      }
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  async #listen(): Promise<void> {
    const client = new pg.Client({
      connectionString: this.#url,
      application_name: 'custos-kms-listen',
      connectionTimeoutMillis: 10_000,
      // A barrier query that hangs means the feed is gone: give up and reconnect.
      query_timeout: 5_000,
    });
    const lost = (reason: string): void => {
      if (this.#listenClient !== client) return;
      this.#listenClient = undefined;
      this.#live = false;
      this.#emit(null);
      client.end().catch(() => undefined);
      if (this.#closed) return;
      this.#logger.warn('lost the PostgreSQL change feed; caches are bypassed until it is back', {
        reason,
      });
      this.#retry = setTimeout(() => {
        this.#retry = undefined;
        this.#listen().catch((error: unknown) => {
          lost((error as Error).message);
        });
      }, 1000);
      this.#retry.unref();
    };
    client.on('error', (error) => {
      lost(error.message);
    });
    client.on('end', () => {
      lost('connection ended');
    });
    client.on('notification', (n) => {
      if (n.channel !== this.#channel || n.payload === undefined) return;
      for (const uid of n.payload.split('\n')) if (uid !== '') this.#emit(uid);
    });
    this.#listenClient = client;
    try {
      await client.connect();
      await client.query(`LISTEN "${this.#channel}"`);
    } catch (error) {
      this.#listenClient = undefined;
      await client.end().catch(() => undefined);
      throw error;
    }
    // Whatever changed while we were not listening is unknown: start from an empty cache.
    this.#emit(null);
    this.#live = true;
  }

  #emit(uid: string | null): void {
    for (const l of this.#listeners) l(uid);
  }

  /**
   * Notification barrier: a query on the LISTEN connection. PostgreSQL delivers the
   * notifications queued for a session at the end of each of its transactions, before the
   * answer, so once this query returns every NOTIFY committed before it started has been
   * handled. Concurrent callers share one round trip; a caller arriving while one is in flight
   * waits for the next (the one in flight may have started before its request).
   */
  syncRemoteChanges(): Promise<void> {
    if (!this.#strict) return Promise.resolve();
    if (this.#syncing === undefined) {
      this.#syncing = this.#barrier().finally(() => {
        this.#syncing = undefined;
      });
      return this.#syncing;
    }
    this.#nextSync ??= this.#syncing.then(() => {
      this.#nextSync = undefined;
      return this.syncRemoteChanges();
    });
    return this.#nextSync;
  }

  async #barrier(): Promise<void> {
    const client = this.#listenClient;
    if (client === undefined || !this.#live) return;
    try {
      await client.query('SELECT 1');
    } catch {
      // The feed is down or stuck: dropping the connection marks it lost (caches are bypassed
      // from now on) and starts the reconnection.
      await client.end().catch(() => undefined);
    }
  }

  onRemoteChange(listener: (uid: string | null) => void): void {
    this.#listeners.push(listener);
  }

  async transaction<T>(fn: (tx: StoreTransaction) => Promise<T>): Promise<T> {
    if (this.#closed) throw new KmsError('ERR_KMS_UNAVAILABLE', 'store closed');
    let client: pg.PoolClient;
    try {
      client = await this.#pool.connect();
    } catch (error) {
      throw unavailable(error);
    }
    let broken = false;
    try {
      await q(client, 'BEGIN');
      const tx = new Transaction(client, this.p);
      let result: T;
      try {
        result = await fn(tx);
        await this.#notify(client, tx.touched);
        await q(client, 'COMMIT');
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {
          broken = true;
        });
        throw error;
      }
      return result;
    } finally {
      client.release(broken);
    }
  }

  async #notify(client: pg.PoolClient, touched: ReadonlySet<string>): Promise<void> {
    let batch = '';
    for (const uid of touched) {
      if (batch.length + uid.length + 1 > NOTIFY_MAX) {
        await q(client, 'SELECT pg_notify($1, $2)', [this.#channel, batch]);
        batch = '';
      }
      batch = batch === '' ? uid : `${batch}\n${uid}`;
    }
    if (batch !== '') await q(client, 'SELECT pg_notify($1, $2)', [this.#channel, batch]);
  }

  async appendAudit(rows: readonly AuditRow[]): Promise<void> {
    if (rows.length === 0) return;
    const col = <K extends keyof AuditRow>(k: K): AuditRow[K][] => rows.map((r) => r[k]);
    await q(
      this.#pool,
      `INSERT INTO ${this.p}audit (chain, seq, at, user_id, operation, uid, status, reason, source, prev, mac)
       SELECT * FROM unnest($1::text[], $2::bigint[], $3::bigint[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[])`,
      [
        col('chain'),
        col('seq'),
        col('at'),
        col('user'),
        col('operation'),
        col('uid'),
        col('status'),
        col('reason'),
        col('source'),
        col('prev'),
        col('mac'),
      ],
    );
  }

  async lastAudit(chain: string): Promise<AuditRow | undefined> {
    const rows = await q(
      this.#pool,
      `SELECT * FROM ${this.p}audit WHERE chain = $1 ORDER BY seq DESC LIMIT 1`,
      [chain],
    );
    return rows[0] === undefined ? undefined : auditRow(rows[0]);
  }

  async readAudit(chain: string, after: number, limit: number): Promise<AuditRow[]> {
    return (
      await q(
        this.#pool,
        `SELECT * FROM ${this.p}audit WHERE chain = $1 AND seq > $2 ORDER BY seq LIMIT $3`,
        [chain, after, limit],
      )
    ).map(auditRow);
  }

  async auditChains(): Promise<string[]> {
    return (await q(this.#pool, `SELECT DISTINCT chain FROM ${this.p}audit ORDER BY chain`)).map(
      (r) => r['chain'] as string,
    );
  }

  async getParameter(name: string): Promise<string | undefined> {
    const rows = await q(this.#pool, `SELECT value FROM ${this.p}parameters WHERE name = $1`, [
      name,
    ]);
    return rows[0] === undefined ? undefined : (rows[0]['value'] as string);
  }

  async setParameter(name: string, value: string): Promise<void> {
    await q(
      this.#pool,
      `INSERT INTO ${this.p}parameters (name, value) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET value = excluded.value`,
      [name, value],
    );
  }

  async ping(): Promise<void> {
    await q(this.#pool, 'SELECT 1');
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#live = false;
    if (this.#retry !== undefined) clearTimeout(this.#retry);
    const client = this.#listenClient;
    this.#listenClient = undefined;
    await client?.end().catch(() => undefined);
    await this.#pool.end();
  }
}
