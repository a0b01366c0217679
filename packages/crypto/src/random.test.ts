import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { nodeRandom } from './node/random.ts';
import { webRandom } from './web/random.ts';
import { MAX_RANDOM_BYTES } from './random.ts';
import { toHex } from './bytes.ts';
import { assertArgumentError, notBytes, notInteger } from './_test/hostile.ts';

/** Fraction of set bits: a CSPRNG gives 0.5 ± a few 1/sqrt(n). */
function onesRatio(bytes: Uint8Array): number {
  let ones = 0;
  for (const b of bytes) for (let v = b; v; v >>= 1) ones += v & 1;
  return ones / (bytes.length * 8);
}

/** Longest run of zero bytes: 8 in a row has probability ~2^-64 per position. */
function longestZeroRun(bytes: Uint8Array): number {
  let best = 0;
  let run = 0;
  for (const b of bytes) {
    run = b === 0 ? run + 1 : 0;
    best = Math.max(best, run);
  }
  return best;
}

for (const [name, impl] of [
  ['node', nodeRandom],
  ['web', webRandom],
] as const) {
  void describe(`random (${name})`, () => {
    void test('bytes returns fresh plain Uint8Arrays of the asked length', () => {
      for (const n of [0, 1, 12, 32, 65536, 65537, 200_000]) {
        const out = impl.bytes(n);
        assert.equal(out.length, n);
        assert.equal(Object.getPrototypeOf(out), Uint8Array.prototype);
        assert.equal(out.byteOffset, 0);
        assert.equal(out.buffer.byteLength, n, 'no shared pool behind the result');
      }
      const seen = new Set<string>();
      for (let i = 0; i < 1000; i++) seen.add(toHex(impl.bytes(16)));
      assert.equal(seen.size, 1000, 'no repeated 128-bit value');
    });

    void test('output looks random, including past the 64 KiB getRandomValues quota', () => {
      const big = impl.bytes(300_000);
      assert.ok(Math.abs(onesRatio(big) - 0.5) < 0.005, 'bit balance');
      assert.ok(longestZeroRun(big) < 8, 'every 64 KiB slice was filled');
    });

    void test('fill fills in place, returns the same array, only within a view', () => {
      const backing = new Uint8Array(70_000 + 64);
      const view = backing.subarray(32, 32 + 70_000);
      assert.equal(impl.fill(view), view);
      assert.ok(longestZeroRun(view) < 8);
      assert.deepEqual(
        backing.subarray(0, 32),
        new Uint8Array(32),
        'bytes before the view untouched',
      );
      assert.deepEqual(backing.subarray(32 + 70_000), new Uint8Array(32), 'bytes after untouched');
      assert.equal(impl.fill(new Uint8Array(0)).length, 0);
    });

    void test('hostile inputs', () => {
      for (const bad of [...notInteger, MAX_RANDOM_BYTES + 1]) {
        assertArgumentError(() => impl.bytes(bad as number), `bytes ${String(bad)}`);
      }
      for (const bad of notBytes) {
        assertArgumentError(() => impl.fill(bad as Uint8Array), `fill ${String(bad)}`);
      }
      assertArgumentError(() => impl.fill(new Uint8Array(MAX_RANDOM_BYTES + 1)), 'fill too large');
    });
  });
}
