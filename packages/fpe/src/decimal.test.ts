import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { FpeDecimal } from './decimal.ts';
import { blockFamilies } from './_test/blocks.ts';
import { assertArgumentError, assertFpeError, notBytes, show } from './_test/hostile.ts';

const KEY = new Uint8Array(32).map((_, i) => i);
const canonical = (scale: number): RegExp =>
  new RegExp(`^-?(0|[1-9]\\d*)${scale > 0 ? `\\.\\d{${scale}}` : ''}$`);

for (const [name, family] of blockFamilies) {
  void describe(`FpeDecimal (${name} block)`, () => {
    void test('round trip of canonical strings over random formats', () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 6, max: 40 }),
          fc.nat(),
          fc.boolean(),
          fc.bigInt({ min: 0n, max: 10n ** 40n }),
          fc.boolean(),
          (precision, s, signed, r, negative) => {
            const scale = s % (precision + 1);
            const fpe = new FpeDecimal(KEY, { precision, scale, signed }, { block: family });
            const limit = 10n ** BigInt(precision);
            let m = r % limit;
            if (signed && negative && m !== 0n) m = -m;
            const digits = (m < 0n ? -m : m).toString().padStart(scale + 1, '0');
            const text =
              (m < 0n ? '-' : '') +
              (scale > 0 ? `${digits.slice(0, -scale)}.${digits.slice(-scale)}` : digits);
            const ct = fpe.encrypt(text, 'ledger.amount');
            assert.match(ct, canonical(scale));
            const digitCount = ct.replace(/[-.]/g, '').replace(/^0+(?=\d)/, '').length;
            assert.ok(digitCount <= Math.max(precision, scale + 1));
            if (!signed) assert.ok(!ct.startsWith('-'));
            assert.equal(fpe.decrypt(ct, 'ledger.amount'), text);
          },
        ),
        { numRuns: 120 },
      );
    });
  });
}

void describe('FpeDecimal formats and inputs', () => {
  const fpe = new FpeDecimal(KEY, { precision: 10, scale: 2 });

  void test('non-canonical strings are read exactly and answered canonically', () => {
    const ct = fpe.encrypt('+001.5');
    assert.equal(fpe.decrypt(ct), '1.50');
    assert.equal(fpe.encrypt('1.500'), ct);
    assert.equal(fpe.encrypt('1.50'), ct);
    assert.equal(fpe.encrypt('-0.00'), fpe.encrypt('0'));
    for (const edge of ['99999999.99', '-99999999.99', '0.01', '-0.01']) {
      assert.equal(fpe.decrypt(fpe.encrypt(edge)), edge);
    }
    const int = new FpeDecimal(KEY, { precision: 7, scale: 0, signed: false });
    assert.match(int.encrypt('1234567'), /^(0|[1-9]\d{0,6})$/);
  });

  void test('Numbers in, Numbers out, only when exact at the scale', () => {
    for (const v of [1234.5, -0.01, 0, 99999999.99, 0.1, 0.3]) {
      const ct = fpe.encrypt(v);
      assert.equal(typeof ct, 'number');
      assert.equal(Number(ct.toFixed(2)), ct);
      assert.equal(fpe.decrypt(ct), v);
    }
    assert.equal(fpe.encrypt(-0), fpe.encrypt(0));
    for (const v of [0.1 + 0.2, 1.005, 1e-7]) {
      assertFpeError(() => fpe.encrypt(v), 'ERR_FPE_INVALID_INPUT', String(v));
    }
    for (const v of [NaN, Infinity, -Infinity]) {
      assertFpeError(() => fpe.encrypt(v), 'ERR_FPE_INVALID_INPUT', String(v));
    }
    for (const v of [1e10, -1e10, 1e21, 1e300]) {
      assertFpeError(() => fpe.encrypt(v), 'ERR_FPE_OUT_OF_RANGE', String(v));
    }
    const wide = new FpeDecimal(KEY, { precision: 16, scale: 2 });
    assertArgumentError(() => wide.encrypt(1.5), 'precision > 15 with a Number');
    assert.equal(wide.decrypt(wide.encrypt('12345678901234.56')), '12345678901234.56');
  });

  void test('bad strings, ranges and domains', () => {
    for (const s of [
      '',
      ' 1',
      '1 ',
      '1e5',
      '1.',
      '.5',
      '1,5',
      'NaN',
      '0x10',
      '--1',
      '1.2.3',
      '١٢٣',
    ]) {
      assertFpeError(() => fpe.encrypt(s), 'ERR_FPE_INVALID_INPUT', JSON.stringify(s));
      assertFpeError(() => fpe.decrypt(s), 'ERR_FPE_INVALID_INPUT', JSON.stringify(s));
    }
    assertFpeError(() => fpe.encrypt('1.505'), 'ERR_FPE_INVALID_INPUT', 'scale');
    for (const s of ['100000000.00', '-100000000', '12345678901']) {
      assertFpeError(() => fpe.encrypt(s), 'ERR_FPE_OUT_OF_RANGE', s);
    }
    const unsigned = new FpeDecimal(KEY, { precision: 8, scale: 2, signed: false });
    assertFpeError(() => unsigned.encrypt('-1.00'), 'ERR_FPE_OUT_OF_RANGE', 'negative');
    assertFpeError(
      () => new FpeDecimal(KEY, { precision: 5, scale: 2 }),
      'ERR_FPE_DOMAIN_TOO_SMALL',
      'p5',
    );
    assertFpeError(
      () => new FpeDecimal(KEY, { precision: 5, scale: 0, signed: false }),
      'ERR_FPE_DOMAIN_TOO_SMALL',
      'p5 unsigned',
    );
    // Exhaustive bijection on a small (opted-in) signed format: -9.9 .. 9.9.
    const small = new FpeDecimal(KEY, { precision: 2, scale: 1 }, { allowSmallDomain: true });
    const seen = new Set<string>();
    for (let m = -99; m <= 99; m++) {
      const text = (m / 10).toFixed(1);
      const ct = small.encrypt(text);
      assert.equal(small.decrypt(ct), text === '-0.0' ? '0.0' : text);
      seen.add(ct);
    }
    assert.equal(seen.size, 199);
  });

  void test('hostile arguments', () => {
    for (const bad of [...notBytes, undefined]) {
      assertArgumentError(
        () => new FpeDecimal(bad as Uint8Array, { precision: 8, scale: 2 }),
        'key',
      );
    }
    for (const format of [
      undefined,
      null,
      {},
      { precision: 0, scale: 0 },
      { precision: 8 },
      { precision: 8, scale: 9 },
      { precision: 8, scale: -1 },
      { precision: 1001, scale: 0 },
      { precision: 8, scale: 2, signed: 1 },
      { precision: '8', scale: 2 },
    ]) {
      assertArgumentError(() => new FpeDecimal(KEY, format as never), JSON.stringify(format));
    }
    for (const v of [null, undefined, 1n, {}, ['1.00'], true]) {
      assertArgumentError(() => fpe.encrypt(v as string), `value ${show(v)}`);
    }
  });
});
