/**
 * Asymmetric key families of the server: how a KMIP Cryptographic Algorithm (with Length and
 * Recommended Curve) names one, how a pair is generated, how keys are stored, and the parsed
 * `@custos/crypto` keys an operation works with (cached on the loaded object).
 *
 * Storage form (what Get returns when no Key Format Type is asked): private keys as PKCS#8 DER,
 * public keys as X.509 SubjectPublicKeyInfo DER (Key Format Type X.509), except X-Wing, which
 * has no registered OID yet and is stored Raw (32-byte seed / 1216-byte public key).
 *
 * Algorithm values: KMIP 2.1 RSA, EC/ECDSA/ECDH (+ Recommended Curve P-256/P-384/P-521,
 * CURVE25519 for X25519, Cosmian's CURVEED25519 for Ed25519), Ed25519; Cosmian's ML-KEM values
 * 0x39–0x3B; ML-DSA and X-Wing have no KMIP or Cosmian value yet, so Custos uses vendor
 * extension values (`CUSTOS_ALGORITHM`), documented in docs/kms.md.
 */
import {
  CryptographicAlgorithm,
  CryptographicUsageMask as M,
  KeyFormatType,
  ObjectType,
  RecommendedCurve,
  type Attributes,
  type KeyBlock,
  type ManagedObject,
} from '@custos/kmip';
import { provider } from '@custos/crypto';
import * as der from './_asym-der.ts';
import { KmsError } from './errors.ts';
import type { LoadedObject } from './repository.ts';

export type FamilyName =
  | 'rsa'
  | 'p256'
  | 'p384'
  | 'p521'
  | 'ed25519'
  | 'x25519'
  | 'ml-kem-512'
  | 'ml-kem-768'
  | 'ml-kem-1024'
  | 'ml-dsa-44'
  | 'ml-dsa-65'
  | 'ml-dsa-87'
  | 'x-wing';

type CryptoKeys = typeof provider.keys;
export type ParsedPrivateKey = Awaited<ReturnType<CryptoKeys['importPrivate']>>;
export type ParsedPublicKey = Awaited<ReturnType<CryptoKeys['importPublic']>>;
type CryptoAlgorithm = ParsedPrivateKey['algorithm'];

/** Cosmian's ML-KEM algorithm values, and Custos extension values (no standard value yet). */
export const ML_KEM_512 = 0x39;
export const ML_KEM_768 = 0x3a;
export const ML_KEM_1024 = 0x3b;
export const CUSTOS_ALGORITHM = Object.freeze({
  ML_DSA_44: 0x80c50044,
  ML_DSA_65: 0x80c50065,
  ML_DSA_87: 0x80c50087,
  X_WING: 0x80c50768,
});
/** Recommended Curve values for the Edwards/Montgomery curves (KMIP 2.1 and Cosmian). */
export const CURVE25519 = 0x45;
export const CURVEED25519 = 0x80000001;

/** One asymmetric key family as a pair of the server carries it. */
export interface KeyFamily {
  readonly name: FamilyName;
  /** Cryptographic Algorithm recorded on both keys. */
  readonly algorithm: number;
  /** Cryptographic Length recorded: modulus bits, curve bits, or the parameter set number. */
  readonly length: number;
  /** Recommended Curve, for the EC families. */
  readonly curve?: number;
  readonly signs: boolean;
  readonly encrypts: boolean;
}

const EC_ALGORITHMS: ReadonlySet<number> = new Set([
  CryptographicAlgorithm.EC,
  CryptographicAlgorithm.ECDSA,
  CryptographicAlgorithm.ECDH,
]);

const NIST: Readonly<Record<number, FamilyName>> = {
  [RecommendedCurve.P_256]: 'p256',
  [RecommendedCurve.P_384]: 'p384',
  [RecommendedCurve.P_521]: 'p521',
};
const NIST_BITS: Readonly<Record<number, number>> = {
  256: RecommendedCurve.P_256,
  384: RecommendedCurve.P_384,
  521: RecommendedCurve.P_521,
};
const CURVE_BITS: Readonly<Record<string, number>> = { p256: 256, p384: 384, p521: 521 };

function family(name: FamilyName, algorithm: number, length: number, curve?: number): KeyFamily {
  const signs = !(name === 'x25519' || name.startsWith('ml-kem') || name === 'x-wing');
  // HPKE (RFC 9180) has no DHKEM for P-384/P-521: those curves only sign here.
  const encrypts = !(
    name === 'ed25519' ||
    name.startsWith('ml-dsa') ||
    name === 'p384' ||
    name === 'p521'
  );
  return curve === undefined
    ? { name, algorithm, length, signs, encrypts }
    : { name, algorithm, length, curve, signs, encrypts };
}

function unsupported(what: string): never {
  throw new KmsError('ERR_KMS_UNSUPPORTED_CRYPTOGRAPHIC_PARAMETERS', what);
}

/**
 * The family an algorithm, length and curve name. RSA takes 2048, 3072 (default) or 4096 bits
 * for new keys (`registered` lets any length the crypto layer accepts through); EC without a
 * curve takes it from the length, else P-256.
 */
export function keyPairFamily(
  algorithm: number | undefined,
  length: number | undefined,
  curve: number | undefined,
  registered = false,
): KeyFamily {
  if (algorithm === undefined) unsupported('Create Key Pair needs a Cryptographic Algorithm');
  if (algorithm === CryptographicAlgorithm.RSA) {
    const bits = length ?? 3072;
    if (!registered && bits !== 2048 && bits !== 3072 && bits !== 4096)
      throw new KmsError('ERR_KMS_INVALID_ATTRIBUTE_VALUE', 'RSA keys are 2048, 3072 or 4096 bits');
    return family('rsa', algorithm, bits);
  }
  if (EC_ALGORITHMS.has(algorithm)) {
    if (curve === CURVE25519) return family('x25519', algorithm, 256, curve);
    if (curve === CURVEED25519) return family('ed25519', algorithm, 256, curve);
    const c = curve ?? (length === undefined ? RecommendedCurve.P_256 : NIST_BITS[length]);
    const name = c === undefined ? undefined : NIST[c];
    if (c === undefined || name === undefined)
      unsupported('EC keys use the curves P-256, P-384, P-521, CURVE25519 or CURVEED25519');
    if (length !== undefined && length !== CURVE_BITS[name])
      throw new KmsError(
        'ERR_KMS_INVALID_ATTRIBUTE_VALUE',
        'Cryptographic Length does not match the curve',
      );
    return family(name, algorithm, CURVE_BITS[name] as number, c);
  }
  switch (algorithm) {
    case CryptographicAlgorithm.Ed25519:
      if (curve !== undefined && curve !== CURVEED25519)
        unsupported('Ed25519 keys are on CURVEED25519');
      return family('ed25519', algorithm, 256, CURVEED25519);
    case ML_KEM_512:
      return family('ml-kem-512', algorithm, 512);
    case ML_KEM_768:
      return family('ml-kem-768', algorithm, 768);
    case ML_KEM_1024:
      return family('ml-kem-1024', algorithm, 1024);
    case CUSTOS_ALGORITHM.ML_DSA_44:
      return family('ml-dsa-44', algorithm, 44);
    case CUSTOS_ALGORITHM.ML_DSA_65:
      return family('ml-dsa-65', algorithm, 65);
    case CUSTOS_ALGORITHM.ML_DSA_87:
      return family('ml-dsa-87', algorithm, 87);
    case CUSTOS_ALGORITHM.X_WING:
      return family('x-wing', algorithm, 768);
    default:
      return unsupported(
        'key pairs are RSA, EC (P-256/384/521, X25519), Ed25519, ML-KEM, ML-DSA or X-Wing',
      );
  }
}

/** The family of a stored key, from its attributes. */
export function familyOfAttributes(a: Attributes, uid: string): KeyFamily {
  try {
    return keyPairFamily(
      a.cryptographicAlgorithm,
      a.cryptographicLength,
      a.cryptographicDomainParameters?.recommendedCurve,
      true,
    );
  } catch (error) {
    if (error instanceof KmsError)
      throw new KmsError(
        'ERR_KMS_ILLEGAL_OBJECT_TYPE',
        `object ${uid} is not a key of a supported asymmetric algorithm`,
      );
    throw error;
  }
}

/** Default usage masks of a new pair of `f`. */
export function pairUsageMasks(f: KeyFamily): { privateMask: number; publicMask: number } {
  let privateMask = 0;
  let publicMask = 0;
  if (f.signs) {
    privateMask |= M.Sign;
    publicMask |= M.Verify;
  }
  if (f.encrypts) {
    privateMask |= M.Decrypt | M.UnwrapKey;
    publicMask |= M.Encrypt | M.WrapKey;
  }
  return { privateMask, publicMask };
}

/** The `@custos/crypto` algorithm of a family (X-Wing lives in the KEM family, not here). */
export function cryptoAlgorithm(f: KeyFamily): CryptoAlgorithm {
  if (f.name === 'x-wing') unsupported('X-Wing keys have no PKCS#8/SPKI form');
  return f.name;
}

/** Attributes recording the family on a key. */
export function familyAttributes(f: KeyFamily): Attributes {
  const a: Attributes = { cryptographicAlgorithm: f.algorithm, cryptographicLength: f.length };
  if (f.curve !== undefined) a.cryptographicDomainParameters = { recommendedCurve: f.curve };
  return a;
}

// ---------------------------------------------------------------------------------------------
// Stored objects

function keyObject(
  kind: 'PrivateKey' | 'PublicKey',
  f: KeyFamily,
  format: number,
  bytes: Uint8Array,
): ManagedObject {
  const keyBlock: KeyBlock = {
    keyFormatType: format,
    keyValue: { keyMaterial: bytes },
    cryptographicAlgorithm: f.algorithm,
    cryptographicLength: f.length,
  };
  return { kind, keyBlock };
}

/** A private key in its storage form. */
export function storedPrivate(f: KeyFamily, bytes: Uint8Array): ManagedObject {
  return keyObject(
    'PrivateKey',
    f,
    f.name === 'x-wing' ? KeyFormatType.Raw : KeyFormatType.PKCS_8,
    bytes,
  );
}

/** A public key in its storage form. */
export function storedPublic(f: KeyFamily, bytes: Uint8Array): ManagedObject {
  return keyObject(
    'PublicKey',
    f,
    f.name === 'x-wing' ? KeyFormatType.Raw : KeyFormatType.X_509,
    bytes,
  );
}

/** A new pair of `f`, in storage form. */
export async function generateKeyPair(
  f: KeyFamily,
): Promise<{ privateKey: ManagedObject; publicKey: ManagedObject }> {
  if (f.name === 'x-wing') {
    const pair = provider.kem.get('x-wing').generateKeyPair();
    return {
      privateKey: storedPrivate(f, pair.secretKey),
      publicKey: storedPublic(f, pair.publicKey),
    };
  }
  const options = f.name === 'rsa' ? { modulusBits: f.length as 2048 | 3072 | 4096 } : undefined;
  const pair = await provider.keys.generate(f.name, options);
  return {
    privateKey: storedPrivate(f, await provider.keys.exportPrivate(pair.privateKey, 'pkcs8')),
    publicKey: storedPublic(f, await provider.keys.exportPublic(pair.publicKey, 'spki')),
  };
}

// ---------------------------------------------------------------------------------------------
// Material of loaded objects

/** The byte material of a key block in clear. @throws KmsError when wrapped or structured. */
export function blockBytes(object: ManagedObject | undefined, uid: string): Uint8Array {
  if (object === undefined)
    throw new KmsError('ERR_KMS_OBJECT_DESTROYED', `object ${uid} has no key material`);
  if (!('keyBlock' in object))
    throw new KmsError('ERR_KMS_ILLEGAL_OBJECT_TYPE', `object ${uid} has no key block`);
  const kv = object.keyBlock.keyValue;
  if (kv === undefined || kv instanceof Uint8Array || object.keyBlock.keyWrappingData !== undefined)
    throw new KmsError('ERR_KMS_KEY_VALUE_NOT_PRESENT', `the key material of ${uid} is wrapped`);
  if (!(kv.keyMaterial instanceof Uint8Array))
    throw new KmsError(
      'ERR_KMS_KEY_FORMAT_NOT_SUPPORTED',
      `object ${uid} is not stored in a byte format`,
    );
  return kv.keyMaterial;
}

/** True for private and public key objects. */
export function isAsymmetric(objectType: number): boolean {
  return objectType === ObjectType.PrivateKey || objectType === ObjectType.PublicKey;
}

/** Family of a loaded private key, public key or certificate. */
export function familyOf(loaded: LoadedObject): KeyFamily {
  const r = loaded.record;
  if (r.objectType === ObjectType.Certificate) return certificateKey(loaded).family;
  if (!isAsymmetric(r.objectType))
    throw new KmsError('ERR_KMS_ILLEGAL_OBJECT_TYPE', `object ${r.uid} is not an asymmetric key`);
  return loaded.key('asym-family', () => familyOfAttributes(r.attributes, r.uid));
}

/** The parsed private key of a loaded private key (not X-Wing). */
export function parsedPrivateKey(loaded: LoadedObject): Promise<ParsedPrivateKey> {
  const r = loaded.record;
  if (r.objectType !== ObjectType.PrivateKey)
    throw new KmsError('ERR_KMS_ILLEGAL_OBJECT_TYPE', `object ${r.uid} is not a private key`);
  const f = familyOf(loaded);
  return loaded.key('asym-private', () =>
    provider.keys.importPrivate(cryptoAlgorithm(f), 'pkcs8', blockBytes(loaded.object, r.uid)),
  );
}

/** The parsed public key of a loaded public key, private key or certificate (not X-Wing). */
export function parsedPublicKey(loaded: LoadedObject): Promise<ParsedPublicKey> {
  const r = loaded.record;
  if (r.objectType === ObjectType.PrivateKey)
    return loaded.key('asym-public', async () =>
      provider.keys.publicKeyOf(await parsedPrivateKey(loaded)),
    );
  let spki: Uint8Array;
  if (r.objectType === ObjectType.Certificate) spki = certificateKey(loaded).spki;
  else if (r.objectType === ObjectType.PublicKey) spki = blockBytes(loaded.object, r.uid);
  else throw new KmsError('ERR_KMS_ILLEGAL_OBJECT_TYPE', `object ${r.uid} has no public key`);
  const f = familyOf(loaded);
  return loaded.key('asym-public', () =>
    provider.keys.importPublic(cryptoAlgorithm(f), 'spki', spki),
  );
}

/** Raw bytes of a key in the KEM family's form (X-Wing: the stored Raw material). */
export async function rawKemKey(
  loaded: LoadedObject,
  part: 'private' | 'public',
): Promise<Uint8Array> {
  const f = familyOf(loaded);
  const r = loaded.record;
  if (f.name === 'x-wing') {
    if (part === 'public' && r.objectType === ObjectType.PrivateKey)
      return loaded.key('xwing-public', () =>
        provider.kem.get('x-wing').secretKey(blockBytes(loaded.object, r.uid)).publicKey.toBytes(),
      );
    return blockBytes(loaded.object, r.uid);
  }
  return part === 'private'
    ? loaded.key('raw-private', async () =>
        provider.keys.exportPrivate(await parsedPrivateKey(loaded), 'raw'),
      )
    : loaded.key('raw-public', async () =>
        provider.keys.exportPublic(await parsedPublicKey(loaded), 'raw'),
      );
}

// ---------------------------------------------------------------------------------------------
// SubjectPublicKeyInfo / PKCS#8 algorithm identification

const OID_RSA = '1.2.840.113549.1.1.1';
const OID_EC = '1.2.840.10045.2.1';
const CURVE_OIDS: Readonly<Record<string, FamilyName>> = {
  '1.2.840.10045.3.1.7': 'p256',
  '1.3.132.0.34': 'p384',
  '1.3.132.0.35': 'p521',
};
const OIDS: Readonly<Record<string, FamilyName>> = {
  '1.3.101.112': 'ed25519',
  '1.3.101.110': 'x25519',
  '2.16.840.1.101.3.4.3.17': 'ml-dsa-44',
  '2.16.840.1.101.3.4.3.18': 'ml-dsa-65',
  '2.16.840.1.101.3.4.3.19': 'ml-dsa-87',
  '2.16.840.1.101.3.4.4.1': 'ml-kem-512',
  '2.16.840.1.101.3.4.4.2': 'ml-kem-768',
  '2.16.840.1.101.3.4.4.3': 'ml-kem-1024',
};
export const CURVE_OID: Readonly<Record<string, string>> = {
  p256: '1.2.840.10045.3.1.7',
  p384: '1.3.132.0.34',
  p521: '1.3.132.0.35',
};

/** The family named by an AlgorithmIdentifier (RSA length unknown here: 0). */
export function familyOfAlgorithmIdentifier(el: der.Der | undefined): FamilyName {
  const [oid, params] = der.children(der.expect(el, der.SEQUENCE), 1, 2);
  const text = der.oidText(oid);
  if (text === OID_RSA) return 'rsa';
  if (text === OID_EC) {
    const curve = CURVE_OIDS[der.oidText(params)];
    if (curve === undefined) unsupported('EC keys use the curves P-256, P-384 or P-521');
    return curve;
  }
  const name = OIDS[text];
  if (name === undefined) unsupported('the key algorithm is not supported');
  return name;
}

/** The family for a key of `name` found in a container (`bits`: RSA modulus size). */
export function familyFor(name: FamilyName, bits?: number, hint?: Attributes): KeyFamily {
  const algorithm = hint?.cryptographicAlgorithm;
  switch (name) {
    case 'rsa':
      return family('rsa', CryptographicAlgorithm.RSA, bits ?? 0);
    case 'p256':
    case 'p384':
    case 'p521': {
      const a =
        algorithm !== undefined && EC_ALGORITHMS.has(algorithm)
          ? algorithm
          : CryptographicAlgorithm.EC;
      return family(
        name,
        a,
        CURVE_BITS[name] as number,
        {
          p256: RecommendedCurve.P_256,
          p384: RecommendedCurve.P_384,
          p521: RecommendedCurve.P_521,
        }[name],
      );
    }
    case 'ed25519':
      return algorithm !== undefined && EC_ALGORITHMS.has(algorithm)
        ? family('ed25519', algorithm, 256, CURVEED25519)
        : family('ed25519', CryptographicAlgorithm.Ed25519, 256, CURVEED25519);
    case 'x25519':
      return family(
        'x25519',
        algorithm !== undefined && EC_ALGORITHMS.has(algorithm)
          ? algorithm
          : CryptographicAlgorithm.ECDH,
        256,
        CURVE25519,
      );
    default:
      return keyPairFamily(
        {
          'ml-kem-512': ML_KEM_512,
          'ml-kem-768': ML_KEM_768,
          'ml-kem-1024': ML_KEM_1024,
          'ml-dsa-44': CUSTOS_ALGORITHM.ML_DSA_44,
          'ml-dsa-65': CUSTOS_ALGORITHM.ML_DSA_65,
          'ml-dsa-87': CUSTOS_ALGORITHM.ML_DSA_87,
          'x-wing': CUSTOS_ALGORITHM.X_WING,
        }[name],
        undefined,
        undefined,
      );
  }
}

/** The SubjectPublicKeyInfo of an X.509 certificate (DER). */
export function certificateSpki(certificate: Uint8Array): Uint8Array {
  const [tbs] = der.children(der.decode(certificate, der.SEQUENCE), 3, 3);
  const fields = der.children(der.expect(tbs, der.SEQUENCE), 6);
  const at = fields[0]?.tag === 0xa0 ? 6 : 5;
  return der.expect(fields[at], der.SEQUENCE).raw;
}

function certificateKey(loaded: LoadedObject): { spki: Uint8Array; family: KeyFamily } {
  return loaded.key('cert-key', () => {
    const o = loaded.object;
    if (o?.kind !== 'Certificate')
      throw new KmsError(
        'ERR_KMS_ILLEGAL_OBJECT_TYPE',
        `object ${loaded.record.uid} is not a certificate`,
      );
    const spki = certificateSpki(o.certificateValue);
    const [algId] = der.children(der.decode(spki, der.SEQUENCE), 2, 2);
    const name = familyOfAlgorithmIdentifier(algId);
    return { spki, family: familyFor(name, name === 'rsa' ? rsaSpkiBits(spki) : undefined) };
  });
}

/** Modulus size of an RSA SubjectPublicKeyInfo. */
export function rsaSpkiBits(spki: Uint8Array): number {
  const [, key] = der.children(der.decode(spki, der.SEQUENCE), 2, 2);
  const [n] = der.children(der.decode(der.bits(key), der.SEQUENCE), 2, 2);
  const mag = der.unsigned(n);
  return (mag.length - 1) * 8 + (32 - Math.clz32(mag[0] as number));
}
