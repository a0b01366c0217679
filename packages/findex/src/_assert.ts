/**
 * Labelled asserters for public boundaries. Wrong type → TypeError, wrong length or range →
 * RangeError. Values never enter messages (they may be keywords or document ids).
 */

export function isBytes(value: unknown): value is Uint8Array {
  return (
    value instanceof Uint8Array ||
    (ArrayBuffer.isView(value) && Object.prototype.toString.call(value) === '[object Uint8Array]')
  );
}

/** Asserts a Uint8Array whose length is in [min, max]. */
export function abytes(
  value: unknown,
  label: string,
  min = 0,
  max = Number.MAX_SAFE_INTEGER,
): Uint8Array {
  if (!isBytes(value)) throw new TypeError(`${label} must be a Uint8Array`);
  if (value.length < min || value.length > max) {
    throw new RangeError(
      min === max
        ? `${label} must be ${min} bytes long, got ${value.length}`
        : `${label} must be ${min} to ${max} bytes long, got ${value.length}`,
    );
  }
  return value;
}

/**
 * `abytes` for element `index` of an argument list: the label (`name[index]suffix`) is only
 * built when the check fails (stores validate thousands of items per call).
 */
export function abytesAt(
  value: unknown,
  name: string,
  index: number,
  suffix: string,
  min: number,
  max: number,
): Uint8Array {
  if (isBytes(value) && value.length >= min && value.length <= max) return value;
  return abytes(value, `${name}[${index}]${suffix}`, min, max);
}

/** Asserts a safe integer in [min, max]. */
export function aint(
  value: unknown,
  label: string,
  min = 0,
  max = Number.MAX_SAFE_INTEGER,
): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    throw new TypeError(`${label} must be a safe integer`);
  }
  if (value < min || value > max) throw new RangeError(`${label} must be in [${min}, ${max}]`);
  return value;
}

/** Asserts an array (not any iterable: stores receive arrays). */
export function aarray(value: unknown, label: string): readonly unknown[] {
  if (!Array.isArray(value)) throw new TypeError(`${label} must be an array`);
  return value as readonly unknown[];
}

/** Asserts a plain object (options bags). */
export function aobject(value: unknown, label: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TypeError(`${label} must be an object`);
  }
  return value as Record<string, unknown>;
}

/** Byte equality (not constant time: for public data such as ciphertexts and tags). */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  const n = a.length;
  if (n !== b.length) return false;
  // Cells are compared on every guarded write: 32-bit words when both are aligned. (Only for
  // arrays above V8's 64-byte on-heap limit: taking the buffer of a smaller one would move it.)
  if (n > 64 && ((a.byteOffset | b.byteOffset | n) & 3) === 0) {
    const x = new Uint32Array(a.buffer, a.byteOffset, n >>> 2);
    const y = new Uint32Array(b.buffer, b.byteOffset, n >>> 2);
    for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
    return true;
  }
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** A Map key for bytes: one char per byte (latin1), cheap and collision-free. */
export function bytesKey(b: Uint8Array): string {
  const f = String.fromCharCode;
  // The common lengths (16-byte addresses, 8-byte ids) with explicit arguments: measured 2-4×
  // faster than a loop or Function.apply on a typed array, and the string comes out flat.
  if (b.length === 16) {
    return f(
      b[0] as number,
      b[1] as number,
      b[2] as number,
      b[3] as number,
      b[4] as number,
      b[5] as number,
      b[6] as number,
      b[7] as number,
      b[8] as number,
      b[9] as number,
      b[10] as number,
      b[11] as number,
      b[12] as number,
      b[13] as number,
      b[14] as number,
      b[15] as number,
    );
  }
  if (b.length === 8) {
    return f(
      b[0] as number,
      b[1] as number,
      b[2] as number,
      b[3] as number,
      b[4] as number,
      b[5] as number,
      b[6] as number,
      b[7] as number,
    );
  }
  let s = '';
  for (let i = 0; i < b.length; i += 8192) {
    // apply takes the typed array as is; a spread would first copy it into an iterator-built
    // array (measured ~2× slower on short keys).
    // eslint-disable-next-line prefer-spread
    s += f.apply(null, b.subarray(i, i + 8192) as unknown as number[]);
  }
  return s;
}

export function keyBytes(key: string): Uint8Array {
  const out = new Uint8Array(key.length);
  for (let i = 0; i < key.length; i++) out[i] = key.charCodeAt(i);
  return out;
}
