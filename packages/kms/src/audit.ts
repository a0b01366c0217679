/**
 * The audit log: one record per operation (who, what, which object, result, from where). The
 * records written together in one flush form a batch, chained to the previous batch by an
 * HMAC-SHA256 under a key derived from the KEK:
 *
 *   mac_b = HMAC(K_audit, mac_{b-1} || "\n" || JSON([[chain, seq, at, user, operation, uid, status, reason, source], ...]))
 *
 * Every record of batch b stores `prev` = mac_{b-1} and `mac` = mac_b. Altering, removing,
 * inserting or reordering a record breaks its batch's MAC or the link to the next batch;
 * forging one needs the KEK. (One MAC per batch rather than per record keeps the cost off the
 * request path.) Removing the newest batches leaves a valid shorter chain: anchor the head
 * (`custos audit verify` prints it) somewhere else to detect truncation.
 *
 * Each server instance writes its own chain (named by `instance_id`), so instances sharing a
 * PostgreSQL database never contend for the chain head. Records are buffered and written every
 * `flush_interval_ms` (0: as soon as possible), in the background: a crash loses the records
 * not yet written (those of the last interval, plus any the store refused and that wait for a
 * retry). With `wait_for_write` each response waits until its record is stored instead (see
 * `persisted()`), one write serving every record that arrived meanwhile.
 */
import { provider, toHex } from '@custos/crypto';
import type { Logger } from './log.ts';
import type { AuditRow, Store } from './store.ts';

export interface AuditEvent {
  readonly user: string;
  readonly operation: string;
  readonly uid: string;
  readonly status: 'success' | 'failure';
  /** Result Reason name on failure. */
  readonly reason: string;
  readonly source: string;
}

/** A record being chained: an AuditRow whose `prev` and `mac` are set when its batch closes. */
type Entry = { -readonly [K in keyof AuditRow]: AuditRow[K] };

/** Options of `AuditLog.open`. */
export interface AuditOptions {
  /** Longest time a record waits in memory before its batch is written (0: at once). */
  readonly flushIntervalMs: number;
  /**
   * When true, `persisted()` is what request handlers await before answering: a response is
   * only sent once its audit record is stored (group commit: one write for every record that
   * arrived meanwhile). When false, records are written in the background at most
   * `flushIntervalMs` after they were made.
   */
  readonly waitForWrite?: boolean;
}

const ZERO = '0'.repeat(64);
const utf8 = new TextEncoder();

type Mac = ReturnType<typeof provider.mac.hmacKey>;

function batchMac(
  mac: Mac,
  prev: string,
  entries: readonly Omit<AuditRow, 'prev' | 'mac'>[],
): string {
  const body = JSON.stringify(
    entries.map((r) => [
      r.chain,
      r.seq,
      r.at,
      r.user,
      r.operation,
      r.uid,
      r.status,
      r.reason,
      r.source,
    ]),
  );
  return toHex(mac.compute(utf8.encode(`${prev}\n${body}`)));
}

export class AuditLog {
  readonly #store: Store;
  readonly #mac: Mac;
  readonly #chain: string;
  readonly #interval: number;
  readonly #logger: Logger;
  /** Whether responses wait for their record to be stored (`persisted()`). */
  readonly waitForWrite: boolean;
  #seq = 0;
  #prev = ZERO;
  /** Events not yet chained. */
  #events: Entry[] = [];
  /** Chained rows whose write failed (retried first). */
  #pending: AuditRow[] = [];
  /** Result of the last write attempt (rejected while the store refuses records). */
  #lastWrite: Promise<void> = Promise.resolve();
  /** The queued flush that will take the records now waiting, if one is queued. */
  #next: Promise<void> | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #flushing: Promise<void> = Promise.resolve();
  #written = 0;

  private constructor(
    store: Store,
    key: Uint8Array,
    chain: string,
    options: AuditOptions,
    logger: Logger,
  ) {
    this.#store = store;
    this.#mac = provider.mac.hmacKey('sha256', key);
    this.#chain = chain;
    this.#interval = options.flushIntervalMs;
    this.waitForWrite = options.waitForWrite === true;
    this.#logger = logger;
  }

  /**
   * Opens the chain `chain`, continuing after its last stored record. `options` may be the
   * flush interval alone (records written in the background).
   */
  static async open(
    store: Store,
    key: Uint8Array,
    chain: string,
    options: number | AuditOptions,
    logger: Logger,
  ): Promise<AuditLog> {
    const o = typeof options === 'number' ? { flushIntervalMs: options } : options;
    const log = new AuditLog(store, key, chain, o, logger);
    const last = await store.lastAudit(chain);
    if (last !== undefined) {
      log.#seq = last.seq;
      log.#prev = last.mac;
    }
    return log;
  }

  get chain(): string {
    return this.#chain;
  }

  /** Records written so far by this process. */
  get written(): number {
    return this.#written;
  }

  /** Appends a record to the chain (written at the next flush). */
  record(event: AuditEvent): void {
    this.append(event.user, event.operation, event.uid, event.status, event.reason, event.source);
  }

  /** `record` without the event object, for the request path. */
  append(
    user: string,
    operation: string,
    uid: string,
    status: 'success' | 'failure',
    reason: string,
    source: string,
  ): void {
    // The entry becomes the stored row: `prev` and `mac` are filled in when its batch closes.
    this.#events.push({
      chain: this.#chain,
      seq: ++this.#seq,
      at: Date.now(),
      user,
      operation,
      uid,
      status,
      reason,
      source,
      prev: '',
      mac: '',
    });
    if (this.#interval === 0 || this.waitForWrite) {
      // Written as soon as the store takes it; records made while a write is running go
      // together in the next one (group commit).
      this.#next ??= this.flush();
    } else if (this.#timer === undefined) {
      this.#timer = setTimeout(() => {
        this.#timer = undefined;
        void this.flush();
      }, this.#interval);
      // Pending records never keep a process alive: servers flush them in close().
      this.#timer.unref();
    }
  }

  /** Writes every pending record. Failures are logged and retried at the next flush. */
  flush(): Promise<void> {
    const run = async (): Promise<void> => {
      // From here on, new records need a new flush.
      this.#next = undefined;
      if (this.#events.length > 0) {
        const events = this.#events;
        this.#events = [];
        const prev = this.#prev;
        const mac = batchMac(this.#mac, prev, events);
        this.#prev = mac;
        for (const e of events) {
          e.prev = prev;
          e.mac = mac;
        }
        this.#pending = this.#pending.length === 0 ? events : this.#pending.concat(events);
      }
      if (this.#pending.length === 0) {
        this.#lastWrite = Promise.resolve();
        return;
      }
      const batch = this.#pending;
      this.#pending = [];
      try {
        await this.#store.appendAudit(batch);
        this.#written += batch.length;
        this.#lastWrite = Promise.resolve();
      } catch (error) {
        this.#pending = batch.concat(this.#pending);
        this.#lastWrite = Promise.reject(new Error('audit write failed'));
        // Observed here; `persisted()` hands it to whoever waits.
        this.#lastWrite.catch(() => undefined);
        this.#logger.error('audit write failed; will retry', {
          error,
          pending: this.#pending.length,
        });
      }
    };
    this.#flushing = this.#flushing.then(run, run);
    return this.#flushing;
  }

  /**
   * Resolves once every record made so far is stored; rejects when the write that should have
   * stored them failed (the records stay queued and are retried). With `waitForWrite` the
   * write is already under way: this joins it (and, if records came after it started, the
   * next one).
   */
  async persisted(): Promise<void> {
    await (this.#events.length > 0 ? (this.#next ?? this.flush()) : this.#flushing);
    if (this.#pending.length > 0) await this.#lastWrite;
  }

  async close(): Promise<void> {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.flush();
  }
}

export interface ChainReport {
  readonly chain: string;
  readonly records: number;
  /** MAC of the last valid record (anchor it elsewhere to detect truncation). */
  readonly head: string;
  readonly ok: boolean;
  /** First record that fails, if any. */
  readonly brokenAt?: number;
  readonly problem?: string;
}

/** Checks every chain (or one), batch by batch. */
export async function verifyAudit(
  store: Store,
  key: Uint8Array,
  chain?: string,
): Promise<ChainReport[]> {
  const mac = provider.mac.hmacKey('sha256', key);
  const chains = chain === undefined ? await store.auditChains() : [chain];
  const out: ChainReport[] = [];
  for (const c of chains) out.push(await verifyChain(store, mac, c));
  return out;
}

async function verifyChain(store: Store, mac: Mac, chain: string): Promise<ChainReport> {
  let prev = ZERO;
  let valid = 0;
  let next = 1;
  let group: AuditRow[] = [];
  const broken = (at: number, problem: string): ChainReport => ({
    chain,
    records: valid,
    head: prev,
    ok: false,
    brokenAt: at,
    problem,
  });
  // Closes the batch in `group`; returns a report when it does not verify.
  const close = (): ChainReport | undefined => {
    const first = group[0];
    if (first === undefined) return undefined;
    if (first.prev !== prev)
      return broken(first.seq, 'previous MAC does not match (records removed or reordered)');
    if (batchMac(mac, prev, group) !== first.mac)
      return broken(first.seq, 'MAC does not match (record altered or wrong key)');
    prev = first.mac;
    valid += group.length;
    group = [];
    return undefined;
  };
  for (;;) {
    const rows = await store.readAudit(chain, next - 1, 1000);
    if (rows.length === 0) break;
    for (const r of rows) {
      const head = group[0];
      if (head !== undefined && (r.prev !== head.prev || r.mac !== head.mac)) {
        const bad = close();
        if (bad !== undefined) return bad;
      }
      if (r.seq !== next) {
        const bad = close();
        return bad ?? broken(next, `record ${next} is missing`);
      }
      group.push(r);
      next++;
    }
  }
  return close() ?? { chain, records: valid, head: prev, ok: true };
}
