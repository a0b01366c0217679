/**
 * What every typed helper shares: its options (hardened rounds by default), the FF1 instance it
 * builds, and tweak composition.
 */
import {
  block as defaultBlock,
  type AesBlockCipher,
  type BlockCipherFamily,
} from '@custos/crypto/block';
import { abool, ablock, aesFrom, aoptions } from './_assert.ts';
import { aRounds, type Rounds } from './_domain.ts';
import { FF1 } from './ff1.ts';

/** Options of the typed helpers and of `FpeString`. */
export interface HelperOptions {
  /**
   * Feistel rounds: 'hardened' (default: at least 18, more on small domains), 'nist' (10, the
   * standard) or an even integer in [10, 256].
   */
  rounds?: Rounds;
  /** Accept domains below 1,000,000 values (down to 100). Default false. */
  allowSmallDomain?: boolean;
  /** AES implementation used when `key` is raw bytes. Default: this runtime's provider. */
  block?: BlockCipherFamily;
}

export interface _ResolvedHelperOptions {
  rounds: Rounds;
  allowSmallDomain: boolean;
  aes: AesBlockCipher;
}

/** Validates helper options and expands the key once (shared by all the helper's FF1 radices). */
export function resolveHelper(
  key: unknown,
  options: HelperOptions | undefined,
): _ResolvedHelperOptions {
  const opts = aoptions(options);
  return {
    rounds: aRounds(opts.rounds, 'hardened'),
    allowSmallDomain: abool(opts.allowSmallDomain, 'options.allowSmallDomain', false),
    aes: aesFrom(key, ablock(opts.block, defaultBlock)),
  };
}

export function ff1For(h: _ResolvedHelperOptions, radix: number): FF1 {
  return new FF1(h.aes, radix, { rounds: h.rounds, allowSmallDomain: h.allowSmallDomain });
}

/**
 * The tweak a helper feeds FF1: the caller's tweak followed by helper data of a length fixed per
 * helper configuration (so the split is unambiguous).
 */
export function composeTweak(user: Uint8Array, extra: Uint8Array): Uint8Array {
  if (extra.length === 0) return user;
  const out = new Uint8Array(user.length + extra.length);
  out.set(user);
  out.set(extra, user.length);
  return out;
}
