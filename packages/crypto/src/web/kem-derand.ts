/**
 * Internal, for known-answer vectors only: encapsulation with caller-given randomness. Never use
 * it for real encryption (reusing `eseed` reuses the shared secret). Pure JS on @noble, so both
 * providers' decapsulation can be checked against ciphertexts that vectors fix; native ML-KEM in
 * Node cannot take encapsulation randomness.
 *
 * `eseed`: ML-KEM: the 32-byte message m of ML-KEM.Encaps_internal; X-Wing: 64 bytes (m, then
 * the ephemeral X25519 secret), as EncapsulateDerand of the X-Wing draft; x25519 (DHKEM): the
 * 32-byte `ikmE` from which DeriveKeyPair makes the ephemeral key (RFC 9180 vectors).
 */
import { x25519 } from '@noble/curves/ed25519.js';
import { ml_kem1024, ml_kem512, ml_kem768 } from '@noble/post-quantum/ml-kem.js';
import { abytes, aoneOf } from '../_assert.ts';
import { Dhkem } from '../_hpke-dhkem.ts';
import { xwingCombiner } from '../_xwing.ts';
import { InvalidKey } from '../errors.ts';
import { KEM_ALGORITHMS, KEM_LENGTHS, type KemAlgorithm, type KemEncapsulation } from '../kem.ts';
import { webX25519Group } from './kem-dh.ts';
import { webHmac, webXWingHashes } from './kem-hashes.ts';

const NOBLE = { 'ml-kem-512': ml_kem512, 'ml-kem-768': ml_kem768, 'ml-kem-1024': ml_kem1024 };

function mlkemDerand(
  algorithm: keyof typeof NOBLE,
  publicKey: Uint8Array,
  m: Uint8Array,
): KemEncapsulation {
  let result: { cipherText: Uint8Array; sharedSecret: Uint8Array };
  try {
    result = NOBLE[algorithm].encapsulate(publicKey, m);
  } catch (error) {
    throw new InvalidKey(`invalid ${algorithm} public key (modulus check)`, { cause: error });
  }
  return { ciphertext: result.cipherText, sharedSecret: result.sharedSecret };
}

/** Derandomized encapsulation (vectors only). RangeError for wrong lengths, InvalidKey as `encapsulate`. */
export function _encapsulateDerand(
  algorithm: KemAlgorithm,
  publicKey: Uint8Array,
  eseed: Uint8Array,
): KemEncapsulation {
  const name = aoneOf(algorithm, 'algorithm', KEM_ALGORITHMS);
  abytes(publicKey, 'publicKey', KEM_LENGTHS[name].publicKey);
  switch (name) {
    case 'x25519': {
      abytes(eseed, 'eseed', 32);
      const dhkem = new Dhkem(webX25519Group, webHmac);
      const eph = dhkem.deriveKeyPair(eseed);
      const { enc, sharedSecret } = dhkem.encap(
        webX25519Group.importPublic(publicKey),
        publicKey,
        undefined,
        eph,
      );
      return { ciphertext: enc, sharedSecret };
    }
    case 'x-wing': {
      abytes(eseed, 'eseed', 64);
      const m = mlkemDerand('ml-kem-768', publicKey.subarray(0, 1184), eseed.subarray(0, 32));
      const ekX = eseed.subarray(32, 64);
      const pkX = publicKey.subarray(1184);
      const ctX = x25519.getPublicKey(ekX);
      let ssX: Uint8Array;
      try {
        ssX = x25519.getSharedSecret(ekX, pkX);
      } catch (error) {
        throw new InvalidKey('X-Wing X25519 public key is a low-order point', { cause: error });
      }
      const ciphertext = new Uint8Array(1120);
      ciphertext.set(m.ciphertext, 0);
      ciphertext.set(ctX, 1088);
      return {
        ciphertext,
        sharedSecret: xwingCombiner(webXWingHashes, m.sharedSecret, ssX, ctX, pkX),
      };
    }
    default:
      abytes(eseed, 'eseed', 32);
      return mlkemDerand(name, publicKey, eseed);
  }
}
