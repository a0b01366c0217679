/**
 * node:crypto hashing, HMAC and randomness in the shapes the KEM and HPKE code injects
 * (`HmacFn`, `XWingHashes`), plus Buffer ↔ Uint8Array helpers for the node KEM files.
 */
import { createHash, createHmac, createSecretKey, randomBytes } from 'node:crypto';
import type { HmacFn } from '../_hpke-kdf.ts';
import type { XWingHashes } from '../_xwing.ts';

/**
 * A plain Uint8Array over a Buffer returned by node:crypto. Viewed in place when the Buffer owns
 * its whole ArrayBuffer (crypto results do), copied otherwise so no pooled memory is exposed.
 */
export function _u8(buffer: Uint8Array): Uint8Array {
  return buffer.byteOffset === 0 && buffer.byteLength === buffer.buffer.byteLength
    ? new Uint8Array(buffer.buffer, 0, buffer.byteLength)
    : Uint8Array.prototype.slice.call(buffer);
}

/** A Buffer view of bytes (no copy), for node:crypto inputs typed as Buffer. */
export function _buf(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

// HKDF-Extract with an empty salt keys HMAC with Nh zero bytes: one KeyObject per hash.
const zeroKeys = {
  sha256: createSecretKey(new Uint8Array(32)),
  sha512: createSecretKey(new Uint8Array(64)),
};

/**
 * HMAC keyed with a KeyObject: on Node 24 a raw Buffer key costs ~17 µs per HMAC, a KeyObject
 * ~3 µs plus ~1-3 µs to create it, and one PRK serves several expansions.
 */
export const nodeHmac: HmacFn = (hash, key) => {
  const keyObject = key === null ? zeroKeys[hash] : createSecretKey(key);
  return (parts) => {
    const mac = createHmac(hash, keyObject);
    for (const part of parts) mac.update(part);
    return _u8(mac.digest());
  };
};

export const nodeXWingHashes: XWingHashes = Object.freeze({
  sha3_256(parts: readonly Uint8Array[]): Uint8Array {
    const hash = createHash('sha3-256');
    for (const part of parts) hash.update(part);
    return _u8(hash.digest());
  },
  shake256(data: Uint8Array, length: number): Uint8Array {
    return _u8(createHash('shake256', { outputLength: length }).update(data).digest());
  },
  randomBytes(length: number): Uint8Array {
    return _u8(randomBytes(length));
  },
});
