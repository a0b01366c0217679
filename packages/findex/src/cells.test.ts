import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  _EntryRun,
  chainPayload,
  decodeHeader,
  encodeEntries,
  encodeHeader,
  encodeMovedHeader,
  entriesEnd,
  entrySize,
  HEADER_FIXED,
  maxValueLength,
  packRun,
  readEntries,
  type Entry,
} from './cells.ts';
import { TamperDetected } from './errors.ts';
import {
  affixEntries,
  affixQuery,
  DOMAIN_PREFIX,
  DOMAIN_SUFFIX,
  keywordBytes,
  splitAffixPayload,
} from './keyword.ts';

const entry = (cellSize: number): fc.Arbitrary<Entry> =>
  fc
    .record({
      kind: fc.integer({ min: 0, max: 3 }),
      value: fc.uint8Array({ minLength: 1, maxLength: maxValueLength(cellSize) }),
    })
    .map((e) => ({ kind: e.kind, value: e.value }));

void describe('cell encoding', () => {
  void it('packs entries into full cells and a tail, in order, within bounds', () => {
    fc.assert(
      fc.property(fc.constantFrom(64, 100, 128, 256), fc.boolean(), (cellSize, withTail) => {
        fc.assert(
          fc.property(fc.array(entry(cellSize), { maxLength: 40 }), (entries) => {
            const tailCap = withTail ? cellSize - HEADER_FIXED : null;
            const fits = entries.every((e) => entrySize(e) <= (tailCap ?? cellSize));
            if (!fits) return;
            const run = encodeEntries(entries);
            assert.equal(
              run.length,
              entries.reduce((s, e) => s + entrySize(e), 0),
            );
            // A run built entry by entry is the same bytes.
            const grown = new _EntryRun(1);
            for (const e of entries) grown.push(e.kind, e.value);
            assert.deepEqual(grown.bytes(), run);
            const ends = packRun(run, cellSize, tailCap);
            const decoded: Entry[] = [];
            let start = 0;
            for (const end of ends) {
              assert.ok(end > start && end - start <= cellSize);
              const payload = chainPayload(run, start, end, cellSize);
              assert.equal(entriesEnd(payload, 0, payload.length), end - start);
              readEntries(payload, 0, payload.length, decoded);
              start = end;
            }
            readEntries(run, start, run.length, decoded);
            assert.deepEqual(decoded, entries);
            if (tailCap === null) assert.equal(start, run.length);
            else {
              assert.ok(run.length - start <= tailCap);
              // Cells are only cut while the rest overflows the tail: the last cell's entries
              // would not have fitted in it.
              if (ends.length > 0) {
                const prev = ends.length > 1 ? (ends[ends.length - 2] as number) : 0;
                assert.ok(run.length - prev > tailCap);
              }
            }
          }),
          { numRuns: 20 },
        );
      }),
      { numRuns: 8 },
    );
  });

  void it('round-trips headers, live and moved', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 0xffff_ffff }),
        fc.integer({ min: 0, max: 0xffff_ffff }),
        fc.uint8Array({ minLength: 16, maxLength: 16 }),
        fc.array(entry(128), { maxLength: 4 }),
        (version, count, lastTag, entries) => {
          const tail = encodeEntries(entries);
          if (tail.length > 128 - HEADER_FIXED) return;
          const h = decodeHeader(encodeHeader({ version, count, lastTag, tail }, 128));
          assert.ok(h.type === 'live');
          assert.equal(h.state.version, version);
          assert.equal(h.state.count, count);
          assert.deepEqual([...h.state.lastTag], [...lastTag]);
          assert.deepEqual([...h.state.tail], [...tail]);
          assert.deepEqual(decodeHeader(encodeMovedHeader(version, count, 128)), {
            type: 'moved',
            version,
            epoch: count,
          });
        },
      ),
      { numRuns: 100 },
    );
  });

  void it('treats malformed plaintexts as tampering', () => {
    const bad: Uint8Array[] = [
      Uint8Array.of(0x05, 1, 2), // length 5, only 2 bytes
      Uint8Array.of(0x3f), // extended length missing
      Uint8Array.of(0x3f, 10, 1), // extended length below 63
      Uint8Array.of(0x01, 7, 0, 9), // garbage after padding
    ];
    for (const b of bad)
      assert.throws(() => {
        readEntries(b, 0, b.length, []);
      }, TamperDetected);
    const header = new Uint8Array(128);
    header[0] = 3;
    assert.throws(() => decodeHeader(header), TamperDetected);
    const moved = encodeMovedHeader(1, 2, 128);
    moved[100] = 1;
    assert.throws(() => decodeHeader(moved), TamperDetected);
  });
});

void describe('prefix and suffix expansion', () => {
  void it('expands on code points for strings and on bytes for byte keywords', () => {
    const v = Uint8Array.of(9);
    const s = affixEntries(DOMAIN_PREFIX, { min: 1, max: 3 }, 'éte', keywordBytes('éte'), v);
    assert.deepEqual(
      s.map((e) => new TextDecoder().decode(e.dk.subarray(1))),
      ['é', 'ét', 'éte'],
    );
    const b = affixEntries(
      DOMAIN_SUFFIX,
      { min: 2, max: 5 },
      Uint8Array.of(1, 2, 3),
      Uint8Array.of(1, 2, 3),
      v,
    );
    assert.deepEqual(
      b.map((e) => [...e.dk.subarray(1)]),
      [
        [2, 3],
        [1, 2, 3],
      ],
    );
    const split = splitAffixPayload(b[0]?.payload as Uint8Array);
    assert.deepEqual([...(split?.rest ?? [])], [1]);
    assert.deepEqual([...(split?.value ?? [])], [9]);
    const q = affixQuery(DOMAIN_PREFIX, { min: 1, max: 2 }, 'abcd', 'q');
    assert.deepEqual([...q.dk], [DOMAIN_PREFIX, 0x61, 0x62]);
    assert.ok(q.filter?.(new TextEncoder().encode('cdef')));
    assert.ok(!q.filter?.(new TextEncoder().encode('cx')));
    assert.throws(() => affixQuery(DOMAIN_SUFFIX, { min: 3, max: 4 }, 'ab', 'q'), RangeError);
  });
});
