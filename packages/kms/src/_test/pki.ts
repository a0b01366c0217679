/**
 * Helpers of the PKI tests: key pairs made with node:crypto (an independent oracle) registered
 * as PKCS#8 / SPKI objects linked both ways, Certify / Validate calls, certificate retrieval,
 * and openssl runs in a temporary folder.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CryptographicAlgorithm,
  KeyFormatType,
  LinkType,
  ObjectType,
  Operation,
  RecommendedCurve,
  Tag,
  ValidityIndicator,
  batchItem,
  decodeResponsePayload,
  type Attributes,
  type KmipClient,
  type UniqueIdentifier,
  type VendorAttribute,
} from '@custos/kmip';

export const PAST = new Date('2024-01-01T00:00:00Z');

export type TestKeyAlgorithm = 'rsa' | 'p256' | 'p384' | 'ed25519' | 'x25519' | 'ml-dsa-44';

/** KMIP attributes recording each algorithm (as the server's asymmetric families read them). */
export function keyAttributes(alg: TestKeyAlgorithm, bits = 2048): Attributes {
  switch (alg) {
    case 'rsa':
      return { cryptographicAlgorithm: CryptographicAlgorithm.RSA, cryptographicLength: bits };
    case 'p256':
      return {
        cryptographicAlgorithm: CryptographicAlgorithm.EC,
        cryptographicLength: 256,
        cryptographicDomainParameters: { recommendedCurve: RecommendedCurve.P_256 },
      };
    case 'p384':
      return {
        cryptographicAlgorithm: CryptographicAlgorithm.EC,
        cryptographicLength: 384,
        cryptographicDomainParameters: { recommendedCurve: RecommendedCurve.P_384 },
      };
    case 'ed25519':
      return {
        cryptographicAlgorithm: CryptographicAlgorithm.Ed25519,
        cryptographicLength: 256,
        cryptographicDomainParameters: { recommendedCurve: 0x80000001 },
      };
    case 'x25519':
      return {
        cryptographicAlgorithm: CryptographicAlgorithm.ECDH,
        cryptographicLength: 256,
        cryptographicDomainParameters: { recommendedCurve: 0x45 },
      };
    case 'ml-dsa-44':
      return { cryptographicAlgorithm: 0x80c50044, cryptographicLength: 44 };
  }
}

/** A key pair made by node:crypto: PKCS#8 and SPKI DER. */
export function nodeKeyPair(
  alg: TestKeyAlgorithm,
  bits = 2048,
): { pkcs8: Uint8Array; spki: Uint8Array } {
  const opts = {
    privateKeyEncoding: { type: 'pkcs8', format: 'der' },
    publicKeyEncoding: { type: 'spki', format: 'der' },
  } as const;
  // One signature for every type (ML-DSA needs Node 24's OpenSSL 3.5, newer than some typings).
  const generate = generateKeyPairSync as (
    type: string,
    options: object,
  ) => { privateKey: Buffer; publicKey: Buffer };
  const pair =
    alg === 'rsa'
      ? generate('rsa', { modulusLength: bits, ...opts })
      : alg === 'p256' || alg === 'p384'
        ? generate('ec', { namedCurve: alg === 'p256' ? 'P-256' : 'P-384', ...opts })
        : generate(alg, opts);
  return { pkcs8: new Uint8Array(pair.privateKey), spki: new Uint8Array(pair.publicKey) };
}

let counter = 0;

/** Registers a key pair linked both ways; returns the identifiers. */
export async function registerKeyPair(
  c: KmipClient,
  alg: TestKeyAlgorithm,
  pair: { pkcs8: Uint8Array; spki: Uint8Array } = nodeKeyPair(alg),
  bits = 2048,
): Promise<{ sk: string; pk: string }> {
  const base = `${alg}-${process.pid}-${++counter}-${globalThis.crypto.randomUUID().slice(0, 8)}`;
  const sk = `${base}-sk`;
  const pk = `${base}-pk`;
  const a = keyAttributes(alg, bits);
  const block = (format: number, bytes: Uint8Array) => ({
    keyFormatType: format,
    keyValue: { keyMaterial: bytes },
    cryptographicAlgorithm: a.cryptographicAlgorithm as number,
    cryptographicLength: a.cryptographicLength as number,
  });
  await c.call(
    batchItem(Operation.Register, {
      objectType: ObjectType.PrivateKey,
      attributes: {
        ...a,
        uniqueIdentifier: sk,
        activationDate: PAST,
        links: [{ linkType: LinkType.PublicKeyLink, linkedObjectIdentifier: pk }],
      },
      object: { kind: 'PrivateKey', keyBlock: block(KeyFormatType.PKCS_8, pair.pkcs8) },
    }),
  );
  await c.call(
    batchItem(Operation.Register, {
      objectType: ObjectType.PublicKey,
      attributes: {
        ...a,
        uniqueIdentifier: pk,
        activationDate: PAST,
        links: [{ linkType: LinkType.PrivateKeyLink, linkedObjectIdentifier: sk }],
      },
      object: { kind: 'PublicKey', keyBlock: block(KeyFormatType.X_509, pair.spki) },
    }),
  );
  return { sk, pk };
}

/** A Cosmian-style vendor attribute with a text value. */
export function vendor(name: string, value: string, id = 'cosmian'): VendorAttribute {
  return {
    vendorIdentification: id,
    attributeName: name,
    attributeValue: { tag: Tag.AttributeValue, type: 'TextString', value },
  };
}

/** Certify; returns the certificate's identifier. */
export async function certify(
  c: KmipClient,
  request: {
    uniqueIdentifier?: UniqueIdentifier;
    certificateRequestType?: number;
    certificateRequestValue?: Uint8Array;
    attributes?: Attributes;
  },
): Promise<string> {
  const r = await c.call(batchItem(Operation.Certify, request));
  return r.uniqueIdentifier as string;
}

/** DER of a certificate object. */
export async function certificateDer(c: KmipClient, uid: string): Promise<Uint8Array> {
  const got = await c.get(uid);
  if (got.object.kind !== 'Certificate') assert.fail(`${uid} is not a certificate`);
  return got.object.certificateValue;
}

export async function x509(c: KmipClient, uid: string): Promise<X509Certificate> {
  return new X509Certificate(await certificateDer(c, uid));
}

export function pemOf(der: Uint8Array): string {
  return new X509Certificate(der).toString();
}

/** Validate; returns the indicator name and the Result Message. */
export async function validate(
  c: KmipClient,
  request: {
    uniqueIdentifiers?: string[];
    certificates?: { certificateType: number; certificateValue: Uint8Array }[];
    validityDate?: Date;
  },
): Promise<{ indicator: 'valid' | 'invalid' | 'unknown'; message: string }> {
  const [item] = await c.batch([batchItem(Operation.Validate, request)]);
  assert.ok(item !== undefined && item.payload !== undefined, item?.resultMessage ?? 'no result');
  const p = decodeResponsePayload(Operation.Validate, item.payload, { major: 2, minor: 1 });
  const names = {
    [ValidityIndicator.Valid]: 'valid',
    [ValidityIndicator.Invalid]: 'invalid',
    [ValidityIndicator.Unknown]: 'unknown',
  } as const;
  return {
    indicator: names[p.validityIndicator as 1 | 2 | 3],
    message: item.resultMessage ?? '',
  };
}

/** Runs openssl in `dir` (throws with stderr on failure). */
export function openssl(dir: string, args: string[], input?: string): string {
  return execFileSync('openssl', args, {
    cwd: dir,
    encoding: 'utf8',
    stdio: ['pipe', 'pipe', 'pipe'],
    ...(input === undefined ? {} : { input }),
  });
}

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'custos-kms-pki-'));
}

export function write(dir: string, name: string, data: string | Uint8Array): string {
  writeFileSync(join(dir, name), data);
  return join(dir, name);
}

export function read(dir: string, name: string): Buffer {
  return readFileSync(join(dir, name));
}

/** Number of certificate objects the client sees. */
export async function certificateCount(c: KmipClient): Promise<number> {
  const r = await c.call(
    batchItem(Operation.Locate, { attributes: { objectType: ObjectType.Certificate } }),
  );
  return r.uniqueIdentifiers?.length ?? 0;
}
