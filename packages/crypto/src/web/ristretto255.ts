/** ristretto255 for browsers: the shared libsodium WASM implementation, random scalars from WebCrypto. */
import { _sodiumRistretto255 } from '../_ristretto255-sodium.ts';
import type { Ristretto255Family } from '../ristretto255.ts';
import { webRandom } from './random.ts';

export const webRistretto255: Ristretto255Family = _sodiumRistretto255((buffer) =>
  webRandom.fill(buffer),
);
