/**
 * RSA-OAEP and RSA-AES key wrap (CKM_RSA_AES_KEY_WRAP) on node:crypto: synchronous
 * `publicEncrypt` / `privateDecrypt` on the cached KeyObject, AES-KWP from the key-wrap family.
 * OpenSSL's OAEP decoding is constant time and fails with one error, which we turn into the
 * same `DecryptionFailed` as every other failure.
 */
import {
  constants,
  privateDecrypt,
  publicEncrypt,
  randomFillSync,
  type KeyObject,
} from 'node:crypto';
import { abytes } from '../_assert.ts';
import { concatBytes, zeroize } from '../bytes.ts';
import { DecryptionFailed } from '../errors.ts';
import { promised, type PrivateKey, type PublicKey } from '../keys.ts';
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
import { nodeKeyObject } from './keys.ts';
import { nodeAesKwp } from './keywrap.ts';

function _encrypt(key: KeyObject, data: Uint8Array, hash: OaepHash, label: Uint8Array): Uint8Array {
  return new Uint8Array(
    publicEncrypt(
      { key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: hash, oaepLabel: label },
      data,
    ),
  );
}

/** OAEP decryption, DecryptionFailed on any failure. The caller owns (and zeroizes) the result. */
function _decrypt(
  key: KeyObject,
  modulusBits: number,
  ciphertext: Uint8Array,
  hash: OaepHash,
  label: Uint8Array,
): Uint8Array {
  if (ciphertext.length !== Math.ceil(modulusBits / 8)) throw new DecryptionFailed();
  try {
    const out = privateDecrypt(
      { key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: hash, oaepLabel: label },
      ciphertext,
    );
    const copy = new Uint8Array(out);
    out.fill(0);
    return copy;
  } catch {
    throw new DecryptionFailed();
  }
}

export const nodeRsaWrap: RsaWrapFamily = Object.freeze({
  oaepEncrypt(
    publicKey: PublicKey,
    data: Uint8Array,
    hash: OaepHash,
    label?: Uint8Array,
  ): Promise<Uint8Array> {
    return promised(() => {
      const args = checkOaepArguments(hash, label);
      abytes(data, 'data');
      const { keyObject, modulusBits } = nodeKeyObject(publicKey, 'public', 'publicKey', ['rsa']);
      checkOaepLength(data, modulusBits, args.hash);
      return _encrypt(keyObject, data, args.hash, args.label);
    });
  },

  oaepDecrypt(
    privateKey: PrivateKey,
    ciphertext: Uint8Array,
    hash: OaepHash,
    label?: Uint8Array,
  ): Promise<Uint8Array> {
    return promised(() => {
      const args = checkOaepArguments(hash, label);
      abytes(ciphertext, 'ciphertext');
      const { keyObject, modulusBits } = nodeKeyObject(privateKey, 'private', 'privateKey', [
        'rsa',
      ]);
      return _decrypt(keyObject, modulusBits, ciphertext, args.hash, args.label);
    });
  },

  aesKwpWrap(
    publicKey: PublicKey,
    keyData: Uint8Array,
    options: RsaAesKeyWrapOptions,
  ): Promise<Uint8Array> {
    return promised(() => {
      const { hash, aesKeyBytes, label } = checkKeyWrapOptions(options);
      checkKeyData(keyData);
      const { keyObject } = nodeKeyObject(publicKey, 'public', 'publicKey', ['rsa']);
      const ephemeral = randomFillSync(new Uint8Array(aesKeyBytes));
      try {
        return concatBytes(
          _encrypt(keyObject, ephemeral, hash, label),
          nodeAesKwp.wrap(ephemeral, keyData),
        );
      } finally {
        zeroize(ephemeral);
      }
    });
  },

  aesKwpUnwrap(
    privateKey: PrivateKey,
    wrapped: Uint8Array,
    options: RsaAesKeyWrapOptions,
  ): Promise<Uint8Array> {
    return promised(() => {
      const { hash, aesKeyBytes, label } = checkKeyWrapOptions(options);
      abytes(wrapped, 'wrapped');
      const { keyObject, modulusBits } = nodeKeyObject(privateKey, 'private', 'privateKey', [
        'rsa',
      ]);
      const parts = splitWrapped(wrapped, modulusBits);
      if (parts === undefined) throw new DecryptionFailed();
      const ephemeral = _decrypt(keyObject, modulusBits, parts.oaep, hash, label);
      try {
        if (ephemeral.length !== aesKeyBytes) throw new DecryptionFailed();
        return nodeAesKwp.unwrap(ephemeral, parts.kwp);
      } catch {
        throw new DecryptionFailed();
      } finally {
        zeroize(ephemeral);
      }
    });
  },
});
