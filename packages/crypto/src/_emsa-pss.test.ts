/**
 * EMSA-PSS on its own: round trips at every emBits remainder, each RFC 8017 §9.1.2 check failing
 * on its own (trailer, leftmost bits, PS, the 0x01 separator, salt length, H), MGF1 against its
 * definition, and OpenSSL's PSS encodings (recovered with raw RSA) verifying here.
 */
import assert from 'node:assert/strict';
import {
  constants,
  createHash,
  generateKeyPairSync,
  publicDecrypt,
  randomBytes,
  sign,
} from 'node:crypto';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { emsaPssEncode, emsaPssLength, emsaPssVerify, mgf1, type PssHash } from './_emsa-pss.ts';

const hashOf = (name: string, length: number): PssHash => ({
  length,
  digest: (d) => new Uint8Array(createHash(name).update(d).digest()),
});
const SHA256 = hashOf('sha256', 32);
const SHA384 = hashOf('sha384', 48);
const SHA512 = hashOf('sha512', 64);
const HASHES = [SHA256, SHA384, SHA512];
const mHashOf = (h: PssHash, text: string): Uint8Array => h.digest(new TextEncoder().encode(text));

/** Unmasks EM's DB, edits it, re-masks: an encoding that differs only where `edit` says. */
function reencode(
  h: PssHash,
  em: Uint8Array,
  emBits: number,
  edit: (db: Uint8Array) => void,
): Uint8Array {
  const emLen = em.length;
  const dbLen = emLen - h.length - 1;
  const hPart = em.subarray(dbLen, emLen - 1);
  const mask = mgf1(h, hPart, dbLen);
  const db = em.slice(0, dbLen).map((b, i) => b ^ (mask[i] as number));
  db[0] = (db[0] as number) & (0xff >>> (8 * emLen - emBits));
  edit(db);
  const out = em.slice();
  for (let i = 0; i < dbLen; i++) out[i] = (db[i] as number) ^ (mask[i] as number);
  out[0] = (out[0] as number) & (0xff >>> (8 * emLen - emBits));
  return out;
}

void describe('_emsa-pss', () => {
  void test('MGF1 is Hash(seed ‖ counter) concatenated and truncated', () => {
    const seed = new Uint8Array([1, 2, 3]);
    const expected = Buffer.concat(
      [0, 1, 2].map((c) => SHA256.digest(new Uint8Array([1, 2, 3, 0, 0, 0, c]))),
    );
    assert.deepEqual(mgf1(SHA256, seed, 70), new Uint8Array(expected.subarray(0, 70)));
    assert.deepEqual(mgf1(SHA256, seed, 0), new Uint8Array(0));
  });

  void test('round trip for every emBits remainder mod 8 and every hash', () => {
    for (const h of HASHES)
      for (let emBits = 2047; emBits <= 2055; emBits++) {
        const mHash = mHashOf(h, `m${emBits}`);
        const salt = randomBytes(h.length);
        const em = emsaPssEncode(h, mHash, salt, emBits);
        assert.equal(em.length, emsaPssLength(emBits));
        assert.equal(em[em.length - 1], 0xbc);
        const spare = 8 * em.length - emBits;
        assert.equal((em[0] as number) >>> (8 - spare), 0, `top ${spare} bits zero`);
        assert.ok(emsaPssVerify(h, mHash, em, emBits, h.length), `emBits ${emBits}`);
        // Another digest, salt length or emBits does not verify.
        assert.equal(emsaPssVerify(h, mHashOf(h, 'other'), em, emBits, h.length), false);
        assert.equal(emsaPssVerify(h, mHash, em, emBits, h.length - 1), false);
        assert.equal(emsaPssVerify(h, mHash, em, emBits, 0), false);
      }
  });

  void test('each §9.1.2 check fails on its own', () => {
    const emBits = 2047;
    const mHash = mHashOf(SHA256, 'x');
    const em = emsaPssEncode(SHA256, mHash, randomBytes(32), emBits);
    const ok = (e: Uint8Array, sLen = 32): boolean => emsaPssVerify(SHA256, mHash, e, emBits, sLen);
    // The re-encoding itself changes nothing.
    assert.deepEqual(
      reencode(SHA256, em, emBits, () => {}),
      em,
    );
    const trailer = em.slice();
    trailer[trailer.length - 1] = 0xbd;
    assert.equal(ok(trailer), false, 'trailer 0xbc');
    const topBit = em.slice();
    topBit[0] = (topBit[0] as number) | 0x80;
    assert.equal(ok(topBit), false, 'leftmost bit must be zero');
    const dbLen = em.length - 32 - 1;
    const separator = dbLen - 32 - 1;
    assert.equal(
      ok(reencode(SHA256, em, emBits, (db) => (db[separator] = 0x02))),
      false,
      '0x01 separator',
    );
    assert.equal(ok(reencode(SHA256, em, emBits, (db) => (db[3] = 1))), false, 'PS must be zero');
    // A 0x01 one byte early is a 33-byte salt: wrong for sLen 32, right for sLen 33 only if H
    // matched that salt (it does not).
    const early = reencode(SHA256, em, emBits, (db) => {
      db[separator - 1] = 0x01;
      db[separator] = 0;
    });
    assert.equal(ok(early), false);
    assert.equal(ok(early, 33), false);
    const salted = reencode(
      SHA256,
      em,
      emBits,
      (db) => (db[dbLen - 1] = (db[dbLen - 1] as number) ^ 1),
    );
    assert.equal(ok(salted), false, 'salt is bound by H');
    const hFlip = em.slice();
    hFlip[dbLen] = (hFlip[dbLen] as number) ^ 1;
    assert.equal(ok(hFlip), false, 'H');
    assert.equal(ok(em.subarray(1)), false, 'EM length');
    assert.equal(emsaPssVerify(SHA256, mHash.subarray(1), em, emBits, 32), false, 'mHash length');
  });

  void test('zero-length salt encodes and verifies only with sLen 0', () => {
    const mHash = mHashOf(SHA256, 'no salt');
    const em = emsaPssEncode(SHA256, mHash, new Uint8Array(0), 2047);
    assert.ok(emsaPssVerify(SHA256, mHash, em, 2047, 0));
    assert.equal(emsaPssVerify(SHA256, mHash, em, 2047, 32), false);
  });

  void test('encoding errors are RangeErrors; verification never throws', () => {
    assert.throws(
      () => emsaPssEncode(SHA256, new Uint8Array(31), new Uint8Array(32), 2047),
      RangeError,
    );
    // emLen < hLen + sLen + 2
    assert.throws(
      () => emsaPssEncode(SHA256, new Uint8Array(32), new Uint8Array(32), 8 * 65),
      RangeError,
    );
    assert.equal(emsaPssVerify(SHA256, new Uint8Array(32), new Uint8Array(65), 8 * 65, 32), false);
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 256, maxLength: 256 }), (em) => {
        assert.equal(emsaPssVerify(SHA256, new Uint8Array(32), em, 2047, 32), false);
      }),
      { numRuns: 200 },
    );
  });

  void test("OpenSSL's PSS encodings verify here (raw RSA recovers EM)", () => {
    for (const bits of [2048, 2050, 3072]) {
      const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: bits });
      for (const [name, h] of [
        ['sha256', SHA256],
        ['sha384', SHA384],
        ['sha512', SHA512],
      ] as const) {
        const message = new TextEncoder().encode(`openssl ${bits} ${name}`);
        const sig = sign(name, message, {
          key: privateKey,
          padding: constants.RSA_PKCS1_PSS_PADDING,
          saltLength: constants.RSA_PSS_SALTLEN_DIGEST,
        });
        const m = new Uint8Array(
          publicDecrypt({ key: publicKey, padding: constants.RSA_NO_PADDING }, sig),
        );
        const emLen = emsaPssLength(bits - 1);
        const em = m.subarray(m.length - emLen);
        assert.ok(emsaPssVerify(h, h.digest(message), em, bits - 1, h.length), `${bits} ${name}`);
      }
    }
  });
});
