/**
 * Re-key Key Pair (KMIP 2.1 §6.1.43): a new generation of a key pair, named by its private key.
 * The new pair has fresh material of the same family (algorithm, length, curve), each half
 * inherits its predecessor's usage mask, parameters and descriptive attributes, its names and
 * user tags (which move, so that a name or tag keeps naming the current generation) and its
 * grants; request attributes (common, private, public) override. Links go both ways: Replaced
 * Object on each new key, Replacement Object on each old one. With an Offset of N seconds the
 * new pair activates and the old one deactivates N seconds from now; without, at once.
 *
 * Key-pair families registered with `registerKeyPairAlgorithm` (Covercrypt) are handed the
 * request once the old private key is loaded and the rights are checked.
 */
import {
  LinkType,
  ObjectType,
  Operation,
  State,
  decodeRequestPayload,
  type Attributes,
  type Link,
  type TtlvStructure,
} from '@custos/kmip';
import type { OperationContext, OperationResult } from './context.ts';
import { KmsError } from './errors.ts';
import { requireCreateRight } from './op-create.ts';
import { insertKeyPair, keyPairExtension, keyPairResult } from './op-keypair.ts';
import { familyOf, generateKeyPair } from './_asym-keys.ts';
import { changed } from './_objects.ts';
import type { ObjectRecord } from './model.ts';
import type { LoadedObject } from './repository.ts';
import { effectiveState, tagAttribute } from './rules.ts';

/** Attributes a new generation inherits from its predecessor. */
const INHERITED: readonly (keyof Attributes)[] = [
  'cryptographicAlgorithm',
  'cryptographicLength',
  'cryptographicDomainParameters',
  'cryptographicUsageMask',
  'cryptographicParameters',
  'names',
  'objectGroups',
  'applicationSpecificInformation',
  'contactInformation',
  'description',
  'comment',
  'sensitive',
  'extractable',
  'vendorAttributes',
  'rotateAutomatic',
  'rotateInterval',
  'rotateName',
  'rotateOffset',
];

/** Links that describe one generation and are not carried to the next. */
const GENERATION_LINKS: ReadonlySet<number> = new Set([
  LinkType.ReplacementObjectLink,
  LinkType.ReplacedObjectLink,
  LinkType.PublicKeyLink,
  LinkType.PrivateKeyLink,
  LinkType.CertificateLink,
]);

function linked(a: Attributes, type: number): string | undefined {
  const l = (a.links ?? []).find((x) => x.linkType === type);
  return typeof l?.linkedObjectIdentifier === 'string' ? l.linkedObjectIdentifier : undefined;
}

/** The inherited attributes of `r`, overridden by `requested`, with the tags it carries. */
function nextAttributes(
  ctx: OperationContext,
  r: ObjectRecord,
  requested: Attributes,
  switchAt: Date,
): Attributes {
  const out: Attributes = {};
  for (const k of INHERITED)
    if (r.attributes[k] !== undefined) (out as Record<string, unknown>)[k] = r.attributes[k];
  Object.assign(out, requested);
  const userTags = r.tags.filter((t) => !t.startsWith('_'));
  if (userTags.length > 0)
    out.vendorAttributes = [
      ...(out.vendorAttributes ?? []),
      tagAttribute(userTags, ctx.config.vendorIdentification),
    ];
  out.activationDate = switchAt;
  delete out.uniqueIdentifier;
  return out;
}

/** Links of the next generation of `r`: its lasting links and Replaced Object → `r`. */
function nextLinks(r: ObjectRecord): Link[] {
  return [
    ...(r.attributes.links ?? []).filter((l) => !GENERATION_LINKS.has(l.linkType)),
    { linkType: LinkType.ReplacedObjectLink, linkedObjectIdentifier: r.uid },
  ];
}

/** Links `r` to its replacement, drops its names and user tags, deactivates it. */
async function retire(
  ctx: OperationContext,
  r: ObjectRecord,
  replacement: string,
  switchAt: Date,
  offset: number,
): Promise<void> {
  const attributes: Attributes = {
    ...r.attributes,
    links: [
      ...(r.attributes.links ?? []),
      { linkType: LinkType.ReplacementObjectLink, linkedObjectIdentifier: replacement },
    ],
  };
  delete attributes.names;
  const state = effectiveState(r, ctx.now);
  let nextState = r.state;
  if (state === State.Active || state === State.PreActive) {
    if (attributes.deactivationDate === undefined || attributes.deactivationDate > switchAt)
      attributes.deactivationDate = switchAt;
    if (offset === 0) nextState = State.Deactivated;
  }
  await ctx.writer.updateObject(
    changed(ctx, r, {
      attributes,
      state: nextState,
      tags: r.tags.filter((t) => t.startsWith('_')),
    }),
  );
}

async function copyGrants(ctx: OperationContext, from: string, to: string): Promise<void> {
  for (const g of await ctx.writer.grantsOn(from))
    await ctx.writer.setGrant(to, g.user, g.operations);
}

export async function reKeyKeyPair(
  ctx: OperationContext,
  payload: TtlvStructure,
): Promise<OperationResult> {
  const req = decodeRequestPayload(Operation.ReKeyKeyPair, payload, ctx.version);
  const old = await ctx.object(req.privateKeyUniqueIdentifier, 'rekey', 'read', true);
  await requireCreateRight(ctx);
  const r = old.record;
  if (r.objectType !== ObjectType.PrivateKey)
    throw new KmsError(
      'ERR_KMS_ILLEGAL_OBJECT_TYPE',
      'Re-key Key Pair names the private key of the pair',
    );
  // Extension point (Covercrypt master key pairs...): registered families renew their own pairs.
  const delegated = keyPairExtension(r.attributes.cryptographicAlgorithm);
  if (delegated !== undefined) return delegated.rekey(ctx, req, old);

  const family = familyOf(old);
  const pubUid = linked(r.attributes, LinkType.PublicKeyLink);
  let oldPublic: LoadedObject | undefined;
  if (pubUid !== undefined) {
    try {
      oldPublic = await ctx.object(pubUid, 'rekey', 'read', true);
    } catch (error) {
      // A destroyed or deleted public key does not block renewing the pair.
      const gone =
        error instanceof KmsError &&
        (error.code === 'ERR_KMS_ITEM_NOT_FOUND' || error.code === 'ERR_KMS_OBJECT_DESTROYED');
      if (!gone) throw error;
    }
  }
  const offset = req.offset ?? 0;
  const switchAt = new Date(ctx.now.getTime() + offset * 1000);
  const common = { ...req.commonAttributes };
  delete common.uniqueIdentifier;
  const privateAttributes = nextAttributes(
    ctx,
    r,
    { ...common, ...req.privateKeyAttributes },
    switchAt,
  );
  const publicAttributes =
    oldPublic === undefined
      ? { ...common, ...req.publicKeyAttributes, activationDate: switchAt }
      : nextAttributes(ctx, oldPublic.record, { ...common, ...req.publicKeyAttributes }, switchAt);
  if (oldPublic === undefined) {
    publicAttributes.cryptographicAlgorithm ??= family.algorithm;
    publicAttributes.cryptographicLength ??= family.length;
  }
  for (const a of [privateAttributes, publicAttributes])
    if (
      (a.cryptographicAlgorithm !== undefined && a.cryptographicAlgorithm !== family.algorithm) ||
      (a.cryptographicLength !== undefined && a.cryptographicLength !== family.length)
    )
      throw new KmsError(
        'ERR_KMS_INVALID_FIELD',
        'Re-key Key Pair keeps the algorithm and length of the pair',
      );
  const generation = (r.attributes.rotateGeneration ?? 0) + 1;
  const pair = await generateKeyPair(family);
  const { privateRecord, publicRecord } = await insertKeyPair(ctx, {
    privateKey: pair.privateKey,
    publicKey: pair.publicKey,
    privateAttributes,
    publicAttributes,
    privateExtra: { links: nextLinks(r), rotateGeneration: generation },
    publicExtra: {
      links: oldPublic === undefined ? [] : nextLinks(oldPublic.record),
      rotateGeneration: generation,
    },
  });
  await copyGrants(ctx, r.uid, privateRecord.uid);
  await retire(ctx, r, privateRecord.uid, switchAt, offset);
  if (oldPublic !== undefined) {
    await copyGrants(ctx, oldPublic.record.uid, publicRecord.uid);
    await retire(ctx, oldPublic.record, publicRecord.uid, switchAt, offset);
  }
  return keyPairResult(ctx, Operation.ReKeyKeyPair, privateRecord.uid, publicRecord.uid);
}
