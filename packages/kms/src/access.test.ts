/**
 * The authorization matrix: for every operation that acts on an object, the owner may, a user
 * granted that right may, a stranger may not, and `*` grants everyone; plus privileged creators
 * and the `/access/*` API.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  CryptographicAlgorithm,
  CryptographicUsageMask,
  DerivationMethod,
  KeyFormatType,
  NameType,
  ObjectType,
  Operation,
  RevocationReasonCode,
  Tag,
  WrappingMethod,
  batchItem,
  type KmipClient,
} from '@custos/kmip';
import { rejectsWithReason, ResultReason } from './_test/assert.ts';
import { startTestServer, tokenSettings, type TestServer } from './_test/harness.ts';

const PAST = new Date('2024-01-01T00:00:00Z');
const te = new TextEncoder();
const ALL_USAGE =
  CryptographicUsageMask.Encrypt |
  CryptographicUsageMask.Decrypt |
  CryptographicUsageMask.WrapKey |
  CryptographicUsageMask.UnwrapKey |
  CryptographicUsageMask.DeriveKey;

interface Case {
  right: string;
  /** Prepares the object (as its owner) and returns what `run` needs. */
  setup?: (owner: KmipClient, uid: string) => Promise<unknown>;
  /** Performs the operation as `client`. */
  run: (client: KmipClient, uid: string, prepared: unknown) => Promise<unknown>;
  /** Creates the object in a Pre-Active state (Activate). */
  preActive?: boolean;
  /** Creates an HMAC key (MAC). */
  hmac?: boolean;
}

const name = (v: string): { names: { nameValue: string; nameType: number }[] } => ({
  names: [{ nameValue: v, nameType: NameType.UninterpretedTextString }],
});

const CASES: readonly Case[] = [
  { right: 'get', run: (c, uid) => c.get(uid) },
  {
    right: 'export',
    run: (c, uid) => c.call(batchItem(Operation.Export, { uniqueIdentifier: uid })),
  },
  {
    right: 'getattributes',
    run: (c, uid) => c.call(batchItem(Operation.GetAttributes, { uniqueIdentifier: uid })),
  },
  {
    right: 'getattributes',
    run: (c, uid) => c.call(batchItem(Operation.GetAttributeList, { uniqueIdentifier: uid })),
  },
  {
    right: 'getattributes',
    run: (c, uid) => c.call(batchItem(Operation.Check, { uniqueIdentifier: uid })),
  },
  {
    right: 'addattribute',
    run: (c, uid) =>
      c.call(
        batchItem(Operation.AddAttribute, {
          uniqueIdentifier: uid,
          newAttribute: name(`n-${Math.random()}`),
        }),
      ),
  },
  {
    right: 'setattribute',
    run: (c, uid) =>
      c.call(
        batchItem(Operation.SetAttribute, {
          uniqueIdentifier: uid,
          newAttribute: { description: 'd' },
        }),
      ),
  },
  {
    right: 'modifyattribute',
    setup: (o, uid) =>
      o.call(
        batchItem(Operation.AddAttribute, { uniqueIdentifier: uid, newAttribute: name('first') }),
      ),
    run: (c, uid) =>
      c.call(
        batchItem(Operation.ModifyAttribute, {
          uniqueIdentifier: uid,
          newAttribute: name(`m-${Math.random()}`),
        }),
      ),
  },
  {
    right: 'deleteattribute',
    setup: (o, uid) =>
      o.call(
        batchItem(Operation.SetAttribute, {
          uniqueIdentifier: uid,
          newAttribute: { comment: 'c' },
        }),
      ),
    run: async (c, uid) => {
      await c.call(
        batchItem(Operation.DeleteAttribute, {
          uniqueIdentifier: uid,
          attributeReference: Tag.Comment,
        }),
      );
    },
  },
  { right: 'encrypt', run: (c, uid) => c.encrypt(uid, te.encode('x')) },
  {
    right: 'decrypt',
    setup: (o, uid) => o.encrypt(uid, te.encode('x')),
    run: (c, uid, e) => {
      const enc = e as {
        data: Uint8Array;
        ivCounterNonce: Uint8Array;
        authenticatedEncryptionTag: Uint8Array;
      };
      return c.decrypt(uid, enc.data, {
        ivCounterNonce: enc.ivCounterNonce,
        authenticatedEncryptionTag: enc.authenticatedEncryptionTag,
      });
    },
  },
  {
    right: 'mac',
    hmac: true,
    run: (c, uid) =>
      c.call(batchItem(Operation.MAC, { uniqueIdentifier: uid, data: te.encode('x') })),
  },
  {
    right: 'mac',
    hmac: true,
    setup: (o, uid) =>
      o.call(batchItem(Operation.MAC, { uniqueIdentifier: uid, data: te.encode('x') })),
    run: (c, uid, m) =>
      c.call(
        batchItem(Operation.MACVerify, {
          uniqueIdentifier: uid,
          data: te.encode('x'),
          macData: (m as { macData: Uint8Array }).macData,
        }),
      ),
  },
  {
    right: 'derivekey',
    run: (c, uid) =>
      c.call(
        batchItem(Operation.DeriveKey, {
          objectType: ObjectType.SymmetricKey,
          uniqueIdentifiers: [uid],
          derivationMethod: DerivationMethod.HKDF,
          derivationParameters: { salt: te.encode('salt') },
          attributes: {
            cryptographicAlgorithm: CryptographicAlgorithm.AES,
            cryptographicLength: 128,
          },
        }),
      ),
  },
  { right: 'activate', preActive: true, run: (c, uid) => c.activate(uid) },
  { right: 'revoke', run: (c, uid) => c.revoke(uid, RevocationReasonCode.Superseded) },
  {
    right: 'destroy',
    setup: (o, uid) => o.revoke(uid, RevocationReasonCode.Superseded),
    run: (c, uid) => c.destroy(uid),
  },
  {
    right: 'rekey',
    run: (c, uid) => c.call(batchItem(Operation.ReKey, { uniqueIdentifier: uid })),
  },
  {
    right: 'import',
    run: async (c, uid) => {
      // Replacing an object is reserved to its owner, whatever the grants.
      const object = {
        kind: 'SymmetricKey' as const,
        keyBlock: {
          keyFormatType: KeyFormatType.Raw,
          keyValue: { keyMaterial: new Uint8Array(16) },
        },
      };
      return c.call(
        batchItem(Operation.Import, {
          uniqueIdentifier: uid,
          objectType: ObjectType.SymmetricKey,
          replaceExisting: true,
          attributes: {},
          object,
        }),
      );
    },
  },
];

void describe('authorization matrix (owner, grantee, stranger, *)', () => {
  let t: TestServer;
  let alice: KmipClient;
  let bob: KmipClient;
  let carol: KmipClient;

  before(async () => {
    t = await startTestServer({ settings: tokenSettings(['alice', 'bob', 'carol', 'dave']) });
    alice = t.as('alice');
    bob = t.as('bob');
    carol = t.as('carol');
  });
  after(() => t.close());

  const grant = async (
    owner: string,
    uid: string,
    user: string,
    rights: string[],
    path = '/access/grant',
  ): Promise<void> => {
    const r = await t.post(
      path,
      JSON.stringify({ unique_identifier: uid, user_id: user, operation_types: rights }),
      { authorization: `Bearer token-${owner}` },
    );
    assert.equal(r.status, 200, r.text);
  };

  const fresh = async (c: Case): Promise<{ uid: string; prepared: unknown }> => {
    const created = await alice.createSymmetricKey({
      ...(c.hmac === true
        ? {
            algorithm: CryptographicAlgorithm.HMAC_SHA256,
            usageMask: CryptographicUsageMask.MACGenerate | CryptographicUsageMask.MACVerify,
          }
        : { usageMask: ALL_USAGE }),
      ...(c.preActive === true ? {} : { activationDate: PAST }),
    });
    const uid = created.uniqueIdentifier as string;
    const prepared = c.setup === undefined ? undefined : await c.setup(alice, uid);
    return { uid, prepared };
  };

  for (const [i, c] of CASES.entries()) {
    void it(`${i}: ${c.right}`, async () => {
      // Owner.
      {
        const { uid, prepared } = await fresh(c);
        await c.run(alice, uid, prepared);
      }
      // Stranger, then a grantee of another right, then a grantee of this right.
      {
        const { uid, prepared } = await fresh(c);
        await rejectsWithReason(c.run(carol, uid, prepared), ResultReason.PermissionDenied);
        const other = c.right === 'get' ? 'export' : 'get';
        await grant('alice', uid, 'bob', [other]);
        await rejectsWithReason(c.run(bob, uid, prepared), ResultReason.PermissionDenied);
        await grant('alice', uid, 'bob', [c.right]);
        if (c.right === 'import')
          await rejectsWithReason(c.run(bob, uid, prepared), ResultReason.PermissionDenied);
        else await c.run(bob, uid, prepared);
        // Revoking the right takes effect at once (cache invalidated).
        if (
          c.right !== 'destroy' &&
          c.right !== 'revoke' &&
          c.right !== 'rekey' &&
          c.right !== 'activate' &&
          c.right !== 'import'
        ) {
          await grant('alice', uid, 'bob', [c.right], '/access/revoke');
          await rejectsWithReason(c.run(bob, uid, prepared), ResultReason.PermissionDenied);
        }
      }
      // `*`: everyone.
      {
        const { uid, prepared } = await fresh(c);
        await grant('alice', uid, '*', [c.right]);
        if (c.right === 'import')
          await rejectsWithReason(c.run(carol, uid, prepared), ResultReason.PermissionDenied);
        else await c.run(carol, uid, prepared);
      }
    });
  }

  void it('Locate shows owned and granted objects only', async () => {
    const tagged = {
      vendorAttributes: [
        {
          vendorIdentification: 'custos',
          attributeName: 'tag',
          attributeValue: {
            tag: Tag.AttributeValue,
            type: 'TextString' as const,
            value: '["matrix-locate"]',
          },
        },
      ],
    };
    const a = (await alice.createSymmetricKey({ attributes: tagged })).uniqueIdentifier as string;
    const b = (await alice.createSymmetricKey({ attributes: tagged })).uniqueIdentifier as string;
    assert.deepEqual((await alice.locate(tagged)).uniqueIdentifiers, [a, b]);
    assert.deepEqual((await carol.locate(tagged)).uniqueIdentifiers ?? [], []);
    await grant('alice', b, 'carol', ['encrypt']);
    assert.deepEqual((await carol.locate(tagged)).uniqueIdentifiers, [b]);
    await grant('alice', a, '*', ['locate']);
    assert.deepEqual((await bob.locate(tagged)).uniqueIdentifiers, [a]);
  });

  void it('wrapping with a key needs the encrypt right on it', async () => {
    const kek = (await alice.createSymmetricKey({ activationDate: PAST, usageMask: ALL_USAGE }))
      .uniqueIdentifier as string;
    const mine = (await bob.createSymmetricKey({ activationDate: PAST }))
      .uniqueIdentifier as string;
    const spec = {
      keyWrappingSpecification: {
        wrappingMethod: WrappingMethod.Encrypt,
        encryptionKeyInformation: { uniqueIdentifier: kek },
      },
    };
    await rejectsWithReason(bob.get(mine, spec), ResultReason.PermissionDenied);
    await grant('alice', kek, 'bob', ['encrypt']);
    await bob.get(mine, spec);
  });

  void it('the /access API: list, owned, obtained, self-grant and non-owner refusals', async () => {
    const uid = (await alice.createSymmetricKey({ activationDate: PAST }))
      .uniqueIdentifier as string;
    await grant('alice', uid, 'bob', ['get', 'encrypt']);
    await grant('alice', uid, 'bob', ['decrypt']);
    const list = await t.get(`/access/list/${uid}`, { authorization: 'Bearer token-alice' });
    assert.deepEqual(list.json(), [{ user_id: 'bob', operations: ['decrypt', 'encrypt', 'get'] }]);
    assert.equal(
      (await t.get(`/access/list/${uid}`, { authorization: 'Bearer token-bob' })).status,
      403,
    );
    const obtained = (
      await t.get('/access/obtained', { authorization: 'Bearer token-bob' })
    ).json() as { object_id: string; owner_id: string; operations: string[] }[];
    const mine = obtained.find((o) => o.object_id === uid);
    assert.deepEqual(mine, {
      object_id: uid,
      owner_id: 'alice',
      state: 'Active',
      operations: ['decrypt', 'encrypt', 'get'],
    });
    const owned = (
      await t.get('/access/owned', { authorization: 'Bearer token-alice' })
    ).json() as { object_id: string }[];
    assert.ok(owned.some((o) => o.object_id === uid));
    const self = await t.post(
      '/access/grant',
      JSON.stringify({ unique_identifier: uid, user_id: 'alice', operation_types: ['get'] }),
      { authorization: 'Bearer token-alice' },
    );
    assert.equal(self.status, 400);
    const notOwner = await t.post(
      '/access/grant',
      JSON.stringify({ unique_identifier: uid, user_id: 'carol', operation_types: ['get'] }),
      { authorization: 'Bearer token-bob' },
    );
    assert.equal(notOwner.status, 403);
    assert.equal((JSON.parse(notOwner.text) as { reason: string }).reason, 'Permission_Denied');
    const badRight = await t.post(
      '/access/grant',
      JSON.stringify({ unique_identifier: uid, user_id: 'carol', operation_types: ['fly'] }),
      { authorization: 'Bearer token-alice' },
    );
    assert.equal(badRight.status, 400);
    const missing = await t.post(
      '/access/grant',
      JSON.stringify({ unique_identifier: 'nope', user_id: 'carol', operation_types: ['get'] }),
      { authorization: 'Bearer token-alice' },
    );
    assert.equal(missing.status, 404);
    assert.equal(
      (await t.get('/access/create', { authorization: 'Bearer token-carol' })).text,
      '{"has_create_permission":true}',
    );
    assert.equal(
      (await t.get('/me', { authorization: 'Bearer token-carol' })).text,
      '{"user":"carol"}',
    );
  });
});

void describe('privileged users', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer({
      settings: { ...tokenSettings(['root', 'eve', 'frank']), privileged_users: 'root' },
    });
  });
  after(() => t.close());

  void it('only privileged users and users granted "create" may create', async () => {
    const eve = t.as('eve');
    await rejectsWithReason(eve.createSymmetricKey(), ResultReason.PermissionDenied);
    assert.equal(
      (await t.get('/access/create', { authorization: 'Bearer token-eve' })).text,
      '{"has_create_permission":false}',
    );
    await t.as('root').createSymmetricKey();
    const denied = await t.post(
      '/access/grant',
      JSON.stringify({ unique_identifier: '*', user_id: 'frank', operation_types: ['create'] }),
      { authorization: 'Bearer token-eve' },
    );
    assert.equal(denied.status, 403);
    const ok = await t.post(
      '/access/grant',
      JSON.stringify({ unique_identifier: '*', user_id: 'eve', operation_types: ['create'] }),
      { authorization: 'Bearer token-root' },
    );
    assert.equal(ok.status, 200, ok.text);
    await eve.createSymmetricKey();
    assert.equal(
      (await t.get('/access/privileged', { authorization: 'Bearer token-root' })).text,
      '{"has_privileged_access":true}',
    );
  });
});
