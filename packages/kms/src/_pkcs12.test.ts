/**
 * The PKCS#12 writer and reader: round trips, integrity (MAC checked before decryption), wrong
 * passwords, refused legacy and hostile files. Interoperability with OpenSSL is checked end to
 * end in asymmetric.test.ts.
 */
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { describe, test } from 'node:test';
import * as der from './_asym-der.ts';
import { KmsError } from './errors.ts';
import { buildPkcs12, pkcs12Kdf, readPkcs12 } from './_pkcs12.ts';

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

  void test('wrong password and any altered byte: Cryptographic Failure (MAC first)', async () => {
    const pfx = await buildPkcs12({ privateKey: key, certificates: [cert] }, 'pw');
    await assert.rejects(readPkcs12(pfx, 'pW'), code('ERR_KMS_CRYPTOGRAPHIC_FAILURE'));
    for (const at of [40, Math.floor(pfx.length / 2), pfx.length - 60]) {
      const bad = pfx.slice();
      bad[at] = (bad[at] as number) ^ 0x01;
      await assert.rejects(readPkcs12(bad, 'pw'), (e: unknown) => e instanceof KmsError);
    }
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
