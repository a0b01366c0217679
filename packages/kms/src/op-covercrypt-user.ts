/**
 * Covercrypt user keys, as Cosmian KMS creates them: **Create** with Object Type Private Key,
 * Cryptographic Algorithm `CoverCrypt`, a Parent Link to the master secret key and the user's
 * access policy in the vendor attribute `cover_crypt_access_policy` (e.g. `Department::FIN &&
 * Security Level::Confidential`).
 *
 * The key is issued by the master secret key (which needs the caller's `derivekey` right and
 * must be Active) and carries a tracing identity: every issued key gets the next serial of the
 * master (kept in the master key, which is saved in the same transaction so that no serial is
 * handed out twice), recorded in the vendor attribute `cover_crypt_user_serial`; the master key
 * can name the serial of a leaked key. User keys are tagged `_uk` and with a system tag of
 * their master, by which a re-key of the master finds and refreshes them.
 */
import { UserKey } from '@custos/covercrypt';
import {
  CryptographicUsageMask,
  LinkType,
  ObjectType,
  Operation,
  encodeResponsePayload,
  type CreateRequest,
} from '@custos/kmip';
import type { OperationContext, OperationResult } from './context.ts';
import { KmsError } from './errors.ts';
import { insertNewObject } from './_objects.ts';
import {
  ATTR_ACCESS_POLICY,
  ATTR_ACCESS_STRUCTURE,
  ATTR_AUTHORITY,
  ATTR_REKEY_ACTION,
  ATTR_USER_SERIAL,
  COVERCRYPT,
  COVERCRYPT_SECRET_KEY,
  covercryptError,
  vendorBytes,
  vendorText,
  withoutVendor,
} from './_covercrypt-attributes.ts';
import {
  authorityHex,
  covercryptObject,
  masterKeyOf,
  saveKey,
  userKeysTag,
} from './_covercrypt-keys.ts';

/** True for a Create request that asks for a Covercrypt user key. */
export function isCovercryptUserKeyRequest(req: CreateRequest): boolean {
  return (
    req.objectType === ObjectType.PrivateKey && req.attributes.cryptographicAlgorithm === COVERCRYPT
  );
}

/** Create of a Covercrypt user key (creation right already checked by Create). */
export async function createCovercryptUserKey(
  ctx: OperationContext,
  req: CreateRequest,
): Promise<OperationResult> {
  const vendor = ctx.config.vendorIdentification;
  const a = req.attributes;
  const policy = vendorText(a, ATTR_ACCESS_POLICY, vendor);
  if (policy === undefined || policy.trim() === '')
    throw new KmsError(
      'ERR_KMS_ACCESS_POLICY',
      `a Covercrypt user key needs its access policy (vendor attribute ${ATTR_ACCESS_POLICY})`,
    );
  if (a.keyFormatType !== undefined && a.keyFormatType !== COVERCRYPT_SECRET_KEY)
    throw new KmsError(
      'ERR_KMS_KEY_FORMAT_NOT_SUPPORTED',
      'Covercrypt user keys are stored as CoverCryptSecretKey',
    );
  const parents = (a.links ?? []).filter((l) => l.linkType === LinkType.ParentLink);
  if (parents.length !== 1)
    throw new KmsError(
      'ERR_KMS_MISSING_DATA',
      'a Covercrypt user key needs one Parent Link naming its master secret key',
    );
  const masterUid = await ctx.resolve(
    (parents[0] as { linkedObjectIdentifier: string }).linkedObjectIdentifier,
  );
  const master = await ctx.object(masterUid, 'derivekey', 'protect', true);
  const msk = await masterKeyOf(master);
  let issued;
  try {
    issued = await msk.issueUserKey(policy);
  } catch (error) {
    return covercryptError(error, 'policy');
  }
  // The serial counter moved: save the master key before anything can fail after it.
  await saveKey(ctx, master.record, 'PrivateKey', msk.toBytes(), master.record.attributes);

  const canonical = (await UserKey.load(issued.userKey, { authority: msk.authorityId })).policy;
  const attributes = withoutVendor(
    { ...a },
    [
      ATTR_ACCESS_POLICY,
      ATTR_ACCESS_STRUCTURE,
      ATTR_REKEY_ACTION,
      ATTR_AUTHORITY,
      ATTR_USER_SERIAL,
    ],
    vendor,
  );
  delete attributes.keyFormatType;
  delete attributes.cryptographicLength;
  attributes.links = [
    ...(a.links ?? []).filter((l) => l.linkType !== LinkType.ParentLink),
    { linkType: LinkType.ParentLink, linkedObjectIdentifier: masterUid },
  ];
  attributes.cryptographicUsageMask ??= CryptographicUsageMask.Decrypt;
  attributes.vendorAttributes = [
    ...(attributes.vendorAttributes ?? []),
    vendorBytes(ATTR_ACCESS_POLICY, canonical, vendor),
    vendorBytes(ATTR_USER_SERIAL, String(issued.serial), vendor),
    vendorBytes(ATTR_AUTHORITY, authorityHex(msk.authorityId), vendor),
  ];
  const record = await insertNewObject(ctx, {
    objectType: ObjectType.PrivateKey,
    attributes,
    object: covercryptObject('PrivateKey', issued.userKey),
    extraTags: ['_uk', userKeysTag(masterUid)],
  });
  return {
    payload: encodeResponsePayload(
      Operation.Create,
      { objectType: ObjectType.PrivateKey, uniqueIdentifier: record.uid },
      ctx.version,
    ),
    uids: [record.uid],
  };
}
