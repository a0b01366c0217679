/**
 * `StreamPrimitives` of the web provider for the streaming format (`stream.ts`): the noble AEAD
 * family for the synchronous API, @noble/hashes HKDF-SHA-256, WebCrypto's CSPRNG, and
 * WebCrypto AES-GCM for the async entry points (native in every browser and in node, tens of
 * times faster than pure-JS AES on bulk data; the per-call promise cost is negligible at
 * chunk sizes of 64 KiB and more).
 */
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { DecryptionFailed } from '../errors.ts';
import type { AsyncChunkCipher, StreamAlgorithm, StreamPrimitives } from '../stream.ts';
import { webAead } from './aead.ts';
import { webRandomFill } from './aead-runtime.ts';

/** WebCrypto wants ArrayBuffer-backed views; ours always are. */
const _buf = (bytes: Uint8Array) => bytes as Uint8Array<ArrayBuffer>;

class _WebCryptoGcm implements AsyncChunkCipher {
  readonly #key: CryptoKey;

  constructor(key: CryptoKey) {
    this.#key = key;
  }

  async seal(nonce: Uint8Array, plaintext: Uint8Array): Promise<Uint8Array> {
    const params = { name: 'AES-GCM', iv: _buf(nonce), tagLength: 128 };
    return new Uint8Array(
      await globalThis.crypto.subtle.encrypt(params, this.#key, _buf(plaintext)),
    );
  }

  async open(nonce: Uint8Array, sealed: Uint8Array): Promise<Uint8Array> {
    const params = { name: 'AES-GCM', iv: _buf(nonce), tagLength: 128 };
    try {
      return new Uint8Array(
        await globalThis.crypto.subtle.decrypt(params, this.#key, _buf(sealed)),
      );
    } catch {
      throw new DecryptionFailed();
    }
  }
}

async function _asyncCipher(
  algorithm: StreamAlgorithm,
  key: Uint8Array,
): Promise<AsyncChunkCipher | undefined> {
  // WebCrypto has no ChaCha20-Poly1305: that stream uses the synchronous noble cipher.
  // Browsers leave crypto.subtle undefined outside secure contexts.
  const subtle = (globalThis.crypto as Partial<Crypto> | undefined)?.subtle;
  if (algorithm !== 'aes-256-gcm' || subtle === undefined) return undefined;
  // importKey copies the key bytes synchronously; the key is not extractable.
  const cryptoKey = await subtle.importKey('raw', _buf(key), 'AES-GCM', false, [
    'encrypt',
    'decrypt',
  ]);
  return new _WebCryptoGcm(cryptoKey);
}

export const webStreamPrimitives: StreamPrimitives = Object.freeze({
  aead: webAead,
  hkdfSha256: (ikm: Uint8Array, salt: Uint8Array, info: Uint8Array, length: number) =>
    hkdf(sha256, ikm, salt, info, length),
  randomBytes: (length: number) => {
    const bytes = new Uint8Array(length);
    webRandomFill(bytes);
    return bytes;
  },
  asyncCipher: _asyncCipher,
});
