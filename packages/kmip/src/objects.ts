/**
 * Managed objects (KMIP 2.1 §2): Symmetric Key, Public Key, Private Key, Secret Data, Opaque
 * Object, Certificate, Split Key, PGP Key, Certificate Request — with Key Blocks, key formats
 * (raw bytes or transparent structures) and key-wrapping data.
 *
 * A `ManagedObject` is tagged with `kind` (the object's tag name): it is written under its own
 * type tag, as every KMIP encoding does.
 */
import { KmipPayloadError } from './errors.ts';
import {
  _attributesTags,
  _readV1AttributeList,
  _writeV1AttributeList,
  attributes,
  cryptographicParameters,
  uniqueIdentifier,
  type Attributes,
} from './attributes.ts';
import {
  _invalid,
  _isV1,
  anyItem,
  bigInteger,
  byteString,
  enumeration,
  integer,
  many,
  mapped,
  one,
  opt,
  struct,
  textString,
  type Codec,
  KMIP_1_4,
  type Infer,
} from './_schema.ts';
import { KeyFormatType } from './enums.ts';
import { Tag } from './tags.ts';
import type { TtlvItem } from './ttlv.ts';

export const encryptionKeyInformation = struct([
  one('uniqueIdentifier', Tag.UniqueIdentifier, uniqueIdentifier),
  opt('cryptographicParameters', Tag.CryptographicParameters, cryptographicParameters),
]);
export type EncryptionKeyInformation = Infer<typeof encryptionKeyInformation>;

export const macSignatureKeyInformation = encryptionKeyInformation;

export const keyWrappingData = struct([
  one('wrappingMethod', Tag.WrappingMethod, enumeration),
  opt('encryptionKeyInformation', Tag.EncryptionKeyInformation, encryptionKeyInformation),
  opt('macSignatureKeyInformation', Tag.MACSignatureKeyInformation, macSignatureKeyInformation),
  opt('macSignature', Tag.MACSignature, byteString),
  opt('ivCounterNonce', Tag.IVCounterNonce, byteString),
  opt('encodingOption', Tag.EncodingOption, enumeration),
]);
export type KeyWrappingData = Infer<typeof keyWrappingData>;

export const keyWrappingSpecification = struct([
  one('wrappingMethod', Tag.WrappingMethod, enumeration),
  opt('encryptionKeyInformation', Tag.EncryptionKeyInformation, encryptionKeyInformation),
  opt('macSignatureKeyInformation', Tag.MACSignatureKeyInformation, macSignatureKeyInformation),
  many('attributeNames', Tag.AttributeName, textString),
  opt('encodingOption', Tag.EncodingOption, enumeration),
]);
export type KeyWrappingSpecification = Infer<typeof keyWrappingSpecification>;

/** Fields of the transparent key formats (each format uses a subset, in this order). */
export interface TransparentKeyMaterial {
  key?: Uint8Array;
  p?: bigint;
  q?: bigint;
  g?: bigint;
  j?: bigint;
  x?: bigint;
  y?: bigint;
  modulus?: bigint;
  privateExponent?: bigint;
  publicExponent?: bigint;
  primeExponentP?: bigint;
  primeExponentQ?: bigint;
  crtCoefficient?: bigint;
  recommendedCurve?: number;
  d?: bigint;
  qString?: Uint8Array;
}

const ec = (publicKey: boolean): Codec<TransparentKeyMaterial> =>
  struct([
    one('recommendedCurve', Tag.RecommendedCurve, enumeration),
    publicKey ? one('qString', Tag.QString, byteString) : one('d', Tag.D, bigInteger),
  ]);

// Each format's structure, typed as the common material shape.
const tk = (codec: unknown): Codec<TransparentKeyMaterial> =>
  codec as Codec<TransparentKeyMaterial>;

const TRANSPARENT: ReadonlyMap<number, Codec<TransparentKeyMaterial>> = new Map<
  number,
  Codec<TransparentKeyMaterial>
>([
  [KeyFormatType.TransparentSymmetricKey, tk(struct([one('key', Tag.Key, byteString)]))],
  [
    KeyFormatType.TransparentDSAPrivateKey,
    tk(
      struct([
        one('p', Tag.P, bigInteger),
        one('q', Tag.Q, bigInteger),
        one('g', Tag.G, bigInteger),
        one('x', Tag.X, bigInteger),
      ]),
    ),
  ],
  [
    KeyFormatType.TransparentDSAPublicKey,
    tk(
      struct([
        one('p', Tag.P, bigInteger),
        one('q', Tag.Q, bigInteger),
        one('g', Tag.G, bigInteger),
        one('y', Tag.Y, bigInteger),
      ]),
    ),
  ],
  [
    KeyFormatType.TransparentRSAPrivateKey,
    tk(
      struct([
        one('modulus', Tag.Modulus, bigInteger),
        opt('privateExponent', Tag.PrivateExponent, bigInteger),
        opt('publicExponent', Tag.PublicExponent, bigInteger),
        opt('p', Tag.P, bigInteger),
        opt('q', Tag.Q, bigInteger),
        opt('primeExponentP', Tag.PrimeExponentP, bigInteger),
        opt('primeExponentQ', Tag.PrimeExponentQ, bigInteger),
        opt('crtCoefficient', Tag.CRTCoefficient, bigInteger),
      ]),
    ),
  ],
  [
    KeyFormatType.TransparentRSAPublicKey,
    tk(
      struct([
        one('modulus', Tag.Modulus, bigInteger),
        one('publicExponent', Tag.PublicExponent, bigInteger),
      ]),
    ),
  ],
  [
    KeyFormatType.TransparentDHPrivateKey,
    tk(
      struct([
        one('p', Tag.P, bigInteger),
        opt('q', Tag.Q, bigInteger),
        one('g', Tag.G, bigInteger),
        opt('j', Tag.J, bigInteger),
        one('x', Tag.X, bigInteger),
      ]),
    ),
  ],
  [
    KeyFormatType.TransparentDHPublicKey,
    tk(
      struct([
        one('p', Tag.P, bigInteger),
        opt('q', Tag.Q, bigInteger),
        one('g', Tag.G, bigInteger),
        opt('j', Tag.J, bigInteger),
        one('y', Tag.Y, bigInteger),
      ]),
    ),
  ],
  [KeyFormatType.TransparentECPrivateKey, ec(false)],
  [KeyFormatType.TransparentECPublicKey, ec(true)],
  // KMIP 1.x EC formats (ECDSA, ECDH, ECMQV): private 0x0E/0x10/0x12, public 0x0F/0x11/0x13.
  [KeyFormatType.TransparentECDSAPrivateKey, ec(false)],
  [KeyFormatType.TransparentECDSAPublicKey, ec(true)],
  [KeyFormatType.TransparentECDHPrivateKey, ec(false)],
  [KeyFormatType.TransparentECDHPublicKey, ec(true)],
  [KeyFormatType.TransparentECMQVPrivateKey, ec(false)],
  [KeyFormatType.TransparentECMQVPublicKey, ec(true)],
]);

/** Key Value: the key material (bytes, or a transparent structure) and optional attributes. */
export interface KeyValue {
  keyMaterial: Uint8Array | TransparentKeyMaterial;
  attributes?: Attributes;
}

function keyValueCodec(keyFormatType: number): Codec<KeyValue> {
  const material: Codec<Uint8Array | TransparentKeyMaterial> = {
    types: ['ByteString', 'Structure'],
    read: (item, version, path) => {
      if (item.type === 'ByteString') return item.value;
      const codec = TRANSPARENT.get(keyFormatType);
      if (codec === undefined)
        _invalid(path, 'structured key material needs a transparent Key Format Type');
      return codec.read(item, version, path);
    },
    write: (tag, value, version, path) => {
      if (value instanceof Uint8Array) return byteString.write(tag, value, version, path);
      const codec = TRANSPARENT.get(keyFormatType);
      if (codec === undefined)
        _invalid(path, 'structured key material needs a transparent Key Format Type');
      return codec.write(tag, value, version, path);
    },
  };
  const v2 = struct([
    one('keyMaterial', Tag.KeyMaterial, material),
    opt(
      'attributes',
      Tag.Attributes,
      attributes,
      _attributesTags(Tag.Attributes, Tag.TemplateAttribute),
    ),
  ]);
  // KMIP 1.x lists the attributes as bare Attribute items after the key material.
  const v1 = mapped(
    struct([
      one('keyMaterial', Tag.KeyMaterial, material),
      many('attribute', Tag.Attribute, anyItem),
    ]),
    (raw, path): KeyValue => {
      const out: KeyValue = { keyMaterial: raw.keyMaterial };
      if (raw.attribute !== undefined)
        out.attributes = _readV1AttributeList(raw.attribute, KMIP_1_4, path);
      return out;
    },
    (value, path) => {
      const out: { keyMaterial: Uint8Array | TransparentKeyMaterial; attribute?: TtlvItem[] } = {
        keyMaterial: value.keyMaterial,
      };
      if (value.attributes !== undefined)
        out.attribute = _writeV1AttributeList(value.attributes, KMIP_1_4, path);
      return out;
    },
  );
  return {
    types: ['Structure'],
    read: (item, version, path) => {
      // Read by shape: a 1.x client may send bare Attribute items, a 2.x one an Attributes structure.
      const hasBareAttribute =
        item.type === 'Structure' && item.value.some((c) => c.tag === Tag.Attribute);
      return (hasBareAttribute ? v1 : v2).read(item, version, path);
    },
    write: (tag, value, version, path) =>
      _isV1(version) ? v1.write(tag, value, version, path) : v2.write(tag, value, version, path),
  };
}

const keyBlockRaw = struct([
  one('keyFormatType', Tag.KeyFormatType, enumeration),
  opt('keyCompressionType', Tag.KeyCompressionType, enumeration),
  opt('keyValue', Tag.KeyValue, anyItem),
  opt('cryptographicAlgorithm', Tag.CryptographicAlgorithm, enumeration),
  opt('cryptographicLength', Tag.CryptographicLength, integer),
  opt('keyWrappingData', Tag.KeyWrappingData, keyWrappingData),
]);

/**
 * Key Block. `keyValue` is a `KeyValue`, or the wrapped bytes when the key is wrapped (then
 * `keyWrappingData` says how).
 */
export interface KeyBlock {
  keyFormatType: number;
  keyCompressionType?: number;
  keyValue?: KeyValue | Uint8Array;
  cryptographicAlgorithm?: number;
  cryptographicLength?: number;
  keyWrappingData?: KeyWrappingData;
}

export const keyBlock: Codec<KeyBlock> = {
  types: ['Structure'],
  read: (item, version, path) => {
    const raw = keyBlockRaw.read(item, version, path);
    const { keyValue, ...rest } = raw;
    const out: KeyBlock = rest;
    if (keyValue !== undefined) {
      if (keyValue.type === 'ByteString') out.keyValue = keyValue.value;
      else if (keyValue.type === 'Structure')
        out.keyValue = keyValueCodec(raw.keyFormatType).read(keyValue, version, `${path}.keyValue`);
      else _invalid(`${path}.keyValue`, 'must be a Structure or a ByteString');
    }
    return out;
  },
  write: (tag, value, version, path) => {
    const input: unknown = value;
    if (typeof input !== 'object' || input === null) _invalid(path, 'must be an object');
    const { keyValue, ...rest } = value;
    const raw: Infer<typeof keyBlockRaw> = rest;
    if (keyValue !== undefined) {
      raw.keyValue =
        keyValue instanceof Uint8Array
          ? byteString.write(Tag.KeyValue, keyValue, version, `${path}.keyValue`)
          : keyValueCodec(value.keyFormatType).write(
              Tag.KeyValue,
              keyValue,
              version,
              `${path}.keyValue`,
            );
    }
    return keyBlockRaw.write(tag, raw, version, path);
  },
};

const withKeyBlock = struct([one('keyBlock', Tag.KeyBlock, keyBlock)]);
const secretData = struct([
  one('secretDataType', Tag.SecretDataType, enumeration),
  one('keyBlock', Tag.KeyBlock, keyBlock),
]);
const opaqueObject = struct([
  one('opaqueDataType', Tag.OpaqueDataType, enumeration),
  one('opaqueDataValue', Tag.OpaqueDataValue, byteString),
]);
const certificate = struct([
  one('certificateType', Tag.CertificateType, enumeration),
  one('certificateValue', Tag.CertificateValue, byteString),
]);
const splitKey = struct([
  one('splitKeyParts', Tag.SplitKeyParts, integer),
  one('keyPartIdentifier', Tag.KeyPartIdentifier, integer),
  one('splitKeyThreshold', Tag.SplitKeyThreshold, integer),
  one('splitKeyMethod', Tag.SplitKeyMethod, enumeration),
  opt('primeFieldSize', Tag.PrimeFieldSize, bigInteger),
  one('keyBlock', Tag.KeyBlock, keyBlock),
]);
const pgpKey = struct([
  one('pgpKeyVersion', Tag.PGPKeyVersion, integer),
  one('keyBlock', Tag.KeyBlock, keyBlock),
]);
const certificateRequest = struct([
  one('certificateRequestType', Tag.CertificateRequestType, enumeration),
  one('certificateRequestValue', Tag.CertificateRequestValue, byteString),
]);

export type ManagedObject =
  | ({ kind: 'SymmetricKey' } & Infer<typeof withKeyBlock>)
  | ({ kind: 'PublicKey' } & Infer<typeof withKeyBlock>)
  | ({ kind: 'PrivateKey' } & Infer<typeof withKeyBlock>)
  | ({ kind: 'SecretData' } & Infer<typeof secretData>)
  | ({ kind: 'OpaqueObject' } & Infer<typeof opaqueObject>)
  | ({ kind: 'Certificate' } & Infer<typeof certificate>)
  | ({ kind: 'SplitKey' } & Infer<typeof splitKey>)
  | ({ kind: 'PGPKey' } & Infer<typeof pgpKey>)
  | ({ kind: 'CertificateRequest' } & Infer<typeof certificateRequest>);

export type ManagedObjectKind = ManagedObject['kind'];

const OBJECTS: Readonly<Record<ManagedObjectKind, { tag: number; codec: Codec<unknown> }>> = {
  SymmetricKey: { tag: Tag.SymmetricKey, codec: withKeyBlock },
  PublicKey: { tag: Tag.PublicKey, codec: withKeyBlock },
  PrivateKey: { tag: Tag.PrivateKey, codec: withKeyBlock },
  SecretData: { tag: Tag.SecretData, codec: secretData },
  OpaqueObject: { tag: Tag.OpaqueObject, codec: opaqueObject },
  Certificate: { tag: Tag.Certificate, codec: certificate },
  SplitKey: { tag: Tag.SplitKey, codec: splitKey },
  PGPKey: { tag: Tag.PGPKey, codec: pgpKey },
  CertificateRequest: { tag: Tag.CertificateRequest, codec: certificateRequest },
};

const KIND_BY_TAG: ReadonlyMap<number, ManagedObjectKind> = new Map(
  Object.entries(OBJECTS).map(([kind, { tag }]) => [tag, kind as ManagedObjectKind]),
);

/** Tags under which a managed object may appear. */
export const OBJECT_TAGS: readonly number[] = [...KIND_BY_TAG.keys()];

/** Object Type enumeration value of each kind. */
export const OBJECT_TYPE_OF_KIND: Readonly<Record<ManagedObjectKind, number>> = {
  Certificate: 1,
  SymmetricKey: 2,
  PublicKey: 3,
  PrivateKey: 4,
  SplitKey: 5,
  SecretData: 7,
  OpaqueObject: 8,
  PGPKey: 9,
  CertificateRequest: 10,
};

export const managedObject: Codec<ManagedObject> = {
  types: ['Structure'],
  read: (item, version, path) => {
    const kind = KIND_BY_TAG.get(item.tag);
    if (kind === undefined) _invalid(path, 'not a managed object');
    const body = OBJECTS[kind].codec.read(item, version, path) as object;
    return { kind, ...body } as ManagedObject;
  },
  write: (_tag, value, version, path) => {
    const raw: unknown = value;
    if (typeof raw !== 'object' || raw === null || !Object.hasOwn(OBJECTS, value.kind)) {
      throw new KmipPayloadError('ERR_KMIP_INVALID_FIELD', 'unknown managed object kind', path);
    }
    const { kind, ...body } = value;
    return OBJECTS[kind].codec.write(OBJECTS[kind].tag, body, version, path);
  },
};

/** Field spec options for a payload field holding a managed object under its type tag. */
export const _objectField = {
  tags: OBJECT_TAGS,
  writeTag: (value: ManagedObject) => OBJECTS[value.kind].tag,
};
