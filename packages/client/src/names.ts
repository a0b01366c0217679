/**
 * Names a person types for algorithms, key formats and revocation reasons, and the KMIP values
 * (standard, Cosmian's vendor values, Custos' extension values) the server understands.
 */
import {
  BlockCipherMode,
  CryptographicAlgorithm,
  HashingAlgorithm,
  KeyFormatType,
  RecommendedCurve,
  RevocationReasonCode,
} from '@custos/kmip';

/** Cosmian's vendor values (also the Custos server's). */
export const VENDOR = Object.freeze({
  FPE_FF1: 0x88800001,
  COVERCRYPT: 0x88800004,
  COVERCRYPT_BULK: 0x88800005,
  COVERCRYPT_SECRET_KEY_FORMAT: 0x8880000c,
  COVERCRYPT_PUBLIC_KEY_FORMAT: 0x8880000d,
  /** Block Cipher Mode AES-GCM-SIV (Cosmian's value). */
  GCM_SIV: 0x80000002,
  /** Recommended Curve of Ed25519 (Cosmian's CURVEED25519). */
  CURVE_ED25519: 0x80000001,
  CURVE25519: 0x45,
  ML_KEM_512: 0x39,
  ML_KEM_768: 0x3a,
  ML_KEM_1024: 0x3b,
  ML_DSA_44: 0x80c50044,
  ML_DSA_65: 0x80c50065,
  ML_DSA_87: 0x80c50087,
  X_WING: 0x80c50768,
});

export type SymmetricAlgorithm =
  'aes' | 'chacha20' | 'hmac-sha256' | 'hmac-sha384' | 'hmac-sha512' | 'fpe-ff1';

export const SYMMETRIC_ALGORITHMS: Readonly<Record<SymmetricAlgorithm, number>> = {
  aes: CryptographicAlgorithm.AES,
  chacha20: CryptographicAlgorithm.ChaCha20,
  'hmac-sha256': CryptographicAlgorithm.HMAC_SHA256,
  'hmac-sha384': CryptographicAlgorithm.HMAC_SHA384,
  'hmac-sha512': CryptographicAlgorithm.HMAC_SHA512,
  'fpe-ff1': VENDOR.FPE_FF1,
};

export type KeyPairAlgorithm =
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

/** Cryptographic Algorithm (and Recommended Curve) of each key-pair family. */
export const KEY_PAIR_ALGORITHMS: Readonly<
  Record<KeyPairAlgorithm, { algorithm: number; curve?: number }>
> = {
  rsa: { algorithm: CryptographicAlgorithm.RSA },
  p256: { algorithm: CryptographicAlgorithm.EC, curve: RecommendedCurve.P_256 },
  p384: { algorithm: CryptographicAlgorithm.EC, curve: RecommendedCurve.P_384 },
  p521: { algorithm: CryptographicAlgorithm.EC, curve: RecommendedCurve.P_521 },
  ed25519: { algorithm: CryptographicAlgorithm.Ed25519, curve: VENDOR.CURVE_ED25519 },
  x25519: { algorithm: CryptographicAlgorithm.EC, curve: VENDOR.CURVE25519 },
  'ml-kem-512': { algorithm: VENDOR.ML_KEM_512 },
  'ml-kem-768': { algorithm: VENDOR.ML_KEM_768 },
  'ml-kem-1024': { algorithm: VENDOR.ML_KEM_1024 },
  'ml-dsa-44': { algorithm: VENDOR.ML_DSA_44 },
  'ml-dsa-65': { algorithm: VENDOR.ML_DSA_65 },
  'ml-dsa-87': { algorithm: VENDOR.ML_DSA_87 },
  'x-wing': { algorithm: VENDOR.X_WING },
};

export type CipherMode = 'gcm' | 'cbc' | 'xts' | 'gcm-siv' | 'chacha20-poly1305';

/** Cryptographic Parameters of each symmetric cipher mode. */
export const CIPHER_MODES: Readonly<
  Record<CipherMode, { blockCipherMode?: number; cryptographicAlgorithm?: number }>
> = {
  gcm: { blockCipherMode: BlockCipherMode.GCM },
  cbc: { blockCipherMode: BlockCipherMode.CBC },
  xts: { blockCipherMode: BlockCipherMode.XTS },
  'gcm-siv': { blockCipherMode: VENDOR.GCM_SIV },
  'chacha20-poly1305': { cryptographicAlgorithm: CryptographicAlgorithm.ChaCha20Poly1305 },
};

export type WrapMode = 'aes-kwp' | 'aes-kw' | 'aes-gcm';

export const WRAP_MODES: Readonly<Record<WrapMode, number>> = {
  'aes-kwp': BlockCipherMode.AESKeyWrapPadding,
  'aes-kw': BlockCipherMode.NISTKeyWrap,
  'aes-gcm': BlockCipherMode.GCM,
};

export type KeyFormat =
  | 'raw'
  | 'transparent-symmetric'
  | 'pkcs1'
  | 'pkcs8'
  | 'spki'
  | 'sec1'
  | 'x509'
  | 'pkcs12'
  | 'opaque';

export const KEY_FORMATS: Readonly<Record<KeyFormat, number>> = {
  raw: KeyFormatType.Raw,
  opaque: KeyFormatType.Opaque,
  'transparent-symmetric': KeyFormatType.TransparentSymmetricKey,
  pkcs1: KeyFormatType.PKCS_1,
  pkcs8: KeyFormatType.PKCS_8,
  spki: KeyFormatType.X_509,
  x509: KeyFormatType.X_509,
  sec1: KeyFormatType.ECPrivateKey,
  pkcs12: KeyFormatType.PKCS_12,
};

export type RevocationReason =
  | 'unspecified'
  | 'key-compromise'
  | 'ca-compromise'
  | 'affiliation-changed'
  | 'superseded'
  | 'cessation-of-operation'
  | 'privilege-withdrawn';

export const REVOCATION_REASONS: Readonly<Record<RevocationReason, number>> = {
  unspecified: RevocationReasonCode.Unspecified,
  'key-compromise': RevocationReasonCode.KeyCompromise,
  'ca-compromise': RevocationReasonCode.CACompromise,
  'affiliation-changed': RevocationReasonCode.AffiliationChanged,
  superseded: RevocationReasonCode.Superseded,
  'cessation-of-operation': RevocationReasonCode.CessationOfOperation,
  'privilege-withdrawn': RevocationReasonCode.PrivilegeWithdrawn,
};

export type HashName = 'sha256' | 'sha384' | 'sha512' | 'sha3-256' | 'sha3-384' | 'sha3-512';

export const HASHES: Readonly<Record<HashName, number>> = {
  sha256: HashingAlgorithm.SHA_256,
  sha384: HashingAlgorithm.SHA_384,
  sha512: HashingAlgorithm.SHA_512,
  'sha3-256': HashingAlgorithm.SHA3_256,
  'sha3-384': HashingAlgorithm.SHA3_384,
  'sha3-512': HashingAlgorithm.SHA3_512,
};

/** `table[name]`, or a TypeError listing the names. */
export function lookupName<T>(table: Readonly<Record<string, T>>, name: string, what: string): T {
  if (!Object.hasOwn(table, name))
    throw new TypeError(`${what} must be one of ${Object.keys(table).join(', ')}`);
  return table[name] as T;
}
