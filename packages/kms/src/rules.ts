/**
 * The KMIP rules the operations share: lifecycle states and dates (what a key in each state may
 * do), cryptographic usage masks, which attributes a client may set, change or delete, and
 * tags (a vendor attribute `tag` holding a JSON array of strings, as Cosmian clients send it).
 */
import {
  CryptographicAlgorithm,
  CryptographicUsageMask,
  ObjectType,
  State,
  Tag,
  type Attributes,
  type VendorAttribute,
} from '@custos/kmip';
import { KmsError } from './errors.ts';
import type { ObjectRecord } from './model.ts';

// ---------------------------------------------------------------------------------------------
// Lifecycle

/**
 * State of an object at `now`: a Pre-Active object whose Activation Date has passed is Active,
 * an Active one whose Deactivation Date has passed is Deactivated (KMIP 2.1 §3.45 transitions
 * 2 and 6, taken lazily when the object is read).
 */
export function effectiveState(record: ObjectRecord, now: Date): number {
  let state = record.state;
  const a = record.attributes;
  if (state === State.PreActive && a.activationDate !== undefined && a.activationDate <= now)
    state = State.Active;
  if (state === State.Active && a.deactivationDate !== undefined && a.deactivationDate <= now)
    state = State.Deactivated;
  return state;
}

/** Initial state of a new object from its Activation Date. */
export function initialState(attributes: Attributes, now: Date): number {
  return attributes.activationDate !== undefined && attributes.activationDate <= now
    ? State.Active
    : State.PreActive;
}

/**
 * How an operation uses a key:
 * - `protect`: applies protection (Encrypt, MAC, wrap a key, derive): the key must be Active
 *   and before its Protect Stop Date;
 * - `process`: processes protected data (Decrypt, MAC Verify, unwrap): Active, Deactivated or
 *   Compromised, from its Process Start Date on;
 * - `read`: reads the object (Get, Export, attribute changes): anything but Destroyed;
 * - `metadata`: reads the attributes only (Get Attributes): any state, destroyed included.
 */
export type KeyUse = 'protect' | 'process' | 'read' | 'metadata';

const STATE_NAMES: Readonly<Record<number, string>> = {
  [State.PreActive]: 'Pre-Active',
  [State.Active]: 'Active',
  [State.Deactivated]: 'Deactivated',
  [State.Compromised]: 'Compromised',
  [State.Destroyed]: 'Destroyed',
  [State.DestroyedCompromised]: 'Destroyed Compromised',
};

export function stateName(state: number): string {
  return STATE_NAMES[state] ?? `state ${state}`;
}

/** @throws KmsError when the object's state or dates forbid `use`. */
export function checkUsable(record: ObjectRecord, use: KeyUse, now: Date): void {
  if (use === 'metadata') return;
  const state = effectiveState(record, now);
  if (state === State.Destroyed || state === State.DestroyedCompromised)
    throw new KmsError('ERR_KMS_OBJECT_DESTROYED', `object ${record.uid} is destroyed`);
  if (use === 'read') return;
  const a = record.attributes;
  if (use === 'protect') {
    if (state !== State.Active)
      throw new KmsError(
        'ERR_KMS_WRONG_STATE',
        `object ${record.uid} is ${stateName(state)}: only an Active key may protect data`,
      );
    if (a.protectStopDate !== undefined && a.protectStopDate <= now)
      throw new KmsError(
        'ERR_KMS_WRONG_STATE',
        `object ${record.uid} is past its Protect Stop Date`,
      );
    return;
  }
  if (state === State.PreActive)
    throw new KmsError('ERR_KMS_WRONG_STATE', `object ${record.uid} is Pre-Active`);
  if (a.processStartDate !== undefined && a.processStartDate > now)
    throw new KmsError(
      'ERR_KMS_WRONG_STATE',
      `object ${record.uid} is before its Process Start Date`,
    );
}

/** @throws KmsError ERR_KMS_INCOMPATIBLE_USAGE_MASK when the mask lacks `bit`. */
export function checkUsageMask(record: ObjectRecord, bit: number, what: string): void {
  const mask = record.attributes.cryptographicUsageMask;
  if (mask === undefined) return;
  if ((mask & CryptographicUsageMask.Unrestricted) !== 0) return;
  if ((mask & bit) === 0)
    throw new KmsError(
      'ERR_KMS_INCOMPATIBLE_USAGE_MASK',
      `the Cryptographic Usage Mask of ${record.uid} does not allow ${what}`,
    );
}

/** Usage mask given to a new key that names none. */
export function defaultUsageMask(objectType: number, algorithm: number | undefined): number {
  const M = CryptographicUsageMask;
  if (objectType === ObjectType.SecretData) return M.DeriveKey;
  if (algorithm !== undefined && HMAC_ALGORITHMS.has(algorithm)) return M.MACGenerate | M.MACVerify;
  // FPE_FF1 (Cosmian's 0x88800001): format-preserving encryption only.
  if (algorithm === 0x88800001) return M.Encrypt | M.Decrypt | M.FPEEncrypt | M.FPEDecrypt;
  return M.Encrypt | M.Decrypt | M.WrapKey | M.UnwrapKey;
}

export const HMAC_ALGORITHMS: ReadonlySet<number> = new Set([
  CryptographicAlgorithm.HMAC_SHA256,
  CryptographicAlgorithm.HMAC_SHA384,
  CryptographicAlgorithm.HMAC_SHA512,
]);

// ---------------------------------------------------------------------------------------------
// Attributes

type Key = keyof Attributes;

/** Attributes only the server sets. */
const SERVER_ONLY: ReadonlySet<Key> = new Set<Key>([
  'uniqueIdentifier',
  'state',
  'initialDate',
  'lastChangeDate',
  'destroyDate',
  'compromiseDate',
  'compromiseOccurrenceDate',
  'revocationReason',
  'archiveDate',
  'digests',
  'originalCreationDate',
  'keyValuePresent',
  'keyValueLocations',
  'alwaysSensitive',
  'neverExtractable',
  'fresh',
  'keyFormatType',
  'randomNumberGenerator',
  'shortUniqueIdentifier',
  'rotateGeneration',
  'rotateLatest',
  'certificateLength',
  'x509CertificateIdentifier',
  'x509CertificateSubject',
  'x509CertificateIssuer',
  'objectGroupMember',
  'leaseTime',
  'usageLimits',
  'extensions',
]);

/** Attributes a client may change after creation (Add/Set/Modify/Delete). */
const CLIENT_MODIFIABLE: ReadonlySet<Key> = new Set<Key>([
  'names',
  'links',
  'cryptographicParameters',
  'activationDate',
  'deactivationDate',
  'processStartDate',
  'protectStopDate',
  'objectGroups',
  'applicationSpecificInformation',
  'contactInformation',
  'alternativeNames',
  'description',
  'comment',
  'sensitive',
  'extractable',
  'pkcs12FriendlyName',
  'vendorAttributes',
  'rotateAutomatic',
  'rotateInterval',
  'rotateName',
  'rotateOffset',
  'rotateDate',
  'operationPolicyName',
]);

/** Attributes that may be deleted by a client. */
const CLIENT_DELETABLE: ReadonlySet<Key> = new Set<Key>([
  'names',
  'links',
  'cryptographicParameters',
  'deactivationDate',
  'processStartDate',
  'protectStopDate',
  'objectGroups',
  'applicationSpecificInformation',
  'contactInformation',
  'alternativeNames',
  'description',
  'comment',
  'pkcs12FriendlyName',
  'vendorAttributes',
  'rotateAutomatic',
  'rotateInterval',
  'rotateName',
  'rotateOffset',
  'rotateDate',
  'operationPolicyName',
]);

/** Multi-instance attributes (arrays in `Attributes`). */
export const MULTI_VALUED: ReadonlySet<Key> = new Set<Key>([
  'names',
  'links',
  'objectGroups',
  'applicationSpecificInformation',
  'alternativeNames',
  'keyValueLocations',
  'digests',
  'vendorAttributes',
]);

/** Attribute keys set in an `Attributes` object. */
export function attributeKeys(a: Attributes): Key[] {
  return (Object.keys(a) as Key[]).filter((k) => a[k] !== undefined);
}

/** Display name of an attribute key for messages (`cryptographicLength` → Cryptographic Length). */
export function attributeLabel(key: Key): string {
  return key.replace(/([A-Z])/g, ' $1').replace(/^./, (c) => c.toUpperCase());
}

/** @throws KmsError ERR_KMS_ATTRIBUTE_READ_ONLY for a server-only attribute in a creation request. */
export function checkCreationAttributes(a: Attributes): void {
  for (const k of attributeKeys(a)) {
    if (k === 'uniqueIdentifier') continue;
    if (SERVER_ONLY.has(k))
      throw new KmsError(
        'ERR_KMS_ATTRIBUTE_READ_ONLY',
        `${attributeLabel(k)} is set by the server`,
      );
  }
}

/** @throws KmsError when the client may not change `key`. */
export function checkModifiable(
  key: Key,
  record: ObjectRecord,
  now: Date,
  deleting: boolean,
): void {
  const allowed = deleting ? CLIENT_DELETABLE : CLIENT_MODIFIABLE;
  if (!allowed.has(key))
    throw new KmsError(
      'ERR_KMS_ATTRIBUTE_READ_ONLY',
      `${attributeLabel(key)} cannot be ${deleting ? 'deleted' : 'changed'} by a client`,
    );
  // Activation Date may only move while the object is still Pre-Active (KMIP 2.1 §4.1).
  if (key === 'activationDate' && effectiveState(record, now) !== State.PreActive)
    throw new KmsError(
      'ERR_KMS_ATTRIBUTE_READ_ONLY',
      'Activation Date cannot change once the object is active',
    );
}

// ---------------------------------------------------------------------------------------------
// Tags

/** Vendor identifications whose `tag` attribute is read as tags. */
export function isTagAttribute(v: VendorAttribute, vendor: string): boolean {
  return (
    v.attributeName === 'tag' &&
    (v.vendorIdentification === vendor || v.vendorIdentification === 'cosmian')
  );
}

/** System tag of an object type (`_kk` symmetric key, `_sd` secret data...). */
export function systemTag(objectType: number): string | undefined {
  switch (objectType) {
    case ObjectType.SymmetricKey:
      return '_kk';
    case ObjectType.SecretData:
      return '_sd';
    case ObjectType.OpaqueObject:
      return '_oo';
    case ObjectType.Certificate:
      return '_cert';
    case ObjectType.PublicKey:
      return '_pk';
    case ObjectType.PrivateKey:
      return '_sk';
    default:
      return undefined;
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Tags carried by a `tag` vendor attribute: a JSON array of strings as text or as bytes. */
export function parseTagValue(v: VendorAttribute): string[] {
  const item = v.attributeValue;
  let text: string;
  if (item.type === 'TextString') text = item.value;
  else if (item.type === 'ByteString') {
    try {
      text = utf8.decode(item.value);
    } catch {
      throw new KmsError('ERR_KMS_INVALID_ATTRIBUTE_VALUE', 'tags must be a JSON array of strings');
    }
  } else
    throw new KmsError('ERR_KMS_INVALID_ATTRIBUTE_VALUE', 'tags must be a JSON array of strings');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new KmsError('ERR_KMS_INVALID_ATTRIBUTE_VALUE', 'tags must be a JSON array of strings');
  }
  if (!Array.isArray(parsed) || !parsed.every((t) => typeof t === 'string'))
    throw new KmsError('ERR_KMS_INVALID_ATTRIBUTE_VALUE', 'tags must be a JSON array of strings');
  return parsed;
}

/** @throws KmsError for a tag a client may not set. */
export function checkUserTags(tags: readonly string[]): void {
  for (const t of tags) {
    if (t === '' || t.length > 256)
      throw new KmsError('ERR_KMS_INVALID_ATTRIBUTE_VALUE', 'tags are 1 to 256 characters');
    if (t.startsWith('_'))
      throw new KmsError(
        'ERR_KMS_INVALID_ATTRIBUTE_VALUE',
        `tag "${t.slice(0, 40)}": tags starting with "_" are reserved`,
      );
  }
}

/** Splits the tag vendor attributes out of `attributes`: returns the rest and the tags found. */
export function extractTags(
  attributes: Attributes,
  vendor: string,
): { attributes: Attributes; tags: string[] | undefined } {
  const vendorAttributes = attributes.vendorAttributes;
  if (vendorAttributes === undefined) return { attributes, tags: undefined };
  let tags: string[] | undefined;
  const rest: VendorAttribute[] = [];
  for (const v of vendorAttributes) {
    if (isTagAttribute(v, vendor)) (tags ??= []).push(...parseTagValue(v));
    else rest.push(v);
  }
  const out: Attributes = { ...attributes };
  if (rest.length === 0) delete out.vendorAttributes;
  else out.vendorAttributes = rest;
  return { attributes: out, tags: tags === undefined ? undefined : [...new Set(tags)] };
}

/** The `tag` vendor attribute for a list of tags. */
export function tagAttribute(tags: readonly string[], vendor: string): VendorAttribute {
  return {
    vendorIdentification: vendor,
    attributeName: 'tag',
    attributeValue: { tag: Tag.AttributeValue, type: 'TextString', value: JSON.stringify(tags) },
  };
}

// ---------------------------------------------------------------------------------------------
// Protocol versions

/** Attributes a KMIP 1.x client of each minor version knows (cumulative). */
const V1_ATTRIBUTES: readonly (readonly Key[])[] = [
  [
    'uniqueIdentifier',
    'names',
    'objectType',
    'cryptographicAlgorithm',
    'cryptographicLength',
    'cryptographicParameters',
    'cryptographicDomainParameters',
    'certificateType',
    'digests',
    'operationPolicyName',
    'cryptographicUsageMask',
    'leaseTime',
    'usageLimits',
    'state',
    'initialDate',
    'activationDate',
    'processStartDate',
    'protectStopDate',
    'deactivationDate',
    'destroyDate',
    'compromiseOccurrenceDate',
    'compromiseDate',
    'revocationReason',
    'archiveDate',
    'objectGroups',
    'links',
    'applicationSpecificInformation',
    'contactInformation',
    'lastChangeDate',
  ],
  [
    'certificateLength',
    'x509CertificateIdentifier',
    'x509CertificateSubject',
    'x509CertificateIssuer',
    'digitalSignatureAlgorithm',
    'fresh',
  ],
  ['alternativeNames', 'keyValuePresent', 'keyValueLocations', 'originalCreationDate'],
  ['randomNumberGenerator'],
  [
    'pkcs12FriendlyName',
    'description',
    'comment',
    'sensitive',
    'alwaysSensitive',
    'extractable',
    'neverExtractable',
  ],
];

/**
 * The attributes a client of `major.minor` can parse: KMIP 1.x clients reject attributes newer
 * than their version and vendor attributes other than `x-`/`y-` custom attributes.
 */
export function attributesForVersion(a: Attributes, major: number, minor: number): Attributes {
  if (major >= 2) return a;
  const known = new Set<Key>(V1_ATTRIBUTES.slice(0, Math.min(minor, 4) + 1).flat());
  const out: Attributes = {};
  for (const k of attributeKeys(a)) {
    if (!known.has(k)) continue;
    (out as Record<string, unknown>)[k] = a[k];
  }
  const custom = (a.vendorAttributes ?? []).filter(
    (v) => v.vendorIdentification === 'x' || v.vendorIdentification === 'y',
  );
  if (custom.length > 0) out.vendorAttributes = custom;
  return out;
}
