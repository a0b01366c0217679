import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { DecryptionFailed } from './errors.ts';
import type { KeyWrapFamily, KeyWrapScheme } from './keywrap.ts';
import { nodeKeyWrap } from './node/keywrap.ts';
import { webKeyWrap } from './web/keywrap.ts';
import { assertArgumentError, bitFlips, notBytes } from './_test/hostile.ts';
import { hex, loadWycheproof, nonEmpty, vectorsSkipReason } from './_test/vectors.ts';

const impls = [
  ['node', nodeKeyWrap],
  ['web', webKeyWrap],
] as const satisfies readonly (readonly [string, KeyWrapFamily])[];

const random = (n: number): Uint8Array => new Uint8Array(randomBytes(n));

const isDecryptionFailed = (error: unknown): boolean =>
  error instanceof DecryptionFailed && error.cause === undefined;

/** Whether `wrap` accepts this key-data length (the scheme's documented domain). */
const wrappable = (scheme: KeyWrapScheme, n: number): boolean =>
  scheme.algorithm === 'aes-kw' ? n >= 16 && n % 8 === 0 : n >= 1;

function runVectors(scheme: KeyWrapScheme, file: string): Record<string, number> {
  const all = nonEmpty(loadWycheproof<{ keySize: number }>(file), file);
  const counts: Record<string, number> = { valid: 0, invalid: 0, acceptable: 0 };
  const keySizes = new Set<number>();
  for (const { group, test: t } of all) {
    keySizes.add(group.keySize);
    counts[t.result] = (counts[t.result] ?? 0) + 1;
    const kek = hex(t['key']);
    const msg = hex(t['msg']);
    const ct = hex(t['ct']);
    const label = `${file} tcId ${t.tcId} (${t.flags.join(',')})`;
    const wrapper = scheme.withKek(kek);
    if (t.result === 'valid') {
      assert.deepEqual(wrapper.wrap(msg), ct, label);
      assert.deepEqual(scheme.wrap(kek, msg), ct, label);
      assert.deepEqual(wrapper.unwrap(ct), msg, label);
      assert.deepEqual(scheme.unwrap(kek, ct), msg, label);
      continue;
    }
    // `acceptable` appears only with the ShortKey flag (8-byte keys, which RFC 3394 §2 wraps
    // as one AES block but SP 800-38F forbids): we follow SP 800-38F and reject them, so
    // acceptable and invalid vectors get the same checks.
    if (t.result === 'acceptable') assert.deepEqual(t.flags, ['ShortKey'], label);
    assert.throws(() => wrapper.unwrap(ct), isDecryptionFailed, label);
    if (wrappable(scheme, msg.length)) {
      // e.g. ModifiedIv / ModifiedPadding: the data is fine, the vector's ct is not ours.
      assert.notDeepEqual(wrapper.wrap(msg), ct, label);
    } else {
      assert.throws(() => wrapper.wrap(msg), RangeError, label);
    }
  }
  assert.deepEqual([...keySizes].sort(), [128, 192, 256], 'all KEK sizes present');
  return counts;
}

for (const [name, family] of impls) {
  void describe(`keywrap (${name})`, () => {
    void test(
      'Wycheproof aes_wrap_test.json (KW, 128/192/256-bit KEKs)',
      {
        skip: vectorsSkipReason('wycheproof/aes_wrap_test.json'),
      },
      () => {
        assert.deepEqual(runVectors(family.aesKw, 'aes_wrap_test.json'), {
          valid: 36,
          invalid: 126,
          acceptable: 3,
        });
      },
    );

    void test(
      'Wycheproof aes_kwp_test.json (KWP, 128/192/256-bit KEKs)',
      {
        skip: vectorsSkipReason('wycheproof/aes_kwp_test.json'),
      },
      () => {
        assert.deepEqual(runVectors(family.aesKwp, 'aes_kwp_test.json'), {
          valid: 77,
          invalid: 177,
          acceptable: 0,
        });
      },
    );

    void test('RFC 3394 §4.6 and RFC 5649 §6 known answers', () => {
      const kek = hex('000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f');
      const data = hex('00112233445566778899aabbccddeeff000102030405060708090a0b0c0d0e0f');
      assert.deepEqual(
        family.aesKw.wrap(kek, data),
        hex('28c9f404c4b810f4cbccb35cfb87f8263f5786e2d80ed326cbc7f0e71a99f43bfb988b9b7a02dd21'),
      );
      const kek5649 = hex('5840df6e29b02af1ab493b705bf16ea1ae8338f4dcc176a8');
      assert.deepEqual(
        family.aesKwp.wrap(kek5649, hex('c37b7e6492584340bed12207808941155068f738')),
        hex('138bdeaa9b8fa7fc61f97742e72248ee5ae6ae5360d1ae6a5f54f373fa543b6a'),
      );
      assert.deepEqual(
        family.aesKwp.wrap(kek5649, hex('466f7250617369')),
        hex('afbeb0f07dfbf5419200f2ccb50bb24f'),
      );
    });

    void test('round trips and agrees with the other provider', () => {
      const other = name === 'node' ? webKeyWrap : nodeKeyWrap;
      fc.assert(
        fc.property(
          fc.constantFrom(16, 24, 32),
          fc.integer({ min: 2, max: 40 }),
          fc.integer({ min: 1, max: 300 }),
          (kekLength, semiblocks, kwpLength) => {
            const kek = random(kekLength);
            const kwData = random(semiblocks * 8);
            const kwpData = random(kwpLength);
            const kw = family.aesKw.wrap(kek, kwData);
            assert.equal(kw.length, kwData.length + 8);
            assert.deepEqual(other.aesKw.unwrap(kek, kw), kwData);
            assert.deepEqual(family.aesKw.unwrap(kek, kw), kwData);
            const kwp = family.aesKwp.withKek(kek).wrap(kwpData);
            assert.equal(kwp.length, Math.ceil(kwpLength / 8) * 8 + 8);
            assert.deepEqual(other.aesKwp.withKek(kek).unwrap(kwp), kwpData);
          },
        ),
        { numRuns: 40 },
      );
    });

    for (const scheme of [family.aesKw, family.aesKwp]) {
      void test(`${scheme.algorithm}: every bit flip, truncation, extension and wrong KEK fails`, () => {
        const kek = random(32);
        const wrapper = scheme.withKek(kek);
        for (const n of scheme.algorithm === 'aes-kw' ? [16, 24, 40] : [1, 7, 8, 9, 20]) {
          const wrapped = wrapper.wrap(random(n));
          const positions = Array.from({ length: wrapped.length * 8 }, (_, i) => i);
          for (const flipped of bitFlips(wrapped, positions)) {
            assert.throws(() => wrapper.unwrap(flipped), isDecryptionFailed);
          }
          for (let k = 0; k < wrapped.length; k++) {
            assert.throws(() => wrapper.unwrap(wrapped.subarray(0, k)), isDecryptionFailed);
          }
          for (const extra of [1, 8]) {
            const longer = new Uint8Array(wrapped.length + extra);
            longer.set(wrapped);
            assert.throws(() => wrapper.unwrap(longer), isDecryptionFailed);
          }
          assert.throws(() => scheme.unwrap(random(32), wrapped), isDecryptionFailed);
        }
      });

      void test(`${scheme.algorithm}: hostile arguments`, () => {
        const kek = random(16);
        const data = random(16);
        const wrapped = scheme.wrap(kek, data);
        for (const bad of notBytes) {
          const b = bad as Uint8Array;
          assertArgumentError(() => scheme.wrap(b, data), 'wrap kek');
          assertArgumentError(() => scheme.wrap(kek, b), 'wrap keyData');
          assertArgumentError(() => scheme.unwrap(b, wrapped), 'unwrap kek');
          assertArgumentError(() => scheme.unwrap(kek, b), 'unwrap wrapped');
          assertArgumentError(() => scheme.withKek(b), 'withKek');
          assertArgumentError(() => scheme.withKek(kek).wrap(b), 'wrapper.wrap');
          assertArgumentError(() => scheme.withKek(kek).unwrap(b), 'wrapper.unwrap');
        }
        for (const n of [0, 8, 15, 17, 31, 33, 48, 64]) {
          assert.throws(() => scheme.wrap(new Uint8Array(n), data), RangeError);
          assert.throws(() => scheme.unwrap(new Uint8Array(n), wrapped), RangeError);
        }
        const badLengths = scheme.algorithm === 'aes-kw' ? [0, 1, 8, 9, 15, 17, 23] : [0];
        for (const n of badLengths) {
          assert.throws(() => scheme.wrap(kek, new Uint8Array(n)), RangeError);
        }
        // the caller's arrays are left as they were
        const kekCopy = kek.slice();
        const dataCopy = data.slice();
        const wrappedCopy = wrapped.slice();
        scheme.unwrap(kek, wrapped);
        scheme.wrap(kek, data);
        assert.deepEqual([kek, data, wrapped], [kekCopy, dataCopy, wrappedCopy]);
      });
    }
  });
}
