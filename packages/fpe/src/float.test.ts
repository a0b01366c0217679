import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { FpeFloat } from './float.ts';
import { blockFamilies } from './_test/blocks.ts';
import { assertArgumentError, assertFpeError, notBytes, notTweak, show } from './_test/hostile.ts';

const KEY = new Uint8Array(16).map((_, i) => 3 * i + 1);
const view = new DataView(new ArrayBuffer(8));
/** Sign and exponent field of a double (12 bits). */
const head64 = (x: number): number => {
  view.setFloat64(0, x);
  return view.getUint16(0) >> 4;
};
const head32 = (x: number): number => {
  view.setFloat32(0, x);
  return view.getUint16(0) >> 7;
};
const EDGES = [
  0,
  -0,
  1,
  -1,
  Number.MIN_VALUE,
  -Number.MIN_VALUE,
  2 ** -1022,
  -(2 ** -1022),
  2 ** -1022 - Number.MIN_VALUE,
  Number.MAX_VALUE,
  -Number.MAX_VALUE,
  Number.EPSILON,
  123456.789,
];
const EDGES32 = [
  0,
  -0,
  1,
  -1,
  2 ** -149,
  -(2 ** -149),
  2 ** -126,
  3.4028234663852886e38,
  -3.4028234663852886e38,
  Math.fround(0.1),
];

const finiteNotMinusZero = (x: number): boolean => Number.isFinite(x) && !Object.is(x, -0);

for (const [name, family] of blockFamilies) {
  void describe(`FpeFloat (${name} block)`, () => {
    void test('full mode: any finite double to a finite double, never NaN, Infinity or -0', () => {
      const fpe = new FpeFloat(KEY, {}, { block: family });
      fc.assert(
        fc.property(
          fc.double({ noNaN: true, noDefaultInfinity: true }),
          fc.string({ maxLength: 6 }),
          (x, tweak) => {
            const ct = fpe.encrypt(x, tweak);
            assert.ok(finiteNotMinusZero(ct), String(ct));
            assert.equal(fpe.decrypt(ct, tweak), x === 0 ? 0 : x);
          },
        ),
        { numRuns: 200 },
      );
      for (const x of EDGES) {
        const ct = fpe.encrypt(x);
        assert.ok(finiteNotMinusZero(ct));
        assert.ok(Object.is(fpe.decrypt(ct), x === 0 ? 0 : x), String(x));
      }
      assert.equal(fpe.encrypt(-0), fpe.encrypt(0));
    });

    void test('mantissa mode keeps sign and exponent; float32 stays float32', () => {
      const m64 = new FpeFloat(KEY, { mode: 'mantissa' }, { block: family });
      const m32 = new FpeFloat(KEY, { format: 'float32', mode: 'mantissa' }, { block: family });
      const f32 = new FpeFloat(KEY, { format: 'float32' }, { block: family });
      fc.assert(
        fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (x) => {
          const ct = m64.encrypt(x);
          assert.ok(finiteNotMinusZero(ct));
          assert.equal(head64(ct), head64(x === 0 ? 0 : x));
          assert.equal(m64.decrypt(ct), x === 0 ? 0 : x);
        }),
        { numRuns: 150 },
      );
      fc.assert(
        fc.property(fc.float({ noNaN: true, noDefaultInfinity: true }), (x) => {
          for (const fpe of [m32, f32]) {
            const ct = fpe.encrypt(x);
            assert.ok(finiteNotMinusZero(ct));
            assert.equal(Math.fround(ct), ct);
            if (fpe === m32) assert.equal(head32(ct), head32(x === 0 ? 0 : x));
            assert.equal(fpe.decrypt(ct), x === 0 ? 0 : x);
          }
        }),
        { numRuns: 150 },
      );
      for (const x of EDGES)
        assert.ok(Object.is(m64.decrypt(m64.encrypt(x)), x === 0 ? 0 : x), String(x));
      for (const x of EDGES32) {
        for (const fpe of [m32, f32]) {
          const ct = fpe.encrypt(x);
          assert.ok(finiteNotMinusZero(ct) && Math.fround(ct) === ct);
          assert.ok(Object.is(fpe.decrypt(ct), x === 0 ? 0 : x), String(x));
        }
      }
    });
  });
}

void describe('FpeFloat inputs', () => {
  void test('equal mantissas in different binades do not encrypt alike (exponent in the tweak)', () => {
    const fpe = new FpeFloat(KEY, { mode: 'mantissa' });
    const a = fpe.encrypt(3);
    const b = fpe.encrypt(6);
    assert.notEqual(a * 2, b);
  });

  void test('bad values and arguments', () => {
    const fpe = new FpeFloat(KEY);
    const f32 = new FpeFloat(KEY, { format: 'float32' });
    for (const v of [NaN, Infinity, -Infinity]) {
      assertFpeError(() => fpe.encrypt(v), 'ERR_FPE_INVALID_INPUT', String(v));
      assertFpeError(() => fpe.decrypt(v), 'ERR_FPE_INVALID_INPUT', String(v));
    }
    for (const v of [0.1, 1e39, 2 ** -150, Number.MAX_VALUE]) {
      assertFpeError(() => f32.encrypt(v), 'ERR_FPE_INVALID_INPUT', String(v));
    }
    for (const v of ['1.5', 1n, null, undefined, {}]) {
      assertArgumentError(() => fpe.encrypt(v as number), `value ${show(v)}`);
    }
    for (const tweak of notTweak)
      assertArgumentError(() => fpe.encrypt(1, tweak as string), 'tweak');
    for (const bad of [...notBytes])
      assertArgumentError(() => new FpeFloat(bad as Uint8Array), 'key');
    for (const format of [
      null,
      'float64',
      { format: 'float16' },
      { mode: 'bits' },
      { format: 64 },
    ]) {
      assertArgumentError(() => new FpeFloat(KEY, format as never), JSON.stringify(format));
    }
    for (const options of [null, { rounds: 3 }, { block: 1 }]) {
      assertArgumentError(() => new FpeFloat(KEY, {}, options as object), JSON.stringify(options));
    }
  });
});
