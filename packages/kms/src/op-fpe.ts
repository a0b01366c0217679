/**
 * FPE Encrypt and Decrypt (FF1, NIST SP 800-38G, through `@custos/fpe`), reached from
 * `op-crypt.ts` when the key's Cryptographic Algorithm is `FPE_FF1` (Cosmian's 0x88800001; an
 * AES key of 128, 192 or 256 bits made for FPE only, so that one key never serves two modes):
 *
 * - `Data`: the value as UTF-8 text (`"4111 1111 1111 1111"`, `"1234.50"`, `"2024-03-01"`);
 * - `IV/Counter/Nonce`: the tweak (optional; the same at decryption);
 * - `Authenticated Encryption Additional Data`: the format (`_fpe-format.ts`);
 * - the result: the encrypted value as UTF-8 text, of the same format.
 *
 * Usage mask: Encrypt or FPE Encrypt to encrypt, Decrypt or FPE Decrypt to decrypt.
 */
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
import type { ObjectRecord } from './model.ts';
import { keyBytes } from './_objects.ts';
import { FPE_FF1, fpeCipher, fpeError, formatText, type FpeCipher } from './_fpe-format.ts';

/** True for the keys the FPE operations handle. */
export function isFpeKey(record: ObjectRecord): boolean {
  return record.attributes.cryptographicAlgorithm === FPE_FF1;
}

const EMPTY = new Uint8Array(0);
/** Ciphers cached per key and format (formats are few per key; the cache stays small). */
const MAX_CACHED_FORMATS = 32;

function checkMask(record: ObjectRecord, bits: number, what: string): void {
  const mask = record.attributes.cryptographicUsageMask;
  if (mask === undefined || (mask & (bits | CryptographicUsageMask.Unrestricted)) !== 0) return;
  throw new KmsError(
    'ERR_KMS_INCOMPATIBLE_USAGE_MASK',
    `the Cryptographic Usage Mask of ${record.uid} does not allow ${what}`,
  );
}

function cipherFor(loaded: LoadedObject, req: EncryptRequest | DecryptRequest): FpeCipher {
  const algorithm = req.cryptographicParameters?.cryptographicAlgorithm;
  if (algorithm !== undefined && algorithm !== FPE_FF1)
    throw new KmsError(
      'ERR_KMS_BAD_CRYPTOGRAPHIC_PARAMETERS',
      `key ${loaded.record.uid} is an FPE (FF1) key`,
    );
  if ((req as { authenticatedEncryptionTag?: Uint8Array }).authenticatedEncryptionTag !== undefined)
    throw new KmsError('ERR_KMS_BAD_CRYPTOGRAPHIC_PARAMETERS', 'FPE has no authentication tag');
  const format = formatText(req.authenticatedEncryptionAdditionalData);
  const purpose = `fpe:${format}`;
  const hit = loaded.keys.get(purpose) as FpeCipher | undefined;
  if (hit !== undefined) return hit;
  const cipher = fpeCipher(keyBytes(loaded.object, loaded.record.uid), format);
  let cached = 0;
  for (const k of loaded.keys.keys()) if (k.startsWith('fpe:')) cached++;
  if (cached < MAX_CACHED_FORMATS) loaded.keys.set(purpose, cipher);
  return cipher;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function text(data: Uint8Array): string {
  try {
    return utf8.decode(data);
  } catch {
    throw new KmsError('ERR_KMS_FPE_DATA', 'FPE Data must be UTF-8 text');
  }
}

function run(
  ctx: OperationContext,
  req: EncryptRequest | DecryptRequest,
  loaded: LoadedObject,
  decrypt: boolean,
): OperationResult {
  const cipher = cipherFor(loaded, req);
  const value = text(req.data as Uint8Array);
  const tweak = req.ivCounterNonce ?? EMPTY;
  let out: string;
  try {
    out = decrypt ? cipher.decrypt(value, tweak) : cipher.encrypt(value, tweak);
  } catch (error) {
    return fpeError(error);
  }
  const uid = loaded.record.uid;
  const data = new TextEncoder().encode(out);
  return {
    payload: decrypt
      ? encodeResponsePayload(Operation.Decrypt, { uniqueIdentifier: uid, data }, ctx.version)
      : encodeResponsePayload(Operation.Encrypt, { uniqueIdentifier: uid, data }, ctx.version),
    uids: [],
    subject: uid,
  };
}

export function fpeEncrypt(
  ctx: OperationContext,
  req: EncryptRequest,
  loaded: LoadedObject,
): OperationResult {
  checkMask(
    loaded.record,
    CryptographicUsageMask.Encrypt | CryptographicUsageMask.FPEEncrypt,
    'encryption',
  );
  return run(ctx, req, loaded, false);
}

export function fpeDecrypt(
  ctx: OperationContext,
  req: DecryptRequest,
  loaded: LoadedObject,
): OperationResult {
  checkMask(
    loaded.record,
    CryptographicUsageMask.Decrypt | CryptographicUsageMask.FPEDecrypt,
    'decryption',
  );
  return run(ctx, req, loaded, true);
}
