/**
 * The in-memory store: a `Map` in this process. For tests, caches, single-process apps and
 * browsers (no `node:` import). Each call does all its work synchronously before its promise
 * settles, so every `guardedWrite` is atomic with respect to every other call.
 */
import { bytesKey, keyBytes } from './_assert.ts';
import {
  checkAddresses,
  checkGuardedWrite,
  type FindexStore,
  type Guard,
  type StoreStats,
  type Write,
} from './store.ts';

export class InMemoryStore implements FindexStore {
  readonly #cells = new Map<string, Uint8Array>();

  /** Returns copies, so callers cannot alter what the store holds. */
  batchRead(addresses: readonly Uint8Array[]): Promise<(Uint8Array | null)[]> {
    try {
      const list = checkAddresses(addresses);
      const out: (Uint8Array | null)[] = new Array<Uint8Array | null>(list.length);
      for (let i = 0; i < list.length; i++) {
        const cell = this.#cells.get(bytesKey(list[i] as Uint8Array));
        out[i] = cell === undefined ? null : cell.slice();
      }
      return Promise.resolve(out);
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }

  guardedWrite(guards: readonly Guard[], writes: readonly Write[]): Promise<(Uint8Array | null)[]> {
    try {
      const args = checkGuardedWrite(guards, writes);
      const found: (Uint8Array | undefined)[] = new Array<Uint8Array | undefined>(
        args.guards.length,
      );
      let held = true;
      for (let i = 0; i < args.guards.length; i++) {
        const cell = this.#cells.get(args.guardKeys[i] as string);
        found[i] = cell;
        if (held) held = _same(cell, (args.guards[i] as Guard).expected);
      }
      if (held) {
        for (let i = 0; i < args.writes.length; i++) {
          const value = (args.writes[i] as Write).value;
          const k = args.writeKeys[i] as string;
          if (value === null) this.#cells.delete(k);
          else this.#cells.set(k, value.slice());
        }
      }
      // A cell this call just replaced belongs to nobody any more: hand it over without a copy.
      const current = found.map((cell, i) =>
        cell === undefined
          ? null
          : this.#cells.get(args.guardKeys[i] as string) === cell
            ? cell.slice()
            : cell,
      );
      return Promise.resolve(current);
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }

  /** Cells held and their payload bytes (address + cell). */
  stats(): Promise<StoreStats> {
    let bytes = 0;
    for (const [k, v] of this.#cells) bytes += k.length + v.length;
    return Promise.resolve({ cells: this.#cells.size, bytes });
  }

  /** Everything stored, as [address, cell] copies: for tests that play the malicious store. */
  dump(): [Uint8Array, Uint8Array][] {
    const out: [Uint8Array, Uint8Array][] = [];
    for (const [k, v] of this.#cells) out.push([keyBytes(k), v.slice()]);
    return out;
  }

  /**
   * Overwrites (or with null deletes) a cell with no check at all: the hook tests use to act as
   * a store that swaps, truncates or rolls back cells.
   */
  tamper(address: Uint8Array, cell: Uint8Array | null): void {
    const k = bytesKey(address);
    if (cell === null) this.#cells.delete(k);
    else this.#cells.set(k, cell.slice());
  }
}

function _same(cell: Uint8Array | undefined, expected: Uint8Array | null): boolean {
  if (cell === undefined || expected === null) return cell === undefined && expected === null;
  if (cell.length !== expected.length) return false;
  for (let i = 0; i < cell.length; i++) if (cell[i] !== expected[i]) return false;
  return true;
}
