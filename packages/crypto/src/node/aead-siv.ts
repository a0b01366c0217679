/**
 * AES-SIV (RFC 5297) on node:crypto. OpenSSL 3 has SIV, but node exposes no SIV cipher (not in
 * getCiphers(), and createCipheriv('aes-256-siv') is refused), so the mode is composed here from
 * native AES modes, exactly as RFC 5297 defines it:
 *
 * - AES-CMAC (RFC 4493) = CBC-MAC with a zero IV (native `aes-*-cbc`, last output block) over the
 *   message whose final block is XORed with subkey K1 (complete block) or padded with 0x80 0..0
 *   and XORed with K2; K1, K2 come from AES_K(0^128) by doubling (native `aes-*-ecb`).
 * - S2V (§2.4) chains CMACs of the associated-data components and of the plaintext with `dbl`.
 * - Encryption is native `aes-*-ctr` from V with bits 63 and 31 cleared (§2.6).
 *
 * No block cipher is written here: every AES call is node's. The web provider uses @noble's
 * independent `aessiv`; both pass all Wycheproof `aes_siv_cmac_test.json` vectors.
 */
import { createCipheriv, createSecretKey, timingSafeEqual, type KeyObject } from 'node:crypto';
import { _checkSivArgs, type DeterministicAead, type SivKeyLength } from '../aead.ts';
import { EMPTY } from '../_assert.ts';
import { DecryptionFailed } from '../errors.ts';
import { nodeAlloc, plainBytes } from './aead-runtime.ts';

const ZERO_BLOCK = new Uint8Array(16);
const MAX_UPDATE = 2 ** 30;

/** dbl(S) of RFC 5297 §2.3: multiplication by x in GF(2^128). `out` may alias `block`. */
function _dbl(block: Uint8Array, out: Uint8Array = new Uint8Array(16)): Uint8Array {
  const carry = (block[0] as number) >> 7;
  for (let i = 0; i < 15; i++) {
    out[i] = (((block[i] as number) << 1) | ((block[i + 1] as number) >> 7)) & 0xff;
  }
  // Multiply instead of branching on the (secret) top bit.
  out[15] = (((block[15] as number) << 1) & 0xff) ^ (0x87 * carry);
  return out;
}

function _xorInto(a: Uint8Array, b: Uint8Array): void {
  for (let i = 0; i < 16; i++) a[i] = (a[i] as number) ^ (b[i] as number);
}

export class NodeSiv implements DeterministicAead {
  readonly algorithm = 'aes-siv' as const;
  readonly keyLength: SivKeyLength;
  readonly tagLength = 16 as const;
  readonly #cbc: string;
  readonly #ctr: string;
  readonly #macKey: KeyObject;
  readonly #ctrKey: KeyObject;
  readonly #k1: Uint8Array;
  readonly #k2: Uint8Array;
  /** CMAC(K1, 0^128): the first S2V value, the same for every message under this key. */
  readonly #d0: Uint8Array;

  constructor(key: Uint8Array) {
    this.keyLength = key.length as SivKeyLength;
    const half = key.length / 2;
    const bits = half * 8;
    this.#cbc = `aes-${bits}-cbc`;
    this.#ctr = `aes-${bits}-ctr`;
    // K1 (left half) keys S2V, K2 (right half) keys CTR (§2.6). createSecretKey copies.
    this.#macKey = createSecretKey(key.subarray(0, half));
    this.#ctrKey = createSecretKey(key.subarray(half));
    const ecb = createCipheriv(`aes-${bits}-ecb`, this.#macKey, null);
    ecb.setAutoPadding(false);
    const l = ecb.update(ZERO_BLOCK);
    ecb.final();
    this.#k1 = _dbl(l);
    this.#k2 = _dbl(this.#k1);
    l.fill(0);
    this.#d0 = this.#cmac(EMPTY, ZERO_BLOCK);
  }

  seal(plaintext: Uint8Array, ...associatedData: Uint8Array[]): Uint8Array {
    _checkSivArgs(plaintext, 'plaintext', associatedData);
    const v = this.#s2v(associatedData, plaintext);
    const c = this.#ctrCrypt(v, plaintext);
    const out = nodeAlloc(16 + c.length);
    out.set(v);
    out.set(c, 16);
    return out;
  }

  open(ciphertext: Uint8Array, ...associatedData: Uint8Array[]): Uint8Array {
    _checkSivArgs(ciphertext, 'ciphertext', associatedData);
    if (ciphertext.length < 16) throw new DecryptionFailed();
    const v = ciphertext.subarray(0, 16);
    // The plaintext must exist before the check (S2V runs over it) but leaves only if it passes.
    const p = this.#ctrCrypt(v, ciphertext.subarray(16));
    const expected = this.#s2v(associatedData, p);
    if (!timingSafeEqual(expected, v)) {
      p.fill(0);
      throw new DecryptionFailed();
    }
    return p;
  }

  /** AES-CTR keyed by K2 from Q = V with bits 63 and 31 (from the right) cleared. */
  #ctrCrypt(v: Uint8Array, data: Uint8Array): Uint8Array {
    const q = Uint8Array.from(v);
    q[8] = (q[8] as number) & 0x7f;
    q[12] = (q[12] as number) & 0x7f;
    const ctr = createCipheriv(this.#ctr, this.#ctrKey, q);
    if (data.length <= MAX_UPDATE) {
      const out = ctr.update(data);
      ctr.final();
      return plainBytes(out);
    }
    const out = new Uint8Array(data.length);
    for (let i = 0; i < data.length; i += MAX_UPDATE) {
      out.set(ctr.update(data.subarray(i, i + MAX_UPDATE)), i);
    }
    ctr.final();
    return out;
  }

  /** S2V(K1, AD_1, ..., AD_n, P) of §2.4; P is always present, so n + 1 >= 1. */
  #s2v(associatedData: readonly Uint8Array[], plaintext: Uint8Array): Uint8Array {
    const d = this.#d0.slice();
    for (const ad of associatedData) {
      _dbl(d, d);
      const split = ad.length - (ad.length % 16);
      _xorInto(d, this.#cmac(ad.subarray(0, split), ad.subarray(split)));
    }
    const n = plaintext.length;
    if (n >= 16) {
      // T = P xorend D: only the last 16 bytes change, so CMAC reads P in place up to a block
      // boundary and a small copy of the rest.
      const split = n - 16 - ((n - 16) % 16);
      const tail = plaintext.slice(split);
      const at = tail.length - 16;
      for (let i = 0; i < 16; i++) tail[at + i] = (tail[at + i] as number) ^ (d[i] as number);
      return this.#cmac(plaintext.subarray(0, split), tail);
    }
    // T = dbl(D) xor pad(P)
    _dbl(d, d);
    const t = new Uint8Array(16);
    t.set(plaintext);
    t[n] = 0x80;
    _xorInto(t, d);
    return this.#cmac(EMPTY, t);
  }

  /**
   * AES-CMAC(K1, head || tail) (RFC 4493). `head` is a whole number of blocks and is read in
   * place; `tail` is any length.
   */
  #cmac(head: Uint8Array, tail: Uint8Array): Uint8Array {
    const total = head.length + tail.length;
    // Start of the final block: a complete block when the length is a positive multiple of 16.
    const rem = total % 16;
    const lastStart = total === 0 ? 0 : total - (rem === 0 ? 16 : rem);
    let body: Uint8Array;
    let rest: Uint8Array;
    let last: Uint8Array;
    if (lastStart >= head.length) {
      body = head;
      rest = tail.subarray(0, lastStart - head.length);
      last = tail.subarray(lastStart - head.length);
    } else {
      body = head.subarray(0, lastStart);
      rest = EMPTY;
      last = head.subarray(lastStart);
    }
    const block = new Uint8Array(16);
    block.set(last);
    if (last.length === 16) {
      _xorInto(block, this.#k1);
    } else {
      block[last.length] = 0x80;
      _xorInto(block, this.#k2);
    }
    const cbc = createCipheriv(this.#cbc, this.#macKey, ZERO_BLOCK);
    cbc.setAutoPadding(false);
    for (let i = 0; i < body.length; i += MAX_UPDATE) cbc.update(body.subarray(i, i + MAX_UPDATE));
    if (rest.length > 0) cbc.update(rest);
    const out = cbc.update(block);
    cbc.final();
    return new Uint8Array(out.subarray(out.length - 16));
  }
}
