/**
 * Interoperability cipher modes: AES-CBC (PKCS#7 or no padding), AES-XTS (IEEE 1619, storage
 * only), AES-GCM with any AES key size, and AES-GCM-SIV (RFC 8452). They exist because KMIP
 * clients and existing data ask for them (a KMS must Encrypt/Decrypt with what its clients
 * registered); new Custos designs use the `aead` family. CBC and XTS carry no integrity at all:
 * see `docs/crypto/modes.md` (padding oracles, XTS for storage only).
 *
 * This module declares the interface and holds what both providers share: argument checks and
 * the `ModeAeadCipher` front that wraps a provider core. Pure JS, no `node:` import.
 */
import { abytes, aoneOf, aoptbytes } from './_assert.ts';
import type { DetachedCiphertext } from './aead.ts';
import { constantTimeEqual } from './bytes.ts';
import { DecryptionFailed } from './errors.ts';

/** KMIP "PKCS5" is PKCS#7 on 16-byte blocks; `none` needs whole blocks. */
export type CbcPadding = 'pkcs7' | 'none';
export const CBC_PADDINGS: readonly CbcPadding[] = Object.freeze(['pkcs7', 'none']);

/** AES key lengths in bytes. */
export type AesKeyLength = 16 | 24 | 32;
/** AES-XTS keys: two AES-128 or two AES-256 keys (Key1 || Key2). */
export type XtsKeyLength = 32 | 64;

/** NIST SP 800-38E caps one XTS data unit at 2^20 blocks (OpenSSL enforces the same). */
export const XTS_MAX_BYTES = 16 * 2 ** 20;

/**
 * AES-CBC under one key (node: a cached KeyObject). No integrity: whoever can submit
 * ciphertexts and observe whether decryption succeeded has a padding oracle (Vaudenay 2002)
 * and can decrypt anything. Only for interoperability, and only behind a MAC or signature.
 */
export interface AesCbcCipher {
  readonly keyLength: AesKeyLength;
  /**
   * Encrypts with a 16-byte IV (the caller makes it unpredictable: random per message).
   * `padding` defaults to `pkcs7`; with `none` the plaintext must be whole blocks (RangeError).
   */
  encrypt(iv: Uint8Array, plaintext: Uint8Array, padding?: CbcPadding): Uint8Array;
  /**
   * Decrypts. A ciphertext that is not whole blocks (or is empty, with `pkcs7`) and a bad
   * padding all throw the same `DecryptionFailed`.
   */
  decrypt(iv: Uint8Array, ciphertext: Uint8Array, padding?: CbcPadding): Uint8Array;
}

/**
 * AES-XTS (IEEE 1619-2007, NIST SP 800-38E) with ciphertext stealing: length-preserving,
 * deterministic per (key, tweak) and unauthenticated, which is right for disk sectors and
 * nothing else. The tweak is the 16-byte data-unit number as IEEE 1619 and OpenSSL take it
 * (little-endian sector number for disks).
 */
export interface AesXtsCipher {
  readonly keyLength: XtsKeyLength;
  /** Encrypts one data unit of 16 bytes to `XTS_MAX_BYTES` (RangeError otherwise). */
  encrypt(tweak: Uint8Array, data: Uint8Array): Uint8Array;
  /** Decrypts one data unit (same length limits). */
  decrypt(tweak: Uint8Array, data: Uint8Array): Uint8Array;
}

/**
 * A nonce-based AEAD of this family: 12-byte nonce, 16-byte tag. The same contract as
 * `AeadCipher.seal/open/sealDetached/openDetached` (argument errors are TypeError/RangeError,
 * every authentication failure is `DecryptionFailed`).
 */
export interface ModeAeadCipher {
  readonly algorithm: 'aes-gcm' | 'aes-gcm-siv';
  readonly keyLength: AesKeyLength;
  readonly nonceLength: 12;
  readonly tagLength: 16;
  seal(nonce: Uint8Array, plaintext: Uint8Array, aad?: Uint8Array): Uint8Array;
  open(nonce: Uint8Array, sealed: Uint8Array, aad?: Uint8Array): Uint8Array;
  sealDetached(nonce: Uint8Array, plaintext: Uint8Array, aad?: Uint8Array): DetachedCiphertext;
  openDetached(
    nonce: Uint8Array,
    ciphertext: Uint8Array,
    tag: Uint8Array,
    aad?: Uint8Array,
  ): Uint8Array;
}

/** Interoperability modes. Each factory copies the key and parses it once. Sync in both providers. */
export interface CipherModesFamily {
  /** AES-CBC with a 16-, 24- or 32-byte key. */
  cbc(key: Uint8Array): AesCbcCipher;
  /** AES-XTS with a 32- or 64-byte key whose halves differ (RangeError if equal). */
  xts(key: Uint8Array): AesXtsCipher;
  /** AES-GCM with a 16-, 24- or 32-byte key (the `aead` family offers 128 and 256 only). */
  gcm(key: Uint8Array): ModeAeadCipher;
  /** AES-GCM-SIV (RFC 8452) with a 16- or 32-byte key. */
  gcmSiv(key: Uint8Array): ModeAeadCipher;
}

// ---------------------------------------------------------------------------------------------
// Shared implementation, used by both providers.

/** @internal */
export function _checkAesKey(key: unknown): AesKeyLength {
  return abytes(key, 'key', 16, 24, 32).length as AesKeyLength;
}

/** RFC 8452 defines AES-GCM-SIV for 128- and 256-bit keys only. @internal */
export function _checkGcmSivKey(key: unknown): 16 | 32 {
  return abytes(key, 'key', 16, 32).length as 16 | 32;
}

/**
 * Validates an XTS key. Equal halves are refused: IEEE 1619-2018 and FIPS 140-3 IG C.I require
 * Key1 ≠ Key2, and OpenSSL refuses them too, so both providers behave alike. @internal
 */
export function _checkXtsKey(key: unknown): XtsKeyLength {
  const k = abytes(key, 'key', 32, 64);
  const half = k.length / 2;
  if (constantTimeEqual(k.subarray(0, half), k.subarray(half))) {
    throw new RangeError('key halves must differ for AES-XTS');
  }
  return k.length as XtsKeyLength;
}

/** Validates XTS call arguments. @internal */
export function _checkXtsArgs(tweak: unknown, data: unknown): void {
  abytes(tweak, 'tweak', 16);
  const d = abytes(data, 'data');
  if (d.length < 16 || d.length > XTS_MAX_BYTES) {
    throw new RangeError(`data must be 16 to ${XTS_MAX_BYTES} bytes long, got ${d.length}`);
  }
}

/** Validates CBC encryption arguments; returns the padding. @internal */
export function _checkCbcEncrypt(iv: unknown, plaintext: unknown, padding: unknown): CbcPadding {
  abytes(iv, 'iv', 16);
  const p = abytes(plaintext, 'plaintext');
  const pad = padding === undefined ? 'pkcs7' : aoneOf(padding, 'padding', CBC_PADDINGS);
  if (pad === 'none' && p.length % 16 !== 0) {
    throw new RangeError(
      `plaintext must be a multiple of 16 bytes without padding, got ${p.length}`,
    );
  }
  return pad;
}

/**
 * Validates CBC decryption arguments; returns the padding. A ciphertext of the wrong length is
 * untrusted data, not a programming error: it fails like a bad padding. @internal
 */
export function _checkCbcDecrypt(iv: unknown, ciphertext: unknown, padding: unknown): CbcPadding {
  abytes(iv, 'iv', 16);
  const c = abytes(ciphertext, 'ciphertext');
  const pad = padding === undefined ? 'pkcs7' : aoneOf(padding, 'padding', CBC_PADDINGS);
  if (c.length % 16 !== 0 || (pad === 'pkcs7' && c.length === 0)) throw new DecryptionFailed();
  return pad;
}

/**
 * What a provider implements for a `ModeAeadCipher`. Arguments arrive validated (nonce 12
 * bytes, tag 16 bytes, aad never undefined). @internal
 */
export interface _ModeAeadCore {
  seal(nonce: Uint8Array, plaintext: Uint8Array, aad: Uint8Array): Uint8Array;
  sealDetached(nonce: Uint8Array, plaintext: Uint8Array, aad: Uint8Array): DetachedCiphertext;
  /** Returns the plaintext or throws `DecryptionFailed`. */
  open(nonce: Uint8Array, ciphertext: Uint8Array, tag: Uint8Array, aad: Uint8Array): Uint8Array;
}

/** The public `ModeAeadCipher`: argument checks and tag splitting around a core. @internal */
export class _ModeAead implements ModeAeadCipher {
  readonly algorithm: 'aes-gcm' | 'aes-gcm-siv';
  readonly keyLength: AesKeyLength;
  readonly nonceLength = 12 as const;
  readonly tagLength = 16 as const;
  readonly #core: _ModeAeadCore;

  constructor(algorithm: 'aes-gcm' | 'aes-gcm-siv', keyLength: AesKeyLength, core: _ModeAeadCore) {
    this.algorithm = algorithm;
    this.keyLength = keyLength;
    this.#core = core;
  }

  seal(nonce: Uint8Array, plaintext: Uint8Array, aad?: Uint8Array): Uint8Array {
    abytes(nonce, 'nonce', 12);
    abytes(plaintext, 'plaintext');
    return this.#core.seal(nonce, plaintext, aoptbytes(aad, 'aad'));
  }

  open(nonce: Uint8Array, sealed: Uint8Array, aad?: Uint8Array): Uint8Array {
    abytes(nonce, 'nonce', 12);
    abytes(sealed, 'sealed');
    const a = aoptbytes(aad, 'aad');
    const split = sealed.length - 16;
    if (split < 0) throw new DecryptionFailed();
    return this.#core.open(nonce, sealed.subarray(0, split), sealed.subarray(split), a);
  }

  sealDetached(nonce: Uint8Array, plaintext: Uint8Array, aad?: Uint8Array): DetachedCiphertext {
    abytes(nonce, 'nonce', 12);
    abytes(plaintext, 'plaintext');
    return this.#core.sealDetached(nonce, plaintext, aoptbytes(aad, 'aad'));
  }

  openDetached(
    nonce: Uint8Array,
    ciphertext: Uint8Array,
    tag: Uint8Array,
    aad?: Uint8Array,
  ): Uint8Array {
    abytes(nonce, 'nonce', 12);
    abytes(ciphertext, 'ciphertext');
    abytes(tag, 'tag', 16);
    return this.#core.open(nonce, ciphertext, tag, aoptbytes(aad, 'aad'));
  }
}
