/**
 * Hybrid encryption over the Covercrypt KEM: a header that carries a random data-encryption key
 * (DEK) to every right of a policy, then the data under AES-256-GCM with keys derived from the
 * DEK. The DEK is wrapped under the KEM secret rather than being the KEM secret, so that the
 * authority can re-encapsulate a header after a rekey without touching the payload (the
 * anchor's W11).
 *
 *   header     = "CVCH" ‖ version ‖ suite ‖ encapsulation ‖ DEK ⊕ SHAKE256(L_dek ‖ ss)[32] ‖
 *                metadata (varint length ‖ AES-256-GCM(K_meta, 0¹², metadata, aad); length 0: none)
 *   ciphertext = "CVCE" ‖ version ‖ suite ‖ header ‖ AES-256-GCM(K_payload, 0¹², plaintext, aad)
 *   batch      = header, and per message AES-256-GCM(K_batch, random nonce, mᵢ, aad ‖ u32(i))
 *   stream     = "CVCS" ‖ version ‖ suite ‖ u32 header length ‖ header ‖ Custos STREAM(K_stream, aad)
 *
 * with K_x = SHAKE256(L_x ‖ DEK)[32]. Each key is used for one message (payload, metadata) or
 * with random nonces (batch), so the all-zero nonce is safe. A wrong DEK (altered header)
 * fails every tag. "Not authorized" is a value (`{ authorized: false }`); an altered payload,
 * metadata or AAD after a successful decapsulation throws `DecryptionFailed`.
 */
import {
  createStreamDecryptor,
  createStreamEncryptor as createInnerEncryptor,
  type StreamPrimitives,
} from '@custos/crypto/stream';
import { Reader, Writer } from './_codec.ts';
import {
  DecryptionFailed,
  LABEL,
  SEED,
  crypto,
  kindOf,
  readPrefix,
  shake,
  writePrefix,
  xorInto,
} from './_scheme.ts';
import { parseEncapsulation, type ParsedEncapsulation } from './encapsulation.ts';
import { FormatError } from './errors.ts';
import type { MasterSecretKey } from './master-key.ts';
import type { EncapsulateOptions, MasterPublicKey } from './public-key.ts';
import type { UserKey } from './user-key.ts';

export interface EncryptOptions extends EncapsulateOptions {
  /** Associated data: authenticated, not stored; give it again to decrypt. */
  readonly aad?: Uint8Array;
  /** Optional data stored encrypted in the header (file name, content type...). */
  readonly metadata?: Uint8Array;
}

export interface DecryptOptions {
  readonly aad?: Uint8Array;
}

export type NotAuthorized = { readonly authorized: false };

export type Decrypted =
  | NotAuthorized
  | {
      readonly authorized: true;
      readonly plaintext: Uint8Array;
      readonly metadata: Uint8Array | undefined;
    };

export type OpenedHeader =
  | NotAuthorized
  | {
      readonly authorized: true;
      /** The 32-byte data-encryption key. */
      readonly dek: Uint8Array;
      readonly metadata: Uint8Array | undefined;
      /** Bytes of input the header occupied. */
      readonly length: number;
    };

const ZERO_NONCE = new Uint8Array(12);
const EMPTY = new Uint8Array(0);
const NOT_AUTHORIZED: NotAuthorized = Object.freeze({ authorized: false });
/** Largest header a stream may announce (a hidden-policy header for 4096 hybrid rights is ~4.7 MB). */
const MAX_STREAM_HEADER = 1 << 24;

function _aad(options: { aad?: Uint8Array } | undefined): Uint8Array {
  const aad = options?.aad;
  if (aad === undefined) return EMPTY;
  if (!(aad instanceof Uint8Array)) throw new TypeError('aad must be a Uint8Array');
  return aad;
}

function _bytes(value: unknown, label: string): Uint8Array {
  if (!(value instanceof Uint8Array)) throw new TypeError(`${label} must be a Uint8Array`);
  return value;
}

function _subkey(label: Uint8Array, dek: Uint8Array): ReturnType<typeof crypto.aead.cipher> {
  return crypto.aead.cipher('aes-256-gcm', shake(32, label, dek));
}

function _writeHeader(
  w: Writer,
  encapsulation: Uint8Array,
  ss: Uint8Array,
  dek: Uint8Array,
  metadata: Uint8Array | undefined,
  aad: Uint8Array,
): void {
  writePrefix(w, 'header').raw(encapsulation);
  w.raw(xorInto(shake(SEED, LABEL.dek, ss), dek));
  if (metadata === undefined) w.varint(0);
  else w.bytes(_subkey(LABEL.metadata, dek).seal(ZERO_NONCE, metadata, aad));
}

interface _RawHeader {
  readonly encOffset: number;
  readonly encapsulation: ParsedEncapsulation;
  readonly pad: Uint8Array;
  readonly sealedMetadata: Uint8Array | undefined;
  readonly end: number;
}

// Reads a header's framing at `offset`; the encapsulation itself is parsed by the caller.
function _readHeader(bytes: Uint8Array, offset: number): _RawHeader {
  const reader = readPrefix(offset === 0 ? bytes : bytes.subarray(offset), 'header', 'header');
  const encOffset = offset + reader.offset;
  const enc = parseEncapsulation(bytes, encOffset);
  const r = new Reader(bytes, 'header', encOffset + enc.bytes.length);
  const pad = r.raw(SEED, 'wrapped key');
  const metaLength = r.varint('metadata length', 1 << 26);
  const sealedMetadata = metaLength === 0 ? undefined : r.raw(metaLength, 'metadata');
  if (sealedMetadata !== undefined && metaLength < 16) r.fail('metadata shorter than its tag');
  return { encOffset, encapsulation: enc, pad, sealedMetadata, end: r.offset };
}

/**
 * A header for `policy` and its data-encryption key (for callers that encrypt data themselves).
 * @throws PolicyError (see `MasterPublicKey.encapsulate`); TypeError for bad arguments.
 */
export function encryptHeader(
  publicKey: MasterPublicKey,
  policy: string,
  options: EncryptOptions = {},
): { header: Uint8Array; dek: Uint8Array; postQuantum: boolean } {
  const aad = _aad(options);
  const metadata =
    options.metadata === undefined ? undefined : _bytes(options.metadata, 'metadata');
  const { key, encapsulation, postQuantum } = publicKey.encapsulate(policy, options);
  const dek = crypto.random.bytes(SEED);
  const w = new Writer(encapsulation.length + 64 + (metadata?.length ?? 0));
  _writeHeader(w, encapsulation, key, dek, metadata, aad);
  return { header: w.finish(), dek, postQuantum };
}

/**
 * Opens a header (at the start of `bytes`; data may follow it): the DEK and metadata, or
 * `{ authorized: false }`.
 * @throws FormatError when the bytes are not a header; DecryptionFailed when the metadata does
 *   not authenticate (altered, or wrong AAD).
 */
export function decryptHeader(
  userKey: UserKey,
  bytes: Uint8Array,
  options: DecryptOptions = {},
): OpenedHeader {
  return _openHeader(userKey, _bytes(bytes, 'header'), 0, _aad(options));
}

function _openHeader(
  userKey: UserKey,
  bytes: Uint8Array,
  offset: number,
  aad: Uint8Array,
): OpenedHeader {
  const raw = _readHeader(bytes, offset);
  const key = userKey._openParsed(raw.encapsulation);
  if (key === undefined) return NOT_AUTHORIZED;
  const dek = xorInto(shake(SEED, LABEL.dek, key), raw.pad);
  const metadata =
    raw.sealedMetadata === undefined
      ? undefined
      : _subkey(LABEL.metadata, dek).open(ZERO_NONCE, raw.sealedMetadata, aad);
  return { authorized: true, dek, metadata, length: raw.end - offset };
}

/**
 * Encrypts `plaintext` for `policy`: one self-contained ciphertext (header, then the payload).
 * @throws PolicyError for a policy that cannot be encrypted for; TypeError for bad arguments.
 */
export function encrypt(
  publicKey: MasterPublicKey,
  policy: string,
  plaintext: Uint8Array,
  options: EncryptOptions = {},
): Uint8Array {
  _bytes(plaintext, 'plaintext');
  const aad = _aad(options);
  const metadata =
    options.metadata === undefined ? undefined : _bytes(options.metadata, 'metadata');
  // One CSPRNG call for the KEM seed S and the DEK.
  const seeds = crypto.random.bytes(2 * SEED);
  const { key, encapsulation } = publicKey._encapsulate(policy, options, seeds.subarray(0, SEED));
  const dek = seeds.subarray(SEED);
  const w = new Writer(encapsulation.length + 96 + (metadata?.length ?? 0));
  writePrefix(w, 'ciphertext');
  _writeHeader(w, encapsulation, key, dek, metadata, aad);
  // One allocation and one copy of the payload (it matters at a megabyte).
  return w.finishWith(_subkey(LABEL.payload, dek).seal(ZERO_NONCE, plaintext, aad));
}

/**
 * Decrypts a ciphertext from `encrypt`: the plaintext and metadata, or `{ authorized: false }`
 * when the key's policy does not cover the ciphertext (or its header was altered).
 * @throws FormatError when the bytes are not a Covercrypt ciphertext; DecryptionFailed when the
 *   payload or metadata does not authenticate (altered, or wrong AAD).
 */
export function decrypt(
  userKey: UserKey,
  ciphertext: Uint8Array,
  options: DecryptOptions = {},
): Decrypted {
  const bytes = _bytes(ciphertext, 'ciphertext');
  const aad = _aad(options);
  const reader = readPrefix(bytes, 'ciphertext', 'ciphertext');
  const opened = _openHeader(userKey, bytes, reader.offset, aad);
  if (!opened.authorized) return NOT_AUTHORIZED;
  const payload = bytes.subarray(reader.offset + opened.length);
  if (payload.length < 16) throw new DecryptionFailed();
  const plaintext = _subkey(LABEL.payload, opened.dek).open(ZERO_NONCE, payload, aad);
  return { authorized: true, plaintext, metadata: opened.metadata };
}

function _batchAad(aad: Uint8Array, count: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0; i < count; i++) {
    const a = new Uint8Array(aad.length + 4);
    a.set(aad);
    new DataView(a.buffer).setUint32(aad.length, i);
    out.push(a);
  }
  return out;
}

/**
 * Encrypts many small messages under one header (one KEM operation for all): each message is
 * bound to its index, so reordering is detected; dropping messages at the end is not (keep the
 * count with the batch if that matters).
 */
export function encryptBatch(
  publicKey: MasterPublicKey,
  policy: string,
  messages: readonly Uint8Array[],
  options: EncryptOptions = {},
): { header: Uint8Array; ciphertexts: Uint8Array[] } {
  if (!Array.isArray(messages)) throw new TypeError('messages must be an array of Uint8Array');
  messages.forEach((m, i) => _bytes(m, `messages[${i}]`));
  const aad = _aad(options);
  const { header, dek } = encryptHeader(publicKey, policy, options);
  const ciphertexts = _subkey(LABEL.batch, dek).encryptMany(
    messages,
    _batchAad(aad, messages.length),
  );
  return { header, ciphertexts };
}

/**
 * Decrypts messages of `encryptBatch`: all of them, or `{ authorized: false }`.
 * @throws DecryptionFailed if any message (or the metadata) does not authenticate.
 */
export function decryptBatch(
  userKey: UserKey,
  header: Uint8Array,
  ciphertexts: readonly Uint8Array[],
  options: DecryptOptions = {},
):
  | NotAuthorized
  | {
      readonly authorized: true;
      readonly plaintexts: Uint8Array[];
      readonly metadata: Uint8Array | undefined;
    } {
  if (!Array.isArray(ciphertexts))
    throw new TypeError('ciphertexts must be an array of Uint8Array');
  ciphertexts.forEach((m, i) => _bytes(m, `ciphertexts[${i}]`));
  const aad = _aad(options);
  const opened = _openHeader(userKey, _bytes(header, 'header'), 0, aad);
  if (!opened.authorized) return NOT_AUTHORIZED;
  if (opened.length !== header.length) throw new FormatError('malformed header: trailing bytes');
  const plaintexts = _subkey(LABEL.batch, opened.dek).decryptMany(
    ciphertexts,
    _batchAad(aad, ciphertexts.length),
  );
  return { authorized: true, plaintexts, metadata: opened.metadata };
}

// ---------------------------------------------------------------------------------------------
// Streaming

const STREAM_PRIMITIVES: StreamPrimitives = Object.freeze({
  aead: crypto.aead,
  hkdfSha256: (ikm: Uint8Array, salt: Uint8Array, info: Uint8Array, length: number) =>
    crypto.kdf.hkdf('sha256', ikm, salt, info, length),
  randomBytes: (length: number) => crypto.random.bytes(length),
});

export interface StreamEncryptOptions extends EncryptOptions {
  /** Plaintext bytes per chunk (default 1 MiB; see `@custos/crypto/stream`). */
  readonly chunkSize?: number;
}

export interface CovercryptStreamEncryptor {
  /** Write first: the Covercrypt header and the stream header. */
  readonly header: Uint8Array;
  /** Encrypts what completes whole chunks; returns pieces to write in order. */
  push(plaintext: Uint8Array): Uint8Array[];
  /** Encrypts the rest as the final chunk. */
  final(): Uint8Array;
}

/**
 * Encrypts data of any size in constant memory: write `header`, then what `push` and `final`
 * return. Chunks are authenticated in order; truncation and reordering are detected.
 */
export function createStreamEncryptor(
  publicKey: MasterPublicKey,
  policy: string,
  options: StreamEncryptOptions = {},
): CovercryptStreamEncryptor {
  const aad = _aad(options);
  const { header, dek } = encryptHeader(publicKey, policy, options);
  const inner = createInnerEncryptor(STREAM_PRIMITIVES, shake(32, LABEL.stream, dek), {
    aad,
    ...(options.chunkSize === undefined ? {} : { chunkSize: options.chunkSize }),
  });
  const w = new Writer(header.length + 64);
  writePrefix(w, 'stream');
  const length = new Uint8Array(4);
  new DataView(length.buffer).setUint32(0, header.length);
  w.raw(length).raw(header).raw(inner.header);
  return {
    header: w.finish(),
    push: (plaintext) => inner.push(plaintext),
    final: () => inner.final(),
  };
}

/** Async form of `createStreamEncryptor`: yields the header, then ciphertext pieces. */
export async function* encryptStream(
  publicKey: MasterPublicKey,
  policy: string,
  source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  options: StreamEncryptOptions = {},
): AsyncGenerator<Uint8Array, void, undefined> {
  const encryptor = createStreamEncryptor(publicKey, policy, options);
  yield encryptor.header;
  for await (const piece of source) for (const out of encryptor.push(piece)) yield out;
  yield encryptor.final();
}

export type DecryptedStream =
  | NotAuthorized
  | {
      readonly authorized: true;
      readonly metadata: Uint8Array | undefined;
      /** Verified plaintext, chunk by chunk; throws DecryptionFailed at the first bad chunk or a truncation. */
      readonly plaintext: AsyncGenerator<Uint8Array, void, undefined>;
    };

/**
 * Reads a stream's header from `source` and, when the key is authorized, returns the metadata
 * and the plaintext as an async generator over the rest of the source (constant memory).
 * @throws FormatError for a malformed header; DecryptionFailed for altered metadata.
 */
export async function decryptStream(
  userKey: UserKey,
  source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  options: DecryptOptions = {},
): Promise<DecryptedStream> {
  const aad = _aad(options);
  const iterator =
    Symbol.asyncIterator in source ? source[Symbol.asyncIterator]() : source[Symbol.iterator]();
  let buffered = new Uint8Array(0);
  const fill = async (n: number): Promise<void> => {
    while (buffered.length < n) {
      const next = await iterator.next();
      if (next.done === true) throw new FormatError('malformed stream: truncated header');
      const piece = _bytes(next.value, 'stream piece');
      const joined = new Uint8Array(buffered.length + piece.length);
      joined.set(buffered);
      joined.set(piece, buffered.length);
      buffered = joined;
    }
  };
  await fill(10);
  readPrefix(buffered.subarray(0, 6), 'stream', 'stream');
  const headerLength = new DataView(buffered.buffer, buffered.byteOffset + 6, 4).getUint32(0);
  if (headerLength > MAX_STREAM_HEADER) throw new FormatError('malformed stream: header too long');
  await fill(10 + headerLength);
  const header = buffered.subarray(10, 10 + headerLength);
  const opened = _openHeader(userKey, header, 0, aad);
  if (!opened.authorized) {
    await iterator.return?.();
    return NOT_AUTHORIZED;
  }
  if (opened.length !== headerLength)
    throw new FormatError('malformed stream: header length mismatch');
  const decryptor = createStreamDecryptor(STREAM_PRIMITIVES, shake(32, LABEL.stream, opened.dek), {
    aad,
  });
  const rest = buffered.subarray(10 + headerLength);
  async function* plaintext(): AsyncGenerator<Uint8Array, void, undefined> {
    for (const out of decryptor.push(rest)) yield out;
    for (;;) {
      const next = await iterator.next();
      if (next.done === true) break;
      for (const out of decryptor.push(_bytes(next.value, 'stream piece'))) yield out;
    }
    yield decryptor.final();
  }
  return { authorized: true, metadata: opened.metadata, plaintext: plaintext() };
}

// ---------------------------------------------------------------------------------------------
// Re-encapsulation (authority side)

/**
 * Re-encapsulates a header, a ciphertext or a stream for the same rights under their latest
 * revisions (after a rekey), keeping the DEK: the payload bytes are copied unchanged, so a
 * large object is re-protected by rewriting only its header. Returns the new bytes in the same
 * format, or undefined when the master key cannot open it (altered, or pruned revisions).
 * Note: someone who already decrypted the object knows the DEK; re-encrypt the payload with
 * `encrypt` if that matters.
 * @throws FormatError for bytes that are not one of the three formats; PolicyError when a target
 *   right became decrypt-only.
 */
export function reencapsulate(
  masterKey: MasterSecretKey,
  bytes: Uint8Array,
): Uint8Array | undefined {
  _bytes(bytes, 'bytes');
  const kind = kindOf(bytes);
  let headerOffset: number;
  if (kind === 'header') headerOffset = 0;
  else if (kind === 'ciphertext')
    headerOffset = readPrefix(bytes, 'ciphertext', 'ciphertext').offset;
  else if (kind === 'stream')
    headerOffset = readPrefix(bytes.subarray(0, 6), 'stream', 'stream').offset + 4;
  else throw new FormatError('not a Covercrypt header, ciphertext or stream');
  const raw = _readHeader(bytes, headerOffset);
  const result = masterKey._reencapsulate(bytes, raw.encOffset);
  if (result === undefined) return undefined;
  const dek = xorInto(shake(SEED, LABEL.dek, result.oldKey), raw.pad);
  const w = new Writer(bytes.length + 4096);
  if (kind === 'ciphertext') writePrefix(w, 'ciphertext');
  const h = new Writer(result.encapsulation.length + 64);
  writePrefix(h, 'header')
    .raw(result.encapsulation)
    .raw(xorInto(shake(SEED, LABEL.dek, result.newKey), dek));
  if (raw.sealedMetadata === undefined) h.varint(0);
  else h.bytes(raw.sealedMetadata);
  const header = h.finish();
  if (kind === 'stream') {
    writePrefix(w, 'stream');
    const length = new Uint8Array(4);
    new DataView(length.buffer).setUint32(0, header.length);
    w.raw(length);
  }
  w.raw(header).raw(bytes.subarray(raw.end));
  return w.finish();
}
