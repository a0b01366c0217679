/**
 * The domain-size rule and the round-count choice shared by FF1, FF3-1 and every helper.
 *
 * Domain rule (NIST SP 800-38G Rev. 1): radix^minlen >= 1,000,000. Enforced by default on both
 * encryption and decryption. `allowSmallDomain` falls back to the 2016 floor radix^minlen >= 100,
 * which even legacy data must meet (below it the permutation is a tiny lookup table).
 *
 * Hardened rounds: see `hardenedRounds` and docs/fpe.md.
 */
import { FpeError } from './errors.ts';

export const MIN_DOMAIN = 1_000_000;
export const LEGACY_MIN_DOMAIN = 100;

/** The smallest length n >= 2 with radix^n >= the applicable minimum domain. */
export function minLengthFor(radix: number, allowSmallDomain: boolean): number {
  const floor = allowSmallDomain ? LEGACY_MIN_DOMAIN : MIN_DOMAIN;
  let n = 2;
  let size = radix * radix;
  while (size < floor) {
    size *= radix;
    n++;
  }
  return n;
}

/** Throws ERR_FPE_DOMAIN_TOO_SMALL when a domain of `size` values is below the minimum. */
export function assertDomainSize(size: bigint, allowSmallDomain: boolean, what: string): void {
  const floor = allowSmallDomain ? LEGACY_MIN_DOMAIN : MIN_DOMAIN;
  if (size < BigInt(floor)) {
    throw new FpeError(
      'ERR_FPE_DOMAIN_TOO_SMALL',
      `${what} has ${size} possible values, below the minimum of ${floor.toLocaleString('en-US')}` +
        (allowSmallDomain
          ? ''
          : ' (NIST SP 800-38G Rev. 1); widen the domain, or set allowSmallDomain to accept the 2016 floor of 100'),
    );
  }
}

/** Throws ERR_FPE_DOMAIN_TOO_SMALL for a numeral string shorter than `minLength`. */
export function assertLength(
  radix: number,
  length: number,
  minLength: number,
  allowSmallDomain: boolean,
): void {
  if (length >= minLength) return;
  const floor = allowSmallDomain ? LEGACY_MIN_DOMAIN : MIN_DOMAIN;
  throw new FpeError(
    'ERR_FPE_DOMAIN_TOO_SMALL',
    `${length} numerals of radix ${radix} is below the minimum domain radix^length >= ` +
      `${floor.toLocaleString('en-US')}: at least ${minLength} are needed` +
      (allowSmallDomain
        ? ''
        : ' (NIST SP 800-38G Rev. 1); set allowSmallDomain to accept the 2016 floor of 100'),
  );
}

/** NIST FF1 round count. */
export const NIST_ROUNDS = 10;
/** Floor of the hardened mode: Cosmian's FF1h uses 18, and we never go below it. */
export const HARDENED_MIN_ROUNDS = 18;
/** Security target of the hardened rule, in bits of data complexity. */
const HARDENED_TARGET_BITS = 128;

/**
 * Hardened round count for an FF1 input of `length` numerals: the smallest even r >= 18 with
 * N^(r-4) >= 2^128, where N = radix^floor(length/2) is the smaller Feistel half. The N^(r-4) data
 * complexity is the generic differential distinguisher of Dunkelman, Kumar, Lambooij and Sanadhya
 * (eprint 2020/1311), which matches both of their published numbers: 2^60 for FF1 (r = 10) and
 * 2^40 for FF3-1 (r = 8) at N = 2^10. Small domains get more rounds; 18 covers every domain that
 * meets the 1,000,000 rule (N >= 1000).
 */
export function hardenedRounds(radix: number, length: number): number {
  const halfBits = Math.floor(length / 2) * Math.log2(radix);
  // The epsilon keeps an exact quotient (powers of two) from rounding up one round too many.
  const needed = 4 + Math.ceil(HARDENED_TARGET_BITS / halfBits - 1e-9);
  const even = needed + (needed & 1);
  return Math.max(HARDENED_MIN_ROUNDS, even);
}

/** Round option of FF1 and of every helper. */
export type Rounds = 'nist' | 'hardened' | number;

/** Validates a rounds option (an even integer in [10, 256], 'nist' or 'hardened'). */
export function aRounds(value: unknown, fallback: Rounds): Rounds {
  if (value === undefined) return fallback;
  if (value === 'nist' || value === 'hardened') return value;
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    throw new TypeError("options.rounds must be 'nist', 'hardened' or an even integer");
  }
  // FF1 puts the round index in one byte (so at most 256 rounds), and an even count keeps the
  // halves in place (A of u numerals, B of v) so decryption needs no extra bookkeeping.
  if (value < NIST_ROUNDS || value > 256 || value % 2 !== 0) {
    throw new RangeError('options.rounds must be an even integer in [10, 256]');
  }
  return value;
}

/** Rounds for one input length under a rounds option. */
export function roundsFor(rounds: Rounds, radix: number, length: number): number {
  if (rounds === 'nist') return NIST_ROUNDS;
  if (rounds === 'hardened') return hardenedRounds(radix, length);
  return rounds;
}
