import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import fc from 'fast-check';
import { assertArgumentErrorAsync, bitFlips, notBytes } from './_test/hostile.ts';
import { hex, loadWycheproof, nonEmpty, vectorsSkipReason } from './_test/vectors.ts';
import { DecryptionFailed, InvalidKey } from './errors.ts';
import type { Jwk, KeyPair, PrivateKey, PublicKey } from './keys.ts';
import { nodeKeys } from './node/keys.ts';
import { nodeAesKwp } from './node/keywrap.ts';
import { nodeRsaWrap } from './node/rsa-wrap.ts';
import { OAEP_HASHES, oaepMaxLength, type RsaAesKeyWrapOptions } from './rsa-wrap.ts';
import { webKeys } from './web/keys.ts';
import { webAesKwp } from './web/keywrap.ts';
import { webRsaWrap } from './web/rsa-wrap.ts';

const providers = [
  ['node', nodeKeys, nodeRsaWrap, nodeAesKwp],
  ['web', webKeys, webRsaWrap, webAesKwp],
] as const;

const isDecryptionFailed = (error: unknown): boolean =>
  error instanceof DecryptionFailed &&
  error.message === 'decryption failed' &&
  error.cause === undefined;

const OAEP_FILE = 'rsa_oaep_2048_sha256_mgf1sha256_test.json';

for (const [name, keys, rsaWrap, aesKwp] of providers) {
  void describe(`rsa-wrap (${name})`, () => {
    let pair: KeyPair;
    before(async () => {
      pair = await keys.generate('rsa', { modulusBits: 2048 });
    });

    void test(
      'Wycheproof RSA-OAEP 2048 SHA-256 decrypt (key from PKCS#8, PEM and JWK)',
      { skip: vectorsSkipReason(`wycheproof/${OAEP_FILE}`) },
      async () => {
        const vectors = nonEmpty(loadWycheproof<Record<string, unknown>>(OAEP_FILE), OAEP_FILE);
        const group = (vectors[0] as (typeof vectors)[number]).group;
        const candidates: PrivateKey[] = [
          await keys.importPrivate('rsa', 'pkcs8', hex(group['privateKeyPkcs8'])),
          await keys.importPrivate('rsa', 'pem', group['privateKeyPem'] as string),
          await keys.importPrivate('rsa', 'jwk', group['privateKeyJwk'] as Jwk),
        ];
        let valid = 0;
        let invalid = 0;
        for (const [i, key] of candidates.entries()) {
          for (const { test: t } of vectors) {
            const run = (): Promise<Uint8Array> =>
              rsaWrap.oaepDecrypt(key, hex(t['ct']), 'sha256', hex(t['label']));
            if (t.result === 'valid') {
              assert.deepEqual(await run(), hex(t['msg']), `tcId ${t.tcId}`);
              if (i === 0) valid++;
            } else {
              // No "acceptable" results in this file; invalid ones must fail uniformly.
              await assert.rejects(run, isDecryptionFailed, `tcId ${t.tcId} (${t.comment})`);
              if (i === 0) invalid++;
            }
          }
        }
        assert.deepEqual([valid, invalid], [18, 19]);
      },
    );

    void test('OAEP round trip for every hash, with and without label; max length', async () => {
      for (const hash of OAEP_HASHES) {
        const max = oaepMaxLength(2048, hash);
        for (const [data, label] of [
          [new Uint8Array(0), undefined],
          [Uint8Array.of(1, 2, 3), new TextEncoder().encode('label')],
          [new Uint8Array(max).fill(7), undefined],
        ] as const) {
          const ct = await rsaWrap.oaepEncrypt(pair.publicKey, data, hash, label);
          assert.equal(ct.length, 256);
          assert.deepEqual(await rsaWrap.oaepDecrypt(pair.privateKey, ct, hash, label), data);
          // Randomised: two encryptions differ.
          assert.notDeepEqual(await rsaWrap.oaepEncrypt(pair.publicKey, data, hash, label), ct);
        }
        await assert.rejects(
          () => rsaWrap.oaepEncrypt(pair.publicKey, new Uint8Array(max + 1), hash),
          RangeError,
        );
      }
    });

    void test('OAEP failures are uniform: wrong label, hash, key, altered or resized ciphertext', async () => {
      const label = Uint8Array.of(9);
      const ct = await rsaWrap.oaepEncrypt(
        pair.publicKey,
        Uint8Array.of(1, 2, 3, 4),
        'sha256',
        label,
      );
      const other = await keys.generate('rsa', { modulusBits: 2048 });
      const cases: [string, () => Promise<unknown>][] = [
        ['no label', () => rsaWrap.oaepDecrypt(pair.privateKey, ct, 'sha256')],
        ['other label', () => rsaWrap.oaepDecrypt(pair.privateKey, ct, 'sha256', Uint8Array.of(8))],
        ['other hash', () => rsaWrap.oaepDecrypt(pair.privateKey, ct, 'sha384', label)],
        ['other key', () => rsaWrap.oaepDecrypt(other.privateKey, ct, 'sha256', label)],
        ['short', () => rsaWrap.oaepDecrypt(pair.privateKey, ct.subarray(1), 'sha256', label)],
        [
          'long',
          () => rsaWrap.oaepDecrypt(pair.privateKey, Uint8Array.from([0, ...ct]), 'sha256', label),
        ],
        ['empty', () => rsaWrap.oaepDecrypt(pair.privateKey, new Uint8Array(0), 'sha256', label)],
        ['zeros', () => rsaWrap.oaepDecrypt(pair.privateKey, new Uint8Array(256), 'sha256', label)],
        [
          '≥ modulus',
          () =>
            rsaWrap.oaepDecrypt(pair.privateKey, new Uint8Array(256).fill(0xff), 'sha256', label),
        ],
        ...bitFlips(ct, [0, 8, 1000, 2047]).map((bad, i): [string, () => Promise<unknown>] => [
          `flip ${i}`,
          () => rsaWrap.oaepDecrypt(pair.privateKey, bad, 'sha256', label),
        ]),
      ];
      for (const [label2, run] of cases) await assert.rejects(run, isDecryptionFailed, label2);
    });

    void test('RSA-AES key wrap round trip; output is OAEP(K) ‖ KWP(K, data)', async () => {
      for (const aesKeyBits of [128, 192, 256] as const) {
        for (const length of [1, 16, 24, 32, 33, 512]) {
          const data = new Uint8Array(length).map((_, i) => (i * 7 + length) & 0xff);
          const options: RsaAesKeyWrapOptions = { hash: 'sha256', aesKeyBits };
          const wrapped = await rsaWrap.aesKwpWrap(pair.publicKey, data, options);
          assert.equal(
            wrapped.length,
            256 + Math.ceil(length / 8) * 8 + 8,
            `${aesKeyBits}/${length}`,
          );
          assert.deepEqual(await rsaWrap.aesKwpUnwrap(pair.privateKey, wrapped, options), data);
          // The wire format, decoded by hand with the two building blocks.
          const k = await rsaWrap.oaepDecrypt(pair.privateKey, wrapped.subarray(0, 256), 'sha256');
          assert.equal(k.length, aesKeyBits / 8);
          assert.deepEqual(aesKwp.unwrap(k, wrapped.subarray(256)), data);
        }
      }
      // Default AES-256, labels, other hashes.
      const data = new Uint8Array(32).fill(0x42);
      const label = Uint8Array.of(1, 2);
      const wrapped = await rsaWrap.aesKwpWrap(pair.publicKey, data, { hash: 'sha512', label });
      assert.equal(
        (await rsaWrap.oaepDecrypt(pair.privateKey, wrapped.subarray(0, 256), 'sha512', label))
          .length,
        32,
      );
      assert.deepEqual(
        await rsaWrap.aesKwpUnwrap(pair.privateKey, wrapped, { hash: 'sha512', label }),
        data,
      );
      assert.notDeepEqual(
        await rsaWrap.aesKwpWrap(pair.publicKey, data, { hash: 'sha512', label }),
        wrapped,
      );
    });

    void test('RSA-AES key wrap failures are uniform', async () => {
      const data = new Uint8Array(32).fill(1);
      const options: RsaAesKeyWrapOptions = { hash: 'sha256', aesKeyBits: 256 };
      const wrapped = await rsaWrap.aesKwpWrap(pair.publicKey, data, options);
      const other = await keys.generate('rsa', { modulusBits: 2048 });
      const cases: [string, () => Promise<unknown>][] = [
        ['other key', () => rsaWrap.aesKwpUnwrap(other.privateKey, wrapped, options)],
        ['other hash', () => rsaWrap.aesKwpUnwrap(pair.privateKey, wrapped, { hash: 'sha384' })],
        [
          'other AES size',
          () => rsaWrap.aesKwpUnwrap(pair.privateKey, wrapped, { hash: 'sha256', aesKeyBits: 128 }),
        ],
        [
          'label',
          () =>
            rsaWrap.aesKwpUnwrap(pair.privateKey, wrapped, { ...options, label: Uint8Array.of(1) }),
        ],
        [
          'OAEP part only',
          () => rsaWrap.aesKwpUnwrap(pair.privateKey, wrapped.subarray(0, 256), options),
        ],
        [
          'minus 8 bytes',
          () =>
            rsaWrap.aesKwpUnwrap(pair.privateKey, wrapped.subarray(0, wrapped.length - 8), options),
        ],
        [
          'minus 1 byte',
          () =>
            rsaWrap.aesKwpUnwrap(pair.privateKey, wrapped.subarray(0, wrapped.length - 1), options),
        ],
        [
          'plus 8 bytes',
          () =>
            rsaWrap.aesKwpUnwrap(
              pair.privateKey,
              Uint8Array.from([...wrapped, ...new Uint8Array(8)]),
              options,
            ),
        ],
        ['empty', () => rsaWrap.aesKwpUnwrap(pair.privateKey, new Uint8Array(0), options)],
        ...bitFlips(wrapped, [0, 2047, 2048, 2048 + 64, wrapped.length * 8 - 1]).map(
          (bad, i): [string, () => Promise<unknown>] => [
            `flip ${i}`,
            () => rsaWrap.aesKwpUnwrap(pair.privateKey, bad, options),
          ],
        ),
      ];
      for (const [label, run] of cases) await assert.rejects(run, isDecryptionFailed, label);
    });

    void test('cross-provider: each provider decrypts and unwraps what the other produced', async () => {
      const [, otherKeys, otherWrap] = providers.find(
        ([n]) => n !== name,
      ) as (typeof providers)[number];
      const foreignPrivate = await otherKeys.importPrivate(
        'rsa',
        'pkcs8',
        await keys.exportPrivate(pair.privateKey, 'pkcs8'),
      );
      const foreignPublic = await otherKeys.importPublic(
        'rsa',
        'spki',
        await keys.exportPublic(pair.publicKey, 'spki'),
      );
      const data = new Uint8Array(40).map((_, i) => i);
      for (const hash of OAEP_HASHES) {
        const ct = await rsaWrap.oaepEncrypt(pair.publicKey, data, hash, Uint8Array.of(5));
        assert.deepEqual(
          await otherWrap.oaepDecrypt(foreignPrivate, ct, hash, Uint8Array.of(5)),
          data,
        );
        const ct2 = await otherWrap.oaepEncrypt(foreignPublic, data, hash);
        assert.deepEqual(await rsaWrap.oaepDecrypt(pair.privateKey, ct2, hash), data);
        const wrapped = await rsaWrap.aesKwpWrap(pair.publicKey, data, { hash, aesKeyBits: 192 });
        assert.deepEqual(
          await otherWrap.aesKwpUnwrap(foreignPrivate, wrapped, { hash, aesKeyBits: 192 }),
          data,
        );
        const wrapped2 = await otherWrap.aesKwpWrap(foreignPublic, data, { hash });
        assert.deepEqual(await rsaWrap.aesKwpUnwrap(pair.privateKey, wrapped2, { hash }), data);
      }
    });

    void test('property: RSA-AES key wrap round-trips arbitrary key material', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.uint8Array({ minLength: 1, maxLength: 300 }),
          fc.constantFrom(128, 192, 256),
          async (data, bits) => {
            const options = { hash: 'sha256', aesKeyBits: bits } as RsaAesKeyWrapOptions;
            const copy = data.slice();
            const wrapped = await rsaWrap.aesKwpWrap(pair.publicKey, data, options);
            assert.deepEqual(data, copy, 'input not mutated');
            assert.deepEqual(await rsaWrap.aesKwpUnwrap(pair.privateKey, wrapped, options), data);
          },
        ),
        { numRuns: 15 },
      );
    });

    void describe('hostile input', () => {
      void test('argument types and ranges', async () => {
        const ct = await rsaWrap.oaepEncrypt(pair.publicKey, Uint8Array.of(1), 'sha256');
        for (const bad of notBytes) {
          await assertArgumentErrorAsync(
            () => rsaWrap.oaepEncrypt(pair.publicKey, bad as never, 'sha256'),
            'encrypt data',
          );
          await assertArgumentErrorAsync(
            () => rsaWrap.oaepDecrypt(pair.privateKey, bad as never, 'sha256'),
            'decrypt ciphertext',
          );
          await assertArgumentErrorAsync(
            () => rsaWrap.aesKwpWrap(pair.publicKey, bad as never, { hash: 'sha256' }),
            'wrap keyData',
          );
          await assertArgumentErrorAsync(
            () => rsaWrap.aesKwpUnwrap(pair.privateKey, bad as never, { hash: 'sha256' }),
            'unwrap wrapped',
          );
          if (bad !== undefined) {
            await assertArgumentErrorAsync(
              () => rsaWrap.oaepEncrypt(pair.publicKey, ct, 'sha256', bad as never),
              'label',
            );
            await assertArgumentErrorAsync(
              () => rsaWrap.aesKwpWrap(pair.publicKey, ct, { hash: 'sha256', label: bad as never }),
              'options.label',
            );
          }
        }
        for (const bad of [undefined, null, 'sha1', 'SHA-256', 256]) {
          await assertArgumentErrorAsync(
            () => rsaWrap.oaepEncrypt(pair.publicKey, ct, bad as never),
            `hash ${String(bad)}`,
          );
          await assertArgumentErrorAsync(
            () => rsaWrap.oaepDecrypt(pair.privateKey, ct, bad as never),
            `hash ${String(bad)}`,
          );
          await assertArgumentErrorAsync(
            () => rsaWrap.aesKwpWrap(pair.publicKey, ct, { hash: bad as never }),
            `options.hash ${String(bad)}`,
          );
        }
        for (const bad of [undefined, null, 'sha256', 5]) {
          await assertArgumentErrorAsync(
            () => rsaWrap.aesKwpWrap(pair.publicKey, ct, bad as never),
            'options',
          );
          await assertArgumentErrorAsync(
            () => rsaWrap.aesKwpUnwrap(pair.privateKey, ct, bad as never),
            'options',
          );
        }
        for (const bad of [0, 64, 512, '256', null]) {
          await assertArgumentErrorAsync(
            () =>
              rsaWrap.aesKwpWrap(pair.publicKey, ct, { hash: 'sha256', aesKeyBits: bad as never }),
            `aesKeyBits ${String(bad)}`,
          );
        }
        await assertArgumentErrorAsync(
          () => rsaWrap.aesKwpWrap(pair.publicKey, new Uint8Array(0), { hash: 'sha256' }),
          'empty keyData',
        );
      });

      void test('keys: non-RSA and wrong kind are InvalidKey, foreign keys TypeError', async () => {
        const ec = await keys.generate('p256');
        const isInvalidKey = (error: unknown): boolean => error instanceof InvalidKey;
        await assert.rejects(
          () => rsaWrap.oaepEncrypt(ec.publicKey, Uint8Array.of(1), 'sha256'),
          isInvalidKey,
        );
        await assert.rejects(
          () => rsaWrap.oaepDecrypt(ec.privateKey, new Uint8Array(256), 'sha256'),
          isInvalidKey,
        );
        await assert.rejects(
          () => rsaWrap.aesKwpWrap(ec.publicKey, Uint8Array.of(1), { hash: 'sha256' }),
          isInvalidKey,
        );
        await assert.rejects(
          () => rsaWrap.aesKwpUnwrap(ec.privateKey, new Uint8Array(280), { hash: 'sha256' }),
          isInvalidKey,
        );
        await assert.rejects(
          () =>
            rsaWrap.oaepEncrypt(
              pair.privateKey as unknown as PublicKey,
              Uint8Array.of(1),
              'sha256',
            ),
          isInvalidKey,
        );
        await assert.rejects(
          () =>
            rsaWrap.oaepDecrypt(
              pair.publicKey as unknown as PrivateKey,
              new Uint8Array(256),
              'sha256',
            ),
          isInvalidKey,
        );
        const [, otherKeys] = providers.find(([n]) => n !== name) as (typeof providers)[number];
        const foreign = await otherKeys.importPublic(
          'rsa',
          'spki',
          await keys.exportPublic(pair.publicKey, 'spki'),
        );
        await assertArgumentErrorAsync(
          () => rsaWrap.oaepEncrypt(foreign, Uint8Array.of(1), 'sha256'),
          'foreign key',
        );
        for (const bad of [
          undefined,
          null,
          {},
          new Uint8Array(256),
          { algorithm: 'rsa', type: 'public' },
        ]) {
          await assertArgumentErrorAsync(
            () => rsaWrap.oaepEncrypt(bad as never, Uint8Array.of(1), 'sha256'),
            'key type',
          );
          await assertArgumentErrorAsync(
            () => rsaWrap.aesKwpUnwrap(bad as never, new Uint8Array(280), { hash: 'sha256' }),
            'key type',
          );
        }
      });
    });
  });
}
