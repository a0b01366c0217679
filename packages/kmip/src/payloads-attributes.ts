/**
 * Payloads of the attribute operations: Get Attributes, Get Attribute List, Add Attribute, Set
 * Attribute, Modify Attribute, Delete Attribute (KMIP 2.1 §6.1). KMIP 1.x names attributes by
 * text (`Attribute Name`) and carries single attributes as `Attribute` {name, index, value};
 * both shapes map to the same typed payloads (`attributeIndex` only exists in 1.x).
 */
import { KmipPayloadError } from './errors.ts';
import {
  _readV1AttributeList,
  _writeV1AttributeList,
  attributeNameReference,
  attributeReference,
  attributes,
  singleAttribute,
  uniqueIdentifier,
  v1Attribute,
  type AttributeReference,
  type Attributes,
  type UniqueIdentifier,
} from './attributes.ts';
import {
  anyItem,
  integer,
  many,
  mapped,
  one,
  opt,
  struct,
  versioned,
  KMIP_1_4,
  type Codec,
  type Infer,
} from './_schema.ts';
import { Tag } from './tags.ts';

const uid = opt('uniqueIdentifier', Tag.UniqueIdentifier, uniqueIdentifier);
const uidRequired = one('uniqueIdentifier', Tag.UniqueIdentifier, uniqueIdentifier);

// Get Attributes.
const getAttributesRequestV2 = struct([
  uid,
  many('attributeReferences', Tag.AttributeReference, attributeReference),
]);
export type GetAttributesRequest = Infer<typeof getAttributesRequestV2>;
export const getAttributesRequest: Codec<GetAttributesRequest> = versioned(
  struct([uid, many('attributeReferences', Tag.AttributeName, attributeNameReference)]),
  getAttributesRequestV2,
);

const getAttributesResponseV2 = struct([
  uidRequired,
  one('attributes', Tag.Attributes, attributes),
]);
export type GetAttributesResponse = Infer<typeof getAttributesResponseV2>;
export const getAttributesResponse: Codec<GetAttributesResponse> = versioned(
  mapped(
    struct([uidRequired, many('attribute', Tag.Attribute, anyItem)]),
    (raw, path): GetAttributesResponse => ({
      uniqueIdentifier: raw.uniqueIdentifier,
      attributes: _readV1AttributeList(raw.attribute ?? [], KMIP_1_4, path),
    }),
    (value, path) => {
      const list = _writeV1AttributeList(value.attributes, KMIP_1_4, path);
      return list.length === 0
        ? { uniqueIdentifier: value.uniqueIdentifier }
        : { uniqueIdentifier: value.uniqueIdentifier, attribute: list };
    },
  ),
  getAttributesResponseV2,
);

// Get Attribute List.
export const getAttributeListRequest = struct([uid]);
export type GetAttributeListRequest = Infer<typeof getAttributeListRequest>;
const getAttributeListResponseV2 = struct([
  uidRequired,
  many('attributeReferences', Tag.AttributeReference, attributeReference),
]);
export type GetAttributeListResponse = Infer<typeof getAttributeListResponseV2>;
export const getAttributeListResponse: Codec<GetAttributeListResponse> = versioned(
  struct([uidRequired, many('attributeReferences', Tag.AttributeName, attributeNameReference)]),
  getAttributeListResponseV2,
);

/** A 1.x payload {UID, Attribute} ↔ {uniqueIdentifier, <key>: Attributes, attributeIndex}. */
function v1Single<T>(
  key: string,
  uidField: typeof uid | typeof uidRequired,
  required: boolean,
): Codec<T> {
  const codec = mapped(
    struct([uidField, opt('attribute', Tag.Attribute, v1Attribute)]),
    (raw, path) => {
      const out: Record<string, unknown> = {};
      if ((raw.uniqueIdentifier as unknown) !== undefined)
        out['uniqueIdentifier'] = raw.uniqueIdentifier;
      if (raw.attribute !== undefined) {
        out[key] = raw.attribute.attribute;
        if (raw.attribute.attributeIndex !== undefined)
          out['attributeIndex'] = raw.attribute.attributeIndex;
      } else if (required) {
        throw new KmipPayloadError('ERR_KMIP_MISSING_FIELD', 'missing', `${path}.attribute`);
      }
      return out;
    },
    (value: Record<string, unknown>) => {
      const out: {
        uniqueIdentifier?: UniqueIdentifier;
        attribute?: { attribute: Attributes; attributeIndex?: number };
      } = {};
      if (value['uniqueIdentifier'] !== undefined)
        out.uniqueIdentifier = value['uniqueIdentifier'] as UniqueIdentifier;
      if (value[key] !== undefined) {
        out.attribute = { attribute: value[key] as Attributes };
        if (value['attributeIndex'] !== undefined)
          out.attribute.attributeIndex = value['attributeIndex'] as number;
      }
      return out as never;
    },
  );
  return codec as unknown as Codec<T>;
}

// Add Attribute.
const addAttributeRequestV2 = struct([uid, one('newAttribute', Tag.NewAttribute, singleAttribute)]);
export type AddAttributeRequest = Infer<typeof addAttributeRequestV2> & { attributeIndex?: number };
export const addAttributeRequest: Codec<AddAttributeRequest> = versioned(
  v1Single<AddAttributeRequest>('newAttribute', uid, true),
  addAttributeRequestV2 as Codec<AddAttributeRequest>,
);

/** Response of Add/Modify/Delete Attribute: 1.x echoes the attribute, 2.x only the UID. */
export interface AttributeChangeResponse {
  uniqueIdentifier: UniqueIdentifier;
  attribute?: Attributes;
  attributeIndex?: number;
}
const changeResponseV2 = struct([uidRequired]);
export const attributeChangeResponse: Codec<AttributeChangeResponse> = versioned(
  v1Single<AttributeChangeResponse>('attribute', uidRequired, false),
  changeResponseV2 as Codec<AttributeChangeResponse>,
);
export type AddAttributeResponse = AttributeChangeResponse;
export type ModifyAttributeResponse = AttributeChangeResponse;
export type DeleteAttributeResponse = AttributeChangeResponse;

// Set Attribute (2.x only).
export const setAttributeRequest = struct([
  uid,
  one('newAttribute', Tag.NewAttribute, singleAttribute),
]);
export type SetAttributeRequest = Infer<typeof setAttributeRequest>;
export const setAttributeResponse = changeResponseV2;
export type SetAttributeResponse = Infer<typeof setAttributeResponse>;

// Modify Attribute.
const modifyAttributeRequestV2 = struct([
  uid,
  opt('currentAttribute', Tag.CurrentAttribute, singleAttribute),
  one('newAttribute', Tag.NewAttribute, singleAttribute),
]);
export type ModifyAttributeRequest = Infer<typeof modifyAttributeRequestV2> & {
  attributeIndex?: number;
};
export const modifyAttributeRequest: Codec<ModifyAttributeRequest> = versioned(
  v1Single<ModifyAttributeRequest>('newAttribute', uid, true),
  modifyAttributeRequestV2 as Codec<ModifyAttributeRequest>,
);

// Delete Attribute.
const deleteAttributeRequestV2 = struct([
  uid,
  opt('currentAttribute', Tag.CurrentAttribute, singleAttribute),
  opt('attributeReference', Tag.AttributeReference, attributeReference),
]);
export type DeleteAttributeRequest = Infer<typeof deleteAttributeRequestV2> & {
  attributeIndex?: number;
};
export const deleteAttributeRequest: Codec<DeleteAttributeRequest> = versioned(
  struct([
    uid,
    opt('attributeReference', Tag.AttributeName, attributeNameReference),
    opt('attributeIndex', Tag.AttributeIndex, integer),
  ]) as Codec<DeleteAttributeRequest>,
  deleteAttributeRequestV2 as Codec<DeleteAttributeRequest>,
);

export type { AttributeReference };
