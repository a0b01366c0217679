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
  readonly tail: readonly Entry[];
}

export type DecodedHeader =
  | { readonly type: 'live'; readonly state: HeaderState }
  | { readonly type: 'moved'; readonly version: number; readonly epoch: number };

export const ZERO_TAG = new Uint8Array(GCM_TAG_LENGTH);
const TYPE_LIVE = 1;
const TYPE_MOVED = 2;

export function entrySize(e: Entry): number {
  return (e.value.length < 63 ? 1 : 2) + e.value.length;
}

/** Largest value an entry may carry in cells of payload `cellSize`. */
export function maxValueLength(cellSize: number): number {
  return Math.min(MAX_ENTRY_VALUE, cellSize - 2);
}

function _writeEntries(out: Uint8Array, offset: number, entries: readonly Entry[]): void {
  let o = offset;
  for (const e of entries) {
    const n = e.value.length;
    if (n < 63) out[o++] = (e.kind << 6) | n;
    else {
      out[o++] = (e.kind << 6) | 63;
      out[o++] = n;
    }
    out.set(e.value, o);
    o += n;
  }
}

/** Decodes the entries of `bytes[start..end)`; anything malformed is tampering (we wrote it). */
export function readEntries(bytes: Uint8Array, start: number, end: number, out: Entry[]): void {
  let o = start;
  while (o < end) {
    const b = bytes[o] as number;
    if (b === 0) {
      for (let i = o + 1; i < end; i++)
        if (bytes[i] !== 0) throw new TamperDetected('malformed cell padding');
      return;
    }
    const kind = b >> 6;
    let n = b & 63;
    o++;
    if (n === 63) {
      if (o >= end) throw new TamperDetected('malformed cell entry');
      n = bytes[o++] as number;
      if (n < 63) throw new TamperDetected('malformed cell entry');
    }
    if (o + n > end) throw new TamperDetected('malformed cell entry');
    out.push({ kind, value: bytes.slice(o, o + n) });
    o += n;
  }
}

/**
 * Splits `entries` (oldest first) into full chain cells and a tail. With a tail capacity, cells
 * are cut while what remains does not fit in the tail; without one (forward-private chains)
 * every entry goes into cells, the last one possibly partly filled.
 */
export function packEntries(
  entries: readonly Entry[],
  cellSize: number,
  tailCapacity: number | null,
): { cells: Entry[][]; tail: Entry[] } {
  let remaining = 0;
  for (const e of entries) remaining += entrySize(e);
  const cells: Entry[][] = [];
  let i = 0;
  while (i < entries.length && (tailCapacity === null || remaining > tailCapacity)) {
    const cell: Entry[] = [];
    let used = 0;
    while (i < entries.length) {
      const s = entrySize(entries[i] as Entry);
      if (used + s > cellSize) break;
      cell.push(entries[i] as Entry);
      used += s;
      i++;
    }
    remaining -= used;
    cells.push(cell);
  }
  return { cells, tail: entries.slice(i) };
}

export function encodeChainPayload(entries: readonly Entry[], cellSize: number): Uint8Array {
  const out = new Uint8Array(cellSize);
  _writeEntries(out, 0, entries);
  return out;
}

export function encodeHeader(state: HeaderState, cellSize: number): Uint8Array {
  const out = new Uint8Array(cellSize);
  out[0] = TYPE_LIVE;
  _u32(out, 1, state.version);
  _u32(out, 5, state.count);
  out.set(state.lastTag, 9);
  _writeEntries(out, HEADER_FIXED, state.tail);
  return out;
}

/** Big-endian u32 (no DataView: one is a heap object per call on this hot path). */
function _u32(out: Uint8Array, at: number, n: number): void {
  out[at] = n >>> 24;
  out[at + 1] = (n >>> 16) & 0xff;
  out[at + 2] = (n >>> 8) & 0xff;
  out[at + 3] = n & 0xff;
}

export function encodeMovedHeader(version: number, epoch: number, cellSize: number): Uint8Array {
  const out = new Uint8Array(cellSize);
  const v = new DataView(out.buffer);
  out[0] = TYPE_MOVED;
  v.setUint32(1, version);
  v.setUint32(5, epoch);
  return out;
}

export function decodeHeader(payload: Uint8Array): DecodedHeader {
  const v = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  const type = payload[0];
  const version = v.getUint32(1);
  if (type === TYPE_MOVED) {
    for (let i = 9; i < payload.length; i++)
      if (payload[i] !== 0) throw new TamperDetected('malformed header');
    return { type: 'moved', version, epoch: v.getUint32(5) };
  }
  if (type !== TYPE_LIVE) throw new TamperDetected('malformed header');
  const tail: Entry[] = [];
  readEntries(payload, HEADER_FIXED, payload.length, tail);
  return {
    type: 'live',
    state: { version, count: v.getUint32(5), lastTag: payload.slice(9, 25), tail },
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

/** Seals one payload into a stored cell `nonce ‖ ciphertext ‖ tag`. */
export function sealCell(
  aead: AeadCipher,
  nonces: _Nonces,
  payload: Uint8Array,
  aad: Uint8Array,
): Uint8Array {
  const nonce = nonces.next();
  const ct = aead.seal(nonce, payload, aad);
  const out = new Uint8Array(NONCE_LENGTH + ct.length);
  out.set(nonce, 0);
  out.set(ct, NONCE_LENGTH);
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
