/**
 * Hybrid (public-key) file encryption for `custos rsa|ec|pqc encrypt`: a fresh 32-byte data key
 * is wrapped for the recipient's public key, written in the envelope header, and the data is
 * the Custos STREAM under the data key, bound to the header (its SHA-256).
 *
 * The wrapping schemes are exactly those of the Custos KMS Encrypt operation with these keys
 * (packages/kms/src/_asym-cipher.ts), so that the KMS can unwrap the data key with the private
 * key without that key ever leaving it:
 *
 * | suite | wrapped data key |
 * |---|---|
 * | rsa-oaep-sha256 | RSAES-OAEP, SHA-256, MGF1-SHA-256, empty label |
 * | hpke-p256, hpke-x25519, hpke-x-wing | HPKE base mode (RFC 9180), HKDF-SHA256, AES-256-GCM, empty info and aad: enc ‖ ct ‖ tag |
 * | ml-kem-512/768/1024 | (c, ss) = Encaps(pk); k = HKDF-SHA256(ss, salt = c, info = "custos-kms ML-KEM AES-256-GCM"); c ‖ AES-256-GCM(k, 0¹², DEK) |
 */
import { concatBytes, DecryptionFailed, provider } from '@custos/crypto';
import { encryptStream } from '@custos/crypto/stream';
import { encodeHeader, type HybridSuite } from './_file-format.ts';
import { headerAad } from './_stream-sym.ts';
import type { Source } from './_stream-io.ts';

type HpkeKem = 'dhkem-p256-hkdf-sha256' | 'dhkem-x25519-hkdf-sha256' | 'x-wing';
type MlKem = 'ml-kem-512' | 'ml-kem-768' | 'ml-kem-1024';
type KeyAlgorithm = 'rsa' | 'p256' | 'x25519' | MlKem;

const EMPTY = new Uint8Array(0);
const ZERO_NONCE = new Uint8Array(12);
const ML_KEM_INFO = new TextEncoder().encode('custos-kms ML-KEM AES-256-GCM');
export const DATA_KEY_LENGTH = 32;

const HPKE: Partial<Record<HybridSuite, HpkeKem>> = {
  'hpke-p256': 'dhkem-p256-hkdf-sha256',
  'hpke-x25519': 'dhkem-x25519-hkdf-sha256',
  'hpke-x-wing': 'x-wing',
};

/** The `@custos/crypto` key algorithm of a suite (X-Wing keys exist in raw form only). */
export function keyAlgorithm(suite: HybridSuite): KeyAlgorithm | undefined {
  switch (suite) {
    case 'rsa-oaep-sha256':
      return 'rsa';
    case 'hpke-p256':
      return 'p256';
    case 'hpke-x25519':
      return 'x25519';
    case 'hpke-x-wing':
      return undefined;
    default:
      return suite;
  }
}

/** A public or private key as the KMS gives it: DER (SPKI / PKCS#8) or the raw form. */
export interface KeyEncoding {
  readonly format: 'der' | 'raw';
  readonly bytes: Uint8Array;
}

function hpkeSuite(kem: HpkeKem): ReturnType<typeof provider.hpke.suite> {
  return provider.hpke.suite({ kem, kdf: 'hkdf-sha256', aead: 'aes-256-gcm' });
}

function mlKemCipher(ss: Uint8Array, ct: Uint8Array): ReturnType<typeof provider.aead.cipher> {
  return provider.aead.cipher('aes-256-gcm', provider.kdf.hkdf('sha256', ss, ct, ML_KEM_INFO, 32));
}

async function rawPublic(suite: HybridSuite, key: KeyEncoding): Promise<Uint8Array> {
  const algorithm = keyAlgorithm(suite);
  if (key.format === 'raw' || algorithm === undefined) return key.bytes;
  return provider.keys.exportPublic(
    await provider.keys.importPublic(algorithm, 'spki', key.bytes),
    'raw',
  );
}

async function rawPrivate(suite: HybridSuite, key: KeyEncoding): Promise<Uint8Array> {
  const algorithm = keyAlgorithm(suite);
  if (key.format === 'raw' || algorithm === undefined) return key.bytes;
  return provider.keys.exportPrivate(
    await provider.keys.importPrivate(algorithm, 'pkcs8', key.bytes),
    'raw',
  );
}

/**
 * A function wrapping data keys for `publicKey` (parsed once).
 * @throws the crypto layer's InvalidKey/InvalidEncoding/RangeError for a key that does not parse.
 */
export async function wrapperFor(
  suite: HybridSuite,
  publicKey: KeyEncoding,
): Promise<(dek: Uint8Array) => Promise<Uint8Array>> {
  if (suite === 'rsa-oaep-sha256') {
    if (publicKey.format !== 'der') throw new RangeError('RSA public keys come as SPKI DER');
    const pk = await provider.keys.importPublic('rsa', 'spki', publicKey.bytes);
    return (dek) => provider.rsaWrap.oaepEncrypt(pk, dek, 'sha256');
  }
  const raw = await rawPublic(suite, publicKey);
  const hpke = HPKE[suite];
  if (hpke !== undefined) {
    const s = hpkeSuite(hpke);
    const pk = s.publicKey(raw);
    return (dek) => {
      const { enc, ciphertext } = s.seal(pk, dek, { aad: EMPTY });
      return Promise.resolve(concatBytes(enc, ciphertext));
    };
  }
  const kem = provider.kem.get(suite as MlKem);
  const pk = kem.publicKey(raw);
  return (dek) => {
    const { ciphertext, sharedSecret } = kem.encapsulate(pk);
    return Promise.resolve(
      concatBytes(ciphertext, mlKemCipher(sharedSecret, ciphertext).seal(ZERO_NONCE, dek, EMPTY)),
    );
  };
}

/**
 * Unwraps a data key locally with an exported private key.
 * @throws DecryptionFailed when the wrapped key does not open (wrong key, altered header).
 */
export async function unwrapLocally(
  suite: HybridSuite,
  privateKey: KeyEncoding,
  wrapped: Uint8Array,
): Promise<Uint8Array> {
  if (suite === 'rsa-oaep-sha256') {
    if (privateKey.format !== 'der') throw new RangeError('RSA private keys come as PKCS#8 DER');
    const sk = await provider.keys.importPrivate('rsa', 'pkcs8', privateKey.bytes);
    return provider.rsaWrap.oaepDecrypt(sk, wrapped, 'sha256');
  }
  const raw = await rawPrivate(suite, privateKey);
  const hpke = HPKE[suite];
  if (hpke !== undefined) {
    const s = hpkeSuite(hpke);
    const n = s.lengths.enc;
    if (wrapped.length < n + 16) throw new DecryptionFailed();
    return s.open(wrapped.subarray(0, n), s.secretKey(raw), wrapped.subarray(n), { aad: EMPTY });
  }
  const kem = provider.kem.get(suite as MlKem);
  const n = kem.lengths.ciphertext;
  if (wrapped.length < n + 16) throw new DecryptionFailed();
  const ct = wrapped.subarray(0, n);
  const ss = kem.decapsulate(ct, kem.secretKey(raw));
  return mlKemCipher(ss, ct).open(ZERO_NONCE, wrapped.subarray(n), EMPTY);
}

/**
 * Encrypts `source` for a recipient: a fresh data key, wrapped by `wrap`; yields the header
 * (suite, recipient key id, wrapped key), then the STREAM under the data key.
 */
export async function encryptHybrid(
  suite: HybridSuite,
  keyId: string,
  wrap: (dek: Uint8Array) => Promise<Uint8Array>,
  source: Source,
): Promise<AsyncGenerator<Uint8Array, void, undefined>> {
  const dek = provider.random.bytes(DATA_KEY_LENGTH);
  try {
    const header = encodeHeader({ suite, keyId, wrappedKey: await wrap(dek) });
    // The encryptor derives its segment key at once: the data key is not needed after this.
    const body = encryptStream(provider.stream, dek, source, { aad: headerAad(header) });
    return (async function* () {
      yield header;
      yield* body;
    })();
  } finally {
    dek.fill(0);
  }
}
