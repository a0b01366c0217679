/**
 * Covercrypt in the server, end to end over HTTP: master key pairs (Create Key Pair), user keys
 * (Create), Encrypt/Decrypt single and bulk, rotations and structure edits (Re-key Key Pair)
 * with automatic refresh of the user keys, tracing, rights, lifecycle and hostile inputs.
 * Results are cross-checked with @custos/covercrypt used directly by the test.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MasterPublicKey, MasterSecretKey, UserKey, decrypt, encrypt } from '@custos/covercrypt';
import {
  CryptographicUsageMask,
  LinkType,
  ObjectType,
  Operation,
  RevocationReasonCode,
  State,
  Tag,
  batchItem,
  type Attributes,
  type KmipClient,
  type ManagedObject,
  type VendorAttribute,
} from '@custos/kmip';
import { rejectsWithReason, ResultReason } from './_test/assert.ts';
import {
  dropSchema,
  postgresSkipReason,
  startTestServer,
  tokenSettings,
  type Backend,
  type TestServer,
} from './_test/harness.ts';
import {
  COVERCRYPT,
  COVERCRYPT_BULK,
  COVERCRYPT_PUBLIC_KEY,
  COVERCRYPT_SECRET_KEY,
} from './_covercrypt-attributes.ts';
import { joinPolicy, readBulkCiphertext, readItems, writeItems } from './_covercrypt-data.ts';

const PAST = new Date('2024-01-01T00:00:00Z');
const te = new TextEncoder();
const td = new TextDecoder();

/** Cosmian's JSON form: `::<` ordered dimension, `::+` hybrid attribute. */
const STRUCTURE = {
  'Security Level::<': ['Protected', 'Confidential::+', 'Top Secret::+'],
  Department: ['R&D', 'HR', 'MKG::+', 'FIN::+'],
};

function vendor(name: string, text: string): VendorAttribute {
  return {
    vendorIdentification: 'cosmian',
    attributeName: name,
    attributeValue: { tag: Tag.AttributeValue, type: 'ByteString', value: te.encode(text) },
  };
}

function vendorValue(a: Attributes, name: string): string | undefined {
  const v = a.vendorAttributes?.find((x) => x.attributeName === name)?.attributeValue;
  if (v === undefined) return undefined;
  if (v.type === 'ByteString') return td.decode(v.value);
  return v.type === 'TextString' ? v.value : undefined;
}

function material(object: ManagedObject): Uint8Array {
  assert.ok(object.kind === 'PrivateKey' || object.kind === 'PublicKey');
  const kv = object.keyBlock.keyValue;
  assert.ok(kv !== undefined && !(kv instanceof Uint8Array));
  assert.ok(kv.keyMaterial instanceof Uint8Array);
  return kv.keyMaterial;
}

async function masterPair(
  c: KmipClient,
  structure: object = STRUCTURE,
  extra: Attributes = {},
): Promise<{ msk: string; mpk: string }> {
  const r = await c.call(
    batchItem(Operation.CreateKeyPair, {
      commonAttributes: {
        cryptographicAlgorithm: COVERCRYPT,
        keyFormatType: COVERCRYPT_SECRET_KEY,
        objectType: ObjectType.PrivateKey,
        activationDate: PAST,
        vendorAttributes: [vendor('cover_crypt_access_structure', JSON.stringify(structure))],
        ...extra,
      },
    }),
  );
  return {
    msk: r.privateKeyUniqueIdentifier as string,
    mpk: r.publicKeyUniqueIdentifier as string,
  };
}

async function userKey(
  c: KmipClient,
  msk: string,
  policy: string,
  extra: Attributes = {},
): Promise<string> {
  const r = await c.call(
    batchItem(Operation.Create, {
      objectType: ObjectType.PrivateKey,
      attributes: {
        cryptographicAlgorithm: COVERCRYPT,
        keyFormatType: COVERCRYPT_SECRET_KEY,
        activationDate: PAST,
        links: [{ linkType: LinkType.ParentLink, linkedObjectIdentifier: msk }],
        vendorAttributes: [vendor('cover_crypt_access_policy', policy)],
        ...extra,
      },
    }),
  );
  return r.uniqueIdentifier as string;
}

async function rekey(c: KmipClient, msk: string, action: object): Promise<void> {
  const r = await c.call(
    batchItem(Operation.ReKeyKeyPair, {
      privateKeyUniqueIdentifier: msk,
      privateKeyAttributes: {
        cryptographicAlgorithm: COVERCRYPT,
        keyFormatType: COVERCRYPT_SECRET_KEY,
        vendorAttributes: [vendor('cover_crypt_rekey_action', JSON.stringify(action))],
      },
    }),
  );
  assert.equal(r.privateKeyUniqueIdentifier, msk);
}

async function enc(
  c: KmipClient,
  mpk: string,
  policy: string,
  text: string,
  aad?: Uint8Array,
): Promise<Uint8Array> {
  const r = await c.encrypt(
    mpk,
    joinPolicy(policy, te.encode(text)),
    aad === undefined ? {} : { authenticatedEncryptionAdditionalData: aad },
  );
  return r.data as Uint8Array;
}

async function dec(c: KmipClient, usk: string, ct: Uint8Array, aad?: Uint8Array): Promise<string> {
  const r = await c.decrypt(
    usk,
    ct,
    aad === undefined ? {} : { authenticatedEncryptionAdditionalData: aad },
  );
  return td.decode(r.data);
}

async function attributesOf(c: KmipClient, uid: string): Promise<Attributes> {
  return (await c.call(batchItem(Operation.GetAttributes, { uniqueIdentifier: uid }))).attributes;
}

async function bytesOf(c: KmipClient, uid: string): Promise<Uint8Array> {
  return material((await c.get(uid)).object);
}

function flip(bytes: Uint8Array, at: number): Uint8Array {
  const out = Uint8Array.from(bytes);
  out[at] = (out[at] as number) ^ 1;
  return out;
}

async function count(c: KmipClient): Promise<number> {
  const r = await c.locate({}, { maximumItems: 1000 });
  return r.uniqueIdentifiers?.length ?? 0;
}

function suite(backend: Backend): void {
  let t: TestServer;
  let c: KmipClient;
  let skip: string | undefined;

  before(async () => {
    if (backend === 'postgresql') skip = await postgresSkipReason();
    if (skip !== undefined) return;
    t = await startTestServer({ backend, settings: tokenSettings(['alice', 'bob']) });
    c = t.as('alice');
  });
  after(async () => {
    if (skip !== undefined) return;
    await t.close();
    if (t.schema !== undefined) await dropSchema(t.schema);
  });

  const test = (name: string, fn: () => Promise<void>): void => {
    void it(name, async (ctx) => {
      if (skip !== undefined) {
        ctx.skip(skip);
        return;
      }
      await fn();
    });
  };

  test('master key pair: linked Private/Public Keys in the Covercrypt formats', async () => {
    const { msk, mpk } = await masterPair(c);
    assert.equal(mpk, `${msk}_pk`);
    const sk = await c.get(msk);
    const pk = await c.get(mpk);
    assert.equal(sk.objectType, ObjectType.PrivateKey);
    assert.equal(pk.objectType, ObjectType.PublicKey);
    assert.equal(td.decode(material(sk.object).subarray(0, 4)), 'CVCM');
    assert.equal(td.decode(material(pk.object).subarray(0, 4)), 'CVCP');
    const a = await attributesOf(c, msk);
    const p = await attributesOf(c, mpk);
    assert.equal(a.keyFormatType, COVERCRYPT_SECRET_KEY);
    assert.equal(p.keyFormatType, COVERCRYPT_PUBLIC_KEY);
    assert.equal(a.cryptographicAlgorithm, COVERCRYPT);
    assert.equal(
      a.links?.find((l) => l.linkType === LinkType.PublicKeyLink)?.linkedObjectIdentifier,
      mpk,
    );
    assert.equal(
      p.links?.find((l) => l.linkType === LinkType.PrivateKeyLink)?.linkedObjectIdentifier,
      msk,
    );
    const described = JSON.parse(vendorValue(a, 'cover_crypt_access_structure') ?? '{}') as {
      dimensions: { name: string; kind: string; attributes: { name: string; mode: string }[] }[];
    };
    assert.deepEqual(
      described.dimensions.map((d) => [
        d.name,
        d.kind,
        d.attributes.map((x) => `${x.name}/${x.mode}`),
      ]),
      [
        [
          'Security Level',
          'ordered',
          ['Protected/classic', 'Confidential/hybrid', 'Top Secret/hybrid'],
        ],
        ['Department', 'unordered', ['R&D/classic', 'HR/classic', 'MKG/hybrid', 'FIN/hybrid']],
      ],
    );
    // The stored master secret key is a real one: it re-derives the stored public key.
    const loaded = await MasterSecretKey.load(material(sk.object));
    assert.deepEqual(await loaded.publicKey(), material(pk.object));
  });

  test('user keys: policy, parent link, tracing serial; encrypt/decrypt with AAD', async () => {
    const { msk, mpk } = await masterPair(c);
    const fin = await userKey(c, msk, 'Department::FIN && Security Level::Confidential');
    const mkg = await userKey(c, msk, 'Department::MKG && Security Level::Top Secret');
    const fa = await attributesOf(c, fin);
    assert.equal(
      fa.links?.find((l) => l.linkType === LinkType.ParentLink)?.linkedObjectIdentifier,
      msk,
    );
    assert.equal(
      vendorValue(fa, 'cover_crypt_access_policy'),
      'Department::FIN && Security Level::Confidential',
    );
    assert.equal(vendorValue(fa, 'cover_crypt_user_serial'), '0');
    assert.equal(vendorValue(await attributesOf(c, mkg), 'cover_crypt_user_serial'), '1');
    assert.equal(fa.cryptographicUsageMask, CryptographicUsageMask.Decrypt);
    // Tracing: the master key names the serial of a leaked user key.
    const master = await MasterSecretKey.load(await bytesOf(c, msk));
    assert.equal(master.traceUserKey(await bytesOf(c, mkg)), 1);
    assert.equal(master.issuedUsers, 2);

    const aad = te.encode('row 42');
    const ct = await enc(c, mpk, 'Department::FIN && Security Level::Protected', 'salary', aad);
    assert.equal(await dec(c, fin, ct, aad), 'salary');
    await rejectsWithReason(
      dec(c, mkg, ct, aad),
      ResultReason.CryptographicFailure,
      /access policy of user key .* does not open this ciphertext/,
    );
    await rejectsWithReason(
      dec(c, fin, ct, te.encode('row 43')),
      ResultReason.CryptographicFailure,
    );
    // Ordered dimension: Top Secret also reads Confidential.
    const conf = await enc(c, mpk, 'Department::MKG && Security Level::Confidential', 'plan');
    assert.equal(await dec(c, mkg, conf), 'plan');
    // A client encrypting locally with the exported public key, pinned to the authority.
    const authority = vendorValue(await attributesOf(c, mpk), 'cover_crypt_authority') as string;
    const local = await MasterPublicKey.load(await bytesOf(c, mpk), {
      authority: Uint8Array.from(Buffer.from(authority, 'hex')),
    });
    const ct2 = encrypt(local, 'Department::FIN && Security Level::Protected', te.encode('local'));
    assert.equal(await dec(c, fin, ct2), 'local');
    // And decrypting locally what the server encrypted, with the exported user key.
    const usk = await UserKey.load(await bytesOf(c, fin));
    assert.throws(() => decrypt(usk, ct), { name: 'DecryptionFailed' }); // AAD missing
    const opened2 = decrypt(usk, ct, { aad });
    assert.ok(opened2.authorized && td.decode(opened2.plaintext) === 'salary');
  });

  test('bulk: many messages under one header, Cosmian framing', async () => {
    const { msk, mpk } = await masterPair(c);
    const fin = await userKey(c, msk, 'Department::FIN && Security Level::Top Secret');
    const hr = await userKey(c, msk, 'Department::HR && Security Level::Top Secret');
    const messages = Array.from({ length: 50 }, (_, i) => te.encode(`cell ${i}`));
    const bulk = { cryptographicParameters: { cryptographicAlgorithm: COVERCRYPT_BULK } };
    const r = await c.encrypt(mpk, joinPolicy('Department::FIN', writeItems(messages)), {
      ...bulk,
      authenticatedEncryptionAdditionalData: te.encode('t'),
    });
    const data = r.data as Uint8Array;
    const out = await c.decrypt(fin, data, {
      ...bulk,
      authenticatedEncryptionAdditionalData: te.encode('t'),
    });
    assert.deepEqual(
      readItems(out.data as Uint8Array, 'test').map((m) => td.decode(m)),
      messages.map((m) => td.decode(m)),
    );
    await rejectsWithReason(
      c.decrypt(hr, data, { ...bulk, authenticatedEncryptionAdditionalData: te.encode('t') }),
      ResultReason.CryptographicFailure,
      /does not open/,
    );
    // Dropping the last message (count rewritten) fails: the count is authenticated.
    const { header, ciphertexts } = readBulkCiphertext(data);
    assert.equal(ciphertexts.length, 50);
    assert.equal(td.decode(header.subarray(0, 4)), 'CVCH');
    const truncated = writeItems(ciphertexts.slice(0, 49), header);
    await rejectsWithReason(
      c.decrypt(fin, truncated, { ...bulk, authenticatedEncryptionAdditionalData: te.encode('t') }),
      ResultReason.CryptographicFailure,
    );
    await rejectsWithReason(
      c.encrypt(mpk, joinPolicy('Department::FIN', te.encode('\x05abc')), bulk),
      ResultReason.InvalidField,
    );
  });

  test('rotation refreshes live user keys, not revoked ones; prune drops old secrets', async () => {
    const { msk, mpk } = await masterPair(c);
    const fin = await userKey(c, msk, 'Department::FIN && Security Level::Top Secret');
    const revoked = await userKey(c, msk, 'Department::FIN && Security Level::Top Secret');
    const pending = await userKey(c, msk, 'Department::FIN', {
      activationDate: new Date('2999-01-01'),
    });
    const policy = 'Department::FIN && Security Level::Protected';
    const before = await enc(c, mpk, policy, 'old');
    const finBefore = await bytesOf(c, fin);
    const mpkBefore = await bytesOf(c, mpk);
    await c.revoke(revoked, RevocationReasonCode.CessationOfOperation);
    const revokedBefore = await bytesOf(c, revoked);
    const pendingBefore = await bytesOf(c, pending);

    await rekey(c, msk, { RekeyAccessPolicy: 'Department::FIN' });

    assert.notDeepEqual(await bytesOf(c, mpk), mpkBefore);
    assert.notDeepEqual(await bytesOf(c, fin), finBefore);
    assert.notDeepEqual(await bytesOf(c, pending), pendingBefore);
    assert.deepEqual(await bytesOf(c, revoked), revokedBefore);
    const after = await enc(c, mpk, policy, 'new');
    // Refreshed: opens both; the key as it was before the rotation opens only the old one.
    assert.equal(await dec(c, fin, before), 'old');
    assert.equal(await dec(c, fin, after), 'new');
    const stale = await UserKey.load(finBefore);
    assert.equal(decrypt(stale, after).authorized, false);
    assert.equal(decrypt(stale, before).authorized, true);
    // The revoked key (Deactivated) still processes old data, but was not given the new secret.
    assert.equal((await attributesOf(c, revoked)).state, State.Deactivated);
    assert.equal(await dec(c, revoked, before), 'old');
    await rejectsWithReason(
      dec(c, revoked, after),
      ResultReason.CryptographicFailure,
      /does not open/,
    );

    await rekey(c, msk, { PruneAccessPolicy: 'Department::FIN' });
    await rejectsWithReason(
      dec(c, fin, before),
      ResultReason.CryptographicFailure,
      /does not open/,
    );
    assert.equal(await dec(c, fin, after), 'new');
    // The legacy action name rotates too.
    await rekey(c, msk, { RotateAttributes: ['Department::FIN'] });
    assert.equal(await dec(c, fin, await enc(c, mpk, policy, 'newer')), 'newer');
  });

  test('structure edits: add, rename, disable, remove attributes', async () => {
    const { msk, mpk } = await masterPair(c, {
      dimensions: [
        { name: 'Level', kind: 'ordered', attributes: ['Low', 'High'] },
        { name: 'Dept', attributes: ['FIN', 'HR'] },
      ],
    });
    const all = await userKey(c, msk, 'Level::High');
    const fin = await userKey(c, msk, 'Dept::FIN');
    const oldFin = await enc(c, mpk, 'Dept::FIN && Level::Low', 'fin');

    await rekey(c, msk, { AddAttribute: [['Dept::LEG', 'Hybridized', null]] });
    const leg = await enc(c, mpk, 'Dept::LEG && Level::Low', 'leg');
    assert.equal(await dec(c, all, leg), 'leg'); // refreshed: gained the new rights
    await rejectsWithReason(dec(c, fin, leg), ResultReason.CryptographicFailure);

    await rekey(c, msk, { RenameAttribute: [['Dept::FIN', 'Finance']] });
    assert.equal(
      vendorValue(await attributesOf(c, fin), 'cover_crypt_access_policy'),
      'Dept::Finance',
    );
    assert.match(
      vendorValue(await attributesOf(c, mpk), 'cover_crypt_access_structure') ?? '',
      /Finance/,
    );
    assert.equal(await dec(c, fin, oldFin), 'fin');
    assert.equal(await dec(c, fin, await enc(c, mpk, 'Dept::Finance', 'renamed')), 'renamed');
    await rejectsWithReason(enc(c, mpk, 'Dept::FIN', 'x'), ResultReason.InvalidField, /FIN/);

    await rekey(c, msk, { DisableAttribute: ['Dept::Finance'] });
    await rejectsWithReason(enc(c, mpk, 'Dept::Finance', 'x'), ResultReason.InvalidField);
    assert.equal(await dec(c, fin, oldFin), 'fin');
    await rekey(c, msk, { EnableAttribute: ['Dept::Finance'] });
    assert.equal(await dec(c, fin, await enc(c, mpk, 'Dept::Finance', 'back')), 'back');

    await rekey(c, msk, { DeleteAttribute: ['Dept::HR'] });
    await rejectsWithReason(enc(c, mpk, 'Dept::HR', 'x'), ResultReason.InvalidField);
    await rejectsWithReason(
      rekey(c, msk, { DeleteAttribute: ['Dept::Nope'] }),
      ResultReason.InvalidAttributeValue,
    );
  });

  test('rights, usage masks and states', async () => {
    const bob = t.as('bob');
    const { msk, mpk } = await masterPair(c);
    const usk = await userKey(c, msk, 'Department::HR');
    const ct = await enc(c, mpk, 'Department::HR', 'hr');
    await rejectsWithReason(enc(bob, mpk, 'Department::HR', 'x'), ResultReason.PermissionDenied);
    await rejectsWithReason(dec(bob, usk, ct), ResultReason.PermissionDenied);
    await rejectsWithReason(userKey(bob, msk, 'Department::HR'), ResultReason.PermissionDenied);
    await rejectsWithReason(
      rekey(bob, msk, { RekeyAccessPolicy: '*' }),
      ResultReason.PermissionDenied,
    );
    const grant = await t.post(
      '/access/grant',
      JSON.stringify({ unique_identifier: mpk, user_id: 'bob', operation_types: ['encrypt'] }),
      { authorization: 'Bearer token-alice' },
    );
    assert.equal(grant.status, 200, grant.text);
    assert.equal(await dec(c, usk, await enc(bob, mpk, 'Department::HR', 'ok')), 'ok');
    // Wrong kind of key for the operation.
    await rejectsWithReason(enc(c, usk, 'Department::HR', 'x'), ResultReason.IllegalObjectType);
    await rejectsWithReason(dec(c, msk, ct), ResultReason.IllegalObjectType);
    // Usage mask: an encrypt-only user key does not decrypt.
    const noDecrypt = await userKey(c, msk, 'Department::HR', {
      cryptographicUsageMask: CryptographicUsageMask.Encrypt,
    });
    await rejectsWithReason(dec(c, noDecrypt, ct), ResultReason.IncompatibleCryptographicUsageMask);
    // A Pre-Active public key does not encrypt; a Pre-Active master issues no user key.
    const later = await masterPair(c, STRUCTURE, { activationDate: new Date('2999-01-01') });
    await rejectsWithReason(
      enc(c, later.mpk, 'Department::HR', 'x'),
      ResultReason.WrongKeyLifecycleState,
    );
    await rejectsWithReason(
      userKey(c, later.msk, 'Department::HR'),
      ResultReason.WrongKeyLifecycleState,
    );
    // A revoked public key no longer encrypts.
    await c.revoke(mpk, RevocationReasonCode.CessationOfOperation);
    await rejectsWithReason(
      enc(c, mpk, 'Department::HR', 'x'),
      ResultReason.WrongKeyLifecycleState,
    );
  });

  test('hostile inputs: clean errors, nothing stored', async () => {
    const { msk, mpk } = await masterPair(c);
    const usk = await userKey(c, msk, 'Department::HR');
    const n = await count(c);
    const badStructures: [object | string, RegExp][] = [
      ['not json', /not JSON/],
      [[1, 2], /JSON object/],
      [{}, /no dimension/],
      [{ D: 'a' }, /attributes as strings/],
      [{ D: [] }, /no attributes/],
      [{ D: ['a', 'A'] }, /twice/],
      [{ dimensions: 'x' }, /dimensions/],
    ];
    for (const [s, message] of badStructures) {
      const text = typeof s === 'string' ? s : JSON.stringify(s);
      await rejectsWithReason(
        c.call(
          batchItem(Operation.CreateKeyPair, {
            commonAttributes: {
              cryptographicAlgorithm: COVERCRYPT,
              vendorAttributes: [vendor('cover_crypt_access_structure', text)],
            },
          }),
        ),
        ResultReason.InvalidAttributeValue,
        message,
      );
    }
    await rejectsWithReason(
      c.call(
        batchItem(Operation.CreateKeyPair, {
          commonAttributes: { cryptographicAlgorithm: COVERCRYPT },
        }),
      ),
      ResultReason.InvalidAttributeValue,
      /access structure/,
    );
    await rejectsWithReason(userKey(c, msk, 'Department::Nope'), ResultReason.InvalidField, /Nope/);
    await rejectsWithReason(userKey(c, msk, 'Department::HR &&'), ResultReason.InvalidField);
    await rejectsWithReason(userKey(c, msk, ''), ResultReason.InvalidField);
    await rejectsWithReason(userKey(c, mpk, 'Department::HR'), ResultReason.IllegalObjectType);
    await rejectsWithReason(userKey(c, 'no-such-key', 'Department::HR'), ResultReason.ItemNotFound);
    await rejectsWithReason(
      c.call(
        batchItem(Operation.Create, {
          objectType: ObjectType.PrivateKey,
          attributes: {
            cryptographicAlgorithm: COVERCRYPT,
            vendorAttributes: [vendor('cover_crypt_access_policy', 'Department::HR')],
          },
        }),
      ),
      ResultReason.MissingData,
      /Parent Link/,
    );
    assert.equal(await count(c), n, 'a refused request stored nothing');
    // The master key's serial counter did not move on refused requests.
    assert.equal((await MasterSecretKey.load(await bytesOf(c, msk))).issuedUsers, 1);

    await rejectsWithReason(
      enc(c, mpk, 'Department::Nope', 'x'),
      ResultReason.InvalidField,
      /Nope/,
    );
    await rejectsWithReason(
      enc(c, mpk, 'Department::HR || Department::MKG', 'x'),
      ResultReason.InvalidField,
    );
    await rejectsWithReason(
      c.encrypt(mpk, te.encode('\x09abc')),
      ResultReason.InvalidField,
      /out of range/,
    );
    await rejectsWithReason(c.encrypt(mpk, new Uint8Array([0x80])), ResultReason.InvalidField);
    await rejectsWithReason(c.encrypt(mpk, new Uint8Array([0, 1, 2])), ResultReason.InvalidField);
    await rejectsWithReason(
      c.encrypt(mpk, joinPolicy('Department::HR', te.encode('x')), {
        ivCounterNonce: new Uint8Array(12),
      }),
      ResultReason.BadCryptographicParameters,
    );
    const ct = await enc(c, mpk, 'Department::HR', 'hr');
    for (const garbage of [
      new Uint8Array(0),
      te.encode('garbage garbage garbage'),
      ct.subarray(0, 40),
      flip(ct, ct.length - 1),
    ])
      await rejectsWithReason(dec(c, usk, garbage), ResultReason.CryptographicFailure);
    // Inside the encapsulation: not authorized, or altered (hidden policy).
    await rejectsWithReason(dec(c, usk, flip(ct, 60)), ResultReason.CryptographicFailure);

    await rejectsWithReason(
      c.call(
        batchItem(Operation.ReKeyKeyPair, {
          privateKeyUniqueIdentifier: msk,
          privateKeyAttributes: { cryptographicAlgorithm: COVERCRYPT },
        }),
      ),
      ResultReason.MissingData,
    );
    await rejectsWithReason(rekey(c, msk, { Explode: [] }), ResultReason.InvalidAttributeValue);
    await rejectsWithReason(
      rekey(c, msk, { RekeyAccessPolicy: 5 }),
      ResultReason.InvalidAttributeValue,
    );
    await rejectsWithReason(
      rekey(c, msk, { PruneAccessPolicy: 'Department::HR && Security Level::Protected' }),
      ResultReason.InvalidField,
      /conjunction/,
    );
    await rejectsWithReason(
      rekey(c, msk, { RenameAttribute: [['Department::HR', 'MKG']] }),
      ResultReason.InvalidAttributeValue,
    );
    const mpkNow = await bytesOf(c, mpk);
    await rejectsWithReason(
      rekey(c, msk, { DeleteAttribute: ['Department::HR', 'Department::Nope'] }),
      ResultReason.InvalidAttributeValue,
    );
    assert.deepEqual(await bytesOf(c, mpk), mpkNow, 'a refused edit changed nothing');
    assert.equal(await dec(c, usk, ct), 'hr');
  });
}

void describe('Covercrypt in the KMS (SQLite)', () => {
  suite('sqlite');
});

void describe('Covercrypt in the KMS (PostgreSQL)', () => {
  suite('postgresql');
});

void describe('Covercrypt over the wire as Cosmian clients send it', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer();
  });
  after(() => t.close());

  void it('bare JSON Create Key Pair / Create / Encrypt / Decrypt with Cosmian spellings', async () => {
    const hex = (s: string | Uint8Array): string =>
      Buffer.from(typeof s === 'string' ? te.encode(s) : s)
        .toString('hex')
        .toUpperCase();
    const vendorJson = (name: string, value: string): object => ({
      tag: 'Attribute',
      value: [
        { tag: 'VendorIdentification', type: 'TextString', value: 'cosmian' },
        { tag: 'AttributeName', type: 'TextString', value: name },
        { tag: 'AttributeValue', type: 'ByteString', value: hex(value) },
      ],
    });
    const post = async (
      body: object,
    ): Promise<{ tag: string; value: { tag: string; value: unknown }[] }> => {
      const r = await t.post('/kmip/2_1', JSON.stringify(body));
      assert.equal(r.status, 200, r.text);
      return JSON.parse(r.text) as { tag: string; value: { tag: string; value: unknown }[] };
    };
    const field = (r: { value: { tag: string; value: unknown }[] }, tag: string): unknown =>
      r.value.find((v) => v.tag === tag)?.value;
    const kp = await post({
      tag: 'CreateKeyPair',
      value: [
        {
          tag: 'CommonAttributes',
          value: [
            { tag: 'CryptographicAlgorithm', type: 'Enumeration', value: 'CoverCrypt' },
            { tag: 'KeyFormatType', type: 'Enumeration', value: 'CoverCryptSecretKey' },
            { tag: 'ObjectType', type: 'Enumeration', value: 'PrivateKey' },
            { tag: 'CryptographicUsageMask', type: 'Integer', value: 2097152 },
            { tag: 'ActivationDate', type: 'DateTime', value: '2024-01-01T00:00:00Z' },
            vendorJson('cover_crypt_access_structure', JSON.stringify(STRUCTURE)),
          ],
        },
      ],
    });
    const msk = field(kp, 'PrivateKeyUniqueIdentifier') as string;
    const mpk = field(kp, 'PublicKeyUniqueIdentifier') as string;
    assert.equal(mpk, `${msk}_pk`);
    const uk = await post({
      tag: 'Create',
      value: [
        { tag: 'ObjectType', type: 'Enumeration', value: 'PrivateKey' },
        {
          tag: 'Attributes',
          value: [
            { tag: 'CryptographicAlgorithm', type: 'Enumeration', value: 'CoverCrypt' },
            { tag: 'KeyFormatType', type: 'Enumeration', value: 'CoverCryptSecretKey' },
            { tag: 'CryptographicUsageMask', type: 'Integer', value: 2097152 },
            { tag: 'ActivationDate', type: 'DateTime', value: '2024-01-01T00:00:00Z' },
            {
              tag: 'Link',
              value: [
                { tag: 'LinkType', type: 'Enumeration', value: 'ParentLink' },
                { tag: 'LinkedObjectIdentifier', type: 'TextString', value: msk },
              ],
            },
            vendorJson(
              'cover_crypt_access_policy',
              'Security Level::Confidential && Department::FIN',
            ),
          ],
        },
      ],
    });
    const usk = field(uk, 'UniqueIdentifier') as string;
    const e = await post({
      tag: 'Encrypt',
      value: [
        { tag: 'UniqueIdentifier', type: 'TextString', value: mpk },
        {
          tag: 'Data',
          type: 'ByteString',
          value: hex(joinPolicy('Department::FIN', te.encode('hello'))),
        },
      ],
    });
    const d = await post({
      tag: 'Decrypt',
      value: [
        { tag: 'UniqueIdentifier', type: 'TextString', value: usk },
        { tag: 'Data', type: 'ByteString', value: field(e, 'Data') },
      ],
    });
    assert.equal(td.decode(Buffer.from(field(d, 'Data') as string, 'hex')), 'hello');
    const rk = await post({
      tag: 'ReKeyKeyPair',
      value: [
        { tag: 'PrivateKeyUniqueIdentifier', type: 'TextString', value: msk },
        {
          tag: 'PrivateKeyAttributes',
          value: [
            { tag: 'CryptographicAlgorithm', type: 'Enumeration', value: 'CoverCrypt' },
            { tag: 'KeyFormatType', type: 'Enumeration', value: 'CoverCryptSecretKey' },
            vendorJson(
              'cover_crypt_rekey_action',
              JSON.stringify({ RekeyAccessPolicy: 'Department::FIN' }),
            ),
          ],
        },
      ],
    });
    assert.equal(field(rk, 'PublicKeyUniqueIdentifier'), mpk);
  });
});
