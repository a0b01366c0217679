/**
 * Every primitive this package uses comes from `@custos/crypto`, through this one module.
 *
 * Interim wiring: the assembled provider (`import { provider } from '@custos/crypto'`) does not
 * load yet because some families it imports are still being written, so the five families
 * Findex needs are imported one by one from the node provider. Once the provider loads, this
 * file becomes `export { provider as crypto } from '@custos/crypto';` (which also picks the web
 * provider in browsers).
 */
import type { CryptoProvider } from '@custos/crypto/types';
import { nodeAead } from '../../crypto/src/node/aead.ts';
import { nodeBlock } from '../../crypto/src/node/block.ts';
import { nodeKdf } from '../../crypto/src/node/kdf.ts';
import { nodeMac } from '../../crypto/src/node/mac.ts';
import { nodeRandom } from '../../crypto/src/node/random.ts';

export const crypto: Pick<CryptoProvider, 'aead' | 'block' | 'kdf' | 'mac' | 'random'> = {
  aead: nodeAead,
  block: nodeBlock,
  kdf: nodeKdf,
  mac: nodeMac,
  random: nodeRandom,
};

export type AeadCipher = ReturnType<CryptoProvider['aead']['cipher']>;
export type MacKey = ReturnType<CryptoProvider['mac']['hmacKey']>;
export type AesBlockCipher = ReturnType<CryptoProvider['block']['aes']>;
