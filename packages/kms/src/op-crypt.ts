/**
 * Encrypt and Decrypt (KMIP 2.1 §6.1.20, 6.1.16) with symmetric keys:
 *
 * | mode | selected by | IV | tag |
 * |---|---|---|---|
 * | AES-GCM (default) | Block Cipher Mode GCM or none | 12 bytes | 16 bytes |
 * | AES-CBC | CBC; Padding Method PKCS5 (default) or None | 16 bytes | — |
 * | AES-XTS | XTS, 256- or 512-bit key | 16-byte tweak | — |
 * | AES-GCM-SIV | Block Cipher Mode 0x80000002 (Cosmian's value) | 12 bytes | 16 bytes |
 * | ChaCha20-Poly1305 | Cryptographic Algorithm ChaCha20Poly1305, or a ChaCha20 key | 12 bytes | 16 bytes |
 *
 * Parameters come from the request, else from the key's Cryptographic Parameters attribute. The
 * IV is generated when the request has none, and then returned. KMIP 1.0–1.3 have no
 * Authenticated Encryption Tag field: for those clients the tag is appended to the ciphertext
 * and split off it on Decrypt (what Cosmian does too). Multi-part operations are not supported.
 */
import {
  BlockCipherMode,
  CryptographicAlgorithm,
  CryptographicUsageMask,
  Operation,
  PaddingMethod,
  decodeRequestPayload,
  encodeResponsePayload,
  type CryptographicParameters,
  type TtlvStructure,
} from '@custos/kmip';
import { provider } from '@custos/crypto';
import type { OperationContext, OperationResult } from './context.ts';
import {
  aesCbcDecrypt,
  aesCbcEncrypt,
  aesGcmOpen,
  aesGcmSeal,
  aesGcmSivOpen,
  aesGcmSivSeal,
  aesXts,
  secretKey,
} from './crypto-modes.ts';
import { KmsError } from './errors.ts';
import { decryptAsymmetric, encryptAsymmetric, handlesAsymmetric } from './op-asym-crypt.ts';
import { covercryptDecrypt, covercryptEncrypt } from './op-covercrypt-crypt.ts';
import { fpeDecrypt, fpeEncrypt, isFpeKey } from './op-fpe.ts';
import { refuseStreaming } from './op-server.ts';
import { isCovercrypt } from './_covercrypt-keys.ts';
import { keyBytes } from './_objects.ts';
import type { LoadedObject } from './repository.ts';
import { checkUsageMask } from './rules.ts';

/** Cosmian's Block Cipher Mode extension value for AES-GCM-SIV. */
export const GCM_SIV_MODE = 0x80000002;

type Mode = 'aes-gcm' | 'aes-cbc' | 'aes-xts' | 'aes-gcm-siv' | 'chacha20-poly1305';

const IV_LENGTH: Readonly<Record<Mode, number>> = {
  'aes-gcm': 12,
  'aes-cbc': 16,
  'aes-xts': 16,
  'aes-gcm-siv': 12,
  'chacha20-poly1305': 12,
};

const AEAD: ReadonlySet<Mode> = new Set(['aes-gcm', 'aes-gcm-siv', 'chacha20-poly1305']);

function selectMode(loaded: LoadedObject, p: CryptographicParameters | undefined): Mode {
  const keyAlgorithm = loaded.record.attributes.cryptographicAlgorithm;
  const algorithm = p?.cryptographicAlgorithm ?? keyAlgorithm;
  const mode = p?.blockCipherMode;
  if (
    algorithm === CryptographicAlgorithm.ChaCha20Poly1305 ||
    (algorithm === CryptographicAlgorithm.ChaCha20 &&
      (mode === undefined || mode === BlockCipherMode.AEAD))
  ) {
    if (
      keyAlgorithm !== CryptographicAlgorithm.ChaCha20 &&
      keyAlgorithm !== CryptographicAlgorithm.ChaCha20Poly1305 &&
      keyAlgorithm !== CryptographicAlgorithm.AES
    )
      throw new KmsError(
        'ERR_KMS_BAD_CRYPTOGRAPHIC_PARAMETERS',
        'ChaCha20-Poly1305 needs a 256-bit ChaCha20 or AES key',
      );
    return 'chacha20-poly1305';
  }
  if (algorithm !== CryptographicAlgorithm.AES || keyAlgorithm !== CryptographicAlgorithm.AES)
    throw new KmsError(
      'ERR_KMS_BAD_CRYPTOGRAPHIC_PARAMETERS',
      `key ${loaded.record.uid} cannot encrypt with this algorithm`,
    );
  if (p?.tagLength !== undefined && p.tagLength !== 16)
    throw new KmsError(
      'ERR_KMS_UNSUPPORTED_CRYPTOGRAPHIC_PARAMETERS',
      'only 16-byte authentication tags are supported',
    );
  switch (mode) {
    case undefined:
    case BlockCipherMode.GCM:
      return 'aes-gcm';
    case BlockCipherMode.CBC:
      return 'aes-cbc';
    case BlockCipherMode.XTS:
      return 'aes-xts';
    case GCM_SIV_MODE:
      return 'aes-gcm-siv';
    default:
      throw new KmsError(
        'ERR_KMS_UNSUPPORTED_CRYPTOGRAPHIC_PARAMETERS',
        'AES modes: GCM, CBC, XTS, GCM-SIV (0x80000002)',
      );
  }
}

function cbcPadding(p: CryptographicParameters | undefined): boolean {
  const padding = p?.paddingMethod;
  if (padding === undefined || padding === PaddingMethod.PKCS5) return true;
  if (padding === PaddingMethod.None) return false;
  throw new KmsError(
    'ERR_KMS_UNSUPPORTED_CRYPTOGRAPHIC_PARAMETERS',
    'AES-CBC padding: PKCS5 or None',
  );
}

function checkKeyLength(mode: Mode, key: Uint8Array, uid: string): void {
  const n = key.length;
  const ok =
    mode === 'aes-xts'
      ? n === 32 || n === 64
      : mode === 'chacha20-poly1305'
        ? n === 32
        : mode === 'aes-gcm-siv'
          ? n === 16 || n === 32
          : n === 16 || n === 24 || n === 32;
  if (!ok)
    throw new KmsError(
      'ERR_KMS_BAD_CRYPTOGRAPHIC_PARAMETERS',
      `key ${uid} has the wrong length for ${mode}`,
    );
}

type Aead = ReturnType<typeof provider.aead.cipher>;

function aead(
  loaded: LoadedObject,
  mode: 'aes-gcm' | 'chacha20-poly1305',
  key: Uint8Array,
): Aead | undefined {
  if (mode === 'aes-gcm' && key.length === 24) return undefined;
  const name =
    mode === 'chacha20-poly1305'
      ? 'chacha20-poly1305'
      : key.length === 16
        ? 'aes-128-gcm'
        : 'aes-256-gcm';
  return loaded.key(name, () => provider.aead.cipher(name, key));
}

interface Sealed {
  data: Uint8Array;
  tag?: Uint8Array;
}

function seal(
  loaded: LoadedObject,
  mode: Mode,
  p: CryptographicParameters | undefined,
  iv: Uint8Array,
  data: Uint8Array,
  aad: Uint8Array,
): Sealed {
  const key = keyBytes(loaded.object, loaded.record.uid);
  checkKeyLength(mode, key, loaded.record.uid);
  switch (mode) {
    case 'aes-gcm':
    case 'chacha20-poly1305': {
      const c = aead(loaded, mode, key);
      if (c === undefined) {
        const r = aesGcmSeal(
          loaded.key('secret', () => secretKey(key)),
          iv,
          data,
          aad,
        );
        return { data: r.ciphertext, tag: r.tag };
      }
      const r = c.sealDetached(iv, data, aad);
      return { data: r.ciphertext, tag: r.tag };
    }
    case 'aes-gcm-siv': {
      const out = aesGcmSivSeal(key, iv, data, aad);
      return { data: out.subarray(0, out.length - 16), tag: out.subarray(out.length - 16) };
    }
    case 'aes-cbc':
      return {
        data: aesCbcEncrypt(
          loaded.key('secret', () => secretKey(key)),
          iv,
          data,
          cbcPadding(p),
        ),
      };
    case 'aes-xts':
      return {
        data: aesXts(
          'encrypt',
          loaded.key('secret', () => secretKey(key)),
          iv,
          data,
        ),
      };
  }
}

function open(
  loaded: LoadedObject,
  mode: Mode,
  p: CryptographicParameters | undefined,
  iv: Uint8Array,
  data: Uint8Array,
  tag: Uint8Array | undefined,
  aad: Uint8Array,
): Uint8Array {
  const key = keyBytes(loaded.object, loaded.record.uid);
  checkKeyLength(mode, key, loaded.record.uid);
  switch (mode) {
    case 'aes-gcm':
    case 'chacha20-poly1305':
    case 'aes-gcm-siv': {
      if (tag === undefined)
        throw new KmsError(
          'ERR_KMS_MISSING_DATA',
          'authenticated decryption needs the Authenticated Encryption Tag',
        );
      if (tag.length !== 16)
        throw new KmsError('ERR_KMS_CRYPTOGRAPHIC_FAILURE', 'cryptographic failure');
      if (mode === 'aes-gcm-siv') {
        const joined = new Uint8Array(data.length + 16);
        joined.set(data);
        joined.set(tag, data.length);
        return aesGcmSivOpen(key, iv, joined, aad);
      }
      const c = aead(loaded, mode, key);
      if (c === undefined)
        return aesGcmOpen(
          loaded.key('secret', () => secretKey(key)),
          iv,
          data,
          tag,
          aad,
        );
      return c.openDetached(iv, data, tag, aad);
    }
    case 'aes-cbc':
      return aesCbcDecrypt(
        loaded.key('secret', () => secretKey(key)),
        iv,
        data,
        cbcPadding(p),
      );
    case 'aes-xts':
      return aesXts(
        'decrypt',
        loaded.key('secret', () => secretKey(key)),
        iv,
        data,
      );
  }
}

/** True for KMIP versions without the Authenticated Encryption Tag field (before 1.4). */
function tagInData(ctx: OperationContext): boolean {
  return ctx.version.major === 1 && ctx.version.minor < 4;
}

const EMPTY = new Uint8Array(0);

/**
 * Fresh IVs cut from 4 KiB draws of the CSPRNG: one system call per ~300 encryptions instead of
 * one each. Every byte is handed out once (a new buffer is drawn when one is used up; slices
 * are never rewritten).
 */
let ivPool: Uint8Array = new Uint8Array(0);
let ivAt = 0;
function freshIv(length: number): Uint8Array {
  if (ivAt + length > ivPool.length) {
    ivPool = provider.random.bytes(4096);
    ivAt = 0;
  }
  const iv = ivPool.subarray(ivAt, ivAt + length);
  ivAt += length;
  return iv;
}

/** Argument errors of the cipher (data length for the mode...) are the client's bad parameters. */
function badParameters<T>(fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof RangeError || error instanceof TypeError)
      throw new KmsError('ERR_KMS_BAD_CRYPTOGRAPHIC_PARAMETERS', error.message);
    throw error;
  }
}

export async function encrypt(
  ctx: OperationContext,
  payload: TtlvStructure,
): Promise<OperationResult> {
  const req = decodeRequestPayload(Operation.Encrypt, payload, ctx.version);
  refuseStreaming(req);
  if (req.data === undefined) throw new KmsError('ERR_KMS_MISSING_DATA', 'Encrypt needs Data');
  const loaded = await ctx.object(req.uniqueIdentifier, 'encrypt', 'protect');
  // Covercrypt first (its keys are Public/Private Keys too), then FPE keys.
  if (isCovercrypt(loaded.record)) return covercryptEncrypt(ctx, req, loaded);
  if (isFpeKey(loaded.record)) return fpeEncrypt(ctx, req, loaded);
  // Key pairs (RSA, EC, X25519, ML-KEM, X-Wing) and certificates: op-asym-crypt.ts.
  if (handlesAsymmetric(loaded)) return encryptAsymmetric(ctx, req, loaded);
  checkUsageMask(loaded.record, CryptographicUsageMask.Encrypt, 'encryption');
  const p = req.cryptographicParameters ?? loaded.record.attributes.cryptographicParameters;
  const mode = selectMode(loaded, p);
  let iv = req.ivCounterNonce;
  const generated = iv === undefined;
  if (iv === undefined) iv = freshIv(IV_LENGTH[mode]);
  else if (iv.length !== IV_LENGTH[mode])
    throw new KmsError(
      'ERR_KMS_BAD_CRYPTOGRAPHIC_PARAMETERS',
      `${mode} needs a ${IV_LENGTH[mode]}-byte IV`,
    );
  const aad = req.authenticatedEncryptionAdditionalData ?? EMPTY;
  if (!AEAD.has(mode) && aad.length > 0)
    throw new KmsError('ERR_KMS_BAD_CRYPTOGRAPHIC_PARAMETERS', `${mode} takes no additional data`);
  const sealed = badParameters(() => seal(loaded, mode, p, iv, req.data as Uint8Array, aad));
  const out: {
    uniqueIdentifier: string;
    data: Uint8Array;
    ivCounterNonce?: Uint8Array;
    authenticatedEncryptionTag?: Uint8Array;
  } = {
    uniqueIdentifier: loaded.record.uid,
    data: sealed.data,
  };
  if (generated) out.ivCounterNonce = iv;
  if (sealed.tag !== undefined) {
    if (tagInData(ctx)) {
      const joined = new Uint8Array(sealed.data.length + sealed.tag.length);
      joined.set(sealed.data);
      joined.set(sealed.tag, sealed.data.length);
      out.data = joined;
    } else out.authenticatedEncryptionTag = sealed.tag;
  }
  return {
    payload: encodeResponsePayload(Operation.Encrypt, out, ctx.version),
    uids: [],
    subject: loaded.record.uid,
  };
}

export async function decrypt(
  ctx: OperationContext,
  payload: TtlvStructure,
): Promise<OperationResult> {
  const req = decodeRequestPayload(Operation.Decrypt, payload, ctx.version);
  refuseStreaming(req);
  if (req.data === undefined) throw new KmsError('ERR_KMS_MISSING_DATA', 'Decrypt needs Data');
  const loaded = await ctx.object(req.uniqueIdentifier, 'decrypt', 'process');
  // Covercrypt first (its keys are Public/Private Keys too), then FPE keys.
  if (isCovercrypt(loaded.record)) return covercryptDecrypt(ctx, req, loaded);
  if (isFpeKey(loaded.record)) return fpeDecrypt(ctx, req, loaded);
  if (handlesAsymmetric(loaded)) return decryptAsymmetric(ctx, req, loaded);
  checkUsageMask(loaded.record, CryptographicUsageMask.Decrypt, 'decryption');
  const p = req.cryptographicParameters ?? loaded.record.attributes.cryptographicParameters;
  const mode = selectMode(loaded, p);
  const iv = req.ivCounterNonce;
  if (iv === undefined)
    throw new KmsError('ERR_KMS_MISSING_IV', 'Decrypt needs the IV/Counter/Nonce');
  if (iv.length !== IV_LENGTH[mode])
    throw new KmsError(
      'ERR_KMS_BAD_CRYPTOGRAPHIC_PARAMETERS',
      `${mode} needs a ${IV_LENGTH[mode]}-byte IV`,
    );
  let data = req.data;
  let tag = req.authenticatedEncryptionTag;
  if (AEAD.has(mode) && tag === undefined && tagInData(ctx)) {
    if (data.length < 16)
      throw new KmsError('ERR_KMS_CRYPTOGRAPHIC_FAILURE', 'cryptographic failure');
    tag = data.subarray(data.length - 16);
    data = data.subarray(0, data.length - 16);
  }
  const aad = req.authenticatedEncryptionAdditionalData ?? EMPTY;
  const plain = badParameters(() => open(loaded, mode, p, iv, data, tag, aad));
  return {
    payload: encodeResponsePayload(
      Operation.Decrypt,
      { uniqueIdentifier: loaded.record.uid, data: plain },
      ctx.version,
    ),
    uids: [],
    subject: loaded.record.uid,
  };
}
