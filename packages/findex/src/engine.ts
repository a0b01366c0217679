/**
 * The engine: reads and writes keyword chains through a `FindexStore`, with the crypto of
 * `cells.ts` and `keys.ts`. Everything above it (the public `Findex` class, queries,
 * compaction) speaks in domain keywords and entries.
 *
 * Reads take at most two round trips for any batch of keywords: the first fetches each header
 * plus its first cells (as many as the header cache says exist, or `speculate` when unknown); a
 * second fetches the rest of the chains that turned out longer, all at once. Writes take one
 * round trip (`guardedWrite` on the cached headers) when the cache is warm, plus one read for
 * headers it does not know; a lost race returns the winner's header with the refusal, so a
 * retry needs no extra read.
 *
 * @internal
 */
import { bytesEqual } from './_assert.ts';
import { crypto } from './_crypto.ts';
import {
  _EntryRun,
  _Nonces,
  cellTag,
  chainAad,
  chainPayload,
  decodeHeader,
  encodeMovedHeader,
  entriesEnd,
  GCM_TAG_LENGTH,
  HEADER_FIXED,
  headerAad,
  KIND_INSERT,
  openCells,
  packRun,
  readEntries,
  sealCell,
  ZERO_TAG,
  type DecodedHeader,
  type Entry,
  type HeaderState,
  writeHeaderPayload,
} from './cells.ts';
import { KeyEpochMissing, RollbackDetected, TamperDetected, WriteConflict } from './errors.ts';
import type { ForwardState } from './forward.ts';
import { TAG_LENGTH, type _EpochKeys, type _KeywordRef } from './keys.ts';
import { REGISTRY_KEYWORD } from './keyword.ts';
import { checkStoreResult, guardsHeld, type FindexStore, type Guard, type Write } from './store.ts';

export interface _EngineOptions {
  readonly store: FindexStore;
  readonly current: _EpochKeys;
  readonly previous: _EpochKeys | null;
  readonly cellSize: number;
  readonly speculate: number;
  readonly maxAttempts: number;
  readonly backoffBaseMs: number;
  readonly backoffCapMs: number;
  readonly cacheSize: number;
  readonly registry: boolean;
  readonly forward: ForwardState | null;
}

/**
 * A header as last seen, decoded (so that a cached header needs no decryption). Flat: the cache
 * holds tens of thousands of these for as long as the client lives.
 */
interface _CacheEntry {
  header: Uint8Array;
  readonly version: number;
  readonly count: number;
  lastTag: Uint8Array;
  tail: Uint8Array;
  /** For a "moved" marker, the epoch it points to (then count is 0, the tail empty). */
  readonly moved: number | null;
  /** The write batch whose arrays `header`, `lastTag` and `tail` are views of (null: none). */
  arena: _Arena | null;
}

/**
 * The entries a write batch put in the header cache. They are views of the batch's arrays (the
 * sealed headers, the header plaintexts) rather than copies, which would cost one long-lived
 * allocation per keyword written. Views pin whole arrays, so once three quarters of a batch's
 * entries have left the cache, the survivors are copied together into one array of their own
 * (`_rehome`): a batch's arrays stay pinned only while more than a quarter of its entries are
 * live, and there is at most one copy for every three entries written. Nothing is ever modified
 * in place, so a view handed out earlier (a slot's header, a search result) stays valid.
 */
interface _Arena {
  live: number;
  readonly entries: _CacheEntry[];
}

const EMPTY: Uint8Array = new Uint8Array(0);
const NO_ADDRESSES: readonly Uint8Array[] = [];

/** One domain keyword in one key epoch, as read from the store. */
export class _Slot {
  readonly keys: _EpochKeys;
  readonly dk: Uint8Array;
  readonly tag: Uint8Array;
  /** Null for forward-private chains, which have no header. */
  readonly headerAddress: Uint8Array | null;
  /** `bytesKey(headerAddress)`: this slot's key in the header cache ('' without a header). */
  readonly hkey: string;
  header: Uint8Array | null = null;
  exists = false;
  moved: number | null = null;
  version = 0;
  count = 0;
  lastTag: Uint8Array = ZERO_TAG;
  /** The header's tail: encoded entries (a view of the header plaintext). */
  tail: Uint8Array = EMPTY;
  #cells: Map<number, Uint8Array | null> | undefined;
  /** Addresses of the first cells, shared with the keyword cache (never modified). */
  readonly #head: readonly Uint8Array[];
  /** Further addresses by index, computed on demand (a sparse array). */
  #more: Uint8Array[] | undefined;

  /** Raw chain cells read so far, by index (created on first use: writes never need it). */
  get cells(): Map<number, Uint8Array | null> {
    return (this.#cells ??= new Map());
  }

  /** `ref` gives the header address and first cells; null for a headerless (forward) chain. */
  constructor(keys: _EpochKeys, dk: Uint8Array, tag: Uint8Array, ref: _KeywordRef | null) {
    this.keys = keys;
    this.dk = dk;
    this.tag = tag;
    this.#head = ref === null ? NO_ADDRESSES : ref.head;
    this.headerAddress = ref === null ? null : (ref.head[0] as Uint8Array);
    this.hkey = ref === null ? '' : ref.hkey;
  }

  /** Address of cell `i` (0 = header). */
  address(i: number): Uint8Array {
    return i < this.#head.length
      ? (this.#head[i] as Uint8Array)
      : (this.#more?.[i] ?? (this.addresses(i, 1)[0] as Uint8Array));
  }

  /** Addresses of cells [from, from + count), each computed once (one AES-ECB call per gap). */
  addresses(from: number, count: number): Uint8Array[] {
    const out = new Array<Uint8Array>(count);
    let lo = -1;
    let hi = -1;
    for (let i = 0; i < count; i++) {
      const j = from + i;
      const known = j < this.#head.length ? this.#head[j] : this.#more?.[j];
      if (known === undefined) {
        if (lo < 0) lo = i;
        hi = i;
      } else out[i] = known;
    }
    if (lo >= 0) {
      const fresh = this.keys.addresses([{ tag: this.tag, from: from + lo, count: hi - lo + 1 }]);
      const more = (this.#more ??= []);
      for (let k = 0; k <= hi - lo; k++) {
        const a = fresh[k] as Uint8Array;
        more[from + lo + k] = a;
        out[lo + k] = a;
      }
    }
    return out;
  }

  /** Takes the state of a cached header. */
  applyEntry(e: _CacheEntry): void {
    this.header = e.header;
    this.exists = true;
    this.moved = e.moved;
    this.version = e.version;
    this.count = e.count;
    this.lastTag = e.lastTag;
    this.tail = e.tail;
  }

  applyHeader(raw: Uint8Array | null, decoded: DecodedHeader | null): void {
    this.header = raw;
    if (decoded === null) {
      this.exists = false;
      this.moved = null;
      this.version = 0;
      this.count = 0;
      this.lastTag = ZERO_TAG;
      this.tail = EMPTY;
    } else if (decoded.type === 'moved') {
      this.exists = true;
      this.moved = decoded.epoch;
      this.version = decoded.version;
      this.count = 0;
      this.lastTag = ZERO_TAG;
      this.tail = EMPTY;
    } else {
      this.exists = true;
      this.moved = null;
      this.version = decoded.state.version;
      this.count = decoded.state.count;
      this.lastTag = decoded.state.lastTag;
      this.tail = decoded.state.tail;
    }
  }
}

/** One domain keyword across the epochs of the key ring (oldest first). */
export class _Leaf {
  readonly dk: Uint8Array;
  readonly slots: _Slot[];
  /** Once read: its entries as runs of encoded entries, oldest first (see `replay`). */
  runs: Uint8Array[] | null = null;

  constructor(dk: Uint8Array, slots: _Slot[]) {
    this.dk = dk;
    this.slots = slots;
  }

  /** A cheap size estimate from the headers alone (bytes of entries), to order AND terms. */
  estimate(cellSize: number): number {
    let n = 0;
    for (const s of this.slots) if (s.moved === null) n += s.count * cellSize + s.tail.length;
    return n;
  }
}

/** A prepared append or rewrite of one chain. */
interface _Prepared {
  readonly slot: _Slot;
  readonly writes: Write[];
  readonly header: Uint8Array | null;
  readonly state: HeaderState;
}

/** What a write appends to one domain keyword. */
export interface _Op {
  readonly dk: Uint8Array;
  /** `bytesKey(dk)`. */
  readonly name: string;
  /** The entries, encoded (a run). */
  readonly run: Uint8Array;
}

export class _Engine {
  readonly o: _EngineOptions;
  readonly tailCapacity: number;
  readonly #nonces = new _Nonces();
  readonly #cache = new Map<string, _CacheEntry>();

  constructor(options: _EngineOptions) {
    this.o = options;
    this.tailCapacity = options.cellSize - HEADER_FIXED;
  }

  /** The epochs to read, oldest first. */
  epochs(): _EpochKeys[] {
    return this.o.previous === null ? [this.o.current] : [this.o.previous, this.o.current];
  }

  /** Slots for many domain keywords (`names[i]` = `bytesKey(dks[i])` when the caller has it). */
  _slots(keys: _EpochKeys, dks: readonly Uint8Array[], names?: readonly string[]): _Slot[] {
    if (this.o.forward !== null) return dks.map((dk) => this._slot(keys, dk));
    const refs = keys.refs(dks, names);
    const out = new Array<_Slot>(dks.length);
    for (let i = 0; i < dks.length; i++) {
      const ref = refs[i] as _KeywordRef;
      out[i] = new _Slot(keys, dks[i] as Uint8Array, ref.tag, ref);
    }
    return out;
  }

  _slot(keys: _EpochKeys, dk: Uint8Array): _Slot {
    const fwd = this.o.forward;
    if (fwd === null) {
      const ref = keys.refs([dk])[0] as _KeywordRef;
      return new _Slot(keys, dk, ref.tag, ref);
    }
    const chain = fwd._get(keys.epoch, dk);
    const slot = new _Slot(keys, dk, chain?.tag ?? crypto.random.bytes(TAG_LENGTH), null);
    if (chain !== undefined) {
      slot.exists = true;
      slot.count = chain.count;
      slot.lastTag = chain.lastTag;
    }
    return slot;
  }

  // ---- reading ------------------------------------------------------------------------------

  /**
   * Round trip 1: every header and its first cells: as many as the header cache says exist
   * (at most `speculate` when `lazy`), or `speculate` for headers it does not know.
   */
  async heads(
    dks: readonly Uint8Array[],
    lazy = false,
    names?: readonly string[],
  ): Promise<_Leaf[]> {
    const epochs = this.epochs();
    const perEpoch = epochs.map((k) => this._slots(k, dks, names));
    const leaves = new Array<_Leaf>(dks.length);
    const reads: Uint8Array[] = [];
    const planSlots: _Slot[] = [];
    const planFirst: number[] = [];
    const planCount: number[] = [];
    const speculate = this.o.speculate;
    for (let d = 0; d < dks.length; d++) {
      const slots =
        perEpoch.length === 1
          ? [(perEpoch[0] as _Slot[])[d] as _Slot]
          : perEpoch.map((list) => list[d] as _Slot);
      leaves[d] = new _Leaf(dks[d] as Uint8Array, slots);
      for (const slot of slots) {
        planSlots.push(slot);
        planFirst.push(reads.length);
        if (slot.headerAddress === null) {
          // Forward-private: the client knows the length.
          for (const a of slot.addresses(1, slot.count)) reads.push(a);
          planCount.push(slot.count);
          continue;
        }
        const hint = this.#cache.get(slot.hkey);
        const n =
          hint === undefined ? speculate : lazy ? Math.min(hint.count, speculate) : hint.count;
        if (n <= speculate) for (let i = 0; i <= n; i++) reads.push(slot.address(i));
        else for (const a of slot.addresses(0, n + 1)) reads.push(a);
        planCount.push(n + 1);
      }
    }
    const got =
      reads.length === 0
        ? []
        : checkStoreResult(await this.o.store.batchRead(reads), reads.length, 'batchRead');
    const withHeader: { slot: _Slot; raw: Uint8Array }[] = [];
    for (let p = 0; p < planSlots.length; p++) {
      const slot = planSlots[p] as _Slot;
      const first = planFirst[p] as number;
      const n = planCount[p] as number;
      if (slot.headerAddress !== null) {
        const raw = got[first] ?? null;
        if (raw === null) {
          slot.applyHeader(null, null);
          this._observe(slot);
        } else withHeader.push({ slot, raw });
        if (n > 1) {
          const cells = slot.cells;
          for (let j = 1; j < n; j++) cells.set(j, got[first + j] ?? null);
        }
      } else if (n > 0) {
        const cells = slot.cells;
        for (let j = 0; j < n; j++) cells.set(j + 1, got[first + j] ?? null);
      }
    }
    this._openHeaders(withHeader);
    return leaves;
  }

  /** Decrypts and applies raw headers, one batched call per epoch. */
  _openHeaders(items: readonly { slot: _Slot; raw: Uint8Array }[]): void {
    if (items.length === 0) return;
    for (const keys of this.epochs()) {
      const mine = this.o.previous === null ? items : items.filter((x) => x.slot.keys === keys);
      if (mine.length === 0) continue;
      const raws = new Array<Uint8Array>(mine.length);
      const aads = new Array<Uint8Array>(mine.length);
      for (let j = 0; j < mine.length; j++) {
        const x = mine[j] as { slot: _Slot; raw: Uint8Array };
        raws[j] = x.raw;
        aads[j] = headerAad(x.slot.headerAddress as Uint8Array);
      }
      const payloads = openCells(keys.cell, raws, aads, this.o.cellSize);
      for (let j = 0; j < mine.length; j++) {
        const { slot, raw } = mine[j] as { slot: _Slot; raw: Uint8Array };
        slot.applyHeader(raw, decodeHeader(payloads[j] as Uint8Array));
        this._observe(slot);
      }
    }
  }

  /** Round trip 2 (only if needed): the rest of every chain, then decryption of all entries. */
  async complete(leaves: readonly _Leaf[]): Promise<void> {
    const todo = leaves.filter((l) => l.runs === null);
    if (todo.length === 0) return;
    const missing: { slot: _Slot; index: number }[] = [];
    for (const leaf of todo) {
      for (const slot of this._liveSlots(leaf)) {
        if (slot.count === 0) continue;
        const cells = slot.cells;
        for (let i = 1; i <= slot.count; i++) if (!cells.has(i)) missing.push({ slot, index: i });
      }
    }
    if (missing.length > 0) {
      const addrs = missing.map(({ slot, index }) => slot.address(index));
      const got = checkStoreResult(await this.o.store.batchRead(addrs), addrs.length, 'batchRead');
      missing.forEach(({ slot, index }, i) => slot.cells.set(index, got[i] ?? null));
    }
    for (const leaf of todo) {
      const runs: Uint8Array[] = [];
      for (const slot of this._liveSlots(leaf)) {
        if (slot.count > 0)
          for (const run of this.decryptRange(slot, 1, slot.count)) runs.push(run);
        if (slot.tail.length > 0) runs.push(slot.tail);
      }
      leaf.runs = runs;
    }
  }

  /**
   * Heads then completion. A chain rewritten between the two round trips (by a compaction)
   * fails verification; if the headers moved on meanwhile, the read starts again (twice at
   * most), otherwise the failure is real tampering and is reported.
   */
  async read(dks: readonly Uint8Array[], names?: readonly string[]): Promise<_Leaf[]> {
    for (let attempt = 0; ; attempt++) {
      const leaves = await this.heads(dks, false, names);
      try {
        await this.complete(leaves);
        return leaves;
      } catch (error) {
        if (
          !(error instanceof TamperDetected) ||
          attempt >= 2 ||
          !(await this.changedSince(leaves))
        )
          throw error;
      }
    }
  }

  /** True when some header of `leaves` is no longer the one read (a concurrent writer). */
  async changedSince(leaves: readonly _Leaf[]): Promise<boolean> {
    const slots = leaves.flatMap((l) => l.slots).filter((s) => s.headerAddress !== null);
    if (slots.length === 0) return false;
    const got = checkStoreResult(
      await this.o.store.batchRead(slots.map((s) => s.headerAddress as Uint8Array)),
      slots.length,
      'batchRead',
    );
    return slots.some((s, i) => {
      const cur = got[i] ?? null;
      return s.header === null || cur === null ? s.header !== cur : !bytesEqual(s.header, cur);
    });
  }

  /** The slots holding data, oldest epoch first; refuses data moved to an epoch we lack. */
  _liveSlots(leaf: _Leaf): _Slot[] {
    const out: _Slot[] = [];
    for (const slot of leaf.slots) {
      if (slot.moved !== null) {
        if (slot.keys !== this.o.current && slot.moved === this.o.current.epoch) continue;
        throw new KeyEpochMissing(slot.moved);
      }
      if (slot.exists) out.push(slot);
    }
    return out;
  }

  /**
   * Verifies and decrypts chain cells [lo, hi] (raw cells lo−1 .. hi must have been read).
   * Returns the entries of each cell as a run (a view of its plaintext, checked), in order.
   */
  decryptRange(slot: _Slot, lo: number, hi: number): Uint8Array[] {
    if (hi < lo) return [];
    const raws: Uint8Array[] = [];
    for (let i = lo; i <= hi; i++) {
      const raw = slot.cells.get(i);
      if (raw === null || raw === undefined)
        throw new TamperDetected('a chain is shorter than its header says (truncated)');
      raws.push(raw);
    }
    let prev: Uint8Array = ZERO_TAG;
    if (lo > 1) {
      const p = slot.cells.get(lo - 1);
      if (p === null || p === undefined)
        throw new TamperDetected('a chain is shorter than its header says (truncated)');
      prev = cellTag(p);
    }
    if (
      hi === slot.count &&
      !bytesEqual(cellTag(raws[raws.length - 1] as Uint8Array), slot.lastTag)
    ) {
      throw new TamperDetected('the last cell of a chain is not the one its header commits to');
    }
    const addrs = slot.addresses(lo, hi - lo + 1);
    const aads = raws.map((raw, j) => {
      const aad = chainAad(addrs[j] as Uint8Array, prev);
      prev = cellTag(raw);
      return aad;
    });
    const payloads = openCells(slot.keys.cell, raws, aads, this.o.cellSize);
    return payloads.map((p) => p.subarray(0, entriesEnd(p, 0, p.length)));
  }

  /** Entries of a leaf, newest first, fetching chain cells backwards `page` at a time. */
  async *newestFirst(leaf: _Leaf, page: number): AsyncGenerator<Entry> {
    const slots = this._liveSlots(leaf).reverse();
    for (const slot of slots) {
      const tail: Entry[] = [];
      readEntries(slot.tail, 0, slot.tail.length, tail);
      for (let i = tail.length - 1; i >= 0; i--) yield tail[i] as Entry;
      let hi = slot.count;
      while (hi >= 1) {
        const lo = Math.max(1, hi - page + 1);
        const need: number[] = [];
        for (let i = Math.max(1, lo - 1); i <= hi; i++) if (!slot.cells.has(i)) need.push(i);
        if (need.length > 0) {
          const addrs = need.map((i) => slot.address(i));
          const got = checkStoreResult(
            await this.o.store.batchRead(addrs),
            addrs.length,
            'batchRead',
          );
          need.forEach((i, j) => slot.cells.set(i, got[j] ?? null));
        }
        const runs = this.decryptRange(slot, lo, hi);
        for (let c = runs.length - 1; c >= 0; c--) {
          const run = runs[c] as Uint8Array;
          const entries: Entry[] = [];
          readEntries(run, 0, run.length, entries);
          for (let i = entries.length - 1; i >= 0; i--) yield entries[i] as Entry;
        }
        hi = lo - 1;
      }
    }
  }

  // ---- header cache: length hints and rollback detection ----------------------------------

  _observe(slot: _Slot): void {
    if (slot.headerAddress === null) return;
    const key = slot.hkey;
    const seen = this.#cache.get(key);
    if (slot.header === null) {
      if (seen !== undefined)
        throw new RollbackDetected('a keyword header this client has seen is gone');
      return;
    }
    if (seen !== undefined) {
      if (slot.version < seen.version)
        throw new RollbackDetected('the store returned an older version of a keyword');
      if (slot.version === seen.version) {
        if (!bytesEqual(slot.header, seen.header)) {
          throw new TamperDetected(
            'the store returned two different headers with the same version',
          );
        }
        return;
      }
    }
    this._remember(key, {
      header: _own(slot.header),
      version: slot.version,
      count: slot.count,
      lastTag: slot.lastTag,
      tail: slot.tail,
      moved: slot.moved,
      arena: null,
    });
  }

  _remember(key: string, entry: _CacheEntry): void {
    if (this.o.cacheSize === 0) return;
    const old = this.#cache.get(key);
    if (old !== undefined) {
      // Delete first, so that the entry moves to the end of the Map's order (most recent).
      this.#cache.delete(key);
      this._release(old);
    } else if (this.#cache.size >= this.o.cacheSize) {
      const first = this.#cache.entries().next();
      if (first.done !== true) {
        this.#cache.delete(first.value[0]);
        this._release(first.value[1]);
      }
    }
    if (entry.arena !== null) {
      entry.arena.entries.push(entry);
      entry.arena.live++;
    }
    this.#cache.set(key, entry);
  }

  /** An entry left the cache: its batch may now be mostly dead (see `_Arena`). */
  _release(entry: _CacheEntry): void {
    const arena = entry.arena;
    if (arena === null) return;
    entry.arena = null;
    arena.live--;
    if (arena.live > 0 && arena.live * 4 <= arena.entries.length) _rehome(arena);
  }

  /** The cached raw header of a slot, if any, applied to it (no round trip). */
  _fromCache(slot: _Slot): boolean {
    if (slot.headerAddress === null) return true;
    const seen = this.#cache.get(slot.hkey);
    if (seen === undefined) return false;
    slot.applyEntry(seen);
    return true;
  }

  // ---- writing ------------------------------------------------------------------------------

  /** Seals new chain cells for `run` after the slot's current state, and its new header. */
  prepare(slot: _Slot, run: Uint8Array, rewrite = false): _Prepared {
    return this.prepareMany([{ slot, run, rewrite }])[0] as _Prepared;
  }

  /**
   * `prepare` for many chains. For each: the tail and the new entries are joined; when they
   * overflow the header's tail, full chain cells are cut from the oldest entries and sealed one
   * by one (each cell's associated data holds its predecessor's tag); the rest becomes the new
   * tail. Then every new header is sealed in one batched AEAD call per key epoch.
   */
  prepareMany(items: readonly { slot: _Slot; run: Uint8Array; rewrite?: boolean }[]): _Prepared[] {
    const size = this.o.cellSize;
    let headers = 0;
    for (const it of items) if (it.slot.headerAddress !== null) headers++;
    // Header plaintexts live in one array per call (the cache keeps views of it: see `_Arena`).
    const slab = new Uint8Array(headers * size);
    let scratch: Uint8Array | null = null;
    const out = new Array<{
      slot: _Slot;
      writes: Write[];
      header: Uint8Array | null;
      state: HeaderState;
      payload: Uint8Array | null;
    }>(items.length);
    let h = 0;
    for (let it = 0; it < items.length; it++) {
      const { slot, run, rewrite = false } = items[it] as (typeof items)[number];
      const base = rewrite ? EMPTY : slot.tail;
      const withHeader = slot.headerAddress !== null;
      const n0 = rewrite ? 0 : slot.count;
      let prevTag = rewrite ? ZERO_TAG : slot.lastTag;
      const writes: Write[] = [];
      // The new tail, in two parts (no join when everything fits).
      let tailA = base;
      let tailB = run;
      let cells = 0;
      if (!withHeader || base.length + run.length > this.tailCapacity) {
        let all = run;
        if (base.length > 0) {
          all = new Uint8Array(base.length + run.length);
          all.set(base);
          all.set(run, base.length);
        }
        const ends = packRun(all, size, withHeader ? this.tailCapacity : null);
        cells = ends.length;
        let start = 0;
        if (cells > 0) {
          const addrs = slot.addresses(n0 + 1, cells);
          const aead = slot.keys.cell;
          scratch ??= new Uint8Array(size);
          for (let j = 0; j < cells; j++) {
            const address = addrs[j] as Uint8Array;
            const end = ends[j] as number;
            const raw = sealCell(
              aead,
              this.#nonces,
              chainPayload(all, start, end, size, scratch),
              chainAad(address, prevTag),
            );
            prevTag = cellTag(raw);
            writes.push({ address, value: raw });
            start = end;
          }
        }
        tailA = start === 0 ? all : all.subarray(start);
        tailB = EMPTY;
      }
      if (rewrite) {
        // Cells beyond the new end are deleted.
        const end = n0 + cells;
        if (slot.count > end) {
          for (const address of slot.addresses(end + 1, slot.count - end))
            writes.push({ address, value: null });
        }
      }
      if (slot.version >= 0xffff_ffff)
        throw new RangeError('a keyword header reached its last version');
      const version = slot.version + 1;
      const count = n0 + cells;
      let payload: Uint8Array | null = null;
      let tail: Uint8Array = EMPTY;
      if (withHeader) {
        payload = new Uint8Array(slab.buffer, h++ * size, size);
        writeHeaderPayload(payload, version, count, prevTag, tailA, tailB);
        tail = payload.subarray(HEADER_FIXED, HEADER_FIXED + tailA.length + tailB.length);
        // The payload's own copy: what the cache keeps must not pin an older batch's arrays.
        prevTag = payload.subarray(9, 9 + GCM_TAG_LENGTH);
      }
      out[it] = {
        slot,
        writes,
        header: null,
        state: { version, count, lastTag: prevTag, tail },
        payload,
      };
    }
    for (const keys of this.epochs()) {
      const mine =
        this.o.previous === null && headers === items.length
          ? out
          : out.filter((p) => p.slot.keys === keys && p.payload !== null);
      if (mine.length === 0) continue;
      const payloads = new Array<Uint8Array>(mine.length);
      const aads = new Array<Uint8Array>(mine.length);
      for (let i = 0; i < mine.length; i++) {
        const p = mine[i] as (typeof mine)[number];
        payloads[i] = p.payload as Uint8Array;
        aads[i] = headerAad(p.slot.headerAddress as Uint8Array);
      }
      const sealed = keys.cell.encryptMany(payloads, aads);
      for (let i = 0; i < mine.length; i++) {
        const p = mine[i] as (typeof mine)[number];
        p.header = sealed[i] as Uint8Array;
        p.writes.push({ address: p.slot.headerAddress as Uint8Array, value: p.header });
      }
    }
    return out;
  }

  /** The write turning a slot's header into a "moved to `epoch`" marker, and deleting its cells. */
  prepareMoved(slot: _Slot, epoch: number): Write[] {
    const writes: Write[] = [];
    if (slot.count > 0)
      for (const address of slot.addresses(1, slot.count)) writes.push({ address, value: null });
    if (slot.headerAddress !== null) {
      const raw = sealCell(
        slot.keys.cell,
        this.#nonces,
        encodeMovedHeader(slot.version + 1, epoch, this.o.cellSize),
        headerAad(slot.headerAddress),
      );
      writes.push({ address: slot.headerAddress, value: raw });
    }
    return writes;
  }

  /**
   * Records a successful prepared write in the slot and the cache. With an `arena` (one per
   * write batch), the cache keeps views of the batch's arrays; without one, copies.
   */
  commit(p: _Prepared, arena: _Arena | null = null): void {
    const slot = p.slot;
    const s = p.state;
    if (p.header === null) {
      slot.exists = true;
      slot.version = s.version;
      slot.count = s.count;
      slot.lastTag = s.lastTag;
      slot.tail = s.tail;
      return;
    }
    const entry: _CacheEntry = {
      header: p.header,
      version: s.version,
      count: s.count,
      lastTag: s.lastTag,
      tail: s.tail,
      moved: null,
      arena,
    };
    if (arena === null) _copyOut(entry);
    slot.applyEntry(entry);
    if (slot.headerAddress !== null) this._remember(slot.hkey, entry);
  }

  /** Loads the current-epoch headers of `slots` that the cache does not hold (one round trip). */
  async loadHeaders(slots: readonly _Slot[]): Promise<void> {
    const unknown = slots.filter((s) => !this._fromCache(s));
    if (unknown.length === 0) return;
    const addrs = unknown.map((s) => s.headerAddress as Uint8Array);
    const got = checkStoreResult(await this.o.store.batchRead(addrs), addrs.length, 'batchRead');
    const withHeader: { slot: _Slot; raw: Uint8Array }[] = [];
    unknown.forEach((slot, i) => {
      const raw = got[i] ?? null;
      if (raw === null) {
        slot.applyHeader(null, null);
        this._observe(slot);
      } else withHeader.push({ slot, raw });
    });
    this._openHeaders(withHeader);
  }

  /** After a refused write: adopts the headers the store returned in place of the stale ones. */
  _adopt(
    slots: readonly _Slot[],
    guards: readonly Guard[],
    current: readonly (Uint8Array | null)[],
  ): void {
    const withHeader: { slot: _Slot; raw: Uint8Array }[] = [];
    for (let i = 0; i < guards.length; i++) {
      const g = guards[i] as Guard;
      const cur = current[i] ?? null;
      const same =
        g.expected === null || cur === null ? g.expected === cur : bytesEqual(g.expected, cur);
      if (same) continue;
      const slot = slots[i] as _Slot;
      if (cur === null) {
        slot.applyHeader(null, null);
        this._observe(slot);
      } else withHeader.push({ slot, raw: cur });
    }
    this._openHeaders(withHeader);
  }

  /** Waits a random time in the contention window (used by compaction between its retries). */
  async backoff(): Promise<void> {
    this.#window = Math.min(
      this.o.backoffCapMs,
      Math.max(2 * this.#window, this.#rtt, this.o.backoffBaseMs),
    );
    await this.sleep(Math.random() * this.#window);
  }

  async sleep(ms: number): Promise<void> {
    if (ms >= 1) await new Promise((resolve) => setTimeout(resolve, ms));
    else {
      // Below the timer resolution: yield to the event loop once (setImmediate where it exists:
      // setTimeout(0) costs a whole millisecond in Node).
      const immediate = (globalThis as { setImmediate?: (fn: () => void) => unknown }).setImmediate;
      await new Promise<void>((resolve) =>
        immediate ? immediate(resolve) : setTimeout(resolve, 0),
      );
    }
  }

  /** Contention window in ms: doubles on each lost race, halves on each clean win. */
  #window = 0;

  /** Exponentially weighted mean of guardedWrite round trips, in ms. */
  #rtt = 0;

  async _timedWrite(
    guards: readonly Guard[],
    writes: readonly Write[],
  ): Promise<(Uint8Array | null)[]> {
    const t0 = performance.now();
    const current = checkStoreResult(
      await this.o.store.guardedWrite(guards, writes),
      guards.length,
      'guardedWrite',
    );
    const dt = performance.now() - t0;
    this.#rtt = this.#rtt === 0 ? dt : this.#rtt * 0.8 + dt * 0.2;
    return current;
  }

  /** Re-reads the headers of `slots` (after a backoff sleep they are likely stale). */
  async refreshHeaders(slots: readonly _Slot[]): Promise<void> {
    const list = slots.filter((s) => s.headerAddress !== null);
    if (list.length === 0) return;
    const got = checkStoreResult(
      await this.o.store.batchRead(list.map((s) => s.headerAddress as Uint8Array)),
      list.length,
      'batchRead',
    );
    this._adopt(
      list,
      list.map((s) => ({ address: s.headerAddress as Uint8Array, expected: s.header })),
      got,
    );
  }

  /**
   * Appends entries to many domain keywords in one atomic guarded write (plus registry entries
   * for keywords it creates), retrying lost races with backoff. Shared (header) mode.
   */
  async append(ops: readonly _Op[]): Promise<void> {
    if (this.o.forward !== null) return this._appendForward(ops);
    const keys = this.o.current;
    const slots = this._slots(
      keys,
      ops.map((op) => op.dk),
      ops.map((op) => op.name),
    );
    const registry = this.o.registry ? this._slot(keys, REGISTRY_KEYWORD) : null;
    const all = registry === null ? slots : [...slots, registry];
    await this.loadHeaders(all);
    for (let attempt = 0; ; attempt++) {
      if (this.#window > 0) {
        // Contention: every attempt of this client, first ones included, waits a random time
        // in the shared window. Winners wait like losers, so no writer captures a hot keyword
        // (a winner with a fresh cache rushing on would beat every sleeper, every time); after
        // the pause the headers are re-read, since others probably moved them meanwhile.
        await this.sleep(Math.random() * this.#window);
        await this.refreshHeaders(all);
      }
      const items = new Array<{ slot: _Slot; run: Uint8Array }>(ops.length);
      let created: _EntryRun | null = null;
      for (let i = 0; i < ops.length; i++) {
        const slot = slots[i] as _Slot;
        if (slot.moved !== null) throw new KeyEpochMissing(slot.moved);
        if (!slot.exists) (created ??= new _EntryRun()).push(KIND_INSERT, slot.dk);
        items[i] = { slot, run: (ops[i] as _Op).run };
      }
      if (registry !== null && created !== null) {
        if (registry.moved !== null) throw new KeyEpochMissing(registry.moved);
        items.push({ slot: registry, run: created.bytes() });
      }
      const prepared = this.prepareMany(items);
      const guards = new Array<Guard>(prepared.length);
      const writes: Write[] = [];
      for (let i = 0; i < prepared.length; i++) {
        const p = prepared[i] as _Prepared;
        guards[i] = { address: p.slot.headerAddress as Uint8Array, expected: p.slot.header };
        for (const w of p.writes) writes.push(w);
      }
      const current = await this._timedWrite(guards, writes);
      if (guardsHeld(guards, current)) {
        const arena: _Arena = { live: 0, entries: [] };
        for (const p of prepared) this.commit(p, arena);
        // A clean win shrinks the window; below a quarter round trip it closes.
        if (attempt === 0) this.#window = this.#window / 2 < this.#rtt / 4 ? 0 : this.#window / 2;
        return;
      }
      this._adopt(
        prepared.map((p) => p.slot),
        guards,
        current,
      );
      this.#window = Math.min(
        this.o.backoffCapMs,
        Math.max(2 * this.#window, this.#rtt, this.o.backoffBaseMs),
      );
      if (attempt + 1 >= this.o.maxAttempts) {
        throw new WriteConflict(
          `a write lost ${this.o.maxAttempts} compare-and-swap races in a row; nothing was written`,
        );
      }
    }
  }

  /** Forward-private append: fresh cells only, guarded as absent, no header, no retry. */
  async _appendForward(ops: readonly _Op[]): Promise<void> {
    const fwd = this.o.forward as ForwardState;
    const prepared = ops.map((op) => this.prepare(this._slot(this.o.current, op.dk), op.run));
    const writes = prepared.flatMap((p) => p.writes);
    const guards: Guard[] = writes.map((w) => ({ address: w.address, expected: null }));
    const current = checkStoreResult(
      await this.o.store.guardedWrite(guards, writes),
      guards.length,
      'guardedWrite',
    );
    if (!guardsHeld(guards, current)) {
      throw new WriteConflict(
        'forward-private cells were already taken: another client shares this forward state',
      );
    }
    for (const p of prepared) {
      fwd._set({
        epoch: p.slot.keys.epoch,
        dk: p.slot.dk,
        tag: p.slot.tag,
        count: p.state.count,
        lastTag: p.state.lastTag,
      });
    }
  }
}

/**
 * `bytes` if it spans its whole buffer, else a copy: what the cache keeps must not pin a larger
 * array (stores may return views of one array per call).
 */
function _own(bytes: Uint8Array): Uint8Array {
  return bytes.byteOffset === 0 && bytes.buffer.byteLength === bytes.length ? bytes : bytes.slice();
}

/** Gives a cache entry arrays of its own: header, last tag and tail copied into one array. */
function _copyOut(entry: _CacheEntry): void {
  _copyInto([entry], null);
}

/** Copies the live entries of a mostly dead batch into one new array (see `_Arena`). */
function _rehome(arena: _Arena): void {
  const live = arena.entries.filter((e) => e.arena === arena);
  _copyInto(live, { live: live.length, entries: live });
}

function _copyInto(entries: readonly _CacheEntry[], arena: _Arena | null): void {
  let total = 0;
  for (const e of entries) total += e.header.length + GCM_TAG_LENGTH + e.tail.length;
  const buf = new Uint8Array(total);
  let o = 0;
  for (const e of entries) {
    const n = e.header.length;
    const t = e.tail.length;
    buf.set(e.header, o);
    buf.set(e.lastTag, o + n);
    buf.set(e.tail, o + n + GCM_TAG_LENGTH);
    e.header = buf.subarray(o, o + n);
    e.lastTag = buf.subarray(o + n, o + n + GCM_TAG_LENGTH);
    e.tail = buf.subarray(o + n + GCM_TAG_LENGTH, o + n + GCM_TAG_LENGTH + t);
    e.arena = arena;
    o += n + GCM_TAG_LENGTH + t;
  }
}
