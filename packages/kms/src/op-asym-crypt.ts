/**
 * Encrypt and Decrypt with key pairs (KMIP 2.1 §6.1.20, 6.1.16), reached from op-crypt.ts when
 * the named object is a public key or certificate (Encrypt) or a private key (Decrypt) of a
 * family this server implements (schemes in `_asym-cipher.ts`). Encrypt needs an Active public
 * key (or certificate) with the Encrypt usage; Decrypt a processable private key with Decrypt.
 * No IV is used or returned; the whole ciphertext is the Data field.
 */
import {
  CryptographicUsageMask,
  ObjectType,
  Operation,
  encodeResponsePayload,
  type DecryptRequest,
  type EncryptRequest,
} from '@custos/kmip';
import type { OperationContext, OperationResult } from './context.ts';
import { asymDecrypt, asymEncrypt, asymScheme, encryptingFamily } from './_asym-cipher.ts';
import { familyOf } from './_asym-keys.ts';
import { KmsError } from './errors.ts';
import type { LoadedObject } from './repository.ts';
import { checkUsageMask } from './rules.ts';

/**
 * True when Encrypt/Decrypt on `loaded` belongs here: a private or public key, or a certificate,
 * of a supported asymmetric family (keys of other families, e.g. Covercrypt, are not).
 */
export function handlesAsymmetric(loaded: LoadedObject): boolean {
  const t = loaded.record.objectType;
  if (t !== ObjectType.PrivateKey && t !== ObjectType.PublicKey && t !== ObjectType.Certificate)
    return false;
  try {
    familyOf(loaded);
    return true;
  } catch {
    return false;
  }
}

function checkIv(req: { ivCounterNonce?: Uint8Array | undefined }): void {
  if (req.ivCounterNonce !== undefined)
    throw new KmsError(
      'ERR_KMS_BAD_CRYPTOGRAPHIC_PARAMETERS',
      'public-key encryption takes no IV/Counter/Nonce',
    );
}

export async function encryptAsymmetric(
  ctx: OperationContext,
  req: EncryptRequest,
  loaded: LoadedObject,
): Promise<OperationResult> {
  const r = loaded.record;
  if (r.objectType === ObjectType.PrivateKey)
    throw new KmsError(
      'ERR_KMS_ILLEGAL_OBJECT_TYPE',
      `object ${r.uid} is a private key: encrypt with its public key`,
    );
  const family = encryptingFamily(loaded);
  checkUsageMask(r, CryptographicUsageMask.Encrypt, 'encryption');
  checkIv(req);
  const p = req.cryptographicParameters ?? r.attributes.cryptographicParameters;
  const scheme = asymScheme(family, p);
  const data = await asymEncrypt(
    loaded,
    scheme,
    req.data as Uint8Array,
    req.authenticatedEncryptionAdditionalData,
  );
  return {
    payload: encodeResponsePayload(
      Operation.Encrypt,
      { uniqueIdentifier: r.uid, data },
      ctx.version,
    ),
    uids: [],
    subject: r.uid,
  };
}

export async function decryptAsymmetric(
  ctx: OperationContext,
  req: DecryptRequest,
  loaded: LoadedObject,
): Promise<OperationResult> {
  const r = loaded.record;
  if (r.objectType !== ObjectType.PrivateKey)
    throw new KmsError(
      'ERR_KMS_ILLEGAL_OBJECT_TYPE',
      `object ${r.uid} is not a private key: decrypt with the private key`,
    );
  const family = encryptingFamily(loaded);
  checkUsageMask(r, CryptographicUsageMask.Decrypt, 'decryption');
  checkIv(req);
  if (req.authenticatedEncryptionTag !== undefined)
    throw new KmsError(
      'ERR_KMS_BAD_CRYPTOGRAPHIC_PARAMETERS',
      'public-key ciphertexts carry their tag in Data',
    );
  const p = req.cryptographicParameters ?? r.attributes.cryptographicParameters;
  const scheme = asymScheme(family, p);
  const data = await asymDecrypt(
    loaded,
    scheme,
    req.data as Uint8Array,
    req.authenticatedEncryptionAdditionalData,
  );
  return {
    payload: encodeResponsePayload(
      Operation.Decrypt,
      { uniqueIdentifier: r.uid, data },
      ctx.version,
    ),
    uids: [],
    subject: r.uid,
  };
}
