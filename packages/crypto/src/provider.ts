/**
 * The one interface both providers implement. Each family is declared in its own module
 * (`aead.ts`, `kem.ts`, ...) next to the logic both providers share; `node/` implements it with
 * node:crypto, `web/` with WebCrypto, @noble/* and libsodium (Ristretto255 only).
 *
 * Synchronous where both runtimes can be: everything except the families whose browser
 * implementation must go through WebCrypto's promise API (RSA, key import/export, password
 * hashing), which return promises in both providers so that code written against one runs on the
 * other.
 */
import type { AeadFamily } from './aead.ts';
import type { BlockCipherFamily } from './block.ts';
import type { HashFamily } from './hash.ts';
import type { HpkeFamily } from './hpke.ts';
import type { KdfFamily } from './kdf.ts';
import type { KemFamily } from './kem.ts';
import type { KeysFamily } from './keys.ts';
import type { KeyWrapFamily } from './keywrap.ts';
import type { MacFamily } from './mac.ts';
import type { CipherModesFamily } from './modes.ts';
import type { RandomFamily } from './random.ts';
import type { Ristretto255Family } from './ristretto255.ts';
import type { RsaWrapFamily } from './rsa-wrap.ts';
import type { SignatureFamily } from './signature.ts';
import type { StreamPrimitives } from './stream.ts';

export type ProviderName = 'node' | 'web';

export interface CryptoProvider {
  readonly name: ProviderName;
  readonly random: RandomFamily;
  readonly hash: HashFamily;
  readonly mac: MacFamily;
  readonly kdf: KdfFamily;
  readonly aead: AeadFamily;
  readonly keyWrap: KeyWrapFamily;
  readonly rsaWrap: RsaWrapFamily;
  readonly kem: KemFamily;
  readonly hpke: HpkeFamily;
  readonly signature: SignatureFamily;
  readonly keys: KeysFamily;
  readonly ristretto255: Ristretto255Family;
  /** Raw AES block encryption, for modes built elsewhere (FF1/FF3-1). Not an AEAD: no integrity. */
  readonly block: BlockCipherFamily;
  /**
   * Interoperability modes (AES-CBC, AES-XTS, AES-GCM with 192-bit keys, AES-GCM-SIV) for KMIP
   * clients and existing data; new designs use `aead`. CBC and XTS have no integrity.
   */
  readonly modes: CipherModesFamily;
  /**
   * What the streaming AES-256-GCM format (`@custos/crypto/stream`) needs from this provider; the
   * web one adds WebCrypto's async AES-GCM for the async stream forms.
   */
  readonly stream: StreamPrimitives;
}
