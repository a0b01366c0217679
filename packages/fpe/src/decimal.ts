/**
 * Format-preserving encryption of fixed-precision decimals, as SQL DECIMAL(precision, scale): a
 * value with at most `precision` significant digits of which `scale` are after the point encrypts
 * to another such value. Strings are exact and canonical on output ("-1234.50"); Numbers are
 * accepted when they are exactly a decimal of that scale (0.1 with scale 2 is; 1.005 is not).
 *
 * Domain: the integers m = value * 10^scale with |m| < 10^precision (signed, default; the sign is
 * encrypted too) or 0 <= m < 10^precision (unsigned). Unsigned maps onto FF1 exactly (radix 10,
 * `precision` digits); signed uses cycle walking over radix 2. precision >= 6 (1,000,000 values)
 * unless `allowSmallDomain`.
 */
import type { AesBlockCipher } from '@custos/crypto/block';
import { aoptions, tweakBytes, type Tweak } from './_assert.ts';
import { ff1For, resolveHelper, type HelperOptions } from './_helper.ts';
import { permuteOffset, resolveDomain, type _Domain } from './_int-domain.ts';
import { FpeError } from './errors.ts';
import type { FF1 } from './ff1.ts';

export type { HelperOptions } from './_helper.ts';

export interface DecimalFormat {
  /** Total significant digits, 1 to 1000. */
  precision: number;
  /** Digits after the decimal point, 0 to precision. */
  scale: number;
  /** Allow negative values (default true). */
  signed?: boolean;
}

/** Numbers above 15 significant digits do not survive a decimal round trip through a double. */
const MAX_NUMBER_PRECISION = 15;
const DECIMAL = /^([+-]?)(\d+)(?:\.(\d+))?$/;

export class FpeDecimal {
  readonly precision: number;
  readonly scale: number;
  readonly signed: boolean;
  readonly #domain: _Domain;
  readonly #limit: bigint;
  readonly #ff1: FF1;

  /**
   * @param key AES key (16, 24 or 32 bytes; not kept) or a shared `AesBlockCipher`.
   * @throws TypeError/RangeError on a bad format or option; FpeError ERR_FPE_DOMAIN_TOO_SMALL.
   */
  constructor(key: Uint8Array | AesBlockCipher, format: DecimalFormat, options?: HelperOptions) {
    const f = aoptions(format, 'format');
    const { precision, scale, signed = true } = f;
    if (
      typeof precision !== 'number' ||
      !Number.isSafeInteger(precision) ||
      precision < 1 ||
      precision > 1000
    ) {
      throw new RangeError('format.precision must be an integer in [1, 1000]');
    }
    if (
      typeof scale !== 'number' ||
      !Number.isSafeInteger(scale) ||
      scale < 0 ||
      scale > precision
    ) {
      throw new RangeError('format.scale must be an integer in [0, precision]');
    }
    if (typeof signed !== 'boolean') throw new TypeError('format.signed must be a boolean');
    this.precision = precision;
    this.scale = scale;
    this.signed = signed;
    this.#limit = 10n ** BigInt(precision);
    const h = resolveHelper(key, options);
    this.#domain = resolveDomain(
      signed ? { min: 1n - this.#limit, max: this.#limit - 1n } : { digits: precision, radix: 10 },
      h.allowSmallDomain,
      false,
    );
    this.#ff1 = ff1For(h, this.#domain.radix);
  }

  /**
   * Encrypts a decimal. A string gives the canonical string of the result (no '+', no leading
   * zeros, exactly `scale` decimals); a Number gives a Number.
   * @throws TypeError for another type, or a Number when precision > 15; FpeError
   *   ERR_FPE_INVALID_INPUT for a malformed string, a non-finite Number or more decimals than
   *   `scale`, ERR_FPE_OUT_OF_RANGE for more than `precision` digits or a negative unsigned value.
   */
  encrypt(value: string, tweak?: Tweak): string;
  encrypt(value: number, tweak?: Tweak): number;
  encrypt(value: string | number, tweak?: Tweak): string | number {
    return this.#run(value, tweak, false);
  }

  /** Inverse of `encrypt`. Throws as `encrypt`. */
  decrypt(value: string, tweak?: Tweak): string;
  decrypt(value: number, tweak?: Tweak): number;
  decrypt(value: string | number, tweak?: Tweak): string | number {
    return this.#run(value, tweak, true);
  }

  #run(value: unknown, tweak: unknown, decrypt: boolean): string | number {
    let text: string;
    if (typeof value === 'string') {
      text = value;
    } else if (typeof value === 'number') {
      if (this.precision > MAX_NUMBER_PRECISION) {
        throw new TypeError('Number values need precision <= 15: pass decimal strings');
      }
      if (!Number.isFinite(value)) {
        throw new FpeError('ERR_FPE_INVALID_INPUT', 'value must be a finite number');
      }
      if (Math.abs(value) >= 1e21) {
        throw new FpeError('ERR_FPE_OUT_OF_RANGE', `value has more than ${this.precision} digits`);
      }
      text = value.toFixed(this.scale);
      // toFixed rounds: accept only Numbers that are exactly this decimal (as a double).
      if (Number(text) !== value) {
        throw new FpeError('ERR_FPE_INVALID_INPUT', `value has more than ${this.scale} decimals`);
      }
    } else {
      throw new TypeError('value must be a decimal string or a number');
    }
    const m = this.#parse(text);
    const t = tweakBytes(tweak);
    const d = this.#domain;
    const r = d.min + permuteOffset(this.#ff1, d, m - d.min, t, decrypt);
    const out = this.#format(r);
    return typeof value === 'number' ? Number(out) : out;
  }

  /** Parses to m = value * 10^scale, checking the domain. */
  #parse(text: string): bigint {
    const match = DECIMAL.exec(text);
    if (match === null) {
      throw new FpeError(
        'ERR_FPE_INVALID_INPUT',
        'value is not a decimal number ([-]digits[.digits])',
      );
    }
    const [, sign, int, frac = ''] = match as unknown as [
      string,
      string,
      string,
      string | undefined,
    ];
    // Extra decimals are fine only when they are zeros ("1.500" with scale 2).
    if (frac.length > this.scale && /[^0]/.test(frac.slice(this.scale))) {
      throw new FpeError('ERR_FPE_INVALID_INPUT', `value has more than ${this.scale} decimals`);
    }
    const digits = int + frac.slice(0, this.scale).padEnd(this.scale, '0');
    let m = BigInt(digits);
    if (sign === '-') m = -m;
    if (m >= this.#limit || m <= -this.#limit) {
      throw new FpeError('ERR_FPE_OUT_OF_RANGE', `value has more than ${this.precision} digits`);
    }
    if (m < 0n && !this.signed) {
      throw new FpeError('ERR_FPE_OUT_OF_RANGE', 'value is negative and the format is unsigned');
    }
    return m;
  }

  #format(m: bigint): string {
    const negative = m < 0n;
    const digits = (negative ? -m : m).toString().padStart(this.scale + 1, '0');
    const cut = digits.length - this.scale;
    const body = this.scale > 0 ? `${digits.slice(0, cut)}.${digits.slice(cut)}` : digits;
    return negative ? `-${body}` : body;
  }
}
