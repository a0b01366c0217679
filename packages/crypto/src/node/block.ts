/**
 * The node provider's raw AES. Single blocks and CBC-MAC run on the shared pure-JS core (a native
 * call costs ~0.8 µs of binding overhead, four times a pure-JS block); ECB batches of
 * `NODE_BATCH_MIN_BYTES` or more run on native AES-ECB, through one cipher object per key created
 * with a cached KeyObject and fed whole blocks with `update()` (ECB carries no state between
 * blocks, and whole blocks leave nothing buffered, so the object is reusable).
 */
import { createCipheriv, createSecretKey, type Cipheriv } from 'node:crypto';
import {
  _assertBlocks,
  _NobleAes,
  _outBuffer,
  type AesBlockCipher,
  type BlockCipherFamily,
} from '../block.ts';

/** Below this many bytes the pure-JS core is faster than one native call (measured: bench/block.bench.ts). */
export const NODE_BATCH_MIN_BYTES = 96;

class _NodeAes extends _NobleAes {
  readonly #ecb: Cipheriv;

  constructor(key: Uint8Array) {
    super(key); // validates the key
    const keyObject = createSecretKey(key);
    this.#ecb = createCipheriv(`aes-${key.length * 8}-ecb`, keyObject, null);
    this.#ecb.setAutoPadding(false);
  }

  override encryptBlocks(data: Uint8Array, out?: Uint8Array): Uint8Array {
    _assertBlocks(data, 'data');
    if (data.length < NODE_BATCH_MIN_BYTES) return super.encryptBlocks(data, out);
    const dst = _outBuffer(out, data.length, 'out');
    const ct = this.#ecb.update(data);
    dst.set(ct);
    return dst;
  }
}

export const nodeBlock: BlockCipherFamily = Object.freeze({
  aes(key: Uint8Array): AesBlockCipher {
    return new _NodeAes(key);
  },
});

/** This runtime's block family under one name, as `@custos/crypto/block` exports it. */
export const block: BlockCipherFamily = nodeBlock;

export type { AesBlockCipher, BlockCipherFamily } from '../block.ts';
