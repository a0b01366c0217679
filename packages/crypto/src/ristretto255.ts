/**
 * The ristretto255 prime-order group (RFC 9496) and its scalar field Z/ℓZ,
 * ℓ = 2^252 + 27742317777372353535851937790883648493.
 *
 * Scalars and points are plain 32-byte `Uint8Array` values: scalars little-endian and canonical
 * (< ℓ), points in the canonical RFC 9496 encoding. Because that encoding is canonical, two
 * points are equal exactly when their bytes are. Every function returns a new array and never
 * modifies its inputs.
 *
 * The identity element encodes as 32 zero bytes; `point.decode` accepts it (it is a valid
 * element, RFC 9496 §4.3.1) and arithmetic handles it (`mul(0, P)` is the identity). Protocols
 * for which the identity is a degenerate public value (Diffie-Hellman shares, public keys) must
 * reject it themselves with `point.isIdentity`.
 */
import { abytes } from './_assert.ts';
import { InvalidEncoding } from './errors.ts';

export const RISTRETTO255_SCALAR_LENGTH = 32;
export const RISTRETTO255_POINT_LENGTH = 32;
/** Input length of the uniform-bytes maps (`scalar.fromUniform`, `point.fromUniform`). */
export const RISTRETTO255_UNIFORM_LENGTH = 64;
/** Bounds on a hash-to-group domain separation tag (RFC 9380 §3.1: non-empty, ≤ 255 bytes). */
export const RISTRETTO255_MAX_DST_LENGTH = 255;

/** ℓ, little-endian (RFC 9496 §4, the order of the group). Not exported: arrays are mutable. */
const ORDER: Uint8Array = Uint8Array.from([
  0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
]);

export interface Ristretto255Scalars {
  /** A uniformly random non-zero scalar from the platform CSPRNG. */
  random(): Uint8Array;
  /**
   * Checks that `bytes` is a canonical scalar (little-endian, < ℓ) and returns a copy.
   * @throws TypeError/RangeError unless 32 bytes; InvalidEncoding if ≥ ℓ.
   */
  fromBytes(bytes: Uint8Array): Uint8Array;
  /**
   * Reduces 64 uniformly random bytes modulo ℓ (bias ≈ 2^-260: for hash outputs and KDF
   * outputs that must become scalars). @throws TypeError/RangeError unless 64 bytes.
   */
  fromUniform(bytes: Uint8Array): Uint8Array;
  /** a + b mod ℓ. @throws TypeError/RangeError (not 32 bytes), InvalidEncoding (not < ℓ). */
  add(a: Uint8Array, b: Uint8Array): Uint8Array;
  /** a − b mod ℓ. Same errors as `add`. */
  sub(a: Uint8Array, b: Uint8Array): Uint8Array;
  /** a · b mod ℓ. Same errors as `add`. */
  mul(a: Uint8Array, b: Uint8Array): Uint8Array;
  /** −a mod ℓ. Same errors as `add`. */
  negate(a: Uint8Array): Uint8Array;
  /** a^−1 mod ℓ. Same errors as `add`, and RangeError if a is zero (zero has no inverse). */
  invert(a: Uint8Array): Uint8Array;
  /** Whether a is zero, in constant time. Same errors as `add`. */
  isZero(a: Uint8Array): boolean;
}

export interface Ristretto255Points {
  /** The identity element (32 zero bytes); a fresh copy on each read. */
  readonly identity: Uint8Array;
  /** The RFC 9496 generator B; a fresh copy on each read. */
  readonly base: Uint8Array;
  /**
   * Validates a canonical encoding (RFC 9496 §4.3.1, identity included) and returns a copy.
   * @throws TypeError/RangeError unless 32 bytes; InvalidEncoding for any non-canonical or
   *   invalid encoding.
   */
  decode(bytes: Uint8Array): Uint8Array;
  /** Whether `p` is the identity, in constant time. @throws as `decode`. */
  isIdentity(p: Uint8Array): boolean;
  /** P + Q. @throws as `decode` for either operand. */
  add(p: Uint8Array, q: Uint8Array): Uint8Array;
  /** P − Q. @throws as `decode` for either operand. */
  sub(p: Uint8Array, q: Uint8Array): Uint8Array;
  /** −P. @throws as `decode`. */
  negate(p: Uint8Array): Uint8Array;
  /**
   * s · P, variable base, constant time in s (except that s = 0 returns the identity at once).
   * @throws as `scalar.add` for s and as `decode` for P.
   */
  mul(scalar: Uint8Array, p: Uint8Array): Uint8Array;
  /** s · B, fixed base. @throws as `scalar.add`. */
  mulBase(scalar: Uint8Array): Uint8Array;
  /**
   * Σ sᵢ · Pᵢ. The empty sum is the identity.
   * @throws TypeError if the arguments are not arrays; RangeError if their lengths differ or
   *   exceed 65536; otherwise as `mul` for each pair.
   */
  multiScalarMul(scalars: readonly Uint8Array[], points: readonly Uint8Array[]): Uint8Array;
  /** Constant-time equality of two elements. @throws as `decode` for either operand. */
  equals(p: Uint8Array, q: Uint8Array): boolean;
  /**
   * hash_to_ristretto255 (RFC 9380 Appendix B): expand_message_xmd with SHA-512 to 64 bytes,
   * then the RFC 9496 §4.3.4 one-way map. Pick a protocol-specific `dst`.
   * @throws TypeError on non-bytes; RangeError unless 1 ≤ dst.length ≤ 255.
   */
  hashToGroup(message: Uint8Array, dst: Uint8Array): Uint8Array;
  /**
   * The RFC 9496 §4.3.4 element derivation ("one-way map") of 64 uniform bytes.
   * @throws TypeError/RangeError unless 64 bytes.
   */
  fromUniform(bytes: Uint8Array): Uint8Array;
}

export interface Ristretto255Family {
  readonly scalar: Ristretto255Scalars;
  readonly point: Ristretto255Points;
}

/** Largest multi-scalar multiplication accepted in one call. */
export const RISTRETTO255_MAX_MSM = 65536;

/**
 * Asserts a canonical scalar: 32 bytes (RangeError) and < ℓ (InvalidEncoding). The comparison
 * runs in constant time (a full borrow chain of s − ℓ), since scalars are often secret.
 */
export function _ascalar(value: unknown, label: string): Uint8Array {
  const s = abytes(value, label, RISTRETTO255_SCALAR_LENGTH);
  let borrow = 0;
  for (let i = 0; i < RISTRETTO255_SCALAR_LENGTH; i++) {
    borrow = ((s[i] as number) - (ORDER[i] as number) - borrow) >>> 31;
  }
  // borrow = 1 exactly when s < ℓ.
  if (borrow !== 1) throw new InvalidEncoding(`${label} is not a canonical scalar (must be < ℓ)`);
  return s;
}

/** Constant-time test for 32 zero bytes (scalar zero, identity point). */
export function _isZero32(bytes: Uint8Array): boolean {
  let acc = 0;
  for (let i = 0; i < bytes.length; i++) acc |= bytes[i] as number;
  return acc === 0;
}
