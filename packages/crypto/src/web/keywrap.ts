/**
 * AES-KW and AES-KWP on @noble/ciphers (`aeskw`, `aeskwp`), synchronous. WebCrypto's AES-KW is
 * async, limited to wrapping CryptoKeys, and has no KWP, so it is not used.
 *
 * `webAesKw`/`webAesKwp` are exported on their own for schemes built on them (RSA-AES-KWP).
 */
import { aeskw, aeskwp } from '@noble/ciphers/aes.js';
import {
  _keyWrapScheme,
  type _KeyWrapCore,
  type KeyWrapFamily,
  type KeyWrapScheme,
} from '../keywrap.ts';

function _nobleCore(make: typeof aeskw) {
  return (kek: Uint8Array): _KeyWrapCore => {
    const key = Uint8Array.from(kek); // noble keeps a reference; the caller may change theirs
    return {
      wrap: (keyData: Uint8Array) => make(key).encrypt(keyData),
      unwrap: (wrapped: Uint8Array) => make(key).decrypt(wrapped),
    };
  };
}

export const webAesKw: KeyWrapScheme = _keyWrapScheme('aes-kw', _nobleCore(aeskw));
export const webAesKwp: KeyWrapScheme = _keyWrapScheme('aes-kwp', _nobleCore(aeskwp));

export const webKeyWrap: KeyWrapFamily = Object.freeze({ aesKw: webAesKw, aesKwp: webAesKwp });
