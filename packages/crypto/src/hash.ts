/**
 * Hashes and extendable-output functions: SHA-2 (FIPS 180-4), SHA-3 and SHAKE (FIPS 202).
 *
 * Every hasher is single use: after `digest()` any further call throws `StreamStateError`, so
 * that a finalized state is never silently reused. Incremental hashing gives exactly the
 * one-shot result for the same concatenated input.
 */
import { abytes, aint, aoneOf } from './_assert.ts';
import { StreamStateError } from './errors.ts';

export type HashAlgorithm = 'sha256' | 'sha384' | 'sha512' | 'sha3-256' | 'sha3-384' | 'sha3-512';
export type XofAlgorithm = 'shake128' | 'shake256';

export const HASH_ALGORITHMS: readonly HashAlgorithm[] = Object.freeze([
  'sha256',
  'sha384',
  'sha512',
  'sha3-256',
  'sha3-384',
  'sha3-512',
]);
export const XOF_ALGORITHMS: readonly XofAlgorithm[] = Object.freeze(['shake128', 'shake256']);

/** Digest length in bytes of each fixed-output hash. */
export const HASH_OUTPUT_LENGTH: Readonly<Record<HashAlgorithm, number>> = Object.freeze({
  sha256: 32,
  sha384: 48,
  sha512: 64,
  'sha3-256': 32,
  'sha3-384': 48,
  'sha3-512': 64,
});

/** Largest XOF output served in one call (16 MiB): larger requests are treated as bugs. */
export const MAX_XOF_OUTPUT = 1 << 24;

/** An incremental fixed-output hash. */
export interface Hasher {
  /**
   * Absorbs `data` (not retained, not modified) and returns this hasher for chaining.
   * @throws TypeError if `data` is not a Uint8Array; StreamStateError after `digest()`.
   */
  update(data: Uint8Array): Hasher;
  /**
   * Returns the digest and finalizes the hasher.
   * @throws StreamStateError if called a second time.
   */
  digest(): Uint8Array;
}

/** An incremental extendable-output function (SHAKE). */
export interface Xof {
  /** Absorbs `data`. @throws TypeError on non-bytes; StreamStateError after `digest()`. */
  update(data: Uint8Array): Xof;
  /**
   * Returns `outputLength` bytes of output and finalizes the XOF.
   * @throws RangeError unless 1 ≤ outputLength ≤ MAX_XOF_OUTPUT; StreamStateError if called twice.
   */
  digest(outputLength: number): Uint8Array;
}

export interface HashFamily {
  /**
   * One-shot digest of `data`.
   * @throws TypeError/RangeError on an unknown algorithm or non-bytes data.
   */
  digest(algorithm: HashAlgorithm, data: Uint8Array): Uint8Array;
  /** A fresh incremental hasher. @throws TypeError/RangeError on an unknown algorithm. */
  create(algorithm: HashAlgorithm): Hasher;
  /**
   * One-shot SHAKE output of `outputLength` bytes.
   * @throws TypeError/RangeError on an unknown algorithm, non-bytes data or a length outside
   *   [1, MAX_XOF_OUTPUT].
   */
  xof(algorithm: XofAlgorithm, data: Uint8Array, outputLength: number): Uint8Array;
  /** A fresh incremental SHAKE. @throws TypeError/RangeError on an unknown algorithm. */
  createXof(algorithm: XofAlgorithm): Xof;
}

export function _hashAlgorithm(value: unknown): HashAlgorithm {
  return aoneOf(value, 'algorithm', HASH_ALGORITHMS);
}

export function _xofAlgorithm(value: unknown): XofAlgorithm {
  return aoneOf(value, 'algorithm', XOF_ALGORITHMS);
}

export function _xofLength(value: unknown): number {
  return aint(value, 'outputLength', 1, MAX_XOF_OUTPUT);
}

/** The primitive state behind a `Hasher`: providers implement only this. */
export interface _HashState {
  update(data: Uint8Array): void;
  digest(): Uint8Array;
}

/** The primitive state behind an `Xof`. */
export interface _XofState {
  update(data: Uint8Array): void;
  digest(outputLength: number): Uint8Array;
}

/** Argument checks and single-use enforcement, shared by both providers. */
export class _Hasher implements Hasher {
  #state: _HashState | undefined;

  constructor(state: _HashState) {
    this.#state = state;
  }

  update(data: Uint8Array): Hasher {
    abytes(data, 'data');
    _live(this.#state).update(data);
    return this;
  }

  digest(): Uint8Array {
    const state = _live(this.#state);
    this.#state = undefined;
    return state.digest();
  }
}

export class _Xof implements Xof {
  #state: _XofState | undefined;

  constructor(state: _XofState) {
    this.#state = state;
  }

  update(data: Uint8Array): Xof {
    abytes(data, 'data');
    _live(this.#state).update(data);
    return this;
  }

  digest(outputLength: number): Uint8Array {
    const length = _xofLength(outputLength);
    const state = _live(this.#state);
    this.#state = undefined;
    return state.digest(length);
  }
}

function _live<T>(state: T | undefined): T {
  if (state === undefined) throw new StreamStateError('hasher already finalized');
  return state;
}
