/**
 * Hostile values for the FPE suites, and assertions on the error each must raise: argument
 * errors (TypeError/RangeError) or an `FpeError` with a given code.
 */
import assert from 'node:assert/strict';
import { FpeError, type FpeErrorCode } from '../errors.ts';

/** Values that are not a Uint8Array, including look-alikes. */
export const notBytes: readonly unknown[] = [
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

/** Values that are not a usable tweak (undefined is: it means "no tweak"). */
export const notTweak: readonly unknown[] = [null, 0, 1n, [1, 2], {}, new Uint16Array(2), true];

export function assertArgumentError(fn: () => unknown, label: string): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(
      error instanceof TypeError || error instanceof RangeError,
      `${label}: expected TypeError/RangeError, got ${String(error)}`,
    );
    return true;
  });
}

export function assertFpeError(fn: () => unknown, code: FpeErrorCode, label: string): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof FpeError, `${label}: expected FpeError, got ${String(error)}`);
    assert.equal(error.code, code, `${label}: code`);
    return true;
  });
}

/** A short label for any hostile value (no '[object Object]'). */
export function show(value: unknown): string {
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'symbol') return value.toString();
  if (typeof value === 'object' && value !== null) {
    return Object.prototype.toString.call(value);
  }
  return String(value);
}
