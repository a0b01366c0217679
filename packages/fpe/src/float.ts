/**
 * Format-preserving encryption of floating-point numbers that never produces NaN or ±Infinity,
 * so a REAL/DOUBLE column, a JSON field or a validator that rejects non-finite values keeps
 * working.
 *
 * Modes:
 * - 'full' (default): a permutation of all finite values of the format except -0 (the input -0
 *   is read as +0, since JSON and most databases do not keep the sign of zero). Values are ranked
 *   (positive bit patterns first, then negative ones) and the rank is encrypted with FF1 over
 *   radix 2 (64 or 32 bits) with cycle walking past the 2^53 + 1 (2^24 + 1 for float32) ranks
 *   that are not finite values. The ciphertext can be any finite value: 123.45 may become 1e-300.
 * - 'mantissa': sign and exponent are kept, the 52-bit (23-bit) fraction is encrypted, with the
 *   sign and exponent in the tweak. The ciphertext stays in the plaintext's binade [2^e, 2^(e+1))
 *   (same sign, same order of magnitude within a factor of 2), which leaks that magnitude. The
 *   ciphertext is never -0: in the negative subnormal binade fraction 0 is left out by cycle
 *   walking.
 */
import type { AesBlockCipher } from '@custos/crypto/block';
import { aoptions, tweakBytes, type Tweak } from './_assert.ts';
import { composeTweak, ff1For, resolveHelper, type HelperOptions } from './_helper.ts';
import { assertDomainSize } from './_domain.ts';
import { FpeError } from './errors.ts';
import type { FF1 } from './ff1.ts';

export type { HelperOptions } from './_helper.ts';

export interface FloatFormat {
  /** IEEE 754 binary64 (JS numbers, DOUBLE) or binary32 (REAL). Default 'float64'. */
  format?: 'float64' | 'float32';
  /** 'full' (default) or 'mantissa' (keep sign and exponent): see the module comment. */
  mode?: 'full' | 'mantissa';
}

interface _Layout {
  bits: number;
  fractionBits: number;
  /** Number of non-negative finite bit patterns: exponent field below all ones. */
  finite: bigint;
}

const LAYOUTS: Record<'float64' | 'float32', _Layout> = {
  float64: { bits: 64, fractionBits: 52, finite: 0x7ff0000000000000n },
  float32: { bits: 32, fractionBits: 23, finite: 0x7f800000n },
};

export class FpeFloat {
  readonly format: 'float64' | 'float32';
  readonly mode: 'full' | 'mantissa';
  readonly #layout: _Layout;
  readonly #ff1: FF1;
  readonly #view = new DataView(new ArrayBuffer(8));

  /**
   * @param key AES key (16, 24 or 32 bytes; not kept) or a shared `AesBlockCipher`.
   * @throws TypeError/RangeError on a bad format or option.
   */
  constructor(key: Uint8Array | AesBlockCipher, format?: FloatFormat, options?: HelperOptions) {
    const f = aoptions(format, 'format');
    const name: unknown = f.format ?? 'float64';
    const mode: unknown = f.mode ?? 'full';
    if (name !== 'float64' && name !== 'float32') {
      throw new RangeError("format.format must be 'float64' or 'float32'");
    }
    if (mode !== 'full' && mode !== 'mantissa') {
      throw new RangeError("format.mode must be 'full' or 'mantissa'");
    }
    this.format = name;
    this.mode = mode;
    this.#layout = LAYOUTS[name];
    const h = resolveHelper(key, options);
    // 2^52 / 2^23 fractions and 2^64 / 2^32 patterns are all above 1,000,000.
    assertDomainSize(1n << BigInt(this.#layout.fractionBits), h.allowSmallDomain, 'the fraction');
    this.#ff1 = ff1For(h, 2);
  }

  /**
   * Encrypts a finite number into a finite number of the same format.
   * @throws TypeError for a non-number; FpeError ERR_FPE_INVALID_INPUT for NaN, ±Infinity, or a
   *   float32 helper given a value that is not exactly a float32 (`Math.fround(x) !== x`).
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
    if (!Number.isFinite(value)) {
      throw new FpeError('ERR_FPE_INVALID_INPUT', 'value must be finite (not NaN or Infinity)');
    }
    if (this.format === 'float32' && Math.fround(value) !== value) {
      throw new FpeError(
        'ERR_FPE_INVALID_INPUT',
        'value is not exactly representable as a float32',
      );
    }
    const t = tweakBytes(tweak);
    // -0 reads as +0 (value === 0 is true for both).
    const pattern = this.#toBits(value === 0 ? 0 : value);
    const out =
      this.mode === 'full' ? this.#full(pattern, t, decrypt) : this.#mantissa(pattern, t, decrypt);
    return this.#fromBits(out);
  }

  /** Rank of a finite, non -0 pattern: positives 0..F-1, negatives F..2F-2 (F = finite). */
  #full(pattern: bigint, tweak: Uint8Array, decrypt: boolean): bigint {
    const { bits, finite } = this.#layout;
    const signBit = 1n << BigInt(bits - 1);
    const size = 2n * finite - 1n;
    const rank = pattern < signBit ? pattern : finite + (pattern - signBit) - 1n;
    let y = this.#ff1._permuteBigInt(bits, rank, tweak, decrypt);
    while (y >= size) y = this.#ff1._permuteBigInt(bits, y, tweak, decrypt);
    return y < finite ? y : signBit + (y - finite) + 1n;
  }

  #mantissa(pattern: bigint, tweak: Uint8Array, decrypt: boolean): bigint {
    const { bits, fractionBits } = this.#layout;
    const fractionMask = (1n << BigInt(fractionBits)) - 1n;
    const head = pattern >> BigInt(fractionBits); // sign and exponent
    const fraction = pattern & fractionMask;
    // The negative zero exponent class: fraction 0 would be -0, so the domain is [1, 2^f).
    const noZero = head === 1n << BigInt(bits - 1 - fractionBits);
    const extra = new Uint8Array(2);
    extra[0] = Number(head >> 8n);
    extra[1] = Number(head & 0xffn);
    const t = composeTweak(tweak, extra);
    const size = noZero ? fractionMask : fractionMask + 1n;
    let y = this.#ff1._permuteBigInt(fractionBits, noZero ? fraction - 1n : fraction, t, decrypt);
    while (y >= size) y = this.#ff1._permuteBigInt(fractionBits, y, t, decrypt);
    return (head << BigInt(fractionBits)) | (noZero ? y + 1n : y);
  }

  #toBits(value: number): bigint {
    if (this.format === 'float64') {
      this.#view.setFloat64(0, value);
      return this.#view.getBigUint64(0);
    }
    this.#view.setFloat32(0, value);
    return BigInt(this.#view.getUint32(0));
  }

  #fromBits(pattern: bigint): number {
    if (this.format === 'float64') {
      this.#view.setBigUint64(0, pattern);
      return this.#view.getFloat64(0);
    }
    this.#view.setUint32(0, Number(pattern));
    return this.#view.getFloat32(0);
  }
}
