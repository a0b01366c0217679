/**
 * Payloads of the server and session operations: Query, Discover Versions, Interop, Log,
 * PKCS#11 (KMIP 2.1 §6.1). Query's capability structures (RNG Parameters, Profile/Validation/
 * Capability Information, Defaults Information) are kept as TTLV items.
 */
import {
  anyItem,
  byteString,
  enumeration,
  integer,
  many,
  many1,
  mapped,
  one,
  opt,
  struct,
  textString,
  type Codec,
  type Infer,
  type ProtocolVersion,
} from './_schema.ts';
import { protectionStorageMasks } from './payloads-objects.ts';
import { Tag } from './tags.ts';

/** Protocol Version {major, minor}. */
export const protocolVersion: Codec<ProtocolVersion> = mapped(
  struct([
    one('protocolVersionMajor', Tag.ProtocolVersionMajor, integer),
    one('protocolVersionMinor', Tag.ProtocolVersionMinor, integer),
  ]),
  (raw) => ({ major: raw.protocolVersionMajor, minor: raw.protocolVersionMinor }),
  (v) => ({ protocolVersionMajor: v.major, protocolVersionMinor: v.minor }),
);

const objectGroups: Codec<string[]> = mapped(
  struct([many('groups', Tag.ObjectGroup, textString)]),
  (raw) => raw.groups ?? [],
  (groups) => ({ groups }),
);

export const queryRequest = struct([
  many1('queryFunctions', Tag.QueryFunction, enumeration),
  opt('objectGroups', Tag.ObjectGroups, objectGroups),
]);
export type QueryRequest = Infer<typeof queryRequest>;

export const extensionInformation = struct([
  one('extensionName', Tag.ExtensionName, textString),
  opt('extensionTag', Tag.ExtensionTag, integer),
  opt('extensionType', Tag.ExtensionType, integer),
  opt('extensionEnumeration', Tag.ExtensionEnumeration, integer),
  opt('extensionAttribute', Tag.ExtensionAttribute, anyItem),
  opt('extensionParentStructureTag', Tag.ExtensionParentStructureTag, integer),
  opt('extensionDescription', Tag.ExtensionDescription, textString),
]);
export type ExtensionInformation = Infer<typeof extensionInformation>;

export const queryResponse = struct([
  many('operations', Tag.Operation, enumeration),
  many('objectTypes', Tag.ObjectType, enumeration),
  opt('vendorIdentification', Tag.VendorIdentification, textString),
  opt('serverInformation', Tag.ServerInformation, anyItem),
  many('applicationNamespaces', Tag.ApplicationNamespace, textString),
  many('extensionInformation', Tag.ExtensionInformation, extensionInformation),
  many('attestationTypes', Tag.AttestationType, enumeration),
  many('rngParameters', Tag.RNGParameters, anyItem),
  many('profileInformation', Tag.ProfileInformation, anyItem),
  many('validationInformation', Tag.ValidationInformation, anyItem),
  many('capabilityInformation', Tag.CapabilityInformation, anyItem),
  many('clientRegistrationMethods', Tag.ClientRegistrationMethod, enumeration),
  opt('defaultsInformation', Tag.DefaultsInformation, anyItem),
  opt('protectionStorageMasks', Tag.ProtectionStorageMasks, protectionStorageMasks),
]);
export type QueryResponse = Infer<typeof queryResponse>;

export const discoverVersionsRequest = struct([
  many('protocolVersions', Tag.ProtocolVersion, protocolVersion),
]);
export type DiscoverVersionsRequest = Infer<typeof discoverVersionsRequest>;
export const discoverVersionsResponse = discoverVersionsRequest;
export type DiscoverVersionsResponse = DiscoverVersionsRequest;

export const interopRequest = struct([
  one('interopFunction', Tag.InteropFunction, enumeration),
  one('interopIdentifier', Tag.InteropIdentifier, textString),
]);
export type InteropRequest = Infer<typeof interopRequest>;

/** Payload with no field (Interop and Log responses, ...). */
export const emptyPayload = struct([]);
export type EmptyPayload = Infer<typeof emptyPayload>;

export const logRequest = struct([one('logMessage', Tag.LogMessage, textString)]);
export type LogRequest = Infer<typeof logRequest>;

export const pkcs11Request = struct([
  opt('pkcs11Interface', Tag.PKCS_11Interface, textString),
  one('pkcs11Function', Tag.PKCS_11Function, enumeration),
  opt('correlationValue', Tag.CorrelationValue, byteString),
  opt('pkcs11InputParameters', Tag.PKCS_11InputParameters, byteString),
]);
export type PKCS11Request = Infer<typeof pkcs11Request>;

export const pkcs11Response = struct([
  opt('pkcs11Interface', Tag.PKCS_11Interface, textString),
  one('pkcs11Function', Tag.PKCS_11Function, enumeration),
  opt('correlationValue', Tag.CorrelationValue, byteString),
  opt('pkcs11OutputParameters', Tag.PKCS_11OutputParameters, byteString),
  one('pkcs11ReturnCode', Tag.PKCS_11ReturnCode, enumeration),
]);
export type PKCS11Response = Infer<typeof pkcs11Response>;
