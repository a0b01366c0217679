/**
 * Wire format of the Custos streaming AEAD (version 1): header layout, per-chunk nonces, the
 * segment-key derivation input, and the chunk framer both directions share. The format is
 * specified in docs/crypto/aead-and-streaming.md; this file is its only implementation.
 *
 * ```
 * header (49 bytes):
 *   0..3   magic "CSTM"
 *   4      version = 1
 *   5      AEAD id: 1 = AES-256-GCM, 2 = ChaCha20-Poly1305
 *   6..9   chunk size C, big-endian u32 (plaintext bytes in every non-final chunk)
 *   10..41 salt (32 random bytes)
 *   42..48 nonce prefix (7 random bytes)
 * chunk i: AEAD(segmentKey, nonce_i, plaintext_i) = ciphertext_i || tag_i (16 bytes)
 *   nonce_i = prefix || u32be(i) || (i is the final chunk ? 0x01 : 0x00)
 *   every chunk but the last holds exactly C plaintext bytes; the last holds 0..C-1
 * segmentKey = HKDF-SHA-256(ikm = master key, salt, info = LABEL || header || aad, 32)
 * ```
 */
import { EMPTY } from './_assert.ts';
import { InvalidEncoding } from './errors.ts';

export type StreamAlgorithm = 'aes-256-gcm' | 'chacha20-poly1305';
export const STREAM_ALGORITHMS: readonly StreamAlgorithm[] = Object.freeze([
  'aes-256-gcm',
  'chacha20-poly1305',
]);

export const STREAM_MAGIC: Uint8Array = Uint8Array.of(0x43, 0x53, 0x54, 0x4d); // "CSTM"
export const STREAM_VERSION = 1;
export const HEADER_LENGTH = 49;
export const SALT_LENGTH = 32;
export const NONCE_PREFIX_LENGTH = 7;
export const TAG_LENGTH = 16;
/** Master and segment keys are 32 bytes (both AEADs take 256-bit keys). */
export const STREAM_KEY_LENGTH = 32;
export const MIN_CHUNK_SIZE = 16;
/** 64 MiB: a decryptor buffers one chunk, so this bounds what a hostile header can make it hold. */
export const MAX_CHUNK_SIZE = 2 ** 26;
/** 1 MiB: amortises node's ~4 µs per-call cost to under 1% while keeping memory small. */
export const DEFAULT_CHUNK_SIZE = 2 ** 20;
/** The chunk counter is 32 bits. */
export const MAX_CHUNKS = 2 ** 32;

const ALGORITHM_IDS: Readonly<Record<StreamAlgorithm, number>> = {
  'aes-256-gcm': 1,
  'chacha20-poly1305': 2,
};

/** Domain separation for the segment-key derivation. */
const KEY_LABEL = new TextEncoder().encode('custos stream v1 segment key');

export interface StreamHeader {
  readonly algorithm: StreamAlgorithm;
  readonly chunkSize: number;
  readonly salt: Uint8Array;
  readonly noncePrefix: Uint8Array;
  /** The 49 header bytes as written. */
  readonly bytes: Uint8Array;
}

export function encodeHeader(
  algorithm: StreamAlgorithm,
  chunkSize: number,
  salt: Uint8Array,
  noncePrefix: Uint8Array,
): Uint8Array {
  const bytes = new Uint8Array(HEADER_LENGTH);
  bytes.set(STREAM_MAGIC, 0);
  bytes[4] = STREAM_VERSION;
  bytes[5] = ALGORITHM_IDS[algorithm];
  new DataView(bytes.buffer).setUint32(6, chunkSize);
  bytes.set(salt, 10);
  bytes.set(noncePrefix, 42);
  return bytes;
}

/**
 * Parses and checks a header. Throws `InvalidEncoding` for a wrong magic, an unknown version or
 * AEAD, or a chunk size outside [MIN_CHUNK_SIZE, maxChunkSize]. Tampering with the salt, the
 * prefix or a still-valid chunk size is caught later: the header is bound into the key.
 */
export function parseHeader(bytes: Uint8Array, maxChunkSize: number): StreamHeader {
  for (let i = 0; i < STREAM_MAGIC.length; i++) {
    if (bytes[i] !== STREAM_MAGIC[i]) throw new InvalidEncoding('not a Custos stream');
  }
  if (bytes[4] !== STREAM_VERSION) throw new InvalidEncoding('unsupported stream version');
  const algorithm = STREAM_ALGORITHMS.find((a) => ALGORITHM_IDS[a] === bytes[5]);
  if (algorithm === undefined) throw new InvalidEncoding('unknown stream AEAD');
  const chunkSize = new DataView(bytes.buffer, bytes.byteOffset, bytes.length).getUint32(6);
  if (chunkSize < MIN_CHUNK_SIZE || chunkSize > maxChunkSize) {
    throw new InvalidEncoding('stream chunk size out of range');
  }
  const copy = bytes.slice(0, HEADER_LENGTH);
  return {
    algorithm,
    chunkSize,
    salt: copy.subarray(10, 42),
    noncePrefix: copy.subarray(42, 49),
    bytes: copy,
  };
}

/** HKDF info: label || header || caller's associated data (header length is fixed). */
export function segmentKeyInfo(header: Uint8Array, aad: Uint8Array): Uint8Array {
  const info = new Uint8Array(KEY_LABEL.length + header.length + aad.length);
  info.set(KEY_LABEL, 0);
  info.set(header, KEY_LABEL.length);
  info.set(aad, KEY_LABEL.length + header.length);
  return info;
}

/** prefix || u32be(index) || final flag. */
export function chunkNonce(prefix: Uint8Array, index: number, final: boolean): Uint8Array {
  const nonce = new Uint8Array(12);
  nonce.set(prefix, 0);
  nonce[7] = (index >>> 24) & 0xff;
  nonce[8] = (index >>> 16) & 0xff;
  nonce[9] = (index >>> 8) & 0xff;
  nonce[10] = index & 0xff;
  nonce[11] = final ? 1 : 0;
  return nonce;
}

/**
 * Cuts an input of arbitrary splits into pieces of exactly `size` bytes, holding back what does
 * not yet fill one. Full pieces that lie inside one input are yielded as views of that input
 * (no copy); pieces assembled across inputs come from one reused internal buffer. A yielded
 * piece is valid only until the generator is resumed: consume it (encrypt/decrypt it) first.
 */
export class ChunkFramer {
  readonly #size: number;
  #buffer: Uint8Array | undefined;
  #fill = 0;

  constructor(size: number) {
    this.#size = size;
  }

  *push(input: Uint8Array): Generator<Uint8Array, void, undefined> {
    const size = this.#size;
    let offset = 0;
    if (this.#fill > 0) {
      const buffer = this.#buffer as Uint8Array;
      const take = Math.min(size - this.#fill, input.length);
      buffer.set(input.subarray(0, take), this.#fill);
      this.#fill += take;
      offset = take;
      if (this.#fill < size) return;
      this.#fill = 0;
      yield buffer;
    }
    while (input.length - offset >= size) {
      yield input.subarray(offset, offset + size);
      offset += size;
    }
    if (offset < input.length) {
      this.#buffer ??= new Uint8Array(size);
      this.#buffer.set(input.subarray(offset), 0);
      this.#fill = input.length - offset;
    }
  }

  /** What is held back (fewer than `size` bytes), as a view of the internal buffer. */
  rest(): Uint8Array {
    return this.#buffer === undefined ? EMPTY : this.#buffer.subarray(0, this.#fill);
  }
}
