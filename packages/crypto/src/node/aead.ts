/**
 * The node provider's AEAD family: AES-GCM and ChaCha20-Poly1305 natively (cached KeyObjects),
 * XChaCha20-Poly1305 as HChaCha20 + native ChaCha20-Poly1305, AES-SIV composed from native AES
 * modes. Everything is synchronous.
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
import { NativeAeadCore } from './aead-native.ts';
import { nodeAeadRuntime } from './aead-runtime.ts';
import { NodeSiv } from './aead-siv.ts';
import { XChaChaCore } from './aead-xchacha.ts';

export const nodeAead: AeadFamily = Object.freeze({
  algorithms: AEAD_ALGORITHMS,
  cipher(algorithm: AeadAlgorithm, key: Uint8Array): AeadCipher {
    _checkCipherArgs(algorithm, key);
    const core =
      algorithm === 'xchacha20-poly1305'
        ? new XChaChaCore(key)
        : new NativeAeadCore(algorithm, key);
    return new _Aead(core, nodeAeadRuntime);
  },
  siv(key: Uint8Array): DeterministicAead {
    _checkSivKey(key);
    return new NodeSiv(key);
  },
});
