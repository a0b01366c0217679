/**
 * The envelope codec: round trips (property-based), the exact layout, and a hostile-input table
 * (every malformed header is a FileFormatError, never a crash or a wrong parse).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  encodeHeader,
  encodeRecordHead,
  FileFormatError,
  hasFileMagic,
  isHybrid,
  KMS_RECORD_HEAD,
  parseRecordHead,
  readHeader,
  recordAad,
  SUITES,
  type SuiteName,
} from './_file-format.ts';

/** A `read(n)` over fixed bytes, as the stream reader offers it. */
function reader(bytes: Uint8Array): (n: number) => Promise<Uint8Array> {
  let at = 0;
  return (n) => {
    const out = bytes.slice(at, at + n);
    at += out.length;
    return Promise.resolve(out);
  };
}

const SUITE_NAMES = Object.keys(SUITES) as SuiteName[];

void describe('file envelope', () => {
  void it('round-trips every suite (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...SUITE_NAMES),
        fc.string({ minLength: 1, maxLength: 200, unit: 'grapheme' }),
        fc.uint8Array({ minLength: 1, maxLength: 2000 }),
        fc.integer({ min: 16, max: 1 << 24 }),
        async (suite, keyId, wrapped, chunk) => {
          const fields = {
            suite,
            keyId,
            ...(isHybrid(suite) ? { wrappedKey: wrapped } : {}),
            ...(suite === 'kms' ? { chunkSize: chunk } : {}),
          };
          const bytes = encodeHeader(fields);
          const trailing = Uint8Array.of(9, 9, 9);
          const h = await readHeader(reader(new Uint8Array([...bytes, ...trailing])));
          assert.equal(h.suite, suite);
          assert.equal(h.keyId, keyId);
          assert.deepEqual(h.wrappedKey, isHybrid(suite) ? wrapped : new Uint8Array(0));
          assert.equal(h.chunkSize, suite === 'kms' ? chunk : undefined);
          assert.deepEqual(h.bytes, bytes);
        },
      ),
      { numRuns: 300 },
    );
  });

  void it('has the documented layout', () => {
    const h = encodeHeader({ suite: 'sym', keyId: 'k1' });
    assert.deepEqual([...h], [0x43, 0x53, 0x54, 0x46, 1, 0x01, 0, 2, 0x6b, 0x31, 0, 0]);
    assert.ok(hasFileMagic(h));
    const k = encodeHeader({ suite: 'kms', keyId: 'k', chunkSize: 1 << 20 });
    assert.deepEqual([...k.subarray(5)], [0x02, 0, 1, 0x6b, 0, 0, 0, 0x10, 0, 0]);
    const r = encodeHeader({ suite: 'ml-kem-768', keyId: 'p', wrappedKey: Uint8Array.of(7, 8) });
    assert.deepEqual([...r.subarray(5)], [0x31, 0, 1, 0x70, 0, 2, 7, 8]);
  });

  void it('refuses to encode what it could not read back', () => {
    assert.throws(() => encodeHeader({ suite: 'sym', keyId: '' }), RangeError);
    assert.throws(() => encodeHeader({ suite: 'sym', keyId: 'x'.repeat(1025) }), RangeError);
    assert.throws(
      () => encodeHeader({ suite: 'sym', keyId: 'k', wrappedKey: Uint8Array.of(1) }),
      RangeError,
    );
    assert.throws(() => encodeHeader({ suite: 'hpke-p256', keyId: 'k' }), RangeError);
    assert.throws(
      () => encodeHeader({ suite: 'hpke-p256', keyId: 'k', wrappedKey: new Uint8Array(8193) }),
      RangeError,
    );
    assert.throws(() => encodeHeader({ suite: 'kms', keyId: 'k' }), RangeError);
    assert.throws(() => encodeHeader({ suite: 'kms', keyId: 'k', chunkSize: 15 }), RangeError);
    assert.throws(() => encodeHeader({ suite: 'sym', keyId: 'k', chunkSize: 1024 }), RangeError);
  });

  void it('rejects hostile headers with FileFormatError', async () => {
    const good = encodeHeader({
      suite: 'hpke-x25519',
      keyId: 'key',
      wrappedKey: new Uint8Array(48),
    });
    const kms = encodeHeader({ suite: 'kms', keyId: 'key', chunkSize: 1024 });
    const patch = (b: Uint8Array, at: number, ...v: number[]): Uint8Array => {
      const c = b.slice();
      c.set(v, at);
      return c;
    };
    const cases: [string, Uint8Array, RegExp][] = [
      ['empty', new Uint8Array(0), /ends in its header/],
      ['another format', new TextEncoder().encode('%PDF-1.7 hello'), /not a Custos encrypted file/],
      ['Custos STREAM without envelope', patch(good, 0, 0x43, 0x53, 0x54, 0x4d), /not a Custos/],
      ['version 2', patch(good, 4, 2), /unsupported Custos file version 2/],
      ['unknown suite', patch(good, 5, 0x7f), /unknown suite 0x7f/],
      ['empty key id', patch(good, 6, 0, 0), /bad key id length/],
      ['key id too long', patch(good, 6, 0x04, 0x01), /bad key id length/],
      ['key id not UTF-8', patch(good, 8, 0xff), /not UTF-8/],
      ['hybrid without wrapped key', patch(good, 11, 0, 0), /bad wrapped key length/],
      [
        'sym with a wrapped key',
        patch(encodeHeader({ suite: 'sym', keyId: 'key' }), 11, 0, 1),
        /bad wrapped key/,
      ],
      ['chunk size 0', patch(kms, kms.length - 4, 0, 0, 0, 0), /bad chunk size/],
      ['chunk size 2^32-1', patch(kms, kms.length - 4, 255, 255, 255, 255), /bad chunk size/],
    ];
    for (let cut = 0; cut < good.length; cut++)
      cases.push([`truncated at ${cut}`, good.subarray(0, cut), /ends in its/]);
    for (const [name, bytes, message] of cases)
      await assert.rejects(readHeader(reader(bytes)), (e: unknown) => {
        assert.ok(e instanceof FileFormatError, name);
        assert.match(e.message, message, name);
        return true;
      });
  });

  void it('frames kms records and refuses bad ones', () => {
    const iv = new Uint8Array(12).fill(1);
    const tag = new Uint8Array(16).fill(2);
    const head = encodeRecordHead(false, 1024, iv, tag);
    assert.equal(head.length, KMS_RECORD_HEAD);
    assert.deepEqual(parseRecordHead(head, 1024), { final: false, length: 1024, iv, tag });
    assert.deepEqual(parseRecordHead(encodeRecordHead(true, 0, iv, tag), 1024).final, true);
    assert.throws(
      () => parseRecordHead(encodeRecordHead(false, 1000, iv, tag), 1024),
      /bad record length/,
    );
    assert.throws(
      () => parseRecordHead(encodeRecordHead(true, 1024, iv, tag), 1024),
      /bad record length/,
    );
    const flags = head.slice();
    flags[0] = 2;
    assert.throws(() => parseRecordHead(flags, 1024), /bad record flags/);
    assert.throws(() => encodeRecordHead(true, 0, new Uint8Array(16), tag), RangeError);
    const aad = recordAad(Uint8Array.of(5), 258, true);
    assert.deepEqual([...aad], [5, 0, 0, 1, 2, 1]);
    assert.notDeepEqual(recordAad(Uint8Array.of(5), 258, false), aad);
  });
});
