/**
 * Register (KMIP 2.1 §6.1.47) and Import (§6.1.28): store an object the client supplies.
 *
 * Register stores it as given (a wrapped key stays wrapped and cannot be used until it is
 * imported unwrapped). Import names the identifier, may replace an existing object the caller
 * owns (Replace Existing), and with Key Wrap Type "Not Wrapped" unwraps wrapped material with a
 * key of this server before storing it.
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
import { requireCreateRight } from './op-create.ts';
import { insertNewObject, normalizeObject, objectTypeOf } from './_objects.ts';
import { unwrapObject } from './_wrap.ts';
import { insertCertificates } from './_certificates.ts';
import { isKeyPairObject, registerKeyPairObject } from './_asym-register.ts';

function checkObjectType(declared: number, object: ManagedObject): void {
  if (declared !== objectTypeOf(object))
    throw new KmsError('ERR_KMS_INVALID_FIELD', 'Object Type does not match the object');
  if (object.kind === 'SymmetricKey' || object.kind === 'SecretData') {
    const kv = object.keyBlock.keyValue;
    if (kv === undefined)
      throw new KmsError('ERR_KMS_KEY_VALUE_NOT_PRESENT', 'the object has no Key Value');
  }
}

export async function register(
  ctx: OperationContext,
  payload: TtlvStructure,
): Promise<OperationResult> {
  const req = decodeRequestPayload(Operation.Register, payload, ctx.version);
  await requireCreateRight(ctx);
  checkObjectType(req.objectType, req.object);
  const probe = req.attributes.uniqueIdentifier;
  const uidHint = typeof probe === 'string' ? probe : 'new object';
  // Certificates are parsed, and a chain (PEM bundle, PKCS#7) becomes linked objects.
  // Private/public keys are parsed and stored in their storage form (_asym-register.ts).
  const record =
    req.object.kind === 'Certificate'
      ? await insertCertificates(ctx, req.object, req.attributes)
      : isKeyPairObject(req.object, req.attributes)
        ? await registerKeyPairObject(ctx, req.objectType, req.object, req.attributes)
        : await insertNewObject(ctx, {
            objectType: req.objectType,
            attributes: req.attributes,
            object: normalizeObject(req.object, uidHint),
          });
  return {
    payload: encodeResponsePayload(
      Operation.Register,
      { uniqueIdentifier: record.uid },
      ctx.version,
    ),
    uids: [record.uid],
  };
}

export async function importObject(
  ctx: OperationContext,
  payload: TtlvStructure,
): Promise<OperationResult> {
  const req = decodeRequestPayload(Operation.Import, payload, ctx.version);
  if (typeof req.uniqueIdentifier !== 'string')
    throw new KmsError('ERR_KMS_INVALID_FIELD', 'Import needs a text Unique Identifier');
  const uid = req.uniqueIdentifier;
  checkObjectType(req.objectType, req.object);
  const existing = await ctx.writer.getObject(uid, { lock: true });
  if (existing !== undefined) {
    if (req.replaceExisting !== true)
      throw new KmsError(
        'ERR_KMS_ALREADY_EXISTS',
        `object ${uid} exists: set Replace Existing to replace it`,
      );
    if (existing.owner !== ctx.user)
      throw new KmsError('ERR_KMS_PERMISSION_DENIED', `${ctx.user} may not replace object ${uid}`);
  } else await requireCreateRight(ctx);
  let object = req.object;
  const wrapType = req.keyWrapType ?? KeyWrapType.NotWrapped;
  if (wrapType === KeyWrapType.NotWrapped) object = await unwrapObject(ctx, object);
  else if (wrapType !== KeyWrapType.AsRegistered)
    throw new KmsError(
      'ERR_KMS_KEY_WRAP_TYPE_NOT_SUPPORTED',
      'Key Wrap Type must be Not Wrapped or As Registered',
    );
  const { uniqueIdentifier: _ignored, ...attributes } = req.attributes;
  let grants: Awaited<ReturnType<typeof ctx.writer.grantsOn>> = [];
  if (existing !== undefined) {
    grants = await ctx.writer.grantsOn(uid);
    await ctx.writer.deleteObject(uid);
  }
  const record =
    object.kind === 'Certificate'
      ? await insertCertificates(ctx, object, attributes, uid)
      : isKeyPairObject(object, attributes)
        ? await registerKeyPairObject(ctx, req.objectType, object, attributes, uid)
        : await insertNewObject(ctx, {
            objectType: req.objectType,
            attributes,
            object: normalizeObject(object, uid),
            uid,
          });
  // A replaced object keeps its grants: the identifier is what grantees were given.
  for (const g of grants) await ctx.writer.setGrant(uid, g.user, g.operations);
  return {
    payload: encodeResponsePayload(Operation.Import, { uniqueIdentifier: record.uid }, ctx.version),
    uids: [record.uid],
  };
}
