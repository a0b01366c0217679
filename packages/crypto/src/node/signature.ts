/**
 * Signature family on node:crypto: one synchronous `crypto.sign` / `crypto.verify` call per
 * operation on the key's cached KeyObject, returned as a resolved promise (no threadpool hop).
 */
import {
  constants,
  createHash,
  privateEncrypt,
  publicDecrypt,
  randomBytes,
  sign,
  verify,
  type KeyObject,
} from 'node:crypto';
import { constantTimeEqual } from '../bytes.ts';
import type { EcAlgorithm } from '../_der-keys.ts';
import { ecdsaSignDigest, ecdsaVerifyDigest } from '../_ecdsa-digest.ts';
import { emsaPssEncode, emsaPssLength, emsaPssVerify, type PssHash } from '../_emsa-pss.ts';
import { abytes } from '../_assert.ts';
import {
  checkDigestArguments,
  checkSignatureArguments,
  digestInfo,
  ecdsaDerToP1363,
  ecdsaP1363ToDer,
  ML_DSA_SIGNATURE_LENGTH,
  rsaSignatureLength,
  type CheckedSignatureArguments,
  type SignatureAlgorithm,
  type SignatureFamily,
  type SignatureHash,
  type SignatureOptions,
} from '../signature.ts';
import { promised, type PrivateKey, type PublicKey } from '../keys.ts';
import { nodeKeyObject } from './keys.ts';

/** node:crypto hashes for EMSA-PSS, cached per name. */
const PSS_HASHES: Readonly<Record<SignatureHash, PssHash>> = Object.freeze({
  sha256: { length: 32, digest: (d: Uint8Array) => createHash('sha256').update(d).digest() },
  sha384: { length: 48, digest: (d: Uint8Array) => createHash('sha384').update(d).digest() },
  sha512: { length: 64, digest: (d: Uint8Array) => createHash('sha512').update(d).digest() },
});

/**
 * RSASSA-PSS on a digest (RFC 8017 §8.1.1): EMSA-PSS-ENCODE with emBits = modBits − 1 and a
 * fresh salt as long as the hash (what `sign` does through RSA_PSS_SALTLEN_DIGEST), left-padded
 * to the modulus length, then the raw RSA private operation. OpenSSL blinds the private
 * operation whatever the padding (RSA_NO_PADDING included; blinding is on unless a key sets
 * RSA_FLAG_NO_BLINDING, which node never does) and checks the CRT result against the public
 * exponent, so this is as side-channel and fault resistant as node's own PSS signing.
 */
function pssSignDigest(
  hash: SignatureHash,
  keyObject: KeyObject,
  modulusBits: number,
  digest: Uint8Array,
): Uint8Array {
  const h = PSS_HASHES[hash];
  const em = emsaPssEncode(h, digest, new Uint8Array(randomBytes(h.length)), modulusBits - 1);
  const k = rsaSignatureLength(modulusBits);
  const block = new Uint8Array(k); // EM is k − 1 bytes when modBits ≡ 1 (mod 8)
  block.set(em, k - em.length);
  return new Uint8Array(
    privateEncrypt({ key: keyObject, padding: constants.RSA_NO_PADDING }, block),
  );
}

/** RSASSA-PSS-VERIFY on a digest (RFC 8017 §8.1.2); false for anything wrong. */
function pssVerifyDigest(
  hash: SignatureHash,
  keyObject: KeyObject,
  modulusBits: number,
  digest: Uint8Array,
  signature: Uint8Array,
): boolean {
  const k = rsaSignatureLength(modulusBits);
  if (signature.length !== k) return false;
  let m: Uint8Array;
  try {
    // RSAVP1; OpenSSL refuses a signature ≥ n, which is RFC 8017's "signature representative
    // out of range".
    m = new Uint8Array(
      publicDecrypt({ key: keyObject, padding: constants.RSA_NO_PADDING }, signature),
    );
  } catch {
    return false;
  }
  const h = PSS_HASHES[hash];
  const emBits = modulusBits - 1;
  const emLen = emsaPssLength(emBits);
  // I2OSP(m, emLen): when EM is one byte shorter than the modulus, m's top byte must be zero.
  if (m.length !== k || (emLen < k && m[0] !== 0)) return false;
  return emsaPssVerify(h, digest, m.subarray(k - emLen), emBits, h.length);
}

type NodeSignKey = Parameters<typeof sign>[2];

/** The digest name and key options node wants for a scheme. */
function _params(
  args: CheckedSignatureArguments,
  key: KeyObject,
  encoding: 'der' | 'ieee-p1363',
): [string | null, NodeSignKey] {
  const { scheme, hash } = args.scheme;
  switch (scheme) {
    case 'ed25519':
      return [null, key];
    case 'ml-dsa':
      return [null, args.context.length > 0 ? { key, context: args.context } : key];
    case 'ecdsa':
      return [hash as string, { key, dsaEncoding: encoding }];
    case 'rsa-pss':
      return [
        hash as string,
        {
          key,
          padding: constants.RSA_PKCS1_PSS_PADDING,
          saltLength: constants.RSA_PSS_SALTLEN_DIGEST,
        },
      ];
    case 'rsa-pkcs1':
      return [hash as string, { key, padding: constants.RSA_PKCS1_PADDING }];
  }
}

/** The fixed signature length for this key, for the cheap pre-check in verify. */
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

export const nodeSignature: SignatureFamily = Object.freeze({
  sign(
    algorithm: SignatureAlgorithm,
    privateKey: PrivateKey,
    message: Uint8Array,
    options?: SignatureOptions,
  ): Promise<Uint8Array> {
    return promised(() => {
      const args = checkSignatureArguments(algorithm, message, options);
      const { keyObject } = nodeKeyObject(privateKey, 'private', 'privateKey', [args.scheme.key]);
      const encoding = args.encoding === 'der' ? 'der' : 'ieee-p1363';
      const [digest, key] = _params(args, keyObject, encoding);
      return new Uint8Array(sign(digest, message, key));
    });
  },

  verify(
    algorithm: SignatureAlgorithm,
    publicKey: PublicKey,
    message: Uint8Array,
    signature: Uint8Array,
    options?: SignatureOptions,
  ): Promise<boolean> {
    return promised(() => {
      const args = checkSignatureArguments(algorithm, message, options);
      abytes(signature, 'signature');
      const { keyObject, modulusBits } = nodeKeyObject(publicKey, 'public', 'publicKey', [
        args.scheme.key,
      ]);
      // DER goes through the shared strict parser, so both providers reject the same encodings.
      const sig =
        args.encoding === 'der'
          ? ecdsaDerToP1363(signature, args.scheme.size as number)
          : signature;
      if (sig === undefined || sig.length !== _expectedLength(args, modulusBits)) return false;
      const [digest, key] = _params(args, keyObject, 'ieee-p1363');
      try {
        return verify(digest, message, key as Parameters<typeof verify>[2], sig);
      } catch {
        // OpenSSL reports some malformed signatures as errors rather than a failed check.
        return false;
      }
    });
  },

  signDigest(
    algorithm: SignatureAlgorithm,
    privateKey: PrivateKey,
    digest: Uint8Array,
    options?: SignatureOptions,
  ): Promise<Uint8Array> {
    return promised(() => {
      const args = checkDigestArguments(algorithm, digest, options);
      const { keyObject, modulusBits } = nodeKeyObject(privateKey, 'private', 'privateKey', [
        args.scheme.key,
      ]);
      if (args.scheme.scheme === 'rsa-pss')
        return pssSignDigest(args.scheme.hash as SignatureHash, keyObject, modulusBits, digest);
      if (args.scheme.scheme === 'rsa-pkcs1') {
        // RSASSA-PKCS1-v1_5 = RSA private operation on the type-1 padded DigestInfo.
        const info = digestInfo(args.scheme.hash as SignatureHash, digest);
        return new Uint8Array(
          privateEncrypt({ key: keyObject, padding: constants.RSA_PKCS1_PADDING }, info),
        );
      }
      const secret = new Uint8Array(keyObject.export({ format: 'raw-private' }));
      const sig = ecdsaSignDigest(args.scheme.key as EcAlgorithm, secret, digest);
      secret.fill(0);
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
      const { keyObject, modulusBits } = nodeKeyObject(publicKey, 'public', 'publicKey', [
        args.scheme.key,
      ]);
      if (args.scheme.scheme === 'rsa-pss')
        return pssVerifyDigest(
          args.scheme.hash as SignatureHash,
          keyObject,
          modulusBits,
          digest,
          signature,
        );
      if (args.scheme.scheme === 'rsa-pkcs1') {
        if (signature.length !== _expectedLength(args, modulusBits)) return false;
        let recovered: Uint8Array;
        try {
          recovered = new Uint8Array(
            publicDecrypt({ key: keyObject, padding: constants.RSA_PKCS1_PADDING }, signature),
          );
        } catch {
          return false;
        }
        const info = digestInfo(args.scheme.hash as SignatureHash, digest);
        return recovered.length === info.length && constantTimeEqual(recovered, info);
      }
      const sig =
        args.encoding === 'der'
          ? ecdsaDerToP1363(signature, args.scheme.size as number)
          : signature;
      if (sig === undefined || sig.length !== _expectedLength(args, modulusBits)) return false;
      const raw = new Uint8Array(keyObject.export({ format: 'raw-public' }));
      return ecdsaVerifyDigest(args.scheme.key as EcAlgorithm, raw, digest, sig);
    });
  },
});
