/**
 * Covercrypt file encryption for `custos cc encrypt|decrypt`. Files are the formats of
 * `@custos/covercrypt` itself (docs/covercrypt.md), so any Covercrypt implementation of Custos
 * reads them:
 *
 * - local encryption writes a Covercrypt stream ("CVCS": header for the policy, then the
 *   Custos STREAM under a key derived from the data key), in constant memory;
 * - server-side encryption (the KMS Encrypt with the master public key) writes a one-shot
 *   Covercrypt ciphertext ("CVCE"), limited in size by what one request carries.
 *
 * Decryption reads either: a stream in constant memory, a one-shot ciphertext in memory (up to
 * the same limit).
 */
import {
  createStreamEncryptor,
  decrypt,
  decryptStream,
  type MasterPublicKey,
  type UserKey,
} from '@custos/covercrypt';
import { FileError } from './_errors.ts';
import { notAuthorized } from './_stream-errors.ts';
import type { ByteReader, Source } from './_stream-io.ts';

/** "CVCS" and "CVCE" (version and suite bytes follow). */
const STREAM_MAGIC = 'CVCS';
const CIPHERTEXT_MAGIC = 'CVCE';

/**
 * Largest one-shot Covercrypt ciphertext handled in memory, and largest input of server-side
 * encryption: 4 MiB, so that one request (hex in JSON TTLV doubles it) stays under the server's
 * default 16 MiB body limit.
 */
export const ONE_SHOT_LIMIT = 4 << 20;

export type CovercryptKind = 'stream' | 'ciphertext';

/** Which Covercrypt format `head` (4 bytes or more) starts, if any. */
export function covercryptKind(head: Uint8Array): CovercryptKind | undefined {
  const magic = String.fromCharCode(...head.subarray(0, 4));
  if (magic === STREAM_MAGIC) return 'stream';
  if (magic === CIPHERTEXT_MAGIC) return 'ciphertext';
  return undefined;
}

/**
 * Starts encrypting for `policy`; the policy is checked at once (PolicyError), before any output.
 */
export function encryptCovercrypt(
  publicKey: MasterPublicKey,
  policy: string,
  source: Source,
  aad?: Uint8Array,
): AsyncGenerator<Uint8Array, void, undefined> {
  const encryptor = createStreamEncryptor(publicKey, policy, aad === undefined ? {} : { aad });
  return (async function* () {
    yield encryptor.header;
    for await (const piece of source) yield* encryptor.push(piece);
    yield encryptor.final();
  })();
}

/** Reads the whole rest of `reader`, up to `limit` bytes. @throws FileError beyond it. */
export async function readAll(
  reader: ByteReader,
  limit: number,
  prefix: Uint8Array = new Uint8Array(0),
): Promise<Uint8Array> {
  const parts: Uint8Array[] = [prefix];
  let total = prefix.length;
  for await (const piece of reader.rest()) {
    total += piece.length;
    if (total > limit)
      throw new FileError(
        `input larger than ${limit >> 20} MiB: one-shot Covercrypt data is limited to that (use local streaming)`,
      );
    parts.push(piece);
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

async function* prepend(
  head: Uint8Array,
  rest: AsyncIterable<Uint8Array>,
): AsyncGenerator<Uint8Array, void, undefined> {
  yield head;
  yield* rest;
}

/**
 * Decrypts Covercrypt data whose first bytes `head` were already read from `reader`.
 * @throws the not-authorized CliError when the user key's policy does not open it; FormatError
 *   for other data; DecryptionFailed when it was altered.
 */
export async function decryptCovercrypt(
  userKey: UserKey,
  userKeyId: string,
  head: Uint8Array,
  reader: ByteReader,
  aad?: Uint8Array,
): Promise<AsyncIterable<Uint8Array> | Iterable<Uint8Array>> {
  const options = aad === undefined ? {} : { aad };
  if (covercryptKind(head) === 'ciphertext') {
    const r = decrypt(userKey, await readAll(reader, ONE_SHOT_LIMIT, head), options);
    if (!r.authorized) throw notAuthorized(userKeyId);
    return [r.plaintext];
  }
  const r = await decryptStream(userKey, prepend(head, reader.rest()), options);
  if (!r.authorized) throw notAuthorized(userKeyId);
  return r.plaintext;
}
