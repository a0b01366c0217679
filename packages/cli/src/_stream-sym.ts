/**
 * Local symmetric file encryption: the envelope header (suite `sym`, the KMS key id), then the
 * Custos STREAM format under the key exported from the KMS, bound to the header as associated
 * data (its SHA-256). AES-256-GCM for AES keys, ChaCha20-Poly1305 for ChaCha20 keys; 1 MiB chunks; memory
 * stays at a few chunks whatever the size.
 */
import { provider } from '@custos/crypto';
import { decryptStream, encryptStream, type StreamAlgorithm } from '@custos/crypto/stream';
import { encodeHeader, type FileHeader } from './_file-format.ts';
import type { Source } from './_stream-io.ts';

/**
 * Encrypts `source` under `key` (32 bytes): yields the header, then the STREAM.
 * @throws RangeError for a bad key id or key (at once, before anything is yielded).
 */
export function encryptSymmetric(
  key: Uint8Array,
  keyId: string,
  source: Source,
  algorithm: StreamAlgorithm = 'aes-256-gcm',
): AsyncGenerator<Uint8Array, void, undefined> {
  const header = encodeHeader({ suite: 'sym', keyId });
  const body = encryptStream(provider.stream, key, source, { algorithm, aad: headerAad(header) });
  return (async function* () {
    yield header;
    yield* body;
  })();
}

/**
 * Decrypts what follows a parsed `sym` (or hybrid) header: verified plaintext, chunk by chunk.
 * Throws `DecryptionFailed` for altered or truncated data (a cut is seen at the end only).
 */
export function decryptWithHeader(
  key: Uint8Array,
  header: FileHeader,
  rest: AsyncIterable<Uint8Array>,
): AsyncGenerator<Uint8Array, void, undefined> {
  return decryptStream(provider.stream, key, rest, { aad: headerAad(header.bytes) });
}

/**
 * The STREAM associated data of a header: its SHA-256 (binds every header byte; a digest
 * rather than the bytes because a hybrid header can exceed the 1024 bytes of HKDF info that
 * node's native HKDF accepts).
 */
export function headerAad(header: Uint8Array): Uint8Array {
  return provider.hash.digest('sha256', header);
}
