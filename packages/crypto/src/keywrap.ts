/**
 * AES key wrap family: AES-KW (RFC 3394, NIST SP 800-38F "KW") and AES-KWP (RFC 5649, SP 800-38F
 * "KWP", with padding). Both are deterministic authenticated encryption for key material: the
 * 64-bit integrity check value makes every unwrap of altered data fail.
 *
 * This module declares the interface and holds the checks both providers share; the providers
 * supply the cipher in `node/keywrap.ts` and `web/keywrap.ts`. Pure JS, no `node:` import.
 */
import { abytes } from './_assert.ts';
import { DecryptionFailed } from './errors.ts';

export type KeyWrapAlgorithm = 'aes-kw' | 'aes-kwp';

/** KEK lengths: AES-128, AES-192, AES-256. */
export const KEK_LENGTHS: readonly number[] = Object.freeze([16, 24, 32]);

/** A key-wrap scheme bound to one KEK, parsed once (node: a cached KeyObject). */
export interface KeyWrapper {
  readonly algorithm: KeyWrapAlgorithm;
  /** Wraps `keyData`. RangeError if its length is not allowed (see the scheme). */
  wrap(keyData: Uint8Array): Uint8Array;
  /** Unwraps; every integrity, padding or length failure throws `DecryptionFailed`. */
  unwrap(wrapped: Uint8Array): Uint8Array;
}

/**
 * One scheme. `wrap(kek, keyData)`/`unwrap(kek, wrapped)` parse the KEK on every call; use
 * `withKek(kek)` to wrap many keys under one KEK.
 *
 * - `aesKw`: `keyData` must be a multiple of 8 bytes and at least 16 (SP 800-38F §5.3.1; the
 *   single-block 8-byte case of RFC 3394 §2 is not offered). Output is 8 bytes longer.
 * - `aesKwp`: `keyData` may be any length from 1 byte; output is the length rounded up to a
 *   multiple of 8, plus 8.
 */
export interface KeyWrapScheme {
  readonly algorithm: KeyWrapAlgorithm;
  wrap(kek: Uint8Array, keyData: Uint8Array): Uint8Array;
  unwrap(kek: Uint8Array, wrapped: Uint8Array): Uint8Array;
  withKek(kek: Uint8Array): KeyWrapper;
}

export interface KeyWrapFamily {
  readonly aesKw: KeyWrapScheme;
  readonly aesKwp: KeyWrapScheme;
}

// ---------------------------------------------------------------------------------------------
// Shared implementation.

/** KWP wraps at most 2^32 - 1 bytes (its length field is 32 bits). */
const KWP_MAX = 2 ** 32 - 1;

/** What a provider implements: the raw transform for one KEK, arguments already checked. */
export interface _KeyWrapCore {
  wrap(keyData: Uint8Array): Uint8Array;
  /** Throws anything on failure; the caller turns it into `DecryptionFailed`. */
  unwrap(wrapped: Uint8Array): Uint8Array;
}

export function _checkKek(kek: unknown): Uint8Array {
  return abytes(kek, 'kek', ...KEK_LENGTHS);
}

function _checkKeyData(algorithm: KeyWrapAlgorithm, keyData: unknown): Uint8Array {
  const data = abytes(keyData, 'keyData');
  if (algorithm === 'aes-kw') {
    if (data.length < 16 || data.length % 8 !== 0) {
      throw new RangeError('keyData must be a multiple of 8 bytes and at least 16 for AES-KW');
    }
  } else if (data.length < 1 || data.length > KWP_MAX) {
    throw new RangeError('keyData must be 1 to 2^32 - 1 bytes long for AES-KWP');
  }
  return data;
}

/** Whether `length` can be the output of a wrap: anything else fails before any AES call. */
function _plausibleWrapped(algorithm: KeyWrapAlgorithm, length: number): boolean {
  return length % 8 === 0 && length >= (algorithm === 'aes-kw' ? 24 : 16);
}

class _KeyWrapper implements KeyWrapper {
  readonly algorithm: KeyWrapAlgorithm;
  readonly #core: _KeyWrapCore;

  constructor(algorithm: KeyWrapAlgorithm, core: _KeyWrapCore) {
    this.algorithm = algorithm;
    this.#core = core;
  }

  wrap(keyData: Uint8Array): Uint8Array {
    return this.#core.wrap(_checkKeyData(this.algorithm, keyData));
  }

  unwrap(wrapped: Uint8Array): Uint8Array {
    abytes(wrapped, 'wrapped');
    if (!_plausibleWrapped(this.algorithm, wrapped.length)) throw new DecryptionFailed();
    try {
      return this.#core.unwrap(wrapped);
    } catch {
      throw new DecryptionFailed();
    }
  }
}

/** Builds a scheme from a provider's per-KEK core factory (KEK already checked). @internal */
export function _keyWrapScheme(
  algorithm: KeyWrapAlgorithm,
  makeCore: (kek: Uint8Array) => _KeyWrapCore,
): KeyWrapScheme {
  const withKek = (kek: Uint8Array): KeyWrapper =>
    new _KeyWrapper(algorithm, makeCore(_checkKek(kek)));
  return Object.freeze({
    algorithm,
    withKek,
    wrap: (kek: Uint8Array, keyData: Uint8Array) => {
      _checkKek(kek);
      // Check the data before parsing the KEK, so an argument error costs nothing.
      _checkKeyData(algorithm, keyData);
      return withKek(kek).wrap(keyData);
    },
    unwrap: (kek: Uint8Array, wrapped: Uint8Array) => withKek(kek).unwrap(wrapped),
  });
}
