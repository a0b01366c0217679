/**
 * The one error base of `@custos/kms` and its registry: every failure the server reports has a
 * stable string `code`, and the registry maps that code to the KMIP Result Reason written in a
 * failed batch item and to the HTTP status of the non-KMIP routes and of bare operations on
 * `POST /kmip/2_1`. Nothing else in the server decides a status or a reason.
 *
 * Messages are written for the client: they name fields, operations and identifiers, never key
 * bytes, plaintext or tokens. Internal failures are reported as `ERR_KMS_INTERNAL` with a fixed
 * message; their cause is logged, not sent.
 */
import { KmipError } from '@custos/kmip/errors';
import { ResultReason } from '@custos/kmip/enums';
import { CryptoError } from '@custos/crypto';

export type KmsErrorCode =
  | 'ERR_KMS_INVALID_MESSAGE'
  | 'ERR_KMS_REQUEST_TOO_LARGE'
  | 'ERR_KMS_UNSUPPORTED_VERSION'
  | 'ERR_KMS_OPERATION_NOT_SUPPORTED'
  | 'ERR_KMS_FEATURE_NOT_SUPPORTED'
  | 'ERR_KMS_MISSING_DATA'
  | 'ERR_KMS_INVALID_FIELD'
  | 'ERR_KMS_ITEM_NOT_FOUND'
  | 'ERR_KMS_OBJECT_DESTROYED'
  | 'ERR_KMS_AUTHENTICATION'
  | 'ERR_KMS_PERMISSION_DENIED'
  | 'ERR_KMS_WRONG_STATE'
  | 'ERR_KMS_ALREADY_EXISTS'
  | 'ERR_KMS_CRYPTOGRAPHIC_FAILURE'
  | 'ERR_KMS_BAD_CRYPTOGRAPHIC_PARAMETERS'
  | 'ERR_KMS_UNSUPPORTED_CRYPTOGRAPHIC_PARAMETERS'
  | 'ERR_KMS_INCOMPATIBLE_USAGE_MASK'
  | 'ERR_KMS_KEY_FORMAT_NOT_SUPPORTED'
  | 'ERR_KMS_KEY_WRAP_TYPE_NOT_SUPPORTED'
  | 'ERR_KMS_ENCODING_OPTION'
  | 'ERR_KMS_KEY_VALUE_NOT_PRESENT'
  | 'ERR_KMS_NOT_EXTRACTABLE'
  | 'ERR_KMS_SENSITIVE'
  | 'ERR_KMS_WRAPPING_OBJECT_NOT_FOUND'
  | 'ERR_KMS_ILLEGAL_OBJECT_TYPE'
  | 'ERR_KMS_ATTRIBUTE_NOT_FOUND'
  | 'ERR_KMS_ATTRIBUTE_INSTANCE_NOT_FOUND'
  | 'ERR_KMS_ATTRIBUTE_READ_ONLY'
  | 'ERR_KMS_ATTRIBUTE_SINGLE_VALUED'
  | 'ERR_KMS_MULTI_VALUED_ATTRIBUTE'
  | 'ERR_KMS_INVALID_ATTRIBUTE_VALUE'
  | 'ERR_KMS_UNSUPPORTED_ATTRIBUTE'
  | 'ERR_KMS_MISSING_IV'
  | 'ERR_KMS_ACCESS_STRUCTURE'
  | 'ERR_KMS_ACCESS_POLICY'
  | 'ERR_KMS_ACCESS_POLICY_DENIED'
  | 'ERR_KMS_FPE_DATA'
  | 'ERR_KMS_INVALID_CERTIFICATE'
  | 'ERR_KMS_INVALID_CSR'
  | 'ERR_KMS_X509_EXTENSION'
  | 'ERR_KMS_ISSUER'
  | 'ERR_KMS_RESPONSE_TOO_LARGE'
  | 'ERR_KMS_SERVER_LIMIT'
  | 'ERR_KMS_BAD_REQUEST'
  | 'ERR_KMS_NOT_FOUND'
  | 'ERR_KMS_METHOD_NOT_ALLOWED'
  | 'ERR_KMS_UNSUPPORTED_MEDIA_TYPE'
  | 'ERR_KMS_UNAVAILABLE'
  | 'ERR_KMS_INTERNAL';

/** Result Reason and HTTP status of one error code. */
export interface ErrorMapping {
  readonly reason: number;
  readonly status: number;
}

/**
 * The registry. HTTP statuses follow the meaning of the failure: 400 for a request that cannot
 * be understood, 401/403 for identity and rights, 404/410 for objects that are not there,
 * 409 for a conflict with the object's state, 422 for a well-formed request the server refuses
 * on cryptographic or attribute grounds, 501 for what is not implemented.
 */
export const ERROR_REGISTRY: Readonly<Record<KmsErrorCode, ErrorMapping>> = Object.freeze({
  ERR_KMS_INVALID_MESSAGE: { reason: ResultReason.InvalidMessage, status: 400 },
  ERR_KMS_REQUEST_TOO_LARGE: { reason: ResultReason.InvalidMessage, status: 413 },
  ERR_KMS_UNSUPPORTED_VERSION: { reason: ResultReason.UnsupportedProtocolVersion, status: 400 },
  ERR_KMS_OPERATION_NOT_SUPPORTED: { reason: ResultReason.OperationNotSupported, status: 501 },
  ERR_KMS_FEATURE_NOT_SUPPORTED: { reason: ResultReason.FeatureNotSupported, status: 501 },
  ERR_KMS_MISSING_DATA: { reason: ResultReason.MissingData, status: 400 },
  ERR_KMS_INVALID_FIELD: { reason: ResultReason.InvalidField, status: 400 },
  ERR_KMS_ITEM_NOT_FOUND: { reason: ResultReason.ItemNotFound, status: 404 },
  ERR_KMS_OBJECT_DESTROYED: { reason: ResultReason.ObjectDestroyed, status: 410 },
  ERR_KMS_AUTHENTICATION: { reason: ResultReason.AuthenticationNotSuccessful, status: 401 },
  ERR_KMS_PERMISSION_DENIED: { reason: ResultReason.PermissionDenied, status: 403 },
  ERR_KMS_WRONG_STATE: { reason: ResultReason.WrongKeyLifecycleState, status: 409 },
  ERR_KMS_ALREADY_EXISTS: { reason: ResultReason.ObjectAlreadyExists, status: 409 },
  ERR_KMS_CRYPTOGRAPHIC_FAILURE: { reason: ResultReason.CryptographicFailure, status: 422 },
  ERR_KMS_BAD_CRYPTOGRAPHIC_PARAMETERS: {
    reason: ResultReason.BadCryptographicParameters,
    status: 422,
  },
  ERR_KMS_UNSUPPORTED_CRYPTOGRAPHIC_PARAMETERS: {
    reason: ResultReason.UnsupportedCryptographicParameters,
    status: 422,
  },
  ERR_KMS_INCOMPATIBLE_USAGE_MASK: {
    reason: ResultReason.IncompatibleCryptographicUsageMask,
    status: 422,
  },
  ERR_KMS_KEY_FORMAT_NOT_SUPPORTED: { reason: ResultReason.KeyFormatTypeNotSupported, status: 422 },
  ERR_KMS_KEY_WRAP_TYPE_NOT_SUPPORTED: {
    reason: ResultReason.KeyWrapTypeNotSupported,
    status: 422,
  },
  ERR_KMS_ENCODING_OPTION: { reason: ResultReason.EncodingOptionError, status: 422 },
  ERR_KMS_KEY_VALUE_NOT_PRESENT: { reason: ResultReason.KeyValueNotPresent, status: 422 },
  ERR_KMS_NOT_EXTRACTABLE: { reason: ResultReason.NotExtractable, status: 403 },
  ERR_KMS_SENSITIVE: { reason: ResultReason.Sensitive, status: 403 },
  ERR_KMS_WRAPPING_OBJECT_NOT_FOUND: { reason: ResultReason.WrappingObjectNotFound, status: 404 },
  ERR_KMS_ILLEGAL_OBJECT_TYPE: { reason: ResultReason.IllegalObjectType, status: 422 },
  ERR_KMS_ATTRIBUTE_NOT_FOUND: { reason: ResultReason.AttributeNotFound, status: 404 },
  ERR_KMS_ATTRIBUTE_INSTANCE_NOT_FOUND: {
    reason: ResultReason.AttributeInstanceNotFound,
    status: 404,
  },
  ERR_KMS_ATTRIBUTE_READ_ONLY: { reason: ResultReason.AttributeReadOnly, status: 422 },
  ERR_KMS_ATTRIBUTE_SINGLE_VALUED: { reason: ResultReason.AttributeSingleValued, status: 422 },
  ERR_KMS_MULTI_VALUED_ATTRIBUTE: { reason: ResultReason.MultiValuedAttribute, status: 422 },
  ERR_KMS_INVALID_ATTRIBUTE_VALUE: { reason: ResultReason.InvalidAttributeValue, status: 422 },
  ERR_KMS_UNSUPPORTED_ATTRIBUTE: { reason: ResultReason.UnsupportedAttribute, status: 422 },
  ERR_KMS_MISSING_IV: { reason: ResultReason.MissingInitializationVector, status: 422 },
  // Covercrypt: an access structure that does not parse or an edit it refuses.
  ERR_KMS_ACCESS_STRUCTURE: { reason: ResultReason.InvalidAttributeValue, status: 422 },
  // Covercrypt: an access or encryption policy that does not parse or names unknown attributes.
  ERR_KMS_ACCESS_POLICY: { reason: ResultReason.InvalidField, status: 422 },
  // Covercrypt: the user key's access policy does not open the ciphertext (or it was altered).
  ERR_KMS_ACCESS_POLICY_DENIED: { reason: ResultReason.CryptographicFailure, status: 422 },
  // FPE: a value that does not fit the requested format (alphabet, domain, length).
  ERR_KMS_FPE_DATA: { reason: ResultReason.InvalidField, status: 422 },
  // PKI: a certificate, PEM text or PKCS#7 container that does not parse.
  ERR_KMS_INVALID_CERTIFICATE: { reason: ResultReason.InvalidField, status: 422 },
  // PKI: a PKCS#10 request that does not parse or whose signature does not verify.
  ERR_KMS_INVALID_CSR: { reason: ResultReason.InvalidCSR, status: 422 },
  // PKI: a subject name, validity or X.509 extension description Certify cannot use.
  ERR_KMS_X509_EXTENSION: { reason: ResultReason.InvalidAttributeValue, status: 422 },
  // PKI: the issuer named cannot sign the certificate (not a CA, key mismatch, expired).
  ERR_KMS_ISSUER: { reason: ResultReason.InvalidField, status: 422 },
  ERR_KMS_RESPONSE_TOO_LARGE: { reason: ResultReason.ResponseTooLarge, status: 422 },
  ERR_KMS_SERVER_LIMIT: { reason: ResultReason.ServerLimitExceeded, status: 413 },
  ERR_KMS_BAD_REQUEST: { reason: ResultReason.InvalidField, status: 400 },
  ERR_KMS_NOT_FOUND: { reason: ResultReason.ItemNotFound, status: 404 },
  ERR_KMS_METHOD_NOT_ALLOWED: { reason: ResultReason.OperationNotSupported, status: 405 },
  ERR_KMS_UNSUPPORTED_MEDIA_TYPE: { reason: ResultReason.InvalidMessage, status: 415 },
  ERR_KMS_UNAVAILABLE: { reason: ResultReason.GeneralFailure, status: 503 },
  ERR_KMS_INTERNAL: { reason: ResultReason.GeneralFailure, status: 500 },
});

/** A failure the server reports to its client. */
export class KmsError extends Error {
  readonly code: KmsErrorCode;

  constructor(code: KmsErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'KmsError';
    this.code = code;
  }

  /** KMIP Result Reason of this error (KMIP 2.x value; see `reasonForVersion`). */
  get reason(): number {
    return ERROR_REGISTRY[this.code].reason;
  }

  /** HTTP status of this error. */
  get status(): number {
    return ERROR_REGISTRY[this.code].status;
  }
}

/** Result Reasons of KMIP 2.x that a KMIP 1.x client does not know, and what to send instead. */
const V1_FALLBACK: ReadonlyMap<number, number> = new Map([
  [ResultReason.ObjectDestroyed, ResultReason.ItemNotFound],
  [ResultReason.ObjectNotFound, ResultReason.ItemNotFound],
  [ResultReason.WrappingObjectNotFound, ResultReason.ItemNotFound],
  [ResultReason.WrongKeyLifecycleState, 0x0b /* Illegal Operation (1.x) */],
  [ResultReason.ObjectAlreadyExists, 0x0b],
  [ResultReason.BadCryptographicParameters, ResultReason.InvalidField],
  [ResultReason.UnsupportedCryptographicParameters, ResultReason.InvalidField],
  [ResultReason.IncompatibleCryptographicUsageMask, ResultReason.PermissionDenied],
  [ResultReason.KeyWrapTypeNotSupported, ResultReason.FeatureNotSupported],
  [ResultReason.IllegalObjectType, ResultReason.InvalidField],
  [ResultReason.AttributeNotFound, ResultReason.InvalidField],
  [ResultReason.AttributeInstanceNotFound, 0x0e /* Index Out of Bounds (1.x) */],
  [ResultReason.AttributeReadOnly, ResultReason.PermissionDenied],
  [ResultReason.AttributeSingleValued, ResultReason.InvalidField],
  [ResultReason.MultiValuedAttribute, ResultReason.InvalidField],
  [ResultReason.InvalidAttributeValue, ResultReason.InvalidField],
  [ResultReason.UnsupportedAttribute, ResultReason.InvalidField],
  [ResultReason.MissingInitializationVector, ResultReason.MissingData],
  [ResultReason.ServerLimitExceeded, ResultReason.GeneralFailure],
  [ResultReason.UnsupportedProtocolVersion, ResultReason.InvalidMessage],
  [ResultReason.InvalidCSR, ResultReason.InvalidField],
]);

/**
 * The Result Reason to send to a client of `major`.`minor`: KMIP 1.x enumerates fewer reasons
 * (ObjectAlreadyExists arrived in 1.4, the rest in 2.0), so newer ones are mapped to the closest
 * 1.x reason.
 */
export function reasonForVersion(reason: number, major: number, minor: number): number {
  if (major >= 2) return reason;
  if (reason === ResultReason.ObjectAlreadyExists && minor >= 4) return reason;
  return V1_FALLBACK.get(reason) ?? (reason > 0x18 && reason !== 0x100 ? 0x100 : reason);
}

/** Codes of the KMIP codec/payload errors, by the Result Reason the kmip package assigns. */
const KMIP_REASON_TO_CODE: ReadonlyMap<number, KmsErrorCode> = new Map([
  [ResultReason.InvalidMessage, 'ERR_KMS_INVALID_MESSAGE'],
  [ResultReason.MissingData, 'ERR_KMS_MISSING_DATA'],
  [ResultReason.InvalidField, 'ERR_KMS_INVALID_FIELD'],
  [ResultReason.OperationNotSupported, 'ERR_KMS_OPERATION_NOT_SUPPORTED'],
  [ResultReason.UnsupportedProtocolVersion, 'ERR_KMS_UNSUPPORTED_VERSION'],
]);

/**
 * Any thrown value as a `KmsError`: KMS errors as they are, KMIP codec and payload errors by
 * their Result Reason, every cryptographic failure as one uniform `Cryptographic Failure`, and
 * everything else as an internal error whose cause stays on the server.
 */
export function toKmsError(error: unknown): KmsError {
  if (error instanceof KmsError) return error;
  if (error instanceof KmipError) {
    const code = KMIP_REASON_TO_CODE.get(error.resultReason) ?? 'ERR_KMS_INVALID_MESSAGE';
    if (error.code === 'ERR_KMIP_TOO_LARGE')
      return new KmsError('ERR_KMS_REQUEST_TOO_LARGE', error.message);
    return new KmsError(code, error.message);
  }
  if (error instanceof CryptoError) {
    // One message for every cryptographic failure: which check failed is not the client's business.
    return new KmsError('ERR_KMS_CRYPTOGRAPHIC_FAILURE', 'cryptographic failure');
  }
  return new KmsError('ERR_KMS_INTERNAL', 'internal error', { cause: error });
}

/** Spelling of a Result Reason as Cosmian writes it in JSON (`Item_Not_Found`). */
export function reasonName(reason: number): string {
  for (const [name, value] of Object.entries(ResultReason)) {
    if (value === reason) return name.replace(/([a-z0-9])([A-Z])/g, '$1_$2');
  }
  return `0x${reason.toString(16).padStart(8, '0')}`;
}
