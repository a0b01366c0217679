/**
 * The web provider: every family of `CryptoProvider` implemented with WebCrypto, @noble/* and libsodium WASM (Ristretto255 only).
 * `provider` is the name consumers import from `@custos/crypto`, whichever runtime they are in.
 */
import type { CryptoProvider } from '../provider.ts';
import { webAead } from './aead.ts';
import { webStreamPrimitives } from './aead-stream.ts';
import { webBlock } from './block.ts';
import { webHash } from './hash.ts';
import { webHpke } from './hpke.ts';
import { webKdf } from './kdf.ts';
import { webKem } from './kem.ts';
import { webKeys } from './keys.ts';
import { webKeyWrap } from './keywrap.ts';
import { webMac } from './mac.ts';
import { webModes } from './modes.ts';
import { webRandom } from './random.ts';
import { webRistretto255 } from './ristretto255.ts';
import { webRsaWrap } from './rsa-wrap.ts';
import { webSignature } from './signature.ts';

export const webProvider: CryptoProvider = Object.freeze({
  name: 'web',
  random: webRandom,
  hash: webHash,
  mac: webMac,
  kdf: webKdf,
  aead: webAead,
  keyWrap: webKeyWrap,
  rsaWrap: webRsaWrap,
  kem: webKem,
  hpke: webHpke,
  signature: webSignature,
  keys: webKeys,
  ristretto255: webRistretto255,
  block: webBlock,
  modes: webModes,
  stream: webStreamPrimitives,
});

/** The provider of this runtime, as consumers import it: `import { provider } from '@custos/crypto'`. */
export const provider: CryptoProvider = webProvider;

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
