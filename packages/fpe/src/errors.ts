/**
 * The one error base of `@custos/fpe`, with stable string codes that callers switch on.
 *
 * Wrong argument types and bad options (a key of the wrong length, an odd round count, a radix out
 * of range) are programming errors and throw plain `TypeError`/`RangeError`. `FpeError` is for
 * conditions that depend on the data being encrypted: a value too short for a safe domain, a
 * character outside the alphabet, a number outside the helper's range, a malformed date.
 *
 * Messages never contain the key, the tweak or the value being encrypted; they may name lengths,
 * radices and the helper's configured bounds, which are not secret.
 */

export type FpeErrorCode =
  /** radix^length is below the minimum domain (1,000,000 by default, 100 when opted out). */
  | 'ERR_FPE_DOMAIN_TOO_SMALL'
  /** The input is longer than the algorithm allows (FF3-1's maxlen). */
  | 'ERR_FPE_TOO_LONG'
  /** A numeral is not below the radix, or a character is not in the alphabet (strict mode). */
  | 'ERR_FPE_NOT_IN_ALPHABET'
  /** A number, date or decimal lies outside the helper's configured domain. */
  | 'ERR_FPE_OUT_OF_RANGE'
  /** The input does not parse as what the helper expects (decimal string, date, card number). */
  | 'ERR_FPE_INVALID_INPUT';

export class FpeError extends Error {
  readonly code: FpeErrorCode;

  constructor(code: FpeErrorCode, message: string) {
    super(message);
    this.name = 'FpeError';
    this.code = code;
  }
}
