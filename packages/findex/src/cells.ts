/**
 * Wire format of cells and of the entries they carry (see docs/findex.md, "Cells").
 *
 * Every cell the store holds is `nonce (12) ‖ AES-256-GCM ciphertext (P) ‖ GCM tag (16)`, with
 * the same payload length P (`cellSize`) for headers and chain cells, so the store cannot tell
 * them apart by size.
 *
 * Entries: one byte `kind << 6 | l`, then the value. `l` in 1..62 is the value length; `l` = 63
 * means the next byte holds the length (63..255). A zero byte ends the cell (zero padding).
 * Kinds: 0 insert value, 1 delete value, 2 insert link (synonym), 3 delete link. Entries never
 * straddle two cells, so each cell decodes on its own (which lets search read chains backwards).
 *
 * Header payload: `type (1) ‖ version (u32) ‖ count (u32) ‖ lastTag (16) ‖ tail entries`.
 * type 1 = live; type 2 = moved to another key epoch (then `count` holds that epoch, the rest
 * is zero). `count` is the number of chain cells; `lastTag` is the GCM tag of the last one.
 *
 * Associated data binds each cell to its place: a header to `'H' ‖ address`, chain cell i to
 * `'C' ‖ address ‖ GCM tag of cell i−1` (16 zero bytes for cell 1). Since the header
 * authenticates the tag of the last cell, and each cell the tag of the one before, a header
 * authenticates its whole chain: a moved, replaced, dropped or replayed cell fails to open.
 */
import type { AeadCipher } from './_crypto.ts';
import { crypto } from './_crypto.ts';
import { TamperDetected } from './errors.ts';

export const NONCE_LENGTH = 12;
export const GCM_TAG_LENGTH = 16;
export const CELL_OVERHEAD = NONCE_LENGTH + GCM_TAG_LENGTH;
export const HEADER_FIXED = 25;
export const MIN_CELL_SIZE = 64;
export const MAX_CELL_SIZE = 4096;
export const MAX_ENTRY_VALUE = 255;

export const KIND_INSERT = 0;
export const KIND_DELETE = 1;
export const KIND_LINK = 2;
export const KIND_UNLINK = 3;

export interface Entry {
  readonly kind: number;
  readonly value: Uint8Array;
}

export interface HeaderState {
  readonly version: number;
  readonly count: number;
  readonly lastTag: Uint8Array;
  /** The tail: encoded entries, back to back, without the padding. */
  readonly tail: Uint8Array;
}

export type DecodedHeader =
  | { readonly type: 'live'; readonly state: HeaderState }
  | { readonly type: 'moved'; readonly version: number; readonly epoch: number };

export const ZERO_TAG = new Uint8Array(GCM_TAG_LENGTH);
const TYPE_LIVE = 1;
const TYPE_MOVED = 2;
const EMPTY: Uint8Array = new Uint8Array(0);

export function entrySize(e: Entry): number {
  return (e.value.length < 63 ? 1 : 2) + e.value.length;
}

/** Largest value an entry may carry in cells of payload `cellSize`. */
export function maxValueLength(cellSize: number): number {
  return Math.min(MAX_ENTRY_VALUE, cellSize - 2);
}

/** Writes one encoded entry at `out[o..]`; returns the offset after it. */
export function writeEntry(out: Uint8Array, o: number, kind: number, value: Uint8Array): number {
  const n = value.length;
  if (n < 63) out[o++] = (kind << 6) | n;
  else {
    out[o++] = (kind << 6) | 63;
    out[o++] = n;
  }
  out.set(value, o);
  return o + n;
}

/**
 * Entries encoded back to back (a *run*), the form in which writes carry them: packing a run
 * into cells is then a walk over its bytes and a copy, with no object per entry.
 */
export function encodeEntries(entries: readonly Entry[]): Uint8Array {
  let size = 0;
  for (const e of entries) size += entrySize(e);
  const out = new Uint8Array(size);
  let o = 0;
  for (const e of entries) o = writeEntry(out, o, e.kind, e.value);
  return out;
}

/**
 * A growable run of encoded entries: what a write batch accumulates per domain keyword. Values
 * are copied in as they are pushed (the caller may reuse its arrays afterwards). @internal
 */
export class _EntryRun {
  #buf: Uint8Array;
  #len = 0;

  constructor(capacity = 48) {
    this.#buf = new Uint8Array(capacity);
  }

  get length(): number {
    return this.#len;
  }

  push(kind: number, value: Uint8Array): void {
    const need = this.#len + 2 + value.length;
    if (need > this.#buf.length) {
      const grown = new Uint8Array(Math.max(need, 2 * this.#buf.length));
      grown.set(this.#buf.subarray(0, this.#len));
      this.#buf = grown;
    }
    this.#len = writeEntry(this.#buf, this.#len, kind, value);
  }

  /** The encoded entries (the buffer itself when full, else a copy). */
  bytes(): Uint8Array {
    // A copy, not a subarray: a view of a small array forces V8 to move the array's bytes
    // off the heap into an ArrayBuffer of their own, which costs more than copying them.
    return this.#len === this.#buf.length ? this.#buf : this.#buf.slice(0, this.#len);
  }
}

/** Size of the encoded entry at `run[at]`. */
function _sizeAt(run: Uint8Array, at: number): number {
  const l = (run[at] as number) & 63;
  return l === 63 ? 2 + (run[at + 1] as number) : 1 + l;
}

/**
 * Checks the encoded entries of `bytes[start..end)` and returns where they stop: at the first
 * zero byte (the padding, which must then be all zero) or at `end`. Anything malformed is
 * tampering (only this key could have sealed the cell).
 */
export function entriesEnd(bytes: Uint8Array, start: number, end: number): number {
  let o = start;
  while (o < end) {
    const b = bytes[o] as number;
    if (b === 0) {
      for (let i = o + 1; i < end; i++)
        if (bytes[i] !== 0) throw new TamperDetected('malformed cell padding');
      return o;
    }
    let n = b & 63;
    o++;
    if (n === 63) {
      if (o >= end) throw new TamperDetected('malformed cell entry');
      n = bytes[o++] as number;
      if (n < 63) throw new TamperDetected('malformed cell entry');
    }
    if (o + n > end) throw new TamperDetected('malformed cell entry');
    o += n;
  }
  return end;
}

/**
 * Decodes the entries of `bytes[start..end)` into `out`, values copied; anything malformed is
 * tampering (we wrote it).
 */
export function readEntries(bytes: Uint8Array, start: number, end: number, out: Entry[]): void {
  const stop = entriesEnd(bytes, start, end);
  let o = start;
  while (o < stop) {
    const b = bytes[o] as number;
    let n = b & 63;
    o++;
    if (n === 63) n = bytes[o++] as number;
    out.push({ kind: b >> 6, value: bytes.slice(o, o + n) });
    o += n;
  }
}

/**
 * Splits a run (oldest entries first) into full chain cells and a tail, and returns the end
 * offset of each cell (the tail starts where the last cell ends, or at 0). With a tail
 * capacity, cells are cut while what remains does not fit in the tail; without one
 * (forward-private chains) every entry goes into cells, the last one possibly partly filled.
 * Entries never straddle cells.
 */
export function packRun(run: Uint8Array, cellSize: number, tailCapacity: number | null): number[] {
  const ends: number[] = [];
  const total = run.length;
  let pos = 0;
  while (pos < total && (tailCapacity === null || total - pos > tailCapacity)) {
    const start = pos;
    while (pos < total) {
      const s = _sizeAt(run, pos);
      if (pos + s - start > cellSize) break;
      pos += s;
    }
    if (pos === start) throw new RangeError('an entry does not fit in a cell');
    ends.push(pos);
  }
  return ends;
}

/**
 * A chain cell payload: `run[start..end)`, zero padded to `cellSize`, written into `out` when
 * given (a scratch array reused from cell to cell).
 */
export function chainPayload(
  run: Uint8Array,
  start: number,
  end: number,
  cellSize: number,
  out: Uint8Array = new Uint8Array(cellSize),
): Uint8Array {
  out.set(run.subarray(start, end));
  out.fill(0, end - start);
  return out;
}

export function encodeChainPayload(entries: readonly Entry[], cellSize: number): Uint8Array {
  const run = encodeEntries(entries);
  return chainPayload(run, 0, run.length, cellSize);
}

/**
 * Writes a live header payload into `out` (`cellSize` bytes, all zero). The tail may be given
 * in two parts (`tail` then `more`), so that a write appends new entries to a cached tail
 * without first joining them.
 */
export function writeHeaderPayload(
  out: Uint8Array,
  version: number,
  count: number,
  lastTag: Uint8Array,
  tail: Uint8Array,
  more: Uint8Array = EMPTY,
): Uint8Array {
  out[0] = TYPE_LIVE;
  _u32(out, 1, version);
  _u32(out, 5, count);
  out.set(lastTag, 9);
  out.set(tail, HEADER_FIXED);
  if (more.length > 0) out.set(more, HEADER_FIXED + tail.length);
  return out;
}

export function encodeHeader(state: HeaderState, cellSize: number): Uint8Array {
  return writeHeaderPayload(
    new Uint8Array(cellSize),
    state.version,
    state.count,
    state.lastTag,
    state.tail,
  );
}

/** Big-endian u32 (no DataView: one is a heap object per call on this hot path). */
function _u32(out: Uint8Array, at: number, n: number): void {
  out[at] = n >>> 24;
  out[at + 1] = (n >>> 16) & 0xff;
  out[at + 2] = (n >>> 8) & 0xff;
  out[at + 3] = n & 0xff;
}

function _getU32(b: Uint8Array, at: number): number {
  return (
    (((b[at] as number) << 24) |
      ((b[at + 1] as number) << 16) |
      ((b[at + 2] as number) << 8) |
      (b[at + 3] as number)) >>>
    0
  );
}

export function encodeMovedHeader(version: number, epoch: number, cellSize: number): Uint8Array {
  const out = new Uint8Array(cellSize);
  out[0] = TYPE_MOVED;
  _u32(out, 1, version);
  _u32(out, 5, epoch);
  return out;
}

/** Decodes a header payload; the tail is a view of `payload`. */
export function decodeHeader(payload: Uint8Array): DecodedHeader {
  const type = payload[0];
  const version = _getU32(payload, 1);
  if (type === TYPE_MOVED) {
    for (let i = 9; i < payload.length; i++)
      if (payload[i] !== 0) throw new TamperDetected('malformed header');
    return { type: 'moved', version, epoch: _getU32(payload, 5) };
  }
  if (type !== TYPE_LIVE || payload.length < HEADER_FIXED)
    throw new TamperDetected('malformed header');
  const end = entriesEnd(payload, HEADER_FIXED, payload.length);
  return {
    type: 'live',
    state: {
      version,
      count: _getU32(payload, 5),
      lastTag: payload.subarray(9, 25),
      tail: payload.subarray(HEADER_FIXED, end),
    },
  };
}

/** The GCM tag of a stored cell: its last 16 bytes (readable without the key). */
export function cellTag(cell: Uint8Array): Uint8Array {
  return cell.subarray(cell.length - GCM_TAG_LENGTH);
}

export function headerAad(address: Uint8Array): Uint8Array {
  const aad = new Uint8Array(1 + address.length);
  aad[0] = 0x48;
  aad.set(address, 1);
  return aad;
}

export function chainAad(address: Uint8Array, prevTag: Uint8Array): Uint8Array {
  const aad = new Uint8Array(1 + address.length + GCM_TAG_LENGTH);
  aad[0] = 0x43;
  aad.set(address, 1);
  aad.set(prevTag, 1 + address.length);
  return aad;
}

/** Hands out fresh random GCM nonces, drawn from the CSPRNG 1,024 at a time. @internal */
export class _Nonces {
  #pool: Uint8Array = new Uint8Array(0);
  #offset = 0;

  next(): Uint8Array {
    if (this.#offset + NONCE_LENGTH > this.#pool.length) {
      this.#pool = crypto.random.bytes(NONCE_LENGTH * 1024);
      this.#offset = 0;
    }
    const n = this.#pool.subarray(this.#offset, this.#offset + NONCE_LENGTH);
    this.#offset += NONCE_LENGTH;
    return n;
  }
}

/**
 * Seals one payload into a stored cell `nonce ‖ ciphertext ‖ tag`. (Detached: the runtime's
 * ciphertext is copied once, into the cell, instead of twice; the payload is not retained, so
 * callers may reuse its array.)
 */
export function sealCell(
  aead: AeadCipher,
  nonces: _Nonces,
  payload: Uint8Array,
  aad: Uint8Array,
): Uint8Array {
  const nonce = nonces.next();
  const { ciphertext, tag } = aead.sealDetached(nonce, payload, aad);
  const out = new Uint8Array(NONCE_LENGTH + ciphertext.length + tag.length);
  out.set(nonce, 0);
  out.set(ciphertext, NONCE_LENGTH);
  out.set(tag, NONCE_LENGTH + ciphertext.length);
  return out;
}

/**
 * Opens stored cells in one batched call. Any length mismatch or authentication failure is
 * reported as tampering (the store returned something this key never sealed there).
 */
export function openCells(
  aead: AeadCipher,
  cells: readonly Uint8Array[],
  aads: readonly Uint8Array[],
  cellSize: number,
): Uint8Array[] {
  for (const c of cells) {
    if (c.length !== cellSize + CELL_OVERHEAD)
      throw new TamperDetected('a cell has the wrong length');
  }
  try {
    return aead.decryptMany(cells, aads);
  } catch {
    throw new TamperDetected('a cell failed authentication (altered, moved, replaced or replayed)');
  }
}
