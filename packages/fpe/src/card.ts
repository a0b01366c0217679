/**
 * Format-preserving encryption of payment card numbers (PANs, ISO/IEC 7812): 12 to 19 digits,
 * optionally grouped with spaces or dashes, which stay in place. The result keeps the Luhn check
 * digit valid (more precisely: it keeps the Luhn residue, so a valid number stays valid and an
 * invalid one stays invalid, and every input round-trips).
 *
 * Layout of an n-digit number: the first `keepLeading` digits (default 6, the issuer
 * identification number, so the brand and issuer still validate) and the last `keepTrailing`
 * digits (default 0) are kept. One digit is reserved to restore the Luhn residue: the check digit
 * itself when `keepTrailing` is 0, else the digit just before the kept tail. The remaining
 * `n - keepLeading - max(keepTrailing, 1)` digits are encrypted with FF1 (radix 10); the kept
 * digits and n are folded into the tweak, so equal middles under different issuers do not
 * encrypt alike.
 *
 * Domain: at least 6 encrypted digits (10^6). A 16-digit card with 6 leading and 4 trailing digits
 * kept has only 5 and is refused unless `allowSmallDomain`; keep 6 + 0 (9 encrypted digits), or
 * 0 + 4 (11), instead.
 */
import type { AesBlockCipher } from '@custos/crypto/block';
import { aoptions, tweakBytes, type Tweak } from './_assert.ts';
import { composeTweak, ff1For, resolveHelper, type HelperOptions } from './_helper.ts';
import { FpeError } from './errors.ts';
import type { FF1 } from './ff1.ts';

export type { HelperOptions } from './_helper.ts';

export interface CardLayout {
  /** Leading digits kept in clear, 0 to 8 (default 6). */
  keepLeading?: number;
  /** Trailing digits kept in clear, 0 to 4 (default 0). */
  keepTrailing?: number;
}

const MIN_DIGITS = 12;
const MAX_DIGITS = 19;
/** Luhn contribution of digit d at a doubled position, and its inverse. */
const DOUBLED = [0, 2, 4, 6, 8, 1, 3, 5, 7, 9];
const UNDOUBLED = [0, 5, 1, 6, 2, 7, 3, 8, 4, 9];

/** Luhn residue (sum mod 10) of an n-digit number, position p doubled iff n-1-p is odd. */
export function luhnResidue(digits: readonly number[]): number {
  const n = digits.length;
  let sum = 0;
  for (let p = 0; p < n; p++) {
    const d = digits[p] as number;
    sum += (n - 1 - p) % 2 === 1 ? (DOUBLED[d] as number) : d;
  }
  return sum % 10;
}

export class FpeCard {
  readonly keepLeading: number;
  readonly keepTrailing: number;
  readonly #minEncrypted: number;
  readonly #ff1: FF1;

  /**
   * @param key AES key (16, 24 or 32 bytes; not kept) or a shared `AesBlockCipher`.
   * @throws TypeError/RangeError on a bad key, layout or option.
   */
  constructor(key: Uint8Array | AesBlockCipher, layout?: CardLayout, options?: HelperOptions) {
    const l = aoptions(layout, 'layout');
    const { keepLeading = 6, keepTrailing = 0 } = l;
    if (
      typeof keepLeading !== 'number' ||
      !Number.isSafeInteger(keepLeading) ||
      keepLeading < 0 ||
      keepLeading > 8
    ) {
      throw new RangeError('layout.keepLeading must be an integer in [0, 8]');
    }
    if (
      typeof keepTrailing !== 'number' ||
      !Number.isSafeInteger(keepTrailing) ||
      keepTrailing < 0 ||
      keepTrailing > 4
    ) {
      throw new RangeError('layout.keepTrailing must be an integer in [0, 4]');
    }
    this.keepLeading = keepLeading;
    this.keepTrailing = keepTrailing;
    const h = resolveHelper(key, options);
    // 10^6 values (the NIST Rev. 1 minimum), or 10^2 with allowSmallDomain.
    this.#minEncrypted = h.allowSmallDomain ? 2 : 6;
    this.#ff1 = ff1For(h, 10);
  }

  /**
   * Encrypts a card number, keeping separators, the kept digits and the Luhn residue.
   * @throws TypeError for a non-string; FpeError ERR_FPE_INVALID_INPUT for characters other than
   *   digits, spaces and dashes or a digit count outside 12..19, ERR_FPE_DOMAIN_TOO_SMALL when
   *   fewer than 6 digits are left to encrypt.
   */
  encrypt(pan: string, tweak?: Tweak): string {
    return this.#run(pan, tweak, false);
  }

  /** Inverse of `encrypt`. Throws as `encrypt`. */
  decrypt(pan: string, tweak?: Tweak): string {
    return this.#run(pan, tweak, true);
  }

  #run(pan: unknown, tweak: unknown, decrypt: boolean): string {
    if (typeof pan !== 'string') throw new TypeError('pan must be a string');
    const digits: number[] = [];
    for (let i = 0; i < pan.length; i++) {
      const c = pan.charCodeAt(i);
      if (c >= 0x30 && c <= 0x39) digits.push(c - 0x30);
      else if (c !== 0x20 && c !== 0x2d) {
        throw new FpeError(
          'ERR_FPE_INVALID_INPUT',
          'a card number has only digits, spaces and dashes',
        );
      }
    }
    const n = digits.length;
    if (n < MIN_DIGITS || n > MAX_DIGITS) {
      throw new FpeError(
        'ERR_FPE_INVALID_INPUT',
        `a card number has ${MIN_DIGITS} to ${MAX_DIGITS} digits`,
      );
    }
    const lead = this.keepLeading;
    const fixer = this.keepTrailing === 0 ? n - 1 : n - 1 - this.keepTrailing;
    const free = fixer - lead;
    if (free < this.#minEncrypted) {
      throw new FpeError(
        'ERR_FPE_DOMAIN_TOO_SMALL',
        `a ${n}-digit card keeping ${lead} leading and ${this.keepTrailing} trailing digits leaves ` +
          `${Math.max(free, 0)} digits to encrypt; at least ${this.#minEncrypted} are needed (10^${this.#minEncrypted} values)`,
      );
    }
    const residue = luhnResidue(digits);
    // Tweak: caller's tweak || kept leading digits || kept trailing digits || n (fixed length).
    const extra = new Uint8Array(lead + this.keepTrailing + 1);
    for (let i = 0; i < lead; i++) extra[i] = 0x30 + (digits[i] as number);
    for (let i = 0; i < this.keepTrailing; i++)
      extra[lead + i] = 0x30 + (digits[n - this.keepTrailing + i] as number);
    extra[lead + this.keepTrailing] = n;
    const t = composeTweak(tweakBytes(tweak), extra);
    const middle = this.#ff1._permuteNumerals(digits.slice(lead, fixer), t, decrypt);
    const out = digits.slice();
    for (let i = 0; i < free; i++) out[lead + i] = middle[i] as number;
    // Restore the residue with the reserved digit: its contribution is whatever is missing.
    out[fixer] = 0;
    const missing = (residue - luhnResidue(out) + 10) % 10;
    const doubled = (n - 1 - fixer) % 2 === 1;
    out[fixer] = doubled ? (UNDOUBLED[missing] as number) : missing;
    // Put the digits back between the separators.
    let k = 0;
    let result = '';
    for (let i = 0; i < pan.length; i++) {
      const c = pan.charCodeAt(i);
      result +=
        c >= 0x30 && c <= 0x39 ? String.fromCharCode(0x30 + (out[k++] as number)) : pan.charAt(i);
    }
    return result;
  }
}
