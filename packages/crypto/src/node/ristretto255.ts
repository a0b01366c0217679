/** ristretto255 for Node: the shared libsodium WASM implementation, random scalars from node:crypto. */
import { _sodiumRistretto255 } from '../_ristretto255-sodium.ts';
import type { Ristretto255Family } from '../ristretto255.ts';
import { nodeRandom } from './random.ts';

export const nodeRistretto255: Ristretto255Family = _sodiumRistretto255((buffer) =>
  nodeRandom.fill(buffer),
);
