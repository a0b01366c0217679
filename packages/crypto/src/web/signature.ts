/**
 * Signature family for browsers: WebCrypto for RSA, ECDSA and Ed25519 (when the browser has
 * it), @noble/curves Ed25519 otherwise, @noble/post-quantum for ML-DSA (no browser offers it).
 *
 * Ed25519 verification on the noble path is RFC 8032 strict (`zip215: false`: canonical
 * encodings of R, A and S < L), which is what OpenSSL and Wycheproof expect, so both paths and
 * both providers accept the same signatures.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { ml_dsa44, ml_dsa65, ml_dsa87 } from '@noble/post-quantum/ml-dsa.js';
import { abytes } from '../_assert.ts';
import { promised, type PrivateKey, type PublicKey } from '../keys.ts';
import type { EcAlgorithm } from '../_der-keys.ts';
import { ecdsaSignDigest, ecdsaVerifyDigest } from '../_ecdsa-digest.ts';
import { Unsupported } from '../errors.ts';
import {
  checkDigestArguments,
  checkSignatureArguments,
  ecdsaDerToP1363,
  ecdsaP1363ToDer,
  HASH_LENGTH,
  ML_DSA_SIGNATURE_LENGTH,
  rsaSignatureLength,
  type CheckedSignatureArguments,
  type SignatureAlgorithm,
  type SignatureFamily,
  type SignatureOptions,
} from '../signature.ts';
import { subtle, webKeyAccess, type WebKeyAccess } from './keys.ts';

const ML_DSA = { 'ml-dsa-44': ml_dsa44, 'ml-dsa-65': ml_dsa65, 'ml-dsa-87': ml_dsa87 } as const;
const SUBTLE_HASH = { sha256: 'SHA-256', sha384: 'SHA-384', sha512: 'SHA-512' } as const;
const SUBTLE_CURVE = { p256: 'P-256', p384: 'P-384', p521: 'P-521' } as const;

/** RFC 8032 §7.1 test 1 public key: a valid point to probe WebCrypto Ed25519 support with. */
const ED25519_PROBE = Uint8Array.from([
  0xd7, 0x5a, 0x98, 0x01, 0x82, 0xb1, 0x0a, 0xb7, 0xd5, 0x4b, 0xfe, 0xd3, 0xc9, 0x64, 0x07, 0x3a,
  0x0e, 0xe1, 0x72, 0xf3, 0xda, 0xa6, 0x23, 0x25, 0xaf, 0x02, 0x1a, 0x68, 0xf7, 0x07, 0x51, 0x1a,
]);

let _ed25519Native: Promise<boolean> | undefined;

/** Whether this runtime's WebCrypto implements Ed25519 (asked once). */
function _hasNativeEd25519(): Promise<boolean> {
  _ed25519Native ??= subtle()
    .importKey('raw', ED25519_PROBE, { name: 'Ed25519' }, false, ['verify'])
    .then(
      () => true,
      () => false,
    );
  return _ed25519Native;
}

/** The pure-JS Ed25519 path, exported for tests that must cover it where WebCrypto has Ed25519. */
export const _ed25519Noble = Object.freeze({
  sign(secret: Uint8Array, message: Uint8Array): Uint8Array {
    return ed25519.sign(message, secret);
  },
  verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
    try {
      return ed25519.verify(signature, message, publicKey, { zip215: false });
    } catch {
      return false;
    }
  },
});

/** WebCrypto import parameters and sign/verify parameters for a scheme. */
function _subtleParams(
  args: CheckedSignatureArguments,
  algorithm: string,
): [
  AlgorithmIdentifier | RsaHashedImportParams | EcKeyImportParams,
  AlgorithmIdentifier | RsaPssParams | EcdsaParams,
] {
  const { scheme, hash } = args.scheme;
  switch (scheme) {
    case 'ecdsa':
      return [
        { name: 'ECDSA', namedCurve: SUBTLE_CURVE[algorithm as 'p256' | 'p384' | 'p521'] },
        { name: 'ECDSA', hash: SUBTLE_HASH[hash as 'sha256'] },
      ];
    case 'rsa-pss':
      return [
        { name: 'RSA-PSS', hash: SUBTLE_HASH[hash as 'sha256'] },
        { name: 'RSA-PSS', saltLength: HASH_LENGTH[hash as 'sha256'] },
      ];
    case 'rsa-pkcs1':
      return [
        { name: 'RSASSA-PKCS1-v1_5', hash: SUBTLE_HASH[hash as 'sha256'] },
        { name: 'RSASSA-PKCS1-v1_5' },
      ];
    default:
      return [{ name: 'Ed25519' }, { name: 'Ed25519' }];
  }
}

function _bytes(data: Uint8Array): Uint8Array<ArrayBuffer> {
  return new Uint8Array(data);
}

async function _sign(
  args: CheckedSignatureArguments,
  key: WebKeyAccess,
  message: Uint8Array,
): Promise<Uint8Array> {
  const { scheme } = args.scheme;
  if (scheme === 'ml-dsa') {
    // The expanded FIPS 204 secret key, derived from the seed at import.
    const expanded = key.rawPrivate().expanded ?? new Uint8Array(0);
    return ML_DSA[args.algorithm as 'ml-dsa-44'].sign(message, expanded, {
      context: args.context,
    });
  }
  if (scheme === 'ed25519' && !(await _hasNativeEd25519())) {
    return _ed25519Noble.sign(key.rawPrivate().secret, message);
  }
  const [importParams, signParams] = _subtleParams(args, key.algorithm);
  const cryptoKey = await key.cryptoKey(importParams, 'sign');
  const sig = new Uint8Array(await subtle().sign(signParams, cryptoKey, _bytes(message)));
  return scheme === 'ecdsa' && args.encoding === 'der' ? ecdsaP1363ToDer(sig) : sig;
}

function _expectedLength(args: CheckedSignatureArguments, modulusBits: number): number {
  switch (args.scheme.scheme) {
    case 'ed25519':
      return 64;
    case 'ecdsa':
      return 2 * (args.scheme.size as number);
    case 'ml-dsa':
      return ML_DSA_SIGNATURE_LENGTH[args.algorithm] as number;
    default:
      return rsaSignatureLength(modulusBits);
  }
}

async function _verify(
  args: CheckedSignatureArguments,
  key: WebKeyAccess,
  message: Uint8Array,
  signature: Uint8Array,
): Promise<boolean> {
  const sig =
    args.encoding === 'der' ? ecdsaDerToP1363(signature, args.scheme.size as number) : signature;
  if (sig === undefined || sig.length !== _expectedLength(args, key.modulusBits)) return false;
  const { scheme } = args.scheme;
  if (scheme === 'ml-dsa') {
    const pub = key.rawPublic();
    try {
      return ML_DSA[args.algorithm as 'ml-dsa-44'].verify(sig, message, pub, {
        context: args.context,
      });
    } catch {
      return false;
    }
  }
  if (scheme === 'ed25519' && !(await _hasNativeEd25519())) {
    return _ed25519Noble.verify(key.rawPublic(), message, sig);
  }
  const [importParams, verifyParams] = _subtleParams(args, key.algorithm);
  try {
    const cryptoKey = await key.cryptoKey(importParams, 'verify');
    return await subtle().verify(verifyParams, cryptoKey, _bytes(sig), _bytes(message));
  } catch {
    return false;
  }
}

/**
 * WebCrypto signs and verifies whole messages and exposes no raw RSA operation to compose
 * PKCS#1 v1.5 or PSS with, so RSA on a caller's digest stays a node-provider feature.
 */
const _RSA_DIGEST =
  'RSA signatures on digests (PKCS#1 v1.5, PSS) need raw RSA, which WebCrypto lacks: use the node provider';

export const webSignature: SignatureFamily = Object.freeze({
  signDigest(
    algorithm: SignatureAlgorithm,
    privateKey: PrivateKey,
    digest: Uint8Array,
    options?: SignatureOptions,
  ): Promise<Uint8Array> {
    return promised(() => {
      const args = checkDigestArguments(algorithm, digest, options);
      const key = webKeyAccess(privateKey, 'private', 'privateKey', [args.scheme.key]);
      if (args.scheme.key === 'rsa') throw new Unsupported(_RSA_DIGEST);
      const sig = ecdsaSignDigest(args.scheme.key as EcAlgorithm, key.rawPrivate().secret, digest);
      return args.encoding === 'der' ? ecdsaP1363ToDer(sig) : sig;
    });
  },

  verifyDigest(
    algorithm: SignatureAlgorithm,
    publicKey: PublicKey,
    digest: Uint8Array,
    signature: Uint8Array,
    options?: SignatureOptions,
  ): Promise<boolean> {
    return promised(() => {
      const args = checkDigestArguments(algorithm, digest, options);
      abytes(signature, 'signature');
      const key = webKeyAccess(publicKey, 'public', 'publicKey', [args.scheme.key]);
      if (args.scheme.key === 'rsa') throw new Unsupported(_RSA_DIGEST);
      const sig =
        args.encoding === 'der'
          ? ecdsaDerToP1363(signature, args.scheme.size as number)
          : signature;
      if (sig === undefined || sig.length !== _expectedLength(args, key.modulusBits)) return false;
      return ecdsaVerifyDigest(args.scheme.key as EcAlgorithm, key.rawPublic(), digest, sig);
    });
  },

  async sign(
    algorithm: SignatureAlgorithm,
    privateKey: PrivateKey,
    message: Uint8Array,
    options?: SignatureOptions,
  ): Promise<Uint8Array> {
    const args = checkSignatureArguments(algorithm, message, options);
    const key = webKeyAccess(privateKey, 'private', 'privateKey', [args.scheme.key]);
    return _sign(args, key, message);
  },

  async verify(
    algorithm: SignatureAlgorithm,
    publicKey: PublicKey,
    message: Uint8Array,
    signature: Uint8Array,
    options?: SignatureOptions,
  ): Promise<boolean> {
    const args = checkSignatureArguments(algorithm, message, options);
    abytes(signature, 'signature');
    const key = webKeyAccess(publicKey, 'public', 'publicKey', [args.scheme.key]);
    return _verify(args, key, message, signature);
  },
});
