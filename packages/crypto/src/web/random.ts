/** Randomness from WebCrypto (`crypto.getRandomValues`). */
import { _randomBuffer, _randomLength, type RandomFamily } from '../random.ts';

/** `getRandomValues` refuses requests above 65536 bytes (QuotaExceededError). */
const QUOTA = 65536;

function _fill(buffer: Uint8Array): Uint8Array {
  for (let offset = 0; offset < buffer.length; offset += QUOTA) {
    // Typed for ArrayBuffer only; a SharedArrayBuffer-backed view makes the call throw, as it should.
    globalThis.crypto.getRandomValues(
      buffer.subarray(offset, offset + QUOTA) as Uint8Array<ArrayBuffer>,
    );
  }
  return buffer;
}

export const webRandom: RandomFamily = Object.freeze({
  bytes(length: number): Uint8Array {
    return _fill(new Uint8Array(_randomLength(length)));
  },
  fill(buffer: Uint8Array): Uint8Array {
    return _fill(_randomBuffer(buffer));
  },
});
