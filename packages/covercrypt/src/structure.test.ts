import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Reader } from './_codec.ts';
import { FormatError, StructureError } from './errors.ts';
import { AccessStructure } from './structure.ts';
import { assertArgumentError, DEPT_LEVEL, positions, flip } from './_test/fixtures.ts';

const fresh = (): AccessStructure => AccessStructure.create(DEPT_LEVEL);

void describe('AccessStructure', () => {
  void test('create: kinds, ranks, default mode, monotonic ids', () => {
    const s = fresh();
    const [dept, level] = s.dimensions();
    assert.equal(dept?.kind, 'unordered');
    assert.equal(level?.kind, 'ordered');
    assert.deepEqual(
      level.attributes.map((a) => [a.name, a.rank]),
      [
        ['Protected', 0],
        ['Confidential', 1],
        ['Top Secret', 2],
      ],
    );
    assert.ok(
      s
        .dimensions()
        .flatMap((d) => d.attributes)
        .every((a) => a.mode === 'hybrid' && a.status === 'active'),
    );
    assert.deepEqual(
      s.dimensions().flatMap((d) => d.attributes.map((a) => a.id)),
      [1, 2, 3, 4, 5, 6, 7],
    );
    assert.equal(s.mode, 'hybrid');
  });

  void test('lookup is case-insensitive and NFC-normalising', () => {
    const s = AccessStructure.create({ dimensions: [{ name: 'Pays', attributes: ['Côte'] }] });
    assert.equal(s.lookup('pays', 'CÔTE')?.name, 'Côte');
    assert.equal(s.lookup('Pays', 'Co\u0302te')?.name, 'Côte');
    assert.equal(s.attribute('PAYS::côte').id, 1);
    assert.equal(s.lookup('Pays', 'Nope'), undefined);
    assert.throws(() => s.attribute('Pays::Nope'), StructureError);
  });

  void test('ids are never reused after a removal (anchor W2)', () => {
    const s = fresh();
    const removed = s.attribute('Department::HR').id;
    s.removeAttribute('Department::HR');
    const added = s.addAttribute('Department', 'Legal');
    assert.notEqual(added.id, removed);
    assert.equal(added.id, 8);
    s.removeDimension('Department');
    s.addDimension({ name: 'Department', attributes: ['X'] });
    assert.equal(s.attribute('Department::X').id, 9);
  });

  void test('hierarchy insertion: after, lowest, highest', () => {
    const s = fresh();
    s.addAttribute('Security Level', 'Internal', { after: 'Protected' });
    s.addAttribute('Security Level', 'Public', { after: null });
    s.addAttribute('Security Level', 'Cosmic');
    assert.deepEqual(
      s.dimension('Security Level')?.attributes.map((a) => a.name),
      ['Public', 'Protected', 'Internal', 'Confidential', 'Top Secret', 'Cosmic'],
    );
    assert.throws(() => {
      s.addAttribute('Department', 'Y', { after: null });
    }, StructureError);
    assert.throws(() => {
      s.addAttribute('Security Level', 'Y', { after: 'Nope' });
    }, StructureError);
  });

  void test('rename, disable, enable, mode', () => {
    const s = fresh();
    const id = s.attribute('Department::MKG').id;
    s.renameAttribute('Department::MKG', 'Marketing');
    assert.equal(s.attribute('Department::Marketing').id, id);
    s.renameDimension('Department', 'Dept');
    assert.equal(s.attribute('Dept::Marketing').id, id);
    s.disableAttribute('Dept::Marketing');
    assert.equal(s.attribute('Dept::Marketing').status, 'decrypt-only');
    s.enableAttribute('Dept::Marketing');
    assert.equal(s.attribute('Dept::Marketing').status, 'active');
    s.setAttributeMode('Dept::Marketing', 'classic');
    assert.equal(s.attribute('Dept::Marketing').mode, 'classic');
  });

  void test('refused edits change nothing', () => {
    const s = fresh();
    const before = s.encode();
    const refusals: [string, () => unknown][] = [
      [
        'duplicate dimension',
        () => {
          s.addDimension({ name: 'department', attributes: ['a'] });
        },
      ],
      [
        'empty dimension',
        () => {
          s.addDimension({ name: 'X', attributes: [] });
        },
      ],
      [
        'duplicate attribute in spec',
        () => {
          s.addDimension({ name: 'X', attributes: ['a', 'A'] });
        },
      ],
      [
        'duplicate attribute',
        () => {
          s.addAttribute('Department', 'hr');
        },
      ],
      [
        'rename to existing',
        () => {
          s.renameAttribute('Department::HR', 'fin');
        },
      ],
      [
        'rename dimension to existing',
        () => {
          s.renameDimension('Department', 'security level');
        },
      ],
      [
        'unknown dimension',
        () => {
          s.addAttribute('Nope', 'x');
        },
      ],
      [
        'unknown attribute',
        () => {
          s.disableAttribute('Department::Nope');
        },
      ],
      [
        'not a single term',
        () => {
          s.removeAttribute('Department::HR && Department::FIN');
        },
      ],
      [
        'empty name',
        () => {
          s.addAttribute('Department', '');
        },
      ],
      [
        'padded name',
        () => {
          s.addAttribute('Department', ' x');
        },
      ],
      [
        'control char',
        () => {
          s.addAttribute('Department', 'a\u0000b');
        },
      ],
      [
        'long name',
        () => {
          s.addAttribute('Department', 'x'.repeat(256));
        },
      ],
    ];
    for (const [label, edit] of refusals) assert.throws(edit, StructureError, label);
    const single = AccessStructure.create({ dimensions: [{ name: 'D', attributes: ['only'] }] });
    assert.throws(() => {
      single.removeAttribute('D::only');
    }, StructureError);
    assert.deepEqual(s.encode(), before);
  });

  void test('argument errors', () => {
    const s = fresh();
    assertArgumentError(() => AccessStructure.create(null as never), 'null spec');
    assertArgumentError(() => AccessStructure.create({ dimensions: 'x' } as never), 'dimensions');
    assertArgumentError(() => {
      s.addDimension({ name: 'Z', kind: 'tree' as never, attributes: ['a'] });
    }, 'kind');
    assertArgumentError(() => {
      s.addDimension({ name: 3 as never, attributes: ['a'] });
    }, 'name');
    assertArgumentError(() => {
      s.addAttribute('Department', 'Q', { mode: 'quantum' as never });
    }, 'mode');
    assertArgumentError(() => s.lookup(1 as never, 'x'), 'lookup');
  });

  void test('encode / decode round trip, clone independence', () => {
    const s = fresh();
    s.addAttribute('Security Level', 'Internal', { after: 'Protected', mode: 'classic' });
    s.disableAttribute('Department::HR');
    s.removeAttribute('Department::FIN');
    const bytes = s.encode();
    const back = AccessStructure.decode(new Reader(bytes, 'structure'));
    assert.deepEqual(back.encode(), bytes);
    assert.deepEqual(back.dimensions(), s.dimensions());
    const copy = s.clone();
    copy.renameAttribute('Department::MKG', 'Other');
    assert.equal(s.lookup('Department', 'MKG')?.name, 'MKG');
  });

  void test('decode rejects malformed bytes with FormatError only', () => {
    const bytes = fresh().encode();
    for (let cut = 0; cut < bytes.length; cut++) {
      assert.throws(() => {
        const r = new Reader(bytes.subarray(0, cut), 'structure');
        AccessStructure.decode(r);
        r.end();
      }, FormatError);
    }
    for (const p of positions(bytes.length)) {
      for (const mask of [0x01, 0x80]) {
        try {
          const r = new Reader(flip(bytes, p, mask), 'structure');
          AccessStructure.decode(r);
          r.end();
        } catch (error) {
          assert.ok(error instanceof FormatError, `byte ${p}: ${String(error)}`);
        }
      }
    }
  });
});
