/**
 * The byte codec of every Covercrypt object: a growing writer and a bounds-checked reader with
 * unsigned LEB128 integers, fixed-size fields and length-prefixed byte strings. A reader error
 * is always a `FormatError` naming what was being read, never a RangeError from a typed array.
 */
import { FormatError } from './errors.ts';

/** Largest integer a varint may carry here: 2^32 − 1 (counts, ids, lengths, revisions). */
export const MAX_VARINT = 0xffff_ffff;

const TEXT_ENCODER = new TextEncoder();
const TEXT_DECODER = new TextDecoder('utf-8', { fatal: true });

/**
 * A plain `Uint8Array` view of `bytes`. A Node `Buffer` is a Uint8Array whose `slice()` returns a
 * view instead of a copy; reading through a plain view makes every later `slice()` a real copy,
 * so nothing we keep aliases (or writes into) a caller's buffer.
 */
export function plainView(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** A copy of `bytes` as a plain `Uint8Array`. */
export function copyBytes(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(bytes);
}

export class Writer {
  #buffer: Uint8Array;
  #length = 0;

  constructor(capacity = 256) {
    this.#buffer = new Uint8Array(capacity);
  }

  get length(): number {
    return this.#length;
  }

  #reserve(extra: number): void {
    const needed = this.#length + extra;
    if (needed <= this.#buffer.length) return;
    let capacity = Math.max(64, this.#buffer.length * 2);
    while (capacity < needed) capacity *= 2;
    const next = new Uint8Array(capacity);
    next.set(this.#buffer.subarray(0, this.#length));
    this.#buffer = next;
  }

  u8(value: number): this {
    this.#reserve(1);
    this.#buffer[this.#length++] = value & 0xff;
    return this;
  }

  /** Unsigned LEB128, at most MAX_VARINT. */
  varint(value: number): this {
    if (!Number.isSafeInteger(value) || value < 0 || value > MAX_VARINT) {
      throw new RangeError('varint out of range');
    }
    let v = value;
    this.#reserve(5);
    while (v >= 0x80) {
      this.#buffer[this.#length++] = (v & 0x7f) | 0x80;
      v = Math.floor(v / 128);
    }
    this.#buffer[this.#length++] = v;
    return this;
  }

  /** Raw bytes, no length prefix (fixed-size fields). */
  raw(bytes: Uint8Array): this {
    this.#reserve(bytes.length);
    this.#buffer.set(bytes, this.#length);
    this.#length += bytes.length;
    return this;
  }

  /** Length-prefixed bytes. */
  bytes(bytes: Uint8Array): this {
    return this.varint(bytes.length).raw(bytes);
  }

  /** Length-prefixed UTF-8. */
  string(text: string): this {
    return this.bytes(TEXT_ENCODER.encode(text));
  }

  /** A copy of what was written. */
  finish(): Uint8Array {
    return this.#buffer.slice(0, this.#length);
  }

  /**
   * What was written, without a copy: a view of the writer's own buffer, for a writer sized for
   * its result (a copy of a 25 KB public key costs ≈ 8 µs, most of it the allocation). The
   * writer starts again empty, with a new buffer.
   */
  take(): Uint8Array {
    const out = this.#buffer.subarray(0, this.#length);
    this.#buffer = new Uint8Array(0);
    this.#length = 0;
    return out;
  }

  /** What was written so far, as a view: valid until the next write (for hashing). */
  view(): Uint8Array {
    return this.#buffer.subarray(0, this.#length);
  }

  /** A copy of what was written followed by `tail`, in one allocation (large payloads). */
  finishWith(tail: Uint8Array): Uint8Array {
    const out = new Uint8Array(this.#length + tail.length);
    out.set(this.#buffer.subarray(0, this.#length));
    out.set(tail, this.#length);
    return out;
  }
}

export class Reader {
  readonly #bytes: Uint8Array;
  readonly #what: string;
  #offset: number;

  constructor(bytes: Uint8Array, what: string, offset = 0) {
    this.#bytes = plainView(bytes);
    this.#what = what;
    this.#offset = offset;
  }

  get offset(): number {
    return this.#offset;
  }

  get remaining(): number {
    return this.#bytes.length - this.#offset;
  }

  fail(detail: string): never {
    throw new FormatError(`malformed ${this.#what}: ${detail}`);
  }

  u8(label: string): number {
    if (this.#offset >= this.#bytes.length) this.fail(`truncated ${label}`);
    return this.#bytes[this.#offset++] as number;
  }

  /** Unsigned LEB128 in canonical (shortest) form, at most MAX_VARINT, and at most `max`. */
  varint(label: string, max = MAX_VARINT): number {
    let value = 0;
    let scale = 1;
    for (let i = 0; i < 5; i++) {
      const byte = this.u8(label);
      value += (byte & 0x7f) * scale;
      if ((byte & 0x80) === 0) {
        // A trailing zero byte means a longer encoding than needed: reject, so that every value
        // has exactly one encoding (the objects are hashed and signed as bytes).
        if (byte === 0 && i > 0) this.fail(`non-canonical ${label}`);
        if (value > max) this.fail(`${label} out of range`);
        return value;
      }
      scale *= 128;
    }
    return this.fail(`${label} too long`);
  }

  /** `length` raw bytes, as a view (callers copy what they keep). */
  raw(length: number, label: string): Uint8Array {
    if (length > this.remaining) this.fail(`truncated ${label}`);
    const out = this.#bytes.subarray(this.#offset, this.#offset + length);
    this.#offset += length;
    return out;
  }

  /** Length-prefixed bytes of at most `max` bytes, as a view. */
  bytes(label: string, max = MAX_VARINT): Uint8Array {
    return this.raw(this.varint(`${label} length`, max), label);
  }

  /** Length-prefixed UTF-8 of at most `max` bytes. */
  string(label: string, max = 1024): string {
    const raw = this.bytes(label, max);
    try {
      return TEXT_DECODER.decode(raw);
    } catch {
      return this.fail(`${label} is not UTF-8`);
    }
  }

  /** Fails unless everything was consumed. */
  end(): void {
    if (this.remaining !== 0) this.fail('trailing bytes');
  }
}
