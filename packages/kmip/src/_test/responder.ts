/**
 * A toy KMIP responder for client tests: decodes a request tree, answers Query, Create,
 * Activate, Encrypt (echo) and Destroy (unknown identifiers fail with Item Not Found).
 */
import { KmipResultError } from '../errors.ts';
import { ObjectType, Operation, ResultReason, ResultStatus } from '../enums.ts';
import {
  decodeRequestMessage,
  encodeResponseMessage,
  invalidMessageResponse,
  processBatch,
  type RequestBatchItem,
  type BatchContext,
} from '../message.ts';
import { decodeRequestPayload, encodeResponsePayload, KMIP_2_1 } from '../payloads.ts';
import type { TtlvItem, TtlvStructure } from '../ttlv.ts';

export async function respond(request: TtlvItem, now = new Date(0)): Promise<TtlvStructure> {
  let message;
  try {
    message = decodeRequestMessage(request);
  } catch (error) {
    return encodeResponseMessage(invalidMessageResponse(KMIP_2_1, (error as Error).message, now));
  }
  const version = message.header.protocolVersion;
  let next = 0;
  const items = await processBatch(message, (item: RequestBatchItem, ctx: BatchContext) => {
    switch (item.operation) {
      case Operation.Query:
        return {
          payload: encodeResponsePayload(
            Operation.Query,
            {
              operations: [Operation.Query, Operation.Create],
              objectTypes: [ObjectType.SymmetricKey],
              vendorIdentification: 'toy',
            },
            version,
          ),
        };
      case Operation.Create: {
        decodeRequestPayload(Operation.Create, item.payload, version);
        const uid = `key-${++next}`;
        ctx.record(Operation.Create, [uid]);
        return {
          payload: encodeResponsePayload(
            Operation.Create,
            { objectType: ObjectType.SymmetricKey, uniqueIdentifier: uid },
            version,
          ),
        };
      }
      case Operation.Activate: {
        const uid = ctx.resolve(
          decodeRequestPayload(Operation.Activate, item.payload, version).uniqueIdentifier,
        );
        return {
          payload: encodeResponsePayload(Operation.Activate, { uniqueIdentifier: uid }, version),
        };
      }
      case Operation.Encrypt: {
        const p = decodeRequestPayload(Operation.Encrypt, item.payload, version);
        const uid = ctx.resolve(p.uniqueIdentifier);
        const out = { uniqueIdentifier: uid, data: p.data?.slice().reverse() ?? new Uint8Array(0) };
        return { payload: encodeResponsePayload(Operation.Encrypt, out, version) };
      }
      case Operation.Destroy:
        throw new KmipResultError({
          resultStatus: ResultStatus.OperationFailed,
          resultReason: ResultReason.ItemNotFound,
          resultMessage: 'no such object',
        });
      default:
        throw new KmipResultError({
          resultStatus: ResultStatus.OperationFailed,
          resultReason: ResultReason.OperationNotSupported,
        });
    }
  });
  return encodeResponseMessage({
    header: { protocolVersion: version, timeStamp: now, batchCount: items.length },
    batchItems: items,
  });
}
