/**
 * Hostile values thrown at every public function that takes bytes or numbers. Each must be
 * rejected with a TypeError or RangeError, never accepted or crashed on with something else.
 */
import assert from 'node:assert/strict';

/** Values that are not a Uint8Array, including look-alikes. */
export const notBytes: readonly unknown[] = [
  undefined,
  null,
  0,
  NaN,
  'deadbeef',
  [1, 2, 3],
  {},
  new Uint16Array(4),
  new Int8Array(4),
  new ArrayBuffer(4),
  new DataView(new ArrayBuffer(4)),
  { constructor: { name: 'Uint8Array' }, length: 4, 0: 1 },
  Symbol('x'),
];

/** Values that are not a safe non-negative integer. */
export const notInteger: readonly unknown[] = [
  undefined,
  null,
  '1',
  1.5,
  NaN,
  Infinity,
  -1,
  2 ** 53,
  1n,
];

/** Asserts `fn` throws a TypeError or RangeError (argument error) for `value`. */
export function assertArgumentError(fn: () => unknown, label: string): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(
      error instanceof TypeError || error instanceof RangeError,
      `${label}: expected TypeError/RangeError, got ${String(error)}`,
    );
    return true;
  });
}

/** Same, for async functions. */
export async function assertArgumentErrorAsync(
  fn: () => Promise<unknown>,
  label: string,
): Promise<void> {
  await assert.rejects(fn, (error: unknown) => {
    assert.ok(
      error instanceof TypeError || error instanceof RangeError,
      `${label}: expected TypeError/RangeError, got ${String(error)}`,
    );
    return true;
  });
}

/** Returns copies of `data` with each single bit position in `positions` flipped. */
export function bitFlips(data: Uint8Array, positions: readonly number[]): Uint8Array[] {
  return positions
    .filter((p) => p >= 0 && p < data.length * 8)
    .map((p) => {
      const copy = data.slice();
      copy[p >> 3] = (copy[p >> 3] as number) ^ (1 << (p & 7));
      return copy;
    });
}
