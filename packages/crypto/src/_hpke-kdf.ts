/**
 * The labelled HKDF of RFC 9180 §4 over an HMAC that each provider injects (node:crypto or
 * @noble/hashes), plus the small encoders HPKE needs. Pure JS.
 */

export type HpkeHash = 'sha256' | 'sha512';

/** A keyed HMAC over the concatenation of `parts` (passed separately to avoid copying). */
export type Mac = (parts: readonly Uint8Array[]) => Uint8Array;

/**
 * Keys an HMAC. `key` null means Nh zero bytes (HKDF-Extract with an empty salt), which a
 * provider may prepare once. Keying once lets a provider reuse its native key object for the
 * several expansions made from one PRK.
 */
export type HmacFn = (hash: HpkeHash, key: Uint8Array | null) => Mac;

export const HASH_LENGTH: Readonly<Record<HpkeHash, number>> = Object.freeze({
  sha256: 32,
  sha512: 64,
});

const encoder = new TextEncoder();
export const ascii = (text: string): Uint8Array => encoder.encode(text);

/** I2OSP(value, length) for small non-negative integers. */
export function i2osp(value: number, length: number): Uint8Array {
  const out = new Uint8Array(length);
  let v = value;
  for (let i = length - 1; i >= 0; i--) {
    out[i] = v & 0xff;
    v = Math.floor(v / 256);
  }
  return out;
}

const HPKE_V1 = ascii('HPKE-v1');
const EMPTY = new Uint8Array(0);

/** HKDF-Extract (RFC 5869) with the RFC 9180 label prefix. Empty salt means Nh zero bytes. */
export function labeledExtract(
  hmac: HmacFn,
  hash: HpkeHash,
  suiteId: Uint8Array,
  salt: Uint8Array,
  label: Uint8Array,
  ikm: Uint8Array,
): Uint8Array {
  return hmac(hash, salt.length === 0 ? null : salt)([HPKE_V1, suiteId, label, ikm]);
}

/**
 * HKDF-Expand (RFC 5869) with the RFC 9180 label prefix, `prk` given as a keyed HMAC.
 * `length` ≤ 255·Nh (checked by callers).
 */
export function labeledExpand(
  prk: Mac,
  hash: HpkeHash,
  suiteId: Uint8Array,
  label: Uint8Array,
  info: Uint8Array,
  length: number,
): Uint8Array {
  const nh = HASH_LENGTH[hash];
  const labeledInfo = [i2osp(length, 2), HPKE_V1, suiteId, label, info];
  const out = new Uint8Array(Math.ceil(length / nh) * nh);
  let previous: Uint8Array = EMPTY;
  for (let i = 0; i * nh < length; i++) {
    previous = prk([previous, ...labeledInfo, Uint8Array.of(i + 1)]);
    out.set(previous, i * nh);
  }
  return out.length === length ? out : out.slice(0, length);
}

/** Concatenation without argument checks, for internal byte strings. */
export function concat(...parts: Uint8Array[]): Uint8Array {
  let length = 0;
  for (const part of parts) length += part.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
