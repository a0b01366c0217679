/**
 * What an operation handler receives: the server (configuration, repository, logger), the
 * caller, the protocol version, the batch (ID Placeholder and earlier results) and, for
 * messages that change anything, the transaction the whole message runs in.
 */
import {
  Tag,
  type BatchContext,
  type ProtocolVersion,
  type TtlvStructure,
  type UniqueIdentifier,
} from '@custos/kmip';
import { requireRight } from './access.ts';
import type { AuditLog } from './audit.ts';
import type { KmsConfig } from './config.ts';
import { KmsError } from './errors.ts';
import type { Logger } from './log.ts';
import type { ObjectRecord } from './model.ts';
import type { LoadedObject, Repository } from './repository.ts';
import { checkUsable, type KeyUse } from './rules.ts';
import type { StoreTransaction } from './store.ts';

/** Who sent a request, and through which listener. */
export interface Caller {
  readonly user: string;
  /** `http <address>`, `socket <address>`... (audit). */
  readonly source: string;
}

/** Server-wide state shared by every request. */
export interface ServerState {
  readonly config: KmsConfig;
  readonly repo: Repository;
  readonly logger: Logger;
  readonly audit: AuditLog | undefined;
  readonly startedAt: Date;
  readonly version: string;
}

/** Result of one operation. */
export interface OperationResult {
  /** Response Payload structure, encoded for the request's protocol version. */
  readonly payload: TtlvStructure;
  /** Identifiers the operation returned (ID Placeholder, audit). Private key first. */
  readonly uids: readonly string[];
  /** Identifier the audit record names when `uids` is empty (the object acted on). */
  readonly subject?: string;
  /** Result Message of a successful item (Validate says why a chain is (in)valid). */
  readonly message?: string;
}

export class OperationContext {
  readonly server: ServerState;
  readonly caller: Caller;
  readonly version: ProtocolVersion;
  readonly batch: BatchContext;
  readonly tx: StoreTransaction | undefined;
  #now: Date | undefined;

  constructor(
    server: ServerState,
    caller: Caller,
    version: ProtocolVersion,
    batch: BatchContext,
    tx: StoreTransaction | undefined,
  ) {
    this.server = server;
    this.caller = caller;
    this.version = version;
    this.batch = batch;
    this.tx = tx;
  }

  /**
   * One clock reading per request, in whole seconds: every date an operation sets is this one.
   * Read on first use (an Encrypt only compares dates, and most requests never ask).
   */
  get now(): Date {
    return (this.#now ??= new Date(Math.floor(Date.now() / 1000) * 1000));
  }

  get user(): string {
    return this.caller.user;
  }

  get config(): KmsConfig {
    return this.server.config;
  }

  /** The transaction of a changing operation. */
  get writer(): StoreTransaction {
    if (this.tx === undefined)
      throw new KmsError('ERR_KMS_INTERNAL', 'write outside a transaction');
    return this.tx;
  }

  /**
   * Text identifier of the object a request names: a text UID, a tag list written as a JSON
   * array (`["tag1","tag2"]`, which must match exactly one object the caller can see), the ID
   * Placeholder, or an earlier result of the batch.
   */
  async resolve(uid: UniqueIdentifier | undefined): Promise<string> {
    const id = this.batch.resolve(uid);
    if (id.startsWith('[')) return this.resolveTags(id);
    return id;
  }

  /** `resolve` without a promise when the identifier is not a tag list. */
  #resolveNow(uid: UniqueIdentifier | undefined): string | Promise<string> {
    const id = this.batch.resolve(uid);
    return id.startsWith('[') ? this.resolveTags(id) : id;
  }

  private async resolveTags(text: string): Promise<string> {
    let tags: unknown;
    try {
      tags = JSON.parse(text);
    } catch {
      return text;
    }
    if (!Array.isArray(tags) || tags.length === 0 || !tags.every((t) => typeof t === 'string'))
      return text;
    const reader = this.tx ?? this.server.repo.store;
    const found = await reader.locate({ user: this.user, tags: tags, limit: 2 });
    if (found.length === 0)
      throw new KmsError('ERR_KMS_ITEM_NOT_FOUND', `no object has the tags ${text.slice(0, 200)}`);
    if (found.length > 1)
      throw new KmsError(
        'ERR_KMS_INVALID_FIELD',
        `several objects have the tags ${text.slice(0, 200)}: name one by its identifier`,
      );
    return (found[0] as ObjectRecord).uid;
  }

  /** The object, through the transaction when there is one. @throws KmsError ItemNotFound */
  async load(uid: string, lock = false): Promise<LoadedObject> {
    // A cache hit needs no await (every Encrypt with a known key).
    const hit = this.tx === undefined ? this.server.repo.peek(uid) : undefined;
    if (hit !== undefined) return hit;
    const loaded =
      this.tx === undefined
        ? await this.server.repo.load(uid)
        : await this.server.repo.loadIn(this.tx, uid, lock);
    if (loaded === undefined)
      throw new KmsError('ERR_KMS_ITEM_NOT_FOUND', `object ${uid} not found`);
    return loaded;
  }

  /**
   * Resolves, loads and checks an object in one call: the caller must hold `right`, and the
   * object's state must allow `use`.
   */
  object(
    uid: UniqueIdentifier | undefined,
    right: string,
    use: KeyUse,
    lock = false,
  ): Promise<LoadedObject> {
    const id = this.#resolveNow(uid);
    // A cached object outside a transaction (every Encrypt with a known key): no async step.
    const hit =
      typeof id === 'string' && this.tx === undefined ? this.server.repo.peek(id) : undefined;
    if (hit === undefined) return this.#objectLoaded(id, right, use, lock);
    try {
      this.#check(hit, right, use);
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    return Promise.resolve(hit);
  }

  async #objectLoaded(
    id: string | Promise<string>,
    right: string,
    use: KeyUse,
    lock: boolean,
  ): Promise<LoadedObject> {
    const loaded = await this.load(typeof id === 'string' ? id : await id, lock);
    this.#check(loaded, right, use);
    return loaded;
  }

  #check(loaded: LoadedObject, right: string, use: KeyUse): void {
    requireRight(loaded, this.user, right);
    checkUsable(loaded.record, use, this.now);
  }
}

/** A Response Payload with no field. */
export function emptyPayload(): TtlvStructure {
  return { tag: Tag.ResponsePayload, type: 'Structure', value: [] };
}
