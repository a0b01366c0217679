import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeTtlv, encodeTtlv } from './binary.ts';
import * as B from './builders.ts';
import {
  CryptographicAlgorithm,
  KeyFormatType,
  NameType,
  ObjectType,
  Operation,
  RecommendedCurve,
} from './enums.ts';
import { KmipPayloadError } from './errors.ts';
import { CryptographicUsageMask } from './masks.ts';
import { decodeRequestMessage, encodeRequestMessage } from './message.ts';
import {
  KMIP_1_4,
  decodeRequestPayload,
  decodeResponsePayload,
  encodeRequestPayload,
  encodeResponsePayload,
  knownOperations,
} from './payloads.ts';
import { Tag } from './tags.ts';
import * as t from './ttlv.ts';
import type { ManagedObject } from './objects.ts';

const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

void test('every operation of the acceptance list has typed payloads', () => {
  const names = [
    'Create',
    'CreateKeyPair',
    'Register',
    'Import',
    'Export',
    'Get',
    'GetAttributes',
    'GetAttributeList',
    'AddAttribute',
    'SetAttribute',
    'ModifyAttribute',
    'DeleteAttribute',
    'Locate',
    'Check',
    'Activate',
    'Revoke',
    'Destroy',
    'ReKey',
    'ReKeyKeyPair',
    'Encrypt',
    'Decrypt',
    'Sign',
    'SignatureVerify',
    'MAC',
    'MACVerify',
    'Hash',
    'RNGRetrieve',
    'DeriveKey',
    'Certify',
    'Validate',
    'Query',
    'DiscoverVersions',
  ] as const;
  const known = new Set<number>(knownOperations());
  for (const n of names) assert.ok(known.has(Operation[n]), n);
});

void test('KMIP 1.2 Create from builders is byte-identical to PyKMIP', () => {
  const message = B.requestMessage(
    [
      B.batchItem(Operation.Create, {
        objectType: ObjectType.SymmetricKey,
        attributes: {
          cryptographicAlgorithm: CryptographicAlgorithm.AES,
          cryptographicLength: 256,
          cryptographicUsageMask: CryptographicUsageMask.Encrypt | CryptographicUsageMask.Decrypt,
        },
      }),
    ],
    { version: { major: 1, minor: 2 } },
  );
  const bytes = encodeTtlv(encodeRequestMessage(message));
  assert.equal(
    toHex(bytes),
    (
      '4200780100000120420077010000003842006901000000204200' +
      '6a0200000004000000010000000042006b0200000004000000020000000042000d02000000040000000100000000' +
      '42000f01000000d842005c05000000040000000100000000420079010000' +
      '00c04200570500000004000000020000000042009101000000a84200080100000030' +
      '42000a070000001743727970746f67726170686963204' +
      '16c676f726974686d0042000b05000000040000000300000000420008010000003042000a0700000014' +
      '43727970746f67726170686963204c656e6774680000000042000b020000000400000100000000004200080100000030' +
      '42000a070000001843727970746f677261706869632055736167' +
      '65204d61736b42000b02000000040000000c00000000'
    ).replace(/\s/g, ''),
  );
  // And back: the 1.x Template-Attribute reads as the same typed attributes.
  const decoded = decodeRequestMessage(decodeTtlv(bytes));
  const item = decoded.batchItems[0];
  assert.ok(item !== undefined);
  const payload = decodeRequestPayload(
    Operation.Create,
    item.payload,
    decoded.header.protocolVersion,
  );
  assert.equal(payload.attributes.cryptographicLength, 256);
});

void test('version shaping: 2.x Attributes vs 1.x Template-Attribute, references vs names', () => {
  const create = B.createSymmetricKey({ length: 128, name: 'k1' }).payload;
  const v2 = encodeRequestPayload(Operation.Create, create);
  const v1 = encodeRequestPayload(Operation.Create, create, KMIP_1_4);
  assert.equal(v2.value[1]?.tag, Tag.Attributes);
  assert.equal(v1.value[1]?.tag, Tag.TemplateAttribute);
  const names = (v1.value[1] as t.TtlvStructure).value.map(
    (a) => ((a as t.TtlvStructure).value[0] as t.TtlvTextString).value,
  );
  assert.deepEqual(names, [
    'Name',
    'Cryptographic Algorithm',
    'Cryptographic Length',
    'Cryptographic Usage Mask',
  ]);
  assert.deepEqual(decodeRequestPayload(Operation.Create, v1, KMIP_1_4), create);
  assert.deepEqual(decodeRequestPayload(Operation.Create, v2), create);

  const getAttrs = {
    uniqueIdentifier: 'u',
    attributeReferences: [Tag.State, { vendorIdentification: 'x', attributeName: 'ID' }],
  };
  const g1 = encodeRequestPayload(Operation.GetAttributes, getAttrs, KMIP_1_4);
  assert.deepEqual(
    g1.value.slice(1).map((c) => c.value),
    ['State', 'x-ID'],
  );
  assert.deepEqual(decodeRequestPayload(Operation.GetAttributes, g1, KMIP_1_4), getAttrs);
  const g2 = encodeRequestPayload(Operation.GetAttributes, getAttrs);
  assert.equal(g2.value[1]?.type, 'Enumeration');
  assert.deepEqual(decodeRequestPayload(Operation.GetAttributes, g2), getAttrs);

  const add = {
    uniqueIdentifier: 'u',
    newAttribute: { contactInformation: 'ops' },
    attributeIndex: 0,
  };
  const a1 = encodeRequestPayload(Operation.AddAttribute, add, KMIP_1_4);
  assert.deepEqual(decodeRequestPayload(Operation.AddAttribute, a1, KMIP_1_4), add);
  const set2 = encodeRequestPayload(Operation.SetAttribute, {
    newAttribute: { contactInformation: 'ops' },
  });
  assert.equal(set2.value[0]?.tag, Tag.NewAttribute);
  assert.throws(
    () =>
      encodeRequestPayload(Operation.SetAttribute, {
        newAttribute: { contactInformation: 'a', description: 'b' },
      }),
    KmipPayloadError,
  );
});

void test('Locate ranges: a repeated date is the end of a range', () => {
  const from = new Date('2020-01-01T00:00:00Z');
  const to = new Date('2021-01-01T00:00:00Z');
  const request = B.locate(
    { objectType: ObjectType.SymmetricKey, activationDate: from },
    { rangeEnds: { activationDate: to }, maximumItems: 5 },
  ).payload;
  for (const version of [undefined, KMIP_1_4]) {
    const tree = encodeRequestPayload(Operation.Locate, request, version);
    assert.deepEqual(decodeRequestPayload(Operation.Locate, tree, version), request);
  }
});

void test('managed objects: transparent keys, wrapped keys, every kind', () => {
  const objects: ManagedObject[] = [
    {
      kind: 'SymmetricKey',
      keyBlock: {
        keyFormatType: KeyFormatType.TransparentSymmetricKey,
        keyValue: { keyMaterial: { key: new Uint8Array(16) } },
        cryptographicAlgorithm: 3,
        cryptographicLength: 128,
      },
    },
    {
      kind: 'PrivateKey',
      keyBlock: {
        keyFormatType: KeyFormatType.TransparentRSAPrivateKey,
        keyValue: { keyMaterial: { modulus: 0xc3n, privateExponent: 7n, publicExponent: 65537n } },
      },
    },
    {
      kind: 'PublicKey',
      keyBlock: {
        keyFormatType: KeyFormatType.TransparentECPublicKey,
        keyValue: {
          keyMaterial: {
            recommendedCurve: RecommendedCurve.P_256,
            qString: new Uint8Array([4, 1, 2]),
          },
        },
      },
    },
    {
      kind: 'SymmetricKey',
      keyBlock: {
        keyFormatType: KeyFormatType.Raw,
        keyValue: new Uint8Array([9, 9]),
        keyWrappingData: {
          wrappingMethod: 1,
          encryptionKeyInformation: { uniqueIdentifier: 'kek' },
        },
      },
    },
    {
      kind: 'SecretData',
      secretDataType: 1,
      keyBlock: {
        keyFormatType: KeyFormatType.Opaque,
        keyValue: { keyMaterial: new Uint8Array([1]), attributes: { description: 'pw' } },
      },
    },
    { kind: 'OpaqueObject', opaqueDataType: 0x80000001, opaqueDataValue: new Uint8Array([7]) },
    { kind: 'Certificate', certificateType: 1, certificateValue: new Uint8Array([0x30]) },
    {
      kind: 'SplitKey',
      splitKeyParts: 3,
      keyPartIdentifier: 1,
      splitKeyThreshold: 2,
      splitKeyMethod: 1,
      keyBlock: {
        keyFormatType: KeyFormatType.Raw,
        keyValue: { keyMaterial: new Uint8Array([5]) },
      },
    },
    {
      kind: 'PGPKey',
      pgpKeyVersion: 4,
      keyBlock: {
        keyFormatType: KeyFormatType.Raw,
        keyValue: { keyMaterial: new Uint8Array([6]) },
      },
    },
    {
      kind: 'CertificateRequest',
      certificateRequestType: 2,
      certificateRequestValue: new Uint8Array([0x30, 0x01]),
    },
  ];
  for (const object of objects) {
    for (const version of [undefined, KMIP_1_4]) {
      const request = B.register(object, {
        names: [{ nameValue: 'n', nameType: NameType.UninterpretedTextString }],
      }).payload;
      const tree = encodeRequestPayload(Operation.Register, request, version);
      assert.deepEqual(
        decodeRequestPayload(
          Operation.Register,
          decodeTtlv(encodeTtlv(tree)) as t.TtlvStructure,
          version,
        ),
        request,
        object.kind,
      );
      const get = { objectType: request.objectType, uniqueIdentifier: 'u', object };
      assert.deepEqual(
        decodeResponsePayload(
          Operation.Get,
          encodeResponsePayload(Operation.Get, get, version),
          version,
        ),
        get,
      );
    }
  }
});

void test('typed payloads validate what they read', () => {
  const payload = (...items: t.TtlvItem[]): t.TtlvStructure =>
    t.structure(Tag.RequestPayload, items);
  const cases: [t.TtlvStructure, string][] = [
    [payload(), 'ERR_KMIP_MISSING_FIELD'],
    [
      payload(
        t.enumeration(Tag.ObjectType, 2),
        t.structure(Tag.Attributes),
        t.enumeration(Tag.ObjectType, 2),
      ),
      'ERR_KMIP_INVALID_FIELD',
    ],
    [payload(t.integer(Tag.ObjectType, 2), t.structure(Tag.Attributes)), 'ERR_KMIP_INVALID_FIELD'],
    [
      payload(
        t.enumeration(Tag.ObjectType, 2),
        t.structure(Tag.Attributes),
        t.textString(Tag.NameValue, 'x'),
      ),
      'ERR_KMIP_UNEXPECTED_FIELD',
    ],
    [
      payload(
        t.enumeration(Tag.ObjectType, 2),
        t.structure(Tag.Attributes, [t.textString(Tag.CryptographicLength, 'x')]),
      ),
      'ERR_KMIP_INVALID_FIELD',
    ],
    [
      payload(
        t.enumeration(Tag.ObjectType, 2),
        t.structure(Tag.Attributes, [t.structure(Tag.Name, [t.textString(Tag.NameValue, 'x')])]),
      ),
      'ERR_KMIP_MISSING_FIELD',
    ],
  ];
  for (const [tree, code] of cases) {
    assert.throws(
      () => decodeRequestPayload(Operation.Create, tree),
      (e: unknown) => e instanceof KmipPayloadError && e.code === code,
      code,
    );
  }
  // Extension-tag children of Attributes are kept, not rejected.
  const ext = decodeRequestPayload(
    Operation.Create,
    payload(
      t.enumeration(Tag.ObjectType, 2),
      t.structure(Tag.Attributes, [t.integer(0x540001, 1)]),
    ),
  );
  assert.equal(ext.attributes.extensions?.length, 1);
  assert.throws(
    () => decodeRequestPayload(0x7777 as never, payload()),
    (e: unknown) => e instanceof KmipPayloadError && e.code === 'ERR_KMIP_UNSUPPORTED_OPERATION',
  );
  assert.throws(
    () => encodeRequestPayload(Operation.Encrypt, { data: 'x' } as never),
    KmipPayloadError,
  );
});

void test('builders produce messages that decode back', () => {
  const items = [
    B.createSymmetricKey({ name: 'k', activationDate: new Date(1_700_000_000_000) }),
    B.createKeyPair({
      algorithm: CryptographicAlgorithm.EC,
      curve: RecommendedCurve.P_256,
      name: 'ec',
    }),
    B.get('u', { keyFormatType: KeyFormatType.Raw }),
    B.exportObject('u'),
    B.importObject('u', {
      kind: 'OpaqueObject',
      opaqueDataType: 0x80000001,
      opaqueDataValue: new Uint8Array([1]),
    }),
    B.activate(),
    B.check('u', { cryptographicUsageMask: 4 }),
    B.revoke('u', 2, { message: 'lost', compromiseOccurrenceDate: new Date(0) }),
    B.destroy('u'),
    B.reKey('u', { offset: 10 }),
    B.reKeyKeyPair('p'),
    B.deriveKey({
      objectType: 2,
      uniqueIdentifiers: ['a'],
      derivationMethod: 1,
      derivationParameters: { salt: new Uint8Array([1]), iterationCount: 1000 },
      attributes: { cryptographicLength: 256 },
    }),
    B.certify({ uniqueIdentifier: 'pub', attributes: { certificateSubjectCN: 'x' } }),
    B.validate({ uniqueIdentifiers: ['c'] }),
    B.getAttributes('u', [Tag.State]),
    B.getAttributeList('u'),
    B.addAttribute('u', { objectGroups: ['g'] }),
    B.setAttribute('u', { description: 'd' }),
    B.modifyAttribute('u', { description: 'e' }, { description: 'd' }),
    B.deleteAttribute('u', { attributeReference: Tag.Description }),
    B.encrypt('u', new Uint8Array([1]), {
      ivCounterNonce: new Uint8Array(12),
      cryptographicParameters: { blockCipherMode: 9 },
    }),
    B.decrypt('u', new Uint8Array([1]), { authenticatedEncryptionTag: new Uint8Array(16) }),
    B.sign('u', { data: new Uint8Array([1]) }, { digitalSignatureAlgorithm: 5 }),
    B.signatureVerify('u', { digestedData: new Uint8Array(32) }, new Uint8Array(64)),
    B.mac('u', new Uint8Array([1])),
    B.macVerify('u', new Uint8Array([1]), new Uint8Array(32)),
    B.hash(new Uint8Array([1]), 6),
    B.rngRetrieve(32),
    B.query(),
    B.discoverVersions([{ major: 2, minor: 1 }]),
    B.locate({ names: [{ nameValue: 'k', nameType: 1 }] }),
  ];
  const message = B.requestMessage(items, {
    authentication: [B.usernamePasswordCredential('alice', 'secret')],
    batchErrorContinuationOption: 1,
  });
  const tree = encodeRequestMessage(message);
  const decoded = decodeRequestMessage(decodeTtlv(encodeTtlv(tree)));
  assert.equal(decoded.batchItems.length, items.length);
  decoded.batchItems.forEach((item, i) => {
    const source = items[i];
    assert.ok(source !== undefined);
    assert.deepEqual(
      decodeRequestPayload(source.operation, item.payload),
      source.payload,
      `item ${i}`,
    );
  });
  assert.throws(() => B.requestMessage([]), RangeError);
});
