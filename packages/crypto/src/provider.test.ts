/**
 * The assembled providers: both expose every family, are frozen, and interoperate (what one
 * seals the other opens), so code can move between runtimes with its data.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { nodeProvider, provider } from './node/provider.ts';
import { webProvider } from './web/provider.ts';
import { DecryptionFailed } from './errors.ts';

const FAMILIES = [
  'random',
  'hash',
  'mac',
  'kdf',
  'aead',
  'keyWrap',
  'rsaWrap',
  'kem',
  'hpke',
  'signature',
  'keys',
  'ristretto255',
  'block',
  'modes',
  'stream',
] as const;

void describe('assembled providers', () => {
  void test('the node runtime resolves to the node provider', () => {
    assert.equal(provider, nodeProvider);
    assert.equal(nodeProvider.name, 'node');
    assert.equal(webProvider.name, 'web');
  });

  for (const p of [nodeProvider, webProvider]) {
    void test(`${p.name}: every family is present and the record is frozen`, () => {
      assert.deepEqual(Object.keys(p).sort(), ['name', ...FAMILIES].sort());
      for (const family of FAMILIES) assert.equal(typeof p[family], 'object', family);
      assert.ok(Object.isFrozen(p));
      assert.throws(() => {
        (p as unknown as Record<string, unknown>)['aead'] = undefined;
      }, TypeError);
    });
  }

  void test('AEAD ciphertexts cross providers in both directions, and tampering fails uniformly', () => {
    const key = nodeProvider.random.bytes(32);
    const aad = new TextEncoder().encode('table=users;column=email');
    const message = new TextEncoder().encode('alice@example.com');
    for (const [from, to] of [
      [nodeProvider, webProvider],
      [webProvider, nodeProvider],
    ] as const) {
      const sealed = from.aead.cipher('aes-256-gcm', key).encrypt(message, aad);
      assert.deepEqual(to.aead.cipher('aes-256-gcm', key).decrypt(sealed, aad), message);
      const altered = sealed.slice();
      altered[altered.length - 1] = (altered[altered.length - 1] as number) ^ 1;
      assert.throws(
        () => to.aead.cipher('aes-256-gcm', key).decrypt(altered, aad),
        DecryptionFailed,
      );
    }
  });

  void test('a KEM key pair made by one provider works with the other', () => {
    const kem = nodeProvider.kem.get('x-wing');
    const { publicKey, secretKey } = kem.generateKeyPair();
    const { ciphertext, sharedSecret } = webProvider.kem.get('x-wing').encapsulate(publicKey);
    assert.deepEqual(kem.decapsulate(ciphertext, secretKey), sharedSecret);
  });
});
