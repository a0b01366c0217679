/**
 * ML-KEM (FIPS 203) on @noble/post-quantum. Secret keys are the 64-byte seed; the parsed secret
 * key caches the expanded decapsulation key, the parsed public key caches noble's prepared key
 * (expanded matrix), which halves encapsulation time.
 */
import { ml_kem1024, ml_kem512, ml_kem768, type KEMPrepared } from '@noble/post-quantum/ml-kem.js';
import { sha3_256 } from '@noble/hashes/sha3.js';
import { abytes, aoneOf } from '../_assert.ts';
import { constantTimeEqual } from '../bytes.ts';
import { InvalidKey } from '../errors.ts';
import { KEM_LENGTHS, type KemAlgorithm, type _KemBackend } from '../kem.ts';
import { webRandomBytes } from './kem-hashes.ts';

export type MlKemAlgorithm = Extract<KemAlgorithm, `ml-kem-${string}`>;
export const ML_KEM_ALGORITHMS: readonly MlKemAlgorithm[] = [
  'ml-kem-512',
  'ml-kem-768',
  'ml-kem-1024',
];

const NOBLE = { 'ml-kem-512': ml_kem512, 'ml-kem-768': ml_kem768, 'ml-kem-1024': ml_kem1024 };
type Prepared = KEMPrepared;

export function webMlKemBackend(algorithm: MlKemAlgorithm): _KemBackend<Prepared, Uint8Array> {
  const ml = NOBLE[algorithm];
  const prepare = (bytes: Uint8Array): Prepared => {
    try {
      return ml.prepare(bytes); // runs the FIPS 203 §7.2 modulus check
    } catch (error) {
      throw new InvalidKey(`invalid ${algorithm} public key (modulus check)`, { cause: error });
    }
  };
  return {
    algorithm,
    generate(seed: Uint8Array | undefined) {
      const secretKey = seed ?? webRandomBytes(64);
      return { publicKey: ml.keygen(secretKey).publicKey, secretKey };
    },
    importPublic: prepare,
    importSecret(seed: Uint8Array) {
      const { publicKey, secretKey } = ml.keygen(seed);
      return { handle: secretKey, publicKey };
    },
    publicHandle: (_secret: Uint8Array, publicKey: Uint8Array) => prepare(publicKey),
    encapsulate(publicKey: Prepared) {
      const { cipherText, sharedSecret } = publicKey.encapsulate();
      return { ciphertext: cipherText, sharedSecret };
    },
    decapsulate: (ciphertext: Uint8Array, secret: Uint8Array) => ml.decapsulate(ciphertext, secret),
  };
}

/**
 * Internal (vectors only): ML-KEM.Decaps with a FIPS 203 expanded decapsulation key. Checks
 * the dk hash H(ek) (FIPS 203 §7.3 input check). RangeError for wrong lengths, InvalidKey for
 * a dk that fails the check.
 */
export function _mlkemDecapsulateExpanded(
  algorithm: MlKemAlgorithm,
  dk: Uint8Array,
  ciphertext: Uint8Array,
): Uint8Array {
  const name = aoneOf(algorithm, 'algorithm', ML_KEM_ALGORITHMS);
  const k = { 'ml-kem-512': 2, 'ml-kem-768': 3, 'ml-kem-1024': 4 }[name];
  abytes(dk, 'dk', 768 * k + 96);
  abytes(ciphertext, 'ciphertext', KEM_LENGTHS[name].ciphertext);
  const ek = dk.subarray(384 * k, 768 * k + 32);
  if (!constantTimeEqual(sha3_256(ek), dk.subarray(768 * k + 32, 768 * k + 64))) {
    throw new InvalidKey('expanded ML-KEM key fails the hash check');
  }
  return NOBLE[name].decapsulate(ciphertext, dk);
}
