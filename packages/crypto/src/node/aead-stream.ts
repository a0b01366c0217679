/**
 * `StreamPrimitives` of the node provider for the streaming format (`stream.ts`): the node AEAD
 * family, node's HKDF-SHA-256 and CSPRNG. No async cipher: node's synchronous AES-GCM is
 * already native.
 */
import { hkdfSync, randomFillSync } from 'node:crypto';
import type { StreamPrimitives } from '../stream.ts';
import { nodeAead } from './aead.ts';

export const nodeStreamPrimitives: StreamPrimitives = Object.freeze({
  aead: nodeAead,
  hkdfSha256: (ikm: Uint8Array, salt: Uint8Array, info: Uint8Array, length: number) =>
    new Uint8Array(hkdfSync('sha256', ikm, salt, info, length)),
  randomBytes: (length: number) => randomFillSync(new Uint8Array(length)),
});
