/**
 * Helpers over managed objects: building symmetric keys and secret data, reading their key
 * bytes, converting between key formats (Raw ↔ Transparent Symmetric Key), and inserting a new
 * object with the attributes the server sets (dates, state, default usage mask, tags).
 */
import {
  KeyFormatType,
  ObjectType,
  OBJECT_TYPE_OF_KIND,
  type Attributes,
  type KeyBlock,
  type ManagedObject,
} from '@custos/kmip';
import type { OperationContext } from './context.ts';
import { KmsError } from './errors.ts';
import { sealObject, type ObjectRecord } from './model.ts';
import {
  checkCreationAttributes,
  checkUserTags,
  defaultUsageMask,
  extractTags,
  initialState,
  systemTag,
} from './rules.ts';

/** A symmetric key object holding `bytes` as Raw key material. */
export function symmetricKey(bytes: Uint8Array, algorithm: number): ManagedObject {
  return {
    kind: 'SymmetricKey',
    keyBlock: {
      keyFormatType: KeyFormatType.Raw,
      keyValue: { keyMaterial: bytes },
      cryptographicAlgorithm: algorithm,
      cryptographicLength: bytes.length * 8,
    },
  };
}

/** A secret data object (Opaque key format, as KMIP clients expect for secret data). */
export function secretData(bytes: Uint8Array, secretDataType: number): ManagedObject {
  return {
    kind: 'SecretData',
    secretDataType,
    keyBlock: { keyFormatType: KeyFormatType.Opaque, keyValue: { keyMaterial: bytes } },
  };
}

/** The key block of an object that has one. */
export function keyBlockOf(object: ManagedObject): KeyBlock | undefined {
  return 'keyBlock' in object ? object.keyBlock : undefined;
}

/**
 * Key bytes of a symmetric key or secret data in clear.
 * @throws KmsError when the object has no usable material (wrong type, wrapped, destroyed).
 */
export function keyBytes(object: ManagedObject | undefined, uid: string): Uint8Array {
  if (object === undefined)
    throw new KmsError('ERR_KMS_OBJECT_DESTROYED', `object ${uid} has no key material`);
  if (object.kind !== 'SymmetricKey' && object.kind !== 'SecretData')
    throw new KmsError(
      'ERR_KMS_ILLEGAL_OBJECT_TYPE',
      `object ${uid} is not a symmetric key or secret data`,
    );
  const kv = object.keyBlock.keyValue;
  if (kv === undefined || kv instanceof Uint8Array || object.keyBlock.keyWrappingData !== undefined)
    throw new KmsError('ERR_KMS_KEY_VALUE_NOT_PRESENT', `the key material of ${uid} is wrapped`);
  const m = kv.keyMaterial;
  if (m instanceof Uint8Array) return m;
  if (m.key !== undefined) return m.key;
  throw new KmsError('ERR_KMS_KEY_FORMAT_NOT_SUPPORTED', `object ${uid} has no raw key material`);
}

/**
 * Normalizes a registered symmetric key or secret data to Raw/Opaque bytes so that every later
 * format conversion starts from one form; other objects are kept as given.
 */
export function normalizeObject(object: ManagedObject, uid: string): ManagedObject {
  if (object.kind !== 'SymmetricKey' && object.kind !== 'SecretData') return object;
  const kb = object.keyBlock;
  if (
    kb.keyWrappingData !== undefined ||
    kb.keyValue === undefined ||
    kb.keyValue instanceof Uint8Array
  )
    return object;
  const bytes = keyBytes(object, uid);
  if (bytes.length === 0) throw new KmsError('ERR_KMS_INVALID_FIELD', 'empty key material');
  const format = object.kind === 'SymmetricKey' ? KeyFormatType.Raw : kb.keyFormatType;
  const keyBlock: KeyBlock = { ...kb, keyFormatType: format, keyValue: { keyMaterial: bytes } };
  if (object.kind === 'SymmetricKey') keyBlock.cryptographicLength = bytes.length * 8;
  return { ...object, keyBlock };
}

/** The object in the requested key format. @throws KmsError KeyFormatTypeNotSupported */
export function inFormat(
  object: ManagedObject,
  format: number | undefined,
  uid: string,
): ManagedObject {
  const kb = keyBlockOf(object);
  if (format === undefined || kb === undefined || format === kb.keyFormatType) return object;
  if (kb.keyWrappingData !== undefined)
    throw new KmsError(
      'ERR_KMS_KEY_FORMAT_NOT_SUPPORTED',
      'a wrapped key is only returned as registered',
    );
  const bytes = keyBytes(object, uid);
  if (object.kind === 'SymmetricKey') {
    if (format === KeyFormatType.Raw)
      return {
        ...object,
        keyBlock: { ...kb, keyFormatType: format, keyValue: { keyMaterial: bytes } },
      };
    if (format === KeyFormatType.TransparentSymmetricKey)
      return {
        ...object,
        keyBlock: { ...kb, keyFormatType: format, keyValue: { keyMaterial: { key: bytes } } },
      };
  }
  if (
    object.kind === 'SecretData' &&
    (format === KeyFormatType.Raw || format === KeyFormatType.Opaque)
  )
    return {
      ...object,
      keyBlock: { ...kb, keyFormatType: format, keyValue: { keyMaterial: bytes } },
    };
  throw new KmsError(
    'ERR_KMS_KEY_FORMAT_NOT_SUPPORTED',
    `key format ${format} is not available for object ${uid}`,
  );
}

/** Object Type value of a managed object. */
export function objectTypeOf(object: ManagedObject): number {
  return OBJECT_TYPE_OF_KIND[object.kind];
}

const UID_PATTERN = /^[^\s[*][^\s]{0,255}$/u;

/** What `insertNewObject` needs. */
export interface NewObject {
  readonly objectType: number;
  /** Attributes from the client (validated here). */
  readonly attributes: Attributes;
  readonly object: ManagedObject;
  /** Attributes the server adds on top (links, rotation generation...). */
  readonly extra?: Attributes;
  /** Tags added to the client's (e.g. copied from the replaced key). */
  readonly extraTags?: readonly string[];
  /** Identifier to use (Import); else the client's Unique Identifier attribute or a UUID. */
  readonly uid?: string;
}

/** Builds the record of a new object owned by the caller and inserts it. */
export async function insertNewObject(ctx: OperationContext, n: NewObject): Promise<ObjectRecord> {
  const vendor = ctx.config.vendorIdentification;
  const { attributes: clientAttributes, tags } = extractTags(n.attributes, vendor);
  checkUserTags(tags ?? []);
  checkCreationAttributes(clientAttributes);
  const { uniqueIdentifier, ...rest } = clientAttributes;
  let uid = n.uid;
  if (uid === undefined) {
    if (uniqueIdentifier !== undefined && typeof uniqueIdentifier !== 'string')
      throw new KmsError('ERR_KMS_INVALID_FIELD', 'a new object needs a text Unique Identifier');
    uid = uniqueIdentifier ?? globalThis.crypto.randomUUID();
  }
  if (!UID_PATTERN.test(uid))
    throw new KmsError(
      'ERR_KMS_INVALID_FIELD',
      'identifiers are 1 to 256 characters without spaces, not starting with "[" or "*"',
    );
  if (rest.objectType !== undefined && rest.objectType !== n.objectType)
    throw new KmsError(
      'ERR_KMS_INVALID_FIELD',
      'the Object Type attribute does not match the object',
    );
  const kb = keyBlockOf(n.object);
  const attributes: Attributes = { ...rest, ...n.extra, objectType: n.objectType };
  if (kb !== undefined) {
    if (attributes.cryptographicAlgorithm === undefined && kb.cryptographicAlgorithm !== undefined)
      attributes.cryptographicAlgorithm = kb.cryptographicAlgorithm;
    if (attributes.cryptographicLength === undefined && kb.cryptographicLength !== undefined)
      attributes.cryptographicLength = kb.cryptographicLength;
    attributes.keyFormatType = kb.keyFormatType;
    if (
      kb.cryptographicAlgorithm !== undefined &&
      attributes.cryptographicAlgorithm !== kb.cryptographicAlgorithm
    )
      throw new KmsError(
        'ERR_KMS_INVALID_FIELD',
        'Cryptographic Algorithm differs from the key block',
      );
    if (
      kb.cryptographicLength !== undefined &&
      attributes.cryptographicLength !== kb.cryptographicLength
    )
      throw new KmsError(
        'ERR_KMS_INVALID_FIELD',
        'Cryptographic Length differs from the key block',
      );
  }
  if (n.objectType === ObjectType.SymmetricKey || n.objectType === ObjectType.SecretData)
    attributes.cryptographicUsageMask ??= defaultUsageMask(
      n.objectType,
      attributes.cryptographicAlgorithm,
    );
  attributes.initialDate = ctx.now;
  attributes.lastChangeDate = ctx.now;
  const state = initialState(attributes, ctx.now);
  attributes.state = state;
  const allTags = new Set([...(tags ?? []), ...(n.extraTags ?? [])]);
  const sys = systemTag(n.objectType);
  if (sys !== undefined) allTags.add(sys);
  const record: ObjectRecord = {
    uid,
    objectType: n.objectType,
    state,
    owner: ctx.user,
    attributes,
    tags: [...allTags].sort(),
    sealed: sealObject(ctx.server.repo.kek, uid, n.object),
    createdAt: ctx.now.getTime(),
    updatedAt: ctx.now.getTime(),
    version: 1,
  };
  await ctx.writer.insertObject(record);
  return record;
}

/** A record with changed attributes/state/material, version and Last Change Date bumped. */
export function changed(
  ctx: OperationContext,
  record: ObjectRecord,
  change: {
    attributes?: Attributes;
    state?: number;
    sealed?: Uint8Array | null;
    tags?: readonly string[];
    owner?: string;
  },
): ObjectRecord {
  const state = change.state ?? record.state;
  const attributes: Attributes = {
    ...(change.attributes ?? record.attributes),
    state,
    lastChangeDate: ctx.now,
  };
  return {
    ...record,
    ...change,
    attributes,
    state,
    updatedAt: Date.now(),
    version: record.version + 1,
  };
}
