import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeTtlv, encodeTtlv, ttlvMessageLength } from './binary.ts';
import { KmipCodecError } from './errors.ts';
import { decodeRequestMessage, decodeResponseMessage } from './message.ts';
import { Tag } from './tags.ts';
import * as t from './ttlv.ts';

const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s.replace(/[\s|]/g, ''), 'hex'));
const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

// Examples of KMIP Specification v1.4 §9.1.2 (tag 0x420020).
const EXAMPLES: [t.TtlvItem, string][] = [
  [t.integer(0x420020, 8), '420020 02 00000004 0000000800000000'],
  [t.longInteger(0x420020, 123456789000000000n), '420020 03 00000008 01B69B4BA5749200'],
  [
    t.bigInteger(0x420020, 1234567890000000000000000000n),
    '420020 04 00000010 0000000003FD35EB6BC2DF4618080000',
  ],
  [t.enumeration(0x420020, 255), '420020 05 00000004 000000FF00000000'],
  [t.boolean(0x420020, true), '420020 06 00000008 0000000000000001'],
  [t.textString(0x420020, 'Hello World'), '420020 07 0000000B 48656C6C6F20576F726C640000000000'],
  [t.byteString(0x420020, new Uint8Array([1, 2, 3])), '420020 08 00000003 0102030000000000'],
  [t.dateTime(0x420020, 0x47da67f8n), '420020 09 00000008 0000000047DA67F8'],
  [t.interval(0x420020, 864000), '420020 0A 00000004 000D2F0000000000'],
  [
    t.structure(0x420020, [t.enumeration(0x420004, 254), t.integer(0x420005, 255)]),
    '420020 01 00000020 420004 05 00000004 000000FE00000000 420005 02 00000004 000000FF00000000',
  ],
];

void test('encodes and decodes the specification examples byte for byte', () => {
  for (const [item, bytes] of EXAMPLES) {
    assert.equal(toHex(encodeTtlv(item)), toHex(hex(bytes)), item.type);
    assert.ok(t.ttlvEquals(decodeTtlv(hex(bytes)), item), item.type);
  }
});

void test('BigInteger is two’s complement, sign-extended to 8 bytes', () => {
  const cases: [bigint, string][] = [
    [0n, '0000000000000000'],
    [-1n, 'ffffffffffffffff'],
    [0x80n, '0000000000000080'],
    [-0x80n, 'ffffffffffffff80'],
    [2n ** 63n, '00000000000000008000000000000000'],
    [-(2n ** 63n), '8000000000000000'],
  ];
  for (const [value, body] of cases) {
    const bytes = encodeTtlv(t.bigInteger(Tag.Modulus, value));
    assert.equal(toHex(bytes.subarray(8)), body, String(value));
    assert.equal((decodeTtlv(bytes) as t.TtlvBigInteger).value, value);
  }
  // A non-minimal encoding is accepted and has the same value.
  assert.equal(
    (decodeTtlv(hex('420052 04 00000010 0000000000000000 00000000000000ff')) as t.TtlvBigInteger)
      .value,
    255n,
  );
});

void test('DateTimeExtended and negative values', () => {
  const item = t.dateTimeExtended(Tag.ActivationDate, -5n);
  assert.equal(toHex(encodeTtlv(item)), '4200010b00000008fffffffffffffffb');
  assert.ok(t.ttlvEquals(decodeTtlv(encodeTtlv(item)), item));
  assert.equal((decodeTtlv(encodeTtlv(t.integer(Tag.BatchCount, -1))) as t.TtlvInteger).value, -1);
  assert.equal(
    (decodeTtlv(encodeTtlv(t.enumeration(Tag.Operation, 0xffffffff))) as t.TtlvEnumeration).value,
    0xffffffff,
  );
});

// PyKMIP 0.10 RequestMessage.write(): KMIP 1.2 Create AES-256 (recorded by the research brief).
const PYKMIP_CREATE = `4200780100000120 4200770100000038 4200690100000020 42006a0200000004 0000000100000000
42006b0200000004 0000000200000000 42000d0200000004 0000000100000000 42000f01000000d8
42005c0500000004 0000000100000000 42007901000000c0 4200570500000004 0000000200000000
42009101000000a8 4200080100000030 42000a0700000017 43727970746f6772 617068696320416c
676f726974686d00 42000b0500000004 0000000300000000 4200080100000030 42000a0700000014
43727970746f6772 6170686963204c65 6e67746800000000 42000b0200000004 0000010000000000
4200080100000030 42000a0700000018 43727970746f6772 6170686963205573 616765204d61736b
42000b0200000004 0000000c00000000`;

// Cosmian KMS fallback error response (routes/kmip.rs TTLV_ERROR_RESPONSE).
const COSMIAN_ERROR = `42007b0100000098 42007a0100000048 4200690100000020 42006a0200000004 0000000100000000
42006b0200000004 0000000000000000 4200920900000008 0000000000000000 42000d0200000004
0000000100000000 42000f0100000040 42007f0500000004 0000000100000000 42007e0500000004
0000000500000000 42007d0700000013 556e7265636f7665 7261626c65206572 726f720000000000`;

void test('real messages: PyKMIP Create and the Cosmian error response', () => {
  const create = hex(PYKMIP_CREATE);
  const tree = decodeTtlv(create);
  assert.equal(toHex(encodeTtlv(tree)), toHex(create));
  const message = decodeRequestMessage(tree);
  assert.deepEqual(message.header.protocolVersion, { major: 1, minor: 2 });
  assert.equal(message.batchItems[0]?.operation, 1);

  const error = decodeResponseMessage(decodeTtlv(hex(COSMIAN_ERROR)));
  const failure = error.batchItems?.[0];
  assert.ok(failure !== undefined);
  assert.equal(failure.resultReason, 5);
  assert.equal(failure.resultMessage, 'Unrecoverable error');
  assert.equal(error.header.timeStamp.getTime(), 0);
});

void test('message framing length', () => {
  assert.equal(ttlvMessageLength(hex(PYKMIP_CREATE).subarray(0, 8)), 0x128);
  assert.throws(() => ttlvMessageLength(hex('4200780200000004')), KmipCodecError);
  assert.throws(() => ttlvMessageLength(new Uint8Array(4)), KmipCodecError);
});

void test('encoder validates every node', () => {
  const bad: unknown[] = [
    { tag: 0x430000, type: 'Integer', value: 1 },
    { tag: Tag.BatchCount, type: 'Integer', value: 2 ** 31 },
    { tag: Tag.BatchCount, type: 'Integer', value: 1.5 },
    { tag: Tag.BatchCount, type: 'LongInteger', value: 1 },
    { tag: Tag.BatchCount, type: 'LongInteger', value: 2n ** 63n },
    { tag: Tag.BatchCount, type: 'Enumeration', value: -1 },
    { tag: Tag.BatchCount, type: 'TextString', value: '\ud800' },
    { tag: Tag.BatchCount, type: 'ByteString', value: [1, 2] },
    { tag: Tag.BatchCount, type: 'Boolean', value: 1 },
    { tag: Tag.BatchCount, type: 'Nope', value: 1 },
    { tag: Tag.BatchCount, type: 'Structure', value: 'x' },
    null,
  ];
  for (const item of bad)
    assert.throws(
      () => encodeTtlv(item as t.TtlvItem),
      KmipCodecError,
      JSON.stringify(item, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v)),
    );
  // A cyclic tree hits the depth limit instead of the stack.
  const cyclic: { tag: number; type: 'Structure'; value: t.TtlvItem[] } = {
    tag: Tag.Attributes,
    type: 'Structure',
    value: [],
  };
  cyclic.value.push(cyclic);
  assert.throws(
    () => encodeTtlv(cyclic),
    (e: unknown) => e instanceof KmipCodecError && e.code === 'ERR_KMIP_TOO_DEEP',
  );
});

void test('constructors reject bad arguments with TypeError/RangeError', () => {
  assert.throws(() => t.integer(0x420020, 2 ** 31), RangeError);
  assert.throws(() => t.integer(0x100, 1), RangeError);
  assert.throws(() => t.integer('x' as unknown as number, 1), TypeError);
  assert.throws(() => t.longInteger(0x420020, 1 as unknown as bigint), TypeError);
  assert.throws(() => t.textString(0x420020, '\udc00'), RangeError);
  assert.throws(() => t.dateTime(0x420020, new Date(Number.NaN)), RangeError);
  assert.throws(() => t.byteString(0x420020, 'ab' as unknown as Uint8Array), TypeError);
});
