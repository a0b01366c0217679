/**
 * Covercrypt keys as managed objects: the master secret key and user keys are Private Keys in
 * the `CoverCryptSecretKey` format, the master public key a Public Key in `CoverCryptPublicKey`,
 * each holding the Custos encoding as a Byte String. Parsed keys are cached on the loaded
 * object (so a repeated Encrypt parses and verifies the public key once), except the master
 * secret key, which operations change and save.
 */
import { MasterPublicKey, MasterSecretKey, UserKey } from '@custos/covercrypt';
import { fromHex, provider, toHex } from '@custos/crypto';
import type { Attributes, ManagedObject } from '@custos/kmip';
import {
  ATTR_AUTHORITY,
  COVERCRYPT,
  COVERCRYPT_PUBLIC_KEY,
  COVERCRYPT_SECRET_KEY,
  covercryptError,
  vendorBytes,
  vendorText,
  withoutVendor,
} from './_covercrypt-attributes.ts';
import type { OperationContext } from './context.ts';
import { KmsError } from './errors.ts';
import { sealObject, type ObjectRecord } from './model.ts';
import type { LoadedObject } from './repository.ts';
import { changed } from './_objects.ts';

/** True for the objects the Covercrypt operations handle. */
export function isCovercrypt(record: ObjectRecord): boolean {
  return record.attributes.cryptographicAlgorithm === COVERCRYPT;
}

/** A Covercrypt key object holding `bytes`. */
export function covercryptObject(
  kind: 'PrivateKey' | 'PublicKey',
  bytes: Uint8Array,
): ManagedObject {
  return {
    kind,
    keyBlock: {
      keyFormatType: kind === 'PrivateKey' ? COVERCRYPT_SECRET_KEY : COVERCRYPT_PUBLIC_KEY,
      keyValue: { keyMaterial: bytes },
      cryptographicAlgorithm: COVERCRYPT,
    },
  };
}

/** What a Covercrypt key object is, from the magic of its encoding. */
export type CovercryptRole = 'master-secret' | 'master-public' | 'user';

const MAGIC: Readonly<Record<string, CovercryptRole>> = {
  CVCM: 'master-secret',
  CVCP: 'master-public',
  CVCU: 'user',
};

/**
 * The Custos encoding in a Covercrypt object and its role.
 * @throws KmsError when the object holds no usable Covercrypt key.
 */
export function covercryptMaterial(loaded: LoadedObject): {
  bytes: Uint8Array;
  role: CovercryptRole;
} {
  const uid = loaded.record.uid;
  const object = loaded.object;
  if (object === undefined)
    throw new KmsError('ERR_KMS_OBJECT_DESTROYED', `object ${uid} has no key material`);
  if (object.kind !== 'PrivateKey' && object.kind !== 'PublicKey')
    throw new KmsError('ERR_KMS_ILLEGAL_OBJECT_TYPE', `object ${uid} is not a Covercrypt key`);
  const kb = object.keyBlock;
  if (kb.keyWrappingData !== undefined)
    throw new KmsError('ERR_KMS_KEY_VALUE_NOT_PRESENT', `the key material of ${uid} is wrapped`);
  const kv = kb.keyValue;
  if (kv === undefined || kv instanceof Uint8Array || !(kv.keyMaterial instanceof Uint8Array))
    throw new KmsError('ERR_KMS_KEY_FORMAT_NOT_SUPPORTED', `object ${uid} is not a Covercrypt key`);
  const bytes = kv.keyMaterial;
  const role = MAGIC[String.fromCharCode(...bytes.subarray(0, 4))];
  if (role === undefined)
    throw new KmsError('ERR_KMS_KEY_FORMAT_NOT_SUPPORTED', `object ${uid} is not a Covercrypt key`);
  return { bytes, role };
}

/** @throws KmsError ILLEGAL_OBJECT_TYPE unless the object has the role an operation needs. */
export function requireRole(
  loaded: LoadedObject,
  role: CovercryptRole,
  operation: string,
): Uint8Array {
  const m = covercryptMaterial(loaded);
  if (m.role !== role) {
    const what = {
      'master-secret': 'a master secret key',
      'master-public': 'a master public key',
      user: 'a user key',
    };
    throw new KmsError(
      'ERR_KMS_ILLEGAL_OBJECT_TYPE',
      `${operation} needs ${what[role]}; object ${loaded.record.uid} is ${what[m.role]}`,
    );
  }
  return m.bytes;
}

/** The authority id the object's keys are pinned to (set by the server at creation). */
export function authorityOf(record: ObjectRecord, vendor: string): Uint8Array {
  const hex = vendorText(record.attributes, ATTR_AUTHORITY, vendor);
  if (hex === undefined || !/^[0-9a-f]{64}$/u.test(hex))
    throw new KmsError(
      'ERR_KMS_ATTRIBUTE_NOT_FOUND',
      `object ${record.uid} lacks its ${ATTR_AUTHORITY} attribute`,
    );
  return fromHex(hex);
}

/** Hex of an authority id, for the attribute. */
export function authorityHex(id: Uint8Array): string {
  return toHex(id);
}

// A parsed key cached on the loaded object; a failed parse is not cached.
async function cached<T>(
  loaded: LoadedObject,
  purpose: string,
  make: () => Promise<T>,
): Promise<T> {
  const p = loaded.key(purpose, make);
  try {
    return await p;
  } catch (error) {
    loaded.keys.delete(purpose);
    return covercryptError(error, 'policy');
  }
}

/** The parsed master public key (signature checked against the pinned authority once). */
export function publicKeyOf(loaded: LoadedObject, vendor: string): Promise<MasterPublicKey> {
  const bytes = requireRole(loaded, 'master-public', 'Covercrypt encryption');
  const authority = authorityOf(loaded.record, vendor);
  return cached(loaded, 'covercrypt-mpk', () => MasterPublicKey.load(bytes, { authority }));
}

/** The parsed user key (signature checked against the pinned authority once). */
export function userKeyOf(loaded: LoadedObject, vendor: string): Promise<UserKey> {
  const bytes = requireRole(loaded, 'user', 'Covercrypt decryption');
  const authority = authorityOf(loaded.record, vendor);
  return cached(loaded, 'covercrypt-usk', () => UserKey.load(bytes, { authority }));
}

/** A fresh parse of the master secret key (its MAC covers every byte). */
export async function masterKeyOf(loaded: LoadedObject): Promise<MasterSecretKey> {
  const bytes = requireRole(loaded, 'master-secret', 'this operation');
  try {
    return await MasterSecretKey.load(bytes);
  } catch (error) {
    return covercryptError(error, 'structure');
  }
}

/**
 * The system tag that marks the user keys of a master secret key (tags are ≤ 256 characters,
 * identifiers too, so the identifier is hashed): lets a re-key find them with one indexed query.
 */
export function userKeysTag(masterUid: string): string {
  const digest = provider.hash.digest('sha256', new TextEncoder().encode(masterUid));
  return `_cc_${toHex(digest).slice(0, 32)}`;
}

/** Replaces the vendor attribute `name` of a record's attributes. */
export function setVendor(
  ctx: OperationContext,
  attributes: Attributes,
  name: string,
  text: string,
): Attributes {
  const vendor = ctx.config.vendorIdentification;
  const rest = withoutVendor(attributes, [name], vendor);
  return {
    ...rest,
    vendorAttributes: [...(rest.vendorAttributes ?? []), vendorBytes(name, text, vendor)],
  };
}

/** Saves new material (and attributes) of a Covercrypt key record. */
export async function saveKey(
  ctx: OperationContext,
  record: ObjectRecord,
  kind: 'PrivateKey' | 'PublicKey',
  bytes: Uint8Array,
  attributes: Attributes,
): Promise<void> {
  await ctx.writer.updateObject(
    changed(ctx, record, {
      attributes,
      sealed: sealObject(ctx.server.repo.kek, record.uid, covercryptObject(kind, bytes)),
    }),
  );
}
