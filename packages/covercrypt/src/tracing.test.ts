/**
 * Tracing: from a leaked user key, or from what a pirate decoder keeps (the id, any multiple of
 * it, the ratio a1/a0, one blinded right secret a0·x), the authority names the user's serial.
 * And the documented limit: two colluders can mix their ids into one that names no one.
 */
import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import { group } from './_scheme.ts';
import { decodeUserKey } from './user-key.ts';
import { authority, type Authority } from './_test/fixtures.ts';

void describe('tracing', () => {
  let auth: Authority;
  const issued: { serial: number; userKey: Uint8Array }[] = [];

  before(async () => {
    auth = await authority();
    for (let i = 0; i < 25; i++)
      issued.push(await auth.msk.issueUserKey(i % 2 === 0 ? 'Department::HR' : '*'));
  });

  void test('a leaked user key names its user', () => {
    for (const { serial, userKey } of issued) assert.equal(auth.msk.traceUserKey(userKey), serial);
    assert.deepEqual(
      issued.map((u) => u.serial),
      Array.from({ length: 25 }, (_, i) => i),
    );
  });

  void test('a refreshed key keeps its id', async () => {
    const { serial, userKey } = issued[3] as { serial: number; userKey: Uint8Array };
    auth.msk.rekey(['*']);
    const refreshed = await auth.msk.refreshUserKey(userKey);
    assert.equal(auth.msk.traceUserKey(refreshed), serial);
  });

  void test('decoder material: the id, a multiple of it, the ratio, a blinded secret', () => {
    const { serial, userKey } = issued[7] as { serial: number; userKey: Uint8Array };
    const { a0, a1, rights } = decodeUserKey(userKey).contents;
    const S = group.scalar;
    assert.equal(auth.msk.trace({ kind: 'id', a0, a1 }), serial);
    const lambda = S.random();
    assert.equal(
      auth.msk.trace({ kind: 'id', a0: S.mul(lambda, a0), a1: S.mul(lambda, a1) }),
      serial,
    );
    assert.equal(auth.msk.trace({ kind: 'ratio', ratio: S.mul(a1, S.invert(a0)) }), serial);
    const x = rights[5]?.revisions[0]?.x as Uint8Array;
    assert.equal(auth.msk.trace({ kind: 'blinded-secret', secret: S.mul(a0, x) }), serial);
  });

  void test('material that is no issued id names no one', async () => {
    const S = group.scalar;
    assert.equal(auth.msk.trace({ kind: 'ratio', ratio: S.random() }), undefined);
    assert.equal(auth.msk.trace({ kind: 'blinded-secret', secret: S.random() }), undefined);
    assert.equal(
      auth.msk.trace({ kind: 'ratio', ratio: new Uint8Array(32).fill(0xff) }),
      undefined,
    );
    const other = await authority();
    const stranger = await other.msk.issueUserKey('*');
    assert.equal(auth.msk.traceUserKey(stranger.userKey), undefined);
    assert.equal(auth.msk.traceUserKey(new Uint8Array(10)), undefined);
    assert.throws(() => auth.msk.trace({ kind: 'other' } as never), TypeError);
  });

  void test('limit of level-1 tracing: an affine mix of two colluders ids is valid and names no one', () => {
    const S = group.scalar;
    const u = decodeUserKey((issued[1] as { userKey: Uint8Array }).userKey).contents;
    const v = decodeUserKey((issued[2] as { userKey: Uint8Array }).userKey).contents;
    const lambda = S.random();
    const mu = S.sub(
      new Uint8Array(32).fill(0).map((_, i) => (i === 0 ? 1 : 0)),
      lambda,
    );
    const a0 = S.add(S.mul(lambda, u.a0), S.mul(mu, v.a0));
    const a1 = S.add(S.mul(lambda, u.a1), S.mul(mu, v.a1));
    // Still a valid id: a0·B + a1·P = h, so it decrypts...
    const lhs = group.point.add(group.point.mulBase(a0), group.point.mul(a1, u.P));
    assert.deepEqual(lhs, auth.mpk._h);
    // ...but it traces to nobody.
    assert.equal(auth.msk.trace({ kind: 'id', a0, a1 }), undefined);
  });
});
