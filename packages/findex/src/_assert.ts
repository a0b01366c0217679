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
export function abytes(value: unknown, label: string, min = 0, max = Number.MAX_SAFE_INTEGER): Uint8Array {
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

/** Asserts a safe integer in [min, max]. */
export function aint(value: unknown, label: string, min = 0, max = Number.MAX_SAFE_INTEGER): number {
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

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** A Map key for bytes: one char per byte (latin1), cheap and collision-free. */
export function bytesKey(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 8192) {
    s += String.fromCharCode.apply(null, bytes.subarray(i, i + 8192) as unknown as number[]);
  }
  return s;
}

export function keyBytes(key: string): Uint8Array {
  const out = new Uint8Array(key.length);
  for (let i = 0; i < key.length; i++) out[i] = key.charCodeAt(i);
  return out;
}
