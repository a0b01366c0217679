/**
 * Processes KMIP requests whatever their transport: a whole Request Message (binary, JSON or XML,
 * HTTP or socket) or one bare operation (`POST /kmip/2_1`).
 *
 * A message that changes anything runs in ONE store transaction, with a savepoint before each
 * batch item: a failed item is rolled back alone, so that nothing half-written survives. Batch
 * Error Continuation Option (KMIP 2.1 §9.6): Stop (default) ends the batch at the first failure;
 * Continue processes every item; Undo rolls back every earlier item and marks them Operation
 * Undone. A message of reads only runs without a transaction, on the object cache.
 *
 * Every item produces one audit record and one metric. Internal errors are logged with their
 * cause and answered with a General Failure that says nothing more.
 */
import {
  BatchContext,
  BatchErrorContinuationOption,
  ResultStatus,
  Tag,
  decodeRequestMessage,
  encodeResponseMessage,
  encodeTtlv,
  messageVersion,
  type ProtocolVersion,
  type RequestBatchItem,
  type ResponseBatchItem,
  type TtlvItem,
  type TtlvStructure,
} from '@custos/kmip';
import type { AuditLog } from './audit.ts';
import { OperationContext, type Caller, type ServerState } from './context.ts';
import { KmsError, reasonForVersion, reasonName, toKmsError } from './errors.ts';
import type { Metrics } from './metrics.ts';
import { operationSpec } from './operations.ts';
import { isSupportedVersion } from './op-server.ts';
import type { StoreTransaction } from './store.ts';

/** A response batch item and, on failure, the error behind it. */
export interface ItemOutcome {
  readonly item: ResponseBatchItem;
  readonly error?: KmsError;
}

const V21: ProtocolVersion = { major: 2, minor: 1 };

/** The version this server answers a request of `v` with. */
export function responseVersion(v: ProtocolVersion | undefined): ProtocolVersion {
  if (v === undefined) return V21;
  if (isSupportedVersion(v)) return v;
  if (v.major === 1) return { major: 1, minor: 4 };
  return V21;
}

function peekUid(payload: TtlvStructure): string {
  const c = payload.value.find((i) => i.tag === Tag.UniqueIdentifier);
  return c?.type === 'TextString' ? c.value : '';
}

export class Dispatcher {
  readonly server: ServerState;
  readonly metrics: Metrics;

  constructor(server: ServerState, metrics: Metrics) {
    this.server = server;
    this.metrics = metrics;
  }

  get audit(): AuditLog | undefined {
    return this.server.audit;
  }

  /**
   * Answers a request tree with a Response Message tree. Never throws: an unreadable message is
   * answered with one failed batch item (Invalid Message).
   */
  async processMessage(tree: TtlvItem, caller: Caller): Promise<TtlvStructure> {
    const asked = messageVersion(tree);
    const version = responseVersion(asked);
    const now = new Date();
    let items: ItemOutcome[];
    let maxResponse: number | undefined;
    try {
      if (tree.tag !== Tag.RequestMessage)
        throw new KmsError('ERR_KMS_INVALID_MESSAGE', 'not a Request Message');
      if (asked !== undefined && !isSupportedVersion(asked))
        throw new KmsError(
          'ERR_KMS_UNSUPPORTED_VERSION',
          `KMIP ${asked.major}.${asked.minor} is not supported`,
        );
      const message = decodeRequestMessage(tree);
      if (message.batchItems.length > this.server.config.limits.maxBatchItems)
        throw new KmsError(
          'ERR_KMS_SERVER_LIMIT',
          `more than ${this.server.config.limits.maxBatchItems} batch items`,
        );
      maxResponse = message.header.maximumResponseSize;
      items = await this.processItems(
        version,
        message.batchItems,
        message.header.batchErrorContinuationOption ?? BatchErrorContinuationOption.Stop,
        caller,
      );
    } catch (error) {
      const e = toKmsError(error);
      this.logInternal(e);
      this.audit?.append(
        caller.user,
        'message',
        '',
        'failure',
        reasonName(e.reason),
        caller.source,
      );
      items = [{ item: this.failure(undefined, undefined, e, version), error: e }];
    }
    if (this.audit?.waitForWrite === true) {
      const e = await this.#auditStored();
      if (e !== undefined)
        items = items.map((o) => ({
          item: this.failure(o.item.operation, o.item.uniqueBatchItemId, e, version),
          error: e,
        }));
    }
    const response = encodeResponseMessage({
      header: { protocolVersion: version, timeStamp: now, batchCount: items.length },
      batchItems: items.map((o) => o.item),
    });
    if (maxResponse !== undefined && maxResponse > 0 && encodeTtlv(response).length > maxResponse) {
      const e = new KmsError(
        'ERR_KMS_RESPONSE_TOO_LARGE',
        `the response exceeds Maximum Response Size (${maxResponse})`,
      );
      return encodeResponseMessage({
        header: { protocolVersion: version, timeStamp: now, batchCount: items.length },
        batchItems: items.map((o) =>
          this.failure(o.item.operation, o.item.uniqueBatchItemId, e, version),
        ),
      });
    }
    return response;
  }

  /**
   * Runs one bare operation (KMIP 2.1) and returns its Response Payload.
   * @throws KmsError when the operation fails.
   */
  async processOperation(
    operation: number,
    payload: TtlvStructure,
    caller: Caller,
  ): Promise<TtlvStructure> {
    // A read runs its one item directly: no transaction, no batch loop.
    const outcome =
      operationSpec(operation)?.write === true
        ? (
            await this.processItems(
              V21,
              [{ operation, payload }],
              BatchErrorContinuationOption.Stop,
              caller,
            )
          )[0]
        : await this.runItem(V21, operation, payload, undefined, new BatchContext(), caller);
    if (this.audit?.waitForWrite === true) {
      const e = await this.#auditStored();
      if (e !== undefined) throw e;
    }
    if (outcome?.error !== undefined) throw outcome.error;
    return outcome?.item.payload ?? { tag: Tag.ResponsePayload, type: 'Structure', value: [] };
  }

  /**
   * With `audit.wait_for_write`: waits until the audit records of this request are stored.
   * Returns the error to answer with when they could not be (the operation itself may have
   * been done and committed: the client learns that its audit trail is not yet written, and
   * the records stay queued for the next write).
   */
  async #auditStored(): Promise<KmsError | undefined> {
    try {
      await this.audit?.persisted();
      return undefined;
    } catch {
      return new KmsError('ERR_KMS_UNAVAILABLE', 'the audit log could not be written');
    }
  }

  private failure(
    operation: number | undefined,
    id: Uint8Array | undefined,
    e: KmsError,
    version: ProtocolVersion,
  ): ResponseBatchItem {
    const item: ResponseBatchItem = {
      resultStatus: ResultStatus.OperationFailed,
      resultReason: reasonForVersion(e.reason, version.major, version.minor),
      resultMessage: e.message,
    };
    if (operation !== undefined) item.operation = operation;
    if (id !== undefined) item.uniqueBatchItemId = id;
    return item;
  }

  private logInternal(e: KmsError): void {
    if (e.code === 'ERR_KMS_INTERNAL' || e.code === 'ERR_KMS_UNAVAILABLE')
      this.server.logger.error('request failed', { error: e.cause ?? e });
  }

  private async processItems(
    version: ProtocolVersion,
    items: readonly Pick<RequestBatchItem, 'operation' | 'payload' | 'uniqueBatchItemId'>[],
    option: number,
    caller: Caller,
  ): Promise<ItemOutcome[]> {
    const write = items.some((i) => operationSpec(i.operation)?.write === true);
    if (!write) return this.runItems(version, items, option, caller, undefined);
    try {
      return await this.server.repo.transaction((tx) =>
        this.runItems(version, items, option, caller, tx),
      );
    } catch (error) {
      // The commit itself failed: nothing was written.
      const e = toKmsError(error);
      this.logInternal(e);
      return items.map((i) => ({
        item: this.failure(i.operation, i.uniqueBatchItemId, e, version),
        error: e,
      }));
    }
  }

  private async runItems(
    version: ProtocolVersion,
    items: readonly Pick<RequestBatchItem, 'operation' | 'payload' | 'uniqueBatchItemId'>[],
    option: number,
    caller: Caller,
    tx: StoreTransaction | undefined,
  ): Promise<ItemOutcome[]> {
    const batch = new BatchContext();
    const out: ItemOutcome[] = [];
    for (let i = 0; i < items.length; i++) {
      const item = items[i] as (typeof items)[number];
      let savepoint = '';
      if (tx !== undefined && operationSpec(item.operation) !== undefined) {
        savepoint = `item_${i}`;
        await tx.savepoint(savepoint);
      }
      const outcome = await this.runItem(
        version,
        item.operation,
        item.payload,
        item.uniqueBatchItemId,
        batch,
        caller,
        tx,
      );
      out.push(outcome);
      if (outcome.error === undefined) continue;
      if (savepoint !== '') await tx?.rollbackTo(savepoint);
      if (option === BatchErrorContinuationOption.Continue) continue;
      if (option === BatchErrorContinuationOption.Undo) {
        if (tx !== undefined && i > 0) await tx.rollbackTo('item_0');
        for (const o of out) {
          if (o.item.resultStatus !== ResultStatus.Success) continue;
          o.item.resultStatus = ResultStatus.OperationUndone;
          delete o.item.payload;
        }
      }
      break;
    }
    return out;
  }

  /**
   * Runs one batch item (in the savepoint its caller opened, if any) and makes its audit record
   * and metric. Never throws: a failure is the outcome's `error`.
   */
  private async runItem(
    version: ProtocolVersion,
    operation: number,
    payload: TtlvStructure,
    id: Uint8Array | undefined,
    batch: BatchContext,
    caller: Caller,
    tx?: StoreTransaction,
  ): Promise<ItemOutcome> {
    const started = performance.now();
    const spec = operationSpec(operation);
    const name = spec?.name ?? `operation-${operation}`;
    batch.beginItem();
    try {
      if (spec === undefined)
        throw new KmsError(
          'ERR_KMS_OPERATION_NOT_SUPPORTED',
          `operation ${operation} is not supported`,
        );
      const ctx = new OperationContext(this.server, caller, version, batch, tx);
      const result = await spec.handle(ctx, payload);
      batch.record(operation, result.uids);
      const response: ResponseBatchItem = {
        operation,
        resultStatus: ResultStatus.Success,
        payload: result.payload,
      };
      if (id !== undefined) response.uniqueBatchItemId = id;
      if (result.message !== undefined) response.resultMessage = result.message;
      const uid = result.uids[0] ?? result.subject ?? '';
      this.audit?.append(caller.user, name, uid, 'success', '', caller.source);
      this.metrics.operation(name, 'success', '', (performance.now() - started) / 1000);
      return { item: response };
    } catch (error) {
      const e = toKmsError(error);
      this.logInternal(e);
      const reason = reasonName(e.reason);
      this.audit?.append(caller.user, name, peekUid(payload), 'failure', reason, caller.source);
      this.metrics.operation(name, 'failure', reason, (performance.now() - started) / 1000);
      return { item: this.failure(operation, id, e, version), error: e };
    }
  }
}
