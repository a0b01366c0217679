/**
 * Hashes and SHAKE: node provider (OpenSSL via node:crypto) vs web provider (@noble/hashes).
 * The web provider is noble, so no separate peer column; the Keccak rows show the gap
 * (pure-JS Keccak is the slowest part of noble).
 */
import { nodeHash } from '../src/node/hash.ts';
import { webHash } from '../src/web/hash.ts';
import type { BenchCase, BenchSuite } from './_harness.ts';

const SIZES: readonly [string, number][] = [
  ['64 B', 64],
  ['1 KiB', 1024],
  ['1 MiB', 1 << 20],
];

export const suite: BenchSuite = {
  name: 'Hash',
  cases: () => {
    const cases: BenchCase[] = [];
    for (const alg of ['sha256', 'sha3-256'] as const) {
      for (const [label, size] of SIZES) {
        const data = new Uint8Array(size).fill(1);
        cases.push({
          name: `${alg.toUpperCase()} ${label}`,
          bytes: size,
          node: () => nodeHash.digest(alg, data),
          web: () => webHash.digest(alg, data),
        });
      }
    }
    for (const [label, size] of SIZES) {
      const data = new Uint8Array(size).fill(1);
      cases.push({
        name: `SHAKE256 → 32 B, ${label}`,
        bytes: size,
        node: () => nodeHash.xof('shake256', data, 32),
        web: () => webHash.xof('shake256', data, 32),
      });
    }
    const chunk = new Uint8Array(64).fill(2);
    cases.push({
      name: 'SHA-256 incremental, 16 × 64 B',
      bytes: 1024,
      node: () => {
        const h = nodeHash.create('sha256');
        for (let i = 0; i < 16; i++) h.update(chunk);
        return h.digest();
      },
      web: () => {
        const h = webHash.create('sha256');
        for (let i = 0; i < 16; i++) h.update(chunk);
        return h.digest();
      },
    });
    return cases;
  },
};
