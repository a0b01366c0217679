/**
 * Alphabets: ordered sets of Unicode code points (not UTF-16 code units), so an emoji or a CJK
 * Extension B ideograph is one symbol. The position of a character is its FF1 numeral, so the
 * order is part of the format: presets list characters in code-point order (as Cosmian's FPE
 * does, which makes our presets compatible with theirs); a custom alphabet keeps the order given.
 *
 * An alphabet has between 2 and 65,536 characters (FF1's radix range). Presets are built on first
 * use.
 */

/** Inclusive code-point ranges, in numeral order. */
type Ranges = readonly (readonly [number, number])[];

const MAX_RADIX = 65536;

export class Alphabet {
  /** Number of characters: the FF1 radix. */
  readonly radix: number;
  readonly #codePoints: Uint32Array;
  /** Code point → numeral + 1 (0 = absent), for alphabets within the BMP. */
  readonly #table: Int32Array | undefined;
  /** Same for alphabets with characters above U+FFFF. */
  readonly #map: Map<number, number> | undefined;

  private constructor(codePoints: Uint32Array) {
    this.radix = codePoints.length;
    this.#codePoints = codePoints;
    let max = 0;
    for (const cp of codePoints) if (cp > max) max = cp;
    if (max <= 0xffff) {
      const table = new Int32Array(max + 1);
      for (let i = 0; i < codePoints.length; i++) table[codePoints[i] as number] = i + 1;
      this.#table = table;
      this.#map = undefined;
    } else {
      const map = new Map<number, number>();
      for (let i = 0; i < codePoints.length; i++) map.set(codePoints[i] as number, i);
      this.#table = undefined;
      this.#map = map;
    }
  }

  /**
   * An alphabet of the given characters, in the given order (split by code point). Throws
   * TypeError for a non-string, RangeError for duplicates, lone surrogates, or fewer than 2 or
   * more than 65,536 characters.
   */
  static custom(chars: string): Alphabet {
    if (typeof chars !== 'string') throw new TypeError('chars must be a string');
    return Alphabet.#fromCodePoints(Array.from(chars, (c) => c.codePointAt(0) as number));
  }

  /** A new alphabet: this one's characters, then `chars` (same rules as `custom`). */
  extend(chars: string): Alphabet {
    if (typeof chars !== 'string') throw new TypeError('chars must be a string');
    return Alphabet.#fromCodePoints([
      ...this.#codePoints,
      ...Array.from(chars, (c) => c.codePointAt(0) as number),
    ]);
  }

  static #fromCodePoints(codePoints: number[]): Alphabet {
    if (codePoints.length < 2 || codePoints.length > MAX_RADIX) {
      throw new RangeError(`an alphabet needs 2 to ${MAX_RADIX} characters`);
    }
    const seen = new Set<number>();
    for (const cp of codePoints) {
      if (cp >= 0xd800 && cp <= 0xdfff) {
        throw new RangeError('an alphabet cannot contain lone surrogates');
      }
      if (seen.has(cp)) throw new RangeError('an alphabet cannot contain a character twice');
      seen.add(cp);
    }
    return new Alphabet(Uint32Array.from(codePoints));
  }

  static #fromRanges(ranges: Ranges): Alphabet {
    let n = 0;
    for (const [lo, hi] of ranges) n += hi - lo + 1;
    const cps = new Uint32Array(n);
    let i = 0;
    for (const [lo, hi] of ranges) for (let cp = lo; cp <= hi; cp++) cps[i++] = cp;
    return new Alphabet(cps);
  }

  /** Numeral of a code point, or -1 when it is not in the alphabet. */
  indexOf(codePoint: number): number {
    if (this.#table !== undefined) return (this.#table[codePoint] ?? 0) - 1;
    return (this.#map as Map<number, number>).get(codePoint) ?? -1;
  }

  /** Code point of a numeral (0 <= numeral < radix; unchecked beyond a RangeError). */
  codePointAt(numeral: number): number {
    const cp = this.#codePoints[numeral];
    if (cp === undefined) throw new RangeError('numeral out of range');
    return cp;
  }

  /** True when `char` (one character, by code point) is in the alphabet. */
  has(char: string): boolean {
    if (typeof char !== 'string') throw new TypeError('char must be a string');
    const cp = char.codePointAt(0);
    return cp !== undefined && char.length === (cp > 0xffff ? 2 : 1) && this.indexOf(cp) >= 0;
  }

  /** The characters, in numeral order. */
  toString(): string {
    let out = '';
    for (let i = 0; i < this.#codePoints.length; i += 4096) {
      out += String.fromCodePoint(...this.#codePoints.subarray(i, i + 4096));
    }
    return out;
  }

  static #cache = new Map<string, Alphabet>();
  static #preset(name: string, ranges: Ranges): Alphabet {
    let a = Alphabet.#cache.get(name);
    if (a === undefined) {
      a = Alphabet.#fromRanges(ranges);
      Alphabet.#cache.set(name, a);
    }
    return a;
  }

  /** 0-9 (radix 10). */
  static get numeric(): Alphabet {
    return Alphabet.#preset('numeric', [[0x30, 0x39]]);
  }
  /** 0-9a-f (radix 16, lower case). */
  static get hexadecimal(): Alphabet {
    return Alphabet.#preset('hexadecimal', [
      [0x30, 0x39],
      [0x61, 0x66],
    ]);
  }
  /** a-z (radix 26). */
  static get lower(): Alphabet {
    return Alphabet.#preset('lower', [[0x61, 0x7a]]);
  }
  /** A-Z (radix 26). */
  static get upper(): Alphabet {
    return Alphabet.#preset('upper', [[0x41, 0x5a]]);
  }
  /** A-Za-z (radix 52). */
  static get alpha(): Alphabet {
    return Alphabet.#preset('alpha', [
      [0x41, 0x5a],
      [0x61, 0x7a],
    ]);
  }
  /** 0-9A-Za-z (radix 62). */
  static get alphanumeric(): Alphabet {
    return Alphabet.#preset('alphanumeric', [
      [0x30, 0x39],
      [0x41, 0x5a],
      [0x61, 0x7a],
    ]);
  }
  /**
   * Printable ASCII without space (U+0021-U+007E) and the Latin-1 Supplement letters
   * U+00C0-U+00FF (À-ÿ, which includes × and ÷): radix 158, Cosmian's `latin1sup`.
   */
  static get latin1(): Alphabet {
    return Alphabet.#preset('latin1', [
      [0x21, 0x7e],
      [0xc0, 0xff],
    ]);
  }
  /** 0-9A-Za-z and U+00C0-U+00FF (radix 126), Cosmian's `latin1sup_alphanum`: names in Western European languages. */
  static get latin1Alphanumeric(): Alphabet {
    return Alphabet.#preset('latin1Alphanumeric', [
      [0x30, 0x39],
      [0x41, 0x5a],
      [0x61, 0x7a],
      [0xc0, 0xff],
    ]);
  }
  /** CJK Unified Ideographs U+4E00-U+9FFF (radix 20,992), Cosmian's `chinese`. */
  static get cjk(): Alphabet {
    return Alphabet.#preset('cjk', [[0x4e00, 0x9fff]]);
  }
  /**
   * Every Basic Multilingual Plane code point that is safe to store as text: U+0000-U+FFFF minus
   * surrogates, C0 and C1 controls and DEL, and the noncharacters U+FDD0-U+FDEF, U+FFFE, U+FFFF
   * (radix 63,389). Characters above U+FFFF (emoji, rare ideographs) stay in place, since FF1's
   * radix stops at 2^16. Unlike Cosmian's `utf` this never produces control characters.
   */
  static get unicode(): Alphabet {
    return Alphabet.#preset('unicode', [
      [0x20, 0x7e],
      [0xa0, 0xd7ff],
      [0xe000, 0xfdcf],
      [0xfdf0, 0xfffd],
    ]);
  }
}
