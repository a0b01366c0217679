/**
 * Pure-JS cores of the `modes` family on @noble/ciphers (audited, synchronous): AES-CBC, AES-GCM
 * and AES-GCM-SIV are noble's own modes; AES-XTS, which noble does not offer, is composed here
 * from noble's AES round functions (`unsafe.encrypt`/`unsafe.decrypt` on cached key schedules)
 * exactly as IEEE 1619-2007 §5.3 describes it. XTS is a mode on top of AES, like FF1: composing
 * it is ours to do; the block cipher is not.
 *
 * The web provider uses all of them; the node provider only GCM-SIV (node:crypto does not
 * expose OpenSSL's AES-GCM-SIV). Arguments arrive validated by `modes.ts`.
 */
import { cbc, gcm, gcmsiv, unsafe } from '@noble/ciphers/aes.js';
import type { DetachedCiphertext } from './aead.ts';
import { DecryptionFailed } from './errors.ts';
import {
  _checkAesKey,
  _checkCbcDecrypt,
  _checkCbcEncrypt,
  _checkXtsArgs,
  _checkXtsKey,
  type _ModeAeadCore,
  type AesCbcCipher,
  type AesKeyLength,
  type AesXtsCipher,
  type CbcPadding,
  type XtsKeyLength,
} from './modes.ts';

interface _NobleCipher {
  encrypt(plaintext: Uint8Array): Uint8Array;
  decrypt(ciphertext: Uint8Array): Uint8Array;
}

/** AES-GCM or AES-GCM-SIV on noble. noble builds its per-nonce state on each call anyway. */
export class NobleModeAeadCore implements _ModeAeadCore {
  readonly #make: (key: Uint8Array, nonce: Uint8Array, aad?: Uint8Array) => _NobleCipher;
  readonly #key: Uint8Array;

  constructor(algorithm: 'aes-gcm' | 'aes-gcm-siv', key: Uint8Array) {
    this.#make = algorithm === 'aes-gcm' ? gcm : gcmsiv;
    // noble keeps references to its arguments: a private copy keeps the caller from changing
    // the key under us.
    this.#key = Uint8Array.from(key);
  }

  seal(nonce: Uint8Array, plaintext: Uint8Array, aad: Uint8Array): Uint8Array {
    return this.#make(this.#key, nonce, aad).encrypt(plaintext);
  }

  sealDetached(nonce: Uint8Array, plaintext: Uint8Array, aad: Uint8Array): DetachedCiphertext {
    const sealed = this.seal(nonce, plaintext, aad);
    const split = plaintext.length;
    return { ciphertext: sealed.subarray(0, split), tag: sealed.subarray(split) };
  }

  open(nonce: Uint8Array, ciphertext: Uint8Array, tag: Uint8Array, aad: Uint8Array): Uint8Array {
    const sealed = new Uint8Array(ciphertext.length + 16);
    sealed.set(ciphertext);
    sealed.set(tag, ciphertext.length);
    try {
      return this.#make(this.#key, nonce, aad).decrypt(sealed);
    } catch {
      // noble throws a plain Error on a bad tag; every failure looks the same from here.
      throw new DecryptionFailed();
    }
  }
}

/** AES-CBC on noble's `cbc` (PKCS#7 padding checked without data-dependent branches). */
export class NobleCbc implements AesCbcCipher {
  readonly keyLength: AesKeyLength;
  readonly #key: Uint8Array;

  constructor(key: Uint8Array) {
    this.keyLength = _checkAesKey(key);
    this.#key = Uint8Array.from(key);
  }

  encrypt(iv: Uint8Array, plaintext: Uint8Array, padding?: CbcPadding): Uint8Array {
    const pad = _checkCbcEncrypt(iv, plaintext, padding);
    return cbc(this.#key, iv, { disablePadding: pad === 'none' }).encrypt(plaintext);
  }

  decrypt(iv: Uint8Array, ciphertext: Uint8Array, padding?: CbcPadding): Uint8Array {
    const pad = _checkCbcDecrypt(iv, ciphertext, padding);
    try {
      return cbc(this.#key, iv, { disablePadding: pad === 'none' }).decrypt(ciphertext);
    } catch {
      throw new DecryptionFailed();
    }
  }
}

/**
 * AES-XTS composed from noble's AES (IEEE 1619-2007 §5.3.1, §5.4.1 with ciphertext stealing).
 * The tweak state T is held as four little-endian 32-bit words, the layout noble's round
 * functions take, so that multiplying by α in GF(2^128) is a 128-bit left shift with the
 * reduction 0x87 folded into the lowest byte, without a secret-dependent branch.
 */
export class NobleXts implements AesXtsCipher {
  readonly keyLength: XtsKeyLength;
  readonly #enc1: Uint32Array;
  readonly #dec1: Uint32Array;
  readonly #enc2: Uint32Array;

  constructor(key: Uint8Array) {
    this.keyLength = _checkXtsKey(key);
    const half = key.length / 2;
    // slice() copies: the schedules never alias the caller's array.
    const k1 = key.slice(0, half);
    const k2 = key.slice(half);
    this.#enc1 = unsafe.expandKeyLE(k1);
    this.#dec1 = unsafe.expandKeyDecLE(k1);
    this.#enc2 = unsafe.expandKeyLE(k2);
    k1.fill(0);
    k2.fill(0);
  }

  encrypt(tweak: Uint8Array, data: Uint8Array): Uint8Array {
    _checkXtsArgs(tweak, data);
    return this.#run(tweak, data, false);
  }

  decrypt(tweak: Uint8Array, data: Uint8Array): Uint8Array {
    _checkXtsArgs(tweak, data);
    return this.#run(tweak, data, true);
  }

  #run(tweak: Uint8Array, data: Uint8Array, decrypt: boolean): Uint8Array {
    const n = data.length;
    const out = new Uint8Array(n);
    const full = n >>> 4;
    const tail = n & 15;
    const key = decrypt ? this.#dec1 : this.#enc1;
    const round = decrypt ? unsafe.decrypt : unsafe.encrypt;
    // T_0 = E_K2(tweak)
    const t0 = unsafe.encrypt(
      this.#enc2,
      _word(tweak, 0),
      _word(tweak, 4),
      _word(tweak, 8),
      _word(tweak, 12),
    );
    const t = Uint32Array.of(t0.s0, t0.s1, t0.s2, t0.s3);
    // Whole blocks before the stealing pair (all of them when there is no partial block).
    const plain = tail === 0 ? full : full - 1;
    for (let j = 0; j < plain; j++) {
      _xex(round, key, data, 16 * j, out, 16 * j, t);
      _mulAlpha(t);
    }
    if (tail === 0) return out;
    // Ciphertext stealing on the last whole block m-1 and the partial block m (§5.3.2, §5.4.2).
    const last = 16 * (full - 1);
    const stolen = 16 * full;
    const scratch = new Uint8Array(16);
    if (!decrypt) {
      // CC = XEX(P_{m-1}, T_{m-1}); C_m = CC[..tail]; C_{m-1} = XEX(P_m || CC[tail..], T_m)
      _xex(round, key, data, last, scratch, 0, t);
      out.set(scratch.subarray(0, tail), stolen);
      scratch.set(data.subarray(stolen, stolen + tail));
      _mulAlpha(t);
      _xex(round, key, scratch, 0, out, last, t);
    } else {
      // Decryption takes the tweaks the other way round: T_m first, then T_{m-1}.
      const previous = t.slice();
      _mulAlpha(t);
      _xex(round, key, data, last, scratch, 0, t);
      out.set(scratch.subarray(0, tail), stolen);
      scratch.set(data.subarray(stolen, stolen + tail));
      _xex(round, key, scratch, 0, out, last, previous);
      previous.fill(0);
    }
    scratch.fill(0);
    t.fill(0);
    return out;
  }
}

type _Round = typeof unsafe.encrypt;

/** dst[di..di+16) = AES(src[si..si+16) ⊕ T) ⊕ T; reads the whole block before writing. */
function _xex(
  round: _Round,
  key: Uint32Array,
  src: Uint8Array,
  si: number,
  dst: Uint8Array,
  di: number,
  t: Uint32Array,
): void {
  const a = t[0] as number;
  const b = t[1] as number;
  const c = t[2] as number;
  const d = t[3] as number;
  const r = round(
    key,
    _word(src, si) ^ a,
    _word(src, si + 4) ^ b,
    _word(src, si + 8) ^ c,
    _word(src, si + 12) ^ d,
  );
  _put(dst, di, r.s0 ^ a);
  _put(dst, di + 4, r.s1 ^ b);
  _put(dst, di + 8, r.s2 ^ c);
  _put(dst, di + 12, r.s3 ^ d);
}

/** T ← T·α in GF(2^128), T a little-endian 128-bit integer (IEEE 1619-2007 §5.2). */
function _mulAlpha(t: Uint32Array): void {
  const w0 = t[0] as number;
  const w1 = t[1] as number;
  const w2 = t[2] as number;
  const w3 = t[3] as number;
  const carry = w3 >>> 31;
  t[3] = (w3 << 1) | (w2 >>> 31);
  t[2] = (w2 << 1) | (w1 >>> 31);
  t[1] = (w1 << 1) | (w0 >>> 31);
  // 0x87 when the top bit fell out, 0 otherwise, with no branch on it.
  t[0] = (w0 << 1) ^ (0x87 & -carry);
}

function _word(b: Uint8Array, i: number): number {
  return (
    ((b[i] as number) |
      ((b[i + 1] as number) << 8) |
      ((b[i + 2] as number) << 16) |
      ((b[i + 3] as number) << 24)) >>>
    0
  );
}

function _put(b: Uint8Array, i: number, w: number): void {
  b[i] = w & 0xff;
  b[i + 1] = (w >>> 8) & 0xff;
  b[i + 2] = (w >>> 16) & 0xff;
  b[i + 3] = w >>> 24;
}
