import assert from 'node:assert/strict';
import { test } from 'node:test';
import { normalizeKmipName } from './_normalize.ts';
import { Tag, tagFromAttributeName, tagFromName, tagHex, tagName, tagText } from './tags.ts';
import {
  CryptographicAlgorithm,
  Enum,
  HashingAlgorithm,
  ObjectType,
  Operation,
  ResultReason,
  enumName,
  enumValue,
  enumerationForTag,
  enumerationNames,
} from './enums.ts';
import { CryptographicUsageMask, formatMask, maskForTag, parseMask } from './masks.ts';
import { TAGS_21 } from './_tables-tags.ts';

void test('name normalization follows KMIP Additional Message Encodings §4.1.3', () => {
  const cases: [string, string][] = [
    ['IV/Counter/Nonce', 'IVCounterNonce'],
    ['SHA-256', 'SHA_256'],
    ['3DES', 'DES3'],
    ['Item Not Found', 'ItemNotFound'],
    ['PKCS#1', 'PKCS_1'],
    ['Re-key', 'ReKey'],
    ['X.509 Certificate Identifier', 'X_509CertificateIdentifier'],
    ['Polynomial Sharing GF (2^16)', 'PolynomialSharingGF2_16'],
    ['Common Template-Attribute', 'CommonTemplateAttribute'],
  ];
  for (const [text, normalized] of cases) assert.equal(normalizeKmipName(text), normalized, text);
});

void test('generated tag table holds the KMIP 2.1 tags', () => {
  assert.ok(Object.keys(TAGS_21).length > 350);
  assert.equal(Tag.RequestMessage, 0x420078);
  assert.equal(Tag.IVCounterNonce, 0x42003d);
  assert.equal(Tag.AuthenticatedEncryptionTag, 0x4200ff);
  assert.equal(Tag.Attributes, 0x420125);
  assert.equal(Tag.ProtectionStorageMasks, 0x42015f);
  // KMIP 1.x tags that 2.x reserved.
  assert.equal(Tag.TemplateAttribute, 0x420091);
  assert.equal(Tag.AttributeIndex, 0x420009);
  assert.equal(Tag.OperationPolicyName, 0x42005d);
});

void test('tag lookups accept every spelling', () => {
  assert.equal(tagFromName('IVCounterNonce'), Tag.IVCounterNonce);
  assert.equal(tagFromName('0x42003D'), Tag.IVCounterNonce);
  assert.equal(tagFromName('0x42003d'), Tag.IVCounterNonce);
  assert.equal(tagFromName('PKCS_11Function'), Tag.PKCS_11Function);
  assert.equal(tagFromName('PKCS11Function'), Tag.PKCS_11Function);
  assert.equal(tagFromName('iv_counter_nonce'), Tag.IVCounterNonce);
  assert.equal(tagFromName('0x540001'), 0x540001);
  assert.equal(tagFromName('0x430000'), undefined);
  assert.equal(tagFromName('NoSuchTag'), undefined);
  assert.equal(tagFromName('Object'), undefined);
  assert.equal(tagName(Tag.PKCS_11Function), 'PKCS_11Function');
  assert.equal(tagName(Tag.PKCS_11Function, 'cosmian'), 'PKCS11Function');
  assert.equal(tagName(Tag.X_509CertificateIdentifier, 'cosmian'), 'X509CertificateIdentifier');
  assert.equal(tagName(0x540001), undefined);
  assert.equal(tagHex(0x540001), '0x540001');
  assert.equal(tagText(Tag.CryptographicUsageMask), 'Cryptographic Usage Mask');
  assert.equal(tagFromAttributeName('Cryptographic Algorithm'), Tag.CryptographicAlgorithm);
  assert.equal(tagFromAttributeName('x-ID'), undefined);
});

void test('enumerations: values, both spellings, 1.x values, errata', () => {
  assert.ok(enumerationNames().length >= 60);
  assert.equal(Operation.Encrypt, 0x1f);
  assert.equal(Operation.ReKeyKeyPair, 0x1d);
  assert.equal(ObjectType.SymmetricKey, 2);
  assert.equal(ObjectType.Template, 6);
  assert.equal(ResultReason.ItemNotFound, 1);
  assert.equal(HashingAlgorithm.SHA_256, 6);
  assert.equal(Enum.MaskGenerator.MGF1, 1);
  for (const spelling of ['SHA_256', 'SHA256', 'sha-256', 'SHA 256'])
    assert.equal(enumValue('HashingAlgorithm', spelling), 6);
  assert.equal(enumValue('ResultReason', 'Item_Not_Found'), 1);
  assert.equal(enumValue('CryptographicAlgorithm', 'THREE_DES'), CryptographicAlgorithm.DES3);
  assert.equal(enumValue('CryptographicAlgorithm', 'NoSuch'), undefined);
  assert.equal(enumName('ResultReason', 1), 'ItemNotFound');
  assert.equal(enumName('ResultReason', 1, 'cosmian'), 'Item_Not_Found');
  assert.equal(enumName('ResultReason', 0x45, 'cosmian'), 'PKCS_11_Codec_Error');
  assert.equal(enumName('State', 6, 'cosmian'), 'Destroyed_Compromised');
  assert.equal(enumName('CryptographicAlgorithm', 2), 'DES3');
  assert.equal(enumName('CryptographicAlgorithm', 2, 'cosmian'), 'THREE_DES');
  assert.equal(enumName('CryptographicAlgorithm', 9, 'cosmian'), 'HMACSHA256');
  assert.equal(enumName('KeyFormatType', 3, 'cosmian'), 'PKCS1');
  assert.equal(enumName('RecommendedCurve', 7, 'cosmian'), 'P256');
  assert.equal(enumName('DigitalSignatureAlgorithm', 5, 'cosmian'), 'SHA256WithRSAEncryption');
  assert.equal(enumName('DigitalSignatureAlgorithm', 8, 'cosmian'), 'RSASSAPSS');
  assert.equal(enumName('PaddingMethod', 8, 'cosmian'), 'PKCS1v15');
  assert.equal(enumName('MaskGenerator', 1), 'MGF1');
  assert.equal(enumName('MaskGenerator', 1, 'cosmian'), 'MFG1');
  assert.equal(enumName('PKCS_11Function', 1), 'C_Initialize');
  assert.equal(enumName('Operation', 0x7fff), undefined);
  // Cosmian vendor values: read in any spelling, named in the Cosmian style only.
  assert.equal(enumValue('CryptographicAlgorithm', 'CoverCrypt'), 0x88800004);
  assert.equal(enumName('CryptographicAlgorithm', 0x88800004, 'cosmian'), 'CoverCrypt');
  assert.equal(enumName('CryptographicAlgorithm', 0x88800004), undefined);
  assert.equal(enumValue('KeyFormatType', 'PKCS7'), 0x88800002);
});

void test('enumeration of an Enumeration item follows its tag', () => {
  assert.equal(enumerationForTag(Tag.CryptographicAlgorithm), 'CryptographicAlgorithm');
  assert.equal(enumerationForTag(Tag.MaskGeneratorHashingAlgorithm), 'HashingAlgorithm');
  assert.equal(enumerationForTag(Tag.AttributeReference), 'Tag');
  assert.equal(enumerationForTag(Tag.UniqueIdentifier), 'UniqueIdentifier');
  assert.equal(enumName('Tag', Tag.ActivationDate), 'ActivationDate');
  assert.equal(enumerationForTag(Tag.NameValue), undefined);
});

void test('masks: names, hex components, 1.x bits', () => {
  assert.equal(maskForTag(Tag.CryptographicUsageMask), 'CryptographicUsageMask');
  assert.equal(formatMask('CryptographicUsageMask', 12, '|'), 'Encrypt|Decrypt');
  assert.equal(formatMask('CryptographicUsageMask', 0, '|'), '0x00000000');
  assert.equal(formatMask('CryptographicUsageMask', 0x4000_0004, ' '), 'Encrypt 0x40000000');
  assert.equal(
    parseMask('CryptographicUsageMask', 'Encrypt|Decrypt|CertificateSign', /\|/),
    0x100c,
  );
  assert.equal(
    parseMask('CryptographicUsageMask', 'CertificateSign|0x00000004|0x0000008', /\|/),
    0x100c,
  );
  assert.equal(parseMask('CryptographicUsageMask', 'Decrypt Encrypt', / +/), 12);
  assert.equal(parseMask('CryptographicUsageMask', 'Export', / +/), 0x40);
  assert.equal(parseMask('CryptographicUsageMask', 'Encrypt|Bogus', /\|/), undefined);
  assert.equal(parseMask('CryptographicUsageMask', '', /\|/), undefined);
  assert.equal(CryptographicUsageMask.Unrestricted, 0x200000);
});
