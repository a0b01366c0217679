/**
 * Hashes and SHAKE from @noble/hashes. WebCrypto's `digest` is not used: it is asynchronous
 * (≈ 30 µs per awaited call, more than the hash itself for small inputs) and has no SHA-3/SHAKE.
 */
import { sha256, sha384, sha512 } from '@noble/hashes/sha2.js';
import { sha3_256, sha3_384, sha3_512, shake128, shake256 } from '@noble/hashes/sha3.js';
import { abytes } from '../_assert.ts';
import {
  _Hasher,
  _hashAlgorithm,
  _Xof,
  _xofAlgorithm,
  _xofLength,
  type HashAlgorithm,
  type HashFamily,
  type Hasher,
  type Xof,
  type XofAlgorithm,
} from '../hash.ts';

/** The noble function of each algorithm (shared with the web MAC/KDF families). */
export const _NOBLE_HASH = Object.freeze({
  sha256,
  sha384,
  sha512,
  'sha3-256': sha3_256,
  'sha3-384': sha3_384,
  'sha3-512': sha3_512,
});

const NOBLE_XOF = Object.freeze({ shake128, shake256 });

export const webHash: HashFamily = Object.freeze({
  digest(algorithm: HashAlgorithm, data: Uint8Array): Uint8Array {
    const fn = _NOBLE_HASH[_hashAlgorithm(algorithm)];
    return fn(abytes(data, 'data'));
  },

  create(algorithm: HashAlgorithm): Hasher {
    const h = _NOBLE_HASH[_hashAlgorithm(algorithm)].create();
    return new _Hasher({
      update: (data) => h.update(data),
      digest: () => h.digest(),
    });
  },

  xof(algorithm: XofAlgorithm, data: Uint8Array, outputLength: number): Uint8Array {
    const fn = NOBLE_XOF[_xofAlgorithm(algorithm)];
    abytes(data, 'data');
    return fn(data, { dkLen: _xofLength(outputLength) });
  },

  createXof(algorithm: XofAlgorithm): Xof {
    const h = NOBLE_XOF[_xofAlgorithm(algorithm)].create();
    return new _Xof({
      update: (data) => h.update(data),
      digest: (length) => h.xof(length),
    });
  },
});
