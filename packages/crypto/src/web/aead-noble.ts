/**
 * AES-GCM, ChaCha20-Poly1305 and XChaCha20-Poly1305 on @noble/ciphers (audited, pure JS,
 * synchronous). WebCrypto's AES-GCM is native and much faster for large messages but only
 * asynchronous, so it cannot serve this synchronous interface; the streaming format uses it
 * for its async entry points instead (see `web/aead-stream.ts`).
 */
import { gcm } from '@noble/ciphers/aes.js';
import { chacha20poly1305, xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import type { _AeadCore, AeadAlgorithm, DetachedCiphertext } from '../aead.ts';
import { DecryptionFailed } from '../errors.ts';

interface _NobleCipher {
  encrypt(plaintext: Uint8Array): Uint8Array;
  decrypt(ciphertext: Uint8Array): Uint8Array;
}
type _NobleAead = (key: Uint8Array, nonce: Uint8Array, aad?: Uint8Array) => _NobleCipher;

const NOBLE: Readonly<Record<AeadAlgorithm, _NobleAead>> = {
  'aes-128-gcm': gcm,
  'aes-256-gcm': gcm,
  'chacha20-poly1305': chacha20poly1305,
  'xchacha20-poly1305': xchacha20poly1305,
};

/** Whether `b` starts right where `a` ends in the same buffer (then a || b needs no copy). */
function _adjacent(a: Uint8Array, b: Uint8Array): boolean {
  return a.buffer === b.buffer && a.byteOffset + a.length === b.byteOffset;
}

export class NobleAeadCore implements _AeadCore {
  readonly algorithm: AeadAlgorithm;
  readonly #make: _NobleAead;
  readonly #key: Uint8Array;

  constructor(algorithm: AeadAlgorithm, key: Uint8Array) {
    this.algorithm = algorithm;
    this.#make = NOBLE[algorithm];
    // noble keeps references to its arguments: a private copy keeps the caller from changing
    // the key under us.
    this.#key = Uint8Array.from(key);
  }

  sealInto(
    nonce: Uint8Array,
    plaintext: Uint8Array,
    aad: Uint8Array,
    out: Uint8Array,
    offset: number,
  ): void {
    out.set(this.#make(this.#key, nonce, aad).encrypt(plaintext), offset);
  }

  sealDetached(nonce: Uint8Array, plaintext: Uint8Array, aad: Uint8Array): DetachedCiphertext {
    const sealed = this.#make(this.#key, nonce, aad).encrypt(plaintext);
    const split = plaintext.length;
    return { ciphertext: sealed.subarray(0, split), tag: sealed.subarray(split) };
  }

  open(nonce: Uint8Array, ciphertext: Uint8Array, tag: Uint8Array, aad: Uint8Array): Uint8Array {
    let sealed: Uint8Array;
    if (_adjacent(ciphertext, tag)) {
      sealed = new Uint8Array(ciphertext.buffer, ciphertext.byteOffset, ciphertext.length + 16);
    } else {
      sealed = new Uint8Array(ciphertext.length + tag.length);
      sealed.set(ciphertext);
      sealed.set(tag, ciphertext.length);
    }
    try {
      return this.#make(this.#key, nonce, aad).decrypt(sealed);
    } catch {
      // noble throws a plain Error on a bad tag; every failure looks the same from here.
      throw new DecryptionFailed();
    }
  }
}
