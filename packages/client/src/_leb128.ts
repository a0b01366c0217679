/**
 * Unsigned LEB128 and the length-prefixed layouts of Cosmian's Covercrypt data: an encryption
 * request is `LEB128(policy length) ‖ policy ‖ plaintext`; bulk data is `LEB128(count)` then
 * each message as `LEB128(length) ‖ bytes`.
 */

/** LEB128 bytes of a non-negative safe integer. */
export function leb128(n: number): Uint8Array {
  if (!Number.isSafeInteger(n) || n < 0)
    throw new RangeError('LEB128 takes a non-negative integer');
  const out: number[] = [];
  let v = n;
  do {
    let byte = v % 128;
    v = Math.floor(v / 128);
    if (v > 0) byte |= 0x80;
    out.push(byte);
  } while (v > 0);
  return Uint8Array.from(out);
}

/** Reads a LEB128 integer at `at`; returns it and the offset after it. */
export function readLeb128(bytes: Uint8Array, at: number): { value: number; next: number } {
  let value = 0;
  let scale = 1;
  for (let i = at; i < bytes.length && i < at + 8; i++) {
    const b = bytes[i] as number;
    value += (b & 0x7f) * scale;
    if ((b & 0x80) === 0) return { value, next: i + 1 };
    scale *= 128;
  }
  throw new RangeError('truncated or oversized LEB128 integer');
}

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** `LEB128(count) ‖ (LEB128(len) ‖ message)*`. */
export function encodeBulk(messages: readonly Uint8Array[]): Uint8Array {
  const parts: Uint8Array[] = [leb128(messages.length)];
  for (const m of messages) parts.push(leb128(m.length), m);
  return concat(parts);
}

/** The messages of a bulk layout. @throws RangeError when malformed. */
export function decodeBulk(bytes: Uint8Array): Uint8Array[] {
  const count = readLeb128(bytes, 0);
  let at = count.next;
  const out: Uint8Array[] = [];
  for (let i = 0; i < count.value; i++) {
    const len = readLeb128(bytes, at);
    if (len.next + len.value > bytes.length) throw new RangeError('truncated bulk data');
    out.push(bytes.subarray(len.next, len.next + len.value));
    at = len.next + len.value;
  }
  if (at !== bytes.length) throw new RangeError('trailing bytes after bulk data');
  return out;
}
