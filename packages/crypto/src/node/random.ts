/** Randomness from node:crypto (`randomFillSync`, backed by OpenSSL's CSPRNG). */
import { randomFillSync } from 'node:crypto';
import { _randomBuffer, _randomLength, type RandomFamily } from '../random.ts';

export const nodeRandom: RandomFamily = Object.freeze({
  bytes(length: number): Uint8Array {
    // A fresh, unpooled array: `randomBytes` may hand out a slice of a shared pool.
    return randomFillSync(new Uint8Array(_randomLength(length)));
  },
  fill(buffer: Uint8Array): Uint8Array {
    return randomFillSync(_randomBuffer(buffer));
  },
});
