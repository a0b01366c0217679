/**
 * The envelope of the files `custos sym|rsa|ec|pqc encrypt` write (docs/cli-file-formats.md):
 * a small header naming the suite and the KMS key, then the payload.
 *
 * ```
 * header:
 *   0..3   magic "CSTF"
 *   4      version = 1
 *   5      suite (SUITES below)
 *   6..7   n = key id length, u16be (1..1024)
 *   8..    key id, UTF-8: the KMS symmetric key, or the recipient's public key
 *   ..     w = wrapped data key length, u16be (0 for the symmetric suites)
 *   ..     wrapped data key (w bytes)
 *   ..     suite `kms` only: chunk size C, u32be (16..2^24)
 * payload:
 *   sym, hybrid suites: Custos STREAM (docs/crypto/aead-and-streaming.md) under the KMS key
 *     (sym) or the data key (hybrid), associated data = SHA-256(header)
 *   kms: records (below), each encrypted by the KMS
 * ```
 *
 * A `kms` record: flags (1 byte, 0x01 = final) ‖ L u32be ‖ IV (12) ‖ tag (16) ‖ ciphertext (L).
 * Record i is AES-256-GCM by the KMS with associated data header ‖ u32be(i) ‖ flags; records
 * before the final one hold exactly C bytes, the final one 0..C-1. Pure functions, no I/O.
 */

export const FILE_MAGIC = Uint8Array.of(0x43, 0x53, 0x54, 0x46); // "CSTF"
export const FILE_VERSION = 1;
export const MAX_KEY_ID_BYTES = 1024;
/** Largest wrapped key accepted (an ML-KEM-1024 one is 1616 bytes, RSA-8192 1024). */
export const MAX_WRAPPED_KEY_BYTES = 8192;
export const KMS_MIN_CHUNK = 16;
/** 16 MiB: a record is one KMS request, which the server caps (16 MiB body by default). */
export const KMS_MAX_CHUNK = 1 << 24;
/** Bytes of a `kms` record before its ciphertext. */
export const KMS_RECORD_HEAD = 1 + 4 + 12 + 16;

/** Suites of the envelope: name → id byte. */
export const SUITES = {
  sym: 0x01,
  kms: 0x02,
  'rsa-oaep-sha256': 0x10,
  'hpke-p256': 0x20,
  'hpke-x25519': 0x21,
  'hpke-x-wing': 0x22,
  'ml-kem-512': 0x30,
  'ml-kem-768': 0x31,
  'ml-kem-1024': 0x32,
} as const;

export type SuiteName = keyof typeof SUITES;
export type HybridSuite = Exclude<SuiteName, 'sym' | 'kms'>;

const SUITE_BY_ID: ReadonlyMap<number, SuiteName> = new Map(
  (Object.entries(SUITES) as [SuiteName, number][]).map(([name, id]) => [id, name]),
);

/** A header as parsed: its fields and its exact bytes (the STREAM associated data). */
export interface FileHeader {
  readonly suite: SuiteName;
  readonly keyId: string;
  readonly wrappedKey: Uint8Array;
  /** `kms` suite: plaintext bytes per record. */
  readonly chunkSize?: number;
  readonly bytes: Uint8Array;
}

/** The input is not a file of this format (or an unsupported version of it). */
export class FileFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FileFormatError';
  }
}

const utf8 = new TextEncoder();
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

export function isHybrid(suite: SuiteName): suite is HybridSuite {
  return suite !== 'sym' && suite !== 'kms';
}

/**
 * Encodes a header.
 * @throws RangeError for a key id outside 1..1024 UTF-8 bytes, a wrapped key too long, a
 *   chunk size out of range, or fields that do not fit the suite.
 */
export function encodeHeader(fields: {
  suite: SuiteName;
  keyId: string;
  wrappedKey?: Uint8Array;
  chunkSize?: number;
}): Uint8Array {
  const id = utf8.encode(fields.keyId);
  if (id.length === 0 || id.length > MAX_KEY_ID_BYTES)
    throw new RangeError(`key id must be 1 to ${MAX_KEY_ID_BYTES} UTF-8 bytes`);
  const wrapped = fields.wrappedKey ?? new Uint8Array(0);
  if (isHybrid(fields.suite) !== wrapped.length > 0)
    throw new RangeError(
      `suite ${fields.suite} ${isHybrid(fields.suite) ? 'needs' : 'takes no'} wrapped key`,
    );
  if (wrapped.length > MAX_WRAPPED_KEY_BYTES) throw new RangeError('wrapped key too long');
  const kms = fields.suite === 'kms';
  if (kms !== (fields.chunkSize !== undefined))
    throw new RangeError('a chunk size goes with the kms suite, and only with it');
  const c = fields.chunkSize ?? 0;
  if (kms && (!Number.isSafeInteger(c) || c < KMS_MIN_CHUNK || c > KMS_MAX_CHUNK))
    throw new RangeError(`chunk size must be ${KMS_MIN_CHUNK} to ${KMS_MAX_CHUNK}`);
  const out = new Uint8Array(8 + id.length + 2 + wrapped.length + (kms ? 4 : 0));
  const view = new DataView(out.buffer);
  out.set(FILE_MAGIC, 0);
  out[4] = FILE_VERSION;
  out[5] = SUITES[fields.suite];
  view.setUint16(6, id.length);
  out.set(id, 8);
  let at = 8 + id.length;
  view.setUint16(at, wrapped.length);
  out.set(wrapped, at + 2);
  at += 2 + wrapped.length;
  if (kms) view.setUint32(at, c);
  return out;
}

/** True when `bytes` (at least 4) start with the envelope magic. */
export function hasFileMagic(bytes: Uint8Array): boolean {
  return FILE_MAGIC.every((b, i) => bytes[i] === b);
}

/**
 * Reads a header through `read(n)` (exactly n bytes, or fewer when the input ends).
 * @throws FileFormatError for another format, an unknown version or suite, or a bad field.
 */
export async function readHeader(read: (n: number) => Promise<Uint8Array>): Promise<FileHeader> {
  const parts: Uint8Array[] = [];
  const take = async (n: number, what: string): Promise<Uint8Array> => {
    const b = await read(n);
    if (b.length < n)
      throw new FileFormatError(`not a Custos encrypted file (ends in its ${what})`);
    parts.push(b);
    return b;
  };
  const fixed = await take(8, 'header');
  if (!hasFileMagic(fixed)) throw new FileFormatError('not a Custos encrypted file');
  if (fixed[4] !== FILE_VERSION)
    throw new FileFormatError(`unsupported Custos file version ${fixed[4] ?? 0}`);
  const suite = SUITE_BY_ID.get(fixed[5] ?? 0);
  if (suite === undefined)
    throw new FileFormatError(`unknown suite 0x${(fixed[5] ?? 0).toString(16)} in the file header`);
  const view = (b: Uint8Array): DataView => new DataView(b.buffer, b.byteOffset, b.length);
  const idLength = view(fixed).getUint16(6);
  if (idLength === 0 || idLength > MAX_KEY_ID_BYTES)
    throw new FileFormatError('bad key id length in the file header');
  let keyId: string;
  try {
    keyId = strictUtf8.decode(await take(idLength, 'key id'));
  } catch (error) {
    if (error instanceof FileFormatError) throw error;
    throw new FileFormatError('the key id in the file header is not UTF-8');
  }
  const wrappedLength = view(await take(2, 'header')).getUint16(0);
  if (isHybrid(suite) !== wrappedLength > 0 || wrappedLength > MAX_WRAPPED_KEY_BYTES)
    throw new FileFormatError('bad wrapped key length in the file header');
  const wrappedKey =
    wrappedLength === 0 ? new Uint8Array(0) : (await take(wrappedLength, 'wrapped key')).slice();
  let chunkSize: number | undefined;
  if (suite === 'kms') {
    chunkSize = view(await take(4, 'header')).getUint32(0);
    if (chunkSize < KMS_MIN_CHUNK || chunkSize > KMS_MAX_CHUNK)
      throw new FileFormatError('bad chunk size in the file header');
  }
  const bytes = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    bytes.set(p, at);
    at += p.length;
  }
  return chunkSize === undefined
    ? { suite, keyId, wrappedKey, bytes }
    : { suite, keyId, wrappedKey, chunkSize, bytes };
}

/** Associated data of `kms` record `index`: header ‖ u32be(index) ‖ flags. */
export function recordAad(header: Uint8Array, index: number, final: boolean): Uint8Array {
  if (!Number.isSafeInteger(index) || index < 0 || index > 0xffffffff)
    throw new RangeError('too many records (2^32)');
  const out = new Uint8Array(header.length + 5);
  out.set(header, 0);
  new DataView(out.buffer).setUint32(header.length, index);
  out[header.length + 4] = final ? 1 : 0;
  return out;
}

/** The head of a `kms` record (flags, length, IV, tag); the ciphertext follows it. */
export function encodeRecordHead(
  final: boolean,
  length: number,
  iv: Uint8Array,
  tag: Uint8Array,
): Uint8Array {
  if (iv.length !== 12 || tag.length !== 16)
    throw new RangeError('a kms record holds a 12-byte IV and a 16-byte tag');
  const out = new Uint8Array(KMS_RECORD_HEAD);
  out[0] = final ? 1 : 0;
  new DataView(out.buffer).setUint32(1, length);
  out.set(iv, 5);
  out.set(tag, 17);
  return out;
}

export interface RecordHead {
  readonly final: boolean;
  readonly length: number;
  readonly iv: Uint8Array;
  readonly tag: Uint8Array;
}

/**
 * Parses a record head (KMS_RECORD_HEAD bytes).
 * @throws FileFormatError for unknown flags or a length over `chunkSize`.
 */
export function parseRecordHead(head: Uint8Array, chunkSize: number): RecordHead {
  const flags = head[0] ?? 0;
  if ((flags & ~1) !== 0) throw new FileFormatError('bad record flags');
  const length = new DataView(head.buffer, head.byteOffset, head.length).getUint32(1);
  const final = flags === 1;
  if (final ? length >= chunkSize : length !== chunkSize)
    throw new FileFormatError('bad record length');
  return {
    final,
    length,
    iv: head.slice(5, 17),
    tag: head.slice(17, 33),
  };
}
