/**
 * Property tests (fast-check): random trees survive every encoding round trip; mutated binary
 * messages either fail with a codec error or re-encode to the very same bytes (the decoder
 * accepts canonical encodings only).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { decodeTtlv, encodeTtlv } from './binary.ts';
import { KmipCodecError } from './errors.ts';
import { decodeJson, encodeJson, encodeJsonOperation, toJsonTtlv } from './json.ts';
import { Tag } from './tags.ts';
import * as t from './ttlv.ts';
import { decodeXml, encodeXml } from './xml.ts';

const TAGS = [...new Set(Object.values(Tag))];
const tag = fc.oneof(fc.constantFrom(...TAGS), fc.integer({ min: 0x540000, max: 0x54ffff }));
const int64 = fc.bigInt({ min: t.INT64_MIN, max: t.INT64_MAX });
// XML 1.0 cannot carry C0 controls (but tab/LF/CR) nor U+FFFE/U+FFFF.
// eslint-disable-next-line no-control-regex -- replacing control characters is the point
const NON_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;
const xmlSafe = (s: string): string => s.replace(NON_XML, '?');
const text = fc.string({ unit: 'binary', maxLength: 24 }).map(xmlSafe);

const leaf: fc.Arbitrary<t.TtlvItem> = fc.oneof(
  fc
    .tuple(tag, fc.integer({ min: t.INT32_MIN, max: t.INT32_MAX }))
    .map(([g, v]) => t.integer(g, v)),
  fc.tuple(tag, int64).map(([g, v]) => t.longInteger(g, v)),
  fc
    .tuple(tag, fc.bigInt({ min: -(2n ** 300n), max: 2n ** 300n }))
    .map(([g, v]) => t.bigInteger(g, v)),
  fc.tuple(tag, fc.integer({ min: 0, max: t.UINT32_MAX })).map(([g, v]) => t.enumeration(g, v)),
  fc.tuple(tag, fc.boolean()).map(([g, v]) => t.boolean(g, v)),
  fc.tuple(tag, text).map(([g, v]) => t.textString(g, v)),
  fc.tuple(tag, fc.uint8Array({ maxLength: 40 })).map(([g, v]) => t.byteString(g, v)),
  fc.tuple(tag, int64).map(([g, v]) => t.dateTime(g, v)),
  fc.tuple(tag, fc.integer({ min: 0, max: t.UINT32_MAX })).map(([g, v]) => t.interval(g, v)),
  fc.tuple(tag, int64).map(([g, v]) => t.dateTimeExtended(g, v)),
  // Siblings that change how later values are named (KMIP 1.x attributes).
  fc
    .constantFrom('Cryptographic Usage Mask', 'Cryptographic Algorithm', 'State', 'x-custom')
    .map((n) => t.textString(Tag.AttributeName, n)),
  fc
    .tuple(fc.integer({ min: t.INT32_MIN, max: t.INT32_MAX }))
    .map(([v]) => t.integer(Tag.AttributeValue, v)),
  fc.tuple(fc.integer({ min: 0, max: 20 })).map(([v]) => t.enumeration(Tag.AttributeValue, v)),
);

const tree: fc.Arbitrary<t.TtlvItem> = fc.letrec<{ node: t.TtlvItem }>((self) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc
      .tuple(tag, fc.array(self('node'), { maxLength: 5 }))
      .map(([g, items]) => t.structure(g, items)),
  ),
})).node;

const runs = { numRuns: 150 };

void test('binary round trip', () => {
  fc.assert(
    fc.property(tree, (item) => t.ttlvEquals(decodeTtlv(encodeTtlv(item)), item)),
    runs,
  );
});

void test('JSON round trip, both styles', () => {
  fc.assert(
    fc.property(tree, fc.constantFrom('oasis' as const, 'cosmian' as const), (item, style) =>
      t.ttlvEquals(decodeJson(encodeJson(item, { style })), item),
    ),
    runs,
  );
});

void test('JSON text is JSON.stringify of the object form (compact writer), operations too', () => {
  fc.assert(
    fc.property(tree, fc.constantFrom('oasis' as const, 'cosmian' as const), (item, style) => {
      assert.equal(encodeJson(item, { style }), JSON.stringify(toJsonTtlv(item, { style })));
      assert.equal(
        encodeJson(item, { style, indent: 2 }),
        JSON.stringify(toJsonTtlv(item, { style }), null, 2),
      );
      if (item.type !== 'Structure') return;
      // Operation 31 is Encrypt in both spellings.
      const body = toJsonTtlv(item, { style });
      const doc =
        style === 'cosmian'
          ? { tag: 'EncryptResponse', value: body.value }
          : { tag: 'EncryptResponse', type: 'Structure', value: body.value };
      assert.equal(encodeJsonOperation(31, true, item, { style }), JSON.stringify(doc));
    }),
    runs,
  );
});

void test('XML round trip', () => {
  fc.assert(
    fc.property(tree, (item) => t.ttlvEquals(decodeXml(encodeXml(item)), item)),
    runs,
  );
});

void test('all encodings agree: binary → JSON → XML → binary gives the same bytes', () => {
  fc.assert(
    fc.property(tree, (item) => {
      const bytes = encodeTtlv(item);
      const viaText = decodeXml(encodeXml(decodeJson(encodeJson(decodeTtlv(bytes)))));
      assert.deepEqual(encodeTtlv(viaText), bytes);
    }),
    runs,
  );
});

function hasBigInteger(item: t.TtlvItem): boolean {
  return (
    item.type === 'BigInteger' || (item.type === 'Structure' && item.value.some(hasBigInteger))
  );
}

void test('mutated binary: a codec error, or the same canonical bytes', () => {
  fc.assert(
    fc.property(tree, fc.nat(), fc.integer({ min: 1, max: 255 }), (item, at, xor) => {
      const bytes = encodeTtlv(item);
      const mutated = bytes.slice();
      const i = at % mutated.length;
      mutated[i] = (mutated[i] as number) ^ xor;
      let decoded: t.TtlvItem;
      try {
        decoded = decodeTtlv(mutated);
      } catch (error) {
        assert.ok(error instanceof KmipCodecError, String(error));
        return;
      }
      // BigInteger accepts non-minimal sign extension, which re-encodes shorter.
      if (!hasBigInteger(decoded)) assert.deepEqual(encodeTtlv(decoded), mutated);
    }),
    { numRuns: 400 },
  );
});
