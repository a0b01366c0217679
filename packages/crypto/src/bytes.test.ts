import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { concatBytes, constantTimeEqual, fromHex, toHex, u64be, zeroize } from './bytes.ts';
import { assertArgumentError, notBytes, notInteger } from './_test/hostile.ts';

void describe('bytes', () => {
  void test('constantTimeEqual', () => {
    const a = Uint8Array.of(1, 2, 3);
    assert.equal(constantTimeEqual(a, Uint8Array.of(1, 2, 3)), true);
    assert.equal(constantTimeEqual(a, a), true);
    assert.equal(constantTimeEqual(new Uint8Array(0), new Uint8Array(0)), true);
    assert.equal(constantTimeEqual(a, Uint8Array.of(1, 2, 4)), false);
    assert.equal(constantTimeEqual(a, Uint8Array.of(0, 2, 3)), false);
    assert.equal(constantTimeEqual(a, Uint8Array.of(1, 2)), false);
    assert.equal(constantTimeEqual(a, Uint8Array.of(1, 2, 3, 0)), false);
    // Every single-bit difference anywhere is seen.
    for (let bit = 0; bit < 24; bit++) {
      const b = a.slice();
      b[bit >> 3] = (b[bit >> 3] as number) ^ (1 << (bit & 7));
      assert.equal(constantTimeEqual(a, b), false, `bit ${bit}`);
    }
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), fc.uint8Array({ maxLength: 64 }), (x, y) => {
        assert.equal(constantTimeEqual(x, y), toHex(x) === toHex(y));
        assert.equal(constantTimeEqual(x, x.slice()), true);
      }),
      { numRuns: 200 },
    );
    for (const bad of notBytes) {
      assertArgumentError(() => constantTimeEqual(bad as Uint8Array, a), `a ${String(bad)}`);
      assertArgumentError(() => constantTimeEqual(a, bad as Uint8Array), `b ${String(bad)}`);
    }
  });

  void test('zeroize', () => {
    const a = Uint8Array.of(1, 2, 3);
    const b = new Uint8Array(100).fill(0xff);
    zeroize(a, undefined, b);
    assert.deepEqual(a, new Uint8Array(3));
    assert.deepEqual(b, new Uint8Array(100));
    zeroize();
    const backing = new Uint8Array(8).fill(9);
    zeroize(backing.subarray(2, 4));
    assert.deepEqual(backing, Uint8Array.of(9, 9, 0, 0, 9, 9, 9, 9), 'only the view is wiped');
    for (const bad of notBytes) {
      if (bad === undefined) continue;
      const keep = Uint8Array.of(5);
      assertArgumentError(
        () => {
          zeroize(keep, bad as Uint8Array);
        },
        `zeroize ${typeof bad}`,
      );
      assert.deepEqual(keep, Uint8Array.of(5), 'nothing wiped when an argument is bad');
    }
  });

  void test('concatBytes', () => {
    assert.deepEqual(concatBytes(), new Uint8Array(0));
    const a = Uint8Array.of(1, 2);
    const out = concatBytes(a, new Uint8Array(0), Uint8Array.of(3), a);
    assert.deepEqual(out, Uint8Array.of(1, 2, 3, 1, 2));
    const single = concatBytes(a);
    assert.notEqual(single, a, 'always a new array');
    single[0] = 9;
    assert.deepEqual(a, Uint8Array.of(1, 2), 'inputs not aliased');
    const backing = Uint8Array.of(7, 8, 9);
    assert.deepEqual(concatBytes(backing.subarray(1)), Uint8Array.of(8, 9));
    for (const bad of notBytes) {
      assertArgumentError(() => concatBytes(a, bad as Uint8Array), `concat ${String(bad)}`);
    }
  });

  void test('toHex / fromHex', () => {
    assert.equal(toHex(new Uint8Array(0)), '');
    assert.equal(toHex(Uint8Array.of(0, 1, 0x0f, 0x10, 0xab, 0xff)), '00010f10abff');
    assert.deepEqual(fromHex('00010F10AbfF'), Uint8Array.of(0, 1, 0x0f, 0x10, 0xab, 0xff));
    assert.deepEqual(fromHex(''), new Uint8Array(0));
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (bytes) => {
        const h = toHex(bytes);
        assert.equal(h, Buffer.from(bytes).toString('hex'));
        assert.deepEqual(fromHex(h), bytes);
        assert.deepEqual(fromHex(h.toUpperCase()), bytes);
      }),
      { numRuns: 200 },
    );
    for (const bad of ['0', 'abc', 'zz', '0x00', ' 00', '00 ', '0g', '-1', '+1', '1\n', 'é0']) {
      assertArgumentError(() => fromHex(bad), `fromHex ${JSON.stringify(bad)}`);
    }
    for (const bad of [undefined, null, 1, [0], Uint8Array.of(0)] as unknown[]) {
      assertArgumentError(() => fromHex(bad as string), `fromHex ${String(bad)}`);
    }
    for (const bad of notBytes)
      assertArgumentError(() => toHex(bad as Uint8Array), `toHex ${String(bad)}`);
  });

  void test('u64be', () => {
    assert.equal(toHex(u64be(0)), '0000000000000000');
    assert.equal(toHex(u64be(1)), '0000000000000001');
    assert.equal(toHex(u64be(0x0102030405)), '0000000102030405');
    assert.equal(toHex(u64be(Number.MAX_SAFE_INTEGER)), '001fffffffffffff');
    assert.equal(toHex(u64be(0xffffffff, 4)), 'ffffffff');
    assert.equal(toHex(u64be(256, 2)), '0100');
    assert.equal(toHex(u64be(7, 16)), '00000000000000000000000000000007');
    assert.equal(toHex(u64be(0, 0)), '');
    fc.assert(
      fc.property(fc.maxSafeNat(), (n) => {
        assert.equal(BigInt('0x' + toHex(u64be(n))), BigInt(n));
      }),
      { numRuns: 200 },
    );
    // Values that do not fit are refused, never truncated.
    for (const [value, length] of [
      [256, 1],
      [2 ** 32, 4],
      [1, 0],
      [2 ** 48, 6],
    ] as const) {
      assertArgumentError(() => u64be(value, length), `u64be(${value}, ${length})`);
    }
    for (const bad of notInteger) {
      assertArgumentError(() => u64be(bad as number), `u64be value ${String(bad)}`);
      if (bad !== undefined)
        assertArgumentError(() => u64be(1, bad as number), `u64be length ${typeof bad}`);
    }
  });
});
