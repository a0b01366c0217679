import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { FF1 as NobleFF1 } from '@noble/ciphers/ff1.js';
import { FF1 } from './ff1.ts';
import { FpeError } from './errors.ts';
import { hardenedRounds } from './_domain.ts';
import { blockFamilies } from './_test/blocks.ts';
import { assertArgumentError, assertFpeError, notBytes, notTweak, show } from './_test/hostile.ts';
import {
  hex,
  loadWycheproof,
  nonEmpty,
  vectorsSkipReason,
  type WycheproofTest,
} from './_test/vectors.ts';

// NIST SP 800-38G FF1 samples (FF1samples.pdf, csrc.nist.gov examples), all nine.
const K128 = '2B7E151628AED2A6ABF7158809CF4F3C';
const K192 = '2B7E151628AED2A6ABF7158809CF4F3CEF4359D8D580AA4F';
const K256 = '2B7E151628AED2A6ABF7158809CF4F3CEF4359D8D580AA4F7F036D6F04FC6A94';
const T1 = '39383736353433323130';
const T2 = '3737373770717273373737';
const NIST = [
  [1, K128, 10, '', '0123456789', '2433477484'],
  [2, K128, 10, T1, '0123456789', '6124200773'],
  [3, K128, 36, T2, '0123456789abcdefghi', 'a9tv40mll9kdu509eum'],
  [4, K192, 10, '', '0123456789', '2830668132'],
  [5, K192, 10, T1, '0123456789', '2496655549'],
  [6, K192, 36, T2, '0123456789abcdefghi', 'xbj3kv35jrawxv32ysr'],
  [7, K256, 10, '', '0123456789', '6657667009'],
  [8, K256, 10, T1, '0123456789', '1001623463'],
  [9, K256, 36, T2, '0123456789abcdefghi', 'xs8a0azh2avyalyzuwd'],
] as const;
const base36 = (s: string): number[] => Array.from(s, (c) => parseInt(c, 36));
const show36 = (x: number[]): string => x.map((d) => d.toString(36)).join('');

// Wycheproof FF1 files (C2SP/wycheproof testvectors_v1): string files carry an alphabet, list
// files carry numerals. Every test is run on the node provider; every 5th on the web provider
// (same FF1 code, different AES core: the block suite proves the cores equal).
const WYCHEPROOF = [
  'aes_ff1_base10_test.json',
  'aes_ff1_base26_test.json',
  'aes_ff1_base36_test.json',
  'aes_ff1_base62_test.json',
  'aes_ff1_base64_test.json',
  'aes_ff1_radix256_test.json',
  'aes_ff1_radix65536_test.json',
] as const;
interface FpeGroup {
  radix: number;
  alphabet?: string;
}

/** Numerals of a Wycheproof message: list files give numerals, string files map by alphabet. */
function numeralsOf(group: FpeGroup, msg: unknown): number[] {
  if (Array.isArray(msg)) return msg as number[];
  const alphabet = group.alphabet as string;
  // A character outside the alphabet becomes the out-of-range numeral `radix`.
  return Array.from(msg as string, (c) => {
    const i = alphabet.indexOf(c);
    return i < 0 ? group.radix : i;
  });
}

/**
 * Checks one Wycheproof test. Results: `valid` must encrypt to ct and decrypt back; `invalid` must
 * be refused with the error its flag names. The files hold no `acceptable` results (asserted).
 * Wycheproof's SmallMessageSize tests are `valid` under the 2016 rule (radix^n >= 100) but below
 * Rev. 1's 1,000,000: by default they must be refused, and with allowSmallDomain they must match.
 */
function checkWycheproof(
  family: (typeof blockFamilies)[number][1],
  group: FpeGroup,
  t: WycheproofTest,
): void {
  const key = hex(t['key'] as string);
  const tweak = hex(t['tweak'] as string);
  const pt = numeralsOf(group, t['msg']);
  const ct = numeralsOf(group, t['ct']);
  const label = `tcId ${t.tcId} (${t.flags.join(',')})`;
  assert.notEqual(t.result, 'acceptable', `${label}: unexpected acceptable result`);
  if (t.flags.includes('InvalidKeySize')) {
    assertArgumentError(() => new FF1(key, group.radix, { block: family }), label);
    return;
  }
  if (t.result === 'invalid') {
    const ff1 = new FF1(key, group.radix, { block: family, allowSmallDomain: true });
    const code = t.flags.includes('InvalidPlaintext')
      ? 'ERR_FPE_NOT_IN_ALPHABET'
      : 'ERR_FPE_DOMAIN_TOO_SMALL';
    assert.ok(
      t.flags.includes('InvalidPlaintext') || t.flags.includes('InvalidMessageSize'),
      `${label}: unknown invalid flag`,
    );
    assertFpeError(() => ff1.encrypt(pt, tweak), code, `${label} encrypt`);
    if (t.flags.includes('InvalidMessageSize')) {
      assertFpeError(() => ff1.decrypt(pt, tweak), code, `${label} decrypt`);
    }
    return;
  }
  if (t.flags.includes('SmallMessageSize')) {
    const strict = new FF1(key, group.radix, { block: family });
    assertFpeError(() => strict.encrypt(pt, tweak), 'ERR_FPE_DOMAIN_TOO_SMALL', `${label} strict`);
    assertFpeError(() => strict.decrypt(ct, tweak), 'ERR_FPE_DOMAIN_TOO_SMALL', `${label} strict`);
  }
  const ff1 = new FF1(key, group.radix, { block: family, allowSmallDomain: true });
  assert.deepEqual(ff1.encrypt(pt, tweak), ct, `${label} encrypt`);
  assert.deepEqual(ff1.decrypt(ct, tweak), pt, `${label} decrypt`);
}

void describe('FF1 Wycheproof', () => {
  for (const file of WYCHEPROOF) {
    const path = `wycheproof/${file}`;
    void test(file, { skip: vectorsSkipReason(path) }, () => {
      const all = nonEmpty(loadWycheproof<FpeGroup>(file), file);
      let node = 0;
      let web = 0;
      for (const [i, { group, test: t }] of all.entries()) {
        checkWycheproof(blockFamilies[0]![1], group, t);
        node++;
        if (i % 5 === 0) {
          checkWycheproof(blockFamilies[1]![1], group, t);
          web++;
        }
      }
      assert.ok(node > 1000 && web > 200, `${file}: ${node} node / ${web} web vectors`);
    });
  }
});

for (const [name, family] of blockFamilies) {
  void describe(`FF1 (${name} block)`, () => {
    void test('NIST SP 800-38G samples 1-9', () => {
      for (const [n, key, radix, tweak, pt, ct] of NIST) {
        const ff1 = new FF1(hex(key), radix, { block: family });
        assert.equal(show36(ff1.encrypt(base36(pt), hex(tweak))), ct, `sample ${n}`);
        assert.equal(show36(ff1.decrypt(base36(ct), hex(tweak))), pt, `sample ${n} decrypt`);
        // Typed-array input, and an instance reused across tweaks (cache) gives the same.
        assert.equal(show36(ff1.encrypt(Uint16Array.from(base36(pt)), hex(tweak))), ct);
      }
    });

    void test('Zcash and Cosmian radix-2 vectors (NIST and 18 rounds)', () => {
      // Zcash fpe crate (via cosmian_fpe test_vectors.rs): AES-256 key K256, no tweak,
      // 88 zero bits, output as little-endian bytes.
      const bitsLe = (bytes: number[]): number[] =>
        bytes.flatMap((b) => Array.from({ length: 8 }, (_, i) => (b >> i) & 1));
      const bytesLe = (bits: number[]): string =>
        Array.from({ length: bits.length / 8 }, (_, j) =>
          bits.slice(8 * j, 8 * j + 8).reduce((s, bit, i) => s | (bit << i), 0),
        )
          .map((b) => b.toString(16).padStart(2, '0'))
          .join('');
      const zcash = new FF1(hex(K256), 2, { block: family });
      assert.equal(bytesLe(zcash.encrypt(new Array<number>(88).fill(0))), '90acee3f83cde7ae5622f3');
      // cosmian_fpe ff1_18.rs: FF1h<Aes256> (18 rounds, P still says 10), zero key, no tweak.
      const h18 = new FF1(new Uint8Array(32), 2, { block: family, rounds: 'hardened' });
      assert.equal(h18.roundsFor(24), 18);
      assert.equal(bytesLe(h18.encrypt(bitsLe([0xab, 0xcd, 0xef]))), '5a6c20');
      assert.deepEqual(h18.decrypt(bitsLe([0x5a, 0x6c, 0x20])), bitsLe([0xab, 0xcd, 0xef]));
      const r18 = new FF1(new Uint8Array(32), 2, { block: family, rounds: 18 });
      assert.equal(bytesLe(r18.encrypt(bitsLe([0xab, 0xcd, 0xef]))), '5a6c20');
    });

    void test('cross-check with @noble/ciphers FF1 over random radices, lengths, keys, tweaks', () => {
      fc.assert(
        fc.property(
          fc.constantFrom(16, 24, 32).chain((n) => fc.uint8Array({ minLength: n, maxLength: n })),
          fc.oneof(fc.integer({ min: 2, max: 64 }), fc.integer({ min: 2, max: 65535 })),
          fc.uint8Array({ maxLength: 40 }),
          fc.integer({ min: 0, max: 40 }),
          fc.infiniteStream(fc.nat()),
          (key, radix, tweak, extra, stream) => {
            const ff1 = new FF1(key, radix, { block: family });
            const n = ff1.minLength + extra;
            const it = stream[Symbol.iterator]();
            const x = Array.from({ length: n }, () => (it.next().value as number) % radix);
            const expected = NobleFF1(radix, key, tweak).encrypt(x);
            const ct = ff1.encrypt(x, tweak);
            assert.deepEqual(ct, expected);
            assert.deepEqual(ff1.decrypt(ct, tweak), x);
          },
        ),
        { numRuns: 120 },
      );
    });

    void test('round trip over random radices, lengths, tweaks and round counts', () => {
      fc.assert(
        fc.property(
          fc.uint8Array({ minLength: 16, maxLength: 16 }),
          fc.integer({ min: 2, max: 65536 }),
          fc.constantFrom<'nist' | 'hardened' | 12 | 24>('nist', 'hardened', 12, 24),
          fc.boolean(),
          fc.oneof(fc.uint8Array({ maxLength: 70 }), fc.string({ maxLength: 20 })),
          fc.integer({ min: 0, max: 60 }),
          fc.infiniteStream(fc.nat()),
          (key, radix, rounds, small, tweak, extra, stream) => {
            const ff1 = new FF1(key, radix, { block: family, rounds, allowSmallDomain: small });
            const n = ff1.minLength + extra;
            const it = stream[Symbol.iterator]();
            const x = Array.from({ length: n }, () => (it.next().value as number) % radix);
            const ct = ff1.encrypt(x, tweak);
            assert.equal(ct.length, n);
            assert.ok(ct.every((d) => Number.isInteger(d) && d >= 0 && d < radix));
            assert.deepEqual(ff1.decrypt(ct, tweak), x);
          },
        ),
        { numRuns: 150 },
      );
    });

    void test('the per-tweak cache never changes results', () => {
      // One instance sees a sequence of tweaks of equal and different lengths (incl. > 2 blocks);
      // a fresh instance per call is the reference.
      fc.assert(
        fc.property(
          fc.uint8Array({ minLength: 32, maxLength: 32 }),
          fc.array(
            fc.tuple(
              fc.uint8Array({ maxLength: 40 }),
              fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 6, maxLength: 30 }),
            ),
            { minLength: 2, maxLength: 12 },
          ),
          (key, calls) => {
            const shared = new FF1(key, 10, { block: family });
            for (const [tweak, x] of calls) {
              const fresh = new FF1(key, 10, { block: family });
              assert.deepEqual(shared.encrypt(x, tweak), fresh.encrypt(x, tweak));
            }
          },
        ),
        { numRuns: 40 },
      );
      // A caller mutating its tweak array after a call must not poison the cache.
      const ff1 = new FF1(hex(K128), 10, { block: family });
      const tweak = hex(T1);
      const first = ff1.encrypt(base36('0123456789'), tweak);
      tweak[0] = tweak[0]! ^ 1;
      assert.notDeepEqual(ff1.encrypt(base36('0123456789'), tweak), first);
      tweak[0] = tweak[0] ^ 1;
      assert.equal(show36(ff1.encrypt(base36('0123456789'), tweak)), '6124200773');
    });

    void test('Number / BigInt boundary and multi-block S (radix 10, lengths 24 to 70)', () => {
      // v = 13 digits is the last Number-path half (10^13 < 2^44); b = 13 bytes (v >= 29, so
      // n = 58 and 70 here) needs S over two blocks. Each length is cross-checked with noble.
      const key = hex(K256);
      const ff1 = new FF1(key, 10, { block: family });
      for (let n = 24; n <= 70; n += n < 34 ? 1 : 12) {
        const x = Array.from({ length: n }, (_, i) => (i * 7 + 3) % 10);
        const ct = ff1.encrypt(x, hex(T2));
        assert.deepEqual(ct, NobleFF1(10, key, hex(T2)).encrypt(x), `n = ${n}`);
        assert.deepEqual(ff1.decrypt(ct, hex(T2)), x);
      }
    });

    void test('typed-value entry points agree with numerals', () => {
      const ff1 = new FF1(hex(K128), 10, { block: family });
      const tweak = hex(T1);
      assert.equal(ff1._permuteNumber(10, 123456789, tweak, false), 6124200773);
      assert.equal(ff1._permuteBigInt(10, 123456789n, tweak, false), 6124200773n);
      assert.equal(ff1._permuteNumber(10, 6124200773, tweak, true), 123456789);
      // Above the Number path: 30 digits via bigint and via numerals.
      const digits = '918273645546372819000111222333';
      const viaNumerals = ff1.encrypt(Array.from(digits, Number), tweak).join('');
      assert.equal(ff1._permuteBigInt(30, BigInt(digits), tweak, false), BigInt(viaNumerals));
    });
  });
}

void describe('FF1 domain rule and rounds', () => {
  const key = hex(K128);

  void test('radix^length >= 1,000,000 by default, >= 100 with allowSmallDomain', () => {
    const cases: [number, number, number][] = [
      // radix, minLength (default), minLength (allowSmallDomain)
      [2, 20, 7],
      [10, 6, 2],
      [16, 5, 2],
      [26, 5, 2],
      [36, 4, 2],
      [62, 4, 2],
      [100, 3, 2],
      [1000, 2, 2],
      [65536, 2, 2],
    ];
    for (const [radix, min, legacyMin] of cases) {
      const strict = new FF1(key, radix);
      const legacy = new FF1(key, radix, { allowSmallDomain: true });
      assert.equal(strict.minLength, min, `radix ${radix}`);
      assert.equal(legacy.minLength, legacyMin, `radix ${radix} legacy`);
      const x = (n: number): number[] => new Array<number>(n).fill(radix - 1);
      assert.equal(strict.encrypt(x(min)).length, min);
      assert.equal(legacy.decrypt(x(legacyMin)).length, legacyMin);
      for (const ff1 of [strict, legacy]) {
        for (const op of ['encrypt', 'decrypt'] as const) {
          assertFpeError(
            () => ff1[op](x(ff1.minLength - 1)),
            'ERR_FPE_DOMAIN_TOO_SMALL',
            `${radix} ${op}`,
          );
        }
      }
    }
    // The message says what to do, and nothing about the data.
    assert.throws(
      () => new FF1(key, 10).encrypt([1, 2, 3, 4, 5]),
      (e: unknown) =>
        e instanceof FpeError &&
        /at least 6/.test(e.message) &&
        /allowSmallDomain/.test(e.message) &&
        !e.message.includes('12345'),
    );
  });

  void test('hardened round counts follow N^(r-4) >= 2^128 with a floor of 18', () => {
    const table: [number, number, number][] = [
      [10, 6, 18], // N = 10^3: 4 + ceil(12.8) = 17 -> 18
      [10, 16, 18],
      [10, 4, 24], // N = 100 (allowSmallDomain): 4 + ceil(19.3) = 24
      [10, 2, 44], // N = 10: 4 + ceil(38.5) = 43 -> 44
      [2, 20, 18], // N = 2^10: 4 + 12.8 -> 18
      [2, 16, 20], // N = 2^8: 4 + 16 = 20
      [2, 7, 48], // N = 2^3: 4 + ceil(42.7) = 47 -> 48
      [65536, 2, 18],
    ];
    for (const [radix, n, rounds] of table) {
      assert.equal(hardenedRounds(radix, n), rounds, `radix ${radix}, n ${n}`);
      assert.equal(
        new FF1(key, radix, { rounds: 'hardened', allowSmallDomain: true }).roundsFor(n),
        rounds,
      );
    }
    assert.equal(new FF1(key, 10).roundsFor(6), 10);
    assert.equal(new FF1(key, 10, { rounds: 30 }).roundsFor(6), 30);
    // More rounds: a different permutation, still invertible.
    const x = [1, 2, 3, 4, 5, 6, 7, 8];
    const nist = new FF1(key, 10).encrypt(x);
    const hard = new FF1(key, 10, { rounds: 'hardened' });
    assert.notDeepEqual(hard.encrypt(x), nist);
    assert.deepEqual(hard.decrypt(hard.encrypt(x)), x);
  });

  void test('hostile inputs', () => {
    for (const bad of [...notBytes, undefined]) {
      assertArgumentError(() => new FF1(bad as Uint8Array, 10), 'key');
    }
    for (const len of [0, 8, 15, 17, 31, 33]) {
      assertArgumentError(() => new FF1(new Uint8Array(len), 10), `key length ${len}`);
    }
    for (const radix of [undefined, null, 0, 1, 65537, 1.5, NaN, '10', 10n, -10]) {
      assertArgumentError(() => new FF1(key, radix as number), `radix ${String(radix)}`);
    }
    for (const options of [
      null,
      1,
      'x',
      [],
      { rounds: 9 },
      { rounds: 11 },
      { rounds: 258 },
      { rounds: 'fast' },
      { rounds: 12.5 },
      { allowSmallDomain: 1 },
      { block: {} },
      { block: null },
    ]) {
      assertArgumentError(
        () => new FF1(key, 10, options as object),
        `options ${JSON.stringify(options)}`,
      );
    }
    const ff1 = new FF1(key, 10);
    for (const numerals of [
      undefined,
      null,
      123456,
      '123456',
      {},
      new Map(),
      new DataView(new ArrayBuffer(8)),
      [1n, 2n, 3n, 4n, 5n, 6n],
    ]) {
      assertArgumentError(() => ff1.encrypt(numerals as number[]), `numerals ${show(numerals)}`);
      assertArgumentError(() => ff1.decrypt(numerals as number[]), `numerals ${show(numerals)}`);
    }
    for (const bad of [10, -1, 1.5, NaN, Infinity, '1', null, undefined]) {
      const x = [1, 2, 3, 4, 5, bad] as number[];
      assertFpeError(() => ff1.encrypt(x), 'ERR_FPE_NOT_IN_ALPHABET', `numeral ${String(bad)}`);
      assertFpeError(() => ff1.decrypt(x), 'ERR_FPE_NOT_IN_ALPHABET', `numeral ${String(bad)}`);
    }
    assertFpeError(
      () => ff1.encrypt(new Float64Array([1, 2, 3, 4, 5, 0.5])),
      'ERR_FPE_NOT_IN_ALPHABET',
      'f64',
    );
    for (const tweak of notTweak) {
      assertArgumentError(() => ff1.encrypt([1, 2, 3, 4, 5, 6], tweak as Uint8Array), 'tweak');
    }
    // Inputs are never modified.
    const x = [9, 8, 7, 6, 5, 4, 3, 2];
    const tweak = hex(T1);
    ff1.encrypt(x, tweak);
    ff1.decrypt(x, tweak);
    assert.deepEqual(x, [9, 8, 7, 6, 5, 4, 3, 2]);
    assert.deepEqual(tweak, hex(T1));
  });

  void test('a shared AesBlockCipher gives the same results as raw key bytes', () => {
    for (const [, family] of blockFamilies) {
      const aes = family.aes(hex(K192));
      const shared = new FF1(aes, 10);
      const own = new FF1(hex(K192), 10);
      assert.equal(shared.encrypt(base36('0123456789'), hex(T1)).join(''), '2496655549');
      assert.deepEqual(shared.encrypt([1, 2, 3, 4, 5, 6]), own.encrypt([1, 2, 3, 4, 5, 6]));
    }
    assertArgumentError(
      () => new FF1({ encryptBlock() {}, keyLength: 16 } as never, 10),
      'fake aes',
    );
  });
});
