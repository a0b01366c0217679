/**
 * Asymmetric key management: generate, import and export key pairs for every asymmetric
 * algorithm of the suite, as opaque parsed key objects that cache the provider's native handle
 * (a node `KeyObject`, WebCrypto `CryptoKey`s and/or raw bytes for @noble).
 *
 * Formats: `raw` (the algorithm's own byte form), `pkcs8` / `spki` (DER), `jwk` (RFC 7517 JSON
 * object) and `pem` (RFC 7468 text). The container parsing is shared by both providers (this
 * file and `_der-keys.ts`, `_keys-jwk.ts`, `_pem.ts`), so both accept and reject exactly the
 * same inputs and export byte-identical encodings.
 *
 * Asynchronous in both providers because browsers only offer RSA and key import/export through
 * WebCrypto's promise API.
 */
import { aoneOf, abytes } from './_assert.ts';
import {
  decodeEcPrivateKey,
  decodePkcs8,
  decodeRsaPrivateKey,
  decodeRsaPublicKey,
  decodeSpki,
  encodePkcs8,
  encodeSpki,
  checkRawPublic,
  checkRawSecret,
  isEc,
  type PrivateMaterial,
  type PublicMaterial,
} from './_der-keys.ts';
import {
  decodeJwkPrivate,
  decodeJwkPublic,
  encodeJwkPrivate,
  encodeJwkPublic,
} from './_keys-jwk.ts';
import { pemDecode, pemEncode } from './_pem.ts';
import { InvalidEncoding, InvalidKey, Unsupported } from './errors.ts';

export type AsymmetricAlgorithm =
  | 'ed25519'
  | 'x25519'
  | 'p256'
  | 'p384'
  | 'p521'
  | 'rsa'
  | 'ml-dsa-44'
  | 'ml-dsa-65'
  | 'ml-dsa-87'
  | 'ml-kem-512'
  | 'ml-kem-768'
  | 'ml-kem-1024';

export const ASYMMETRIC_ALGORITHMS: readonly AsymmetricAlgorithm[] = Object.freeze([
  'ed25519',
  'x25519',
  'p256',
  'p384',
  'p521',
  'rsa',
  'ml-dsa-44',
  'ml-dsa-65',
  'ml-dsa-87',
  'ml-kem-512',
  'ml-kem-768',
  'ml-kem-1024',
]);

export type PrivateKeyFormat = 'raw' | 'pkcs8' | 'jwk' | 'pem';
export type PublicKeyFormat = 'raw' | 'spki' | 'jwk' | 'pem';
export const PRIVATE_KEY_FORMATS: readonly PrivateKeyFormat[] = Object.freeze([
  'raw',
  'pkcs8',
  'jwk',
  'pem',
]);
export const PUBLIC_KEY_FORMATS: readonly PublicKeyFormat[] = Object.freeze([
  'raw',
  'spki',
  'jwk',
  'pem',
]);

/** A JSON Web Key (RFC 7517) with the members of kty OKP, EC, RSA and AKP. */
export interface Jwk {
  kty: string;
  crv?: string;
  alg?: string;
  use?: string;
  key_ops?: string[];
  kid?: string;
  ext?: boolean;
  x?: string;
  y?: string;
  d?: string;
  n?: string;
  e?: string;
  p?: string;
  q?: string;
  dp?: string;
  dq?: string;
  qi?: string;
  pub?: string;
  priv?: string;
}

/** What each format carries: bytes for raw and DER, a JWK object, PEM text. */
export interface KeyEncodings {
  raw: Uint8Array;
  pkcs8: Uint8Array;
  spki: Uint8Array;
  jwk: Jwk;
  pem: string;
}

/**
 * A parsed public key. Opaque: only the provider that created it can use it (others throw
 * TypeError). `modulusBits` is set for RSA keys only.
 */
export interface PublicKey {
  readonly algorithm: AsymmetricAlgorithm;
  readonly type: 'public';
  readonly modulusBits?: number;
}

/** A parsed private key; same rules as `PublicKey`. */
export interface PrivateKey {
  readonly algorithm: AsymmetricAlgorithm;
  readonly type: 'private';
  readonly modulusBits?: number;
}

export interface KeyPair {
  readonly privateKey: PrivateKey;
  readonly publicKey: PublicKey;
}

export type RsaModulusBits = 2048 | 3072 | 4096;

/** Options of `generate`; RSA only. */
export interface GenerateKeyOptions {
  /** RSA modulus size; default 3072 (≈128-bit security, NIST SP 800-57). */
  modulusBits?: RsaModulusBits;
  /** RSA public exponent; only 65537 is offered. */
  publicExponent?: 65537;
}

export interface KeysFamily {
  /**
   * Generates a key pair. RSA takes `options.modulusBits` (2048, 3072 default, 4096).
   * Throws RangeError for an unknown algorithm or bad options.
   */
  generate(algorithm: AsymmetricAlgorithm, options?: GenerateKeyOptions): Promise<KeyPair>;
  /**
   * Imports a private key. Raw forms: Ed25519/X25519 32 bytes, P-256/P-384/P-521 the scalar, ML-DSA
   * the 32-byte seed, ML-KEM the 64-byte seed (RSA has none: Unsupported). PKCS#8 v1/v2; PEM
   * `PRIVATE KEY`, and `RSA PRIVATE KEY` / `EC PRIVATE KEY` for RSA / EC keys.
   * Throws TypeError/RangeError for bad arguments, InvalidEncoding for malformed data,
   * InvalidKey for a key of another algorithm or an invalid key (RSA < 2048 bits,
   * inconsistent parts), Unsupported for forms we do not take (expanded-only ML-* keys,
   * multi-prime RSA, encrypted PEM).
   */
  importPrivate<F extends PrivateKeyFormat>(
    algorithm: AsymmetricAlgorithm,
    format: F,
    data: KeyEncodings[F],
  ): Promise<PrivateKey>;
  /**
   * Imports a public key. Raw forms: Ed25519/X25519 32 bytes, P-256/P-384/P-521 a SEC1 point
   * (uncompressed or compressed), ML-DSA/ML-KEM the FIPS encoding. PEM `PUBLIC KEY`, and
   * `RSA PUBLIC KEY` for RSA. Same errors as `importPrivate`.
   */
  importPublic<F extends PublicKeyFormat>(
    algorithm: AsymmetricAlgorithm,
    format: F,
    data: KeyEncodings[F],
  ): Promise<PublicKey>;
  /** Exports a private key (PKCS#8 v1; ML-* in seed form; PEM `PRIVATE KEY`). */
  exportPrivate<F extends PrivateKeyFormat>(key: PrivateKey, format: F): Promise<KeyEncodings[F]>;
  /** Exports a public key (EC points uncompressed; PEM `PUBLIC KEY`). */
  exportPublic<F extends PublicKeyFormat>(key: PublicKey, format: F): Promise<KeyEncodings[F]>;
  /** The public key of a private key. */
  publicKeyOf(privateKey: PrivateKey): Promise<PublicKey>;
}

// ---------------------------------------------------------------------------------------------
// Shared by both providers

/**
 * Runs synchronous work behind the async API: the result resolves, a throw (argument errors
 * included) becomes a rejection, as it would from an `async` function.
 */
export function promised<T>(fn: () => T): Promise<T> {
  return new Promise<T>((resolve) => {
    resolve(fn());
  });
}

/** Validates `generate` arguments; returns the RSA modulus size (0 for other algorithms). */
export function checkGenerateArguments(
  algorithm: unknown,
  options: unknown,
): {
  algorithm: AsymmetricAlgorithm;
  modulusBits: number;
} {
  const alg = aoneOf(algorithm, 'algorithm', ASYMMETRIC_ALGORITHMS);
  if (options !== undefined && (typeof options !== 'object' || options === null)) {
    throw new TypeError('options must be an object');
  }
  const o = (options ?? {}) as Record<string, unknown>;
  if (alg !== 'rsa') {
    if (o['modulusBits'] !== undefined || o['publicExponent'] !== undefined) {
      throw new RangeError('modulusBits and publicExponent are RSA options');
    }
    return { algorithm: alg, modulusBits: 0 };
  }
  const bits = o['modulusBits'] === undefined ? 3072 : o['modulusBits'];
  if (bits !== 2048 && bits !== 3072 && bits !== 4096) {
    throw new RangeError('modulusBits must be 2048, 3072 or 4096');
  }
  if (o['publicExponent'] !== undefined && o['publicExponent'] !== 65537) {
    throw new RangeError('publicExponent must be 65537');
  }
  return { algorithm: alg, modulusBits: bits };
}

/** Validates import arguments and decodes a private key to neutral material. */
export function decodePrivateKey(
  algorithm: unknown,
  format: unknown,
  data: unknown,
): PrivateMaterial {
  const alg = aoneOf(algorithm, 'algorithm', ASYMMETRIC_ALGORITHMS);
  const fmt = aoneOf(format, 'format', PRIVATE_KEY_FORMATS);
  switch (fmt) {
    case 'raw': {
      const bytes = abytes(data, 'data');
      if (alg === 'rsa') throw new Unsupported('RSA keys have no raw form: use pkcs8, jwk or pem');
      return {
        algorithm: alg,
        secret: checkRawSecret(alg, bytes),
        publicKey: undefined,
        expanded: undefined,
      };
    }
    case 'pkcs8':
      return decodePkcs8(alg, abytes(data, 'data'));
    case 'jwk':
      return decodeJwkPrivate(alg, data);
    case 'pem': {
      const { label, der } = pemDecode(data as string);
      if (label === 'PRIVATE KEY') return decodePkcs8(alg, der);
      if (label === 'RSA PRIVATE KEY') {
        if (alg !== 'rsa') throw new InvalidKey(`key is not an ${alg} key`);
        return decodeRsaPrivateKey(der);
      }
      if (label === 'EC PRIVATE KEY') {
        if (!isEc(alg)) throw new InvalidKey(`key is not an ${alg} key`);
        return decodeEcPrivateKey(alg, der, true);
      }
      if (label === 'ENCRYPTED PRIVATE KEY')
        throw new Unsupported('encrypted PKCS#8 is not supported');
      throw new InvalidEncoding('PEM label is not a private key label');
    }
  }
}

/** Validates import arguments and decodes a public key to neutral material. */
export function decodePublicKey(
  algorithm: unknown,
  format: unknown,
  data: unknown,
): PublicMaterial {
  const alg = aoneOf(algorithm, 'algorithm', ASYMMETRIC_ALGORITHMS);
  const fmt = aoneOf(format, 'format', PUBLIC_KEY_FORMATS);
  switch (fmt) {
    case 'raw': {
      const bytes = abytes(data, 'data');
      if (alg === 'rsa') throw new Unsupported('RSA keys have no raw form: use spki, jwk or pem');
      return { algorithm: alg, raw: checkRawPublic(alg, bytes) };
    }
    case 'spki':
      return decodeSpki(alg, abytes(data, 'data'));
    case 'jwk':
      return decodeJwkPublic(alg, data);
    case 'pem': {
      const { label, der } = pemDecode(data as string);
      if (label === 'PUBLIC KEY') return decodeSpki(alg, der);
      if (label === 'RSA PUBLIC KEY') {
        if (alg !== 'rsa') throw new InvalidKey(`key is not an ${alg} key`);
        return decodeRsaPublicKey(der);
      }
      throw new InvalidEncoding('PEM label is not a public key label');
    }
  }
}

/**
 * Encodes a private key. `material` must be complete for non-RSA keys (`publicKey` set to the
 * derived public key, uncompressed for EC); `publicKey` is the matching public material.
 */
export function encodePrivateKey(
  material: PrivateMaterial,
  publicKey: PublicMaterial,
  format: PrivateKeyFormat,
): KeyEncodings[PrivateKeyFormat] {
  switch (format) {
    case 'raw':
      if (material.algorithm === 'rsa')
        throw new Unsupported('RSA keys have no raw form: use pkcs8, jwk or pem');
      return material.secret.slice();
    case 'pkcs8':
      return encodePkcs8(material);
    case 'jwk':
      return encodeJwkPrivate(material, publicKey);
    case 'pem':
      return pemEncode('PRIVATE KEY', encodePkcs8(material));
  }
}

/** Encodes a public key (EC points must be uncompressed). */
export function encodePublicKey(
  material: PublicMaterial,
  format: PublicKeyFormat,
): KeyEncodings[PublicKeyFormat] {
  switch (format) {
    case 'raw':
      if (material.algorithm === 'rsa')
        throw new Unsupported('RSA keys have no raw form: use spki, jwk or pem');
      return material.raw.slice();
    case 'spki':
      return encodeSpki(material);
    case 'jwk':
      return encodeJwkPublic(material);
    case 'pem':
      return pemEncode('PUBLIC KEY', encodeSpki(material));
  }
}

export type { PrivateMaterial, PublicMaterial };
