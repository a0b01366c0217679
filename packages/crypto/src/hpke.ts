/**
 * Hybrid Public Key Encryption (RFC 9180): the family interface and the suite logic both
 * providers share. A provider injects its HMAC, its AEAD ciphers and its KEMs; everything else
 * (labelled HKDF, key schedule, nonces, sequence numbers, exports, argument checks) is here.
 *
 * Supported: modes base, psk, auth, auth_psk; KEMs DHKEM(P-256, HKDF-SHA256) 0x0010,
 * DHKEM(X25519, HKDF-SHA256) 0x0020, X-Wing 0x647A (draft-ietf-hpke-pq, base and psk modes
 * only); KDFs HKDF-SHA256 0x0001, HKDF-SHA512 0x0003; AEADs AES-128-GCM 0x0001, AES-256-GCM
 * 0x0002, ChaCha20-Poly1305 0x0003, export-only 0xFFFF. Everything is synchronous.
 *
 * Errors: wrong argument types → TypeError; keys of the wrong length, a PSK under 32 bytes,
 * an empty PSK id, an export length over 255·Nh → RangeError; an invalid recipient or sender
 * key (P-256 point not on the curve, X25519 low-order point, ML-KEM modulus) → InvalidKey;
 * an `enc` of the wrong length, an `enc` that does not decapsulate, any AEAD failure →
 * DecryptionFailed; auth modes with X-Wing, seal/open on an export-only suite → Unsupported.
 */
import { abytes, aoneOf, aoptbytes, isBytes } from './_assert.ts';
import {
  HpkeRecipientContext,
  HpkeSenderContext,
  keySchedule,
  MODE,
  type KeyScheduleSuite,
  type KeyScheduleValues,
  type _HpkeAeadFactory,
} from './_hpke-context.ts';
import { ascii, concat, i2osp, type HmacFn, type HpkeHash } from './_hpke-kdf.ts';
import type { _HpkeKem } from './_hpke-kems.ts';
import { DecryptionFailed, InvalidKey, Unsupported } from './errors.ts';

export { HpkeRecipientContext, HpkeSenderContext } from './_hpke-context.ts';

export type HpkeKemName = 'dhkem-p256-hkdf-sha256' | 'dhkem-x25519-hkdf-sha256' | 'x-wing';
export type HpkeKdfName = 'hkdf-sha256' | 'hkdf-sha512';
export type HpkeAeadName = 'aes-128-gcm' | 'aes-256-gcm' | 'chacha20-poly1305' | 'export-only';

/** IANA HPKE registry identifiers of the supported algorithms. */
export const HPKE_KEM_IDS: Readonly<Record<HpkeKemName, number>> = Object.freeze({
  'dhkem-p256-hkdf-sha256': 0x0010,
  'dhkem-x25519-hkdf-sha256': 0x0020,
  'x-wing': 0x647a,
});
export const HPKE_KDF_IDS: Readonly<Record<HpkeKdfName, number>> = Object.freeze({
  'hkdf-sha256': 0x0001,
  'hkdf-sha512': 0x0003,
});
export const HPKE_AEAD_IDS: Readonly<Record<HpkeAeadName, number>> = Object.freeze({
  'aes-128-gcm': 0x0001,
  'aes-256-gcm': 0x0002,
  'chacha20-poly1305': 0x0003,
  'export-only': 0xffff,
});

const KEM_NAMES = Object.keys(HPKE_KEM_IDS) as HpkeKemName[];
const KDF_NAMES = Object.keys(HPKE_KDF_IDS) as HpkeKdfName[];
const AEAD_NAMES = Object.keys(HPKE_AEAD_IDS) as HpkeAeadName[];
const AEAD_KEY_LENGTHS = { 'aes-128-gcm': 16, 'aes-256-gcm': 32, 'chacha20-poly1305': 32 };
const KDF_HASH: Readonly<Record<HpkeKdfName, HpkeHash>> = {
  'hkdf-sha256': 'sha256',
  'hkdf-sha512': 'sha512',
};

export interface HpkeSuiteParams {
  kem: HpkeKemName;
  kdf: HpkeKdfName;
  aead: HpkeAeadName;
}

export interface HpkeKeyPair {
  publicKey: Uint8Array;
  secretKey: Uint8Array;
}

/** A parsed, validated public key; caches the provider's native handle. */
export interface HpkePublicKey {
  readonly kem: HpkeKemName;
  toBytes(): Uint8Array;
}

/** A parsed secret key; caches the provider's native handle. */
export interface HpkeSecretKey {
  readonly kem: HpkeKemName;
  readonly publicKey: HpkePublicKey;
  toBytes(): Uint8Array;
}

export interface HpkeSealOptions {
  info?: Uint8Array;
  aad?: Uint8Array;
  /** Pre-shared key (≥ 32 bytes) and its id: psk mode (auth_psk with `senderSecretKey`). */
  psk?: Uint8Array;
  pskId?: Uint8Array;
  /** The sender's static secret key: auth mode (auth_psk with `psk`). */
  senderSecretKey?: Uint8Array | HpkeSecretKey;
}

export interface HpkeOpenOptions {
  info?: Uint8Array;
  aad?: Uint8Array;
  psk?: Uint8Array;
  pskId?: Uint8Array;
  /** The sender's static public key: auth mode (auth_psk with `psk`). */
  senderPublicKey?: Uint8Array | HpkePublicKey;
}

export interface HpkeSuite {
  readonly kem: HpkeKemName;
  readonly kdf: HpkeKdfName;
  readonly aead: HpkeAeadName;
  /** Nenc, Npk, Nsk of the KEM; Nk, Nn, Nt of the AEAD (0 for export-only); Nh of the KDF. */
  readonly lengths: {
    readonly enc: number;
    readonly publicKey: number;
    readonly secretKey: number;
    readonly key: number;
    readonly nonce: number;
    readonly tag: number;
    readonly hash: number;
  };
  generateKeyPair(): HpkeKeyPair;
  /** DeriveKeyPair(ikm). RangeError when `ikm` is shorter than Nsk. */
  deriveKeyPair(ikm: Uint8Array): HpkeKeyPair;
  publicKey(bytes: Uint8Array): HpkePublicKey;
  secretKey(bytes: Uint8Array): HpkeSecretKey;

  setupBaseS(pkR: Uint8Array | HpkePublicKey, info?: Uint8Array): HpkeSenderSetup;
  setupBaseR(
    enc: Uint8Array,
    skR: Uint8Array | HpkeSecretKey,
    info?: Uint8Array,
  ): HpkeRecipientContext;
  setupPskS(
    pkR: Uint8Array | HpkePublicKey,
    info: Uint8Array | undefined,
    psk: Uint8Array,
    pskId: Uint8Array,
  ): HpkeSenderSetup;
  setupPskR(
    enc: Uint8Array,
    skR: Uint8Array | HpkeSecretKey,
    info: Uint8Array | undefined,
    psk: Uint8Array,
    pskId: Uint8Array,
  ): HpkeRecipientContext;
  setupAuthS(
    pkR: Uint8Array | HpkePublicKey,
    info: Uint8Array | undefined,
    skS: Uint8Array | HpkeSecretKey,
  ): HpkeSenderSetup;
  setupAuthR(
    enc: Uint8Array,
    skR: Uint8Array | HpkeSecretKey,
    info: Uint8Array | undefined,
    pkS: Uint8Array | HpkePublicKey,
  ): HpkeRecipientContext;
  setupAuthPskS(
    pkR: Uint8Array | HpkePublicKey,
    info: Uint8Array | undefined,
    psk: Uint8Array,
    pskId: Uint8Array,
    skS: Uint8Array | HpkeSecretKey,
  ): HpkeSenderSetup;
  setupAuthPskR(
    enc: Uint8Array,
    skR: Uint8Array | HpkeSecretKey,
    info: Uint8Array | undefined,
    psk: Uint8Array,
    pskId: Uint8Array,
    pkS: Uint8Array | HpkePublicKey,
  ): HpkeRecipientContext;

  /** Single-shot encryption (RFC 9180 §6.1); the mode follows from the options. */
  seal(
    pkR: Uint8Array | HpkePublicKey,
    plaintext: Uint8Array,
    options?: HpkeSealOptions,
  ): { enc: Uint8Array; ciphertext: Uint8Array };
  /** Single-shot decryption. DecryptionFailed for any bad `enc` or ciphertext. */
  open(
    enc: Uint8Array,
    skR: Uint8Array | HpkeSecretKey,
    ciphertext: Uint8Array,
    options?: HpkeOpenOptions,
  ): Uint8Array;
  /** Single-shot secret export, sender side (RFC 9180 §6.2). */
  sendExport(
    pkR: Uint8Array | HpkePublicKey,
    exporterContext: Uint8Array,
    length: number,
    options?: Omit<HpkeSealOptions, 'aad'>,
  ): { enc: Uint8Array; exported: Uint8Array };
  /** Single-shot secret export, recipient side. */
  receiveExport(
    enc: Uint8Array,
    skR: Uint8Array | HpkeSecretKey,
    exporterContext: Uint8Array,
    length: number,
    options?: Omit<HpkeOpenOptions, 'aad'>,
  ): Uint8Array;
}

export interface HpkeSenderSetup {
  enc: Uint8Array;
  context: HpkeSenderContext;
}

export interface HpkeFamily {
  readonly kems: readonly HpkeKemName[];
  readonly kdfs: readonly HpkeKdfName[];
  readonly aeads: readonly HpkeAeadName[];
  /** A cipher suite. RangeError/TypeError for unknown names. */
  suite(params: HpkeSuiteParams): HpkeSuite;
}

/** What a provider injects. */
export interface _HpkePrimitives {
  readonly hmac: HmacFn;
  readonly aead: _HpkeAeadFactory;
  readonly kems: { readonly [K in HpkeKemName]: () => _HpkeKem<unknown, unknown> };
}

/** Sender-side setup inputs, internal form. */
export interface _SenderInputs {
  mode: number;
  pkR: Uint8Array | HpkePublicKey;
  info?: Uint8Array | undefined;
  psk?: Uint8Array | undefined;
  pskId?: Uint8Array | undefined;
  skS?: Uint8Array | HpkeSecretKey | undefined;
  /** Vectors only: fixes the ephemeral randomness. */
  ikmE?: Uint8Array;
}

/** Recipient-side setup inputs, internal form. */
export interface _RecipientInputs {
  mode: number;
  enc: Uint8Array;
  skR: Uint8Array | HpkeSecretKey;
  info?: Uint8Array | undefined;
  psk?: Uint8Array | undefined;
  pskId?: Uint8Array | undefined;
  pkS?: Uint8Array | HpkePublicKey | undefined;
}

export interface _SuiteInternals {
  setupSender(inputs: _SenderInputs): {
    enc: Uint8Array;
    context: HpkeSenderContext;
    values: KeyScheduleValues;
    sharedSecret: Uint8Array;
  };
  setupRecipient(inputs: _RecipientInputs): {
    context: HpkeRecipientContext;
    values: KeyScheduleValues;
    sharedSecret: Uint8Array;
  };
}

const internals = new WeakMap<HpkeSuite, _SuiteInternals>();

/** Internal (vectors only): the derandomizable setup that also returns key-schedule values. */
export function _hpkeInternals(suite: HpkeSuite): _SuiteInternals {
  const found = internals.get(suite);
  if (found === undefined) throw new TypeError('not an HPKE suite');
  return found;
}

interface KeyRecord {
  readonly kem: HpkeKemName;
  readonly owner: object;
  readonly handle: unknown;
  readonly bytes: Uint8Array;
}
const publicKeys = new WeakMap<object, KeyRecord>();
const secretKeys = new WeakMap<object, KeyRecord>();

// One parsed-key domain per KEM per family: keys parsed by any suite on that KEM serve all of
// them; parsed keys of the other provider are re-imported from their bytes.
class KemKeys {
  readonly name: HpkeKemName;
  readonly kem: _HpkeKem<unknown, unknown>;

  constructor(name: HpkeKemName, kem: _HpkeKem<unknown, unknown>) {
    this.name = name;
    this.kem = kem;
  }

  newPublic(bytes: Uint8Array, handle: unknown): HpkePublicKey {
    const key: HpkePublicKey = Object.freeze({ kem: this.name, toBytes: () => bytes.slice() });
    publicKeys.set(key, { kem: this.name, owner: this, handle, bytes });
    return key;
  }

  parsePublic = (bytes: Uint8Array, label = 'publicKey'): HpkePublicKey => {
    const copy = abytes(bytes, label, this.kem.publicKeyLength).slice();
    return this.newPublic(copy, this.kem.importPublic(copy));
  };

  parseSecret = (bytes: Uint8Array, label = 'secretKey'): HpkeSecretKey => {
    const copy = abytes(bytes, label, this.kem.secretKeyLength).slice();
    const { handle, publicKey } = this.kem.importSecret(copy);
    let cached: HpkePublicKey | undefined;
    const publicKeyObject = (): HpkePublicKey =>
      (cached ??= this.newPublic(publicKey, this.kem.publicHandle(handle, publicKey)));
    const key: HpkeSecretKey = Object.freeze({
      kem: this.name,
      get publicKey(): HpkePublicKey {
        return publicKeyObject();
      },
      toBytes: () => copy.slice(),
    });
    secretKeys.set(key, {
      kem: this.name,
      owner: this,
      handle: { handle, publicKey },
      bytes: copy,
    });
    return key;
  };

  /** Handle and encoding of a public key argument. */
  publicOf(key: unknown, label: string): { handle: unknown; publicKey: Uint8Array } {
    if (isBytes(key)) {
      const copy = abytes(key, label, this.kem.publicKeyLength).slice();
      return { handle: this.kem.importPublic(copy), publicKey: copy };
    }
    const record = this.#record(publicKeys, key, label);
    if (record.owner === this) return { handle: record.handle, publicKey: record.bytes };
    return { handle: this.kem.importPublic(record.bytes), publicKey: record.bytes };
  }

  /** Handle and public key of a secret key argument. */
  secretOf(key: unknown, label: string): { handle: unknown; publicKey: Uint8Array } {
    if (isBytes(key)) {
      return this.kem.importSecret(abytes(key, label, this.kem.secretKeyLength).slice());
    }
    const record = this.#record(secretKeys, key, label);
    if (record.owner === this) return record.handle as { handle: unknown; publicKey: Uint8Array };
    return this.kem.importSecret(record.bytes);
  }

  #record(registry: WeakMap<object, KeyRecord>, key: unknown, label: string): KeyRecord {
    const record = typeof key === 'object' && key !== null ? registry.get(key) : undefined;
    if (record === undefined) throw new TypeError(`${label} must be a Uint8Array or a parsed key`);
    if (record.kem !== this.name) {
      throw new InvalidKey(`${label} is a ${record.kem} key, not ${this.name}`);
    }
    return record;
  }
}

function checkPsk(mode: number, psk: unknown, pskId: unknown): [Uint8Array, Uint8Array] {
  const withPsk = mode === MODE.psk || mode === MODE.authPsk;
  if (!withPsk) {
    if (psk !== undefined || pskId !== undefined) {
      throw new TypeError('psk and pskId are only for the psk and auth_psk modes');
    }
    return [new Uint8Array(0), new Uint8Array(0)];
  }
  const key = abytes(psk, 'psk');
  const id = abytes(pskId, 'pskId');
  // RFC 9180 §9.5: the PSK must carry at least 32 bytes of entropy.
  if (key.length < 32) throw new RangeError('psk must be at least 32 bytes long');
  if (id.length === 0) throw new RangeError('pskId must not be empty');
  return [key, id];
}

function checkOptions(options: unknown): Record<string, unknown> {
  if (options === undefined) return {};
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('options must be an object');
  }
  return options as Record<string, unknown>;
}

function modeOf(options: Record<string, unknown>, senderKey: string): number {
  const psk = options['psk'] !== undefined || options['pskId'] !== undefined;
  const auth = options[senderKey] !== undefined;
  return auth ? (psk ? MODE.authPsk : MODE.auth) : psk ? MODE.psk : MODE.base;
}

function makeSuite(
  params: HpkeSuiteParams,
  keys: KemKeys,
  hmac: HmacFn,
  aeadFactory: _HpkeAeadFactory,
): HpkeSuite {
  const { kem: kemName, kdf, aead } = params;
  const kem = keys.kem;
  const hash = KDF_HASH[kdf];
  const suiteId = concat(
    ascii('HPKE'),
    i2osp(kem.id, 2),
    i2osp(HPKE_KDF_IDS[kdf], 2),
    i2osp(HPKE_AEAD_IDS[aead], 2),
  );
  const scheduleSuite: KeyScheduleSuite = {
    suiteId,
    hash,
    hmac,
    aead:
      aead === 'export-only'
        ? undefined
        : { name: aead, keyLength: AEAD_KEY_LENGTHS[aead], factory: aeadFactory },
  };

  const checkAuth = (mode: number): void => {
    if ((mode === MODE.auth || mode === MODE.authPsk) && !kem.auth) {
      throw new Unsupported(`${kemName} has no authenticated mode`);
    }
  };

  const setupSender = (inputs: _SenderInputs) => {
    const { mode } = inputs;
    checkAuth(mode);
    const recipient = keys.publicOf(inputs.pkR, 'pkR');
    const info = aoptbytes(inputs.info, 'info');
    const [psk, pskId] = checkPsk(mode, inputs.psk, inputs.pskId);
    const sender =
      mode === MODE.auth || mode === MODE.authPsk ? keys.secretOf(inputs.skS, 'skS') : undefined;
    const { sharedSecret, enc } = kem.encap(
      recipient.handle,
      recipient.publicKey,
      sender,
      inputs.ikmE,
    );
    const values = keySchedule(scheduleSuite, mode, sharedSecret, info, psk, pskId);
    return { enc, context: new HpkeSenderContext(scheduleSuite, values), values, sharedSecret };
  };

  const setupRecipient = (inputs: _RecipientInputs) => {
    const { mode } = inputs;
    checkAuth(mode);
    if (!isBytes(inputs.enc)) throw new TypeError('enc must be a Uint8Array');
    const recipient = keys.secretOf(inputs.skR, 'skR');
    const info = aoptbytes(inputs.info, 'info');
    const [psk, pskId] = checkPsk(mode, inputs.psk, inputs.pskId);
    const sender =
      mode === MODE.auth || mode === MODE.authPsk ? keys.publicOf(inputs.pkS, 'pkS') : undefined;
    // `enc` comes off the wire: a wrong length is a failed decryption like any other.
    if (inputs.enc.length !== kem.encLength) throw new DecryptionFailed();
    const sharedSecret = kem.decap(
      inputs.enc.slice(),
      recipient.handle,
      recipient.publicKey,
      sender,
    );
    const values = keySchedule(scheduleSuite, mode, sharedSecret, info, psk, pskId);
    return { context: new HpkeRecipientContext(scheduleSuite, values), values, sharedSecret };
  };

  const sender = (inputs: _SenderInputs): HpkeSenderSetup => {
    const { enc, context } = setupSender(inputs);
    return { enc, context };
  };
  const recipient = (inputs: _RecipientInputs): HpkeRecipientContext =>
    setupRecipient(inputs).context;

  const senderFromOptions = (pkR: unknown, raw: unknown) => {
    const options = checkOptions(raw);
    return setupSender({
      mode: modeOf(options, 'senderSecretKey'),
      pkR: pkR as Uint8Array,
      info: options['info'] as Uint8Array | undefined,
      psk: options['psk'] as Uint8Array | undefined,
      pskId: options['pskId'] as Uint8Array | undefined,
      skS: options['senderSecretKey'] as Uint8Array | undefined,
    });
  };
  const recipientFromOptions = (enc: Uint8Array, skR: unknown, raw: unknown) => {
    const options = checkOptions(raw);
    return setupRecipient({
      mode: modeOf(options, 'senderPublicKey'),
      enc,
      skR: skR as Uint8Array,
      info: options['info'] as Uint8Array | undefined,
      psk: options['psk'] as Uint8Array | undefined,
      pskId: options['pskId'] as Uint8Array | undefined,
      pkS: options['senderPublicKey'] as Uint8Array | undefined,
    });
  };

  const suite: HpkeSuite = {
    kem: kemName,
    kdf,
    aead,
    lengths: Object.freeze({
      enc: kem.encLength,
      publicKey: kem.publicKeyLength,
      secretKey: kem.secretKeyLength,
      key: aead === 'export-only' ? 0 : AEAD_KEY_LENGTHS[aead],
      nonce: aead === 'export-only' ? 0 : 12,
      tag: aead === 'export-only' ? 0 : 16,
      hash: hash === 'sha256' ? 32 : 64,
    }),
    generateKeyPair: () => kem.generateKeyPair(),
    deriveKeyPair(ikm: Uint8Array): HpkeKeyPair {
      abytes(ikm, 'ikm');
      if (ikm.length < kem.secretKeyLength) {
        throw new RangeError(`ikm must be at least ${kem.secretKeyLength} bytes long`);
      }
      return kem.deriveKeyPair(ikm);
    },
    publicKey: (bytes: Uint8Array) => keys.parsePublic(bytes),
    secretKey: (bytes: Uint8Array) => keys.parseSecret(bytes),
    setupBaseS: (pkR, info) => sender({ mode: MODE.base, pkR, info }),
    setupBaseR: (enc, skR, info) => recipient({ mode: MODE.base, enc, skR, info }),
    setupPskS: (pkR, info, psk, pskId) => sender({ mode: MODE.psk, pkR, info, psk, pskId }),
    setupPskR: (enc, skR, info, psk, pskId) =>
      recipient({ mode: MODE.psk, enc, skR, info, psk, pskId }),
    setupAuthS: (pkR, info, skS) => sender({ mode: MODE.auth, pkR, info, skS }),
    setupAuthR: (enc, skR, info, pkS) => recipient({ mode: MODE.auth, enc, skR, info, pkS }),
    setupAuthPskS: (pkR, info, psk, pskId, skS) =>
      sender({ mode: MODE.authPsk, pkR, info, psk, pskId, skS }),
    setupAuthPskR: (enc, skR, info, psk, pskId, pkS) =>
      recipient({ mode: MODE.authPsk, enc, skR, info, psk, pskId, pkS }),
    seal(pkR, plaintext, options) {
      abytes(plaintext, 'plaintext');
      const aad = aoptbytes(checkOptions(options)['aad'], 'aad');
      if (aead === 'export-only') throw new Unsupported('an export-only HPKE suite cannot seal');
      const { enc, context } = senderFromOptions(pkR, options);
      return { enc, ciphertext: context.seal(plaintext, aad) };
    },
    open(enc, skR, ciphertext, options) {
      abytes(ciphertext, 'ciphertext');
      const aad = aoptbytes(checkOptions(options)['aad'], 'aad');
      if (aead === 'export-only') throw new Unsupported('an export-only HPKE suite cannot open');
      return recipientFromOptions(enc, skR, options).context.open(ciphertext, aad);
    },
    sendExport(pkR, exporterContext, length, options) {
      abytes(exporterContext, 'exporterContext');
      const { enc, context } = senderFromOptions(pkR, options);
      return { enc, exported: context.export(exporterContext, length) };
    },
    receiveExport(enc, skR, exporterContext, length, options) {
      abytes(exporterContext, 'exporterContext');
      return recipientFromOptions(enc, skR, options).context.export(exporterContext, length);
    },
  };
  Object.freeze(suite);
  internals.set(suite, { setupSender, setupRecipient });
  return suite;
}

/** Builds an `HpkeFamily` over a provider's primitives. KEMs and suites are built on first use. */
export function _makeHpkeFamily(primitives: _HpkePrimitives): HpkeFamily {
  const kemKeys = new Map<HpkeKemName, KemKeys>();
  const suites = new Map<string, HpkeSuite>();
  return Object.freeze({
    kems: Object.freeze(KEM_NAMES.slice()),
    kdfs: Object.freeze(KDF_NAMES.slice()),
    aeads: Object.freeze(AEAD_NAMES.slice()),
    suite(params: HpkeSuiteParams): HpkeSuite {
      if (typeof params !== 'object' || (params as unknown) === null) {
        throw new TypeError('params must be an object');
      }
      const kem = aoneOf(params.kem, 'kem', KEM_NAMES);
      const kdf = aoneOf(params.kdf, 'kdf', KDF_NAMES);
      const aead = aoneOf(params.aead, 'aead', AEAD_NAMES);
      const name = `${kem}/${kdf}/${aead}`;
      let suite = suites.get(name);
      if (suite === undefined) {
        let keys = kemKeys.get(kem);
        if (keys === undefined) {
          keys = new KemKeys(kem, primitives.kems[kem]());
          kemKeys.set(kem, keys);
        }
        suite = makeSuite({ kem, kdf, aead }, keys, primitives.hmac, primitives.aead);
        suites.set(name, suite);
      }
      return suite;
    },
  });
}
