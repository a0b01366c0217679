/**
 * The HPKE key schedule and encryption contexts of RFC 9180 §5.1–§5.3, over injected HMAC and
 * AEAD primitives. Pure JS.
 */
import { aint, aoptbytes, abytes } from './_assert.ts';
import {
  ascii,
  HASH_LENGTH,
  labeledExpand,
  labeledExtract,
  type HmacFn,
  type HpkeHash,
  type Mac,
} from './_hpke-kdf.ts';
import { DecryptionFailed, StreamStateError, Unsupported } from './errors.ts';

/** One AEAD key, as a provider builds it (native cipher with a cached key, or noble). */
export interface _HpkeAeadCipher {
  seal(nonce: Uint8Array, plaintext: Uint8Array, aad: Uint8Array): Uint8Array;
  /** Throws (anything) when authentication fails. */
  open(nonce: Uint8Array, ciphertext: Uint8Array, aad: Uint8Array): Uint8Array;
}

export type _HpkeAeadName = 'aes-128-gcm' | 'aes-256-gcm' | 'chacha20-poly1305';
export type _HpkeAeadFactory = (name: _HpkeAeadName, key: Uint8Array) => _HpkeAeadCipher;

export const MODE = { base: 0, psk: 1, auth: 2, authPsk: 3 } as const;

const L_PSK_ID_HASH = ascii('psk_id_hash');
const L_INFO_HASH = ascii('info_hash');
const L_SECRET = ascii('secret');
const L_KEY = ascii('key');
const L_BASE_NONCE = ascii('base_nonce');
const L_EXP = ascii('exp');
const L_SEC = ascii('sec');
const EMPTY = new Uint8Array(0);

/** What the key schedule needs to know about a suite. */
export interface KeyScheduleSuite {
  readonly suiteId: Uint8Array;
  readonly hash: HpkeHash;
  readonly hmac: HmacFn;
  /** undefined for the export-only AEAD. */
  readonly aead: { name: _HpkeAeadName; keyLength: number; factory: _HpkeAeadFactory } | undefined;
}

/** The values the key schedule derives, for known-answer tests. */
export interface KeyScheduleValues {
  keyScheduleContext: Uint8Array;
  secret: Uint8Array;
  key: Uint8Array;
  baseNonce: Uint8Array;
  exporterSecret: Uint8Array;
}

// psk_id_hash and info_hash of empty inputs (base and auth modes, no info) are public
// constants of the suite: computed once.
const emptyHashes = new WeakMap<KeyScheduleSuite, { pskId?: Uint8Array; info?: Uint8Array }>();
function emptyHash(
  suite: KeyScheduleSuite,
  which: 'pskId' | 'info',
  label: Uint8Array,
): Uint8Array {
  let cache = emptyHashes.get(suite);
  if (cache === undefined) emptyHashes.set(suite, (cache = {}));
  return (cache[which] ??= labeledExtract(
    suite.hmac,
    suite.hash,
    suite.suiteId,
    EMPTY,
    label,
    EMPTY,
  ));
}

/** KeySchedule<ROLE>() of RFC 9180 §5.1, minus the context object. */
export function keySchedule(
  suite: KeyScheduleSuite,
  mode: number,
  sharedSecret: Uint8Array,
  info: Uint8Array,
  psk: Uint8Array,
  pskId: Uint8Array,
): KeyScheduleValues {
  const { hmac, hash, suiteId } = suite;
  const pskIdHash =
    pskId.length === 0
      ? emptyHash(suite, 'pskId', L_PSK_ID_HASH)
      : labeledExtract(hmac, hash, suiteId, EMPTY, L_PSK_ID_HASH, pskId);
  const infoHash =
    info.length === 0
      ? emptyHash(suite, 'info', L_INFO_HASH)
      : labeledExtract(hmac, hash, suiteId, EMPTY, L_INFO_HASH, info);
  const keyScheduleContext = new Uint8Array(1 + pskIdHash.length + infoHash.length);
  keyScheduleContext[0] = mode;
  keyScheduleContext.set(pskIdHash, 1);
  keyScheduleContext.set(infoHash, 1 + pskIdHash.length);
  const secret = labeledExtract(hmac, hash, suiteId, sharedSecret, L_SECRET, psk);
  const prk = hmac(hash, secret);
  const nk = suite.aead?.keyLength ?? 0;
  const nn = suite.aead === undefined ? 0 : 12;
  return {
    keyScheduleContext,
    secret,
    key: nk === 0 ? EMPTY : labeledExpand(prk, hash, suiteId, L_KEY, keyScheduleContext, nk),
    baseNonce:
      nn === 0 ? EMPTY : labeledExpand(prk, hash, suiteId, L_BASE_NONCE, keyScheduleContext, nn),
    exporterSecret: labeledExpand(prk, hash, suiteId, L_EXP, keyScheduleContext, HASH_LENGTH[hash]),
  };
}

// Sequence numbers stop at 2^53 - 1, far below the 2^96 - 1 of RFC 9180 (Nn = 12): a context
// never gets near either.
const MAX_SEQUENCE = Number.MAX_SAFE_INTEGER;

abstract class HpkeContextBase {
  readonly #suite: KeyScheduleSuite;
  readonly #exporter: Mac;
  readonly #cipher: _HpkeAeadCipher | undefined;
  readonly #baseNonce: Uint8Array;
  #sequence = 0;

  constructor(suite: KeyScheduleSuite, values: KeyScheduleValues) {
    this.#suite = suite;
    this.#exporter = suite.hmac(suite.hash, values.exporterSecret);
    this.#cipher = suite.aead?.factory(suite.aead.name, values.key);
    this.#baseNonce = values.baseNonce;
  }

  /** Test hook: moves the sequence number (overflow tests). */
  static _setSequence(context: HpkeContextBase, sequence: number): void {
    context.#sequence = sequence;
  }

  /**
   * Secret export (RFC 9180 §5.3): `length` bytes bound to this context and
   * `exporterContext`. RangeError when `length` exceeds 255·Nh.
   */
  export(exporterContext: Uint8Array, length: number): Uint8Array {
    abytes(exporterContext, 'exporterContext');
    aint(length, 'length', 0, 255 * HASH_LENGTH[this.#suite.hash]);
    return labeledExpand(
      this.#exporter,
      this.#suite.hash,
      this.#suite.suiteId,
      L_SEC,
      exporterContext,
      length,
    );
  }

  // ComputeNonce(seq): base_nonce XOR I2OSP(seq, Nn).
  #nonce(): Uint8Array {
    const nonce = this.#baseNonce.slice();
    let seq = this.#sequence;
    for (let i = nonce.length - 1; i >= 0 && seq > 0; i--) {
      nonce[i] = (nonce[i] as number) ^ (seq % 256);
      seq = Math.floor(seq / 256);
    }
    return nonce;
  }

  #cipherOrThrow(): _HpkeAeadCipher {
    if (this.#cipher === undefined) {
      throw new Unsupported('an export-only HPKE suite cannot seal or open');
    }
    if (this.#sequence >= MAX_SEQUENCE) {
      throw new StreamStateError('HPKE context message limit reached');
    }
    return this.#cipher;
  }

  protected _seal(plaintext: Uint8Array, aad: Uint8Array | undefined): Uint8Array {
    abytes(plaintext, 'plaintext');
    const associated = aoptbytes(aad, 'aad');
    const cipher = this.#cipherOrThrow();
    const ciphertext = cipher.seal(this.#nonce(), plaintext, associated);
    this.#sequence++;
    return ciphertext;
  }

  protected _open(ciphertext: Uint8Array, aad: Uint8Array | undefined): Uint8Array {
    abytes(ciphertext, 'ciphertext');
    const associated = aoptbytes(aad, 'aad');
    const cipher = this.#cipherOrThrow();
    let plaintext: Uint8Array;
    try {
      plaintext = cipher.open(this.#nonce(), ciphertext, associated);
    } catch {
      // The sequence number does not advance on failure (RFC 9180 §5.2).
      throw new DecryptionFailed();
    }
    this.#sequence++;
    return plaintext;
  }
}

/** The sender's context: `seal` in order, `export` at will. */
export class HpkeSenderContext extends HpkeContextBase {
  /**
   * Encrypts the next message. Throws Unsupported for an export-only suite, StreamStateError
   * once the sequence number is exhausted.
   */
  seal(plaintext: Uint8Array, aad?: Uint8Array): Uint8Array {
    return this._seal(plaintext, aad);
  }
}

/** The recipient's context: `open` in the sender's order, `export` at will. */
export class HpkeRecipientContext extends HpkeContextBase {
  /**
   * Decrypts the next message. Throws DecryptionFailed (the sequence number then does not
   * advance), Unsupported for an export-only suite.
   */
  open(ciphertext: Uint8Array, aad?: Uint8Array): Uint8Array {
    return this._open(ciphertext, aad);
  }
}

/** Internal test hook: sets a context's sequence number. */
export function _setHpkeSequence(
  context: HpkeSenderContext | HpkeRecipientContext,
  sequence: number,
): void {
  HpkeContextBase._setSequence(context, sequence);
}
