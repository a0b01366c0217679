import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { FpeBigInt } from './bigint.ts';
import { blockFamilies } from './_test/blocks.ts';
import { assertArgumentError, assertFpeError, notBytes } from './_test/hostile.ts';

const ZERO_KEY = new Uint8Array(32);
const KEY = new Uint8Array(24).map((_, i) => 255 - i);

for (const [name, family] of blockFamilies) {
  void describe(`FpeBigInt (${name} block)`, () => {
    void test('Cosmian BigUint Integer(10, 20) vector (hardened default)', () => {
      const fpe = new FpeBigInt(ZERO_KEY, { digits: 20 }, { block: family });
      assert.equal(fpe.encrypt(100000000000000000n, 'unique tweak'), 65348521845006160218n);
      assert.equal(fpe.decrypt(65348521845006160218n, 'unique tweak'), 100000000000000000n);
    });

    void test('round trip in wide domains, values stay in [min, max]', () => {
      const domains = [
        { bits: 64 },
        { bits: 64, signed: true },
        { bits: 128, signed: true },
        { bits: 300 },
        { digits: 38 },
        { digits: 100, radix: 36 },
        { min: -(10n ** 30n), max: 10n ** 30n },
        { min: 2n ** 70n + 5n, max: 2n ** 71n },
      ];
      fc.assert(
        fc.property(
          fc.integer({ min: 0, max: domains.length - 1 }),
          fc.bigInt({ min: 0n, max: 2n ** 400n }),
          fc.uint8Array({ maxLength: 20 }),
          fc.constantFrom<'nist' | 'hardened'>('nist', 'hardened'),
          (which, r, tweak, rounds) => {
            const fpe = new FpeBigInt(KEY, domains[which]!, { block: family, rounds });
            const value = fpe.min + (r % (fpe.max - fpe.min + 1n));
            const ct = fpe.encrypt(value, tweak);
            assert.ok(ct >= fpe.min && ct <= fpe.max);
            assert.equal(fpe.decrypt(ct, tweak), value);
          },
        ),
        { numRuns: 100 },
      );
      for (const domain of domains) {
        const fpe = new FpeBigInt(KEY, domain, { block: family });
        for (const v of [fpe.min, fpe.max]) assert.equal(fpe.decrypt(fpe.encrypt(v)), v);
      }
    });
  });
}

void describe('FpeBigInt domains and inputs', () => {
  void test('cycle walking is a bijection on the range (exhaustive, small domain)', () => {
    const fpe = new FpeBigInt(KEY, { min: 10n, max: 209n }, { allowSmallDomain: true });
    const seen = new Set<bigint>();
    for (let v = 10n; v <= 209n; v++) {
      const ct = fpe.encrypt(v);
      assert.ok(ct >= 10n && ct <= 209n);
      assert.equal(fpe.decrypt(ct), v);
      seen.add(ct);
    }
    assert.equal(seen.size, 200);
  });

  void test('bad values and arguments', () => {
    const fpe = new FpeBigInt(KEY, { bits: 64, signed: true });
    for (const v of [2n ** 63n, -(2n ** 63n) - 1n]) {
      assertFpeError(() => fpe.encrypt(v), 'ERR_FPE_OUT_OF_RANGE', String(v));
      assertFpeError(() => fpe.decrypt(v), 'ERR_FPE_OUT_OF_RANGE', String(v));
    }
    for (const v of [1, '1', null, undefined, 1.5]) {
      assertArgumentError(() => fpe.encrypt(v as unknown as bigint), `value ${String(v)}`);
    }
    assertFpeError(() => new FpeBigInt(KEY, { bits: 16 }), 'ERR_FPE_DOMAIN_TOO_SMALL', '16 bits');
    assertFpeError(
      () => new FpeBigInt(KEY, { min: 0n, max: 999_998n }),
      'ERR_FPE_DOMAIN_TOO_SMALL',
      'range',
    );
    for (const bad of [...notBytes, undefined]) {
      assertArgumentError(() => new FpeBigInt(bad as Uint8Array, { bits: 64 }), 'key');
    }
    for (const domain of [
      null,
      {},
      { bits: 65537 },
      { digits: 5000 },
      { min: 2n, max: 1n },
      { min: '0', max: 10n ** 9n },
    ]) {
      assertArgumentError(
        () => new FpeBigInt(KEY, domain as never),
        JSON.stringify(domain, (_, v: unknown) => (typeof v === 'bigint' ? String(v) : v)),
      );
    }
  });
});
