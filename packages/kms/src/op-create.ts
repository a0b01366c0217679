/**
 * Create (KMIP 2.1 §6.1.6): a new symmetric key (AES 128/192/256, ChaCha20 256, HMAC-SHA-2 of
 * 128 to 4096 bits) or secret data (random bytes, 256 bits by default), owned by the caller.
 */
import {
  CryptographicAlgorithm,
  ObjectType,
  Operation,
  SecretDataType,
  decodeRequestPayload,
  encodeResponsePayload,
  type Attributes,
  type TtlvStructure,
} from '@custos/kmip';
import { provider } from '@custos/crypto';
import { requireCreate, ALL_OBJECTS } from './access.ts';
import type { OperationContext, OperationResult } from './context.ts';
import { KmsError } from './errors.ts';
import { insertNewObject, secretData, symmetricKey } from './_objects.ts';
import { HMAC_ALGORITHMS } from './rules.ts';
import { createCovercryptUserKey, isCovercryptUserKeyRequest } from './op-covercrypt-user.ts';
import { FPE_FF1 } from './_fpe-format.ts';

/** Key lengths (bits) each algorithm accepts. */
export function checkKeyLength(algorithm: number | undefined, bits: number | undefined): number {
  switch (algorithm) {
    case CryptographicAlgorithm.AES:
      if (bits === undefined) return 256;
      if (bits === 128 || bits === 192 || bits === 256) return bits;
      throw new KmsError('ERR_KMS_INVALID_ATTRIBUTE_VALUE', 'AES keys are 128, 192 or 256 bits');
    case FPE_FF1:
      if (bits === undefined) return 256;
      if (bits === 128 || bits === 192 || bits === 256) return bits;
      throw new KmsError(
        'ERR_KMS_INVALID_ATTRIBUTE_VALUE',
        'FPE FF1 keys are 128, 192 or 256 bits',
      );
    case CryptographicAlgorithm.ChaCha20:
    case CryptographicAlgorithm.ChaCha20Poly1305:
      if (bits === undefined || bits === 256) return 256;
      throw new KmsError('ERR_KMS_INVALID_ATTRIBUTE_VALUE', 'ChaCha20 keys are 256 bits');
    default:
      if (algorithm !== undefined && HMAC_ALGORITHMS.has(algorithm)) {
        const b = bits ?? 256;
        if (b >= 128 && b <= 4096 && b % 8 === 0) return b;
        throw new KmsError(
          'ERR_KMS_INVALID_ATTRIBUTE_VALUE',
          'HMAC keys are 128 to 4096 bits, whole bytes',
        );
      }
      throw new KmsError(
        'ERR_KMS_UNSUPPORTED_CRYPTOGRAPHIC_PARAMETERS',
        algorithm === undefined
          ? 'Cryptographic Algorithm is required'
          : 'symmetric keys are AES, ChaCha20, HMAC-SHA-256/384/512 or FPE_FF1',
      );
  }
}

/** Checks creation rights (privileged users) for the caller. */
export async function requireCreateRight(ctx: OperationContext): Promise<void> {
  const privileged = ctx.config.privilegedUsers;
  if (privileged.length === 0 || privileged.includes(ctx.user)) return;
  requireCreate(privileged, await ctx.writer.grantsOn(ALL_OBJECTS), ctx.user);
}

export async function create(
  ctx: OperationContext,
  payload: TtlvStructure,
): Promise<OperationResult> {
  const req = decodeRequestPayload(Operation.Create, payload, ctx.version);
  await requireCreateRight(ctx);
  if (isCovercryptUserKeyRequest(req)) return createCovercryptUserKey(ctx, req);
  const attributes: Attributes = { ...req.attributes };
  let object;
  if (req.objectType === ObjectType.SymmetricKey) {
    const bits = checkKeyLength(attributes.cryptographicAlgorithm, attributes.cryptographicLength);
    attributes.cryptographicLength = bits;
    object = symmetricKey(
      provider.random.bytes(bits / 8),
      attributes.cryptographicAlgorithm as number,
    );
  } else if (req.objectType === ObjectType.SecretData) {
    const bits = attributes.cryptographicLength ?? 256;
    if (bits < 8 || bits > 8192 || bits % 8 !== 0)
      throw new KmsError(
        'ERR_KMS_INVALID_ATTRIBUTE_VALUE',
        'secret data is 8 to 8192 bits, whole bytes',
      );
    attributes.cryptographicLength = bits;
    object = secretData(provider.random.bytes(bits / 8), SecretDataType.Seed);
  } else {
    throw new KmsError(
      'ERR_KMS_ILLEGAL_OBJECT_TYPE',
      'Create makes symmetric keys and secret data (key pairs: Create Key Pair, not implemented yet)',
    );
  }
  const record = await insertNewObject(ctx, { objectType: req.objectType, attributes, object });
  return {
    payload: encodeResponsePayload(
      Operation.Create,
      { objectType: req.objectType, uniqueIdentifier: record.uid },
      ctx.version,
    ),
    uids: [record.uid],
  };
}
