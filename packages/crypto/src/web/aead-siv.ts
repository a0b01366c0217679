/** AES-SIV (RFC 5297) on @noble/ciphers' `aessiv` (S2V over AES-CMAC, then AES-CTR). */
import { aessiv } from '@noble/ciphers/aes.js';
import { _checkSivArgs, type DeterministicAead, type SivKeyLength } from '../aead.ts';
import { DecryptionFailed } from '../errors.ts';

export class WebSiv implements DeterministicAead {
  readonly algorithm = 'aes-siv' as const;
  readonly keyLength: SivKeyLength;
  readonly tagLength = 16 as const;
  readonly #key: Uint8Array;

  constructor(key: Uint8Array) {
    this.keyLength = key.length as SivKeyLength;
    this.#key = Uint8Array.from(key); // noble borrows the key by reference
  }

  seal(plaintext: Uint8Array, ...associatedData: Uint8Array[]): Uint8Array {
    _checkSivArgs(plaintext, 'plaintext', associatedData);
    return aessiv(this.#key, ...associatedData).encrypt(plaintext);
  }

  open(ciphertext: Uint8Array, ...associatedData: Uint8Array[]): Uint8Array {
    _checkSivArgs(ciphertext, 'ciphertext', associatedData);
    if (ciphertext.length < 16) throw new DecryptionFailed();
    try {
      return aessiv(this.#key, ...associatedData).decrypt(ciphertext);
    } catch {
      throw new DecryptionFailed();
    }
  }
}
