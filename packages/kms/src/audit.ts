/**
 * The audit log: one record per operation (who, what, which object, result, from where), each
 * chained to the previous one by an HMAC-SHA256 under a key derived from the KEK:
 *
 *   mac_n = HMAC(K_audit, mac_{n-1} || "\n" || JSON([chain, seq, at, user, operation, uid, status, reason, source]))
 *
 * Altering, removing or reordering a record breaks every later MAC; forging one needs the KEK.
 * Removing the newest records leaves a valid shorter chain: anchor the head (`verifyAudit`
 * prints it) somewhere else to detect truncation.
 *
 * Each server instance writes its own chain (named by `instance_id`), so instances sharing a
 * PostgreSQL database never contend for the chain head. Records are buffered and written in
 * batches every `flush_interval_ms` (0: after every request); a crash loses at most that window.
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

const ZERO = '0'.repeat(64);
const utf8 = new TextEncoder();

type Mac = ReturnType<typeof provider.mac.hmacKey>;

function macOf(mac: Mac, prev: string, r: Omit<AuditRow, 'prev' | 'mac'>): string {
  const body = JSON.stringify([
    r.chain,
    r.seq,
    r.at,
    r.user,
    r.operation,
    r.uid,
    r.status,
    r.reason,
    r.source,
  ]);
  return toHex(mac.compute(utf8.encode(`${prev}\n${body}`)));
}

export class AuditLog {
  readonly #store: Store;
  readonly #mac: Mac;
  readonly #chain: string;
  readonly #interval: number;
  readonly #logger: Logger;
  #seq = 0;
  #prev = ZERO;
  #pending: AuditRow[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;
  #flushing: Promise<void> = Promise.resolve();
  #written = 0;

  private constructor(
    store: Store,
    key: Uint8Array,
    chain: string,
    intervalMs: number,
    logger: Logger,
  ) {
    this.#store = store;
    this.#mac = provider.mac.hmacKey('sha256', key);
    this.#chain = chain;
    this.#interval = intervalMs;
    this.#logger = logger;
  }

  /** Opens the chain `chain`, continuing after its last stored record. */
  static async open(
    store: Store,
    key: Uint8Array,
    chain: string,
    intervalMs: number,
    logger: Logger,
  ): Promise<AuditLog> {
    const log = new AuditLog(store, key, chain, intervalMs, logger);
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
    const base = { chain: this.#chain, seq: ++this.#seq, at: Date.now(), ...event };
    const mac = macOf(this.#mac, this.#prev, base);
    this.#pending.push({ ...base, prev: this.#prev, mac });
    this.#prev = mac;
    if (this.#interval === 0) void this.flush();
    else
      this.#timer ??= setTimeout(() => {
        this.#timer = undefined;
        void this.flush();
      }, this.#interval);
  }

  /** Writes every pending record. Failures are logged and retried at the next flush. */
  flush(): Promise<void> {
    const run = async (): Promise<void> => {
      if (this.#pending.length === 0) return;
      const batch = this.#pending;
      this.#pending = [];
      try {
        await this.#store.appendAudit(batch);
        this.#written += batch.length;
      } catch (error) {
        this.#pending = batch.concat(this.#pending);
        this.#logger.error('audit write failed; will retry', {
          error,
          pending: this.#pending.length,
        });
      }
    };
    this.#flushing = this.#flushing.then(run, run);
    return this.#flushing;
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

/** Checks every chain (or one) record by record. */
export async function verifyAudit(
  store: Store,
  key: Uint8Array,
  chain?: string,
): Promise<ChainReport[]> {
  const mac = provider.mac.hmacKey('sha256', key);
  const chains = chain === undefined ? await store.auditChains() : [chain];
  const out: ChainReport[] = [];
  for (const c of chains) {
    let prev = ZERO;
    let expected = 1;
    let count = 0;
    let report: ChainReport | undefined;
    for (;;) {
      const rows = await store.readAudit(c, expected - 1, 1000);
      if (rows.length === 0) break;
      for (const r of rows) {
        let problem: string | undefined;
        if (r.seq !== expected) problem = `record ${expected} is missing`;
        else if (r.prev !== prev) problem = 'previous MAC does not match';
        else if (macOf(mac, prev, r) !== r.mac)
          problem = 'MAC does not match (record altered or wrong key)';
        if (problem !== undefined) {
          report = { chain: c, records: count, head: prev, ok: false, brokenAt: expected, problem };
          break;
        }
        prev = r.mac;
        expected++;
        count++;
      }
      if (report !== undefined) break;
    }
    out.push(report ?? { chain: c, records: count, head: prev, ok: true });
  }
  return out;
}
