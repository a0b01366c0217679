/**
 * Integer domains for the typed helpers, and the FF1 permutation over them.
 *
 * A domain is a contiguous range [min, max]. It maps onto FF1 in one of two ways:
 * - exactly, when its size is radix^length (`{ digits }`: radix^digits values; `{ bits }`: 2^bits
 *   values, radix 2): one FF1 call;
 * - by cycle walking otherwise (`{ min, max }`): FF1 over the smallest power of two that holds the
 *   range (radix 2), re-encrypting while the result falls outside. That power is less than twice
 *   the range, so the expected number of FF1 calls is below 2; the walk always ends because a
 *   permutation's cycle through an in-range value returns to the range.
 */
import { assertDomainSize } from './_domain.ts';
import { bitLength } from './_num.ts';
import type { FF1 } from './ff1.ts';

export type IntegerDomain =
  /** [0, radix^digits): a fixed number of digits, e.g. `{ digits: 9 }` for 000000000-999999999. */
  | { digits: number; radix?: number }
  /** [0, 2^bits), or [-2^(bits-1), 2^(bits-1)) when signed: a machine integer column. */
  | { bits: number; signed?: boolean }
  /** [min, max], inclusive. */
  | { min: number | bigint; max: number | bigint };

export interface _Domain {
  min: bigint;
  max: bigint;
  size: bigint;
  radix: number;
  length: number;
  /** FF1 domain radix^length > size: cycle walking needed. */
  walk: boolean;
}

function has(o: object, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(o, key);
}

function toBig(value: unknown, label: string): bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return BigInt(value);
  throw new TypeError(`${label} must be a safe integer or a bigint`);
}

/**
 * Validates a domain description. `maxBits` bounds the values (53 for Number helpers).
 * Throws TypeError/RangeError on a malformed description, FpeError ERR_FPE_DOMAIN_TOO_SMALL below
 * the minimum domain.
 */
export function resolveDomain(
  domain: unknown,
  allowSmallDomain: boolean,
  numberOnly: boolean,
): _Domain {
  if (typeof domain !== 'object' || domain === null) {
    throw new TypeError('domain must be { digits, radix? }, { bits, signed? } or { min, max }');
  }
  const kinds = ['digits', 'bits', 'min'].filter((k) => has(domain, k));
  if (kinds.length !== 1) {
    throw new TypeError('domain must have exactly one of digits, bits or min/max');
  }
  let d: _Domain;
  if (kinds[0] === 'digits') {
    const { digits, radix = 10 } = domain as { digits: unknown; radix?: unknown };
    if (typeof radix !== 'number' || !Number.isSafeInteger(radix) || radix < 2 || radix > 65536) {
      throw new RangeError('domain.radix must be an integer in [2, 65536]');
    }
    if (typeof digits !== 'number' || !Number.isSafeInteger(digits) || digits < 1) {
      throw new RangeError('domain.digits must be a positive integer');
    }
    if (digits > 4096) throw new RangeError('domain.digits must be at most 4096');
    const size = BigInt(radix) ** BigInt(digits);
    d = { min: 0n, max: size - 1n, size, radix, length: digits, walk: false };
  } else if (kinds[0] === 'bits') {
    const { bits, signed = false } = domain as { bits: unknown; signed?: unknown };
    if (typeof bits !== 'number' || !Number.isSafeInteger(bits) || bits < 1 || bits > 65536) {
      throw new RangeError('domain.bits must be an integer in [1, 65536]');
    }
    if (typeof signed !== 'boolean') throw new TypeError('domain.signed must be a boolean');
    const size = 1n << BigInt(bits);
    const min = signed ? -(size >> 1n) : 0n;
    d = { min, max: min + size - 1n, size, radix: 2, length: bits, walk: false };
  } else {
    const { min: rawMin, max: rawMax } = domain as { min: unknown; max: unknown };
    const min = toBig(rawMin, 'domain.min');
    const max = toBig(rawMax, 'domain.max');
    if (max < min) throw new RangeError('domain.max must be >= domain.min');
    const size = max - min + 1n;
    const length = Math.max(2, bitLength(size - 1n));
    d = { min, max, size, radix: 2, length, walk: size !== 1n << BigInt(length) };
  }
  if (numberOnly) {
    const limit = BigInt(Number.MAX_SAFE_INTEGER);
    if (d.min < -limit || d.max > limit) {
      throw new RangeError('domain exceeds safe integers: use FpeBigInt');
    }
  }
  assertDomainSize(d.size, allowSmallDomain, 'the integer domain');
  return d;
}

/** FF1 over the domain, on the offset value x - min in [0, size). */
export function permuteOffset(
  ff1: FF1,
  d: _Domain,
  offset: bigint,
  tweak: Uint8Array,
  decrypt: boolean,
): bigint {
  let y = ff1._permuteBigInt(d.length, offset, tweak, decrypt);
  while (d.walk && y >= d.size) y = ff1._permuteBigInt(d.length, y, tweak, decrypt);
  return y;
}

/** Same with Numbers, for domains of at most 2^53 values. */
export function permuteOffsetNumber(
  ff1: FF1,
  d: _Domain,
  offset: number,
  size: number,
  tweak: Uint8Array,
  decrypt: boolean,
): number {
  let y = ff1._permuteNumber(d.length, offset, tweak, decrypt);
  while (d.walk && y >= size) y = ff1._permuteNumber(d.length, y, tweak, decrypt);
  return y;
}
