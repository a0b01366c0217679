import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { FF3_1 } from './ff3-1.ts';
import { blockFamilies } from './_test/blocks.ts';
import { assertArgumentError, assertFpeError, notBytes } from './_test/hostile.ts';
import { hex } from './_test/vectors.ts';

// NIST ACVP FF3-1 vectors: usnistgov/ACVP-Server, gen-val/json-files/ACVP-AES-FF3-1-1.0/
// internalProjection.json at commit 8e6f5ee70a96fc634b4751386d3733e29f4bf5c6 (vsId 42, AFT,
// direction encrypt, 56-bit tweaks). A subset of each (key size, alphabet) group, copied by hand:
// [tgId, tcId, key, tweak, pt, ct]. It includes the longest inputs the groups allow (56 decimal
// digits, 40 letters = FF3-1's maxlen for radix 10 and 26) and ciphertexts with leading zeros.
const DEC = '0123456789';
const LOW = 'abcdefghijklmnopqrstuvwxyz';
const B64 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz+/';
const ACVP: readonly (readonly [number, number, string, string, string, string])[] = [
  [1, 1, 'AD41EC5D2356DEAE53AE76F50B4BA6D2', 'CF29DA1E18D970', '6520935496', '4716569208'],
  [
    1,
    2,
    '3C0ABB8C4D50528320ED6EF4F536371C',
    '2E0B7EE01C1370',
    '37411281822299620587806308530316674537844784195073078382',
    '45217408528208365340847148215470453887037524494034613315',
  ],
  [1, 9, 'A84BB554854DCAB9CBFD9E298001518C', '7A773172C3F0F1', '082360355025', '901934302943'],
  [
    1,
    12,
    '5DF90E69E669581B88351221FD23636A',
    '640EBCC1091852',
    '383973529234270684083468127778401576',
    '001456236120632277552824263292735558',
  ],
  [1, 24, '205BF0322AC8FBE58DD5F4C929B967FF', '587F204217950C', '91808985919', '14027105769'],
  [2, 26, 'F078DB4C3105463E559623AB7C2EA29F', '1A3FD500D121E9', 'aquxxnfnhq', 'lkjcjcnohf'],
  [
    2,
    27,
    'C7630C6EE431283365A70B06D3FA6CD8',
    '9FC475DB5A5824',
    'bnlilrtlwmleozfxpddesinwvuqostxzkovolgbe',
    'bdzzkydglpqydxwndiyakofjrfihynehnycbmxuc',
  ],
  [2, 38, '93AAD449369EAE63B65930172619150B', '223818F5B78A22', 'ishliuiglx', 'zeytxlivfn'],
  [3, 51, 'F25F9847BFCE672767C28F75E0C22663', '02E98B70FCADF3', 'oUpPhk2jm9', 'khz4xTwSnT'],
  [
    3,
    52,
    '786B59C511F71B2E2034FE5B54C0F39C',
    '95B70373E4DF87',
    'XemT7oMMk1NO2lTm1quMXsVMHhem',
    'nPPBTwnwHbzuIvKx7ZAwHm6thq3e',
  ],
  [3, 53, '1BA6AED9A9C4CDDFFCEFBEBDEA065CE0', '059519EFDAED0D', '1pdgPjUaCT', '2sSRb7o+Mm'],
  [
    3,
    57,
    '9F5179FFFE058A1E757135B9F014FF70',
    '8AC3A7BBD1D927',
    'CF+CKWaaePXS1dNP',
    'gBA/Y7OYqTjW3kSO',
  ],
  [
    4,
    76,
    '22BD6067AD88AAAC544DC79CCAC30960CEAA57C7D0E7DBA1',
    'BD0A725A4EDBBE',
    '8698753752',
    '9584404002',
  ],
  [
    4,
    77,
    'BBD993513F2D702C1908A5A5E3D30713CF1C285192A42999',
    '49B1811181C487',
    '92236061427629838278974317694598492483521930395322104702',
    '94037268165665356681944391643379743282209038945532418719',
  ],
  [
    4,
    87,
    'E1366CA9BE614E0BA68D0BE9500654F41E3B11AB3D90DE05',
    '7C02D7B7DE234C',
    '69069069524656',
    '95812286213108',
  ],
  [
    5,
    101,
    'ABF2609099D17A8D9CE7340B9D37718FEB116FBA0F995062',
    '965E3665A67363',
    'xnpkaymwxj',
    'odzyjsjldd',
  ],
  [
    5,
    102,
    '538065F6E7314413D1B98054A2778D7B1C89DD87B3673C2F',
    'ACA134D06373C3',
    'pjbwbfflepdoltpqggkclsjpaykbopohmjytvvim',
    'cxaaxiamzadlxcaosxduqtmgnxpldnjmtlhuutma',
  ],
  [
    7,
    168,
    '0F88A7D353241D61758A19EB65717D690C76F4FE53E556B2B34E0A3039759AA9',
    'B0EF53282D0BFE',
    '1424412257597',
    '3138751095762',
  ],
  [
    7,
    170,
    'B1269B092F05FECFA8036738151EDB589B5DA045CEE15A5D8205D0DAE2F08140',
    'AA60B9F1511FCF',
    '927620161221903608902916983948120928574839781',
    '083018549187177333166353379901602152982038207',
  ],
  [
    7,
    174,
    '0D2A019AE719A830997748FB295D54F8C0A92C9C275CEBA11B6F5AD67C60A92F',
    '80E06C85AC0463',
    '763132227981728',
    '372156759473587',
  ],
  [
    8,
    176,
    '98EF72B4CB9585F6B55A3E3083BDA54AE161E822EB79EE1E9F6012BF1C2AA385',
    '7D9E02EE1BA963',
    'cpgwnqztxg',
    'vdnyuqtuta',
  ],
  [
    8,
    177,
    'B97E6C8186994CD64BDF0C25C0E604BA6EF2EB879ED7A46F1EB3338D3D736C0C',
    '1F09517BDB6E5F',
    'zixxzizwdrrhvbifuplrdwfrptpgfpouykavxjsf',
    'bwisehvdebxalonsaoykdvuxtouzoliqkagzznpm',
  ],
  [
    9,
    201,
    '9618F89241D27101914C980A373C08570832C924D470C65A272BDFEF41AD63A3',
    '5312C87A81B08E',
    'ctRF79h/HK',
    '7Rta7Ppqi8',
  ],
  [
    9,
    202,
    '9407408FD87C0AD608344A9010610E2D422FB305CC4F4FA8B73B5C7F6050B5CA',
    '5A721F469ED493',
    'Fym7pxazebhQK7atlVi/LRGRex2h',
    'iAcK0GAFbi1wbqbLmvgn8gagv2Jo',
  ],
  [
    9,
    204,
    'E83971DAC34DB59D22D2DABB14DA556C2621490E87BE00BA80E89419557E86AE',
    'E897A8C12C4887',
    '72RSKyChT1LZClsvPl05MxwGymQ+',
    '+ydFyBb8TSA2bJOt/CvR3ydUIIj1',
  ],
];
const alphabetOf = (tgId: number): string => [DEC, LOW, B64][(tgId - 1) % 3] as string;

for (const [name, family] of blockFamilies) {
  void describe(`FF3-1 (${name} block)`, () => {
    void test(`ACVP-AES-FF3-1 vectors (${ACVP.length}, AES-128/192/256, radix 10/26/64)`, () => {
      for (const [tgId, tcId, key, tweak, pt, ct] of ACVP) {
        const alphabet = alphabetOf(tgId);
        const toNumerals = (s: string): number[] => Array.from(s, (c) => alphabet.indexOf(c));
        const show = (x: number[]): string => x.map((i) => alphabet[i]).join('');
        const ff3 = new FF3_1(hex(key), alphabet.length, { block: family });
        assert.equal(show(ff3.encrypt(toNumerals(pt), hex(tweak))), ct, `tcId ${tcId}`);
        assert.equal(show(ff3.decrypt(toNumerals(ct), hex(tweak))), pt, `tcId ${tcId} decrypt`);
      }
    });

    void test('round trip over random radices, lengths and tweaks', () => {
      fc.assert(
        fc.property(
          fc.constantFrom(16, 24, 32).chain((n) => fc.uint8Array({ minLength: n, maxLength: n })),
          fc.integer({ min: 2, max: 65536 }),
          fc.uint8Array({ minLength: 7, maxLength: 7 }),
          fc.double({ min: 0, max: 1, noNaN: true }),
          fc.infiniteStream(fc.nat()),
          (key, radix, tweak, where, stream) => {
            const ff3 = new FF3_1(key, radix, { block: family });
            const n = ff3.minLength + Math.floor(where * (ff3.maxLength - ff3.minLength));
            const it = stream[Symbol.iterator]();
            const x = Array.from({ length: n }, () => (it.next().value as number) % radix);
            const ct = ff3.encrypt(x, tweak);
            assert.equal(ct.length, n);
            assert.deepEqual(ff3.decrypt(ct, tweak), x);
          },
        ),
        { numRuns: 80 },
      );
    });
  });
}

void describe('FF3-1 limits and hostile inputs', () => {
  const key = hex('AD41EC5D2356DEAE53AE76F50B4BA6D2');
  const tweak = hex('CF29DA1E18D970');

  void test('minlen (radix^minlen >= 1,000,000) and maxlen = 2 floor(log_radix 2^96)', () => {
    const cases: [number, number, number][] = [
      [10, 6, 56],
      [26, 5, 40],
      [64, 4, 32],
      [2, 20, 192],
      [65536, 2, 12],
    ];
    for (const [radix, min, max] of cases) {
      const ff3 = new FF3_1(key, radix);
      assert.equal(ff3.minLength, min, `radix ${radix} minlen`);
      assert.equal(ff3.maxLength, max, `radix ${radix} maxlen`);
      const x = (n: number): number[] => new Array<number>(n).fill(radix - 1);
      assert.deepEqual(ff3.decrypt(ff3.encrypt(x(min), tweak), tweak), x(min));
      assert.deepEqual(ff3.decrypt(ff3.encrypt(x(max), tweak), tweak), x(max));
      assertFpeError(() => ff3.encrypt(x(min - 1), tweak), 'ERR_FPE_DOMAIN_TOO_SMALL', `${radix}`);
      assertFpeError(() => ff3.encrypt(x(max + 1), tweak), 'ERR_FPE_TOO_LONG', `${radix}`);
      assertFpeError(() => ff3.decrypt(x(max + 1), tweak), 'ERR_FPE_TOO_LONG', `${radix}`);
    }
    const legacy = new FF3_1(key, 10, { allowSmallDomain: true });
    assert.equal(legacy.minLength, 2);
    assert.deepEqual(legacy.decrypt(legacy.encrypt([4, 2], tweak), tweak), [4, 2]);
  });

  void test('hostile inputs', () => {
    for (const bad of [...notBytes, undefined]) {
      assertArgumentError(() => new FF3_1(bad as Uint8Array, 10), 'key');
    }
    for (const len of [0, 15, 17, 33]) {
      assertArgumentError(() => new FF3_1(new Uint8Array(len), 10), `key ${len}`);
    }
    for (const radix of [1, 65537, 2.5, '10', undefined]) {
      assertArgumentError(() => new FF3_1(key, radix as number), `radix ${String(radix)}`);
    }
    for (const options of [null, 'x', { allowSmallDomain: 'yes' }, { block: 1 }]) {
      assertArgumentError(() => new FF3_1(key, 10, options as object), 'options');
    }
    const ff3 = new FF3_1(key, 10);
    const x = [6, 5, 2, 0, 9, 3, 5, 4, 9, 6];
    for (const t of [
      new Uint8Array(6),
      new Uint8Array(8),
      new Uint8Array(0),
      'tweak',
      [1, 2, 3, 4, 5, 6, 7],
      null,
    ]) {
      assertArgumentError(() => ff3.encrypt(x, t as Uint8Array), `tweak ${String(t)}`);
    }
    for (const numerals of [null, '6520935496', 6520935496, {}]) {
      assertArgumentError(() => ff3.encrypt(numerals as number[], tweak), 'numerals');
    }
    assertFpeError(() => ff3.encrypt([...x.slice(1), 10], tweak), 'ERR_FPE_NOT_IN_ALPHABET', '10');
    assertFpeError(() => ff3.decrypt([...x.slice(1), -1], tweak), 'ERR_FPE_NOT_IN_ALPHABET', '-1');
    // The caller's key and inputs are not modified (the key is reversed on a copy).
    const k = key.slice();
    new FF3_1(k, 10).encrypt(x, tweak);
    assert.deepEqual(k, key);
    assert.deepEqual(x, [6, 5, 2, 0, 9, 3, 5, 4, 9, 6]);
    // No tweak means the all-zero tweak.
    assert.deepEqual(ff3.encrypt(x), ff3.encrypt(x, new Uint8Array(7)));
  });
});
