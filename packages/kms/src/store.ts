/**
 * The storage contract shared by the SQLite and PostgreSQL stores. A store persists object
 * records, access grants, the audit chain and a few parameters; it knows nothing of KMIP rules
 * (those live in the operations) and nothing of keys in clear (material arrives sealed).
 *
 * Every change happens inside `transaction`, which commits when its callback resolves and rolls
 * back when it throws; savepoints let a batch undo one item without losing the others.
 */
import type { ObjectRecord } from './model.ts';

/** One user's rights on one object (`user` may be `*`, everyone). */
export interface Grant {
  readonly uid: string;
  readonly user: string;
  /** Lower-case operation names (`get`, `encrypt`...), sorted, unique. */
  readonly operations: readonly string[];
}

/** What Locate asks the database (the rest is filtered in memory). */
export interface LocateQuery {
  /** Only objects this user owns or holds a grant on (directly or through `*`). */
  readonly user: string;
  /** When true, every object regardless of owner or grants. */
  readonly allObjects?: boolean;
  readonly objectType?: number;
  /** Accepted states; undefined means every state except the destroyed ones. */
  readonly states?: readonly number[];
  readonly algorithm?: number;
  readonly length?: number;
  /** Every tag must be present. */
  readonly tags?: readonly string[];
  /** Some name must equal each of these. */
  readonly names?: readonly string[];
  /** Most rows to return (the caller filters further when it needs more). */
  readonly limit: number;
}

/** One audit record with its place in the chain. */
export interface AuditRow {
  readonly chain: string;
  readonly seq: number;
  /** Milliseconds since the epoch. */
  readonly at: number;
  readonly user: string;
  readonly operation: string;
  readonly uid: string;
  /** `success` or `failure`. */
  readonly status: string;
  /** Result Reason name on failure, empty on success. */
  readonly reason: string;
  /** Listener and peer address (`http 127.0.0.1`, `socket 10.0.0.2`). */
  readonly source: string;
  /** MAC of the previous record (hex; 64 zeros for the first). */
  readonly prev: string;
  /** HMAC-SHA256 over `prev` and this record (hex). */
  readonly mac: string;
}

export interface StoreReader {
  /** The object, or undefined. `lock` takes a row lock until the transaction ends (PostgreSQL). */
  getObject(uid: string, options?: { lock?: boolean }): Promise<ObjectRecord | undefined>;
  /** Objects matching the query, oldest first. */
  locate(query: LocateQuery): Promise<ObjectRecord[]>;
  /** Every grant on an object. */
  grantsOn(uid: string): Promise<Grant[]>;
  /** Every grant held by `user` (not through `*`). */
  grantsOf(user: string): Promise<Grant[]>;
  /** Objects owned by `user`, oldest first. */
  ownedBy(user: string): Promise<ObjectRecord[]>;
}

export interface StoreTransaction extends StoreReader {
  /** @throws KmsError ERR_KMS_ALREADY_EXISTS when the identifier is taken. */
  insertObject(record: ObjectRecord): Promise<void>;
  /** Replaces the object's row, tags and names. */
  updateObject(record: ObjectRecord): Promise<void>;
  /** Removes the object, its tags, names and grants. */
  deleteObject(uid: string): Promise<void>;
  /** Sets the operations `user` holds on `uid`; an empty list removes the grant. */
  setGrant(uid: string, user: string, operations: readonly string[]): Promise<void>;
  savepoint(name: string): Promise<void>;
  rollbackTo(name: string): Promise<void>;
  /** Identifiers changed so far (their cache entries are dropped on commit, here and remotely). */
  readonly touched: ReadonlySet<string>;
}

export interface Store extends StoreReader {
  readonly kind: 'sqlite' | 'postgresql';
  /** Runs `fn` in one transaction. */
  transaction<T>(fn: (tx: StoreTransaction) => Promise<T>): Promise<T>;
  /** Appends audit records (already chained), in one transaction. */
  appendAudit(rows: readonly AuditRow[]): Promise<void>;
  /** Last record of a chain. */
  lastAudit(chain: string): Promise<AuditRow | undefined>;
  /** Records of a chain with `seq > after`, in order, at most `limit`. */
  readAudit(chain: string, after: number, limit: number): Promise<AuditRow[]>;
  /** Names of every audit chain. */
  auditChains(): Promise<string[]>;
  getParameter(name: string): Promise<string | undefined>;
  setParameter(name: string, value: string): Promise<void>;
  /**
   * Registers a listener for changes made by other server instances: an identifier, or null
   * when changes may have been missed (drop everything).
   */
  onRemoteChange(listener: (uid: string | null) => void): void;
  /** False while changes from other instances may go unnoticed (caches must not be trusted). */
  readonly remoteChangesLive: boolean;
  /**
   * Resolves once every change committed by other instances before the call has been reported
   * to `onRemoteChange` (absent for single-instance stores).
   */
  syncRemoteChanges?(): Promise<void>;
  /** Throws when the database cannot be reached. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
