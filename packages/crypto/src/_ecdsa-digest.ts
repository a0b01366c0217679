/**
 * ECDSA on a caller's digest (no hashing here), for `signDigest` / `verifyDigest` in both
 * providers: neither node:crypto nor WebCrypto signs a pre-computed hash, so both use the audited
 * @noble/curves implementation, hedged (RFC 6979 k mixed with fresh randomness, as OpenSSL's k is
 * random), high-S accepted and produced as OpenSSL does.
 */
import { p256, p384, p521 } from '@noble/curves/nist.js';
import type { EcAlgorithm } from './_der-keys.ts';

const CURVES = { p256, p384, p521 } as const;

/** r‖s (P1363) signature of `digest` with the raw secret scalar. */
export function ecdsaSignDigest(
  algorithm: EcAlgorithm,
  secret: Uint8Array,
  digest: Uint8Array,
): Uint8Array {
  return CURVES[algorithm].sign(digest, secret, {
    prehash: false,
    lowS: false,
    extraEntropy: true,
    format: 'compact',
  });
}

/** Verifies an r‖s signature of `digest`; false for anything malformed. */
export function ecdsaVerifyDigest(
  algorithm: EcAlgorithm,
  publicKey: Uint8Array,
  digest: Uint8Array,
  signature: Uint8Array,
): boolean {
  try {
    return CURVES[algorithm].verify(signature, digest, publicKey, {
      prehash: false,
      lowS: false,
      format: 'compact',
    });
  } catch {
    return false;
  }
}
