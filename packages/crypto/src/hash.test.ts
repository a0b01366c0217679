import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { nodeHash } from './node/hash.ts';
import { webHash } from './web/hash.ts';
import { HASH_ALGORITHMS, HASH_OUTPUT_LENGTH, MAX_XOF_OUTPUT, XOF_ALGORITHMS } from './hash.ts';
import type { HashAlgorithm, XofAlgorithm } from './hash.ts';
import { StreamStateError } from './errors.ts';
import { fromHex, toHex } from './bytes.ts';
import { assertArgumentError, notBytes, notInteger } from './_test/hostile.ts';

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
const ABC = utf8('abc');
// 448-bit message of the NIST examples ("abcdbcde...nopq").
const TWO_BLOCK = utf8('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq');

// Known answers. SHA-2: NIST CSRC "Examples with Intermediate Values" for FIPS 180-4
// (SHA256.pdf, SHA384.pdf, SHA512.pdf: "abc" and the two-block message). SHA-3: NIST CSRC
// examples for FIPS 202 (SHA3-256_Msg0.pdf for the empty message; "abc" as in SHA3-*.pdf
// one-block examples, also in the FIPS 202 ACVP/CAVP "ShortMsg" files).
const DIGEST_VECTORS: readonly { alg: HashAlgorithm; msg: Uint8Array; md: string }[] = [
  {
    alg: 'sha256',
    msg: ABC,
    md: 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
  },
  {
    alg: 'sha256',
    msg: TWO_BLOCK,
    md: '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
  },
  {
    alg: 'sha256',
    msg: new Uint8Array(0),
    md: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  },
  {
    alg: 'sha384',
    msg: ABC,
    md: 'cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7',
  },
  {
    alg: 'sha512',
    msg: ABC,
    md: 'ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f',
  },
  {
    alg: 'sha3-256',
    msg: new Uint8Array(0),
    md: 'a7ffc6f8bf1ed76651c14756a061d662f580ff4de43b49fa82d80a4b80f8434a',
  },
  {
    alg: 'sha3-256',
    msg: ABC,
    md: '3a985da74fe225b2045c172d6bd390bd855f086e3e9d525b46bfe24511431532',
  },
  {
    alg: 'sha3-384',
    msg: ABC,
    md: 'ec01498288516fc926459f58e2c6ad8df9b473cb0fc08c2596da7cf0e49be4b298d88cea927ac7f539f1edf228376d25',
  },
  {
    alg: 'sha3-512',
    msg: ABC,
    md: 'b751850b1a57168a5693cd924b6b096e08f621827444f70d884f5d0240d2712e10e116e9192af3c91a7ec57647e3934057340b4cf408d5a56592f8274eec53f0',
  },
];

// SHAKE of the empty message: NIST CSRC FIPS 202 examples (SHAKE128_Msg0.pdf, SHAKE256_Msg0.pdf),
// first 32 / 64 output bytes.
const XOF_VECTORS: readonly { alg: XofAlgorithm; msg: Uint8Array; out: string }[] = [
  {
    alg: 'shake128',
    msg: new Uint8Array(0),
    out: '7f9c2ba4e88f827d616045507605853ed73b8093f6efbc88eb1a6eacfa66ef26',
  },
  {
    alg: 'shake256',
    msg: new Uint8Array(0),
    out: '46b9dd2b0ba88d13233b3feb743eeb243fcd52ea62b81b82b50c27646ed5762fd75dc4ddd8c0f200cb05019d67b592f6fc821c49479ab48640292eacb3b7c4be',
  },
];

const BAD_ALGORITHMS: readonly unknown[] = [
  undefined,
  null,
  1,
  'SHA256',
  'sha-256',
  'md5',
  'sha1',
  'shake256',
  '',
];
const BAD_XOF_ALGORITHMS: readonly unknown[] = [
  undefined,
  null,
  1,
  'SHAKE256',
  'sha3-256',
  'shake512',
  '',
];
const BAD_XOF_LENGTHS: readonly unknown[] = [...notInteger, 0, MAX_XOF_OUTPUT + 1];

/** Splits `data` at the given cut points (sorted, deduplicated, clamped). */
function chunks(data: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => c % (data.length + 1)))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let start = 0;
  for (const p of points) {
    out.push(data.subarray(start, p));
    start = p;
  }
  out.push(data.subarray(start));
  return out;
}

for (const [name, impl] of [
  ['node', nodeHash],
  ['web', webHash],
] as const) {
  void describe(`hash (${name})`, () => {
    void test('known answers (NIST FIPS 180-4 / FIPS 202 examples)', () => {
      for (const v of DIGEST_VECTORS) {
        assert.equal(toHex(impl.digest(v.alg, v.msg)), v.md, `${v.alg} one-shot`);
        assert.equal(
          toHex(impl.create(v.alg).update(v.msg).digest()),
          v.md,
          `${v.alg} incremental`,
        );
      }
      for (const v of XOF_VECTORS) {
        const len = v.out.length / 2;
        assert.equal(toHex(impl.xof(v.alg, v.msg, len)), v.out, `${v.alg} one-shot`);
        assert.equal(
          toHex(impl.createXof(v.alg).update(v.msg).digest(len)),
          v.out,
          `${v.alg} incremental`,
        );
      }
    });

    void test('output lengths and plain Uint8Array results', () => {
      for (const alg of HASH_ALGORITHMS) {
        const md = impl.digest(alg, ABC);
        assert.equal(md.length, HASH_OUTPUT_LENGTH[alg]);
        assert.equal(Object.getPrototypeOf(md), Uint8Array.prototype, 'not a Buffer');
      }
      for (const alg of XOF_ALGORITHMS) {
        for (const len of [1, 17, 200, 1000]) assert.equal(impl.xof(alg, ABC, len).length, len);
      }
    });

    void test('SHAKE output is a prefix-consistent stream', () => {
      for (const alg of XOF_ALGORITHMS) {
        const long = impl.xof(alg, ABC, 500);
        assert.deepEqual(impl.xof(alg, ABC, 37), long.subarray(0, 37));
      }
    });

    void test('incremental equals one-shot for any chunking (property)', () => {
      fc.assert(
        fc.property(
          fc.constantFrom(...HASH_ALGORITHMS),
          fc.uint8Array({ maxLength: 600 }),
          fc.array(fc.nat(), { maxLength: 6 }),
          (alg, data, cuts) => {
            const h = impl.create(alg);
            for (const part of chunks(data, cuts)) h.update(part);
            assert.deepEqual(h.digest(), impl.digest(alg, data));
          },
        ),
        { numRuns: 60 },
      );
      fc.assert(
        fc.property(
          fc.constantFrom(...XOF_ALGORITHMS),
          fc.uint8Array({ maxLength: 600 }),
          fc.array(fc.nat(), { maxLength: 6 }),
          fc.integer({ min: 1, max: 300 }),
          (alg, data, cuts, len) => {
            const x = impl.createXof(alg);
            for (const part of chunks(data, cuts)) x.update(part);
            assert.deepEqual(x.digest(len), impl.xof(alg, data, len));
          },
        ),
        { numRuns: 40 },
      );
    });

    void test('agrees with the other provider on random inputs (property)', () => {
      const other = impl === nodeHash ? webHash : nodeHash;
      fc.assert(
        fc.property(
          fc.constantFrom(...HASH_ALGORITHMS),
          fc.uint8Array({ maxLength: 400 }),
          (alg, data) => {
            assert.deepEqual(impl.digest(alg, data), other.digest(alg, data));
          },
        ),
        { numRuns: 40 },
      );
      fc.assert(
        fc.property(
          fc.constantFrom(...XOF_ALGORITHMS),
          fc.uint8Array({ maxLength: 400 }),
          fc.integer({ min: 1, max: 300 }),
          (alg, data, len) => {
            assert.deepEqual(impl.xof(alg, data, len), other.xof(alg, data, len));
          },
        ),
        { numRuns: 30 },
      );
    });

    void test('hashers are single use', () => {
      const h = impl.create('sha256').update(ABC);
      h.digest();
      assert.throws(() => h.digest(), StreamStateError);
      assert.throws(() => h.update(ABC), StreamStateError);
      const x = impl.createXof('shake256').update(ABC);
      x.digest(32);
      assert.throws(() => x.digest(32), StreamStateError);
      assert.throws(() => x.update(ABC), StreamStateError);
    });

    void test('a rejected XOF length does not consume the state', () => {
      const x = impl.createXof('shake128').update(ABC);
      assertArgumentError(() => x.digest(0), 'digest(0)');
      assert.deepEqual(x.digest(16), impl.xof('shake128', ABC, 16));
    });

    void test('inputs are not modified; subarray views hash only their bytes', () => {
      const backing = fromHex('ff616263ff');
      const view = backing.subarray(1, 4);
      const before = backing.slice();
      assert.deepEqual(impl.digest('sha256', view), impl.digest('sha256', ABC));
      assert.deepEqual(impl.xof('shake256', view, 32), impl.xof('shake256', ABC, 32));
      assert.deepEqual(backing, before);
    });

    void test('hostile inputs', () => {
      for (const bad of notBytes) {
        assertArgumentError(
          () => impl.digest('sha256', bad as Uint8Array),
          `digest data ${String(bad)}`,
        );
        assertArgumentError(
          () => impl.create('sha256').update(bad as Uint8Array),
          `update ${String(bad)}`,
        );
        assertArgumentError(
          () => impl.xof('shake256', bad as Uint8Array, 32),
          `xof data ${String(bad)}`,
        );
        assertArgumentError(
          () => impl.createXof('shake256').update(bad as Uint8Array),
          `xof update ${String(bad)}`,
        );
      }
      for (const bad of BAD_ALGORITHMS) {
        assertArgumentError(
          () => impl.digest(bad as HashAlgorithm, ABC),
          `digest alg ${String(bad)}`,
        );
        assertArgumentError(() => impl.create(bad as HashAlgorithm), `create alg ${String(bad)}`);
      }
      for (const bad of BAD_XOF_ALGORITHMS) {
        assertArgumentError(() => impl.xof(bad as XofAlgorithm, ABC, 32), `xof alg ${String(bad)}`);
        assertArgumentError(
          () => impl.createXof(bad as XofAlgorithm),
          `createXof alg ${String(bad)}`,
        );
      }
      for (const bad of BAD_XOF_LENGTHS) {
        assertArgumentError(
          () => impl.xof('shake128', ABC, bad as number),
          `xof length ${String(bad)}`,
        );
        assertArgumentError(
          () => impl.createXof('shake128').digest(bad as number),
          `xof digest length ${String(bad)}`,
        );
      }
    });
  });
}
