/**
 * Message authentication: HMAC (RFC 2104, FIPS 198-1) over SHA-2, and KMAC256 (NIST SP 800-185).
 *
 * KMAC256 comes from @noble/hashes in both providers: node:crypto exposes no KMAC (OpenSSL 3.5
 * has EVP_MAC KMAC256 but Node binds neither it nor cSHAKE), so this shared implementation is
 * the only one.
 */
import { kmac256 as nobleKmac256 } from '@noble/hashes/sha3-addons.js';
import { abytes, aint, aoneOf, aoptbytes } from './_assert.ts';

export type HmacHash = 'sha256' | 'sha384' | 'sha512';
export const HMAC_HASHES: readonly HmacHash[] = Object.freeze(['sha256', 'sha384', 'sha512']);

/** Tag length in bytes of HMAC with each hash. */
export const HMAC_OUTPUT_LENGTH: Readonly<Record<HmacHash, number>> = Object.freeze({
  sha256: 32,
  sha384: 48,
  sha512: 64,
});

/**
 * KMAC256 key floor: 16 bytes. SP 800-185 §8.4.1 asks for a key at least as long as the
 * security strength wanted; below 128 bits nothing in Custos is acceptable, and an empty or
 * tiny key is far more likely a bug than a choice.
 */
export const KMAC_MIN_KEY_LENGTH = 16;
/** SP 800-185 §8.4.2: a KMAC used as a MAC shall not output fewer than 32 bits. */
export const KMAC_MIN_OUTPUT_LENGTH = 4;
/** Largest KMAC output served (1 MiB); more is a bug. */
export const KMAC_MAX_OUTPUT_LENGTH = 1 << 20;

/** A MAC key parsed once, with its expensive state (KeyObject, keyed hash state) cached. */
export interface MacKey {
  readonly hash: HmacHash;
  /** Tag length in bytes. */
  readonly outputLength: number;
  /** HMAC of `data`. @throws TypeError if `data` is not a Uint8Array. */
  compute(data: Uint8Array): Uint8Array;
  /**
   * Checks `tag` against the HMAC of `data` in constant time. A tag of the wrong length
   * (including a truncated tag) returns false: only full-length tags are accepted.
   * @throws TypeError if `data` or `tag` is not a Uint8Array.
   */
  verify(data: Uint8Array, tag: Uint8Array): boolean;
}

export interface MacFamily {
  /**
   * One-shot HMAC. Any key length is accepted (RFC 2104), including empty; use ≥ 32 bytes.
   * @throws TypeError/RangeError on an unknown hash or non-bytes arguments.
   */
  hmac(hash: HmacHash, key: Uint8Array, data: Uint8Array): Uint8Array;
  /**
   * Parses an HMAC key for repeated use (the key bytes are copied; later changes to `key` do
   * not affect it). @throws TypeError/RangeError on an unknown hash or a non-bytes key.
   */
  hmacKey(hash: HmacHash, key: Uint8Array): MacKey;
  /**
   * KMAC256 (SP 800-185 §4.3, non-XOF) of `data` under `key`, `outputLength` bytes long, with the
   * optional customization string S (empty by default).
   * @throws TypeError on non-bytes arguments; RangeError if key is shorter than 16 bytes or
   *   outputLength is outside [4, 2^20].
   */
  kmac256(
    key: Uint8Array,
    data: Uint8Array,
    outputLength: number,
    customization?: Uint8Array,
  ): Uint8Array;
}

export function _hmacHash(value: unknown): HmacHash {
  return aoneOf(value, 'hash', HMAC_HASHES);
}

/** KMAC256 shared by both providers (see the module comment). */
export function _kmac256(
  key: Uint8Array,
  data: Uint8Array,
  outputLength: number,
  customization?: Uint8Array,
): Uint8Array {
  abytes(key, 'key');
  if (key.length < KMAC_MIN_KEY_LENGTH) {
    throw new RangeError(`key must be at least ${KMAC_MIN_KEY_LENGTH} bytes long`);
  }
  abytes(data, 'data');
  const dkLen = aint(outputLength, 'outputLength', KMAC_MIN_OUTPUT_LENGTH, KMAC_MAX_OUTPUT_LENGTH);
  const personalization = aoptbytes(customization, 'customization');
  return nobleKmac256(key, data, { dkLen, personalization });
}
