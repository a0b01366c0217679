/**
 * The web HPKE family: @noble/hashes HMAC, @noble/ciphers AES-GCM and ChaCha20-Poly1305,
 * X25519/P-256/ML-KEM from the web KEM files. Synchronous (WebCrypto would force promises).
 */
import { gcm } from '@noble/ciphers/aes.js';
import { chacha20poly1305 } from '@noble/ciphers/chacha.js';
import type { _HpkeAeadCipher, _HpkeAeadName } from '../_hpke-context.ts';
import { Dhkem } from '../_hpke-dhkem.ts';
import { dhkemHpkeKem, xwingHpkeKem } from '../_hpke-kems.ts';
import { makeXWingBackend } from '../_xwing.ts';
import { _makeHpkeFamily, type HpkeFamily } from '../hpke.ts';
import { webP256Group, webX25519Group } from './kem-dh.ts';
import { _encapsulateDerand } from './kem-derand.ts';
import { webHmac, webXWingHashes } from './kem-hashes.ts';
import { webMlKemBackend } from './kem-mlkem.ts';

function webHpkeAead(name: _HpkeAeadName, key: Uint8Array): _HpkeAeadCipher {
  const make = name === 'chacha20-poly1305' ? chacha20poly1305 : gcm;
  return {
    seal: (nonce, plaintext, aad) => make(key, nonce, aad).encrypt(plaintext),
    open: (nonce, ciphertext, aad) => make(key, nonce, aad).decrypt(ciphertext), // throws on a bad tag
  };
}

export const webHpke: HpkeFamily = _makeHpkeFamily({
  hmac: webHmac,
  aead: webHpkeAead,
  kems: {
    'dhkem-p256-hkdf-sha256': () => dhkemHpkeKem(new Dhkem(webP256Group, webHmac)),
    'dhkem-x25519-hkdf-sha256': () => dhkemHpkeKem(new Dhkem(webX25519Group, webHmac)),
    'x-wing': () =>
      xwingHpkeKem(
        makeXWingBackend(webMlKemBackend('ml-kem-768'), webX25519Group, webXWingHashes),
        webXWingHashes,
        (publicKey, eseed) => _encapsulateDerand('x-wing', publicKey, eseed),
      ),
  },
});
