/**
 * Format-preserving encryption of JavaScript integers (Numbers): a value of a fixed-width domain
 * encrypts to a value of the same domain, so an INT column, a 9-digit account number or an id in
 * [1000000, 9999999] keeps its type and range. For values beyond 2^53 use `FpeBigInt`.
 *
 * Domains (see `IntegerDomain`): `{ digits, radix? }` = [0, radix^digits) with exactly that many
 * digits once zero-padded; `{ bits, signed? }` = a machine integer; `{ min, max }` = any range.
 * Every domain must hold at least 1,000,000 values (so 8- and 16-bit integers are refused unless
 * `allowSmallDomain`).
 */
import type { AesBlockCipher } from '@custos/crypto/block';
import { tweakBytes, type Tweak } from './_assert.ts';
import { ff1For, resolveHelper, type HelperOptions } from './_helper.ts';
import {
  permuteOffset,
  permuteOffsetNumber,
  resolveDomain,
  type _Domain,
  type IntegerDomain,
} from './_int-domain.ts';
import { FpeError } from './errors.ts';
import type { FF1 } from './ff1.ts';

export type { IntegerDomain } from './_int-domain.ts';
export type { HelperOptions } from './_helper.ts';

/** Domains up to 2^53 values run on Numbers end to end. */
const SAFE_SIZE = 2n ** 53n;

export class FpeInteger {
  /** Smallest value of the domain. */
  readonly min: number;
  /** Largest value of the domain. */
  readonly max: number;
  readonly #domain: _Domain;
  readonly #size: number;
  readonly #ff1: FF1;

  /**
   * @param key AES key (16, 24 or 32 bytes; not kept) or a shared `AesBlockCipher`.
   * @throws TypeError/RangeError on a bad key, domain or option; FpeError
   *   ERR_FPE_DOMAIN_TOO_SMALL for a domain of fewer than 1,000,000 values.
   */
  constructor(key: Uint8Array | AesBlockCipher, domain: IntegerDomain, options?: HelperOptions) {
    const h = resolveHelper(key, options);
    this.#domain = resolveDomain(domain, h.allowSmallDomain, true);
    this.min = Number(this.#domain.min);
    this.max = Number(this.#domain.max);
    this.#size = Number(this.#domain.size);
    this.#ff1 = ff1For(h, this.#domain.radix);
  }

  /**
   * Encrypts an integer of the domain into another.
   * @throws TypeError for a non-number; FpeError ERR_FPE_INVALID_INPUT for a non-integer,
   *   ERR_FPE_OUT_OF_RANGE outside [min, max].
   */
  encrypt(value: number, tweak?: Tweak): number {
    return this.#run(value, tweak, false);
  }

  /** Inverse of `encrypt`. Throws as `encrypt`. */
  decrypt(value: number, tweak?: Tweak): number {
    return this.#run(value, tweak, true);
  }

  #run(value: unknown, tweak: unknown, decrypt: boolean): number {
    if (typeof value !== 'number') throw new TypeError('value must be a number');
    if (!Number.isSafeInteger(value)) {
      throw new FpeError('ERR_FPE_INVALID_INPUT', 'value must be a safe integer');
    }
    if (value < this.min || value > this.max) {
      throw new FpeError('ERR_FPE_OUT_OF_RANGE', `value must be in [${this.min}, ${this.max}]`);
    }
    const t = tweakBytes(tweak);
    const d = this.#domain;
    if (d.size > SAFE_SIZE) {
      // Values are safe integers but offsets from min may not be (e.g. [-2^53 + 1, 2^53 - 1]).
      return Number(d.min + permuteOffset(this.#ff1, d, BigInt(value) - d.min, t, decrypt));
    }
    const offset = value - this.min;
    return this.min + permuteOffsetNumber(this.#ff1, d, offset, this.#size, t, decrypt);
  }
}
