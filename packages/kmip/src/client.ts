/**
 * A typed KMIP client over any transport (HTTP: `http-client.ts`; TLS socket: `tls-client.ts`):
 * builds Request Messages from typed batch items, exchanges them with a timeout, and returns
 * typed response payloads. A failed batch item becomes a `KmipResultError` carrying the Result
 * Reason; transport failures are `KmipTransportError`s (`ERR_KMIP_TIMEOUT` on timeout).
 */
import * as B from './builders.ts';
import { KmipTransportError } from './errors.ts';
import type { Operation } from './enums.ts';
import {
  assertSuccess,
  decodeResponseMessage,
  encodeRequestMessage,
  type RequestMessage,
  type ResponseBatchItem,
  type ResponseMessage,
} from './message.ts';
import {
  decodeResponsePayload,
  KMIP_2_1,
  type KnownOperation,
  type ProtocolVersion,
  type ResponsePayloadOf,
} from './payloads.ts';
import type { TtlvItem, TtlvStructure } from './ttlv.ts';
import type { UniqueIdentifier } from './attributes.ts';
import { Tag } from './tags.ts';

/** Moves one request tree to a server and brings back the response tree. */
export interface KmipTransport {
  exchange(request: TtlvStructure, signal: AbortSignal): Promise<TtlvItem>;
  close?(): Promise<void> | void;
}

export interface KmipClientOptions {
  /** Protocol version of requests (default 2.1). */
  version?: ProtocolVersion;
  /** Per-request timeout in milliseconds (default 30 000). */
  timeoutMs?: number;
  /** Header fields added to every request (authentication, correlation value...). */
  requestOptions?: Omit<B.RequestOptions, 'version'>;
}

export interface CallOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
}

export class KmipClient {
  readonly transport: KmipTransport;
  readonly version: ProtocolVersion;
  readonly timeoutMs: number;
  readonly requestOptions: Omit<B.RequestOptions, 'version'>;

  constructor(transport: KmipTransport, options: KmipClientOptions = {}) {
    if (typeof (transport as Partial<KmipTransport> | undefined)?.exchange !== 'function')
      throw new TypeError('transport must have an exchange method');
    const timeoutMs = options.timeoutMs ?? 30_000;
    if (!Number.isSafeInteger(timeoutMs) || timeoutMs <= 0)
      throw new RangeError('timeoutMs must be a positive integer');
    this.transport = transport;
    this.version = options.version ?? KMIP_2_1;
    this.timeoutMs = timeoutMs;
    this.requestOptions = options.requestOptions ?? {};
  }

  /**
   * Exchanges a whole Request Message.
   * @throws KmipTransportError on transport failure or timeout; KmipCodecError/KmipPayloadError
   * when the answer is not a valid Response Message.
   */
  async send(message: RequestMessage, options: CallOptions = {}): Promise<ResponseMessage> {
    const timeoutMs = options.timeoutMs ?? this.timeoutMs;
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal =
      options.signal === undefined ? timeout : AbortSignal.any([options.signal, timeout]);
    let response: TtlvItem;
    try {
      response = await this.transport.exchange(encodeRequestMessage(message), signal);
    } catch (error) {
      if (timeout.aborted)
        throw new KmipTransportError('ERR_KMIP_TIMEOUT', `no response within ${timeoutMs} ms`, {
          cause: error,
        });
      throw error;
    }
    return decodeResponseMessage(response);
  }

  /** Sends typed batch items; returns every response item (failed ones included). */
  async batch(
    items: readonly B.BatchRequest[],
    options: CallOptions & Omit<B.RequestOptions, 'version'> = {},
  ): Promise<ResponseBatchItem[]> {
    const { signal, timeoutMs, ...header } = options;
    const message = B.requestMessage(items, {
      ...this.requestOptions,
      ...header,
      version: this.version,
    });
    const call: CallOptions = {};
    if (signal !== undefined) call.signal = signal;
    if (timeoutMs !== undefined) call.timeoutMs = timeoutMs;
    const response = await this.send(message, call);
    return response.batchItems ?? [];
  }

  /**
   * Sends one typed batch item and returns its typed response payload.
   * @throws KmipResultError when the server reports a failure (with its Result Reason).
   */
  async call<Op extends KnownOperation>(
    item: B.BatchRequest<Op>,
    options: CallOptions = {},
  ): Promise<ResponsePayloadOf<Op>> {
    const message = B.requestMessage([item], {
      ...this.requestOptions,
      version: this.version,
    });
    const response = await this.send(message, options);
    const first = response.batchItems?.[0];
    if (first === undefined) {
      throw new KmipTransportError('ERR_KMIP_TRANSPORT', 'response holds no batch item');
    }
    assertSuccess(first);
    const payload: TtlvStructure = first.payload ?? {
      tag: Tag.ResponsePayload,
      type: 'Structure',
      value: [],
    };
    return decodeResponsePayload(item.operation, payload, response.header.protocolVersion);
  }

  createSymmetricKey(options?: B.SymmetricKeyOptions, call?: CallOptions) {
    return this.call(B.createSymmetricKey(options), call);
  }
  createKeyPair(options: B.KeyPairOptions, call?: CallOptions) {
    return this.call(B.createKeyPair(options), call);
  }
  get(uid: UniqueIdentifier, options?: B.GetOptions, call?: CallOptions) {
    return this.call(B.get(uid, options), call);
  }
  activate(uid: UniqueIdentifier, call?: CallOptions) {
    return this.call(B.activate(uid), call);
  }
  revoke(uid: UniqueIdentifier, reason?: number, call?: CallOptions) {
    return this.call(B.revoke(uid, reason), call);
  }
  destroy(uid: UniqueIdentifier, call?: CallOptions) {
    return this.call(B.destroy(uid), call);
  }
  encrypt(uid: UniqueIdentifier, data: Uint8Array, options?: B.DataOptions, call?: CallOptions) {
    return this.call(B.encrypt(uid, data, options), call);
  }
  decrypt(
    uid: UniqueIdentifier,
    data: Uint8Array,
    options?: B.DataOptions & { authenticatedEncryptionTag?: Uint8Array },
    call?: CallOptions,
  ) {
    return this.call(B.decrypt(uid, data, options), call);
  }
  locate(
    attributes: Parameters<typeof B.locate>[0],
    options?: Parameters<typeof B.locate>[1],
    call?: CallOptions,
  ) {
    return this.call(B.locate(attributes, options), call);
  }
  query(
    functions?: number[],
    call?: CallOptions,
  ): Promise<ResponsePayloadOf<typeof Operation.Query>> {
    return this.call(B.query(functions), call);
  }
  discoverVersions(versions?: ProtocolVersion[], call?: CallOptions) {
    return this.call(B.discoverVersions(versions), call);
  }

  async close(): Promise<void> {
    await this.transport.close?.();
  }
}
