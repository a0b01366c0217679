/**
 * Get/Export of private keys, public keys (Key Format Types of `_keyformats.ts`, then optional
 * wrapping) and PKCS#12 (a private key with its certificate and chain), reached from op-get.ts.
 *
 * PKCS#12 (Key Format Type PKCS#12 on a private key, or on a certificate whose private key is
 * linked): the password is the text of the Key Wrapping Specification's Encryption Key
 * Information Unique Identifier, as Cosmian KMS takes it (empty when absent); the file is not
 * otherwise wrapped. The certificate is the private key's Certificate Link, else its public
 * key's; the chain follows each certificate's Certificate Link (up to 10, stopping at a
 * self-link). A sensitive key is never put in a PKCS#12 (a password is not a managed key).
 */
import {
  KeyFormatType,
  LinkType,
  ObjectType,
  type Attributes,
  type KeyWrappingSpecification,
  type ManagedObject,
} from '@custos/kmip';
import { hasRight, requireRight } from './access.ts';
import type { OperationContext } from './context.ts';
import { blockBytes, familyOf } from './_asym-keys.ts';
import { asymmetricInFormat } from './_keyformats.ts';
import { KmsError } from './errors.ts';
import { buildPkcs12 } from './_pkcs12.ts';
import type { LoadedObject } from './repository.ts';
import { checkUsable, type KeyUse } from './rules.ts';
import { wrapObject } from './_wrap.ts';

/** True when Get/Export of `loaded` goes through here (an unwrapped key pair half, or PKCS#12). */
export function handlesKeyPairExport(loaded: LoadedObject, format: number | undefined): boolean {
  const t = loaded.record.objectType;
  if (t === ObjectType.Certificate) return format === KeyFormatType.PKCS_12;
  if (t !== ObjectType.PrivateKey && t !== ObjectType.PublicKey) return false;
  const o = loaded.object;
  if (o === undefined || !('keyBlock' in o) || o.keyBlock.keyWrappingData !== undefined)
    return false;
  try {
    familyOf(loaded);
    return true;
  } catch {
    return false;
  }
}

function linkOf(a: Attributes, type: number): string | undefined {
  const l = (a.links ?? []).find((x) => x.linkType === type);
  return typeof l?.linkedObjectIdentifier === 'string' ? l.linkedObjectIdentifier : undefined;
}

/** The key material of `loaded` as a Get/Export request asks for it. */
export async function keyPairMaterial(
  ctx: OperationContext,
  loaded: LoadedObject,
  req: { keyFormatType?: number; keyWrappingSpecification?: KeyWrappingSpecification },
): Promise<ManagedObject> {
  if (req.keyFormatType === KeyFormatType.PKCS_12)
    return pkcs12(ctx, loaded, req.keyWrappingSpecification);
  const object = loaded.object as ManagedObject;
  const formatted = await asymmetricInFormat(loaded, object, familyOf(loaded), req.keyFormatType);
  if (req.keyWrappingSpecification === undefined) return formatted;
  return wrapObject(ctx, formatted, req.keyWrappingSpecification, loaded.record.uid);
}

/**
 * An object linked to the one a Get/Export names, loaded with the same kind of right: the
 * caller must hold `get` or `export` on it.
 */
async function linkedObject(
  ctx: OperationContext,
  uid: string,
  use: KeyUse,
): Promise<LoadedObject> {
  const loaded = await ctx.load(await ctx.resolve(uid));
  if (!hasRight(loaded, ctx.user, 'get')) requireRight(loaded, ctx.user, 'export');
  checkUsable(loaded.record, use, ctx.now);
  return loaded;
}

async function pkcs12(
  ctx: OperationContext,
  named: LoadedObject,
  spec: KeyWrappingSpecification | undefined,
): Promise<ManagedObject> {
  let key = named;
  let leafUid: string | undefined;
  if (named.record.objectType === ObjectType.Certificate) {
    leafUid = named.record.uid;
    let privUid = linkOf(named.record.attributes, LinkType.PrivateKeyLink);
    if (privUid === undefined) {
      const pubUid = linkOf(named.record.attributes, LinkType.PublicKeyLink);
      if (pubUid !== undefined)
        privUid = linkOf(
          (await linkedObject(ctx, pubUid, 'metadata')).record.attributes,
          LinkType.PrivateKeyLink,
        );
    }
    if (privUid === undefined)
      throw new KmsError(
        'ERR_KMS_ITEM_NOT_FOUND',
        `certificate ${named.record.uid} has no linked private key`,
      );
    key = await linkedObject(ctx, privUid, 'read');
  }
  const r = key.record;
  if (r.objectType !== ObjectType.PrivateKey)
    throw new KmsError(
      'ERR_KMS_KEY_FORMAT_NOT_SUPPORTED',
      'PKCS#12 is for private keys and certificates',
    );
  if (r.attributes.extractable === false)
    throw new KmsError('ERR_KMS_NOT_EXTRACTABLE', `object ${r.uid} is not extractable`);
  if (r.attributes.sensitive === true)
    throw new KmsError(
      'ERR_KMS_SENSITIVE',
      `object ${r.uid} is sensitive: it cannot leave in a PKCS#12`,
    );
  const family = familyOf(key);
  if (family.name === 'x-wing')
    throw new KmsError(
      'ERR_KMS_KEY_FORMAT_NOT_SUPPORTED',
      'X-Wing keys have no PKCS#8 form for PKCS#12',
    );
  const privateKey = blockBytes(key.object, r.uid);
  if (leafUid === undefined) {
    leafUid = linkOf(r.attributes, LinkType.CertificateLink);
    const pubUid = linkOf(r.attributes, LinkType.PublicKeyLink);
    if (leafUid === undefined && pubUid !== undefined) {
      try {
        leafUid = linkOf(
          (await linkedObject(ctx, pubUid, 'metadata')).record.attributes,
          LinkType.CertificateLink,
        );
      } catch (error) {
        if (!(error instanceof KmsError && error.code === 'ERR_KMS_ITEM_NOT_FOUND')) throw error;
      }
    }
  }
  const certificates: Uint8Array[] = [];
  for (let uid = leafUid, n = 0; uid !== undefined && n < 10; n++) {
    const cert = await linkedObject(ctx, uid, 'read');
    const o = cert.object;
    if (o?.kind !== 'Certificate')
      throw new KmsError('ERR_KMS_ILLEGAL_OBJECT_TYPE', `object ${uid} is not a certificate`);
    certificates.push(o.certificateValue);
    const parent = linkOf(cert.record.attributes, LinkType.CertificateLink);
    uid = parent === uid ? undefined : parent;
  }
  const info = spec?.encryptionKeyInformation?.uniqueIdentifier;
  const password = typeof info === 'string' ? info : '';
  const friendlyName = r.attributes.pkcs12FriendlyName;
  const pfx = await buildPkcs12(
    { privateKey, certificates, ...(friendlyName === undefined ? {} : { friendlyName }) },
    password,
  );
  return {
    kind: 'PrivateKey',
    keyBlock: {
      keyFormatType: KeyFormatType.PKCS_12,
      keyValue: { keyMaterial: pfx },
      cryptographicAlgorithm: family.algorithm,
      cryptographicLength: family.length,
    },
  };
}
