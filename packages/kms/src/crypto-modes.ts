/**
 * The KMS's view of the interoperability modes of `@custos/crypto` (`provider.modes`): AES-CBC,
 * AES-XTS, AES-GCM with any key size and AES-GCM-SIV (RFC 8452). This file only adapts their
 * calling conventions to what the operations need; no primitive is called from here.
 *
 * A key is parsed once (`secretKey`) and cached by the caller per object version
 * (`LoadedObject.key`): each mode's cipher object (node: a KeyObject) is made on first use and
 * kept. Every integrity or padding failure throws `DecryptionFailed`, with no detail.
 */
import {
  DecryptionFailed,
  provider,
  type AesCbcCipher,
  type AesXtsCipher,
  type ModeAeadCipher,
} from '@custos/crypto';

/** A secret key parsed once; the cipher of each mode is made when first used. */
export class ModeKey {
  readonly #bytes: Uint8Array;
  #cbc: AesCbcCipher | undefined;
  #xts: AesXtsCipher | undefined;
  #gcm: ModeAeadCipher | undefined;

  constructor(bytes: Uint8Array) {
    this.#bytes = Uint8Array.from(bytes);
  }

  get cbc(): AesCbcCipher {
    return (this.#cbc ??= provider.modes.cbc(this.#bytes));
  }

  get xts(): AesXtsCipher {
    return (this.#xts ??= provider.modes.xts(this.#bytes));
  }

  get gcm(): ModeAeadCipher {
    return (this.#gcm ??= provider.modes.gcm(this.#bytes));
  }
}

/** A secret key parsed once. */
export function secretKey(bytes: Uint8Array): ModeKey {
  return new ModeKey(bytes);
}

/** AES-CBC encryption; `pad` applies PKCS#7 (KMIP "PKCS5"), else data must be block aligned. */
export function aesCbcEncrypt(
  key: ModeKey,
  iv: Uint8Array,
  data: Uint8Array,
  pad: boolean,
): Uint8Array {
  return key.cbc.encrypt(iv, data, pad ? 'pkcs7' : 'none');
}

/** AES-CBC decryption. @throws DecryptionFailed on bad padding or length. */
export function aesCbcDecrypt(
  key: ModeKey,
  iv: Uint8Array,
  data: Uint8Array,
  pad: boolean,
): Uint8Array {
  // An empty ciphertext is malformed in KMIP whatever the padding.
  if (data.length === 0) throw new DecryptionFailed();
  return key.cbc.decrypt(iv, data, pad ? 'pkcs7' : 'none');
}

/** AES-XTS (IEEE 1619) with a double-length key (256 or 512 bits) and a 16-byte tweak. */
export function aesXts(
  direction: 'encrypt' | 'decrypt',
  key: ModeKey,
  tweak: Uint8Array,
  data: Uint8Array,
): Uint8Array {
  return direction === 'encrypt' ? key.xts.encrypt(tweak, data) : key.xts.decrypt(tweak, data);
}

/** AES-GCM with any AES key size, 12-byte IV, 16-byte tag. */
export function aesGcmSeal(
  key: ModeKey,
  iv: Uint8Array,
  data: Uint8Array,
  aad: Uint8Array,
): { ciphertext: Uint8Array; tag: Uint8Array } {
  return key.gcm.sealDetached(iv, data, aad);
}

/** AES-GCM decryption. @throws DecryptionFailed */
export function aesGcmOpen(
  key: ModeKey,
  iv: Uint8Array,
  ciphertext: Uint8Array,
  tag: Uint8Array,
  aad: Uint8Array,
): Uint8Array {
  if (tag.length !== 16) throw new DecryptionFailed();
  return key.gcm.openDetached(iv, ciphertext, tag, aad);
}

/** AES-GCM-SIV (RFC 8452), 12-byte nonce, 16-byte tag appended to the ciphertext. */
export function aesGcmSivSeal(
  key: Uint8Array,
  nonce: Uint8Array,
  data: Uint8Array,
  aad: Uint8Array,
): Uint8Array {
  return provider.modes.gcmSiv(key).seal(nonce, data, aad);
}

/** AES-GCM-SIV decryption of `ciphertext || tag`. @throws DecryptionFailed */
export function aesGcmSivOpen(
  key: Uint8Array,
  nonce: Uint8Array,
  sealed: Uint8Array,
  aad: Uint8Array,
): Uint8Array {
  return provider.modes.gcmSiv(key).open(nonce, sealed, aad);
}
