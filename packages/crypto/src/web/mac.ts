/**
 * HMAC from @noble/hashes (synchronous; WebCrypto's HMAC is async only). A parsed key keeps the
 * keyed inner/outer hash states and clones them per message, saving two compressions per tag.
 * KMAC256 from the shared noble implementation.
 */
import { hmac, type _HMAC } from '@noble/hashes/hmac.js';
import { abytes } from '../_assert.ts';
import { constantTimeEqual } from '../bytes.ts';
import {
  _hmacHash,
  _kmac256,
  HMAC_OUTPUT_LENGTH,
  type HmacHash,
  type MacFamily,
  type MacKey,
} from '../mac.ts';
import { _NOBLE_HASH } from './hash.ts';

class _WebMacKey implements MacKey {
  readonly hash: HmacHash;
  readonly outputLength: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- noble's own typing of HMAC states
  readonly #keyed: _HMAC<any>;

  constructor(hash: HmacHash, key: Uint8Array) {
    this.hash = hash;
    this.outputLength = HMAC_OUTPUT_LENGTH[hash];
    this.#keyed = hmac.create(_NOBLE_HASH[hash], key); // absorbs the key; keeps no reference
  }

  compute(data: Uint8Array): Uint8Array {
    abytes(data, 'data');
    return this.#keyed.clone().update(data).digest();
  }

  verify(data: Uint8Array, tag: Uint8Array): boolean {
    abytes(tag, 'tag');
    return constantTimeEqual(this.compute(data), tag);
  }
}

export const webMac: MacFamily = Object.freeze({
  hmac(hash: HmacHash, key: Uint8Array, data: Uint8Array): Uint8Array {
    const h = _hmacHash(hash);
    abytes(key, 'key');
    abytes(data, 'data');
    return hmac(_NOBLE_HASH[h], key, data);
  },

  hmacKey(hash: HmacHash, key: Uint8Array): MacKey {
    const h = _hmacHash(hash);
    return new _WebMacKey(h, abytes(key, 'key'));
  },

  kmac256: _kmac256,
});
