/**
 * KMIP messages (KMIP 2.1 §8–9): Request/Response Message, headers and batch items, typed and
 * mapped to and from the TTLV tree. Payloads stay `TtlvStructure`s at this level so that one bad
 * payload fails only its batch item: `decodeRequestPayload` (payloads.ts) types them.
 *
 * Also the batch semantics a server needs: ID Placeholder and Unique Identifier references
 * (`BatchContext`), and Batch Error Continuation Option Stop/Continue/Undo (`processBatch`).
 */
import { KmipError, KmipPayloadError, KmipResultError } from './errors.ts';
import {
  BatchErrorContinuationOption,
  Operation,
  ResultReason,
  ResultStatus,
  UniqueIdentifierEnum,
} from './enums.ts';
import {
  anyItem,
  boolean,
  byteString,
  dateTime,
  enumeration,
  integer,
  many,
  many1,
  mapped,
  oneOf,
  one,
  opt,
  struct,
  textString,
  KMIP_2_1,
  type Codec,
  type Infer,
  type ProtocolVersion,
} from './_schema.ts';
import { protocolVersion } from './payloads-server.ts';
import { Tag } from './tags.ts';
import type { TtlvItem, TtlvStructure } from './ttlv.ts';
import type { UniqueIdentifier } from './attributes.ts';

export type { ProtocolVersion };

export const credential = struct([
  one('credentialType', Tag.CredentialType, enumeration),
  one('credentialValue', Tag.CredentialValue, anyItem),
]);
/** A credential; its value stays a TTLV item (its shape depends on the credential type). */
export type Credential = Infer<typeof credential>;

const authentication: Codec<Credential[]> = mapped(
  struct([many1('credentials', Tag.Credential, credential)]),
  (raw) => raw.credentials,
  (credentials) => ({ credentials }),
);

/** Asynchronous Indicator: a Boolean in KMIP 1.x, an enumeration from 2.0 on. */
const asynchronousIndicator: Codec<boolean | number> = oneOf<boolean | number>([
  {
    codec: boolean,
    is: (v) => typeof v === 'boolean',
    wrap: (v) => v as boolean,
    unwrap: (v) => v,
  },
  {
    codec: enumeration,
    is: (v) => typeof v === 'number',
    wrap: (v) => v as number,
    unwrap: (v) => v,
  },
]);

export const requestHeader = struct([
  one('protocolVersion', Tag.ProtocolVersion, protocolVersion),
  opt('maximumResponseSize', Tag.MaximumResponseSize, integer),
  opt('clientCorrelationValue', Tag.ClientCorrelationValue, textString),
  opt('serverCorrelationValue', Tag.ServerCorrelationValue, textString),
  opt('asynchronousIndicator', Tag.AsynchronousIndicator, asynchronousIndicator),
  opt('attestationCapableIndicator', Tag.AttestationCapableIndicator, boolean),
  many('attestationTypes', Tag.AttestationType, enumeration),
  opt('authentication', Tag.Authentication, authentication),
  opt('batchErrorContinuationOption', Tag.BatchErrorContinuationOption, enumeration),
  opt('batchOrderOption', Tag.BatchOrderOption, boolean),
  opt('timeStamp', Tag.TimeStamp, dateTime),
  one('batchCount', Tag.BatchCount, integer),
]);
export type RequestHeader = Infer<typeof requestHeader>;

const payloadStructure = (tag: number): Codec<TtlvStructure> => ({
  types: ['Structure'],
  read: (item) => item as TtlvStructure,
  write: (_t, value) => ({ ...value, tag }),
});

export const requestBatchItem = struct([
  one('operation', Tag.Operation, enumeration),
  opt('ephemeral', Tag.Ephemeral, boolean),
  opt('uniqueBatchItemId', Tag.UniqueBatchItemID, byteString),
  one('payload', Tag.RequestPayload, payloadStructure(Tag.RequestPayload)),
  many('messageExtensions', Tag.MessageExtension, anyItem),
]);
export type RequestBatchItem = Infer<typeof requestBatchItem>;

export const responseHeader = struct([
  one('protocolVersion', Tag.ProtocolVersion, protocolVersion),
  one('timeStamp', Tag.TimeStamp, dateTime),
  opt('nonce', Tag.Nonce, anyItem),
  opt('serverHashedPassword', Tag.ServerHashedPassword, byteString),
  many('attestationTypes', Tag.AttestationType, enumeration),
  opt('clientCorrelationValue', Tag.ClientCorrelationValue, textString),
  opt('serverCorrelationValue', Tag.ServerCorrelationValue, textString),
  one('batchCount', Tag.BatchCount, integer),
]);
export type ResponseHeader = Infer<typeof responseHeader>;

export const responseBatchItem = struct([
  opt('operation', Tag.Operation, enumeration),
  opt('uniqueBatchItemId', Tag.UniqueBatchItemID, byteString),
  one('resultStatus', Tag.ResultStatus, enumeration),
  opt('resultReason', Tag.ResultReason, enumeration),
  opt('resultMessage', Tag.ResultMessage, textString),
  opt('asynchronousCorrelationValue', Tag.AsynchronousCorrelationValue, byteString),
  opt('payload', Tag.ResponsePayload, payloadStructure(Tag.ResponsePayload)),
  many('messageExtensions', Tag.MessageExtension, anyItem),
]);
export type ResponseBatchItem = Infer<typeof responseBatchItem>;

const requestMessageCodec = struct([
  one('header', Tag.RequestHeader, requestHeader),
  many1('batchItems', Tag.BatchItem, requestBatchItem),
]);
export type RequestMessage = Infer<typeof requestMessageCodec>;

const responseMessageCodec = struct([
  one('header', Tag.ResponseHeader, responseHeader),
  many('batchItems', Tag.BatchItem, responseBatchItem),
]);
export type ResponseMessage = Infer<typeof responseMessageCodec>;

function expectTag(item: TtlvItem, tag: number, what: string): void {
  if (item.tag !== tag || item.type !== 'Structure') {
    throw new KmipPayloadError('ERR_KMIP_INVALID_FIELD', `not a ${what}`, '');
  }
}

/** Protocol version of a message tree without decoding the rest (version negotiation). */
export function messageVersion(item: TtlvItem): ProtocolVersion | undefined {
  if (item.type !== 'Structure') return undefined;
  const header = item.value.find(
    (c) => c.tag === Tag.RequestHeader || c.tag === Tag.ResponseHeader,
  );
  if (header?.type !== 'Structure') return undefined;
  const pv = header.value.find((c) => c.tag === Tag.ProtocolVersion);
  if (pv === undefined) return undefined;
  try {
    return protocolVersion.read(pv, KMIP_2_1, 'ProtocolVersion');
  } catch {
    return undefined;
  }
}

/** Typed Request Message of a tree; checks Batch Count. @throws KmipPayloadError */
export function decodeRequestMessage(item: TtlvItem): RequestMessage {
  expectTag(item, Tag.RequestMessage, 'Request Message');
  const message = requestMessageCodec.read(
    item,
    messageVersion(item) ?? KMIP_2_1,
    'RequestMessage',
  );
  if (message.header.batchCount !== message.batchItems.length) {
    throw new KmipPayloadError(
      'ERR_KMIP_INVALID_FIELD',
      'Batch Count does not match the batch items',
      'RequestMessage.header.batchCount',
    );
  }
  return message;
}

/** Tree of a Request Message. @throws KmipPayloadError */
export function encodeRequestMessage(message: RequestMessage): TtlvStructure {
  return requestMessageCodec.write(
    Tag.RequestMessage,
    message,
    message.header.protocolVersion,
    'RequestMessage',
  ) as TtlvStructure;
}

/** Typed Response Message of a tree; checks Batch Count. @throws KmipPayloadError */
export function decodeResponseMessage(item: TtlvItem): ResponseMessage {
  expectTag(item, Tag.ResponseMessage, 'Response Message');
  const message = responseMessageCodec.read(
    item,
    messageVersion(item) ?? KMIP_2_1,
    'ResponseMessage',
  );
  if (message.header.batchCount !== (message.batchItems?.length ?? 0)) {
    throw new KmipPayloadError(
      'ERR_KMIP_INVALID_FIELD',
      'Batch Count does not match the batch items',
      'ResponseMessage.header.batchCount',
    );
  }
  return message;
}

/** Tree of a Response Message. @throws KmipPayloadError */
export function encodeResponseMessage(message: ResponseMessage): TtlvStructure {
  return responseMessageCodec.write(
    Tag.ResponseMessage,
    message,
    message.header.protocolVersion,
    'ResponseMessage',
  ) as TtlvStructure;
}

/** Throws a `KmipResultError` for a batch item that is not a success. */
export function assertSuccess(item: ResponseBatchItem): void {
  if (item.resultStatus !== ResultStatus.Success) {
    throw new KmipResultError({
      resultStatus: item.resultStatus,
      resultReason: item.resultReason,
      resultMessage: item.resultMessage,
      operation: item.operation,
    });
  }
}

/**
 * Response message for a request that could not be parsed at all: one failed batch item with
 * Invalid Message (what KMIP servers answer, and what Cosmian answers too).
 */
export function invalidMessageResponse(
  version: ProtocolVersion,
  message: string,
  now = new Date(),
): ResponseMessage {
  return {
    header: { protocolVersion: version, timeStamp: now, batchCount: 1 },
    batchItems: [
      {
        resultStatus: ResultStatus.OperationFailed,
        resultReason: ResultReason.InvalidMessage,
        resultMessage: message,
      },
    ],
  };
}

/** Operations whose response sets the ID Placeholder (KMIP 2.1 §9.1 "ID Placeholder"). */
const PLACEHOLDER_SETTERS: ReadonlySet<number> = new Set([
  Operation.Create,
  Operation.CreateKeyPair,
  Operation.Register,
  Operation.DeriveKey,
  Operation.Certify,
  Operation.ReCertify,
  Operation.ReKey,
  Operation.ReKeyKeyPair,
  Operation.Locate,
  Operation.Import,
  Operation.JoinSplitKey,
  Operation.CreateSplitKey,
]);

/** Unique Identifier enumeration value naming the last result of each operation. */
const UID_ENUM_OF_OPERATION: ReadonlyMap<number, number> = new Map([
  [Operation.Certify, UniqueIdentifierEnum.Certify],
  [Operation.Create, UniqueIdentifierEnum.Create],
  [Operation.CreateKeyPair, UniqueIdentifierEnum.CreateKeyPair],
  [Operation.CreateSplitKey, UniqueIdentifierEnum.CreateSplitKey],
  [Operation.DeriveKey, UniqueIdentifierEnum.DeriveKey],
  [Operation.Import, UniqueIdentifierEnum.Import],
  [Operation.JoinSplitKey, UniqueIdentifierEnum.JoinSplitKey],
  [Operation.Locate, UniqueIdentifierEnum.Locate],
  [Operation.Register, UniqueIdentifierEnum.Register],
  [Operation.ReKey, UniqueIdentifierEnum.ReKey],
  [Operation.ReCertify, UniqueIdentifierEnum.ReCertify],
  [Operation.ReKeyKeyPair, UniqueIdentifierEnum.ReKeyKeyPair],
]);

/**
 * What earlier batch items tell later ones: the ID Placeholder, the last identifier each
 * operation produced (for Unique Identifier enumerations) and every identifier returned in the
 * batch (for Unique Identifier indexes).
 */
export class BatchContext {
  /** The ID Placeholder, once an item set it. */
  placeholder: string | undefined;
  private readonly byEnum = new Map<number, string>();
  private readonly returned: string[] = [];
  private itemStart = 0;

  /** Call before processing each batch item (negative indexes count from its start). */
  beginItem(): void {
    this.itemStart = this.returned.length;
  }

  /**
   * Records identifiers a successful item returned. For Create Key Pair and Re-key Key Pair
   * pass the private key first: it becomes the placeholder (KMIP 2.1 §9.1); the public key is
   * `publicKeyUid`, else the second identifier of `uids`.
   * Locate sets the placeholder only when it found exactly one object.
   */
  record(operation: number, uids: readonly string[], publicKeyUid?: string): void {
    this.returned.push(...uids);
    if (publicKeyUid !== undefined) this.returned.push(publicKeyUid);
    const first = uids[0];
    if (first === undefined) return;
    const sets =
      PLACEHOLDER_SETTERS.has(operation) && (operation !== Operation.Locate || uids.length === 1);
    if (sets) this.placeholder = first;
    const e = UID_ENUM_OF_OPERATION.get(operation);
    if (e !== undefined) this.byEnum.set(e, first);
    const pub = publicKeyUid ?? uids[1];
    if (operation === Operation.CreateKeyPair) {
      this.byEnum.set(UniqueIdentifierEnum.CreateKeyPairPrivateKey, first);
      if (pub !== undefined) this.byEnum.set(UniqueIdentifierEnum.CreateKeyPairPublicKey, pub);
    }
    if (operation === Operation.ReKeyKeyPair) {
      this.byEnum.set(UniqueIdentifierEnum.ReKeyKeyPairPrivateKey, first);
      if (pub !== undefined) this.byEnum.set(UniqueIdentifierEnum.ReKeyKeyPairPublicKey, pub);
    }
  }

  /**
   * The object a request names: its text identifier, or the placeholder when omitted or ID
   * Placeholder, or the result an enumeration/index refers to.
   * @throws KmipPayloadError (Missing Data / Invalid Field) when nothing is referenced.
   */
  resolve(uid: UniqueIdentifier | undefined): string {
    if (typeof uid === 'string') return uid;
    let out: string | undefined;
    if (
      uid === undefined ||
      ('enumeration' in uid && uid.enumeration === UniqueIdentifierEnum.IDPlaceholder)
    ) {
      out = this.placeholder;
      if (out === undefined)
        throw new KmipPayloadError(
          'ERR_KMIP_MISSING_FIELD',
          'no Unique Identifier and no ID Placeholder',
          'uniqueIdentifier',
        );
      return out;
    }
    if ('enumeration' in uid) out = this.byEnum.get(uid.enumeration);
    else
      out = uid.index >= 0 ? this.returned[uid.index] : this.returned[this.itemStart + uid.index];
    if (out === undefined)
      throw new KmipPayloadError(
        'ERR_KMIP_INVALID_FIELD',
        'Unique Identifier reference to nothing',
        'uniqueIdentifier',
      );
    return out;
  }
}

/** Outcome of one batch item handled by `processBatch`. */
export interface BatchItemOutcome {
  payload?: TtlvStructure;
  /** Reverts the item's effect if a later item fails under Batch Error Continuation Undo. */
  undo?: () => unknown;
}

/**
 * Runs the batch items of a request in order with `handle`, applying the Batch Error
 * Continuation Option (KMIP 2.1 §9.6): Stop (default) returns the items processed so far and
 * the failed one; Continue processes every item; Undo runs the `undo` callbacks of the earlier
 * successes (latest first) and marks them Operation Undone. A `KmipError` thrown by `handle`
 * fails the item with its Result Reason and message; any other error fails it with General
 * Failure and no detail.
 */
export async function processBatch(
  request: RequestMessage,
  handle: (
    item: RequestBatchItem,
    context: BatchContext,
  ) => Promise<BatchItemOutcome> | BatchItemOutcome,
): Promise<ResponseBatchItem[]> {
  const option = request.header.batchErrorContinuationOption ?? BatchErrorContinuationOption.Stop;
  const context = new BatchContext();
  const out: ResponseBatchItem[] = [];
  const undos: { index: number; undo: () => unknown }[] = [];
  for (const item of request.batchItems) {
    context.beginItem();
    const base: ResponseBatchItem = {
      operation: item.operation,
      resultStatus: ResultStatus.Success,
    };
    if (item.uniqueBatchItemId !== undefined) base.uniqueBatchItemId = item.uniqueBatchItemId;
    try {
      const outcome = await handle(item, context);
      if (outcome.payload !== undefined) base.payload = outcome.payload;
      if (outcome.undo !== undefined) undos.push({ index: out.length, undo: outcome.undo });
      out.push(base);
    } catch (error) {
      base.resultStatus = ResultStatus.OperationFailed;
      if (error instanceof KmipResultError) {
        base.resultReason = error.resultReason;
        if (error.resultMessage !== undefined) base.resultMessage = error.resultMessage;
      } else if (error instanceof KmipError) {
        base.resultReason = error.resultReason;
        base.resultMessage = error.message;
      } else {
        base.resultReason = ResultReason.GeneralFailure;
        base.resultMessage = 'internal error';
      }
      out.push(base);
      if (option === BatchErrorContinuationOption.Continue) continue;
      if (option === BatchErrorContinuationOption.Undo) {
        for (const u of undos.reverse()) {
          await u.undo();
          const undone = out[u.index] as ResponseBatchItem;
          undone.resultStatus = ResultStatus.OperationUndone;
          delete undone.payload;
        }
      }
      break;
    }
  }
  return out;
}
