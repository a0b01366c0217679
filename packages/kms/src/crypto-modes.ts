/**
 * The cipher modes the KMS needs that `@custos/crypto` does not offer (yet): AES-CBC, AES-XTS,
 * AES-192-GCM (node:crypto) and AES-GCM-SIV (RFC 8452, @noble/ciphers). This is the ONLY file of
 * the server that calls node:crypto or @noble directly; it is meant to move into
 * `@custos/crypto` as new families.
 *
 * Keys arrive as KeyObjects created once per key (`secretKey`) and cached by the caller: on
 * Node 24 a raw Buffer key costs 4x more per call. Every integrity or padding failure throws
 * `DecryptionFailed`, with no detail.
 */
import {
  createCipheriv,
  createDecipheriv,
  createSecretKey,
  type CipherGCMTypes,
  type KeyObject,
} from 'node:crypto';
import { gcmsiv } from '@noble/ciphers/aes.js';
import { DecryptionFailed } from '@custos/crypto';

/** A secret key parsed once. */
export function secretKey(bytes: Uint8Array): KeyObject {
  return createSecretKey(bytes);
}

function aesBits(key: KeyObject): 128 | 192 | 256 {
  const n = (key.symmetricKeySize ?? 0) * 8;
  if (n !== 128 && n !== 192 && n !== 256)
    throw new RangeError('AES keys are 128, 192 or 256 bits');
  return n;
}

const u8 = (b: Buffer): Uint8Array => new Uint8Array(b.buffer, b.byteOffset, b.byteLength);

/** AES-CBC encryption; `pad` applies PKCS#7 (KMIP "PKCS5"), else data must be block aligned. */
export function aesCbcEncrypt(
  key: KeyObject,
  iv: Uint8Array,
  data: Uint8Array,
  pad: boolean,
): Uint8Array {
  if (iv.length !== 16) throw new RangeError('AES-CBC needs a 16-byte IV');
  if (!pad && data.length % 16 !== 0)
    throw new RangeError('data must be a multiple of 16 bytes without padding');
  const c = createCipheriv(`aes-${aesBits(key)}-cbc`, key, iv);
  c.setAutoPadding(pad);
  return u8(Buffer.concat([c.update(data), c.final()]));
}

/** AES-CBC decryption. @throws DecryptionFailed on bad padding or length. */
export function aesCbcDecrypt(
  key: KeyObject,
  iv: Uint8Array,
  data: Uint8Array,
  pad: boolean,
): Uint8Array {
  if (iv.length !== 16) throw new RangeError('AES-CBC needs a 16-byte IV');
  if (data.length === 0 || data.length % 16 !== 0) throw new DecryptionFailed();
  const d = createDecipheriv(`aes-${aesBits(key)}-cbc`, key, iv);
  d.setAutoPadding(pad);
  try {
    return u8(Buffer.concat([d.update(data), d.final()]));
  } catch {
    throw new DecryptionFailed();
  }
}

/** AES-XTS (IEEE 1619) with a double-length key (256 or 512 bits) and a 16-byte tweak. */
export function aesXts(
  direction: 'encrypt' | 'decrypt',
  key: KeyObject,
  tweak: Uint8Array,
  data: Uint8Array,
): Uint8Array {
  const bits = (key.symmetricKeySize ?? 0) * 8;
  if (bits !== 256 && bits !== 512) throw new RangeError('AES-XTS keys are 256 or 512 bits');
  if (tweak.length !== 16) throw new RangeError('AES-XTS needs a 16-byte tweak');
  if (data.length < 16) throw new RangeError('AES-XTS needs at least 16 bytes of data');
  const name = `aes-${bits / 2}-xts`;
  const c =
    direction === 'encrypt' ? createCipheriv(name, key, tweak) : createDecipheriv(name, key, tweak);
  return u8(Buffer.concat([c.update(data), c.final()]));
}

/** AES-GCM with any AES key size (the crypto package has 128 and 256); 16-byte tag. */
export function aesGcmSeal(
  key: KeyObject,
  iv: Uint8Array,
  data: Uint8Array,
  aad: Uint8Array,
): { ciphertext: Uint8Array; tag: Uint8Array } {
  const c = createCipheriv(`aes-${aesBits(key)}-gcm` as CipherGCMTypes, key, iv, {
    authTagLength: 16,
  });
  if (aad.length > 0) c.setAAD(aad);
  const ciphertext = u8(Buffer.concat([c.update(data), c.final()]));
  return { ciphertext, tag: u8(c.getAuthTag()) };
}

/** AES-GCM decryption. @throws DecryptionFailed */
export function aesGcmOpen(
  key: KeyObject,
  iv: Uint8Array,
  ciphertext: Uint8Array,
  tag: Uint8Array,
  aad: Uint8Array,
): Uint8Array {
  if (tag.length !== 16) throw new DecryptionFailed();
  const d = createDecipheriv(`aes-${aesBits(key)}-gcm` as CipherGCMTypes, key, iv, {
    authTagLength: 16,
  });
  if (aad.length > 0) d.setAAD(aad);
  d.setAuthTag(tag);
  try {
    return u8(Buffer.concat([d.update(ciphertext), d.final()]));
  } catch {
    throw new DecryptionFailed();
  }
}

/** AES-GCM-SIV (RFC 8452), 12-byte nonce, 16-byte tag appended to the ciphertext. */
export function aesGcmSivSeal(
  key: Uint8Array,
  nonce: Uint8Array,
  data: Uint8Array,
  aad: Uint8Array,
): Uint8Array {
  if (key.length !== 16 && key.length !== 32)
    throw new RangeError('AES-GCM-SIV keys are 128 or 256 bits');
  if (nonce.length !== 12) throw new RangeError('AES-GCM-SIV needs a 12-byte nonce');
  return gcmsiv(key, nonce, aad).encrypt(data);
}

/** AES-GCM-SIV decryption of `ciphertext || tag`. @throws DecryptionFailed */
export function aesGcmSivOpen(
  key: Uint8Array,
  nonce: Uint8Array,
  sealed: Uint8Array,
  aad: Uint8Array,
): Uint8Array {
  if (key.length !== 16 && key.length !== 32)
    throw new RangeError('AES-GCM-SIV keys are 128 or 256 bits');
  if (nonce.length !== 12) throw new RangeError('AES-GCM-SIV needs a 12-byte nonce');
  if (sealed.length < 16) throw new DecryptionFailed();
  try {
    return gcmsiv(key, nonce, aad).decrypt(sealed);
  } catch {
    throw new DecryptionFailed();
  }
}
