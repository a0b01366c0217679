/**
 * ML-KEM (FIPS 203) on node:crypto (OpenSSL 3.5 in Node 24): KeyObjects imported from the raw
 * public key (`raw-public`, which runs the FIPS 203 §7.2 modulus check) and from the 64-byte
 * seed (`raw-seed`). Encapsulation randomness comes from OpenSSL; there is no derandomized
 * native path (see `_kem-derand.ts` for the vector-only one).
 */
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  decapsulate,
  encapsulate,
  generateKeyPair,
  generateKeyPairSync,
  type KeyObject,
} from 'node:crypto';
import { abytes, aoneOf } from '../_assert.ts';
import { InvalidKey } from '../errors.ts';
import { KEM_LENGTHS, type KemAlgorithm, type _KemBackend } from '../kem.ts';
import { _buf, _u8 } from './kem-hashes.ts';

export type MlKemAlgorithm = Extract<KemAlgorithm, `ml-kem-${string}`>;
export const ML_KEM_ALGORITHMS: readonly MlKemAlgorithm[] = [
  'ml-kem-512',
  'ml-kem-768',
  'ml-kem-1024',
];

const rawPublic = (key: KeyObject): Uint8Array => _u8(key.export({ format: 'raw-public' }));

// Key generation encodes both halves in OpenSSL (on the thread pool for `generateAsync`): no
// KeyObject is made only to be exported, which saves ~4 µs of main-thread work per key pair.
const RAW_ENCODINGS = {
  publicKeyEncoding: { format: 'raw-public' },
  privateKeyEncoding: { format: 'raw-seed' },
} as const;
// @types/node has no overload for the raw encodings (Node 24 takes them): both halves are Buffers.
type _RawPair = { publicKey: Buffer; privateKey: Buffer };
const generateRawSync = generateKeyPairSync as unknown as (
  type: MlKemAlgorithm,
  options: typeof RAW_ENCODINGS,
) => _RawPair;
const generateRaw = generateKeyPair as unknown as (
  type: MlKemAlgorithm,
  options: typeof RAW_ENCODINGS,
  callback: (error: Error | null, publicKey: Buffer, privateKey: Buffer) => void,
) => void;

export function nodeMlKemBackend(algorithm: MlKemAlgorithm): _KemBackend<KeyObject, KeyObject> {
  const importSecret = (seed: Uint8Array) => {
    const handle = createPrivateKey({
      key: _buf(seed),
      format: 'raw-seed',
      asymmetricKeyType: algorithm,
    });
    return { handle, publicKey: rawPublic(createPublicKey(handle)) };
  };
  return {
    algorithm,
    generate(seed: Uint8Array | undefined) {
      if (seed !== undefined) return { publicKey: importSecret(seed).publicKey, secretKey: seed };
      const { publicKey, privateKey } = generateRawSync(algorithm, RAW_ENCODINGS);
      return { publicKey: _u8(publicKey), secretKey: _u8(privateKey) };
    },
    generateAsync(): Promise<{ publicKey: Uint8Array; secretKey: Uint8Array }> {
      return new Promise((resolve, reject) => {
        generateRaw(algorithm, RAW_ENCODINGS, (error, publicKey, privateKey) => {
          if (error !== null) {
            reject(error);
            return;
          }
          resolve({ publicKey: _u8(publicKey), secretKey: _u8(privateKey) });
        });
      });
    },
    importPublic(bytes: Uint8Array): KeyObject {
      try {
        return createPublicKey({
          key: _buf(bytes),
          format: 'raw-public',
          asymmetricKeyType: algorithm,
        });
      } catch (error) {
        throw new InvalidKey(`invalid ${algorithm} public key (modulus check)`, { cause: error });
      }
    },
    importSecret,
    publicHandle: (secret: KeyObject) => createPublicKey(secret),
    encapsulate(publicKey: KeyObject) {
      const { sharedKey, ciphertext } = encapsulate(publicKey);
      return { ciphertext: _u8(ciphertext), sharedSecret: _u8(sharedKey) };
    },
    decapsulate: (ciphertext: Uint8Array, secret: KeyObject) =>
      _u8(decapsulate(secret, ciphertext)),
  };
}

// PKCS#8 wrapping of an expanded decapsulation key: the `expandedKey` choice of
// draft-ietf-lamps-kyber-certificates, OIDs 2.16.840.1.101.3.4.4.{1,2,3}.
function expandedPkcs8(algorithm: MlKemAlgorithm, dk: Uint8Array): Uint8Array {
  const oidLast = { 'ml-kem-512': 1, 'ml-kem-768': 2, 'ml-kem-1024': 3 }[algorithm];
  const len2 = (n: number) => [0x82, n >> 8, n & 0xff];
  const inner = [0x04, ...len2(dk.length)];
  const outer = [0x04, ...len2(inner.length + dk.length)];
  const body = [
    0x02,
    0x01,
    0x00,
    0x30,
    0x0b,
    0x06,
    0x09,
    0x60,
    0x86,
    0x48,
    0x01,
    0x65,
    0x03,
    0x04,
    0x04,
    oidLast,
    ...outer,
    ...inner,
  ];
  const header = [0x30, ...len2(body.length + dk.length), ...body];
  const der = new Uint8Array(header.length + dk.length);
  der.set(header, 0);
  der.set(dk, header.length);
  return der;
}

/**
 * Internal (vectors only): ML-KEM.Decaps with a FIPS 203 expanded decapsulation key, as ACVP
 * and Wycheproof give it. Checks the dk hash H(ek) itself (FIPS 203 §7.3 input check) so both
 * providers agree, then decapsulates natively. RangeError for wrong lengths, InvalidKey for a
 * dk that fails the check or the import.
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
  const hash = createHash('sha3-256').update(ek).digest();
  if (!hash.equals(dk.subarray(768 * k + 32, 768 * k + 64))) {
    throw new InvalidKey('expanded ML-KEM key fails the hash check');
  }
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: _buf(expandedPkcs8(name, dk)), format: 'der', type: 'pkcs8' });
  } catch (error) {
    throw new InvalidKey('invalid expanded ML-KEM key', { cause: error });
  }
  return _u8(decapsulate(key, ciphertext));
}
