/**
 * `StreamPrimitives` of the node provider for the streaming format (`stream.ts`): the node AEAD
 * family, the node KDF family's HKDF-SHA-256 (which also takes an `info` longer than the 1024
 * bytes node's `hkdfSync` accepts, so long associated data works) and the CSPRNG. No async
 * cipher: node's synchronous AES-GCM is already native.
 */
import { randomFillSync } from 'node:crypto';
import type { StreamPrimitives } from '../stream.ts';
import { nodeAead } from './aead.ts';
import { nodeKdf } from './kdf.ts';

export const nodeStreamPrimitives: StreamPrimitives = Object.freeze({
  aead: nodeAead,
  hkdfSha256: (ikm: Uint8Array, salt: Uint8Array, info: Uint8Array, length: number) =>
    nodeKdf.hkdf('sha256', ikm, salt, info, length),
  randomBytes: (length: number) => randomFillSync(new Uint8Array(length)),
});
