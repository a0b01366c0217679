/**
 * Key sharing through the PKI, end to end, between two KMS servers that share nothing (two
 * SQLite files, two users): the recipient (bob, server B) makes a key pair and a certificate
 * and publishes the certificate as PEM; the sender (alice, server A) imports it, checks it with
 * Validate, creates an AES key and exports it wrapped under the certificate; bob imports the
 * wrapped key, unwrapped by his private key. Both then use the same key: what one encrypts the
 * other decrypts. A wrong private key and a tampered wrapped key fail cleanly and store nothing.
 *
 * Schemes: RSA-OAEP and RSA-AES key wrap (RSA 2048 certificate, self-signed), HPKE (P-256
 * self-signed certificate; X25519 certificate issued by bob's Ed25519 CA, since an X25519 key
 * cannot sign its own certificate).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  CertificateType,
  CryptographicAlgorithm,
  CryptographicUsageMask as M,
  EncodingOption,
  KeyWrapType,
  LinkType,
  ObjectType,
  Operation,
  PaddingMethod,
  RecommendedCurve,
  WrappingMethod,
  batchItem,
  createKeyPair,
  type CryptographicParameters,
  type KmipClient,
  type ManagedObject,
} from '@custos/kmip';
import { rejectsWithReason, ResultReason } from './_test/assert.ts';
import { startTestServer, tokenSettings, type TestServer } from './_test/harness.ts';
import { PAST, certificateDer, certify, pemOf, validate, vendor } from './_test/pki.ts';

let a: TestServer;
let b: TestServer;
let alice: KmipClient;
let bob: KmipClient;
let carol: KmipClient;

before(async () => {
  [a, b] = await Promise.all([
    startTestServer({ settings: tokenSettings(['alice']) }),
    startTestServer({ settings: tokenSettings(['bob', 'carol']) }),
  ]);
  alice = a.as('alice');
  bob = b.as('bob');
  carol = b.as('carol');
});
after(async () => {
  await Promise.all([a.close(), b.close()]);
});

const te = new TextEncoder();
let n = 0;
const unique = (what: string): string => `${what}-${process.pid}-${++n}`;

/** A key pair of `client` (Active), usable to decrypt/unwrap and, when it can, to sign. */
async function keyPair(
  client: KmipClient,
  options: { algorithm: number; length?: number; curve?: number; signs: boolean },
): Promise<{ sk: string; pk: string }> {
  const r = await client.call(
    createKeyPair({
      algorithm: options.algorithm,
      ...(options.length === undefined ? {} : { length: options.length }),
      ...(options.curve === undefined ? {} : { curve: options.curve }),
      privateKeyUsageMask: M.Decrypt | M.UnwrapKey | (options.signs ? M.Sign : 0),
      publicKeyUsageMask: M.Encrypt | M.WrapKey | (options.signs ? M.Verify : 0),
      commonAttributes: { activationDate: PAST },
    }),
  );
  return { sk: r.privateKeyUniqueIdentifier as string, pk: r.publicKeyUniqueIdentifier as string };
}

/** Bob's published certificate (PEM text) and its identifier. */
interface Published {
  readonly certUid: string;
  readonly pem: string;
  readonly sk: string;
  /** The recipient key's family (a wrong recipient gets a key of the same kind). */
  readonly family: { algorithm: number; length?: number; curve?: number };
}

async function publishSelfSigned(
  algorithm: number,
  extra: { length?: number; curve?: number },
): Promise<Published> {
  const keys = await keyPair(bob, { algorithm, ...extra, signs: true });
  const certUid = unique('bob-cert');
  await certify(bob, {
    uniqueIdentifier: keys.pk,
    attributes: {
      uniqueIdentifier: certUid,
      certificateSubjectCN: 'Bob',
      certificateSubjectEmail: 'bob@example.org',
      vendorAttributes: [
        vendor('x509-extension', 'keyUsage = digitalSignature, keyEncipherment, keyAgreement'),
      ],
    },
  });
  return {
    certUid,
    pem: pemOf(await certificateDer(bob, certUid)),
    sk: keys.sk,
    family: { algorithm, ...extra },
  };
}

/** X25519 cannot self-sign: bob's Ed25519 CA certifies it; the PEM is the chain. */
async function publishX25519(): Promise<Published> {
  const caKeys = await keyPair(bob, {
    algorithm: CryptographicAlgorithm.Ed25519,
    signs: true,
  });
  const caUid = await certify(bob, {
    uniqueIdentifier: caKeys.pk,
    attributes: {
      certificateSubjectCN: 'Bob CA',
      vendorAttributes: [
        vendor('x509-extension', 'basicConstraints=critical,CA:TRUE\nkeyUsage=keyCertSign'),
      ],
    },
  });
  const keys = await keyPair(bob, {
    algorithm: CryptographicAlgorithm.ECDH,
    curve: 0x45, // CURVE25519
    signs: false,
  });
  const certUid = unique('bob-x25519-cert');
  await certify(bob, {
    uniqueIdentifier: keys.pk,
    attributes: {
      uniqueIdentifier: certUid,
      certificateSubjectCN: 'Bob (X25519)',
      links: [{ linkType: LinkType.CertificateLink, linkedObjectIdentifier: caUid }],
      vendorAttributes: [vendor('x509-extension', 'keyUsage = keyAgreement')],
    },
  });
  const pem = pemOf(await certificateDer(bob, certUid)) + pemOf(await certificateDer(bob, caUid));
  return {
    certUid,
    pem,
    sk: keys.sk,
    family: { algorithm: CryptographicAlgorithm.ECDH, curve: 0x45 },
  };
}

/** Alice imports bob's certificate (same identifier) and checks it; returns her shared key. */
async function aliceWraps(
  published: Published,
  parameters?: CryptographicParameters,
): Promise<{ keyUid: string; wrapped: ManagedObject }> {
  await alice.call(
    batchItem(Operation.Import, {
      uniqueIdentifier: published.certUid,
      objectType: ObjectType.Certificate,
      attributes: {},
      object: {
        kind: 'Certificate',
        certificateType: CertificateType.X_509,
        certificateValue: te.encode(published.pem),
      },
    }),
  );
  const v = await validate(alice, { uniqueIdentifiers: [published.certUid] });
  assert.equal(v.indicator, 'valid', v.message);
  const keyUid = (await alice.createSymmetricKey({ length: 256, activationDate: PAST }))
    .uniqueIdentifier as string;
  const exported = await alice.call(
    batchItem(Operation.Export, {
      uniqueIdentifier: keyUid,
      keyWrappingSpecification: {
        wrappingMethod: WrappingMethod.Encrypt,
        encryptionKeyInformation: {
          uniqueIdentifier: published.certUid,
          ...(parameters === undefined ? {} : { cryptographicParameters: parameters }),
        },
        encodingOption: EncodingOption.NoEncoding,
      },
    }),
  );
  return { keyUid, wrapped: exported.object };
}

function importRequest(uid: string, object: ManagedObject) {
  return batchItem(Operation.Import, {
    uniqueIdentifier: uid,
    objectType: ObjectType.SymmetricKey,
    keyWrapType: KeyWrapType.NotWrapped,
    attributes: {
      cryptographicAlgorithm: CryptographicAlgorithm.AES,
      cryptographicLength: 256,
      activationDate: PAST,
      cryptographicUsageMask: M.Encrypt | M.Decrypt,
    },
    object,
  });
}

/** The same wrapped key, addressed to another unwrapping key of the recipient's server. */
function readdressed(object: ManagedObject, uid: string): ManagedObject {
  assert.ok(object.kind === 'SymmetricKey');
  const data = object.keyBlock.keyWrappingData;
  assert.ok(data?.encryptionKeyInformation !== undefined);
  return {
    ...object,
    keyBlock: {
      ...object.keyBlock,
      keyWrappingData: {
        ...data,
        encryptionKeyInformation: { ...data.encryptionKeyInformation, uniqueIdentifier: uid },
      },
    },
  };
}

function tampered(object: ManagedObject): ManagedObject {
  assert.ok(object.kind === 'SymmetricKey' && object.keyBlock.keyValue instanceof Uint8Array);
  const bytes = object.keyBlock.keyValue.slice();
  bytes[bytes.length - 1] = (bytes[bytes.length - 1] as number) ^ 1;
  return { ...object, keyBlock: { ...object.keyBlock, keyValue: bytes } };
}

async function bothUseTheSameKey(aliceKey: string, bobKey: string): Promise<void> {
  const message = te.encode(`shared secret ${aliceKey}`);
  const enc = await alice.encrypt(aliceKey, message);
  const dec = await bob.decrypt(bobKey, enc.data as Uint8Array, {
    ivCounterNonce: enc.ivCounterNonce as Uint8Array,
    authenticatedEncryptionTag: enc.authenticatedEncryptionTag as Uint8Array,
  });
  assert.deepEqual(dec.data, message);
  const back = await bob.encrypt(bobKey, te.encode('reply'));
  const read = await alice.decrypt(aliceKey, back.data as Uint8Array, {
    ivCounterNonce: back.ivCounterNonce as Uint8Array,
    authenticatedEncryptionTag: back.authenticatedEncryptionTag as Uint8Array,
  });
  assert.deepEqual(read.data, te.encode('reply'));
}

async function share(published: Published, parameters?: CryptographicParameters): Promise<void> {
  const { keyUid, wrapped } = await aliceWraps(published, parameters);
  assert.ok(wrapped.kind === 'SymmetricKey');
  assert.equal(
    wrapped.keyBlock.keyWrappingData?.encryptionKeyInformation?.uniqueIdentifier,
    published.certUid,
  );
  // A wrong private key (carol's, same server, same kind of key) fails and stores nothing.
  const carolKeys = await keyPair(carol, { ...published.family, signs: false });
  const carolTarget = unique('carol-shared');
  await rejectsWithReason(
    carol.call(importRequest(carolTarget, readdressed(wrapped, carolKeys.sk))),
    ResultReason.CryptographicFailure,
  );
  await rejectsWithReason(carol.get(carolTarget), ResultReason.ItemNotFound);
  // A tampered wrapped key fails and stores nothing.
  const bad = unique('bob-tampered');
  await rejectsWithReason(
    bob.call(importRequest(bad, tampered(wrapped))),
    ResultReason.CryptographicFailure,
  );
  await rejectsWithReason(bob.get(bad), ResultReason.ItemNotFound);
  // Bob unwraps with the private key linked to his certificate.
  const bobKey = unique('bob-shared');
  await bob.call(importRequest(bobKey, wrapped));
  await bothUseTheSameKey(keyUid, bobKey);
}

void describe('key sharing between two servers', () => {
  void it('RSA-OAEP under a self-signed RSA certificate', async () => {
    await share(await publishSelfSigned(CryptographicAlgorithm.RSA, { length: 2048 }));
  });

  void it('RSA-AES key wrap under a self-signed RSA certificate', async () => {
    await share(await publishSelfSigned(CryptographicAlgorithm.RSA, { length: 2048 }), {
      paddingMethod: PaddingMethod.None,
    });
  });

  void it('HPKE under a self-signed P-256 certificate', async () => {
    await share(
      await publishSelfSigned(CryptographicAlgorithm.EC, { curve: RecommendedCurve.P_256 }),
    );
  });

  void it('HPKE under an X25519 certificate issued by the recipient CA', async () => {
    await share(await publishX25519());
  });

  void it("another user cannot issue with bob's CA, nor validate his certificates", async () => {
    const caKeys = await keyPair(bob, { algorithm: CryptographicAlgorithm.Ed25519, signs: true });
    const caUid = await certify(bob, {
      uniqueIdentifier: caKeys.pk,
      attributes: {
        certificateSubjectCN: 'Bob private CA',
        vendorAttributes: [vendor('x509-extension', 'basicConstraints=critical,CA:TRUE')],
      },
    });
    const carolKeys = await keyPair(carol, {
      algorithm: CryptographicAlgorithm.Ed25519,
      signs: true,
    });
    const issuedBy = (linkType: number, uid: string) =>
      certify(carol, {
        uniqueIdentifier: carolKeys.pk,
        attributes: {
          certificateSubjectCN: 'Carol',
          links: [{ linkType, linkedObjectIdentifier: uid }],
        },
      });
    await rejectsWithReason(
      issuedBy(LinkType.CertificateLink, caUid),
      ResultReason.PermissionDenied,
    );
    await rejectsWithReason(
      issuedBy(LinkType.PrivateKeyLink, caKeys.sk),
      ResultReason.PermissionDenied,
    );
    await rejectsWithReason(
      carol.call(batchItem(Operation.Validate, { uniqueIdentifiers: [caUid] })),
      ResultReason.PermissionDenied,
    );
  });
});
