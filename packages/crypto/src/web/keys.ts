/**
 * Keys family for browsers: WebCrypto (`crypto.subtle`) for RSA, ECDSA and Ed25519 operations,
 * @noble/curves and @noble/post-quantum for what WebCrypto lacks or hides (public-key
 * derivation, point validation, ML-DSA, ML-KEM).
 *
 * A parsed key holds its neutral material (raw bytes: the same neutral form the node provider
 * exports) and imports `CryptoKey`s lazily, once per (algorithm, hash, usage), because a
 * WebCrypto key is bound to one algorithm and usage set. Imported CryptoKeys are
 * non-extractable.
 */
import { ed25519, x25519 } from '@noble/curves/ed25519.js';
import { p256, p384, p521 } from '@noble/curves/nist.js';
import { ml_dsa44, ml_dsa65, ml_dsa87 } from '@noble/post-quantum/ml-dsa.js';
import { ml_kem1024, ml_kem512, ml_kem768 } from '@noble/post-quantum/ml-kem.js';
import { aoneOf } from '../_assert.ts';
import {
  checkCarriedExpanded,
  checkCarriedPublic,
  decodePkcs8,
  encodePkcs8,
  encodeSpki,
  isEc,
  rsaModulusBits,
  secretLength,
  type PrivateMaterial,
  type PublicMaterial,
  type RawAlgorithm,
  type RawPrivateMaterial,
} from '../_der-keys.ts';
import { InvalidKey, Unsupported } from '../errors.ts';
import {
  checkGenerateArguments,
  decodePrivateKey,
  decodePublicKey,
  encodePrivateKey,
  encodePublicKey,
  PRIVATE_KEY_FORMATS,
  PUBLIC_KEY_FORMATS,
  promised,
  type AsymmetricAlgorithm,
  type GenerateKeyOptions,
  type KeyEncodings,
  type KeyPair,
  type KeysFamily,
  type PrivateKey,
  type PrivateKeyFormat,
  type PublicKey,
  type PublicKeyFormat,
} from '../keys.ts';

/** noble ML-DSA / ML-KEM instance per algorithm (same keygen shape for both). */
const LATTICE = {
  'ml-dsa-44': ml_dsa44,
  'ml-dsa-65': ml_dsa65,
  'ml-dsa-87': ml_dsa87,
  'ml-kem-512': ml_kem512,
  'ml-kem-768': ml_kem768,
  'ml-kem-1024': ml_kem1024,
} as const;
const WEIERSTRASS = { p256, p384, p521 } as const;

/** WebCrypto, or Unsupported where the page is not a secure context. */
export function subtle(): SubtleCrypto {
  // Typed as always present, but absent outside secure contexts.
  const s = (globalThis.crypto as Crypto | undefined)?.subtle;
  if (s === undefined) throw new Unsupported('WebCrypto (crypto.subtle) is not available here');
  return s;
}

interface PrivateState {
  /** Complete: for non-RSA keys `publicKey` is the derived public key (EC uncompressed). */
  readonly material: PrivateMaterial;
  readonly public: PublicMaterial;
}

/** The web provider's key object: neutral material plus lazily imported CryptoKeys. */
class WebKey {
  readonly algorithm: AsymmetricAlgorithm;
  readonly type: 'private' | 'public';
  readonly modulusBits?: number;
  readonly #private: PrivateMaterial | undefined;
  readonly #public: PublicMaterial;
  readonly #cryptoKeys = new Map<string, Promise<CryptoKey>>();
  #publicKey: WebKey | undefined;

  constructor(publicMaterial: PublicMaterial, privateMaterial?: PrivateMaterial) {
    this.algorithm = publicMaterial.algorithm;
    this.type = privateMaterial === undefined ? 'public' : 'private';
    if (publicMaterial.algorithm === 'rsa') this.modulusBits = rsaModulusBits(publicMaterial.n);
    this.#private = privateMaterial;
    this.#public = publicMaterial;
    Object.freeze(this);
  }

  static unwrap(key: unknown): WebKey | undefined {
    return typeof key === 'object' && key !== null && #public in key ? key : undefined;
  }

  privateMaterial(): PrivateMaterial {
    if (this.#private === undefined) throw new InvalidKey('not a private key');
    return this.#private;
  }

  publicMaterial(): PublicMaterial {
    return this.#public;
  }

  publicKey(): WebKey {
    if (this.type === 'public') return this;
    this.#publicKey ??= new WebKey(this.#public);
    return this.#publicKey;
  }

  /**
   * The CryptoKey for `params` and `usage`, imported once (PKCS#8 for private keys, SPKI for
   * public keys, both from the canonical encodings). A failed import is not cached.
   */
  cryptoKey(
    params: AlgorithmIdentifier | RsaHashedImportParams | EcKeyImportParams,
    usage: KeyUsage,
  ): Promise<CryptoKey> {
    const id = `${JSON.stringify(params)}/${usage}`;
    let pending = this.#cryptoKeys.get(id);
    if (pending === undefined) {
      const s = subtle();
      pending =
        this.#private === undefined
          ? s.importKey('spki', _buffer(encodeSpki(this.#public)), params, false, [usage])
          : s.importKey('pkcs8', _buffer(encodePkcs8(this.#private)), params, false, [usage]);
      this.#cryptoKeys.set(id, pending);
      pending.catch(() => this.#cryptoKeys.delete(id));
    }
    return pending;
  }

  toJSON(): { algorithm: AsymmetricAlgorithm; type: string; modulusBits?: number } {
    return this.modulusBits === undefined
      ? { algorithm: this.algorithm, type: this.type }
      : { algorithm: this.algorithm, type: this.type, modulusBits: this.modulusBits };
  }
}

/** A Uint8Array over exactly its own bytes, as WebCrypto's BufferSource typing wants. */
function _buffer(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return new Uint8Array(bytes);
}

/** What the other web families get from a checked key. */
export interface WebKeyAccess {
  readonly algorithm: AsymmetricAlgorithm;
  readonly modulusBits: number;
  /** Private material (complete) for private keys; throws InvalidKey for public keys. */
  privateMaterial(): PrivateMaterial;
  publicMaterial(): PublicMaterial;
  /** Non-RSA private keys: the raw secret, derived public key and (ML-*) expanded key. */
  rawPrivate(): RawPrivateMaterial;
  /** Non-RSA keys: the raw public key (EC uncompressed). */
  rawPublic(): Uint8Array;
  cryptoKey(
    params: AlgorithmIdentifier | RsaHashedImportParams | EcKeyImportParams,
    usage: KeyUsage,
  ): Promise<CryptoKey>;
}

/**
 * Checks a web key and returns access to its material: TypeError when `key` is not a key of
 * this provider, InvalidKey when it is the wrong kind or its algorithm is not in `algorithms`.
 */
export function webKeyAccess(
  key: unknown,
  type: 'private' | 'public',
  label: string,
  algorithms?: readonly AsymmetricAlgorithm[],
): WebKeyAccess {
  const k = WebKey.unwrap(key);
  if (k === undefined) throw new TypeError(`${label} must be a key created by the web provider`);
  if (k.type !== type) throw new InvalidKey(`${label} must be a ${type} key`);
  if (algorithms !== undefined && !algorithms.includes(k.algorithm)) {
    throw new InvalidKey(`${label} is an ${k.algorithm} key, expected ${algorithms.join(' or ')}`);
  }
  return {
    algorithm: k.algorithm,
    modulusBits: k.modulusBits ?? 0,
    privateMaterial: () => k.privateMaterial(),
    publicMaterial: () => k.publicMaterial(),
    rawPrivate: () => {
      const m = k.privateMaterial();
      if (m.algorithm === 'rsa') throw new InvalidKey(`${label} is an RSA key`);
      return m;
    },
    rawPublic: () => {
      const m = k.publicMaterial();
      if (m.algorithm === 'rsa') throw new InvalidKey(`${label} is an RSA key`);
      return m.raw;
    },
    cryptoKey: (params, usage) => k.cryptoKey(params, usage),
  };
}

/** Derives the public key (and ML-* expanded key) and checks what the container carried. */
function _complete(m: PrivateMaterial): PrivateState {
  if (m.algorithm === 'rsa') return { material: m, public: { algorithm: 'rsa', n: m.n, e: m.e } };
  const alg: RawAlgorithm = m.algorithm;
  let pub: Uint8Array;
  let expanded: Uint8Array | undefined;
  if (alg === 'ed25519') pub = ed25519.getPublicKey(m.secret);
  else if (alg === 'x25519') pub = x25519.getPublicKey(m.secret);
  else if (isEc(alg)) pub = WEIERSTRASS[alg].getPublicKey(m.secret, false);
  else {
    const keys = LATTICE[alg].keygen(m.secret);
    pub = keys.publicKey;
    expanded = keys.secretKey;
    checkCarriedExpanded(m, expanded);
  }
  checkCarriedPublic(m, pub);
  return {
    material: { algorithm: alg, secret: m.secret, publicKey: pub, expanded },
    public: { algorithm: alg, raw: pub },
  };
}

/** Validates curve points (on the curve, not infinity) and normalises them to uncompressed. */
function _normalisePublic(m: PublicMaterial): PublicMaterial {
  if (m.algorithm === 'rsa' || !isEc(m.algorithm)) return m;
  try {
    return {
      algorithm: m.algorithm,
      raw: WEIERSTRASS[m.algorithm].Point.fromBytes(m.raw).toBytes(false),
    };
  } catch {
    throw new InvalidKey(`${m.algorithm} public key is not a valid curve point`);
  }
}

function _own(key: unknown, type: 'private' | 'public', label: string): WebKey {
  const k = WebKey.unwrap(key);
  if (k === undefined) throw new TypeError(`${label} must be a key created by the web provider`);
  if (k.type !== type) throw new InvalidKey(`${label} must be a ${type} key`);
  return k;
}

function _newPrivate(m: PrivateMaterial): WebKey {
  const state = _complete(m);
  return new WebKey(state.public, state.material);
}

async function _generateRsa(modulusBits: number): Promise<PrivateMaterial> {
  const s = subtle();
  const pair = await s.generateKey(
    {
      name: 'RSA-PSS',
      modulusLength: modulusBits,
      publicExponent: new Uint8Array([1, 0, 1]),
      hash: 'SHA-256',
    },
    true,
    ['sign', 'verify'],
  );
  const der = new Uint8Array(await s.exportKey('pkcs8', pair.privateKey));
  return decodePkcs8('rsa', der);
}

function _randomSecret(algorithm: RawAlgorithm): Uint8Array {
  if (isEc(algorithm)) return WEIERSTRASS[algorithm].utils.randomSecretKey();
  return globalThis.crypto.getRandomValues(new Uint8Array(secretLength(algorithm)));
}

export const webKeys: KeysFamily = Object.freeze({
  async generate(algorithm: AsymmetricAlgorithm, options?: GenerateKeyOptions): Promise<KeyPair> {
    const { algorithm: alg, modulusBits } = checkGenerateArguments(algorithm, options);
    const material: PrivateMaterial =
      alg === 'rsa'
        ? await _generateRsa(modulusBits)
        : { algorithm: alg, secret: _randomSecret(alg), publicKey: undefined, expanded: undefined };
    const privateKey = _newPrivate(material);
    return { privateKey, publicKey: privateKey.publicKey() } as KeyPair;
  },

  importPrivate<F extends PrivateKeyFormat>(
    algorithm: AsymmetricAlgorithm,
    format: F,
    data: KeyEncodings[F],
  ): Promise<PrivateKey> {
    return promised(() => {
      return _newPrivate(decodePrivateKey(algorithm, format, data)) as PrivateKey;
    });
  },

  importPublic<F extends PublicKeyFormat>(
    algorithm: AsymmetricAlgorithm,
    format: F,
    data: KeyEncodings[F],
  ): Promise<PublicKey> {
    return promised(() => {
      return new WebKey(_normalisePublic(decodePublicKey(algorithm, format, data))) as PublicKey;
    });
  },

  exportPrivate<F extends PrivateKeyFormat>(key: PrivateKey, format: F): Promise<KeyEncodings[F]> {
    return promised(() => {
      const k = _own(key, 'private', 'key');
      const fmt = aoneOf(format, 'format', PRIVATE_KEY_FORMATS);
      return encodePrivateKey(k.privateMaterial(), k.publicMaterial(), fmt) as KeyEncodings[F];
    });
  },

  exportPublic<F extends PublicKeyFormat>(key: PublicKey, format: F): Promise<KeyEncodings[F]> {
    return promised(() => {
      const k = _own(key, 'public', 'key');
      const fmt = aoneOf(format, 'format', PUBLIC_KEY_FORMATS);
      return encodePublicKey(k.publicMaterial(), fmt) as KeyEncodings[F];
    });
  },

  publicKeyOf(privateKey: PrivateKey): Promise<PublicKey> {
    return promised(() => {
      return _own(privateKey, 'private', 'privateKey').publicKey() as PublicKey;
    });
  },
});
