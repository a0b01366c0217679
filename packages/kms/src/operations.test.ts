/**
 * Every KMIP operation of the server, end to end over HTTP, on SQLite and on PostgreSQL.
 * Cryptographic results are checked against node:crypto / @noble computed in the test.
 */
import assert from 'node:assert/strict';
import {
  createCipheriv,
  type CipherGCM,
  createHash,
  createHmac,
  hkdfSync,
  pbkdf2Sync,
} from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { gcmsiv } from '@noble/ciphers/aes.js';
import {
  BatchErrorContinuationOption,
  BlockCipherMode,
  CryptographicAlgorithm,
  CryptographicUsageMask,
  DerivationMethod,
  HashingAlgorithm,
  KeyFormatType,
  KeyWrapType,
  LinkType,
  NameType,
  ObjectType,
  Operation,
  PaddingMethod,
  QueryFunction,
  ResultStatus,
  RevocationReasonCode,
  State,
  Tag,
  ValidityIndicator,
  WrappingMethod,
  activate,
  batchItem,
  createSymmetricKey,
  decodeResponsePayload,
  encrypt,
  type Attributes,
  type KmipClient,
  type ManagedObject,
} from '@custos/kmip';
import { fromHex, hex, rejectsWithReason, ResultReason } from './_test/assert.ts';
import {
  dropSchema,
  postgresSkipReason,
  startTestServer,
  type Backend,
  type TestServer,
} from './_test/harness.ts';
import { GCM_SIV_MODE } from './op-crypt.ts';

const PAST = new Date('2024-01-01T00:00:00Z');
const te = new TextEncoder();

function rawKey(object: ManagedObject): Uint8Array {
  assert.ok(object.kind === 'SymmetricKey' || object.kind === 'SecretData');
  const kv = object.keyBlock.keyValue;
  assert.ok(kv !== undefined && !(kv instanceof Uint8Array));
  const m = kv.keyMaterial;
  return m instanceof Uint8Array ? m : (m.key as Uint8Array);
}

function symmetric(
  bytes: Uint8Array,
  algorithm: number = CryptographicAlgorithm.AES,
): ManagedObject {
  return {
    kind: 'SymmetricKey',
    keyBlock: {
      keyFormatType: KeyFormatType.Raw,
      keyValue: { keyMaterial: bytes },
      cryptographicAlgorithm: algorithm,
      cryptographicLength: bytes.length * 8,
    },
  };
}

async function activeKey(
  c: KmipClient,
  options: Parameters<typeof createSymmetricKey>[0] = {},
): Promise<string> {
  const r = await c.createSymmetricKey({ activationDate: PAST, ...options });
  return r.uniqueIdentifier as string;
}

async function register(
  c: KmipClient,
  object: ManagedObject,
  attributes: Attributes = {},
): Promise<string> {
  const r = await c.call(
    batchItem(Operation.Register, {
      objectType: object.kind === 'SymmetricKey' ? ObjectType.SymmetricKey : ObjectType.SecretData,
      attributes: { activationDate: PAST, ...attributes },
      object,
    }),
  );
  return r.uniqueIdentifier as string;
}

function suite(backend: Backend): void {
  let t: TestServer;
  let c: KmipClient;
  let skip: string | undefined;

  before(async () => {
    if (backend === 'postgresql') skip = await postgresSkipReason();
    if (skip !== undefined) return;
    t = await startTestServer({ backend });
    c = t.client();
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

  test('Create, Get, GetAttributes, GetAttributeList', async () => {
    const uid = await activeKey(c, { length: 128, name: 'create-get' });
    const got = await c.get(uid);
    assert.equal(got.objectType, ObjectType.SymmetricKey);
    assert.equal(rawKey(got.object).length, 16);
    const transparent = await c.get(uid, { keyFormatType: KeyFormatType.TransparentSymmetricKey });
    assert.deepEqual(rawKey(transparent.object), rawKey(got.object));
    const attrs = await c.call(batchItem(Operation.GetAttributes, { uniqueIdentifier: uid }));
    assert.equal(attrs.attributes.state, State.Active);
    assert.equal(attrs.attributes.cryptographicAlgorithm, CryptographicAlgorithm.AES);
    assert.equal(attrs.attributes.cryptographicLength, 128);
    assert.equal(attrs.attributes.names?.[0]?.nameValue, 'create-get');
    assert.ok(attrs.attributes.initialDate instanceof Date);
    const some = await c.call(
      batchItem(Operation.GetAttributes, {
        uniqueIdentifier: uid,
        attributeReferences: [Tag.CryptographicLength],
      }),
    );
    assert.deepEqual(Object.keys(some.attributes), ['cryptographicLength']);
    const list = await c.call(batchItem(Operation.GetAttributeList, { uniqueIdentifier: uid }));
    assert.ok(list.attributeReferences?.includes(Tag.State));
    assert.ok(list.attributeReferences?.includes(Tag.CryptographicAlgorithm));
  });

  test('Create refuses bad lengths, unknown algorithms and server-only attributes', async () => {
    await rejectsWithReason(
      c.createSymmetricKey({ length: 100 }),
      ResultReason.InvalidAttributeValue,
    );
    await rejectsWithReason(
      c.createSymmetricKey({ algorithm: CryptographicAlgorithm.RSA }),
      ResultReason.UnsupportedCryptographicParameters,
    );
    await rejectsWithReason(
      c.createSymmetricKey({ attributes: { state: State.Active } }),
      ResultReason.AttributeReadOnly,
    );
    const sd = await c.call(
      batchItem(Operation.Create, {
        objectType: ObjectType.SecretData,
        attributes: { cryptographicLength: 512 },
      }),
    );
    assert.equal(rawKey((await c.get(sd.uniqueIdentifier as string)).object).length, 64);
    const chosen = await c.createSymmetricKey({
      attributes: { uniqueIdentifier: `chosen-${backend}` },
    });
    assert.equal(chosen.uniqueIdentifier, `chosen-${backend}`);
    await rejectsWithReason(
      c.createSymmetricKey({ attributes: { uniqueIdentifier: `chosen-${backend}` } }),
      ResultReason.ObjectAlreadyExists,
    );
  });

  test('lifecycle: Pre-Active, Activate, Revoke, Destroy, hard delete', async () => {
    const uid = (await c.createSymmetricKey()).uniqueIdentifier as string;
    const plain = te.encode('hello');
    await rejectsWithReason(c.encrypt(uid, plain), ResultReason.WrongKeyLifecycleState);
    await c.activate(uid);
    await rejectsWithReason(c.activate(uid), ResultReason.WrongKeyLifecycleState);
    const enc = await c.encrypt(uid, plain);
    await rejectsWithReason(c.destroy(uid), ResultReason.WrongKeyLifecycleState);
    await c.revoke(uid, RevocationReasonCode.CessationOfOperation);
    const attrs = await c.call(batchItem(Operation.GetAttributes, { uniqueIdentifier: uid }));
    assert.equal(attrs.attributes.state, State.Deactivated);
    assert.ok(attrs.attributes.deactivationDate instanceof Date);
    await rejectsWithReason(c.encrypt(uid, plain), ResultReason.WrongKeyLifecycleState);
    // A deactivated key still decrypts what it protected.
    const dec = await c.decrypt(uid, enc.data as Uint8Array, {
      ivCounterNonce: enc.ivCounterNonce as Uint8Array,
      authenticatedEncryptionTag: enc.authenticatedEncryptionTag as Uint8Array,
    });
    assert.deepEqual(dec.data, plain);
    await c.destroy(uid);
    await rejectsWithReason(c.get(uid), ResultReason.ObjectDestroyed);
    await rejectsWithReason(c.destroy(uid), ResultReason.ObjectDestroyed);
    const meta = await c.call(batchItem(Operation.GetAttributes, { uniqueIdentifier: uid }));
    assert.equal(meta.attributes.state, State.Destroyed);
    // Hard delete (Custos extension 0x540001).
    const r = await t.post(
      '/kmip/2_1',
      JSON.stringify({
        tag: 'Destroy',
        value: [
          { tag: 'UniqueIdentifier', type: 'TextString', value: uid },
          { tag: '0x540001', type: 'Boolean', value: true },
        ],
      }),
    );
    assert.equal(r.status, 200, r.text);
    await rejectsWithReason(
      c.call(batchItem(Operation.GetAttributes, { uniqueIdentifier: uid })),
      ResultReason.ItemNotFound,
    );
  });

  test('Revoke for key compromise makes the key Compromised (decrypt only)', async () => {
    const uid = await activeKey(c);
    const enc = await c.encrypt(uid, te.encode('x'));
    await c.revoke(uid, RevocationReasonCode.KeyCompromise);
    const a = await c.call(batchItem(Operation.GetAttributes, { uniqueIdentifier: uid }));
    assert.equal(a.attributes.state, State.Compromised);
    assert.ok(a.attributes.compromiseDate instanceof Date);
    await rejectsWithReason(c.encrypt(uid, te.encode('x')), ResultReason.WrongKeyLifecycleState);
    await c.decrypt(uid, enc.data as Uint8Array, {
      ivCounterNonce: enc.ivCounterNonce as Uint8Array,
      authenticatedEncryptionTag: enc.authenticatedEncryptionTag as Uint8Array,
    });
    await c.destroy(uid);
    const d = await c.call(batchItem(Operation.GetAttributes, { uniqueIdentifier: uid }));
    assert.equal(d.attributes.state, State.DestroyedCompromised);
  });

  test('dates: a Pre-Active key activates when its Activation Date passes; Protect Stop Date ends encryption', async () => {
    const soon = new Date(Date.now() + 1500);
    const uid = (await c.createSymmetricKey({ activationDate: soon })).uniqueIdentifier as string;
    await rejectsWithReason(c.encrypt(uid, te.encode('x')), ResultReason.WrongKeyLifecycleState);
    await new Promise((r) => setTimeout(r, 2100));
    await c.encrypt(uid, te.encode('x'));
    const stopped = await activeKey(c, { attributes: { protectStopDate: PAST } });
    await rejectsWithReason(
      c.encrypt(stopped, te.encode('x')),
      ResultReason.WrongKeyLifecycleState,
    );
  });

  test('Encrypt/Decrypt AES-GCM matches node:crypto, with AAD, all key sizes', async () => {
    for (const bits of [128, 192, 256]) {
      const key = globalThis.crypto.getRandomValues(new Uint8Array(bits / 8));
      const uid = await register(c, symmetric(key));
      const iv = fromHex('cafebabefacedbaddecaf888');
      const aad = fromHex('feedfacedeadbeeffeedfacedeadbeefabaddad2');
      const plain = te.encode('the quick brown fox jumps over the lazy dog');
      const r = await c.encrypt(uid, plain, {
        ivCounterNonce: iv,
        authenticatedEncryptionAdditionalData: aad,
        cryptographicParameters: { blockCipherMode: BlockCipherMode.GCM },
      });
      const ref = createCipheriv(`aes-${bits}-gcm`, key, iv) as CipherGCM;
      ref.setAAD(aad);
      const expected = Buffer.concat([ref.update(plain), ref.final()]);
      assert.equal(hex(r.data as Uint8Array), expected.toString('hex'));
      assert.equal(
        hex(r.authenticatedEncryptionTag as Uint8Array),
        ref.getAuthTag().toString('hex'),
      );
      assert.equal(r.ivCounterNonce, undefined, 'a client IV is not echoed');
      const d = await c.decrypt(uid, r.data as Uint8Array, {
        ivCounterNonce: iv,
        authenticatedEncryptionAdditionalData: aad,
        authenticatedEncryptionTag: r.authenticatedEncryptionTag as Uint8Array,
      });
      assert.deepEqual(d.data, plain);
      const bad = Uint8Array.from(r.authenticatedEncryptionTag as Uint8Array);
      bad[0] = (bad[0] as number) ^ 1;
      await rejectsWithReason(
        c.decrypt(uid, r.data as Uint8Array, {
          ivCounterNonce: iv,
          authenticatedEncryptionAdditionalData: aad,
          authenticatedEncryptionTag: bad,
        }),
        ResultReason.CryptographicFailure,
      );
    }
  });

  test('Encrypt/Decrypt AES-CBC (PKCS5 and no padding), AES-XTS, AES-GCM-SIV, ChaCha20-Poly1305', async () => {
    const key = globalThis.crypto.getRandomValues(new Uint8Array(32));
    const uid = await register(c, symmetric(key));
    const plain = te.encode('0123456789abcdef-and-more');
    const iv = globalThis.crypto.getRandomValues(new Uint8Array(16));
    // CBC with PKCS#7 padding.
    const cbc = await c.encrypt(uid, plain, {
      ivCounterNonce: iv,
      cryptographicParameters: {
        blockCipherMode: BlockCipherMode.CBC,
        paddingMethod: PaddingMethod.PKCS5,
      },
    });
    const refCbc = createCipheriv('aes-256-cbc', key, iv);
    assert.equal(
      hex(cbc.data as Uint8Array),
      Buffer.concat([refCbc.update(plain), refCbc.final()]).toString('hex'),
    );
    assert.deepEqual(
      (
        await c.decrypt(uid, cbc.data as Uint8Array, {
          ivCounterNonce: iv,
          cryptographicParameters: { blockCipherMode: BlockCipherMode.CBC },
        })
      ).data,
      plain,
    );
    // Unaligned data without padding is a bad parameter, not a crash.
    await rejectsWithReason(
      c.encrypt(uid, plain, {
        ivCounterNonce: iv,
        cryptographicParameters: {
          blockCipherMode: BlockCipherMode.CBC,
          paddingMethod: PaddingMethod.None,
        },
      }),
      ResultReason.BadCryptographicParameters,
    );
    // XTS with a 512-bit key (two AES-256 keys).
    const xtsKey = globalThis.crypto.getRandomValues(new Uint8Array(64));
    const xts = await register(c, symmetric(xtsKey));
    const tweak = globalThis.crypto.getRandomValues(new Uint8Array(16));
    const xr = await c.encrypt(xts, plain, {
      ivCounterNonce: tweak,
      cryptographicParameters: { blockCipherMode: BlockCipherMode.XTS },
    });
    const refXts = createCipheriv('aes-256-xts', xtsKey, tweak);
    assert.equal(
      hex(xr.data as Uint8Array),
      Buffer.concat([refXts.update(plain), refXts.final()]).toString('hex'),
    );
    assert.deepEqual(
      (
        await c.decrypt(xts, xr.data as Uint8Array, {
          ivCounterNonce: tweak,
          cryptographicParameters: { blockCipherMode: BlockCipherMode.XTS },
        })
      ).data,
      plain,
    );
    // AES-GCM-SIV (Cosmian's extension mode value).
    const nonce = globalThis.crypto.getRandomValues(new Uint8Array(12));
    const siv = await c.encrypt(uid, plain, {
      ivCounterNonce: nonce,
      cryptographicParameters: { blockCipherMode: GCM_SIV_MODE },
    });
    const refSiv = gcmsiv(key, nonce).encrypt(plain);
    assert.equal(
      hex(siv.data as Uint8Array) + hex(siv.authenticatedEncryptionTag as Uint8Array),
      hex(refSiv),
    );
    assert.deepEqual(
      (
        await c.decrypt(uid, siv.data as Uint8Array, {
          ivCounterNonce: nonce,
          authenticatedEncryptionTag: siv.authenticatedEncryptionTag as Uint8Array,
          cryptographicParameters: { blockCipherMode: GCM_SIV_MODE },
        })
      ).data,
      plain,
    );
    // ChaCha20-Poly1305 with a ChaCha20 key, random nonce returned.
    const chachaKey = globalThis.crypto.getRandomValues(new Uint8Array(32));
    const chacha = await register(c, symmetric(chachaKey, CryptographicAlgorithm.ChaCha20));
    const cr = await c.encrypt(chacha, plain, {
      authenticatedEncryptionAdditionalData: te.encode('aad'),
    });
    const n = cr.ivCounterNonce as Uint8Array;
    assert.equal(n.length, 12);
    const refCha = createCipheriv('chacha20-poly1305', chachaKey, n, { authTagLength: 16 });
    refCha.setAAD(te.encode('aad'), { plaintextLength: plain.length });
    assert.equal(
      hex(cr.data as Uint8Array),
      Buffer.concat([refCha.update(plain), refCha.final()]).toString('hex'),
    );
    assert.equal(
      hex(cr.authenticatedEncryptionTag as Uint8Array),
      refCha.getAuthTag().toString('hex'),
    );
    assert.deepEqual(
      (
        await c.decrypt(chacha, cr.data as Uint8Array, {
          ivCounterNonce: n,
          authenticatedEncryptionAdditionalData: te.encode('aad'),
          authenticatedEncryptionTag: cr.authenticatedEncryptionTag as Uint8Array,
        })
      ).data,
      plain,
    );
    // Wrong IV length, unsupported mode.
    await rejectsWithReason(
      c.encrypt(uid, plain, { ivCounterNonce: new Uint8Array(5) }),
      ResultReason.BadCryptographicParameters,
    );
    await rejectsWithReason(
      c.encrypt(uid, plain, { cryptographicParameters: { blockCipherMode: BlockCipherMode.ECB } }),
      ResultReason.UnsupportedCryptographicParameters,
    );
    await rejectsWithReason(c.decrypt(uid, plain, {}), ResultReason.MissingInitializationVector);
  });

  test('usage mask is enforced and Check reports it', async () => {
    const uid = await activeKey(c, { usageMask: CryptographicUsageMask.Decrypt });
    await rejectsWithReason(
      c.encrypt(uid, te.encode('x')),
      ResultReason.IncompatibleCryptographicUsageMask,
    );
    await c.call(
      batchItem(Operation.Check, {
        uniqueIdentifier: uid,
        cryptographicUsageMask: CryptographicUsageMask.Decrypt,
      }),
    );
    await rejectsWithReason(
      c.call(
        batchItem(Operation.Check, {
          uniqueIdentifier: uid,
          cryptographicUsageMask: CryptographicUsageMask.Encrypt,
        }),
      ),
      ResultReason.IncompatibleCryptographicUsageMask,
    );
  });

  test('Register and Import (replace, unwrap), Export and Get with key wrapping (AES-KW, KWP, GCM)', async () => {
    const kek = await activeKey(c, {
      usageMask: CryptographicUsageMask.WrapKey | CryptographicUsageMask.UnwrapKey,
    });
    const secret = globalThis.crypto.getRandomValues(new Uint8Array(32));
    const uid = await register(c, symmetric(secret), {
      names: [{ nameValue: `wrapped-${backend}`, nameType: NameType.UninterpretedTextString }],
    });
    for (const mode of [
      BlockCipherMode.NISTKeyWrap,
      BlockCipherMode.AESKeyWrapPadding,
      BlockCipherMode.GCM,
    ]) {
      const wrapped = await c.call(
        batchItem(Operation.Export, {
          uniqueIdentifier: uid,
          keyWrappingSpecification: {
            wrappingMethod: WrappingMethod.Encrypt,
            encryptionKeyInformation: {
              uniqueIdentifier: kek,
              cryptographicParameters: { blockCipherMode: mode },
            },
          },
        }),
      );
      assert.equal(wrapped.attributes.names?.[0]?.nameValue, `wrapped-${backend}`);
      const obj = wrapped.object;
      assert.ok(obj.kind === 'SymmetricKey' && obj.keyBlock.keyValue instanceof Uint8Array);
      assert.notEqual(hex(obj.keyBlock.keyValue), hex(secret));
      const imported = `imported-${backend}-${mode}`;
      await c.call(
        batchItem(Operation.Import, {
          uniqueIdentifier: imported,
          objectType: ObjectType.SymmetricKey,
          keyWrapType: KeyWrapType.NotWrapped,
          attributes: { activationDate: PAST },
          object: obj,
        }),
      );
      assert.equal(hex(rawKey((await c.get(imported)).object)), hex(secret));
    }
    // Get with wrapping too; the wrapping key needs the Wrap Key usage.
    const plainKey = await activeKey(c, { usageMask: CryptographicUsageMask.Encrypt });
    await rejectsWithReason(
      c.get(uid, {
        keyWrappingSpecification: {
          wrappingMethod: WrappingMethod.Encrypt,
          encryptionKeyInformation: { uniqueIdentifier: plainKey },
        },
      }),
      ResultReason.IncompatibleCryptographicUsageMask,
    );
    await rejectsWithReason(
      c.get(uid, {
        keyWrappingSpecification: {
          wrappingMethod: WrappingMethod.Encrypt,
          encryptionKeyInformation: { uniqueIdentifier: 'no-such-key' },
        },
      }),
      ResultReason.WrappingObjectNotFound,
    );
    // Import over an existing identifier needs Replace Existing.
    const again = globalThis.crypto.getRandomValues(new Uint8Array(16));
    const imported = `imported-${backend}-${BlockCipherMode.GCM}`;
    await rejectsWithReason(
      c.call(
        batchItem(Operation.Import, {
          uniqueIdentifier: imported,
          objectType: ObjectType.SymmetricKey,
          attributes: {},
          object: symmetric(again),
        }),
      ),
      ResultReason.ObjectAlreadyExists,
    );
    await c.call(
      batchItem(Operation.Import, {
        uniqueIdentifier: imported,
        objectType: ObjectType.SymmetricKey,
        replaceExisting: true,
        attributes: {},
        object: symmetric(again),
      }),
    );
    assert.equal(hex(rawKey((await c.get(imported)).object)), hex(again));
    // Non-extractable and sensitive keys.
    const locked = await activeKey(c, { attributes: { extractable: false } });
    await rejectsWithReason(c.get(locked), ResultReason.NotExtractable);
    const sensitive = await activeKey(c, { attributes: { sensitive: true } });
    await rejectsWithReason(c.get(sensitive), ResultReason.Sensitive);
    await c.get(sensitive, {
      keyWrappingSpecification: {
        wrappingMethod: WrappingMethod.Encrypt,
        encryptionKeyInformation: { uniqueIdentifier: kek },
      },
    });
  });

  test('attributes: Add, Set, Modify, Delete, read-only refusals, tags', async () => {
    const uid = await activeKey(c, { name: 'attr-a' });
    await c.call(
      batchItem(Operation.AddAttribute, {
        uniqueIdentifier: uid,
        newAttribute: {
          names: [{ nameValue: 'attr-b', nameType: NameType.UninterpretedTextString }],
        },
      }),
    );
    await c.call(
      batchItem(Operation.SetAttribute, {
        uniqueIdentifier: uid,
        newAttribute: { description: 'first' },
      }),
    );
    await c.call(
      batchItem(Operation.SetAttribute, {
        uniqueIdentifier: uid,
        newAttribute: { description: 'second' },
      }),
    );
    await rejectsWithReason(
      c.call(
        batchItem(Operation.AddAttribute, {
          uniqueIdentifier: uid,
          newAttribute: { description: 'third' },
        }),
      ),
      ResultReason.AttributeSingleValued,
    );
    await c.call(
      batchItem(Operation.ModifyAttribute, {
        uniqueIdentifier: uid,
        currentAttribute: {
          names: [{ nameValue: 'attr-a', nameType: NameType.UninterpretedTextString }],
        },
        newAttribute: {
          names: [{ nameValue: 'attr-c', nameType: NameType.UninterpretedTextString }],
        },
      }),
    );
    let a = (await c.call(batchItem(Operation.GetAttributes, { uniqueIdentifier: uid })))
      .attributes;
    assert.deepEqual(
      a.names?.map((n) => n.nameValue),
      ['attr-c', 'attr-b'],
    );
    assert.equal(a.description, 'second');
    await c.call(
      batchItem(Operation.DeleteAttribute, {
        uniqueIdentifier: uid,
        attributeReference: Tag.Description,
      }),
    );
    await c.call(
      batchItem(Operation.DeleteAttribute, {
        uniqueIdentifier: uid,
        currentAttribute: {
          names: [{ nameValue: 'attr-b', nameType: NameType.UninterpretedTextString }],
        },
      }),
    );
    a = (await c.call(batchItem(Operation.GetAttributes, { uniqueIdentifier: uid }))).attributes;
    assert.equal(a.description, undefined);
    assert.deepEqual(
      a.names?.map((n) => n.nameValue),
      ['attr-c'],
    );
    await rejectsWithReason(
      c.call(
        batchItem(Operation.DeleteAttribute, {
          uniqueIdentifier: uid,
          attributeReference: Tag.Comment,
        }),
      ),
      ResultReason.AttributeNotFound,
    );
    await rejectsWithReason(
      c.call(
        batchItem(Operation.SetAttribute, {
          uniqueIdentifier: uid,
          newAttribute: { cryptographicLength: 128 },
        }),
      ),
      ResultReason.AttributeReadOnly,
    );
    await rejectsWithReason(
      c.call(
        batchItem(Operation.SetAttribute, {
          uniqueIdentifier: uid,
          newAttribute: { activationDate: new Date() },
        }),
      ),
      ResultReason.AttributeReadOnly,
    );
    await rejectsWithReason(
      c.call(
        batchItem(Operation.DeleteAttribute, {
          uniqueIdentifier: uid,
          attributeReference: Tag.State,
        }),
      ),
      ResultReason.AttributeReadOnly,
    );
    await rejectsWithReason(
      c.call(
        batchItem(Operation.ModifyAttribute, {
          uniqueIdentifier: uid,
          newAttribute: { comment: 'c' },
        }),
      ),
      ResultReason.AttributeNotFound,
    );
    // Tags: vendor attribute "tag", Cosmian's spelling accepted.
    const tag = (tags: string[], vendor = 'cosmian'): Attributes => ({
      vendorAttributes: [
        {
          vendorIdentification: vendor,
          attributeName: 'tag',
          attributeValue: {
            tag: Tag.AttributeValue,
            type: 'TextString',
            value: JSON.stringify(tags),
          },
        },
      ],
    });
    await c.call(
      batchItem(Operation.AddAttribute, {
        uniqueIdentifier: uid,
        newAttribute: tag([`t1-${backend}`, `t2-${backend}`]),
      }),
    );
    await rejectsWithReason(
      c.call(
        batchItem(Operation.AddAttribute, {
          uniqueIdentifier: uid,
          newAttribute: tag(['_reserved']),
        }),
      ),
      ResultReason.InvalidAttributeValue,
    );
    const found = await c.locate(tag([`t1-${backend}`]));
    assert.deepEqual(found.uniqueIdentifiers, [uid]);
    // A tag list names one object as a Unique Identifier.
    const byTags = await c.encrypt(
      JSON.stringify([`t1-${backend}`, `t2-${backend}`]),
      te.encode('x'),
    );
    assert.equal(byTags.uniqueIdentifier, uid);
    await c.call(
      batchItem(Operation.SetAttribute, {
        uniqueIdentifier: uid,
        newAttribute: tag([`t3-${backend}`], 'custos'),
      }),
    );
    assert.deepEqual((await c.locate(tag([`t1-${backend}`]))).uniqueIdentifiers ?? [], []);
    const attrs = (await c.call(batchItem(Operation.GetAttributes, { uniqueIdentifier: uid })))
      .attributes;
    const tags = attrs.vendorAttributes?.find((v) => v.attributeName === 'tag');
    assert.deepEqual(
      JSON.parse(tags?.attributeValue.type === 'TextString' ? tags.attributeValue.value : ''),
      ['_kk', `t3-${backend}`],
    );
    await c.call(
      batchItem(Operation.DeleteAttribute, {
        uniqueIdentifier: uid,
        attributeReference: { vendorIdentification: 'custos', attributeName: 'tag' },
      }),
    );
    assert.deepEqual((await c.locate(tag([`t3-${backend}`]))).uniqueIdentifiers ?? [], []);
  });

  test('Locate: type, algorithm, length, state, names, links, date ranges, paging', async () => {
    const name = `loc-${backend}-${Date.now()}`;
    const a = await activeKey(c, { length: 128, name });
    const b = await activeKey(c, { length: 256, name });
    const p = (await c.createSymmetricKey({ length: 256, name })).uniqueIdentifier as string;
    const byName = { names: [{ nameValue: name, nameType: NameType.UninterpretedTextString }] };
    assert.deepEqual((await c.locate(byName)).uniqueIdentifiers, [a, b, p]);
    assert.deepEqual((await c.locate({ ...byName, cryptographicLength: 128 })).uniqueIdentifiers, [
      a,
    ]);
    assert.deepEqual((await c.locate({ ...byName, state: State.PreActive })).uniqueIdentifiers, [
      p,
    ]);
    assert.deepEqual(
      (await c.locate({ ...byName, objectType: ObjectType.SecretData })).uniqueIdentifiers ?? [],
      [],
    );
    assert.deepEqual(
      (
        await c.locate({
          ...byName,
          cryptographicAlgorithm: CryptographicAlgorithm.AES,
          state: State.Active,
        })
      ).uniqueIdentifiers,
      [a, b],
    );
    const page = await c.locate(byName, { maximumItems: 1, offsetItems: 1 });
    assert.deepEqual(page.uniqueIdentifiers, [b]);
    assert.equal(page.locatedItems, 3);
    const from = new Date(Date.now() - 60_000);
    const to = new Date(Date.now() + 60_000);
    assert.equal(
      (await c.locate({ ...byName, initialDate: from }, { rangeEnds: { initialDate: to } }))
        .uniqueIdentifiers?.length,
      3,
    );
    assert.equal(
      (
        await c.locate(
          { ...byName, initialDate: to },
          { rangeEnds: { initialDate: new Date(Date.now() + 120_000) } },
        )
      ).uniqueIdentifiers?.length ?? 0,
      0,
    );
    await c.call(
      batchItem(Operation.AddAttribute, {
        uniqueIdentifier: b,
        newAttribute: { links: [{ linkType: LinkType.ParentLink, linkedObjectIdentifier: a }] },
      }),
    );
    assert.deepEqual(
      (await c.locate({ links: [{ linkType: LinkType.ParentLink, linkedObjectIdentifier: a }] }))
        .uniqueIdentifiers,
      [b],
    );
    assert.deepEqual(
      (await c.locate({ ...byName, cryptographicUsageMask: CryptographicUsageMask.Encrypt }))
        .uniqueIdentifiers,
      [a, b, p],
    );
  });

  test('ReKey: new generation linked, old one deactivated, name and grants move', async () => {
    const name = `rekey-${backend}`;
    const old = await activeKey(c, { name, length: 192 });
    const r = await c.call(batchItem(Operation.ReKey, { uniqueIdentifier: old }));
    const fresh = r.uniqueIdentifier as string;
    assert.notEqual(fresh, old);
    const na = (await c.call(batchItem(Operation.GetAttributes, { uniqueIdentifier: fresh })))
      .attributes;
    assert.equal(na.state, State.Active);
    assert.equal(na.cryptographicLength, 192);
    assert.equal(na.names?.[0]?.nameValue, name);
    assert.deepEqual(
      na.links?.find((l) => l.linkType === LinkType.ReplacedObjectLink)?.linkedObjectIdentifier,
      old,
    );
    const oa = (await c.call(batchItem(Operation.GetAttributes, { uniqueIdentifier: old })))
      .attributes;
    assert.equal(oa.state, State.Deactivated);
    assert.equal(oa.names, undefined);
    assert.deepEqual(
      oa.links?.find((l) => l.linkType === LinkType.ReplacementObjectLink)?.linkedObjectIdentifier,
      fresh,
    );
    assert.notEqual(
      hex(rawKey((await c.get(fresh)).object)),
      hex(rawKey((await c.get(old)).object)),
    );
    assert.deepEqual(
      (await c.locate({ names: [{ nameValue: name, nameType: NameType.UninterpretedTextString }] }))
        .uniqueIdentifiers,
      [fresh],
    );
  });

  test('Query, DiscoverVersions, RNGRetrieve, Hash', async () => {
    const q = await c.query([
      QueryFunction.QueryOperations,
      QueryFunction.QueryObjects,
      QueryFunction.QueryServerInformation,
    ]);
    for (const op of [
      Operation.Create,
      Operation.Encrypt,
      Operation.Locate,
      Operation.ReKey,
      Operation.DeriveKey,
    ])
      assert.ok(q.operations?.includes(op));
    assert.ok(q.objectTypes?.includes(ObjectType.SymmetricKey));
    assert.match(q.vendorIdentification ?? '', /custos/);
    const v = await c.discoverVersions([
      { major: 3, minor: 0 },
      { major: 1, minor: 2 },
      { major: 2, minor: 1 },
    ]);
    assert.deepEqual(v.protocolVersions, [
      { major: 1, minor: 2 },
      { major: 2, minor: 1 },
    ]);
    assert.equal((await c.discoverVersions()).protocolVersions?.[0]?.major, 2);
    const rnd = await c.call(batchItem(Operation.RNGRetrieve, { dataLength: 48 }));
    assert.equal(rnd.data.length, 48);
    await rejectsWithReason(
      c.call(batchItem(Operation.RNGRetrieve, { dataLength: 0 })),
      ResultReason.InvalidField,
    );
    const data = te.encode('abc');
    for (const [alg, name] of [
      [HashingAlgorithm.SHA_256, 'sha256'],
      [HashingAlgorithm.SHA3_512, 'sha3-512'],
    ] as const) {
      const h = await c.call(
        batchItem(Operation.Hash, { cryptographicParameters: { hashingAlgorithm: alg }, data }),
      );
      assert.equal(hex(h.data as Uint8Array), createHash(name).update(data).digest('hex'));
    }
    await rejectsWithReason(
      c.call(
        batchItem(Operation.Hash, {
          cryptographicParameters: { hashingAlgorithm: HashingAlgorithm.MD5 },
          data,
        }),
      ),
      ResultReason.UnsupportedCryptographicParameters,
    );
  });

  test('MAC and MAC Verify (HMAC-SHA-256/512) match node:crypto', async () => {
    for (const [alg, name] of [
      [CryptographicAlgorithm.HMAC_SHA256, 'sha256'],
      [CryptographicAlgorithm.HMAC_SHA512, 'sha512'],
    ] as const) {
      const key = globalThis.crypto.getRandomValues(new Uint8Array(32));
      const uid = await register(c, symmetric(key, alg));
      const data = te.encode('message');
      const m = await c.call(batchItem(Operation.MAC, { uniqueIdentifier: uid, data }));
      assert.equal(hex(m.macData as Uint8Array), createHmac(name, key).update(data).digest('hex'));
      const ok = await c.call(
        batchItem(Operation.MACVerify, {
          uniqueIdentifier: uid,
          data,
          macData: m.macData as Uint8Array,
        }),
      );
      assert.equal(ok.validityIndicator, ValidityIndicator.Valid);
      const bad = await c.call(
        batchItem(Operation.MACVerify, {
          uniqueIdentifier: uid,
          data: te.encode('other'),
          macData: m.macData as Uint8Array,
        }),
      );
      assert.equal(bad.validityIndicator, ValidityIndicator.Invalid);
    }
    const aes = await activeKey(c);
    await rejectsWithReason(
      c.call(batchItem(Operation.MAC, { uniqueIdentifier: aes, data: te.encode('x') })),
      ResultReason.IncompatibleCryptographicUsageMask,
    );
  });

  test('DeriveKey with HKDF and PBKDF2 matches node:crypto', async () => {
    const seed = globalThis.crypto.getRandomValues(new Uint8Array(32));
    const base = await c.call(
      batchItem(Operation.Register, {
        objectType: ObjectType.SecretData,
        attributes: {
          activationDate: PAST,
          cryptographicUsageMask: CryptographicUsageMask.DeriveKey,
        },
        object: {
          kind: 'SecretData',
          secretDataType: 2,
          keyBlock: { keyFormatType: KeyFormatType.Opaque, keyValue: { keyMaterial: seed } },
        },
      }),
    );
    const baseUid = base.uniqueIdentifier as string;
    const salt = te.encode('saltsaltsalt');
    const hk = await c.call(
      batchItem(Operation.DeriveKey, {
        objectType: ObjectType.SymmetricKey,
        uniqueIdentifiers: [baseUid],
        derivationMethod: DerivationMethod.HKDF,
        derivationParameters: {
          cryptographicParameters: { hashingAlgorithm: HashingAlgorithm.SHA_256 },
          salt,
          derivationData: te.encode('info'),
        },
        attributes: {
          cryptographicAlgorithm: CryptographicAlgorithm.AES,
          cryptographicLength: 256,
          activationDate: PAST,
        },
      }),
    );
    const hkKey = rawKey((await c.get(hk.uniqueIdentifier)).object);
    assert.equal(
      hex(hkKey),
      Buffer.from(hkdfSync('sha256', seed, salt, te.encode('info'), 32)).toString('hex'),
    );
    const links = (
      await c.call(batchItem(Operation.GetAttributes, { uniqueIdentifier: hk.uniqueIdentifier }))
    ).attributes.links;
    assert.equal(links?.[0]?.linkType, LinkType.DerivationBaseObjectLink);
    const pb = await c.call(
      batchItem(Operation.DeriveKey, {
        objectType: ObjectType.SecretData,
        uniqueIdentifiers: [baseUid],
        derivationMethod: DerivationMethod.PBKDF2,
        derivationParameters: {
          cryptographicParameters: { hashingAlgorithm: HashingAlgorithm.SHA_512 },
          salt,
          iterationCount: 1000,
        },
        attributes: { cryptographicLength: 384 },
      }),
    );
    const pbKey = rawKey((await c.get(pb.uniqueIdentifier)).object);
    assert.equal(hex(pbKey), pbkdf2Sync(seed, salt, 1000, 48, 'sha512').toString('hex'));
    await rejectsWithReason(
      c.call(
        batchItem(Operation.DeriveKey, {
          objectType: ObjectType.SymmetricKey,
          uniqueIdentifiers: [baseUid],
          derivationMethod: DerivationMethod.PBKDF2,
          derivationParameters: {},
          attributes: {
            cryptographicAlgorithm: CryptographicAlgorithm.AES,
            cryptographicLength: 128,
          },
        }),
      ),
      ResultReason.MissingData,
    );
    const aes = await activeKey(c);
    await rejectsWithReason(
      c.call(
        batchItem(Operation.DeriveKey, {
          objectType: ObjectType.SecretData,
          uniqueIdentifiers: [aes],
          derivationMethod: DerivationMethod.HKDF,
          derivationParameters: {},
          attributes: {},
        }),
      ),
      ResultReason.IncompatibleCryptographicUsageMask,
    );
  });

  test('batches: ID Placeholder, Stop, Continue, Undo (nothing half-written)', async () => {
    const name = `batch-${backend}-${Date.now()}`;
    // Create, Activate and Encrypt with the placeholder in one message.
    const items = await c.batch([
      createSymmetricKey({ name }),
      activate(),
      encrypt(undefined, te.encode('in batch')),
    ]);
    assert.deepEqual(
      items.map((i) => i.resultStatus),
      [ResultStatus.Success, ResultStatus.Success, ResultStatus.Success],
    );
    const created = decodeResponsePayload(Operation.Create, items[0]?.payload as never);
    const enc = decodeResponsePayload(Operation.Encrypt, items[2]?.payload as never);
    assert.equal(enc.uniqueIdentifier, created.uniqueIdentifier);
    // Stop (default): the failing item ends the batch, earlier items stay.
    const undoName = `${name}-undo`;
    const stop = await c.batch([
      createSymmetricKey({ name: `${name}-stop` }),
      activate('missing-object'),
      activate(),
    ]);
    assert.deepEqual(
      stop.map((i) => i.resultStatus),
      [ResultStatus.Success, ResultStatus.OperationFailed],
    );
    assert.equal(stop[1]?.resultReason, ResultReason.ItemNotFound);
    assert.equal(
      (
        await c.locate({
          names: [{ nameValue: `${name}-stop`, nameType: NameType.UninterpretedTextString }],
        })
      ).uniqueIdentifiers?.length,
      1,
    );
    // Continue: every item runs.
    const cont = await c.batch(
      [activate('missing-object'), createSymmetricKey({ name: `${name}-cont` })],
      { batchErrorContinuationOption: BatchErrorContinuationOption.Continue },
    );
    assert.deepEqual(
      cont.map((i) => i.resultStatus),
      [ResultStatus.OperationFailed, ResultStatus.Success],
    );
    // Undo: earlier items are rolled back and reported undone.
    const undo = await c.batch(
      [createSymmetricKey({ name: undoName }), activate(), activate('missing-object')],
      { batchErrorContinuationOption: BatchErrorContinuationOption.Undo },
    );
    assert.deepEqual(
      undo.map((i) => i.resultStatus),
      [ResultStatus.OperationUndone, ResultStatus.OperationUndone, ResultStatus.OperationFailed],
    );
    assert.deepEqual(
      (
        await c.locate({
          names: [{ nameValue: undoName, nameType: NameType.UninterpretedTextString }],
        })
      ).uniqueIdentifiers ?? [],
      [],
    );
  });

  test('binary, JSON and XML on /kmip', async () => {
    for (const encoding of ['binary', 'json', 'xml'] as const) {
      const bc = t.client({ encoding, path: '/kmip' });
      const uid = await activeKey(bc);
      const e = await bc.encrypt(uid, te.encode(encoding));
      const d = await bc.decrypt(uid, e.data as Uint8Array, {
        ivCounterNonce: e.ivCounterNonce as Uint8Array,
        authenticatedEncryptionTag: e.authenticatedEncryptionTag as Uint8Array,
      });
      assert.deepEqual(d.data, te.encode(encoding));
    }
  });

  test('KMIP 1.2 clients: tag appended to the ciphertext, 1.x attributes only', async () => {
    const old = t.client({ encoding: 'binary', path: '/kmip', version: { major: 1, minor: 2 } });
    const uid = await activeKey(old);
    const e = await old.encrypt(uid, te.encode('legacy'));
    assert.equal(e.authenticatedEncryptionTag, undefined);
    assert.equal((e.data as Uint8Array).length, 6 + 16);
    const d = await old.decrypt(uid, e.data as Uint8Array, {
      ivCounterNonce: e.ivCounterNonce as Uint8Array,
    });
    assert.deepEqual(d.data, te.encode('legacy'));
    const a = await old.call(batchItem(Operation.GetAttributes, { uniqueIdentifier: uid }));
    assert.equal(a.attributes.state, State.Active);
    assert.equal(a.attributes.keyFormatType, undefined);
    await rejectsWithReason(old.get('missing-object'), ResultReason.ItemNotFound);
  });
}

void describe('operations on SQLite', () => {
  suite('sqlite');
});

void describe('operations on PostgreSQL', () => {
  suite('postgresql');
});
