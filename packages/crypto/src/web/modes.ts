/**
 * The web provider's interoperability modes, all synchronous on @noble/ciphers: AES-CBC,
 * AES-GCM (every key size) and AES-GCM-SIV are noble's; AES-XTS is composed from noble's AES
 * (`_modes-noble.ts`). WebCrypto is not used: it is asynchronous only, has no XTS and no
 * GCM-SIV, and browsers refuse 192-bit AES keys.
 */
import { NobleCbc, NobleModeAeadCore, NobleXts } from '../_modes-noble.ts';
import {
  _checkAesKey,
  _checkGcmSivKey,
  _ModeAead,
  type AesCbcCipher,
  type AesXtsCipher,
  type CipherModesFamily,
  type ModeAeadCipher,
} from '../modes.ts';

export const webModes: CipherModesFamily = Object.freeze({
  cbc(key: Uint8Array): AesCbcCipher {
    return new NobleCbc(key);
  },
  xts(key: Uint8Array): AesXtsCipher {
    return new NobleXts(key);
  },
  gcm(key: Uint8Array): ModeAeadCipher {
    return new _ModeAead('aes-gcm', _checkAesKey(key), new NobleModeAeadCore('aes-gcm', key));
  },
  gcmSiv(key: Uint8Array): ModeAeadCipher {
    const length = _checkGcmSivKey(key);
    return new _ModeAead('aes-gcm-siv', length, new NobleModeAeadCore('aes-gcm-siv', key));
  },
});
