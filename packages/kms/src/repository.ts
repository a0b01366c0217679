/**
 * The object cache in front of a store. A cache entry holds an object's record, its grants and,
 * once needed, its opened material and parsed keys (node: KeyObjects), so that a repeated
 * Encrypt costs no database read, no KEK decryption and no key parsing.
 *
 * Consistency: every transaction drops the entries it touched when it ends, and the store
 * reports changes made by other instances (PostgreSQL LISTEN/NOTIFY), which drop theirs too.
 * While that channel is down (`remoteChangesLive` false) the cache is bypassed, so a revoke made
 * elsewhere is never missed. Entries also expire after `ttlMs`.
 *
 * Reads inside a transaction never use the cache: they see the transaction's own writes.
 */
import type { ManagedObject } from '@custos/kmip';
import type { KeyEncryptionKey } from './kek.ts';
import { openObject, type ObjectRecord } from './model.ts';
import type { Grant, Store, StoreTransaction } from './store.ts';

/** An object as the operations see it. */
export class LoadedObject {
  readonly record: ObjectRecord;
  readonly grants: readonly Grant[];
  readonly #kek: KeyEncryptionKey;
  #object: ManagedObject | undefined | null = null;
  /** Parsed keys by purpose (`aes-256-gcm`, `hmac-sha256`...), built on first use. */
  readonly keys = new Map<string, unknown>();

  constructor(record: ObjectRecord, grants: readonly Grant[], kek: KeyEncryptionKey) {
    this.record = record;
    this.grants = grants;
    this.#kek = kek;
  }

  /** The managed object in clear (undefined once destroyed). @throws DecryptionFailed */
  get object(): ManagedObject | undefined {
    if (this.#object === null) this.#object = openObject(this.#kek, this.record);
    return this.#object;
  }

  /** A parsed key, built by `make` the first time. */
  key<T>(purpose: string, make: () => T): T {
    let k = this.keys.get(purpose) as T | undefined;
    if (k === undefined) {
      k = make();
      this.keys.set(purpose, k);
    }
    return k;
  }
}

interface Entry {
  readonly loaded: LoadedObject;
  readonly expires: number;
  /** Set by every hit, cleared when eviction passes over the entry (CLOCK, "second chance"). */
  used: boolean;
}

export interface RepositoryOptions {
  maxEntries: number;
  ttlMs: number;
}

export class Repository {
  readonly store: Store;
  readonly kek: KeyEncryptionKey;
  readonly #entries = new Map<string, Entry>();
  readonly #max: number;
  readonly #ttl: number;
  /** Bumped by every invalidation, so that a load racing with a change is not cached. */
  #generation = 0;
  #hits = 0;
  #misses = 0;

  constructor(store: Store, kek: KeyEncryptionKey, options: RepositoryOptions) {
    this.store = store;
    this.kek = kek;
    this.#max = options.maxEntries;
    this.#ttl = options.ttlMs;
    store.onRemoteChange((uid) => {
      this.invalidate(uid);
    });
  }

  // A method, so that the value is read again after an await (it changes when the feed drops).
  #live(): boolean {
    return this.store.remoteChangesLive;
  }

  /** Cache statistics for /metrics. */
  get stats(): { entries: number; hits: number; misses: number } {
    return { entries: this.#entries.size, hits: this.#hits, misses: this.#misses };
  }

  /**
   * The cached object when it can be used without any wait: the cache is on, the store needs no
   * round trip to learn about remote changes (SQLite, or PostgreSQL without `db.cache_sync`),
   * and the entry is fresh. Undefined otherwise (then `load`).
   */
  peek(uid: string): LoadedObject | undefined {
    if (this.#max === 0 || !this.store.remoteChangesLive) return undefined;
    if (this.store.syncRemoteChanges !== undefined) return undefined;
    const e = this.#entries.get(uid);
    if (e === undefined || e.expires <= Date.now()) return undefined;
    this.#hits++;
    e.used = true;
    return e.loaded;
  }

  /** The object outside any transaction (cached). */
  async load(uid: string): Promise<LoadedObject | undefined> {
    if (this.#max > 0 && this.store.syncRemoteChanges !== undefined)
      await this.store.syncRemoteChanges();
    const now = Date.now();
    const useCache = this.#max > 0 && this.store.remoteChangesLive;
    if (useCache) {
      const e = this.#entries.get(uid);
      if (e !== undefined && e.expires > now) {
        this.#hits++;
        // A flag, not a move to the end of the Map: a hit (every Encrypt) changes no structure.
        e.used = true;
        return e.loaded;
      }
    }
    this.#misses++;
    const generation = this.#generation;
    const record = await this.store.getObject(uid);
    if (record === undefined) return undefined;
    const grants = await this.store.grantsOn(uid);
    const loaded = new LoadedObject(record, grants, this.kek);
    if (useCache && generation === this.#generation && this.#live()) {
      this.#entries.delete(uid);
      this.#entries.set(uid, { loaded, expires: now + this.#ttl, used: false });
      if (this.#entries.size > this.#max) this.#evictOne();
    }
    return loaded;
  }

  /**
   * Drops one entry, approximately the least recently used (CLOCK): from the oldest insertion,
   * an entry hit since it was last passed over goes back to the end with its flag cleared; the
   * first one not hit is dropped. Ends after at most one pass plus one step.
   */
  #evictOne(): void {
    for (const [uid, e] of this.#entries) {
      this.#entries.delete(uid);
      if (!e.used) return;
      e.used = false;
      this.#entries.set(uid, e);
    }
  }

  /** The object inside a transaction (never cached). */
  async loadIn(tx: StoreTransaction, uid: string, lock = false): Promise<LoadedObject | undefined> {
    const record = await tx.getObject(uid, { lock });
    if (record === undefined) return undefined;
    return new LoadedObject(record, await tx.grantsOn(uid), this.kek);
  }

  /** Runs `fn` in a store transaction and drops the cache entries it touched. */
  async transaction<T>(fn: (tx: StoreTransaction) => Promise<T>): Promise<T> {
    let touched: ReadonlySet<string> = new Set();
    try {
      return await this.store.transaction(async (tx) => {
        touched = tx.touched;
        return fn(tx);
      });
    } finally {
      for (const uid of touched) this.invalidate(uid);
    }
  }

  /** Drops one entry, or every entry when `uid` is null. */
  invalidate(uid: string | null): void {
    this.#generation++;
    if (uid === null) this.#entries.clear();
    else this.#entries.delete(uid);
  }
}
