/**
 * `KmsClient` against a real Custos KMS (in this process, SQLite): every method the server
 * supports, over JSON and binary TTLV, and the errors (Result Reason, HTTP status, unreachable).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { KmsClient, KmsClientError, createKmsClient } from './index.ts';
import { closedPort, startKms, type TestKms } from './_test/server.ts';

const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);
const text = (b: Uint8Array): string => new TextDecoder().decode(b);

async function rejectsWith(
  p: Promise<unknown>,
  reasonName: string,
  code = 'ERR_KMS_CLIENT_RESULT',
): Promise<KmsClientError> {
  try {
    await p;
  } catch (error) {
    assert.ok(error instanceof KmsClientError, String(error));
    assert.equal(error.code, code, error.message);
    assert.equal(error.reasonName, reasonName, error.message);
    return error;
  }
  assert.fail('expected a failure');
}

void describe('KmsClient', () => {
  let kms: TestKms;
  let alice: KmsClient;
  let bob: KmsClient;
  before(async () => {
    kms = await startKms(['alice', 'bob']);
    alice = new KmsClient({ url: kms.url, accessToken: 'token-alice' });
    bob = new KmsClient({ url: kms.url, accessToken: 'token-bob', encoding: 'binary' });
  });
  after(async () => {
    await kms.close();
  });

  void it('server: version, health, whoami, query, discover versions', async () => {
    assert.match(await alice.version(), /^custos-kms /);
    assert.equal((await alice.health()).status, 'UP');
    assert.equal(await alice.whoami(), 'alice');
    assert.equal(await bob.whoami(), 'bob');
    const q = await alice.query();
    assert.ok(q.operations.includes('Create') && q.operations.includes('Encrypt'));
    assert.ok(q.objectTypes.includes('SymmetricKey'));
    const versions = await bob.discoverVersions();
    assert.deepEqual(versions[0], { major: 2, minor: 1 });
  });

  void it('symmetric keys: create, attributes, tags, locate, get, export, import, rekey, revoke, destroy', async () => {
    const id = await alice.createSymmetricKey({ tags: ['t-app', 't-prod'], name: 'k-main' });
    const a = await alice.getAttributes(id);
    assert.equal(a.cryptographicLength, 256);
    assert.deepEqual((await alice.getTags(id)).filter((t) => t.startsWith('t-')).sort(), [
      't-app',
      't-prod',
    ]);
    assert.ok((await alice.getAttributeList(id)).length > 3);
    assert.deepEqual(await alice.locate({ tags: ['t-app', 't-prod'] }), [id]);
    assert.deepEqual(await alice.locate({ name: 'k-main' }), [id]);
    assert.ok((await alice.locate({ objectType: 'symmetric-key', maxItems: 1 })).length === 1);
    const raw = await alice.getKeyBytes(id);
    assert.equal(raw.length, 32);
    const exported = await alice.exportObject(id, { format: 'raw' });
    assert.equal(exported.attributes.cryptographicLength, 256);
    const copy = await alice.importObject('k-copy', exported.object, { tags: ['t-copy'] });
    assert.equal(copy, 'k-copy');
    assert.deepEqual(await alice.getKeyBytes('k-copy'), raw);
    await alice.importObject('k-copy', exported.object, { replace: true });
    const registered = await alice.register(exported.object);
    assert.notEqual(registered, id);
    await alice.setAttribute(id, { description: 'main key' });
    assert.equal((await alice.getAttributes(id)).description, 'main key');
    await alice.modifyAttribute(id, { description: 'renamed' });
    await alice.addAttribute(id, { names: [{ nameValue: 'k-alias', nameType: 1 }] });
    assert.deepEqual(await alice.locate({ name: 'k-alias' }), [id]);
    await alice.deleteAttribute(id, 0x420053 /* Name */);
    assert.deepEqual(await alice.locate({ name: 'k-alias' }), []);
    await alice.check(id);
    const next = await alice.reKey(id);
    assert.notEqual(next, id);
    assert.equal((await alice.getAttributes(id)).state, 3); // Deactivated
    await alice.revoke(next, { reason: 'key-compromise', message: 'test' });
    assert.equal((await alice.getAttributes(next)).state, 4); // Compromised
    await alice.destroy(next);
    await rejectsWith(alice.get(next), 'ObjectDestroyed');
    await alice.destroy('k-copy', { revoke: true, remove: true });
    await rejectsWith(alice.getAttributes('k-copy'), 'ItemNotFound');
    const pre = await alice.createSymmetricKey({ activate: false });
    assert.equal((await alice.getAttributes(pre)).state, 1);
    await alice.activate(pre);
    assert.equal((await alice.getAttributes(pre)).state, 2);
    const sd = await alice.createSecretData({ bits: 128 });
    assert.equal((await alice.getKeyBytes(sd)).length, 16);
  });

  void it('symmetric crypto: encrypt/decrypt in every mode, bulk, MAC, hash, random, derive, wrapped export', async () => {
    const id = await alice.createSymmetricKey();
    const aad = bytes('context');
    const e = await alice.encrypt(id, bytes('hello'), { aad });
    assert.ok(e.iv !== undefined && e.tag !== undefined);
    assert.equal(text(await alice.decrypt(id, e.data, { iv: e.iv, tag: e.tag, aad })), 'hello');
    await rejectsWith(alice.decrypt(id, e.data, { iv: e.iv, tag: e.tag }), 'CryptographicFailure');
    for (const mode of ['cbc', 'gcm-siv'] as const) {
      const c = await alice.encrypt(id, bytes('mode test'), { mode });
      const back = await alice.decrypt(id, c.data, {
        mode,
        ...(c.iv === undefined ? {} : { iv: c.iv }),
        ...(c.tag === undefined ? {} : { tag: c.tag }),
      });
      assert.equal(text(back), 'mode test');
    }
    const many = await alice.encryptMany(id, [bytes('a'), bytes('b'), bytes('c')]);
    assert.ok(many.every((r) => r.ok));
    // \`every\` with an inferred type predicate narrowed \`many\` to successes.
    const items = many.map((r) => ({
      data: r.value.data,
      iv: r.value.iv as Uint8Array,
      tag: r.value.tag as Uint8Array,
    }));
    const plain = await alice.decryptMany(id, [
      ...items,
      { data: bytes('bad'), iv: new Uint8Array(12), tag: new Uint8Array(16) },
    ]);
    assert.deepEqual(
      plain.slice(0, 3).map((r) => (r.ok ? text(r.value) : '!')),
      ['a', 'b', 'c'],
    );
    const failed = plain[3];
    assert.ok(failed !== undefined && !failed.ok);
    assert.equal(failed.error.reasonName, 'CryptographicFailure');
    const keys = await alice.createSymmetricKeys(3, { tags: ['t-bulk'] });
    assert.equal(keys.filter((k) => k.ok).length, 3);

    const hmac = await alice.createSymmetricKey({ algorithm: 'hmac-sha256' });
    const tag = await alice.mac(hmac, bytes('msg'));
    assert.equal(await alice.macVerify(hmac, bytes('msg'), tag), true);
    assert.equal(await alice.macVerify(hmac, bytes('msh'), tag), false);
    assert.equal(
      Buffer.from(await alice.hash(bytes('abc')))
        .toString('hex')
        .slice(0, 8),
      'ba7816bf',
    );
    assert.equal((await alice.random(33)).length, 33);
    const base = await alice.createSecretData({ usageMask: undefined } as never);
    await alice.setAttribute(base, { cryptographicUsageMask: 0x200 }).catch(() => undefined);
    const derived = await alice.deriveKey(base, {
      method: 'hkdf',
      salt: bytes('salt-salt'),
      info: bytes('info'),
    });
    assert.equal((await alice.getKeyBytes(derived)).length, 32);

    const kek = await alice.createSymmetricKey();
    const wrapped = await alice.get(id, { wrapKeyId: kek });
    assert.ok(
      'keyBlock' in wrapped.object && wrapped.object.keyBlock.keyWrappingData !== undefined,
    );
    await alice.importObject('k-unwrapped', wrapped.object, { unwrap: true });
    assert.deepEqual(await alice.getKeyBytes('k-unwrapped'), await alice.getKeyBytes(id));
  });

  void it('key pairs: RSA, EC, Ed25519, ML-KEM, ML-DSA; sign/verify; public-key encryption; re-key pair', async () => {
    const ec = await alice.createKeyPair({ algorithm: 'p256', tags: ['t-ec'] });
    assert.equal(ec.publicKeyId, `${ec.privateKeyId}_pk`);
    const sig = await alice.sign(ec.privateKeyId, bytes('signed'));
    assert.equal(await alice.verify(ec.publicKeyId, bytes('signed'), sig), true);
    assert.equal(await alice.verify(ec.publicKeyId, bytes('other'), sig), false);
    const ed = await alice.createKeyPair({ algorithm: 'ed25519' });
    assert.equal(
      await alice.verify(ed.publicKeyId, bytes('x'), await alice.sign(ed.privateKeyId, bytes('x'))),
      true,
    );
    const dsa = await alice.createKeyPair({ algorithm: 'ml-dsa-44' });
    assert.equal(
      await alice.verify(
        dsa.publicKeyId,
        bytes('pq'),
        await alice.sign(dsa.privateKeyId, bytes('pq')),
      ),
      true,
    );
    const rsa = await alice.createKeyPair({ algorithm: 'rsa', bits: 2048 });
    const ct = await alice.encrypt(rsa.publicKeyId, bytes('to rsa'));
    assert.equal(text(await alice.decrypt(rsa.privateKeyId, ct.data)), 'to rsa');
    const kem = await alice.createKeyPair({ algorithm: 'ml-kem-768' });
    const kct = await alice.encrypt(kem.publicKeyId, bytes('to ml-kem'));
    assert.equal(text(await alice.decrypt(kem.privateKeyId, kct.data)), 'to ml-kem');
    const spki = await alice.get(ec.publicKeyId, { format: 'spki' });
    assert.equal(spki.object.kind, 'PublicKey');
    const renewed = await alice.reKeyKeyPair(ec.privateKeyId);
    assert.notEqual(renewed.privateKeyId, ec.privateKeyId);
  });

  void it('Covercrypt: master pair, user keys, encrypt/decrypt, bulk, structure changes, rekey', async () => {
    const structure = { 'Security Level::<': ['Low', 'High'], Department: ['HR', 'FIN'] };
    const master = await alice.createCovercryptMasterKeyPair(structure, { tags: ['t-cc'] });
    const hrLow = await alice.createCovercryptUserKey(
      master.privateKeyId,
      'Department::HR && Security Level::Low',
    );
    const finHigh = await alice.createCovercryptUserKey(
      master.privateKeyId,
      'Department::FIN && Security Level::High',
    );
    assert.equal(await alice.getAccessPolicy(hrLow), 'Department::HR && Security Level::Low');
    const aad = bytes('row-1');
    const ct = await alice.covercryptEncrypt(
      master.publicKeyId,
      'Department::HR && Security Level::Low',
      bytes('payroll'),
      { aad },
    );
    assert.equal(text(await alice.covercryptDecrypt(hrLow, ct, { aad })), 'payroll');
    // FIN/High does not open HR/Low: a denial, not a crash.
    const denied = await rejectsWith(
      alice.covercryptDecrypt(finHigh, ct, { aad }),
      'CryptographicFailure',
    );
    assert.ok(denied.resultMessage !== undefined);
    const bulk = await alice.covercryptEncryptBulk(master.publicKeyId, 'Department::FIN', [
      bytes('a'),
      bytes('bb'),
    ]);
    assert.deepEqual((await alice.covercryptDecryptBulk(finHigh, bulk)).map(text), ['a', 'bb']);
    const s = (await alice.getAccessStructure(master.privateKeyId)) as {
      dimensions: { name: string; attributes: { name: string }[] }[];
    };
    assert.deepEqual(s.dimensions.map((d) => d.name).sort(), ['Department', 'Security Level']);
    await alice.rekeyCovercrypt(master.privateKeyId, {
      addAttribute: [{ attribute: 'Department::IT', hybrid: true }],
    });
    await alice.rekeyCovercrypt(master.privateKeyId, {
      renameAttribute: [{ attribute: 'Department::IT', newName: 'Tech' }],
    });
    await alice.rekeyCovercrypt(master.privateKeyId, { disableAttribute: ['Department::Tech'] });
    await alice.rekeyCovercrypt(master.privateKeyId, { enableAttribute: ['Department::Tech'] });
    await alice.rekeyCovercrypt(master.privateKeyId, { removeAttribute: ['Department::Tech'] });
    const ids = await alice.rekeyCovercrypt(master.privateKeyId, { rekey: 'Department::HR' });
    assert.equal(ids.privateKeyId, master.privateKeyId);
    const ct2 = await alice.covercryptEncrypt(
      master.publicKeyId,
      'Department::HR && Security Level::Low',
      bytes('after'),
    );
    assert.equal(text(await alice.covercryptDecrypt(hrLow, ct2)), 'after');
    assert.equal(text(await alice.covercryptDecrypt(hrLow, ct, { aad })), 'payroll');
    await alice.rekeyCovercrypt(master.privateKeyId, { prune: 'Department::HR' });
    await assert.rejects(alice.covercryptDecrypt(hrLow, ct, { aad }), KmsClientError);
    await rejectsWith(
      alice.rekeyCovercrypt(master.privateKeyId, { rekey: 'Department::HR && Department::FIN' }),
      'InvalidField',
    );
    assert.deepEqual(
      await alice.locate({ linkedTo: master.privateKeyId }).then((l) => l.sort()),
      [hrLow, finHigh].sort(),
    );
  });

  void it('FPE: create, encrypt/decrypt text, card, integer with tweaks', async () => {
    const id = await alice.createFpeKey();
    const card = await alice.fpeEncrypt(id, '4111 1111 1111 1111', {
      format: { type: 'card' },
      tweak: 'user-1',
    });
    assert.match(card, /^\d{4} \d{4} \d{4} \d{4}$/);
    assert.notEqual(card, '4111 1111 1111 1111');
    assert.equal(
      await alice.fpeDecrypt(id, card, { format: { type: 'card' }, tweak: 'user-1' }),
      '4111 1111 1111 1111',
    );
    const t = await alice.fpeEncrypt(id, 'Hello World', { format: 'alpha_numeric' });
    assert.equal(t.length, 11);
    assert.equal(await alice.fpeDecrypt(id, t, { format: 'alpha_numeric' }), 'Hello World');
    await rejectsWith(
      alice.fpeEncrypt(id, 'x', { format: '{"type":"nope"}' }),
      'BadCryptographicParameters',
    );
  });

  void it('certificates: certify (new pair, public key, issuer chain), validate, import', async () => {
    const root = await alice.certify({
      generate: 'p256',
      subject: 'CN=Test Root,O=Custos',
      days: 30,
      extensions:
        '[v3_ca]\nbasicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n',
    });
    assert.equal(await alice.validate({ uids: [root] }), 'valid');
    const rootAttrs = await alice.getAttributes(root);
    const rootKey = rootAttrs.links?.find((l) => l.linkType === 0x103)
      ?.linkedObjectIdentifier as string;
    const pair = await alice.createKeyPair({ algorithm: 'p256' });
    const leaf = await alice.certify({
      publicKeyId: pair.publicKeyId,
      subject: 'CN=leaf',
      issuerPrivateKeyId: rootKey,
      issuerCertificateId: root,
    });
    assert.equal(await alice.validate({ uids: [leaf, root] }), 'valid');
    const der = await alice.get(root);
    assert.equal(der.object.kind, 'Certificate');
    const copy = await alice.register(der.object);
    assert.equal(
      await alice.validate({
        certificates: [(der.object as { certificateValue: Uint8Array }).certificateValue],
      }),
      'valid',
    );
    assert.notEqual(copy, root);
    await assert.rejects(alice.certify({ subject: 'CN=x' }), TypeError);
  });

  void it('access rights: grant, list, obtained, owned, revoke; permission denied; create permission', async () => {
    const id = await alice.createSymmetricKey({ tags: ['t-shared'] });
    await rejectsWith(bob.encrypt(id, bytes('x')), 'PermissionDenied');
    await alice.grantAccess(id, 'bob', ['encrypt', 'get']);
    assert.deepEqual(await alice.listAccess(id), [{ user: 'bob', operations: ['encrypt', 'get'] }]);
    assert.ok((await bob.encrypt(id, bytes('x'))).data.length > 0);
    const obtained = await bob.obtainedObjects();
    assert.deepEqual(
      obtained.map((o) => [o.objectId, o.ownerId]),
      [[id, 'alice']],
    );
    assert.ok(
      (await alice.ownedObjects()).some((o) => o.objectId === id && o.tags.includes('t-shared')),
    );
    const e = await rejectsWith(
      bob.grantAccess(id, 'carol', ['get']),
      'PermissionDenied',
      'ERR_KMS_CLIENT_HTTP',
    );
    assert.equal(e.status, 403);
    await rejectsWith(bob.listAccess(id), 'PermissionDenied', 'ERR_KMS_CLIENT_HTTP');
    await alice.revokeAccess(id, 'bob', ['encrypt']);
    await rejectsWith(bob.encrypt(id, bytes('x')), 'PermissionDenied');
    assert.equal(await bob.hasCreatePermission(), true);
    assert.equal(await bob.isPrivileged(), false);
    await rejectsWith(
      alice.grantAccess('no-such-object', 'bob', ['get']),
      'ItemNotFound',
      'ERR_KMS_CLIENT_HTTP',
    );
  });

  void it('errors: not found, bad token, unreachable, timeout, bad arguments', async () => {
    const nf = await rejectsWith(alice.get('no-such-key'), 'ItemNotFound');
    assert.equal(nf.resultReason, 1);
    assert.match(nf.message, /get: ItemNotFound/);
    const intruder = new KmsClient({ url: kms.url, accessToken: 'wrong' });
    const denied = await rejectsWith(
      intruder.createSymmetricKey(),
      'AuthenticationNotSuccessful',
      'ERR_KMS_CLIENT_HTTP',
    );
    assert.equal(denied.status, 401);
    assert.ok(!denied.message.includes('wrong'));
    const port = await closedPort();
    const nowhere = new KmsClient({ url: `http://127.0.0.1:${port}` });
    const u = await rejectsWith(
      nowhere.createSymmetricKey(),
      'GeneralFailure',
      'ERR_KMS_CLIENT_UNREACHABLE',
    );
    assert.match(u.message, /connection refused/);
    await rejectsWith(nowhere.version(), 'GeneralFailure', 'ERR_KMS_CLIENT_UNREACHABLE');
    const { createServer } = await import('node:http');
    const silent = createServer(() => undefined);
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    try {
      const slow = new KmsClient({
        url: `http://127.0.0.1:${(silent.address() as { port: number }).port}`,
        timeoutMs: 200,
      });
      await rejectsWith(slow.createSymmetricKey(), 'GeneralFailure', 'ERR_KMS_CLIENT_TIMEOUT');
      await rejectsWith(slow.health(), 'GeneralFailure', 'ERR_KMS_CLIENT_TIMEOUT');
    } finally {
      silent.closeAllConnections();
      await new Promise<void>((r) =>
        silent.close(() => {
          r();
        }),
      );
    }
    assert.throws(() => new KmsClient({ url: 'ftp://x' }), TypeError);
    assert.throws(() => new KmsClient({ url: kms.url, accessToken: 'a\nb' }), TypeError);
    await assert.rejects(alice.get(''), TypeError);
    await assert.rejects(alice.createSymmetricKey({ algorithm: 'des' as never }), TypeError);
    await assert.rejects(alice.encrypt('x', 'text' as never), TypeError);
    const viaFactory = await createKmsClient({
      url: kms.url,
      accessToken: 'token-alice',
      tls: { insecure: true },
    });
    assert.equal(await viaFactory.whoami(), 'alice');
  });
});
