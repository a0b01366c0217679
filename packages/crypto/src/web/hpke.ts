/**
 * The web HPKE family: @noble/hashes HMAC, the web AEAD family's ciphers,
 * X25519/P-256/ML-KEM from the web KEM files. Synchronous (WebCrypto would force promises).
 */
import { Dhkem } from '../_hpke-dhkem.ts';
import { dhkemHpkeKem, xwingHpkeKem } from '../_hpke-kems.ts';
import { makeXWingBackend } from '../_xwing.ts';
import { _makeHpkeFamily, type HpkeFamily } from '../hpke.ts';
import { webAead } from './aead.ts';
import { webP256Group, webX25519Group } from './kem-dh.ts';
import { _encapsulateDerand } from './kem-derand.ts';
import { webHmac, webXWingHashes } from './kem-hashes.ts';
import { webMlKemBackend } from './kem-mlkem.ts';

export const webHpke: HpkeFamily = _makeHpkeFamily({
  hmac: webHmac,
  aead: (name, key) => webAead.cipher(name, key),
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
