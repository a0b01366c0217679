/**
 * Compaction: rewrites every chain with only its live entries (deleted values and links gone,
 * cells packed), under the current key, online and resumably.
 *
 * - With a previous key in the ring, each keyword moves from the previous epoch to the current
 *   one: new chain at fresh addresses under fresh keys, the old header replaced by a "moved"
 *   marker, the old cells deleted — all in one guarded write per batch of keywords, guarded by
 *   both headers. Readers holding both keys read both epochs meanwhile; writers append to the
 *   current epoch; a concurrent write makes the batch's guard fail and the batch is redone.
 * - Without one, chains are rewritten in place under the current key (same addresses, fresh
 *   nonces; the chaining of GCM tags means no old cell can be passed off as a new one).
 *
 * Keywords are found in the registry (an internal keyword listing every domain keyword ever
 * created) and processed in byte order, so `from` (the last cursor reported) resumes an
 * interrupted compaction; redoing a keyword is harmless. In forward-private mode the client
 * state lists the chains instead, and each rewritten chain gets a fresh random address tag.
 *
 * @internal
 */
import { bytesKey } from './_assert.ts';
import { crypto } from './_crypto.ts';
import { encodeEntries, KIND_INSERT, type Entry } from './cells.ts';
import { _Slot, type _Engine } from './engine.ts';
import { KeyEpochMissing, WriteConflict } from './errors.ts';
import type { ForwardState } from './forward.ts';
import { TAG_LENGTH } from './keys.ts';
import { REGISTRY_KEYWORD } from './keyword.ts';
import { liveEntries, replay } from './replay.ts';
import { checkStoreResult, guardsHeld, type Guard, type Write } from './store.ts';

export interface CompactionProgress {
  /** Keywords processed so far (in this run). */
  readonly done: number;
  /** Keywords this run will process. */
  readonly total: number;
  /** Resume point: pass it as `from` to continue after an interruption. */
  readonly cursor: Uint8Array;
}

export interface CompactionOptions {
  /** Resume after this cursor (from a progress report). */
  readonly from?: Uint8Array;
  /** Keywords per atomic guarded write (default 32). */
  readonly batchSize?: number;
  /** Called after each batch. */
  readonly onProgress?: (progress: CompactionProgress) => void;
  /** Stops between batches when aborted; the report then has `complete: false`. */
  readonly signal?: AbortSignal;
}

export interface CompactionReport {
  /** Keywords rewritten in this run. */
  readonly keywords: number;
  /** Cells (headers and chain cells) those keywords occupied before, in every epoch. */
  readonly cellsBefore: number;
  /** Cells they occupy after. */
  readonly cellsAfter: number;
  /** False when stopped by `signal` before the end. */
  readonly complete: boolean;
  /** Last keyword processed (resume point), or null if none. */
  readonly cursor: Uint8Array | null;
}

export async function compactIndex(
  engine: _Engine,
  options: CompactionOptions,
): Promise<CompactionReport> {
  const from = options.from === undefined ? null : bytesKey(options.from);
  const batchSize = options.batchSize ?? 32;
  if (!Number.isSafeInteger(batchSize) || batchSize < 1)
    throw new RangeError('options.batchSize must be a positive integer');
  if (engine.o.forward !== null) return _compactForward(engine, engine.o.forward, from, options);
  if (!engine.o.registry)
    throw new RangeError('compaction needs the keyword registry (options.registry)');

  const [registry] = await engine.read([REGISTRY_KEYWORD]);
  const names = [...replay(registry?.runs ?? []).values.values()]
    .map((dk) => ({ dk, key: bytesKey(dk) }))
    .filter((x) => from === null || x.key > from)
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  let before = 0;
  let after = 0;
  let done = 0;
  let cursor: Uint8Array | null = null;
  for (let i = 0; i < names.length; i += batchSize) {
    if (options.signal?.aborted === true)
      return { keywords: done, cellsBefore: before, cellsAfter: after, complete: false, cursor };
    const batch = names.slice(i, i + batchSize).map((x) => x.dk);
    const r = await _rewrite(engine, batch, true);
    before += r.before;
    after += r.after;
    done += batch.length;
    cursor = batch[batch.length - 1] as Uint8Array;
    options.onProgress?.({ done, total: names.length, cursor });
  }
  // Last, the registry itself: rewritten (it has no deletions, but a previous epoch's copy
  // must move) — its entries are the union of both epochs'.
  await _rewrite(engine, [REGISTRY_KEYWORD], false);
  return { keywords: done, cellsBefore: before, cellsAfter: after, complete: true, cursor };
}

/** Rewrites a batch of domain keywords into the current epoch, retrying lost races. */
async function _rewrite(
  engine: _Engine,
  dks: readonly Uint8Array[],
  register: boolean,
): Promise<{ before: number; after: number }> {
  const current = engine.o.current;
  for (let attempt = 0; ; attempt++) {
    const leaves = await engine.read(dks);
    const regSlot = register && engine.o.registry ? engine._slot(current, REGISTRY_KEYWORD) : null;
    if (regSlot !== null) await engine.loadHeaders([regSlot]);
    const guardSlots: _Slot[] = [];
    const writes: Write[] = [];
    const commits: ReturnType<_Engine['prepare']>[] = [];
    const created: Entry[] = [];
    let before = 0;
    let after = 0;
    for (const leaf of leaves) {
      const live = liveEntries(leaf.runs ?? []);
      for (const slot of leaf.slots) {
        if (slot.keys === current) {
          if (slot.moved !== null) throw new KeyEpochMissing(slot.moved);
          if (slot.exists) before += slot.count + 1;
          guardSlots.push(slot);
          if (slot.exists || live.length > 0) {
            const p = engine.prepare(slot, encodeEntries(live), true);
            writes.push(...p.writes);
            commits.push(p);
            after += p.state.count + 1;
            if (!slot.exists && regSlot !== null)
              created.push({ kind: KIND_INSERT, value: slot.dk });
          }
        } else if (slot.exists && slot.moved === null) {
          before += slot.count + 1;
          guardSlots.push(slot);
          writes.push(...engine.prepareMoved(slot, current.epoch));
        }
      }
    }
    if (regSlot !== null && created.length > 0) {
      const p = engine.prepare(regSlot, encodeEntries(created));
      guardSlots.push(regSlot);
      writes.push(...p.writes);
      commits.push(p);
    }
    const guards: Guard[] = guardSlots.map((s) => ({
      address: s.headerAddress as Uint8Array,
      expected: s.header,
    }));
    const cur = checkStoreResult(
      await engine.o.store.guardedWrite(guards, writes),
      guards.length,
      'guardedWrite',
    );
    if (guardsHeld(guards, cur)) {
      for (const p of commits) engine.commit(p);
      // Old-epoch headers now say "moved": remember them so a rollback is caught.
      engine._adopt(
        guardSlots,
        guards,
        guards.map((g) => g.expected),
      );
      return { before, after };
    }
    engine._adopt(guardSlots, guards, cur);
    if (attempt + 1 >= engine.o.maxAttempts)
      throw new WriteConflict('compaction of a batch kept losing races with writers');
    await engine.backoff();
  }
}

/** Forward-private mode: every chain of the state is rewritten at a fresh random tag. */
async function _compactForward(
  engine: _Engine,
  fwd: ForwardState,
  from: string | null,
  options: CompactionOptions,
): Promise<CompactionReport> {
  const current = engine.o.current;
  const seen = new Map<string, Uint8Array>();
  for (const c of fwd._all()) seen.set(bytesKey(c.dk), c.dk);
  const names = [...seen.entries()]
    .filter(([k]) => from === null || k > from)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, dk]) => dk);
  let before = 0;
  let after = 0;
  let done = 0;
  let cursor: Uint8Array | null = null;
  const batchSize = options.batchSize ?? 32;
  for (let i = 0; i < names.length; i += batchSize) {
    if (options.signal?.aborted === true)
      return { keywords: done, cellsBefore: before, cellsAfter: after, complete: false, cursor };
    const batch = names.slice(i, i + batchSize);
    const leaves = await engine.read(batch);
    const writes: Write[] = [];
    const guards: Guard[] = [];
    const fresh: ReturnType<_Engine['prepare']>[] = [];
    for (const leaf of leaves) {
      for (const slot of leaf.slots) {
        if (!slot.exists) continue;
        before += slot.count;
        for (const address of slot.addresses(1, slot.count)) writes.push({ address, value: null });
      }
      const live = liveEntries(leaf.runs ?? []);
      if (live.length === 0) continue;
      const slot = new _Slot(current, leaf.dk, crypto.random.bytes(TAG_LENGTH), null);
      const p = engine.prepare(slot, encodeEntries(live));
      for (const w of p.writes) guards.push({ address: w.address, expected: null });
      writes.unshift(...p.writes);
      fresh.push(p);
      after += p.state.count;
    }
    const cur = checkStoreResult(
      await engine.o.store.guardedWrite(guards, writes),
      guards.length,
      'guardedWrite',
    );
    if (!guardsHeld(guards, cur))
      throw new WriteConflict('forward-private cells were already taken during compaction');
    for (const leaf of leaves) for (const slot of leaf.slots) fwd._delete(slot.keys.epoch, leaf.dk);
    for (const p of fresh) {
      fwd._set({
        epoch: current.epoch,
        dk: p.slot.dk,
        tag: p.slot.tag,
        count: p.state.count,
        lastTag: p.state.lastTag,
      });
    }
    done += batch.length;
    cursor = batch[batch.length - 1] as Uint8Array;
    options.onProgress?.({ done, total: names.length, cursor });
  }
  return { keywords: done, cellsBefore: before, cellsAfter: after, complete: true, cursor };
}
