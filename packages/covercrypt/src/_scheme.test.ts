import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { provider } from '@custos/crypto';
import { Writer } from './_codec.ts';
import { sha3, shake } from './_scheme.ts';

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

function bytes(length: number, fill: number): Uint8Array {
  return new Uint8Array(length).map((_, i) => (i * 31 + fill) & 0xff);
}

void describe('_scheme hashing over joined parts', () => {
  // Lengths around the scratch buffer's size (16 KiB): joined below it, incremental above.
  const shapes = [[0], [1, 2], [33, 32, 32, 32], [8000, 8000, 384], [8000, 8000, 385], [20000, 1]];

  void test('sha3 and shake equal the hash of the concatenation, call after call', () => {
    // Long inputs first, then short ones: stale bytes of an earlier call would show.
    for (const lengths of [...shapes].reverse().concat(shapes)) {
      const parts = lengths.map((n, i) => bytes(n, i + lengths.length));
      const whole = concat(parts);
      const label = lengths.join(',');
      assert.deepEqual(sha3(...parts), provider.hash.digest('sha3-256', whole), label);
      assert.deepEqual(shake(64, ...parts), provider.hash.xof('shake256', whole, 64), label);
    }
  });

  void test('the parts are left untouched', () => {
    const parts = [bytes(40, 1), bytes(70, 2)];
    const copies = parts.map((p) => p.slice());
    sha3(...parts);
    shake(32, ...parts);
    assert.deepEqual(parts, copies);
  });
});

void describe('Writer.take', () => {
  void test('returns what was written, then the writer is empty', () => {
    const w = new Writer(8);
    w.u8(1)
      .raw(new Uint8Array([2, 3, 4]))
      .varint(300);
    const out = w.take();
    assert.deepEqual(out, new Uint8Array([1, 2, 3, 4, 0xac, 0x02]));
    assert.equal(w.length, 0);
    assert.deepEqual(w.view(), new Uint8Array(0));
    // Writing again does not touch what was taken.
    w.raw(new Uint8Array([9, 9, 9, 9, 9, 9]));
    assert.deepEqual(out, new Uint8Array([1, 2, 3, 4, 0xac, 0x02]));
  });

  void test('after growing past its capacity', () => {
    const w = new Writer(2);
    const data = bytes(100, 7);
    w.raw(data);
    assert.deepEqual(w.take(), data);
  });
});
