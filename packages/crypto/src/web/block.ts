/**
 * The web provider's raw AES: the pure-JS @noble/ciphers core for everything. WebCrypto has no
 * raw block or ECB operation (and is asynchronous), so it cannot serve a synchronous FF1.
 */
import { _NobleAes, type AesBlockCipher, type BlockCipherFamily } from '../block.ts';

export const webBlock: BlockCipherFamily = Object.freeze({
  aes(key: Uint8Array): AesBlockCipher {
    return new _NobleAes(key);
  },
});

/** This runtime's block family under one name, as `@custos/crypto/block` exports it. */
export const block: BlockCipherFamily = webBlock;

export type { AesBlockCipher, BlockCipherFamily } from '../block.ts';
