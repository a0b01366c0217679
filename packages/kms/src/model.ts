/**
 * How a managed object lives in the server: an `ObjectRecord` (identifier, type, state, owner,
 * attributes, tags and the KEK-sealed material), and the stable encodings the stores write:
 * attributes as JSON TTLV of a KMIP 2.1 `Attributes` structure (readable in the database),
 * material as binary TTLV of the managed object, sealed under the KEK.
 */
import {
  Tag,
  attributes as attributesCodec,
  decodeJson,
  decodeTtlv,
  encodeJson,
  encodeTtlv,
  managedObject,
  KMIP_2_1,
  type Attributes,
  type ManagedObject,
} from '@custos/kmip';
import type { KeyEncryptionKey } from './kek.ts';

export interface ObjectRecord {
  readonly uid: string;
  readonly objectType: number;
  readonly state: number;
  readonly owner: string;
  /** Every attribute except the tags (kept in `tags`). `state` mirrors the column. */
  readonly attributes: Attributes;
  /** User tags and system tags (`_kk`, `_sd`...). */
  readonly tags: readonly string[];
  /** Material sealed under the KEK; null once destroyed. */
  readonly sealed: Uint8Array | null;
  /** Milliseconds since the epoch. */
  readonly createdAt: number;
  readonly updatedAt: number;
  /** Incremented by every change (cache validation). */
  readonly version: number;
}

/** The columns a store keeps for an object. */
export interface ObjectRow {
  uid: string;
  object_type: number;
  state: number;
  owner: string;
  algorithm: number | string | null;
  length: number | null;
  /** PostgreSQL returns BIGINT columns as strings. */
  created_at: number | string;
  updated_at: number | string;
  version: number;
  attributes: string;
  material: Uint8Array | null;
}

/** Attributes as stored (JSON TTLV, OASIS names). */
export function encodeAttributes(attributes: Attributes): string {
  return encodeJson(attributesCodec.write(Tag.Attributes, attributes, KMIP_2_1, 'attributes'), {
    style: 'oasis',
  });
}

/** Attributes from their stored form. */
export function decodeAttributes(text: string): Attributes {
  return attributesCodec.read(decodeJson(text), KMIP_2_1, 'attributes');
}

/** Managed object as plaintext bytes (binary TTLV), before sealing. */
export function encodeObject(object: ManagedObject): Uint8Array {
  return encodeTtlv(managedObject.write(Tag.SymmetricKey, object, KMIP_2_1, 'object'));
}

/** Managed object from its plaintext bytes. */
export function decodeObject(bytes: Uint8Array): ManagedObject {
  return managedObject.read(decodeTtlv(bytes), KMIP_2_1, 'object');
}

/** Seals a managed object for storage under `uid`. */
export function sealObject(kek: KeyEncryptionKey, uid: string, object: ManagedObject): Uint8Array {
  return kek.seal(uid, encodeObject(object));
}

/** Opens the sealed material of a record. @throws DecryptionFailed */
export function openObject(kek: KeyEncryptionKey, record: ObjectRecord): ManagedObject | undefined {
  if (record.sealed === null) return undefined;
  return decodeObject(kek.open(record.uid, record.sealed));
}

/** Name values of an object (the `names` table). */
export function nameValues(attributes: Attributes): string[] {
  return [...new Set((attributes.names ?? []).map((n) => n.nameValue))];
}

/** Row of a record. */
export function toRow(record: ObjectRecord): ObjectRow {
  return {
    uid: record.uid,
    object_type: record.objectType,
    state: record.state,
    owner: record.owner,
    algorithm: record.attributes.cryptographicAlgorithm ?? null,
    length: record.attributes.cryptographicLength ?? null,
    created_at: record.createdAt,
    updated_at: record.updatedAt,
    version: record.version,
    attributes: encodeAttributes(record.attributes),
    material: record.sealed,
  };
}

/** Record of a row and its tags. */
export function fromRow(row: ObjectRow, tags: readonly string[]): ObjectRecord {
  return {
    uid: row.uid,
    objectType: row.object_type,
    state: row.state,
    owner: row.owner,
    attributes: decodeAttributes(row.attributes),
    tags,
    sealed: row.material === null ? null : new Uint8Array(row.material),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
    version: row.version,
  };
}
