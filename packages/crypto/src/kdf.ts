/**
 * Key derivation: HKDF (RFC 5869) for keys from keys, PBKDF2 (RFC 8018) and Argon2id
 * (RFC 9106) for keys from passwords.
 *
 * HKDF is synchronous. The password hashes return promises in both providers: they are slow on
 * purpose, run off the main thread where the runtime allows (node: libuv threadpool), and the
 * browser's PBKDF2 is WebCrypto's, which is async. Argument errors reject the promise.
 */
import { abytes, aint, aoptbytes } from './_assert.ts';
import { _hmacHash, HMAC_OUTPUT_LENGTH, type HmacHash } from './mac.ts';

/** Hashes offered for HKDF and PBKDF2 (HMAC-SHA-2). */
export type KdfHash = HmacHash;

/** Salt floor for Argon2 (RFC 9106 §3.1: 8 bytes minimum; 16 recommended). */
export const ARGON2_MIN_SALT_LENGTH = 8;
/** Argon2 tag length bounds: RFC 9106 minimum 4; 1 KiB is far above any key size. */
export const ARGON2_MIN_LENGTH = 4;
export const ARGON2_MAX_LENGTH = 1024;
/** Argon2 memory ceiling: 2 GiB, the most a browser tab or the noble implementation can hold. */
export const ARGON2_MAX_MEMORY_KIB = 1 << 21;
/** RFC 9106 §3.1: parallelism p in [1, 2^24 − 1]; passes t in [1, 2^32 − 1]. */
export const ARGON2_MAX_PARALLELISM = 2 ** 24 - 1;
export const ARGON2_MAX_PASSES = 2 ** 32 - 1;
/** PBKDF2 iteration bound (Node takes an int32) and output bound (1 KiB is plenty for keys). */
export const PBKDF2_MAX_ITERATIONS = 2 ** 31 - 1;
export const PBKDF2_MAX_LENGTH = 1024;

/** Argon2id inputs (RFC 9106 §3.1 names in brackets). */
export interface Argon2idParams {
  /** The password [P], as bytes (encode strings as UTF-8, normalized as you see fit). */
  password: Uint8Array;
  /** Random salt [S], at least 8 bytes (16 recommended). */
  salt: Uint8Array;
  /** Memory size [m] in KiB, at least 8 × parallelism, at most 2 GiB. */
  memoryKiB: number;
  /** Number of passes [t], ≥ 1. */
  passes: number;
  /** Degree of parallelism [p], 1 .. 2^24 − 1. */
  parallelism: number;
  /** Tag length [T] in bytes, 4 .. 1024. */
  length: number;
  /** Optional secret value [K] (a pepper). */
  secret?: Uint8Array;
  /** Optional associated data [X]. */
  associatedData?: Uint8Array;
}

export interface KdfFamily {
  /**
   * HKDF-Extract then HKDF-Expand (RFC 5869). An empty salt means HashLen zero bytes.
   * @throws TypeError/RangeError on an unknown hash, non-bytes arguments, or a length outside
   *   [1, 255 × HashLen].
   */
  hkdf(
    hash: KdfHash,
    ikm: Uint8Array,
    salt: Uint8Array,
    info: Uint8Array,
    length: number,
  ): Uint8Array;
  /** HKDF-Extract: PRK = HMAC-Hash(salt, IKM). @throws TypeError/RangeError on bad arguments. */
  hkdfExtract(hash: KdfHash, ikm: Uint8Array, salt: Uint8Array): Uint8Array;
  /**
   * HKDF-Expand of a pseudorandom key of at least HashLen bytes.
   * @throws RangeError if prk is shorter than HashLen or length is outside [1, 255 × HashLen].
   */
  hkdfExpand(hash: KdfHash, prk: Uint8Array, info: Uint8Array, length: number): Uint8Array;
  /**
   * PBKDF2-HMAC (RFC 8018 §5.2).
   * @throws (rejects) TypeError/RangeError on bad arguments: iterations in [1, 2^31 − 1],
   *   length in [1, 1024].
   */
  pbkdf2(
    hash: KdfHash,
    password: Uint8Array,
    salt: Uint8Array,
    iterations: number,
    length: number,
  ): Promise<Uint8Array>;
  /**
   * Argon2id version 0x13 (RFC 9106).
   * @throws (rejects) TypeError/RangeError on bad parameters (see {@link Argon2idParams}).
   */
  argon2id(params: Argon2idParams): Promise<Uint8Array>;
}

export function _kdfHash(value: unknown): KdfHash {
  return _hmacHash(value);
}

export function _hkdfLength(hash: KdfHash, length: unknown): number {
  return aint(length, 'length', 1, 255 * HMAC_OUTPUT_LENGTH[hash]);
}

export interface _HkdfArgs {
  hash: KdfHash;
  ikm: Uint8Array;
  salt: Uint8Array;
  info: Uint8Array;
  length: number;
}

export function _hkdfArgs(
  hash: unknown,
  ikm: unknown,
  salt: unknown,
  info: unknown,
  length: unknown,
): _HkdfArgs {
  const h = _kdfHash(hash);
  return {
    hash: h,
    ikm: abytes(ikm, 'ikm'),
    salt: abytes(salt, 'salt'),
    info: abytes(info, 'info'),
    length: _hkdfLength(h, length),
  };
}

export function _hkdfPrk(hash: KdfHash, prk: unknown): Uint8Array {
  abytes(prk, 'prk');
  const min = HMAC_OUTPUT_LENGTH[hash];
  if ((prk as Uint8Array).length < min) {
    throw new RangeError(`prk must be at least ${min} bytes long`);
  }
  return prk as Uint8Array;
}

export interface _Pbkdf2Args {
  hash: KdfHash;
  password: Uint8Array;
  salt: Uint8Array;
  iterations: number;
  length: number;
}

export function _pbkdf2Args(
  hash: unknown,
  password: unknown,
  salt: unknown,
  iterations: unknown,
  length: unknown,
): _Pbkdf2Args {
  return {
    hash: _kdfHash(hash),
    password: abytes(password, 'password'),
    salt: abytes(salt, 'salt'),
    iterations: aint(iterations, 'iterations', 1, PBKDF2_MAX_ITERATIONS),
    length: aint(length, 'length', 1, PBKDF2_MAX_LENGTH),
  };
}

/** Argon2id parameters after validation; optional byte strings become empty arrays. */
export interface _Argon2idArgs {
  password: Uint8Array;
  salt: Uint8Array;
  memoryKiB: number;
  passes: number;
  parallelism: number;
  length: number;
  secret: Uint8Array;
  associatedData: Uint8Array;
}

export function _argon2idArgs(params: unknown): _Argon2idArgs {
  if (typeof params !== 'object' || params === null) {
    throw new TypeError('params must be an object');
  }
  const p = params as Record<string, unknown>;
  const salt = abytes(p['salt'], 'salt');
  if (salt.length < ARGON2_MIN_SALT_LENGTH) {
    throw new RangeError(`salt must be at least ${ARGON2_MIN_SALT_LENGTH} bytes long`);
  }
  const parallelism = aint(p['parallelism'], 'parallelism', 1, ARGON2_MAX_PARALLELISM);
  return {
    password: abytes(p['password'], 'password'),
    salt,
    parallelism,
    memoryKiB: aint(p['memoryKiB'], 'memoryKiB', 8 * parallelism, ARGON2_MAX_MEMORY_KIB),
    passes: aint(p['passes'], 'passes', 1, ARGON2_MAX_PASSES),
    length: aint(p['length'], 'length', ARGON2_MIN_LENGTH, ARGON2_MAX_LENGTH),
    secret: aoptbytes(p['secret'], 'secret'),
    associatedData: aoptbytes(p['associatedData'], 'associatedData'),
  };
}
