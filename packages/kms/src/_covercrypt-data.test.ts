/** The Covercrypt Data framing: round trips (property tests) and hostile inputs. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { KmsError } from './errors.ts';
import {
  bulkAad,
  joinPolicy,
  readBulkCiphertext,
  readItems,
  splitPolicy,
  writeItems,
} from './_covercrypt-data.ts';

const bytes = fc.uint8Array({ maxLength: 300 });

void describe('Covercrypt Data framing', () => {
  void it('policy prefix round-trips (LEB128 lengths of 1 to 3 bytes)', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 20000 }), bytes, (policy, plaintext) => {
        const out = splitPolicy(joinPolicy(policy, plaintext));
        assert.equal(out.policy, policy);
        assert.deepEqual(out.plaintext, plaintext);
      }),
      { numRuns: 60 },
    );
    // Cosmian's encoding of 300: 0xAC 0x02.
    const long = 'a'.repeat(300);
    assert.deepEqual([...joinPolicy(long, new Uint8Array(0)).subarray(0, 2)], [0xac, 0x02]);
  });

  void it('item lists and bulk ciphertexts round-trip', () => {
    fc.assert(
      fc.property(fc.array(bytes, { minLength: 1, maxLength: 20 }), bytes, (items, header) => {
        assert.deepEqual(readItems(writeItems(items), 'x'), items);
        const bulk = readBulkCiphertext(writeItems(items, header));
        assert.deepEqual(bulk.header, header);
        assert.deepEqual(bulk.ciphertexts, items);
      }),
      { numRuns: 60 },
    );
  });

  void it('hostile framing is an Invalid Field error, never a crash', () => {
    const bad = [
      new Uint8Array(0),
      Uint8Array.from([0x80]),
      Uint8Array.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]),
      Uint8Array.from([5, 1, 2]),
      Uint8Array.from([0]),
      Uint8Array.from([1, 2, 9]),
      Uint8Array.from([1, 0, 7]), // trailing byte
    ];
    for (const b of bad) {
      for (const read of [
        () => readItems(b, 'x'),
        () => readBulkCiphertext(b),
        () => splitPolicy(b),
      ]) {
        try {
          read();
        } catch (error) {
          assert.ok(error instanceof KmsError, String(error));
          assert.ok(
            error.code === 'ERR_KMS_INVALID_FIELD' || error.code === 'ERR_KMS_ACCESS_POLICY',
            error.code,
          );
        }
      }
    }
    assert.throws(() => splitPolicy(Uint8Array.from([2, 0xc3, 0x28])), /UTF-8/);
    fc.assert(
      fc.property(bytes, (b) => {
        for (const read of [() => readItems(b, 'x'), () => readBulkCiphertext(b)]) {
          try {
            read();
          } catch (error) {
            assert.ok(error instanceof KmsError);
          }
        }
      }),
      { numRuns: 200 },
    );
  });

  void it('the bulk AAD appends the count', () => {
    assert.deepEqual([...bulkAad(Uint8Array.from([7]), 258)], [7, 0, 0, 1, 2]);
  });
});
