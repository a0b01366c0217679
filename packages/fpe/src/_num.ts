/**
 * Exact integer helpers for the Feistel modes: numeral strings ↔ integers (NUM/STR of SP 800-38G),
 * big-endian byte strings ↔ integers, bit and byte lengths. Everything is exact: no floating-point
 * logarithms (a rounded log2 gives FF1 the wrong `b` for radix 256, a Wycheproof trap).
 */

/**
 * Largest modulus for which FF1's Number path stays exact: r * 256 + 255 < 2^52 for r < M, so
 * that a quotient estimate off by one still gives an exact product (see ff1.ts).
 */
export const NUMBER_PATH_MAX = 2 ** 44;

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
const HEX_VALUE = (() => {
  const t = new Int8Array(128).fill(-1);
  for (let i = 0; i < 16; i++) t['0123456789abcdef'.charCodeAt(i)] = i;
  return t;
})();

/** Number of bits of a non-negative bigint (0 for 0). */
export function bitLength(x: bigint): number {
  return x === 0n ? 0 : x.toString(2).length;
}

/** Number of bytes needed for a non-negative bigint (at least 1). */
export function byteLength(x: bigint): number {
  return Math.max(1, Math.ceil(bitLength(x) / 8));
}

/** Big-endian bytes `b[off..off+len)` as a bigint. */
export function bytesToBigInt(b: Uint8Array, off: number, len: number): bigint {
  if (len === 0) return 0n;
  let hex = '0x';
  for (let i = off; i < off + len; i++) hex += HEX[b[i] as number] as string;
  return BigInt(hex);
}

/** Writes `x` (0 <= x < 256^len) big-endian into `b[off..off+len)`. */
export function bigIntToBytes(x: bigint, b: Uint8Array, off: number, len: number): void {
  const hex = x.toString(16);
  let h = hex.length;
  for (let i = off + len - 1; i >= off; i--) {
    if (h <= 0) {
      b[i] = 0;
      continue;
    }
    const lo = HEX_VALUE[hex.charCodeAt(h - 1)] as number;
    const hi = h >= 2 ? (HEX_VALUE[hex.charCodeAt(h - 2)] as number) : 0;
    b[i] = (hi << 4) | lo;
    h -= 2;
  }
}

/** Writes `x` (0 <= x < 2^53, fits in `len` bytes) big-endian into `b[off..off+len)`. */
export function numberToBytes(x: number, b: Uint8Array, off: number, len: number): void {
  let v = x;
  for (let i = off + len - 1; i >= off; i--) {
    b[i] = v % 256;
    v = Math.floor(v / 256);
  }
}

/**
 * NUM_radix(X[start..end)) as a Number. Caller guarantees radix^(end-start) <= 2^53 and that every
 * numeral is below radix.
 */
export function numeralsToNumber(
  x: ArrayLike<number>,
  start: number,
  end: number,
  radix: number,
): number {
  let v = 0;
  for (let i = start; i < end; i++) v = v * radix + (x[i] as number);
  return v;
}

/** Largest k with radix^k <= 2^44, so that chunks of k numerals fit a Number exactly. */
function chunkDigits(radix: number): number {
  let k = 1;
  let p = radix;
  while (p * radix <= NUMBER_PATH_MAX) {
    p *= radix;
    k++;
  }
  return k;
}
const chunkCache = new Map<number, { k: number; big: bigint }>();
function chunkOf(radix: number): { k: number; big: bigint } {
  let c = chunkCache.get(radix);
  if (c === undefined) {
    const k = chunkDigits(radix);
    c = { k, big: BigInt(radix) ** BigInt(k) };
    chunkCache.set(radix, c);
  }
  return c;
}

/** NUM_radix(X[start..end)) as a bigint, in chunks of Number arithmetic. */
export function numeralsToBigInt(
  x: ArrayLike<number>,
  start: number,
  end: number,
  radix: number,
): bigint {
  const { k } = chunkOf(radix);
  let v = 0n;
  let i = start;
  // A short leading chunk first, so that every later chunk has exactly k numerals.
  const head = (end - start) % k;
  if (head > 0) {
    v = BigInt(numeralsToNumber(x, i, i + head, radix));
    i += head;
  }
  const bigK = chunkOf(radix).big;
  for (; i < end; i += k) v = v * bigK + BigInt(numeralsToNumber(x, i, i + k, radix));
  return v;
}

/** STR^m_radix(x) into out[off..off+m) for a Number x < radix^m. */
export function numberToNumerals(
  x: number,
  radix: number,
  m: number,
  out: number[] | Uint16Array | Uint32Array,
  off: number,
): void {
  let v = x;
  for (let i = off + m - 1; i >= off; i--) {
    const q = Math.floor(v / radix);
    out[i] = v - q * radix;
    v = q;
  }
}

/** STR^m_radix(x) into out[off..off+m) for a bigint x < radix^m. */
export function bigIntToNumerals(
  x: bigint,
  radix: number,
  m: number,
  out: number[] | Uint16Array | Uint32Array,
  off: number,
): void {
  const { k, big } = chunkOf(radix);
  let v = x;
  let end = off + m;
  while (end - off > k) {
    const q = v / big;
    numberToNumerals(Number(v - q * big), radix, k, out, end - k);
    v = q;
    end -= k;
  }
  numberToNumerals(Number(v), radix, end - off, out, off);
}
