/**
 * RSA key transport: RSA-2048 OAEP encrypt/decrypt of a 32-byte key and the RSA-AES key wrap
 * (CKM_RSA_AES_KEY_WRAP) of a 32-byte key, key objects parsed once. Encryption is dominated by
 * the public-exponent operation, decryption by the private (CRT) one; the AES-KWP part adds a
 * few microseconds.
 */
import { nodeKeys } from '../src/node/keys.ts';
import { nodeRsaWrap } from '../src/node/rsa-wrap.ts';
import { webKeys } from '../src/web/keys.ts';
import { webRsaWrap } from '../src/web/rsa-wrap.ts';
import type { BenchCase, BenchSuite } from './_harness.ts';

export const suite: BenchSuite = {
  name: 'RSA-OAEP and RSA-AES key wrap',
  cases: async () => {
    const cases: BenchCase[] = [];
    const { privateKey, publicKey } = await nodeKeys.generate('rsa', { modulusBits: 2048 });
    const webPrivate = await webKeys.importPrivate(
      'rsa',
      'pkcs8',
      await nodeKeys.exportPrivate(privateKey, 'pkcs8'),
    );
    const webPublic = await webKeys.importPublic(
      'rsa',
      'spki',
      await nodeKeys.exportPublic(publicKey, 'spki'),
    );
    const key = new Uint8Array(32).map((_, i) => i);
    for (const hash of ['sha256', 'sha512'] as const) {
      const ct = await nodeRsaWrap.oaepEncrypt(publicKey, key, hash);
      // Warm the lazily imported CryptoKeys.
      await webRsaWrap.oaepDecrypt(
        webPrivate,
        await webRsaWrap.oaepEncrypt(webPublic, key, hash),
        hash,
      );
      cases.push({
        name: `RSA-2048 OAEP-${hash.toUpperCase()} encrypt 32 B`,
        node: () => nodeRsaWrap.oaepEncrypt(publicKey, key, hash),
        web: () => webRsaWrap.oaepEncrypt(webPublic, key, hash),
      });
      cases.push({
        name: `RSA-2048 OAEP-${hash.toUpperCase()} decrypt 32 B`,
        node: () => nodeRsaWrap.oaepDecrypt(privateKey, ct, hash),
        web: () => webRsaWrap.oaepDecrypt(webPrivate, ct, hash),
      });
    }
    const options = { hash: 'sha256', aesKeyBits: 256 } as const;
    const wrapped = await nodeRsaWrap.aesKwpWrap(publicKey, key, options);
    await webRsaWrap.aesKwpUnwrap(
      webPrivate,
      await webRsaWrap.aesKwpWrap(webPublic, key, options),
      options,
    );
    cases.push({
      name: 'RSA-2048 AES-256-KWP wrap 32 B',
      node: () => nodeRsaWrap.aesKwpWrap(publicKey, key, options),
      web: () => webRsaWrap.aesKwpWrap(webPublic, key, options),
    });
    cases.push({
      name: 'RSA-2048 AES-256-KWP unwrap 32 B',
      node: () => nodeRsaWrap.aesKwpUnwrap(privateKey, wrapped, options),
      web: () => webRsaWrap.aesKwpUnwrap(webPrivate, wrapped, options),
    });
    return cases;
  },
};
