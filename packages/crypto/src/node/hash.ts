/** Hashes and SHAKE from node:crypto (OpenSSL): `crypto.hash` one-shot, `createHash` incremental. */
import { createHash, hash } from 'node:crypto';
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

/**
 * A plain Uint8Array over a Buffer's bytes. Buffer is a Uint8Array subclass whose `slice()`
 * shares memory, a trap for callers who expect a copy; and a Buffer carved from Node's shared
 * pool would expose unrelated bytes through `.buffer`, so such a Buffer is copied out.
 */
export function _toBytes(buffer: Uint8Array): Uint8Array {
  if (buffer.byteOffset === 0 && buffer.byteLength === buffer.buffer.byteLength) {
    return new Uint8Array(buffer.buffer, 0, buffer.byteLength);
  }
  return Uint8Array.prototype.slice.call(buffer);
}

export const nodeHash: HashFamily = Object.freeze({
  digest(algorithm: HashAlgorithm, data: Uint8Array): Uint8Array {
    const alg = _hashAlgorithm(algorithm);
    return _toBytes(hash(alg, abytes(data, 'data'), 'buffer'));
  },

  create(algorithm: HashAlgorithm): Hasher {
    const h = createHash(_hashAlgorithm(algorithm));
    return new _Hasher({
      update: (data) => h.update(data),
      digest: () => _toBytes(h.digest()),
    });
  },

  xof(algorithm: XofAlgorithm, data: Uint8Array, outputLength: number): Uint8Array {
    const alg = _xofAlgorithm(algorithm);
    abytes(data, 'data');
    const length = _xofLength(outputLength);
    return _toBytes(hash(alg, data, { outputEncoding: 'buffer', outputLength: length }));
  },

  createXof(algorithm: XofAlgorithm): Xof {
    const h = createHash(_xofAlgorithm(algorithm));
    return new _Xof({
      update: (data) => h.update(data),
      // The output length is only known at the end: `copy` re-targets the absorbed state.
      digest: (length) => _toBytes(h.copy({ outputLength: length }).digest()),
    });
  },
});
