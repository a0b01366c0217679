/**
 * Key wrapping with key pairs, the server end of key sharing: Get/Export wrap key material under
 * a public key or a certificate (its SubjectPublicKeyInfo), Import unwraps it with the matching
 * private key. Called from `_wrap.ts` when the object named in Encryption Key Information is not
 * a symmetric key.
 *
 * - Wrapping names a public key, a certificate, or a private key (then its Public Key Link is
 *   used, as Cosmian does). Needs the `encrypt` right, the Wrap Key usage and, for keys, an
 *   Active state (certificates: not destroyed).
 * - Unwrapping names a private key, or a public key / certificate whose Private Key Link (for a
 *   certificate: its own, else its public key's) leads to one. Needs `decrypt`, Unwrap Key and a
 *   processable state.
 * - Schemes (`_asym-cipher.ts`): RSA-OAEP (default, SHA-256; Hashing Algorithm SHA-384/512),
 *   RSA-AES key wrap (CKM_RSA_AES_KEY_WRAP: Cryptographic Algorithm AES or Padding Method
 *   None — what key material longer than one OAEP block needs), HPKE for P-256 / X25519 /
 *   X-Wing keys, ML-KEM + AES-256-GCM for ML-KEM keys. The scheme's parameters are recorded in
 *   the Key Wrapping Data, so the unwrapping side selects the same one.
 * - Only the key bytes are wrapped (Encoding Option No Encoding): a key in a Transparent format
 *   must be asked for in a byte format (PKCS#8, Raw...) to be wrapped.
 */
import {
  CryptographicUsageMask,
  EncodingOption,
  LinkType,
  ObjectType,
  WrappingMethod,
  type Attributes,
  type KeyBlock,
  type KeyWrappingData,
  type KeyWrappingSpecification,
  type ManagedObject,
} from '@custos/kmip';
import type { OperationContext } from './context.ts';
import {
  asymDecrypt,
  asymEncrypt,
  asymScheme,
  encryptingFamily,
  schemeParameters,
} from './_asym-cipher.ts';
import { KmsError } from './errors.ts';
import { keyBytes } from './_objects.ts';
import type { LoadedObject } from './repository.ts';
import { checkUsageMask } from './rules.ts';

/** The bytes of a key or secret data that wrapping protects (key material in clear). */
export function materialBytes(object: ManagedObject, uid: string): Uint8Array {
  if (object.kind === 'SymmetricKey' || object.kind === 'SecretData') return keyBytes(object, uid);
  if (object.kind !== 'PrivateKey' && object.kind !== 'PublicKey')
    throw new KmsError('ERR_KMS_ILLEGAL_OBJECT_TYPE', 'only keys and secret data can be wrapped');
  const kv = object.keyBlock.keyValue;
  if (kv === undefined || kv instanceof Uint8Array || object.keyBlock.keyWrappingData !== undefined)
    throw new KmsError('ERR_KMS_KEY_VALUE_NOT_PRESENT', `the key material of ${uid} is wrapped`);
  if (!(kv.keyMaterial instanceof Uint8Array))
    throw new KmsError(
      'ERR_KMS_KEY_FORMAT_NOT_SUPPORTED',
      'a key in a Transparent format cannot be wrapped without TTLV encoding: ask for a byte format (PKCS#8, Raw...)',
    );
  return kv.keyMaterial;
}

function linkOf(a: Attributes, type: number): string | undefined {
  const l = (a.links ?? []).find((x) => x.linkType === type);
  return typeof l?.linkedObjectIdentifier === 'string' ? l.linkedObjectIdentifier : undefined;
}

async function peek(ctx: OperationContext, uid: string): Promise<LoadedObject> {
  try {
    return await ctx.load(uid);
  } catch (error) {
    if (error instanceof KmsError && error.code === 'ERR_KMS_ITEM_NOT_FOUND')
      throw new KmsError('ERR_KMS_WRAPPING_OBJECT_NOT_FOUND', `wrapping key ${uid} not found`);
    throw error;
  }
}

/** Follows a link of `from`, or fails saying which key is missing. */
function follow(from: LoadedObject, type: number, what: string): string {
  const uid = linkOf(from.record.attributes, type);
  if (uid === undefined)
    throw new KmsError(
      'ERR_KMS_WRAPPING_OBJECT_NOT_FOUND',
      `object ${from.record.uid} has no linked ${what}`,
    );
  return uid;
}

/**
 * The key-pair object that wraps (`unwrap` false: a public key or certificate) or unwraps
 * (`unwrap` true: a private key) for the object named `uid`, with rights, state and usage mask
 * checked; undefined when `uid` names a symmetric key (or nothing: the caller reports it).
 */
export async function asymmetricWrapper(
  ctx: OperationContext,
  uid: string | undefined,
  unwrap: boolean,
): Promise<LoadedObject | undefined> {
  if (uid === undefined) return undefined;
  const named = await peek(ctx, uid);
  const type = named.record.objectType;
  if (
    type !== ObjectType.PrivateKey &&
    type !== ObjectType.PublicKey &&
    type !== ObjectType.Certificate
  )
    return undefined;
  let target = uid;
  if (!unwrap && type === ObjectType.PrivateKey)
    target = follow(named, LinkType.PublicKeyLink, 'public key');
  if (unwrap && type === ObjectType.PublicKey)
    target = follow(named, LinkType.PrivateKeyLink, 'private key');
  if (unwrap && type === ObjectType.Certificate) {
    const direct = linkOf(named.record.attributes, LinkType.PrivateKeyLink);
    target =
      direct ??
      follow(
        await peek(ctx, follow(named, LinkType.PublicKeyLink, 'public key')),
        LinkType.PrivateKeyLink,
        'private key',
      );
  }
  const targetType = target === uid ? type : (await peek(ctx, target)).record.objectType;
  let loaded: LoadedObject;
  try {
    loaded = await ctx.object(
      target,
      unwrap ? 'decrypt' : 'encrypt',
      unwrap ? 'process' : targetType === ObjectType.Certificate ? 'read' : 'protect',
    );
  } catch (error) {
    if (error instanceof KmsError && error.code === 'ERR_KMS_ITEM_NOT_FOUND')
      throw new KmsError('ERR_KMS_WRAPPING_OBJECT_NOT_FOUND', `wrapping key ${target} not found`);
    throw error;
  }
  if (unwrap && loaded.record.objectType !== ObjectType.PrivateKey)
    throw new KmsError('ERR_KMS_ILLEGAL_OBJECT_TYPE', `object ${target} is not a private key`);
  encryptingFamily(loaded); // a signing-only key is the wrong kind of key, whatever its mask
  checkUsageMask(
    loaded.record,
    unwrap ? CryptographicUsageMask.UnwrapKey : CryptographicUsageMask.WrapKey,
    unwrap ? 'unwrapping keys' : 'wrapping keys',
  );
  return loaded;
}

/** Key material wrapped under the public key of `wrapper`, and the scheme used. */
export async function wrapBytes(
  wrapper: LoadedObject,
  material: Uint8Array,
  spec: KeyWrappingSpecification,
): Promise<{ wrapped: Uint8Array; data: KeyWrappingData }> {
  const info = spec.encryptionKeyInformation;
  const scheme = asymScheme(encryptingFamily(wrapper), info?.cryptographicParameters);
  let wrapped: Uint8Array;
  try {
    wrapped = await asymEncrypt(wrapper, scheme, material);
  } catch (error) {
    if (
      error instanceof KmsError &&
      error.code === 'ERR_KMS_BAD_CRYPTOGRAPHIC_PARAMETERS' &&
      scheme.kind === 'rsa-oaep'
    )
      throw new KmsError(
        'ERR_KMS_BAD_CRYPTOGRAPHIC_PARAMETERS',
        'the key material is too long for RSA-OAEP: use the RSA-AES key wrap (Cryptographic Algorithm AES)',
      );
    throw error;
  }
  const data: KeyWrappingData = {
    wrappingMethod: WrappingMethod.Encrypt,
    encryptionKeyInformation: {
      uniqueIdentifier: wrapper.record.uid,
      cryptographicParameters: schemeParameters(scheme),
    },
    encodingOption: EncodingOption.NoEncoding,
  };
  return { wrapped, data };
}

/** Key material unwrapped with the private key `unwrapper`. */
export async function unwrapBytes(
  unwrapper: LoadedObject,
  wrapped: Uint8Array,
  data: KeyWrappingData,
): Promise<Uint8Array> {
  const scheme = asymScheme(
    encryptingFamily(unwrapper),
    data.encryptionKeyInformation?.cryptographicParameters,
  );
  return asymDecrypt(unwrapper, scheme, wrapped);
}

/** `object` with its key material wrapped under `wrapper` (a key pair's public end). */
export async function wrapWithKeyPair(
  object: ManagedObject,
  spec: KeyWrappingSpecification,
  wrapper: LoadedObject,
  uid: string,
): Promise<ManagedObject> {
  if (!('keyBlock' in object)) throw new KmsError('ERR_KMS_ILLEGAL_OBJECT_TYPE', 'nothing to wrap');
  const { wrapped, data } = await wrapBytes(wrapper, materialBytes(object, uid), spec);
  const keyBlock: KeyBlock = { ...object.keyBlock, keyValue: wrapped, keyWrappingData: data };
  return { ...object, keyBlock };
}

/** `object` (wrapped) with its key material unwrapped by the private key `unwrapper`. */
export async function unwrapWithKeyPair(
  object: ManagedObject,
  unwrapper: LoadedObject,
): Promise<ManagedObject> {
  if (!('keyBlock' in object))
    throw new KmsError('ERR_KMS_ILLEGAL_OBJECT_TYPE', 'nothing to unwrap');
  const kb = object.keyBlock;
  if (!(kb.keyValue instanceof Uint8Array) || kb.keyWrappingData === undefined)
    throw new KmsError('ERR_KMS_INVALID_FIELD', 'a wrapped Key Value must be a Byte String');
  const material = await unwrapBytes(unwrapper, kb.keyValue, kb.keyWrappingData);
  const { keyWrappingData: _dropped, ...rest } = kb;
  const keyBlock: KeyBlock = { ...rest, keyValue: { keyMaterial: material } };
  return { ...object, keyBlock };
}
