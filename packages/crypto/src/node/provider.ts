/**
 * The node provider: every family of `CryptoProvider` implemented with node:crypto (and libsodium WASM for Ristretto255).
 * `provider` is the name consumers import from `@custos/crypto`, whichever runtime they are in.
 */
import type { CryptoProvider } from '../provider.ts';
import { nodeAead } from './aead.ts';
import { nodeStreamPrimitives } from './aead-stream.ts';
import { nodeBlock } from './block.ts';
import { nodeHash } from './hash.ts';
import { nodeHpke } from './hpke.ts';
import { nodeKdf } from './kdf.ts';
import { nodeKem } from './kem.ts';
import { nodeKeys } from './keys.ts';
import { nodeKeyWrap } from './keywrap.ts';
import { nodeMac } from './mac.ts';
import { nodeModes } from './modes.ts';
import { nodeRandom } from './random.ts';
import { nodeRistretto255 } from './ristretto255.ts';
import { nodeRsaWrap } from './rsa-wrap.ts';
import { nodeSignature } from './signature.ts';

export const nodeProvider: CryptoProvider = Object.freeze({
  name: 'node',
  random: nodeRandom,
  hash: nodeHash,
  mac: nodeMac,
  kdf: nodeKdf,
  aead: nodeAead,
  keyWrap: nodeKeyWrap,
  rsaWrap: nodeRsaWrap,
  kem: nodeKem,
  hpke: nodeHpke,
  signature: nodeSignature,
  keys: nodeKeys,
  ristretto255: nodeRistretto255,
  block: nodeBlock,
  modes: nodeModes,
  stream: nodeStreamPrimitives,
});

/** The provider of this runtime, as consumers import it: `import { provider } from '@custos/crypto'`. */
export const provider: CryptoProvider = nodeProvider;

export type { CryptoProvider } from '../provider.ts';
export type {
  AesCbcCipher,
  AesXtsCipher,
  CbcPadding,
  CipherModesFamily,
  ModeAeadCipher,
} from '../modes.ts';
export * from '../errors.ts';
export { constantTimeEqual, zeroize, concatBytes, toHex, fromHex } from '../bytes.ts';
