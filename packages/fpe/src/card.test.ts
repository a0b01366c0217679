import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { FpeCard, luhnResidue } from './card.ts';
import { blockFamilies } from './_test/blocks.ts';
import { assertArgumentError, assertFpeError, notBytes, notTweak } from './_test/hostile.ts';

const KEY = new Uint8Array(32).map((_, i) => 200 - i);
const digitsOf = (pan: string): number[] => Array.from(pan.replace(/\D/g, ''), Number);
/** Well-known Luhn-valid test numbers (card networks' published test PANs). */
const TEST_PANS = [
  '4111111111111111',
  '5555555555554444',
  '378282246310005',
  '6011111111111117',
  '3530111333300000',
  '4000056655665556',
  '4111 1111 1111 1111',
  '5105-1051-0510-5100',
];

for (const [name, family] of blockFamilies) {
  void describe(`FpeCard (${name} block)`, () => {
    void test('test PANs stay Luhn-valid, keep the BIN, length and separators', () => {
      const fpe = new FpeCard(KEY, undefined, { block: family });
      for (const pan of TEST_PANS) {
        assert.equal(luhnResidue(digitsOf(pan)), 0, `${pan} is a valid test PAN`);
        const ct = fpe.encrypt(pan, 'payments.pan');
        assert.equal(ct.length, pan.length);
        assert.equal(ct.replace(/\d/g, '#'), pan.replace(/\d/g, '#'));
        assert.equal(digitsOf(ct).slice(0, 6).join(''), digitsOf(pan).slice(0, 6).join(''));
        assert.equal(luhnResidue(digitsOf(ct)), 0);
        assert.notEqual(ct, pan);
        assert.equal(fpe.decrypt(ct, 'payments.pan'), pan);
      }
    });

    void test('property: any 12-19 digit number round-trips with its Luhn residue', () => {
      fc.assert(
        fc.property(
          fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 12, maxLength: 19 }),
          fc.integer({ min: 0, max: 8 }),
          fc.integer({ min: 0, max: 4 }),
          fc.array(fc.constantFrom(' ', '-', ''), { minLength: 19, maxLength: 19 }),
          fc.uint8Array({ maxLength: 10 }),
          (digits, keepLeading, keepTrailing, seps, tweak) => {
            const n = digits.length;
            const fpe = new FpeCard(KEY, { keepLeading, keepTrailing }, { block: family });
            const pan = digits.map((d, i) => `${d}${seps[i]!}`).join('');
            const free = (keepTrailing === 0 ? n - 1 : n - 1 - keepTrailing) - keepLeading;
            if (free < 6) {
              assertFpeError(() => fpe.encrypt(pan, tweak), 'ERR_FPE_DOMAIN_TOO_SMALL', 'free');
              return;
            }
            const ct = fpe.encrypt(pan, tweak);
            const out = digitsOf(ct);
            assert.equal(luhnResidue(out), luhnResidue(digits));
            assert.deepEqual(out.slice(0, keepLeading), digits.slice(0, keepLeading));
            assert.deepEqual(out.slice(n - keepTrailing), digits.slice(n - keepTrailing));
            assert.equal(ct.replace(/\d/g, '#'), pan.replace(/\d/g, '#'));
            assert.equal(fpe.decrypt(ct, tweak), pan);
          },
        ),
        { numRuns: 150 },
      );
    });
  });
}

void describe('FpeCard layouts and inputs', () => {
  void test('kept digits are in the tweak: the same middle under two BINs encrypts differently', () => {
    const fpe = new FpeCard(KEY);
    const a = digitsOf(fpe.encrypt('4111110000000000'));
    const b = digitsOf(fpe.encrypt('5111110000000000'));
    assert.notDeepEqual(a.slice(6, 15), b.slice(6, 15));
  });

  void test('keeping 6 + 4 of 16 digits leaves 5: refused unless allowSmallDomain', () => {
    const layout = { keepLeading: 6, keepTrailing: 4 };
    assertFpeError(
      () => new FpeCard(KEY, layout).encrypt('4111111111111111'),
      'ERR_FPE_DOMAIN_TOO_SMALL',
      '6+4',
    );
    const legacy = new FpeCard(KEY, layout, { allowSmallDomain: true });
    const ct = legacy.encrypt('4111111111111111');
    assert.match(ct, /^411111\d{6}1111$/);
    assert.equal(luhnResidue(digitsOf(ct)), 0);
    assert.equal(legacy.decrypt(ct), '4111111111111111');
    // 19 digits leave 8: fine by default.
    const long = new FpeCard(KEY, layout);
    const pan19 = '6304000000000000018';
    assert.equal(long.decrypt(long.encrypt(pan19)), pan19);
    // Keeping only the last 4: 11 digits encrypted for a 16-digit card.
    const last4 = new FpeCard(KEY, { keepLeading: 0, keepTrailing: 4 });
    const ct4 = last4.encrypt('4111111111111111');
    assert.match(ct4, /^\d{12}1111$/);
    assert.equal(luhnResidue(digitsOf(ct4)), 0);
  });

  void test('bad numbers and arguments', () => {
    const fpe = new FpeCard(KEY);
    for (const pan of [
      '4111a11111111111',
      '4111.1111.1111.1111',
      '41111111111',
      '41111111111111111111',
      '',
      '4111\u00a01111 1111 1111',
      '４１１１１１１１１１１１１１１１',
    ]) {
      assertFpeError(() => fpe.encrypt(pan), 'ERR_FPE_INVALID_INPUT', JSON.stringify(pan));
      assertFpeError(() => fpe.decrypt(pan), 'ERR_FPE_INVALID_INPUT', JSON.stringify(pan));
    }
    for (const pan of [
      4111111111111111,
      null,
      undefined,
      ['4111111111111111'],
      4111111111111111n,
    ]) {
      assertArgumentError(() => fpe.encrypt(pan as unknown as string), `pan ${String(pan)}`);
    }
    for (const tweak of notTweak)
      assertArgumentError(() => fpe.encrypt('4111111111111111', tweak as string), 'tweak');
    for (const bad of notBytes) assertArgumentError(() => new FpeCard(bad as Uint8Array), 'key');
    for (const layout of [
      null,
      'x',
      { keepLeading: 9 },
      { keepLeading: -1 },
      { keepTrailing: 5 },
      { keepLeading: 1.5 },
      { keepTrailing: '4' },
    ]) {
      assertArgumentError(() => new FpeCard(KEY, layout as never), JSON.stringify(layout));
    }
  });
});
