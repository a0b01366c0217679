/**
 * Key pairs end to end over HTTP: Create Key Pair for every family, Get/Export in every key
 * format, Register/Import of those formats (PEM too) and of PKCS#12, Sign/Signature Verify,
 * Encrypt/Decrypt, Re-key Key Pair, key wrapping with public keys and certificates, and the
 * key-pair extension point. Results are checked against node:crypto (and the OpenSSL command
 * line for PKCS#12, skipped when it is absent). SQLite throughout; one PostgreSQL pass of the
 * core flows.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  constants,
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  privateDecrypt,
  publicEncrypt,
  sign as nodeSign,
  verify as nodeVerify,
  type KeyObject,
} from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { provider } from '@custos/crypto';
import {
  BlockCipherMode,
  CertificateType,
  CryptographicAlgorithm,
  CryptographicUsageMask as M,
  DigitalSignatureAlgorithm,
  HashingAlgorithm,
  KeyFormatType,
  KeyWrapType,
  LinkType,
  ObjectType,
  Operation,
  PaddingMethod,
  RecommendedCurve,
  ResultStatus,
  State,
  Tag,
  ValidityIndicator,
  WrappingMethod,
  batchItem,
  createKeyPair,
  decodeResponsePayload,
  type Attributes,
  type CryptographicParameters,
  type KmipClient,
  type ManagedObject,
  type TransparentKeyMaterial,
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
  CURVE25519,
  CURVEED25519,
  CUSTOS_ALGORITHM,
  ML_KEM_512,
  ML_KEM_768,
  ML_KEM_1024,
} from './_asym-keys.ts';
import { registerKeyPairAlgorithm } from './op-keypair.ts';

const PAST = new Date('2024-01-01T00:00:00Z');
const te = new TextEncoder();
const MESSAGE = te.encode('Custos KMS signs and encrypts this');

interface Spec {
  readonly label: string;
  readonly algorithm: number;
  readonly length?: number;
  readonly curve?: number;
  readonly node?: string;
}

const RSA: Spec = {
  label: 'RSA-2048',
  algorithm: CryptographicAlgorithm.RSA,
  length: 2048,
  node: 'rsa',
};
const P256: Spec = {
  label: 'P-256',
  algorithm: CryptographicAlgorithm.EC,
  curve: RecommendedCurve.P_256,
  node: 'ec',
};
const P384: Spec = {
  label: 'P-384',
  algorithm: CryptographicAlgorithm.ECDSA,
  curve: RecommendedCurve.P_384,
  node: 'ec',
};
const P521: Spec = {
  label: 'P-521',
  algorithm: CryptographicAlgorithm.EC,
  curve: RecommendedCurve.P_521,
  node: 'ec',
};
const ED25519: Spec = {
  label: 'Ed25519',
  algorithm: CryptographicAlgorithm.Ed25519,
  node: 'ed25519',
};
const X25519: Spec = {
  label: 'X25519',
  algorithm: CryptographicAlgorithm.ECDH,
  curve: CURVE25519,
  node: 'x25519',
};
const ML_KEM = [
  { label: 'ML-KEM-512', algorithm: ML_KEM_512, node: 'ml-kem-512' },
  { label: 'ML-KEM-768', algorithm: ML_KEM_768, node: 'ml-kem-768' },
  { label: 'ML-KEM-1024', algorithm: ML_KEM_1024, node: 'ml-kem-1024' },
] as const satisfies readonly Spec[];
const ML_DSA = [
  { label: 'ML-DSA-44', algorithm: CUSTOS_ALGORITHM.ML_DSA_44, node: 'ml-dsa-44' },
  { label: 'ML-DSA-65', algorithm: CUSTOS_ALGORITHM.ML_DSA_65, node: 'ml-dsa-65' },
  { label: 'ML-DSA-87', algorithm: CUSTOS_ALGORITHM.ML_DSA_87, node: 'ml-dsa-87' },
] as const satisfies readonly Spec[];
const XWING: Spec = { label: 'X-Wing', algorithm: CUSTOS_ALGORITHM.X_WING };

interface Pair {
  readonly priv: string;
  readonly pub: string;
}

async function pairOf(c: KmipClient, s: Spec, extra: Attributes = {}): Promise<Pair> {
  const options: Parameters<typeof createKeyPair>[0] = {
    algorithm: s.algorithm,
    commonAttributes: { activationDate: PAST, ...extra },
  };
  if (s.length !== undefined) options.length = s.length;
  if (s.curve !== undefined) options.curve = s.curve;
  const item = createKeyPair(options);
  // Let the server choose the default usage masks.
  delete item.payload.privateKeyAttributes?.cryptographicUsageMask;
  delete item.payload.publicKeyAttributes?.cryptographicUsageMask;
  const r = await c.call(item);
  return {
    priv: r.privateKeyUniqueIdentifier as string,
    pub: r.publicKeyUniqueIdentifier as string,
  };
}

async function attributesOf(c: KmipClient, uid: string): Promise<Attributes> {
  return (await c.call(batchItem(Operation.GetAttributes, { uniqueIdentifier: uid }))).attributes;
}

function bytesOf(o: ManagedObject): Uint8Array {
  assert.ok('keyBlock' in o);
  const kv = o.keyBlock.keyValue;
  assert.ok(kv !== undefined && !(kv instanceof Uint8Array));
  assert.ok(kv.keyMaterial instanceof Uint8Array);
  return kv.keyMaterial;
}

function transparentOf(o: ManagedObject): TransparentKeyMaterial {
  assert.ok('keyBlock' in o);
  const kv = o.keyBlock.keyValue;
  assert.ok(kv !== undefined && !(kv instanceof Uint8Array));
  assert.ok(!(kv.keyMaterial instanceof Uint8Array));
  return kv.keyMaterial;
}

function formatOf(o: ManagedObject): number {
  assert.ok('keyBlock' in o);
  return o.keyBlock.keyFormatType;
}

const der = (b: Uint8Array | Buffer): Uint8Array => new Uint8Array(b);

async function nodePrivate(c: KmipClient, uid: string): Promise<KeyObject> {
  const got = await c.get(uid, { keyFormatType: KeyFormatType.PKCS_8 });
  return createPrivateKey({ key: Buffer.from(bytesOf(got.object)), format: 'der', type: 'pkcs8' });
}

async function nodePublic(c: KmipClient, uid: string): Promise<KeyObject> {
  const got = await c.get(uid);
  return createPublicKey({ key: Buffer.from(bytesOf(got.object)), format: 'der', type: 'spki' });
}

function privateKeyObject(
  format: number,
  material: Uint8Array | TransparentKeyMaterial,
  attrs: Attributes = {},
): ManagedObject {
  return {
    kind: 'PrivateKey',
    keyBlock: { keyFormatType: format, keyValue: { keyMaterial: material }, ...attrs },
  };
}

function publicKeyObject(
  format: number,
  material: Uint8Array | TransparentKeyMaterial,
  attrs: Attributes = {},
): ManagedObject {
  return {
    kind: 'PublicKey',
    keyBlock: { keyFormatType: format, keyValue: { keyMaterial: material }, ...attrs },
  };
}

async function register(
  c: KmipClient,
  object: ManagedObject,
  attributes: Attributes = {},
): Promise<string> {
  const objectType =
    object.kind === 'PrivateKey'
      ? ObjectType.PrivateKey
      : object.kind === 'PublicKey'
        ? ObjectType.PublicKey
        : object.kind === 'Certificate'
          ? ObjectType.Certificate
          : ObjectType.SymmetricKey;
  const r = await c.call(
    batchItem(Operation.Register, {
      objectType,
      attributes: { activationDate: PAST, ...attributes },
      object,
    }),
  );
  return r.uniqueIdentifier as string;
}

async function signWith(
  c: KmipClient,
  uid: string,
  input: { data?: Uint8Array; digestedData?: Uint8Array },
  p?: CryptographicParameters,
): Promise<Uint8Array> {
  const r = await c.call(
    batchItem(Operation.Sign, {
      uniqueIdentifier: uid,
      ...input,
      ...(p === undefined ? {} : { cryptographicParameters: p }),
    }),
  );
  return r.signatureData as Uint8Array;
}

async function verifyWith(
  c: KmipClient,
  uid: string,
  input: { data?: Uint8Array; digestedData?: Uint8Array },
  signatureData: Uint8Array,
  p?: CryptographicParameters,
): Promise<boolean> {
  const r = await c.call(
    batchItem(Operation.SignatureVerify, {
      uniqueIdentifier: uid,
      ...input,
      signatureData,
      ...(p === undefined ? {} : { cryptographicParameters: p }),
    }),
  );
  return r.validityIndicator === ValidityIndicator.Valid;
}

async function enc(
  c: KmipClient,
  uid: string,
  data: Uint8Array,
  p?: CryptographicParameters,
  aad?: Uint8Array,
): Promise<Uint8Array> {
  const r = await c.call(
    batchItem(Operation.Encrypt, {
      uniqueIdentifier: uid,
      data,
      ...(p === undefined ? {} : { cryptographicParameters: p }),
      ...(aad === undefined ? {} : { authenticatedEncryptionAdditionalData: aad }),
    }),
  );
  assert.equal(r.ivCounterNonce, undefined);
  return r.data as Uint8Array;
}

async function dec(
  c: KmipClient,
  uid: string,
  data: Uint8Array,
  p?: CryptographicParameters,
  aad?: Uint8Array,
): Promise<Uint8Array> {
  const r = await c.call(
    batchItem(Operation.Decrypt, {
      uniqueIdentifier: uid,
      data,
      ...(p === undefined ? {} : { cryptographicParameters: p }),
      ...(aad === undefined ? {} : { authenticatedEncryptionAdditionalData: aad }),
    }),
  );
  return r.data as Uint8Array;
}

function linkOf(a: Attributes, type: number): string | undefined {
  const l = (a.links ?? []).find((x) => x.linkType === type);
  return l?.linkedObjectIdentifier as string | undefined;
}

// ---------------------------------------------------------------------------------------------

function coreSuite(backend: Backend): void {
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

  void test('Create Key Pair: linked halves, ID Placeholder, sign/verify, encrypt/decrypt, re-key', async (ctx) => {
    if (skip !== undefined) {
      ctx.skip(skip);
      return;
    }
    const items = await c.batch([
      createKeyPair({
        algorithm: CryptographicAlgorithm.EC,
        curve: RecommendedCurve.P_256,
        commonAttributes: { activationDate: PAST },
      }),
      batchItem(Operation.Sign, { data: MESSAGE }),
    ]);
    assert.deepEqual(
      items.map((i) => i.resultStatus),
      [ResultStatus.Success, ResultStatus.Success],
    );
    const created = decodeResponsePayload(Operation.CreateKeyPair, items[0]?.payload as never);
    const signed = decodeResponsePayload(Operation.Sign, items[1]?.payload as never);
    const priv = created.privateKeyUniqueIdentifier as string;
    const pub = created.publicKeyUniqueIdentifier as string;
    assert.equal(pub, `${priv}_pk`);
    assert.equal(signed.uniqueIdentifier, priv, 'the placeholder is the private key');
    assert.ok(await verifyWith(c, pub, { data: MESSAGE }, signed.signatureData as Uint8Array));
    const x = await pairOf(c, X25519);
    const ct = await enc(c, x.pub, MESSAGE);
    assert.deepEqual(await dec(c, x.priv, ct), MESSAGE);
    const r = await c.call(
      batchItem(Operation.ReKeyKeyPair, { privateKeyUniqueIdentifier: x.priv }),
    );
    const fresh = r.privateKeyUniqueIdentifier as string;
    assert.equal(linkOf(await attributesOf(c, fresh), LinkType.ReplacedObjectLink), x.priv);
    assert.equal((await attributesOf(c, x.priv)).state, State.Deactivated);
    assert.deepEqual(await dec(c, x.priv, ct), MESSAGE, 'a deactivated key still decrypts');
    await rejectsWithReason(enc(c, x.pub, MESSAGE), ResultReason.WrongKeyLifecycleState);
    const ct2 = await enc(c, r.publicKeyUniqueIdentifier as string, MESSAGE);
    assert.deepEqual(await dec(c, fresh, ct2), MESSAGE);
  });
}

const FAMILIES: readonly (Spec & {
  readonly bits: number;
  readonly signs: boolean;
  readonly encrypts: boolean;
})[] = [
  { ...RSA, bits: 2048, signs: true, encrypts: true },
  { ...P256, bits: 256, signs: true, encrypts: true },
  { ...P384, bits: 384, signs: true, encrypts: false },
  { ...P521, bits: 521, signs: true, encrypts: false },
  { ...ED25519, bits: 256, signs: true, encrypts: false },
  { ...X25519, bits: 256, signs: false, encrypts: true },
  ...ML_KEM.map((s, i) => ({
    ...s,
    bits: [512, 768, 1024][i] as number,
    signs: false,
    encrypts: true,
  })),
  ...ML_DSA.map((s, i) => ({
    ...s,
    bits: [44, 65, 87][i] as number,
    signs: true,
    encrypts: false,
  })),
  { ...XWING, bits: 768, signs: false, encrypts: true },
];

function openssl(): string | undefined {
  try {
    execFileSync('openssl', ['version'], { stdio: 'pipe' });
    return undefined;
  } catch {
    return 'the openssl command line is not installed';
  }
}

void describe('asymmetric keys (SQLite)', () => {
  let t: TestServer;
  let c: KmipClient;
  let bob: KmipClient;
  let rsa: Pair;
  let p256: Pair;
  let work: string;

  before(async () => {
    t = await startTestServer({ settings: tokenSettings(['alice', 'bob']) });
    c = t.as('alice');
    bob = t.as('bob');
    rsa = await pairOf(c, RSA);
    p256 = await pairOf(c, P256);
    work = mkdtempSync(join(tmpdir(), 'custos-asym-'));
  });
  after(async () => {
    await t.close();
    rmSync(work, { recursive: true, force: true });
  });

  const grant = async (uid: string, user: string, rights: string[]): Promise<void> => {
    const r = await t.post(
      '/access/grant',
      JSON.stringify({ unique_identifier: uid, user_id: user, operation_types: rights }),
      { authorization: 'Bearer token-alice' },
    );
    assert.equal(r.status, 200, r.text);
  };

  void test('every family: attributes, links both ways, default usage masks, storage forms', async () => {
    for (const f of FAMILIES) {
      const { priv, pub } = await pairOf(c, f);
      assert.equal(pub, `${priv}_pk`, f.label);
      const a = await attributesOf(c, priv);
      const b = await attributesOf(c, pub);
      assert.equal(a.objectType, ObjectType.PrivateKey);
      assert.equal(b.objectType, ObjectType.PublicKey);
      for (const x of [a, b]) {
        assert.equal(x.cryptographicAlgorithm, f.algorithm, f.label);
        assert.equal(x.cryptographicLength, f.bits, f.label);
        assert.equal(x.state, State.Active);
        assert.equal(
          x.cryptographicDomainParameters?.recommendedCurve,
          f.curve === undefined && f.algorithm === CryptographicAlgorithm.Ed25519
            ? CURVEED25519
            : f.curve,
          f.label,
        );
      }
      assert.equal(linkOf(a, LinkType.PublicKeyLink), pub);
      assert.equal(linkOf(b, LinkType.PrivateKeyLink), priv);
      const privMask = (f.signs ? M.Sign : 0) | (f.encrypts ? M.Decrypt | M.UnwrapKey : 0);
      const pubMask = (f.signs ? M.Verify : 0) | (f.encrypts ? M.Encrypt | M.WrapKey : 0);
      assert.equal(a.cryptographicUsageMask, privMask, f.label);
      assert.equal(b.cryptographicUsageMask, pubMask, f.label);
      const got = await c.get(priv);
      const gotPub = await c.get(pub);
      if (f.node === undefined) {
        assert.equal(formatOf(got.object), KeyFormatType.Raw);
        assert.equal(bytesOf(got.object).length, 32);
        assert.equal(bytesOf(gotPub.object).length, 1216);
        continue;
      }
      assert.equal(formatOf(got.object), KeyFormatType.PKCS_8, f.label);
      assert.equal(formatOf(gotPub.object), KeyFormatType.X_509, f.label);
      const k = await nodePrivate(c, priv);
      assert.equal(k.asymmetricKeyType, f.node, f.label);
      assert.deepEqual(
        der(createPublicKey(k).export({ format: 'der', type: 'spki' })),
        bytesOf(gotPub.object),
        `${f.label}: the public key is the private key's`,
      );
      if (f.node === 'rsa') assert.equal(k.asymmetricKeyDetails?.modulusLength, 2048);
    }
  });

  void test('RSA 3072 and 4096 (generated once), names, and refused requests', async () => {
    for (const bits of [3072, 4096]) {
      const { priv } = await pairOf(c, { ...RSA, length: bits });
      assert.equal((await nodePrivate(c, priv)).asymmetricKeyDetails?.modulusLength, bits);
    }
    const named = await c.call(
      createKeyPair({ algorithm: CryptographicAlgorithm.Ed25519, name: 'signer' }),
    );
    const a = await attributesOf(c, named.privateKeyUniqueIdentifier as string);
    const b = await attributesOf(c, named.publicKeyUniqueIdentifier as string);
    assert.equal(a.names?.[0]?.nameValue, 'signer');
    assert.equal(b.names?.[0]?.nameValue, 'signer.pub');
    assert.equal(a.state, State.PreActive, 'no activation date: Pre-Active');
    await rejectsWithReason(
      c.call(createKeyPair({ algorithm: CryptographicAlgorithm.AES, length: 256 })),
      ResultReason.UnsupportedCryptographicParameters,
    );
    await rejectsWithReason(
      c.call(createKeyPair({ algorithm: CryptographicAlgorithm.RSA, length: 1024 })),
      ResultReason.InvalidAttributeValue,
    );
    await rejectsWithReason(
      c.call(
        createKeyPair({ algorithm: CryptographicAlgorithm.EC, curve: RecommendedCurve.P_192 }),
      ),
      ResultReason.UnsupportedCryptographicParameters,
    );
    await rejectsWithReason(
      c.call(
        batchItem(Operation.CreateKeyPair, {
          commonAttributes: { cryptographicAlgorithm: CryptographicAlgorithm.Ed25519 },
          privateKeyAttributes: { cryptographicAlgorithm: CryptographicAlgorithm.RSA },
        }),
      ),
      ResultReason.InvalidField,
    );
    await rejectsWithReason(
      c.call(
        batchItem(Operation.CreateKeyPair, {
          commonAttributes: {
            state: State.Active,
            cryptographicAlgorithm: CryptographicAlgorithm.Ed25519,
          },
        }),
      ),
      ResultReason.AttributeReadOnly,
    );
    const chosen = `chosen-${Date.now()}`;
    const r = await c.call(
      batchItem(Operation.CreateKeyPair, {
        commonAttributes: {
          cryptographicAlgorithm: CryptographicAlgorithm.Ed25519,
          uniqueIdentifier: chosen,
        },
      }),
    );
    assert.deepEqual(
      [r.privateKeyUniqueIdentifier, r.publicKeyUniqueIdentifier],
      [chosen, `${chosen}_pk`],
    );
  });

  void test('ownership and rights: only the owner and grantees use the keys', async () => {
    await rejectsWithReason(bob.get(rsa.priv), ResultReason.PermissionDenied);
    await rejectsWithReason(
      signWith(bob, rsa.priv, { data: MESSAGE }),
      ResultReason.PermissionDenied,
    );
    await rejectsWithReason(enc(bob, rsa.pub, MESSAGE), ResultReason.PermissionDenied);
    await grant(rsa.pub, 'bob', ['get', 'encrypt']);
    assert.deepEqual(
      bytesOf((await bob.get(rsa.pub)).object),
      bytesOf((await c.get(rsa.pub)).object),
    );
    const ct = await enc(bob, rsa.pub, MESSAGE);
    assert.deepEqual(await dec(c, rsa.priv, ct), MESSAGE);
    await rejectsWithReason(dec(bob, rsa.priv, ct), ResultReason.PermissionDenied);
    // Sign and Signature Verify are grantable rights of their own.
    await rejectsWithReason(
      verifyWith(bob, rsa.pub, { data: MESSAGE }, await signWith(c, rsa.priv, { data: MESSAGE })),
      ResultReason.PermissionDenied,
    );
    await grant(rsa.priv, 'bob', ['sign']);
    await grant(rsa.pub, 'bob', ['signatureverify']);
    const sig = await signWith(bob, rsa.priv, { data: MESSAGE });
    assert.ok(await verifyWith(bob, rsa.pub, { data: MESSAGE }, sig));
  });

  void test('Get/Export: RSA in PKCS#1, PKCS#8, Transparent; Register of each format round-trips', async () => {
    const k = await nodePrivate(c, rsa.priv);
    const pk = createPublicKey(k);
    const jwk = k.export({ format: 'jwk' });
    const big = (v: string | undefined): bigint =>
      BigInt(`0x${Buffer.from(v as string, 'base64url').toString('hex')}`);
    const pkcs8 = bytesOf((await c.get(rsa.priv, { keyFormatType: KeyFormatType.PKCS_8 })).object);
    const pkcs1 = (await c.get(rsa.priv, { keyFormatType: KeyFormatType.PKCS_1 })).object;
    assert.equal(formatOf(pkcs1), KeyFormatType.PKCS_1);
    assert.deepEqual(bytesOf(pkcs1), der(k.export({ format: 'der', type: 'pkcs1' })));
    const tr = transparentOf(
      (await c.get(rsa.priv, { keyFormatType: KeyFormatType.TransparentRSAPrivateKey })).object,
    );
    assert.deepEqual(
      [
        tr.modulus,
        tr.publicExponent,
        tr.privateExponent,
        tr.p,
        tr.q,
        tr.primeExponentP,
        tr.primeExponentQ,
        tr.crtCoefficient,
      ],
      [jwk.n, jwk.e, jwk.d, jwk.p, jwk.q, jwk.dp, jwk.dq, jwk.qi].map(big),
    );
    const spki = der(pk.export({ format: 'der', type: 'spki' }));
    assert.deepEqual(
      bytesOf((await c.get(rsa.pub, { keyFormatType: KeyFormatType.PKCS_8 })).object),
      spki,
    );
    assert.deepEqual(
      bytesOf((await c.get(rsa.pub, { keyFormatType: KeyFormatType.PKCS_1 })).object),
      der(pk.export({ format: 'der', type: 'pkcs1' })),
    );
    const trPub = transparentOf(
      (await c.get(rsa.pub, { keyFormatType: KeyFormatType.TransparentRSAPublicKey })).object,
    );
    assert.deepEqual([trPub.modulus, trPub.publicExponent], [big(jwk.n), big(jwk.e)]);
    const exported = await c.call(
      batchItem(Operation.Export, {
        uniqueIdentifier: rsa.pub,
        keyFormatType: KeyFormatType.PKCS_1,
      }),
    );
    assert.equal(exported.attributes.cryptographicAlgorithm, CryptographicAlgorithm.RSA);
    // Register each private form: stored as the same PKCS#8.
    const privateForms: [string, ManagedObject][] = [
      ['PKCS#1', pkcs1],
      [
        'PKCS#1 PEM',
        privateKeyObject(
          KeyFormatType.PKCS_1,
          te.encode(k.export({ format: 'pem', type: 'pkcs1' }) as string),
        ),
      ],
      [
        'PKCS#8 PEM',
        privateKeyObject(
          KeyFormatType.PKCS_8,
          te.encode(k.export({ format: 'pem', type: 'pkcs8' }) as string),
        ),
      ],
      ['Transparent', privateKeyObject(KeyFormatType.TransparentRSAPrivateKey, tr)],
    ];
    for (const [label, object] of privateForms) {
      const uid = await register(c, object);
      assert.deepEqual(bytesOf((await c.get(uid)).object), pkcs8, label);
      const a = await attributesOf(c, uid);
      assert.equal(a.cryptographicLength, 2048, label);
      assert.equal(a.keyFormatType, KeyFormatType.PKCS_8, label);
    }
    const publicForms: [string, ManagedObject][] = [
      [
        'PKCS#1',
        publicKeyObject(KeyFormatType.PKCS_1, der(pk.export({ format: 'der', type: 'pkcs1' }))),
      ],
      [
        'SPKI PEM',
        publicKeyObject(
          KeyFormatType.X_509,
          te.encode(pk.export({ format: 'pem', type: 'spki' }) as string),
        ),
      ],
      ['SPKI as PKCS#8', publicKeyObject(KeyFormatType.PKCS_8, spki)],
      ['Transparent', publicKeyObject(KeyFormatType.TransparentRSAPublicKey, trPub)],
    ];
    for (const [label, object] of publicForms) {
      const uid = await register(c, object, { cryptographicUsageMask: M.Encrypt });
      assert.deepEqual(bytesOf((await c.get(uid)).object), spki, label);
      assert.deepEqual(await dec(c, rsa.priv, await enc(c, uid, MESSAGE)), MESSAGE, label);
    }
    await rejectsWithReason(
      register(c, privateKeyObject(KeyFormatType.PKCS_8, pkcs8), {
        cryptographicAlgorithm: CryptographicAlgorithm.EC,
      }),
      ResultReason.InvalidField,
    );
    await rejectsWithReason(
      register(c, privateKeyObject(KeyFormatType.PKCS_8, pkcs8.subarray(0, 100))),
      ResultReason.InvalidField,
    );
    await rejectsWithReason(
      register(
        c,
        privateKeyObject(
          KeyFormatType.PKCS_1,
          te.encode(pk.export({ format: 'pem', type: 'spki' }) as string),
        ),
      ),
      ResultReason.InvalidField,
    );
    await rejectsWithReason(
      register(
        c,
        privateKeyObject(KeyFormatType.TransparentRSAPrivateKey, {
          modulus: tr.modulus as bigint,
          privateExponent: tr.privateExponent as bigint,
        }),
      ),
      ResultReason.MissingData,
    );
    // Keys of algorithms the server does not implement are stored as given.
    const dsa = publicKeyObject(KeyFormatType.Raw, new Uint8Array(16).fill(1), {
      cryptographicAlgorithm: CryptographicAlgorithm.DSA,
    });
    assert.deepEqual(bytesOf((await c.get(await register(c, dsa))).object), bytesOf(dsa));
    await rejectsWithReason(
      c.get(rsa.priv, { keyFormatType: KeyFormatType.ECPrivateKey }),
      ResultReason.KeyFormatTypeNotSupported,
    );
    await rejectsWithReason(
      c.get(rsa.priv, { keyFormatType: KeyFormatType.Raw }),
      ResultReason.KeyFormatTypeNotSupported,
    );
  });

  void test('Get/Export: EC in SEC1, Transparent EC, Raw; 25519 and ML-* raw forms; Register back', async () => {
    for (const s of [P256, P521]) {
      const pair = s === P256 ? p256 : await pairOf(c, s);
      const k = await nodePrivate(c, pair.priv);
      const jwk = k.export({ format: 'jwk' });
      const d = Buffer.from(jwk.d as string, 'base64url');
      const point = Buffer.concat([
        Buffer.of(4),
        Buffer.from(jwk.x as string, 'base64url'),
        Buffer.from(jwk.y as string, 'base64url'),
      ]);
      const pkcs8 = bytesOf((await c.get(pair.priv)).object);
      const sec1 = (await c.get(pair.priv, { keyFormatType: KeyFormatType.ECPrivateKey })).object;
      assert.deepEqual(bytesOf(sec1), der(k.export({ format: 'der', type: 'sec1' })), s.label);
      const tr = transparentOf(
        (await c.get(pair.priv, { keyFormatType: KeyFormatType.TransparentECPrivateKey })).object,
      );
      assert.equal(tr.recommendedCurve, s.curve);
      assert.equal(tr.d, BigInt(`0x${d.toString('hex')}`));
      assert.deepEqual(
        bytesOf((await c.get(pair.priv, { keyFormatType: KeyFormatType.Raw })).object),
        der(d),
      );
      const trPub = transparentOf(
        (await c.get(pair.pub, { keyFormatType: KeyFormatType.TransparentECPublicKey })).object,
      );
      assert.deepEqual(trPub.qString, der(point));
      assert.deepEqual(
        bytesOf((await c.get(pair.pub, { keyFormatType: KeyFormatType.Raw })).object),
        der(point),
      );
      const hint: Attributes = {
        cryptographicAlgorithm: s.algorithm,
        cryptographicDomainParameters: { recommendedCurve: s.curve as number },
      };
      for (const [label, object, attrs] of [
        ['SEC1', sec1, {}],
        [
          'SEC1 PEM',
          privateKeyObject(
            KeyFormatType.ECPrivateKey,
            te.encode(k.export({ format: 'pem', type: 'sec1' }) as string),
          ),
          {},
        ],
        ['Transparent', privateKeyObject(KeyFormatType.TransparentECPrivateKey, tr), {}],
        ['Raw', privateKeyObject(KeyFormatType.Raw, der(d)), hint],
      ] as const) {
        const uid = await register(c, object, attrs);
        assert.deepEqual(bytesOf((await c.get(uid)).object), pkcs8, `${s.label} ${label}`);
        assert.equal(
          (await attributesOf(c, uid)).cryptographicDomainParameters?.recommendedCurve,
          s.curve,
        );
      }
      const pubUid = await register(
        c,
        publicKeyObject(KeyFormatType.TransparentECPublicKey, trPub),
      );
      assert.deepEqual(
        bytesOf((await c.get(pubUid)).object),
        bytesOf((await c.get(pair.pub)).object),
      );
      const sig = await signWith(c, pair.priv, { data: MESSAGE });
      assert.ok(await verifyWith(c, pubUid, { data: MESSAGE }, sig));
    }
    for (const s of [ED25519, X25519]) {
      const pair = await pairOf(c, s);
      const k = await nodePrivate(c, pair.priv);
      const jwk = k.export({ format: 'jwk' });
      const raw = der(Buffer.from(jwk.d as string, 'base64url'));
      const rawPub = der(Buffer.from(jwk.x as string, 'base64url'));
      assert.deepEqual(
        bytesOf((await c.get(pair.priv, { keyFormatType: KeyFormatType.Raw })).object),
        raw,
        s.label,
      );
      assert.deepEqual(
        bytesOf((await c.get(pair.pub, { keyFormatType: KeyFormatType.Raw })).object),
        rawPub,
      );
      const tr = transparentOf(
        (await c.get(pair.pub, { keyFormatType: KeyFormatType.TransparentECPublicKey })).object,
      );
      assert.equal(tr.recommendedCurve, s === ED25519 ? CURVEED25519 : CURVE25519);
      assert.deepEqual(tr.qString, rawPub);
      const uid = await register(
        c,
        privateKeyObject(KeyFormatType.Raw, raw, { cryptographicAlgorithm: s.algorithm }),
        s.curve === undefined
          ? {}
          : { cryptographicDomainParameters: { recommendedCurve: s.curve } },
      );
      assert.deepEqual(
        bytesOf((await c.get(uid)).object),
        bytesOf((await c.get(pair.priv)).object),
      );
      const pubUid = await register(c, publicKeyObject(KeyFormatType.TransparentECPublicKey, tr));
      assert.deepEqual(
        bytesOf((await c.get(pubUid)).object),
        bytesOf((await c.get(pair.pub)).object),
      );
      await rejectsWithReason(
        c.get(pair.priv, { keyFormatType: KeyFormatType.ECPrivateKey }),
        ResultReason.KeyFormatTypeNotSupported,
      );
    }
    // ML-DSA / ML-KEM: raw seeds; PKCS#8 from node registers and works.
    const mlDsa = generateKeyPairSync('ml-dsa-65');
    const uid = await register(
      c,
      privateKeyObject(
        KeyFormatType.PKCS_8,
        der(mlDsa.privateKey.export({ format: 'der', type: 'pkcs8' })),
      ),
    );
    assert.equal((await attributesOf(c, uid)).cryptographicAlgorithm, CUSTOS_ALGORITHM.ML_DSA_65);
    assert.equal(
      bytesOf((await c.get(uid, { keyFormatType: KeyFormatType.Raw })).object).length,
      32,
    );
    const sig = await signWith(c, uid, { data: MESSAGE });
    assert.ok(nodeVerify(null, MESSAGE, mlDsa.publicKey, sig));
    const kem = await pairOf(c, ML_KEM[1]);
    assert.equal(
      bytesOf((await c.get(kem.priv, { keyFormatType: KeyFormatType.Raw })).object).length,
      64,
    );
    assert.equal(
      bytesOf((await c.get(kem.pub, { keyFormatType: KeyFormatType.Raw })).object).length,
      1184,
    );
    // X-Wing: Raw only; a registered Raw X-Wing pair works.
    const xw = provider.kem.get('x-wing').generateKeyPair();
    const xPriv = await register(
      c,
      privateKeyObject(KeyFormatType.Raw, xw.secretKey, {
        cryptographicAlgorithm: CUSTOS_ALGORITHM.X_WING,
      }),
    );
    const xPub = await register(
      c,
      publicKeyObject(KeyFormatType.Raw, xw.publicKey, {
        cryptographicAlgorithm: CUSTOS_ALGORITHM.X_WING,
      }),
    );
    assert.deepEqual(await dec(c, xPriv, await enc(c, xPub, MESSAGE)), MESSAGE);
    await rejectsWithReason(
      c.get(xPriv, { keyFormatType: KeyFormatType.PKCS_8 }),
      ResultReason.KeyFormatTypeNotSupported,
    );
    await rejectsWithReason(
      register(c, privateKeyObject(KeyFormatType.Raw, new Uint8Array(32))),
      ResultReason.MissingData,
    );
    await rejectsWithReason(
      register(
        c,
        privateKeyObject(KeyFormatType.Raw, new Uint8Array(31), {
          cryptographicAlgorithm: CryptographicAlgorithm.Ed25519,
        }),
      ),
      ResultReason.InvalidField,
    );
  });

  void test('Sign/Signature Verify: every algorithm, checked by node:crypto; parameters from the key', async () => {
    const nodeRsa = await nodePublic(c, rsa.pub);
    const cases: [
      string,
      Pair,
      CryptographicParameters | undefined,
      (sig: Uint8Array) => boolean,
    ][] = [
      [
        'RSA-PSS SHA-256 (default)',
        rsa,
        undefined,
        (s) =>
          nodeVerify(
            'sha256',
            MESSAGE,
            { key: nodeRsa, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 },
            s,
          ),
      ],
      [
        'RSA-PSS SHA-512',
        rsa,
        { paddingMethod: PaddingMethod.PSS, hashingAlgorithm: HashingAlgorithm.SHA_512 },
        (s) =>
          nodeVerify(
            'sha512',
            MESSAGE,
            { key: nodeRsa, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 64 },
            s,
          ),
      ],
      [
        'RSA PKCS#1 SHA-384',
        rsa,
        { digitalSignatureAlgorithm: DigitalSignatureAlgorithm.SHA_384WithRSAEncryption },
        (s) =>
          nodeVerify('sha384', MESSAGE, { key: nodeRsa, padding: constants.RSA_PKCS1_PADDING }, s),
      ],
      [
        'RSA PKCS#1 SHA-256 by padding',
        rsa,
        { paddingMethod: PaddingMethod.PKCS1V1_5 },
        (s) => nodeVerify('sha256', MESSAGE, nodeRsa, s),
      ],
    ];
    for (const s of [P256, P384, P521]) {
      const pair = s === P256 ? p256 : await pairOf(c, s);
      const key = await nodePublic(c, pair.pub);
      const hash = s === P256 ? 'sha256' : s === P384 ? 'sha384' : 'sha512';
      cases.push([
        `ECDSA ${s.label}`,
        pair,
        undefined,
        (sig) => nodeVerify(hash, MESSAGE, { key, dsaEncoding: 'der' }, sig),
      ]);
    }
    for (const s of [ED25519, ...ML_DSA]) {
      const pair = await pairOf(c, s);
      const key = await nodePublic(c, pair.pub);
      cases.push([s.label, pair, undefined, (sig) => nodeVerify(null, MESSAGE, key, sig)]);
    }
    for (const [label, pair, p, check] of cases) {
      const sig = await signWith(c, pair.priv, { data: MESSAGE }, p);
      assert.ok(check(sig), label);
      assert.ok(await verifyWith(c, pair.pub, { data: MESSAGE }, sig, p), label);
      assert.equal(
        await verifyWith(c, pair.pub, { data: MESSAGE.subarray(1) }, sig, p),
        false,
        label,
      );
      const flipped = sig.slice();
      flipped[flipped.length - 1] = (flipped[flipped.length - 1] as number) ^ 1;
      assert.equal(await verifyWith(c, pair.pub, { data: MESSAGE }, flipped, p), false, label);
    }
    // Signatures made elsewhere verify here.
    const nodeKey = await nodePrivate(c, p256.priv);
    assert.ok(
      await verifyWith(
        c,
        p256.pub,
        { data: MESSAGE },
        der(nodeSign('sha256', MESSAGE, { key: nodeKey, dsaEncoding: 'der' })),
      ),
    );
    // Parameters stored on the key are used when the request has none.
    const pkcs1 = await pairOf(c, RSA, {
      cryptographicParameters: {
        paddingMethod: PaddingMethod.PKCS1V1_5,
        hashingAlgorithm: HashingAlgorithm.SHA_256,
      },
    });
    const sig = await signWith(c, pkcs1.priv, { data: MESSAGE });
    assert.ok(nodeVerify('sha256', MESSAGE, await nodePublic(c, pkcs1.pub), sig));
    assert.ok(await verifyWith(c, pkcs1.pub, { data: MESSAGE }, sig));
  });

  void test('RSA-PSS on Digested Data: every way of selecting PSS, interoperable with Data', async () => {
    const nodeRsa = await nodePublic(c, rsa.pub);
    const pss = (saltLength: number) => ({
      key: nodeRsa,
      padding: constants.RSA_PKCS1_PSS_PADDING,
      saltLength,
    });
    const cases: [CryptographicParameters | undefined, string, number][] = [
      [undefined, 'sha256', 32], // PSS and SHA-256 are the RSA defaults
      [
        { paddingMethod: PaddingMethod.PSS, hashingAlgorithm: HashingAlgorithm.SHA_384 },
        'sha384',
        48,
      ],
      [
        {
          digitalSignatureAlgorithm: DigitalSignatureAlgorithm.RSASSA_PSS,
          hashingAlgorithm: HashingAlgorithm.SHA_512,
        },
        'sha512',
        64,
      ],
    ];
    for (const [p, hash, saltLength] of cases) {
      const digest = der(createHash(hash).update(MESSAGE).digest());
      const onDigest = await signWith(c, rsa.priv, { digestedData: digest }, p);
      assert.equal(onDigest.length, 256);
      const o = pss(saltLength);
      assert.ok(nodeVerify(hash, MESSAGE, o, onDigest), hash);
      assert.ok(await verifyWith(c, rsa.pub, { digestedData: digest }, onDigest, p), hash);
      assert.ok(await verifyWith(c, rsa.pub, { data: MESSAGE }, onDigest, p), hash);
      // A Data signature (and OpenSSL's own) verifies on the digest.
      const onData = await signWith(c, rsa.priv, { data: MESSAGE }, p);
      assert.ok(await verifyWith(c, rsa.pub, { digestedData: digest }, onData, p), hash);
      const privateRsa = await nodePrivate(c, rsa.priv);
      const theirs = der(nodeSign(hash, MESSAGE, { ...o, key: privateRsa }));
      assert.ok(await verifyWith(c, rsa.pub, { digestedData: digest }, theirs, p), hash);
      // Wrong digest, tampered signature, another salt length: Invalid, not an error.
      const other = digest.slice();
      other[0] = (other[0] as number) ^ 1;
      assert.equal(await verifyWith(c, rsa.pub, { digestedData: other }, onDigest, p), false);
      const flipped = onDigest.slice();
      flipped[100] = (flipped[100] as number) ^ 0x10;
      assert.equal(await verifyWith(c, rsa.pub, { digestedData: digest }, flipped, p), false);
      const salt20 = der(nodeSign(hash, MESSAGE, { ...o, key: privateRsa, saltLength: 20 }));
      assert.equal(await verifyWith(c, rsa.pub, { digestedData: digest }, salt20, p), false);
      // A digest of another length is refused, in Sign and Signature Verify.
      await rejectsWithReason(
        signWith(c, rsa.priv, { digestedData: digest.subarray(1) }, p),
        ResultReason.BadCryptographicParameters,
      );
      await rejectsWithReason(
        verifyWith(c, rsa.pub, { digestedData: digest.subarray(1) }, onDigest, p),
        ResultReason.BadCryptographicParameters,
      );
    }
    // Parameters stored on the key select PSS too.
    const stored = await pairOf(c, RSA, {
      cryptographicParameters: {
        paddingMethod: PaddingMethod.PSS,
        hashingAlgorithm: HashingAlgorithm.SHA_384,
      },
    });
    const digest384 = der(createHash('sha384').update(MESSAGE).digest());
    const sig = await signWith(c, stored.priv, { digestedData: digest384 });
    assert.ok(
      nodeVerify(
        'sha384',
        MESSAGE,
        {
          key: await nodePublic(c, stored.pub),
          padding: constants.RSA_PKCS1_PSS_PADDING,
          saltLength: 48,
        },
        sig,
      ),
    );
    assert.ok(await verifyWith(c, stored.pub, { digestedData: digest384 }, sig));
  });

  void test('Sign on Digested Data (ECDSA, RSA PKCS#1 v1.5, RSA-PSS) and refused requests', async () => {
    const p384 = await pairOf(c, P384);
    const digest384 = der(createHash('sha384').update(MESSAGE).digest());
    const sig = await signWith(c, p384.priv, { digestedData: digest384 });
    assert.ok(
      nodeVerify(
        'sha384',
        MESSAGE,
        { key: await nodePublic(c, p384.pub), dsaEncoding: 'der' },
        sig,
      ),
    );
    assert.ok(await verifyWith(c, p384.pub, { digestedData: digest384 }, sig));
    assert.ok(await verifyWith(c, p384.pub, { data: MESSAGE }, sig));
    const p = { digitalSignatureAlgorithm: DigitalSignatureAlgorithm.SHA_256WithRSAEncryption };
    const digest256 = der(createHash('sha256').update(MESSAGE).digest());
    const onDigest = await signWith(c, rsa.priv, { digestedData: digest256 }, p);
    assert.deepEqual(
      onDigest,
      await signWith(c, rsa.priv, { data: MESSAGE }, p),
      'PKCS#1 v1.5 is deterministic',
    );
    assert.ok(await verifyWith(c, rsa.pub, { digestedData: digest256 }, onDigest, p));
    assert.equal(
      await verifyWith(c, rsa.pub, { digestedData: digest384.subarray(0, 32) }, onDigest, p),
      false,
    );
    // EdDSA and ML-DSA sign the message itself.
    const ed = await pairOf(c, ED25519);
    await rejectsWithReason(
      signWith(c, ed.priv, { digestedData: digest256 }),
      ResultReason.BadCryptographicParameters,
      /signs the message itself/,
    );
    await rejectsWithReason(
      verifyWith(c, ed.pub, { digestedData: digest256 }, new Uint8Array(64)),
      ResultReason.BadCryptographicParameters,
    );
    await rejectsWithReason(
      signWith(c, p384.priv, { digestedData: digest256 }),
      ResultReason.BadCryptographicParameters,
    );
    await rejectsWithReason(
      signWith(c, p384.priv, { data: MESSAGE, digestedData: digest384 }),
      ResultReason.InvalidField,
    );
    await rejectsWithReason(signWith(c, p384.priv, {}), ResultReason.MissingData);
    await rejectsWithReason(
      signWith(
        c,
        p256.priv,
        { data: MESSAGE },
        { digitalSignatureAlgorithm: DigitalSignatureAlgorithm.ECDSAWithSHA384 },
      ),
      ResultReason.UnsupportedCryptographicParameters,
    );
    await rejectsWithReason(
      signWith(c, p256.pub, { data: MESSAGE }),
      ResultReason.IllegalObjectType,
    );
    const x = await pairOf(c, X25519);
    await rejectsWithReason(signWith(c, x.priv, { data: MESSAGE }), ResultReason.IllegalObjectType);
    const decryptOnly = await c.call(
      createKeyPair({
        algorithm: CryptographicAlgorithm.EC,
        curve: RecommendedCurve.P_256,
        privateKeyUsageMask: M.Decrypt,
        publicKeyUsageMask: M.Encrypt,
        commonAttributes: { activationDate: PAST },
      }),
    );
    await rejectsWithReason(
      signWith(c, decryptOnly.privateKeyUniqueIdentifier as string, { data: MESSAGE }),
      ResultReason.IncompatibleCryptographicUsageMask,
    );
    const preActive = await c.call(createKeyPair({ algorithm: CryptographicAlgorithm.Ed25519 }));
    await rejectsWithReason(
      signWith(c, preActive.privateKeyUniqueIdentifier as string, { data: MESSAGE }),
      ResultReason.WrongKeyLifecycleState,
    );
  });

  void test('Encrypt/Decrypt: RSA-OAEP (node interop), RSA-AES key wrap, HPKE, ML-KEM, X-Wing', async () => {
    const k = await nodePrivate(c, rsa.priv);
    for (const [h, name] of [
      [HashingAlgorithm.SHA_256, 'sha256'],
      [HashingAlgorithm.SHA_384, 'sha384'],
      [HashingAlgorithm.SHA_512, 'sha512'],
    ] as const) {
      const p = { paddingMethod: PaddingMethod.OAEP, hashingAlgorithm: h };
      const ct = await enc(c, rsa.pub, MESSAGE, p);
      assert.deepEqual(
        der(
          privateDecrypt({ key: k, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: name }, ct),
        ),
        MESSAGE,
      );
      const fromNode = der(
        publicEncrypt(
          { key: createPublicKey(k), padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: name },
          MESSAGE,
        ),
      );
      assert.deepEqual(await dec(c, rsa.priv, fromNode, p), MESSAGE);
    }
    const long = provider.random.bytes(600);
    await rejectsWithReason(enc(c, rsa.pub, long), ResultReason.BadCryptographicParameters);
    const kwp = { cryptographicAlgorithm: CryptographicAlgorithm.AES };
    const wrapped = await enc(c, rsa.pub, long, kwp);
    assert.deepEqual(await dec(c, rsa.priv, wrapped, kwp), long);
    await rejectsWithReason(dec(c, rsa.priv, wrapped), ResultReason.CryptographicFailure);
    await rejectsWithReason(
      enc(c, rsa.pub, MESSAGE, undefined, te.encode('aad')),
      ResultReason.BadCryptographicParameters,
    );
    await rejectsWithReason(
      enc(c, rsa.pub, MESSAGE, { paddingMethod: PaddingMethod.PKCS1V1_5 }),
      ResultReason.UnsupportedCryptographicParameters,
    );
    // HPKE (P-256, X25519, X-Wing), opened independently with the suite and the raw private key.
    const aad = te.encode('header');
    for (const [s, kem] of [
      [P256, 'dhkem-p256-hkdf-sha256'],
      [X25519, 'dhkem-x25519-hkdf-sha256'],
      [XWING, 'x-wing'],
    ] as const) {
      const pair = s === P256 ? p256 : await pairOf(c, s);
      const ct = await enc(c, pair.pub, MESSAGE, undefined, aad);
      assert.deepEqual(await dec(c, pair.priv, ct, undefined, aad), MESSAGE, s.label);
      const suite = provider.hpke.suite({ kem, kdf: 'hkdf-sha256', aead: 'aes-256-gcm' });
      const sk = bytesOf((await c.get(pair.priv, { keyFormatType: KeyFormatType.Raw })).object);
      const n = suite.lengths.enc;
      assert.deepEqual(
        suite.open(ct.subarray(0, n), sk, ct.subarray(n), { aad }),
        MESSAGE,
        s.label,
      );
      await rejectsWithReason(
        dec(c, pair.priv, ct, undefined, te.encode('other')),
        ResultReason.CryptographicFailure,
      );
      const bad = ct.slice();
      bad[bad.length - 1] = (bad[bad.length - 1] as number) ^ 1;
      await rejectsWithReason(
        dec(c, pair.priv, bad, undefined, aad),
        ResultReason.CryptographicFailure,
      );
      await rejectsWithReason(
        dec(c, pair.priv, ct.subarray(0, 10)),
        ResultReason.CryptographicFailure,
      );
    }
    // ML-KEM + AES-256-GCM, as documented: ct ‖ AES-256-GCM(HKDF-SHA256(ss, ct, info)).
    for (const s of ML_KEM) {
      const pair = await pairOf(c, s);
      const ct = await enc(c, pair.pub, MESSAGE, undefined, aad);
      assert.deepEqual(await dec(c, pair.priv, ct, undefined, aad), MESSAGE, s.label);
      const kem = provider.kem.get(s.node);
      const n = kem.lengths.ciphertext;
      const sk = bytesOf((await c.get(pair.priv, { keyFormatType: KeyFormatType.Raw })).object);
      const ss = kem.decapsulate(ct.subarray(0, n), sk);
      const key = provider.kdf.hkdf(
        'sha256',
        ss,
        ct.subarray(0, n),
        te.encode('custos-kms ML-KEM AES-256-GCM'),
        32,
      );
      assert.deepEqual(
        provider.aead.cipher('aes-256-gcm', key).open(new Uint8Array(12), ct.subarray(n), aad),
        MESSAGE,
      );
    }
    await rejectsWithReason(enc(c, rsa.priv, MESSAGE), ResultReason.IllegalObjectType);
    await rejectsWithReason(dec(c, rsa.pub, MESSAGE), ResultReason.IllegalObjectType);
    const ed = await pairOf(c, ED25519);
    await rejectsWithReason(enc(c, ed.pub, MESSAGE), ResultReason.IllegalObjectType);
    await rejectsWithReason(
      c.call(
        batchItem(Operation.Encrypt, {
          uniqueIdentifier: p256.pub,
          data: MESSAGE,
          ivCounterNonce: new Uint8Array(12),
        }),
      ),
      ResultReason.BadCryptographicParameters,
    );
    const signOnly = await c.call(
      createKeyPair({
        algorithm: CryptographicAlgorithm.EC,
        curve: RecommendedCurve.P_256,
        commonAttributes: { activationDate: PAST },
      }),
    );
    await rejectsWithReason(
      enc(c, signOnly.publicKeyUniqueIdentifier as string, MESSAGE),
      ResultReason.IncompatibleCryptographicUsageMask,
    );
  });

  void test('Re-key Key Pair: new generation linked both ways; names, tags, grants move; Offset', async () => {
    const tag = `tag-${Date.now()}`;
    const created = await c.call(
      createKeyPair({
        algorithm: CryptographicAlgorithm.Ed25519,
        name: `rk-${tag}`,
        commonAttributes: { activationDate: PAST, description: 'signing key' },
      }),
    );
    const priv = created.privateKeyUniqueIdentifier as string;
    const pub = created.publicKeyUniqueIdentifier as string;
    await grant(priv, 'bob', ['getattributes']);
    const r = await c.call(batchItem(Operation.ReKeyKeyPair, { privateKeyUniqueIdentifier: priv }));
    const nPriv = r.privateKeyUniqueIdentifier as string;
    const nPub = r.publicKeyUniqueIdentifier as string;
    assert.equal(nPub, `${nPriv}_pk`);
    const [a, b, oa, ob] = await Promise.all(
      [nPriv, nPub, priv, pub].map((u) => attributesOf(c, u)),
    );
    assert.ok(a && b && oa && ob);
    assert.equal(linkOf(a, LinkType.ReplacedObjectLink), priv);
    assert.equal(linkOf(b, LinkType.ReplacedObjectLink), pub);
    assert.equal(linkOf(oa, LinkType.ReplacementObjectLink), nPriv);
    assert.equal(linkOf(ob, LinkType.ReplacementObjectLink), nPub);
    assert.equal(linkOf(a, LinkType.PublicKeyLink), nPub);
    assert.equal(linkOf(b, LinkType.PrivateKeyLink), nPriv);
    assert.equal(a.names?.[0]?.nameValue, `rk-${tag}`);
    assert.equal(b.names?.[0]?.nameValue, `rk-${tag}.pub`);
    assert.equal(oa.names, undefined);
    assert.equal(a.description, 'signing key');
    assert.equal(a.rotateGeneration, 1);
    assert.equal(a.cryptographicUsageMask, M.Sign);
    assert.equal(oa.state, State.Deactivated);
    assert.equal(ob.state, State.Deactivated);
    assert.equal(a.state, State.Active);
    await bob.call(batchItem(Operation.GetAttributes, { uniqueIdentifier: nPriv }));
    const sig = await signWith(c, nPriv, { data: MESSAGE });
    assert.ok(nodeVerify(null, MESSAGE, await nodePublic(c, nPub), sig));
    // With an Offset, the new generation waits and the old one keeps working until then.
    const later = await c.call(
      batchItem(Operation.ReKeyKeyPair, { privateKeyUniqueIdentifier: nPriv, offset: 3600 }),
    );
    assert.equal(
      (await attributesOf(c, later.privateKeyUniqueIdentifier as string)).state,
      State.PreActive,
    );
    const still = await attributesOf(c, nPriv);
    assert.equal(still.state, State.Active);
    assert.ok((still.deactivationDate as Date).getTime() > Date.now());
    await rejectsWithReason(
      c.call(batchItem(Operation.ReKeyKeyPair, { privateKeyUniqueIdentifier: nPub })),
      ResultReason.IllegalObjectType,
    );
    await rejectsWithReason(
      c.call(
        batchItem(Operation.ReKeyKeyPair, {
          privateKeyUniqueIdentifier: nPriv,
          commonAttributes: { cryptographicLength: 512 },
        }),
      ),
      ResultReason.InvalidField,
    );
    await rejectsWithReason(
      bob.call(batchItem(Operation.ReKeyKeyPair, { privateKeyUniqueIdentifier: nPriv })),
      ResultReason.PermissionDenied,
    );
  });

  void test('key wrapping with public keys: RSA-OAEP, RSA-AES-KWP, HPKE, ML-KEM; Import unwraps', async () => {
    const aes = (await c.createSymmetricKey({ activationDate: PAST })).uniqueIdentifier as string;
    const raw = bytesOf((await c.get(aes)).object);
    const wrapAndImport = async (
      wrapper: string,
      p?: CryptographicParameters,
      target = aes,
      format?: number,
    ): Promise<{ wrapped: ManagedObject; imported: string }> => {
      const got = await c.get(target, {
        ...(format === undefined ? {} : { keyFormatType: format }),
        keyWrappingSpecification: {
          wrappingMethod: WrappingMethod.Encrypt,
          encryptionKeyInformation: {
            uniqueIdentifier: wrapper,
            ...(p === undefined ? {} : { cryptographicParameters: p }),
          },
        },
      });
      assert.ok('keyBlock' in got.object && got.object.keyBlock.keyWrappingData !== undefined);
      const imported = `imported-${globalThis.crypto.randomUUID()}`;
      await c.call(
        batchItem(Operation.Import, {
          uniqueIdentifier: imported,
          objectType: got.objectType,
          keyWrapType: KeyWrapType.NotWrapped,
          attributes: { activationDate: PAST },
          object: got.object,
        }),
      );
      return { wrapped: got.object, imported };
    };
    // RSA-OAEP (default): node unwraps with the private key.
    const { wrapped, imported } = await wrapAndImport(rsa.pub);
    assert.ok('keyBlock' in wrapped);
    const info = wrapped.keyBlock.keyWrappingData?.encryptionKeyInformation;
    assert.equal(info?.uniqueIdentifier, rsa.pub);
    assert.equal(info.cryptographicParameters?.paddingMethod, PaddingMethod.OAEP);
    const k = await nodePrivate(c, rsa.priv);
    assert.deepEqual(
      der(
        privateDecrypt(
          { key: k, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' },
          wrapped.keyBlock.keyValue as Uint8Array,
        ),
      ),
      raw,
    );
    assert.deepEqual(bytesOf((await c.get(imported)).object), raw);
    // Naming the private key wraps with its public key.
    assert.deepEqual(bytesOf((await c.get((await wrapAndImport(rsa.priv)).imported)).object), raw);
    // HPKE and ML-KEM key pairs.
    for (const s of [X25519, ML_KEM[1], XWING]) {
      const pair = await pairOf(c, s);
      assert.deepEqual(
        bytesOf((await c.get((await wrapAndImport(pair.pub)).imported)).object),
        raw,
        s.label,
      );
    }
    // A private key, wrapped with RSA-AES key wrap (too long for OAEP), and with AES-KWP.
    const p384 = await pairOf(c, P384);
    const pkcs8 = bytesOf((await c.get(p384.priv)).object);
    const p521 = await pairOf(c, P521);
    await rejectsWithReason(
      wrapAndImport(rsa.pub, undefined, p521.priv),
      ResultReason.BadCryptographicParameters,
      /RSA-AES/,
    );
    const viaKwp = await wrapAndImport(
      rsa.pub,
      { cryptographicAlgorithm: CryptographicAlgorithm.AES },
      p384.priv,
    );
    assert.deepEqual(bytesOf((await c.get(viaKwp.imported)).object), pkcs8);
    assert.equal((await attributesOf(c, viaKwp.imported)).objectType, ObjectType.PrivateKey);
    const kek = (
      await c.createSymmetricKey({ activationDate: PAST, usageMask: M.WrapKey | M.UnwrapKey })
    ).uniqueIdentifier as string;
    const viaAes = await wrapAndImport(
      kek,
      { blockCipherMode: BlockCipherMode.AESKeyWrapPadding },
      p384.priv,
    );
    assert.deepEqual(bytesOf((await c.get(viaAes.imported)).object), pkcs8);
    const sig = await signWith(c, viaAes.imported, { data: MESSAGE });
    assert.ok(await verifyWith(c, p384.pub, { data: MESSAGE }, sig));
    // Refusals: no Wrap Key usage, a signing-only key, a Transparent format.
    const noWrap = await c.call(
      createKeyPair({
        algorithm: CryptographicAlgorithm.ECDH,
        curve: CURVE25519,
        privateKeyUsageMask: M.Decrypt,
        publicKeyUsageMask: M.Encrypt,
        commonAttributes: { activationDate: PAST },
      }),
    );
    await rejectsWithReason(
      wrapAndImport(noWrap.publicKeyUniqueIdentifier as string),
      ResultReason.IncompatibleCryptographicUsageMask,
    );
    const ed = await pairOf(c, ED25519);
    await rejectsWithReason(wrapAndImport(ed.pub), ResultReason.IllegalObjectType);
    await rejectsWithReason(
      wrapAndImport(rsa.pub, undefined, p256.priv, KeyFormatType.TransparentECPrivateKey),
      ResultReason.KeyFormatTypeNotSupported,
    );
    await rejectsWithReason(wrapAndImport('no-such-key'), ResultReason.WrappingObjectNotFound);
  });

  void test('PKCS#12 with a wrong password: Invalid Field, a fixed message, nothing stored or replaced', async () => {
    const secret = 'p12 right password';
    const pfx = bytesOf(
      (
        await c.get(p256.priv, {
          keyFormatType: KeyFormatType.PKCS_12,
          keyWrappingSpecification: {
            wrappingMethod: WrappingMethod.Encrypt,
            encryptionKeyInformation: { uniqueIdentifier: secret },
          },
        })
      ).object,
    );
    const withPassword = (value: string): Attributes => ({
      vendorAttributes: [
        {
          vendorIdentification: 'custos',
          attributeName: 'pkcs12_password',
          attributeValue: { tag: Tag.AttributeValue, type: 'TextString', value },
        },
      ],
    });
    const uid = `p12-wrong-password-${Date.now()}`;
    const register12 = (password: string, replace: boolean) =>
      c.call(
        batchItem(Operation.Import, {
          uniqueIdentifier: uid,
          objectType: ObjectType.PrivateKey,
          ...(replace ? { replaceExisting: true } : {}),
          attributes: withPassword(password),
          object: privateKeyObject(KeyFormatType.PKCS_12, pfx),
        }),
      );
    for (const wrong of ['p12 wrong password', '', secret.slice(0, -1)]) {
      // The whole message is fixed: no password, tried or right, is echoed.
      await rejectsWithReason(
        register(c, privateKeyObject(KeyFormatType.PKCS_12, pfx), withPassword(wrong)),
        ResultReason.InvalidField,
        /reason \d+: PKCS#12 password is wrong or the file is corrupt$/,
      );
      await rejectsWithReason(
        register12(wrong, false),
        ResultReason.InvalidField,
        /password is wrong/,
      );
      await rejectsWithReason(c.get(uid), ResultReason.ItemNotFound);
    }
    // The right password imports; a later Import replacing it with a wrong password leaves it.
    await register12(secret, false);
    const before = bytesOf((await c.get(uid)).object);
    assert.deepEqual(before, bytesOf((await c.get(p256.priv)).object));
    await rejectsWithReason(
      register12('wrong', true),
      ResultReason.InvalidField,
      /password is wrong/,
    );
    assert.deepEqual(bytesOf((await c.get(uid)).object), before);
  });

  void test('PKCS#12 and certificates: export, OpenSSL interop, import; wrapping with a certificate', async (ctx) => {
    const missing = openssl();
    if (missing !== undefined) {
      ctx.skip(missing);
      return;
    }
    const k = await nodePrivate(c, rsa.priv);
    const keyPem = join(work, 'key.pem');
    const certPem = join(work, 'cert.pem');
    writeFileSync(keyPem, k.export({ format: 'pem', type: 'pkcs8' }));
    execFileSync(
      'openssl',
      [
        'req',
        '-new',
        '-x509',
        '-key',
        keyPem,
        '-subj',
        '/CN=custos-asym-test',
        '-days',
        '2',
        '-out',
        certPem,
      ],
      { stdio: 'pipe' },
    );
    const certDer = der(
      createPublicKey(readFileSync(certPem)).export({ format: 'der', type: 'spki' }),
    );
    assert.deepEqual(certDer, bytesOf((await c.get(rsa.pub)).object));
    const certUid = await register(
      c,
      {
        kind: 'Certificate',
        certificateType: CertificateType.X_509,
        certificateValue: te.encode(readFileSync(certPem, 'utf8')),
      },
      {
        links: [
          { linkType: LinkType.PrivateKeyLink, linkedObjectIdentifier: rsa.priv },
          { linkType: LinkType.PublicKeyLink, linkedObjectIdentifier: rsa.pub },
        ],
      },
    );
    // Export the key with its certificate (named through the certificate, then the key).
    await c.call(
      batchItem(Operation.AddAttribute, {
        uniqueIdentifier: rsa.priv,
        newAttribute: {
          links: [{ linkType: LinkType.CertificateLink, linkedObjectIdentifier: certUid }],
        },
      }),
    );
    const pkcs8 = bytesOf((await c.get(rsa.priv)).object);
    for (const named of [certUid, rsa.priv]) {
      const got = await c.call(
        batchItem(Operation.Export, {
          uniqueIdentifier: named,
          keyFormatType: KeyFormatType.PKCS_12,
          keyWrappingSpecification: {
            wrappingMethod: WrappingMethod.Encrypt,
            encryptionKeyInformation: { uniqueIdentifier: 'p12 secret' },
          },
        }),
      );
      assert.equal(formatOf(got.object), KeyFormatType.PKCS_12);
      const p12 = join(work, 'out.p12');
      writeFileSync(p12, bytesOf(got.object));
      const pem = execFileSync(
        'openssl',
        ['pkcs12', '-in', p12, '-passin', 'pass:p12 secret', '-nodes'],
        { stdio: 'pipe' },
      ).toString();
      assert.deepEqual(
        der(createPrivateKey(pem).export({ format: 'der', type: 'pkcs8' })),
        pkcs8,
        named,
      );
      assert.match(pem, /BEGIN CERTIFICATE/);
      assert.throws(() =>
        execFileSync('openssl', ['pkcs12', '-in', p12, '-passin', 'pass:wrong', '-nodes'], {
          stdio: 'pipe',
        }),
      );
      // And back in: the PKCS#12 registers as a private key with its certificate.
      const back = await register(c, privateKeyObject(KeyFormatType.PKCS_12, bytesOf(got.object)), {
        vendorAttributes: [
          {
            vendorIdentification: 'cosmian',
            attributeName: 'pkcs12_password',
            attributeValue: { tag: Tag.AttributeValue, type: 'TextString', value: 'p12 secret' },
          },
        ],
      });
      assert.deepEqual(bytesOf((await c.get(back)).object), pkcs8);
      const attrs = await attributesOf(c, back);
      assert.ok(
        !(attrs.vendorAttributes ?? []).some((v) => v.attributeName === 'pkcs12_password'),
        'the password is not stored',
      );
      const leaf = linkOf(attrs, LinkType.CertificateLink) as string;
      assert.equal(linkOf(await attributesOf(c, leaf), LinkType.PrivateKeyLink), back);
    }
    // A PKCS#12 written by OpenSSL (PBES2/AES-256-CBC, HMAC-SHA256) registers.
    const theirs = join(work, 'theirs.p12');
    execFileSync(
      'openssl',
      [
        'pkcs12',
        '-export',
        '-inkey',
        keyPem,
        '-in',
        certPem,
        '-passout',
        'pass:openssl-pw',
        '-out',
        theirs,
      ],
      { stdio: 'pipe' },
    );
    const password = (value: string): Attributes => ({
      vendorAttributes: [
        {
          vendorIdentification: 'cosmian',
          attributeName: 'pkcs12_password',
          attributeValue: { tag: Tag.AttributeValue, type: 'TextString', value },
        },
      ],
    });
    const fromOpenssl = await register(
      c,
      privateKeyObject(KeyFormatType.PKCS_12, der(readFileSync(theirs))),
      password('openssl-pw'),
    );
    assert.deepEqual(bytesOf((await c.get(fromOpenssl)).object), pkcs8);
    await rejectsWithReason(
      register(
        c,
        privateKeyObject(KeyFormatType.PKCS_12, der(readFileSync(theirs))),
        password('wrong'),
      ),
      ResultReason.InvalidField,
      /reason \d+: PKCS#12 password is wrong or the file is corrupt$/,
    );
    await rejectsWithReason(
      register(c, privateKeyObject(KeyFormatType.PKCS_12, new Uint8Array(40))),
      ResultReason.InvalidField,
    );
    // A certificate as the wrapping key (its public key); unwrapping follows its Private Key Link.
    const aes = (await c.createSymmetricKey({ activationDate: PAST })).uniqueIdentifier as string;
    const got = await c.get(aes, {
      keyWrappingSpecification: {
        wrappingMethod: WrappingMethod.Encrypt,
        encryptionKeyInformation: { uniqueIdentifier: certUid },
      },
    });
    assert.ok('keyBlock' in got.object);
    const raw = bytesOf((await c.get(aes)).object);
    assert.deepEqual(
      der(
        privateDecrypt(
          { key: k, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' },
          got.object.keyBlock.keyValue as Uint8Array,
        ),
      ),
      raw,
    );
    const imported = `cert-unwrapped-${Date.now()}`;
    await c.call(
      batchItem(Operation.Import, {
        uniqueIdentifier: imported,
        objectType: ObjectType.SymmetricKey,
        keyWrapType: KeyWrapType.NotWrapped,
        attributes: {},
        object: got.object,
      }),
    );
    assert.deepEqual(bytesOf((await c.get(imported)).object), raw);
    // A sensitive key does not leave in a PKCS#12.
    const sensitive = await pairOf(c, P256, { sensitive: true });
    await rejectsWithReason(
      c.get(sensitive.priv, {
        keyFormatType: KeyFormatType.PKCS_12,
        keyWrappingSpecification: {
          wrappingMethod: WrappingMethod.Encrypt,
          encryptionKeyInformation: { uniqueIdentifier: 'x' },
        },
      }),
      ResultReason.Sensitive,
    );
    const noCert = await c.get(p256.priv, { keyFormatType: KeyFormatType.PKCS_12 });
    const p12 = join(work, 'nocert.p12');
    writeFileSync(p12, bytesOf(noCert.object));
    const pem = execFileSync('openssl', ['pkcs12', '-in', p12, '-passin', 'pass:', '-nodes'], {
      stdio: 'pipe',
    }).toString();
    assert.deepEqual(
      der(createPrivateKey(pem).export({ format: 'der', type: 'pkcs8' })),
      bytesOf((await c.get(p256.priv)).object),
    );
  });

  void test('extension point: a registered key-pair algorithm receives Create/Re-key Key Pair', async () => {
    const ALGORITHM = 0x88880999;
    const calls: string[] = [];
    const { insertKeyPair, keyPairResult } = await import('./op-keypair.ts');
    const object = (kind: 'PrivateKey' | 'PublicKey'): ManagedObject => ({
      kind,
      keyBlock: {
        keyFormatType: KeyFormatType.Raw,
        keyValue: { keyMaterial: provider.random.bytes(32) },
        cryptographicAlgorithm: ALGORITHM,
        cryptographicLength: 256,
      },
    });
    registerKeyPairAlgorithm(ALGORITHM, {
      create: async (ctx, req) => {
        calls.push('create');
        const { privateRecord, publicRecord } = await insertKeyPair(ctx, {
          privateKey: object('PrivateKey'),
          publicKey: object('PublicKey'),
          privateAttributes: { ...req.commonAttributes },
          publicAttributes: { ...req.commonAttributes },
        });
        return keyPairResult(ctx, Operation.CreateKeyPair, privateRecord.uid, publicRecord.uid);
      },
      rekey: (ctx, _req, old) => {
        calls.push(`rekey ${old.record.uid}`);
        return Promise.resolve(
          keyPairResult(ctx, Operation.ReKeyKeyPair, old.record.uid, `${old.record.uid}_pk`),
        );
      },
    });
    const r = await c.call(createKeyPair({ algorithm: ALGORITHM }));
    const priv = r.privateKeyUniqueIdentifier as string;
    assert.equal(
      linkOf(await attributesOf(c, priv), LinkType.PublicKeyLink),
      r.publicKeyUniqueIdentifier,
    );
    await c.call(batchItem(Operation.ReKeyKeyPair, { privateKeyUniqueIdentifier: priv }));
    assert.deepEqual(calls, ['create', `rekey ${priv}`]);
  });
});

void describe('asymmetric keys (PostgreSQL)', () => {
  coreSuite('postgresql');
});
