/**
 * @noble/hashes HMAC, SHA3-256, SHAKE256 and WebCrypto randomness in the shapes the KEM and HPKE
 * code injects (`HmacFn`, `XWingHashes`). Synchronous, browser-safe.
 */
import { hmac } from '@noble/hashes/hmac.js';
import { sha256, sha512 } from '@noble/hashes/sha2.js';
import { sha3_256, shake256 } from '@noble/hashes/sha3.js';
import { randomBytes } from '@noble/hashes/utils.js';
import { HASH_LENGTH, type HmacFn } from '../_hpke-kdf.ts';
import type { XWingHashes } from '../_xwing.ts';

const HASHES = { sha256, sha512 } as const;

export const webHmac: HmacFn = (hash, key) => {
  // The keyed state (inner and outer pads hashed once) is cloned for every message.
  const keyed = hmac.create(HASHES[hash], key ?? new Uint8Array(HASH_LENGTH[hash]));
  return (parts) => {
    const mac = keyed.clone();
    for (const part of parts) mac.update(part);
    return mac.digest();
  };
};

/** Cryptographically secure random bytes (crypto.getRandomValues). */
export const webRandomBytes = (length: number): Uint8Array => randomBytes(length);

export const webXWingHashes: XWingHashes = Object.freeze({
  sha3_256(parts: readonly Uint8Array[]): Uint8Array {
    const hash = sha3_256.create();
    for (const part of parts) hash.update(part);
    return hash.digest();
  },
  shake256: (data: Uint8Array, length: number): Uint8Array => shake256(data, { dkLen: length }),
  randomBytes: webRandomBytes,
});
