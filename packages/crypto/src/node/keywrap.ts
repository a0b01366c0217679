/**
 * AES-KW and AES-KWP on node:crypto (OpenSSL `id-aes*-wrap` and `id-aes*-wrap-pad`), with the
 * KEK parsed once per `withKek`. node requires the RFC default IVs to be passed explicitly.
 *
 * `nodeAesKw`/`nodeAesKwp` are exported on their own for schemes built on them (RSA-AES-KWP).
 */
import { createCipheriv, createDecipheriv, createSecretKey } from 'node:crypto';
import {
  _keyWrapScheme,
  type _KeyWrapCore,
  type KeyWrapAlgorithm,
  type KeyWrapFamily,
  type KeyWrapScheme,
} from '../keywrap.ts';
import { plainBytes } from './aead-runtime.ts';

/** RFC 3394 §2.2.3.1 default IV and RFC 5649 §3 alternative IV (its constant half). */
const KW_IV = new Uint8Array([0xa6, 0xa6, 0xa6, 0xa6, 0xa6, 0xa6, 0xa6, 0xa6]);
const KWP_IV = new Uint8Array([0xa6, 0x59, 0x59, 0xa6]);

function _nodeCore(algorithm: KeyWrapAlgorithm) {
  return (kek: Uint8Array): _KeyWrapCore => {
    const key = createSecretKey(kek); // copies
    const bits = kek.length * 8;
    const name = algorithm === 'aes-kw' ? `id-aes${bits}-wrap` : `id-aes${bits}-wrap-pad`;
    const iv = algorithm === 'aes-kw' ? KW_IV : KWP_IV;
    return {
      wrap(keyData: Uint8Array): Uint8Array {
        const cipher = createCipheriv(name, key, iv);
        const out = cipher.update(keyData);
        cipher.final();
        return plainBytes(out);
      },
      unwrap(wrapped: Uint8Array): Uint8Array {
        const decipher = createDecipheriv(name, key, iv);
        // OpenSSL checks the integrity value (and KWP padding) inside update(): it throws on
        // failure and returns nothing.
        const out = decipher.update(wrapped);
        decipher.final();
        return plainBytes(out);
      },
    };
  };
}

export const nodeAesKw: KeyWrapScheme = _keyWrapScheme('aes-kw', _nodeCore('aes-kw'));
export const nodeAesKwp: KeyWrapScheme = _keyWrapScheme('aes-kwp', _nodeCore('aes-kwp'));

export const nodeKeyWrap: KeyWrapFamily = Object.freeze({ aesKw: nodeAesKw, aesKwp: nodeAesKwp });
