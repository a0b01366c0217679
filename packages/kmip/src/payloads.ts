/**
 * Typed request and response payloads of every supported operation, and the mappers between a
 * payload structure (`RequestPayload` / `ResponsePayload`) and its typed form:
 *
 *   const create = decodeRequestPayload(Operation.Create, item.payload, version);
 *   create.attributes.cryptographicAlgorithm; // number
 *   encodeResponsePayload(Operation.Create, { objectType, uniqueIdentifier }, version);
 *
 * The protocol version selects the KMIP 1.x or 2.x shape where they differ (Template-Attribute
 * vs Attributes, attribute names vs references). Decoding validates: unknown or repeated
 * fields, missing required fields and wrong item types are `KmipPayloadError`s.
 */
import { KmipPayloadError } from './errors.ts';
import { Operation, enumName } from './enums.ts';
import { KMIP_2_1, type Codec, type Infer, type ProtocolVersion } from './_schema.ts';
import { Tag } from './tags.ts';
import type { TtlvStructure } from './ttlv.ts';
import * as O from './payloads-objects.ts';
import * as A from './payloads-attributes.ts';
import * as C from './payloads-crypto.ts';
import * as S from './payloads-server.ts';

export * from './payloads-objects.ts';
export * from './payloads-attributes.ts';
export * from './payloads-crypto.ts';
export * from './payloads-server.ts';
export { KMIP_1_4, KMIP_2_1, type ProtocolVersion } from './_schema.ts';

const REGISTRY = {
  [Operation.Create]: { request: O.createRequest, response: O.createResponse },
  [Operation.CreateKeyPair]: { request: O.createKeyPairRequest, response: O.createKeyPairResponse },
  [Operation.Register]: { request: O.registerRequest, response: O.registerResponse },
  [Operation.ReKey]: { request: O.reKeyRequest, response: O.reKeyResponse },
  [Operation.DeriveKey]: { request: O.deriveKeyRequest, response: O.deriveKeyResponse },
  [Operation.Certify]: { request: O.certifyRequest, response: O.certifyResponse },
  [Operation.Locate]: { request: O.locateRequest, response: O.locateResponse },
  [Operation.Check]: { request: O.checkRequest, response: O.checkResponse },
  [Operation.Get]: { request: O.getRequest, response: O.getResponse },
  [Operation.GetAttributes]: { request: A.getAttributesRequest, response: A.getAttributesResponse },
  [Operation.GetAttributeList]: {
    request: A.getAttributeListRequest,
    response: A.getAttributeListResponse,
  },
  [Operation.AddAttribute]: { request: A.addAttributeRequest, response: A.attributeChangeResponse },
  [Operation.ModifyAttribute]: {
    request: A.modifyAttributeRequest,
    response: A.attributeChangeResponse,
  },
  [Operation.DeleteAttribute]: {
    request: A.deleteAttributeRequest,
    response: A.attributeChangeResponse,
  },
  [Operation.SetAttribute]: { request: A.setAttributeRequest, response: A.setAttributeResponse },
  [Operation.Activate]: { request: O.uidRequest, response: O.uidResponse },
  [Operation.Revoke]: { request: O.revokeRequest, response: O.uidResponse },
  [Operation.Destroy]: { request: O.uidRequest, response: O.uidResponse },
  [Operation.Archive]: { request: O.uidRequest, response: O.uidResponse },
  [Operation.Recover]: { request: O.uidRequest, response: O.uidResponse },
  [Operation.Validate]: { request: O.validateRequest, response: O.validateResponse },
  [Operation.Query]: { request: S.queryRequest, response: S.queryResponse },
  [Operation.ReKeyKeyPair]: { request: O.reKeyKeyPairRequest, response: O.reKeyKeyPairResponse },
  [Operation.DiscoverVersions]: {
    request: S.discoverVersionsRequest,
    response: S.discoverVersionsResponse,
  },
  [Operation.Encrypt]: { request: C.encryptRequest, response: C.encryptResponse },
  [Operation.Decrypt]: { request: C.decryptRequest, response: C.decryptResponse },
  [Operation.Sign]: { request: C.signRequest, response: C.signResponse },
  [Operation.SignatureVerify]: {
    request: C.signatureVerifyRequest,
    response: C.signatureVerifyResponse,
  },
  [Operation.MAC]: { request: C.macRequest, response: C.macResponse },
  [Operation.MACVerify]: { request: C.macVerifyRequest, response: C.macVerifyResponse },
  [Operation.RNGRetrieve]: { request: C.rngRetrieveRequest, response: C.rngRetrieveResponse },
  [Operation.RNGSeed]: { request: C.rngSeedRequest, response: C.rngSeedResponse },
  [Operation.Hash]: { request: C.hashRequest, response: C.hashResponse },
  [Operation.Import]: { request: O.importRequest, response: O.importResponse },
  [Operation.Export]: { request: O.exportRequest, response: O.exportResponse },
  [Operation.Log]: { request: S.logRequest, response: S.emptyPayload },
  [Operation.Interop]: { request: S.interopRequest, response: S.emptyPayload },
  [Operation.PKCS_11]: { request: S.pkcs11Request, response: S.pkcs11Response },
} as const;

/** Operation codes with typed payloads. */
export type KnownOperation = keyof typeof REGISTRY;
export type RequestPayloadOf<Op extends KnownOperation> = Infer<(typeof REGISTRY)[Op]['request']>;
export type ResponsePayloadOf<Op extends KnownOperation> = Infer<(typeof REGISTRY)[Op]['response']>;

/** True when `operation` has typed payloads here. */
export function isKnownOperation(operation: number): operation is KnownOperation {
  return Object.hasOwn(REGISTRY, operation);
}

/** Operation codes with typed payloads, ascending. */
export function knownOperations(): KnownOperation[] {
  return Object.keys(REGISTRY)
    .map(Number)
    .sort((a, b) => a - b) as KnownOperation[];
}

function entry(operation: number, kind: 'request' | 'response'): Codec<unknown> {
  if (!isKnownOperation(operation)) {
    throw new KmipPayloadError(
      'ERR_KMIP_UNSUPPORTED_OPERATION',
      `no payload mapping for operation ${enumName('Operation', operation) ?? `0x${operation.toString(16)}`}`,
      '',
    );
  }
  return REGISTRY[operation][kind];
}

function label(operation: number, kind: string): string {
  return `${enumName('Operation', operation) ?? 'Operation'}${kind}`;
}

/** Typed request payload of `operation`. @throws KmipPayloadError */
export function decodeRequestPayload<Op extends KnownOperation>(
  operation: Op,
  payload: TtlvStructure,
  version: ProtocolVersion = KMIP_2_1,
): RequestPayloadOf<Op> {
  return entry(operation, 'request').read(
    payload,
    version,
    label(operation, 'Request'),
  ) as RequestPayloadOf<Op>;
}

/** Request Payload structure of a typed request. @throws KmipPayloadError */
export function encodeRequestPayload<Op extends KnownOperation>(
  operation: Op,
  payload: RequestPayloadOf<Op>,
  version: ProtocolVersion = KMIP_2_1,
): TtlvStructure {
  return entry(operation, 'request').write(
    Tag.RequestPayload,
    payload,
    version,
    label(operation, 'Request'),
  ) as TtlvStructure;
}

/** Typed response payload of `operation`. @throws KmipPayloadError */
export function decodeResponsePayload<Op extends KnownOperation>(
  operation: Op,
  payload: TtlvStructure,
  version: ProtocolVersion = KMIP_2_1,
): ResponsePayloadOf<Op> {
  return entry(operation, 'response').read(
    payload,
    version,
    label(operation, 'Response'),
  ) as ResponsePayloadOf<Op>;
}

/** Response Payload structure of a typed response. @throws KmipPayloadError */
export function encodeResponsePayload<Op extends KnownOperation>(
  operation: Op,
  payload: ResponsePayloadOf<Op>,
  version: ProtocolVersion = KMIP_2_1,
): TtlvStructure {
  return entry(operation, 'response').write(
    Tag.ResponsePayload,
    payload,
    version,
    label(operation, 'Response'),
  ) as TtlvStructure;
}
