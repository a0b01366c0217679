/**
 * The strict DER reader/writer and the Base64/PEM text codecs under the key formats.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import {
  TAG_OCTET_STRING,
  derBitString,
  derChildren,
  derDecode,
  derEncode,
  derEncodeOctetString,
  derEncodeSequence,
  derEncodeUnsigned,
  derSmallUnsigned,
  derUnsigned,
} from './_der.ts';
import {
  base64Decode,
  base64Encode,
  base64urlDecode,
  base64urlEncode,
  pemDecode,
  pemEncode,
} from './_pem.ts';
import { fromHex, toHex } from './bytes.ts';
import { InvalidEncoding } from './errors.ts';

const rejects = (fn: () => unknown, label: string): void => {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof InvalidEncoding, `${label}: got ${String(error)}`);
    return true;
  });
};

void describe('DER reader', () => {
  void test('accepts canonical short and long forms', () => {
    assert.deepEqual(derDecode(fromHex('0403010203')).value, Uint8Array.of(1, 2, 3));
    const long = derEncodeOctetString(new Uint8Array(200));
    assert.equal(toHex(long.subarray(0, 3)), '0481c8');
    assert.equal(derDecode(long).value.length, 200);
    const longer = derEncodeOctetString(new Uint8Array(70000));
    assert.equal(toHex(longer.subarray(0, 5)), '0483011170');
    assert.equal(derDecode(longer).value.length, 70000);
  });

  void test('rejects every non-DER length and framing', () => {
    const cases: [string, string][] = [
      ['empty', ''],
      ['tag only', '04'],
      ['trailing byte', '04010100'],
      ['indefinite length', '0480010000'],
      ['long form for a short length', '048103010203'],
      ['leading zero length octet', '04820003010203'],
      ['five length octets', '04850000000001ff'],
      ['content shorter than length', '040301'],
      ['length past the end', '04ffff'],
      ['high tag number', '1f0100'],
    ];
    for (const [label, h] of cases) rejects(() => derDecode(fromHex(h)), label);
  });

  void test('children must tile the content exactly; primitives have none', () => {
    assert.equal(derChildren(derDecode(fromHex('3006020101020102'))).length, 2);
    rejects(() => derChildren(derDecode(fromHex('30050201010201'))), 'truncated child');
    rejects(() => derChildren(derDecode(fromHex('0403020101'))), 'primitive');
  });

  void test('INTEGER: minimal, non-negative', () => {
    assert.deepEqual(derUnsigned(derDecode(fromHex('020100')), 'i'), new Uint8Array(0));
    assert.deepEqual(derUnsigned(derDecode(fromHex('0202008f')), 'i'), Uint8Array.of(0x8f));
    assert.equal(derSmallUnsigned(derDecode(fromHex('02020100')), 'v'), 256);
    const cases: [string, string][] = [
      ['empty', '0200'],
      ['negative', '0201ff'],
      ['padded positive', '02020001'],
      ['padded negative', '0202ff80'],
      ['wrong tag', '0401ff'],
    ];
    for (const [label, h] of cases) rejects(() => derUnsigned(derDecode(fromHex(h)), 'i'), label);
    rejects(() => derSmallUnsigned(derDecode(fromHex('020480000000')), 'v'), 'too large');
  });

  void test('BIT STRING must hold whole octets', () => {
    assert.deepEqual(derBitString(derDecode(fromHex('030200ff')), 'b'), Uint8Array.of(0xff));
    rejects(() => derBitString(derDecode(fromHex('030201fe')), 'b'), 'unused bits');
    rejects(() => derBitString(derDecode(fromHex('0300')), 'b'), 'empty');
  });

  void test('property: writer output reads back to the same values', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 6 }),
        fc.uint8Array({ maxLength: 40 }),
        (octets, magnitude) => {
          const der = derEncodeSequence(
            derEncodeUnsigned(magnitude),
            ...octets.map((o) => derEncodeOctetString(o)),
          );
          const [int, ...rest] = derChildren(derDecode(der));
          let i = 0;
          while (i < magnitude.length && magnitude[i] === 0) i++;
          assert.deepEqual(derUnsigned(int, 'i'), magnitude.subarray(i));
          assert.deepEqual(
            rest.map((e) => (assert.equal(e.tag, TAG_OCTET_STRING), e.value)),
            octets,
          );
        },
      ),
      { numRuns: 200 },
    );
  });

  void test('property: random bytes decode or throw InvalidEncoding, nothing else', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        try {
          const e = derDecode(bytes);
          if (e.tag & 0x20) derChildren(e);
        } catch (error) {
          assert.ok(error instanceof InvalidEncoding, String(error));
        }
      }),
      { numRuns: 500 },
    );
  });

  void test('derEncode builds the length header', () => {
    assert.equal(toHex(derEncode(0x30)), '3000');
    assert.equal(toHex(derEncode(0x04, new Uint8Array(128)).subarray(0, 3)), '048180');
    assert.equal(toHex(derEncode(0x04, new Uint8Array(256)).subarray(0, 4)), '04820100');
  });
});

void describe('Base64 / Base64url', () => {
  void test('property: round trips and agrees with Buffer', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (bytes) => {
        const b = Buffer.from(bytes);
        assert.equal(base64Encode(bytes), b.toString('base64'));
        assert.equal(base64urlEncode(bytes), b.toString('base64url'));
        assert.deepEqual(base64Decode(base64Encode(bytes)), bytes);
        assert.deepEqual(base64urlDecode(base64urlEncode(bytes)), bytes);
      }),
      { numRuns: 300 },
    );
  });

  void test('rejects non-canonical and malformed text', () => {
    for (const bad of [
      'QR==',
      'QUJ=',
      'QQ',
      'QQ=',
      'Q===',
      'QQ==QQ==',
      'Q Q==',
      'QQ-=',
      '====',
      'é===',
    ]) {
      rejects(() => base64Decode(bad), `base64 ${bad}`);
    }
    for (const bad of ['QR', 'QUJ', 'QQ==', 'Q', 'QQ+/', 'Q Q', 'QUK']) {
      rejects(() => base64urlDecode(bad), `base64url ${bad}`);
    }
    assert.deepEqual(base64Decode(''), new Uint8Array(0));
    assert.deepEqual(base64urlDecode('QQ'), Uint8Array.of(0x41));
  });
});

void describe('PEM', () => {
  void test('property: round trip, 64-character lines', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 400 }), (der) => {
        const pem = pemEncode('PUBLIC KEY', der);
        for (const line of pem.trimEnd().split('\n').slice(1, -1)) assert.ok(line.length <= 64);
        assert.deepEqual(pemDecode(pem), { label: 'PUBLIC KEY', der });
      }),
      { numRuns: 100 },
    );
  });

  void test('rejects mismatched labels, junk, oversized input', () => {
    const pem = pemEncode('PRIVATE KEY', Uint8Array.of(1, 2, 3));
    for (const [label, bad] of [
      ['mismatch', pem.replace('END PRIVATE', 'END PUBLIC')],
      ['lowercase label', pem.replaceAll('PRIVATE KEY', 'private key')],
      ['junk after', `${pem}junk`],
      ['line too long', `-----BEGIN X-----\n${'A'.repeat(80)}\n-----END X-----\n`],
      ['huge', 'A'.repeat(2 ** 20 + 1)],
    ] as const) {
      rejects(() => pemDecode(bad), label);
    }
    assert.throws(() => pemDecode(5 as never), TypeError);
  });
});
