/**
 * FF1 (NIST SP 800-38G, Algorithms 7 and 8) over AES-128/192/256, with a hardened mode that runs
 * more Feistel rounds on small domains.
 *
 * The construction is the standard one, step for step, except that it works on the integer values
 * of the two halves instead of numeral strings (an equivalent rewriting allowed by SP 800-38G §6
 * and described in Wycheproof's FF1 notes), and that it caches what does not change between calls:
 *
 * - AES(P), whose input depends only on (radix, n, tweak length), per key and length;
 * - the CBC-MAC state after the tweak's whole blocks, per (length, tweak), so a round costs one AES
 *   block (two when the tweak does not leave room for the round index and the half in one block),
 *   plus ceil(d/16) - 1 blocks for S (none up to 56 decimal digits);
 * - Number arithmetic when radix^v <= 2^44 (every Feistel half of up to 13 decimal digits), BigInt
 *   above.
 *
 * Hardened mode (`rounds: 'hardened'`) is the same algorithm with more rounds; the P block still
 * says 10, as in Cosmian's FF1h, so 18 hardened rounds over AES-256 equal Cosmian's FF1h.
 */
import {
  block as defaultBlock,
  type AesBlockCipher,
  type BlockCipherFamily,
} from '@custos/crypto/block';
import { abool, aesFrom, aint, ablock, aoptions, tweakBytes, type Tweak } from './_assert.ts';
import {
  aRounds,
  assertLength,
  minLengthFor,
  roundsFor as _roundsFor,
  type Rounds,
} from './_domain.ts';
import {
  bigIntToBytes,
  bigIntToNumerals,
  bitLength,
  byteLength,
  bytesToBigInt,
  NUMBER_PATH_MAX,
  numberToBytes,
  numberToNumerals,
  numeralsToBigInt,
  numeralsToNumber,
} from './_num.ts';
import { FpeError } from './errors.ts';

export type { Rounds } from './_domain.ts';
export type { Tweak } from './_assert.ts';

export interface Ff1Options {
  /**
   * Feistel rounds: 'nist' (10, the standard, interoperable), 'hardened' (at least 18, more on
   * small domains; see docs/fpe.md) or an even integer in [10, 256]. Default 'nist'.
   */
  rounds?: Rounds;
  /**
   * Accept domains radix^length below 1,000,000 down to the 2016 floor of 100. Default false:
   * such inputs throw ERR_FPE_DOMAIN_TOO_SMALL.
   */
  allowSmallDomain?: boolean;
  /** AES implementation used when `key` is raw bytes. Default: this runtime's provider. */
  block?: BlockCipherFamily;
}

/** FF1's largest input length (n is encoded on 4 bytes). */
const MAX_LENGTH = 2 ** 32 - 1;
/** Cache bounds: lengths and (length, tweak length) pairs seen by one instance. */
const MAX_CACHED = 64;

/** Everything that depends on the input length n only. */
interface _Shape {
  n: number;
  u: number;
  v: number;
  b: number;
  d: number;
  rounds: number;
  numberPath: boolean;
  /** Bytes of S folded per reduction: the largest c >= 1 with (mv - 1) * 256^c < 2^52. */
  chunk: number;
  mu: number;
  mv: number;
  muBig: bigint;
  mvBig: bigint;
}

/** Everything that depends on (n, tweak length) and, for `state`/`tail`, on the tweak itself. */
interface _TweakState {
  encP: Uint8Array;
  tweak: Uint8Array | undefined;
  /** CBC-MAC chaining value after P and the whole blocks of T || 0^pad. */
  state: Uint8Array;
  /** The last blocks of Q: rest of the tweak, zero pad, [i], [half]_b. */
  tail: Uint8Array;
  iPos: number;
  fullBlocks: number;
  /** S = R || E(R ^ [1]) || ... when d > 16. */
  s: Uint8Array;
}

/**
 * An FF1 cipher for one key and one radix. Instances cache per-length and per-tweak state, so keep
 * one per (key, radix) and reuse it. Not safe to share across threads (JS has none within a realm).
 */
export class FF1 {
  /** Number of symbols: numerals are integers in [0, radix). */
  readonly radix: number;
  /** Shortest accepted input (radix^minLength >= 1,000,000, or >= 100 with allowSmallDomain). */
  readonly minLength: number;
  readonly allowSmallDomain: boolean;
  readonly #aes: AesBlockCipher;
  readonly #rounds: Rounds;
  readonly #shapes = new Map<number, _Shape>();
  readonly #tweaks = new Map<number, _TweakState>();
  readonly #r = new Uint8Array(16);

  /**
   * @param key AES key (16, 24 or 32 bytes; not kept) or an `AesBlockCipher` to share.
   * @param radix 2 to 65536.
   * @throws TypeError/RangeError on a bad key, radix or option.
   */
  constructor(key: Uint8Array | AesBlockCipher, radix: number, options?: Ff1Options) {
    const opts = aoptions(options);
    this.radix = aint(radix, 'radix', 2, 65536);
    this.#rounds = aRounds(opts.rounds, 'nist');
    this.allowSmallDomain = abool(opts.allowSmallDomain, 'options.allowSmallDomain', false);
    this.minLength = minLengthFor(this.radix, this.allowSmallDomain);
    this.#aes = aesFrom(key, ablock(opts.block, defaultBlock));
  }

  /** Feistel rounds used for inputs of `length` numerals. */
  roundsFor(length: number): number {
    aint(length, 'length', 2, MAX_LENGTH);
    return _roundsFor(this.#rounds, this.radix, length);
  }

  /**
   * Encrypts a numeral string (integers in [0, radix)) into another of the same length.
   * @throws FpeError ERR_FPE_DOMAIN_TOO_SMALL when radix^length is below the minimum domain,
   *   ERR_FPE_NOT_IN_ALPHABET when a numeral is not an integer in [0, radix).
   * @throws TypeError when `numerals` is not an array or typed array, or `tweak` not bytes/string.
   */
  encrypt(numerals: ArrayLike<number>, tweak?: Tweak): number[] {
    return this.#numerals(numerals, tweak, false);
  }

  /** Inverse of `encrypt` (same key, radix, rounds and tweak). Throws as `encrypt`. */
  decrypt(numerals: ArrayLike<number>, tweak?: Tweak): number[] {
    return this.#numerals(numerals, tweak, true);
  }

  /**
   * FF1 on the integer x in [0, radix^length), seen as its `length`-numeral representation: the
   * entry point of the typed helpers (no numeral arrays). Arguments are trusted (validated by the
   * helper), except the domain rule, checked here.
   */
  _permuteNumber(length: number, x: number, tweak: Uint8Array, decrypt: boolean): number {
    assertLength(this.radix, length, this.minLength, this.allowSmallDomain);
    const sh = this.#shape(length);
    const ts = this.#tweakState(sh, tweak);
    if (sh.numberPath) {
      const a = Math.floor(x / sh.mv);
      const [ra, rb] = this.#roundsNumber(sh, ts, a, x - a * sh.mv, decrypt);
      return ra * sh.mv + rb;
    }
    const xb = BigInt(x);
    const [ra, rb] = this.#roundsBig(sh, ts, xb / sh.mvBig, xb % sh.mvBig, decrypt);
    return Number(ra * sh.mvBig + rb);
  }

  /** Same as `_permuteNumber` for a bigint x in [0, radix^length). */
  _permuteBigInt(length: number, x: bigint, tweak: Uint8Array, decrypt: boolean): bigint {
    assertLength(this.radix, length, this.minLength, this.allowSmallDomain);
    const sh = this.#shape(length);
    const ts = this.#tweakState(sh, tweak);
    const a = x / sh.mvBig;
    const b = x - a * sh.mvBig;
    if (sh.numberPath) {
      const [ra, rb] = this.#roundsNumber(sh, ts, Number(a), Number(b), decrypt);
      return BigInt(ra) * sh.mvBig + BigInt(rb);
    }
    const [ra, rb] = this.#roundsBig(sh, ts, a, b, decrypt);
    return ra * sh.mvBig + rb;
  }

  /** Numeral-string entry point for the alphabet layer: `x` already validated against radix. */
  _permuteNumerals(x: ArrayLike<number>, tweak: Uint8Array, decrypt: boolean): number[] {
    // n < 2^32 always holds: a JS array or typed array cannot be longer.
    const n = x.length;
    assertLength(this.radix, n, this.minLength, this.allowSmallDomain);
    const sh = this.#shape(n);
    const ts = this.#tweakState(sh, tweak);
    const out = new Array<number>(n);
    const { u, v } = sh;
    if (sh.numberPath) {
      const a = numeralsToNumber(x, 0, u, this.radix);
      const b = numeralsToNumber(x, u, n, this.radix);
      const [ra, rb] = this.#roundsNumber(sh, ts, a, b, decrypt);
      numberToNumerals(ra, this.radix, u, out, 0);
      numberToNumerals(rb, this.radix, v, out, u);
    } else {
      const a = numeralsToBigInt(x, 0, u, this.radix);
      const b = numeralsToBigInt(x, u, n, this.radix);
      const [ra, rb] = this.#roundsBig(sh, ts, a, b, decrypt);
      bigIntToNumerals(ra, this.radix, u, out, 0);
      bigIntToNumerals(rb, this.radix, v, out, u);
    }
    return out;
  }

  #numerals(numerals: unknown, tweak: unknown, decrypt: boolean): number[] {
    const x = assertNumerals(numerals, this.radix);
    return this._permuteNumerals(x, tweakBytes(tweak), decrypt);
  }

  #shape(n: number): _Shape {
    let sh = this.#shapes.get(n);
    if (sh !== undefined) return sh;
    const u = Math.floor(n / 2);
    const v = n - u;
    const radixBig = BigInt(this.radix);
    const muBig = radixBig ** BigInt(u);
    const mvBig = radixBig ** BigInt(v);
    // b = ceil(ceil(v * log2(radix)) / 8), computed exactly as the byte length of radix^v - 1.
    const b = byteLength(mvBig - 1n);
    const numberPath = mvBig <= BigInt(NUMBER_PATH_MAX);
    sh = {
      n,
      u,
      v,
      b,
      d: 4 * Math.ceil(b / 4) + 4,
      rounds: _roundsFor(this.#rounds, this.radix, n),
      numberPath,
      chunk: numberPath ? Math.max(1, Math.floor((52 - bitLength(mvBig - 1n)) / 8)) : 1,
      mu: numberPath ? Number(muBig) : 0,
      mv: numberPath ? Number(mvBig) : 0,
      muBig,
      mvBig,
    };
    if (this.#shapes.size >= MAX_CACHED) this.#shapes.clear();
    this.#shapes.set(n, sh);
    return sh;
  }

  #tweakState(sh: _Shape, tweak: Uint8Array): _TweakState {
    const t = tweak.length;
    // Lengths stay far below 2^20 in practice; longer ones are simply not cached.
    const cacheable = sh.n < 2 ** 20 && t < 2 ** 32;
    const key = sh.n * 2 ** 32 + t;
    let ts = cacheable ? this.#tweaks.get(key) : undefined;
    if (ts === undefined) {
      ts = this.#newTweakState(sh, t);
      if (cacheable) {
        if (this.#tweaks.size >= MAX_CACHED) this.#tweaks.clear();
        this.#tweaks.set(key, ts);
      }
    }
    if (ts.tweak === undefined || !sameBytes(ts.tweak, tweak)) this.#loadTweak(ts, tweak);
    return ts;
  }

  #newTweakState(sh: _Shape, t: number): _TweakState {
    const p = new Uint8Array(16);
    p[0] = 1;
    p[1] = 2;
    p[2] = 1;
    p[3] = (this.radix >>> 16) & 0xff;
    p[4] = (this.radix >>> 8) & 0xff;
    p[5] = this.radix & 0xff;
    p[6] = 10; // The standard's round count, kept in hardened mode too (Cosmian-compatible).
    p[7] = sh.u & 0xff;
    writeU32(p, 8, sh.n);
    writeU32(p, 12, t);
    const encP = this.#aes.encryptBlock(p);
    // Q = T || 0^pad || [i] || [half]_b with |Q| a multiple of 16.
    const pad = (((-t - sh.b - 1) % 16) + 16) % 16;
    const prefix = t + pad;
    const fullBlocks = Math.floor(prefix / 16);
    const tailLength = t + pad + 1 + sh.b - 16 * fullBlocks;
    return {
      encP,
      tweak: undefined,
      state: new Uint8Array(16),
      tail: new Uint8Array(tailLength),
      iPos: prefix - 16 * fullBlocks,
      fullBlocks,
      s: new Uint8Array(16 * Math.ceil(sh.d / 16)),
    };
  }

  #loadTweak(ts: _TweakState, tweak: Uint8Array): void {
    const cut = 16 * ts.fullBlocks;
    if (ts.fullBlocks > 0) {
      const head = new Uint8Array(cut); // T || zeros, whole blocks only
      head.set(tweak.subarray(0, Math.min(cut, tweak.length)));
      this.#aes.cbcMac(head, ts.encP, ts.state);
    } else {
      ts.state.set(ts.encP);
    }
    ts.tail.fill(0);
    if (tweak.length > cut) ts.tail.set(tweak.subarray(cut));
    ts.tweak = tweak.slice();
  }

  #roundsNumber(
    sh: _Shape,
    ts: _TweakState,
    a0: number,
    b0: number,
    decrypt: boolean,
  ): [number, number] {
    const aes = this.#aes;
    const r = this.#r;
    const { tail, iPos, state } = ts;
    const { b, d, mu, mv, rounds, chunk } = sh;
    const bOff = tail.length - b;
    let a = a0;
    let bb = b0;
    for (let k = 0; k < rounds; k++) {
      const i = decrypt ? rounds - 1 - k : k;
      const m = (i & 1) === 0 ? mu : mv;
      tail[iPos] = i;
      numberToBytes(decrypt ? a : bb, tail, bOff, b);
      aes.cbcMac(tail, state, r);
      // y mod m by Horner over the d bytes of S = R[0..d) (d <= 12 here), `chunk` bytes at a
      // time so that y * 256^chunk + c stays below 2^52. The remainder comes from a division
      // (the floor is off by at most one, corrected below; q * m <= y + m < 2^53 is exact),
      // which is several times cheaper than a floating-point `%`.
      let y = 0;
      for (let j = 0; j < d;) {
        let c = 0;
        let scale = 1;
        for (const end = Math.min(d, j + chunk); j < end; j++) {
          c = c * 256 + (r[j] as number);
          scale *= 256;
        }
        y = y * scale + c;
        y -= Math.floor(y / m) * m;
        if (y < 0) y += m;
        else if (y >= m) y -= m;
      }
      if (decrypt) {
        let c = bb - y;
        if (c < 0) c += m;
        bb = a;
        a = c;
      } else {
        let c = a + y;
        if (c >= m) c -= m;
        a = bb;
        bb = c;
      }
    }
    return [a, bb];
  }

  #roundsBig(
    sh: _Shape,
    ts: _TweakState,
    a0: bigint,
    b0: bigint,
    decrypt: boolean,
  ): [bigint, bigint] {
    const aes = this.#aes;
    const { tail, iPos, state, s } = ts;
    const { b, d, muBig, mvBig, rounds } = sh;
    const bOff = tail.length - b;
    const extra = s.subarray(16);
    const r = s.subarray(0, 16);
    let a = a0;
    let bb = b0;
    for (let k = 0; k < rounds; k++) {
      const i = decrypt ? rounds - 1 - k : k;
      const m = (i & 1) === 0 ? muBig : mvBig;
      tail[iPos] = i;
      bigIntToBytes(decrypt ? a : bb, tail, bOff, b);
      aes.cbcMac(tail, state, r);
      if (extra.length > 0) {
        // S = R || E(R ^ [1]_16) || E(R ^ [2]_16) || ...
        for (let j = 1; j * 16 < s.length; j++) {
          const o = 16 * j;
          s.copyWithin(o, 0, 16);
          s[o + 12] = (s[o + 12] as number) ^ ((j >>> 24) & 0xff);
          s[o + 13] = (s[o + 13] as number) ^ ((j >>> 16) & 0xff);
          s[o + 14] = (s[o + 14] as number) ^ ((j >>> 8) & 0xff);
          s[o + 15] = (s[o + 15] as number) ^ (j & 0xff);
        }
        aes.encryptBlocks(extra, extra);
      }
      const y = bytesToBigInt(s, 0, d);
      if (decrypt) {
        let c = (bb - y) % m;
        if (c < 0n) c += m;
        bb = a;
        a = c;
      } else {
        const c = (a + y) % m;
        a = bb;
        bb = c;
      }
    }
    return [a, bb];
  }
}

/** Validates a numeral string for `radix`: array or typed array of integers in [0, radix). */
export function assertNumerals(numerals: unknown, radix: number): ArrayLike<number> {
  const isArray = Array.isArray(numerals);
  if (!isArray && !(ArrayBuffer.isView(numerals) && !(numerals instanceof DataView))) {
    throw new TypeError('numerals must be an array or a typed array of integers');
  }
  const x = numerals as ArrayLike<unknown>;
  for (let i = 0; i < x.length; i++) {
    const digit = x[i];
    if (typeof digit !== 'number' || !Number.isInteger(digit) || digit < 0 || digit >= radix) {
      if (typeof digit === 'bigint') throw new TypeError('numerals must be numbers, not bigints');
      throw new FpeError('ERR_FPE_NOT_IN_ALPHABET', `a numeral is not an integer in [0, ${radix})`);
    }
  }
  return x as ArrayLike<number>;
}

function writeU32(b: Uint8Array, off: number, x: number): void {
  b[off] = (x >>> 24) & 0xff;
  b[off + 1] = (x >>> 16) & 0xff;
  b[off + 2] = (x >>> 8) & 0xff;
  b[off + 3] = x & 0xff;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
