/** Allocation and randomness for the web AEAD ciphers (WebCrypto's CSPRNG). */
import type { _AeadRuntime } from '../aead.ts';

/** getRandomValues refuses more than 65,536 bytes per call (WebCrypto §10.1.1). */
const MAX_RANDOM_CALL = 65536;

export function webRandomFill(bytes: Uint8Array): void {
  for (let i = 0; i < bytes.length; i += MAX_RANDOM_CALL) {
    globalThis.crypto.getRandomValues(
      bytes.subarray(i, i + MAX_RANDOM_CALL) as Uint8Array<ArrayBuffer>,
    );
  }
}

export const webAeadRuntime: _AeadRuntime = Object.freeze({
  alloc: (length: number) => new Uint8Array(length),
  randomFill: webRandomFill,
});
