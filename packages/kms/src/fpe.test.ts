/**
 * FPE (FF1) in the server, end to end over HTTP: FPE_FF1 keys, Encrypt/Decrypt of text over
 * alphabets and of typed values, the tweak, Cosmian's published example, usage masks, states
 * and hostile inputs. Results are cross-checked with @custos/fpe used directly by the test.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Alphabet } from '@custos/fpe/alphabet';
import { FpeString } from '@custos/fpe/string';
import {
  CryptographicAlgorithm,
  CryptographicUsageMask,
  KeyFormatType,
  ObjectType,
  Operation,
  RevocationReasonCode,
  batchItem,
  type KmipClient,
} from '@custos/kmip';
import { rejectsWithReason, ResultReason } from './_test/assert.ts';
import { startTestServer, type TestServer } from './_test/harness.ts';
import { FPE_FF1 } from './_fpe-format.ts';

const PAST = new Date('2024-01-01T00:00:00Z');
const te = new TextEncoder();
const td = new TextDecoder();

function luhnValid(digits: string): boolean {
  let sum = 0;
  const d = digits.replace(/\D/g, '');
  for (let i = 0; i < d.length; i++) {
    let x = Number(d[d.length - 1 - i]);
    if (i % 2 === 1) {
      x *= 2;
      if (x > 9) x -= 9;
    }
    sum += x;
  }
  return sum % 10 === 0;
}

void describe('FPE in the KMS', () => {
  let t: TestServer;
  let c: KmipClient;
  let key: string;

  before(async () => {
    t = await startTestServer();
    c = t.client();
    key = (await c.createSymmetricKey({ algorithm: FPE_FF1, activationDate: PAST }))
      .uniqueIdentifier as string;
  });
  after(() => t.close());

  const fpe = async (
    op: 'encrypt' | 'decrypt',
    uid: string,
    value: string,
    format?: string | object,
    tweak?: string,
  ): Promise<string> => {
    const options = {
      ...(format === undefined
        ? {}
        : {
            authenticatedEncryptionAdditionalData: te.encode(
              typeof format === 'string' ? format : JSON.stringify(format),
            ),
          }),
      ...(tweak === undefined ? {} : { ivCounterNonce: te.encode(tweak) }),
    };
    const r =
      op === 'encrypt'
        ? await c.encrypt(uid, te.encode(value), options)
        : await c.decrypt(uid, te.encode(value), options);
    return td.decode(r.data);
  };
  const roundTrip = async (
    value: string,
    format?: string | object,
    tweak?: string,
  ): Promise<string> => {
    const ct = await fpe('encrypt', key, value, format, tweak);
    assert.equal(await fpe('decrypt', key, ct, format, tweak), value);
    return ct;
  };

  void test('FPE_FF1 keys: 256 bits by default, FPE usage mask, re-key keeps the algorithm', async () => {
    const a = await c.call(batchItem(Operation.GetAttributes, { uniqueIdentifier: key }));
    assert.equal(a.attributes.cryptographicAlgorithm, FPE_FF1);
    assert.equal(a.attributes.cryptographicLength, 256);
    const server = await c.call(
      batchItem(Operation.Create, {
        objectType: ObjectType.SymmetricKey,
        attributes: { cryptographicAlgorithm: FPE_FF1, cryptographicLength: 128 },
      }),
    );
    const d = await c.call(
      batchItem(Operation.GetAttributes, { uniqueIdentifier: server.uniqueIdentifier }),
    );
    const M = CryptographicUsageMask;
    assert.equal(
      d.attributes.cryptographicUsageMask,
      M.Encrypt | M.Decrypt | M.FPEEncrypt | M.FPEDecrypt,
    );
    await rejectsWithReason(
      c.createSymmetricKey({ algorithm: FPE_FF1, length: 100 }),
      ResultReason.InvalidAttributeValue,
      /FPE/,
    );
    const renewed = await c.call(batchItem(Operation.ReKey, { uniqueIdentifier: key }));
    const r = await c.call(
      batchItem(Operation.GetAttributes, { uniqueIdentifier: renewed.uniqueIdentifier }),
    );
    assert.equal(r.attributes.cryptographicAlgorithm, FPE_FF1);
    key = renewed.uniqueIdentifier as string;
  });

  void test("Cosmian's published example (hardened FF1, AES-256, alpha_lower)", async () => {
    const reg = await c.call(
      batchItem(Operation.Register, {
        objectType: ObjectType.SymmetricKey,
        attributes: { activationDate: PAST, cryptographicAlgorithm: FPE_FF1 },
        object: {
          kind: 'SymmetricKey',
          keyBlock: {
            keyFormatType: KeyFormatType.Raw,
            keyValue: { keyMaterial: new Uint8Array(32) },
            cryptographicAlgorithm: FPE_FF1,
            cryptographicLength: 256,
          },
        },
      }),
    );
    const zero = reg.uniqueIdentifier as string;
    // cosmian_kms_crypto::crypto::fpe::Alphabet::encrypt doc example.
    assert.equal(
      await fpe('encrypt', zero, 'plaintext', 'alpha_lower', 'unique tweak'),
      'phqivnqmo',
    );
    assert.equal(
      await fpe('decrypt', zero, 'phqivnqmo', 'alpha_lower', 'unique tweak'),
      'plaintext',
    );
    // Same as @custos/fpe used directly with the same key and tweak.
    const local = new FpeString(new Uint8Array(32), Alphabet.alphanumeric);
    assert.equal(
      await fpe('encrypt', zero, 'Hello World 2024', undefined, 'tw'),
      local.encrypt('Hello World 2024', te.encode('tw')),
    );
  });

  void test('text over alphabets: default, presets, custom (sorted as Cosmian), other characters kept', async () => {
    const ct = await roundTrip('John Doe-1234');
    assert.equal(ct.length, 'John Doe-1234'.length);
    assert.equal(ct[4], ' ');
    assert.equal(ct[8], '-');
    assert.notEqual(ct, 'John Doe-1234');
    const digits = await roundTrip('0123 4567 8901', 'numeric');
    assert.match(digits, /^\d{4} \d{4} \d{4}$/);
    // A custom alphabet is sorted and deduplicated: "9876543210" is the numeric alphabet.
    assert.equal(await fpe('encrypt', key, '0123 4567 8901', '98765432100'), digits);
    assert.match(await roundTrip('deadbeef00', 'hexadecimal'), /^[0-9a-f]{10}$/);
    assert.match(await roundTrip('北京市海淀区', 'chinese'), /^[\u4e00-\u9fff]{6}$/);
    await roundTrip('Ça coûte 12€ à Noël', { alphabet: 'latin1sup' });
    await roundTrip('QUJDREVGR0g=', 'base64');
    await roundTrip('hello world!', 'ascii_printable');
    // The tweak selects another permutation.
    assert.notEqual(
      await roundTrip('1234567890', 'numeric', 'a'),
      await roundTrip('1234567890', 'numeric', 'b'),
    );
  });

  void test('typed values: integer, bigint, float, decimal, card, date', async () => {
    const hexInt = await roundTrip('00ff00ff', { type: 'integer', alphabet: 'hexadecimal' });
    assert.match(hexInt, /^[0-9a-f]{8}$/);
    const big = await roundTrip('-9223372036854775808', { type: 'bigint', bits: 64, signed: true });
    assert.ok(BigInt(big) >= -(2n ** 63n) && BigInt(big) < 2n ** 63n);
    const ranged = await roundTrip('500000', { type: 'bigint', min: 0, max: '999999999999' });
    assert.ok(BigInt(ranged) >= 0n && BigInt(ranged) <= 999999999999n);
    const f = await roundTrip('123.45', { type: 'float' });
    assert.ok(Number.isFinite(Number(f)));
    const m = await roundTrip('3.5', { type: 'float', mode: 'mantissa' });
    assert.ok(Number(m) >= 2 && Number(m) < 4, m);
    const dec = await roundTrip('1234.50', { type: 'decimal', precision: 10, scale: 2 });
    assert.match(dec, /^-?\d+\.\d{2}$/);
    const card = await roundTrip('4111 1111 1111 1111', { type: 'card' });
    assert.match(card, /^4111 11\d\d \d{4} \d{4}$/);
    assert.ok(luhnValid(card));
    const date = await roundTrip('1987-06-05', {
      type: 'date',
      min: '1900-01-01',
      max: '9999-12-31',
    });
    assert.match(date, /^\d{4}-\d{2}-\d{2}$/);
    await roundTrip('2024-03-01T10:20:30Z', { type: 'date', unit: 'second' });
  });

  void test('usage masks, states and rights', async () => {
    const M = CryptographicUsageMask;
    const fpeOnly = (
      await c.createSymmetricKey({
        algorithm: FPE_FF1,
        activationDate: PAST,
        usageMask: M.FPEEncrypt | M.FPEDecrypt,
      })
    ).uniqueIdentifier as string;
    await roundTripWith(fpeOnly);
    const decryptOnly = (
      await c.createSymmetricKey({ algorithm: FPE_FF1, activationDate: PAST, usageMask: M.Decrypt })
    ).uniqueIdentifier as string;
    await rejectsWithReason(
      fpe('encrypt', decryptOnly, '123456', 'numeric'),
      ResultReason.IncompatibleCryptographicUsageMask,
    );
    assert.match(await fpe('decrypt', decryptOnly, '123456', 'numeric'), /^\d{6}$/);
    // Revoked: no more encryption, decryption still works.
    const revoked = (await c.createSymmetricKey({ algorithm: FPE_FF1, activationDate: PAST }))
      .uniqueIdentifier as string;
    const ct = await fpe('encrypt', revoked, '555123456', 'numeric');
    await c.revoke(revoked, RevocationReasonCode.CessationOfOperation);
    await rejectsWithReason(
      fpe('encrypt', revoked, '555123456', 'numeric'),
      ResultReason.WrongKeyLifecycleState,
    );
    assert.equal(await fpe('decrypt', revoked, ct, 'numeric'), '555123456');
    // Pre-Active key.
    const later = (await c.createSymmetricKey({ algorithm: FPE_FF1 })).uniqueIdentifier as string;
    await rejectsWithReason(
      fpe('encrypt', later, '123456', 'numeric'),
      ResultReason.WrongKeyLifecycleState,
    );
    // An AES key is not an FPE key, and an FPE key does no AES-GCM.
    const aes = (await c.createSymmetricKey({ activationDate: PAST })).uniqueIdentifier as string;
    await rejectsWithReason(
      c.encrypt(aes, te.encode('123456'), {
        cryptographicParameters: { cryptographicAlgorithm: FPE_FF1 },
      }),
      ResultReason.BadCryptographicParameters,
    );
    await rejectsWithReason(
      c.encrypt(key, te.encode('123456'), {
        cryptographicParameters: { cryptographicAlgorithm: CryptographicAlgorithm.AES },
      }),
      ResultReason.BadCryptographicParameters,
    );

    async function roundTripWith(uid: string): Promise<void> {
      const x = await fpe('encrypt', uid, 'abcdef');
      assert.equal(await fpe('decrypt', uid, x), 'abcdef');
    }
  });

  void test('hostile inputs give clean errors', async () => {
    const cases: [string, string | object | undefined, number, RegExp?][] = [
      ['abc', 'numeric', ResultReason.InvalidField, /domain|at least|characters/i],
      ['12a456', { type: 'integer' }, ResultReason.InvalidField],
      [
        '123456',
        { type: 'integer', alphabet: 'alpha' },
        ResultReason.BadCryptographicParameters,
        /2 to 16/,
      ],
      ['x', '{not json', ResultReason.BadCryptographicParameters, /JSON/],
      ['x', '{"type": [1]}', ResultReason.BadCryptographicParameters, /string/],
      ['x', '[1]', ResultReason.InvalidField], // a 3-character custom alphabet: 'x' is not in it
      ['x', { type: 'blob' }, ResultReason.BadCryptographicParameters, /unknown type/],
      ['x', 'utf', ResultReason.BadCryptographicParameters, /control/],
      ['x', 'a', ResultReason.BadCryptographicParameters, /2 distinct/],
      ['x', { alphabet: 5 }, ResultReason.BadCryptographicParameters],
      ['12', { type: 'bigint' }, ResultReason.BadCryptographicParameters, /digits/],
      ['12', { type: 'bigint', bits: 8 }, ResultReason.BadCryptographicParameters],
      ['1e999', { type: 'float' }, ResultReason.InvalidField],
      ['NaN', { type: 'float' }, ResultReason.InvalidField],
      ['12.345', { type: 'decimal', precision: 10, scale: 2 }, ResultReason.InvalidField],
      ['4111', { type: 'card' }, ResultReason.InvalidField],
      ['1987-13-45', { type: 'date' }, ResultReason.InvalidField],
      ['123456', { rounds: 7 }, ResultReason.BadCryptographicParameters],
      ['123456', { rounds: 'many' }, ResultReason.BadCryptographicParameters],
    ];
    for (const [value, format, reason, message] of cases)
      await rejectsWithReason(fpe('encrypt', key, value, format), reason, message);
    await rejectsWithReason(
      c.encrypt(key, Uint8Array.from([0xff, 0xfe, 0x41])),
      ResultReason.InvalidField,
      /UTF-8/,
    );
    await rejectsWithReason(
      c.encrypt(key, te.encode('abcdef'), {
        authenticatedEncryptionAdditionalData: new Uint8Array(5000).fill(0x61),
      }),
      ResultReason.BadCryptographicParameters,
    );
    await rejectsWithReason(
      c.decrypt(key, te.encode('abcdef'), { authenticatedEncryptionTag: new Uint8Array(16) }),
      ResultReason.BadCryptographicParameters,
    );
  });
});
