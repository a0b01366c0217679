/**
 * Covercrypt master key pairs, as Cosmian KMS exposes them:
 *
 * - **Create Key Pair** with Cryptographic Algorithm `CoverCrypt` and the access structure in the
 *   vendor attribute `cover_crypt_access_structure` (common or private attributes): a master
 *   secret key (Private Key) and master public key (Public Key, identifier + `_pk`), linked both
 *   ways, holding Custos' Covercrypt encodings.
 * - **Re-key Key Pair** on the master secret key with the vendor attribute
 *   `cover_crypt_rekey_action`: rotate or prune rights, add, rename, disable, enable or remove
 *   attributes. The keys keep their identifiers (as in Cosmian): the master secret key and the
 *   master public key are rewritten, and every user key of this master that is Pre-Active or
 *   Active is refreshed from it in the same transaction (keeping the older secrets it had, unless
 *   pruned), so that it opens what it opened before plus what the new keys encrypt. Revoked
 *   (Deactivated, Compromised) and destroyed user keys are not refreshed.
 *
 * Both are registered with the key-pair extension point of `op-keypair.ts`.
 */
import { MasterSecretKey, UserKey } from '@custos/covercrypt';
import {
  CryptographicUsageMask,
  LinkType,
  ObjectType,
  Operation,
  State,
  type Attributes,
  type CreateKeyPairRequest,
  type ReKeyKeyPairRequest,
} from '@custos/kmip';
import type { OperationContext, OperationResult } from './context.ts';
import { KmsError } from './errors.ts';
import { insertKeyPair, keyPairResult, registerKeyPairAlgorithm } from './op-keypair.ts';
import type { LoadedObject } from './repository.ts';
import { effectiveState } from './rules.ts';
import {
  ATTR_ACCESS_POLICY,
  ATTR_ACCESS_STRUCTURE,
  ATTR_AUTHORITY,
  ATTR_REKEY_ACTION,
  COVERCRYPT,
  COVERCRYPT_SECRET_KEY,
  covercryptError,
  describeStructure,
  parseAccessStructure,
  parseRekeyAction,
  vendorBytes,
  vendorText,
  withoutVendor,
  type RekeyAction,
} from './_covercrypt-attributes.ts';
import {
  authorityHex,
  covercryptObject,
  masterKeyOf,
  requireRole,
  saveKey,
  setVendor,
  userKeysTag,
} from './_covercrypt-keys.ts';

/** Vendor attributes the server reads from a request and never stores as sent. */
const REQUEST_ONLY = [ATTR_ACCESS_STRUCTURE, ATTR_ACCESS_POLICY, ATTR_REKEY_ACTION, ATTR_AUTHORITY];

/** Most user keys one re-key refreshes (the transaction holds them all). */
const MAX_USER_KEYS = 100_000;

/**
 * Client attributes of one half, cleaned: the Key Format Type and Object Type a Cosmian client
 * sends are checked and dropped (the server sets them), request-only vendor attributes removed.
 */
function half(ctx: OperationContext, common: Attributes, own: Attributes | undefined): Attributes {
  const a: Attributes = { ...common, ...own };
  if (a.keyFormatType !== undefined && a.keyFormatType !== COVERCRYPT_SECRET_KEY)
    throw new KmsError(
      'ERR_KMS_KEY_FORMAT_NOT_SUPPORTED',
      'Covercrypt keys are stored as CoverCryptSecretKey / CoverCryptPublicKey',
    );
  delete a.keyFormatType;
  delete a.objectType;
  delete a.cryptographicLength;
  a.cryptographicAlgorithm = COVERCRYPT;
  return withoutVendor(a, REQUEST_ONLY, ctx.config.vendorIdentification);
}

async function createMasterKeyPair(
  ctx: OperationContext,
  req: CreateKeyPairRequest,
): Promise<OperationResult> {
  const vendor = ctx.config.vendorIdentification;
  const text =
    vendorText(req.privateKeyAttributes, ATTR_ACCESS_STRUCTURE, vendor) ??
    vendorText(req.commonAttributes, ATTR_ACCESS_STRUCTURE, vendor);
  if (text === undefined)
    throw new KmsError(
      'ERR_KMS_ACCESS_STRUCTURE',
      `a Covercrypt master key pair needs the access structure (vendor attribute ${ATTR_ACCESS_STRUCTURE})`,
    );
  const structure = parseAccessStructure(text);
  let msk: MasterSecretKey;
  try {
    msk = await MasterSecretKey.setup(structure);
  } catch (error) {
    return covercryptError(error, 'structure');
  }
  const { uniqueIdentifier: commonUid, ...common } = req.commonAttributes ?? {};
  const privateAttributes = half(ctx, common, req.privateKeyAttributes);
  if (privateAttributes.uniqueIdentifier === undefined && commonUid !== undefined)
    privateAttributes.uniqueIdentifier = commonUid;
  const publicAttributes = half(ctx, common, req.publicKeyAttributes);
  publicAttributes.cryptographicUsageMask ??= CryptographicUsageMask.Encrypt;
  const described = vendorBytes(ATTR_ACCESS_STRUCTURE, describeStructure(structure), vendor);
  const authority = vendorBytes(ATTR_AUTHORITY, authorityHex(msk.authorityId), vendor);
  for (const a of [privateAttributes, publicAttributes])
    a.vendorAttributes = [...(a.vendorAttributes ?? []), described, authority];
  const { privateRecord, publicRecord } = await insertKeyPair(ctx, {
    privateKey: covercryptObject('PrivateKey', msk.toBytes()),
    publicKey: covercryptObject('PublicKey', await msk.publicKey()),
    privateAttributes,
    publicAttributes,
  });
  return keyPairResult(ctx, Operation.CreateKeyPair, privateRecord.uid, publicRecord.uid);
}

function applyAction(msk: MasterSecretKey, action: RekeyAction): void {
  try {
    switch (action.kind) {
      case 'rekey':
        msk.rekey(action.attributes);
        return;
      case 'prune':
        msk.prune(action.attributes);
        return;
      default:
        msk.editStructure((s) => {
          for (const a of action.attributes) {
            if (action.kind === 'remove') s.removeAttribute(a as string);
            else if (action.kind === 'disable') s.disableAttribute(a as string);
            else if (action.kind === 'enable') s.enableAttribute(a as string);
            else if (action.kind === 'rename') {
              const r = a as { qualified: string; name: string };
              s.renameAttribute(r.qualified, r.name);
            } else {
              const add = a as { qualified: string; hybrid: boolean; after: string | undefined };
              const { dimension, attribute } = qualified(add.qualified);
              s.addAttribute(dimension, attribute, {
                mode: add.hybrid ? 'hybrid' : 'classic',
                ...(add.after === undefined ? {} : { after: add.after }),
              });
            }
          }
        });
    }
  } catch (error) {
    covercryptError(error, 'structure');
  }
}

function qualified(name: string): { dimension: string; attribute: string } {
  const at = name.indexOf('::');
  if (at <= 0 || at + 2 >= name.length)
    throw new KmsError(
      'ERR_KMS_ACCESS_STRUCTURE',
      `"${name.slice(0, 80)}" is not Dimension::Attribute`,
    );
  return { dimension: name.slice(0, at).trim(), attribute: name.slice(at + 2).trim() };
}

/** The user keys of a master secret key that a re-key refreshes (Pre-Active or Active). */
async function liveUserKeys(ctx: OperationContext, masterUid: string): Promise<string[]> {
  const found = await ctx.writer.locate({
    user: ctx.user,
    allObjects: true,
    objectType: ObjectType.PrivateKey,
    tags: [userKeysTag(masterUid)],
    states: [State.PreActive, State.Active],
    limit: MAX_USER_KEYS + 1,
  });
  if (found.length > MAX_USER_KEYS)
    throw new KmsError(
      'ERR_KMS_SERVER_LIMIT',
      `more than ${MAX_USER_KEYS} user keys to refresh in one re-key`,
    );
  return found
    .filter((r) => {
      const s = effectiveState(r, ctx.now);
      return s === State.PreActive || s === State.Active;
    })
    .map((r) => r.uid);
}

async function rekeyMasterKeyPair(
  ctx: OperationContext,
  req: ReKeyKeyPairRequest,
  old: LoadedObject,
): Promise<OperationResult> {
  const vendor = ctx.config.vendorIdentification;
  const text =
    vendorText(req.privateKeyAttributes, ATTR_REKEY_ACTION, vendor) ??
    vendorText(req.commonAttributes, ATTR_REKEY_ACTION, vendor);
  if (text === undefined)
    throw new KmsError(
      'ERR_KMS_MISSING_DATA',
      `Re-key Key Pair of a Covercrypt master key needs the vendor attribute ${ATTR_REKEY_ACTION}`,
    );
  if (req.offset !== undefined)
    throw new KmsError(
      'ERR_KMS_FEATURE_NOT_SUPPORTED',
      'a Covercrypt re-key applies at once (no Offset)',
    );
  const action = parseRekeyAction(text);
  const msk = await masterKeyOf(old);
  const master = old.record;
  const publicUid = master.attributes.links?.find(
    (l) => l.linkType === LinkType.PublicKeyLink,
  )?.linkedObjectIdentifier;
  if (typeof publicUid !== 'string')
    throw new KmsError('ERR_KMS_ITEM_NOT_FOUND', `master key ${master.uid} has no public key link`);
  const pub = await ctx.load(publicUid, true);
  requireRole(pub, 'master-public', 'Re-key Key Pair');

  applyAction(msk, action);

  const described = describeStructure(msk.structure);
  await saveKey(ctx, pub.record, 'PublicKey', await msk.publicKey(), {
    ...setVendor(ctx, pub.record.attributes, ATTR_ACCESS_STRUCTURE, described),
  });
  for (const uid of await liveUserKeys(ctx, master.uid)) {
    const user = await ctx.load(uid, true);
    let refreshed: Uint8Array;
    try {
      refreshed = await msk.refreshUserKey(requireRole(user, 'user', 'refresh'), {
        keepOldSecrets: true,
      });
    } catch (error) {
      return covercryptError(error, 'structure');
    }
    // The policy text follows renames (the key holds the policy by attribute ids).
    const policy = (await UserKey.load(refreshed)).policy;
    await saveKey(
      ctx,
      user.record,
      'PrivateKey',
      refreshed,
      setVendor(ctx, user.record.attributes, ATTR_ACCESS_POLICY, policy),
    );
  }
  // Saved last: user-key refreshes do not change the master key, but it is the one to lock.
  await saveKey(
    ctx,
    master,
    'PrivateKey',
    msk.toBytes(),
    setVendor(ctx, master.attributes, ATTR_ACCESS_STRUCTURE, described),
  );
  return keyPairResult(ctx, Operation.ReKeyKeyPair, master.uid, pub.record.uid);
}

/** Plugs Covercrypt master key pairs into Create Key Pair and Re-key Key Pair. */
export function registerCovercryptKeyPairs(): void {
  registerKeyPairAlgorithm(COVERCRYPT, { create: createMasterKeyPair, rekey: rekeyMasterKeyPair });
}
