/**
 * The algorithms of certificates: which `@custos/crypto` signature algorithm an X.509
 * AlgorithmIdentifier names (and back), and which key algorithm a SubjectPublicKeyInfo or a
 * PKCS#8 PrivateKeyInfo holds. Only what `@custos/crypto` can verify is recognised: RSA PKCS#1
 * v1.5 and RSASSA-PSS with SHA-256/384/512, ECDSA P-256 with SHA-256, P-384 with SHA-384 and
 * P-521 with SHA-512, Ed25519 and ML-DSA-44/65/87 (RFC 9881). Anything else is "unsupported", which Validate reports
 * as Unknown and Certify refuses.
 */
import { AsnConvert } from '@peculiar/asn1-schema';
import { AlgorithmIdentifier } from '@peculiar/asn1-x509';
import { RsaSaPssParams } from '@peculiar/asn1-rsa';
import { DigitalSignatureAlgorithm, HashingAlgorithm } from '@custos/kmip';
import type { CryptoProvider } from '@custos/crypto';
import { KmsError } from './errors.ts';
import { children, decode, oidText, SEQUENCE } from './_asym-der.ts';

export type SignatureAlgorithm = Parameters<CryptoProvider['signature']['sign']>[0];
export type KeyAlgorithm = Parameters<CryptoProvider['keys']['importPublic']>[0];

const RSA_ENCRYPTION = '1.2.840.113549.1.1.1';
const RSASSA_PSS = '1.2.840.113549.1.1.10';
const MGF1 = '1.2.840.113549.1.1.8';
const EC_PUBLIC_KEY = '1.2.840.10045.2.1';

/** Hash OIDs (NIST) by the names `@custos/crypto` uses. */
const HASH_OID: Readonly<Record<'sha256' | 'sha384' | 'sha512', string>> = {
  sha256: '2.16.840.1.101.3.4.2.1',
  sha384: '2.16.840.1.101.3.4.2.2',
  sha512: '2.16.840.1.101.3.4.2.3',
};
const HASH_LENGTH = { sha256: 32, sha384: 48, sha512: 64 } as const;

/** Signature algorithms whose AlgorithmIdentifier is an OID alone (or with NULL for RSA). */
const SIMPLE_SIGNATURES: ReadonlyMap<string, SignatureAlgorithm> = new Map([
  ['1.2.840.113549.1.1.11', 'rsa-pkcs1-sha256'],
  ['1.2.840.113549.1.1.12', 'rsa-pkcs1-sha384'],
  ['1.2.840.113549.1.1.13', 'rsa-pkcs1-sha512'],
  ['1.2.840.10045.4.3.2', 'ecdsa-p256-sha256'],
  ['1.2.840.10045.4.3.3', 'ecdsa-p384-sha384'],
  ['1.2.840.10045.4.3.4', 'ecdsa-p521-sha512'],
  ['1.3.101.112', 'ed25519'],
  ['2.16.840.1.101.3.4.3.17', 'ml-dsa-44'],
  ['2.16.840.1.101.3.4.3.18', 'ml-dsa-65'],
  ['2.16.840.1.101.3.4.3.19', 'ml-dsa-87'],
]);

const SIGNATURE_OID: ReadonlyMap<SignatureAlgorithm, string> = new Map(
  [...SIMPLE_SIGNATURES].map(([oid, alg]) => [alg, oid]),
);

/** Names of the signature OIDs we do not verify, for messages. */
const KNOWN_UNSUPPORTED: ReadonlyMap<string, string> = new Map([
  ['1.2.840.113549.1.1.5', 'sha1WithRSAEncryption'],
  ['1.2.840.113549.1.1.4', 'md5WithRSAEncryption'],
  ['1.2.840.10045.4.1', 'ecdsa-with-SHA1'],
  ['1.3.101.113', 'Ed448'],
]);

/** The `@custos/crypto` signature algorithm of an AlgorithmIdentifier, or a reason it has none. */
export function signatureAlgorithmOf(
  id: AlgorithmIdentifier,
): { algorithm: SignatureAlgorithm } | { unsupported: string } {
  const simple = SIMPLE_SIGNATURES.get(id.algorithm);
  if (simple !== undefined) {
    const isRsa = simple.startsWith('rsa-');
    // RFC 4055 §5: the RSA PKCS#1 identifiers carry NULL (absent is tolerated); the others none.
    if (!isRsa && id.parameters !== undefined && id.parameters !== null)
      return { unsupported: `parameters on ${simple}` };
    return { algorithm: simple };
  }
  if (id.algorithm === RSASSA_PSS) return pssAlgorithm(id);
  return {
    unsupported: KNOWN_UNSUPPORTED.get(id.algorithm) ?? `signature algorithm ${id.algorithm}`,
  };
}

function pssAlgorithm(
  id: AlgorithmIdentifier,
): { algorithm: SignatureAlgorithm } | { unsupported: string } {
  if (!(id.parameters instanceof ArrayBuffer))
    return { unsupported: 'RSASSA-PSS without parameters' };
  let p: RsaSaPssParams;
  try {
    p = AsnConvert.parse(id.parameters, RsaSaPssParams);
  } catch {
    return { unsupported: 'malformed RSASSA-PSS parameters' };
  }
  const hash = (Object.keys(HASH_OID) as (keyof typeof HASH_OID)[]).find(
    (h) => HASH_OID[h] === p.hashAlgorithm.algorithm,
  );
  if (hash === undefined) return { unsupported: 'RSASSA-PSS with a hash other than SHA-2' };
  if (
    p.maskGenAlgorithm.algorithm !== MGF1 ||
    !(p.maskGenAlgorithm.parameters instanceof ArrayBuffer)
  )
    return { unsupported: 'RSASSA-PSS with a mask generator other than MGF1' };
  const mgfHash = AsnConvert.parse(p.maskGenAlgorithm.parameters, AlgorithmIdentifier);
  // @custos/crypto signs and verifies PSS with MGF1 over the same hash and a salt of hLen.
  if (
    mgfHash.algorithm !== HASH_OID[hash] ||
    p.saltLength !== HASH_LENGTH[hash] ||
    p.trailerField !== 1
  )
    return { unsupported: 'RSASSA-PSS parameters other than MGF1(same hash), salt = hash length' };
  return { algorithm: `rsa-pss-${hash}` };
}

/** The AlgorithmIdentifier to write for `algorithm`. */
export function signatureIdentifier(algorithm: SignatureAlgorithm): AlgorithmIdentifier {
  if (algorithm.startsWith('rsa-pss-')) {
    const hash = algorithm.slice('rsa-pss-'.length) as keyof typeof HASH_OID;
    const hashId = new AlgorithmIdentifier({ algorithm: HASH_OID[hash], parameters: null });
    const params = new RsaSaPssParams({
      hashAlgorithm: hashId,
      maskGenAlgorithm: new AlgorithmIdentifier({
        algorithm: MGF1,
        parameters: AsnConvert.serialize(hashId),
      }),
      saltLength: HASH_LENGTH[hash],
    });
    return new AlgorithmIdentifier({
      algorithm: RSASSA_PSS,
      parameters: AsnConvert.serialize(params),
    });
  }
  const oid = SIGNATURE_OID.get(algorithm);
  if (oid === undefined) throw new KmsError('ERR_KMS_INTERNAL', 'no identifier for the algorithm');
  return algorithm.startsWith('rsa-')
    ? new AlgorithmIdentifier({ algorithm: oid, parameters: null })
    : new AlgorithmIdentifier({ algorithm: oid });
}

/** ECDSA signatures in X.509 are DER `ECDSA-Sig-Value`s. */
export function signatureOptions(algorithm: SignatureAlgorithm): { encoding: 'der' } | undefined {
  return algorithm.startsWith('ecdsa-') ? { encoding: 'der' } : undefined;
}

const KEY_OIDS: ReadonlyMap<string, KeyAlgorithm> = new Map([
  [RSA_ENCRYPTION, 'rsa'],
  ['1.3.101.112', 'ed25519'],
  ['1.3.101.110', 'x25519'],
  ['2.16.840.1.101.3.4.3.17', 'ml-dsa-44'],
  ['2.16.840.1.101.3.4.3.18', 'ml-dsa-65'],
  ['2.16.840.1.101.3.4.3.19', 'ml-dsa-87'],
  ['2.16.840.1.101.3.4.4.1', 'ml-kem-512'],
  ['2.16.840.1.101.3.4.4.2', 'ml-kem-768'],
  ['2.16.840.1.101.3.4.4.3', 'ml-kem-1024'],
]);
const CURVES: ReadonlyMap<string, KeyAlgorithm> = new Map([
  ['1.2.840.10045.3.1.7', 'p256'],
  ['1.3.132.0.34', 'p384'],
  ['1.3.132.0.35', 'p521'],
]);
const CURVE_NAMES: ReadonlyMap<string, string> = new Map([['1.3.132.0.10', 'secp256k1']]);

/**
 * Key algorithm of an AlgorithmIdentifier's DER (the first field of a SubjectPublicKeyInfo or
 * the second of a PrivateKeyInfo). @throws KmsError ERR_KMS_UNSUPPORTED_KEY for other keys.
 */
export function keyAlgorithmOfIdentifier(der: Uint8Array): KeyAlgorithm {
  const fields = children(decode(der, SEQUENCE), 1, 2);
  const oid = oidText(fields[0]);
  if (oid === EC_PUBLIC_KEY) {
    const curve = oidText(fields[1]);
    const alg = CURVES.get(curve);
    if (alg === undefined)
      throw new KmsError(
        'ERR_KMS_UNSUPPORTED_CRYPTOGRAPHIC_PARAMETERS',
        `EC keys on ${CURVE_NAMES.get(curve) ?? `curve ${curve}`} are not supported`,
      );
    return alg;
  }
  const alg = KEY_OIDS.get(oid);
  if (alg === undefined)
    throw new KmsError(
      'ERR_KMS_UNSUPPORTED_CRYPTOGRAPHIC_PARAMETERS',
      `keys of algorithm ${oid} are not supported`,
    );
  return alg;
}

/** Key algorithm of a SubjectPublicKeyInfo (DER). */
export function keyAlgorithmOfSpki(spki: Uint8Array): KeyAlgorithm {
  const [algId] = children(decode(spki, SEQUENCE), 2, 2);
  return keyAlgorithmOfIdentifier((algId as { raw: Uint8Array }).raw);
}

/** Key algorithm of a PKCS#8 PrivateKeyInfo / OneAsymmetricKey (DER). */
export function keyAlgorithmOfPkcs8(pkcs8: Uint8Array): KeyAlgorithm {
  const fields = children(decode(pkcs8, SEQUENCE), 3, 5);
  return keyAlgorithmOfIdentifier((fields[1] as { raw: Uint8Array }).raw);
}

/**
 * The signature algorithm a key of `key` signs certificates with: the one asked (KMIP Digital
 * Signature Algorithm, Hashing Algorithm for RSASSA-PSS), else the key's natural one (RSA
 * PKCS#1 v1.5 SHA-256, ECDSA with the curve's hash, Ed25519, ML-DSA).
 * @throws KmsError when the key cannot sign or the request does not fit the key.
 */
export function signingAlgorithm(
  key: KeyAlgorithm,
  requested: { digitalSignatureAlgorithm?: number; hashingAlgorithm?: number },
): SignatureAlgorithm {
  const dsa = requested.digitalSignatureAlgorithm;
  const D = DigitalSignatureAlgorithm;
  let natural: SignatureAlgorithm;
  switch (key) {
    case 'rsa': {
      if (dsa === undefined || dsa === D.SHA_256WithRSAEncryption) return 'rsa-pkcs1-sha256';
      if (dsa === D.SHA_384WithRSAEncryption) return 'rsa-pkcs1-sha384';
      if (dsa === D.SHA_512WithRSAEncryption) return 'rsa-pkcs1-sha512';
      if (dsa === D.RSASSA_PSS) {
        const h = requested.hashingAlgorithm;
        if (h === undefined || h === HashingAlgorithm.SHA_256) return 'rsa-pss-sha256';
        if (h === HashingAlgorithm.SHA_384) return 'rsa-pss-sha384';
        if (h === HashingAlgorithm.SHA_512) return 'rsa-pss-sha512';
      }
      throw new KmsError(
        'ERR_KMS_UNSUPPORTED_CRYPTOGRAPHIC_PARAMETERS',
        'RSA certificates are signed with SHA-256/384/512 with RSA encryption or RSASSA-PSS (SHA-2)',
      );
    }
    case 'p256':
      natural = 'ecdsa-p256-sha256';
      if (dsa !== undefined && dsa !== D.ECDSAWithSHA256) break;
      return natural;
    case 'p384':
      natural = 'ecdsa-p384-sha384';
      if (dsa !== undefined && dsa !== D.ECDSAWithSHA384) break;
      return natural;
    case 'p521':
      natural = 'ecdsa-p521-sha512';
      if (dsa !== undefined && dsa !== D.ECDSAWithSHA512) break;
      return natural;
    case 'ed25519':
    case 'ml-dsa-44':
    case 'ml-dsa-65':
    case 'ml-dsa-87':
      if (dsa !== undefined)
        throw new KmsError(
          'ERR_KMS_UNSUPPORTED_CRYPTOGRAPHIC_PARAMETERS',
          `${key} keys sign with their own algorithm only`,
        );
      return key;
    default:
      throw new KmsError('ERR_KMS_ISSUER', `a ${key} key cannot sign certificates`);
  }
  throw new KmsError(
    'ERR_KMS_UNSUPPORTED_CRYPTOGRAPHIC_PARAMETERS',
    `${key.toUpperCase()} keys sign certificates with ${natural} only`,
  );
}
