/**
 * Register/Import of private and public keys, reached from op-register.ts: the key material,
 * in any Key Format Type of `_keyformats.ts` (or PEM text of one), is parsed, validated and
 * stored in the storage form; Cryptographic Algorithm, Length and (EC) Recommended Curve are
 * recorded from the key itself, and must agree with what the client says.
 *
 * PKCS#12 (a Private Key object with Key Format Type PKCS#12): the password is the vendor
 * attribute `pkcs12_password` (vendor `cosmian` or this server's; never stored). The private key
 * becomes the registered object; the certificates become Certificate objects (through
 * `_certificates.ts`): the leaf carries a Private Key Link to the key, the key a Certificate
 * Link to the leaf.
 *
 * A key registered without a Cryptographic Usage Mask gets the default of its family (as for
 * Create Key Pair). Wrapped keys (Register, or Import As Registered) and keys of algorithms this
 * server does not implement (DSA, DH...) are stored as given; key-pair families
 * registered from outside (Covercrypt) are not handled here.
 */
import {
  CertificateType,
  KeyFormatType,
  LinkType,
  ObjectType,
  type Attributes,
  type KeyBlock,
  type ManagedObject,
} from '@custos/kmip';
import type { OperationContext } from './context.ts';
import { insertCertificates } from './_certificates.ts';
import { keyPairExtension } from './op-keypair.ts';
import { keyPairFamily, pairUsageMasks } from './_asym-keys.ts';
import { importAsymmetric, importPkcs8, type ImportedKey } from './_keyformats.ts';
import { KmsError } from './errors.ts';
import type { ObjectRecord } from './model.ts';
import { insertNewObject } from './_objects.ts';
import { readPkcs12 } from './_pkcs12.ts';

const PASSWORD_ATTRIBUTE = 'pkcs12_password';

/** True when Register/Import of `object` belongs here. */
export function isKeyPairObject(object: ManagedObject, attributes: Attributes): boolean {
  if (object.kind !== 'PrivateKey' && object.kind !== 'PublicKey') return false;
  const kb = object.keyBlock;
  if (kb.keyWrappingData !== undefined) return false;
  const algorithm = kb.cryptographicAlgorithm ?? attributes.cryptographicAlgorithm;
  if (keyPairExtension(algorithm) !== undefined) return false;
  if (algorithm === undefined) return true; // PKCS#8, SPKI, PKCS#12 say what they hold
  // Keys of other algorithms (DSA, DH...) are stored as given, as before key pairs existed.
  try {
    keyPairFamily(algorithm, undefined, undefined, true);
    return true;
  } catch {
    return false;
  }
}

/** The client's attributes completed with the key block's algorithm and length. */
function hintOf(object: ManagedObject, attributes: Attributes): Attributes {
  const kb = (
    object as { keyBlock: { cryptographicAlgorithm?: number; cryptographicLength?: number } }
  ).keyBlock;
  const hint: Attributes = { ...attributes };
  if (hint.cryptographicAlgorithm === undefined && kb.cryptographicAlgorithm !== undefined)
    hint.cryptographicAlgorithm = kb.cryptographicAlgorithm;
  if (hint.cryptographicLength === undefined && kb.cryptographicLength !== undefined)
    hint.cryptographicLength = kb.cryptographicLength;
  return hint;
}

/** Splits the PKCS#12 password vendor attribute out of `attributes`. */
function takePassword(
  attributes: Attributes,
  vendor: string,
): { attributes: Attributes; password: string } {
  const vendorAttributes = attributes.vendorAttributes ?? [];
  const isPassword = (v: (typeof vendorAttributes)[number]): boolean =>
    v.attributeName === PASSWORD_ATTRIBUTE &&
    (v.vendorIdentification === vendor || v.vendorIdentification === 'cosmian');
  const found = vendorAttributes.find(isPassword);
  let password = '';
  if (found !== undefined) {
    const item = found.attributeValue;
    if (item.type === 'TextString') password = item.value;
    else if (item.type === 'ByteString') password = new TextDecoder().decode(item.value);
    else throw new KmsError('ERR_KMS_INVALID_ATTRIBUTE_VALUE', 'the PKCS#12 password is text');
  }
  const out: Attributes = { ...attributes };
  const rest = vendorAttributes.filter((v) => !isPassword(v));
  if (rest.length === 0) delete out.vendorAttributes;
  else out.vendorAttributes = rest;
  return { attributes: out, password };
}

/** A key registered without a usage mask gets its family's default, as a created pair does. */
function withDefaultMask(a: Attributes, key: ImportedKey, isPrivate: boolean): Attributes {
  if (a.cryptographicUsageMask !== undefined) return a;
  const masks = pairUsageMasks(key.family);
  return { ...a, cryptographicUsageMask: isPrivate ? masks.privateMask : masks.publicMask };
}

function curveExtra(key: ImportedKey): Attributes {
  return key.family.curve === undefined
    ? {}
    : { cryptographicDomainParameters: { recommendedCurve: key.family.curve } };
}

/**
 * Stores a private or public key a client registers or imports. `uid`: Import's identifier.
 * Returns the record of the key.
 */
export async function registerKeyPairObject(
  ctx: OperationContext,
  objectType: number,
  object: ManagedObject,
  attributes: Attributes,
  uid?: string,
): Promise<ObjectRecord> {
  if (object.kind === 'PrivateKey' && object.keyBlock.keyFormatType === KeyFormatType.PKCS_12)
    return registerPkcs12(ctx, object, attributes, uid);
  const imported = await importAsymmetric(object, hintOf(object, attributes));
  return insertNewObject(ctx, {
    objectType,
    attributes: withDefaultMask(attributes, imported, object.kind === 'PrivateKey'),
    object: imported.object,
    extra: curveExtra(imported),
    ...(uid === undefined ? {} : { uid }),
  });
}

async function registerPkcs12(
  ctx: OperationContext,
  object: ManagedObject,
  clientAttributes: Attributes,
  uid: string | undefined,
): Promise<ObjectRecord> {
  const { attributes, password } = takePassword(clientAttributes, ctx.config.vendorIdentification);
  const kv = (object as { keyBlock: KeyBlock }).keyBlock.keyValue;
  const pfx =
    kv !== undefined && !(kv instanceof Uint8Array) && kv.keyMaterial instanceof Uint8Array
      ? kv.keyMaterial
      : undefined;
  if (pfx === undefined) throw new KmsError('ERR_KMS_INVALID_FIELD', 'PKCS#12 takes a Byte String');
  const contents = await readPkcs12(pfx, password);
  const hint = hintOf(object, attributes);
  delete hint.cryptographicLength; // the file's key decides; a PKCS#12 block carries no length
  const imported = await importPkcs8(contents.privateKey, hint);
  const { uniqueIdentifier, ...rest } = attributes;
  if (uniqueIdentifier !== undefined && typeof uniqueIdentifier !== 'string')
    throw new KmsError('ERR_KMS_INVALID_FIELD', 'a new object needs a text Unique Identifier');
  const keyUid = uid ?? uniqueIdentifier ?? globalThis.crypto.randomUUID();
  let leaf: ObjectRecord | undefined;
  if (contents.certificates.length > 0) {
    const pem = contents.certificates
      .map((c) => {
        const b64 = Buffer.from(c).toString('base64');
        return `-----BEGIN CERTIFICATE-----\n${(b64.match(/.{1,64}/g) ?? []).join('\n')}\n-----END CERTIFICATE-----\n`;
      })
      .join('');
    leaf = await insertCertificates(
      ctx,
      {
        kind: 'Certificate',
        certificateType: CertificateType.X_509,
        certificateValue: new TextEncoder().encode(pem),
      },
      { links: [{ linkType: LinkType.PrivateKeyLink, linkedObjectIdentifier: keyUid }] },
    );
  }
  if (rest.pkcs12FriendlyName === undefined && contents.friendlyName !== undefined)
    rest.pkcs12FriendlyName = contents.friendlyName;
  const extra: Attributes = curveExtra(imported);
  if (leaf !== undefined)
    extra.links = [
      ...(rest.links ?? []),
      { linkType: LinkType.CertificateLink, linkedObjectIdentifier: leaf.uid },
    ];
  return insertNewObject(ctx, {
    objectType: ObjectType.PrivateKey,
    attributes: withDefaultMask(rest, imported, true),
    object: imported.object,
    extra,
    uid: keyUid,
  });
}
