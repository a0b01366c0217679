/**
 * Shared test fixtures: the benchmark structure of the anchor (Department × Security Level),
 * a three-dimension structure for the decrypt matrix, and hostile-value helpers.
 */
import assert from 'node:assert/strict';
import { MasterPublicKey } from '../public-key.ts';
import { MasterSecretKey } from '../master-key.ts';
import { UserKey } from '../user-key.ts';
import type { StructureSpec } from '../structure.ts';

export const DEPT_LEVEL: StructureSpec = {
  dimensions: [
    { name: 'Department', attributes: ['R&D', 'HR', 'MKG', 'FIN'] },
    {
      name: 'Security Level',
      kind: 'ordered',
      attributes: ['Protected', 'Confidential', 'Top Secret'],
    },
  ],
};

export interface Authority {
  msk: MasterSecretKey;
  mpk: MasterPublicKey;
  user(policy: string): Promise<UserKey>;
}

/** A fresh authority with its verified public key and a user-key factory. */
export async function authority(spec: StructureSpec = DEPT_LEVEL): Promise<Authority> {
  const msk = await MasterSecretKey.setup(spec);
  const mpk = await MasterPublicKey.load(await msk.publicKey(), { authority: msk.authorityId });
  return {
    msk,
    mpk,
    user: async (policy) => UserKey.load((await msk.issueUserKey(policy)).userKey),
  };
}

/** Values that are not a Uint8Array, including look-alikes. */
export const notBytes: readonly unknown[] = [
  undefined,
  null,
  0,
  'deadbeef',
  [1, 2, 3],
  {},
  new Uint16Array(4),
  new ArrayBuffer(4),
  { constructor: { name: 'Uint8Array' }, length: 4, 0: 1 },
];

export const notString: readonly unknown[] = [
  undefined,
  null,
  0,
  {},
  [],
  new Uint8Array(2),
  Symbol('x'),
];

/** Asserts `fn` throws a TypeError or RangeError (a programming error, not a data error). */
export function assertArgumentError(fn: () => unknown, label: string): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(
      error instanceof TypeError || error instanceof RangeError,
      `${label}: got ${String(error)}`,
    );
    return true;
  });
}

export async function assertArgumentErrorAsync(
  fn: () => Promise<unknown>,
  label: string,
): Promise<void> {
  await assert.rejects(fn, (error: unknown) => {
    assert.ok(
      error instanceof TypeError || error instanceof RangeError,
      `${label}: got ${String(error)}`,
    );
    return true;
  });
}

/** Positions to alter in a blob: every byte when short, else a spread that hits every field. */
export function positions(length: number, budget = 400): number[] {
  if (length <= budget) return Array.from({ length }, (_, i) => i);
  const out = new Set<number>();
  for (let i = 0; i < 96; i++) out.add(i);
  for (let i = Math.max(0, length - 96); i < length; i++) out.add(i);
  const step = Math.max(1, Math.floor(length / (budget - 192)));
  for (let i = 0; i < length; i += step) out.add(i);
  return [...out].sort((a, b) => a - b);
}

export function flip(bytes: Uint8Array, position: number, mask = 0x01): Uint8Array {
  const copy = bytes.slice();
  copy[position] = (copy[position] as number) ^ mask;
  return copy;
}

/** A small seeded PRNG (xorshift32) for reproducible generated cases. */
export function prng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 0x1_0000_0000;
  };
}

/** Concatenates what an async generator yields. */
export async function collect(source: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const p of source) parts.push(p);
  return Buffer.concat(parts);
}
