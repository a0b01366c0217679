/**
 * XChaCha20-Poly1305 (draft-irtf-cfrg-xchacha-03) on node:crypto. node has no XChaCha, so each
 * message derives its subkey with HChaCha20 (from @noble/ciphers) and then runs node's native
 * ChaCha20-Poly1305 with nonce `0x00000000 || nonce[16..24]` (draft §2.3).
 */
import { createSecretKey } from 'node:crypto';
import { hchacha } from '@noble/ciphers/chacha.js';
import type { _AeadCore, DetachedCiphertext } from '../aead.ts';
import { nativeOpen, nativeSeal, nativeSealDetached, nativeSealInto } from './aead-native.ts';

/** "expand 32-byte k" as four little-endian words, viewed as the bytes hchacha expects. */
const SIGMA = new Uint32Array(new TextEncoder().encode('expand 32-byte k').buffer);

export class XChaChaCore implements _AeadCore {
  readonly algorithm = 'xchacha20-poly1305' as const;
  /** The key as 32-bit words over its own bytes (hchacha reads native-order views). */
  readonly #key: Uint32Array;

  constructor(key: Uint8Array) {
    this.#key = new Uint32Array(Uint8Array.from(key).buffer);
  }

  /** HChaCha20(key, nonce[0..16]) as a KeyObject, and the 12-byte ChaCha20 nonce. */
  #derive(nonce: Uint8Array) {
    const prefix = new Uint32Array(Uint8Array.from(nonce.subarray(0, 16)).buffer);
    const words = new Uint32Array(8);
    hchacha(SIGMA, this.#key, prefix, words);
    const subkeyBytes = new Uint8Array(words.buffer);
    const subkey = createSecretKey(subkeyBytes); // copies
    subkeyBytes.fill(0);
    const chachaNonce = new Uint8Array(12);
    chachaNonce.set(nonce.subarray(16, 24), 4);
    return { subkey, chachaNonce };
  }

  sealInto(
    nonce: Uint8Array,
    plaintext: Uint8Array,
    aad: Uint8Array,
    out: Uint8Array,
    offset: number,
  ): void {
    const { subkey, chachaNonce } = this.#derive(nonce);
    nativeSealInto('chacha20-poly1305', subkey, chachaNonce, plaintext, aad, out, offset);
  }

  seal(nonce: Uint8Array, plaintext: Uint8Array, aad: Uint8Array): Uint8Array {
    const { subkey, chachaNonce } = this.#derive(nonce);
    return nativeSeal('chacha20-poly1305', subkey, chachaNonce, plaintext, aad);
  }

  sealDetached(nonce: Uint8Array, plaintext: Uint8Array, aad: Uint8Array): DetachedCiphertext {
    const { subkey, chachaNonce } = this.#derive(nonce);
    return nativeSealDetached('chacha20-poly1305', subkey, chachaNonce, plaintext, aad);
  }

  open(nonce: Uint8Array, ciphertext: Uint8Array, tag: Uint8Array, aad: Uint8Array): Uint8Array {
    const { subkey, chachaNonce } = this.#derive(nonce);
    return nativeOpen('chacha20-poly1305', subkey, chachaNonce, ciphertext, tag, aad);
  }
}
