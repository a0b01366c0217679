/**
 * The in-memory store: a `Map` in this process. For tests, caches, single-process apps and
 * browsers (no `node:` import). Each call does all its work synchronously before its promise
 * settles, so every `guardedWrite` is atomic with respect to every other call.
 *
 * Cells are kept in slots of large arrays (one pool per cell length, with a free list), not in
 * one array each: a write copies the cell into a slot, in place when the address already held
 * a cell of that length. The store never hands out a view of its slots (reads return copies),
 * so slots are reused safely, and millions of small long-lived arrays, which cost the garbage
 * collector dearly, are avoided. Memory is the peak number of cells held (pools do not shrink).
 */
import { bytesEqual, bytesKey, keyBytes } from './_assert.ts';
import {
  checkAddresses,
  checkGuardedWrite,
  type FindexStore,
  type Guard,
  type StoreStats,
  type Write,
} from './store.ts';

/** Bytes per pool array. */
const CHUNK_BYTES = 64 * 1024;
/** A cell's id is `slot · POOL_SPAN + pool`: at most 65,536 distinct cell lengths exist. */
const POOL_SPAN = 65_536;

/** Cells of one length, in fixed-size slots of `CHUNK_BYTES` arrays. */
class _Pool {
  readonly length: number;
  readonly #perChunk: number;
  readonly #chunks: Uint8Array[] = [];
  readonly #free: number[] = [];
  #next = 0;

  constructor(length: number) {
    this.length = length;
    this.#perChunk = Math.max(1, Math.floor(CHUNK_BYTES / length));
  }

  alloc(): number {
    const slot = this.#free.pop();
    if (slot !== undefined) return slot;
    const s = this.#next++;
    if (s % this.#perChunk === 0) this.#chunks.push(new Uint8Array(this.#perChunk * this.length));
    return s;
  }

  release(slot: number): void {
    this.#free.push(slot);
  }

  /** A view of a slot: only for use inside the store, never handed out. */
  view(slot: number): Uint8Array {
    const chunk = this.#chunks[Math.floor(slot / this.#perChunk)] as Uint8Array;
    const at = (slot % this.#perChunk) * this.length;
    return chunk.subarray(at, at + this.length);
  }

  copy(slot: number): Uint8Array {
    const chunk = this.#chunks[Math.floor(slot / this.#perChunk)] as Uint8Array;
    const at = (slot % this.#perChunk) * this.length;
    return chunk.slice(at, at + this.length);
  }

  write(slot: number, cell: Uint8Array): void {
    const chunk = this.#chunks[Math.floor(slot / this.#perChunk)] as Uint8Array;
    chunk.set(cell, (slot % this.#perChunk) * this.length);
  }
}

export class InMemoryStore implements FindexStore {
  /** Address (`bytesKey`) → cell id. */
  readonly #cells = new Map<string, number>();
  readonly #pools: _Pool[] = [];
  readonly #poolOf = new Map<number, number>();

  /** Returns copies (views of one new array), so callers cannot alter what the store holds. */
  batchRead(addresses: readonly Uint8Array[]): Promise<(Uint8Array | null)[]> {
    try {
      const list = checkAddresses(addresses);
      const ids = new Array<number>(list.length);
      for (let i = 0; i < list.length; i++)
        ids[i] = this.#cells.get(bytesKey(list[i] as Uint8Array)) ?? -1;
      return Promise.resolve(this._copies(ids));
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }

  guardedWrite(guards: readonly Guard[], writes: readonly Write[]): Promise<(Uint8Array | null)[]> {
    try {
      const args = checkGuardedWrite(guards, writes);
      const n = args.guards.length;
      const ids = new Array<number>(n);
      let held = true;
      for (let i = 0; i < n; i++) {
        const id = this.#cells.get(args.guardKeys[i] as string) ?? -1;
        ids[i] = id;
        if (held) held = this._same(id, (args.guards[i] as Guard).expected);
      }
      // What the guards held, copied before anything is overwritten.
      const current = this._copies(ids);
      if (held) {
        for (let j = 0; j < args.writes.length; j++) {
          const k = args.writeKeys[j] as string;
          const g = args.writeGuard[j] as number;
          const id = g >= 0 ? (ids[g] as number) : (this.#cells.get(k) ?? -1);
          this._put(k, id, (args.writes[j] as Write).value);
        }
      }
      return Promise.resolve(current);
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }

  /** Cells held and their payload bytes (address + cell). */
  stats(): Promise<StoreStats> {
    let bytes = 0;
    for (const [k, id] of this.#cells) bytes += k.length + this._pool(id).length;
    return Promise.resolve({ cells: this.#cells.size, bytes });
  }

  /** Everything stored, as [address, cell] copies: for tests that play the malicious store. */
  dump(): [Uint8Array, Uint8Array][] {
    const out: [Uint8Array, Uint8Array][] = [];
    for (const [k, id] of this.#cells) out.push([keyBytes(k), this._copy(id)]);
    return out;
  }

  /**
   * Overwrites (or with null deletes) a cell with no check at all: the hook tests use to act as
   * a store that swaps, truncates or rolls back cells.
   */
  tamper(address: Uint8Array, cell: Uint8Array | null): void {
    const k = bytesKey(address);
    this._put(k, this.#cells.get(k) ?? -1, cell);
  }

  _pool(id: number): _Pool {
    return this.#pools[id % POOL_SPAN] as _Pool;
  }

  _copy(id: number): Uint8Array {
    return this._pool(id).copy(Math.floor(id / POOL_SPAN));
  }

  /**
   * Copies of cells `ids` (-1: null), all in one new array: one allocation per call rather than
   * one per cell. The views belong to the caller (the array is referenced by nothing else).
   */
  _copies(ids: readonly number[]): (Uint8Array | null)[] {
    let total = 0;
    for (const id of ids) if (id >= 0) total += this._pool(id).length;
    const slab = new Uint8Array(total);
    const out = new Array<Uint8Array | null>(ids.length);
    let o = 0;
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i] as number;
      if (id < 0) {
        out[i] = null;
        continue;
      }
      const pool = this._pool(id);
      const n = pool.length;
      const cell = new Uint8Array(slab.buffer, o, n);
      cell.set(pool.view(Math.floor(id / POOL_SPAN)));
      out[i] = cell;
      o += n;
    }
    return out;
  }

  _same(id: number, expected: Uint8Array | null): boolean {
    if (id < 0 || expected === null) return id < 0 && expected === null;
    const pool = this._pool(id);
    return (
      pool.length === expected.length && bytesEqual(pool.view(Math.floor(id / POOL_SPAN)), expected)
    );
  }

  /** Stores `cell` at key `k` (currently holding cell `id`, or -1), or deletes it when null. */
  _put(k: string, id: number, cell: Uint8Array | null): void {
    if (id >= 0) {
      const pool = this._pool(id);
      const slot = Math.floor(id / POOL_SPAN);
      if (cell !== null && cell.length === pool.length) {
        pool.write(slot, cell);
        return;
      }
      pool.release(slot);
      if (cell === null) {
        this.#cells.delete(k);
        return;
      }
    }
    if (cell === null) return;
    let p = this.#poolOf.get(cell.length);
    if (p === undefined) {
      p = this.#pools.length;
      this.#pools.push(new _Pool(cell.length));
      this.#poolOf.set(cell.length, p);
    }
    const pool = this.#pools[p] as _Pool;
    const slot = pool.alloc();
    pool.write(slot, cell);
    this.#cells.set(k, slot * POOL_SPAN + p);
  }
}
