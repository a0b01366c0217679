import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { nodeKdf } from './node/kdf.ts';
import { webKdf } from './web/kdf.ts';
import {
  ARGON2_MAX_LENGTH,
  ARGON2_MAX_MEMORY_KIB,
  PBKDF2_MAX_LENGTH,
  type Argon2idParams,
  type KdfHash,
} from './kdf.ts';
import { fromHex, toHex } from './bytes.ts';
import { hex, loadWycheproof, nonEmpty, vectorsSkipReason } from './_test/vectors.ts';
import {
  assertArgumentError,
  assertArgumentErrorAsync,
  notBytes,
  notInteger,
} from './_test/hostile.ts';

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
const range = (from: number, to: number): Uint8Array =>
  Uint8Array.from({ length: to - from + 1 }, (_, i) => from + i);
const EMPTY = new Uint8Array(0);

// RFC 5869 Appendix A.1, A.2, A.3 (HKDF-SHA-256 test cases 1-3), with their PRKs.
const RFC5869 = [
  {
    name: 'A.1',
    ikm: new Uint8Array(22).fill(0x0b),
    salt: range(0x00, 0x0c),
    info: range(0xf0, 0xf9),
    length: 42,
    prk: '077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5',
    okm: '3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865',
  },
  {
    name: 'A.2',
    ikm: range(0x00, 0x4f),
    salt: range(0x60, 0xaf),
    info: range(0xb0, 0xff),
    length: 82,
    prk: '06a6b88c5853361a06104c9ceb35b45cef760014904671014a193f40c15fc244',
    okm:
      'b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c' +
      '59045a99cac7827271cb41c65e590e09da3275600c2f09b8367793a9aca3db71' +
      'cc30c58179ec3e87c14c01d5c1f3434f1d87',
  },
  {
    name: 'A.3',
    ikm: new Uint8Array(22).fill(0x0b),
    salt: EMPTY,
    info: EMPTY,
    length: 42,
    prk: '19ef24a32c717b167f33a91d6f648bdf96596776afdb6377ac434c1c293ccb04',
    okm: '8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8',
  },
];

// RFC 7914 §11 (PBKDF2-HMAC-SHA256 test vectors).
const RFC7914 = [
  {
    password: utf8('passwd'),
    salt: utf8('salt'),
    c: 1,
    dk:
      '55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc' +
      '49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783',
  },
  {
    password: utf8('Password'),
    salt: utf8('NaCl'),
    c: 80000,
    dk:
      '4ddcd8f60b98be21830cee5ef22701f9641a4418d04c0414aeff08876b34ab56' +
      'a1d425a1225833549adb841b51c9b3176a272bdebba1d078478f62b397f33c8d',
  },
];

// RFC 9106 §5.3 (Argon2id test vector, version 0x13).
const RFC9106: Argon2idParams = {
  password: new Uint8Array(32).fill(0x01),
  salt: new Uint8Array(16).fill(0x02),
  secret: new Uint8Array(8).fill(0x03),
  associatedData: new Uint8Array(12).fill(0x04),
  passes: 3,
  memoryKiB: 32,
  parallelism: 4,
  length: 32,
};
const RFC9106_TAG = '0d640df58d78766c08c037a34a8b53c9d01ef0452d75b65eb52520e96b01e659';

const SMALL_ARGON: Argon2idParams = {
  password: utf8('password'),
  salt: new Uint8Array(16).fill(9),
  memoryKiB: 64,
  passes: 1,
  parallelism: 1,
  length: 32,
};

const BAD_HASHES: readonly unknown[] = [undefined, null, 'SHA-256', 'sha1', 'sha3-256', 1, ''];

for (const [name, impl] of [
  ['node', nodeKdf],
  ['web', webKdf],
] as const) {
  void describe(`kdf (${name})`, () => {
    void test('HKDF RFC 5869 appendix A (extract, expand, one-shot)', () => {
      for (const v of RFC5869) {
        const prk = impl.hkdfExtract('sha256', v.ikm, v.salt);
        assert.equal(toHex(prk), v.prk, `${v.name} PRK`);
        assert.equal(
          toHex(impl.hkdfExpand('sha256', prk, v.info, v.length)),
          v.okm,
          `${v.name} expand`,
        );
        assert.equal(toHex(impl.hkdf('sha256', v.ikm, v.salt, v.info, v.length)), v.okm, v.name);
      }
    });

    for (const [file, hash] of [
      ['hkdf_sha256_test.json', 'sha256'],
      ['hkdf_sha512_test.json', 'sha512'],
    ] as const) {
      void test(
        `HKDF Wycheproof ${file}`,
        { skip: vectorsSkipReason(`wycheproof/${file}`) },
        () => {
          const vectors = nonEmpty(loadWycheproof(file), file);
          let valid = 0;
          let invalid = 0;
          for (const { test: t } of vectors) {
            const label = `tcId ${t.tcId} (${t.comment}) ${t.flags.join(',')}`;
            const ikm = hex(t['ikm']);
            const salt = hex(t['salt']);
            const info = hex(t['info']);
            const size = t['size'] as number;
            // No `acceptable` results in these files; `invalid` is only SizeTooLarge (> 255·HashLen).
            if (t.result === 'valid') {
              valid++;
              const okm = toHex(impl.hkdf(hash, ikm, salt, info, size));
              assert.equal(okm, t['okm'], label);
              const prk = impl.hkdfExtract(hash, ikm, salt);
              assert.equal(toHex(impl.hkdfExpand(hash, prk, info, size)), t['okm'], label);
            } else {
              invalid++;
              assert.equal(t.result, 'invalid', label);
              assert.throws(() => impl.hkdf(hash, ikm, salt, info, size), RangeError, label);
            }
          }
          assert.ok(valid > 0 && invalid > 0);
        },
      );
    }

    void test('HKDF with info above 1 KiB (node falls back from hkdfSync) and output edges', () => {
      const other = impl === nodeKdf ? webKdf : nodeKdf;
      const ikm = new Uint8Array(32).fill(5);
      const info = new Uint8Array(3000).fill(6);
      for (const hash of ['sha256', 'sha384', 'sha512'] as const) {
        const out = impl.hkdf(hash, ikm, utf8('salt'), info, 100);
        assert.deepEqual(out, other.hkdf(hash, ikm, utf8('salt'), info, 100));
        const max = { sha256: 32, sha384: 48, sha512: 64 }[hash] * 255;
        assert.equal(impl.hkdf(hash, ikm, EMPTY, EMPTY, max).length, max);
        assert.equal(impl.hkdf(hash, ikm, EMPTY, EMPTY, 1).length, 1);
        assert.throws(() => impl.hkdf(hash, ikm, EMPTY, EMPTY, max + 1), RangeError);
        assert.throws(() => impl.hkdf(hash, ikm, EMPTY, EMPTY, 0), RangeError);
      }
    });

    void test('HKDF agrees with the other provider (property)', () => {
      const other = impl === nodeKdf ? webKdf : nodeKdf;
      fc.assert(
        fc.property(
          fc.constantFrom<KdfHash>('sha256', 'sha384', 'sha512'),
          fc.uint8Array({ maxLength: 100 }),
          fc.uint8Array({ maxLength: 100 }),
          fc.uint8Array({ maxLength: 100 }),
          fc.integer({ min: 1, max: 300 }),
          (hash, ikm, salt, info, len) => {
            const out = impl.hkdf(hash, ikm, salt, info, len);
            assert.deepEqual(out, other.hkdf(hash, ikm, salt, info, len));
            assert.equal(Object.getPrototypeOf(out), Uint8Array.prototype);
          },
        ),
        { numRuns: 50 },
      );
    });

    void test('PBKDF2-HMAC-SHA256 RFC 7914 §11', async () => {
      for (const v of RFC7914) {
        const dk = await impl.pbkdf2('sha256', v.password, v.salt, v.c, 64);
        assert.equal(toHex(dk), v.dk, `c=${v.c}`);
        assert.equal(Object.getPrototypeOf(dk), Uint8Array.prototype);
      }
    });

    void test('PBKDF2 agrees with the other provider, all hashes, empty password', async () => {
      const other = impl === nodeKdf ? webKdf : nodeKdf;
      for (const hash of ['sha256', 'sha384', 'sha512'] as const) {
        for (const password of [EMPTY, utf8('pw'), new Uint8Array(200).fill(3)]) {
          const a = await impl.pbkdf2(hash, password, utf8('salt'), 3, 77);
          assert.deepEqual(a, await other.pbkdf2(hash, password, utf8('salt'), 3, 77));
        }
      }
    });

    void test('Argon2id RFC 9106 §5.3', async () => {
      assert.equal(toHex(await impl.argon2id(RFC9106)), RFC9106_TAG);
    });

    void test('Argon2id agrees with the other provider (no secret/ad, odd lengths)', async () => {
      const other = impl === nodeKdf ? webKdf : nodeKdf;
      const cases: Argon2idParams[] = [
        SMALL_ARGON,
        { ...SMALL_ARGON, password: EMPTY, salt: new Uint8Array(8), length: 4 },
        { ...SMALL_ARGON, parallelism: 2, memoryKiB: 16, passes: 2, length: 65 },
        { ...SMALL_ARGON, secret: new Uint8Array(32).fill(1), length: 100 },
      ];
      for (const p of cases) {
        const tag = await impl.argon2id(p);
        assert.equal(tag.length, p.length);
        assert.deepEqual(tag, await other.argon2id(p));
      }
      const base = await impl.argon2id(SMALL_ARGON);
      assert.notDeepEqual(base, await impl.argon2id({ ...SMALL_ARGON, associatedData: utf8('x') }));
      assert.notDeepEqual(base, await impl.argon2id({ ...SMALL_ARGON, secret: utf8('pepper') }));
    });

    void test('hostile inputs: HKDF', () => {
      const k = new Uint8Array(32);
      for (const bad of BAD_HASHES) {
        const h = bad as KdfHash;
        assertArgumentError(() => impl.hkdf(h, k, k, k, 32), `hkdf hash ${String(bad)}`);
        assertArgumentError(() => impl.hkdfExtract(h, k, k), `extract hash ${String(bad)}`);
        assertArgumentError(() => impl.hkdfExpand(h, k, k, 32), `expand hash ${String(bad)}`);
      }
      for (const bad of notBytes) {
        const b = bad as Uint8Array;
        assertArgumentError(() => impl.hkdf('sha256', b, k, k, 32), `hkdf ikm ${String(bad)}`);
        assertArgumentError(() => impl.hkdf('sha256', k, b, k, 32), `hkdf salt ${String(bad)}`);
        assertArgumentError(() => impl.hkdf('sha256', k, k, b, 32), `hkdf info ${String(bad)}`);
        assertArgumentError(() => impl.hkdfExtract('sha256', b, k), `extract ikm ${String(bad)}`);
        assertArgumentError(() => impl.hkdfExtract('sha256', k, b), `extract salt ${String(bad)}`);
        assertArgumentError(() => impl.hkdfExpand('sha256', b, k, 32), `expand prk ${String(bad)}`);
        assertArgumentError(
          () => impl.hkdfExpand('sha256', k, b, 32),
          `expand info ${String(bad)}`,
        );
      }
      for (const bad of [...notInteger, 0, 255 * 32 + 1]) {
        const n = bad as number;
        assertArgumentError(() => impl.hkdf('sha256', k, k, k, n), `hkdf length ${String(bad)}`);
        assertArgumentError(
          () => impl.hkdfExpand('sha256', k, k, n),
          `expand length ${String(bad)}`,
        );
      }
      // A PRK shorter than HashLen is not the output of extract.
      assertArgumentError(() => impl.hkdfExpand('sha256', new Uint8Array(31), k, 32), 'short prk');
      assertArgumentError(
        () => impl.hkdfExpand('sha512', new Uint8Array(32), k, 32),
        'short prk 512',
      );
    });

    void test('hostile inputs: PBKDF2 (rejects, never throws synchronously)', async () => {
      const pw = utf8('pw');
      const salt = utf8('salt');
      for (const bad of BAD_HASHES) {
        await assertArgumentErrorAsync(
          () => impl.pbkdf2(bad as KdfHash, pw, salt, 1, 32),
          `hash ${String(bad)}`,
        );
      }
      for (const bad of notBytes) {
        const b = bad as Uint8Array;
        await assertArgumentErrorAsync(
          () => impl.pbkdf2('sha256', b, salt, 1, 32),
          `password ${String(bad)}`,
        );
        await assertArgumentErrorAsync(
          () => impl.pbkdf2('sha256', pw, b, 1, 32),
          `salt ${String(bad)}`,
        );
      }
      for (const bad of [...notInteger, 0, 2 ** 31]) {
        await assertArgumentErrorAsync(
          () => impl.pbkdf2('sha256', pw, salt, bad as number, 32),
          `iterations ${String(bad)}`,
        );
      }
      for (const bad of [...notInteger, 0, PBKDF2_MAX_LENGTH + 1]) {
        await assertArgumentErrorAsync(
          () => impl.pbkdf2('sha256', pw, salt, 1, bad as number),
          `length ${String(bad)}`,
        );
      }
    });

    void test('hostile inputs: Argon2id (rejects, never throws synchronously)', async () => {
      const call = (p: unknown) => () => impl.argon2id(p as Argon2idParams);
      for (const bad of [undefined, null, 1, 'params'] as unknown[]) {
        await assertArgumentErrorAsync(call(bad), `params ${String(bad)}`);
      }
      for (const bad of notBytes) {
        await assertArgumentErrorAsync(
          call({ ...SMALL_ARGON, password: bad }),
          `password ${String(bad)}`,
        );
        await assertArgumentErrorAsync(call({ ...SMALL_ARGON, salt: bad }), `salt ${String(bad)}`);
        if (bad !== undefined) {
          await assertArgumentErrorAsync(
            call({ ...SMALL_ARGON, secret: bad }),
            `secret ${typeof bad}`,
          );
          await assertArgumentErrorAsync(
            call({ ...SMALL_ARGON, associatedData: bad }),
            `associatedData ${typeof bad}`,
          );
        }
      }
      await assertArgumentErrorAsync(call({ ...SMALL_ARGON, salt: new Uint8Array(7) }), 'salt 7 B');
      for (const bad of [...notInteger, 0]) {
        await assertArgumentErrorAsync(
          call({ ...SMALL_ARGON, passes: bad }),
          `passes ${String(bad)}`,
        );
        await assertArgumentErrorAsync(
          call({ ...SMALL_ARGON, parallelism: bad }),
          `parallelism ${String(bad)}`,
        );
        await assertArgumentErrorAsync(
          call({ ...SMALL_ARGON, memoryKiB: bad }),
          `memoryKiB ${String(bad)}`,
        );
        await assertArgumentErrorAsync(
          call({ ...SMALL_ARGON, length: bad }),
          `length ${String(bad)}`,
        );
      }
      await assertArgumentErrorAsync(call({ ...SMALL_ARGON, parallelism: 2 ** 24 }), 'p too large');
      await assertArgumentErrorAsync(call({ ...SMALL_ARGON, memoryKiB: 7 }), 'm < 8');
      await assertArgumentErrorAsync(
        call({ ...SMALL_ARGON, parallelism: 4, memoryKiB: 31 }),
        'm < 8p',
      );
      await assertArgumentErrorAsync(
        call({ ...SMALL_ARGON, memoryKiB: ARGON2_MAX_MEMORY_KIB + 1 }),
        'm too big',
      );
      await assertArgumentErrorAsync(call({ ...SMALL_ARGON, length: 3 }), 'length 3');
      await assertArgumentErrorAsync(
        call({ ...SMALL_ARGON, length: ARGON2_MAX_LENGTH + 1 }),
        'length max',
      );
    });

    void test('inputs are not modified', async () => {
      const p = { ...RFC9106 };
      const copies = [p.password, p.salt, p.secret!, p.associatedData!].map((a) => a.slice());
      await impl.argon2id(p);
      assert.deepEqual([p.password, p.salt, p.secret, p.associatedData], copies);
      const ikm = fromHex('0b0b0b');
      impl.hkdf('sha256', ikm, EMPTY, EMPTY, 32);
      assert.deepEqual(ikm, fromHex('0b0b0b'));
    });
  });
}
