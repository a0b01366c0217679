/**
 * FF3-1 (NIST SP 800-38G Rev. 1, initial public draft 2019, Algorithms 9 and 10): for
 * interoperability with existing FF3-1 data only.
 *
 * WITHDRAWN: the second public draft of SP 800-38G Rev. 1 (February 2025) removes FF3 and FF3-1
 * and keeps FF1 alone. FF3 fell to a practical slide attack (Durak and Vaudenay, CRYPTO 2017);
 * FF3-1 shrank the tweak to 56 bits in response, and then fell to linear cryptanalysis on small
 * domains (Beyne, CRYPTO 2021) and to the distinguisher of eprint 2020/1311 with 2^40 20-bit
 * plaintexts. Use FF1 for anything new; use this to read or migrate FF3-1 data.
 *
 * 8 Feistel rounds, a 7-byte tweak split into two 4-byte halves, one AES block per round on the
 * byte-reversed key, radix in [2, 2^16], and lengths in [minlen, 2 * floor(log_radix(2^96))].
 */
import { block as defaultBlock, type AesBlockCipher } from '@custos/crypto/block';
import { abool, ablock, aint, aoptions, isBytes } from './_assert.ts';
import { assertLength, minLengthFor } from './_domain.ts';
import { bigIntToBytes, bigIntToNumerals, bytesToBigInt } from './_num.ts';
import { assertNumerals } from './ff1.ts';
import { FpeError } from './errors.ts';
import type { BlockCipherFamily } from '@custos/crypto/block';

export interface Ff31Options {
  /** Accept radix^length below 1,000,000 down to 100. Default false. */
  allowSmallDomain?: boolean;
  /** AES implementation. Default: this runtime's provider. */
  block?: BlockCipherFamily;
}

const ROUNDS = 8;
const TWEAK_BYTES = 7;
const ZERO_TWEAK = new Uint8Array(TWEAK_BYTES);

/** FF3-1 for one key and one radix (interoperability only: see the module comment). */
export class FF3_1 {
  readonly radix: number;
  readonly minLength: number;
  /** 2 * floor(log_radix(2^96)). */
  readonly maxLength: number;
  readonly allowSmallDomain: boolean;
  readonly #aes: AesBlockCipher;
  readonly #radixBig: bigint;

  /**
   * @param key AES key, 16, 24 or 32 bytes (not kept; FF3-1 uses it byte-reversed).
   * @param radix 2 to 65536.
   * @throws TypeError/RangeError on a bad key, radix or option.
   */
  constructor(key: Uint8Array, radix: number, options?: Ff31Options) {
    const opts = aoptions(options);
    if (!isBytes(key)) throw new TypeError('key must be a Uint8Array');
    this.radix = aint(radix, 'radix', 2, 65536);
    this.allowSmallDomain = abool(opts.allowSmallDomain, 'options.allowSmallDomain', false);
    this.minLength = minLengthFor(this.radix, this.allowSmallDomain);
    this.#radixBig = BigInt(this.radix);
    // maxlen = 2 * floor(log_radix(2^96)), exactly: the largest k with radix^k <= 2^96.
    let k = 0;
    let p = 1n;
    while (p * this.#radixBig <= 2n ** 96n) {
      p *= this.#radixBig;
      k++;
    }
    this.maxLength = 2 * k;
    // The cipher is keyed with REVB(K); family.aes validates the length.
    this.#aes = ablock(opts.block, defaultBlock).aes(key.slice().reverse());
  }

  /**
   * Encrypts a numeral string (integers in [0, radix)) under a 7-byte tweak (zero when omitted).
   * @throws FpeError ERR_FPE_DOMAIN_TOO_SMALL, ERR_FPE_TOO_LONG (longer than `maxLength`),
   *   ERR_FPE_NOT_IN_ALPHABET. TypeError/RangeError for a bad argument or a tweak not 7 bytes.
   */
  encrypt(numerals: ArrayLike<number>, tweak?: Uint8Array): number[] {
    return this.#run(numerals, tweak, false);
  }

  /** Inverse of `encrypt`. Throws as `encrypt`. */
  decrypt(numerals: ArrayLike<number>, tweak?: Uint8Array): number[] {
    return this.#run(numerals, tweak, true);
  }

  #run(numerals: unknown, tweak: unknown, decrypt: boolean): number[] {
    const x = assertNumerals(numerals, this.radix);
    let t: Uint8Array = ZERO_TWEAK;
    if (tweak !== undefined) {
      if (!isBytes(tweak)) throw new TypeError('tweak must be a Uint8Array');
      if (tweak.length !== TWEAK_BYTES) throw new RangeError('FF3-1 tweak must be 7 bytes long');
      t = tweak;
    }
    const n = x.length;
    assertLength(this.radix, n, this.minLength, this.allowSmallDomain);
    if (n > this.maxLength) {
      throw new FpeError(
        'ERR_FPE_TOO_LONG',
        `FF3-1 accepts at most ${this.maxLength} numerals of radix ${this.radix}`,
      );
    }
    const radix = this.radix;
    const u = Math.ceil(n / 2);
    const v = n - u;
    const mu = this.#radixBig ** BigInt(u);
    const mv = this.#radixBig ** BigInt(v);
    // T_L = T[0..27] || 0^4, T_R = T[32..55] || T[28..31] || 0^4 (bits).
    const tl = [t[0] as number, t[1] as number, t[2] as number, (t[3] as number) & 0xf0];
    const tr = [t[4] as number, t[5] as number, t[6] as number, ((t[3] as number) & 0x0f) << 4];
    // Work on a = NUM_radix(REV(A)), b = NUM_radix(REV(B)): the reversals become digit order.
    let a = reversedNum(x, 0, u, this.#radixBig);
    let b = reversedNum(x, u, n, this.#radixBig);
    const p = new Uint8Array(16);
    for (let k = 0; k < ROUNDS; k++) {
      const i = decrypt ? ROUNDS - 1 - k : k;
      const even = (i & 1) === 0;
      const w = even ? tr : tl;
      const m = even ? mu : mv;
      // P = (W xor [i]^4) || [NUM(REV(half))]^12, encrypted as REVB(CIPH_REVB(K)(REVB(P))):
      // fill P byte-reversed directly, encrypt in place, read the result reversed.
      p[15] = w[0] as number;
      p[14] = w[1] as number;
      p[13] = w[2] as number;
      p[12] = (w[3] as number) ^ i;
      bigIntToBytes(decrypt ? a : b, p, 0, 12);
      p.subarray(0, 12).reverse();
      this.#aes.encryptBlock(p, p);
      p.reverse();
      const y = bytesToBigInt(p, 0, 16);
      if (decrypt) {
        let c = (b - y) % m;
        if (c < 0n) c += m;
        b = a;
        a = c;
      } else {
        const c = (a + y) % m;
        a = b;
        b = c;
      }
    }
    const out = new Array<number>(n);
    bigIntToNumerals(a, radix, u, out, 0);
    bigIntToNumerals(b, radix, v, out, u);
    // A = REV(STR^u(a)), B = REV(STR^v(b)).
    reverseRange(out, 0, u);
    reverseRange(out, u, n);
    return out;
  }
}

/** NUM_radix(REV(X[start..end))): the numerals read least significant first. */
function reversedNum(x: ArrayLike<number>, start: number, end: number, radix: bigint): bigint {
  let v = 0n;
  for (let i = end - 1; i >= start; i--) v = v * radix + BigInt(x[i] as number);
  return v;
}

function reverseRange(x: number[], start: number, end: number): void {
  for (let i = start, j = end - 1; i < j; i++, j--) {
    const tmp = x[i] as number;
    x[i] = x[j] as number;
    x[j] = tmp;
  }
}
