/**
 * Streaming authenticated encryption for data of any size in constant memory: the Custos
 * STREAM format (AES-256-GCM by default, ChaCha20-Poly1305 optional), specified in
 * docs/crypto/aead-and-streaming.md. Design after Tink's AES-GCM-HKDF streaming AEAD and the
 * STREAM construction of Hoang, Reyhanitabar, Rogaway and Vizár (CRYPTO 2015): a random salt
 * gives every stream its own segment key (HKDF-SHA-256 of the master key, bound to the whole
 * header and to optional associated data); each chunk's nonce carries its index and a
 * final-chunk flag, so reordering, dropping, duplicating, truncating, extending or splicing
 * chunks across streams all fail authentication.
 *
 * Generic over the provider: every entry point takes `StreamPrimitives` (an AEAD family, HKDF,
 * randomness, and optionally a faster async AES-GCM). Use `nodeStreamPrimitives` from
 * `node/aead-stream.ts` or `webStreamPrimitives` from `web/aead-stream.ts`.
 *
 * Entry points:
 * - `createStreamEncryptor` / `createStreamDecryptor`: synchronous push/final objects.
 * - `encryptStream` / `decryptStream`: async generators over (async) iterables.
 * - `createEncryptionTransform` / `createDecryptionTransform`: Web Streams `TransformStream`s.
 * - `encryptBytes` / `decryptBytes`: one-shot, whole message in memory, all or nothing.
 *
 * Decryptors release a chunk's plaintext only after its tag verified, but a stream cut at a
 * chunk boundary is only detected by `final()` (or when the async forms end). Until then the
 * plaintext received is authentic but possibly incomplete: do not act on it irreversibly before
 * `final()` returns, or use `decryptBytes`.
 *
 * Pure JS, no `node:` import.
 */
import { abytes, aint, aoneOf, aoptbytes, EMPTY } from './_assert.ts';
import type { AeadCipher, AeadFamily } from './aead.ts';
import { DecryptionFailed, StreamStateError } from './errors.ts';
import {
  chunkNonce,
  ChunkFramer,
  DEFAULT_CHUNK_SIZE,
  encodeHeader,
  HEADER_LENGTH,
  MAX_CHUNK_SIZE,
  MAX_CHUNKS,
  MIN_CHUNK_SIZE,
  NONCE_PREFIX_LENGTH,
  parseHeader,
  SALT_LENGTH,
  segmentKeyInfo,
  STREAM_ALGORITHMS,
  STREAM_KEY_LENGTH,
  TAG_LENGTH,
  type StreamAlgorithm,
  type StreamHeader,
} from './_stream-format.ts';

export {
  DEFAULT_CHUNK_SIZE,
  HEADER_LENGTH,
  MAX_CHUNK_SIZE,
  MIN_CHUNK_SIZE,
  STREAM_ALGORITHMS,
  type StreamAlgorithm,
};

/**
 * An async AEAD for one segment key, used by the async entry points when offered. Several
 * operations may be in flight at once; each must have read its input before it returns its
 * promise (WebCrypto copies its input synchronously), because the caller reuses that memory.
 */
export interface AsyncChunkCipher {
  /** Returns `ciphertext || tag`. */
  seal(nonce: Uint8Array, plaintext: Uint8Array): Promise<Uint8Array>;
  /** Verifies and decrypts `ciphertext || tag`; rejects with `DecryptionFailed`. */
  open(nonce: Uint8Array, sealed: Uint8Array): Promise<Uint8Array>;
}

/** What the streaming format needs from a provider. */
export interface StreamPrimitives {
  readonly aead: Pick<AeadFamily, 'cipher'>;
  /** HKDF-SHA-256 (RFC 5869). */
  hkdfSha256(ikm: Uint8Array, salt: Uint8Array, info: Uint8Array, length: number): Uint8Array;
  randomBytes(length: number): Uint8Array;
  /**
   * Optional: an async cipher for `algorithm` under `key` (copied before the promise settles),
   * or undefined to use the synchronous AEAD. The web provider offers WebCrypto AES-GCM here,
   * native and far faster than pure-JS AES for bulk data.
   */
  asyncCipher?(algorithm: StreamAlgorithm, key: Uint8Array): Promise<AsyncChunkCipher | undefined>;
}

export interface StreamEncryptOptions {
  /** Default 'aes-256-gcm'. */
  readonly algorithm?: StreamAlgorithm;
  /** Plaintext bytes per chunk, in [16, 2^26]. Default 1 MiB. */
  readonly chunkSize?: number;
  /** Associated data bound to the whole stream (not stored in it: supply it again to decrypt). */
  readonly aad?: Uint8Array;
}

export interface StreamDecryptOptions {
  /** The associated data given at encryption. */
  readonly aad?: Uint8Array;
  /** Largest chunk size accepted from a header (memory bound). Default 2^26 (64 MiB). */
  readonly maxChunkSize?: number;
}

export interface StreamEncryptor {
  /** The 49-byte header: write it before anything `push` returns. */
  readonly header: Uint8Array;
  /**
   * Encrypts what completes whole chunks and holds back the rest (less than one chunk, copied).
   * Returns the bytes to write, in order, as pieces (a chunk's ciphertext and its tag may be
   * separate arrays, which avoids a copy). The caller may reuse `plaintext` once this returns.
   */
  push(plaintext: Uint8Array): Uint8Array[];
  /** Encrypts the held-back bytes as the final chunk (possibly empty) and closes the stream. */
  final(): Uint8Array;
}

export interface StreamDecryptor {
  /**
   * Takes stream bytes split anywhere (header included) and returns the plaintext of every
   * chunk completed and verified by them. Throws `InvalidEncoding` for a bad header and
   * `DecryptionFailed` for a chunk that does not verify (the decryptor is then unusable).
   */
  push(bytes: Uint8Array): Uint8Array[];
  /**
   * Verifies the final chunk and returns its plaintext. Throws `DecryptionFailed` if the stream
   * was truncated anywhere (including at a chunk boundary) or has trailing bytes.
   */
  final(): Uint8Array;
}

// ---------------------------------------------------------------------------------------------

function _checkPrimitives(primitives: unknown): StreamPrimitives {
  const p = primitives as Partial<StreamPrimitives> | null;
  if (
    typeof p !== 'object' ||
    p === null ||
    typeof p.aead?.cipher !== 'function' ||
    typeof p.hkdfSha256 !== 'function' ||
    typeof p.randomBytes !== 'function'
  ) {
    throw new TypeError('primitives must be StreamPrimitives (aead, hkdfSha256, randomBytes)');
  }
  return p as StreamPrimitives;
}

function _checkOptions(options: unknown): Record<string, unknown> {
  if (options === undefined) return {};
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('options must be an object');
  }
  return options as Record<string, unknown>;
}

type _State = 'open' | 'closed' | 'failed';

/** Shared by every decrypting and encrypting engine: state, counter and the segment cipher. */
class _Engine {
  protected state: _State = 'open';
  protected index = 0;
  protected cipher: AeadCipher | undefined;
  protected asyncCipher: AsyncChunkCipher | undefined;
  protected prefix: Uint8Array = EMPTY;

  protected guard(): void {
    if (this.state === 'closed') throw new StreamStateError('stream already finished');
    if (this.state === 'failed') throw new StreamStateError('stream failed earlier');
  }

  protected nextNonce(final: boolean): Uint8Array {
    if (this.index >= MAX_CHUNKS) throw new StreamStateError('stream exceeds 2^32 chunks');
    return chunkNonce(this.prefix, this.index++, final);
  }

  /** Runs `fn`, marking the engine failed if it throws: a failed stream stays failed. */
  protected run<T>(fn: () => T): T {
    try {
      return fn();
    } catch (error) {
      this.state = 'failed';
      throw error;
    }
  }

  /**
   * Marks the engine failed if an in-flight operation rejects. Attaching the handler also keeps
   * a rejection from being reported as unhandled while its promise waits in a queue.
   */
  protected track<T>(operation: Promise<T>): Promise<T> {
    operation.catch(() => {
      this.state = 'failed';
    });
    return operation;
  }
}

/** One chunk's output pieces, possibly still being computed by an async cipher. */
type _Pending = Promise<Uint8Array[]>;

/** Async cipher operations kept in flight by the async entry points (WebCrypto overlaps them). */
const IN_FLIGHT = 4;

/**
 * Starts operations for the async entry points. A failure (thrown or rejected) becomes a
 * rejected entry at the end of the batch instead of an immediate throw, so that the results
 * queued before it still come out first, in order; it is marked handled so that it is not
 * reported as an unhandled rejection while it waits.
 */
async function _start(
  start: () => _Pending[] | Promise<_Pending[]>,
): Promise<{ pending: _Pending[]; failed: boolean }> {
  try {
    // Always an array: awaiting a bare pending result would wait for it (and unwrap it).
    return { pending: await start(), failed: false };
  } catch (error) {
    return { pending: [_rejected(error)], failed: true };
  }
}

/** A rejected entry, already marked handled (it may wait in a queue before being awaited). */
function _rejected(error: unknown): _Pending {
  // Every error thrown here is an Error (ours or a TypeError); anything else is wrapped.
  const reason = error instanceof Error ? error : new Error(String(error));
  const rejected: _Pending = Promise.reject(reason);
  rejected.catch(() => undefined);
  return rejected;
}

function _segmentCipher(
  primitives: StreamPrimitives,
  masterKey: Uint8Array,
  header: StreamHeader,
  aad: Uint8Array,
): { cipher: AeadCipher; key: Uint8Array } {
  const key = primitives.hkdfSha256(
    masterKey,
    header.salt,
    segmentKeyInfo(header.bytes, aad),
    STREAM_KEY_LENGTH,
  );
  return { cipher: primitives.aead.cipher(header.algorithm, key), key };
}

class _Encryptor extends _Engine implements StreamEncryptor {
  readonly header: Uint8Array;
  readonly #framer: ChunkFramer;
  readonly #primitives: StreamPrimitives;
  readonly #algorithm: StreamAlgorithm;
  #segmentKey: Uint8Array | undefined;

  constructor(primitives: unknown, key: unknown, options: unknown) {
    super();
    this.#primitives = _checkPrimitives(primitives);
    const masterKey = abytes(key, 'key', STREAM_KEY_LENGTH);
    const o = _checkOptions(options);
    this.#algorithm =
      o['algorithm'] === undefined
        ? 'aes-256-gcm'
        : aoneOf(o['algorithm'], 'algorithm', STREAM_ALGORITHMS);
    const chunkSize =
      o['chunkSize'] === undefined
        ? DEFAULT_CHUNK_SIZE
        : aint(o['chunkSize'], 'chunkSize', MIN_CHUNK_SIZE, MAX_CHUNK_SIZE);
    const aad = aoptbytes(o['aad'], 'aad');
    const salt = this.#primitives.randomBytes(SALT_LENGTH);
    this.prefix = this.#primitives.randomBytes(NONCE_PREFIX_LENGTH);
    this.header = encodeHeader(this.#algorithm, chunkSize, salt, this.prefix);
    const parsed = parseHeader(this.header, MAX_CHUNK_SIZE);
    const { cipher, key: segmentKey } = _segmentCipher(this.#primitives, masterKey, parsed, aad);
    this.cipher = cipher;
    this.#segmentKey = segmentKey;
    this.#framer = new ChunkFramer(chunkSize);
  }

  /** Switches to the provider's async cipher when it has one (async entry points only). */
  async useAsync(): Promise<void> {
    const segmentKey = this.#segmentKey;
    if (segmentKey === undefined) return;
    this.asyncCipher = await this.#primitives.asyncCipher?.(this.#algorithm, segmentKey);
    this.#dropKey();
  }

  #dropKey(): void {
    this.#segmentKey?.fill(0);
    this.#segmentKey = undefined;
  }

  push(plaintext: Uint8Array): Uint8Array[] {
    abytes(plaintext, 'plaintext');
    this.guard();
    this.#dropKey();
    return this.run(() => {
      const cipher = this.cipher as AeadCipher;
      const out: Uint8Array[] = [];
      for (const chunk of this.#framer.push(plaintext)) {
        const { ciphertext, tag } = cipher.sealDetached(this.nextNonce(false), chunk);
        out.push(ciphertext, tag);
      }
      return out;
    });
  }

  final(): Uint8Array {
    this.guard();
    this.#dropKey();
    return this.run(() => {
      const sealed = (this.cipher as AeadCipher).seal(this.nextNonce(true), this.#framer.rest());
      this.state = 'closed';
      return sealed;
    });
  }

  /**
   * Async form of `push`: starts one operation per completed chunk and returns their results in
   * order. With an async cipher the operations are still running when this returns (they have
   * already read their input, so the caller may reuse it).
   */
  startPush(plaintext: Uint8Array): _Pending[] {
    const asyncCipher = this.asyncCipher;
    if (asyncCipher === undefined) return [Promise.resolve(this.push(plaintext))];
    abytes(plaintext, 'plaintext');
    this.guard();
    return this.run(() => {
      const out: _Pending[] = [];
      for (const chunk of this.#framer.push(plaintext)) {
        const sealed = asyncCipher.seal(this.nextNonce(false), chunk);
        out.push(this.track(sealed.then((bytes) => [bytes])));
      }
      return out;
    });
  }

  /** Async form of `final`. */
  startFinal(): _Pending {
    const asyncCipher = this.asyncCipher;
    if (asyncCipher === undefined) return Promise.resolve([this.final()]);
    this.guard();
    return this.run(() => {
      const sealed = asyncCipher.seal(this.nextNonce(true), this.#framer.rest());
      this.state = 'closed';
      return this.track(sealed.then((bytes) => [bytes]));
    });
  }
}

class _Decryptor extends _Engine implements StreamDecryptor {
  readonly #primitives: StreamPrimitives;
  readonly #key: Uint8Array;
  readonly #aad: Uint8Array;
  readonly #maxChunkSize: number;
  readonly #headerBytes = new Uint8Array(HEADER_LENGTH);
  #headerFill = 0;
  #framer: ChunkFramer | undefined;
  #header: StreamHeader | undefined;
  #wantAsync = false;

  constructor(primitives: unknown, key: unknown, options: unknown) {
    super();
    this.#primitives = _checkPrimitives(primitives);
    this.#key = Uint8Array.from(abytes(key, 'key', STREAM_KEY_LENGTH));
    const o = _checkOptions(options);
    this.#aad = Uint8Array.from(aoptbytes(o['aad'], 'aad'));
    this.#maxChunkSize =
      o['maxChunkSize'] === undefined
        ? MAX_CHUNK_SIZE
        : aint(o['maxChunkSize'], 'maxChunkSize', MIN_CHUNK_SIZE, MAX_CHUNK_SIZE);
  }

  /** Asks for the provider's async cipher once the header is known (async entry points). */
  preferAsync(): void {
    this.#wantAsync = true;
  }

  /** Consumes header bytes from `bytes`; returns where the chunk data starts (or -1). */
  #readHeader(bytes: Uint8Array): number {
    const take = Math.min(HEADER_LENGTH - this.#headerFill, bytes.length);
    this.#headerBytes.set(bytes.subarray(0, take), this.#headerFill);
    this.#headerFill += take;
    if (this.#headerFill < HEADER_LENGTH) return -1;
    const header = parseHeader(this.#headerBytes, this.#maxChunkSize);
    this.#header = header;
    this.prefix = header.noncePrefix;
    this.#framer = new ChunkFramer(header.chunkSize + TAG_LENGTH);
    return take;
  }

  #ensureCipher(): { cipher: AeadCipher; key: Uint8Array } | undefined {
    if (this.cipher !== undefined) return undefined;
    const made = _segmentCipher(
      this.#primitives,
      this.#key,
      this.#header as StreamHeader,
      this.#aad,
    );
    this.cipher = made.cipher;
    // The master key is not needed any more: only the segment cipher is.
    this.#key.fill(0);
    return made;
  }

  push(bytes: Uint8Array): Uint8Array[] {
    abytes(bytes, 'bytes');
    this.guard();
    return this.run(() => {
      let rest = bytes;
      if (this.#framer === undefined) {
        const start = this.#readHeader(bytes);
        if (start < 0) return [];
        this.#ensureCipher()?.key.fill(0);
        rest = bytes.subarray(start);
      }
      const cipher = this.cipher as AeadCipher;
      const out: Uint8Array[] = [];
      for (const chunk of (this.#framer as ChunkFramer).push(rest)) {
        out.push(cipher.open(this.nextNonce(false), chunk));
      }
      return out;
    });
  }

  final(): Uint8Array {
    this.guard();
    return this.run(() => {
      const last = this.#lastChunk();
      const plaintext = (this.cipher as AeadCipher).open(this.nextNonce(true), last);
      this.state = 'closed';
      return plaintext;
    });
  }

  /** The held-back bytes, which must be a whole final chunk; anything shorter is truncation. */
  #lastChunk(): Uint8Array {
    if (this.#framer === undefined) throw new DecryptionFailed();
    const last = this.#framer.rest();
    if (last.length < TAG_LENGTH) throw new DecryptionFailed();
    return last;
  }

  /**
   * Async form of `push`: parses the header (and sets up the async cipher) when it completes,
   * then starts one operation per completed chunk and returns their results in order. Each
   * result is released only after its own tag verified.
   */
  async startPush(bytes: Uint8Array): Promise<_Pending[]> {
    abytes(bytes, 'bytes');
    this.guard();
    let rest = bytes;
    if (this.#framer === undefined) {
      const start = this.run(() => this.#readHeader(bytes));
      if (start < 0) return [];
      const made = this.run(() => this.#ensureCipher());
      if (made !== undefined) {
        try {
          if (this.#wantAsync) {
            const { algorithm } = this.#header as StreamHeader;
            this.asyncCipher = await this.#primitives.asyncCipher?.(algorithm, made.key);
          }
        } catch (error) {
          this.state = 'failed';
          throw error;
        } finally {
          made.key.fill(0);
        }
      }
      rest = bytes.subarray(start);
    }
    const asyncCipher = this.asyncCipher;
    const cipher = this.cipher as AeadCipher;
    return this.run(() => {
      const out: _Pending[] = [];
      for (const chunk of (this.#framer as ChunkFramer).push(rest)) {
        const nonce = this.nextNonce(false);
        if (asyncCipher === undefined) {
          // A failure ends the batch with a rejected entry: the chunks verified before it
          // still come out first.
          let plaintext: Uint8Array;
          try {
            plaintext = cipher.open(nonce, chunk);
          } catch (error) {
            this.state = 'failed';
            out.push(_rejected(error));
            return out;
          }
          out.push(Promise.resolve([plaintext]));
        } else {
          out.push(this.track(asyncCipher.open(nonce, chunk).then((plaintext) => [plaintext])));
        }
      }
      return out;
    });
  }

  /** Async form of `final`. */
  startFinal(): _Pending {
    const asyncCipher = this.asyncCipher;
    if (asyncCipher === undefined) return Promise.resolve([this.final()]);
    this.guard();
    return this.run(() => {
      const opened = asyncCipher.open(this.nextNonce(true), this.#lastChunk());
      this.state = 'closed';
      return this.track(opened.then((plaintext) => [plaintext]));
    });
  }
}

// ---------------------------------------------------------------------------------------------
// Public entry points.

/**
 * Starts encrypting a stream under a 32-byte master key. Throws TypeError/RangeError for bad
 * arguments. The encryptor is synchronous; see `encryptStream` for async sources.
 */
export function createStreamEncryptor(
  primitives: StreamPrimitives,
  key: Uint8Array,
  options?: StreamEncryptOptions,
): StreamEncryptor {
  return new _Encryptor(primitives, key, options);
}

/** Starts decrypting a stream (header included) under its 32-byte master key. */
export function createStreamDecryptor(
  primitives: StreamPrimitives,
  key: Uint8Array,
  options?: StreamDecryptOptions,
): StreamDecryptor {
  return new _Decryptor(primitives, key, options);
}

function _checkSource(source: unknown): AsyncIterable<Uint8Array> | Iterable<Uint8Array> {
  const s = source as Partial<AsyncIterable<unknown> & Iterable<unknown>> | null;
  if (
    (typeof s !== 'object' && typeof s !== 'function') ||
    s === null ||
    (typeof s[Symbol.asyncIterator] !== 'function' && typeof s[Symbol.iterator] !== 'function')
  ) {
    throw new TypeError('source must be an iterable or async iterable of Uint8Array');
  }
  return source as AsyncIterable<Uint8Array> | Iterable<Uint8Array>;
}

/**
 * Feeds `source` through an engine with up to IN_FLIGHT operations running, yielding results in
 * order. Stops reading the source at the first failure, yields what came before it, then throws.
 */
async function* _drive(
  source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  push: (piece: Uint8Array) => _Pending[] | Promise<_Pending[]>,
  final: () => _Pending,
): AsyncGenerator<Uint8Array, void, undefined> {
  const queue: _Pending[] = [];
  let failed = false;
  for await (const piece of source) {
    const started = await _start(() => push(piece));
    queue.push(...started.pending);
    failed = started.failed;
    if (failed) break;
    while (queue.length > IN_FLIGHT) yield* await (queue.shift() as _Pending);
  }
  if (!failed) queue.push(...(await _start(() => [final()])).pending);
  for (const pending of queue) yield* await pending;
}

async function* _encryptGenerator(
  encryptor: _Encryptor,
  source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
): AsyncGenerator<Uint8Array, void, undefined> {
  await encryptor.useAsync();
  yield encryptor.header;
  yield* _drive(
    source,
    (piece) => encryptor.startPush(piece),
    () => encryptor.startFinal(),
  );
}

async function* _decryptGenerator(
  decryptor: _Decryptor,
  source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
): AsyncGenerator<Uint8Array, void, undefined> {
  decryptor.preferAsync();
  yield* _drive(
    source,
    (piece) => decryptor.startPush(piece),
    () => decryptor.startFinal(),
  );
}

/**
 * Encrypts an (async) iterable of plaintext pieces, yielding the header then ciphertext
 * pieces. Memory stays at about one chunk whatever the stream length. Each source piece may be
 * reused by its producer once the next one is requested. Bad arguments throw at once.
 */
export function encryptStream(
  primitives: StreamPrimitives,
  key: Uint8Array,
  source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  options?: StreamEncryptOptions,
): AsyncGenerator<Uint8Array, void, undefined> {
  const encryptor = new _Encryptor(primitives, key, options);
  return _encryptGenerator(encryptor, _checkSource(source));
}

/**
 * Decrypts an (async) iterable of stream bytes, yielding verified plaintext chunk by chunk.
 * Throws `InvalidEncoding` for a bad header and `DecryptionFailed` for any alteration; a
 * truncated stream throws only when the source ends, after the chunks before the cut were
 * yielded (see the module note). Bad arguments throw at once.
 */
export function decryptStream(
  primitives: StreamPrimitives,
  key: Uint8Array,
  source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  options?: StreamDecryptOptions,
): AsyncGenerator<Uint8Array, void, undefined> {
  const decryptor = new _Decryptor(primitives, key, options);
  return _decryptGenerator(decryptor, _checkSource(source));
}

/**
 * One transform()/flush() step: start the new operations, then enqueue results until at most
 * IN_FLIGHT remain (none when `drain`, or after a failure, which is then thrown in order).
 */
async function _transformStep(
  queue: _Pending[],
  controller: TransformStreamDefaultController<Uint8Array>,
  start: () => _Pending[] | Promise<_Pending[]>,
  drain = false,
): Promise<void> {
  const started = await _start(start);
  queue.push(...started.pending);
  const keep = drain || started.failed ? 0 : IN_FLIGHT;
  while (queue.length > keep) {
    for (const out of await (queue.shift() as _Pending)) controller.enqueue(out);
  }
}

/**
 * A `TransformStream` that encrypts: its readable side starts with the header. Errors (bad
 * arguments are thrown at once) abort both sides.
 */
export function createEncryptionTransform(
  primitives: StreamPrimitives,
  key: Uint8Array,
  options?: StreamEncryptOptions,
): TransformStream<Uint8Array, Uint8Array> {
  const encryptor = new _Encryptor(primitives, key, options);
  const queue: _Pending[] = [];
  return new TransformStream<Uint8Array, Uint8Array>({
    async start(controller) {
      await encryptor.useAsync();
      controller.enqueue(encryptor.header);
    },
    async transform(chunk, controller) {
      await _transformStep(queue, controller, () => encryptor.startPush(chunk));
    },
    async flush(controller) {
      await _transformStep(queue, controller, () => [encryptor.startFinal()], true);
    },
  });
}

/**
 * A `TransformStream` that decrypts. The readable side delivers verified chunks as they
 * complete; truncation errors the stream at its end (see the module note).
 */
export function createDecryptionTransform(
  primitives: StreamPrimitives,
  key: Uint8Array,
  options?: StreamDecryptOptions,
): TransformStream<Uint8Array, Uint8Array> {
  const decryptor = new _Decryptor(primitives, key, options);
  decryptor.preferAsync();
  const queue: _Pending[] = [];
  return new TransformStream<Uint8Array, Uint8Array>({
    async transform(chunk, controller) {
      await _transformStep(queue, controller, () => decryptor.startPush(chunk));
    },
    async flush(controller) {
      await _transformStep(queue, controller, () => [decryptor.startFinal()], true);
    },
  });
}

function _join(pieces: Uint8Array[], length: number): Uint8Array {
  const out = new Uint8Array(length);
  let offset = 0;
  for (const piece of pieces) {
    out.set(piece, offset);
    offset += piece.length;
  }
  return out;
}

/** One-shot: the whole stream format of `plaintext` (header and every chunk) in one array. */
export function encryptBytes(
  primitives: StreamPrimitives,
  key: Uint8Array,
  plaintext: Uint8Array,
  options?: StreamEncryptOptions,
): Uint8Array {
  const encryptor = new _Encryptor(primitives, key, options);
  const pieces = [encryptor.header, ...encryptor.push(plaintext), encryptor.final()];
  return _join(
    pieces,
    pieces.reduce((n, p) => n + p.length, 0),
  );
}

/**
 * One-shot decryption: returns the plaintext only if the whole stream verified, including its
 * end. Throws `InvalidEncoding` or `DecryptionFailed`.
 */
export function decryptBytes(
  primitives: StreamPrimitives,
  key: Uint8Array,
  data: Uint8Array,
  options?: StreamDecryptOptions,
): Uint8Array {
  const decryptor = new _Decryptor(primitives, key, options);
  const pieces = decryptor.push(data);
  pieces.push(decryptor.final());
  return _join(
    pieces,
    pieces.reduce((n, p) => n + p.length, 0),
  );
}
