/**
 * The node KEM family: ML-KEM and X25519 native (OpenSSL 3.5 through node:crypto), X-Wing
 * composed from both with native SHA3-256/SHAKE256. All synchronous.
 */
import { Dhkem, dhkemKemBackend } from '../_hpke-dhkem.ts';
import { makeXWingBackend } from '../_xwing.ts';
import { _makeKemFamily, type KemFamily } from '../kem.ts';
import { nodeX25519Group } from './kem-dh.ts';
import { nodeHmac, nodeXWingHashes } from './kem-hashes.ts';
import { nodeMlKemBackend } from './kem-mlkem.ts';

export const nodeKem: KemFamily = _makeKemFamily({
  x25519: () => dhkemKemBackend(new Dhkem(nodeX25519Group, nodeHmac)),
  'ml-kem-512': () => nodeMlKemBackend('ml-kem-512'),
  'ml-kem-768': () => nodeMlKemBackend('ml-kem-768'),
  'ml-kem-1024': () => nodeMlKemBackend('ml-kem-1024'),
  'x-wing': () =>
    makeXWingBackend(nodeMlKemBackend('ml-kem-768'), nodeX25519Group, nodeXWingHashes),
});
