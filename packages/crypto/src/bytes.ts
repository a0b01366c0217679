/**
 * Byte helpers shared by both providers and by every Custos package: constant-time compare,
 * zeroization, concatenation, hex. Pure JS, no `node:` import.
 */
import { abytes, aint } from './_assert.ts';

/**
 * Compares two byte arrays in time that depends only on their lengths. Lengths are not secret
 * (tags, MACs and hashes have public lengths), so unequal lengths return false at once.
 */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  abytes(a, 'a');
  abytes(b, 'b');
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= (a[i] as number) ^ (b[i] as number);
  return diff === 0;
}

/**
 * Overwrites arrays with zeros. Best effort: the JS engine may have copied the data elsewhere
 * (GC moves, string conversions); this only shortens the life of the bytes we own.
 */
export function zeroize(...arrays: (Uint8Array | undefined)[]): void {
  // Validate all first: a bad argument must not leave the earlier arrays half-wiped.
  for (const [i, array] of arrays.entries()) if (array !== undefined) abytes(array, `arrays[${i}]`);
  for (const array of arrays) array?.fill(0);
}

/** Concatenates byte arrays into a new array. */
export function concatBytes(...arrays: Uint8Array[]): Uint8Array {
  let length = 0;
  for (const [i, array] of arrays.entries()) length += abytes(array, `arrays[${i}]`).length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const array of arrays) {
    out.set(array, offset);
    offset += array.length;
  }
  return out;
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

export function toHex(bytes: Uint8Array): string {
  abytes(bytes, 'bytes');
  let out = '';
  for (const b of bytes) out += HEX[b] as string;
  return out;
}

export function fromHex(hex: string): Uint8Array {
  if (typeof hex !== 'string') throw new TypeError('hex must be a string');
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) {
    throw new RangeError('hex must be an even-length string of hex digits');
  }
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/**
 * Big-endian encoding of a non-negative safe integer on `length` bytes (default 8).
 * @throws TypeError/RangeError if `value` is not a safe non-negative integer, or does not fit in
 *   `length` bytes (it is never silently truncated: a wrapped counter or length prefix would be
 *   a security bug).
 */
export function u64be(value: number, length = 8): Uint8Array {
  aint(value, 'value');
  aint(length, 'length', 0, 64);
  if (length < 7 && value >= 2 ** (8 * length)) {
    throw new RangeError(`value does not fit in ${length} bytes`);
  }
  const out = new Uint8Array(length);
  let v = value;
  for (let i = length - 1; i >= 0 && v > 0; i--) {
    out[i] = v % 256;
    v = Math.floor(v / 256);
  }
  return out;
}
