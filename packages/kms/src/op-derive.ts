/**
 * Derive Key (KMIP 2.1 §6.1.18) from a symmetric key or secret data of the server, with HKDF
 * (RFC 5869: Salt, Derivation Data as info) or PBKDF2 (RFC 8018: the base key is the password,
 * Salt required, Iteration Count default 600 000), HMAC-SHA-256 by default (SHA-384/512 through
 * the Hashing Algorithm). The new object belongs to the caller and links to its base
 * (Derivation Base Object Link). The base must be Active and allow Derive Key.
 */
import {
  CryptographicUsageMask,
  DerivationMethod,
  HashingAlgorithm,
  LinkType,
  ObjectType,
  Operation,
  SecretDataType,
  decodeRequestPayload,
  encodeResponsePayload,
  type TtlvStructure,
} from '@custos/kmip';
import { provider } from '@custos/crypto';
import type { OperationContext, OperationResult } from './context.ts';
import { KmsError } from './errors.ts';
import { checkKeyLength, requireCreateRight } from './op-create.ts';
import { insertNewObject, keyBytes, secretData, symmetricKey } from './_objects.ts';
import { checkUsageMask } from './rules.ts';

const KDF_HASHES: ReadonlyMap<number, 'sha256' | 'sha384' | 'sha512'> = new Map([
  [HashingAlgorithm.SHA_256, 'sha256'],
  [HashingAlgorithm.SHA_384, 'sha384'],
  [HashingAlgorithm.SHA_512, 'sha512'],
] as const);

export const PBKDF2_DEFAULT_ITERATIONS = 600_000;

export async function deriveKey(
  ctx: OperationContext,
  payload: TtlvStructure,
): Promise<OperationResult> {
  const req = decodeRequestPayload(Operation.DeriveKey, payload, ctx.version);
  await requireCreateRight(ctx);
  if (req.uniqueIdentifiers.length !== 1)
    throw new KmsError('ERR_KMS_INVALID_FIELD', 'Derive Key takes exactly one base object');
  const base = await ctx.object(req.uniqueIdentifiers[0], 'derivekey', 'protect');
  checkUsageMask(base.record, CryptographicUsageMask.DeriveKey, 'key derivation');
  const secret = keyBytes(base.object, base.record.uid);
  const p = req.derivationParameters;
  const h = p.cryptographicParameters?.hashingAlgorithm ?? HashingAlgorithm.SHA_256;
  const hash = KDF_HASHES.get(h);
  if (hash === undefined)
    throw new KmsError(
      'ERR_KMS_UNSUPPORTED_CRYPTOGRAPHIC_PARAMETERS',
      'key derivation hashes are SHA-256, SHA-384 and SHA-512',
    );
  const a = { ...req.attributes };
  let bits: number;
  if (req.objectType === ObjectType.SymmetricKey)
    bits = checkKeyLength(a.cryptographicAlgorithm, a.cryptographicLength);
  else if (req.objectType === ObjectType.SecretData) {
    bits = a.cryptographicLength ?? 256;
    if (bits < 8 || bits > 8192 || bits % 8 !== 0)
      throw new KmsError(
        'ERR_KMS_INVALID_ATTRIBUTE_VALUE',
        'secret data is 8 to 8192 bits, whole bytes',
      );
  } else
    throw new KmsError(
      'ERR_KMS_ILLEGAL_OBJECT_TYPE',
      'Derive Key makes symmetric keys and secret data',
    );
  a.cryptographicLength = bits;
  const length = bits / 8;
  let derived: Uint8Array;
  if (req.derivationMethod === DerivationMethod.HKDF) {
    if (length > 255 * (hash === 'sha256' ? 32 : hash === 'sha384' ? 48 : 64))
      throw new KmsError('ERR_KMS_INVALID_ATTRIBUTE_VALUE', 'HKDF output too long for this hash');
    derived = provider.kdf.hkdf(
      hash,
      secret,
      p.salt ?? new Uint8Array(0),
      p.derivationData ?? new Uint8Array(0),
      length,
    );
  } else if (req.derivationMethod === DerivationMethod.PBKDF2) {
    if (p.salt === undefined || p.salt.length < 8)
      throw new KmsError('ERR_KMS_MISSING_DATA', 'PBKDF2 needs a Salt of at least 8 bytes');
    const iterations = p.iterationCount ?? PBKDF2_DEFAULT_ITERATIONS;
    if (iterations < 1 || iterations > 10_000_000)
      throw new KmsError('ERR_KMS_INVALID_FIELD', 'Iteration Count must be 1 to 10 000 000');
    derived = await provider.kdf.pbkdf2(hash, secret, p.salt, iterations, length);
  } else {
    throw new KmsError(
      'ERR_KMS_UNSUPPORTED_CRYPTOGRAPHIC_PARAMETERS',
      'Derive Key supports HKDF and PBKDF2',
    );
  }
  const object =
    req.objectType === ObjectType.SymmetricKey
      ? symmetricKey(derived, a.cryptographicAlgorithm as number)
      : secretData(derived, SecretDataType.Seed);
  const record = await insertNewObject(ctx, {
    objectType: req.objectType,
    attributes: a,
    object,
    extra: {
      links: [
        ...(a.links ?? []),
        { linkType: LinkType.DerivationBaseObjectLink, linkedObjectIdentifier: base.record.uid },
      ],
    },
  });
  return {
    payload: encodeResponsePayload(
      Operation.DeriveKey,
      { uniqueIdentifier: record.uid },
      ctx.version,
    ),
    uids: [record.uid],
  };
}
