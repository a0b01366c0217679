/**
 * Hostile inputs for every decoder: truncation, huge declared lengths, deep nesting, wrong types,
 * bad UTF-8, forbidden XML markup, oversize input. Each must fail with a `KmipCodecError` (never
 * a RangeError, SyntaxError or stack overflow) in bounded time and memory.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeTtlv, encodeTtlv } from './binary.ts';
import * as B from './builders.ts';
import { KmipCodecError, type KmipErrorCode } from './errors.ts';
import { decodeJson, decodeJsonOperation } from './json.ts';
import { encodeRequestMessage } from './message.ts';
import { decodeWire } from './wire.ts';
import { decodeXml, decodeXmlSequence } from './xml.ts';

const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s.replace(/\s/g, ''), 'hex'));

/** Asserts a codec error (optionally of `code`), quickly and without growing the heap much. */
function rejects(fn: () => unknown, label: string, code?: KmipErrorCode): void {
  const heap = process.memoryUsage().heapUsed;
  const start = performance.now();
  assert.throws(fn, (error: unknown) => {
    assert.ok(
      error instanceof KmipCodecError,
      `${label}: expected KmipCodecError, got ${String(error)}`,
    );
    if (code !== undefined) assert.equal(error.code, code, label);
    assert.equal(error.resultReason, 4, `${label}: Invalid Message`);
    return true;
  });
  const ms = performance.now() - start;
  assert.ok(ms < 500, `${label}: took ${ms.toFixed(0)} ms`);
  assert.ok(
    process.memoryUsage().heapUsed - heap < 64 * 1024 * 1024,
    `${label}: heap grew too much`,
  );
}

const MESSAGE = encodeTtlv(
  encodeRequestMessage(
    B.requestMessage([
      B.createSymmetricKey({ name: 'hostile' }),
      B.encrypt('k', new Uint8Array([1, 2, 3]), { ivCounterNonce: new Uint8Array(12) }),
    ]),
  ),
);

void test('binary: every truncation', () => {
  for (let n = 0; n < MESSAGE.length; n++)
    rejects(() => decodeTtlv(MESSAGE.subarray(0, n)), `prefix ${n}`);
});

void test('binary: malformed items', () => {
  const cases: [string, string, KmipErrorCode][] = [
    ['huge structure length', '420078 01 FFFFFFF8', 'ERR_KMIP_TRUNCATED'],
    ['huge text length', '420055 07 FFFFFFFF 41', 'ERR_KMIP_TRUNCATED'],
    ['structure length not a multiple of 8', '420078 01 00000004 00000000', 'ERR_KMIP_BAD_LENGTH'],
    ['Integer of length 8', '42000D 02 00000008 0000000000000001', 'ERR_KMIP_BAD_LENGTH'],
    ['LongInteger of length 4', '420096 03 00000004 0000000100000000', 'ERR_KMIP_BAD_LENGTH'],
    ['Boolean of value 2', '420010 06 00000008 0000000000000002', 'ERR_KMIP_BAD_VALUE'],
    ['BigInteger of length 0', '420052 04 00000000', 'ERR_KMIP_BAD_LENGTH'],
    ['BigInteger of length 5', '420052 04 00000005 0102030405000000', 'ERR_KMIP_BAD_LENGTH'],
    ['non-zero Integer padding', '42000D 02 00000004 0000000100000001', 'ERR_KMIP_BAD_PADDING'],
    ['non-zero text padding', '420055 07 00000001 4141000000000000', 'ERR_KMIP_BAD_PADDING'],
    ['invalid UTF-8', '420055 07 00000002 C328000000000000', 'ERR_KMIP_BAD_UTF8'],
    ['UTF-8 surrogate', '420055 07 00000003 EDA0800000000000', 'ERR_KMIP_BAD_UTF8'],
    ['unknown type 0x0C', '420055 0C 00000000', 'ERR_KMIP_BAD_TYPE'],
    ['type 0x00', '420055 00 00000000', 'ERR_KMIP_BAD_TYPE'],
    ['tag outside 42/54', '430000 02 00000004 0000000100000000', 'ERR_KMIP_BAD_TAG'],
    ['trailing bytes', '42000D 02 00000004 0000000100000000 00', 'ERR_KMIP_TRAILING_DATA'],
    [
      'child overruns its structure',
      '420078 01 00000010 42000D 02 00000004 00000001',
      'ERR_KMIP_TRUNCATED',
    ],
  ];
  for (const [label, bytes, code] of cases) rejects(() => decodeTtlv(hex(bytes)), label, code);
  rejects(() => decodeTtlv(new Uint8Array(0)), 'empty', 'ERR_KMIP_TRUNCATED');
});

void test('binary: deep nesting, many items, size limit', () => {
  // 100 000 nested structure headers, each claiming the rest of the input.
  const depth = 100_000;
  const deep = new Uint8Array(depth * 8);
  const view = new DataView(deep.buffer);
  for (let i = 0; i < depth; i++) {
    view.setUint32(i * 8, 0x42007801);
    view.setUint32(i * 8 + 4, (depth - i - 1) * 8);
  }
  rejects(() => decodeTtlv(deep), 'deep nesting', 'ERR_KMIP_TOO_DEEP');
  const many = new Uint8Array(8 + 16 * 1000);
  new DataView(many.buffer).setUint32(0, 0x42007801);
  new DataView(many.buffer).setUint32(4, 16 * 1000);
  for (let i = 0; i < 1000; i++) many.set(hex('42000D 02 00000004 00000001 00000000'), 8 + 16 * i);
  assert.doesNotThrow(() => decodeTtlv(many));
  rejects(() => decodeTtlv(many, { maxItems: 100 }), 'too many items', 'ERR_KMIP_TOO_MANY_ITEMS');
  rejects(() => decodeTtlv(many, { maxBytes: 1024 }), 'too large', 'ERR_KMIP_TOO_LARGE');
  rejects(
    () => decodeWire(many, 'binary', { maxBytes: 1024 }),
    'wire too large',
    'ERR_KMIP_TOO_LARGE',
  );
});

void test('JSON: malformed documents and values', () => {
  const cases: [string, string | object, KmipErrorCode][] = [
    ['truncated', '{"tag":"BatchCount","type":"Integer","value":1', 'ERR_KMIP_SYNTAX'],
    ['not an object', '[1,2]', 'ERR_KMIP_SYNTAX'],
    ['unknown key', { tag: 'BatchCount', type: 'Integer', value: 1, extra: 1 }, 'ERR_KMIP_SYNTAX'],
    ['tag not a string', { tag: 5, type: 'Integer', value: 1 }, 'ERR_KMIP_SYNTAX'],
    ['unknown tag', { tag: 'NoSuchTag', type: 'Integer', value: 1 }, 'ERR_KMIP_BAD_TAG'],
    ['unknown type', { tag: 'BatchCount', type: 'Float', value: 1 }, 'ERR_KMIP_BAD_TYPE'],
    [
      'Integer as string word',
      { tag: 'BatchCount', type: 'Integer', value: 'ten' },
      'ERR_KMIP_BAD_VALUE',
    ],
    [
      'Integer too big',
      { tag: 'BatchCount', type: 'Integer', value: 2 ** 31 },
      'ERR_KMIP_BAD_VALUE',
    ],
    ['Integer fraction', { tag: 'BatchCount', type: 'Integer', value: 1.5 }, 'ERR_KMIP_BAD_VALUE'],
    [
      'short hex Integer',
      { tag: 'BatchCount', type: 'Integer', value: '0x1' },
      'ERR_KMIP_BAD_VALUE',
    ],
    [
      'LongInteger unsafe number',
      { tag: 'UsageLimitsCount', type: 'LongInteger', value: 2 ** 60 },
      'ERR_KMIP_BAD_VALUE',
    ],
    [
      'unknown enumeration name',
      { tag: 'ObjectType', type: 'Enumeration', value: 'Unicorn' },
      'ERR_KMIP_BAD_VALUE',
    ],
    [
      'negative enumeration',
      { tag: 'ObjectType', type: 'Enumeration', value: -1 },
      'ERR_KMIP_BAD_VALUE',
    ],
    ['Boolean as string', { tag: 'Fresh', type: 'Boolean', value: 'true' }, 'ERR_KMIP_BAD_VALUE'],
    ['odd hex ByteString', { tag: 'Data', type: 'ByteString', value: 'ABC' }, 'ERR_KMIP_BAD_VALUE'],
    ['non-hex ByteString', { tag: 'Data', type: 'ByteString', value: 'zz' }, 'ERR_KMIP_BAD_VALUE'],
    [
      'impossible date',
      { tag: 'ActivationDate', type: 'DateTime', value: '2001-02-30T00:00:00Z' },
      'ERR_KMIP_BAD_VALUE',
    ],
    [
      'lone surrogate',
      '{"tag":"NameValue","type":"TextString","value":"\\ud800"}',
      'ERR_KMIP_BAD_UTF8',
    ],
    ['structure value not an array', { tag: 'Attributes', value: 'x' }, 'ERR_KMIP_SYNTAX'],
    ['child not an object', { tag: 'Attributes', value: [1] }, 'ERR_KMIP_SYNTAX'],
  ];
  for (const [label, input, code] of cases) rejects(() => decodeJson(input), label, code);
  rejects(() => decodeJson(hex('7b22c328')), 'bad UTF-8 bytes', 'ERR_KMIP_BAD_UTF8');
  rejects(
    () => decodeJsonOperation('{"tag":"Frobnicate","value":[]}'),
    'unknown bare operation',
    'ERR_KMIP_BAD_TAG',
  );
});

void test('JSON: deep nesting and size limits', () => {
  rejects(() => decodeJson('['.repeat(1_000_000)), 'deep brackets', 'ERR_KMIP_TOO_DEEP');
  let nested = '{"tag":"BatchCount","type":"Integer","value":1}';
  for (let i = 0; i < 40; i++) nested = `{"tag":"Attributes","value":[${nested}]}`;
  rejects(() => decodeJson(nested), 'deep structures', 'ERR_KMIP_TOO_DEEP');
  let obj: object = { tag: 'BatchCount', type: 'Integer', value: 1 };
  for (let i = 0; i < 10_000; i++) obj = { tag: 'Attributes', value: [obj] };
  rejects(() => decodeJson(obj), 'deep parsed object', 'ERR_KMIP_TOO_DEEP');
  rejects(
    () =>
      decodeJson(`{"tag":"NameValue","type":"TextString","value":"${'a'.repeat(2000)}"}`, {
        maxBytes: 1000,
      }),
    'too large',
    'ERR_KMIP_TOO_LARGE',
  );
  const wide = `{"tag":"Attributes","value":[${Array(500).fill('{"tag":"ObjectGroup","type":"TextString","value":"g"}').join(',')}]}`;
  rejects(() => decodeJson(wide, { maxItems: 100 }), 'too many items', 'ERR_KMIP_TOO_MANY_ITEMS');
});

void test('XML: forbidden markup (XXE, entity expansion), malformed documents', () => {
  const laughs = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><NameValue type="TextString" value="&lol2;"/>`;
  const cases: [string, string, KmipErrorCode][] = [
    ['billion laughs', laughs, 'ERR_KMIP_FORBIDDEN_MARKUP'],
    [
      'external entity',
      '<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><NameValue type="TextString" value="&xxe;"/>',
      'ERR_KMIP_FORBIDDEN_MARKUP',
    ],
    [
      'undeclared entity',
      '<NameValue type="TextString" value="&xxe;"/>',
      'ERR_KMIP_FORBIDDEN_MARKUP',
    ],
    ['CDATA', '<Attributes><![CDATA[x]]></Attributes>', 'ERR_KMIP_FORBIDDEN_MARKUP'],
    ['processing instruction', '<?php evil() ?><Attributes/>', 'ERR_KMIP_FORBIDDEN_MARKUP'],
    ['text content', '<Attributes>text</Attributes>', 'ERR_KMIP_SYNTAX'],
    ['mismatched end tag', '<Attributes></Name>', 'ERR_KMIP_SYNTAX'],
    ['unclosed', '<Attributes>', 'ERR_KMIP_TRUNCATED'],
    ['unknown attribute', '<BatchCount type="Integer" value="1" onload="x"/>', 'ERR_KMIP_SYNTAX'],
    [
      'duplicate attribute',
      '<BatchCount type="Integer" type="Integer" value="1"/>',
      'ERR_KMIP_SYNTAX',
    ],
    ['"<" in attribute', '<NameValue type="TextString" value="a<b"/>', 'ERR_KMIP_SYNTAX'],
    ['bare ampersand', '<NameValue type="TextString" value="a & b"/>', 'ERR_KMIP_SYNTAX'],
    ['NUL reference', '<NameValue type="TextString" value="&#0;"/>', 'ERR_KMIP_SYNTAX'],
    ['control character', '<NameValue type="TextString" value="a\u0001"/>', 'ERR_KMIP_SYNTAX'],
    ['unknown element', '<NoSuchTag type="Integer" value="1"/>', 'ERR_KMIP_BAD_TAG'],
    ['unknown type', '<BatchCount type="Float" value="1"/>', 'ERR_KMIP_BAD_TYPE'],
    ['missing value', '<BatchCount type="Integer"/>', 'ERR_KMIP_SYNTAX'],
    ['value on a structure', '<Attributes value="1"/>', 'ERR_KMIP_SYNTAX'],
    ['bad Integer', '<BatchCount type="Integer" value="1e3"/>', 'ERR_KMIP_BAD_VALUE'],
    ['bad Boolean', '<Fresh type="Boolean" value="yes"/>', 'ERR_KMIP_BAD_VALUE'],
    ['bad hexBinary', '<Data type="ByteString" value="abc"/>', 'ERR_KMIP_BAD_VALUE'],
    ['two roots', '<Attributes/><Attributes/>', 'ERR_KMIP_SYNTAX'],
    ['namespace prefix', '<k:Attributes/>', 'ERR_KMIP_SYNTAX'],
  ];
  for (const [label, input, code] of cases) rejects(() => decodeXml(input), label, code);
  rejects(() => decodeXml(hex('3c41c328')), 'bad UTF-8 bytes', 'ERR_KMIP_BAD_UTF8');
});

void test('XML: every truncation, deep nesting, limits', () => {
  const doc =
    '<RequestPayload><ObjectType type="Enumeration" value="SymmetricKey"/><Attributes><Name><NameValue type="TextString" value="k &amp; v"/></Name></Attributes></RequestPayload>';
  for (let n = 0; n < doc.length; n++) rejects(() => decodeXml(doc.slice(0, n)), `prefix ${n}`);
  rejects(() => decodeXml('<Attributes>'.repeat(200_000)), 'deep nesting', 'ERR_KMIP_TOO_DEEP');
  rejects(() => decodeXml(doc, { maxBytes: 20 }), 'too large', 'ERR_KMIP_TOO_LARGE');
  rejects(
    () =>
      decodeXmlSequence(`<KMIP>${'<Fresh type="Boolean" value="true"/>'.repeat(300)}</KMIP>`, {
        maxItems: 100,
      }),
    'too many items',
    'ERR_KMIP_TOO_MANY_ITEMS',
  );
  rejects(
    () =>
      decodeXml(`<NameValue type="TextString" value="${'&amp;'.repeat(400_000)}"/>`, {
        maxBytes: 1_000_000,
      }),
    'oversize',
    'ERR_KMIP_TOO_LARGE',
  );
});

void test('limits themselves are validated', () => {
  assert.throws(() => decodeTtlv(MESSAGE, { maxDepth: 0 }), RangeError);
  assert.throws(() => decodeJson('{}', { maxBytes: -1 }), RangeError);
  assert.throws(() => decodeTtlv('x' as unknown as Uint8Array), TypeError);
  assert.throws(() => decodeXml(5 as unknown as string), TypeError);
});
