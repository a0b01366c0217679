/**
 * ristretto255 over libsodium's WebAssembly build, shared by both providers: neither
 * node:crypto nor WebCrypto offers the group, and libsodium's constant-time implementation is
 * ≈ 8× faster than pure JS (@noble/curves) for a scalar multiplication.
 *
 * The WASM module is instantiated once, by the top-level await below, when this module is first
 * imported.
 *
 * libsodium refuses to return the identity from a scalar multiplication (it is a classic
 * Diffie-Hellman failure); we call it only when the result cannot be the identity (s ≠ 0 mod ℓ,
 * P ≠ identity, in a group of prime order) and return the identity ourselves otherwise. With
 * those cases excluded, any libsodium failure means an invalid point encoding.
 */
import sodium from 'libsodium-wrappers-sumo';
import { expand_message_xmd } from '@noble/curves/abstract/hash-to-curve.js';
import { sha512 } from '@noble/hashes/sha2.js';
import { abytes } from './_assert.ts';
import { InvalidEncoding } from './errors.ts';
import {
  _ascalar,
  _isZero32,
  RISTRETTO255_MAX_DST_LENGTH,
  RISTRETTO255_MAX_MSM,
  RISTRETTO255_POINT_LENGTH,
  RISTRETTO255_UNIFORM_LENGTH,
  type Ristretto255Family,
  type Ristretto255Points,
  type Ristretto255Scalars,
} from './ristretto255.ts';

await sodium.ready;

const IDENTITY = new Uint8Array(RISTRETTO255_POINT_LENGTH);
const ONE = new Uint8Array(32);
ONE[0] = 1;
const BASE = sodium.crypto_scalarmult_ristretto255_base(ONE);

function _apoint(value: unknown, label: string): Uint8Array {
  const p = abytes(value, label, RISTRETTO255_POINT_LENGTH);
  if (!_isZero32(p) && !sodium.crypto_core_ristretto255_is_valid_point(p)) {
    throw new InvalidEncoding(`${label} is not a valid ristretto255 encoding`);
  }
  return p;
}

/** Runs a libsodium point operation whose only possible failure is an invalid encoding. */
function _pointOp(label: string, op: () => Uint8Array): Uint8Array {
  try {
    return op();
  } catch {
    throw new InvalidEncoding(`${label} is not a valid ristretto255 encoding`);
  }
}

function _mul(s: Uint8Array, p: Uint8Array, label: string): Uint8Array {
  if (_isZero32(s) || _isZero32(p)) return IDENTITY.slice();
  return _pointOp(label, () => sodium.crypto_scalarmult_ristretto255(s, p));
}

/**
 * Builds the family around a CSPRNG fill function (the provider's own: randomFillSync on node,
 * getRandomValues in browsers), so that random scalars come from the platform generator.
 */
export function _sodiumRistretto255(fill: (buffer: Uint8Array) => Uint8Array): Ristretto255Family {
  const scalar: Ristretto255Scalars = Object.freeze({
    random(): Uint8Array {
      const wide = new Uint8Array(RISTRETTO255_UNIFORM_LENGTH);
      for (;;) {
        const s = sodium.crypto_core_ristretto255_scalar_reduce(fill(wide));
        // Zero has probability 2^-252; retried anyway so that the result is always invertible.
        if (!_isZero32(s)) {
          wide.fill(0);
          return s;
        }
      }
    },
    fromBytes(bytes: Uint8Array): Uint8Array {
      return _ascalar(bytes, 'bytes').slice();
    },
    fromUniform(bytes: Uint8Array): Uint8Array {
      abytes(bytes, 'bytes', RISTRETTO255_UNIFORM_LENGTH);
      return sodium.crypto_core_ristretto255_scalar_reduce(bytes);
    },
    add(a: Uint8Array, b: Uint8Array): Uint8Array {
      return sodium.crypto_core_ristretto255_scalar_add(_ascalar(a, 'a'), _ascalar(b, 'b'));
    },
    sub(a: Uint8Array, b: Uint8Array): Uint8Array {
      return sodium.crypto_core_ristretto255_scalar_sub(_ascalar(a, 'a'), _ascalar(b, 'b'));
    },
    mul(a: Uint8Array, b: Uint8Array): Uint8Array {
      return sodium.crypto_core_ristretto255_scalar_mul(_ascalar(a, 'a'), _ascalar(b, 'b'));
    },
    negate(a: Uint8Array): Uint8Array {
      return sodium.crypto_core_ristretto255_scalar_negate(_ascalar(a, 'a'));
    },
    invert(a: Uint8Array): Uint8Array {
      if (_isZero32(_ascalar(a, 'a'))) throw new RangeError('a must be non-zero to be inverted');
      return sodium.crypto_core_ristretto255_scalar_invert(a);
    },
    isZero(a: Uint8Array): boolean {
      return _isZero32(_ascalar(a, 'a'));
    },
  });

  const point: Ristretto255Points = Object.freeze({
    get identity(): Uint8Array {
      return IDENTITY.slice();
    },
    get base(): Uint8Array {
      return BASE.slice();
    },
    decode(bytes: Uint8Array): Uint8Array {
      return _apoint(bytes, 'bytes').slice();
    },
    isIdentity(p: Uint8Array): boolean {
      return _isZero32(_apoint(p, 'p'));
    },
    add(p: Uint8Array, q: Uint8Array): Uint8Array {
      abytes(p, 'p', RISTRETTO255_POINT_LENGTH);
      abytes(q, 'q', RISTRETTO255_POINT_LENGTH);
      return _pointOp('p or q', () => sodium.crypto_core_ristretto255_add(p, q));
    },
    sub(p: Uint8Array, q: Uint8Array): Uint8Array {
      abytes(p, 'p', RISTRETTO255_POINT_LENGTH);
      abytes(q, 'q', RISTRETTO255_POINT_LENGTH);
      return _pointOp('p or q', () => sodium.crypto_core_ristretto255_sub(p, q));
    },
    negate(p: Uint8Array): Uint8Array {
      abytes(p, 'p', RISTRETTO255_POINT_LENGTH);
      return _pointOp('p', () => sodium.crypto_core_ristretto255_sub(IDENTITY, p));
    },
    mul(s: Uint8Array, p: Uint8Array): Uint8Array {
      _ascalar(s, 'scalar');
      abytes(p, 'p', RISTRETTO255_POINT_LENGTH);
      // The identity short-cut must not let an invalid encoding through unchecked.
      if (_isZero32(s)) _apoint(p, 'p');
      return _mul(s, p, 'p');
    },
    mulBase(s: Uint8Array): Uint8Array {
      if (_isZero32(_ascalar(s, 'scalar'))) return IDENTITY.slice();
      return sodium.crypto_scalarmult_ristretto255_base(s);
    },
    multiScalarMul(scalars: readonly Uint8Array[], points: readonly Uint8Array[]): Uint8Array {
      const ss: unknown = scalars;
      const ps: unknown = points;
      if (!Array.isArray(ss)) throw new TypeError('scalars must be an array');
      if (!Array.isArray(ps)) throw new TypeError('points must be an array');
      if (ss.length !== ps.length) {
        throw new RangeError('scalars and points must have the same length');
      }
      if (ss.length > RISTRETTO255_MAX_MSM) {
        throw new RangeError(`at most ${RISTRETTO255_MAX_MSM} terms`);
      }
      // Scalars are all checked before any work; a point is checked by its multiplication
      // (or explicitly when its scalar is zero and the multiplication is skipped).
      const terms: [Uint8Array, Uint8Array][] = [];
      for (let i = 0; i < ss.length; i++) {
        const s = _ascalar(ss[i], `scalars[${i}]`);
        const p = abytes(ps[i], `points[${i}]`, RISTRETTO255_POINT_LENGTH);
        terms.push([s, _isZero32(s) ? _apoint(p, `points[${i}]`) : p]);
      }
      // libsodium has no MSM; one WASM multiplication per term beats noble's Pippenger for
      // every size we measured (see docs/crypto/hashing-kdf-ristretto.md).
      let acc: Uint8Array = IDENTITY.slice();
      for (const [i, [s, p]] of terms.entries()) {
        acc = sodium.crypto_core_ristretto255_add(acc, _mul(s, p, `points[${i}]`));
      }
      return acc;
    },
    equals(p: Uint8Array, q: Uint8Array): boolean {
      const a = _apoint(p, 'p');
      const b = _apoint(q, 'q');
      let diff = 0;
      for (let i = 0; i < RISTRETTO255_POINT_LENGTH; i++)
        diff |= (a[i] as number) ^ (b[i] as number);
      return diff === 0;
    },
    hashToGroup(message: Uint8Array, dst: Uint8Array): Uint8Array {
      abytes(message, 'message');
      abytes(dst, 'dst');
      if (dst.length < 1 || dst.length > RISTRETTO255_MAX_DST_LENGTH) {
        throw new RangeError(`dst must be 1 to ${RISTRETTO255_MAX_DST_LENGTH} bytes long`);
      }
      const uniform = expand_message_xmd(message, dst, RISTRETTO255_UNIFORM_LENGTH, sha512);
      return sodium.crypto_core_ristretto255_from_hash(uniform);
    },
    fromUniform(bytes: Uint8Array): Uint8Array {
      abytes(bytes, 'bytes', RISTRETTO255_UNIFORM_LENGTH);
      return sodium.crypto_core_ristretto255_from_hash(bytes);
    },
  });

  return Object.freeze({ scalar, point });
}
