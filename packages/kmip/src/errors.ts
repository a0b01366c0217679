/**
 * The one error base of `@custos/kmip`, with stable string codes, each mapped to the KMIP
 * Result Reason a server answers with (`error.resultReason`).
 *
 * - `KmipCodecError`: bytes or text that are not a valid TTLV encoding (binary, JSON, XML), or a
 *   tree that cannot be encoded. Always `Invalid Message` except a size limit (`Response Too
 *   Large` is for responses: requests over a limit are `Invalid Message` too).
 * - `KmipPayloadError`: a well-formed tree that is not a valid message or payload (missing or
 *   unexpected field, wrong item type or value).
 * - `KmipResultError`: a server answered a batch item with a failure; carries its Result Status,
 *   Result Reason and Result Message.
 * - `KmipTransportError`: the exchange itself failed (connection, TLS, HTTP status, timeout).
 *
 * Argument errors of programming mistakes stay plain TypeError/RangeError. Messages carry tag
 * names and offsets, never key material or payload bytes.
 */
import { ResultReason, ResultStatus } from './enums.ts';

export { ResultReason, ResultStatus };

export type KmipErrorCode =
  // codec
  | 'ERR_KMIP_TRUNCATED'
  | 'ERR_KMIP_TRAILING_DATA'
  | 'ERR_KMIP_BAD_LENGTH'
  | 'ERR_KMIP_BAD_PADDING'
  | 'ERR_KMIP_BAD_TAG'
  | 'ERR_KMIP_BAD_TYPE'
  | 'ERR_KMIP_BAD_VALUE'
  | 'ERR_KMIP_BAD_UTF8'
  | 'ERR_KMIP_SYNTAX'
  | 'ERR_KMIP_FORBIDDEN_MARKUP'
  | 'ERR_KMIP_TOO_DEEP'
  | 'ERR_KMIP_TOO_LARGE'
  | 'ERR_KMIP_TOO_MANY_ITEMS'
  // payload
  | 'ERR_KMIP_MISSING_FIELD'
  | 'ERR_KMIP_UNEXPECTED_FIELD'
  | 'ERR_KMIP_INVALID_FIELD'
  | 'ERR_KMIP_UNSUPPORTED_OPERATION'
  | 'ERR_KMIP_UNSUPPORTED_VERSION'
  // exchange
  | 'ERR_KMIP_RESULT'
  | 'ERR_KMIP_TRANSPORT'
  | 'ERR_KMIP_HTTP_STATUS'
  | 'ERR_KMIP_TIMEOUT';

const REASON_BY_CODE: Readonly<Record<KmipErrorCode, number>> = {
  ERR_KMIP_TRUNCATED: ResultReason.InvalidMessage,
  ERR_KMIP_TRAILING_DATA: ResultReason.InvalidMessage,
  ERR_KMIP_BAD_LENGTH: ResultReason.InvalidMessage,
  ERR_KMIP_BAD_PADDING: ResultReason.InvalidMessage,
  ERR_KMIP_BAD_TAG: ResultReason.InvalidMessage,
  ERR_KMIP_BAD_TYPE: ResultReason.InvalidMessage,
  ERR_KMIP_BAD_VALUE: ResultReason.InvalidMessage,
  ERR_KMIP_BAD_UTF8: ResultReason.InvalidMessage,
  ERR_KMIP_SYNTAX: ResultReason.InvalidMessage,
  ERR_KMIP_FORBIDDEN_MARKUP: ResultReason.InvalidMessage,
  ERR_KMIP_TOO_DEEP: ResultReason.InvalidMessage,
  ERR_KMIP_TOO_LARGE: ResultReason.InvalidMessage,
  ERR_KMIP_TOO_MANY_ITEMS: ResultReason.InvalidMessage,
  ERR_KMIP_MISSING_FIELD: ResultReason.MissingData,
  ERR_KMIP_UNEXPECTED_FIELD: ResultReason.InvalidField,
  ERR_KMIP_INVALID_FIELD: ResultReason.InvalidField,
  ERR_KMIP_UNSUPPORTED_OPERATION: ResultReason.OperationNotSupported,
  ERR_KMIP_UNSUPPORTED_VERSION: ResultReason.UnsupportedProtocolVersion,
  ERR_KMIP_RESULT: ResultReason.GeneralFailure,
  ERR_KMIP_TRANSPORT: ResultReason.GeneralFailure,
  ERR_KMIP_HTTP_STATUS: ResultReason.GeneralFailure,
  ERR_KMIP_TIMEOUT: ResultReason.GeneralFailure,
};

export class KmipError extends Error {
  readonly code: KmipErrorCode;
  /** The KMIP Result Reason a server should answer with for this error. */
  readonly resultReason: number;

  constructor(
    code: KmipErrorCode,
    message: string,
    options?: { cause?: unknown; resultReason?: number },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.resultReason = options?.resultReason ?? REASON_BY_CODE[code];
  }
}

/** Not a valid TTLV encoding. `offset` is the byte (binary) or character (text) position, if known. */
export class KmipCodecError extends KmipError {
  readonly offset: number | undefined;

  constructor(code: KmipErrorCode, message: string, offset?: number) {
    super(code, offset === undefined ? message : `${message} (at ${offset})`);
    this.offset = offset;
  }
}

/** A tree that is not a valid message or payload. `path` names the offending field. */
export class KmipPayloadError extends KmipError {
  readonly path: string;

  constructor(code: KmipErrorCode, message: string, path: string) {
    super(code, path === '' ? message : `${path}: ${message}`);
    this.path = path;
  }
}

/** A failed batch item in a response. */
export class KmipResultError extends KmipError {
  readonly resultStatus: number;
  readonly resultMessage: string | undefined;
  readonly operation: number | undefined;

  constructor(result: {
    resultStatus: number;
    resultReason?: number | undefined;
    resultMessage?: string | undefined;
    operation?: number | undefined;
  }) {
    const reason = result.resultReason ?? ResultReason.GeneralFailure;
    super(
      'ERR_KMIP_RESULT',
      `KMIP operation failed: status ${result.resultStatus}, reason ${reason}${
        result.resultMessage === undefined ? '' : `: ${result.resultMessage}`
      }`,
      { resultReason: reason },
    );
    this.resultStatus = result.resultStatus;
    this.resultMessage = result.resultMessage;
    this.operation = result.operation;
  }
}

/** The request could not be exchanged: network, TLS, HTTP status, timeout. */
export class KmipTransportError extends KmipError {
  /** HTTP status when the server answered with a non-KMIP error page. */
  readonly status: number | undefined;

  constructor(
    code: 'ERR_KMIP_TRANSPORT' | 'ERR_KMIP_HTTP_STATUS' | 'ERR_KMIP_TIMEOUT',
    message: string,
    options?: { cause?: unknown; status?: number },
  ) {
    super(code, message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.status = options?.status;
  }
}
