/**
 * Sign and Signature Verify (KMIP 2.1 §6.1.50–51) with RSA, ECDSA, EdDSA and ML-DSA keys.
 *
 * | key | algorithms | selected by |
 * |---|---|---|
 * | RSA | RSASSA-PSS (default; MGF1 and salt length from the hash) or PKCS#1 v1.5, SHA-256 (default)/384/512 | Digital Signature Algorithm (SHA-x With RSA Encryption, RSASSA-PSS), or Padding Method PSS / PKCS1 v1.5 with Hashing Algorithm |
 * | EC P-256 / P-384 / P-521 | ECDSA with SHA-256 / SHA-384 / SHA-512 (the curve's hash); signatures DER-encoded (X9.62) | the key; ECDSA With SHA-x must name the curve's hash |
 * | Ed25519 | pure EdDSA (RFC 8032) | the key |
 * | ML-DSA-44/65/87 | pure ML-DSA (FIPS 204), empty context | the key |
 *
 * Cryptographic Parameters come from the request, else from the key's attribute. Digested Data
 * (a digest computed by the client with the algorithm's hash) is accepted for ECDSA, RSA PKCS#1
 * v1.5 and RSASSA-PSS, whose signatures are defined on the message hash (PSS on a digest is
 * EMSA-PSS over raw RSA in `@custos/crypto`, same MGF1 and salt as on Data, so a signature made
 * on Data verifies on its digest and back); EdDSA and ML-DSA sign the message itself and refuse
 * it.
 *
 * Sign needs an Active private key with the Sign usage and the `sign` right; Signature Verify a
 * processable public key or certificate with the Verify usage and the `signatureverify` right.
 * A wrong signature is a Validity Indicator Invalid, not an error.
 */
import {
  CryptographicAlgorithm,
  CryptographicUsageMask,
  DigitalSignatureAlgorithm as DSA,
  HashingAlgorithm,
  ObjectType,
  Operation,
  PaddingMethod,
  ValidityIndicator,
  decodeRequestPayload,
  encodeResponsePayload,
  type CryptographicParameters,
  type TtlvStructure,
} from '@custos/kmip';
import { provider } from '@custos/crypto';
import type { OperationContext, OperationResult } from './context.ts';
import { familyOf, parsedPrivateKey, parsedPublicKey, type KeyFamily } from './_asym-keys.ts';
import { KmsError } from './errors.ts';
import { refuseStreaming } from './op-server.ts';
import type { LoadedObject } from './repository.ts';
import { checkUsageMask } from './rules.ts';

type SignatureAlgorithm = Parameters<typeof provider.signature.sign>[0];
type Hash = 'sha256' | 'sha384' | 'sha512';

const HASHES: ReadonlyMap<number, Hash> = new Map([
  [HashingAlgorithm.SHA_256, 'sha256'],
  [HashingAlgorithm.SHA_384, 'sha384'],
  [HashingAlgorithm.SHA_512, 'sha512'],
] as const);
const RSA_PKCS1: ReadonlyMap<number, Hash> = new Map([
  [DSA.SHA_256WithRSAEncryption, 'sha256'],
  [DSA.SHA_384WithRSAEncryption, 'sha384'],
  [DSA.SHA_512WithRSAEncryption, 'sha512'],
] as const);
const ECDSA: ReadonlyMap<number, Hash> = new Map([
  [DSA.ECDSAWithSHA256, 'sha256'],
  [DSA.ECDSAWithSHA384, 'sha384'],
  [DSA.ECDSAWithSHA512, 'sha512'],
] as const);
const CURVE_HASH: Readonly<Record<string, Hash>> = {
  p256: 'sha256',
  p384: 'sha384',
  p521: 'sha512',
};

function unsupported(message: string): never {
  throw new KmsError('ERR_KMS_UNSUPPORTED_CRYPTOGRAPHIC_PARAMETERS', message);
}

function hashOf(p: CryptographicParameters | undefined): Hash {
  const h = p?.hashingAlgorithm;
  if (h === undefined) return 'sha256';
  return HASHES.get(h) ?? unsupported('signature hashes are SHA-256, SHA-384 and SHA-512');
}

/** The signature algorithm a key of family `f` uses with parameters `p`. */
export function signatureAlgorithm(
  f: KeyFamily,
  p: CryptographicParameters | undefined,
): SignatureAlgorithm {
  if (!f.signs) unsupported(`${f.name} keys do not sign`);
  const dsa = p?.digitalSignatureAlgorithm;
  const alg = p?.cryptographicAlgorithm;
  if (f.name === 'rsa') {
    if (alg !== undefined && alg !== CryptographicAlgorithm.RSA)
      unsupported('an RSA key signs with RSA');
    if (dsa !== undefined) {
      const pkcs1 = RSA_PKCS1.get(dsa);
      if (pkcs1 !== undefined) return `rsa-pkcs1-${pkcs1}`;
      if (dsa === DSA.RSASSA_PSS) return `rsa-pss-${hashOf(p)}`;
      unsupported('RSA signatures: SHA-256/384/512 With RSA Encryption or RSASSA-PSS');
    }
    const padding = p?.paddingMethod;
    if (padding === undefined || padding === PaddingMethod.PSS) return `rsa-pss-${hashOf(p)}`;
    if (padding === PaddingMethod.PKCS1V1_5) return `rsa-pkcs1-${hashOf(p)}`;
    return unsupported('RSA signatures use PSS or PKCS#1 v1.5 padding');
  }
  const curveHash = CURVE_HASH[f.name];
  if (curveHash !== undefined) {
    if (
      alg !== undefined &&
      alg !== CryptographicAlgorithm.ECDSA &&
      alg !== CryptographicAlgorithm.EC
    )
      unsupported('an EC key signs with ECDSA');
    const wanted = dsa === undefined ? undefined : ECDSA.get(dsa);
    if (dsa !== undefined && wanted === undefined) unsupported('an EC key signs with ECDSA');
    const h = wanted ?? (p?.hashingAlgorithm === undefined ? curveHash : hashOf(p));
    if (h !== curveHash)
      unsupported(`ECDSA on ${f.name} uses ${curveHash.toUpperCase().replace('SHA', 'SHA-')}`);
    return `ecdsa-${f.name}-${curveHash}` as SignatureAlgorithm;
  }
  if (dsa !== undefined) unsupported(`${f.name} keys take no Digital Signature Algorithm`);
  return f.name as SignatureAlgorithm;
}

function isEcdsa(a: SignatureAlgorithm): boolean {
  return a.startsWith('ecdsa-');
}

/** Message and digest of a request: exactly one of Data and Digested Data. */
function input(req: { data?: Uint8Array; digestedData?: Uint8Array }): {
  message?: Uint8Array;
  digest?: Uint8Array;
} {
  if (req.data !== undefined && req.digestedData !== undefined)
    throw new KmsError('ERR_KMS_INVALID_FIELD', 'give Data or Digested Data, not both');
  if (req.data !== undefined) return { message: req.data };
  if (req.digestedData !== undefined) return { digest: req.digestedData };
  throw new KmsError('ERR_KMS_MISSING_DATA', 'signing needs Data or Digested Data');
}

function digestCapable(a: SignatureAlgorithm): void {
  if (!isEcdsa(a) && !a.startsWith('rsa-'))
    throw new KmsError(
      'ERR_KMS_BAD_CRYPTOGRAPHIC_PARAMETERS',
      `${a} signs the message itself: send Data, not Digested Data`,
    );
}

/** A family that signs, checked on the loaded key. */
function signingFamily(loaded: LoadedObject): KeyFamily {
  const f = familyOf(loaded);
  if (!f.signs)
    throw new KmsError(
      'ERR_KMS_ILLEGAL_OBJECT_TYPE',
      `object ${loaded.record.uid} is a ${f.name} key, which does not sign`,
    );
  return f;
}

/** Argument errors of the crypto layer (wrong digest length...) are bad parameters. */
async function badParameters<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof RangeError)
      throw new KmsError('ERR_KMS_BAD_CRYPTOGRAPHIC_PARAMETERS', error.message);
    throw error;
  }
}

export async function sign(
  ctx: OperationContext,
  payload: TtlvStructure,
): Promise<OperationResult> {
  const req = decodeRequestPayload(Operation.Sign, payload, ctx.version);
  refuseStreaming(req);
  const { message, digest } = input(req);
  const loaded = await ctx.object(req.uniqueIdentifier, 'sign', 'protect');
  const r = loaded.record;
  if (r.objectType !== ObjectType.PrivateKey)
    throw new KmsError('ERR_KMS_ILLEGAL_OBJECT_TYPE', `object ${r.uid} is not a private key`);
  const family = signingFamily(loaded);
  checkUsageMask(r, CryptographicUsageMask.Sign, 'signing');
  const algorithm = signatureAlgorithm(
    family,
    req.cryptographicParameters ?? r.attributes.cryptographicParameters,
  );
  const key = await parsedPrivateKey(loaded);
  const options = isEcdsa(algorithm) ? { encoding: 'der' as const } : undefined;
  let signatureData: Uint8Array;
  if (digest !== undefined) {
    digestCapable(algorithm);
    signatureData = await badParameters(() =>
      provider.signature.signDigest(algorithm, key, digest, options),
    );
  } else
    signatureData = await provider.signature.sign(algorithm, key, message as Uint8Array, options);
  return {
    payload: encodeResponsePayload(
      Operation.Sign,
      { uniqueIdentifier: r.uid, signatureData },
      ctx.version,
    ),
    uids: [],
    subject: r.uid,
  };
}

export async function signatureVerify(
  ctx: OperationContext,
  payload: TtlvStructure,
): Promise<OperationResult> {
  const req = decodeRequestPayload(Operation.SignatureVerify, payload, ctx.version);
  refuseStreaming(req);
  const { message, digest } = input(req);
  if (req.signatureData === undefined)
    throw new KmsError('ERR_KMS_MISSING_DATA', 'Signature Verify needs the Signature Data');
  const loaded = await ctx.object(req.uniqueIdentifier, 'signatureverify', 'process');
  const r = loaded.record;
  if (r.objectType !== ObjectType.PublicKey && r.objectType !== ObjectType.Certificate)
    throw new KmsError(
      'ERR_KMS_ILLEGAL_OBJECT_TYPE',
      `object ${r.uid} is not a public key or certificate`,
    );
  const family = signingFamily(loaded);
  checkUsageMask(r, CryptographicUsageMask.Verify, 'signature verification');
  const algorithm = signatureAlgorithm(
    family,
    req.cryptographicParameters ?? r.attributes.cryptographicParameters,
  );
  const key = await parsedPublicKey(loaded);
  const options = isEcdsa(algorithm) ? { encoding: 'der' as const } : undefined;
  let valid: boolean;
  if (digest !== undefined) {
    digestCapable(algorithm);
    valid = await badParameters(() =>
      provider.signature.verifyDigest(
        algorithm,
        key,
        digest,
        req.signatureData as Uint8Array,
        options,
      ),
    );
  } else
    valid = await provider.signature.verify(
      algorithm,
      key,
      message as Uint8Array,
      req.signatureData,
      options,
    );
  return {
    payload: encodeResponsePayload(
      Operation.SignatureVerify,
      {
        uniqueIdentifier: r.uid,
        validityIndicator: valid ? ValidityIndicator.Valid : ValidityIndicator.Invalid,
      },
      ctx.version,
    ),
    uids: [],
    subject: r.uid,
  };
}
