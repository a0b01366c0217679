/**
 * The one error base of `@custos/covercrypt`, with stable string codes that callers switch on.
 *
 * Wrong argument types (a number where bytes are expected, a missing option) are programming
 * errors and throw plain `TypeError`/`RangeError`. The classes here are for conditions a correct
 * program meets with data: a policy that does not parse or names an unknown attribute, an edit
 * the access structure refuses, bytes that are not a Covercrypt object, a key whose
 * authentication fails.
 *
 * A ciphertext that cannot be opened is not an error: decapsulation and decryption return
 * "not authorized" as a value (the key's policy does not cover the ciphertext, or the ciphertext
 * was altered: with hidden policies the two are indistinguishable by design). Integrity failures
 * of the symmetric layer after a successful decapsulation throw `DecryptionFailed` from
 * `@custos/crypto`, uniform and without cause.
 *
 * Messages never contain key material, plaintext or metadata; they may name attributes and
 * positions in a policy string, which the caller supplied.
 */

export type CovercryptErrorCode =
  /** An access policy does not parse, names an unknown attribute, or is not encryptable. */
  | 'ERR_COVERCRYPT_POLICY'
  /** An access-structure edit is refused (duplicate name, unknown dimension, last attribute...). */
  | 'ERR_COVERCRYPT_STRUCTURE'
  /** Bytes are not a well-formed Covercrypt object of the expected kind, version and suite. */
  | 'ERR_COVERCRYPT_FORMAT'
  /** A signature or MAC over a key does not verify, or a key belongs to another authority. */
  | 'ERR_COVERCRYPT_AUTHENTICATION';

export class CovercryptError extends Error {
  readonly code: CovercryptErrorCode;

  constructor(code: CovercryptErrorCode, message: string) {
    super(message);
    this.name = new.target.name;
    this.code = code;
  }
}

/**
 * A policy that does not parse or does not resolve. `position` is the 0-based offset in the
 * policy string where the problem starts (the message repeats the policy with a caret under it).
 */
export class PolicyError extends CovercryptError {
  readonly position: number | undefined;

  constructor(message: string, policy?: string, position?: number) {
    super('ERR_COVERCRYPT_POLICY', _withCaret(message, policy, position));
    this.position = position;
  }
}

/** An access-structure edit that cannot be applied. */
export class StructureError extends CovercryptError {
  constructor(message: string) {
    super('ERR_COVERCRYPT_STRUCTURE', message);
  }
}

/** Bytes that are not a well-formed Covercrypt object of the expected kind. */
export class FormatError extends CovercryptError {
  constructor(message: string) {
    super('ERR_COVERCRYPT_FORMAT', message);
  }
}

/** A key whose authority signature or MAC does not verify, or that is not the expected authority's. */
export class AuthenticationError extends CovercryptError {
  constructor(message: string) {
    super('ERR_COVERCRYPT_AUTHENTICATION', message);
  }
}

function _withCaret(message: string, policy?: string, position?: number): string {
  if (policy === undefined || position === undefined || policy.includes('\n')) return message;
  if (policy.length > 200) return `${message} (at offset ${position})`;
  return `${message} at offset ${position}\n  ${policy}\n  ${' '.repeat(position)}^`;
}
