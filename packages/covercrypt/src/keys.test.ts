/**
 * Key objects: master secret key, signed master public key, user keys. Formats round-trip;
 * every altered byte fails cleanly; a swapped key or structure is detected.
 */
import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import { AuthenticationError, FormatError } from './errors.ts';
import { MasterSecretKey } from './master-key.ts';
import { MasterPublicKey } from './public-key.ts';
import { UserKey } from './user-key.ts';
import {
  assertArgumentErrorAsync,
  authority,
  flip,
  notBytes,
  positions,
  type Authority,
} from './_test/fixtures.ts';

const U3 = 'Department::MKG && Security Level::Top Secret';

void describe('master secret key', () => {
  let auth: Authority;
  before(async () => {
    auth = await authority();
  });

  void test('setup: 20 rights (5 × 4), epoch 1, small encoding', () => {
    assert.deepEqual(auth.msk.size, { rights: 20, revisions: 20 });
    assert.equal(auth.msk.epoch, 1);
    assert.equal(auth.msk.authorityId.length, 32);
    // Seeds, not expanded keys: ~100 bytes per hybrid right.
    assert.ok(auth.msk.toBytes().length < 20 * 110 + 400, String(auth.msk.toBytes().length));
  });

  void test('load ∘ toBytes is the identity, and the loaded key works', async () => {
    const bytes = auth.msk.toBytes();
    const loaded = await MasterSecretKey.load(bytes);
    assert.deepEqual(loaded.toBytes(), bytes);
    assert.deepEqual(loaded.authorityId, auth.msk.authorityId);
    const usk = await UserKey.load((await loaded.issueUserKey(U3)).userKey);
    const { key, encapsulation } = auth.mpk.encapsulate('Department::MKG');
    assert.deepEqual(usk.decapsulate(encapsulation), key);
  });

  void test('any altered byte is refused with FormatError', async () => {
    const bytes = auth.msk.toBytes();
    for (const p of positions(bytes.length, 250)) {
      await assert.rejects(MasterSecretKey.load(flip(bytes, p)), FormatError, `byte ${p}`);
    }
    for (const cut of [0, 5, 6, 100, bytes.length - 1]) {
      await assert.rejects(MasterSecretKey.load(bytes.subarray(0, cut)), FormatError, `cut ${cut}`);
    }
  });

  void test('hostile arguments', async () => {
    for (const v of notBytes)
      await assertArgumentErrorAsync(() => MasterSecretKey.load(v as Uint8Array), String(v));
    await assert.rejects(MasterSecretKey.setup({ dimensions: [{ name: 'x', attributes: [] }] }));
    await assert.rejects(auth.msk.issueUserKey(42 as never), TypeError);
    assert.throws(() => {
      auth.msk.rekey('Department::HR' as never);
    }, TypeError);
  });
});

void describe('master public key', () => {
  let auth: Authority;
  let bytes: Uint8Array;
  before(async () => {
    auth = await authority();
    bytes = await auth.msk.publicKey();
  });

  void test('loads only under the right authority id', async () => {
    const other = await authority();
    await assert.rejects(
      MasterPublicKey.load(bytes, { authority: other.msk.authorityId }),
      AuthenticationError,
    );
    const mpk = await MasterPublicKey.load(bytes, { authority: auth.msk.authorityId });
    assert.deepEqual(mpk.toBytes(), bytes);
    assert.equal(mpk.epoch, 1);
    assert.deepEqual(mpk.structure.dimensions(), auth.msk.structure.dimensions());
  });

  void test('a key signed by another authority but presented as ours is refused', async () => {
    const other = await authority();
    const theirs = await other.msk.publicKey();
    await assert.rejects(
      MasterPublicKey.load(theirs, { authority: auth.msk.authorityId }),
      AuthenticationError,
    );
  });

  void test('any altered byte (structure, right keys, signature) is refused', async () => {
    for (const p of positions(bytes.length, 250)) {
      await assert.rejects(
        MasterPublicKey.load(flip(bytes, p), { authority: auth.msk.authorityId }),
        (e: unknown) => e instanceof AuthenticationError || e instanceof FormatError,
        `byte ${p}`,
      );
    }
  });

  void test('a stale epoch is refused when a minimum is given', async () => {
    auth.msk.rekey(['Department::HR']);
    const newer = await auth.msk.publicKey();
    await assert.rejects(
      MasterPublicKey.load(bytes, { authority: auth.msk.authorityId, minEpoch: 2 }),
      AuthenticationError,
    );
    const mpk = await MasterPublicKey.load(newer, { authority: auth.msk.authorityId, minEpoch: 2 });
    assert.equal(mpk.epoch, 2);
  });

  void test('hostile arguments', async () => {
    for (const v of notBytes) {
      await assertArgumentErrorAsync(
        () => MasterPublicKey.load(v as Uint8Array, { authority: auth.msk.authorityId }),
        String(v),
      );
    }
    await assertArgumentErrorAsync(
      () => MasterPublicKey.load(bytes, undefined as never),
      'no options',
    );
    await assertArgumentErrorAsync(
      () => MasterPublicKey.load(bytes, { authority: new Uint8Array(31) }),
      'short id',
    );
    await assert.rejects(
      MasterPublicKey.load(auth.msk.toBytes(), { authority: auth.msk.authorityId }),
      /expected a public key, got a Covercrypt masterSecretKey/,
    );
  });
});

void describe('user keys', () => {
  let auth: Authority;
  before(async () => {
    auth = await authority();
  });

  void test('unique per user for equal policies; same rights; tracing ids differ', async () => {
    const a = await auth.msk.issueUserKey(U3);
    const b = await auth.msk.issueUserKey(U3);
    assert.notEqual(a.serial, b.serial);
    assert.notDeepEqual(a.userKey, b.userKey);
    const ka = await UserKey.load(a.userKey, { authority: auth.msk.authorityId });
    const kb = await UserKey.load(b.userKey);
    assert.equal(ka.rightCount, 8);
    assert.equal(kb.rightCount, 8);
    assert.notDeepEqual(ka._ratio, kb._ratio);
    assert.equal(ka.policy, U3);
    assert.ok(ka.matches(auth.mpk));
    const { key, encapsulation } = auth.mpk.encapsulate('Security Level::Confidential');
    assert.deepEqual(ka.decapsulate(encapsulation), key);
    assert.deepEqual(kb.decapsulate(encapsulation), key);
  });

  void test('exhaustiveScan: the same results, hidden and public, opened and denied', async () => {
    const { userKey } = await auth.msk.issueUserKey(U3);
    const fast = await UserKey.load(userKey);
    const exhaustive = await UserKey.load(userKey, { exhaustiveScan: true });
    for (const visibility of ['hidden', 'public'] as const) {
      for (const policy of [
        'Department::MKG && Security Level::Protected',
        '(Department::MKG || Department::FIN) && Security Level::Confidential',
        'Department::HR',
      ]) {
        const { key, encapsulation } = auth.mpk.encapsulate(policy, { visibility });
        const expected = policy === 'Department::HR' ? undefined : key;
        assert.deepEqual(fast.decapsulate(encapsulation), expected, `${visibility} ${policy}`);
        assert.deepEqual(
          exhaustive.decapsulate(encapsulation),
          expected,
          `${visibility} ${policy}`,
        );
      }
    }
  });

  void test('a user key of another authority is detected', async () => {
    const other = await authority();
    const theirs = await other.msk.issueUserKey(U3);
    await assert.rejects(
      UserKey.load(theirs.userKey, { authority: auth.msk.authorityId }),
      AuthenticationError,
    );
    const k = await UserKey.load(theirs.userKey);
    assert.equal(k.matches(auth.mpk), false);
    await assert.rejects(auth.msk.refreshUserKey(theirs.userKey), AuthenticationError);
  });

  void test('any altered byte is refused on load', async () => {
    const { userKey } = await auth.msk.issueUserKey(U3);
    for (const p of positions(userKey.length, 300)) {
      await assert.rejects(
        UserKey.load(flip(userKey, p)),
        (e: unknown) => e instanceof AuthenticationError || e instanceof FormatError,
        `byte ${p}`,
      );
    }
  });

  void test('the authority refuses to refresh a key whose policy was edited, even re-signed', async () => {
    const { userKey } = await auth.msk.issueUserKey(U3);
    assert.ok(auth.msk._verifyUserKey(userKey));
    // Flip a byte of the policy text: the MAC (authority only, post-quantum) catches it even if an
    // attacker could forge the Ed25519 signature.
    const at = new TextDecoder('latin1').decode(userKey).indexOf('Department::MKG');
    const edited = flip(userKey, at + 12);
    assert.equal(auth.msk._verifyUserKey(edited), false);
    await assert.rejects(auth.msk.refreshUserKey(edited), AuthenticationError);
  });

  void test('hostile arguments', async () => {
    for (const v of notBytes)
      await assertArgumentErrorAsync(() => UserKey.load(v as Uint8Array), String(v));
    await assert.rejects(UserKey.load(await auth.msk.publicKey()), FormatError);
    const { userKey } = await auth.msk.issueUserKey(U3);
    for (const v of [1, 'yes', null])
      await assertArgumentErrorAsync(
        () => UserKey.load(userKey, { exhaustiveScan: v as unknown as boolean }),
        `exhaustiveScan ${String(v)}`,
      );
  });
});
