import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { FpeInteger } from './integer.ts';
import { blockFamilies } from './_test/blocks.ts';
import { assertArgumentError, assertFpeError, notBytes, notTweak, show } from './_test/hostile.ts';

const ZERO_KEY = new Uint8Array(32);
const KEY = new Uint8Array(16).map((_, i) => i * 17);

for (const [name, family] of blockFamilies) {
  void describe(`FpeInteger (${name} block)`, () => {
    void test('Cosmian Integer(10, 6) and Integer(16, 6) vectors (hardened default)', () => {
      const dec = new FpeInteger(ZERO_KEY, { digits: 6 }, { block: family });
      assert.equal(dec.encrypt(123456, 'unique tweak'), 110655);
      assert.equal(dec.decrypt(110655, 'unique tweak'), 123456);
      const hex = new FpeInteger(ZERO_KEY, { digits: 6, radix: 16 }, { block: family });
      assert.equal(hex.encrypt(123456, 'unique tweak'), 1687131);
      assert.equal(hex.decrypt(1687131, 'unique tweak'), 123456);
    });

    void test('round trip in every domain kind, values stay in [min, max]', () => {
      const domains = [
        { digits: 6 },
        { digits: 15 },
        { digits: 8, radix: 16 },
        { bits: 20 },
        { bits: 32, signed: true },
        { bits: 53 },
        { bits: 53, signed: true },
        { min: 1_000_000, max: 2_999_999 },
        { min: -5_000_000_000, max: 5_000_000_000 },
        { min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER },
      ];
      fc.assert(
        fc.property(
          fc.integer({ min: 0, max: domains.length - 1 }),
          fc.double({ min: 0, max: 1, noNaN: true }),
          fc.string({ maxLength: 8 }),
          (which, where, tweak) => {
            const fpe = new FpeInteger(KEY, domains[which]!, { block: family });
            const value = Math.min(fpe.max, fpe.min + Math.floor(where * (fpe.max - fpe.min + 1)));
            const ct = fpe.encrypt(value, tweak);
            assert.ok(Number.isSafeInteger(ct) && ct >= fpe.min && ct <= fpe.max);
            assert.equal(fpe.decrypt(ct, tweak), value);
          },
        ),
        { numRuns: 150 },
      );
      // The ends of each domain.
      for (const domain of domains) {
        const fpe = new FpeInteger(KEY, domain, { block: family });
        for (const v of [fpe.min, fpe.max]) assert.equal(fpe.decrypt(fpe.encrypt(v)), v);
      }
    });
  });
}

void describe('FpeInteger domains and inputs', () => {
  void test('cycle walking is a bijection on the range (exhaustive, small domains)', () => {
    for (const domain of [
      { min: 0, max: 99 },
      { min: -60, max: 139 },
      { min: 1000, max: 1336 },
    ]) {
      for (const rounds of ['nist', 'hardened'] as const) {
        const fpe = new FpeInteger(KEY, domain, { allowSmallDomain: true, rounds });
        const seen = new Set<number>();
        for (let v = domain.min; v <= domain.max; v++) {
          const ct = fpe.encrypt(v, 't');
          assert.ok(ct >= domain.min && ct <= domain.max);
          assert.equal(fpe.decrypt(ct, 't'), v);
          seen.add(ct);
        }
        assert.equal(seen.size, domain.max - domain.min + 1);
      }
    }
  });

  void test('domains below 1,000,000 values are refused by default', () => {
    for (const domain of [
      { digits: 5 },
      { bits: 16 },
      { bits: 19 },
      { min: 0, max: 999_998 },
      { digits: 4, radix: 16 },
    ]) {
      assertFpeError(
        () => new FpeInteger(KEY, domain),
        'ERR_FPE_DOMAIN_TOO_SMALL',
        JSON.stringify(domain),
      );
      assert.ok(new FpeInteger(KEY, domain, { allowSmallDomain: true }));
    }
    for (const domain of [
      { digits: 6 },
      { bits: 20 },
      { min: 0, max: 999_999 },
      { digits: 5, radix: 16 },
    ]) {
      assert.ok(new FpeInteger(KEY, domain));
    }
    for (const domain of [{ digits: 1 }, { bits: 6 }, { min: 0, max: 98 }]) {
      assertFpeError(
        () => new FpeInteger(KEY, domain, { allowSmallDomain: true }),
        'ERR_FPE_DOMAIN_TOO_SMALL',
        'below 100',
      );
    }
  });

  void test('bad values', () => {
    const fpe = new FpeInteger(KEY, { digits: 6 });
    for (const v of [1.5, NaN, Infinity, -Infinity, 2 ** 53]) {
      assertFpeError(() => fpe.encrypt(v), 'ERR_FPE_INVALID_INPUT', String(v));
      assertFpeError(() => fpe.decrypt(v), 'ERR_FPE_INVALID_INPUT', String(v));
    }
    for (const v of [-1, 1_000_000, Number.MAX_SAFE_INTEGER]) {
      assertFpeError(() => fpe.encrypt(v), 'ERR_FPE_OUT_OF_RANGE', String(v));
      assertFpeError(() => fpe.decrypt(v), 'ERR_FPE_OUT_OF_RANGE', String(v));
    }
    for (const v of ['123456', 123456n, null, undefined, {}, [123456]]) {
      assertArgumentError(() => fpe.encrypt(v as number), `value ${show(v)}`);
    }
    for (const tweak of notTweak)
      assertArgumentError(() => fpe.encrypt(123456, tweak as string), 'tweak');
  });

  void test('hostile constructor arguments', () => {
    for (const bad of [...notBytes, undefined]) {
      assertArgumentError(() => new FpeInteger(bad as Uint8Array, { digits: 6 }), 'key');
    }
    for (const domain of [
      undefined,
      null,
      {},
      { digits: 0 },
      { digits: 6.5 },
      { digits: '6' },
      { digits: 16 }, // beyond 2^53: FpeBigInt
      { digits: 6, radix: 1 },
      { digits: 6, radix: 65537 },
      { digits: 6, bits: 20 },
      { bits: 0 },
      { bits: 54 },
      { bits: 32, signed: 'yes' },
      { min: 5, max: 4 },
      { min: 1.5, max: 10_000_000 },
      { min: 0 },
      { min: 0, max: 2 ** 60 },
    ]) {
      assertArgumentError(
        () => new FpeInteger(KEY, domain as never),
        `domain ${JSON.stringify(domain)}`,
      );
    }
    for (const options of [
      null,
      5,
      { rounds: 'fast' },
      { allowSmallDomain: 'true' },
      { block: 'node' },
    ]) {
      assertArgumentError(() => new FpeInteger(KEY, { digits: 6 }, options as object), 'options');
    }
  });
});
