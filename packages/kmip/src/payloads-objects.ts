/**
 * Payloads of the operations that create, find and manage objects: Create, Create Key Pair,
 * Register, Import, Export, Get, Locate, Check, Activate, Revoke, Destroy, Re-key, Re-key Key
 * Pair, Derive Key, Certify, Validate (KMIP 2.1 §6.1; KMIP 1.x shapes where they differ).
 */
import {
  _attributesTags,
  _readV1AttributeList,
  _writeV1AttributeList,
  _readV1LocateList,
  _writeV1LocateList,
  attributes,
  cryptographicParameters,
  locateAttributes,
  revocationReason,
  uniqueIdentifier,
  type Attributes,
  type LocateAttributes,
} from './attributes.ts';
import {
  _objectField,
  keyWrappingSpecification,
  managedObject,
  type ManagedObject,
} from './objects.ts';
import {
  anyItem,
  boolean,
  byteString,
  dateTime,
  enumeration,
  integer,
  interval,
  longInteger,
  many,
  many1,
  mapped,
  one,
  opt,
  struct,
  versioned,
  KMIP_1_4,
  type AnyField,
  type Codec,
  type Infer,
  type StructOf,
} from './_schema.ts';
import { Tag } from './tags.ts';
import type { TtlvItem } from './ttlv.ts';

/** Protection Storage Masks structure as the list of its masks. */
export const protectionStorageMasks: Codec<number[]> = mapped(
  struct([many('masks', Tag.ProtectionStorageMask, integer)]),
  (raw) => raw.masks ?? [],
  (masks) => ({ masks }),
);

const ATTRIBUTES = _attributesTags(Tag.Attributes, Tag.TemplateAttribute);
const COMMON = _attributesTags(Tag.CommonAttributes, Tag.CommonTemplateAttribute);
const PRIVATE = _attributesTags(Tag.PrivateKeyAttributes, Tag.PrivateKeyTemplateAttribute);
const PUBLIC = _attributesTags(Tag.PublicKeyAttributes, Tag.PublicKeyTemplateAttribute);

export const createRequest = struct([
  one('objectType', Tag.ObjectType, enumeration),
  one('attributes', Tag.Attributes, attributes, ATTRIBUTES),
  opt('protectionStorageMasks', Tag.ProtectionStorageMasks, protectionStorageMasks),
]);
export type CreateRequest = Infer<typeof createRequest>;

export const createResponse = struct([
  one('objectType', Tag.ObjectType, enumeration),
  one('uniqueIdentifier', Tag.UniqueIdentifier, uniqueIdentifier),
  // KMIP 1.x: attributes the server set implicitly.
  opt('attributes', Tag.TemplateAttribute, attributes, { versions: 'v1' }),
]);
export type CreateResponse = Infer<typeof createResponse>;

export const createKeyPairRequest = struct([
  opt('commonAttributes', Tag.CommonAttributes, attributes, COMMON),
  opt('privateKeyAttributes', Tag.PrivateKeyAttributes, attributes, PRIVATE),
  opt('publicKeyAttributes', Tag.PublicKeyAttributes, attributes, PUBLIC),
  opt('commonProtectionStorageMasks', Tag.CommonProtectionStorageMasks, protectionStorageMasks),
  opt('privateProtectionStorageMasks', Tag.PrivateProtectionStorageMasks, protectionStorageMasks),
  opt('publicProtectionStorageMasks', Tag.PublicProtectionStorageMasks, protectionStorageMasks),
]);
export type CreateKeyPairRequest = Infer<typeof createKeyPairRequest>;

export const createKeyPairResponse = struct([
  one('privateKeyUniqueIdentifier', Tag.PrivateKeyUniqueIdentifier, uniqueIdentifier),
  one('publicKeyUniqueIdentifier', Tag.PublicKeyUniqueIdentifier, uniqueIdentifier),
  opt('privateKeyAttributes', Tag.PrivateKeyTemplateAttribute, attributes, { versions: 'v1' }),
  opt('publicKeyAttributes', Tag.PublicKeyTemplateAttribute, attributes, { versions: 'v1' }),
]);
export type CreateKeyPairResponse = Infer<typeof createKeyPairResponse>;

export const registerRequest = struct([
  one('objectType', Tag.ObjectType, enumeration),
  one('attributes', Tag.Attributes, attributes, ATTRIBUTES),
  one('object', Tag.SymmetricKey, managedObject, _objectField),
  opt('protectionStorageMasks', Tag.ProtectionStorageMasks, protectionStorageMasks),
]);
export type RegisterRequest = Infer<typeof registerRequest>;

export const registerResponse = struct([
  one('uniqueIdentifier', Tag.UniqueIdentifier, uniqueIdentifier),
  opt('attributes', Tag.TemplateAttribute, attributes, { versions: 'v1' }),
]);
export type RegisterResponse = Infer<typeof registerResponse>;

/** KMIP 1.4 Import/Export list bare Attribute items; map them to `attributes`. */
function bareAttributes<T extends { attributes?: Attributes }>(
  fieldsBefore: readonly AnyField[],
  fieldsAfter: readonly AnyField[],
  required: boolean,
): Codec<T> {
  const raw = struct([
    ...fieldsBefore,
    many('attribute', Tag.Attribute, anyItem),
    ...fieldsAfter,
  ] as const);
  return mapped(
    raw as Codec<Record<string, unknown>>,
    (r, path) => {
      const { attribute, ...rest } = r as { attribute?: TtlvItem[] };
      const out = rest as T;
      if (attribute !== undefined || required)
        out.attributes = _readV1AttributeList(attribute ?? [], KMIP_1_4, path);
      return out;
    },
    (v, path) => {
      const { attributes: a, ...rest } = v;
      return a === undefined
        ? rest
        : { ...rest, attribute: _writeV1AttributeList(a, KMIP_1_4, path) };
    },
  );
}

const importV2 = struct([
  one('uniqueIdentifier', Tag.UniqueIdentifier, uniqueIdentifier),
  one('objectType', Tag.ObjectType, enumeration),
  opt('replaceExisting', Tag.ReplaceExisting, boolean),
  opt('keyWrapType', Tag.KeyWrapType, enumeration),
  one('attributes', Tag.Attributes, attributes),
  one('object', Tag.SymmetricKey, managedObject, _objectField),
]);
export type ImportRequest = Infer<typeof importV2>;
export const importRequest: Codec<ImportRequest> = versioned(
  bareAttributes<ImportRequest>(
    [
      one('uniqueIdentifier', Tag.UniqueIdentifier, uniqueIdentifier),
      one('objectType', Tag.ObjectType, enumeration),
      opt('replaceExisting', Tag.ReplaceExisting, boolean),
      opt('keyWrapType', Tag.KeyWrapType, enumeration),
    ],
    [one('object', Tag.SymmetricKey, managedObject, _objectField)],
    true,
  ),
  importV2,
);

export const importResponse = struct([
  one('uniqueIdentifier', Tag.UniqueIdentifier, uniqueIdentifier),
]);
export type ImportResponse = Infer<typeof importResponse>;

/** Get and Export requests share their fields. */
const getRequestFields = [
  opt('uniqueIdentifier', Tag.UniqueIdentifier, uniqueIdentifier),
  opt('keyFormatType', Tag.KeyFormatType, enumeration),
  opt('keyWrapType', Tag.KeyWrapType, enumeration),
  opt('keyCompressionType', Tag.KeyCompressionType, enumeration),
  opt('keyWrappingSpecification', Tag.KeyWrappingSpecification, keyWrappingSpecification),
] as const;

export const getRequest = struct(getRequestFields);
export type GetRequest = Infer<typeof getRequest>;

export const getResponse = struct([
  one('objectType', Tag.ObjectType, enumeration),
  one('uniqueIdentifier', Tag.UniqueIdentifier, uniqueIdentifier),
  one('object', Tag.SymmetricKey, managedObject, _objectField),
]);
export type GetResponse = Infer<typeof getResponse>;

export const exportRequest = struct(getRequestFields);
export type ExportRequest = Infer<typeof exportRequest>;

const exportResponseV2 = struct([
  one('objectType', Tag.ObjectType, enumeration),
  one('uniqueIdentifier', Tag.UniqueIdentifier, uniqueIdentifier),
  one('attributes', Tag.Attributes, attributes),
  one('object', Tag.SymmetricKey, managedObject, _objectField),
]);
export type ExportResponse = Infer<typeof exportResponseV2>;
export const exportResponse: Codec<ExportResponse> = versioned(
  bareAttributes<ExportResponse>(
    [
      one('objectType', Tag.ObjectType, enumeration),
      one('uniqueIdentifier', Tag.UniqueIdentifier, uniqueIdentifier),
    ],
    [one('object', Tag.SymmetricKey, managedObject, _objectField)],
    true,
  ),
  exportResponseV2,
);

const locateFields = [
  opt('maximumItems', Tag.MaximumItems, integer),
  opt('offsetItems', Tag.OffsetItems, integer),
  opt('storageStatusMask', Tag.StorageStatusMask, integer),
  opt('objectGroupMember', Tag.ObjectGroupMember, enumeration),
] as const;

/** Locate request: `attributes` to match; `rangeEnds` closes a range opened in `attributes`. */
export type LocateRequest = StructOf<typeof locateFields> & LocateAttributes;

const locateV2: Codec<LocateRequest> = mapped(
  struct([...locateFields, one('criteria', Tag.Attributes, locateAttributes)]),
  (raw) => {
    const { criteria, ...rest } = raw;
    return { ...rest, ...criteria };
  },
  (value) => {
    const { attributes: a, rangeEnds, ...rest } = value;
    return {
      ...rest,
      criteria: rangeEnds === undefined ? { attributes: a } : { attributes: a, rangeEnds },
    };
  },
);

// KMIP 1.x lists the criteria as bare Attribute items.
const locateV1: Codec<LocateRequest> = mapped(
  struct([...locateFields, many('attribute', Tag.Attribute, anyItem)]),
  (raw, path) => {
    const { attribute, ...rest } = raw;
    return { ...rest, ..._readV1LocateList(attribute ?? [], KMIP_1_4, path) };
  },
  (value, path) => {
    const { attributes: a, rangeEnds, ...rest } = value;
    const list = _writeV1LocateList(
      rangeEnds === undefined ? { attributes: a } : { attributes: a, rangeEnds },
      KMIP_1_4,
      path,
    );
    return list.length === 0 ? rest : { ...rest, attribute: list };
  },
);

export const locateRequest: Codec<LocateRequest> = versioned(locateV1, locateV2);

export const locateResponse = struct([
  opt('locatedItems', Tag.LocatedItems, integer),
  many('uniqueIdentifiers', Tag.UniqueIdentifier, uniqueIdentifier),
]);
export type LocateResponse = Infer<typeof locateResponse>;

const checkFields = [
  opt('usageLimitsCount', Tag.UsageLimitsCount, longInteger),
  opt('cryptographicUsageMask', Tag.CryptographicUsageMask, integer),
  opt('leaseTime', Tag.LeaseTime, interval),
] as const;
export const checkRequest = struct([
  opt('uniqueIdentifier', Tag.UniqueIdentifier, uniqueIdentifier),
  ...checkFields,
]);
export type CheckRequest = Infer<typeof checkRequest>;
export const checkResponse = struct([
  one('uniqueIdentifier', Tag.UniqueIdentifier, uniqueIdentifier),
  ...checkFields,
]);
export type CheckResponse = Infer<typeof checkResponse>;

/** Request of the operations that only name an object (Activate, Destroy, Archive, Recover...). */
export const uidRequest = struct([opt('uniqueIdentifier', Tag.UniqueIdentifier, uniqueIdentifier)]);
export type UidRequest = Infer<typeof uidRequest>;
/** Response that only names the object. */
export const uidResponse = struct([
  one('uniqueIdentifier', Tag.UniqueIdentifier, uniqueIdentifier),
]);
export type UidResponse = Infer<typeof uidResponse>;

export const revokeRequest = struct([
  opt('uniqueIdentifier', Tag.UniqueIdentifier, uniqueIdentifier),
  one('revocationReason', Tag.RevocationReason, revocationReason),
  opt('compromiseOccurrenceDate', Tag.CompromiseOccurrenceDate, dateTime),
]);
export type RevokeRequest = Infer<typeof revokeRequest>;

export const reKeyRequest = struct([
  opt('uniqueIdentifier', Tag.UniqueIdentifier, uniqueIdentifier),
  opt('offset', Tag.Offset, interval),
  opt('attributes', Tag.Attributes, attributes, ATTRIBUTES),
  opt('protectionStorageMasks', Tag.ProtectionStorageMasks, protectionStorageMasks),
]);
export type ReKeyRequest = Infer<typeof reKeyRequest>;

export const reKeyResponse = struct([
  one('uniqueIdentifier', Tag.UniqueIdentifier, uniqueIdentifier),
  opt('attributes', Tag.TemplateAttribute, attributes, { versions: 'v1' }),
]);
export type ReKeyResponse = Infer<typeof reKeyResponse>;

export const reKeyKeyPairRequest = struct([
  opt('privateKeyUniqueIdentifier', Tag.PrivateKeyUniqueIdentifier, uniqueIdentifier),
  opt('offset', Tag.Offset, interval),
  opt('commonAttributes', Tag.CommonAttributes, attributes, COMMON),
  opt('privateKeyAttributes', Tag.PrivateKeyAttributes, attributes, PRIVATE),
  opt('publicKeyAttributes', Tag.PublicKeyAttributes, attributes, PUBLIC),
  opt('commonProtectionStorageMasks', Tag.CommonProtectionStorageMasks, protectionStorageMasks),
  opt('privateProtectionStorageMasks', Tag.PrivateProtectionStorageMasks, protectionStorageMasks),
  opt('publicProtectionStorageMasks', Tag.PublicProtectionStorageMasks, protectionStorageMasks),
]);
export type ReKeyKeyPairRequest = Infer<typeof reKeyKeyPairRequest>;
export const reKeyKeyPairResponse = createKeyPairResponse;
export type ReKeyKeyPairResponse = CreateKeyPairResponse;

export const derivationParameters = struct([
  opt('cryptographicParameters', Tag.CryptographicParameters, cryptographicParameters),
  opt('initializationVector', Tag.InitializationVector, byteString),
  opt('derivationData', Tag.DerivationData, byteString),
  opt('salt', Tag.Salt, byteString),
  opt('iterationCount', Tag.IterationCount, integer),
]);
export type DerivationParameters = Infer<typeof derivationParameters>;

export const deriveKeyRequest = struct([
  one('objectType', Tag.ObjectType, enumeration),
  many1('uniqueIdentifiers', Tag.UniqueIdentifier, uniqueIdentifier),
  one('derivationMethod', Tag.DerivationMethod, enumeration),
  one('derivationParameters', Tag.DerivationParameters, derivationParameters),
  one('attributes', Tag.Attributes, attributes, ATTRIBUTES),
]);
export type DeriveKeyRequest = Infer<typeof deriveKeyRequest>;
export const deriveKeyResponse = reKeyResponse;
export type DeriveKeyResponse = ReKeyResponse;

const certifyV2 = struct([
  opt('uniqueIdentifier', Tag.UniqueIdentifier, uniqueIdentifier),
  opt('certificateRequestType', Tag.CertificateRequestType, enumeration),
  opt('certificateRequestValue', Tag.CertificateRequestValue, byteString),
  opt('attributes', Tag.Attributes, attributes, ATTRIBUTES),
  opt('protectionStorageMasks', Tag.ProtectionStorageMasks, protectionStorageMasks),
]);
export type CertifyRequest = Infer<typeof certifyV2>;
// KMIP 1.x carries the request bytes under the Certificate Request tag.
const certifyV1 = struct([
  opt('uniqueIdentifier', Tag.UniqueIdentifier, uniqueIdentifier),
  opt('certificateRequestType', Tag.CertificateRequestType, enumeration),
  opt('certificateRequestValue', Tag.CertificateRequest, byteString),
  opt('attributes', Tag.TemplateAttribute, attributes),
]);
export const certifyRequest: Codec<CertifyRequest> = versioned(
  certifyV1 as Codec<CertifyRequest>,
  certifyV2,
);
export const certifyResponse = reKeyResponse;
export type CertifyResponse = ReKeyResponse;

const certificateBody = struct([
  one('certificateType', Tag.CertificateType, enumeration),
  one('certificateValue', Tag.CertificateValue, byteString),
]);

export const validateRequest = struct([
  many('certificates', Tag.Certificate, certificateBody),
  many('uniqueIdentifiers', Tag.UniqueIdentifier, uniqueIdentifier),
  opt('validityDate', Tag.ValidityDate, dateTime),
]);
export type ValidateRequest = Infer<typeof validateRequest>;
export const validateResponse = struct([
  one('validityIndicator', Tag.ValidityIndicator, enumeration),
]);
export type ValidateResponse = Infer<typeof validateResponse>;

export type { ManagedObject };
