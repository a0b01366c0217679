/**
 * Streaming format on 1 GiB: one operation is the whole GiB, fed in 1 MiB pieces from one reused
 * buffer (encrypt) or from prepared ciphertext chunks (decrypt), outputs dropped. With the
 * default BENCH_SAMPLES=5 a row costs six passes (one warm-up); lower BENCH_SAMPLES to go faster.
 *
 * The synchronous push() API of the web provider runs pure-JS AES (~40 MB/s, ~27 s per GiB), so
 * its 1 GiB push() cells are left empty and a 64 MiB row shows that path instead; the web
 * provider's async forms (encryptStream/decryptStream) use WebCrypto AES-GCM.
 */
import { randomBytes } from 'node:crypto';
import { nodeStreamPrimitives } from '../src/node/aead-stream.ts';
import {
  createStreamDecryptor,
  createStreamEncryptor,
  decryptStream,
  encryptStream,
  type StreamAlgorithm,
  type StreamPrimitives,
} from '../src/stream.ts';
import { webStreamPrimitives } from '../src/web/aead-stream.ts';
import type { BenchSuite } from './_harness.ts';

const MIB = 2 ** 20;
const GIB = 2 ** 30;
const key = new Uint8Array(randomBytes(32));
const piece = new Uint8Array(randomBytes(MIB));

function* pieces(count: number): Generator<Uint8Array> {
  for (let i = 0; i < count; i++) yield piece;
}

function encryptPush(primitives: StreamPrimitives, total: number, algorithm: StreamAlgorithm) {
  return () => {
    const encryptor = createStreamEncryptor(primitives, key, { algorithm });
    for (let i = 0; i < total / MIB; i++) encryptor.push(piece);
    return encryptor.final();
  };
}

function encryptAsync(primitives: StreamPrimitives) {
  return async () => {
    let n = 0;
    for await (const out of encryptStream(primitives, key, pieces(GIB / MIB))) n += out.length;
    return n;
  };
}

/** A 1 GiB stream as header + 1024 pieces of one whole chunk (1 MiB + tag) + the final chunk. */
let prepared: Uint8Array[] | undefined;
function stream1GiB(): Uint8Array[] {
  if (prepared !== undefined) return prepared;
  const encryptor = createStreamEncryptor(nodeStreamPrimitives, key);
  const parts: Uint8Array[] = [encryptor.header];
  for (let i = 0; i < GIB / MIB; i++) {
    const [ct, tag] = encryptor.push(piece) as [Uint8Array, Uint8Array];
    const chunk = new Uint8Array(ct.length + tag.length);
    chunk.set(ct);
    chunk.set(tag, ct.length);
    parts.push(chunk);
  }
  parts.push(encryptor.final());
  prepared = parts;
  return parts;
}

function decryptPush(split?: number) {
  return () => {
    const decryptor = createStreamDecryptor(nodeStreamPrimitives, key);
    let n = 0;
    for (const part of stream1GiB()) {
      if (split === undefined) {
        for (const out of decryptor.push(part)) n += out.length;
      } else {
        for (let o = 0; o < part.length; o += split) {
          for (const out of decryptor.push(part.subarray(o, o + split))) n += out.length;
        }
      }
    }
    return n + decryptor.final().length;
  };
}

function decryptAsync(primitives: StreamPrimitives) {
  return async () => {
    let n = 0;
    for await (const out of decryptStream(primitives, key, stream1GiB())) n += out.length;
    return n;
  };
}

export const suite: BenchSuite = {
  name: 'Stream (1 MiB chunks)',
  cases: () => [
    {
      name: 'AES-256-GCM encrypt 1 GiB, push()',
      bytes: GIB,
      node: encryptPush(nodeStreamPrimitives, GIB, 'aes-256-gcm'),
    },
    {
      name: 'AES-256-GCM encrypt 1 GiB, encryptStream()',
      bytes: GIB,
      node: encryptAsync(nodeStreamPrimitives),
      web: encryptAsync(webStreamPrimitives),
    },
    {
      name: 'AES-256-GCM decrypt 1 GiB, push() whole chunks',
      bytes: GIB,
      node: decryptPush(),
    },
    {
      name: 'AES-256-GCM decrypt 1 GiB, push() 64 KiB pieces',
      bytes: GIB,
      node: decryptPush(64 * 1024),
    },
    {
      name: 'AES-256-GCM decrypt 1 GiB, decryptStream()',
      bytes: GIB,
      node: decryptAsync(nodeStreamPrimitives),
      web: decryptAsync(webStreamPrimitives),
    },
    {
      name: 'AES-256-GCM encrypt 64 MiB, push()',
      bytes: 64 * MIB,
      node: encryptPush(nodeStreamPrimitives, 64 * MIB, 'aes-256-gcm'),
      web: encryptPush(webStreamPrimitives, 64 * MIB, 'aes-256-gcm'),
    },
    {
      name: 'ChaCha20-Poly1305 encrypt 64 MiB, push()',
      bytes: 64 * MIB,
      node: encryptPush(nodeStreamPrimitives, 64 * MIB, 'chacha20-poly1305'),
      web: encryptPush(webStreamPrimitives, 64 * MIB, 'chacha20-poly1305'),
    },
  ],
};
