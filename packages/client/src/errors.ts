/**
 * The one error class of `@custos/client`, with stable string codes. Every failure of a
 * `KmsClient` call is a `KmsClientError`:
 *
 * - `ERR_KMS_CLIENT_RESULT`: the server answered the operation with a KMIP failure;
 *   `resultReason` (number) and `reasonName` (`ItemNotFound`) say why, `resultMessage` is the
 *   server's text.
 * - `ERR_KMS_CLIENT_HTTP`: the server answered with an HTTP error status outside KMIP
 *   (authentication 401, rights 403, a REST route's 404...); `status` holds it, and
 *   `resultReason` the KMIP reason it corresponds to.
 * - `ERR_KMS_CLIENT_UNREACHABLE`: no answer (connection refused, DNS, TLS handshake).
 * - `ERR_KMS_CLIENT_TIMEOUT`: no answer in time.
 * - `ERR_KMS_CLIENT_RESPONSE`: an answer that is not what the operation returns.
 *
 * Argument mistakes stay TypeError/RangeError. Messages never hold key bytes or tokens.
 */
import {
  enumName,
  KmipError,
  KmipResultError,
  KmipTransportError,
  ResultReason,
} from '@custos/kmip';

export type KmsClientErrorCode =
  | 'ERR_KMS_CLIENT_RESULT'
  | 'ERR_KMS_CLIENT_HTTP'
  | 'ERR_KMS_CLIENT_UNREACHABLE'
  | 'ERR_KMS_CLIENT_TIMEOUT'
  | 'ERR_KMS_CLIENT_RESPONSE';

/** KMIP reason matching an HTTP status of a non-KMIP answer. */
function reasonOfStatus(status: number): number {
  if (status === 401) return ResultReason.AuthenticationNotSuccessful;
  if (status === 403) return ResultReason.PermissionDenied;
  if (status === 404) return ResultReason.ItemNotFound;
  if (status === 400 || status === 415 || status === 422) return ResultReason.InvalidMessage;
  return ResultReason.GeneralFailure;
}

export class KmsClientError extends Error {
  readonly code: KmsClientErrorCode;
  /** KMIP Result Reason (`ResultReason.ItemNotFound`...). */
  readonly resultReason: number;
  /** The reason's KMIP name (`ItemNotFound`), or its number as text when unknown. */
  readonly reasonName: string;
  /** The server's Result Message (or HTTP body text), if any. */
  readonly resultMessage: string | undefined;
  /** HTTP status of a non-KMIP answer. */
  readonly status: number | undefined;
  /** Name of the client method that failed (`createSymmetricKey`, `grantAccess`...). */
  readonly operation: string;

  constructor(
    code: KmsClientErrorCode,
    message: string,
    options: {
      operation: string;
      resultReason?: number;
      resultMessage?: string | undefined;
      status?: number | undefined;
      cause?: unknown;
    },
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'KmsClientError';
    this.code = code;
    this.operation = options.operation;
    this.resultReason =
      options.resultReason ??
      (options.status === undefined ? ResultReason.GeneralFailure : reasonOfStatus(options.status));
    this.reasonName =
      enumName('ResultReason', this.resultReason) ?? `0x${this.resultReason.toString(16)}`;
    this.resultMessage = options.resultMessage;
    this.status = options.status;
  }

  /** An HTTP error answer of a REST route. */
  static fromStatus(operation: string, status: number, text: string): KmsClientError {
    const shown = text
      .replace(/[^\x20-\x7e]/g, ' ')
      .trim()
      .slice(0, 300);
    return new KmsClientError(
      'ERR_KMS_CLIENT_HTTP',
      `${operation}: HTTP ${status}${shown === '' ? '' : `: ${shown}`}`,
      { operation, status, resultMessage: shown === '' ? undefined : shown },
    );
  }
}

/** Why a fetch failed, in words a person understands (the cause chain of undici errors). */
function networkCause(error: unknown): string {
  let e: unknown = error;
  for (let depth = 0; depth < 5 && e instanceof Error; depth++) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ECONNREFUSED') return 'connection refused';
    if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'host not found';
    if (code === 'ECONNRESET') return 'connection reset';
    if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH') return 'host unreachable';
    if (typeof code === 'string' && /CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_VERIFY/.test(code))
      return `TLS: ${e.message}`;
    if (e.cause === undefined) return e.message;
    e = e.cause;
  }
  return error instanceof Error ? error.message : 'network error';
}

/** Turns what the KMIP layer or fetch threw into a `KmsClientError`. */
export function toClientError(operation: string, error: unknown): KmsClientError {
  if (error instanceof KmsClientError) return error;
  if (error instanceof KmipResultError) {
    const reason = enumName('ResultReason', error.resultReason) ?? String(error.resultReason);
    return new KmsClientError(
      'ERR_KMS_CLIENT_RESULT',
      `${operation}: ${reason}${error.resultMessage === undefined ? '' : `: ${error.resultMessage}`}`,
      {
        operation,
        resultReason: error.resultReason,
        resultMessage: error.resultMessage,
        cause: error,
      },
    );
  }
  if (error instanceof KmipTransportError) {
    if (error.code === 'ERR_KMIP_TIMEOUT')
      return new KmsClientError('ERR_KMS_CLIENT_TIMEOUT', `${operation}: ${error.message}`, {
        operation,
        cause: error,
      });
    if (error.code === 'ERR_KMIP_HTTP_STATUS' && error.status !== undefined) {
      // The Custos KMS answers `{"error","reason","message"}`; keep its reason and message.
      const body = error.message.replace(/^HTTP \d+:? ?/, '');
      let message: string | undefined = body === '' ? undefined : body;
      let reason: number | undefined;
      try {
        const j = JSON.parse(body) as { message?: unknown; reason?: unknown };
        if (typeof j.message === 'string') message = j.message;
        if (typeof j.reason === 'string') reason = reasonByName(j.reason);
      } catch {
        // a text body
      }
      return new KmsClientError(
        'ERR_KMS_CLIENT_HTTP',
        `${operation}: HTTP ${error.status}${message === undefined ? '' : `: ${message}`}`,
        {
          operation,
          status: error.status,
          resultMessage: message,
          ...(reason === undefined ? {} : { resultReason: reason }),
          cause: error,
        },
      );
    }
    return unreachable(operation, error.cause ?? error);
  }
  if (error instanceof KmipError)
    return new KmsClientError('ERR_KMS_CLIENT_RESPONSE', `${operation}: ${error.message}`, {
      operation,
      resultReason: error.resultReason,
      cause: error,
    });
  if (error instanceof DOMException && error.name === 'TimeoutError')
    return new KmsClientError('ERR_KMS_CLIENT_TIMEOUT', `${operation}: no response in time`, {
      operation,
      cause: error,
    });
  if (error instanceof TypeError || error instanceof RangeError) throw error;
  return unreachable(operation, error);
}

/** Result Reason of a name as servers spell it in JSON errors (`Item_Not_Found`, `ItemNotFound`). */
export function reasonByName(name: string): number | undefined {
  const key = name.replace(/_/g, '').toLowerCase();
  for (const [k, v] of Object.entries(ResultReason)) if (k.toLowerCase() === key) return v;
  return undefined;
}

/** The server could not be reached. */
export function unreachable(operation: string, cause: unknown): KmsClientError {
  return new KmsClientError(
    'ERR_KMS_CLIENT_UNREACHABLE',
    `${operation}: cannot reach the server: ${networkCause(cause)}`,
    { operation, cause },
  );
}
