import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CryptographicAlgorithm, KeyFormatType, ObjectType, Operation } from './enums.ts';
import { KmipCodecError } from './errors.ts';
import {
  decodeJson,
  decodeJsonOperation,
  encodeJson,
  encodeJsonOperation,
  toJsonTtlv,
} from './json.ts';
import { decodeResponseMessage } from './message.ts';
import { decodeRequestPayload, decodeResponsePayload } from './payloads.ts';
import { Tag } from './tags.ts';
import * as t from './ttlv.ts';

const value = (json: unknown): unknown => decodeJson(json as object).value;

void test('every value form of KMIP Additional Message Encodings §4.1.6', () => {
  const d = 978307200n; // 2001-01-01T10:00:00+10:00 is midnight UTC
  assert.equal(
    value({ tag: 'ActivationDate', type: 'DateTime', value: '2001-01-01T10:00:00+10:00' }),
    d,
  );
  assert.equal(value({ tag: '0x420001', type: 'DateTime', value: '2001-01-01T10:00:00+10:00' }), d);
  assert.equal(
    value({ tag: 'ArchiveDate', type: 'DateTime', value: '0x000000003a505520' }),
    0x3a505520n,
  );
  assert.equal(
    value({ tag: 'ArchiveDate', type: 'DateTime', value: '2001-01-01T10:00:00.999Z' }),
    978343200n,
  );
  const ext = decodeJson({
    tag: '0x54FFFF',
    name: 'SomeExtension',
    type: 'Integer',
    value: '0x00000001',
  });
  assert.equal(ext.tag, 0x54ffff);
  assert.equal(ext.value, 1);
  assert.equal(value({ tag: 'BatchCount', type: 'Integer', value: 10 }), 10);
  assert.equal(value({ tag: 'BatchCount', type: 'Integer', value: '0x0000000A' }), 10);
  assert.equal(value({ tag: 'BatchCount', type: 'Integer', value: '0xffffffff' }), -1);
  for (const mask of [
    '0x0000100c',
    'Encrypt|Decrypt|CertificateSign',
    'CertificateSign|0x00000004|0x0000008',
    'CertificateSign|0x0000000c',
  ]) {
    assert.equal(
      value({ tag: 'CryptographicUsageMask', type: 'Integer', value: mask }),
      0x100c,
      mask,
    );
  }
  assert.equal(value({ tag: '0x540001', type: 'LongInteger', value: '0xfffffffffffffffe' }), -2n);
  assert.equal(value({ tag: '0x540001', type: 'LongInteger', value: -2 }), -2n);
  assert.equal(
    value({ tag: 'UsageLimitsCount', type: 'LongInteger', value: '0x1000000000000000' }),
    2n ** 60n,
  );
  assert.equal(value({ tag: 'X', type: 'BigInteger', value: 0 }), 0n);
  assert.equal(value({ tag: 'X', type: 'BigInteger', value: '0x0000000000000000' }), 0n);
  assert.equal(value({ tag: 'X', type: 'BigInteger', value: '0xFFFFFFFFFFFFFFFF' }), -1n);
  assert.equal(value({ tag: '0x420057', type: 'Enumeration', value: 2 }), 2);
  assert.equal(value({ tag: 'ObjectType', type: 'Enumeration', value: '0x00000002' }), 2);
  assert.equal(value({ tag: 'ObjectType', type: 'Enumeration', value: 'SymmetricKey' }), 2);
  assert.equal(value({ tag: 'BatchOrderOption', type: 'Boolean', value: true }), true);
  assert.equal(
    value({ tag: 'BatchOrderOption', type: 'Boolean', value: '0x0000000000000001' }),
    true,
  );
  assert.equal(
    value({ tag: 'AttributeName', type: 'TextString', value: 'Cryptographic Algorithm' }),
    'Cryptographic Algorithm',
  );
  assert.deepEqual(
    value({ tag: 'MACSignature', type: 'ByteString', value: 'C50F77' }),
    new Uint8Array([0xc5, 0x0f, 0x77]),
  );
  assert.deepEqual(
    value({ tag: 'IVCounterNonce', type: 'ByteString', value: 'a1b2c3d4' }),
    new Uint8Array([0xa1, 0xb2, 0xc3, 0xd4]),
  );
  assert.equal(value({ tag: 'Offset', type: 'Interval', value: 27 }), 27);
  assert.equal(value({ tag: 'Offset', type: 'Interval', value: '0x0000001b' }), 27);
  // Structures: type optional, value may be null, keys in any order.
  assert.deepEqual(value({ tag: 'PrivateKeyTemplateAttribute', type: 'Structure', value: [] }), []);
  assert.deepEqual(value({ tag: 'ProtocolVersion', value: null }), []);
  const reordered = decodeJson(
    '{"value":[{"value":1,"type":"Integer","tag":"ProtocolVersionMajor"},{"type":"Integer","tag":"ProtocolVersionMinor","value":0}],"tag":"ProtocolVersion"}',
  );
  assert.ok(
    t.ttlvEquals(
      reordered,
      t.structure(Tag.ProtocolVersion, [
        t.integer(Tag.ProtocolVersionMajor, 1),
        t.integer(Tag.ProtocolVersionMinor, 0),
      ]),
    ),
  );
  // Both enumeration spellings.
  assert.equal(value({ tag: 'HashingAlgorithm', type: 'Enumeration', value: 'SHA_256' }), 6);
  assert.equal(value({ tag: 'HashingAlgorithm', type: 'Enumeration', value: 'SHA256' }), 6);
  assert.equal(value({ tag: 'ResultReason', type: 'Enumeration', value: 'Item_Not_Found' }), 1);
  assert.equal(
    value({ tag: 'CryptographicAlgorithm', type: 'Enumeration', value: 'THREE_DES' }),
    2,
  );
});

// Verbatim from Cosmian KMS v5 (test_data/vectors/fips/symmetric/aes128_encrypt_decrypt/step1_create_key.json).
const COSMIAN_CREATE = `{"tag":"Create","value":[
  {"tag":"ObjectType","type":"Enumeration","value":"SymmetricKey"},
  {"tag":"Attributes","value":[
    {"tag":"CryptographicAlgorithm","type":"Enumeration","value":"AES"},
    {"tag":"CryptographicLength","type":"Integer","value":128},
    {"tag":"CryptographicUsageMask","type":"Integer","value":12},
    {"tag":"KeyFormatType","type":"Enumeration","value":"TransparentSymmetricKey"},
    {"tag":"ObjectType","type":"Enumeration","value":"SymmetricKey"},
    {"tag":"ActivationDate","type":"DateTime","value":"2024-01-01T00:00:00Z"}]}]}`;

// Cosmian KMS v5 documentation (_encrypt.md).
const COSMIAN_ENCRYPT_RESPONSE = `{"tag":"EncryptResponse","type":"Structure","value":[
  {"tag":"UniqueIdentifier","type":"TextString","value":"027cced1-ff2b-4bd3-a200-db1041583bdc"},
  {"tag":"Data","type":"ByteString","value":"40D59A0735811135749A507FDEB3"},
  {"tag":"IVCounterNonce","type":"ByteString","value":"DBDD622A64F7D65E75894B1B"},
  {"tag":"AuthenticatedEncryptionTag","type":"ByteString","value":"50FCE680540BD3E96EFA9218A2F1009D"}]}`;

// Verbatim Cosmian v5 ResponseMessage (test_data/vectors/fips/kmip_operations/crl_validation_lifecycle/step2_response.json).
const COSMIAN_RESPONSE = `{"tag":"ResponseMessage","value":[
 {"tag":"ResponseHeader","value":[
  {"tag":"ProtocolVersion","value":[{"tag":"ProtocolVersionMajor","type":"Integer","value":2},
                                    {"tag":"ProtocolVersionMinor","type":"Integer","value":1}]},
  {"tag":"TimeStamp","type":"DateTime","value":"2026-06-06T20:53:32Z"},
  {"tag":"BatchCount","type":"Integer","value":1}]},
 {"tag":"BatchItem","value":[
  {"tag":"Operation","type":"Enumeration","value":"CreateKeyPair"},
  {"tag":"ResultStatus","type":"Enumeration","value":"Success"},
  {"tag":"ResponsePayload","value":[
   {"tag":"PrivateKeyUniqueIdentifier","type":"TextString","value":"052efbf7-828f-4ba9-83d6-48e18f2b9971"},
   {"tag":"PublicKeyUniqueIdentifier","type":"TextString","value":"052efbf7-828f-4ba9-83d6-48e18f2b9971_pk"}]}]}]}`;

void test('Cosmian v5 documents: bare operations and a Response Message', () => {
  const create = decodeJsonOperation(COSMIAN_CREATE);
  assert.equal(create.operation, Operation.Create);
  assert.equal(create.response, false);
  const payload = decodeRequestPayload(Operation.Create, create.payload);
  assert.equal(payload.objectType, ObjectType.SymmetricKey);
  assert.equal(payload.attributes.cryptographicAlgorithm, CryptographicAlgorithm.AES);
  assert.equal(payload.attributes.cryptographicLength, 128);
  assert.equal(payload.attributes.keyFormatType, KeyFormatType.TransparentSymmetricKey);
  assert.equal(payload.attributes.activationDate?.toISOString(), '2024-01-01T00:00:00.000Z');
  // Written back in Cosmian style, the document is byte-identical (minified).
  assert.equal(
    encodeJsonOperation(create.operation, false, create.payload),
    JSON.stringify(JSON.parse(COSMIAN_CREATE)),
  );

  const enc = decodeJsonOperation(COSMIAN_ENCRYPT_RESPONSE);
  assert.equal(enc.response, true);
  const encrypted = decodeResponsePayload(Operation.Encrypt, enc.payload);
  assert.equal(encrypted.uniqueIdentifier, '027cced1-ff2b-4bd3-a200-db1041583bdc');
  assert.equal(
    Buffer.from(encrypted.authenticatedEncryptionTag ?? []).toString('hex'),
    '50fce680540bd3e96efa9218a2f1009d',
  );

  const tree = decodeJson(COSMIAN_RESPONSE);
  assert.equal(encodeJson(tree), JSON.stringify(JSON.parse(COSMIAN_RESPONSE)));
  const message = decodeResponseMessage(tree);
  const item = message.batchItems?.[0];
  assert.ok(item?.payload !== undefined);
  const pair = decodeResponsePayload(Operation.CreateKeyPair, item.payload);
  assert.equal(pair.publicKeyUniqueIdentifier, '052efbf7-828f-4ba9-83d6-48e18f2b9971_pk');
});

void test('legacy "Object" tag takes the sibling Object Type', () => {
  const tree = decodeJson({
    tag: 'ResponsePayload',
    value: [
      { tag: 'ObjectType', type: 'Enumeration', value: 'SymmetricKey' },
      { tag: 'UniqueIdentifier', type: 'TextString', value: 'k' },
      { tag: 'Object', value: [] },
    ],
  }) as t.TtlvStructure;
  assert.equal(tree.value[2]?.tag, Tag.SymmetricKey);
  assert.throws(() => decodeJson({ tag: 'Object', value: [] }), KmipCodecError);
});

void test('encoder styles', () => {
  const item = t.structure(Tag.RequestPayload, [
    t.integer(Tag.CryptographicUsageMask, 12),
    t.longInteger(Tag.UsageLimitsCount, 5n),
    t.bigInteger(Tag.Modulus, 255n),
    t.enumeration(Tag.HashingAlgorithm, 6),
    t.enumeration(Tag.HashingAlgorithm, 0x80000001),
    t.byteString(Tag.Data, new Uint8Array([0xab, 0x01])),
    t.dateTime(Tag.ActivationDate, 1780779212n),
    t.dateTime(Tag.ActivationDate, 2n ** 62n),
    t.dateTimeExtended(Tag.ActivationDate, 1n),
    t.interval(Tag.Offset, 3),
    t.boolean(Tag.Fresh, false),
    t.textString(0x540001, 'x'),
  ]);
  const cosmian = toJsonTtlv(item, { style: 'cosmian' });
  assert.deepEqual(Object.keys(cosmian), ['tag', 'value']);
  assert.equal(
    JSON.stringify(cosmian.value),
    JSON.stringify([
      { tag: 'CryptographicUsageMask', type: 'Integer', value: 12 },
      { tag: 'UsageLimitsCount', type: 'LongInteger', value: '0x0000000000000005' },
      { tag: 'Modulus', type: 'BigInteger', value: '0x00000000000000FF' },
      { tag: 'HashingAlgorithm', type: 'Enumeration', value: 'SHA256' },
      { tag: 'HashingAlgorithm', type: 'Enumeration', value: '0x80000001' },
      { tag: 'Data', type: 'ByteString', value: 'AB01' },
      { tag: 'ActivationDate', type: 'DateTime', value: '2026-06-06T20:53:32Z' },
      { tag: 'ActivationDate', type: 'DateTime', value: '0x4000000000000000' },
      { tag: 'ActivationDate', type: 'DateTimeExtended', value: '0x0000000000000001' },
      { tag: 'Offset', type: 'Interval', value: 3 },
      { tag: 'Fresh', type: 'Boolean', value: false },
      { tag: '0x540001', type: 'TextString', value: 'x' },
    ]),
  );
  const oasis = toJsonTtlv(item, { style: 'oasis' });
  assert.deepEqual(Object.keys(oasis), ['tag', 'type', 'value']);
  const values = (oasis.value as { value: unknown }[]).map((v) => v.value);
  assert.equal(values[0], 'Encrypt|Decrypt');
  assert.equal(values[1], 5);
  assert.equal(values[3], 'SHA_256');
  for (const style of ['oasis', 'cosmian'] as const)
    assert.ok(t.ttlvEquals(decodeJson(encodeJson(item, { style })), item));
});
