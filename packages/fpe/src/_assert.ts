/**
 * Labelled asserters for public boundaries (wrong type → TypeError, wrong length or range →
 * RangeError) and the tweak/key normalization every cipher in this package shares. Values never
 * enter messages.
 */
import type { AesBlockCipher, BlockCipherFamily } from '@custos/crypto/block';

export function isBytes(value: unknown): value is Uint8Array {
  return (
    value instanceof Uint8Array ||
    (ArrayBuffer.isView(value) && Object.prototype.toString.call(value) === '[object Uint8Array]')
  );
}

/** Asserts a safe integer in [min, max]. */
export function aint(value: unknown, label: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    throw new TypeError(`${label} must be a safe integer`);
  }
  if (value < min || value > max) throw new RangeError(`${label} must be in [${min}, ${max}]`);
  return value;
}

/** Asserts a boolean or undefined, returning `fallback` for undefined. */
export function abool(value: unknown, label: string, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new TypeError(`${label} must be a boolean`);
  return value;
}

/** Asserts a plain options object (or undefined, read as empty). */
export function aoptions<T extends object>(value: T | undefined, label = 'options'): Partial<T> {
  const v: unknown = value;
  if (v === undefined) return {};
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    throw new TypeError(`${label} must be an object`);
  }
  return v;
}

/**
 * A tweak: bytes, or a string taken as its UTF-8 encoding. Public, not secret, but it must be the
 * same at encryption and decryption. See `tweak.ts` for the recommended table/column layout.
 */
export type Tweak = Uint8Array | string;

const EMPTY = new Uint8Array(0);
const utf8 = new TextEncoder();

/** Normalizes a tweak to bytes (the caller's array itself: it is only read). */
export function tweakBytes(tweak: unknown, label = 'tweak'): Uint8Array {
  if (tweak === undefined) return EMPTY;
  if (typeof tweak === 'string') return utf8.encode(tweak);
  if (!isBytes(tweak)) throw new TypeError(`${label} must be a Uint8Array or a string`);
  return tweak;
}

/** True for an object that looks like an `AesBlockCipher` from `@custos/crypto/block`. */
function isAesBlockCipher(value: unknown): value is AesBlockCipher {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Partial<Record<keyof AesBlockCipher, unknown>>;
  return (
    typeof v.encryptBlock === 'function' &&
    typeof v.encryptBlocks === 'function' &&
    typeof v.cbcMac === 'function' &&
    (v.keyLength === 16 || v.keyLength === 24 || v.keyLength === 32)
  );
}

/**
 * Turns a key argument into an AES block cipher: raw key bytes (16, 24 or 32) expanded with
 * `family`, or an already expanded `AesBlockCipher` (so that several helpers share one schedule).
 */
export function aesFrom(key: unknown, family: BlockCipherFamily): AesBlockCipher {
  if (isBytes(key)) return family.aes(key);
  if (isAesBlockCipher(key)) return key;
  throw new TypeError('key must be a Uint8Array (16, 24 or 32 bytes) or an AesBlockCipher');
}

/** Asserts an optional block family option. */
export function ablock(value: unknown, fallback: BlockCipherFamily): BlockCipherFamily {
  if (value === undefined) return fallback;
  if (
    typeof value !== 'object' ||
    value === null ||
    typeof (value as Partial<BlockCipherFamily>).aes !== 'function'
  ) {
    throw new TypeError('options.block must be a BlockCipherFamily');
  }
  return value as BlockCipherFamily;
}
