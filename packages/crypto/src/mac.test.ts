import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { nodeMac } from './node/mac.ts';
import { webMac } from './web/mac.ts';
import { HMAC_HASHES, HMAC_OUTPUT_LENGTH, KMAC_MAX_OUTPUT_LENGTH } from './mac.ts';
import type { HmacHash } from './mac.ts';
import { fromHex, toHex } from './bytes.ts';
import { hex, loadWycheproof, nonEmpty, vectorsSkipReason } from './_test/vectors.ts';
import { assertArgumentError, bitFlips, notBytes, notInteger } from './_test/hostile.ts';

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
const range = (from: number, to: number): Uint8Array =>
  Uint8Array.from({ length: to - from + 1 }, (_, i) => from + i);

// RFC 4231 §4.3 (test case 2: key "Jefe") and §4.7 (test case 6: 131-byte key, hashed first).
const RFC4231: readonly { key: Uint8Array; data: Uint8Array; tags: Record<HmacHash, string> }[] = [
  {
    key: utf8('Jefe'),
    data: utf8('what do ya want for nothing?'),
    tags: {
      sha256: '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
      sha384:
        'af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47e42ec3736322445e8e2240ca5e69e2c78b3239ecfab21649',
      sha512:
        '164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea2505549758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737',
    },
  },
  {
    key: new Uint8Array(131).fill(0xaa),
    data: utf8('Test Using Larger Than Block-Size Key - Hash Key First'),
    tags: {
      sha256: '60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54',
      sha384:
        '4ece084485813e9088d2c63a041bc5b44f9ef1012a2b588f3cd11f05033ac4c60c2ef6ab4030fe8296248df163f44952',
      sha512:
        '80b24263c7c1a3ebb71493c1dd7be8b49b46d1f41b4aeec1121b013783f8f3526b56d037e05f2598bd0fd2215d6a1e5295e64f73f63f0aec8b915a985d786598',
    },
  },
];

// NIST SP 800-185 KMAC samples, KMAC256 samples #4, #5 and #6, from
// https://csrc.nist.gov/CSRC/media/Projects/Cryptographic-Standards-and-Guidelines/documents/examples/KMAC_samples.pdf
// Key 0x40..0x5F; data 0x00..0x03 (#4) or 0x00..0xC7 (#5, #6); L = 512 bits.
const KMAC_KEY = range(0x40, 0x5f);
const KMAC_SAMPLES = [
  {
    name: 'Sample #4',
    data: range(0x00, 0x03),
    s: utf8('My Tagged Application'),
    out: '20c570c31346f703c9ac36c61c03cb64c3970d0cfc787e9b79599d273a68d2f7f69d4cc3de9d104a351689f27cf6f5951f0103f33f4f24871024d9c27773a8dd',
  },
  {
    name: 'Sample #5',
    data: range(0x00, 0xc7),
    s: undefined,
    out: '75358cf39e41494e949707927cee0af20a3ff553904c86b08f21cc414bcfd691589d27cf5e15369cbbff8b9a4c2eb17800855d0235ff635da82533ec6b759b69',
  },
  {
    name: 'Sample #6',
    data: range(0x00, 0xc7),
    s: utf8('My Tagged Application'),
    out: 'b58618f71f92e1d56c1b8c55ddd7cd188b97b4ca4d99831eb2699a837da2e4d970fbacfde50033aea585f1a2708510c32d07880801bd182898fe476876fc8965',
  },
] as const;

const HMAC_FILE = 'wycheproof/hmac_sha256_test.json';
const BAD_HASHES: readonly unknown[] = [
  undefined,
  null,
  'SHA-256',
  'sha1',
  'sha3-256',
  'md5',
  1,
  '',
];

for (const [name, impl] of [
  ['node', nodeMac],
  ['web', webMac],
] as const) {
  void describe(`mac (${name})`, () => {
    void test('HMAC RFC 4231 test cases 2 and 6', () => {
      for (const v of RFC4231) {
        for (const h of HMAC_HASHES) {
          assert.equal(toHex(impl.hmac(h, v.key, v.data)), v.tags[h], `${h} one-shot`);
          const key = impl.hmacKey(h, v.key);
          assert.equal(key.hash, h);
          assert.equal(key.outputLength, HMAC_OUTPUT_LENGTH[h]);
          assert.equal(toHex(key.compute(v.data)), v.tags[h], `${h} parsed key`);
          assert.ok(key.verify(v.data, fromHex(v.tags[h])));
        }
      }
    });

    void test(
      'HMAC-SHA256 Wycheproof (valid, invalid; truncated tags compared as prefixes)',
      {
        skip: vectorsSkipReason(HMAC_FILE),
      },
      () => {
        const vectors = nonEmpty(
          loadWycheproof<{ tagSize: number }>('hmac_sha256_test.json'),
          'hmac',
        );
        let full = 0;
        let truncated = 0;
        for (const { group, test: t } of vectors) {
          const key = hex(t['key']);
          const msg = hex(t['msg']);
          const tag = hex(t['tag']);
          const label = `tcId ${t.tcId} (${t.comment})`;
          const mac = impl.hmac('sha256', key, msg);
          const parsed = impl.hmacKey('sha256', key);
          assert.deepEqual(parsed.compute(msg), mac, label);
          // The file has only `valid` and `invalid` (ModifiedTag) results, no `acceptable`.
          assert.notEqual(t.result, 'acceptable', label);
          const expectMatch = t.result === 'valid';
          if (group.tagSize === 256) {
            full++;
            assert.equal(parsed.verify(msg, tag), expectMatch, label);
          } else {
            truncated++;
            // Our verify accepts full-length tags only: a truncated tag, valid or not, fails.
            assert.equal(parsed.verify(msg, tag), false, label);
            assert.equal(tag.length, group.tagSize / 8, label);
            assert.equal(toHex(mac.subarray(0, tag.length)) === toHex(tag), expectMatch, label);
          }
        }
        assert.ok(full > 0 && truncated > 0, 'both full and truncated groups ran');
      },
    );

    void test('KMAC256: NIST SP 800-185 samples #4, #5, #6', () => {
      for (const s of KMAC_SAMPLES) {
        assert.equal(toHex(impl.kmac256(KMAC_KEY, s.data, 64, s.s)), s.out, s.name);
      }
      // An absent customization is the empty string S = "".
      assert.deepEqual(
        impl.kmac256(KMAC_KEY, KMAC_SAMPLES[1].data, 64, new Uint8Array(0)),
        fromHex(KMAC_SAMPLES[1].out),
      );
    });

    void test('KMAC256 output length is bound into the tag (not a truncation)', () => {
      const a = impl.kmac256(KMAC_KEY, utf8('x'), 32);
      const b = impl.kmac256(KMAC_KEY, utf8('x'), 64);
      assert.equal(a.length, 32);
      assert.notDeepEqual(a, b.subarray(0, 32));
    });

    void test('verify rejects altered, truncated, extended and empty tags', () => {
      for (const h of HMAC_HASHES) {
        const key = impl.hmacKey(h, new Uint8Array(32).fill(7));
        const data = utf8('message');
        const tag = key.compute(data);
        assert.ok(key.verify(data, tag));
        for (const bad of bitFlips(tag, [0, 7, 8, 100, tag.length * 8 - 1])) {
          assert.equal(key.verify(data, bad), false);
        }
        assert.equal(key.verify(data, tag.subarray(0, tag.length - 1)), false);
        assert.equal(key.verify(data, new Uint8Array([...tag, 0])), false);
        assert.equal(key.verify(data, new Uint8Array(0)), false);
        assert.equal(key.verify(utf8('messagf'), tag), false);
      }
    });

    void test('parsed keys copy the key; inputs are not modified', () => {
      const keyBytes = new Uint8Array(32).fill(1);
      const key = impl.hmacKey('sha256', keyBytes);
      const data = utf8('data');
      const before = key.compute(data);
      keyBytes.fill(2);
      assert.deepEqual(key.compute(data), before);
      assert.deepEqual(keyBytes, new Uint8Array(32).fill(2));
      assert.deepEqual(data, utf8('data'));
      assert.equal(Object.getPrototypeOf(before), Uint8Array.prototype, 'not a Buffer');
      // An empty HMAC key is legal (RFC 2104) and equals HMAC under a zero block.
      assert.deepEqual(
        impl.hmac('sha256', new Uint8Array(0), data),
        impl.hmac('sha256', new Uint8Array(32), data),
      );
    });

    void test('agrees with the other provider (property)', () => {
      const other = impl === nodeMac ? webMac : nodeMac;
      fc.assert(
        fc.property(
          fc.constantFrom(...HMAC_HASHES),
          fc.uint8Array({ maxLength: 200 }),
          fc.uint8Array({ maxLength: 300 }),
          (h, key, data) => {
            const tag = impl.hmac(h, key, data);
            assert.deepEqual(tag, other.hmac(h, key, data));
            assert.ok(other.hmacKey(h, key).verify(data, tag));
          },
        ),
        { numRuns: 60 },
      );
      fc.assert(
        fc.property(
          fc.uint8Array({ minLength: 16, maxLength: 80 }),
          fc.uint8Array({ maxLength: 300 }),
          fc.integer({ min: 4, max: 100 }),
          fc.option(fc.uint8Array({ maxLength: 40 }), { nil: undefined }),
          (key, data, len, s) => {
            assert.deepEqual(impl.kmac256(key, data, len, s), other.kmac256(key, data, len, s));
          },
        ),
        { numRuns: 20 },
      );
    });

    void test('hostile inputs', () => {
      const k = new Uint8Array(32);
      const d = utf8('d');
      for (const bad of BAD_HASHES) {
        assertArgumentError(() => impl.hmac(bad as HmacHash, k, d), `hmac hash ${String(bad)}`);
        assertArgumentError(() => impl.hmacKey(bad as HmacHash, k), `hmacKey hash ${String(bad)}`);
      }
      const key = impl.hmacKey('sha256', k);
      for (const bad of notBytes) {
        const b = bad as Uint8Array;
        assertArgumentError(() => impl.hmac('sha256', b, d), `hmac key ${String(bad)}`);
        assertArgumentError(() => impl.hmac('sha256', k, b), `hmac data ${String(bad)}`);
        assertArgumentError(() => impl.hmacKey('sha256', b), `hmacKey key ${String(bad)}`);
        assertArgumentError(() => key.compute(b), `compute data ${String(bad)}`);
        assertArgumentError(() => key.verify(b, new Uint8Array(32)), `verify data ${String(bad)}`);
        assertArgumentError(() => key.verify(d, b), `verify tag ${String(bad)}`);
        assertArgumentError(() => impl.kmac256(b, d, 32), `kmac key ${String(bad)}`);
        assertArgumentError(() => impl.kmac256(k, b, 32), `kmac data ${String(bad)}`);
        if (bad !== undefined) {
          assertArgumentError(() => impl.kmac256(k, d, 32, b), `kmac customization ${typeof bad}`);
        }
      }
      for (const bad of [...notInteger, 0, 3, KMAC_MAX_OUTPUT_LENGTH + 1]) {
        assertArgumentError(() => impl.kmac256(k, d, bad as number), `kmac length ${String(bad)}`);
      }
      for (const short of [0, 1, 15]) {
        assertArgumentError(
          () => impl.kmac256(new Uint8Array(short), d, 32),
          `kmac key ${short} B`,
        );
      }
    });
  });
}
