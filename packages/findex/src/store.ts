/**
 * The storage contract: the only thing Findex asks of a database. A store is a dumb map from
 * opaque addresses to opaque cells offering two operations, each one round trip:
 *
 * - `batchRead(addresses)`: the cells at many addresses at once, from one consistent state;
 * - `guardedWrite(guards, writes)`: an atomic multi-address compare-and-swap. If every guard
 *   address holds exactly its expected cell (or nothing, when `expected` is null), every write is
 *   applied (a null value deletes); otherwise nothing is. The values found at the guard addresses
 *   are returned either way, so a loser learns the winner's state without another read.
 *
 * Both operations are linearizable with respect to each other. Addresses and cells are byte
 * strings the store never interprets (Findex stores 16-byte pseudo-random addresses and
 * fixed-length ciphertexts); a cell is never empty, which lets backends use an empty string as
 * "absent" internally.
 *
 * Every backend runs the exported conformance suite (`@custos/findex/conformance`).
 */
import { aarray, abytesAt, bytesEqual, bytesKey, isBytes } from './_assert.ts';
import { StoreError } from './errors.ts';

/** Longest address a store must accept (Findex itself uses 16 bytes). */
export const MAX_ADDRESS_LENGTH = 64;
/** Longest cell a store must accept. */
export const MAX_CELL_LENGTH = 65_536;

/** A compare-and-swap condition: `address` must hold `expected` (null: must hold nothing). */
export interface Guard {
  readonly address: Uint8Array;
  readonly expected: Uint8Array | null;
}

/** A write: store `value` at `address` (null: delete it). */
export interface Write {
  readonly address: Uint8Array;
  readonly value: Uint8Array | null;
}

export interface FindexStore {
  /**
   * Returns the cell at each address (null where none), in the order asked, from one consistent
   * state of the store. Duplicates are allowed. The returned arrays belong to the caller.
   */
  batchRead(addresses: readonly Uint8Array[]): Promise<(Uint8Array | null)[]>;
  /**
   * Atomically checks every guard and, only if all hold, applies every write. Returns the values
   * found at the guard addresses (in guard order) before the writes: they equal the expected
   * values exactly when the writes were applied. With no guard the writes always apply.
   * Guard addresses must be distinct, and so must write addresses (RangeError otherwise).
   */
  guardedWrite(guards: readonly Guard[], writes: readonly Write[]): Promise<(Uint8Array | null)[]>;
}

/** What a store may add for tooling (benchmarks, tests); Findex never calls it. */
export interface StoreStats {
  /** Number of addresses holding a cell. */
  readonly cells: number;
  /** Sum of address and cell lengths: the payload, without the backend's own overhead. */
  readonly bytes: number;
}

/** True when `current` (as returned by `guardedWrite`) shows that the guards held. */
export function guardsHeld(
  guards: readonly Guard[],
  current: readonly (Uint8Array | null)[],
): boolean {
  if (current.length !== guards.length) return false;
  for (let i = 0; i < guards.length; i++) {
    const e = (guards[i] as Guard).expected;
    const c = current[i] ?? null;
    if (e === null || c === null) {
      if (e !== c) return false;
    } else if (!bytesEqual(e, c)) return false;
  }
  return true;
}

/** Validates `batchRead` arguments (for store implementations). */
export function checkAddresses(addresses: unknown): readonly Uint8Array[] {
  const list = aarray(addresses, 'addresses');
  for (let i = 0; i < list.length; i++)
    abytesAt(list[i], 'addresses', i, '', 1, MAX_ADDRESS_LENGTH);
  return list as readonly Uint8Array[];
}

/**
 * Validates `guardedWrite` arguments (for store implementations): shapes, lengths, distinctness.
 * Also returns each address as a `bytesKey` string, for stores keyed by strings, and for each
 * write the index of the guard on the same address (-1 if none).
 */
export function checkGuardedWrite(
  guards: unknown,
  writes: unknown,
): {
  guards: readonly Guard[];
  writes: readonly Write[];
  guardKeys: string[];
  writeKeys: string[];
  writeGuard: number[];
} {
  const g = aarray(guards, 'guards');
  const w = aarray(writes, 'writes');
  const seenGuards = new Map<string, number>();
  const guardKeys: string[] = new Array<string>(g.length);
  const writeKeys: string[] = new Array<string>(w.length);
  const writeGuard: number[] = new Array<number>(w.length);
  for (let i = 0; i < g.length; i++) {
    const item = g[i] as Partial<Guard> | null;
    if (typeof item !== 'object' || item === null)
      throw new TypeError(`guards[${i}] must be an object`);
    const a = abytesAt(item.address, 'guards', i, '.address', 1, MAX_ADDRESS_LENGTH);
    if (item.expected !== null)
      abytesAt(item.expected, 'guards', i, '.expected', 1, MAX_CELL_LENGTH);
    const k = bytesKey(a);
    // One hash lookup, not two: a repeated key leaves the size unchanged.
    const size = seenGuards.size;
    seenGuards.set(k, i);
    if (seenGuards.size === size) throw new RangeError('guard addresses must be distinct');
    guardKeys[i] = k;
  }
  const seenWrites = new Set<string>();
  for (let i = 0; i < w.length; i++) {
    const item = w[i] as Partial<Write> | null;
    if (typeof item !== 'object' || item === null)
      throw new TypeError(`writes[${i}] must be an object`);
    const a = abytesAt(item.address, 'writes', i, '.address', 1, MAX_ADDRESS_LENGTH);
    if (item.value !== null) abytesAt(item.value, 'writes', i, '.value', 1, MAX_CELL_LENGTH);
    const k = bytesKey(a);
    const size = seenWrites.size;
    seenWrites.add(k);
    if (seenWrites.size === size) throw new RangeError('write addresses must be distinct');
    writeKeys[i] = k;
    writeGuard[i] = seenGuards.get(k) ?? -1;
  }
  return {
    guards: g as readonly Guard[],
    writes: w as readonly Write[],
    guardKeys,
    writeKeys,
    writeGuard,
  };
}

/** Checks what a store returned from `batchRead`/`guardedWrite` (Findex trusts no store). @throws StoreError */
export function checkStoreResult(
  result: unknown,
  length: number,
  operation: string,
): (Uint8Array | null)[] {
  if (!Array.isArray(result) || result.length !== length) {
    throw new StoreError(
      `${operation} returned ${Array.isArray(result) ? result.length : typeof result} results for ${length} addresses`,
    );
  }
  for (const item of result as unknown[]) {
    if (item !== null && !isBytes(item))
      throw new StoreError(`${operation} returned a non-bytes cell`);
  }
  return result as (Uint8Array | null)[];
}
