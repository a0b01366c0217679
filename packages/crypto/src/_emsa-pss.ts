/**
 * EMSA-PSS encoding and verification (RFC 8017 §9.1) with MGF1 (§B.2.1), bytes in, bytes out.
 * The hash is passed in, so any provider can compose it with its own RSA primitive: the node
 * provider uses it for RSASSA-PSS on a caller's digest (`signDigest` / `verifyDigest`), which
 * node:crypto does not offer, around a raw RSA operation.
 *
 * `emBits` is modBits − 1 (RFC 8017 §8.1.1 step 1): EM then always reads as an integer below
 * the modulus. When modBits ≡ 1 (mod 8) EM is one byte shorter than the modulus, and the caller
 * pads (sign) or checks a leading zero byte (verify) — see `emsaPssLength`.
 */
import { constantTimeEqual } from './bytes.ts';

/** A hash for PSS: its output length and a one-shot digest. */
export interface PssHash {
  readonly length: number;
  digest(data: Uint8Array): Uint8Array;
}

/** Byte length of EM for `emBits` (RFC 8017 §9.1.1: emLen = ⌈emBits/8⌉). */
export function emsaPssLength(emBits: number): number {
  return Math.ceil(emBits / 8);
}

/** MGF1 (RFC 8017 §B.2.1): Hash(seed ‖ C) for C = 0, 1, … truncated to `length` bytes. */
export function mgf1(hash: PssHash, seed: Uint8Array, length: number): Uint8Array {
  const out = new Uint8Array(length);
  const block = new Uint8Array(seed.length + 4);
  block.set(seed);
  const view = new DataView(block.buffer, block.byteOffset + seed.length, 4);
  for (let counter = 0, at = 0; at < length; counter++, at += hash.length) {
    view.setUint32(0, counter);
    const h = hash.digest(block);
    out.set(h.subarray(0, Math.min(hash.length, length - at)), at);
  }
  return out;
}

/** H = Hash(M') with M' = (0x)00 00 00 00 00 00 00 00 ‖ mHash ‖ salt (§9.1.1 steps 5–6). */
function hashPrime(hash: PssHash, mHash: Uint8Array, salt: Uint8Array): Uint8Array {
  const mPrime = new Uint8Array(8 + mHash.length + salt.length);
  mPrime.set(mHash, 8);
  mPrime.set(salt, 8 + mHash.length);
  return hash.digest(mPrime);
}

/** Mask that clears the leftmost 8·emLen − emBits bits of EM's first byte. */
function topMask(emBits: number, emLen: number): number {
  return 0xff >>> (8 * emLen - emBits);
}

/**
 * EMSA-PSS-ENCODE (§9.1.1) of `mHash` (already hashed: steps 1–2 are the caller's) with `salt`.
 * RangeError when mHash is not hash-sized or emLen < hLen + sLen + 2 (the "encoding error").
 */
export function emsaPssEncode(
  hash: PssHash,
  mHash: Uint8Array,
  salt: Uint8Array,
  emBits: number,
): Uint8Array {
  const hLen = hash.length;
  const sLen = salt.length;
  const emLen = emsaPssLength(emBits);
  if (mHash.length !== hLen) throw new RangeError(`digest must be ${hLen} bytes`);
  if (emLen < hLen + sLen + 2) throw new RangeError('RSA modulus too small for this PSS hash');
  const h = hashPrime(hash, mHash, salt);
  // DB = PS ‖ 0x01 ‖ salt, PS being emLen − sLen − hLen − 2 zero bytes; then masked in place.
  const dbLen = emLen - hLen - 1;
  const db = mgf1(hash, h, dbLen);
  db[dbLen - sLen - 1] = (db[dbLen - sLen - 1] as number) ^ 0x01;
  for (let i = 0; i < sLen; i++)
    db[dbLen - sLen + i] = (db[dbLen - sLen + i] as number) ^ (salt[i] as number);
  db[0] = (db[0] as number) & topMask(emBits, emLen);
  const em = new Uint8Array(emLen);
  em.set(db);
  em.set(h, dbLen);
  em[emLen - 1] = 0xbc;
  return em;
}

/**
 * EMSA-PSS-VERIFY (§9.1.2) of `em` against `mHash` with a salt of exactly `sLen` bytes. Returns
 * false, never throws, for any inconsistency. Everything here is public (signature, key,
 * digest), but the checks still accumulate into one flag and H is compared in constant time,
 * so the running time does not tell which check failed.
 */
export function emsaPssVerify(
  hash: PssHash,
  mHash: Uint8Array,
  em: Uint8Array,
  emBits: number,
  sLen: number,
): boolean {
  const hLen = hash.length;
  const emLen = emsaPssLength(emBits);
  // Lengths are the caller's parameters, not the signature's content: a plain exit is fine.
  if (mHash.length !== hLen || em.length !== emLen || emLen < hLen + sLen + 2) return false;
  const dbLen = emLen - hLen - 1;
  const h = em.subarray(dbLen, emLen - 1);
  const mask = topMask(emBits, emLen);
  let bad = (em[emLen - 1] as number) ^ 0xbc; // step 4: trailer
  bad |= (em[0] as number) & ~mask & 0xff; // step 6: leftmost bits of maskedDB are zero
  const db = mgf1(hash, h, dbLen); // steps 7–8: DB = maskedDB ⊕ MGF(H)
  for (let i = 0; i < dbLen; i++) db[i] = (db[i] as number) ^ (em[i] as number);
  db[0] = (db[0] as number) & mask; // step 9
  const psLen = dbLen - sLen - 1; // step 10: PS is zero, then the 0x01 separator
  for (let i = 0; i < psLen; i++) bad |= db[i] as number;
  bad |= (db[psLen] as number) ^ 0x01;
  const hPrime = hashPrime(hash, mHash, db.subarray(dbLen - sLen)); // steps 11–13
  const same = constantTimeEqual(h, hPrime); // step 14
  return bad === 0 && same;
}
