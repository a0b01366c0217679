/**
 * Server-side symmetric file encryption (`custos sym encrypt --server-side`): the key never
 * leaves the KMS; the data goes to it in chunks, each one an AES-GCM Encrypt call whose
 * associated data binds the file header, the chunk index and the final flag (format in
 * `_file-format.ts`). Reordering, dropping, duplicating, truncating or extending records, or
 * altering the header, fail decryption. One round trip per chunk (1 MiB by default): meant for
 * data of modest size, or keys that must not be exported.
 */
import {
  encodeHeader,
  encodeRecordHead,
  KMS_RECORD_HEAD,
  parseRecordHead,
  recordAad,
  type FileHeader,
  type RecordHead,
} from './_file-format.ts';
import { integrityFailure } from './_stream-errors.ts';
import type { ByteReader, Source } from './_stream-io.ts';

export const KMS_DEFAULT_CHUNK = 1 << 20;

/** The KMS operations the chunked format needs (AES-GCM with a server-made IV). */
export interface ChunkCipher {
  encrypt(
    data: Uint8Array,
    aad: Uint8Array,
  ): Promise<{ data: Uint8Array; iv: Uint8Array; tag: Uint8Array }>;
  decrypt(data: Uint8Array, iv: Uint8Array, tag: Uint8Array, aad: Uint8Array): Promise<Uint8Array>;
}

async function* sealChunks(
  cipher: ChunkCipher,
  header: Uint8Array,
  chunkSize: number,
  source: Source,
): AsyncGenerator<Uint8Array, void, undefined> {
  const buffer = new Uint8Array(chunkSize);
  let fill = 0;
  let index = 0;
  const seal = async (final: boolean): Promise<Uint8Array[]> => {
    const data = buffer.subarray(0, fill);
    const r = await cipher.encrypt(data, recordAad(header, index++, final));
    if (r.data.length !== data.length)
      throw new Error('the server answered an AES-GCM Encrypt with a ciphertext of another length');
    return [encodeRecordHead(final, data.length, r.iv, r.tag), r.data];
  };
  for await (const piece of source) {
    let at = 0;
    while (at < piece.length) {
      const take = Math.min(chunkSize - fill, piece.length - at);
      buffer.set(piece.subarray(at, at + take), fill);
      fill += take;
      at += take;
      if (fill === chunkSize) {
        yield* await seal(false);
        fill = 0;
      }
    }
  }
  yield* await seal(true);
}

/** Encrypts `source` through the KMS: yields the header, then the records. */
export function encryptThroughKms(
  cipher: ChunkCipher,
  keyId: string,
  source: Source,
  chunkSize: number = KMS_DEFAULT_CHUNK,
): AsyncGenerator<Uint8Array, void, undefined> {
  const header = encodeHeader({ suite: 'kms', keyId, chunkSize });
  return (async function* () {
    yield header;
    yield* sealChunks(cipher, header, chunkSize, source);
  })();
}

/**
 * Decrypts the records after a `kms` header, through the KMS. Yields each record's plaintext
 * once the KMS verified it; a missing final record, or bytes after it, fail at the end.
 */
export async function* decryptThroughKms(
  cipher: ChunkCipher,
  header: FileHeader,
  reader: ByteReader,
): AsyncGenerator<Uint8Array, void, undefined> {
  const chunkSize = header.chunkSize as number;
  for (let index = 0; ; index++) {
    const head = await reader.read(KMS_RECORD_HEAD);
    if (head.length < KMS_RECORD_HEAD) throw integrityFailure('the data ends early');
    let record: RecordHead;
    try {
      record = parseRecordHead(head, chunkSize);
    } catch {
      throw integrityFailure('malformed record');
    }
    const data = await reader.read(record.length);
    if (data.length < record.length) throw integrityFailure('the data ends early');
    yield await cipher.decrypt(
      data,
      record.iv,
      record.tag,
      recordAad(header.bytes, index, record.final),
    );
    if (record.final) {
      if (!(await reader.atEnd())) throw integrityFailure('bytes follow the final record');
      return;
    }
  }
}
