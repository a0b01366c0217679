import assert from 'node:assert/strict';
import { test } from 'node:test';
import { KmipCodecError } from './errors.ts';
import { Tag } from './tags.ts';
import * as t from './ttlv.ts';
import { decodeXml, decodeXmlSequence, encodeXml } from './xml.ts';

const value = (xml: string): unknown => decodeXml(xml).value;

void test('every form of KMIP Additional Message Encodings §6.1.6', () => {
  const d = 978307200n; // 2001-01-01T10:00:00+10:00 is midnight UTC
  assert.equal(
    value(
      '<TTLV tag="0x420001" name="ActivationDate" type="DateTime" value="2001-01-01T10:00:00+10:00"/>',
    ),
    d,
  );
  assert.equal(
    value('<TTLV tag="0x420001" type="DateTime" value="2001-01-01T10:00:00+10:00"/>'),
    d,
  );
  assert.equal(value('<ActivationDate type="DateTime" value="2001-01-01T10:00:00+10:00"/>'), d);
  assert.equal(
    value(
      '<ActivationDate xmlns="urn:oasis:tc:kmip:xmlns" type="DateTime" value="2001-01-01T10:00:00+10:00"/>',
    ),
    d,
  );
  assert.equal(
    decodeXml(
      '<TTLV tag="0x54FFFF" name="SomeExtension" type="DateTime" value="2001-01-01T10:00:00+10:00"/>',
    ).tag,
    0x54ffff,
  );
  assert.equal(decodeXml('<x540001 type="LongInteger" value="-2"/>').tag, 0x540001);
  assert.equal(value('<x540001 type="LongInteger" value="-2"/>'), -2n);
  assert.equal(
    value('<UsageLimitsCount type="LongInteger" value="1152921504606846976"/>'),
    2n ** 60n,
  );
  assert.equal(value('<BatchCount type="Integer" value="10"/>'), 10);
  for (const mask of [
    '0x0000100c',
    'Encrypt Decrypt CertificateSign',
    'CertificateSign 0x00000004 0x0000008',
    'CertificateSign 0x0000000c',
  ]) {
    assert.equal(value(`<CryptographicUsageMask type="Integer" value="${mask}"/>`), 0x100c, mask);
  }
  assert.equal(value('<X type="BigInteger" value="0000000000000000"/>'), 0n);
  assert.equal(value('<ObjectType type="Enumeration" value="0x00000002"/>'), 2);
  assert.equal(value('<ObjectType type="Enumeration" value="SymmetricKey"/>'), 2);
  assert.equal(value('<BatchOrderOption type="Boolean" value="true"/>'), true);
  assert.equal(
    value('<AttributeName type="TextString" value="Cryptographic Algorithm"/>'),
    'Cryptographic Algorithm',
  );
  assert.deepEqual(
    value('<MACSignature type="ByteString" value="C50F77"/>'),
    new Uint8Array([0xc5, 0x0f, 0x77]),
  );
  assert.equal(value('<Offset type="Interval" value="27"/>'), 27);
  assert.deepEqual(value('<PrivateKeyTemplateAttribute type="Structure"/>'), []);
  const pv = decodeXml(`<?xml version="1.0" encoding="UTF-8"?>
    <!-- a comment -->
    <ProtocolVersion type="Structure">
      <ProtocolVersionMajor type="Integer" value="1"/>
      <ProtocolVersionMinor type='Integer' value='0'></ProtocolVersionMinor>
    </ProtocolVersion>`);
  assert.ok(
    t.ttlvEquals(
      pv,
      t.structure(Tag.ProtocolVersion, [
        t.integer(Tag.ProtocolVersionMajor, 1),
        t.integer(Tag.ProtocolVersionMinor, 0),
      ]),
    ),
  );
});

void test('references and attribute-value normalization', () => {
  assert.equal(
    value(
      '<NameValue type="TextString" value="a &amp; b &lt;c&gt; &quot;&apos; &#x41;&#66;&#10;"/>',
    ),
    'a & b <c> "\' AB\n',
  );
  assert.equal(value('<NameValue type="TextString" value="x\r\ny\tz"/>'), 'x y z');
  const tricky = t.textString(Tag.NameValue, 'tab\there\nnew "line" & <more> ü 😀');
  assert.ok(t.ttlvEquals(decodeXml(encodeXml(tricky)), tricky));
  assert.throws(() => encodeXml(t.textString(Tag.NameValue, 'bell\u0007')), KmipCodecError);
});

void test('KMIP 1.x Attribute Value names follow the sibling Attribute Name', () => {
  const xml = `<TemplateAttribute>
    <Attribute><AttributeName type="TextString" value="Cryptographic Algorithm"/><AttributeValue type="Enumeration" value="AES"/></Attribute>
    <Attribute><AttributeName type="TextString" value="Cryptographic Usage Mask"/><AttributeValue type="Integer" value="Decrypt Encrypt"/></Attribute>
  </TemplateAttribute>`;
  const tree = decodeXml(xml) as t.TtlvStructure;
  const values = tree.value.map((a) => ((a as t.TtlvStructure).value[1] as t.TtlvItem).value);
  assert.deepEqual(values, [3, 12]);
  const written = encodeXml(tree);
  assert.match(written, /value="AES"/);
  assert.match(written, /value="Encrypt Decrypt"/);
});

void test('the writer uses the general form for unnamed tags and hex for unnamed values', () => {
  const item = t.structure(Tag.RequestPayload, [
    t.enumeration(Tag.ObjectType, 0x80000001),
    t.integer(0x54aaaa, 5),
  ]);
  const xml = encodeXml(item, { indent: '' });
  assert.equal(
    xml,
    '<RequestPayload><ObjectType type="Enumeration" value="0x80000001"/><TTLV tag="0x54AAAA" type="Integer" value="5"/></RequestPayload>',
  );
  assert.ok(t.ttlvEquals(decodeXml(xml), item));
  assert.deepEqual(decodeXmlSequence('<KMIP></KMIP>'), []);
});
