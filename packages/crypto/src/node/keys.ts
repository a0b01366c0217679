/**
 * Keys family on node:crypto. A parsed key wraps one `KeyObject`, created once: node:crypto
 * operations given a KeyObject skip the per-call key parsing that raw bytes would cost.
 *
 * Containers are parsed by the shared strict codecs first (OpenSSL alone accepts trailing data
 * after a DER key, for one), then handed to node in the cheapest form it takes.
 */
import {
  createPrivateKey,
  createPublicKey,
  generateKeyPair,
  generateKeyPairSync,
  type KeyObject,
} from 'node:crypto';
import {
  checkCarriedExpanded,
  checkCarriedPublic,
  decodePkcs8,
  decodeRsaPrivateKey,
  encodePkcs8,
  encodeSpki,
  isEc,
  isMlDsa,
  isMlKem,
  rsaModulusBits,
  type PrivateMaterial,
  type PublicMaterial,
  type RawAlgorithm,
  type RawPrivateMaterial,
} from '../_der-keys.ts';
import { InvalidKey } from '../errors.ts';
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
import { aoneOf } from '../_assert.ts';

const CURVE: Readonly<Record<'p256' | 'p384' | 'p521', string>> = {
  p256: 'P-256',
  p384: 'P-384',
  p521: 'P-521',
};

/** The node provider's key object. The KeyObject is private: only this module reaches it. */
class NodeKey {
  readonly algorithm: AsymmetricAlgorithm;
  readonly type: 'private' | 'public';
  readonly modulusBits?: number;
  readonly #handle: KeyObject;
  #publicKey: NodeKey | undefined;

  constructor(
    algorithm: AsymmetricAlgorithm,
    type: 'private' | 'public',
    handle: KeyObject,
    modulusBits?: number,
  ) {
    this.algorithm = algorithm;
    this.type = type;
    if (modulusBits !== undefined) this.modulusBits = modulusBits;
    this.#handle = handle;
    Object.freeze(this);
  }

  static unwrap(key: unknown): NodeKey | undefined {
    return typeof key === 'object' && key !== null && #handle in key ? key : undefined;
  }

  handle(): KeyObject {
    return this.#handle;
  }

  /** The public half, created once. */
  publicKey(): NodeKey {
    if (this.type === 'public') return this;
    this.#publicKey ??= new NodeKey(
      this.algorithm,
      'public',
      createPublicKey(this.#handle),
      this.modulusBits,
    );
    return this.#publicKey;
  }

  toJSON(): { algorithm: AsymmetricAlgorithm; type: string; modulusBits?: number } {
    return this.modulusBits === undefined
      ? { algorithm: this.algorithm, type: this.type }
      : { algorithm: this.algorithm, type: this.type, modulusBits: this.modulusBits };
  }
}

/**
 * Returns the KeyObject behind a node key after checking it: TypeError when `key` is not a key
 * of this provider, InvalidKey when it is the wrong kind or its algorithm is not in
 * `algorithms`. For the other node families (signature, RSA wrap, KEM, HPKE).
 */
export function nodeKeyObject(
  key: unknown,
  type: 'private' | 'public',
  label: string,
  algorithms?: readonly AsymmetricAlgorithm[],
): { keyObject: KeyObject; algorithm: AsymmetricAlgorithm; modulusBits: number } {
  const k = NodeKey.unwrap(key);
  if (k === undefined) throw new TypeError(`${label} must be a key created by the node provider`);
  if (k.type !== type) throw new InvalidKey(`${label} must be a ${type} key`);
  if (algorithms !== undefined && !algorithms.includes(k.algorithm)) {
    throw new InvalidKey(`${label} is an ${k.algorithm} key, expected ${algorithms.join(' or ')}`);
  }
  return { keyObject: k.handle(), algorithm: k.algorithm, modulusBits: k.modulusBits ?? 0 };
}

function _invalid(): never {
  throw new InvalidKey('key rejected by node:crypto');
}

function _rawPrivateFormat(algorithm: RawAlgorithm): 'raw-seed' | 'raw-private' {
  return isMlDsa(algorithm) || isMlKem(algorithm) ? 'raw-seed' : 'raw-private';
}

function _privateFromMaterial(m: PrivateMaterial): NodeKey {
  let handle: KeyObject;
  try {
    if (m.algorithm === 'rsa' || isEc(m.algorithm)) {
      // DER is node's fastest EC path; the carried public key is checked below, not by OpenSSL.
      const der = encodePkcs8(m.algorithm === 'rsa' ? m : { ...m, publicKey: undefined });
      handle = createPrivateKey({
        key: Buffer.from(der.buffer, der.byteOffset, der.length),
        format: 'der',
        type: 'pkcs8',
      });
    } else {
      handle = createPrivateKey({
        key: Buffer.from(m.secret),
        format: _rawPrivateFormat(m.algorithm),
        asymmetricKeyType: m.algorithm,
      });
    }
  } catch {
    _invalid();
  }
  const key = new NodeKey(
    m.algorithm,
    'private',
    handle,
    m.algorithm === 'rsa' ? rsaModulusBits(m.n) : undefined,
  );
  if (m.algorithm !== 'rsa') {
    if (m.publicKey !== undefined) {
      checkCarriedPublic(m, _rawPublic(key.publicKey().handle()));
    }
    if (m.expanded !== undefined) checkCarriedExpanded(m, _expanded(m.algorithm, handle));
  }
  return key;
}

function _publicFromMaterial(m: PublicMaterial): NodeKey {
  let handle: KeyObject;
  try {
    if (m.algorithm === 'rsa' || isEc(m.algorithm)) {
      const der = encodeSpki(m);
      handle = createPublicKey({
        key: Buffer.from(der.buffer, der.byteOffset, der.length),
        format: 'der',
        type: 'spki',
      });
    } else {
      handle = createPublicKey({
        key: Buffer.from(m.raw),
        format: 'raw-public',
        asymmetricKeyType: m.algorithm,
      });
    }
  } catch {
    _invalid();
  }
  return new NodeKey(
    m.algorithm,
    'public',
    handle,
    m.algorithm === 'rsa' ? rsaModulusBits(m.n) : undefined,
  );
}

function _rawPublic(handle: KeyObject): Uint8Array {
  return new Uint8Array(handle.export({ format: 'raw-public' }));
}

/** The FIPS 203/204 expanded private key, from node's PKCS#8 "both" export. */
function _expanded(algorithm: RawAlgorithm, handle: KeyObject): Uint8Array {
  const der = new Uint8Array(handle.export({ format: 'der', type: 'pkcs8' }));
  const m = decodePkcs8(algorithm, der) as RawPrivateMaterial;
  if (m.expanded === undefined) throw new InvalidKey('node did not export the expanded key');
  return m.expanded;
}

function _publicMaterial(key: NodeKey): PublicMaterial {
  const handle = key.publicKey().handle();
  if (key.algorithm === 'rsa') {
    const jwk = handle.export({ format: 'jwk' });
    const m = decodePublicKey('rsa', 'jwk', jwk);
    return m;
  }
  return { algorithm: key.algorithm, raw: _rawPublic(handle) };
}

function _privateMaterial(key: NodeKey, publicKey: PublicMaterial): PrivateMaterial {
  const handle = key.handle();
  if (key.algorithm === 'rsa') {
    return decodeRsaPrivateKey(new Uint8Array(handle.export({ format: 'der', type: 'pkcs1' })));
  }
  const secret = new Uint8Array(handle.export({ format: _rawPrivateFormat(key.algorithm) }));
  const raw = publicKey.algorithm === 'rsa' ? undefined : publicKey.raw;
  return { algorithm: key.algorithm, secret, publicKey: raw, expanded: undefined };
}

function _own(key: unknown, type: 'private' | 'public', label: string): NodeKey {
  const k = NodeKey.unwrap(key);
  if (k === undefined) throw new TypeError(`${label} must be a key created by the node provider`);
  if (k.type !== type) throw new InvalidKey(`${label} must be a ${type} key`);
  return k;
}

function _generateRsa(
  modulusBits: number,
): Promise<{ privateKey: KeyObject; publicKey: KeyObject }> {
  // RSA key generation takes 50 ms to seconds: off the event loop, unlike every other call here.
  return new Promise((resolve, reject) => {
    generateKeyPair(
      'rsa',
      { modulusLength: modulusBits, publicExponent: 65537 },
      (error, publicKey, privateKey) => {
        if (error !== null) reject(error);
        else resolve({ privateKey, publicKey });
      },
    );
  });
}

export const nodeKeys: KeysFamily = Object.freeze({
  async generate(algorithm: AsymmetricAlgorithm, options?: GenerateKeyOptions): Promise<KeyPair> {
    const { algorithm: alg, modulusBits } = checkGenerateArguments(algorithm, options);
    let pair: { privateKey: KeyObject; publicKey: KeyObject };
    if (alg === 'rsa') pair = await _generateRsa(modulusBits);
    else if (isEc(alg)) pair = generateKeyPairSync('ec', { namedCurve: CURVE[alg] });
    else pair = generateKeyPairSync(alg as 'ed25519');
    const bits = alg === 'rsa' ? modulusBits : undefined;
    const privateKey = new NodeKey(alg, 'private', pair.privateKey, bits);
    return { privateKey, publicKey: privateKey.publicKey() } as KeyPair;
  },

  importPrivate<F extends PrivateKeyFormat>(
    algorithm: AsymmetricAlgorithm,
    format: F,
    data: KeyEncodings[F],
  ): Promise<PrivateKey> {
    return promised(() => {
      return _privateFromMaterial(decodePrivateKey(algorithm, format, data)) as PrivateKey;
    });
  },

  importPublic<F extends PublicKeyFormat>(
    algorithm: AsymmetricAlgorithm,
    format: F,
    data: KeyEncodings[F],
  ): Promise<PublicKey> {
    return promised(() => {
      return _publicFromMaterial(decodePublicKey(algorithm, format, data)) as PublicKey;
    });
  },

  exportPrivate<F extends PrivateKeyFormat>(key: PrivateKey, format: F): Promise<KeyEncodings[F]> {
    return promised(() => {
      const k = _own(key, 'private', 'key');
      const fmt = aoneOf(format, 'format', PRIVATE_KEY_FORMATS);
      const publicKey = _publicMaterial(k);
      return encodePrivateKey(_privateMaterial(k, publicKey), publicKey, fmt) as KeyEncodings[F];
    });
  },

  exportPublic<F extends PublicKeyFormat>(key: PublicKey, format: F): Promise<KeyEncodings[F]> {
    return promised(() => {
      const k = _own(key, 'public', 'key');
      const fmt = aoneOf(format, 'format', PUBLIC_KEY_FORMATS);
      return encodePublicKey(_publicMaterial(k), fmt) as KeyEncodings[F];
    });
  },

  publicKeyOf(privateKey: PrivateKey): Promise<PublicKey> {
    return promised(() => {
      return _own(privateKey, 'private', 'privateKey').publicKey() as PublicKey;
    });
  },
});
