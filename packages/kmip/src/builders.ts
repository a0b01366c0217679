/**
 * Request builders: typed batch items for the common operations and the Request Message that
 * carries them. Builders only assemble values (no I/O); `requestMessage` maps the typed
 * payloads to TTLV for the chosen protocol version.
 *
 *   const msg = requestMessage([createSymmetricKey({ length: 256, name: 'k1' }), activate()]);
 *   encodeTtlv(encodeRequestMessage(msg));
 */
import type {
  Attributes,
  AttributeReference,
  CryptographicParameters,
  UniqueIdentifier,
} from './attributes.ts';
import {
  CryptographicAlgorithm,
  NameType,
  ObjectType,
  Operation,
  QueryFunction,
  RevocationReasonCode,
  CredentialType,
} from './enums.ts';
import { CryptographicUsageMask } from './masks.ts';
import type { Credential, RequestBatchItem, RequestMessage } from './message.ts';
import {
  OBJECT_TYPE_OF_KIND,
  type KeyWrappingSpecification,
  type ManagedObject,
} from './objects.ts';
import {
  encodeRequestPayload,
  KMIP_2_1,
  type KnownOperation,
  type ProtocolVersion,
  type RequestPayloadOf,
} from './payloads.ts';
import { Tag } from './tags.ts';
import type { TtlvItem } from './ttlv.ts';

/** One typed batch item of a request. */
export interface BatchRequest<Op extends KnownOperation = KnownOperation> {
  operation: Op;
  payload: RequestPayloadOf<Op>;
  uniqueBatchItemId?: Uint8Array;
}

/** Header options of a request. */
export interface RequestOptions {
  /** Default KMIP 2.1. */
  version?: ProtocolVersion;
  maximumResponseSize?: number;
  clientCorrelationValue?: string;
  authentication?: Credential[];
  /** Batch Error Continuation Option (Continue 1, Stop 2, Undo 3). */
  batchErrorContinuationOption?: number;
  batchOrderOption?: boolean;
  timeStamp?: Date;
}

/** A typed batch item. */
export function batchItem<Op extends KnownOperation>(
  operation: Op,
  payload: RequestPayloadOf<Op>,
  uniqueBatchItemId?: Uint8Array,
): BatchRequest<Op> {
  return uniqueBatchItemId === undefined
    ? { operation, payload }
    : { operation, payload, uniqueBatchItemId };
}

/**
 * A Request Message holding `items`, payloads mapped for `options.version`.
 * @throws KmipPayloadError when a payload is invalid.
 */
export function requestMessage(
  items: readonly BatchRequest[],
  options: RequestOptions = {},
): RequestMessage {
  const list: unknown = items;
  if (!Array.isArray(list) || items.length === 0)
    throw new RangeError('a request needs at least one batch item');
  const version = options.version ?? KMIP_2_1;
  const header: RequestMessage['header'] = { protocolVersion: version, batchCount: items.length };
  if (options.maximumResponseSize !== undefined)
    header.maximumResponseSize = options.maximumResponseSize;
  if (options.clientCorrelationValue !== undefined)
    header.clientCorrelationValue = options.clientCorrelationValue;
  if (options.authentication !== undefined) header.authentication = options.authentication;
  if (options.batchErrorContinuationOption !== undefined)
    header.batchErrorContinuationOption = options.batchErrorContinuationOption;
  if (options.batchOrderOption !== undefined) header.batchOrderOption = options.batchOrderOption;
  if (options.timeStamp !== undefined) header.timeStamp = options.timeStamp;
  const batchItems = items.map((item): RequestBatchItem => {
    const out: RequestBatchItem = {
      operation: item.operation,
      payload: encodeRequestPayload(item.operation, item.payload as never, version),
    };
    if (item.uniqueBatchItemId !== undefined) out.uniqueBatchItemId = item.uniqueBatchItemId;
    return out;
  });
  return { header, batchItems };
}

/** Username/password credential (Credential Type 1). */
export function usernamePasswordCredential(username: string, password?: string): Credential {
  if (typeof username !== 'string') throw new TypeError('username must be a string');
  const value: TtlvItem[] = [{ tag: Tag.Username, type: 'TextString', value: username }];
  if (password !== undefined) {
    if (typeof password !== 'string') throw new TypeError('password must be a string');
    value.push({ tag: Tag.Password, type: 'TextString', value: password });
  }
  return {
    credentialType: CredentialType.UsernameAndPassword,
    credentialValue: { tag: Tag.CredentialValue, type: 'Structure', value },
  };
}

function withName(attributes: Attributes, name: string | undefined): Attributes {
  if (name === undefined) return attributes;
  if (typeof name !== 'string') throw new TypeError('name must be a string');
  return {
    ...attributes,
    names: [
      ...(attributes.names ?? []),
      { nameValue: name, nameType: NameType.UninterpretedTextString },
    ],
  };
}

/** Options of `createSymmetricKey`. */
export interface SymmetricKeyOptions {
  /** Default AES. */
  algorithm?: number;
  /** Bits; default 256. */
  length?: number;
  /** Default Encrypt | Decrypt. */
  usageMask?: number;
  name?: string;
  /** Makes the key Active when in the past. */
  activationDate?: Date;
  /** Any other attribute. */
  attributes?: Attributes;
}

export function createSymmetricKey(
  options: SymmetricKeyOptions = {},
): BatchRequest<typeof Operation.Create> {
  const attributes: Attributes = withName(
    {
      ...options.attributes,
      cryptographicAlgorithm: options.algorithm ?? CryptographicAlgorithm.AES,
      cryptographicLength: options.length ?? 256,
      cryptographicUsageMask:
        options.usageMask ?? CryptographicUsageMask.Encrypt | CryptographicUsageMask.Decrypt,
    },
    options.name,
  );
  if (options.activationDate !== undefined) attributes.activationDate = options.activationDate;
  return batchItem(Operation.Create, { objectType: ObjectType.SymmetricKey, attributes });
}

/** Options of `createKeyPair`. */
export interface KeyPairOptions {
  algorithm: number;
  /** Modulus bits (RSA) or curve size. */
  length?: number;
  /** Recommended Curve for EC algorithms. */
  curve?: number;
  privateKeyUsageMask?: number;
  publicKeyUsageMask?: number;
  name?: string;
  commonAttributes?: Attributes;
}

export function createKeyPair(
  options: KeyPairOptions,
): BatchRequest<typeof Operation.CreateKeyPair> {
  const common: Attributes = {
    ...options.commonAttributes,
    cryptographicAlgorithm: options.algorithm,
  };
  if (options.length !== undefined) common.cryptographicLength = options.length;
  if (options.curve !== undefined)
    common.cryptographicDomainParameters = { recommendedCurve: options.curve };
  const privateKeyAttributes: Attributes = withName(
    { cryptographicUsageMask: options.privateKeyUsageMask ?? CryptographicUsageMask.Sign },
    options.name,
  );
  const publicKeyAttributes: Attributes = withName(
    { cryptographicUsageMask: options.publicKeyUsageMask ?? CryptographicUsageMask.Verify },
    options.name === undefined ? undefined : `${options.name}.pub`,
  );
  return batchItem(Operation.CreateKeyPair, {
    commonAttributes: common,
    privateKeyAttributes,
    publicKeyAttributes,
  });
}

export function register(
  object: ManagedObject,
  attributes: Attributes = {},
): BatchRequest<typeof Operation.Register> {
  return batchItem(Operation.Register, {
    objectType: OBJECT_TYPE_OF_KIND[object.kind],
    attributes,
    object,
  });
}

/** Options of `get` and `exportObject`. */
export interface GetOptions {
  keyFormatType?: number;
  keyWrapType?: number;
  keyCompressionType?: number;
  keyWrappingSpecification?: KeyWrappingSpecification;
}

function uidPayload<T extends object>(
  uid: UniqueIdentifier | undefined,
  rest: T,
): T & { uniqueIdentifier?: UniqueIdentifier } {
  return uid === undefined ? rest : { uniqueIdentifier: uid, ...rest };
}

export function get(
  uid?: UniqueIdentifier,
  options: GetOptions = {},
): BatchRequest<typeof Operation.Get> {
  return batchItem(Operation.Get, uidPayload(uid, { ...options }));
}

export function exportObject(
  uid?: UniqueIdentifier,
  options: GetOptions = {},
): BatchRequest<typeof Operation.Export> {
  return batchItem(Operation.Export, uidPayload(uid, { ...options }));
}

export function importObject(
  uid: string,
  object: ManagedObject,
  attributes: Attributes = {},
  options: { replaceExisting?: boolean; keyWrapType?: number } = {},
): BatchRequest<typeof Operation.Import> {
  return batchItem(Operation.Import, {
    uniqueIdentifier: uid,
    objectType: OBJECT_TYPE_OF_KIND[object.kind],
    ...options,
    attributes,
    object,
  });
}

export function locate(
  attributes: Attributes,
  options: { maximumItems?: number; offsetItems?: number; rangeEnds?: Attributes } = {},
): BatchRequest<typeof Operation.Locate> {
  return batchItem(Operation.Locate, { ...options, attributes });
}

export function check(
  uid?: UniqueIdentifier,
  options: { cryptographicUsageMask?: number; usageLimitsCount?: bigint; leaseTime?: number } = {},
): BatchRequest<typeof Operation.Check> {
  return batchItem(Operation.Check, uidPayload(uid, { ...options }));
}

export function activate(uid?: UniqueIdentifier): BatchRequest<typeof Operation.Activate> {
  return batchItem(Operation.Activate, uidPayload(uid, {}));
}

export function destroy(uid?: UniqueIdentifier): BatchRequest<typeof Operation.Destroy> {
  return batchItem(Operation.Destroy, uidPayload(uid, {}));
}

export function revoke(
  uid?: UniqueIdentifier,
  reason: number = RevocationReasonCode.Unspecified,
  options: { message?: string; compromiseOccurrenceDate?: Date } = {},
): BatchRequest<typeof Operation.Revoke> {
  const revocationReason =
    options.message === undefined
      ? { revocationReasonCode: reason }
      : { revocationReasonCode: reason, revocationMessage: options.message };
  const payload = uidPayload(uid, { revocationReason });
  return batchItem(
    Operation.Revoke,
    options.compromiseOccurrenceDate === undefined
      ? payload
      : { ...payload, compromiseOccurrenceDate: options.compromiseOccurrenceDate },
  );
}

export function reKey(
  uid?: UniqueIdentifier,
  options: { offset?: number; attributes?: Attributes } = {},
): BatchRequest<typeof Operation.ReKey> {
  return batchItem(Operation.ReKey, uidPayload(uid, { ...options }));
}

export function reKeyKeyPair(
  privateKeyUid?: UniqueIdentifier,
  options: {
    offset?: number;
    commonAttributes?: Attributes;
    privateKeyAttributes?: Attributes;
    publicKeyAttributes?: Attributes;
  } = {},
): BatchRequest<typeof Operation.ReKeyKeyPair> {
  return batchItem(
    Operation.ReKeyKeyPair,
    privateKeyUid === undefined
      ? { ...options }
      : { privateKeyUniqueIdentifier: privateKeyUid, ...options },
  );
}

export function deriveKey(
  payload: RequestPayloadOf<typeof Operation.DeriveKey>,
): BatchRequest<typeof Operation.DeriveKey> {
  return batchItem(Operation.DeriveKey, payload);
}

export function certify(
  payload: RequestPayloadOf<typeof Operation.Certify>,
): BatchRequest<typeof Operation.Certify> {
  return batchItem(Operation.Certify, payload);
}

export function validate(
  payload: RequestPayloadOf<typeof Operation.Validate>,
): BatchRequest<typeof Operation.Validate> {
  return batchItem(Operation.Validate, payload);
}

export function getAttributes(
  uid?: UniqueIdentifier,
  references?: AttributeReference[],
): BatchRequest<typeof Operation.GetAttributes> {
  return batchItem(
    Operation.GetAttributes,
    uidPayload(uid, references === undefined ? {} : { attributeReferences: references }),
  );
}

export function getAttributeList(
  uid?: UniqueIdentifier,
): BatchRequest<typeof Operation.GetAttributeList> {
  return batchItem(Operation.GetAttributeList, uidPayload(uid, {}));
}

export function addAttribute(
  uid: UniqueIdentifier | undefined,
  attribute: Attributes,
): BatchRequest<typeof Operation.AddAttribute> {
  return batchItem(Operation.AddAttribute, uidPayload(uid, { newAttribute: attribute }));
}

export function setAttribute(
  uid: UniqueIdentifier | undefined,
  attribute: Attributes,
): BatchRequest<typeof Operation.SetAttribute> {
  return batchItem(Operation.SetAttribute, uidPayload(uid, { newAttribute: attribute }));
}

export function modifyAttribute(
  uid: UniqueIdentifier | undefined,
  newAttribute: Attributes,
  currentAttribute?: Attributes,
): BatchRequest<typeof Operation.ModifyAttribute> {
  return batchItem(
    Operation.ModifyAttribute,
    uidPayload(
      uid,
      currentAttribute === undefined ? { newAttribute } : { currentAttribute, newAttribute },
    ),
  );
}

export function deleteAttribute(
  uid: UniqueIdentifier | undefined,
  target: { attributeReference: AttributeReference } | { currentAttribute: Attributes },
): BatchRequest<typeof Operation.DeleteAttribute> {
  return batchItem(Operation.DeleteAttribute, uidPayload(uid, { ...target }));
}

/** Options of the data operations (Encrypt, Decrypt, Sign, MAC...). */
export interface DataOptions {
  cryptographicParameters?: CryptographicParameters;
  ivCounterNonce?: Uint8Array;
  authenticatedEncryptionAdditionalData?: Uint8Array;
  correlationValue?: Uint8Array;
  initIndicator?: boolean;
  finalIndicator?: boolean;
}

export function encrypt(
  uid: UniqueIdentifier | undefined,
  data: Uint8Array,
  options: DataOptions = {},
): BatchRequest<typeof Operation.Encrypt> {
  return batchItem(Operation.Encrypt, uidPayload(uid, { ...options, data }));
}

export function decrypt(
  uid: UniqueIdentifier | undefined,
  data: Uint8Array,
  options: DataOptions & { authenticatedEncryptionTag?: Uint8Array } = {},
): BatchRequest<typeof Operation.Decrypt> {
  return batchItem(Operation.Decrypt, uidPayload(uid, { ...options, data }));
}

export function sign(
  uid: UniqueIdentifier | undefined,
  data: { data: Uint8Array } | { digestedData: Uint8Array },
  cryptographicParameters?: CryptographicParameters,
): BatchRequest<typeof Operation.Sign> {
  return batchItem(
    Operation.Sign,
    uidPayload(
      uid,
      cryptographicParameters === undefined ? { ...data } : { cryptographicParameters, ...data },
    ),
  );
}

export function signatureVerify(
  uid: UniqueIdentifier | undefined,
  data: { data: Uint8Array } | { digestedData: Uint8Array },
  signatureData: Uint8Array,
  cryptographicParameters?: CryptographicParameters,
): BatchRequest<typeof Operation.SignatureVerify> {
  const payload =
    cryptographicParameters === undefined
      ? { ...data, signatureData }
      : { cryptographicParameters, ...data, signatureData };
  return batchItem(Operation.SignatureVerify, uidPayload(uid, payload));
}

export function mac(
  uid: UniqueIdentifier | undefined,
  data: Uint8Array,
  cryptographicParameters?: CryptographicParameters,
): BatchRequest<typeof Operation.MAC> {
  return batchItem(
    Operation.MAC,
    uidPayload(
      uid,
      cryptographicParameters === undefined ? { data } : { cryptographicParameters, data },
    ),
  );
}

export function macVerify(
  uid: UniqueIdentifier | undefined,
  data: Uint8Array,
  macData: Uint8Array,
  cryptographicParameters?: CryptographicParameters,
): BatchRequest<typeof Operation.MACVerify> {
  return batchItem(
    Operation.MACVerify,
    uidPayload(
      uid,
      cryptographicParameters === undefined
        ? { data, macData }
        : { cryptographicParameters, data, macData },
    ),
  );
}

export function hash(
  data: Uint8Array,
  hashingAlgorithm: number,
): BatchRequest<typeof Operation.Hash> {
  return batchItem(Operation.Hash, { cryptographicParameters: { hashingAlgorithm }, data });
}

export function rngRetrieve(dataLength: number): BatchRequest<typeof Operation.RNGRetrieve> {
  return batchItem(Operation.RNGRetrieve, { dataLength });
}

export function query(
  queryFunctions: number[] = [QueryFunction.QueryOperations, QueryFunction.QueryObjects],
): BatchRequest<typeof Operation.Query> {
  return batchItem(Operation.Query, { queryFunctions });
}

export function discoverVersions(
  protocolVersions: ProtocolVersion[] = [],
): BatchRequest<typeof Operation.DiscoverVersions> {
  return batchItem(
    Operation.DiscoverVersions,
    protocolVersions.length === 0 ? {} : { protocolVersions },
  );
}
