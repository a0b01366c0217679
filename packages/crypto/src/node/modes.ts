/**
 * The node provider's interoperability modes: AES-CBC, AES-XTS and AES-GCM (every key size) on
 * node:crypto with the key parsed once into a `KeyObject` (on Node 24 a raw Buffer key costs
 * about 4x more per call); AES-GCM-SIV on @noble/ciphers, because node:crypto does not expose
 * OpenSSL's GCM-SIV (`createCipheriv('aes-128-gcm-siv')` is "Unknown cipher" on Node 24.21).
 */
import { createCipheriv, createDecipheriv, createSecretKey, type KeyObject } from 'node:crypto';
import type { DetachedCiphertext } from '../aead.ts';
import { DecryptionFailed } from '../errors.ts';
import { NobleModeAeadCore } from '../_modes-noble.ts';
import {
  _checkAesKey,
  _checkCbcDecrypt,
  _checkCbcEncrypt,
  _checkGcmSivKey,
  _checkXtsArgs,
  _checkXtsKey,
  _ModeAead,
  type _ModeAeadCore,
  type AesCbcCipher,
  type AesKeyLength,
  type AesXtsCipher,
  type CbcPadding,
  type CipherModesFamily,
  type ModeAeadCipher,
  type XtsKeyLength,
} from '../modes.ts';
import { nativeOpen, nativeSeal, nativeSealDetached, type NativeAeadName } from './aead-native.ts';

/** `a || b` of two node outputs in one plain array (node's Buffers may share a pool). */
function _join(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

class NodeCbc implements AesCbcCipher {
  readonly keyLength: AesKeyLength;
  readonly #name: string;
  readonly #key: KeyObject;

  constructor(key: Uint8Array) {
    this.keyLength = _checkAesKey(key);
    this.#name = `aes-${key.length * 8}-cbc`;
    this.#key = createSecretKey(key); // copies the key bytes
  }

  encrypt(iv: Uint8Array, plaintext: Uint8Array, padding?: CbcPadding): Uint8Array {
    const pad = _checkCbcEncrypt(iv, plaintext, padding);
    const c = createCipheriv(this.#name, this.#key, iv);
    c.setAutoPadding(pad === 'pkcs7');
    return _join(c.update(plaintext), c.final());
  }

  decrypt(iv: Uint8Array, ciphertext: Uint8Array, padding?: CbcPadding): Uint8Array {
    const pad = _checkCbcDecrypt(iv, ciphertext, padding);
    const d = createDecipheriv(this.#name, this.#key, iv);
    d.setAutoPadding(pad === 'pkcs7');
    let head: Uint8Array | undefined;
    try {
      head = d.update(ciphertext);
      // final() checks the padding (OpenSSL does it without a data-dependent branch).
      return _join(head, d.final());
    } catch {
      head?.fill(0);
      throw new DecryptionFailed();
    }
  }
}

class NodeXts implements AesXtsCipher {
  readonly keyLength: XtsKeyLength;
  readonly #name: string;
  readonly #key: KeyObject;

  constructor(key: Uint8Array) {
    this.keyLength = _checkXtsKey(key);
    // OpenSSL names XTS by the size of one half: aes-128-xts takes a 256-bit key.
    this.#name = `aes-${key.length * 4}-xts`;
    this.#key = createSecretKey(key);
  }

  encrypt(tweak: Uint8Array, data: Uint8Array): Uint8Array {
    _checkXtsArgs(tweak, data);
    const c = createCipheriv(this.#name, this.#key, tweak);
    // XTS takes the whole data unit in one update(); final() adds nothing.
    return _join(c.update(data), c.final());
  }

  decrypt(tweak: Uint8Array, data: Uint8Array): Uint8Array {
    _checkXtsArgs(tweak, data);
    const d = createDecipheriv(this.#name, this.#key, tweak);
    return _join(d.update(data), d.final());
  }
}

/**
 * AES-GCM of any key size through the node AEAD helpers. They hand the name straight to
 * createCipheriv, which runs aes-192-gcm on the same path as the two sizes the `aead` family
 * names (hence the widening cast).
 */
class NodeGcmCore implements _ModeAeadCore {
  readonly #name: NativeAeadName;
  readonly #key: KeyObject;

  constructor(key: Uint8Array) {
    this.#name = `aes-${key.length * 8}-gcm` as NativeAeadName;
    this.#key = createSecretKey(key);
  }

  seal(nonce: Uint8Array, plaintext: Uint8Array, aad: Uint8Array): Uint8Array {
    return nativeSeal(this.#name, this.#key, nonce, plaintext, aad);
  }

  sealDetached(nonce: Uint8Array, plaintext: Uint8Array, aad: Uint8Array): DetachedCiphertext {
    return nativeSealDetached(this.#name, this.#key, nonce, plaintext, aad);
  }

  open(nonce: Uint8Array, ciphertext: Uint8Array, tag: Uint8Array, aad: Uint8Array): Uint8Array {
    return nativeOpen(this.#name, this.#key, nonce, ciphertext, tag, aad);
  }
}

export const nodeModes: CipherModesFamily = Object.freeze({
  cbc(key: Uint8Array): AesCbcCipher {
    return new NodeCbc(key);
  },
  xts(key: Uint8Array): AesXtsCipher {
    return new NodeXts(key);
  },
  gcm(key: Uint8Array): ModeAeadCipher {
    return new _ModeAead('aes-gcm', _checkAesKey(key), new NodeGcmCore(key));
  },
  gcmSiv(key: Uint8Array): ModeAeadCipher {
    const length = _checkGcmSivKey(key);
    return new _ModeAead('aes-gcm-siv', length, new NobleModeAeadCore('aes-gcm-siv', key));
  },
});
