/**
 * The node HPKE family: node:crypto HMAC (KeyObjects), the node AEAD family's ciphers (one
 * KeyObject per context), X25519/P-256/ML-KEM from the node KEM files. Synchronous.
 */
import { Dhkem } from '../_hpke-dhkem.ts';
import { dhkemHpkeKem, xwingHpkeKem } from '../_hpke-kems.ts';
import { makeXWingBackend } from '../_xwing.ts';
import { _makeHpkeFamily, type HpkeFamily } from '../hpke.ts';
import { _encapsulateDerand } from '../web/kem-derand.ts';
import { nodeAead } from './aead.ts';
import { nodeP256Group, nodeX25519Group } from './kem-dh.ts';
import { nodeHmac, nodeXWingHashes } from './kem-hashes.ts';
import { nodeMlKemBackend } from './kem-mlkem.ts';

export const nodeHpke: HpkeFamily = _makeHpkeFamily({
  hmac: nodeHmac,
  // The AEAD family's cipher caches one KeyObject per HPKE context.
  aead: (name, key) => nodeAead.cipher(name, key),
  kems: {
    'dhkem-p256-hkdf-sha256': () => dhkemHpkeKem(new Dhkem(nodeP256Group, nodeHmac)),
    'dhkem-x25519-hkdf-sha256': () => dhkemHpkeKem(new Dhkem(nodeX25519Group, nodeHmac)),
    // Derandomized encapsulation (vectors only) goes through @noble: OpenSSL takes no eseed.
    'x-wing': () =>
      xwingHpkeKem(
        makeXWingBackend(nodeMlKemBackend('ml-kem-768'), nodeX25519Group, nodeXWingHashes),
        nodeXWingHashes,
        (publicKey, eseed) => _encapsulateDerand('x-wing', publicKey, eseed),
      ),
  },
});
