/**
 * KDFs from node:crypto: `hkdfSync` with a KeyObject IKM (≈ 40 % faster than a raw Buffer on
 * Node 24), HMAC-based extract/expand, `pbkdf2` and `argon2` (Node ≥ 24.7) on the threadpool.
 */
import { argon2, createHmac, createSecretKey, hkdfSync, pbkdf2 as nodePbkdf2 } from 'node:crypto';
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
import { abytes } from '../_assert.ts';
import { HMAC_OUTPUT_LENGTH } from '../mac.ts';
import { _toBytes } from './hash.ts';

/** Node refuses an HKDF `info` longer than this; longer ones go through extract + expand. */
const NODE_HKDF_MAX_INFO = 1024;

function _extract(hash: KdfHash, ikm: Uint8Array, salt: Uint8Array): Uint8Array {
  // An empty salt is an empty HMAC key, which HMAC pads to the same block as HashLen zeros.
  return _toBytes(createHmac(hash, createSecretKey(salt)).update(ikm).digest());
}

function _expand(hash: KdfHash, prk: Uint8Array, info: Uint8Array, length: number): Uint8Array {
  const key = createSecretKey(prk);
  const hashLen = HMAC_OUTPUT_LENGTH[hash];
  const out = new Uint8Array(length);
  let previous = new Uint8Array(0);
  const counter = new Uint8Array(1);
  for (let offset = 0, i = 1; offset < length; offset += hashLen, i++) {
    counter[0] = i;
    previous = createHmac(hash, key).update(previous).update(info).update(counter).digest();
    out.set(previous.subarray(0, Math.min(hashLen, length - offset)), offset);
  }
  return out;
}

export const nodeKdf: KdfFamily = Object.freeze({
  hkdf(hash: KdfHash, ikm: Uint8Array, salt: Uint8Array, info: Uint8Array, length: number) {
    const a = _hkdfArgs(hash, ikm, salt, info, length);
    if (a.info.length > NODE_HKDF_MAX_INFO) {
      return _expand(a.hash, _extract(a.hash, a.ikm, a.salt), a.info, a.length);
    }
    return new Uint8Array(hkdfSync(a.hash, createSecretKey(a.ikm), a.salt, a.info, a.length));
  },

  hkdfExtract(hash: KdfHash, ikm: Uint8Array, salt: Uint8Array): Uint8Array {
    const h = _kdfHash(hash);
    return _extract(h, abytes(ikm, 'ikm'), abytes(salt, 'salt'));
  },

  hkdfExpand(hash: KdfHash, prk: Uint8Array, info: Uint8Array, length: number): Uint8Array {
    const h = _kdfHash(hash);
    const key = _hkdfPrk(h, prk);
    abytes(info, 'info');
    return _expand(h, key, info, _hkdfLength(h, length));
  },

  async pbkdf2(
    hash: KdfHash,
    password: Uint8Array,
    salt: Uint8Array,
    iterations: number,
    length: number,
  ): Promise<Uint8Array> {
    const a = _pbkdf2Args(hash, password, salt, iterations, length);
    const out = await new Promise<Uint8Array>((resolve, reject) => {
      nodePbkdf2(a.password, a.salt, a.iterations, a.length, a.hash, (error, key) => {
        if (error) reject(error);
        else resolve(key);
      });
    });
    return _toBytes(out);
  },

  async argon2id(params: Argon2idParams): Promise<Uint8Array> {
    const a = _argon2idArgs(params);
    const out = await new Promise<Uint8Array>((resolve, reject) => {
      argon2(
        'argon2id',
        {
          message: a.password,
          nonce: a.salt,
          parallelism: a.parallelism,
          tagLength: a.length,
          memory: a.memoryKiB,
          passes: a.passes,
          secret: a.secret,
          associatedData: a.associatedData,
        },
        (error, key) => {
          if (error) reject(error);
          else resolve(key);
        },
      );
    });
    return _toBytes(out);
  },
});
