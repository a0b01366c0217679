/**
 * The attribute operations (KMIP 2.1 §6.1.2, 6.1.17, 6.1.24–25, 6.1.33, 6.1.50): Get Attributes,
 * Get Attribute List, Add, Set, Modify and Delete Attribute.
 *
 * Tags are the vendor attribute `tag` (Vendor Identification = the server's, or `cosmian`): Add
 * adds tags, Set and Modify replace the user tags, Delete removes all of them or the listed ones.
 * System tags (`_kk`...) are shown but never changed by clients.
 */
import {
  Operation,
  Tag,
  attributes as attributesCodec,
  decodeRequestPayload,
  encodeResponsePayload,
  type AttributeReference,
  type Attributes,
  type TtlvItem,
  type TtlvStructure,
  type VendorAttribute,
} from '@custos/kmip';
import type { OperationContext, OperationResult } from './context.ts';
import { KmsError } from './errors.ts';
import { changed } from './_objects.ts';
import { encodeAttributes, type ObjectRecord } from './model.ts';
import type { LoadedObject } from './repository.ts';
import {
  MULTI_VALUED,
  attributeKeys,
  attributeLabel,
  attributesForVersion,
  checkModifiable,
  checkUserTags,
  effectiveState,
  isTagAttribute,
  parseTagValue,
  tagAttribute,
} from './rules.ts';

type Key = keyof Attributes;

/** Every attribute of an object as a client sees it (identifier, type, state, tags included). */
export function fullAttributes(ctx: OperationContext, record: ObjectRecord): Attributes {
  const a: Attributes = {
    ...record.attributes,
    uniqueIdentifier: record.uid,
    objectType: record.objectType,
    state: effectiveState(record, ctx.now),
  };
  a.vendorAttributes = [
    ...(a.vendorAttributes ?? []),
    tagAttribute(record.tags, ctx.config.vendorIdentification),
  ];
  return a;
}

/** `fullAttributes` restricted to what the client's protocol version knows. */
export function visibleAttributes(ctx: OperationContext, loaded: LoadedObject): Attributes {
  return attributesForVersion(
    fullAttributes(ctx, loaded.record),
    ctx.version.major,
    ctx.version.minor,
  );
}

function items(a: Attributes): readonly TtlvItem[] {
  return (
    attributesCodec.write(Tag.Attributes, a, { major: 2, minor: 1 }, 'attributes') as TtlvStructure
  ).value;
}

function fromItems(list: readonly TtlvItem[]): Attributes {
  return attributesCodec.read(
    { tag: Tag.Attributes, type: 'Structure', value: list },
    { major: 2, minor: 1 },
    'attributes',
  );
}

function matches(item: TtlvItem, ref: AttributeReference): boolean {
  if (typeof ref === 'number') return item.tag === ref;
  if (item.tag !== Tag.Attribute || item.type !== 'Structure') return false;
  const v = item.value.find((c) => c.tag === Tag.VendorIdentification);
  const n = item.value.find((c) => c.tag === Tag.AttributeName);
  return (
    n?.value === ref.attributeName &&
    (v?.value === ref.vendorIdentification ||
      (ref.attributeName === 'tag' && ref.vendorIdentification === 'cosmian'))
  );
}

function reference(item: TtlvItem): AttributeReference {
  if (item.tag === Tag.Attribute && item.type === 'Structure') {
    const v = item.value.find((c) => c.tag === Tag.VendorIdentification);
    const n = item.value.find((c) => c.tag === Tag.AttributeName);
    return {
      vendorIdentification: v?.type === 'TextString' ? v.value : '',
      attributeName: n?.type === 'TextString' ? n.value : '',
    };
  }
  return item.tag;
}

export async function getAttributes(
  ctx: OperationContext,
  payload: TtlvStructure,
): Promise<OperationResult> {
  const req = decodeRequestPayload(Operation.GetAttributes, payload, ctx.version);
  const loaded = await ctx.object(req.uniqueIdentifier, 'getattributes', 'metadata');
  let attributes = visibleAttributes(ctx, loaded);
  const refs = req.attributeReferences ?? [];
  if (refs.length > 0)
    attributes = fromItems(items(attributes).filter((i) => refs.some((r) => matches(i, r))));
  return {
    payload: encodeResponsePayload(
      Operation.GetAttributes,
      { uniqueIdentifier: loaded.record.uid, attributes },
      ctx.version,
    ),
    uids: [],
    subject: loaded.record.uid,
  };
}

export async function getAttributeList(
  ctx: OperationContext,
  payload: TtlvStructure,
): Promise<OperationResult> {
  const req = decodeRequestPayload(Operation.GetAttributeList, payload, ctx.version);
  const loaded = await ctx.object(req.uniqueIdentifier, 'getattributes', 'metadata');
  const seen = new Set<string>();
  const attributeReferences: AttributeReference[] = [];
  for (const i of items(visibleAttributes(ctx, loaded))) {
    const ref = reference(i);
    const key = JSON.stringify(ref);
    if (seen.has(key)) continue;
    seen.add(key);
    attributeReferences.push(ref);
  }
  return {
    payload: encodeResponsePayload(
      Operation.GetAttributeList,
      { uniqueIdentifier: loaded.record.uid, attributeReferences },
      ctx.version,
    ),
    uids: [],
    subject: loaded.record.uid,
  };
}

/** The only attribute key of a single-attribute `Attributes`. */
function onlyKey(a: Attributes): Key {
  const keys = attributeKeys(a);
  const k = keys[0];
  if (keys.length !== 1 || k === undefined)
    throw new KmsError('ERR_KMS_INVALID_FIELD', 'exactly one attribute expected');
  if (k === 'extensions')
    throw new KmsError('ERR_KMS_UNSUPPORTED_ATTRIBUTE', 'extension attributes are not supported');
  const v = a[k];
  if (Array.isArray(v) && v.length !== 1)
    throw new KmsError('ERR_KMS_INVALID_FIELD', 'exactly one attribute instance expected');
  return k;
}

/** The single tag vendor attribute of a request attribute, if it is one. */
function tagRequest(ctx: OperationContext, a: Attributes): VendorAttribute | undefined {
  const v = a.vendorAttributes?.[0];
  return v !== undefined && isTagAttribute(v, ctx.config.vendorIdentification) ? v : undefined;
}

/** A copy of `a` without `key`. */
function withoutKey(a: Attributes, key: Key): Attributes {
  const out: Attributes = Object.fromEntries(Object.entries(a).filter(([k]) => k !== key));
  return out;
}

function userTags(record: ObjectRecord): string[] {
  return record.tags.filter((t) => !t.startsWith('_'));
}

function withUserTags(record: ObjectRecord, tags: readonly string[]): string[] {
  return [...new Set([...record.tags.filter((t) => t.startsWith('_')), ...tags])].sort();
}

function same(a: unknown, b: unknown, key: Key): boolean {
  return encodeAttributes({ [key]: a }) === encodeAttributes({ [key]: b });
}

async function loadForChange(
  ctx: OperationContext,
  uid: Parameters<OperationContext['resolve']>[0],
  right: string,
): Promise<LoadedObject> {
  return ctx.object(uid, right, 'read', true);
}

async function save(
  ctx: OperationContext,
  record: ObjectRecord,
  change: Parameters<typeof changed>[2],
): Promise<void> {
  await ctx.writer.updateObject(changed(ctx, record, change));
}

function changeResponse(
  ctx: OperationContext,
  op: number,
  uid: string,
  attribute?: Attributes,
  index?: number,
): TtlvStructure {
  const out: { uniqueIdentifier: string; attribute?: Attributes; attributeIndex?: number } = {
    uniqueIdentifier: uid,
  };
  if (ctx.version.major < 2 && attribute !== undefined) {
    out.attribute = attribute;
    if (index !== undefined) out.attributeIndex = index;
  }
  return encodeResponsePayload(op as typeof Operation.AddAttribute, out, ctx.version);
}

export async function addAttribute(
  ctx: OperationContext,
  payload: TtlvStructure,
): Promise<OperationResult> {
  const req = decodeRequestPayload(Operation.AddAttribute, payload, ctx.version);
  const loaded = await loadForChange(ctx, req.uniqueIdentifier, 'addattribute');
  const record = loaded.record;
  const na = req.newAttribute;
  const key = onlyKey(na);
  const tagAttr = tagRequest(ctx, na);
  let index: number | undefined;
  if (tagAttr !== undefined) {
    const tags = parseTagValue(tagAttr);
    checkUserTags(tags);
    await save(ctx, record, { tags: withUserTags(record, [...userTags(record), ...tags]) });
  } else {
    checkModifiable(key, record, ctx.now, false);
    const a: Attributes = { ...record.attributes };
    const current = a[key];
    if (MULTI_VALUED.has(key)) {
      const list = [...((current as unknown[] | undefined) ?? []), ...(na[key] as unknown[])];
      index = list.length - 1;
      (a as Record<string, unknown>)[key] = list;
    } else {
      if (current !== undefined)
        throw new KmsError(
          'ERR_KMS_ATTRIBUTE_SINGLE_VALUED',
          `${attributeLabel(key)} is already set: use Set or Modify Attribute`,
        );
      (a as Record<string, unknown>)[key] = na[key];
    }
    await save(ctx, record, { attributes: a });
  }
  return {
    payload: changeResponse(ctx, Operation.AddAttribute, record.uid, na, index),
    uids: [],
    subject: record.uid,
  };
}

export async function setAttribute(
  ctx: OperationContext,
  payload: TtlvStructure,
): Promise<OperationResult> {
  const req = decodeRequestPayload(Operation.SetAttribute, payload, ctx.version);
  const loaded = await loadForChange(ctx, req.uniqueIdentifier, 'setattribute');
  const record = loaded.record;
  const na = req.newAttribute;
  const key = onlyKey(na);
  const tagAttr = tagRequest(ctx, na);
  if (tagAttr !== undefined) {
    const tags = parseTagValue(tagAttr);
    checkUserTags(tags);
    await save(ctx, record, { tags: withUserTags(record, tags) });
  } else {
    checkModifiable(key, record, ctx.now, false);
    const a: Attributes = { ...record.attributes };
    if (key === 'vendorAttributes') {
      const v = (na.vendorAttributes as VendorAttribute[])[0] as VendorAttribute;
      a.vendorAttributes = [
        ...(a.vendorAttributes ?? []).filter(
          (x) =>
            x.vendorIdentification !== v.vendorIdentification ||
            x.attributeName !== v.attributeName,
        ),
        v,
      ];
    } else if (MULTI_VALUED.has(key)) {
      throw new KmsError(
        'ERR_KMS_MULTI_VALUED_ATTRIBUTE',
        `${attributeLabel(key)} has several instances: use Add or Modify Attribute`,
      );
    } else (a as Record<string, unknown>)[key] = na[key];
    await save(ctx, record, { attributes: a });
  }
  return {
    payload: encodeResponsePayload(
      Operation.SetAttribute,
      { uniqueIdentifier: record.uid },
      ctx.version,
    ),
    uids: [],
    subject: record.uid,
  };
}

export async function modifyAttribute(
  ctx: OperationContext,
  payload: TtlvStructure,
): Promise<OperationResult> {
  const req = decodeRequestPayload(Operation.ModifyAttribute, payload, ctx.version);
  const loaded = await loadForChange(ctx, req.uniqueIdentifier, 'modifyattribute');
  const record = loaded.record;
  const na = req.newAttribute;
  const key = onlyKey(na);
  const tagAttr = tagRequest(ctx, na);
  let index: number | undefined;
  if (tagAttr !== undefined) {
    const tags = parseTagValue(tagAttr);
    checkUserTags(tags);
    await save(ctx, record, { tags: withUserTags(record, tags) });
  } else {
    checkModifiable(key, record, ctx.now, false);
    const a: Attributes = { ...record.attributes };
    const current = a[key];
    if (current === undefined)
      throw new KmsError('ERR_KMS_ATTRIBUTE_NOT_FOUND', `${attributeLabel(key)} is not set`);
    const ca = req.currentAttribute;
    if (ca !== undefined && onlyKey(ca) !== key)
      throw new KmsError(
        'ERR_KMS_INVALID_FIELD',
        'Current Attribute and New Attribute differ in kind',
      );
    if (MULTI_VALUED.has(key)) {
      const list = [...(current as unknown[])];
      if (ca !== undefined) index = list.findIndex((x) => same([x], ca[key], key));
      else index = req.attributeIndex ?? 0;
      if (index < 0 || index >= list.length)
        throw new KmsError(
          'ERR_KMS_ATTRIBUTE_INSTANCE_NOT_FOUND',
          `no such instance of ${attributeLabel(key)}`,
        );
      list[index] = (na[key] as unknown[])[0];
      (a as Record<string, unknown>)[key] = list;
    } else {
      if (ca !== undefined && !same(current, ca[key], key))
        throw new KmsError(
          'ERR_KMS_ATTRIBUTE_INSTANCE_NOT_FOUND',
          `${attributeLabel(key)} does not have the current value given`,
        );
      (a as Record<string, unknown>)[key] = na[key];
    }
    await save(ctx, record, { attributes: a });
  }
  return {
    payload: changeResponse(ctx, Operation.ModifyAttribute, record.uid, na, index),
    uids: [],
    subject: record.uid,
  };
}

/** Attribute key named by an attribute reference. */
function keyOfReference(ref: AttributeReference): Key | 'tags' {
  if (typeof ref !== 'number') return ref.attributeName === 'tag' ? 'tags' : 'vendorAttributes';
  const key = TAG_TO_KEY.get(ref);
  if (key === undefined)
    throw new KmsError(
      'ERR_KMS_ATTRIBUTE_READ_ONLY',
      'this attribute cannot be deleted by a client',
    );
  return key;
}

/** Tags of the attributes a Delete Attribute may name (the others are read-only). */
const TAG_TO_KEY: ReadonlyMap<number, Key> = new Map<number, Key>([
  [Tag.Name, 'names'],
  [Tag.Link, 'links'],
  [Tag.CryptographicParameters, 'cryptographicParameters'],
  [Tag.ActivationDate, 'activationDate'],
  [Tag.DeactivationDate, 'deactivationDate'],
  [Tag.ProcessStartDate, 'processStartDate'],
  [Tag.ProtectStopDate, 'protectStopDate'],
  [Tag.ObjectGroup, 'objectGroups'],
  [Tag.ApplicationSpecificInformation, 'applicationSpecificInformation'],
  [Tag.ContactInformation, 'contactInformation'],
  [Tag.AlternativeName, 'alternativeNames'],
  [Tag.Description, 'description'],
  [Tag.Comment, 'comment'],
  [Tag.PKCS_12FriendlyName, 'pkcs12FriendlyName'],
  [Tag.RotateAutomatic, 'rotateAutomatic'],
  [Tag.RotateInterval, 'rotateInterval'],
  [Tag.RotateName, 'rotateName'],
  [Tag.RotateOffset, 'rotateOffset'],
  [Tag.RotateDate, 'rotateDate'],
  [Tag.OperationPolicyName, 'operationPolicyName'],
  [Tag.Sensitive, 'sensitive'],
  [Tag.Extractable, 'extractable'],
  [Tag.CryptographicUsageMask, 'cryptographicUsageMask'],
  [Tag.CryptographicAlgorithm, 'cryptographicAlgorithm'],
  [Tag.CryptographicLength, 'cryptographicLength'],
  [Tag.State, 'state'],
  [Tag.InitialDate, 'initialDate'],
  [Tag.UniqueIdentifier, 'uniqueIdentifier'],
  [Tag.ObjectType, 'objectType'],
]);

export async function deleteAttribute(
  ctx: OperationContext,
  payload: TtlvStructure,
): Promise<OperationResult> {
  const req = decodeRequestPayload(Operation.DeleteAttribute, payload, ctx.version);
  const loaded = await loadForChange(ctx, req.uniqueIdentifier, 'deleteattribute');
  const record = loaded.record;
  const ca = req.currentAttribute;
  let key: Key | 'tags';
  if (ca !== undefined) key = tagRequest(ctx, ca) !== undefined ? 'tags' : onlyKey(ca);
  else if (req.attributeReference !== undefined) key = keyOfReference(req.attributeReference);
  else
    throw new KmsError(
      'ERR_KMS_MISSING_DATA',
      'Delete Attribute needs a Current Attribute or an Attribute Reference',
    );
  let deleted: Attributes | undefined;
  if (key === 'tags') {
    const have = userTags(record);
    const remove = ca === undefined ? have : parseTagValue(tagRequest(ctx, ca) as VendorAttribute);
    if (have.length === 0 || !remove.every((t) => have.includes(t)))
      throw new KmsError('ERR_KMS_ATTRIBUTE_NOT_FOUND', 'no such tag');
    await save(ctx, record, {
      tags: withUserTags(
        record,
        have.filter((t) => !remove.includes(t)),
      ),
    });
  } else {
    checkModifiable(key, record, ctx.now, true);
    let a: Attributes = { ...record.attributes };
    const current = a[key];
    if (current === undefined)
      throw new KmsError('ERR_KMS_ATTRIBUTE_NOT_FOUND', `${attributeLabel(key)} is not set`);
    if (MULTI_VALUED.has(key)) {
      let list = [...(current as unknown[])];
      if (key === 'vendorAttributes' && typeof req.attributeReference === 'object') {
        const ref = req.attributeReference;
        list = list.filter((v) => {
          const x = v as VendorAttribute;
          return (
            x.vendorIdentification !== ref.vendorIdentification ||
            x.attributeName !== ref.attributeName
          );
        });
        if (list.length === (current as unknown[]).length)
          throw new KmsError('ERR_KMS_ATTRIBUTE_NOT_FOUND', 'no such vendor attribute');
      } else if (ca !== undefined) {
        const i = list.findIndex((x) => same([x], ca[key], key));
        if (i < 0)
          throw new KmsError(
            'ERR_KMS_ATTRIBUTE_INSTANCE_NOT_FOUND',
            `no such instance of ${attributeLabel(key)}`,
          );
        list.splice(i, 1);
      } else if (ctx.version.major < 2) {
        // KMIP 1.x: the Attribute Index names the instance (0 when absent).
        const i = req.attributeIndex ?? 0;
        if (i < 0 || i >= list.length)
          throw new KmsError(
            'ERR_KMS_ATTRIBUTE_INSTANCE_NOT_FOUND',
            `no instance ${i} of ${attributeLabel(key)}`,
          );
        deleted = { [key]: [list[i]] };
        list.splice(i, 1);
      } else list = [];
      if (list.length === 0) a = withoutKey(a, key);
      else (a as Record<string, unknown>)[key] = list;
    } else {
      deleted = { [key]: current };
      a = withoutKey(a, key);
    }
    await save(ctx, record, { attributes: a });
  }
  return {
    payload: changeResponse(
      ctx,
      Operation.DeleteAttribute,
      record.uid,
      deleted,
      req.attributeIndex,
    ),
    uids: [],
    subject: record.uid,
  };
}
