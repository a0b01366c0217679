/**
 * RSA key transport: RSAES-OAEP (RFC 8017 §7.1) and the hybrid RSA-AES key wrap of PKCS#11
 * `CKM_RSA_AES_KEY_WRAP` (PKCS#11 v2.40 §2.1.21, also KMIP's "RSA AES key wrap").
 *
 * RSA-AES key wrap, for key material longer than OAEP can carry:
 *   1. draw a fresh AES key K (128, 192 or 256 bits);
 *   2. C1 = RSA-OAEP-Encrypt(publicKey, K) with the given hash for OAEP and MGF1, and label;
 *   3. C2 = AES-KWP-Wrap(K, keyData) (RFC 5649, NIST SP 800-38F KWP);
 *   4. output C1 ‖ C2 (C1 is exactly the modulus length); K is zeroized.
 * Unwrap splits at the modulus length, OAEP-decrypts K (its length must match `aesKeyBits`),
 * then KWP-unwraps. Every failure is the same `DecryptionFailed`.
 *
 * OAEP uses MGF1 with the same hash as the label hash (what WebCrypto and PKCS#11 profiles use).
 */
import { abytes, aoneOf, aoptbytes } from './_assert.ts';
import type { PrivateKey, PublicKey } from './keys.ts';

export type OaepHash = 'sha256' | 'sha384' | 'sha512';
export const OAEP_HASHES: readonly OaepHash[] = Object.freeze(['sha256', 'sha384', 'sha512']);

export interface RsaAesKeyWrapOptions {
  /** OAEP hash (and MGF1 hash). */
  hash: OaepHash;
  /** Size of the ephemeral AES key; default 256. */
  aesKeyBits?: 128 | 192 | 256;
  /** OAEP label (PKCS#11 `pSourceData`); default empty. */
  label?: Uint8Array;
}

export interface RsaWrapFamily {
  /**
   * RSAES-OAEP encryption of `data` (at most k − 2·hLen − 2 bytes for a k-byte modulus).
   * Throws TypeError/RangeError for bad arguments (including data too long), TypeError for a
   * key of another provider, InvalidKey for a non-RSA or private key.
   */
  oaepEncrypt(
    publicKey: PublicKey,
    data: Uint8Array,
    hash: OaepHash,
    label?: Uint8Array,
  ): Promise<Uint8Array>;
  /** RSAES-OAEP decryption. Any failure (wrong key, label, hash, length, padding): DecryptionFailed. */
  oaepDecrypt(
    privateKey: PrivateKey,
    ciphertext: Uint8Array,
    hash: OaepHash,
    label?: Uint8Array,
  ): Promise<Uint8Array>;
  /** CKM_RSA_AES_KEY_WRAP of `keyData` (1 byte or more). */
  aesKwpWrap(
    publicKey: PublicKey,
    keyData: Uint8Array,
    options: RsaAesKeyWrapOptions,
  ): Promise<Uint8Array>;
  /** Inverse of `aesKwpWrap`; any failure is DecryptionFailed. */
  aesKwpUnwrap(
    privateKey: PrivateKey,
    wrapped: Uint8Array,
    options: RsaAesKeyWrapOptions,
  ): Promise<Uint8Array>;
}

// ---------------------------------------------------------------------------------------------
// Shared by both providers

export const OAEP_HASH_LENGTH: Readonly<Record<OaepHash, number>> = Object.freeze({
  sha256: 32,
  sha384: 48,
  sha512: 64,
});

/** Validates hash and label. */
export function checkOaepArguments(
  hash: unknown,
  label: unknown,
): { hash: OaepHash; label: Uint8Array } {
  return { hash: aoneOf(hash, 'hash', OAEP_HASHES), label: aoptbytes(label, 'label') };
}

/** Largest OAEP message for a modulus of `modulusBits` (RFC 8017 §7.1.1: k − 2·hLen − 2). */
export function oaepMaxLength(modulusBits: number, hash: OaepHash): number {
  return Math.ceil(modulusBits / 8) - 2 * OAEP_HASH_LENGTH[hash] - 2;
}

/** Throws RangeError when `data` is too long for one OAEP block. */
export function checkOaepLength(data: Uint8Array, modulusBits: number, hash: OaepHash): void {
  const max = oaepMaxLength(modulusBits, hash);
  if (data.length > max)
    throw new RangeError(`data must be at most ${max} bytes for this key and hash`);
}

/** Validates the RSA-AES key wrap options; returns the AES key size in bytes. */
export function checkKeyWrapOptions(options: unknown): {
  hash: OaepHash;
  aesKeyBytes: number;
  label: Uint8Array;
} {
  if (typeof options !== 'object' || options === null)
    throw new TypeError('options must be an object');
  const o = options as Record<string, unknown>;
  const { hash, label } = checkOaepArguments(o['hash'], o['label']);
  const bits = o['aesKeyBits'] === undefined ? 256 : o['aesKeyBits'];
  if (bits !== 128 && bits !== 192 && bits !== 256) {
    throw new (typeof bits === 'number' ? RangeError : TypeError)(
      'options.aesKeyBits must be 128, 192 or 256',
    );
  }
  return { hash, aesKeyBytes: bits / 8, label };
}

/** Checks wrap input: non-empty bytes (KWP wraps 1 to 2^32 bytes). */
export function checkKeyData(keyData: unknown): Uint8Array {
  const data = abytes(keyData, 'keyData');
  if (data.length === 0) throw new RangeError('keyData must not be empty');
  return data;
}

/**
 * Splits a wrapped blob into the OAEP block and the KWP part, or undefined when its length is
 * impossible (the caller then throws DecryptionFailed).
 */
export function splitWrapped(
  wrapped: Uint8Array,
  modulusBits: number,
): { oaep: Uint8Array; kwp: Uint8Array } | undefined {
  const k = Math.ceil(modulusBits / 8);
  const rest = wrapped.length - k;
  if (rest < 16 || rest % 8 !== 0) return undefined;
  return { oaep: wrapped.subarray(0, k), kwp: wrapped.subarray(k) };
}
