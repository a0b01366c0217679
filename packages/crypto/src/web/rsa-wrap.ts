/**
 * RSA-OAEP and RSA-AES key wrap (CKM_RSA_AES_KEY_WRAP) for browsers: WebCrypto RSA-OAEP (the
 * only RSA there is in a browser) and AES-KWP from the key-wrap family (@noble/ciphers).
 */
import { abytes } from '../_assert.ts';
import { concatBytes, zeroize } from '../bytes.ts';
import { DecryptionFailed } from '../errors.ts';
import type { PrivateKey, PublicKey } from '../keys.ts';
import {
  checkKeyData,
  checkKeyWrapOptions,
  checkOaepArguments,
  checkOaepLength,
  splitWrapped,
  type OaepHash,
  type RsaAesKeyWrapOptions,
  type RsaWrapFamily,
} from '../rsa-wrap.ts';
import { subtle, webKeyAccess, type WebKeyAccess } from './keys.ts';
import { webAesKwp } from './keywrap.ts';

const SUBTLE_HASH = { sha256: 'SHA-256', sha384: 'SHA-384', sha512: 'SHA-512' } as const;

function _buffer(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return new Uint8Array(bytes);
}

async function _encrypt(
  key: WebKeyAccess,
  data: Uint8Array,
  hash: OaepHash,
  label: Uint8Array,
): Promise<Uint8Array> {
  const cryptoKey = await key.cryptoKey({ name: 'RSA-OAEP', hash: SUBTLE_HASH[hash] }, 'encrypt');
  return new Uint8Array(
    await subtle().encrypt({ name: 'RSA-OAEP', label: _buffer(label) }, cryptoKey, _buffer(data)),
  );
}

/** OAEP decryption, DecryptionFailed on any failure. The caller owns (and zeroizes) the result. */
async function _decrypt(
  key: WebKeyAccess,
  ciphertext: Uint8Array,
  hash: OaepHash,
  label: Uint8Array,
): Promise<Uint8Array> {
  if (ciphertext.length !== Math.ceil(key.modulusBits / 8)) throw new DecryptionFailed();
  try {
    const cryptoKey = await key.cryptoKey({ name: 'RSA-OAEP', hash: SUBTLE_HASH[hash] }, 'decrypt');
    return new Uint8Array(
      await subtle().decrypt(
        { name: 'RSA-OAEP', label: _buffer(label) },
        cryptoKey,
        _buffer(ciphertext),
      ),
    );
  } catch {
    throw new DecryptionFailed();
  }
}

export const webRsaWrap: RsaWrapFamily = Object.freeze({
  async oaepEncrypt(
    publicKey: PublicKey,
    data: Uint8Array,
    hash: OaepHash,
    label?: Uint8Array,
  ): Promise<Uint8Array> {
    const args = checkOaepArguments(hash, label);
    abytes(data, 'data');
    const key = webKeyAccess(publicKey, 'public', 'publicKey', ['rsa']);
    checkOaepLength(data, key.modulusBits, args.hash);
    return _encrypt(key, data, args.hash, args.label);
  },

  async oaepDecrypt(
    privateKey: PrivateKey,
    ciphertext: Uint8Array,
    hash: OaepHash,
    label?: Uint8Array,
  ): Promise<Uint8Array> {
    const args = checkOaepArguments(hash, label);
    abytes(ciphertext, 'ciphertext');
    const key = webKeyAccess(privateKey, 'private', 'privateKey', ['rsa']);
    return _decrypt(key, ciphertext, args.hash, args.label);
  },

  async aesKwpWrap(
    publicKey: PublicKey,
    keyData: Uint8Array,
    options: RsaAesKeyWrapOptions,
  ): Promise<Uint8Array> {
    const { hash, aesKeyBytes, label } = checkKeyWrapOptions(options);
    checkKeyData(keyData);
    const key = webKeyAccess(publicKey, 'public', 'publicKey', ['rsa']);
    const ephemeral = globalThis.crypto.getRandomValues(new Uint8Array(aesKeyBytes));
    try {
      const kwp = webAesKwp.wrap(ephemeral, keyData);
      return concatBytes(await _encrypt(key, ephemeral, hash, label), kwp);
    } finally {
      zeroize(ephemeral);
    }
  },

  async aesKwpUnwrap(
    privateKey: PrivateKey,
    wrapped: Uint8Array,
    options: RsaAesKeyWrapOptions,
  ): Promise<Uint8Array> {
    const { hash, aesKeyBytes, label } = checkKeyWrapOptions(options);
    abytes(wrapped, 'wrapped');
    const key = webKeyAccess(privateKey, 'private', 'privateKey', ['rsa']);
    const parts = splitWrapped(wrapped, key.modulusBits);
    if (parts === undefined) throw new DecryptionFailed();
    const ephemeral = await _decrypt(key, parts.oaep, hash, label);
    try {
      if (ephemeral.length !== aesKeyBytes) throw new DecryptionFailed();
      return webAesKwp.unwrap(ephemeral, parts.kwp);
    } catch {
      throw new DecryptionFailed();
    } finally {
      zeroize(ephemeral);
    }
  },
});
