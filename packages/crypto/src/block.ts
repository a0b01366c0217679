/**
 * Raw AES block encryption, for modes that other packages build on top of AES (FF1 and FF3-1 in
 * `@custos/fpe`). This is not an encryption scheme: no integrity, no randomization. Do not use it
 * to protect data directly; use the AEAD family.
 *
 * Both providers use the same pure-JS single-block core (below): @noble/ciphers' audited AES round
 * function, called word-wise with a cached key schedule. Measured on Node 24 (see
 * `docs/crypto/block.md`), one native `node:crypto` call costs ~0.8 µs whatever its size, while the
 * pure-JS block costs ~0.2 µs; FF1 needs one block per Feistel round, so single blocks and short
 * runs go to the pure-JS core in both providers. The node provider switches to native AES-ECB for
 * batches of `NODE_BATCH_MIN_BYTES` and more.
 */
import { unsafe } from '@noble/ciphers/aes.js';
import { abytes, isBytes } from './_assert.ts';

/** An AES key schedule, expanded once, that encrypts single blocks and ECB batches. */
export interface AesBlockCipher {
  /** 16, 24 or 32 (AES-128, AES-192, AES-256). */
  readonly keyLength: 16 | 24 | 32;
  /**
   * E_K(block) for one 16-byte block. Writes into `out` when given (it may be `block` itself, for
   * in-place use), else into a new array. Throws TypeError/RangeError on a non-16-byte argument.
   */
  encryptBlock(block: Uint8Array, out?: Uint8Array): Uint8Array;
  /**
   * AES-ECB over `data` (a multiple of 16 bytes, possibly empty): every block encrypted
   * independently. Writes into `out` (same length as `data`, may be `data` itself) or a new array.
   */
  encryptBlocks(data: Uint8Array, out?: Uint8Array): Uint8Array;
  /**
   * Raw CBC-MAC: the last CBC ciphertext block of `data` (a multiple of 16 bytes) starting from
   * chaining value `iv` (16 bytes, zero when omitted); `iv` itself for empty data. This is the
   * PRF of NIST SP 800-38G (FF1): it is only a secure MAC for prefix-free inputs of fixed
   * structure, which FF1 guarantees. Writes into `out` (16 bytes) or a new array.
   */
  cbcMac(data: Uint8Array, iv?: Uint8Array, out?: Uint8Array): Uint8Array;
}

/** Raw AES for the FPE modes. Sync in both providers. */
export interface BlockCipherFamily {
  /**
   * Expands `key` (16, 24 or 32 bytes) once. The caller's key array is neither kept nor modified.
   * Throws TypeError on a non-Uint8Array and RangeError on any other length.
   */
  aes(key: Uint8Array): AesBlockCipher;
}

const ZERO_BLOCK = new Uint8Array(16);

/** Checks an optional output array of `length` bytes, or allocates one. */
export function _outBuffer(out: unknown, length: number, label: string): Uint8Array {
  if (out === undefined) return new Uint8Array(length);
  return abytes(out, label, length);
}

/** Checks ECB input: whole blocks only. */
export function _assertBlocks(data: unknown, label: string): Uint8Array {
  if (!isBytes(data)) throw new TypeError(`${label} must be a Uint8Array`);
  if (data.length % 16 !== 0) {
    throw new RangeError(`${label} must be a multiple of 16 bytes long, got ${data.length}`);
  }
  return data;
}

/**
 * The pure-JS AES core shared by both providers: @noble/ciphers' table-based AES round function on
 * four little-endian 32-bit words (the layout `expandKeyLE` produces, on any platform), with our
 * own byte packing so that input arrays need no alignment and are never modified.
 */
export class _NobleAes implements AesBlockCipher {
  readonly keyLength: 16 | 24 | 32;
  readonly #xk: Uint32Array;

  constructor(key: Uint8Array) {
    abytes(key, 'key', 16, 24, 32);
    this.keyLength = key.length as 16 | 24 | 32;
    // expandKeyLE copies the key when it must re-align or byte-swap it: the caller's array is
    // read only.
    this.#xk = unsafe.expandKeyLE(key);
  }

  encryptBlock(block: Uint8Array, out?: Uint8Array): Uint8Array {
    abytes(block, 'block', 16);
    const dst = _outBuffer(out, 16, 'out');
    this._encryptAt(block, 0, dst, 0);
    return dst;
  }

  encryptBlocks(data: Uint8Array, out?: Uint8Array): Uint8Array {
    _assertBlocks(data, 'data');
    const dst = _outBuffer(out, data.length, 'out');
    for (let i = 0; i < data.length; i += 16) this._encryptAt(data, i, dst, i);
    return dst;
  }

  cbcMac(data: Uint8Array, iv?: Uint8Array, out?: Uint8Array): Uint8Array {
    _assertBlocks(data, 'data');
    const chain = iv === undefined ? ZERO_BLOCK : abytes(iv, 'iv', 16);
    const dst = _outBuffer(out, 16, 'out');
    const xk = this.#xk;
    let s0 = _word(chain, 0);
    let s1 = _word(chain, 4);
    let s2 = _word(chain, 8);
    let s3 = _word(chain, 12);
    for (let i = 0; i < data.length; i += 16) {
      const r = unsafe.encrypt(
        xk,
        s0 ^ _word(data, i),
        s1 ^ _word(data, i + 4),
        s2 ^ _word(data, i + 8),
        s3 ^ _word(data, i + 12),
      );
      s0 = r.s0;
      s1 = r.s1;
      s2 = r.s2;
      s3 = r.s3;
    }
    _put(dst, 0, s0);
    _put(dst, 4, s1);
    _put(dst, 8, s2);
    _put(dst, 12, s3);
    return dst;
  }

  /** One block from `src[si..si+16)` to `dst[di..di+16)`; reads all input before writing. */
  _encryptAt(src: Uint8Array, si: number, dst: Uint8Array, di: number): void {
    const r = unsafe.encrypt(
      this.#xk,
      _word(src, si),
      _word(src, si + 4),
      _word(src, si + 8),
      _word(src, si + 12),
    );
    _put(dst, di, r.s0);
    _put(dst, di + 4, r.s1);
    _put(dst, di + 8, r.s2);
    _put(dst, di + 12, r.s3);
  }
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
