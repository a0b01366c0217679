/**
 * Tiny labelled asserters for public boundaries. Wrong type → TypeError, wrong length or range
 * → RangeError. The label names the argument; values themselves never enter messages (they may
 * be secret).
 */

export function isBytes(value: unknown): value is Uint8Array {
  // `instanceof` alone is fooled by spoofed objects and misses cross-realm arrays; the tag check
  // is what the engine itself reports.
  return (
    value instanceof Uint8Array ||
    (ArrayBuffer.isView(value) && Object.prototype.toString.call(value) === '[object Uint8Array]')
  );
}

/** Asserts a Uint8Array, optionally of one of the given lengths. */
export function abytes(value: unknown, label: string, ...lengths: number[]): Uint8Array {
  if (!isBytes(value)) throw new TypeError(`${label} must be a Uint8Array`);
  if (lengths.length > 0 && !lengths.includes(value.length)) {
    throw new RangeError(
      `${label} must be ${lengths.join(' or ')} bytes long, got ${value.length}`,
    );
  }
  return value;
}

/** Asserts an optional Uint8Array (undefined allowed), returning an empty array for undefined. */
export function aoptbytes(value: unknown, label: string): Uint8Array {
  if (value === undefined) return EMPTY;
  return abytes(value, label);
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

/** Asserts that `value` is one of `options` (string literal unions). */
export function aoneOf<const T extends string>(
  value: unknown,
  label: string,
  options: readonly T[],
): T {
  if (typeof value !== 'string') throw new TypeError(`${label} must be a string`);
  if (!(options as readonly string[]).includes(value)) {
    throw new RangeError(`${label} must be one of ${options.join(', ')}`);
  }
  return value as T;
}

export const EMPTY: Uint8Array = new Uint8Array(0);
