import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Alphabet } from './alphabet.ts';
import { assertArgumentError, show } from './_test/hostile.ts';

/** `count` distinct astral characters from U+10000. */
function astral(count: number): string {
  return Array.from({ length: count }, (_, i) => String.fromCodePoint(0x10000 + i)).join('');
}

void describe('Alphabet', () => {
  void test('presets: size, order and membership', () => {
    const presets: [Alphabet, number, string, string][] = [
      [Alphabet.numeric, 10, '0', '9'],
      [Alphabet.hexadecimal, 16, '0', 'f'],
      [Alphabet.lower, 26, 'a', 'z'],
      [Alphabet.upper, 26, 'A', 'Z'],
      [Alphabet.alpha, 52, 'A', 'z'],
      [Alphabet.alphanumeric, 62, '0', 'z'],
      [Alphabet.latin1, 94 + 64, '!', 'ÿ'],
      [Alphabet.latin1Alphanumeric, 62 + 64, '0', 'ÿ'],
      [Alphabet.cjk, 0x9fff - 0x4e00 + 1, '一', '\u9fff'],
      [Alphabet.unicode, 63389, ' ', '\ufffd'],
    ];
    for (const [a, radix, first, last] of presets) {
      assert.equal(a.radix, radix);
      assert.equal(String.fromCodePoint(a.codePointAt(0)), first);
      assert.equal(String.fromCodePoint(a.codePointAt(radix - 1)), last);
      // Presets are in code-point order (Cosmian-compatible numerals) and memoized.
      const cps = Array.from(a.toString(), (c) => c.codePointAt(0)!);
      assert.equal(cps.length, radix);
      assert.ok(cps.every((cp, i) => i === 0 || cp > cps[i - 1]!));
      assert.ok(cps.every((cp, i) => a.indexOf(cp) === i));
    }
    assert.equal(Alphabet.numeric, Alphabet.numeric);
    assert.equal(
      Alphabet.alphanumeric.toString(),
      '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz',
    );
    assert.ok(Alphabet.latin1.has('é') && Alphabet.latin1.has('~') && !Alphabet.latin1.has(' '));
    assert.ok(!Alphabet.latin1.has('\u00a9'));
    // The unicode preset never contains controls, surrogates or noncharacters.
    for (const cp of [
      0x00, 0x0a, 0x1f, 0x7f, 0x85, 0x9f, 0xd800, 0xdfff, 0xfdd0, 0xfdef, 0xfffe, 0xffff,
    ]) {
      assert.equal(Alphabet.unicode.indexOf(cp), -1, cp.toString(16));
    }
    for (const ch of ['a', ' ', 'é', '中', '\u00a0', '\ufdf0'])
      assert.ok(Alphabet.unicode.has(ch), ch);
    assert.ok(!Alphabet.unicode.has('😀'), 'astral characters are outside the BMP preset');
  });

  void test('custom alphabets keep the given order and count code points, not UTF-16 units', () => {
    const a = Alphabet.custom('zyx');
    assert.equal(a.radix, 3);
    assert.equal(a.indexOf('z'.codePointAt(0)!), 0);
    assert.equal(a.indexOf('a'.codePointAt(0)!), -1);
    const emoji = Alphabet.custom('😀😁😂🤣');
    assert.equal(emoji.radix, 4);
    assert.equal(emoji.indexOf('😂'.codePointAt(0)!), 2);
    assert.equal(String.fromCodePoint(emoji.codePointAt(3)), '🤣');
    assert.ok(emoji.has('😀'));
    assert.ok(!emoji.has('😀😁'), 'has() takes one character');
    assert.ok(!emoji.has(''), 'empty string');
    const ext = Alphabet.numeric.extend('-+');
    assert.equal(ext.radix, 12);
    assert.equal(ext.toString(), '0123456789-+');
    assert.equal(Alphabet.numeric.radix, 10, 'extend does not modify the original');
    // The largest possible alphabet: 65,536 code points.
    const big = Alphabet.custom(astral(65536));
    assert.equal(big.radix, 65536);
    assert.equal(big.indexOf(0x1ffff), 65535);
  });

  void test('hostile inputs', () => {
    for (const chars of [undefined, null, 10, ['a', 'b'], {}]) {
      assertArgumentError(() => Alphabet.custom(chars as string), `custom(${show(chars)})`);
      assertArgumentError(() => Alphabet.numeric.extend(chars as string), 'extend');
      assertArgumentError(() => Alphabet.numeric.has(chars as string), 'has');
    }
    for (const chars of ['', 'a', 'aba', 'ab\ud800', 'a\udc00b']) {
      assertArgumentError(() => Alphabet.custom(chars), `custom(${JSON.stringify(chars)})`);
    }
    assertArgumentError(() => Alphabet.numeric.extend('5'), 'extend with a duplicate');
    assertArgumentError(() => Alphabet.custom(astral(65537)), 'too large');
    for (const n of [-1, 10, 1.5, NaN]) {
      assertArgumentError(() => Alphabet.numeric.codePointAt(n), `codePointAt(${n})`);
    }
  });
});
