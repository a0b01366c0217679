/**
 * Format-preserving encryption of text over an alphabet: every character of the alphabet is
 * replaced, every other character stays where it is (spaces, dashes, punctuation, characters the
 * alphabet lacks). Characters are Unicode code points, so surrogate pairs are never split.
 *
 * The characters outside the alphabet are not part of the tweak (as in Cosmian's FPE): "1234-5678"
 * and "12345678" encrypt their digits the same way. Only the alphabet characters must reach the
 * minimum domain: radix^count >= 1,000,000 (6 digits, 5 hexadecimal digits, 4 alphanumerics...).
 */
import type { AesBlockCipher } from '@custos/crypto/block';
import { abool, aoptions, tweakBytes, type Tweak } from './_assert.ts';
import { ff1For, resolveHelper, type HelperOptions } from './_helper.ts';
import { Alphabet } from './alphabet.ts';
import { FpeError } from './errors.ts';
import type { FF1 } from './ff1.ts';

export interface FpeStringOptions extends HelperOptions {
  /**
   * Keep characters outside the alphabet in place (default true). When false they throw
   * ERR_FPE_NOT_IN_ALPHABET.
   */
  passthrough?: boolean;
}

export class FpeString {
  readonly alphabet: Alphabet;
  readonly passthrough: boolean;
  readonly #ff1: FF1;

  /**
   * @param key AES key (16, 24 or 32 bytes; not kept) or a shared `AesBlockCipher`.
   * @throws TypeError/RangeError on a bad key, alphabet or option.
   */
  constructor(key: Uint8Array | AesBlockCipher, alphabet: Alphabet, options?: FpeStringOptions) {
    if (!(alphabet instanceof Alphabet)) throw new TypeError('alphabet must be an Alphabet');
    const opts = aoptions(options);
    this.passthrough = abool(opts.passthrough, 'options.passthrough', true);
    this.alphabet = alphabet;
    this.#ff1 = ff1For(resolveHelper(key, options), alphabet.radix);
  }

  /**
   * Encrypts `text` into a string of the same length in code points.
   * @throws FpeError ERR_FPE_DOMAIN_TOO_SMALL when too few characters are in the alphabet,
   *   ERR_FPE_NOT_IN_ALPHABET for a foreign character without passthrough.
   */
  encrypt(text: string, tweak?: Tweak): string {
    return this.#run(text, tweak, false);
  }

  /** Inverse of `encrypt` (same key, alphabet, options and tweak). Throws as `encrypt`. */
  decrypt(text: string, tweak?: Tweak): string {
    return this.#run(text, tweak, true);
  }

  #run(text: unknown, tweak: unknown, decrypt: boolean): string {
    if (typeof text !== 'string') throw new TypeError('text must be a string');
    const t = tweakBytes(tweak);
    const alphabet = this.alphabet;
    const codePoints: number[] = [];
    const positions: number[] = [];
    const numerals: number[] = [];
    for (const ch of text) {
      const cp = ch.codePointAt(0) as number;
      const numeral = alphabet.indexOf(cp);
      if (numeral >= 0) {
        positions.push(codePoints.length);
        numerals.push(numeral);
      } else if (!this.passthrough) {
        throw new FpeError(
          'ERR_FPE_NOT_IN_ALPHABET',
          'the text has a character outside the alphabet',
        );
      }
      codePoints.push(cp);
    }
    const out = this.#ff1._permuteNumerals(numerals, t, decrypt);
    for (let i = 0; i < out.length; i++) {
      codePoints[positions[i] as number] = alphabet.codePointAt(out[i] as number);
    }
    let result = '';
    for (let i = 0; i < codePoints.length; i += 4096) {
      result += String.fromCodePoint(...codePoints.slice(i, i + 4096));
    }
    return result;
  }
}
