/**
 * The web KEM family: ML-KEM on @noble/post-quantum, X25519 on @noble/curves, X-Wing composed
 * from both with @noble/hashes SHA3. All synchronous (WebCrypto has no ML-KEM, and its X25519
 * is promise-only).
 */
import { Dhkem, dhkemKemBackend } from '../_hpke-dhkem.ts';
import { makeXWingBackend } from '../_xwing.ts';
import { _makeKemFamily, type KemFamily } from '../kem.ts';
import { webX25519Group } from './kem-dh.ts';
import { webHmac, webXWingHashes } from './kem-hashes.ts';
import { webMlKemBackend } from './kem-mlkem.ts';

export const webKem: KemFamily = _makeKemFamily({
  x25519: () => dhkemKemBackend(new Dhkem(webX25519Group, webHmac)),
  'ml-kem-512': () => webMlKemBackend('ml-kem-512'),
  'ml-kem-768': () => webMlKemBackend('ml-kem-768'),
  'ml-kem-1024': () => webMlKemBackend('ml-kem-1024'),
  'x-wing': () => makeXWingBackend(webMlKemBackend('ml-kem-768'), webX25519Group, webXWingHashes),
});
