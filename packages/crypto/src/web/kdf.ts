/**
 * KDFs for browsers: HKDF and Argon2id from @noble/hashes (HKDF must be synchronous, which
 * WebCrypto's is not; noble's is as fast as node's), PBKDF2 from WebCrypto (native speed matters
 * at 600 000 iterations) with noble as the fallback where `crypto.subtle` is missing (insecure
 * contexts) or the password is empty (some browsers refuse empty PBKDF2 keys).
 */
import { argon2idAsync } from '@noble/hashes/argon2.js';
import { expand, extract, hkdf } from '@noble/hashes/hkdf.js';
import { pbkdf2Async } from '@noble/hashes/pbkdf2.js';
import { abytes } from '../_assert.ts';
import {
  _argon2idArgs,
  _hkdfArgs,
  _hkdfLength,
  _hkdfPrk,
  _kdfHash,
  _pbkdf2Args,
  type Argon2idParams,
  type KdfFamily,
  type KdfHash,
} from '../kdf.ts';
import { _NOBLE_HASH } from './hash.ts';

const SUBTLE_HASH = Object.freeze({ sha256: 'SHA-256', sha384: 'SHA-384', sha512: 'SHA-512' });

export const webKdf: KdfFamily = Object.freeze({
  hkdf(hash: KdfHash, ikm: Uint8Array, salt: Uint8Array, info: Uint8Array, length: number) {
    const a = _hkdfArgs(hash, ikm, salt, info, length);
    return hkdf(_NOBLE_HASH[a.hash], a.ikm, a.salt, a.info, a.length);
  },

  hkdfExtract(hash: KdfHash, ikm: Uint8Array, salt: Uint8Array): Uint8Array {
    const h = _kdfHash(hash);
    return extract(_NOBLE_HASH[h], abytes(ikm, 'ikm'), abytes(salt, 'salt'));
  },

  hkdfExpand(hash: KdfHash, prk: Uint8Array, info: Uint8Array, length: number): Uint8Array {
    const h = _kdfHash(hash);
    const key = _hkdfPrk(h, prk);
    abytes(info, 'info');
    return expand(_NOBLE_HASH[h], key, info, _hkdfLength(h, length));
  },

  async pbkdf2(
    hash: KdfHash,
    password: Uint8Array,
    salt: Uint8Array,
    iterations: number,
    length: number,
  ): Promise<Uint8Array> {
    const a = _pbkdf2Args(hash, password, salt, iterations, length);
    // `crypto.subtle` is undefined outside secure contexts, whatever the DOM typings say.
    const subtle = (globalThis.crypto as { subtle?: SubtleCrypto } | undefined)?.subtle;
    if (subtle === undefined || a.password.length === 0) {
      return pbkdf2Async(_NOBLE_HASH[a.hash], a.password, a.salt, {
        c: a.iterations,
        dkLen: a.length,
      });
    }
    // Copies: WebCrypto wants ArrayBuffer-backed views, and the caller's arrays stay untouched.
    const key = await subtle.importKey('raw', a.password.slice(), 'PBKDF2', false, ['deriveBits']);
    const bits = await subtle.deriveBits(
      { name: 'PBKDF2', hash: SUBTLE_HASH[a.hash], salt: a.salt.slice(), iterations: a.iterations },
      key,
      a.length * 8,
    );
    return new Uint8Array(bits);
  },

  async argon2id(params: Argon2idParams): Promise<Uint8Array> {
    const a = _argon2idArgs(params);
    return argon2idAsync(a.password, a.salt, {
      t: a.passes,
      m: a.memoryKiB,
      p: a.parallelism,
      dkLen: a.length,
      key: a.secret,
      personalization: a.associatedData,
      maxmem: a.memoryKiB * 1024,
    });
  },
});
