/**
 * Allocation and randomness for the node AEAD ciphers, and the conversion of node `Buffer`s
 * into plain `Uint8Array`s (we hand out no `Buffer`: its `slice` shares memory and its pooled
 * instances expose a shared 8 KiB `ArrayBuffer`).
 */
import { randomFillSync } from 'node:crypto';
import type { _AeadRuntime } from '../aead.ts';

/** Below this size a zero-filled array is as cheap as an uninitialised one. */
const UNINITIALISED_FROM = 4096;

/**
 * A new array, uninitialised when large: zero-filling 1 MiB costs about 25 µs, a tenth of an
 * AES-GCM pass over it, and every byte is overwritten by the caller anyway.
 */
export function nodeAlloc(length: number): Uint8Array {
  if (length < UNINITIALISED_FROM) return new Uint8Array(length);
  // allocUnsafeSlow never uses the shared pool: the ArrayBuffer belongs to this array alone.
  const buffer = Buffer.allocUnsafeSlow(length);
  return new Uint8Array(buffer.buffer, buffer.byteOffset, length);
}

export function nodeRandomFill(bytes: Uint8Array): void {
  randomFillSync(bytes);
}

export const nodeAeadRuntime: _AeadRuntime = Object.freeze({
  alloc: nodeAlloc,
  randomFill: nodeRandomFill,
});

/**
 * A plain Uint8Array over the same memory as `buffer` when it owns its whole ArrayBuffer (the
 * case for node:crypto outputs), else a copy.
 */
export function plainBytes(buffer: Uint8Array): Uint8Array {
  if (buffer.byteOffset === 0 && buffer.buffer.byteLength === buffer.length) {
    return new Uint8Array(buffer.buffer, 0, buffer.length);
  }
  return new Uint8Array(buffer);
}
