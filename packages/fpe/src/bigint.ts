/**
 * Format-preserving encryption of bigints: the same domains as `FpeInteger` (`{ digits, radix? }`,
 * `{ bits, signed? }`, `{ min, max }`) without the 2^53 limit, for 64-bit and 128-bit columns,
 * DECIMAL(38, 0) keys or long account numbers. Every domain must hold at least 1,000,000 values.
 */
import type { AesBlockCipher } from '@custos/crypto/block';
import { tweakBytes, type Tweak } from './_assert.ts';
import { ff1For, resolveHelper, type HelperOptions } from './_helper.ts';
import { permuteOffset, resolveDomain, type _Domain, type IntegerDomain } from './_int-domain.ts';
import { FpeError } from './errors.ts';
import type { FF1 } from './ff1.ts';

export type { IntegerDomain } from './_int-domain.ts';
export type { HelperOptions } from './_helper.ts';

export class FpeBigInt {
  readonly min: bigint;
  readonly max: bigint;
  readonly #domain: _Domain;
  readonly #ff1: FF1;

  /**
   * @param key AES key (16, 24 or 32 bytes; not kept) or a shared `AesBlockCipher`.
   * @throws TypeError/RangeError on a bad key, domain or option; FpeError
   *   ERR_FPE_DOMAIN_TOO_SMALL for a domain of fewer than 1,000,000 values.
   */
  constructor(key: Uint8Array | AesBlockCipher, domain: IntegerDomain, options?: HelperOptions) {
    const h = resolveHelper(key, options);
    this.#domain = resolveDomain(domain, h.allowSmallDomain, false);
    this.min = this.#domain.min;
    this.max = this.#domain.max;
    this.#ff1 = ff1For(h, this.#domain.radix);
  }

  /**
   * Encrypts a bigint of the domain into another.
   * @throws TypeError for a non-bigint; FpeError ERR_FPE_OUT_OF_RANGE outside [min, max].
   */
  encrypt(value: bigint, tweak?: Tweak): bigint {
    return this.#run(value, tweak, false);
  }

  /** Inverse of `encrypt`. Throws as `encrypt`. */
  decrypt(value: bigint, tweak?: Tweak): bigint {
    return this.#run(value, tweak, true);
  }

  #run(value: unknown, tweak: unknown, decrypt: boolean): bigint {
    if (typeof value !== 'bigint') throw new TypeError('value must be a bigint');
    if (value < this.min || value > this.max) {
      throw new FpeError('ERR_FPE_OUT_OF_RANGE', `value must be in [${this.min}, ${this.max}]`);
    }
    const t = tweakBytes(tweak);
    return this.min + permuteOffset(this.#ff1, this.#domain, value - this.min, t, decrypt);
  }
}
