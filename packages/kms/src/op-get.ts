/**
 * Get (KMIP 2.1 §6.1.23) and Export (§6.1.21): return an object's key material, in the key
 * format asked (symmetric keys: Raw or Transparent Symmetric Key; secret data: Opaque or Raw),
 * optionally wrapped under another key (Key Wrapping Specification). Export also returns the
 * attributes.
 *
 * Refused: destroyed objects (Object Destroyed), non-extractable objects (Not Extractable),
 * sensitive objects asked for in clear (Sensitive).
 */
import {
  KeyWrapType,
  Operation,
  decodeRequestPayload,
  encodeResponsePayload,
  type ManagedObject,
  type TtlvStructure,
} from '@custos/kmip';
import type { OperationContext, OperationResult } from './context.ts';
import { KmsError } from './errors.ts';
import { visibleAttributes } from './op-attributes.ts';
import { inFormat } from './_objects.ts';
import type { LoadedObject } from './repository.ts';
import { wrapObject } from './_wrap.ts';
import { handlesKeyPairExport, keyPairMaterial } from './_asym-get.ts';
import { certificateInFormat } from './_certificates.ts';

async function material(
  ctx: OperationContext,
  loaded: LoadedObject,
  req: {
    keyFormatType?: number;
    keyWrapType?: number;
    keyCompressionType?: number;
    keyWrappingSpecification?: Parameters<typeof wrapObject>[2];
  },
): Promise<ManagedObject> {
  const uid = loaded.record.uid;
  const a = loaded.record.attributes;
  if (a.extractable === false)
    throw new KmsError('ERR_KMS_NOT_EXTRACTABLE', `object ${uid} is not extractable`);
  if (a.sensitive === true && req.keyWrappingSpecification === undefined)
    throw new KmsError(
      'ERR_KMS_SENSITIVE',
      `object ${uid} is sensitive: it can only leave wrapped`,
    );
  if (req.keyCompressionType !== undefined)
    throw new KmsError('ERR_KMS_FEATURE_NOT_SUPPORTED', 'key compression is not supported');
  const object = loaded.object;
  if (object === undefined)
    throw new KmsError('ERR_KMS_OBJECT_DESTROYED', `object ${uid} is destroyed`);
  if (req.keyWrapType === KeyWrapType.AsRegistered) {
    if (req.keyWrappingSpecification !== undefined)
      throw new KmsError(
        'ERR_KMS_INVALID_FIELD',
        'Key Wrap Type As Registered excludes a Key Wrapping Specification',
      );
    return object;
  }
  // Key pairs (their Key Format Types, PKCS#12 with the certificate): _asym-get.ts.
  if (handlesKeyPairExport(loaded, req.keyFormatType)) return keyPairMaterial(ctx, loaded, req);
  if (object.kind === 'Certificate')
    return certificateInFormat(
      ctx,
      loaded,
      req.keyFormatType,
      req.keyWrappingSpecification !== undefined,
    );
  const formatted = inFormat(object, req.keyFormatType, uid);
  if (req.keyWrappingSpecification === undefined) return formatted;
  return wrapObject(ctx, formatted, req.keyWrappingSpecification, uid);
}

export async function get(ctx: OperationContext, payload: TtlvStructure): Promise<OperationResult> {
  const req = decodeRequestPayload(Operation.Get, payload, ctx.version);
  const loaded = await ctx.object(req.uniqueIdentifier, 'get', 'read');
  const object = await material(ctx, loaded, req);
  return {
    payload: encodeResponsePayload(
      Operation.Get,
      { objectType: loaded.record.objectType, uniqueIdentifier: loaded.record.uid, object },
      ctx.version,
    ),
    uids: [],
    subject: loaded.record.uid,
  };
}

export async function exportObject(
  ctx: OperationContext,
  payload: TtlvStructure,
): Promise<OperationResult> {
  const req = decodeRequestPayload(Operation.Export, payload, ctx.version);
  const loaded = await ctx.object(req.uniqueIdentifier, 'export', 'read');
  const object = await material(ctx, loaded, req);
  return {
    payload: encodeResponsePayload(
      Operation.Export,
      {
        objectType: loaded.record.objectType,
        uniqueIdentifier: loaded.record.uid,
        attributes: visibleAttributes(ctx, loaded),
        object,
      },
      ctx.version,
    ),
    uids: [loaded.record.uid],
  };
}
