import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { AEAD_ALGORITHMS, AEAD_PARAMETERS, type AeadAlgorithm, type AeadFamily } from './aead.ts';
import { DecryptionFailed } from './errors.ts';
import { nodeAead } from './node/aead.ts';
import { webAead } from './web/aead.ts';
import { assertArgumentError, bitFlips, notBytes } from './_test/hostile.ts';
import { hex, loadWycheproof, nonEmpty, vectorsSkipReason } from './_test/vectors.ts';

const impls = [
  ['node', nodeAead],
  ['web', webAead],
] as const satisfies readonly (readonly [string, AeadFamily])[];

const isDecryptionFailed = (error: unknown): boolean =>
  error instanceof DecryptionFailed &&
  error.code === 'ERR_CRYPTO_DECRYPTION_FAILED' &&
  error.message === 'decryption failed' &&
  error.cause === undefined;

const concat = (...parts: Uint8Array[]): Uint8Array => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
};

const random = (n: number): Uint8Array => new Uint8Array(randomBytes(n));

interface AeadGroup {
  ivSize: number;
  keySize: number;
  tagSize: number;
}

/** Wycheproof AEAD file → (valid/invalid) checks, with non-native nonce sizes → RangeError. */
function runAeadVectors(
  family: AeadFamily,
  file: string,
  algorithmFor: (keySize: number) => AeadAlgorithm | undefined,
): { run: number; badNonce: number; skipped: number } {
  const all = loadWycheproof<AeadGroup>(file);
  let run = 0;
  let badNonce = 0;
  let skipped = 0;
  for (const { group, test: t } of all) {
    const algorithm = algorithmFor(group.keySize);
    if (algorithm === undefined) {
      skipped++;
      continue;
    }
    assert.equal(group.tagSize, 128, 'only 16-byte tags are offered');
    const cipher = family.cipher(algorithm, hex(t['key']));
    const iv = hex(t['iv']);
    const aad = hex(t['aad']);
    const msg = hex(t['msg']);
    const sealed = concat(hex(t['ct']), hex(t['tag']));
    const label = `${file} tcId ${t.tcId}`;
    run++;
    if (iv.length !== cipher.nonceLength) {
      // Only the standard nonce length is accepted (12 bytes; 24 for XChaCha20): other sizes
      // are valid GCM in Wycheproof (GHASH-derived counter) but rejected here as argument errors.
      badNonce++;
      assert.throws(() => cipher.seal(iv, msg, aad), RangeError, label);
      assert.throws(() => cipher.open(iv, sealed, aad), RangeError, label);
      continue;
    }
    if (t.result === 'valid') {
      assert.deepEqual(cipher.seal(iv, msg, aad), sealed, label);
      assert.deepEqual(cipher.open(iv, sealed, aad), msg, label);
      assert.deepEqual(cipher.decrypt(concat(iv, sealed), aad), msg, label);
      const { ciphertext, tag } = cipher.sealDetached(iv, msg, aad);
      assert.deepEqual(concat(ciphertext, tag), sealed, label);
      assert.deepEqual(cipher.openDetached(iv, hex(t['ct']), hex(t['tag']), aad), msg, label);
    } else {
      // No file has `acceptable` AEAD cases; any other result must fail to open.
      assert.equal(t.result, 'invalid', label);
      assert.throws(() => cipher.open(iv, sealed, aad), isDecryptionFailed, label);
      assert.throws(() => cipher.decrypt(concat(iv, sealed), aad), isDecryptionFailed, label);
    }
  }
  return { run, badNonce, skipped };
}

for (const [name, family] of impls) {
  void describe(`aead (${name})`, () => {
    void describe('Wycheproof', () => {
      void test(
        'aes_gcm_test.json (128/256-bit keys; 192 skipped, counted)',
        {
          skip: vectorsSkipReason('wycheproof/aes_gcm_test.json'),
        },
        () => {
          const counts = runAeadVectors(family, 'aes_gcm_test.json', (bits) =>
            bits === 128 ? 'aes-128-gcm' : bits === 256 ? 'aes-256-gcm' : undefined,
          );
          // 316 vectors: 103 use AES-192, which is not offered.
          assert.equal(counts.skipped, 103);
          assert.equal(counts.run, 213);
          // 80 of the 128/256-bit vectors use an IV other than 96 bits.
          assert.equal(counts.badNonce, 80);
          nonEmpty([counts.run - counts.badNonce], 'aes-gcm 96-bit vectors');
          assert.throws(
            () => family.cipher('aes-192-gcm' as AeadAlgorithm, new Uint8Array(24)),
            RangeError,
          );
        },
      );

      void test(
        'chacha20_poly1305_test.json',
        {
          skip: vectorsSkipReason('wycheproof/chacha20_poly1305_test.json'),
        },
        () => {
          const counts = runAeadVectors(
            family,
            'chacha20_poly1305_test.json',
            () => 'chacha20-poly1305',
          );
          assert.equal(counts.run, 325);
          assert.equal(counts.badNonce, 9);
        },
      );

      void test(
        'xchacha20_poly1305_test.json',
        {
          skip: vectorsSkipReason('wycheproof/xchacha20_poly1305_test.json'),
        },
        () => {
          const counts = runAeadVectors(
            family,
            'xchacha20_poly1305_test.json',
            () => 'xchacha20-poly1305',
          );
          assert.equal(counts.run, 315);
          assert.equal(counts.badNonce, 9);
        },
      );

      void test(
        'aes_siv_cmac_test.json (deterministic AEAD)',
        {
          skip: vectorsSkipReason('wycheproof/aes_siv_cmac_test.json'),
        },
        () => {
          const all = nonEmpty(
            loadWycheproof<{ keySize: number }>('aes_siv_cmac_test.json'),
            'siv',
          );
          let valid = 0;
          for (const { test: t } of all) {
            const siv = family.siv(hex(t['key']));
            const aad = hex(t['aad']);
            const msg = hex(t['msg']);
            const ct = hex(t['ct']);
            const label = `aes_siv_cmac tcId ${t.tcId}`;
            if (t.result === 'valid') {
              valid++;
              // The daead schema passes the associated data as one S2V component, even when empty.
              assert.deepEqual(siv.seal(msg, aad), ct, label);
              assert.deepEqual(siv.open(ct, aad), msg, label);
            } else {
              assert.equal(t.result, 'invalid', label);
              assert.throws(() => siv.open(ct, aad), isDecryptionFailed, label);
            }
          }
          assert.equal(all.length, 442);
          assert.equal(valid, 118);
        },
      );

      void test(
        'aead_aes_siv_cmac_test.json (nonce as last S2V component)',
        {
          skip: vectorsSkipReason('wycheproof/aead_aes_siv_cmac_test.json'),
        },
        () => {
          const all = nonEmpty(
            loadWycheproof<AeadGroup>('aead_aes_siv_cmac_test.json'),
            'siv aead',
          );
          for (const { test: t } of all) {
            const siv = family.siv(hex(t['key']));
            const [aad, iv, msg] = [hex(t['aad']), hex(t['iv']), hex(t['msg'])];
            const sealed = concat(hex(t['tag']), hex(t['ct']));
            const label = `aead_aes_siv_cmac tcId ${t.tcId}`;
            if (t.result === 'valid') {
              assert.deepEqual(siv.seal(msg, aad, iv), sealed, label);
              assert.deepEqual(siv.open(sealed, aad, iv), msg, label);
            } else {
              assert.equal(t.result, 'invalid', label);
              assert.throws(() => siv.open(sealed, aad, iv), isDecryptionFailed, label);
            }
          }
          assert.equal(all.length, 900);
        },
      );
    });

    void describe('properties', () => {
      for (const algorithm of AEAD_ALGORITHMS) {
        void test(`${algorithm}: round trips, and the other provider opens it`, () => {
          const other = name === 'node' ? webAead : nodeAead;
          const key = random(AEAD_PARAMETERS[algorithm].keyLength);
          const cipher = family.cipher(algorithm, key);
          const peer = other.cipher(algorithm, key);
          fc.assert(
            fc.property(
              fc.uint8Array({ maxLength: 300 }),
              fc.uint8Array({ maxLength: 40 }),
              (msg, aad) => {
                const msgCopy = msg.slice();
                const aadCopy = aad.slice();
                const data = cipher.encrypt(msg, aad);
                assert.equal(data.length, msg.length + cipher.nonceLength + 16);
                assert.deepEqual(cipher.decrypt(data, aad), msg);
                assert.deepEqual(peer.decrypt(data, aad), msg);
                const nonce = random(cipher.nonceLength);
                const sealed = cipher.seal(nonce, msg, aad);
                assert.deepEqual(peer.seal(nonce, msg, aad), sealed);
                assert.deepEqual(peer.open(nonce, sealed, aad), msg);
                // inputs are never mutated
                assert.deepEqual(msg, msgCopy);
                assert.deepEqual(aad, aadCopy);
              },
            ),
            { numRuns: 40 },
          );
        });
      }

      void test('aes-siv: deterministic, round trips, matches the other provider', () => {
        const other = name === 'node' ? webAead : nodeAead;
        fc.assert(
          fc.property(
            fc.constantFrom(32, 48, 64),
            fc.uint8Array({ maxLength: 100 }),
            fc.array(fc.uint8Array({ maxLength: 40 }), { maxLength: 4 }),
            (keyLength, msg, ads) => {
              const key = random(keyLength);
              const siv = family.siv(key);
              const ct = siv.seal(msg, ...ads);
              assert.equal(ct.length, msg.length + 16);
              assert.deepEqual(siv.seal(msg, ...ads), ct);
              assert.deepEqual(other.siv(key).seal(msg, ...ads), ct);
              assert.deepEqual(siv.open(ct, ...ads), msg);
            },
          ),
          { numRuns: 40 },
        );
      });

      void test('aes-siv: each associated-data argument is its own component', () => {
        const siv = family.siv(random(32));
        const [a, b, p] = [random(5), random(7), random(20)];
        const joined = siv.seal(p, concat(a, b));
        assert.notDeepEqual(siv.seal(p, a, b), joined);
        assert.notDeepEqual(siv.seal(p), siv.seal(p, new Uint8Array(0)));
        assert.throws(() => siv.open(siv.seal(p, a, b), b, a), isDecryptionFailed);
        assert.throws(() => siv.open(siv.seal(p, a), a, a), isDecryptionFailed);
        // 126 components is the RFC 5297 maximum
        const many = Array.from({ length: 126 }, (_, i) => new Uint8Array([i]));
        assert.deepEqual(siv.open(siv.seal(p, ...many), ...many), p);
        assert.throws(() => siv.seal(p, ...many, new Uint8Array(1)), RangeError);
        assert.throws(() => siv.open(new Uint8Array(32), ...many, new Uint8Array(1)), RangeError);
      });

      void test('aes-siv: large message (block-boundary and multi-block paths)', () => {
        const other = name === 'node' ? webAead : nodeAead;
        const key = random(64);
        for (const n of [15, 16, 17, 31, 32, 33, 4096, 65536 + 5]) {
          const msg = random(n);
          const ad = random(n % 40);
          const ct = family.siv(key).seal(msg, ad);
          assert.equal(ct.length, n + 16);
          assert.deepEqual(other.siv(key).open(ct, ad), msg);
        }
        const msg = random(100_003);
        const ad = random(33);
        assert.deepEqual(other.siv(key).open(family.siv(key).seal(msg, ad), ad), msg);
      });

      void test('keys are copied: changing the caller key after creation has no effect', () => {
        for (const algorithm of AEAD_ALGORITHMS) {
          const key = random(AEAD_PARAMETERS[algorithm].keyLength);
          const cipher = family.cipher(algorithm, key);
          const data = cipher.encrypt(random(10));
          key.fill(0);
          assert.equal(cipher.decrypt(data).length, 10);
        }
        const key = random(32);
        const siv = family.siv(key);
        const ct = siv.seal(random(10));
        key.fill(0);
        assert.equal(siv.open(ct).length, 10);
      });

      void test('large messages round trip and match the other provider (64 KiB, 1 MiB + 3)', () => {
        const other = name === 'node' ? webAead : nodeAead;
        for (const algorithm of AEAD_ALGORITHMS) {
          const key = random(AEAD_PARAMETERS[algorithm].keyLength);
          const cipher = family.cipher(algorithm, key);
          const peer = other.cipher(algorithm, key);
          for (const n of [65536, 2 ** 20 + 3]) {
            const msg = random(n);
            const aad = random(17);
            assert.deepEqual(cipher.decrypt(cipher.encrypt(msg, aad), aad), msg);
            // seal() takes node's grow-in-place path from 64 KiB on
            const nonce = random(cipher.nonceLength);
            const sealed = cipher.seal(nonce, msg, aad);
            assert.deepEqual(sealed, peer.seal(nonce, msg, aad));
            assert.deepEqual(peer.open(nonce, sealed, aad), msg);
            const { ciphertext, tag } = cipher.sealDetached(nonce, msg, aad);
            assert.deepEqual(cipher.openDetached(nonce, ciphertext, tag, aad), msg);
            assert.deepEqual(tag, sealed.subarray(n));
          }
        }
      });
    });

    void describe('tampering', () => {
      for (const algorithm of AEAD_ALGORITHMS) {
        void test(`${algorithm}: every bit flip, truncation, extension, wrong aad or key fails`, () => {
          const { keyLength } = AEAD_PARAMETERS[algorithm];
          const key = random(keyLength);
          const cipher = family.cipher(algorithm, key);
          const aad = random(9);
          const data = cipher.encrypt(random(40), aad);
          // nonce, ciphertext and tag regions: every bit of each
          const positions = Array.from({ length: data.length * 8 }, (_, i) => i);
          for (const flipped of bitFlips(data, positions)) {
            assert.throws(() => cipher.decrypt(flipped, aad), isDecryptionFailed);
          }
          for (let n = 0; n < data.length; n++) {
            assert.throws(() => cipher.decrypt(data.subarray(0, n), aad), isDecryptionFailed);
          }
          assert.throws(
            () => cipher.decrypt(concat(data, new Uint8Array(1)), aad),
            isDecryptionFailed,
          );
          assert.throws(() => cipher.decrypt(data), isDecryptionFailed);
          assert.throws(() => cipher.decrypt(data, random(9)), isDecryptionFailed);
          assert.throws(
            () => family.cipher(algorithm, random(keyLength)).decrypt(data, aad),
            isDecryptionFailed,
          );
          // open(): ciphertexts shorter than a tag are a decryption failure, not an argument error
          const nonce = data.subarray(0, cipher.nonceLength);
          for (let n = 0; n < 16; n++) {
            assert.throws(() => cipher.open(nonce, new Uint8Array(n)), isDecryptionFailed);
          }
        });
      }

      void test('aes-siv: every bit flip and truncation fails', () => {
        for (const keyLength of [32, 48, 64]) {
          const siv = family.siv(random(keyLength));
          const ad = random(4);
          const ct = siv.seal(random(33), ad);
          const positions = Array.from({ length: ct.length * 8 }, (_, i) => i);
          for (const flipped of bitFlips(ct, positions)) {
            assert.throws(() => siv.open(flipped, ad), isDecryptionFailed);
          }
          for (let n = 0; n < ct.length; n++) {
            assert.throws(() => siv.open(ct.subarray(0, n), ad), isDecryptionFailed);
          }
          assert.throws(() => siv.open(ct), isDecryptionFailed);
        }
      });
    });

    void describe('batched encryptMany / decryptMany', () => {
      for (const algorithm of AEAD_ALGORITHMS) {
        void test(`${algorithm}: round trip, one buffer, distinct nonces, per-item aad`, () => {
          const cipher = family.cipher(algorithm, random(AEAD_PARAMETERS[algorithm].keyLength));
          const msgs = Array.from({ length: 50 }, (_, i) => random(i % 7 === 0 ? 0 : i * 3));
          const aads = msgs.map((_, i) => new Uint8Array([i, i + 1]));
          const sealed = cipher.encryptMany(msgs, aads);
          assert.equal(sealed.length, msgs.length);
          assert.ok(
            sealed.every((s) => s.buffer === sealed[0]!.buffer),
            'one output buffer',
          );
          const nonces = new Set(
            sealed.map((s) => Buffer.from(s.subarray(0, cipher.nonceLength)).toString('hex')),
          );
          assert.equal(nonces.size, msgs.length);
          assert.deepEqual(cipher.decryptMany(sealed, aads), msgs);
          for (const [i, s] of sealed.entries()) {
            assert.deepEqual(cipher.decrypt(s, aads[i]), msgs[i]);
          }
          // one shared aad
          const shared = random(5);
          assert.deepEqual(cipher.decryptMany(cipher.encryptMany(msgs, shared), shared), msgs);
          assert.deepEqual(cipher.decryptMany(cipher.encryptMany(msgs)), msgs);
          assert.deepEqual(cipher.encryptMany([]), []);
          assert.deepEqual(cipher.decryptMany([]), []);
          // all or nothing: one altered item fails the batch; swapped aads fail
          const altered = sealed.map((s) => s.slice());
          const victim = altered[17]!;
          victim[20] = victim[20]! ^ 1;
          assert.throws(() => cipher.decryptMany(altered, aads), isDecryptionFailed);
          assert.throws(() => cipher.decryptMany(sealed, [...aads].reverse()), isDecryptionFailed);
          assert.throws(() => cipher.decryptMany([new Uint8Array(3)]), isDecryptionFailed);
        });
      }
    });

    void describe('hostile inputs', () => {
      const key32 = random(32);
      void test('family.cipher / family.siv', () => {
        for (const bad of notBytes) {
          assertArgumentError(() => family.cipher('aes-256-gcm', bad as Uint8Array), 'cipher key');
          assertArgumentError(() => family.siv(bad as Uint8Array), 'siv key');
        }
        for (const bad of [undefined, null, 1, 'aes-256-GCM', 'aes-192-gcm', 'aes256gcm', {}]) {
          assertArgumentError(() => family.cipher(bad as AeadAlgorithm, key32), 'algorithm');
        }
        for (const algorithm of AEAD_ALGORITHMS) {
          const { keyLength } = AEAD_PARAMETERS[algorithm];
          for (const n of [0, 1, keyLength - 1, keyLength + 1, 64]) {
            assert.throws(() => family.cipher(algorithm, new Uint8Array(n)), RangeError);
          }
        }
        for (const n of [0, 16, 24, 31, 33, 47, 49, 63, 65, 96]) {
          assert.throws(() => family.siv(new Uint8Array(n)), RangeError);
        }
      });

      for (const algorithm of AEAD_ALGORITHMS) {
        void test(`${algorithm}: every method rejects bad arguments`, () => {
          const cipher = family.cipher(algorithm, random(AEAD_PARAMETERS[algorithm].keyLength));
          const nonce = random(cipher.nonceLength);
          const ok = random(8);
          const sealed = cipher.seal(nonce, ok);
          for (const bad of notBytes) {
            const b = bad as Uint8Array;
            assertArgumentError(() => cipher.seal(b, ok), 'seal nonce');
            assertArgumentError(() => cipher.seal(nonce, b), 'seal plaintext');
            if (bad !== undefined) assertArgumentError(() => cipher.seal(nonce, ok, b), 'seal aad');
            assertArgumentError(() => cipher.open(b, sealed), 'open nonce');
            assertArgumentError(() => cipher.open(nonce, b), 'open ciphertext');
            if (bad !== undefined)
              assertArgumentError(() => cipher.open(nonce, sealed, b), 'open aad');
            assertArgumentError(() => cipher.sealDetached(nonce, b), 'sealDetached');
            assertArgumentError(() => cipher.openDetached(nonce, ok, b), 'openDetached tag');
            assertArgumentError(() => cipher.encrypt(b), 'encrypt');
            assertArgumentError(() => cipher.decrypt(b), 'decrypt');
            if (bad !== undefined) assertArgumentError(() => cipher.encrypt(ok, b), 'encrypt aad');
            assertArgumentError(() => cipher.encryptMany([ok, b]), 'encryptMany item');
            assertArgumentError(() => cipher.decryptMany([b]), 'decryptMany item');
            if (bad !== undefined && !Array.isArray(bad)) {
              assertArgumentError(
                () => cipher.encryptMany(b as unknown as Uint8Array[]),
                'encryptMany',
              );
              assertArgumentError(
                () => cipher.decryptMany(b as unknown as Uint8Array[]),
                'decryptMany',
              );
            }
          }
          for (const n of [0, 8, 11, 13, 16, 23, 25, 32]) {
            if (n === cipher.nonceLength) continue;
            assert.throws(() => cipher.seal(new Uint8Array(n), ok), RangeError);
            assert.throws(() => cipher.open(new Uint8Array(n), sealed), RangeError);
            assert.throws(() => cipher.sealDetached(new Uint8Array(n), ok), RangeError);
          }
          for (const n of [0, 4, 12, 15, 17, 32]) {
            assert.throws(() => cipher.openDetached(nonce, ok, new Uint8Array(n)), RangeError);
          }
          assert.throws(() => cipher.encryptMany([ok, ok], [ok]), RangeError);
          assert.throws(() => cipher.decryptMany([sealed], [ok, ok]), RangeError);
          assert.throws(() => cipher.encryptMany([ok], [7] as unknown as Uint8Array[]), TypeError);
        });
      }

      void test('aes-siv: seal/open reject bad arguments', () => {
        const siv = family.siv(random(48));
        const ct = siv.seal(random(3));
        for (const bad of notBytes) {
          const b = bad as Uint8Array;
          assertArgumentError(() => siv.seal(b), 'siv seal plaintext');
          assertArgumentError(() => siv.seal(random(2), b), 'siv seal ad');
          assertArgumentError(() => siv.open(b), 'siv open ciphertext');
          assertArgumentError(() => siv.open(ct, random(1), b), 'siv open ad');
        }
      });
    });
  });
}
