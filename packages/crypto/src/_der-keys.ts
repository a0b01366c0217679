/**
 * Key containers shared by both providers: decoding and encoding of PKCS#8 (RFC 5208/5958),
 * SubjectPublicKeyInfo (RFC 5280), PKCS#1 RSA keys (RFC 8017 appendix A.1), SEC1 EC private
 * keys (RFC 5915), and the raw forms, into one neutral "material" representation that each
 * provider turns into its native handle. Also the cheap validity checks that must give the same
 * answer in both providers (RSA size and CRT consistency, EC scalar range, ML-KEM modulus check).
 *
 * Algorithm identifiers: RFC 8017 (rsaEncryption, NULL parameters), RFC 5480 (id-ecPublicKey +
 * named curve), RFC 8410 (Ed25519/X25519, absent parameters), RFC 9881 (ML-DSA) and
 * draft-ietf-lamps-kyber-certificates (ML-KEM), both with absent parameters and the
 * seed / expandedKey / both private-key CHOICE.
 */
import {
  DER_NULL,
  TAG_CONTEXT_0,
  TAG_CONTEXT_0_PRIMITIVE,
  TAG_CONTEXT_1,
  TAG_CONTEXT_1_PRIMITIVE,
  TAG_OCTET_STRING,
  TAG_SEQUENCE,
  derBitString,
  derDecode,
  derEncode,
  derEncodeBitString,
  derEncodeOctetString,
  derEncodeOid,
  derEncodeSequence,
  derEncodeUnsigned,
  derIsOid,
  derNull,
  derOctetString,
  derSequence,
  derSmallUnsigned,
  derUnsigned,
  type DerElement,
} from './_der.ts';
import { InvalidEncoding, InvalidKey, Unsupported } from './errors.ts';
import type { AsymmetricAlgorithm } from './keys.ts';
import { fromHex, toHex } from './bytes.ts';

export type RawAlgorithm = Exclude<AsymmetricAlgorithm, 'rsa'>;
export type EcAlgorithm = 'p256' | 'p384' | 'p521';
export type MlDsaAlgorithm = 'ml-dsa-44' | 'ml-dsa-65' | 'ml-dsa-87';
export type MlKemAlgorithm = 'ml-kem-512' | 'ml-kem-768' | 'ml-kem-1024';

/**
 * A private key in neutral form. `secret` is the raw private form: the 32-byte Ed25519/X25519
 * key, the EC scalar (fixed length), the ML-DSA 32-byte seed or the ML-KEM 64-byte seed.
 * `publicKey` / `expanded` are what a container carried besides the secret; providers check
 * them against what they derive from the secret.
 */
export interface RawPrivateMaterial {
  readonly algorithm: RawAlgorithm;
  readonly secret: Uint8Array;
  readonly publicKey: Uint8Array | undefined;
  readonly expanded: Uint8Array | undefined;
}

/** RSA private key: unsigned big-endian magnitudes without leading zeros. */
export interface RsaPrivateMaterial {
  readonly algorithm: 'rsa';
  readonly n: Uint8Array;
  readonly e: Uint8Array;
  readonly d: Uint8Array;
  readonly p: Uint8Array;
  readonly q: Uint8Array;
  readonly dp: Uint8Array;
  readonly dq: Uint8Array;
  readonly qi: Uint8Array;
}

export type PrivateMaterial = RawPrivateMaterial | RsaPrivateMaterial;

/** A public key in neutral form; for EC `raw` is a SEC1 point (compressed or not on input). */
export interface RawPublicMaterial {
  readonly algorithm: RawAlgorithm;
  readonly raw: Uint8Array;
}

export interface RsaPublicMaterial {
  readonly algorithm: 'rsa';
  readonly n: Uint8Array;
  readonly e: Uint8Array;
}

export type PublicMaterial = RawPublicMaterial | RsaPublicMaterial;

// ---------------------------------------------------------------------------------------------
// Parameters

interface AlgorithmInfo {
  /** OBJECT IDENTIFIER content octets of the key algorithm. */
  readonly oid: Uint8Array;
  /** Raw private form length. */
  readonly secretLength: number;
  /** Raw public form lengths accepted on import (first is the one we emit). */
  readonly publicLengths: readonly number[];
  /** FIPS 203/204 expanded private key length (ML-* only). */
  readonly expandedLength?: number;
}

const OID_RSA = fromHex('2a864886f70d010101');
const OID_EC_PUBLIC_KEY = fromHex('2a8648ce3d0201');
const OID_P256 = fromHex('2a8648ce3d030107');
const OID_P384 = fromHex('2b81040022');
const OID_P521 = fromHex('2b81040023');

const INFO: Readonly<Record<RawAlgorithm, AlgorithmInfo>> = {
  ed25519: { oid: fromHex('2b6570'), secretLength: 32, publicLengths: [32] },
  x25519: { oid: fromHex('2b656e'), secretLength: 32, publicLengths: [32] },
  p256: { oid: OID_P256, secretLength: 32, publicLengths: [65, 33] },
  p384: { oid: OID_P384, secretLength: 48, publicLengths: [97, 49] },
  p521: { oid: OID_P521, secretLength: 66, publicLengths: [133, 67] },
  'ml-dsa-44': {
    oid: fromHex('608648016503040311'),
    secretLength: 32,
    publicLengths: [1312],
    expandedLength: 2560,
  },
  'ml-dsa-65': {
    oid: fromHex('608648016503040312'),
    secretLength: 32,
    publicLengths: [1952],
    expandedLength: 4032,
  },
  'ml-dsa-87': {
    oid: fromHex('608648016503040313'),
    secretLength: 32,
    publicLengths: [2592],
    expandedLength: 4896,
  },
  'ml-kem-512': {
    oid: fromHex('608648016503040401'),
    secretLength: 64,
    publicLengths: [800],
    expandedLength: 1632,
  },
  'ml-kem-768': {
    oid: fromHex('608648016503040402'),
    secretLength: 64,
    publicLengths: [1184],
    expandedLength: 2400,
  },
  'ml-kem-1024': {
    oid: fromHex('608648016503040403'),
    secretLength: 64,
    publicLengths: [1568],
    expandedLength: 3168,
  },
};

/** Group orders, for the private scalar range check 1 ≤ d < n. */
const EC_ORDER: Readonly<Record<EcAlgorithm, bigint>> = {
  p256: 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n,
  p384: 0xffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973n,
  p521: 0x01fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffa51868783bf2f966b7fcc0148f709a5d03bb5c9b8899c47aebb6fb71e91386409n,
};

/** RSA moduli below 2048 bits are refused (NIST SP 800-131A); above 16384 bits too (DoS). */
export const RSA_MIN_BITS = 2048;
export const RSA_MAX_BITS = 16384;

export function isEc(algorithm: AsymmetricAlgorithm): algorithm is EcAlgorithm {
  return algorithm === 'p256' || algorithm === 'p384' || algorithm === 'p521';
}
export function isMlDsa(algorithm: AsymmetricAlgorithm): algorithm is MlDsaAlgorithm {
  return algorithm.startsWith('ml-dsa-');
}
export function isMlKem(algorithm: AsymmetricAlgorithm): algorithm is MlKemAlgorithm {
  return algorithm.startsWith('ml-kem-');
}

/** Raw private key length for `algorithm`. */
export function secretLength(algorithm: RawAlgorithm): number {
  return INFO[algorithm].secretLength;
}

/** Raw (uncompressed for EC) public key length for `algorithm`. */
export function publicLength(algorithm: RawAlgorithm): number {
  return INFO[algorithm].publicLengths[0] as number;
}

/** FIPS 203/204 expanded private key length (ML-* only). */
export function expandedLength(algorithm: MlDsaAlgorithm | MlKemAlgorithm): number {
  return INFO[algorithm].expandedLength as number;
}

// ---------------------------------------------------------------------------------------------
// Integers

export function toBigInt(bytes: Uint8Array): bigint {
  // Through hex: shifting a growing BigInt byte by byte is quadratic (≈10 µs per 2048-bit value).
  return bytes.length === 0 ? 0n : BigInt(`0x${toHex(bytes)}`);
}

/** Big-endian bytes of `n` (minimal, or left-padded to `length`). */
export function fromBigInt(n: bigint, length?: number): Uint8Array {
  let hex = n.toString(16);
  if (hex.length % 2 === 1) hex = `0${hex}`;
  const bytes = n === 0n ? new Uint8Array(0) : fromHex(hex);
  if (length === undefined) return bytes;
  if (bytes.length > length) throw new RangeError('integer too large for its field');
  const out = new Uint8Array(length);
  out.set(bytes, length - bytes.length);
  return out;
}

/** Bit length of an unsigned big-endian magnitude (leading zeros ignored). */
export function bitLength(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length && bytes[i] === 0) i++;
  if (i === bytes.length) return 0;
  return (bytes.length - i - 1) * 8 + (32 - Math.clz32(bytes[i] as number));
}

/** Drops leading zero octets (JWK and DER integers are minimal). */
export function stripLeadingZeros(bytes: Uint8Array): Uint8Array {
  let i = 0;
  while (i < bytes.length && bytes[i] === 0) i++;
  return bytes.slice(i);
}

// ---------------------------------------------------------------------------------------------
// Validity checks shared by both providers

/** Checks a raw private form's length and, for EC, the scalar range. Returns a copy. */
export function checkRawSecret(algorithm: RawAlgorithm, secret: Uint8Array): Uint8Array {
  const info = INFO[algorithm];
  if (secret.length !== info.secretLength) {
    throw new InvalidKey(`${algorithm} private key must be ${info.secretLength} bytes`);
  }
  if (isEc(algorithm)) {
    const d = toBigInt(secret);
    if (d === 0n || d >= EC_ORDER[algorithm])
      throw new InvalidKey(`${algorithm} private scalar out of range`);
  }
  return secret.slice();
}

/**
 * Checks a raw public form's length and cheap structure: EC SEC1 prefix byte, ML-KEM
 * encapsulation-key modulus check (FIPS 203 §7.2). Curve membership is the provider's job.
 * Returns a copy.
 */
export function checkRawPublic(algorithm: RawAlgorithm, raw: Uint8Array): Uint8Array {
  const info = INFO[algorithm];
  if (!info.publicLengths.includes(raw.length)) {
    throw new InvalidKey(`${algorithm} public key has the wrong length`);
  }
  if (isEc(algorithm)) {
    const prefix = raw[0];
    const ok =
      raw.length === info.publicLengths[0] ? prefix === 0x04 : prefix === 0x02 || prefix === 0x03;
    if (!ok) throw new InvalidKey(`${algorithm} public key is not a SEC1 point`);
  }
  if (isMlKem(algorithm)) _mlKemModulusCheck(raw);
  return raw.slice();
}

/** FIPS 203 §7.2 input check: every 12-bit coefficient of t̂ is below q = 3329. */
function _mlKemModulusCheck(ek: Uint8Array): void {
  const end = ek.length - 32;
  for (let i = 0; i < end; i += 3) {
    const b0 = ek[i] as number;
    const b1 = ek[i + 1] as number;
    const b2 = ek[i + 2] as number;
    if ((b0 | ((b1 & 0x0f) << 8)) >= 3329 || ((b1 >> 4) | (b2 << 4)) >= 3329) {
      throw new InvalidKey('ML-KEM encapsulation key fails the modulus check');
    }
  }
}

/** RSA public parameters: 2048 ≤ bits(n) ≤ 16384, n odd, e odd, 3 ≤ e < 2^33, e < n. */
export function checkRsaPublic(n: Uint8Array, e: Uint8Array): void {
  const bits = bitLength(n);
  if (bits < RSA_MIN_BITS) throw new InvalidKey(`RSA modulus below ${RSA_MIN_BITS} bits`);
  if (bits > RSA_MAX_BITS) throw new InvalidKey(`RSA modulus above ${RSA_MAX_BITS} bits`);
  if (((n[n.length - 1] as number) & 1) === 0) throw new InvalidKey('RSA modulus is even');
  const eBits = bitLength(e);
  if (eBits < 2 || eBits > 33 || ((e[e.length - 1] as number) & 1) === 0) {
    throw new InvalidKey('RSA public exponent must be odd, at least 3 and below 2^33');
  }
}

/**
 * RSA private consistency: n = p·q, d < n, dp = d mod (p−1), dq = d mod (q−1),
 * qi·q ≡ 1 (mod p), and e·d ≡ 1 modulo (p−1) and (q−1). A key that fails any of these would
 * produce wrong CRT signatures, and a faulty CRT signature leaks the factorisation.
 */
export function checkRsaPrivate(m: RsaPrivateMaterial): void {
  checkRsaPublic(m.n, m.e);
  const n = toBigInt(m.n);
  const e = toBigInt(m.e);
  const d = toBigInt(m.d);
  const p = toBigInt(m.p);
  const q = toBigInt(m.q);
  const ok =
    p > 1n &&
    q > 1n &&
    p * q === n &&
    d > 0n &&
    d < n &&
    toBigInt(m.dp) === d % (p - 1n) &&
    toBigInt(m.dq) === d % (q - 1n) &&
    (toBigInt(m.qi) * q) % p === 1n &&
    toBigInt(m.qi) < p &&
    (e * d) % (p - 1n) === 1n &&
    (e * d) % (q - 1n) === 1n;
  if (!ok) throw new InvalidKey('RSA private key parameters are inconsistent');
}

/** Modulus size of an RSA key, in bits. */
export function rsaModulusBits(n: Uint8Array): number {
  return bitLength(n);
}

/**
 * True when SEC1 point `given` (compressed or uncompressed) encodes the same point as the
 * uncompressed `uncompressed`.
 */
export function sameEcPoint(given: Uint8Array, uncompressed: Uint8Array): boolean {
  if (given.length === uncompressed.length) return _equal(given, uncompressed);
  const size = (uncompressed.length - 1) / 2;
  if (given.length !== size + 1) return false;
  const parity = (uncompressed[uncompressed.length - 1] as number) & 1;
  return (
    given[0] === 0x02 + parity && _equal(given.subarray(1), uncompressed.subarray(1, 1 + size))
  );
}

function _equal(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= (a[i] as number) ^ (b[i] as number);
  return diff === 0;
}

/** Throws InvalidKey unless the public key a container carried matches the derived one. */
export function checkCarriedPublic(material: RawPrivateMaterial, derived: Uint8Array): void {
  if (material.publicKey === undefined) return;
  const same = isEc(material.algorithm)
    ? sameEcPoint(material.publicKey, derived)
    : _equal(material.publicKey, derived);
  if (!same) throw new InvalidKey('public key does not match the private key');
}

/** Throws InvalidKey unless an expanded ML-* private key a container carried matches. */
export function checkCarriedExpanded(material: RawPrivateMaterial, derived: Uint8Array): void {
  if (material.expanded !== undefined && !_equal(material.expanded, derived)) {
    throw new InvalidKey('expanded private key does not match its seed');
  }
}

// ---------------------------------------------------------------------------------------------
// Algorithm identifiers

function _algorithmIdentifier(algorithm: AsymmetricAlgorithm): Uint8Array {
  if (algorithm === 'rsa') return derEncodeSequence(derEncodeOid(OID_RSA), DER_NULL);
  if (isEc(algorithm))
    return derEncodeSequence(derEncodeOid(OID_EC_PUBLIC_KEY), derEncodeOid(INFO[algorithm].oid));
  return derEncodeSequence(derEncodeOid(INFO[algorithm].oid));
}

/** Checks that an AlgorithmIdentifier names `algorithm` with the parameters its RFC mandates. */
function _expectAlgorithm(element: DerElement | undefined, algorithm: AsymmetricAlgorithm): void {
  const [oid, params] = derSequence(element, 'AlgorithmIdentifier', 1, 2);
  const wrong = (): never => {
    throw new InvalidKey(`key is not an ${algorithm} key`);
  };
  if (algorithm === 'rsa') {
    if (!derIsOid(oid, OID_RSA)) wrong();
    // RFC 8017 A.1: the parameters field SHALL be NULL.
    derNull(params, 'rsaEncryption parameters');
  } else if (isEc(algorithm)) {
    if (!derIsOid(oid, OID_EC_PUBLIC_KEY)) wrong();
    // RFC 5480: namedCurve only; implicit and explicit curves are not supported.
    if (params === undefined) throw new InvalidEncoding('EC key without curve parameters');
    if (!derIsOid(params, INFO[algorithm].oid)) wrong();
  } else {
    if (!derIsOid(oid, INFO[algorithm].oid)) wrong();
    // RFC 8410, RFC 9881 and the ML-KEM draft: parameters MUST be absent.
    if (params !== undefined) throw new InvalidEncoding('unexpected algorithm parameters');
  }
}

// ---------------------------------------------------------------------------------------------
// RSA (PKCS#1)

export function encodeRsaPublicKey(n: Uint8Array, e: Uint8Array): Uint8Array {
  return derEncodeSequence(derEncodeUnsigned(n), derEncodeUnsigned(e));
}

/** Decodes PKCS#1 RSAPublicKey and checks it. */
export function decodeRsaPublicKey(der: Uint8Array): RsaPublicMaterial {
  const [n, e] = derSequence(derDecode(der), 'RSAPublicKey', 2);
  const material: RsaPublicMaterial = {
    algorithm: 'rsa',
    n: derUnsigned(n, 'modulus').slice(),
    e: derUnsigned(e, 'publicExponent').slice(),
  };
  checkRsaPublic(material.n, material.e);
  return material;
}

export function encodeRsaPrivateKey(m: RsaPrivateMaterial): Uint8Array {
  return derEncodeSequence(
    derEncodeUnsigned(new Uint8Array(0)),
    ...[m.n, m.e, m.d, m.p, m.q, m.dp, m.dq, m.qi].map(derEncodeUnsigned),
  );
}

/** Decodes PKCS#1 RSAPrivateKey (two-prime, version 0) and checks its consistency. */
export function decodeRsaPrivateKey(der: Uint8Array): RsaPrivateMaterial {
  const fields = derSequence(derDecode(der), 'RSAPrivateKey', 9, 10);
  const version = derSmallUnsigned(fields[0], 'RSAPrivateKey version');
  if (version !== 0 || fields.length !== 9)
    throw new Unsupported('multi-prime RSA keys are not supported');
  const names = ['n', 'e', 'd', 'p', 'q', 'dp', 'dq', 'qi'] as const;
  const values = names.map((name, i) =>
    derUnsigned(fields[i + 1], `RSAPrivateKey ${name}`).slice(),
  );
  const [n, e, d, p, q, dp, dq, qi] = values as [
    Uint8Array,
    Uint8Array,
    Uint8Array,
    Uint8Array,
    Uint8Array,
    Uint8Array,
    Uint8Array,
    Uint8Array,
  ];
  const material: RsaPrivateMaterial = { algorithm: 'rsa', n, e, d, p, q, dp, dq, qi };
  checkRsaPrivate(material);
  return material;
}

// ---------------------------------------------------------------------------------------------
// EC (SEC1 / RFC 5915)

function _encodeEcPrivateKey(m: RawPrivateMaterial, withParameters: boolean): Uint8Array {
  const parts = [derEncodeUnsigned(Uint8Array.of(1)), derEncodeOctetString(m.secret)];
  if (withParameters) parts.push(derEncode(TAG_CONTEXT_0, derEncodeOid(INFO[m.algorithm].oid)));
  if (m.publicKey !== undefined)
    parts.push(derEncode(TAG_CONTEXT_1, derEncodeBitString(m.publicKey)));
  return derEncodeSequence(...parts);
}

/**
 * Decodes ECPrivateKey. `requireParameters`: the SEC1 "EC PRIVATE KEY" form has no outer
 * AlgorithmIdentifier, so the curve must be named inside.
 */
export function decodeEcPrivateKey(
  algorithm: EcAlgorithm,
  der: Uint8Array,
  requireParameters: boolean,
): RawPrivateMaterial {
  const fields = derSequence(derDecode(der), 'ECPrivateKey', 2, 4);
  if (derSmallUnsigned(fields[0], 'ECPrivateKey version') !== 1) {
    throw new InvalidEncoding('ECPrivateKey version must be 1');
  }
  const secret = derOctetString(fields[1], 'ECPrivateKey privateKey');
  let publicKey: Uint8Array | undefined;
  let sawParameters = false;
  let next = 2;
  if (fields[next]?.tag === TAG_CONTEXT_0) {
    const [curve] = derSequence(fields[next], 'ECPrivateKey parameters', 1, 1, TAG_CONTEXT_0);
    if (!derIsOid(curve, INFO[algorithm].oid))
      throw new InvalidKey(`key is not an ${algorithm} key`);
    sawParameters = true;
    next++;
  }
  if (fields[next]?.tag === TAG_CONTEXT_1) {
    const [bits] = derSequence(fields[next], 'ECPrivateKey publicKey', 1, 1, TAG_CONTEXT_1);
    publicKey = checkRawPublic(algorithm, derBitString(bits, 'ECPrivateKey publicKey'));
    next++;
  }
  if (next !== fields.length) throw new InvalidEncoding('ECPrivateKey: unexpected field');
  if (requireParameters && !sawParameters)
    throw new InvalidEncoding('EC private key without curve');
  return { algorithm, secret: checkRawSecret(algorithm, secret), publicKey, expanded: undefined };
}

// ---------------------------------------------------------------------------------------------
// PKCS#8

/**
 * Encodes a OneAsymmetricKey v1 (PKCS#8 PrivateKeyInfo). ML-DSA/ML-KEM use the seed-only
 * form, the smallest and the one that lets any reader check the key (RFC 9881, ML-KEM draft).
 */
export function encodePkcs8(m: PrivateMaterial): Uint8Array {
  let inner: Uint8Array;
  if (m.algorithm === 'rsa') inner = encodeRsaPrivateKey(m);
  else if (isEc(m.algorithm)) inner = _encodeEcPrivateKey(m, false);
  else if (isMlDsa(m.algorithm) || isMlKem(m.algorithm))
    inner = derEncodeOctetString(m.secret, TAG_CONTEXT_0_PRIMITIVE);
  else inner = derEncodeOctetString(m.secret);
  return derEncodeSequence(
    derEncodeUnsigned(new Uint8Array(0)),
    _algorithmIdentifier(m.algorithm),
    derEncodeOctetString(inner),
  );
}

/**
 * Decodes PKCS#8 v1 or v2 (OneAsymmetricKey) for `algorithm`. Attributes are ignored; a v2
 * public key is returned for the provider to check. A key of another algorithm is InvalidKey;
 * an expanded-only ML-* key is Unsupported (its seed, our raw form, is gone).
 */
export function decodePkcs8(algorithm: AsymmetricAlgorithm, der: Uint8Array): PrivateMaterial {
  const fields = derSequence(derDecode(der), 'PrivateKeyInfo', 3, 5);
  const version = derSmallUnsigned(fields[0], 'PrivateKeyInfo version');
  if (version > 1) throw new InvalidEncoding('unknown PrivateKeyInfo version');
  _expectAlgorithm(fields[1], algorithm);
  const inner = derOctetString(fields[2], 'PrivateKeyInfo privateKey');
  let carriedPublic: Uint8Array | undefined;
  let next = 3;
  if (fields[next]?.tag === TAG_CONTEXT_0) next++; // attributes: nothing we act on
  if (fields[next]?.tag === TAG_CONTEXT_1_PRIMITIVE) {
    if (version !== 1) throw new InvalidEncoding('public key in a version 1 PrivateKeyInfo');
    carriedPublic = derBitString(
      fields[next],
      'OneAsymmetricKey publicKey',
      TAG_CONTEXT_1_PRIMITIVE,
    );
    next++;
  }
  if (next !== fields.length) throw new InvalidEncoding('PrivateKeyInfo: unexpected field');

  if (algorithm === 'rsa') {
    const material = decodeRsaPrivateKey(inner);
    if (carriedPublic !== undefined) {
      const pub = decodeRsaPublicKey(carriedPublic);
      if (!_equal(pub.n, material.n) || !_equal(pub.e, material.e)) {
        throw new InvalidKey('public key does not match the private key');
      }
    }
    return material;
  }
  let material: RawPrivateMaterial;
  if (isEc(algorithm)) {
    material = decodeEcPrivateKey(algorithm, inner, false);
  } else if (isMlDsa(algorithm) || isMlKem(algorithm)) {
    material = _decodeMlPrivate(algorithm, inner);
  } else {
    material = {
      algorithm,
      secret: checkRawSecret(algorithm, derOctetString(derDecode(inner), 'CurvePrivateKey')),
      publicKey: undefined,
      expanded: undefined,
    };
  }
  if (carriedPublic !== undefined) {
    const pub = checkRawPublic(algorithm, carriedPublic);
    if (material.publicKey !== undefined && !_equal(material.publicKey, pub)) {
      throw new InvalidKey('public key does not match the private key');
    }
    material = { ...material, publicKey: pub };
  }
  return material;
}

/** RFC 9881 / ML-KEM draft private key CHOICE { seed [0], expandedKey OCTET STRING, both SEQUENCE }. */
function _decodeMlPrivate(
  algorithm: MlDsaAlgorithm | MlKemAlgorithm,
  inner: Uint8Array,
): RawPrivateMaterial {
  const element = derDecode(inner);
  const info = INFO[algorithm];
  if (element.tag === TAG_CONTEXT_0_PRIMITIVE) {
    return {
      algorithm,
      secret: checkRawSecret(algorithm, element.value),
      publicKey: undefined,
      expanded: undefined,
    };
  }
  if (element.tag === TAG_SEQUENCE) {
    const [seed, expanded] = derSequence(element, 'private key (both)', 2);
    const expandedBytes = derOctetString(expanded, 'expandedKey');
    if (expandedBytes.length !== info.expandedLength)
      throw new InvalidKey('expanded private key has the wrong length');
    return {
      algorithm,
      secret: checkRawSecret(algorithm, derOctetString(seed, 'seed')),
      publicKey: undefined,
      expanded: expandedBytes.slice(),
    };
  }
  if (element.tag === TAG_OCTET_STRING) {
    throw new Unsupported(
      `${algorithm} expanded-only private keys are not supported: use the seed form`,
    );
  }
  throw new InvalidEncoding(`${algorithm} private key: unknown form`);
}

// ---------------------------------------------------------------------------------------------
// SubjectPublicKeyInfo

/** Encodes SubjectPublicKeyInfo (EC points must be passed uncompressed). */
export function encodeSpki(m: PublicMaterial): Uint8Array {
  const key = m.algorithm === 'rsa' ? encodeRsaPublicKey(m.n, m.e) : m.raw;
  return derEncodeSequence(_algorithmIdentifier(m.algorithm), derEncodeBitString(key));
}

/** Decodes SubjectPublicKeyInfo for `algorithm` (EC points may be compressed). */
export function decodeSpki(algorithm: AsymmetricAlgorithm, der: Uint8Array): PublicMaterial {
  const [algorithmIdentifier, key] = derSequence(derDecode(der), 'SubjectPublicKeyInfo', 2);
  _expectAlgorithm(algorithmIdentifier, algorithm);
  const bits = derBitString(key, 'subjectPublicKey');
  if (algorithm === 'rsa') return decodeRsaPublicKey(bits);
  return { algorithm, raw: checkRawPublic(algorithm, bits) };
}
