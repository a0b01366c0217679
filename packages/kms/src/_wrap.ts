/**
 * Key wrapping with symmetric keys: Get/Export return key material wrapped under another key of
 * the server (Key Wrapping Specification), Import unwraps material wrapped under one (Key
 * Wrapping Data). Methods: AES-KW (RFC 3394, Block Cipher Mode "NIST Key Wrap"), AES-KWP
 * (RFC 5649, "AES Key Wrap Padding", the default as in Cosmian) and AES-GCM (random 12-byte
 * IV in IV/Counter/Nonce, tag appended). Only the key bytes are wrapped (Encoding Option
 * No Encoding); TTLV encoding, MAC/sign wrapping and attribute wrapping are not offered.
 *
 * Using a key to wrap needs the `encrypt` right, an Active state and the Wrap Key usage bit;
 * unwrapping needs `decrypt`, a processable state and Unwrap Key.
 *
 * Private and public keys can be wrapped too (their byte material: PKCS#8, SPKI, Raw...), and
 * a public key or certificate can be the wrapping key: that path is `_asym-wrap.ts`.
 */
import {
  BlockCipherMode,
  CryptographicAlgorithm,
  CryptographicUsageMask,
  EncodingOption,
  WrappingMethod,
  type CryptographicParameters,
  type KeyBlock,
  type KeyWrappingData,
  type KeyWrappingSpecification,
  type ManagedObject,
} from '@custos/kmip';
import { provider } from '@custos/crypto';
import type { OperationContext } from './context.ts';
import { aesGcmOpen, aesGcmSeal, secretKey } from './crypto-modes.ts';
import { KmsError } from './errors.ts';
import {
  asymmetricWrapper,
  materialBytes,
  unwrapWithKeyPair,
  wrapWithKeyPair,
} from './_asym-wrap.ts';
import { keyBytes } from './_objects.ts';
import type { LoadedObject } from './repository.ts';
import { checkUsageMask } from './rules.ts';

type WrapMode = 'aes-kw' | 'aes-kwp' | 'aes-gcm';

function wrapMode(params: CryptographicParameters | undefined): WrapMode {
  const mode = params?.blockCipherMode;
  if (mode === undefined || mode === BlockCipherMode.AESKeyWrapPadding) return 'aes-kwp';
  if (mode === BlockCipherMode.NISTKeyWrap) return 'aes-kw';
  if (mode === BlockCipherMode.GCM) return 'aes-gcm';
  throw new KmsError(
    'ERR_KMS_UNSUPPORTED_CRYPTOGRAPHIC_PARAMETERS',
    'key wrapping uses NIST Key Wrap, AES Key Wrap Padding or GCM',
  );
}

function checkMethod(method: number, encoding: number | undefined): void {
  if (method !== WrappingMethod.Encrypt)
    throw new KmsError(
      'ERR_KMS_FEATURE_NOT_SUPPORTED',
      'only the Encrypt wrapping method is supported',
    );
  if (encoding !== undefined && encoding !== EncodingOption.NoEncoding)
    throw new KmsError('ERR_KMS_ENCODING_OPTION', 'only the No Encoding option is supported');
}

function aesKey(loaded: LoadedObject): Uint8Array {
  const a = loaded.record.attributes.cryptographicAlgorithm;
  if (a !== undefined && a !== CryptographicAlgorithm.AES)
    throw new KmsError(
      'ERR_KMS_ILLEGAL_OBJECT_TYPE',
      `wrapping key ${loaded.record.uid} is not an AES key`,
    );
  return keyBytes(loaded.object, loaded.record.uid);
}

async function wrappingKey(
  ctx: OperationContext,
  uid: string | undefined,
  unwrap: boolean,
): Promise<LoadedObject> {
  if (uid === undefined)
    throw new KmsError(
      'ERR_KMS_MISSING_DATA',
      'key wrapping needs the wrapping key in Encryption Key Information',
    );
  let loaded: LoadedObject;
  try {
    loaded = await ctx.object(uid, unwrap ? 'decrypt' : 'encrypt', unwrap ? 'process' : 'protect');
  } catch (error) {
    if (error instanceof KmsError && error.code === 'ERR_KMS_ITEM_NOT_FOUND')
      throw new KmsError('ERR_KMS_WRAPPING_OBJECT_NOT_FOUND', `wrapping key ${uid} not found`);
    throw error;
  }
  checkUsageMask(
    loaded.record,
    unwrap ? CryptographicUsageMask.UnwrapKey : CryptographicUsageMask.WrapKey,
    unwrap ? 'unwrapping keys' : 'wrapping keys',
  );
  return loaded;
}

/** The object with its key material wrapped as `spec` asks. */
export async function wrapObject(
  ctx: OperationContext,
  object: ManagedObject,
  spec: KeyWrappingSpecification,
  uid: string,
): Promise<ManagedObject> {
  checkMethod(spec.wrappingMethod, spec.encodingOption);
  if (spec.macSignatureKeyInformation !== undefined || (spec.attributeNames?.length ?? 0) > 0)
    throw new KmsError(
      'ERR_KMS_FEATURE_NOT_SUPPORTED',
      'MAC/signature wrapping and wrapped attributes are not supported',
    );
  const material = materialBytes(object, uid);
  const info = spec.encryptionKeyInformation;
  const wrapUid = info === undefined ? undefined : await ctx.resolve(info.uniqueIdentifier);
  if (wrapUid === uid) throw new KmsError('ERR_KMS_INVALID_FIELD', 'a key cannot wrap itself');
  // Public keys, certificates (and private keys, through their public key): _asym-wrap.ts.
  const pairEnd = await asymmetricWrapper(ctx, wrapUid, false);
  if (pairEnd !== undefined) return wrapWithKeyPair(object, spec, pairEnd, uid);
  const wrapper = await wrappingKey(ctx, wrapUid, false);
  const kek = aesKey(wrapper);
  const mode = wrapMode(info?.cryptographicParameters);
  const data: KeyWrappingData = {
    wrappingMethod: WrappingMethod.Encrypt,
    encryptionKeyInformation: {
      uniqueIdentifier: wrapper.record.uid,
      cryptographicParameters: { blockCipherMode: modeValue(mode) },
    },
    encodingOption: EncodingOption.NoEncoding,
  };
  let wrapped: Uint8Array;
  if (mode === 'aes-kw') {
    if (material.length % 8 !== 0 || material.length < 16)
      throw new KmsError(
        'ERR_KMS_BAD_CRYPTOGRAPHIC_PARAMETERS',
        'NIST Key Wrap needs key material of a multiple of 8 bytes (16 or more): use AES Key Wrap Padding',
      );
    wrapped = provider.keyWrap.aesKw.wrap(kek, material);
  } else if (mode === 'aes-kwp') wrapped = provider.keyWrap.aesKwp.wrap(kek, material);
  else {
    const iv = provider.random.bytes(12);
    const sealed = aesGcmSeal(
      wrapper.key('secret', () => secretKey(kek)),
      iv,
      material,
      new Uint8Array(0),
    );
    wrapped = new Uint8Array(sealed.ciphertext.length + 16);
    wrapped.set(sealed.ciphertext);
    wrapped.set(sealed.tag, sealed.ciphertext.length);
    data.ivCounterNonce = iv;
  }
  // materialBytes accepted the object: it has a key block.
  const kb = (object as { keyBlock: KeyBlock }).keyBlock;
  const keyBlock: KeyBlock = { ...kb, keyValue: wrapped, keyWrappingData: data };
  return { ...object, keyBlock } as ManagedObject;
}

function modeValue(mode: WrapMode): number {
  return mode === 'aes-kw'
    ? BlockCipherMode.NISTKeyWrap
    : mode === 'aes-kwp'
      ? BlockCipherMode.AESKeyWrapPadding
      : BlockCipherMode.GCM;
}

/** The object with its wrapped key material unwrapped (objects that are not wrapped pass). */
export async function unwrapObject(
  ctx: OperationContext,
  object: ManagedObject,
): Promise<ManagedObject> {
  if (!('keyBlock' in object) || object.keyBlock.keyWrappingData === undefined) return object;
  const kb = object.keyBlock;
  const data = kb.keyWrappingData as KeyWrappingData;
  checkMethod(data.wrappingMethod, data.encodingOption);
  if (
    object.kind !== 'SymmetricKey' &&
    object.kind !== 'SecretData' &&
    object.kind !== 'PrivateKey' &&
    object.kind !== 'PublicKey'
  )
    throw new KmsError('ERR_KMS_ILLEGAL_OBJECT_TYPE', 'only keys and secret data can be unwrapped');
  if (!(kb.keyValue instanceof Uint8Array))
    throw new KmsError('ERR_KMS_INVALID_FIELD', 'a wrapped Key Value must be a Byte String');
  const info = data.encryptionKeyInformation;
  const unwrapUid = info === undefined ? undefined : await ctx.resolve(info.uniqueIdentifier);
  const pairEnd = await asymmetricWrapper(ctx, unwrapUid, true);
  if (pairEnd !== undefined) return unwrapWithKeyPair(object, pairEnd);
  const unwrapper = await wrappingKey(ctx, unwrapUid, true);
  const kek = aesKey(unwrapper);
  const mode = wrapMode(info?.cryptographicParameters);
  let material: Uint8Array;
  if (mode === 'aes-kw') material = provider.keyWrap.aesKw.unwrap(kek, kb.keyValue);
  else if (mode === 'aes-kwp') material = provider.keyWrap.aesKwp.unwrap(kek, kb.keyValue);
  else {
    const iv = data.ivCounterNonce;
    if (iv?.length !== 12)
      throw new KmsError('ERR_KMS_MISSING_IV', 'AES-GCM unwrapping needs the 12-byte IV');
    if (kb.keyValue.length < 16)
      throw new KmsError('ERR_KMS_CRYPTOGRAPHIC_FAILURE', 'cryptographic failure');
    const n = kb.keyValue.length - 16;
    material = aesGcmOpen(
      unwrapper.key('secret', () => secretKey(kek)),
      iv,
      kb.keyValue.subarray(0, n),
      kb.keyValue.subarray(n),
      new Uint8Array(0),
    );
  }
  const { keyWrappingData: _dropped, ...rest } = kb;
  const keyBlock: KeyBlock = { ...rest, keyValue: { keyMaterial: material } };
  return { ...object, keyBlock };
}
