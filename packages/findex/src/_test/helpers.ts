/** Shared helpers for the Findex tests. */
import type { FindexStore, Guard, Write } from '../store.ts';

export const KEY = new Uint8Array(32).fill(0x42);
export const KEY2 = new Uint8Array(32).fill(0x43);

/** An 8-byte big-endian id. */
export function id(n: number): Uint8Array {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, BigInt(n));
  return b;
}

export function num(b: Uint8Array): number {
  return Number(new DataView(b.buffer, b.byteOffset, b.byteLength).getBigUint64(0));
}

/** Sorted numbers of a result. */
export function nums(values: Iterable<Uint8Array>): number[] {
  return [...values].map(num).sort((a, b) => a - b);
}

/** A store wrapper that counts round trips and addresses, and can record every call. */
export class CountingStore implements FindexStore {
  readonly inner: FindexStore;
  reads = 0;
  writes = 0;
  addressesRead = 0;
  readonly readLog: Uint8Array[][] = [];
  readonly writeLog: { guards: readonly Guard[]; writes: readonly Write[] }[] = [];

  constructor(inner: FindexStore) {
    this.inner = inner;
  }

  reset(): void {
    this.reads = 0;
    this.writes = 0;
    this.addressesRead = 0;
    this.readLog.length = 0;
    this.writeLog.length = 0;
  }

  batchRead(addresses: readonly Uint8Array[]): Promise<(Uint8Array | null)[]> {
    this.reads++;
    this.addressesRead += addresses.length;
    this.readLog.push(addresses.map((a) => a.slice()));
    return this.inner.batchRead(addresses);
  }

  guardedWrite(guards: readonly Guard[], writes: readonly Write[]): Promise<(Uint8Array | null)[]> {
    this.writes++;
    this.writeLog.push({ guards, writes });
    return this.inner.guardedWrite(guards, writes);
  }
}
