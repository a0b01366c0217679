import assert from 'node:assert/strict';
import { createCipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { DecryptionFailed, InvalidEncoding, StreamStateError } from './errors.ts';
import { nodeStreamPrimitives } from './node/aead-stream.ts';
import {
  createDecryptionTransform,
  createEncryptionTransform,
  createStreamDecryptor,
  createStreamEncryptor,
  decryptBytes,
  decryptStream,
  encryptBytes,
  encryptStream,
  HEADER_LENGTH,
  type StreamAlgorithm,
  type StreamPrimitives,
} from './stream.ts';
import { webStreamPrimitives } from './web/aead-stream.ts';
import { assertArgumentError, notBytes, notInteger } from './_test/hostile.ts';

const impls = [
  ['node', nodeStreamPrimitives],
  ['web', webStreamPrimitives],
] as const satisfies readonly (readonly [string, StreamPrimitives])[];

const random = (n: number): Uint8Array => new Uint8Array(randomBytes(n));
const TAG = 16;

const join = (parts: readonly Uint8Array[]): Uint8Array => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
};

const isDecryptionFailed = (error: unknown): boolean =>
  error instanceof DecryptionFailed && error.cause === undefined;
const isFormatOrAuthError = (error: unknown): boolean =>
  error instanceof DecryptionFailed || error instanceof InvalidEncoding;

/** Splits `data` at the given cut points (sorted, deduplicated, in range). */
function splitAt(data: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => c % (data.length + 1)))].sort((a, b) => a - b);
  const parts: Uint8Array[] = [];
  let prev = 0;
  for (const p of [...points, data.length]) {
    parts.push(data.subarray(prev, p));
    prev = p;
  }
  return parts;
}

/** Chunk boundaries (offsets in the stream) of a stream with plaintext length n. */
function chunkOffsets(n: number, chunkSize: number): number[] {
  const full = Math.floor(n / chunkSize);
  const offsets = [HEADER_LENGTH];
  for (let i = 1; i <= full; i++) offsets.push(HEADER_LENGTH + i * (chunkSize + TAG));
  return offsets; // the final chunk starts at the last offset
}

async function collect(source: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const part of source) parts.push(part.slice());
  return join(parts);
}

function readableOf(parts: readonly Uint8Array[]): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    start(controller) {
      for (const part of parts) controller.enqueue(part);
      controller.close();
    },
  });
}

async function* asAsync(parts: readonly Uint8Array[]): AsyncGenerator<Uint8Array> {
  for (const part of parts) {
    await Promise.resolve();
    yield part;
  }
}

for (const [name, primitives] of impls) {
  const other = name === 'node' ? webStreamPrimitives : nodeStreamPrimitives;

  void describe(`stream (${name})`, () => {
    void test('wire format matches the specification (independent re-implementation)', () => {
      // Fixed randomness so the output is known; the expected bytes are built here directly
      // from node:crypto following docs/crypto/aead-and-streaming.md, not from stream.ts.
      const fixed: StreamPrimitives = {
        ...primitives,
        randomBytes: (n: number) => new Uint8Array(n).map((_, i) => (n === 32 ? i : 0xa0 + i)),
      };
      const key = new Uint8Array(32).fill(7);
      const aad = new TextEncoder().encode('file.txt');
      const plaintext = new Uint8Array(40).map((_, i) => i);
      const chunkSize = 16;
      const out = encryptBytes(fixed, key, plaintext, { chunkSize, aad });

      const salt = new Uint8Array(32).map((_, i) => i);
      const prefix = new Uint8Array(7).map((_, i) => 0xa0 + i);
      const header = Buffer.concat([
        Buffer.from('CSTM'),
        Buffer.from([1, 1, 0, 0, 0, 16]),
        salt,
        prefix,
      ]);
      const info = Buffer.concat([Buffer.from('custos stream v1 segment key'), header, aad]);
      const segmentKey = Buffer.from(hkdfSync('sha256', key, salt, info, 32));
      const chunks: Buffer[] = [header];
      const pieces = [
        plaintext.subarray(0, 16),
        plaintext.subarray(16, 32),
        plaintext.subarray(32),
      ];
      pieces.forEach((piece, i) => {
        const nonce = Buffer.concat([prefix, Buffer.from([0, 0, 0, i, i === 2 ? 1 : 0])]);
        const c = createCipheriv('aes-256-gcm', segmentKey, nonce);
        chunks.push(c.update(piece), c.final(), c.getAuthTag());
      });
      assert.deepEqual(out, new Uint8Array(Buffer.concat(chunks)));
      assert.equal(out.length, HEADER_LENGTH + 40 + 3 * TAG);
      assert.deepEqual(decryptBytes(primitives, key, out, { aad }), plaintext);
    });

    for (const algorithm of ['aes-256-gcm', 'chacha20-poly1305'] as StreamAlgorithm[]) {
      void test(`${algorithm}: round trip with arbitrary input splits, both directions`, () => {
        fc.assert(
          fc.property(
            fc.integer({ min: 16, max: 48 }),
            fc.integer({ min: 0, max: 200 }),
            fc.array(fc.nat(), { maxLength: 8 }),
            fc.array(fc.nat(), { maxLength: 8 }),
            (chunkSize, length, cutsIn, cutsOut) => {
              const key = random(32);
              const plaintext = random(length);
              const enc = createStreamEncryptor(primitives, key, { algorithm, chunkSize });
              const parts = [enc.header];
              for (const piece of splitAt(plaintext, cutsIn)) parts.push(...enc.push(piece));
              parts.push(enc.final());
              const stream = join(parts);
              const fullChunks = Math.floor(length / chunkSize);
              assert.equal(stream.length, HEADER_LENGTH + length + (fullChunks + 1) * TAG);
              for (const peer of [primitives, other]) {
                const dec = createStreamDecryptor(peer, key);
                const out: Uint8Array[] = [];
                for (const piece of splitAt(stream, cutsOut)) out.push(...dec.push(piece));
                out.push(dec.final());
                assert.deepEqual(join(out), plaintext);
              }
            },
          ),
          { numRuns: 40 },
        );
      });
    }

    void test('edge sizes: empty, one byte, exactly one chunk, chunk ± 1, several chunks', () => {
      const key = random(32);
      const chunkSize = 32;
      for (const n of [0, 1, 31, 32, 33, 64, 96, 100]) {
        const plaintext = random(n);
        const stream = encryptBytes(primitives, key, plaintext, { chunkSize });
        const fullChunks = Math.floor(n / chunkSize);
        // every non-final chunk is full; the final one holds n mod C bytes (possibly none)
        assert.equal(stream.length, HEADER_LENGTH + n + (fullChunks + 1) * TAG, `n=${n}`);
        assert.deepEqual(decryptBytes(primitives, key, stream), plaintext);
        assert.deepEqual(decryptBytes(other, key, stream), plaintext);
      }
      const empty = encryptBytes(primitives, key, new Uint8Array(0));
      assert.equal(empty.length, HEADER_LENGTH + TAG);
      // exactly one chunk: one full chunk then an empty final chunk
      const one = encryptBytes(primitives, key, random(chunkSize), { chunkSize });
      assert.equal(one.length, HEADER_LENGTH + chunkSize + TAG + TAG);
    });

    void test('the default chunk size is 1 MiB and a 3 MiB + 5 stream round trips', () => {
      const key = random(32);
      const plaintext = random(3 * 2 ** 20 + 5);
      const stream = encryptBytes(primitives, key, plaintext);
      assert.deepEqual([...stream.subarray(6, 10)], [0, 0x10, 0, 0]);
      assert.deepEqual(decryptBytes(primitives, key, stream), plaintext);
    });

    void test('the caller may reuse its buffers once push returns', () => {
      const key = random(32);
      const chunkSize = 16;
      const enc = createStreamEncryptor(primitives, key, { chunkSize });
      const scratch = new Uint8Array(23);
      const expected: Uint8Array[] = [];
      const parts = [enc.header];
      for (let i = 0; i < 5; i++) {
        scratch.set(random(23));
        expected.push(scratch.slice());
        parts.push(...enc.push(scratch).map((p) => p.slice()));
      }
      parts.push(enc.final());
      const stream = join(parts);
      const dec = createStreamDecryptor(primitives, key);
      const out: Uint8Array[] = [];
      const window = new Uint8Array(7);
      for (let o = 0; o < stream.length; o += 7) {
        const piece = stream.subarray(o, o + 7);
        window.set(piece);
        out.push(...dec.push(window.subarray(0, piece.length)).map((p) => p.slice()));
        window.fill(0xee);
      }
      out.push(dec.final());
      assert.deepEqual(join(out), join(expected));
    });

    void describe('tampering', () => {
      const key = random(32);
      const chunkSize = 16;
      const plaintext = random(5 * chunkSize + 7); // 5 full chunks + a 7-byte final chunk
      const stream = encryptBytes(primitives, key, plaintext, { chunkSize });
      const offsets = chunkOffsets(plaintext.length, chunkSize);
      const chunkAt = (i: number) =>
        stream.subarray(offsets[i], i + 1 < offsets.length ? offsets[i + 1] : stream.length);

      void test('truncation at every chunk boundary is detected at final(), not before', () => {
        for (const cut of [0, ...offsets]) {
          const truncated = stream.subarray(0, cut);
          assert.throws(() => decryptBytes(primitives, key, truncated), isDecryptionFailed);
          const dec = createStreamDecryptor(primitives, key);
          // the chunks before the cut verify and come out...
          const released = join(dec.push(truncated));
          const before = Math.max(0, cut - HEADER_LENGTH);
          assert.equal(released.length, before - (before / (chunkSize + TAG)) * TAG);
          // ...but the stream is only reported incomplete by final()
          assert.throws(() => dec.final(), isDecryptionFailed);
        }
      });

      void test('truncation at every byte fails', () => {
        for (let cut = 0; cut < stream.length; cut++) {
          assert.throws(
            () => decryptBytes(primitives, key, stream.subarray(0, cut)),
            isDecryptionFailed,
          );
        }
      });

      void test('every bit flip after the header fails; header flips fail or are refused', () => {
        for (let i = 0; i < stream.length; i++) {
          for (const bit of i < HEADER_LENGTH ? [0, 1, 2, 3, 4, 5, 6, 7] : [0, 7]) {
            const altered = stream.slice();
            altered[i] = altered[i]! ^ (1 << bit);
            assert.throws(
              () => decryptBytes(primitives, key, altered),
              i < HEADER_LENGTH ? isFormatOrAuthError : isDecryptionFailed,
              `byte ${i} bit ${bit}`,
            );
          }
        }
        // a wrong magic or version is reported as an encoding error
        for (const i of [0, 1, 2, 3, 4]) {
          const altered = stream.slice();
          altered[i] = altered[i]! ^ 0x40;
          assert.throws(() => decryptBytes(primitives, key, altered), InvalidEncoding);
        }
      });

      void test('reordering, duplicating or dropping chunks fails', () => {
        const header = stream.subarray(0, HEADER_LENGTH);
        const chunks = offsets.map((_, i) => chunkAt(i));
        const variants = [
          [chunks[1]!, chunks[0]!, ...chunks.slice(2)], // swap first two
          [...chunks.slice(0, 3), chunks[4]!, chunks[3]!, chunks[5]!], // swap middle
          [chunks[0]!, chunks[0]!, ...chunks.slice(1)], // duplicate
          [chunks[0]!, ...chunks.slice(2)], // drop one
          chunks.slice(0, -1), // drop the final chunk
          [...chunks.slice(0, -2), chunks[5]!], // drop the last full chunk
          [...chunks.slice(0, -1), chunks[0]!], // a full chunk where the final one should be
        ];
        for (const variant of variants) {
          assert.throws(
            () => decryptBytes(primitives, key, join([header, ...variant])),
            isDecryptionFailed,
          );
        }
      });

      void test('splicing two streams under the same key fails', () => {
        const second = encryptBytes(primitives, key, plaintext, { chunkSize });
        const headerB = second.subarray(0, HEADER_LENGTH);
        // B's header with A's chunks, and A with one chunk of B
        assert.throws(
          () => decryptBytes(primitives, key, join([headerB, stream.subarray(HEADER_LENGTH)])),
          isDecryptionFailed,
        );
        for (let i = 0; i < offsets.length; i++) {
          const spliced = stream.slice();
          spliced.set(
            second.subarray(offsets[i], i + 1 < offsets.length ? offsets[i + 1] : second.length),
            offsets[i],
          );
          assert.throws(() => decryptBytes(primitives, key, spliced), isDecryptionFailed);
        }
      });

      void test('trailing data fails', () => {
        for (const extra of [
          random(1),
          random(15),
          random(16),
          random(17),
          random(chunkSize + TAG),
          chunkAt(0),
        ]) {
          assert.throws(
            () => decryptBytes(primitives, key, join([stream, extra])),
            isDecryptionFailed,
          );
          assert.throws(
            () => decryptBytes(primitives, key, join([stream, stream])),
            isDecryptionFailed,
          );
        }
      });

      void test('wrong key or associated data fails', () => {
        assert.throws(() => decryptBytes(primitives, random(32), stream), isDecryptionFailed);
        assert.throws(
          () => decryptBytes(primitives, key, stream, { aad: random(1) }),
          isDecryptionFailed,
        );
        const bound = encryptBytes(primitives, key, plaintext, { chunkSize, aad: random(8) });
        assert.throws(() => decryptBytes(primitives, key, bound), isDecryptionFailed);
        assert.throws(
          () => decryptBytes(primitives, key, bound, { aad: random(8) }),
          isDecryptionFailed,
        );
      });

      void test('associated data longer than node hkdfSync accepts (1024 B info) works', () => {
        const aad = random(4096);
        const bound = encryptBytes(primitives, key, plaintext, { chunkSize, aad });
        assert.deepEqual(decryptBytes(primitives, key, bound, { aad }), plaintext);
        const other = aad.slice();
        other.set([aad.at(-1)! ^ 1], 4095);
        assert.throws(
          () => decryptBytes(primitives, key, bound, { aad: other }),
          isDecryptionFailed,
        );
      });

      void test('a header beyond maxChunkSize, or with an unknown AEAD, is refused', () => {
        const big = encryptBytes(primitives, key, random(10), { chunkSize: 2 ** 16 });
        assert.throws(
          () => decryptBytes(primitives, key, big, { maxChunkSize: 2 ** 16 - 1 }),
          InvalidEncoding,
        );
        assert.deepEqual(decryptBytes(primitives, key, big, { maxChunkSize: 2 ** 16 }).length, 10);
        for (const [at, value] of [
          [5, 0],
          [5, 3],
          [4, 2],
        ] as const) {
          const altered = stream.slice();
          altered[at] = value;
          assert.throws(() => decryptBytes(primitives, key, altered), InvalidEncoding);
        }
        const tiny = stream.slice();
        tiny.set([0, 0, 0, 15], 6);
        assert.throws(() => decryptBytes(primitives, key, tiny), InvalidEncoding);
      });

      void test('a failed or finished stream refuses further use', () => {
        const altered = stream.slice();
        altered[HEADER_LENGTH + 3] = altered[HEADER_LENGTH + 3]! ^ 1;
        const dec = createStreamDecryptor(primitives, key);
        assert.throws(() => dec.push(altered), isDecryptionFailed);
        assert.throws(() => dec.push(new Uint8Array(1)), StreamStateError);
        assert.throws(() => dec.final(), StreamStateError);
        const enc = createStreamEncryptor(primitives, key);
        enc.push(random(3));
        enc.final();
        assert.throws(() => enc.push(random(3)), StreamStateError);
        assert.throws(() => enc.final(), StreamStateError);
        const done = createStreamDecryptor(primitives, key);
        done.push(stream);
        done.final();
        assert.throws(() => done.push(new Uint8Array(0)), StreamStateError);
      });
    });

    void describe('async forms', () => {
      for (const algorithm of ['aes-256-gcm', 'chacha20-poly1305'] as StreamAlgorithm[]) {
        void test(`${algorithm}: encryptStream / decryptStream interoperate with the sync API`, async () => {
          const key = random(32);
          const plaintext = random(1000);
          const pieces = splitAt(plaintext, [1, 100, 101, 555, 999]);
          const stream = await collect(
            encryptStream(primitives, key, asAsync(pieces), { algorithm, chunkSize: 64 }),
          );
          assert.deepEqual(decryptBytes(primitives, key, stream), plaintext);
          assert.deepEqual(decryptBytes(other, key, stream), plaintext);
          const again = encryptBytes(other, key, plaintext, { algorithm, chunkSize: 100 });
          const parts = splitAt(again, [3, 49, 50, 400, 401, 900]);
          assert.deepEqual(
            await collect(decryptStream(primitives, key, asAsync(parts))),
            plaintext,
          );
          // a sync iterable works too
          assert.deepEqual(await collect(decryptStream(primitives, key, parts)), plaintext);
        });
      }

      void test('decryptStream yields verified chunks, then rejects a truncated stream at its end', async () => {
        const key = random(32);
        const plaintext = random(100);
        const stream = encryptBytes(primitives, key, plaintext, { chunkSize: 16 });
        const cut = HEADER_LENGTH + 3 * (16 + TAG);
        const seen: Uint8Array[] = [];
        await assert.rejects(async () => {
          for await (const part of decryptStream(primitives, key, [stream.subarray(0, cut)]))
            seen.push(part);
        }, isDecryptionFailed);
        assert.deepEqual(join(seen), plaintext.subarray(0, 48));
        const altered = stream.slice();
        altered[60] = altered[60]! ^ 1;
        await assert.rejects(
          collect(decryptStream(primitives, key, [altered])),
          isDecryptionFailed,
        );
      });

      void test('many chunks in flight: results in order, a bad chunk stops the stream there', async () => {
        const unhandled: unknown[] = [];
        const onUnhandled = (reason: unknown) => unhandled.push(reason);
        process.on('unhandledRejection', onUnhandled);
        try {
          const key = random(32);
          const chunkSize = 64;
          const plaintext = random(20 * chunkSize + 9);
          const stream = await collect(
            encryptStream(primitives, key, splitAt(plaintext, [1000, 1001]), { chunkSize }),
          );
          assert.deepEqual(decryptBytes(other, key, stream), plaintext);
          // every chunk in one source piece: the async cipher gets all of them at once
          assert.deepEqual(await collect(decryptStream(primitives, key, [stream])), plaintext);
          const altered = stream.slice();
          const bad = 9;
          const at = HEADER_LENGTH + bad * (chunkSize + TAG) + 5;
          altered[at] = altered[at]! ^ 1;
          for (const parts of [[altered], splitAt(altered, [100, 700, 701, 1400])]) {
            const seen: Uint8Array[] = [];
            await assert.rejects(async () => {
              for await (const part of decryptStream(primitives, key, asAsync(parts))) {
                seen.push(part.slice());
              }
            }, isDecryptionFailed);
            assert.deepEqual(join(seen), plaintext.subarray(0, bad * chunkSize));
            const viaTransform: Uint8Array[] = [];
            const reader = readableOf(parts)
              .pipeThrough(createDecryptionTransform(primitives, key))
              .getReader();
            await assert.rejects(async () => {
              for (;;) {
                const { done, value } = await reader.read();
                if (done) break;
                viaTransform.push(value.slice());
              }
            }, isDecryptionFailed);
            assert.deepEqual(join(viaTransform), plaintext.subarray(0, bad * chunkSize));
          }
          // a consumer that stops early leaves nothing dangling
          for await (const part of decryptStream(primitives, key, [altered])) {
            assert.equal(part.length, chunkSize);
            break;
          }
          await new Promise((resolve) => setTimeout(resolve, 20));
          assert.deepEqual(unhandled, []);
        } finally {
          process.off('unhandledRejection', onUnhandled);
        }
      });

      void test('TransformStream pair round trips and errors on tampering', async () => {
        const key = random(32);
        const plaintext = random(5000);
        const source = () => readableOf(splitAt(plaintext, [10, 2000, 2001, 4999]));
        const encrypted = await collect(
          source().pipeThrough(createEncryptionTransform(primitives, key, { chunkSize: 256 })),
        );
        assert.deepEqual(decryptBytes(other, key, encrypted), plaintext);
        const decrypted = await collect(
          readableOf(splitAt(encrypted, [5, 49, 300])).pipeThrough(
            createDecryptionTransform(primitives, key),
          ),
        );
        assert.deepEqual(decrypted, plaintext);
        await assert.rejects(
          collect(
            readableOf([encrypted.subarray(0, encrypted.length - 1)]).pipeThrough(
              createDecryptionTransform(primitives, key),
            ),
          ),
          isDecryptionFailed,
        );
      });

      void test('asyncCipher: the web provider offers WebCrypto AES-GCM only', async () => {
        const offered = await primitives.asyncCipher?.('aes-256-gcm', random(32));
        assert.equal(offered !== undefined, name === 'web');
        assert.equal(await primitives.asyncCipher?.('chacha20-poly1305', random(32)), undefined);
      });
    });

    void test('hostile arguments', () => {
      const key = random(32);
      for (const bad of notBytes) {
        const b = bad as Uint8Array;
        assertArgumentError(() => createStreamEncryptor(primitives, b), 'encryptor key');
        assertArgumentError(() => createStreamDecryptor(primitives, b), 'decryptor key');
        if (bad !== undefined) {
          assertArgumentError(() => createStreamEncryptor(primitives, key, { aad: b }), 'aad');
          assertArgumentError(() => createStreamDecryptor(primitives, key, { aad: b }), 'aad');
        }
        const enc = createStreamEncryptor(primitives, key);
        assertArgumentError(() => enc.push(b), 'push');
        enc.final(); // an argument error does not poison the stream
        const dec = createStreamDecryptor(primitives, key);
        assertArgumentError(() => dec.push(b), 'decryptor push');
        assertArgumentError(() => encryptBytes(primitives, key, b), 'encryptBytes');
        assertArgumentError(() => decryptBytes(primitives, key, b), 'decryptBytes');
      }
      for (const n of [0, 16, 31, 33, 64]) {
        assert.throws(() => createStreamEncryptor(primitives, new Uint8Array(n)), RangeError);
        assert.throws(() => createStreamDecryptor(primitives, new Uint8Array(n)), RangeError);
      }
      for (const bad of [...notInteger, 15, 0, 2 ** 26 + 1]) {
        if (bad === undefined) continue;
        assertArgumentError(
          () => createStreamEncryptor(primitives, key, { chunkSize: bad as number }),
          'chunkSize',
        );
        assertArgumentError(
          () => createStreamDecryptor(primitives, key, { maxChunkSize: bad as number }),
          'maxChunkSize',
        );
      }
      for (const bad of ['aes-128-gcm', 'xchacha20-poly1305', 'AES-256-GCM', 1, null]) {
        assertArgumentError(
          () => createStreamEncryptor(primitives, key, { algorithm: bad as StreamAlgorithm }),
          'algorithm',
        );
      }
      for (const bad of [null, 1, 'x']) {
        assertArgumentError(
          () => createStreamEncryptor(primitives, key, bad as unknown as object),
          'options',
        );
      }
      for (const bad of [null, undefined, {}, { aead: {} }, 1]) {
        assertArgumentError(
          () => createStreamEncryptor(bad as StreamPrimitives, key),
          'primitives',
        );
        assertArgumentError(
          () => createStreamDecryptor(bad as StreamPrimitives, key),
          'primitives',
        );
      }
      for (const bad of [null, 1, 'abc' as unknown, {}]) {
        if (typeof bad === 'string') continue; // strings are iterable (of strings: rejected per piece)
        assertArgumentError(
          () => encryptStream(primitives, key, bad as Iterable<Uint8Array>),
          'encryptStream source',
        );
        assertArgumentError(
          () => decryptStream(primitives, key, bad as Iterable<Uint8Array>),
          'decryptStream source',
        );
      }
      assertArgumentError(() => createEncryptionTransform(primitives, random(3)), 'transform key');
      assertArgumentError(() => createDecryptionTransform(primitives, random(3)), 'transform key');
    });
  });
}
