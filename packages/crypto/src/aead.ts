/**
 * Symmetric AEAD family: AES-GCM, ChaCha20-Poly1305, XChaCha20-Poly1305 (nonce-based) and
 * AES-SIV (RFC 5297, deterministic). This module declares the interface and holds everything
 * both providers share: parameters, argument checks, the random-nonce framing of `encrypt`,
 * and the batched `encryptMany`/`decryptMany`. Each provider supplies only a small "core"
 * (seal into a buffer, open) in `node/aead-*.ts` and `web/aead-*.ts`.
 *
 * Pure JS, no `node:` import: runs in browsers.
 */
import { abytes, aoneOf, aoptbytes, EMPTY, isBytes } from './_assert.ts';
import { DecryptionFailed } from './errors.ts';

/** Nonce-based AEAD algorithms. `aes-128-gcm` exists for HPKE (RFC 9180 AEAD id 0x0001). */
export type AeadAlgorithm =
  'aes-128-gcm' | 'aes-256-gcm' | 'chacha20-poly1305' | 'xchacha20-poly1305';

export const AEAD_ALGORITHMS: readonly AeadAlgorithm[] = Object.freeze([
  'aes-128-gcm',
  'aes-256-gcm',
  'chacha20-poly1305',
  'xchacha20-poly1305',
]);

export interface AeadParameters {
  /** Key length in bytes. */
  readonly keyLength: number;
  /** Nonce length in bytes (the only length accepted). */
  readonly nonceLength: number;
  /** Tag length in bytes (always 16: truncated tags are not offered). */
  readonly tagLength: number;
}

export const AEAD_PARAMETERS: Readonly<Record<AeadAlgorithm, AeadParameters>> = Object.freeze({
  'aes-128-gcm': Object.freeze({ keyLength: 16, nonceLength: 12, tagLength: 16 }),
  'aes-256-gcm': Object.freeze({ keyLength: 32, nonceLength: 12, tagLength: 16 }),
  'chacha20-poly1305': Object.freeze({ keyLength: 32, nonceLength: 12, tagLength: 16 }),
  'xchacha20-poly1305': Object.freeze({ keyLength: 32, nonceLength: 24, tagLength: 16 }),
});

/** A ciphertext split from its tag (`sealDetached`), for framing that writes them apart. */
export interface DetachedCiphertext {
  readonly ciphertext: Uint8Array;
  readonly tag: Uint8Array;
}

/**
 * A nonce-based AEAD bound to one key. The key is parsed once (node: a cached `KeyObject`) when
 * the cipher is created; reuse the cipher for every message under that key.
 *
 * Argument errors (not a Uint8Array, wrong nonce/tag length) throw TypeError/RangeError. Every
 * authentication failure, including a ciphertext too short to hold a tag, throws
 * `DecryptionFailed`; no plaintext is ever returned before its tag is verified.
 */
export interface AeadCipher {
  readonly algorithm: AeadAlgorithm;
  readonly keyLength: number;
  readonly nonceLength: number;
  readonly tagLength: number;
  /**
   * Encrypts with a caller-chosen nonce and returns `ciphertext || tag`. The caller guarantees
   * the nonce is never reused under this key (for GCM, a repeat reveals the XOR of plaintexts
   * and lets an attacker forge tags).
   */
  seal(nonce: Uint8Array, plaintext: Uint8Array, aad?: Uint8Array): Uint8Array;
  /** Verifies and decrypts `ciphertext || tag`. Throws `DecryptionFailed`. */
  open(nonce: Uint8Array, ciphertext: Uint8Array, aad?: Uint8Array): Uint8Array;
  /** Like `seal`, but returns the ciphertext and the tag as two arrays (no copy to join them). */
  sealDetached(nonce: Uint8Array, plaintext: Uint8Array, aad?: Uint8Array): DetachedCiphertext;
  /** Verifies `tag` over `ciphertext` and decrypts. Throws `DecryptionFailed`. */
  openDetached(
    nonce: Uint8Array,
    ciphertext: Uint8Array,
    tag: Uint8Array,
    aad?: Uint8Array,
  ): Uint8Array;
  /**
   * Encrypts with a fresh random nonce and returns `nonce || ciphertext || tag`. With 12-byte
   * nonces keep the number of messages per key well below 2^32 (NIST SP 800-38D §8.3); the
   * 24-byte XChaCha20 nonce has no practical limit.
   */
  encrypt(plaintext: Uint8Array, aad?: Uint8Array): Uint8Array;
  /** Opens `nonce || ciphertext || tag` as produced by `encrypt`. Throws `DecryptionFailed`. */
  decrypt(data: Uint8Array, aad?: Uint8Array): Uint8Array;
  /**
   * Batched `encrypt` for many small messages (encrypted index cells): one call, one random
   * draw for all nonces and one output buffer. Returns one `nonce || ciphertext || tag` view per
   * plaintext, in order, all views of a single ArrayBuffer (keep that in mind before
   * transferring or retaining one of them). `aad` is either one array bound to every message or
   * one array per message.
   */
  encryptMany(
    plaintexts: readonly Uint8Array[],
    aad?: Uint8Array | readonly Uint8Array[],
  ): Uint8Array[];
  /**
   * Batched `decrypt`: all or nothing. Throws `DecryptionFailed` if any message fails; no
   * plaintext is returned in that case.
   */
  decryptMany(items: readonly Uint8Array[], aad?: Uint8Array | readonly Uint8Array[]): Uint8Array[];
}

/** AES-SIV key lengths: two AES keys of 128, 192 or 256 bits (RFC 5297 §2.2, §6). */
export type SivKeyLength = 32 | 48 | 64;
export const SIV_KEY_LENGTHS: readonly SivKeyLength[] = Object.freeze([32, 48, 64]);

/** RFC 5297 allows at most 126 associated-data components besides the plaintext. */
export const SIV_MAX_ASSOCIATED_DATA = 126;

/**
 * Deterministic AEAD: AES-SIV (RFC 5297, S2V over AES-CMAC, then AES-CTR). The same plaintext
 * and associated data always give the same ciphertext, which is what lets equal values be
 * found (and what it leaks). Output is `V || C` (16-byte synthetic IV, then the ciphertext).
 * Each associated-data argument is one S2V component: `seal(p, a, b)` differs from
 * `seal(p, concat(a, b))`, and an empty component differs from no component.
 */
export interface DeterministicAead {
  readonly algorithm: 'aes-siv';
  readonly keyLength: SivKeyLength;
  readonly tagLength: 16;
  /** Encrypts; at most 126 associated-data components (RangeError beyond). */
  seal(plaintext: Uint8Array, ...associatedData: Uint8Array[]): Uint8Array;
  /** Verifies and decrypts `V || C`. Throws `DecryptionFailed`. */
  open(ciphertext: Uint8Array, ...associatedData: Uint8Array[]): Uint8Array;
}

export interface AeadFamily {
  readonly algorithms: readonly AeadAlgorithm[];
  /** Parses `key` (copied) into a reusable cipher. RangeError if the key length is wrong. */
  cipher(algorithm: AeadAlgorithm, key: Uint8Array): AeadCipher;
  /** AES-SIV with a 32-, 48- or 64-byte key (copied). */
  siv(key: Uint8Array): DeterministicAead;
}

// ---------------------------------------------------------------------------------------------
// Shared implementation, used by both providers.

/**
 * What a provider implements per algorithm. Arguments reach the core already validated
 * (lengths checked, `aad` never undefined).
 * @internal
 */
export interface _AeadCore {
  readonly algorithm: AeadAlgorithm;
  /** Writes `ciphertext || tag` into `out` at `offset` (exactly plaintext.length + 16 bytes). */
  sealInto(
    nonce: Uint8Array,
    plaintext: Uint8Array,
    aad: Uint8Array,
    out: Uint8Array,
    offset: number,
  ): void;
  /**
   * Optional fast path for `seal`: a fresh `ciphertext || tag` built without the copy into a
   * separate output that `sealInto` implies (node grows update()'s own output).
   */
  seal?(nonce: Uint8Array, plaintext: Uint8Array, aad: Uint8Array): Uint8Array;
  /** Returns ciphertext and tag separately, copying as little as the runtime allows. */
  sealDetached(nonce: Uint8Array, plaintext: Uint8Array, aad: Uint8Array): DetachedCiphertext;
  /** Returns the plaintext or throws `DecryptionFailed` (tag is exactly 16 bytes). */
  open(nonce: Uint8Array, ciphertext: Uint8Array, tag: Uint8Array, aad: Uint8Array): Uint8Array;
}

/** Runtime services a cipher needs besides the core. @internal */
export interface _AeadRuntime {
  /** A new array of `length` bytes; may be uninitialised (every byte is overwritten). */
  alloc(length: number): Uint8Array;
  /** Fills `bytes` with cryptographically secure random bytes. */
  randomFill(bytes: Uint8Array): void;
}

/** Validates an AEAD algorithm and its key; returns the parameters. @internal */
export function _checkCipherArgs(algorithm: unknown, key: unknown): AeadParameters {
  const name = aoneOf(algorithm, 'algorithm', AEAD_ALGORITHMS);
  const params = AEAD_PARAMETERS[name];
  abytes(key, 'key', params.keyLength);
  return params;
}

/** Validates an AES-SIV key; returns its length. @internal */
export function _checkSivKey(key: unknown): SivKeyLength {
  return abytes(key, 'key', ...SIV_KEY_LENGTHS).length as SivKeyLength;
}

/** Validates the associated-data components of an AES-SIV call. @internal */
export function _checkSivArgs(data: unknown, dataLabel: string, associatedData: unknown[]): void {
  abytes(data, dataLabel);
  if (associatedData.length > SIV_MAX_ASSOCIATED_DATA) {
    throw new RangeError(
      `at most ${SIV_MAX_ASSOCIATED_DATA} associated-data components are allowed`,
    );
  }
  for (const [i, ad] of associatedData.entries()) abytes(ad, `associatedData[${i}]`);
}

/** Per-message AAD of a batch: one array for all, or one per message. */
function _batchAad(aad: unknown, count: number): (i: number) => Uint8Array {
  if (aad === undefined) return () => EMPTY;
  if (isBytes(aad)) return () => aad;
  if (!Array.isArray(aad)) throw new TypeError('aad must be a Uint8Array or an array of them');
  const list = aad as unknown[];
  if (list.length !== count) {
    throw new RangeError(`aad must have one entry per message (${count}), got ${list.length}`);
  }
  // Labels are built only on failure: batches are a hot path and a string per item is garbage.
  list.forEach((a, i) => {
    if (!isBytes(a)) abytes(a, `aad[${i}]`);
  });
  return (i) => list[i] as Uint8Array;
}

function _batchItems(items: unknown, label: string): readonly Uint8Array[] {
  if (!Array.isArray(items)) throw new TypeError(`${label} must be an array of Uint8Array`);
  (items as unknown[]).forEach((item, i) => {
    if (!isBytes(item)) abytes(item, `${label}[${i}]`);
  });
  return items as readonly Uint8Array[];
}

/**
 * The public `AeadCipher`, built from a provider core. Does all argument checking and the
 * framing of `encrypt`/`decrypt`/`encryptMany`, so that providers differ only in the core.
 * @internal
 */
export class _Aead implements AeadCipher {
  readonly algorithm: AeadAlgorithm;
  readonly keyLength: number;
  readonly nonceLength: number;
  readonly tagLength: number;
  readonly #core: _AeadCore;
  readonly #runtime: _AeadRuntime;

  constructor(core: _AeadCore, runtime: _AeadRuntime) {
    const params = AEAD_PARAMETERS[core.algorithm];
    this.algorithm = core.algorithm;
    this.keyLength = params.keyLength;
    this.nonceLength = params.nonceLength;
    this.tagLength = params.tagLength;
    this.#core = core;
    this.#runtime = runtime;
  }

  seal(nonce: Uint8Array, plaintext: Uint8Array, aad?: Uint8Array): Uint8Array {
    abytes(nonce, 'nonce', this.nonceLength);
    abytes(plaintext, 'plaintext');
    const a = aoptbytes(aad, 'aad');
    if (this.#core.seal !== undefined) return this.#core.seal(nonce, plaintext, a);
    const out = this.#runtime.alloc(plaintext.length + this.tagLength);
    this.#core.sealInto(nonce, plaintext, a, out, 0);
    return out;
  }

  open(nonce: Uint8Array, ciphertext: Uint8Array, aad?: Uint8Array): Uint8Array {
    abytes(nonce, 'nonce', this.nonceLength);
    abytes(ciphertext, 'ciphertext');
    const a = aoptbytes(aad, 'aad');
    const split = ciphertext.length - this.tagLength;
    if (split < 0) throw new DecryptionFailed();
    return this.#core.open(nonce, ciphertext.subarray(0, split), ciphertext.subarray(split), a);
  }

  sealDetached(nonce: Uint8Array, plaintext: Uint8Array, aad?: Uint8Array): DetachedCiphertext {
    abytes(nonce, 'nonce', this.nonceLength);
    abytes(plaintext, 'plaintext');
    return this.#core.sealDetached(nonce, plaintext, aoptbytes(aad, 'aad'));
  }

  openDetached(
    nonce: Uint8Array,
    ciphertext: Uint8Array,
    tag: Uint8Array,
    aad?: Uint8Array,
  ): Uint8Array {
    abytes(nonce, 'nonce', this.nonceLength);
    abytes(ciphertext, 'ciphertext');
    abytes(tag, 'tag', this.tagLength);
    return this.#core.open(nonce, ciphertext, tag, aoptbytes(aad, 'aad'));
  }

  encrypt(plaintext: Uint8Array, aad?: Uint8Array): Uint8Array {
    abytes(plaintext, 'plaintext');
    const a = aoptbytes(aad, 'aad');
    const n = this.nonceLength;
    const out = this.#runtime.alloc(n + plaintext.length + this.tagLength);
    const nonce = out.subarray(0, n);
    this.#runtime.randomFill(nonce);
    this.#core.sealInto(nonce, plaintext, a, out, n);
    return out;
  }

  decrypt(data: Uint8Array, aad?: Uint8Array): Uint8Array {
    abytes(data, 'data');
    const a = aoptbytes(aad, 'aad');
    const n = this.nonceLength;
    const split = data.length - this.tagLength;
    if (split < n) throw new DecryptionFailed();
    return this.#core.open(data.subarray(0, n), data.subarray(n, split), data.subarray(split), a);
  }

  encryptMany(
    plaintexts: readonly Uint8Array[],
    aad?: Uint8Array | readonly Uint8Array[],
  ): Uint8Array[] {
    const items = _batchItems(plaintexts, 'plaintexts');
    const aadOf = _batchAad(aad, items.length);
    const n = this.nonceLength;
    const overhead = n + this.tagLength;
    let total = 0;
    for (const p of items) total += p.length + overhead;
    const out = this.#runtime.alloc(total);
    // One random draw for every nonce: on node a randomFillSync call costs about as much as
    // sealing a 64-byte message, so drawing per message would nearly double the batch cost.
    const nonces = this.#runtime.alloc(n * items.length);
    this.#runtime.randomFill(nonces);
    const views: Uint8Array[] = new Array<Uint8Array>(items.length);
    let offset = 0;
    for (let i = 0; i < items.length; i++) {
      const p = items[i] as Uint8Array;
      const nonce = out.subarray(offset, offset + n);
      nonce.set(nonces.subarray(i * n, i * n + n));
      this.#core.sealInto(nonce, p, aadOf(i), out, offset + n);
      views[i] = out.subarray(offset, offset + p.length + overhead);
      offset += p.length + overhead;
    }
    return views;
  }

  decryptMany(
    items: readonly Uint8Array[],
    aad?: Uint8Array | readonly Uint8Array[],
  ): Uint8Array[] {
    const list = _batchItems(items, 'items');
    const aadOf = _batchAad(aad, list.length);
    const n = this.nonceLength;
    const out: Uint8Array[] = [];
    try {
      for (let i = 0; i < list.length; i++) {
        const data = list[i] as Uint8Array;
        const split = data.length - this.tagLength;
        if (split < n) throw new DecryptionFailed();
        out.push(
          this.#core.open(
            data.subarray(0, n),
            data.subarray(n, split),
            data.subarray(split),
            aadOf(i),
          ),
        );
      }
    } catch (error) {
      // All or nothing: wipe what was already decrypted before reporting the failure.
      for (const p of out) p.fill(0);
      throw error;
    }
    return out;
  }
}
