/** The small DER codec of the key formats: round trips (fast-check) and refused encodings. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import * as der from './_asym-der.ts';
import { KmsError } from './errors.ts';

void describe('_asym-der', () => {
  void test('property: INTEGER round-trips any non-negative bigint, minimally encoded', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: (1n << 4200n) - 1n }), (v) => {
        const enc = der.integer(v);
        const el = der.decode(enc, der.INTEGER);
        assert.equal(der.toBigint(der.unsigned(el)), v);
        // Leading 0x00 only when the high bit would make the value negative.
        if (el.value.length > 1 && el.value[0] === 0)
          assert.ok(((el.value[1] as number) & 0x80) !== 0);
      }),
      { numRuns: 300 },
    );
  });

  void test('property: OBJECT IDENTIFIER, nested SEQUENCE/OCTET STRING/BIT STRING round-trip', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 }),
        fc.integer({ min: 0, max: 39 }),
        fc.array(fc.integer({ min: 0, max: 2 ** 40 }), { maxLength: 8 }),
        fc.uint8Array({ maxLength: 300 }),
        (a, b, rest, bytes) => {
          const text = [a, b, ...rest].join('.');
          const enc = der.seq(
            der.oid(text),
            der.octets(bytes),
            der.bitString(bytes),
            der.explicit(1, der.nullValue()),
          );
          const [o, os, bs, ctx] = der.children(der.decode(enc, der.SEQUENCE), 4, 4);
          assert.equal(der.oidText(o), text);
          assert.deepEqual(der.expect(os, der.OCTET_STRING).value, bytes);
          assert.deepEqual(der.bits(bs), bytes);
          assert.equal(ctx?.tag, 0xa1);
        },
      ),
      { numRuns: 300 },
    );
  });

  void test('fixed-width and bigint helpers', () => {
    assert.deepEqual(der.fixedBytes(1n, 4), Uint8Array.of(0, 0, 0, 1));
    assert.throws(() => der.fixedBytes(1n << 40n, 4), RangeError);
    assert.equal(der.toBigint(new Uint8Array(0)), 0n);
    assert.deepEqual(der.integer(0n), Uint8Array.of(2, 1, 0));
    assert.deepEqual(der.integer(Uint8Array.of(0, 0, 0x80)), Uint8Array.of(2, 2, 0, 0x80));
  });

  void test('hostile: BER, truncation, trailing data, negative or padded integers', () => {
    const cases: [string, Uint8Array, (b: Uint8Array) => unknown][] = [
      ['empty', new Uint8Array(0), (b) => der.decode(b)],
      ['truncated content', Uint8Array.of(0x04, 5, 1, 2), (b) => der.decode(b)],
      ['trailing data', Uint8Array.of(0x05, 0, 0), (b) => der.decode(b)],
      ['indefinite length', Uint8Array.of(0x30, 0x80, 0, 0), (b) => der.decode(b)],
      ['non-minimal length', Uint8Array.of(0x04, 0x81, 1, 7), (b) => der.decode(b)],
      ['high tag number', Uint8Array.of(0x1f, 0x01, 0), (b) => der.decode(b)],
      ['negative integer', Uint8Array.of(2, 1, 0x80), (b) => der.unsigned(der.decode(b))],
      ['padded integer', Uint8Array.of(2, 2, 0, 1), (b) => der.unsigned(der.decode(b))],
      ['empty integer', Uint8Array.of(2, 0), (b) => der.unsigned(der.decode(b))],
      ['bit string with unused bits', Uint8Array.of(3, 2, 1, 0xfe), (b) => der.bits(der.decode(b))],
      ['non-minimal OID', Uint8Array.of(6, 2, 0x80, 1), (b) => der.oidText(der.decode(b))],
      ['truncated OID', Uint8Array.of(6, 1, 0x81), (b) => der.oidText(der.decode(b))],
      ['wrong tag', Uint8Array.of(4, 0), (b) => der.decode(b, der.SEQUENCE)],
      ['children of a primitive', Uint8Array.of(4, 0), (b) => der.children(der.decode(b))],
      [
        'too many fields',
        der.seq(der.nullValue(), der.nullValue()),
        (b) => der.children(der.decode(b), 1, 1),
      ],
    ];
    for (const [label, bytes, fn] of cases)
      assert.throws(
        () => fn(bytes),
        (e: unknown) => e instanceof KmsError && e.code === 'ERR_KMS_INVALID_FIELD',
        label,
      );
  });

  void test('property: random bytes decode or fail with Invalid Field, never anything else', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        try {
          const el = der.decode(bytes);
          if ((el.tag & 0x20) !== 0) der.children(el);
        } catch (e) {
          assert.ok(e instanceof KmsError && e.code === 'ERR_KMS_INVALID_FIELD');
        }
      }),
      { numRuns: 500 },
    );
  });
});
