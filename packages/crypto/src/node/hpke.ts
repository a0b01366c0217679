/**
 * The node HPKE family: node:crypto HMAC (KeyObjects), AES-GCM and ChaCha20-Poly1305 with one
 * KeyObject per context, X25519/P-256/ML-KEM from the node KEM files. Synchronous.
 */
import { createCipheriv, createDecipheriv, createSecretKey, type KeyObject } from 'node:crypto';
import type { _HpkeAeadCipher, _HpkeAeadName } from '../_hpke-context.ts';
import { Dhkem } from '../_hpke-dhkem.ts';
import { dhkemHpkeKem, xwingHpkeKem } from '../_hpke-kems.ts';
import { makeXWingBackend } from '../_xwing.ts';
import { _makeHpkeFamily, type HpkeFamily } from '../hpke.ts';
import { _encapsulateDerand } from '../web/kem-derand.ts';
import { nodeP256Group, nodeX25519Group } from './kem-dh.ts';
import { _u8, nodeHmac, nodeXWingHashes } from './kem-hashes.ts';
import { nodeMlKemBackend } from './kem-mlkem.ts';

const TAG = 16;
const OPTIONS = { authTagLength: TAG };

// The overloads of createCipheriv are per mode family; one helper per direction keeps them typed.
const cipherFor = (name: _HpkeAeadName, key: KeyObject, nonce: Uint8Array) =>
  name === 'chacha20-poly1305'
    ? createCipheriv(name, key, nonce, OPTIONS)
    : createCipheriv(name, key, nonce, OPTIONS);
const decipherFor = (name: _HpkeAeadName, key: KeyObject, nonce: Uint8Array) =>
  name === 'chacha20-poly1305'
    ? createDecipheriv(name, key, nonce, OPTIONS)
    : createDecipheriv(name, key, nonce, OPTIONS);

function nodeHpkeAead(name: _HpkeAeadName, key: Uint8Array): _HpkeAeadCipher {
  // One KeyObject per context: a raw Buffer key costs ~15 µs more per message on Node 24.
  const keyObject = createSecretKey(key);
  return {
    seal(nonce, plaintext, aad) {
      const cipher = cipherFor(name, keyObject, nonce);
      cipher.setAAD(aad, { plaintextLength: plaintext.length });
      const out = new Uint8Array(plaintext.length + TAG);
      const body = cipher.update(plaintext);
      out.set(body, 0);
      const tail = cipher.final();
      out.set(tail, body.length);
      out.set(cipher.getAuthTag(), body.length + tail.length);
      return out;
    },
    open(nonce, ciphertext, aad) {
      if (ciphertext.length < TAG) throw new RangeError('ciphertext shorter than the tag');
      const length = ciphertext.length - TAG;
      const decipher = decipherFor(name, keyObject, nonce);
      decipher.setAAD(aad, { plaintextLength: length });
      decipher.setAuthTag(ciphertext.subarray(length));
      const body = decipher.update(ciphertext.subarray(0, length));
      const tail = decipher.final(); // throws on a bad tag
      if (tail.length === 0) return _u8(body);
      const out = new Uint8Array(length);
      out.set(body, 0);
      out.set(tail, body.length);
      return out;
    },
  };
}

export const nodeHpke: HpkeFamily = _makeHpkeFamily({
  hmac: nodeHmac,
  aead: nodeHpkeAead,
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
