/**
 * Covercrypt Encrypt and Decrypt, reached from `op-crypt.ts` when the key's Cryptographic
 * Algorithm is `CoverCrypt`:
 *
 * - **Encrypt** with the master public key: `Data` = LEB128 policy length ‖ encryption policy ‖
 *   plaintext (Cosmian's layout); the Authenticated Encryption Additional Data is bound to the
 *   ciphertext and must be given again to decrypt. The result is a Custos Covercrypt ciphertext
 *   (docs/covercrypt.md §6), hidden policy.
 * - **Decrypt** with a user key: `Data` = that ciphertext; the plaintext comes back, or
 *   `ERR_KMS_ACCESS_POLICY_DENIED` when the key's access policy does not open it (with hidden
 *   policies, an altered header gives the same answer).
 * - **Bulk**: with Cryptographic Parameters naming `CoverCryptBulk`, the plaintext part is
 *   Cosmian's list of messages (LEB128 count, then length-prefixed messages) and the result one
 *   header followed by the messages (`_covercrypt-data.ts`): one KEM operation for all.
 *
 * Usage masks (Encrypt on the public key, Decrypt on user keys) and states (an Active key to
 * encrypt; Active, Deactivated or Compromised to decrypt) apply as for every key.
 */
import {
  decrypt as ccDecrypt,
  decryptBatch,
  encrypt as ccEncrypt,
  encryptBatch,
} from '@custos/covercrypt';
import { CryptoError } from '@custos/crypto';
import {
  CryptographicUsageMask,
  Operation,
  encodeResponsePayload,
  type DecryptRequest,
  type EncryptRequest,
} from '@custos/kmip';
import type { OperationContext, OperationResult } from './context.ts';
import { KmsError } from './errors.ts';
import type { LoadedObject } from './repository.ts';
import { checkUsageMask } from './rules.ts';
import { COVERCRYPT_BULK, covercryptError } from './_covercrypt-attributes.ts';
import {
  bulkAad,
  readBulkCiphertext,
  readItems,
  splitPolicy,
  writeItems,
} from './_covercrypt-data.ts';
import { publicKeyOf, requireRole, userKeyOf } from './_covercrypt-keys.ts';

const EMPTY = new Uint8Array(0);

function isBulk(req: EncryptRequest | DecryptRequest): boolean {
  return req.cryptographicParameters?.cryptographicAlgorithm === COVERCRYPT_BULK;
}

function refuseIv(req: EncryptRequest | DecryptRequest): void {
  if (req.ivCounterNonce !== undefined)
    throw new KmsError(
      'ERR_KMS_BAD_CRYPTOGRAPHIC_PARAMETERS',
      'Covercrypt takes no IV/Counter/Nonce',
    );
}

/** Covercrypt library failures other than "not authorized" as KMS errors. */
function guard<T>(fn: () => T, code: 'policy' | 'structure'): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof KmsError) throw error;
    // Integrity failures stay uniform (`toKmsError`: Cryptographic Failure).
    if (error instanceof CryptoError) throw error;
    return covercryptError(error, code);
  }
}

export async function covercryptEncrypt(
  ctx: OperationContext,
  req: EncryptRequest,
  loaded: LoadedObject,
): Promise<OperationResult> {
  requireRole(loaded, 'master-public', 'Covercrypt encryption');
  checkUsageMask(loaded.record, CryptographicUsageMask.Encrypt, 'encryption');
  refuseIv(req);
  const mpk = await publicKeyOf(loaded, ctx.config.vendorIdentification);
  const { policy, plaintext } = splitPolicy(req.data as Uint8Array);
  const aad = req.authenticatedEncryptionAdditionalData ?? EMPTY;
  let data: Uint8Array;
  if (isBulk(req)) {
    const messages = readItems(plaintext, 'Covercrypt bulk plaintext (LEB128 count, items)');
    const { header, ciphertexts } = guard(
      () => encryptBatch(mpk, policy, messages, { aad: bulkAad(aad, messages.length) }),
      'policy',
    );
    data = writeItems(ciphertexts, header);
  } else {
    data = guard(() => ccEncrypt(mpk, policy, plaintext, { aad }), 'policy');
  }
  return {
    payload: encodeResponsePayload(
      Operation.Encrypt,
      { uniqueIdentifier: loaded.record.uid, data },
      ctx.version,
    ),
    uids: [],
    subject: loaded.record.uid,
  };
}

function denied(uid: string): never {
  throw new KmsError(
    'ERR_KMS_ACCESS_POLICY_DENIED',
    `the access policy of user key ${uid} does not open this ciphertext (or it was altered)`,
  );
}

export async function covercryptDecrypt(
  ctx: OperationContext,
  req: DecryptRequest,
  loaded: LoadedObject,
): Promise<OperationResult> {
  requireRole(loaded, 'user', 'Covercrypt decryption');
  checkUsageMask(loaded.record, CryptographicUsageMask.Decrypt, 'decryption');
  refuseIv(req);
  if (req.authenticatedEncryptionTag !== undefined)
    throw new KmsError(
      'ERR_KMS_BAD_CRYPTOGRAPHIC_PARAMETERS',
      'a Covercrypt ciphertext carries its own tags (no Authenticated Encryption Tag)',
    );
  const usk = await userKeyOf(loaded, ctx.config.vendorIdentification);
  const aad = req.authenticatedEncryptionAdditionalData ?? EMPTY;
  const uid = loaded.record.uid;
  let data: Uint8Array;
  if (isBulk(req)) {
    const { header, ciphertexts } = readBulkCiphertext(req.data as Uint8Array);
    const r = guard(
      () => decryptBatch(usk, header, ciphertexts, { aad: bulkAad(aad, ciphertexts.length) }),
      'policy',
    );
    if (!r.authorized) denied(uid);
    data = writeItems(r.plaintexts);
  } else {
    const r = guard(() => ccDecrypt(usk, req.data as Uint8Array, { aad }), 'policy');
    if (!r.authorized) denied(uid);
    data = r.plaintext;
  }
  return {
    payload: encodeResponsePayload(Operation.Decrypt, { uniqueIdentifier: uid, data }, ctx.version),
    uids: [],
    subject: uid,
  };
}
