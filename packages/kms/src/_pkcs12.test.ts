/**
 * The PKCS#12 writer and reader: round trips, integrity (MAC checked before decryption), wrong
 * passwords, refused legacy and hostile files. Interoperability with OpenSSL is checked end to
 * end in asymmetric.test.ts.
 */
import assert from 'node:assert/strict';
import { createHmac, generateKeyPairSync } from 'node:crypto';
import { describe, test } from 'node:test';
import * as der from './_asym-der.ts';
import { KmsError } from './errors.ts';
import { WRONG_PASSWORD, buildPkcs12, pkcs12Kdf, readPkcs12 } from './_pkcs12.ts';

const key = new Uint8Array(
  generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({
    format: 'der',
    type: 'pkcs8',
  }),
);
// Any DER blob stands for a certificate here: the container does not parse certificates.
const cert = der.seq(der.integer(42), der.octets(new Uint8Array(20).fill(7)));
const chain = der.seq(der.integer(43));

const code = (c: string) => (e: unknown) => e instanceof KmsError && e.code === c;

void describe('_pkcs12', () => {
  void test('round trip: key, leaf first, chain, friendly name; any password', async () => {
    for (const password of ['', 'correct horse', 'ünïcødé pässwörd']) {
      const pfx = await buildPkcs12(
        { privateKey: key, certificates: [cert, chain], friendlyName: 'my key' },
        password,
      );
      const back = await readPkcs12(pfx, password);
      assert.deepEqual(back.privateKey, key);
      assert.deepEqual(back.certificates, [cert, chain]);
      assert.equal(back.friendlyName, 'my key');
    }
    const alone = await readPkcs12(
      await buildPkcs12({ privateKey: key, certificates: [] }, 'x'),
      'x',
    );
    assert.deepEqual(alone.certificates, []);
  });

  void test('wrong password or altered content: Invalid Field "password is wrong or corrupt" (MAC first)', async () => {
    const secret = 'correct horse battery staple';
    const pfx = await buildPkcs12({ privateKey: key, certificates: [cert] }, secret);
    const wrong = (e: unknown): boolean => {
      assert.ok(e instanceof KmsError, String(e));
      assert.equal(e.code, 'ERR_KMS_INVALID_FIELD');
      assert.equal(e.message, WRONG_PASSWORD);
      return true;
    };
    for (const password of ['correct horse battery stapl', '', secret.toUpperCase()]) {
      await assert.rejects(readPkcs12(pfx, password), (e: unknown) => {
        wrong(e);
        // Neither the tried password nor the right one is echoed.
        assert.ok(
          !(e as Error).message.includes('horse') && !(e as Error).message.includes('HORSE'),
        );
        return true;
      });
    }
    // Altered bytes: a parse error where the structure breaks, else the MAC's answer.
    for (const at of [40, Math.floor(pfx.length / 2), pfx.length - 60]) {
      const bad = pfx.slice();
      bad[at] = (bad[at] as number) ^ 0x01;
      await assert.rejects(readPkcs12(bad, secret), (e: unknown) => e instanceof KmsError);
    }
    // The last byte of the stored MAC (before the 16-byte salt, 04 10 ‖ salt, and the iteration
    // count, 02 02 27 10) altered: the password message, not a parse error.
    const badMac = pfx.slice();
    const macEnd = pfx.length - 4 - 18 - 1;
    badMac[macEnd] = (badMac[macEnd] as number) ^ 0x80;
    await assert.rejects(readPkcs12(badMac, secret), wrong);
  });

  void test('a key bag under another password than the MAC: the same wrong-password answer', async () => {
    // A file whose MAC is keyed by "mac" while its key bag is encrypted under "bag" (what
    // OpenSSL's -twopass writes). With "mac" the MAC passes and AES-CBC fails on the padding;
    // about 1 time in 256 a wrong key still yields valid padding (garbage, never the key, and
    // the register path's PKCS#8 parse refuses it), so try fresh files until the padding fails.
    let refused = 0;
    for (let attempt = 0; attempt < 8 && refused === 0; attempt++) {
      const fromBag = await buildPkcs12({ privateKey: key, certificates: [] }, 'bag');
      const [, authSafeCi] = der.children(der.decode(fromBag), 2, 3);
      const [, content] = der.children(authSafeCi as der.Der, 2, 2);
      const [octets] = der.children(content as der.Der, 1, 1);
      const authSafe = der.expect(octets, der.OCTET_STRING).value;
      const salt = new Uint8Array(16).fill(9);
      const macKey = pkcs12Kdf('sha256', 'mac', salt, 2048, 3, 32);
      const mac = new Uint8Array(createHmac('sha256', macKey).update(authSafe).digest());
      const twoPass = der.seq(
        der.integer(3),
        (authSafeCi as der.Der).raw,
        der.seq(
          der.seq(der.seq(der.oid('2.16.840.1.101.3.4.2.1'), der.nullValue()), der.octets(mac)),
          der.octets(salt),
          der.integer(2048),
        ),
      );
      // "bag" fails the MAC.
      await assert.rejects(readPkcs12(twoPass, 'bag'), (e: unknown) => {
        assert.ok(e instanceof KmsError && e.message === WRONG_PASSWORD);
        return true;
      });
      try {
        const got = await readPkcs12(twoPass, 'mac');
        assert.notDeepEqual(got.privateKey, key);
      } catch (e) {
        assert.ok(e instanceof KmsError, String(e));
        assert.equal(e.code, 'ERR_KMS_INVALID_FIELD');
        assert.equal(e.message, WRONG_PASSWORD);
        refused++;
      }
    }
    assert.equal(refused, 1);
  });

  void test('hostile: not DER, no MAC, wrong version, huge iteration counts', async () => {
    await assert.rejects(readPkcs12(new Uint8Array(10), ''), code('ERR_KMS_INVALID_FIELD'));
    const pfx = await buildPkcs12({ privateKey: key, certificates: [] }, '');
    const [, authSafe] = der.children(der.decode(pfx), 2, 3);
    const noMac = der.seq(der.integer(3), (authSafe as der.Der).raw);
    await assert.rejects(readPkcs12(noMac, ''), code('ERR_KMS_INVALID_FIELD'));
    const v2 = der.seq(der.integer(2), (authSafe as der.Der).raw);
    await assert.rejects(readPkcs12(v2, ''), code('ERR_KMS_INVALID_FIELD'));
    const hugeMac = der.seq(
      der.integer(3),
      (authSafe as der.Der).raw,
      der.seq(
        der.seq(
          der.seq(der.oid('2.16.840.1.101.3.4.2.1'), der.nullValue()),
          der.octets(new Uint8Array(32)),
        ),
        der.octets(new Uint8Array(8)),
        der.integer(2 ** 31 - 1),
      ),
    );
    await assert.rejects(readPkcs12(hugeMac, ''), code('ERR_KMS_INVALID_FIELD'));
    const sha1Mac = der.seq(
      der.integer(3),
      (authSafe as der.Der).raw,
      der.seq(
        der.seq(der.seq(der.oid('1.3.14.3.2.26'), der.nullValue()), der.octets(new Uint8Array(20))),
        der.octets(new Uint8Array(8)),
        der.integer(2048),
      ),
    );
    await assert.rejects(readPkcs12(sha1Mac, ''), code('ERR_KMS_KEY_FORMAT_NOT_SUPPORTED'));
  });

  void test('the PKCS#12 KDF adds B + 1 to every block of I between output blocks', () => {
    // 64 bytes of SHA-256 output need two blocks: the second depends on the I update.
    const one = pkcs12Kdf('sha256', 'pw', new Uint8Array(8), 3, 3, 32);
    const two = pkcs12Kdf('sha256', 'pw', new Uint8Array(8), 3, 3, 64);
    assert.deepEqual(two.subarray(0, 32), one);
    assert.notDeepEqual(two.subarray(32), one);
    assert.notDeepEqual(pkcs12Kdf('sha256', 'pw', new Uint8Array(8), 3, 1, 32), one, 'ID matters');
  });
});
