/**
 * JSON Web Key codec (RFC 7517) for the key types of the keys family: `OKP` (RFC 8037:
 * Ed25519, X25519), `EC` (RFC 7518 §6.2: P-256, P-384, P-521), `RSA` (RFC 7518 §6.3) and `AKP`
 * (draft-ietf-cose-dilithium / draft-ietf-jose-pqc-kem: ML-DSA, ML-KEM, `priv` = seed).
 *
 * Every member we read is validated: wrong `kty`/`crv`/`alg` for the requested algorithm is
 * InvalidKey; a member of the wrong JSON type or a non-canonical base64url string is
 * InvalidEncoding. Unknown members are ignored (RFC 7517 §4).
 */
import {
  checkRawPublic,
  checkRawSecret,
  checkRsaPrivate,
  checkRsaPublic,
  isEc,
  isMlDsa,
  isMlKem,
  publicLength,
  secretLength,
  stripLeadingZeros,
  type PrivateMaterial,
  type PublicMaterial,
  type RawAlgorithm,
  type RsaPrivateMaterial,
} from './_der-keys.ts';
import { base64urlDecode, base64urlEncode } from './_pem.ts';
import { InvalidEncoding, InvalidKey, Unsupported } from './errors.ts';
import type { AsymmetricAlgorithm, Jwk } from './keys.ts';

const ECDH_ES = ['ECDH-ES', 'ECDH-ES+A128KW', 'ECDH-ES+A192KW', 'ECDH-ES+A256KW'];
const RSA_ALGS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'RSA-OAEP',
  'RSA-OAEP-256',
  'RSA-OAEP-384',
  'RSA-OAEP-512',
  'RSA1_5',
];

interface JwkShape {
  readonly kty: string;
  readonly crv?: string;
  /** `alg` values compatible with the key (optional member). */
  readonly algs?: readonly string[];
  /** For AKP, `alg` is required and fixed. */
  readonly requiredAlg?: string;
  /** Uses the algorithm is for, to reject an explicit `use` of the other kind. */
  readonly use: 'sig' | 'enc' | 'both';
}

const SHAPES: Readonly<Record<AsymmetricAlgorithm, JwkShape>> = {
  ed25519: { kty: 'OKP', crv: 'Ed25519', algs: ['EdDSA', 'Ed25519'], use: 'sig' },
  x25519: { kty: 'OKP', crv: 'X25519', algs: ECDH_ES, use: 'enc' },
  p256: { kty: 'EC', crv: 'P-256', algs: ['ES256', ...ECDH_ES], use: 'both' },
  p384: { kty: 'EC', crv: 'P-384', algs: ['ES384', ...ECDH_ES], use: 'both' },
  p521: { kty: 'EC', crv: 'P-521', algs: ['ES512', ...ECDH_ES], use: 'both' },
  rsa: { kty: 'RSA', algs: RSA_ALGS, use: 'both' },
  'ml-dsa-44': { kty: 'AKP', requiredAlg: 'ML-DSA-44', use: 'sig' },
  'ml-dsa-65': { kty: 'AKP', requiredAlg: 'ML-DSA-65', use: 'sig' },
  'ml-dsa-87': { kty: 'AKP', requiredAlg: 'ML-DSA-87', use: 'sig' },
  'ml-kem-512': { kty: 'AKP', requiredAlg: 'ML-KEM-512', use: 'enc' },
  'ml-kem-768': { kty: 'AKP', requiredAlg: 'ML-KEM-768', use: 'enc' },
  'ml-kem-1024': { kty: 'AKP', requiredAlg: 'ML-KEM-1024', use: 'enc' },
};

type JwkRecord = Readonly<Record<string, unknown>>;

function _object(jwk: unknown): JwkRecord {
  if (typeof jwk !== 'object' || jwk === null || Array.isArray(jwk) || ArrayBuffer.isView(jwk)) {
    throw new TypeError('JWK must be an object');
  }
  return jwk as JwkRecord;
}

function _optionalString(jwk: JwkRecord, name: string): string | undefined {
  const value = jwk[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new InvalidEncoding(`JWK member "${name}" must be a string`);
  return value;
}

function _bytes(jwk: JwkRecord, name: string, length?: number): Uint8Array {
  const value = _optionalString(jwk, name);
  if (value === undefined) throw new InvalidEncoding(`JWK member "${name}" is missing`);
  const bytes = base64urlDecode(value, `JWK member "${name}"`);
  if (length !== undefined && bytes.length !== length) {
    throw new InvalidKey(`JWK member "${name}" has the wrong length`);
  }
  return bytes;
}

/** Checks kty/crv/alg/use/key_ops/ext against the requested algorithm. */
function _checkHeader(algorithm: AsymmetricAlgorithm, jwk: JwkRecord): void {
  const shape = SHAPES[algorithm];
  const kty = _optionalString(jwk, 'kty');
  if (kty === undefined) throw new InvalidEncoding('JWK member "kty" is missing');
  if (kty !== shape.kty) throw new InvalidKey(`JWK kty does not match ${algorithm}`);
  const crv = _optionalString(jwk, 'crv');
  if (shape.crv !== undefined && crv !== shape.crv)
    throw new InvalidKey(`JWK crv does not match ${algorithm}`);
  const alg = _optionalString(jwk, 'alg');
  if (
    shape.requiredAlg !== undefined
      ? alg !== shape.requiredAlg
      : alg !== undefined && !shape.algs?.includes(alg)
  ) {
    throw new InvalidKey(`JWK alg does not match ${algorithm}`);
  }
  const use = _optionalString(jwk, 'use');
  if (use !== undefined) {
    if (use !== 'sig' && use !== 'enc')
      throw new InvalidEncoding('JWK member "use" must be "sig" or "enc"');
    if (shape.use !== 'both' && use !== shape.use)
      throw new InvalidKey(`JWK use does not match ${algorithm}`);
  }
  const keyOps = jwk['key_ops'];
  if (
    keyOps !== undefined &&
    (!Array.isArray(keyOps) || !keyOps.every((op) => typeof op === 'string'))
  ) {
    throw new InvalidEncoding('JWK member "key_ops" must be an array of strings');
  }
  if (jwk['ext'] !== undefined && typeof jwk['ext'] !== 'boolean') {
    throw new InvalidEncoding('JWK member "ext" must be a boolean');
  }
}

const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'priv'];

/** Decodes a public JWK for `algorithm`. A JWK carrying private members is InvalidKey. */
export function decodeJwkPublic(algorithm: AsymmetricAlgorithm, data: unknown): PublicMaterial {
  const jwk = _object(data);
  _checkHeader(algorithm, jwk);
  if (PRIVATE_MEMBERS.some((name) => jwk[name] !== undefined)) {
    throw new InvalidKey('JWK holds a private key where a public key was expected');
  }
  return _publicPart(algorithm, jwk);
}

function _publicPart(algorithm: AsymmetricAlgorithm, jwk: JwkRecord): PublicMaterial {
  if (algorithm === 'rsa') {
    const n = stripLeadingZeros(_bytes(jwk, 'n'));
    const e = stripLeadingZeros(_bytes(jwk, 'e'));
    checkRsaPublic(n, e);
    return { algorithm, n, e };
  }
  if (isEc(algorithm)) {
    const size = secretLength(algorithm);
    const x = _bytes(jwk, 'x', size);
    const y = _bytes(jwk, 'y', size);
    const raw = new Uint8Array(1 + 2 * size);
    raw[0] = 0x04;
    raw.set(x, 1);
    raw.set(y, 1 + size);
    return { algorithm, raw: checkRawPublic(algorithm, raw) };
  }
  if (isMlDsa(algorithm) || isMlKem(algorithm)) {
    return {
      algorithm,
      raw: checkRawPublic(algorithm, _bytes(jwk, 'pub', publicLength(algorithm))),
    };
  }
  return { algorithm, raw: checkRawPublic(algorithm, _bytes(jwk, 'x', publicLength(algorithm))) };
}

/**
 * Decodes a private JWK for `algorithm`. The public members are required (RFC 7518/8037) and
 * returned in `publicKey` for the provider to check against the private part.
 */
export function decodeJwkPrivate(algorithm: AsymmetricAlgorithm, data: unknown): PrivateMaterial {
  const jwk = _object(data);
  _checkHeader(algorithm, jwk);
  const secretName = isMlDsa(algorithm) || isMlKem(algorithm) ? 'priv' : 'd';
  if (jwk[secretName] === undefined) throw new InvalidKey('JWK holds no private key');
  const pub = _publicPart(algorithm, jwk);
  if (pub.algorithm === 'rsa') {
    if (jwk['oth'] !== undefined) throw new Unsupported('multi-prime RSA keys are not supported');
    const names = ['p', 'q', 'dp', 'dq', 'qi'] as const;
    if (names.some((name) => jwk[name] === undefined)) {
      throw new Unsupported('RSA private JWK without CRT parameters is not supported');
    }
    const int = (name: string): Uint8Array => stripLeadingZeros(_bytes(jwk, name));
    const material: RsaPrivateMaterial = {
      algorithm: 'rsa',
      n: pub.n,
      e: pub.e,
      d: int('d'),
      p: int('p'),
      q: int('q'),
      dp: int('dp'),
      dq: int('dq'),
      qi: int('qi'),
    };
    checkRsaPrivate(material);
    return material;
  }
  const raw = algorithm as RawAlgorithm;
  return {
    algorithm: raw,
    secret: checkRawSecret(raw, _bytes(jwk, secretName, secretLength(raw))),
    publicKey: pub.raw,
    expanded: undefined,
  };
}

/** Encodes a public key as a JWK. EC points must be uncompressed. */
export function encodeJwkPublic(m: PublicMaterial): Jwk {
  const shape = SHAPES[m.algorithm];
  if (m.algorithm === 'rsa')
    return { kty: 'RSA', n: base64urlEncode(m.n), e: base64urlEncode(m.e) };
  if (isEc(m.algorithm)) {
    const size = secretLength(m.algorithm);
    return {
      kty: 'EC',
      crv: shape.crv as string,
      x: base64urlEncode(m.raw.subarray(1, 1 + size)),
      y: base64urlEncode(m.raw.subarray(1 + size)),
    };
  }
  if (shape.kty === 'AKP')
    return { kty: 'AKP', alg: shape.requiredAlg as string, pub: base64urlEncode(m.raw) };
  return { kty: 'OKP', crv: shape.crv as string, x: base64urlEncode(m.raw) };
}

/** Encodes a private key as a JWK; `publicKey` must be the derived (uncompressed) public key. */
export function encodeJwkPrivate(m: PrivateMaterial, publicKey: PublicMaterial): Jwk {
  const jwk = encodeJwkPublic(publicKey);
  if (m.algorithm === 'rsa') {
    return {
      ...jwk,
      d: base64urlEncode(m.d),
      p: base64urlEncode(m.p),
      q: base64urlEncode(m.q),
      dp: base64urlEncode(m.dp),
      dq: base64urlEncode(m.dq),
      qi: base64urlEncode(m.qi),
    };
  }
  if (jwk.kty === 'AKP') return { ...jwk, priv: base64urlEncode(m.secret) };
  return { ...jwk, d: base64urlEncode(m.secret) };
}
