/**
 * Managed-object attributes (KMIP 2.1 §4) as one typed object, `Attributes`, with its two wire
 * shapes:
 * - KMIP 2.x: an `Attributes` structure (or Common/Private/Public Key Attributes, New/Current
 *   Attribute) whose children are the attributes themselves, vendor attributes as `Attribute`
 *   {Vendor Identification, Attribute Name, Attribute Value};
 * - KMIP 1.x: a `Template-Attribute` structure (or a bare list) of `Attribute` {Attribute Name
 *   as printed in the specification ("Cryptographic Algorithm"), Attribute Index, Attribute
 *   Value}; custom attributes are named `x-...`/`y-...`.
 * Multi-instance attributes are arrays (`names`, `links`, ...).
 */
import { KmipPayloadError } from './errors.ts';
import {
  _invalid,
  _isV1,
  anyItem,
  boolean,
  byteString,
  dateTime,
  enumeration,
  integer,
  interval,
  longInteger,
  many,
  oneOf,
  one,
  opt,
  struct,
  textString,
  type Codec,
  type Infer,
  type ProtocolVersion,
} from './_schema.ts';
import { Tag, tagFromAttributeName, tagName, tagText } from './tags.ts';
import type { TtlvItem, TtlvStructure } from './ttlv.ts';

/**
 * A Unique Identifier: a text identifier, or (KMIP 2.x) a Unique Identifier enumeration value
 * such as ID Placeholder (`{ enumeration: 1 }`), or an index into the batch (`{ index: n }`).
 */
export type UniqueIdentifier =
  string | { readonly enumeration: number } | { readonly index: number };

export const uniqueIdentifier: Codec<UniqueIdentifier> = oneOf<UniqueIdentifier>([
  {
    codec: textString,
    is: (v) => typeof v === 'string',
    wrap: (v) => v as string,
    unwrap: (v) => v,
  },
  {
    codec: enumeration,
    is: (v) => typeof v === 'object' && 'enumeration' in v,
    wrap: (v) => ({ enumeration: v as number }),
    unwrap: (v) => (v as { enumeration: number }).enumeration,
  },
  {
    codec: integer,
    is: (v) => typeof v === 'object' && 'index' in v,
    wrap: (v) => ({ index: v as number }),
    unwrap: (v) => (v as { index: number }).index,
  },
]);

export const name = struct([
  one('nameValue', Tag.NameValue, textString),
  one('nameType', Tag.NameType, enumeration),
]);
export type Name = Infer<typeof name>;

export const link = struct([
  one('linkType', Tag.LinkType, enumeration),
  one('linkedObjectIdentifier', Tag.LinkedObjectIdentifier, uniqueIdentifier),
]);
export type Link = Infer<typeof link>;

export const cryptographicParameters = struct([
  opt('blockCipherMode', Tag.BlockCipherMode, enumeration),
  opt('paddingMethod', Tag.PaddingMethod, enumeration),
  opt('hashingAlgorithm', Tag.HashingAlgorithm, enumeration),
  opt('keyRoleType', Tag.KeyRoleType, enumeration),
  opt('digitalSignatureAlgorithm', Tag.DigitalSignatureAlgorithm, enumeration),
  opt('cryptographicAlgorithm', Tag.CryptographicAlgorithm, enumeration),
  opt('randomIV', Tag.RandomIV, boolean),
  opt('ivLength', Tag.IVLength, integer),
  opt('tagLength', Tag.TagLength, integer),
  opt('fixedFieldLength', Tag.FixedFieldLength, integer),
  opt('invocationFieldLength', Tag.InvocationFieldLength, integer),
  opt('counterLength', Tag.CounterLength, integer),
  opt('initialCounterValue', Tag.InitialCounterValue, integer),
  opt('saltLength', Tag.SaltLength, integer),
  opt('maskGenerator', Tag.MaskGenerator, enumeration),
  opt('maskGeneratorHashingAlgorithm', Tag.MaskGeneratorHashingAlgorithm, enumeration),
  opt('pSource', Tag.PSource, byteString),
  opt('trailerField', Tag.TrailerField, integer),
]);
export type CryptographicParameters = Infer<typeof cryptographicParameters>;

export const cryptographicDomainParameters = struct([
  opt('qLength', Tag.Qlength, integer),
  opt('recommendedCurve', Tag.RecommendedCurve, enumeration),
]);
export type CryptographicDomainParameters = Infer<typeof cryptographicDomainParameters>;

export const digest = struct([
  one('hashingAlgorithm', Tag.HashingAlgorithm, enumeration),
  opt('digestValue', Tag.DigestValue, byteString),
  opt('keyFormatType', Tag.KeyFormatType, enumeration),
]);
export type Digest = Infer<typeof digest>;

export const usageLimits = struct([
  opt('usageLimitsTotal', Tag.UsageLimitsTotal, longInteger),
  opt('usageLimitsCount', Tag.UsageLimitsCount, longInteger),
  opt('usageLimitsUnit', Tag.UsageLimitsUnit, enumeration),
]);
export type UsageLimits = Infer<typeof usageLimits>;

export const applicationSpecificInformation = struct([
  one('applicationNamespace', Tag.ApplicationNamespace, textString),
  opt('applicationData', Tag.ApplicationData, textString),
]);
export type ApplicationSpecificInformation = Infer<typeof applicationSpecificInformation>;

export const alternativeName = struct([
  one('alternativeNameValue', Tag.AlternativeNameValue, textString),
  one('alternativeNameType', Tag.AlternativeNameType, enumeration),
]);
export type AlternativeName = Infer<typeof alternativeName>;

export const keyValueLocation = struct([
  one('keyValueLocationValue', Tag.KeyValueLocationValue, textString),
  one('keyValueLocationType', Tag.KeyValueLocationType, enumeration),
]);
export type KeyValueLocation = Infer<typeof keyValueLocation>;

export const revocationReason = struct([
  one('revocationReasonCode', Tag.RevocationReasonCode, enumeration),
  opt('revocationMessage', Tag.RevocationMessage, textString),
]);
export type RevocationReason = Infer<typeof revocationReason>;

export const randomNumberGenerator = struct([
  one('rngAlgorithm', Tag.RNGAlgorithm, enumeration),
  opt('cryptographicAlgorithm', Tag.CryptographicAlgorithm, enumeration),
  opt('cryptographicLength', Tag.CryptographicLength, integer),
  opt('hashingAlgorithm', Tag.HashingAlgorithm, enumeration),
  opt('drbgAlgorithm', Tag.DRBGAlgorithm, enumeration),
  opt('recommendedCurve', Tag.RecommendedCurve, enumeration),
  opt('fips186Variation', Tag.FIPS186Variation, enumeration),
  opt('predictionResistance', Tag.PredictionResistance, boolean),
]);
export type RandomNumberGenerator = Infer<typeof randomNumberGenerator>;

export const x509CertificateIdentifier = struct([
  one('issuerDistinguishedName', Tag.IssuerDistinguishedName, byteString),
  one('certificateSerialNumber', Tag.CertificateSerialNumber, byteString),
]);
export const x509CertificateSubject = struct([
  one('subjectDistinguishedName', Tag.SubjectDistinguishedName, byteString),
  many('subjectAlternativeNames', Tag.SubjectAlternativeName, byteString),
]);
export const x509CertificateIssuer = struct([
  one('issuerDistinguishedName', Tag.IssuerDistinguishedName, byteString),
  many('issuerAlternativeNames', Tag.IssuerAlternativeName, byteString),
]);

export const rotateName = struct([
  one('rotateNameValue', Tag.RotateNameValue, textString),
  one('rotateNameType', Tag.RotateNameType, enumeration),
]);

/** A vendor (2.x) or custom (1.x `x-`/`y-`) attribute; its value keeps its TTLV form. */
export const vendorAttribute = struct([
  one('vendorIdentification', Tag.VendorIdentification, textString),
  one('attributeName', Tag.AttributeName, textString),
  one('attributeValue', Tag.AttributeValue, anyItem),
]);
export type VendorAttribute = Infer<typeof vendorAttribute>;

/** Every standard attribute: 2.1 §4 plus the 1.x Operation Policy Name. */
const ATTRIBUTE_FIELDS = [
  opt('uniqueIdentifier', Tag.UniqueIdentifier, uniqueIdentifier),
  many('names', Tag.Name, name),
  opt('objectType', Tag.ObjectType, enumeration),
  opt('cryptographicAlgorithm', Tag.CryptographicAlgorithm, enumeration),
  opt('cryptographicLength', Tag.CryptographicLength, integer),
  opt('cryptographicParameters', Tag.CryptographicParameters, cryptographicParameters),
  opt(
    'cryptographicDomainParameters',
    Tag.CryptographicDomainParameters,
    cryptographicDomainParameters,
  ),
  opt('certificateType', Tag.CertificateType, enumeration),
  opt('certificateLength', Tag.CertificateLength, integer),
  opt('x509CertificateIdentifier', Tag.X_509CertificateIdentifier, x509CertificateIdentifier),
  opt('x509CertificateSubject', Tag.X_509CertificateSubject, x509CertificateSubject),
  opt('x509CertificateIssuer', Tag.X_509CertificateIssuer, x509CertificateIssuer),
  opt('certificateSubjectCN', Tag.CertificateSubjectCN, textString),
  opt('certificateSubjectO', Tag.CertificateSubjectO, textString),
  opt('certificateSubjectOU', Tag.CertificateSubjectOU, textString),
  opt('certificateSubjectEmail', Tag.CertificateSubjectEmail, textString),
  opt('certificateSubjectC', Tag.CertificateSubjectC, textString),
  opt('certificateSubjectST', Tag.CertificateSubjectST, textString),
  opt('certificateSubjectL', Tag.CertificateSubjectL, textString),
  opt('certificateSubjectUID', Tag.CertificateSubjectUID, textString),
  opt('certificateSubjectSerialNumber', Tag.CertificateSubjectSerialNumber, textString),
  opt('certificateSubjectTitle', Tag.CertificateSubjectTitle, textString),
  opt('certificateSubjectDC', Tag.CertificateSubjectDC, textString),
  opt('certificateSubjectDNQualifier', Tag.CertificateSubjectDNQualifier, textString),
  opt('certificateIssuerCN', Tag.CertificateIssuerCN, textString),
  opt('certificateIssuerO', Tag.CertificateIssuerO, textString),
  opt('certificateIssuerOU', Tag.CertificateIssuerOU, textString),
  opt('certificateIssuerEmail', Tag.CertificateIssuerEmail, textString),
  opt('certificateIssuerC', Tag.CertificateIssuerC, textString),
  opt('certificateIssuerST', Tag.CertificateIssuerST, textString),
  opt('certificateIssuerL', Tag.CertificateIssuerL, textString),
  opt('certificateIssuerUID', Tag.CertificateIssuerUID, textString),
  opt('certificateIssuerSerialNumber', Tag.CertificateIssuerSerialNumber, textString),
  opt('certificateIssuerTitle', Tag.CertificateIssuerTitle, textString),
  opt('certificateIssuerDC', Tag.CertificateIssuerDC, textString),
  opt('certificateIssuerDNQualifier', Tag.CertificateIssuerDNQualifier, textString),
  opt('digitalSignatureAlgorithm', Tag.DigitalSignatureAlgorithm, enumeration),
  many('digests', Tag.Digest, digest),
  opt('operationPolicyName', Tag.OperationPolicyName, textString),
  opt('cryptographicUsageMask', Tag.CryptographicUsageMask, integer),
  opt('leaseTime', Tag.LeaseTime, interval),
  opt('usageLimits', Tag.UsageLimits, usageLimits),
  opt('state', Tag.State, enumeration),
  opt('initialDate', Tag.InitialDate, dateTime),
  opt('activationDate', Tag.ActivationDate, dateTime),
  opt('processStartDate', Tag.ProcessStartDate, dateTime),
  opt('protectStopDate', Tag.ProtectStopDate, dateTime),
  opt('deactivationDate', Tag.DeactivationDate, dateTime),
  opt('destroyDate', Tag.DestroyDate, dateTime),
  opt('compromiseOccurrenceDate', Tag.CompromiseOccurrenceDate, dateTime),
  opt('compromiseDate', Tag.CompromiseDate, dateTime),
  opt('revocationReason', Tag.RevocationReason, revocationReason),
  opt('archiveDate', Tag.ArchiveDate, dateTime),
  many('objectGroups', Tag.ObjectGroup, textString),
  opt('fresh', Tag.Fresh, boolean),
  many('links', Tag.Link, link),
  many(
    'applicationSpecificInformation',
    Tag.ApplicationSpecificInformation,
    applicationSpecificInformation,
  ),
  opt('contactInformation', Tag.ContactInformation, textString),
  opt('lastChangeDate', Tag.LastChangeDate, dateTime),
  many('alternativeNames', Tag.AlternativeName, alternativeName),
  opt('keyValuePresent', Tag.KeyValuePresent, boolean),
  many('keyValueLocations', Tag.KeyValueLocation, keyValueLocation),
  opt('originalCreationDate', Tag.OriginalCreationDate, dateTime),
  opt('randomNumberGenerator', Tag.RandomNumberGenerator, randomNumberGenerator),
  opt('pkcs12FriendlyName', Tag.PKCS_12FriendlyName, textString),
  opt('description', Tag.Description, textString),
  opt('comment', Tag.Comment, textString),
  opt('sensitive', Tag.Sensitive, boolean),
  opt('alwaysSensitive', Tag.AlwaysSensitive, boolean),
  opt('extractable', Tag.Extractable, boolean),
  opt('neverExtractable', Tag.NeverExtractable, boolean),
  opt('keyFormatType', Tag.KeyFormatType, enumeration),
  opt('objectGroupMember', Tag.ObjectGroupMember, enumeration),
  opt('opaqueDataType', Tag.OpaqueDataType, enumeration),
  opt('nistKeyType', Tag.NISTKeyType, enumeration),
  opt('protectionLevel', Tag.ProtectionLevel, enumeration),
  opt('protectionPeriod', Tag.ProtectionPeriod, interval),
  opt('protectionStorageMask', Tag.ProtectionStorageMask, integer),
  opt('quantumSafe', Tag.QuantumSafe, boolean),
  opt('shortUniqueIdentifier', Tag.ShortUniqueIdentifier, byteString),
  opt('rotateAutomatic', Tag.RotateAutomatic, boolean),
  opt('rotateDate', Tag.RotateDate, dateTime),
  opt('rotateGeneration', Tag.RotateGeneration, integer),
  opt('rotateInterval', Tag.RotateInterval, interval),
  opt('rotateLatest', Tag.RotateLatest, boolean),
  opt('rotateName', Tag.RotateName, rotateName),
  opt('rotateOffset', Tag.RotateOffset, interval),
  many('vendorAttributes', Tag.Attribute, vendorAttribute),
] as const;

/** The 2.x structure form (any container tag). Extension-tag children are kept in `extensions`. */
const attributes2 = struct(ATTRIBUTE_FIELDS, { extensions: true });

/** Every attribute of a managed object; absent attributes are simply not set. */
export type Attributes = Infer<typeof attributes2> & { extensions?: TtlvItem[] };

const ATTRIBUTE_TAGS: ReadonlySet<number> = new Set(ATTRIBUTE_FIELDS.flatMap((f) => f.tags));

/** True for a tag that is a standard attribute. */
export function isAttributeTag(tag: number): boolean {
  return ATTRIBUTE_TAGS.has(tag) && tag !== Tag.Attribute;
}

/** 1.x custom attribute name ("x-Owner", "cosmian-tag") → [vendor, name]. */
function splitCustomName(text: string, path: string): [string, string] {
  const m = /^([A-Za-z0-9_.]+)-(.+)$/.exec(text);
  if (m === null)
    throw new KmipPayloadError(
      'ERR_KMIP_INVALID_FIELD',
      `unknown attribute name "${text.slice(0, 64)}"`,
      path,
    );
  return [m[1] as string, m[2] as string];
}

/** 1.x `Attribute` {Attribute Name, Attribute Index?, Attribute Value} → the 2.x child item. */
export function _v1AttributeToItem(
  item: TtlvItem,
  path: string,
): { item: TtlvItem; index: number | undefined } {
  if (item.type !== 'Structure' || item.tag !== Tag.Attribute)
    _invalid(path, 'expected an Attribute structure');
  let attrName: string | undefined;
  let index: number | undefined;
  let value: TtlvItem | undefined;
  for (const c of item.value) {
    if (c.tag === Tag.AttributeName && c.type === 'TextString' && attrName === undefined)
      attrName = c.value;
    else if (c.tag === Tag.AttributeIndex && c.type === 'Integer' && index === undefined)
      index = c.value;
    else if (c.tag === Tag.AttributeValue && value === undefined) value = c;
    else
      throw new KmipPayloadError(
        'ERR_KMIP_UNEXPECTED_FIELD',
        `unexpected ${tagName(c.tag) ?? 'tag'} in Attribute`,
        path,
      );
  }
  if (attrName === undefined)
    throw new KmipPayloadError('ERR_KMIP_MISSING_FIELD', 'missing Attribute Name', path);
  const tag = tagFromAttributeName(attrName);
  if (tag !== undefined && isAttributeTag(tag)) {
    if (value === undefined)
      throw new KmipPayloadError('ERR_KMIP_MISSING_FIELD', 'missing Attribute Value', path);
    return { item: { ...value, tag }, index };
  }
  const [vendor, vendorName] = splitCustomName(attrName, path);
  const children: TtlvItem[] = [
    { tag: Tag.VendorIdentification, type: 'TextString', value: vendor },
    { tag: Tag.AttributeName, type: 'TextString', value: vendorName },
  ];
  if (value !== undefined) children.push(value);
  return { item: { tag: Tag.Attribute, type: 'Structure', value: children }, index };
}

/** The 2.x child item of one attribute → 1.x `Attribute`. */
export function _itemToV1Attribute(
  item: TtlvItem,
  index: number | undefined,
  path: string,
): TtlvStructure {
  let attrName: string;
  let value: TtlvItem;
  if (item.tag === Tag.Attribute && item.type === 'Structure') {
    const vendor = item.value.find((c) => c.tag === Tag.VendorIdentification);
    const n = item.value.find((c) => c.tag === Tag.AttributeName);
    const v = item.value.find((c) => c.tag === Tag.AttributeValue);
    if (vendor?.type !== 'TextString' || n?.type !== 'TextString' || v === undefined)
      _invalid(path, 'malformed vendor attribute');
    attrName = `${vendor.value}-${n.value}`;
    value = v;
  } else {
    const text = tagText(item.tag);
    if (text === undefined || item.tag >= 0x540000)
      _invalid(path, 'extension attributes have no KMIP 1.x form');
    attrName = text;
    value = { ...item, tag: Tag.AttributeValue };
  }
  const children: TtlvItem[] = [{ tag: Tag.AttributeName, type: 'TextString', value: attrName }];
  if (index !== undefined)
    children.push({ tag: Tag.AttributeIndex, type: 'Integer', value: index });
  children.push(value);
  return { tag: Tag.Attribute, type: 'Structure', value: children };
}

/** Reads a list of 1.x `Attribute` items as one `Attributes` object (indexes are dropped). */
export function _readV1AttributeList(
  items: readonly TtlvItem[],
  version: ProtocolVersion,
  path: string,
): Attributes {
  const children = items.map((c, i) => _v1AttributeToItem(c, `${path}[${i}]`).item);
  return attributes2.read(
    { tag: Tag.Attributes, type: 'Structure', value: children },
    version,
    path,
  );
}

/** Writes an `Attributes` object as a list of 1.x `Attribute` items. */
export function _writeV1AttributeList(
  value: Attributes,
  version: ProtocolVersion,
  path: string,
): TtlvStructure[] {
  const s = attributes2.write(Tag.Attributes, value, version, path) as TtlvStructure;
  return s.value.map((c) => _itemToV1Attribute(c, undefined, path));
}

const V1_CONTAINERS: ReadonlySet<number> = new Set([
  Tag.TemplateAttribute,
  Tag.CommonTemplateAttribute,
  Tag.PrivateKeyTemplateAttribute,
  Tag.PublicKeyTemplateAttribute,
]);

/**
 * `Attributes` in either shape: reads a 2.x container or a 1.x Template-Attribute (chosen by
 * the item's tag), writes the shape of the protocol version (the field gives both tags).
 */
export const attributes: Codec<Attributes> = {
  types: ['Structure'],
  read: (item, version, path) => {
    if (!V1_CONTAINERS.has(item.tag)) return attributes2.read(item, version, path);
    if (item.type !== 'Structure') _invalid(path, 'expected a Structure');
    // Template names (references to KMIP 1.x Template objects) are not supported.
    if (item.value.some((c) => c.tag === Tag.Name)) {
      throw new KmipPayloadError(
        'ERR_KMIP_UNEXPECTED_FIELD',
        'Template references are not supported',
        path,
      );
    }
    return _readV1AttributeList(item.value, version, path);
  },
  write: (tag, value, version, path) => {
    if (!_isV1(version)) return attributes2.write(tag, value, version, path);
    return { tag, type: 'Structure', value: _writeV1AttributeList(value, version, path) };
  },
};

/** The 2.x tag and 1.x tag of a field holding `Attributes`. */
export function _attributesTags(
  v2: number,
  v1: number,
): { tags: readonly number[]; writeTag: (_v: unknown, version: ProtocolVersion) => number } {
  return { tags: [v2, v1], writeTag: (_v, version) => (_isV1(version) ? v1 : v2) };
}

/** Number of attribute instances set in an `Attributes` object. */
export function attributeCount(value: Attributes): number {
  let n = 0;
  for (const [k, v] of Object.entries(value) as [string, unknown][]) {
    if (v === undefined || k === 'extensions') continue;
    n += Array.isArray(v) ? v.length : 1;
  }
  return n + (value.extensions?.length ?? 0);
}

/** A container holding exactly one attribute (2.x New Attribute / Current Attribute). */
export const singleAttribute: Codec<Attributes> = {
  types: ['Structure'],
  read: (item, version, path) => {
    const v = attributes2.read(item, version, path) as Attributes;
    if (attributeCount(v) !== 1) _invalid(path, 'must hold exactly one attribute');
    return v;
  },
  write: (tag, value, version, path) => {
    if (attributeCount(value) !== 1) _invalid(path, 'must hold exactly one attribute');
    return attributes2.write(tag, value, version, path);
  },
};

/** A 1.x `Attribute` item as one attribute plus its Attribute Index. */
export const v1Attribute: Codec<{ attribute: Attributes; attributeIndex?: number }> = {
  types: ['Structure'],
  read: (item, version, path) => {
    const { item: child, index } = _v1AttributeToItem(item, path);
    const attribute = attributes2.read(
      { tag: Tag.Attributes, type: 'Structure', value: [child] },
      version,
      path,
    ) as Attributes;
    return index === undefined ? { attribute } : { attribute, attributeIndex: index };
  },
  write: (_tag, value, version, path) => {
    if (attributeCount(value.attribute) !== 1) _invalid(path, 'must hold exactly one attribute');
    const s = attributes2.write(Tag.Attributes, value.attribute, version, path) as TtlvStructure;
    return _itemToV1Attribute(s.value[0] as TtlvItem, value.attributeIndex, path);
  },
};

/** A reference to an attribute: its tag, or a vendor attribute by vendor and name. */
export type AttributeReference =
  number | { readonly vendorIdentification: string; readonly attributeName: string };

const vendorReference = struct([
  one('vendorIdentification', Tag.VendorIdentification, textString),
  one('attributeName', Tag.AttributeName, textString),
]);

/** 2.x Attribute Reference: Enumeration (a tag) or {Vendor Identification, Attribute Name}. */
export const attributeReference: Codec<AttributeReference> = oneOf<AttributeReference>([
  {
    codec: enumeration,
    is: (v) => typeof v === 'number',
    wrap: (v) => v as number,
    unwrap: (v) => v,
  },
  {
    codec: vendorReference,
    is: (v) => typeof v === 'object',
    wrap: (v) => v as AttributeReference,
    unwrap: (v) => v,
  },
]);

/** 1.x Attribute Name text ↔ `AttributeReference`. */
export const attributeNameReference: Codec<AttributeReference> = {
  types: ['TextString'],
  read: (item, version, path) => {
    const text = textString.read(item, version, path);
    const tag = tagFromAttributeName(text);
    if (tag !== undefined && isAttributeTag(tag)) return tag;
    const [vendorIdentification, attributeName] = splitCustomName(text, path);
    return { vendorIdentification, attributeName };
  },
  write: (tag, value, version, path) => {
    if (typeof value === 'number') {
      const text = tagText(value);
      if (text === undefined) _invalid(path, 'not a standard attribute');
      return textString.write(tag, text, version, path);
    }
    return textString.write(
      tag,
      `${value.vendorIdentification}-${value.attributeName}`,
      version,
      path,
    );
  },
};

const MULTI_TAGS: ReadonlySet<number> = new Set(
  ATTRIBUTE_FIELDS.filter((f) => f.occurs === 'many').flatMap((f) => f.tags),
);

/** Locate criteria: the attributes to match, and the second value of any range. */
export interface LocateAttributes {
  attributes: Attributes;
  /**
   * Second instances of single-valued attributes: Locate reads two dates (or numbers) of the same
   * attribute as an inclusive range from `attributes` to `rangeEnds` (KMIP 2.1 §6.1.28).
   */
  rangeEnds?: Attributes;
}

/** Splits attribute items into first instances and repeated single-valued ones. */
function splitRanges(children: readonly TtlvItem[], path: string): [TtlvItem[], TtlvItem[]] {
  const first: TtlvItem[] = [];
  const second: TtlvItem[] = [];
  const seen = new Map<number, number>();
  for (const c of children) {
    if (MULTI_TAGS.has(c.tag) || c.tag >= 0x540000) {
      first.push(c);
      continue;
    }
    const n = (seen.get(c.tag) ?? 0) + 1;
    seen.set(c.tag, n);
    if (n === 1) first.push(c);
    else if (n === 2) second.push(c);
    else _invalid(path, `${tagName(c.tag) ?? 'attribute'} given more than twice`);
  }
  return [first, second];
}

function readLocate(
  children: readonly TtlvItem[],
  version: ProtocolVersion,
  path: string,
): LocateAttributes {
  const [first, second] = splitRanges(children, path);
  const read = (items: TtlvItem[]): Attributes =>
    attributes2.read({ tag: Tag.Attributes, type: 'Structure', value: items }, version, path);
  const out: LocateAttributes = { attributes: read(first) };
  if (second.length > 0) out.rangeEnds = read(second);
  return out;
}

function writeLocate(value: LocateAttributes, version: ProtocolVersion, path: string): TtlvItem[] {
  const write = (a: Attributes): TtlvItem[] =>
    (attributes2.write(Tag.Attributes, a, version, path) as TtlvStructure).value as TtlvItem[];
  const items = write(value.attributes);
  if (value.rangeEnds !== undefined) {
    for (const c of write(value.rangeEnds)) {
      if (MULTI_TAGS.has(c.tag)) _invalid(path, 'a range end must be a single-valued attribute');
      items.push(c);
    }
  }
  return items;
}

/** 2.x Locate `Attributes` structure with ranges. */
export const locateAttributes: Codec<LocateAttributes> = {
  types: ['Structure'],
  read: (item, version, path) => {
    if (item.type !== 'Structure') _invalid(path, 'expected a Structure');
    return readLocate(item.value, version, path);
  },
  write: (tag, value, version, path) => ({
    tag,
    type: 'Structure',
    value: writeLocate(value, version, path),
  }),
};

/** 1.x Locate: bare `Attribute` items with ranges. */
export function _readV1LocateList(
  items: readonly TtlvItem[],
  version: ProtocolVersion,
  path: string,
): LocateAttributes {
  return readLocate(
    items.map((c, i) => _v1AttributeToItem(c, `${path}[${i}]`).item),
    version,
    path,
  );
}

export function _writeV1LocateList(
  value: LocateAttributes,
  version: ProtocolVersion,
  path: string,
): TtlvStructure[] {
  return writeLocate(value, version, path).map((c) => _itemToV1Attribute(c, undefined, path));
}
