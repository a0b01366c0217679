import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { PolicyError } from './errors.ts';
import {
  canOpen,
  coveredRights,
  encryptionRights,
  formatIdPolicy,
  readIdPolicy,
  resolvePolicy,
  universe,
  universeSize,
  userRights,
  writeIdPolicy,
} from './rights.ts';
import { Reader, Writer } from './_codec.ts';
import { AccessStructure } from './structure.ts';
import { DEPT_LEVEL } from './_test/fixtures.ts';

// The cover_crypt v16 test structure: Department (5, unordered) × SEC (LOW < MED < TOP).
const v16 = (): AccessStructure =>
  AccessStructure.create({
    dimensions: [
      { name: 'DPT', attributes: ['RD', 'HR', 'MKG', 'FIN', 'DEV'] },
      { name: 'SEC', kind: 'ordered', attributes: ['LOW', 'MED', 'TOP'] },
    ],
  });

void describe('rights', () => {
  void test('universe is every partial coordinate', () => {
    const s = v16();
    assert.equal(universeSize(s), 24);
    const all = universe(s);
    assert.equal(all.length, 24);
    assert.deepEqual(all[0], []);
    assert.equal(new Set(all.map((r) => r.join('.'))).size, 24);
  });

  void test('user key rights match the anchor counts (12, 8, 12)', () => {
    const s = v16();
    assert.equal(coveredRights(s, '(DPT::HR || DPT::FIN) && SEC::TOP', 'user-key').length, 12);
    assert.equal(coveredRights(s, 'DPT::HR', 'user-key').length, 8);
    assert.equal(coveredRights(s, 'SEC::LOW', 'user-key').length, 12);
    assert.equal(coveredRights(s, '*', 'user-key').length, 24);
  });

  void test('encryption rights: one per clause, hierarchy max, minimal', () => {
    const s = v16();
    assert.deepEqual(coveredRights(s, 'DPT::MKG && SEC::LOW', 'encryption'), [
      ['DPT::MKG', 'SEC::LOW'],
    ]);
    assert.deepEqual(coveredRights(s, 'SEC::LOW && SEC::TOP', 'encryption'), [['SEC::TOP']]);
    assert.deepEqual(
      coveredRights(s, '(DPT::MKG || DPT::FIN) && (SEC::LOW || SEC::MED)', 'encryption'),
      [
        ['DPT::MKG', 'SEC::LOW'],
        ['DPT::FIN', 'SEC::LOW'],
      ],
    );
    assert.deepEqual(coveredRights(s, 'DPT::MKG || (DPT::MKG && SEC::TOP)', 'encryption'), [
      ['DPT::MKG'],
    ]);
    assert.deepEqual(coveredRights(s, 'DPT::HR || *', 'encryption'), [[]]);
    assert.deepEqual(coveredRights(s, 'DPT::HR || DPT::RD', 'encryption').length, 2);
  });

  void test('encryption errors carry positions', () => {
    const s = v16();
    assert.throws(
      () => encryptionRights(s, 'DPT::HR && DPT::FIN'),
      (e: unknown) => {
        assert.ok(e instanceof PolicyError);
        assert.equal(e.position, 11);
        return true;
      },
    );
    assert.throws(() => encryptionRights(s, 'SEC::LOW || Nope::x'), {
      position: 12,
      message: /unknown dimension Nope/,
    });
    assert.throws(() => encryptionRights(s, 'SEC::LOW || DPT::x'), {
      position: 12,
      message: /unknown attribute DPT::x/,
    });
    s.disableAttribute('DPT::HR');
    assert.throws(() => encryptionRights(s, 'DPT::HR && SEC::LOW'), /decrypt-only/);
    // A dominated right may name a disabled attribute: it is dropped, readers unchanged.
    assert.deepEqual(coveredRights(s, 'SEC::LOW || (DPT::HR && SEC::TOP)', 'encryption'), [
      ['SEC::LOW'],
    ]);
  });

  void test('canOpen', () => {
    const s = AccessStructure.create(DEPT_LEVEL);
    const u = 'Department::MKG && Security Level::Top Secret';
    assert.equal(canOpen(s, u, 'Department::MKG && Security Level::Protected'), true);
    assert.equal(canOpen(s, u, 'Department::HR && Security Level::Protected'), false);
    assert.equal(canOpen(s, u, 'Security Level::Top Secret'), true);
    assert.equal(canOpen(s, u, '*'), true);
    assert.equal(
      canOpen(s, 'Department::MKG && Security Level::Protected', 'Security Level::Confidential'),
      false,
    );
    assert.equal(
      canOpen(s, 'Department::HR', 'Department::HR && Security Level::Top Secret'),
      true,
    );
  });

  void test('id policies survive renames and round-trip through bytes', () => {
    const s = v16();
    const p = resolvePolicy(s, '(DPT::HR || DPT::FIN) && SEC::MED || *');
    s.renameAttribute('DPT::HR', 'People');
    assert.equal(formatIdPolicy(s, p), '(DPT::People || DPT::FIN) && SEC::MED || *');
    const w = new Writer();
    writeIdPolicy(w, p);
    assert.deepEqual(readIdPolicy(new Reader(w.finish(), 'policy')), p);
  });

  void test('removed attributes and dimensions: only unspecified labels still match', () => {
    const s = v16();
    const p = resolvePolicy(s, 'DPT::HR && SEC::MED');
    const before = userRights(s, p).length; // {∅,HR} × {∅,LOW,MED} = 6
    assert.equal(before, 6);
    s.removeAttribute('DPT::HR');
    assert.equal(userRights(s, p).length, 3); // {∅} × {∅,LOW,MED}
    s.removeDimension('SEC');
    assert.equal(userRights(s, p).length, 1); // {}
  });
});
