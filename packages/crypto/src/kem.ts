/**
 * Key encapsulation mechanisms (KEMs): the family interface and the argument handling, parsed
 * key objects and error mapping that both providers share. Each provider supplies one backend
 * per algorithm (`_KemBackend`); `_makeKem` turns it into the public `Kem`.
 *
 * Algorithms:
 * - `x25519`: DHKEM(X25519, HKDF-SHA256) of RFC 9180 §4.1 (KEM id 0x0020), not a bare
 *   Diffie-Hellman: the shared secret is ExtractAndExpand(dh, enc || pkR), which makes it an
 *   IND-CCA KEM and the same KEM that HPKE uses.
 * - `ml-kem-512` / `ml-kem-768` / `ml-kem-1024`: FIPS 203. The secret key is the 64-byte seed
 *   d || z (FIPS 203 §7.1 seed form), not the 1632–3168-byte expanded decapsulation key.
 * - `x-wing`: X25519 + ML-KEM-768 hybrid, draft-connolly-cfrg-xwing-kem (final combiner
 *   SHA3-256(ss_M || ss_X || ct_X || pk_X || XWingLabel)); the secret key is a 32-byte seed.
 *
 * Error contract (both providers): wrong argument types → TypeError; a public or secret key of
 * the wrong length or a seed of the wrong length → RangeError; a well-sized key that is not a
 * valid key (ML-KEM modulus check, X25519 low-order point found at encapsulation) →
 * InvalidKey; a ciphertext of the wrong length, or one that cannot be decapsulated (X25519
 * part is a low-order point) → DecryptionFailed. ML-KEM decapsulation itself never fails: a
 * tampered ciphertext yields an unrelated pseudo-random secret (implicit rejection).
 */
import { abytes, aoneOf, isBytes } from './_assert.ts';
import { DecryptionFailed, InvalidKey } from './errors.ts';

export type KemAlgorithm = 'x25519' | 'ml-kem-512' | 'ml-kem-768' | 'ml-kem-1024' | 'x-wing';

export const KEM_ALGORITHMS: readonly KemAlgorithm[] = Object.freeze([
  'x25519',
  'ml-kem-512',
  'ml-kem-768',
  'ml-kem-1024',
  'x-wing',
]);

/** Byte lengths of a KEM's encodings. `seed` is what `generateKeyPair(seed)` takes. */
export interface KemLengths {
  readonly publicKey: number;
  readonly secretKey: number;
  readonly ciphertext: number;
  readonly sharedSecret: number;
  readonly seed: number;
}

export const KEM_LENGTHS: Readonly<Record<KemAlgorithm, KemLengths>> = Object.freeze({
  x25519: Object.freeze({
    publicKey: 32,
    secretKey: 32,
    ciphertext: 32,
    sharedSecret: 32,
    seed: 32,
  }),
  'ml-kem-512': Object.freeze({
    publicKey: 800,
    secretKey: 64,
    ciphertext: 768,
    sharedSecret: 32,
    seed: 64,
  }),
  'ml-kem-768': Object.freeze({
    publicKey: 1184,
    secretKey: 64,
    ciphertext: 1088,
    sharedSecret: 32,
    seed: 64,
  }),
  'ml-kem-1024': Object.freeze({
    publicKey: 1568,
    secretKey: 64,
    ciphertext: 1568,
    sharedSecret: 32,
    seed: 64,
  }),
  'x-wing': Object.freeze({
    publicKey: 1216,
    secretKey: 32,
    ciphertext: 1120,
    sharedSecret: 32,
    seed: 32,
  }),
});

export interface KemKeyPair {
  publicKey: Uint8Array;
  secretKey: Uint8Array;
}

export interface KemEncapsulation {
  ciphertext: Uint8Array;
  sharedSecret: Uint8Array;
}

/**
 * A parsed, validated public key. It caches the provider's native handle (a KeyObject, a
 * pre-expanded ML-KEM matrix), so encapsulating to it repeatedly skips the import cost.
 */
export interface KemPublicKey {
  readonly algorithm: KemAlgorithm;
  /** A fresh copy of the encoded key. */
  toBytes(): Uint8Array;
}

/** A parsed secret key, caching the provider's native handle. */
export interface KemSecretKey {
  readonly algorithm: KemAlgorithm;
  /** The matching public key (computed once, on first access). */
  readonly publicKey: KemPublicKey;
  /** A fresh copy of the encoded secret key (the seed form for ML-KEM and X-Wing). */
  toBytes(): Uint8Array;
}

export interface Kem {
  readonly algorithm: KemAlgorithm;
  readonly lengths: KemLengths;
  /**
   * A new key pair, random or derived from `seed` (`lengths.seed` bytes). For ML-KEM and
   * X-Wing the seed is the secret key itself; for `x25519` it is the `ikm` of RFC 9180
   * DeriveKeyPair. Throws RangeError for a seed of the wrong length.
   */
  generateKeyPair(seed?: Uint8Array): KemKeyPair;
  /**
   * `count` new random key pairs, generated off the calling thread where the provider can (node:
   * ML-KEM on the libuv thread pool), so the caller can do other work until it awaits them.
   * Same keys as `count` calls of `generateKeyPair()`; elsewhere it is that loop. Throws
   * RangeError unless 0 ≤ count ≤ 65536 is an integer.
   */
  generateKeyPairs(count: number): Promise<KemKeyPair[]>;
  /** Parses and validates a public key. RangeError: wrong length; InvalidKey: not a valid key. */
  publicKey(bytes: Uint8Array): KemPublicKey;
  /** Parses a secret key. RangeError: wrong length. */
  secretKey(bytes: Uint8Array): KemSecretKey;
  /**
   * A fresh shared secret and the ciphertext that carries it to the holder of the secret key.
   * Throws RangeError/InvalidKey for a bad public key (as `publicKey`), InvalidKey when the
   * X25519 part yields the all-zero secret (low-order public key).
   */
  encapsulate(publicKey: Uint8Array | KemPublicKey): KemEncapsulation;
  /**
   * The shared secret carried by `ciphertext`. Throws DecryptionFailed for a ciphertext of the
   * wrong length or an X25519 part that yields the all-zero secret; RangeError for a secret key
   * of the wrong length.
   */
  decapsulate(ciphertext: Uint8Array, secretKey: Uint8Array | KemSecretKey): Uint8Array;
}

export interface KemFamily {
  readonly algorithms: readonly KemAlgorithm[];
  /** The KEM for `algorithm`. RangeError for an unknown name. */
  get(algorithm: KemAlgorithm): Kem;
}

/**
 * What a provider implements per algorithm. Inputs are already validated for type and length
 * and are private copies the backend may keep. Handles are the backend's own cached state.
 */
export interface _KemBackend<P, S> {
  readonly algorithm: KemAlgorithm;
  /** Returns encoded keys; `seed` is undefined for a random key pair. */
  generate(seed: Uint8Array | undefined): KemKeyPair;
  /** A random key pair generated off the calling thread, when the provider can. */
  generateAsync?(): Promise<KemKeyPair>;
  /** Throws InvalidKey for an invalid key. */
  importPublic(bytes: Uint8Array): P;
  importSecret(bytes: Uint8Array): { handle: S; publicKey: Uint8Array };
  /** The public handle of a secret key, for `KemSecretKey.publicKey`. */
  publicHandle(secret: S, publicKey: Uint8Array): P;
  /** Throws InvalidKey when the key turns out unusable (low-order X25519 point). */
  encapsulate(publicKey: P): KemEncapsulation;
  /** `ciphertext` has the right length. Throws DecryptionFailed. */
  decapsulate(ciphertext: Uint8Array, secretKey: S): Uint8Array;
}

interface KeyRecord {
  readonly owner: object;
  readonly algorithm: KemAlgorithm;
  readonly handle: unknown;
  readonly bytes: Uint8Array;
}

// Parsed keys are plain frozen objects; their handles live here, out of reach of callers, so a
// look-alike object cannot smuggle a forged handle in.
const publicKeys = new WeakMap<object, KeyRecord>();
const secretKeys = new WeakMap<object, KeyRecord>();

function newPublicKey(owner: object, algorithm: KemAlgorithm, bytes: Uint8Array, handle: unknown) {
  const key: KemPublicKey = Object.freeze({ algorithm, toBytes: () => bytes.slice() });
  publicKeys.set(key, { owner, algorithm, handle, bytes });
  return key;
}

// The record of a parsed key of this algorithm (from either provider), else an error: TypeError
// for anything that is not a parsed key, InvalidKey for a key of another algorithm.
function _keyRecord(
  registry: WeakMap<object, KeyRecord>,
  key: unknown,
  label: string,
  algorithm: KemAlgorithm,
): KeyRecord {
  const record = typeof key === 'object' && key !== null ? registry.get(key) : undefined;
  if (record === undefined) throw new TypeError(`${label} must be a Uint8Array or a parsed key`);
  if (record.algorithm !== algorithm) {
    throw new InvalidKey(`${label} is a ${record.algorithm} key, not ${algorithm}`);
  }
  return record;
}

/** Most key pairs one `generateKeyPairs` call makes. */
const MAX_BATCH = 65536;

/** Builds the public `Kem` over a provider backend. */
export function _makeKem<P, S>(backend: _KemBackend<P, S>): Kem {
  const algorithm = backend.algorithm;
  const lengths = KEM_LENGTHS[algorithm];
  const owner = {};

  const parsePublic = (bytes: Uint8Array): KemPublicKey => {
    const copy = abytes(bytes, 'publicKey', lengths.publicKey).slice();
    return newPublicKey(owner, algorithm, copy, backend.importPublic(copy));
  };

  const parseSecret = (bytes: Uint8Array): KemSecretKey => {
    const copy = abytes(bytes, 'secretKey', lengths.secretKey).slice();
    const { handle, publicKey: publicBytes } = backend.importSecret(copy);
    let cachedPublic: KemPublicKey | undefined;
    const key: KemSecretKey = Object.freeze({
      algorithm,
      get publicKey(): KemPublicKey {
        cachedPublic ??= newPublicKey(
          owner,
          algorithm,
          publicBytes,
          backend.publicHandle(handle, publicBytes),
        );
        return cachedPublic;
      },
      toBytes: () => copy.slice(),
    });
    secretKeys.set(key, { owner, algorithm, handle, bytes: copy });
    return key;
  };

  // A parsed key of this KEM gives its cached handle; one of another provider (same algorithm)
  // is re-imported from its bytes; anything else is refused.
  const publicHandle = (key: unknown): P => {
    if (isBytes(key)) {
      return backend.importPublic(abytes(key, 'publicKey', lengths.publicKey).slice());
    }
    const record = _keyRecord(publicKeys, key, 'publicKey', algorithm);
    if (record.owner === owner) return record.handle as P;
    return backend.importPublic(record.bytes);
  };

  const secretHandle = (key: unknown): S => {
    if (isBytes(key)) {
      return backend.importSecret(abytes(key, 'secretKey', lengths.secretKey).slice()).handle;
    }
    const record = _keyRecord(secretKeys, key, 'secretKey', algorithm);
    if (record.owner === owner) return record.handle as S;
    return backend.importSecret(record.bytes).handle;
  };

  return Object.freeze({
    algorithm,
    lengths,
    generateKeyPair(seed?: Uint8Array): KemKeyPair {
      if (seed === undefined) return backend.generate(undefined);
      return backend.generate(abytes(seed, 'seed', lengths.seed).slice());
    },
    async generateKeyPairs(count: number): Promise<KemKeyPair[]> {
      if (!Number.isSafeInteger(count) || count < 0 || count > MAX_BATCH) {
        throw new RangeError(`count must be an integer from 0 to ${MAX_BATCH}`);
      }
      const generateAsync = backend.generateAsync?.bind(backend);
      if (generateAsync === undefined) {
        return Array.from({ length: count }, () => backend.generate(undefined));
      }
      // Every job is queued at once; the pool runs as many as it has threads.
      return Promise.all(Array.from({ length: count }, () => generateAsync()));
    },
    publicKey: parsePublic,
    secretKey: parseSecret,
    encapsulate(publicKey: Uint8Array | KemPublicKey): KemEncapsulation {
      return backend.encapsulate(publicHandle(publicKey));
    },
    decapsulate(ciphertext: Uint8Array, secretKey: Uint8Array | KemSecretKey): Uint8Array {
      if (!isBytes(ciphertext)) throw new TypeError('ciphertext must be a Uint8Array');
      const handle = secretHandle(secretKey);
      // A ciphertext is untrusted input: a wrong length is a failed decapsulation, not a
      // programming error, and says no more than any other failure.
      if (ciphertext.length !== lengths.ciphertext) throw new DecryptionFailed();
      return backend.decapsulate(ciphertext.slice(), handle);
    },
  });
}

/** Builds a `KemFamily` from one backend per algorithm; KEMs are built on first use. */
export function _makeKemFamily(backends: {
  readonly [A in KemAlgorithm]: () => _KemBackend<unknown, unknown>;
}): KemFamily {
  const cache = new Map<KemAlgorithm, Kem>();
  return Object.freeze({
    algorithms: KEM_ALGORITHMS,
    get(algorithm: KemAlgorithm): Kem {
      const name = aoneOf(algorithm, 'algorithm', KEM_ALGORITHMS);
      let kem = cache.get(name);
      if (kem === undefined) {
        kem = _makeKem(backends[name]());
        cache.set(name, kem);
      }
      return kem;
    },
  });
}
