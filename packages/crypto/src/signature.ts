/**
 * Digital signatures: Ed25519 (RFC 8032), ECDSA on P-256/P-384/P-521 (FIPS 186-5), RSASSA-PSS and
 * RSASSA-PKCS1-v1_5 (RFC 8017) and pure ML-DSA (FIPS 204), over parsed keys from the keys
 * family.
 *
 * Conventions, identical in both providers:
 * - ECDSA signatures are IEEE P1363 (r‖s, fixed length, WebCrypto's form) by default;
 *   `{ encoding: 'der' }` selects the X.690 DER `ECDSA-Sig-Value`, parsed strictly.
 * - RSA-PSS uses MGF1 with the message hash and a salt as long as the hash (RFC 8017 §9.1,
 *   what JOSE PS256/384/512 and most HSMs use).
 * - ML-DSA is the pure (non-prehash) variant, hedged (randomised) signing, with an optional
 *   context string of at most 255 bytes (FIPS 204 §5.2).
 * - `verify` returns false for a well-formed wrong signature AND for signature bytes that are
 *   malformed (wrong length, bad DER): an attacker controls those bytes, and callers must treat
 *   both the same way. It throws TypeError/RangeError for bad arguments and InvalidKey for a
 *   key of the wrong algorithm or kind.
 */
import { abytes, aoneOf } from './_assert.ts';
import {
  TAG_SEQUENCE,
  derDecode,
  derEncodeSequence,
  derEncodeUnsigned,
  derSequence,
  derUnsigned,
} from './_der.ts';
import { fromHex } from './bytes.ts';
import { Unsupported } from './errors.ts';
import type { AsymmetricAlgorithm, PrivateKey, PublicKey } from './keys.ts';

export type SignatureAlgorithm =
  | 'ed25519'
  | 'ecdsa-p256-sha256'
  | 'ecdsa-p384-sha384'
  | 'ecdsa-p521-sha512'
  | 'rsa-pss-sha256'
  | 'rsa-pss-sha384'
  | 'rsa-pss-sha512'
  | 'rsa-pkcs1-sha256'
  | 'rsa-pkcs1-sha384'
  | 'rsa-pkcs1-sha512'
  | 'ml-dsa-44'
  | 'ml-dsa-65'
  | 'ml-dsa-87';

export const SIGNATURE_ALGORITHMS: readonly SignatureAlgorithm[] = Object.freeze([
  'ed25519',
  'ecdsa-p256-sha256',
  'ecdsa-p384-sha384',
  'ecdsa-p521-sha512',
  'rsa-pss-sha256',
  'rsa-pss-sha384',
  'rsa-pss-sha512',
  'rsa-pkcs1-sha256',
  'rsa-pkcs1-sha384',
  'rsa-pkcs1-sha512',
  'ml-dsa-44',
  'ml-dsa-65',
  'ml-dsa-87',
]);

export interface SignatureOptions {
  /** ECDSA only: 'p1363' (r‖s, default) or 'der'. */
  encoding?: 'p1363' | 'der';
  /** ML-DSA only: context string, at most 255 bytes (default empty). */
  context?: Uint8Array;
}

export interface SignatureFamily {
  /**
   * Signs `message` with `privateKey`. Throws RangeError for an unknown algorithm or an option
   * that does not apply to it, TypeError for non-bytes or a key from another provider,
   * InvalidKey when the key's algorithm does not match or it is a public key.
   */
  sign(
    algorithm: SignatureAlgorithm,
    privateKey: PrivateKey,
    message: Uint8Array,
    options?: SignatureOptions,
  ): Promise<Uint8Array>;
  /**
   * Verifies `signature` on `message`. Resolves false for a wrong or malformed signature;
   * throws as `sign` does for bad arguments or keys.
   */
  verify(
    algorithm: SignatureAlgorithm,
    publicKey: PublicKey,
    message: Uint8Array,
    signature: Uint8Array,
    options?: SignatureOptions,
  ): Promise<boolean>;
  /**
   * Signs a digest the caller computed with the algorithm's hash, for the algorithms whose
   * signature is defined on the hash: ECDSA (FIPS 186-5 §6.4.1 from step 2), RSASSA-PKCS1-v1_5
   * (RFC 8017 §9.2 from step 2, DigestInfo added here) and RSASSA-PSS (RFC 8017 §9.1.1 from
   * step 3: mHash is the digest; MGF1 and salt length as in `sign`). The result verifies with
   * `verify` on the message, and `verifyDigest` accepts what `sign` produced. Throws Unsupported
   * for EdDSA and ML-DSA (they sign the message itself), and in the web provider for RSA
   * (WebCrypto has no raw RSA operation); RangeError when `digest` is not as long as the hash;
   * otherwise as `sign`.
   */
  signDigest(
    algorithm: SignatureAlgorithm,
    privateKey: PrivateKey,
    digest: Uint8Array,
    options?: SignatureOptions,
  ): Promise<Uint8Array>;
  /** Verifies a signature on a digest; the counterpart of `signDigest`, false like `verify`. */
  verifyDigest(
    algorithm: SignatureAlgorithm,
    publicKey: PublicKey,
    digest: Uint8Array,
    signature: Uint8Array,
    options?: SignatureOptions,
  ): Promise<boolean>;
}

// ---------------------------------------------------------------------------------------------
// Shared by both providers

export type SignatureHash = 'sha256' | 'sha384' | 'sha512';

/** What each signature algorithm needs: the key algorithm, its scheme and hash. */
export interface SignatureScheme {
  readonly key: AsymmetricAlgorithm;
  readonly scheme: 'ed25519' | 'ecdsa' | 'rsa-pss' | 'rsa-pkcs1' | 'ml-dsa';
  readonly hash?: SignatureHash;
  /** ECDSA: field size in bytes (P1363 signature is twice this). */
  readonly size?: number;
}

export const SIGNATURE_SCHEMES: Readonly<Record<SignatureAlgorithm, SignatureScheme>> =
  Object.freeze({
    ed25519: { key: 'ed25519', scheme: 'ed25519' },
    'ecdsa-p256-sha256': { key: 'p256', scheme: 'ecdsa', hash: 'sha256', size: 32 },
    'ecdsa-p384-sha384': { key: 'p384', scheme: 'ecdsa', hash: 'sha384', size: 48 },
    'ecdsa-p521-sha512': { key: 'p521', scheme: 'ecdsa', hash: 'sha512', size: 66 },
    'rsa-pss-sha256': { key: 'rsa', scheme: 'rsa-pss', hash: 'sha256' },
    'rsa-pss-sha384': { key: 'rsa', scheme: 'rsa-pss', hash: 'sha384' },
    'rsa-pss-sha512': { key: 'rsa', scheme: 'rsa-pss', hash: 'sha512' },
    'rsa-pkcs1-sha256': { key: 'rsa', scheme: 'rsa-pkcs1', hash: 'sha256' },
    'rsa-pkcs1-sha384': { key: 'rsa', scheme: 'rsa-pkcs1', hash: 'sha384' },
    'rsa-pkcs1-sha512': { key: 'rsa', scheme: 'rsa-pkcs1', hash: 'sha512' },
    'ml-dsa-44': { key: 'ml-dsa-44', scheme: 'ml-dsa' },
    'ml-dsa-65': { key: 'ml-dsa-65', scheme: 'ml-dsa' },
    'ml-dsa-87': { key: 'ml-dsa-87', scheme: 'ml-dsa' },
  });

/** FIPS 204 signature sizes. */
export const ML_DSA_SIGNATURE_LENGTH: Readonly<Record<string, number>> = Object.freeze({
  'ml-dsa-44': 2420,
  'ml-dsa-65': 3309,
  'ml-dsa-87': 4627,
});

export const HASH_LENGTH: Readonly<Record<SignatureHash, number>> = Object.freeze({
  sha256: 32,
  sha384: 48,
  sha512: 64,
});

export interface CheckedSignatureArguments {
  readonly algorithm: SignatureAlgorithm;
  readonly scheme: SignatureScheme;
  readonly encoding: 'p1363' | 'der';
  /** Empty when absent. */
  readonly context: Uint8Array;
}

/** Validates algorithm, message and options (keys are the provider's to check). */
export function checkSignatureArguments(
  algorithm: unknown,
  message: unknown,
  options: unknown,
): CheckedSignatureArguments {
  const alg = aoneOf(algorithm, 'algorithm', SIGNATURE_ALGORITHMS);
  const scheme = SIGNATURE_SCHEMES[alg];
  abytes(message, 'message');
  if (options !== undefined && (typeof options !== 'object' || options === null)) {
    throw new TypeError('options must be an object');
  }
  const o = (options ?? {}) as Record<string, unknown>;
  let encoding: 'p1363' | 'der' = 'p1363';
  if (o['encoding'] !== undefined) {
    encoding = aoneOf(o['encoding'], 'options.encoding', ['p1363', 'der'] as const);
    if (scheme.scheme !== 'ecdsa') throw new RangeError('options.encoding applies to ECDSA only');
  }
  let context = new Uint8Array(0);
  if (o['context'] !== undefined) {
    context = abytes(o['context'], 'options.context').slice();
    if (scheme.scheme !== 'ml-dsa') throw new RangeError('options.context applies to ML-DSA only');
    if (context.length > 255) throw new RangeError('options.context must be at most 255 bytes');
  }
  return { algorithm: alg, scheme, encoding, context };
}

/**
 * Converts a DER `ECDSA-Sig-Value` to P1363 r‖s; undefined when the DER is malformed,
 * non-canonical, negative, or an integer does not fit the field (verify then returns false).
 */
export function ecdsaDerToP1363(signature: Uint8Array, size: number): Uint8Array | undefined {
  try {
    const [r, s] = derSequence(derDecode(signature), 'ECDSA-Sig-Value', 2, 2, TAG_SEQUENCE);
    const rb = derUnsigned(r, 'r');
    const sb = derUnsigned(s, 's');
    if (rb.length > size || sb.length > size) return undefined;
    const out = new Uint8Array(2 * size);
    out.set(rb, size - rb.length);
    out.set(sb, 2 * size - sb.length);
    return out;
  } catch {
    return undefined;
  }
}

/** Converts a P1363 r‖s signature to DER `ECDSA-Sig-Value`. */
export function ecdsaP1363ToDer(signature: Uint8Array): Uint8Array {
  const half = signature.length / 2;
  return derEncodeSequence(
    derEncodeUnsigned(signature.subarray(0, half)),
    derEncodeUnsigned(signature.subarray(half)),
  );
}

/**
 * Validates `signDigest` / `verifyDigest` arguments: an ECDSA, RSA PKCS#1 v1.5 or RSA-PSS
 * algorithm (Unsupported otherwise) and a digest as long as its hash (RangeError otherwise).
 */
export function checkDigestArguments(
  algorithm: unknown,
  digest: unknown,
  options: unknown,
): CheckedSignatureArguments {
  const args = checkSignatureArguments(algorithm, digest, options);
  const { scheme, hash } = args.scheme;
  if (scheme !== 'ecdsa' && scheme !== 'rsa-pkcs1' && scheme !== 'rsa-pss')
    throw new Unsupported(`${args.algorithm} signs messages, not digests`);
  if ((digest as Uint8Array).length !== HASH_LENGTH[hash as SignatureHash])
    throw new RangeError(`digest must be ${HASH_LENGTH[hash as SignatureHash]} bytes`);
  return args;
}

/** DER prefixes of DigestInfo (RFC 8017 §9.2 note 1) for the SHA-2 hashes. */
const DIGEST_INFO_PREFIX: Readonly<Record<SignatureHash, string>> = {
  sha256: '3031300d060960864801650304020105000420',
  sha384: '3041300d060960864801650304020205000430',
  sha512: '3051300d060960864801650304020305000440',
};

/** The DigestInfo RSASSA-PKCS1-v1_5 signs (EMSA-PKCS1-v1_5 step 2). */
export function digestInfo(hash: SignatureHash, digest: Uint8Array): Uint8Array {
  const prefix = fromHex(DIGEST_INFO_PREFIX[hash]);
  const out = new Uint8Array(prefix.length + digest.length);
  out.set(prefix);
  out.set(digest, prefix.length);
  return out;
}

/** Byte length of an RSA signature for a modulus of `modulusBits`. */
export function rsaSignatureLength(modulusBits: number): number {
  return Math.ceil(modulusBits / 8);
}
