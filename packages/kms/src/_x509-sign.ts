/**
 * Signing and verifying X.509 structures through `@custos/crypto`: a new certificate is its
 * TBSCertificate (encoded by the ASN.1 library), signed, then wrapped with the outer
 * AlgorithmIdentifier and BIT STRING; verification runs over the exact bytes cut out of the
 * input. Nothing here touches node:crypto.
 */
import { AsnConvert } from '@peculiar/asn1-schema';
import { type AlgorithmIdentifier, type TBSCertificate } from '@peculiar/asn1-x509';
import { CryptoError, provider } from '@custos/crypto';
import { KmsError } from './errors.ts';
import { bitString, seq } from './_asym-der.ts';
import {
  keyAlgorithmOfSpki,
  signatureAlgorithmOf,
  signatureIdentifier,
  signatureOptions,
  type KeyAlgorithm,
  type SignatureAlgorithm,
} from './_x509-algorithms.ts';

export type PrivateKey = Awaited<ReturnType<typeof provider.keys.importPrivate>>;
export type PublicKey = Awaited<ReturnType<typeof provider.keys.importPublic>>;

/** Key algorithm each signature algorithm needs. */
export function keyOfSignature(algorithm: SignatureAlgorithm): KeyAlgorithm {
  if (algorithm.startsWith('rsa-')) return 'rsa';
  if (algorithm === 'ecdsa-p256-sha256') return 'p256';
  if (algorithm === 'ecdsa-p384-sha384') return 'p384';
  if (algorithm === 'ecdsa-p521-sha512') return 'p521';
  return algorithm as KeyAlgorithm;
}

/** Outcome of a signature check: valid, invalid, or not checkable here (unknown). */
export type SignatureCheck =
  | { readonly status: 'valid' }
  | { readonly status: 'invalid' | 'unknown'; readonly reason: string };

/** Verifies `signature` over `signed` with the key of `spki` under `algorithmId`. */
export async function verifySignature(
  signed: Uint8Array,
  algorithmId: AlgorithmIdentifier,
  signature: Uint8Array,
  spki: Uint8Array,
): Promise<SignatureCheck> {
  const alg = signatureAlgorithmOf(algorithmId);
  if ('unsupported' in alg)
    return { status: 'unknown', reason: `${alg.unsupported} is not supported` };
  let keyAlg: KeyAlgorithm;
  try {
    keyAlg = keyAlgorithmOfSpki(spki);
  } catch (error) {
    if (error instanceof KmsError) return { status: 'unknown', reason: error.message };
    throw error;
  }
  if (keyAlg !== keyOfSignature(alg.algorithm))
    return {
      status: 'invalid',
      reason: `a ${keyAlg} key cannot make a ${alg.algorithm} signature`,
    };
  let key: PublicKey;
  try {
    key = await provider.keys.importPublic(keyAlg, 'spki', spki);
  } catch (error) {
    if (error instanceof CryptoError)
      return { status: 'unknown', reason: `the signer's ${keyAlg} key is refused (${error.code})` };
    throw error;
  }
  const ok = await provider.signature.verify(
    alg.algorithm,
    key,
    signed,
    signature,
    signatureOptions(alg.algorithm),
  );
  return ok ? { status: 'valid' } : { status: 'invalid', reason: 'the signature does not verify' };
}

/**
 * Signs a TBSCertificate and returns the certificate DER. `tbs.signature` must already be the
 * identifier of `algorithm` (it is signed too).
 */
export async function signCertificate(
  tbs: TBSCertificate,
  algorithm: SignatureAlgorithm,
  key: PrivateKey,
): Promise<Uint8Array> {
  const tbsDer = new Uint8Array(AsnConvert.serialize(tbs));
  const signature = await provider.signature.sign(
    algorithm,
    key,
    tbsDer,
    signatureOptions(algorithm),
  );
  const algDer = new Uint8Array(AsnConvert.serialize(signatureIdentifier(algorithm)));
  return seq(tbsDer, algDer, bitString(signature));
}
