import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as B from './builders.ts';
import {
  BatchErrorContinuationOption,
  Operation,
  ResultReason,
  ResultStatus,
  UniqueIdentifierEnum,
} from './enums.ts';
import { KmipPayloadError, KmipResultError } from './errors.ts';
import {
  BatchContext,
  assertSuccess,
  decodeRequestMessage,
  decodeResponseMessage,
  encodeRequestMessage,
  encodeResponseMessage,
  invalidMessageResponse,
  processBatch,
  type RequestBatchItem,
} from './message.ts';
import { decodeRequestPayload, encodeResponsePayload } from './payloads.ts';
import { Tag } from './tags.ts';
import * as t from './ttlv.ts';

void test('Batch Count must match the batch items', () => {
  const tree = encodeRequestMessage(B.requestMessage([B.query()]));
  const header = tree.value[0] as t.TtlvStructure;
  const wrong = t.structure(tree.tag, [
    t.structure(header.tag, [header.value[0] as t.TtlvItem, t.integer(Tag.BatchCount, 2)]),
    ...tree.value.slice(1),
  ]);
  assert.throws(() => decodeRequestMessage(wrong), KmipPayloadError);
  assert.throws(() => decodeRequestMessage(t.structure(Tag.ResponseMessage, [])), KmipPayloadError);
});

void test('a key pair recorded as two identifiers (private first) answers both enumerations', () => {
  const ctx = new BatchContext();
  ctx.beginItem();
  ctx.record(Operation.ReKeyKeyPair, ['priv', 'pub']);
  assert.equal(ctx.placeholder, 'priv');
  assert.equal(ctx.resolve({ enumeration: UniqueIdentifierEnum.ReKeyKeyPairPrivateKey }), 'priv');
  assert.equal(ctx.resolve({ enumeration: UniqueIdentifierEnum.ReKeyKeyPairPublicKey }), 'pub');
  ctx.beginItem();
  ctx.record(Operation.CreateKeyPair, ['p2', 'q2']);
  assert.equal(ctx.resolve({ enumeration: UniqueIdentifierEnum.CreateKeyPairPublicKey }), 'q2');
});

void test('ID Placeholder and Unique Identifier references', () => {
  const ctx = new BatchContext();
  assert.throws(
    () => ctx.resolve(undefined),
    (e: unknown) => e instanceof KmipPayloadError && e.resultReason === ResultReason.MissingData,
  );
  ctx.beginItem();
  ctx.record(Operation.Create, ['k1']);
  assert.equal(ctx.resolve(undefined), 'k1');
  assert.equal(ctx.resolve({ enumeration: UniqueIdentifierEnum.IDPlaceholder }), 'k1');
  assert.equal(ctx.resolve('explicit'), 'explicit');
  ctx.beginItem();
  ctx.record(Operation.CreateKeyPair, ['priv'], 'pub');
  assert.equal(ctx.placeholder, 'priv');
  assert.equal(ctx.resolve({ enumeration: UniqueIdentifierEnum.Create }), 'k1');
  assert.equal(ctx.resolve({ enumeration: UniqueIdentifierEnum.CreateKeyPairPublicKey }), 'pub');
  assert.equal(ctx.resolve({ index: 0 }), 'k1');
  assert.equal(ctx.resolve({ index: 2 }), 'pub');
  ctx.beginItem();
  assert.equal(ctx.resolve({ index: -1 }), 'pub');
  assert.throws(() => ctx.resolve({ index: 9 }), KmipPayloadError);
  assert.throws(
    () => ctx.resolve({ enumeration: UniqueIdentifierEnum.Register }),
    KmipPayloadError,
  );
  // Locate sets the placeholder only for exactly one hit.
  ctx.record(Operation.Locate, ['a', 'b']);
  assert.equal(ctx.placeholder, 'priv');
  ctx.record(Operation.Locate, ['only']);
  assert.equal(ctx.placeholder, 'only');
});

/** A toy server: Create mints ids, Activate uses the placeholder, Destroy of "bad" fails. */
function toyHandler(log: string[]) {
  let n = 0;
  return (item: RequestBatchItem, ctx: BatchContext) => {
    switch (item.operation) {
      case Operation.Create: {
        const uid = `k${++n}`;
        ctx.record(Operation.Create, [uid]);
        log.push(`create ${uid}`);
        return {
          payload: encodeResponsePayload(Operation.Create, {
            objectType: 2,
            uniqueIdentifier: uid,
          }),
          undo: () => log.push(`undo ${uid}`),
        };
      }
      case Operation.Activate: {
        const uid = ctx.resolve(
          decodeRequestPayload(Operation.Activate, item.payload).uniqueIdentifier,
        );
        log.push(`activate ${uid}`);
        return { payload: encodeResponsePayload(Operation.Activate, { uniqueIdentifier: uid }) };
      }
      case Operation.Destroy: {
        const uid = ctx.resolve(
          decodeRequestPayload(Operation.Destroy, item.payload).uniqueIdentifier,
        );
        if (uid === 'bad')
          throw new KmipResultError({
            resultStatus: 1,
            resultReason: ResultReason.ItemNotFound,
            resultMessage: 'no such object',
          });
        throw new Error('database password=hunter2 leaked');
      }
      default:
        throw new KmipPayloadError('ERR_KMIP_UNSUPPORTED_OPERATION', 'unsupported', '');
    }
  };
}

void test('processBatch: Stop, Continue and Undo', async () => {
  const items = [B.createSymmetricKey(), B.activate(), B.destroy('bad'), B.createSymmetricKey()];
  const run = async (option: number) => {
    const log: string[] = [];
    const request = B.requestMessage(items, { batchErrorContinuationOption: option });
    const out = await processBatch(
      decodeRequestMessage(encodeRequestMessage(request)),
      toyHandler(log),
    );
    return { log, statuses: out.map((o) => o.resultStatus), out };
  };
  const stop = await run(BatchErrorContinuationOption.Stop);
  assert.deepEqual(stop.log, ['create k1', 'activate k1']);
  assert.deepEqual(stop.statuses, [
    ResultStatus.Success,
    ResultStatus.Success,
    ResultStatus.OperationFailed,
  ]);
  assert.equal(stop.out[2]?.resultReason, ResultReason.ItemNotFound);

  const cont = await run(BatchErrorContinuationOption.Continue);
  assert.deepEqual(cont.statuses, [0, 0, 1, 0]);

  const undo = await run(BatchErrorContinuationOption.Undo);
  assert.deepEqual(undo.log, ['create k1', 'activate k1', 'undo k1']);
  assert.deepEqual(undo.statuses, [
    ResultStatus.OperationUndone,
    ResultStatus.Success,
    ResultStatus.OperationFailed,
  ]);
  assert.equal(undo.out[0]?.payload, undefined);

  // A non-KMIP error says nothing about itself.
  const log: string[] = [];
  const [failed] = await processBatch(
    decodeRequestMessage(encodeRequestMessage(B.requestMessage([B.destroy('x')]))),
    toyHandler(log),
  );
  assert.ok(failed !== undefined);
  assert.equal(failed.resultReason, ResultReason.GeneralFailure);
  assert.equal(failed.resultMessage, 'internal error');
});

void test('response messages, failures and assertSuccess', () => {
  const response = invalidMessageResponse({ major: 2, minor: 1 }, 'bad', new Date(0));
  const back = decodeResponseMessage(encodeResponseMessage(response));
  assert.deepEqual(back, response);
  const item = back.batchItems?.[0];
  assert.ok(item !== undefined);
  assert.throws(
    () => {
      assertSuccess(item);
    },
    (e: unknown) =>
      e instanceof KmipResultError &&
      e.resultReason === ResultReason.InvalidMessage &&
      e.resultMessage === 'bad',
  );
});
