/**
 * Key material the data-path commands fetch from the KMS (one Export each: the object and its
 * attributes in one round trip), checked before use as the KMS itself would check it: the object
 * kind, the algorithm, the state (encrypting needs an Active key) and the usage mask.
 *
 * A key that may not leave the KMS (sensitive, not extractable, or no `get` right) fails with
 * a hint to the server-side modes.
 */
import type { KmsClient } from '@custos/client';
import {
  CryptographicAlgorithm,
  CryptographicUsageMask,
  enumName,
  KeyFormatType,
  LinkType,
  ObjectType,
  RecommendedCurve,
  State,
  type Attributes,
  type ManagedObject,
} from '@custos/kmip';
import { CliError, Exit, exitCodeOf, UsageError } from './_errors.ts';
import type { HybridSuite } from './_file-format.ts';
import type { KeyEncoding } from './_stream-hybrid.ts';

/** Vendor values of the Custos server (Cosmian's for ML-KEM, FPE and Covercrypt). */
const ML_KEM: Readonly<Record<number, HybridSuite>> = {
  0x39: 'ml-kem-512',
  0x3a: 'ml-kem-768',
  0x3b: 'ml-kem-1024',
};
const X_WING = 0x80c50768;
const CURVE25519 = 0x45;
const FPE_FF1 = 0x88800001;
const COVERCRYPT = 0x88800004;
const AUTHORITY_ATTRIBUTE = 'cover_crypt_authority';

export type Use = 'encrypt' | 'decrypt';

/** The asymmetric command families and the suites each takes. */
export type Family = 'rsa' | 'ec' | 'pqc';
export const FAMILY_SUITES: Readonly<Record<Family, readonly HybridSuite[]>> = {
  rsa: ['rsa-oaep-sha256'],
  ec: ['hpke-p256', 'hpke-x25519'],
  pqc: ['ml-kem-512', 'ml-kem-768', 'ml-kem-1024', 'hpke-x-wing'],
};

function invalid(message: string): CliError {
  return new CliError(Exit.invalid, message);
}

function typeName(t: number): string {
  const name = enumName('ObjectType', t) ?? `object type ${t}`;
  return name.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}

/** Export, with the hint for keys that may not leave the server. */
async function exportKey(
  kms: KmsClient,
  uid: string,
  format?: 'raw',
): Promise<{ objectType: number; attributes: Attributes; object: ManagedObject }> {
  try {
    return await kms.exportObject(uid, format === undefined ? {} : { format });
  } catch (error) {
    if (exitCodeOf(error) === Exit.denied)
      throw new CliError(
        Exit.denied,
        `${(error as Error).message} (this key cannot be exported to you: use --server-side to work through the KMS)`,
        { cause: error },
      );
    throw error;
  }
}

function checkUsable(uid: string, a: Attributes, use: Use): void {
  const state = a.state;
  const okStates: readonly number[] =
    use === 'encrypt' ? [State.Active] : [State.Active, State.Deactivated, State.Compromised];
  if (state !== undefined && !okStates.includes(state))
    throw invalid(
      `key ${uid} is ${(enumName('State', state) ?? String(state)).replace(/([a-z])([A-Z])/g, '$1-$2')}: ${use === 'encrypt' ? 'only an Active key encrypts' : 'it cannot decrypt'}`,
    );
  const mask = a.cryptographicUsageMask;
  const bit = use === 'encrypt' ? CryptographicUsageMask.Encrypt : CryptographicUsageMask.Decrypt;
  if (mask !== undefined && (mask & (bit | CryptographicUsageMask.Unrestricted)) === 0)
    throw invalid(`the usage mask of key ${uid} does not allow ${use}ion`);
}

function material(object: ManagedObject, uid: string): { format: number; bytes: Uint8Array } {
  if (!('keyBlock' in object)) throw invalid(`object ${uid} holds no key`);
  const kb = object.keyBlock;
  if (kb.keyWrappingData !== undefined) throw invalid(`the key material of ${uid} is wrapped`);
  const kv = kb.keyValue;
  const bytes = kv instanceof Uint8Array ? kv : kv?.keyMaterial;
  if (!(bytes instanceof Uint8Array)) throw invalid(`object ${uid} is not in a byte key format`);
  return { format: kb.keyFormatType, bytes };
}

export interface SymmetricKey {
  readonly key: Uint8Array;
  readonly algorithm: 'aes-256-gcm' | 'chacha20-poly1305';
}

/** A 256-bit AES or ChaCha20 key, exported for local streaming. */
export async function fetchSymmetricKey(
  kms: KmsClient,
  uid: string,
  use: Use,
): Promise<SymmetricKey> {
  const r = await exportKey(kms, uid, 'raw');
  if (r.objectType !== ObjectType.SymmetricKey)
    throw invalid(`object ${uid} is a ${typeName(r.objectType)}, not a symmetric key`);
  const a = r.attributes;
  const alg = a.cryptographicAlgorithm;
  if (alg === FPE_FF1) throw invalid(`key ${uid} is an FPE key: use custos fpe ${use}`);
  if (alg !== CryptographicAlgorithm.AES && alg !== CryptographicAlgorithm.ChaCha20)
    throw invalid(`key ${uid} is not an AES or ChaCha20 key`);
  checkUsable(uid, a, use);
  const { bytes } = material(r.object, uid);
  if (bytes.length !== 32)
    throw invalid(
      `key ${uid} has ${bytes.length * 8} bits: local streaming takes 256-bit keys (use --server-side)`,
    );
  return {
    key: bytes,
    algorithm: alg === CryptographicAlgorithm.AES ? 'aes-256-gcm' : 'chacha20-poly1305',
  };
}

/** The hybrid suite a key of these attributes takes, if any. */
export function suiteOf(a: Attributes): HybridSuite | undefined {
  const alg = a.cryptographicAlgorithm;
  if (alg === CryptographicAlgorithm.RSA) return 'rsa-oaep-sha256';
  if (
    alg === CryptographicAlgorithm.EC ||
    alg === CryptographicAlgorithm.ECDH ||
    alg === CryptographicAlgorithm.ECDSA
  ) {
    const curve = a.cryptographicDomainParameters?.recommendedCurve;
    if (curve === CURVE25519) return 'hpke-x25519';
    if (curve === RecommendedCurve.P_256 || (curve === undefined && a.cryptographicLength === 256))
      return 'hpke-p256';
    return undefined;
  }
  if (alg === X_WING) return 'hpke-x-wing';
  return alg === undefined ? undefined : ML_KEM[alg];
}

/** Which command family serves `suite`. */
export function familyOf(suite: HybridSuite): Family {
  for (const [family, suites] of Object.entries(FAMILY_SUITES) as [
    Family,
    readonly HybridSuite[],
  ][])
    if (suites.includes(suite)) return family;
  throw new RangeError(`unknown suite ${suite}`);
}

function checkFamily(uid: string, suite: HybridSuite | undefined, family: Family): HybridSuite {
  if (suite === undefined)
    throw invalid(
      `key ${uid} is not of an encrypting family (RSA, EC P-256 or X25519, ML-KEM, X-Wing)`,
    );
  const actual = familyOf(suite);
  if (actual !== family) throw invalid(`key ${uid} is a ${suite} key: use custos ${actual}`);
  return suite;
}

function encoding(format: number, bytes: Uint8Array, uid: string): KeyEncoding {
  if (format === KeyFormatType.X_509 || format === KeyFormatType.PKCS_8)
    return { format: 'der', bytes };
  if (format === KeyFormatType.Raw) return { format: 'raw', bytes };
  throw invalid(
    `key ${uid} comes in the ${enumName('KeyFormatType', format) ?? format} format, which this command does not read`,
  );
}

export interface RecipientKey {
  readonly suite: HybridSuite;
  readonly key: KeyEncoding;
}

/** The recipient's public key, for hybrid encryption. */
export async function fetchPublicKey(
  kms: KmsClient,
  uid: string,
  family: Family,
): Promise<RecipientKey> {
  const r = await exportKey(kms, uid);
  if (r.objectType === ObjectType.PrivateKey)
    throw invalid(`object ${uid} is a private key: encrypt with its public key`);
  if (r.objectType !== ObjectType.PublicKey)
    throw invalid(`object ${uid} is a ${typeName(r.objectType)}, not a public key`);
  const suite = checkFamily(uid, suiteOf(r.attributes), family);
  checkUsable(uid, r.attributes, 'encrypt');
  const m = material(r.object, uid);
  return { suite, key: encoding(m.format, m.bytes, uid) };
}

/** A private key exported for local unwrapping; its suite must be `suite`. */
export async function fetchPrivateKey(
  kms: KmsClient,
  uid: string,
  suite: HybridSuite,
): Promise<KeyEncoding> {
  const r = await exportKey(kms, uid);
  if (r.objectType !== ObjectType.PrivateKey)
    throw invalid(`object ${uid} is a ${typeName(r.objectType)}, not a private key`);
  const actual = suiteOf(r.attributes);
  if (actual !== suite)
    throw invalid(
      `key ${uid} is ${actual === undefined ? 'not an encrypting key' : `a ${actual} key`}, the data needs a ${suite} key`,
    );
  checkUsable(uid, r.attributes, 'decrypt');
  const m = material(r.object, uid);
  return encoding(m.format, m.bytes, uid);
}

/** The private key linked to public key `uid` (its Private Key Link), if the server records one. */
export async function linkedPrivateKey(kms: KmsClient, uid: string): Promise<string | undefined> {
  const a = await kms.getAttributes(uid);
  const link = a.links?.find((l) => l.linkType === LinkType.PrivateKeyLink);
  const id = link?.linkedObjectIdentifier;
  return typeof id === 'string' ? id : undefined;
}

function authorityText(a: Attributes): string | undefined {
  const v = a.vendorAttributes?.find((x) => x.attributeName === AUTHORITY_ATTRIBUTE);
  if (v === undefined) return undefined;
  const item = v.attributeValue;
  if (item.type === 'TextString') return item.value;
  if (item.type === 'ByteString') return new TextDecoder().decode(item.value);
  return undefined;
}

/** Parses `--authority HEX` (32 bytes). */
export function parseAuthority(hex: string): Uint8Array {
  if (!/^[0-9a-fA-F]{64}$/.test(hex))
    throw new UsageError('--authority must be 64 hexadecimal digits (a 32-byte authority id)');
  return Uint8Array.from(Buffer.from(hex, 'hex'));
}

export interface CovercryptKey {
  readonly bytes: Uint8Array;
  readonly authority: Uint8Array;
}

/**
 * A Covercrypt key (master public key to encrypt, user key to decrypt) and the authority id it
 * is pinned to: `pinned` when given (then the KMS is not trusted for it), else the server's.
 */
export async function fetchCovercryptKey(
  kms: KmsClient,
  uid: string,
  use: Use,
  pinned?: Uint8Array,
): Promise<CovercryptKey> {
  const r = await exportKey(kms, uid);
  const want = use === 'encrypt' ? ObjectType.PublicKey : ObjectType.PrivateKey;
  if (r.attributes.cryptographicAlgorithm !== COVERCRYPT || r.objectType !== want)
    throw invalid(
      use === 'encrypt'
        ? `object ${uid} is not a Covercrypt master public key`
        : `object ${uid} is not a Covercrypt user key`,
    );
  checkUsable(uid, r.attributes, use);
  const { bytes } = material(r.object, uid);
  const magic = String.fromCharCode(...bytes.subarray(0, 4));
  if (use === 'decrypt' && magic !== 'CVCU')
    throw invalid(
      `object ${uid} is not a Covercrypt user key${magic === 'CVCM' ? ' (it is a master secret key)' : ''}`,
    );
  if (pinned !== undefined) return { bytes, authority: pinned };
  const hex = authorityText(r.attributes);
  if (hex === undefined || !/^[0-9a-f]{64}$/.test(hex))
    throw invalid(
      `key ${uid} lacks its authority id (${AUTHORITY_ATTRIBUTE}); pass --authority HEX`,
    );
  return { bytes, authority: Uint8Array.from(Buffer.from(hex, 'hex')) };
}
