/**
 * Key Format Types of private and public keys: conversion of a stored key (PKCS#8 / X.509
 * SubjectPublicKeyInfo DER, Raw for X-Wing) to the format a Get/Export asks for, and of a key a
 * client registers, in any supported format, to the storage form (parsed, validated and
 * re-encoded canonically by `@custos/crypto`).
 *
 * | Key Format Type | private keys | public keys |
 * |---|---|---|
 * | PKCS#8 | PrivateKeyInfo DER (all but X-Wing) | SubjectPublicKeyInfo DER (Cosmian's use) |
 * | X.509 | — | SubjectPublicKeyInfo DER (storage form) |
 * | PKCS#1 | RSAPrivateKey DER | RSAPublicKey DER |
 * | EC Private Key | SEC1 ECPrivateKey DER, curve and public key included (P-256/384/521) | — |
 * | Transparent RSA Private/Public Key | all CRT fields | modulus, public exponent |
 * | Transparent EC Private/Public Key | curve + d (P-256/384/521) | curve + Q string (also X25519/Ed25519) |
 * | Raw | the algorithm's raw private form (not RSA) | raw public key (not RSA) |
 *
 * On registration, byte formats may also be given as PEM text (`-----BEGIN ...`) with the
 * label matching the format. KMIP has no PEM Key Format Type, so keys are never returned as PEM.
 */
import {
  CryptographicAlgorithm,
  KeyFormatType,
  RecommendedCurve,
  type Attributes,
  type KeyBlock,
  type ManagedObject,
  type TransparentKeyMaterial,
} from '@custos/kmip';
import { provider } from '@custos/crypto';
import * as der from './_asym-der.ts';
import {
  CURVE25519,
  CURVEED25519,
  CURVE_OID,
  blockBytes,
  cryptoAlgorithm,
  familyFor,
  familyOfAlgorithmIdentifier,
  keyPairFamily,
  rawKemKey,
  storedPrivate,
  storedPublic,
  type FamilyName,
  type KeyFamily,
  type ParsedPrivateKey,
  type ParsedPublicKey,
} from './_asym-keys.ts';
import { KmsError } from './errors.ts';
import type { LoadedObject } from './repository.ts';

const F = KeyFormatType;
const NIST_CURVES: Readonly<Record<string, number>> = {
  p256: RecommendedCurve.P_256,
  p384: RecommendedCurve.P_384,
  p521: RecommendedCurve.P_521,
};
const NIST_BY_CURVE: Readonly<Record<number, FamilyName>> = {
  [RecommendedCurve.P_256]: 'p256',
  [RecommendedCurve.P_384]: 'p384',
  [RecommendedCurve.P_521]: 'p521',
};

function notAvailable(format: number, uid: string): never {
  throw new KmsError(
    'ERR_KMS_KEY_FORMAT_NOT_SUPPORTED',
    `key format ${format} is not available for object ${uid}`,
  );
}

function withMaterial(
  object: ManagedObject,
  format: number,
  material: Uint8Array | TransparentKeyMaterial,
): ManagedObject {
  if (object.kind !== 'PrivateKey' && object.kind !== 'PublicKey') return object;
  const keyBlock: KeyBlock = {
    ...object.keyBlock,
    keyFormatType: format,
    keyValue: { keyMaterial: material },
  };
  return { ...object, keyBlock };
}

/** Fields of a PKCS#1 RSAPrivateKey, from a PKCS#8 PrivateKeyInfo. */
function rsaPrivateFields(pkcs8: Uint8Array): { der: Uint8Array; fields: bigint[] } {
  const [, , key] = der.children(der.decode(pkcs8, der.SEQUENCE), 3, 5);
  const inner = der.expect(key, der.OCTET_STRING).value;
  const parts = der.children(der.decode(inner, der.SEQUENCE), 9, 9);
  return { der: inner, fields: parts.slice(1).map((p) => der.toBigint(der.unsigned(p))) };
}

/** The RSAPublicKey inside an RSA SubjectPublicKeyInfo, and its modulus and exponent. */
function rsaPublicParts(spki: Uint8Array): { der: Uint8Array; n: bigint; e: bigint } {
  const [, key] = der.children(der.decode(spki, der.SEQUENCE), 2, 2);
  const inner = der.bits(key);
  const [n, e] = der.children(der.decode(inner, der.SEQUENCE), 2, 2);
  return { der: inner, n: der.toBigint(der.unsigned(n)), e: der.toBigint(der.unsigned(e)) };
}

/**
 * A stored private or public key in the Key Format Type `format` (undefined: as stored).
 */
export async function asymmetricInFormat(
  loaded: LoadedObject,
  object: ManagedObject,
  family: KeyFamily,
  format: number | undefined,
): Promise<ManagedObject> {
  const uid = loaded.record.uid;
  const stored = blockBytes(object, uid);
  const isPrivate = object.kind === 'PrivateKey';
  const current = (object as { keyBlock: KeyBlock }).keyBlock.keyFormatType;
  if (format === undefined || format === current) return object;
  if (family.name === 'x-wing') notAvailable(format, uid);
  const isNist = family.name in NIST_CURVES;
  if (isPrivate) {
    switch (format) {
      case F.PKCS_8:
        return withMaterial(object, format, stored);
      case F.PKCS_1:
        if (family.name !== 'rsa') notAvailable(format, uid);
        return withMaterial(object, format, rsaPrivateFields(stored).der);
      case F.TransparentRSAPrivateKey: {
        if (family.name !== 'rsa') notAvailable(format, uid);
        const [n, e, d, p, q, dp, dq, qi] = rsaPrivateFields(stored).fields;
        return withMaterial(object, format, {
          modulus: n as bigint,
          privateExponent: d as bigint,
          publicExponent: e as bigint,
          p: p as bigint,
          q: q as bigint,
          primeExponentP: dp as bigint,
          primeExponentQ: dq as bigint,
          crtCoefficient: qi as bigint,
        });
      }
      case F.ECPrivateKey:
      case F.TransparentECPrivateKey: {
        if (!isNist) notAvailable(format, uid);
        const d = await rawKemKey(loaded, 'private');
        if (format === F.TransparentECPrivateKey)
          return withMaterial(object, format, {
            recommendedCurve: NIST_CURVES[family.name] as number,
            d: der.toBigint(d),
          });
        const pub = await rawKemKey(loaded, 'public');
        return withMaterial(object, format, sec1(family.name, d, pub));
      }
      case F.Raw:
        if (family.name === 'rsa') notAvailable(format, uid);
        return withMaterial(object, format, await rawKemKey(loaded, 'private'));
      default:
        return notAvailable(format, uid);
    }
  }
  switch (format) {
    case F.PKCS_8:
    case F.X_509:
      return withMaterial(object, format, stored);
    case F.PKCS_1:
      if (family.name !== 'rsa') notAvailable(format, uid);
      return withMaterial(object, format, rsaPublicParts(stored).der);
    case F.TransparentRSAPublicKey: {
      if (family.name !== 'rsa') notAvailable(format, uid);
      const { n, e } = rsaPublicParts(stored);
      return withMaterial(object, format, { modulus: n, publicExponent: e });
    }
    case F.TransparentECPublicKey: {
      const curve =
        NIST_CURVES[family.name] ??
        (family.name === 'x25519'
          ? CURVE25519
          : family.name === 'ed25519'
            ? CURVEED25519
            : undefined);
      if (curve === undefined) notAvailable(format, uid);
      return withMaterial(object, format, {
        recommendedCurve: curve,
        qString: await rawKemKey(loaded, 'public'),
      });
    }
    case F.Raw:
      if (family.name === 'rsa') notAvailable(format, uid);
      return withMaterial(object, format, await rawKemKey(loaded, 'public'));
    default:
      return notAvailable(format, uid);
  }
}

/** SEC1 ECPrivateKey with the curve and the public key (RFC 5915). */
export function sec1(name: FamilyName, d: Uint8Array, publicKey: Uint8Array): Uint8Array {
  return der.seq(
    der.integer(1),
    der.octets(d),
    der.explicit(0, der.oid(CURVE_OID[name] as string)),
    der.explicit(1, der.bitString(publicKey)),
  );
}

// ---------------------------------------------------------------------------------------------
// Registration

const PEM_LABELS: Readonly<Record<string, string>> = {
  'PRIVATE KEY': 'pkcs8',
  'RSA PRIVATE KEY': 'pkcs1',
  'EC PRIVATE KEY': 'sec1',
  'PUBLIC KEY': 'spki',
  'RSA PUBLIC KEY': 'pkcs1',
};

/** DER bytes of key material given as DER or as PEM text with an acceptable label. */
export function derOrPem(bytes: Uint8Array, labels: readonly string[]): Uint8Array {
  const head = new TextDecoder().decode(bytes.subarray(0, 11));
  if (head !== '-----BEGIN ') return bytes;
  const text = new TextDecoder().decode(bytes);
  const m =
    /^-----BEGIN ([A-Z0-9 ]+)-----\r?\n([A-Za-z0-9+/=\r\n]+?)\r?\n?-----END \1-----\s*$/u.exec(
      text,
    );
  if (m === null || !labels.includes(m[1] as string) || PEM_LABELS[m[1] as string] === undefined)
    throw new KmsError('ERR_KMS_INVALID_FIELD', 'PEM key material with an unexpected label');
  return Uint8Array.from(Buffer.from((m[2] as string).replace(/\s/g, ''), 'base64'));
}

function pem(label: string, bytes: Uint8Array): string {
  const b64 = Buffer.from(bytes).toString('base64');
  return `-----BEGIN ${label}-----\n${(b64.match(/.{1,64}/g) ?? []).join('\n')}\n-----END ${label}-----\n`;
}

/** The family a client's attributes (or key block) name, if they name one. */
function hintFamily(hint: Attributes): KeyFamily | undefined {
  if (hint.cryptographicAlgorithm === undefined) return undefined;
  return keyPairFamily(
    hint.cryptographicAlgorithm,
    hint.cryptographicLength,
    hint.cryptographicDomainParameters?.recommendedCurve,
    true,
  );
}

function requireHint(hint: Attributes, what: string): KeyFamily {
  const f = hintFamily(hint);
  if (f === undefined)
    throw new KmsError('ERR_KMS_MISSING_DATA', `${what} needs the Cryptographic Algorithm`);
  // Raw EC material does not say its curve: an EC algorithm needs the curve (or its length).
  const a = hint.cryptographicAlgorithm;
  const ec =
    a === CryptographicAlgorithm.EC ||
    a === CryptographicAlgorithm.ECDSA ||
    a === CryptographicAlgorithm.ECDH;
  if (
    ec &&
    hint.cryptographicDomainParameters?.recommendedCurve === undefined &&
    hint.cryptographicLength === undefined
  )
    throw new KmsError('ERR_KMS_MISSING_DATA', `${what} needs the Recommended Curve`);
  return f;
}

function agree(found: KeyFamily, hint: Attributes): KeyFamily {
  const h = hintFamily(hint);
  if (h !== undefined && h.name !== found.name)
    throw new KmsError(
      'ERR_KMS_INVALID_FIELD',
      'Cryptographic Algorithm differs from the key material',
    );
  return found;
}

function material(object: ManagedObject): Uint8Array | TransparentKeyMaterial {
  const kb = (object as { keyBlock: KeyBlock }).keyBlock;
  const kv = kb.keyValue;
  if (kv === undefined || kv instanceof Uint8Array)
    throw new KmsError('ERR_KMS_KEY_VALUE_NOT_PRESENT', 'the object has no Key Value');
  return kv.keyMaterial;
}

function bytesOf(m: Uint8Array | TransparentKeyMaterial, format: number): Uint8Array {
  if (!(m instanceof Uint8Array))
    throw new KmsError('ERR_KMS_INVALID_FIELD', `key format ${format} takes a Byte String`);
  return m;
}

function transparentOf(
  m: Uint8Array | TransparentKeyMaterial,
  format: number,
): TransparentKeyMaterial {
  if (m instanceof Uint8Array)
    throw new KmsError('ERR_KMS_INVALID_FIELD', `key format ${format} takes a structure`);
  return m;
}

function need(v: bigint | undefined, name: string): bigint {
  if (v === undefined)
    throw new KmsError('ERR_KMS_MISSING_DATA', `the transparent key needs ${name}`);
  return v;
}

/** What `importAsymmetric` returns: the storage form and the family of the key. */
export interface ImportedKey {
  readonly object: ManagedObject;
  readonly family: KeyFamily;
  /** The parsed key, for callers that need it (PKCS#12, links). */
  readonly parsed: ParsedPrivateKey | ParsedPublicKey | undefined;
}

/**
 * A private or public key a client sends, validated and converted to the storage form.
 * `hint` is the client's attributes merged with the key block's algorithm and length.
 * PKCS#12 is not handled here (it makes several objects: see `_pkcs12.ts`).
 */
export async function importAsymmetric(
  object: ManagedObject,
  hint: Attributes,
): Promise<ImportedKey> {
  if (object.kind !== 'PrivateKey' && object.kind !== 'PublicKey')
    throw new KmsError('ERR_KMS_ILLEGAL_OBJECT_TYPE', 'not a private or public key');
  const format = object.keyBlock.keyFormatType;
  const m = material(object);
  try {
    return object.kind === 'PrivateKey'
      ? await importPrivate(format, m, hint)
      : await importPublic(format, m, hint);
  } catch (error) {
    if (error instanceof KmsError) throw error;
    if (error instanceof RangeError || error instanceof TypeError)
      throw new KmsError('ERR_KMS_INVALID_FIELD', 'invalid key material');
    // @custos/crypto InvalidKey / InvalidEncoding / Unsupported: say which, not the bytes.
    const name = (error as { code?: string }).code ?? 'invalid';
    throw new KmsError('ERR_KMS_INVALID_FIELD', `the key material was refused (${name})`);
  }
}

async function storePrivate(f: KeyFamily, key: ParsedPrivateKey): Promise<ImportedKey> {
  const family = f.name === 'rsa' ? familyFor('rsa', key.modulusBits) : f;
  return {
    object: storedPrivate(family, await provider.keys.exportPrivate(key, 'pkcs8')),
    family,
    parsed: key,
  };
}

async function storePublic(f: KeyFamily, key: ParsedPublicKey): Promise<ImportedKey> {
  const family = f.name === 'rsa' ? familyFor('rsa', key.modulusBits) : f;
  return {
    object: storedPublic(family, await provider.keys.exportPublic(key, 'spki')),
    family,
    parsed: key,
  };
}

/** A PKCS#8 PrivateKeyInfo (DER) of any supported algorithm, parsed. */
export async function importPkcs8(pkcs8: Uint8Array, hint: Attributes): Promise<ImportedKey> {
  const [, algId] = der.children(der.decode(pkcs8, der.SEQUENCE), 3, 5);
  const name = familyOfAlgorithmIdentifier(algId);
  const f = agree(familyFor(name, undefined, hint), hint);
  return storePrivate(f, await provider.keys.importPrivate(cryptoAlgorithm(f), 'pkcs8', pkcs8));
}

async function importPrivate(
  format: number,
  m: Uint8Array | TransparentKeyMaterial,
  hint: Attributes,
): Promise<ImportedKey> {
  switch (format) {
    case F.PKCS_8:
      return importPkcs8(derOrPem(bytesOf(m, format), ['PRIVATE KEY']), hint);
    case F.PKCS_1: {
      const f = agree(familyFor('rsa'), hint);
      const body = derOrPem(bytesOf(m, format), ['RSA PRIVATE KEY']);
      return storePrivate(
        f,
        await provider.keys.importPrivate('rsa', 'pem', pem('RSA PRIVATE KEY', body)),
      );
    }
    case F.TransparentRSAPrivateKey: {
      const t = transparentOf(m, format);
      const body = der.seq(
        der.integer(0),
        ...[
          need(t.modulus, 'the modulus'),
          need(t.publicExponent, 'the public exponent'),
          need(t.privateExponent, 'the private exponent'),
          need(t.p, 'P'),
          need(t.q, 'Q'),
          need(t.primeExponentP, 'the prime exponent P'),
          need(t.primeExponentQ, 'the prime exponent Q'),
          need(t.crtCoefficient, 'the CRT coefficient'),
        ].map((v) => der.integer(v)),
      );
      const f = agree(familyFor('rsa'), hint);
      return storePrivate(
        f,
        await provider.keys.importPrivate('rsa', 'pem', pem('RSA PRIVATE KEY', body)),
      );
    }
    case F.ECPrivateKey: {
      const body = derOrPem(bytesOf(m, format), ['EC PRIVATE KEY']);
      const fields = der.children(der.decode(body, der.SEQUENCE), 2, 4);
      const params = fields.find((x) => x.tag === 0xa0);
      let name: FamilyName;
      if (params !== undefined) {
        const [curve] = der.children(params, 1, 1);
        const oid = der.oidText(curve);
        const found = Object.entries(CURVE_OID).find(([, o]) => o === oid)?.[0];
        if (found === undefined)
          throw new KmsError(
            'ERR_KMS_UNSUPPORTED_CRYPTOGRAPHIC_PARAMETERS',
            'EC keys use the curves P-256, P-384 or P-521',
          );
        name = found as FamilyName;
      } else name = requireHint(hint, 'an EC Private Key without curve').name;
      if (!(name in NIST_CURVES))
        throw new KmsError('ERR_KMS_INVALID_FIELD', 'EC Private Key is for P-256/384/521 keys');
      const f = agree(familyFor(name, undefined, hint), hint);
      // PKCS#8 around the SEC1 structure: the form the crypto layer parses for every curve.
      const pkcs8 = der.seq(
        der.integer(0),
        der.seq(der.oid('1.2.840.10045.2.1'), der.oid(CURVE_OID[name] as string)),
        der.octets(body),
      );
      return storePrivate(f, await provider.keys.importPrivate(cryptoAlgorithm(f), 'pkcs8', pkcs8));
    }
    case F.TransparentECPrivateKey: {
      const t = transparentOf(m, format);
      const name = t.recommendedCurve === undefined ? undefined : NIST_BY_CURVE[t.recommendedCurve];
      if (name === undefined)
        throw new KmsError(
          'ERR_KMS_UNSUPPORTED_CRYPTOGRAPHIC_PARAMETERS',
          'Transparent EC Private Keys are on P-256, P-384 or P-521',
        );
      const f = agree(familyFor(name, undefined, hint), hint);
      const size = name === 'p521' ? 66 : name === 'p384' ? 48 : 32;
      let d: Uint8Array;
      try {
        d = der.fixedBytes(need(t.d, 'D'), size);
      } catch {
        throw new KmsError('ERR_KMS_INVALID_FIELD', 'D is out of range for the curve');
      }
      return storePrivate(f, await provider.keys.importPrivate(cryptoAlgorithm(f), 'raw', d));
    }
    case F.Raw: {
      const f = requireHint(hint, 'a Raw private key');
      const bytes = bytesOf(m, format);
      if (f.name === 'x-wing') {
        provider.kem.get('x-wing').secretKey(bytes);
        return { object: storedPrivate(f, bytes.slice()), family: f, parsed: undefined };
      }
      return storePrivate(f, await provider.keys.importPrivate(cryptoAlgorithm(f), 'raw', bytes));
    }
    default:
      throw new KmsError(
        'ERR_KMS_KEY_FORMAT_NOT_SUPPORTED',
        `private keys cannot be registered in key format ${format}`,
      );
  }
}

/** An X.509 SubjectPublicKeyInfo (DER) of any supported algorithm, parsed. */
export async function importSpki(spki: Uint8Array, hint: Attributes): Promise<ImportedKey> {
  const [algId] = der.children(der.decode(spki, der.SEQUENCE), 2, 2);
  const name = familyOfAlgorithmIdentifier(algId);
  const f = agree(familyFor(name, undefined, hint), hint);
  return storePublic(f, await provider.keys.importPublic(cryptoAlgorithm(f), 'spki', spki));
}

async function importPublic(
  format: number,
  m: Uint8Array | TransparentKeyMaterial,
  hint: Attributes,
): Promise<ImportedKey> {
  switch (format) {
    case F.X_509:
    case F.PKCS_8:
      return importSpki(derOrPem(bytesOf(m, format), ['PUBLIC KEY']), hint);
    case F.PKCS_1: {
      const f = agree(familyFor('rsa'), hint);
      const body = derOrPem(bytesOf(m, format), ['RSA PUBLIC KEY']);
      return storePublic(
        f,
        await provider.keys.importPublic('rsa', 'pem', pem('RSA PUBLIC KEY', body)),
      );
    }
    case F.TransparentRSAPublicKey: {
      const t = transparentOf(m, format);
      const body = der.seq(
        der.integer(need(t.modulus, 'the modulus')),
        der.integer(need(t.publicExponent, 'the public exponent')),
      );
      const f = agree(familyFor('rsa'), hint);
      return storePublic(
        f,
        await provider.keys.importPublic('rsa', 'pem', pem('RSA PUBLIC KEY', body)),
      );
    }
    case F.TransparentECPublicKey: {
      const t = transparentOf(m, format);
      const c = t.recommendedCurve;
      const name: FamilyName | undefined =
        c === undefined
          ? undefined
          : c === CURVE25519
            ? 'x25519'
            : c === CURVEED25519
              ? 'ed25519'
              : NIST_BY_CURVE[c];
      if (name === undefined || t.qString === undefined)
        throw new KmsError(
          'ERR_KMS_UNSUPPORTED_CRYPTOGRAPHIC_PARAMETERS',
          'Transparent EC Public Keys are on P-256/384/521, CURVE25519 or CURVEED25519',
        );
      const f = agree(familyFor(name, undefined, hint), hint);
      return storePublic(f, await provider.keys.importPublic(cryptoAlgorithm(f), 'raw', t.qString));
    }
    case F.Raw: {
      const f = requireHint(hint, 'a Raw public key');
      const bytes = bytesOf(m, format);
      if (f.name === 'x-wing') {
        provider.kem.get('x-wing').publicKey(bytes);
        return { object: storedPublic(f, bytes.slice()), family: f, parsed: undefined };
      }
      return storePublic(f, await provider.keys.importPublic(cryptoAlgorithm(f), 'raw', bytes));
    }
    default:
      throw new KmsError(
        'ERR_KMS_KEY_FORMAT_NOT_SUPPORTED',
        `public keys cannot be registered in key format ${format}`,
      );
  }
}
