/**
 * KMIP enumerations (KMIP 1.0–2.1): typed constants (`Operation.Encrypt`, `ObjectType.SymmetricKey`,
 * `ResultReason.ItemNotFound`) and name ↔ value lookups in both spellings (OASIS normalized and
 * Cosmian v5), plus the mapping from an Enumeration item's tag to its enumeration.
 */
import { ENUMS_21 } from './_tables-enums.ts';
import { ENUMS_EXTRA } from './_tables-v1.ts';
import {
  COSMIAN_EXTENSIONS,
  COSMIAN_ENUMS_WITHOUT_UNDERSCORES,
  COSMIAN_ENUMS_WITH_WORDS,
  COSMIAN_ENUM_OVERRIDES,
} from './_tables-cosmian.ts';
import { Tag, tagName, _looseKey, type NameStyle } from './tags.ts';

type Extra = {
  ObjectType: { Template: 6 };
  KeyFormatType: {
    TransparentECDSAPrivateKey: 0x0e;
    TransparentECDSAPublicKey: 0x0f;
    TransparentECDHPrivateKey: 0x10;
    TransparentECDHPublicKey: 0x11;
    TransparentECMQVPrivateKey: 0x12;
    TransparentECMQVPublicKey: 0x13;
  };
  MaskGenerator: { MGF1: 1 };
  ResultReason: { IllegalOperation: 0x0b; IndexOutOfBounds: 0x0e };
  PKCS_11Function: Readonly<Record<string, number>>;
  PKCS_11ReturnCode: Readonly<Record<string, number>> & { OK: 0 };
};
type AllEnums = {
  [K in keyof typeof ENUMS_21]: (typeof ENUMS_21)[K] & (K extends keyof Extra ? Extra[K] : unknown);
} & Pick<Extra, 'PKCS_11Function' | 'PKCS_11ReturnCode'>;

/** Every KMIP enumeration by name: `Enum.HashingAlgorithm.SHA_256 === 6`. */
export const Enum: AllEnums = (() => {
  const out: Record<string, Record<string, number>> = {};
  for (const [name, values] of Object.entries(ENUMS_21)) out[name] = { ...values };
  for (const [name, values] of Object.entries(ENUMS_EXTRA)) out[name] = { ...out[name], ...values };
  return out as unknown as AllEnums;
})();

export const Operation = Enum.Operation;
export const ObjectType = Enum.ObjectType;
export const ResultStatus = Enum.ResultStatus;
export const ResultReason = Enum.ResultReason;
export const CryptographicAlgorithm = Enum.CryptographicAlgorithm;
export const KeyFormatType = Enum.KeyFormatType;
export const BlockCipherMode = Enum.BlockCipherMode;
export const PaddingMethod = Enum.PaddingMethod;
export const HashingAlgorithm = Enum.HashingAlgorithm;
export const State = Enum.State;
export const NameType = Enum.NameType;
export const LinkType = Enum.LinkType;
export const RevocationReasonCode = Enum.RevocationReasonCode;
export const QueryFunction = Enum.QueryFunction;
export const BatchErrorContinuationOption = Enum.BatchErrorContinuationOption;
export const RecommendedCurve = Enum.RecommendedCurve;
export const DigitalSignatureAlgorithm = Enum.DigitalSignatureAlgorithm;
export const SecretDataType = Enum.SecretDataType;
export const KeyWrapType = Enum.KeyWrapType;
export const WrappingMethod = Enum.WrappingMethod;
export const EncodingOption = Enum.EncodingOption;
export const ValidityIndicator = Enum.ValidityIndicator;
export const CertificateType = Enum.CertificateType;
export const MaskGenerator = Enum.MaskGenerator;
export const KeyCompressionType = Enum.KeyCompressionType;
export const DerivationMethod = Enum.DerivationMethod;
export const UniqueIdentifierEnum = Enum.UniqueIdentifier;
export const InteropFunction = Enum.InteropFunction;
export const CredentialType = Enum.CredentialType;
export const UsageLimitsUnit = Enum.UsageLimitsUnit;
export const KeyRoleType = Enum.KeyRoleType;
export const CertificateRequestType = Enum.CertificateRequestType;
export const SplitKeyMethod = Enum.SplitKeyMethod;
export const ProtectionLevel = Enum.ProtectionLevel;
export const RNGAlgorithm = Enum.RNGAlgorithm;
export const AlternativeNameType = Enum.AlternativeNameType;
export const AttestationType = Enum.AttestationType;
export const ObjectGroupMember = Enum.ObjectGroupMember;

/** Name → value lookups of one enumeration. */
interface EnumTable {
  readonly name: string;
  readonly oasis: Map<number, string>;
  readonly cosmian: Map<number, string>;
  readonly byName: Map<string, number>;
  readonly loose: Map<string, number | null>;
}

function cosmianSpelling(enumeration: string, name: string): string {
  const override = COSMIAN_ENUM_OVERRIDES[enumeration]?.[name];
  if (override !== undefined) return override;
  if (COSMIAN_ENUMS_WITHOUT_UNDERSCORES.has(enumeration)) return name.replace(/_/g, '');
  if (COSMIAN_ENUMS_WITH_WORDS.has(enumeration)) return _words(name);
  return name;
}

/** `ItemNotFound` → `Item_Not_Found`, `PKCS_11CodecError` → `PKCS_11_Codec_Error`. */
export function _words(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z])([A-Z][a-z])/g, '$1_$2')
    .replace(/_+/g, '_');
}

function buildTable(
  name: string,
  values: Readonly<Record<string, number>>,
  preferred?: Readonly<Record<string, number>>,
): EnumTable {
  const table: EnumTable = {
    name,
    oasis: new Map(),
    cosmian: new Map(),
    byName: new Map(),
    loose: new Map(),
  };
  const add = (valueName: string, value: number): void => {
    table.byName.set(valueName, value);
    const cosmian = cosmianSpelling(name, valueName);
    table.byName.set(cosmian, value);
    if (!table.cosmian.has(value) || preferred?.[valueName] === value)
      table.cosmian.set(value, cosmian);
    for (const spelling of [valueName, cosmian]) {
      const key = _looseKey(spelling);
      const seen = table.loose.get(key);
      table.loose.set(key, seen === undefined || seen === value ? value : null);
    }
  };
  for (const [valueName, value] of Object.entries(values)) {
    add(valueName, value);
    // Errata and 1.x values (`preferred`) win over the 2.1 printing for the OASIS name.
    if (!table.oasis.has(value) || preferred?.[valueName] === value)
      table.oasis.set(value, valueName);
  }
  return table;
}

const tables = new Map<string, EnumTable>();
for (const [name, values] of Object.entries(
  Enum as unknown as Record<string, Record<string, number>>,
)) {
  tables.set(name, buildTable(name, values, ENUMS_EXTRA[name]));
}
// Cosmian vendor values: readable in any spelling, written by name in the Cosmian style only.
for (const [name, values] of Object.entries(COSMIAN_EXTENSIONS)) {
  const table = tables.get(name);
  if (table === undefined) continue;
  for (const [valueName, value] of Object.entries(values)) {
    table.byName.set(valueName, value);
    if (!table.cosmian.has(value)) table.cosmian.set(value, valueName);
    const key = _looseKey(valueName);
    const seen = table.loose.get(key);
    table.loose.set(key, seen === undefined || seen === value ? value : null);
  }
}
// The Tag enumeration (Attribute Reference, Tag items) has the tags themselves as values.
tables.set('Tag', buildTable('Tag', Tag));
// Cosmian spells tags as it spells them in the JSON "tag" field.
for (const [value] of tables.get('Tag')?.oasis ?? []) {
  const cosmian = tagName(value, 'cosmian');
  if (cosmian !== undefined) {
    tables.get('Tag')?.cosmian.set(value, cosmian);
    tables.get('Tag')?.byName.set(cosmian, value);
  }
}

/** Tags whose Enumeration values come from an enumeration of another name. */
const TAG_ENUM_OVERRIDES: ReadonlyMap<number, string> = new Map([
  [Tag.MaskGeneratorHashingAlgorithm, 'HashingAlgorithm'],
  [Tag.PrivateKeyUniqueIdentifier, 'UniqueIdentifier'],
  [Tag.PublicKeyUniqueIdentifier, 'UniqueIdentifier'],
  [Tag.LinkedObjectIdentifier, 'UniqueIdentifier'],
  [Tag.ReplacedUniqueIdentifier, 'UniqueIdentifier'],
  [Tag.CertificateRequestUniqueIdentifier, 'UniqueIdentifier'],
  [Tag.AttributeReference, 'Tag'],
  [Tag.Tag, 'Tag'],
  [Tag.Objects, 'ObjectType'],
  [Tag.Operations, 'Operation'],
]);

/** Name of the enumeration whose values an Enumeration item with this tag carries. */
export function enumerationForTag(tag: number): string | undefined {
  const override = TAG_ENUM_OVERRIDES.get(tag);
  if (override !== undefined) return override;
  const name = tagName(tag);
  return name !== undefined && tables.has(name) ? name : undefined;
}

/** Value name in the given style, or undefined when the enumeration has no name for it. */
export function enumName(
  enumeration: string,
  value: number,
  style: NameStyle = 'oasis',
): string | undefined {
  const table = tables.get(enumeration);
  if (table === undefined) return undefined;
  return (style === 'cosmian' ? table.cosmian : table.oasis).get(value);
}

/**
 * Value for a name in any spelling (OASIS `SHA_256`, Cosmian `SHA256`, or one differing only in
 * case, `_`, `-` or spaces when unambiguous). Undefined when unknown.
 */
export function enumValue(enumeration: string, name: string): number | undefined {
  const table = tables.get(enumeration);
  if (table === undefined) return undefined;
  return table.byName.get(name) ?? table.loose.get(_looseKey(name)) ?? undefined;
}

/** Names of every known enumeration. */
export function enumerationNames(): string[] {
  return [...tables.keys()];
}
