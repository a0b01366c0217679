/**
 * The one error base of `@custos/crypto`, with stable string codes that callers switch on.
 *
 * Argument errors (wrong type, wrong length, out of range) are plain `TypeError`/`RangeError`
 * thrown by the asserters in `_assert.ts`: they are programming errors. The classes here are
 * for conditions a correct program meets at run time with untrusted data.
 *
 * Messages never contain key bytes, plaintext or tokens.
 */

export type CryptoErrorCode =
  | 'ERR_CRYPTO_DECRYPTION_FAILED'
  | 'ERR_CRYPTO_INVALID_ENCODING'
  | 'ERR_CRYPTO_INVALID_KEY'
  | 'ERR_CRYPTO_UNSUPPORTED'
  | 'ERR_CRYPTO_STREAM';

export class CryptoError extends Error {
  readonly code: CryptoErrorCode;

  constructor(code: CryptoErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/**
 * Every authenticated-decryption or unwrap failure: bad tag, altered ciphertext, wrong key,
 * wrong AAD, bad padding, truncated input. One message, no cause, so that no path leaks which
 * check failed.
 */
export class DecryptionFailed extends CryptoError {
  constructor() {
    super('ERR_CRYPTO_DECRYPTION_FAILED', 'decryption failed');
  }
}

/** Bytes that do not decode: a non-canonical point, a malformed DER/PEM/JWK, a bad header. */
export class InvalidEncoding extends CryptoError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_CRYPTO_INVALID_ENCODING', message, options);
  }
}

/** Key material that is well formed but unusable: wrong algorithm, wrong kind, weak or invalid. */
export class InvalidKey extends CryptoError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_CRYPTO_INVALID_KEY', message, options);
  }
}

/** An algorithm or parameter set this provider does not offer in this runtime. */
export class Unsupported extends CryptoError {
  constructor(message: string) {
    super('ERR_CRYPTO_UNSUPPORTED', message);
  }
}

/** Misuse of a streaming encryptor/decryptor (use after final, data after the final chunk). */
export class StreamStateError extends CryptoError {
  constructor(message: string) {
    super('ERR_CRYPTO_STREAM', message);
  }
}
