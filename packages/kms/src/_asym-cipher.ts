/**
 * Public-key encryption of bytes, shared by Encrypt/Decrypt with key pairs and by key wrapping
 * with public keys:
 *
 * | key | scheme | selected by | output |
 * |---|---|---|---|
 * | RSA | RSAES-OAEP, SHA-256 (default), SHA-384, SHA-512 (MGF1 same hash) | Padding Method OAEP or none; Hashing Algorithm | one RSA block |
 * | RSA | CKM_RSA_AES_KEY_WRAP: OAEP-wrapped AES-256 key, then AES-KWP | Cryptographic Algorithm AES, or Padding Method None | RSA block ‖ KWP output |
 * | P-256, X25519 | HPKE base mode (RFC 9180): DHKEM(P-256 / X25519, HKDF-SHA256), HKDF-SHA256, AES-256-GCM, empty info | always | enc ‖ ciphertext ‖ tag |
 * | X-Wing | HPKE base mode with the X-Wing KEM (draft-ietf-hpke-pq), HKDF-SHA256, AES-256-GCM | always | enc ‖ ciphertext ‖ tag |
 * | ML-KEM-512/768/1024 | KEM + AEAD: (ct, ss) = Encaps(pk); k = HKDF-SHA256(ss, salt = ct, info = "custos-kms ML-KEM AES-256-GCM"), AES-256-GCM with a zero nonce (k is fresh per message) | always | ct ‖ ciphertext ‖ tag |
 *
 * Additional data (Authenticated Encryption Additional Data) is bound by the HPKE and ML-KEM
 * schemes; RSA schemes take none. Every decryption failure is the same Cryptographic Failure.
 */
import {
  CryptographicAlgorithm,
  HashingAlgorithm,
  PaddingMethod,
  type CryptographicParameters,
} from '@custos/kmip';
import { provider } from '@custos/crypto';
import {
  familyOf,
  parsedPrivateKey,
  parsedPublicKey,
  rawKemKey,
  type KeyFamily,
} from './_asym-keys.ts';
import { KmsError } from './errors.ts';
import type { LoadedObject } from './repository.ts';

type OaepHash = 'sha256' | 'sha384' | 'sha512';
type HpkeKem = 'dhkem-p256-hkdf-sha256' | 'dhkem-x25519-hkdf-sha256' | 'x-wing';
type MlKem = 'ml-kem-512' | 'ml-kem-768' | 'ml-kem-1024';

export type AsymScheme =
  | { readonly kind: 'rsa-oaep'; readonly hash: OaepHash }
  | { readonly kind: 'rsa-aes-kwp'; readonly hash: OaepHash }
  | { readonly kind: 'hpke'; readonly kem: HpkeKem }
  | { readonly kind: 'ml-kem'; readonly kem: MlKem };

const HASHES: ReadonlyMap<number, OaepHash> = new Map([
  [HashingAlgorithm.SHA_256, 'sha256'],
  [HashingAlgorithm.SHA_384, 'sha384'],
  [HashingAlgorithm.SHA_512, 'sha512'],
] as const);
const HASH_VALUES: Readonly<Record<OaepHash, number>> = {
  sha256: HashingAlgorithm.SHA_256,
  sha384: HashingAlgorithm.SHA_384,
  sha512: HashingAlgorithm.SHA_512,
};

const ML_KEM_INFO = new TextEncoder().encode('custos-kms ML-KEM AES-256-GCM');
const ZERO_NONCE = new Uint8Array(12);
const EMPTY = new Uint8Array(0);

function bad(message: string): never {
  throw new KmsError('ERR_KMS_UNSUPPORTED_CRYPTOGRAPHIC_PARAMETERS', message);
}

/** The scheme a key of family `f` uses with the Cryptographic Parameters `p`. */
export function asymScheme(f: KeyFamily, p: CryptographicParameters | undefined): AsymScheme {
  if (!f.encrypts) bad(`${f.name} keys do not encrypt`);
  if (f.name === 'rsa') {
    const h = p?.hashingAlgorithm;
    const hash = h === undefined ? 'sha256' : HASHES.get(h);
    if (hash === undefined) bad('RSA encryption hashes are SHA-256, SHA-384 and SHA-512');
    const mgf = p?.maskGeneratorHashingAlgorithm;
    if (mgf !== undefined && mgf !== HASH_VALUES[hash]) bad('the MGF1 hash must be the OAEP hash');
    if (
      p?.cryptographicAlgorithm === CryptographicAlgorithm.AES ||
      p?.paddingMethod === PaddingMethod.None
    )
      return { kind: 'rsa-aes-kwp', hash };
    if (p?.paddingMethod !== undefined && p.paddingMethod !== PaddingMethod.OAEP)
      bad('RSA encryption uses OAEP (PKCS#1 v1.5 encryption is not offered)');
    if (
      p?.cryptographicAlgorithm !== undefined &&
      p.cryptographicAlgorithm !== CryptographicAlgorithm.RSA
    )
      bad('RSA keys encrypt with RSA (OAEP) or AES (RSA-AES key wrap)');
    return { kind: 'rsa-oaep', hash };
  }
  switch (f.name) {
    case 'p256':
      return { kind: 'hpke', kem: 'dhkem-p256-hkdf-sha256' };
    case 'x25519':
      return { kind: 'hpke', kem: 'dhkem-x25519-hkdf-sha256' };
    case 'x-wing':
      return { kind: 'hpke', kem: 'x-wing' };
    case 'ml-kem-512':
    case 'ml-kem-768':
    case 'ml-kem-1024':
      return { kind: 'ml-kem', kem: f.name };
    default:
      return bad(`${f.name} keys do not encrypt`);
  }
}

/** Cryptographic Parameters describing `s` (recorded in Key Wrapping Data). */
export function schemeParameters(s: AsymScheme): CryptographicParameters {
  if (s.kind === 'rsa-oaep')
    return { paddingMethod: PaddingMethod.OAEP, hashingAlgorithm: HASH_VALUES[s.hash] };
  if (s.kind === 'rsa-aes-kwp')
    return {
      cryptographicAlgorithm: CryptographicAlgorithm.AES,
      paddingMethod: PaddingMethod.None,
      hashingAlgorithm: HASH_VALUES[s.hash],
    };
  return {};
}

function hpkeSuite(kem: HpkeKem): ReturnType<typeof provider.hpke.suite> {
  return provider.hpke.suite({ kem, kdf: 'hkdf-sha256', aead: 'aes-256-gcm' });
}

function mlKemKey(ss: Uint8Array, ct: Uint8Array): ReturnType<typeof provider.aead.cipher> {
  return provider.aead.cipher('aes-256-gcm', provider.kdf.hkdf('sha256', ss, ct, ML_KEM_INFO, 32));
}

function noAad(s: AsymScheme, aad: Uint8Array | undefined): void {
  if ((s.kind === 'rsa-oaep' || s.kind === 'rsa-aes-kwp') && aad !== undefined && aad.length > 0)
    throw new KmsError(
      'ERR_KMS_BAD_CRYPTOGRAPHIC_PARAMETERS',
      'RSA encryption takes no additional data',
    );
}

/**
 * Encrypts `data` to the public key of `loaded` (a public key, a certificate, or a private key
 * whose public half is used).
 */
export async function asymEncrypt(
  loaded: LoadedObject,
  s: AsymScheme,
  data: Uint8Array,
  aad?: Uint8Array,
): Promise<Uint8Array> {
  noAad(s, aad);
  try {
    switch (s.kind) {
      case 'rsa-oaep':
        return await provider.rsaWrap.oaepEncrypt(await parsedPublicKey(loaded), data, s.hash);
      case 'rsa-aes-kwp':
        return await provider.rsaWrap.aesKwpWrap(await parsedPublicKey(loaded), data, {
          hash: s.hash,
          aesKeyBits: 256,
        });
      case 'hpke': {
        const pk = await rawKemKey(loaded, 'public');
        const suite = hpkeSuite(s.kem);
        const publicKey = loaded.key(`hpke-public-${s.kem}`, () => suite.publicKey(pk));
        const { enc, ciphertext } = suite.seal(publicKey, data, { aad: aad ?? EMPTY });
        return concat(enc, ciphertext);
      }
      case 'ml-kem': {
        const kem = provider.kem.get(s.kem);
        const pk = await rawKemKey(loaded, 'public');
        const publicKey = loaded.key(`kem-public-${s.kem}`, () => kem.publicKey(pk));
        const { ciphertext, sharedSecret } = kem.encapsulate(publicKey);
        return concat(
          ciphertext,
          mlKemKey(sharedSecret, ciphertext).seal(ZERO_NONCE, data, aad ?? EMPTY),
        );
      }
    }
  } catch (error) {
    if (error instanceof RangeError)
      throw new KmsError('ERR_KMS_BAD_CRYPTOGRAPHIC_PARAMETERS', error.message);
    throw error;
  }
}

/** Decrypts with the private key `loaded`. Failures: Cryptographic Failure (uniform). */
export async function asymDecrypt(
  loaded: LoadedObject,
  s: AsymScheme,
  data: Uint8Array,
  aad?: Uint8Array,
): Promise<Uint8Array> {
  noAad(s, aad);
  const failure = (): KmsError =>
    new KmsError('ERR_KMS_CRYPTOGRAPHIC_FAILURE', 'cryptographic failure');
  switch (s.kind) {
    case 'rsa-oaep':
      return provider.rsaWrap.oaepDecrypt(await parsedPrivateKey(loaded), data, s.hash);
    case 'rsa-aes-kwp':
      return provider.rsaWrap.aesKwpUnwrap(await parsedPrivateKey(loaded), data, {
        hash: s.hash,
        aesKeyBits: 256,
      });
    case 'hpke': {
      const sk = await rawKemKey(loaded, 'private');
      const suite = hpkeSuite(s.kem);
      const n = suite.lengths.enc;
      if (data.length < n + 16) throw failure();
      const secretKey = loaded.key(`hpke-secret-${s.kem}`, () => suite.secretKey(sk));
      return suite.open(data.subarray(0, n), secretKey, data.subarray(n), { aad: aad ?? EMPTY });
    }
    case 'ml-kem': {
      const kem = provider.kem.get(s.kem);
      const n = kem.lengths.ciphertext;
      if (data.length < n + 16) throw failure();
      const sk = await rawKemKey(loaded, 'private');
      const secretKey = loaded.key(`kem-secret-${s.kem}`, () => kem.secretKey(sk));
      const ct = data.subarray(0, n);
      const ss = kem.decapsulate(ct, secretKey);
      return mlKemKey(ss, ct).open(ZERO_NONCE, data.subarray(n), aad ?? EMPTY);
    }
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** The family of a loaded key, checked to encrypt. */
export function encryptingFamily(loaded: LoadedObject): KeyFamily {
  const f = familyOf(loaded);
  if (!f.encrypts)
    throw new KmsError(
      'ERR_KMS_ILLEGAL_OBJECT_TYPE',
      `object ${loaded.record.uid} is a ${f.name} key, which does not encrypt`,
    );
  return f;
}
