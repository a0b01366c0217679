/**
 * Randomness: the platform CSPRNG and nothing else (no user-space generator, no seeding API).
 * node: `crypto.randomFillSync` (OpenSSL's DRBG); web: `crypto.getRandomValues`.
 */
import { abytes, aint } from './_assert.ts';

/**
 * Largest request served in one call (16 MiB). Keys, nonces and salts are tiny; a larger request
 * is almost certainly a bug (a length computed from untrusted input), so it fails loudly.
 */
export const MAX_RANDOM_BYTES = 1 << 24;

export interface RandomFamily {
  /**
   * Returns `length` fresh random bytes from the platform CSPRNG.
   * @throws TypeError if `length` is not a safe integer; RangeError outside [0, MAX_RANDOM_BYTES].
   */
  bytes(length: number): Uint8Array;
  /**
   * Fills `buffer` in place with random bytes and returns it (the one function of this package
   * that writes into a caller's array: that is its purpose).
   * @throws TypeError if `buffer` is not a Uint8Array; RangeError if it exceeds MAX_RANDOM_BYTES.
   */
  fill(buffer: Uint8Array): Uint8Array;
}

/** Validates a `bytes()` length. */
export function _randomLength(length: unknown): number {
  return aint(length, 'length', 0, MAX_RANDOM_BYTES);
}

/** Validates a `fill()` target. */
export function _randomBuffer(buffer: unknown): Uint8Array {
  const out = abytes(buffer, 'buffer');
  if (out.length > MAX_RANDOM_BYTES) {
    throw new RangeError(`buffer must be at most ${MAX_RANDOM_BYTES} bytes long`);
  }
  return out;
}
