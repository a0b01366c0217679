/**
 * Key life cycle: rekey (forward secrecy for the rotated rights only), prune, refresh keeping or
 * dropping old secrets, re-encapsulation, and structure edits that leave unaffected keys valid.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { PolicyError, StructureError } from './errors.ts';
import {
  decrypt,
  encrypt,
  encryptHeader,
  encryptStream,
  decryptHeader,
  reencapsulate,
} from './hybrid.ts';
import { MasterPublicKey } from './public-key.ts';
import { UserKey } from './user-key.ts';
import { authority, collect, type Authority } from './_test/fixtures.ts';

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
const FIN = 'Department::FIN && Security Level::Protected';
const MKG = 'Department::MKG && Security Level::Protected';

async function republish(auth: Authority): Promise<MasterPublicKey> {
  auth.mpk = await MasterPublicKey.load(await auth.msk.publicKey(), {
    authority: auth.msk.authorityId,
  });
  return auth.mpk;
}

const opens = (key: UserKey, ct: Uint8Array): boolean => decrypt(key, ct).authorized;

async function refresh(auth: Authority, key: UserKey, keepOldSecrets: boolean): Promise<UserKey> {
  return UserKey.load(await auth.msk.refreshUserKey(key.toBytes(), { keepOldSecrets }));
}

void describe('rekey, prune, refresh, re-encapsulate', () => {
  void test('rekeying an attribute rotates its rights only', async () => {
    const auth = await authority();
    const fin = await auth.user('Department::FIN');
    const mkg = await auth.user('Department::MKG');
    const oldFin = encrypt(auth.mpk, FIN, utf8('old'));
    const epoch = auth.msk.epoch;
    auth.msk.rekey(['Department::FIN']);
    assert.equal(auth.msk.epoch, epoch + 1);
    assert.deepEqual(auth.msk._revisions(['Department::FIN']), [2, 1]);
    assert.deepEqual(auth.msk._revisions(['Department::MKG']), [1]);
    await republish(auth);
    const newFin = encrypt(auth.mpk, FIN, utf8('new'));
    const newMkg = encrypt(auth.mpk, MKG, utf8('new'));
    // Not refreshed: old data yes, new FIN data no; MKG holders are unaffected.
    assert.equal(opens(fin, oldFin), true);
    assert.equal(opens(fin, newFin), false);
    assert.equal(opens(mkg, newMkg), true);
    // Refresh dropping old secrets: new data only. Keeping them: both.
    const dropped = await refresh(auth, fin, false);
    assert.equal(opens(dropped, newFin), true);
    assert.equal(opens(dropped, oldFin), false);
    const kept = await refresh(auth, fin, true);
    assert.equal(opens(kept, newFin), true);
    assert.equal(opens(kept, oldFin), true);
    assert.equal(kept.secretCount, dropped.secretCount + 4); // the 4 FIN rights keep revision 1
  });

  void test('re-encapsulation moves old data to the new revision without touching the payload', async () => {
    const auth = await authority();
    const fin = await auth.user('Department::FIN');
    const payload = utf8('x'.repeat(5000));
    const old = encrypt(auth.mpk, FIN, payload, { metadata: utf8('m') });
    auth.msk.rekey(['Department::FIN']);
    const moved = reencapsulate(auth.msk, old);
    assert.ok(moved !== undefined);
    assert.deepEqual(moved.subarray(moved.length - 5016), old.subarray(old.length - 5016));
    auth.msk.prune(['Department::FIN']);
    assert.deepEqual(auth.msk._revisions(['Department::FIN']), [2]);
    const refreshed = await refresh(auth, fin, true);
    assert.equal(opens(refreshed, old), false); // pruned
    const r = decrypt(refreshed, moved);
    assert.ok(r.authorized);
    assert.deepEqual(r.plaintext, payload);
    assert.deepEqual(r.metadata, utf8('m'));
    // After pruning, the master key cannot open the old revision any more.
    assert.equal(reencapsulate(auth.msk, old), undefined);
    assert.equal(auth.msk.decapsulate(old.subarray(12)), undefined);
  });

  void test('re-encapsulation of headers and streams', async () => {
    const auth = await authority();
    const payload = utf8('stream data');
    const { header, dek } = encryptHeader(auth.mpk, FIN, { visibility: 'public' });
    const stream = await collect(encryptStream(auth.mpk, FIN, [payload]));
    auth.msk.rekey(['*']);
    const fin = await UserKey.load((await auth.msk.issueUserKey('Department::FIN')).userKey);
    assert.equal(decryptHeader(fin, header).authorized, false);
    const newHeader = reencapsulate(auth.msk, header) as Uint8Array;
    const opened = decryptHeader(fin, newHeader);
    assert.ok(opened.authorized);
    assert.deepEqual(opened.dek, dek);
    const { decryptStream } = await import('./hybrid.ts');
    const before = Buffer.from(stream);
    const moved = reencapsulate(auth.msk, stream) as Uint8Array;
    assert.deepEqual(stream, before, 'input not modified');
    const r = await decryptStream(fin, [moved]);
    assert.ok(r.authorized);
    assert.deepEqual(await collect(r.plaintext), Buffer.from(payload));
  });

  void test('master decapsulation names the target rights', async () => {
    const auth = await authority();
    const { key, encapsulation } = auth.mpk.encapsulate(`${FIN} || ${MKG}`);
    const opened = auth.msk.decapsulate(encapsulation);
    assert.ok(opened !== undefined);
    assert.deepEqual(opened.key, key);
    assert.deepEqual(opened.rights.map((r) => r.join(' && ')).sort(), [
      'Department::FIN && Security Level::Protected',
      'Department::MKG && Security Level::Protected',
    ]);
  });
});

void describe('structure edits keep unaffected keys valid', () => {
  void test('add an attribute and a dimension', async () => {
    const auth = await authority();
    const mkgTop = await auth.user('Department::MKG && Security Level::Top Secret');
    const all = await auth.user('*');
    const before = encrypt(auth.mpk, MKG, utf8('a'));
    auth.msk.editStructure((s) => {
      s.addAttribute('Department', 'Legal');
      s.addDimension({ name: 'Country', attributes: ['FR', 'DE'] });
    });
    assert.equal(auth.msk.size.rights, 6 * 4 * 3);
    await republish(auth);
    // Old keys: old and new ciphertexts of their rights.
    assert.equal(opens(mkgTop, before), true);
    assert.equal(opens(mkgTop, encrypt(auth.mpk, MKG, utf8('b'))), true);
    // Ciphertexts naming the new attributes need a refresh.
    const legal = encrypt(auth.mpk, 'Department::Legal', utf8('c'));
    const french = encrypt(auth.mpk, `${MKG} && Country::FR`, utf8('d'));
    assert.equal(opens(all, legal), false);
    assert.equal(opens(mkgTop, french), false);
    assert.equal(opens(await refresh(auth, all, false), legal), true);
    const refreshed = await refresh(auth, mkgTop, false);
    assert.equal(opens(refreshed, french), true);
    assert.equal(opens(refreshed, before), true); // same revision: no rekey happened
  });

  void test('rename: keys and ciphertexts survive, refreshed keys show the new name', async () => {
    const auth = await authority();
    const mkg = await auth.user('Department::MKG');
    const before = encrypt(auth.mpk, MKG, utf8('a'));
    auth.msk.editStructure((s) => {
      s.renameAttribute('Department::MKG', 'Marketing');
    });
    await republish(auth);
    assert.throws(() => encrypt(auth.mpk, MKG, utf8('x')), PolicyError);
    const after = encrypt(
      auth.mpk,
      'Department::Marketing && Security Level::Protected',
      utf8('b'),
    );
    assert.equal(opens(mkg, before), true);
    assert.equal(opens(mkg, after), true);
    assert.equal((await refresh(auth, mkg, false)).policy, 'Department::Marketing');
  });

  void test('disable: decrypt-only; remove: gone after refresh', async () => {
    const auth = await authority();
    const hr = await auth.user('Department::HR');
    const old = encrypt(auth.mpk, 'Department::HR', utf8('a'));
    auth.msk.editStructure((s) => {
      s.disableAttribute('Department::HR');
    });
    await republish(auth);
    assert.throws(() => encrypt(auth.mpk, 'Department::HR', utf8('x')), /decrypt-only/);
    assert.equal(opens(hr, old), true);
    assert.equal(opens(await refresh(auth, hr, false), old), true);
    auth.msk.editStructure((s) => {
      s.removeAttribute('Department::HR');
    });
    assert.equal(auth.msk.size.rights, 4 * 4);
    await republish(auth);
    assert.equal(opens(hr, old), true); // the user still has the secret...
    const refreshed = await refresh(auth, hr, false);
    assert.equal(opens(refreshed, old), false); // ...refreshed keys do not
    assert.equal(refreshed.rightCount, 4); // {∅} × {∅, three levels}
    assert.equal(opens(refreshed, encrypt(auth.mpk, 'Security Level::Protected', utf8('b'))), true);
  });

  void test('remove a dimension: rights that do not name it remain', async () => {
    const auth = await authority();
    const mkg = await auth.user('Department::MKG && Security Level::Confidential');
    const deptOnly = encrypt(auth.mpk, 'Department::MKG', utf8('a'));
    const withLevel = encrypt(auth.mpk, MKG, utf8('b'));
    auth.msk.editStructure((s) => {
      s.removeDimension('Security Level');
    });
    await republish(auth);
    assert.equal(auth.msk.size.rights, 5);
    const refreshed = await refresh(auth, mkg, false);
    assert.equal(opens(refreshed, deptOnly), true);
    assert.equal(opens(refreshed, withLevel), false);
    assert.equal(opens(mkg, encrypt(auth.mpk, 'Department::MKG', utf8('c'))), true);
  });

  void test('mode changes never invalidate keys (anchor W2b)', async () => {
    const auth = await authority();
    const fin = await auth.user('Department::FIN');
    auth.msk.editStructure((s) => {
      s.setAttributeMode('Department::FIN', 'classic');
    });
    await republish(auth);
    // FIN rights are hybrid through Security Level; the Department-only right {FIN} is classic.
    const classic = auth.mpk.encapsulate('Department::FIN');
    assert.equal(classic.postQuantum, false);
    assert.deepEqual(fin.decapsulate(classic.encapsulation), classic.key);
    auth.msk.editStructure((s) => {
      s.setAttributeMode('Department::FIN', 'hybrid');
    });
    await republish(auth);
    const hybrid = auth.mpk.encapsulate('Department::FIN');
    assert.equal(hybrid.postQuantum, true);
    assert.deepEqual(fin.decapsulate(hybrid.encapsulation), hybrid.key);
  });

  void test('classic → hybrid adds an ML-KEM key; old keys keep classic data, refresh for new', async () => {
    const auth = await authority({
      dimensions: [
        {
          name: 'D',
          attributes: [
            { name: 'a', mode: 'classic' },
            { name: 'b', mode: 'classic' },
          ],
        },
      ],
      mode: 'classic',
    });
    const a = await auth.user('D::a');
    const old = encrypt(auth.mpk, 'D::a', utf8('x'));
    auth.msk.editStructure((s) => {
      s.setAttributeMode('D::a', 'hybrid');
    });
    await republish(auth);
    const pq = encrypt(auth.mpk, 'D::a', utf8('y'));
    assert.equal(opens(a, old), true);
    assert.equal(opens(a, pq), false);
    const refreshed = await refresh(auth, a, false);
    assert.equal(opens(refreshed, pq), true);
    assert.equal(opens(refreshed, old), true);
  });

  void test('a failing edit changes nothing', async () => {
    const auth = await authority();
    const bytes = auth.msk.toBytes();
    assert.throws(() => {
      auth.msk.editStructure((s) => {
        s.addAttribute('Department', 'New');
        s.addAttribute('Department', 'new');
      });
    }, StructureError);
    assert.deepEqual(auth.msk.toBytes(), bytes);
    assert.throws(() => {
      auth.msk.editStructure('x' as never);
    }, TypeError);
  });
});
