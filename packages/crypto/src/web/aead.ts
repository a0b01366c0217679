/**
 * The web provider's AEAD family, synchronous on @noble/ciphers: AES-GCM, ChaCha20-Poly1305,
 * XChaCha20-Poly1305 and AES-SIV. WebCrypto AES-GCM is not used here because it is
 * asynchronous only (the async streaming API uses it).
 */
import {
  _Aead,
  _checkCipherArgs,
  _checkSivKey,
  AEAD_ALGORITHMS,
  type AeadAlgorithm,
  type AeadCipher,
  type AeadFamily,
  type DeterministicAead,
} from '../aead.ts';
import { NobleAeadCore } from './aead-noble.ts';
import { webAeadRuntime } from './aead-runtime.ts';
import { WebSiv } from './aead-siv.ts';

export const webAead: AeadFamily = Object.freeze({
  algorithms: AEAD_ALGORITHMS,
  cipher(algorithm: AeadAlgorithm, key: Uint8Array): AeadCipher {
    _checkCipherArgs(algorithm, key);
    return new _Aead(new NobleAeadCore(algorithm, key), webAeadRuntime);
  },
  siv(key: Uint8Array): DeterministicAead {
    _checkSivKey(key);
    return new WebSiv(key);
  },
});
