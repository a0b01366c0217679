/**
 * Re-key (KMIP 2.1 §6.1.42): a new generation of a symmetric key. The new key gets fresh
 * material of the same algorithm and length, the old key's usage mask, parameters and
 * descriptive attributes, its names and user tags (which move, so that a name or tag keeps
 * naming the current generation), its grants, and links both ways (Replaced Object on the new
 * key, Replacement Object on the old one). With an Offset of N seconds the new key activates
 * and the old one deactivates N seconds from now; without, at once.
 */
import {
  LinkType,
  ObjectType,
  Operation,
  State,
  decodeRequestPayload,
  encodeResponsePayload,
  type Attributes,
  type TtlvStructure,
} from '@custos/kmip';
import { provider } from '@custos/crypto';
import type { OperationContext, OperationResult } from './context.ts';
import { KmsError } from './errors.ts';
import { checkKeyLength, requireCreateRight } from './op-create.ts';
import { changed, insertNewObject, keyBytes, symmetricKey } from './_objects.ts';
import { effectiveState, tagAttribute } from './rules.ts';

/** Attributes a new generation inherits. */
const INHERITED: readonly (keyof Attributes)[] = [
  'cryptographicAlgorithm',
  'cryptographicLength',
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

export async function reKey(
  ctx: OperationContext,
  payload: TtlvStructure,
): Promise<OperationResult> {
  const req = decodeRequestPayload(Operation.ReKey, payload, ctx.version);
  const old = await ctx.object(req.uniqueIdentifier, 'rekey', 'read', true);
  await requireCreateRight(ctx);
  const r = old.record;
  if (r.objectType !== ObjectType.SymmetricKey)
    throw new KmsError('ERR_KMS_ILLEGAL_OBJECT_TYPE', 'Re-key renews symmetric keys only');
  const oldBytes = keyBytes(old.object, r.uid);
  const algorithm = r.attributes.cryptographicAlgorithm;
  const bits = checkKeyLength(algorithm, r.attributes.cryptographicLength ?? oldBytes.length * 8);
  const offset = req.offset ?? 0;
  const switchAt = new Date(ctx.now.getTime() + offset * 1000);
  const inherited: Attributes = {};
  for (const k of INHERITED)
    if (r.attributes[k] !== undefined) (inherited as Record<string, unknown>)[k] = r.attributes[k];
  const userTags = r.tags.filter((t) => !t.startsWith('_'));
  const requested: Attributes = { ...inherited, ...(req.attributes ?? {}) };
  if (userTags.length > 0)
    requested.vendorAttributes = [
      ...(requested.vendorAttributes ?? []),
      tagAttribute(userTags, ctx.config.vendorIdentification),
    ];
  requested.activationDate = switchAt;
  const links = (r.attributes.links ?? []).filter(
    (l) =>
      l.linkType !== LinkType.ReplacementObjectLink && l.linkType !== LinkType.ReplacedObjectLink,
  );
  const fresh = await insertNewObject(ctx, {
    objectType: ObjectType.SymmetricKey,
    attributes: requested,
    object: symmetricKey(provider.random.bytes(bits / 8), algorithm as number),
    extra: {
      links: [...links, { linkType: LinkType.ReplacedObjectLink, linkedObjectIdentifier: r.uid }],
      rotateGeneration: (r.attributes.rotateGeneration ?? 0) + 1,
    },
  });
  for (const g of await ctx.writer.grantsOn(r.uid))
    await ctx.writer.setGrant(fresh.uid, g.user, g.operations);
  const oldAttributes: Attributes = {
    ...r.attributes,
    links: [
      ...(r.attributes.links ?? []),
      { linkType: LinkType.ReplacementObjectLink, linkedObjectIdentifier: fresh.uid },
    ],
  };
  delete oldAttributes.names;
  const state = effectiveState(r, ctx.now);
  let nextState = r.state;
  if (state === State.Active || state === State.PreActive) {
    if (oldAttributes.deactivationDate === undefined || oldAttributes.deactivationDate > switchAt)
      oldAttributes.deactivationDate = switchAt;
    if (offset === 0) nextState = State.Deactivated;
  }
  await ctx.writer.updateObject(
    changed(ctx, r, {
      attributes: oldAttributes,
      state: nextState,
      tags: r.tags.filter((t) => t.startsWith('_')),
    }),
  );
  return {
    payload: encodeResponsePayload(Operation.ReKey, { uniqueIdentifier: fresh.uid }, ctx.version),
    uids: [fresh.uid],
  };
}
