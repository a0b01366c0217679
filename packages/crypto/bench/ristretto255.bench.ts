/**
 * ristretto255: both providers run libsodium's WASM build (they differ only in their RNG);
 * the peer column is @noble/curves' pure-JS ristretto255 doing the same work from the same
 * bytes (decode and encode included where our API includes them).
 */
import { ristretto255, ristretto255_hasher } from '@noble/curves/ed25519.js';
import { pippenger } from '@noble/curves/abstract/curve.js';
import { nodeRistretto255 } from '../src/node/ristretto255.ts';
import { webRistretto255 } from '../src/web/ristretto255.ts';
import type { BenchCase, BenchSuite } from './_harness.ts';

const Point = ristretto255.Point;

function toBigInt(s: Uint8Array): bigint {
  let v = 0n;
  for (let i = s.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(s[i] as number);
  return v;
}

export const suite: BenchSuite = {
  name: 'Ristretto255',
  cases: () => {
    const r = nodeRistretto255;
    const w = webRistretto255;
    const s = r.scalar.random();
    const sb = toBigInt(s);
    const p = r.point.mulBase(r.scalar.random());
    const msg = new Uint8Array(32).fill(9);
    const dst = new TextEncoder().encode('custos-bench-ristretto255');
    const cases: BenchCase[] = [
      {
        name: 'var-base mul s·P (bytes in, bytes out)',
        node: () => r.point.mul(s, p),
        web: () => w.point.mul(s, p),
        peers: { noble: () => Point.fromBytes(p).multiply(sb).toBytes() },
      },
      {
        name: 'base mul s·B',
        node: () => r.point.mulBase(s),
        web: () => w.point.mulBase(s),
        peers: { noble: () => Point.BASE.multiply(sb).toBytes() },
      },
      {
        name: 'decode + mul + encode (decode validates, then mul)',
        node: () => r.point.mul(s, r.point.decode(p)),
        web: () => w.point.mul(s, w.point.decode(p)),
        peers: { noble: () => Point.fromBytes(p).multiply(sb).toBytes() },
      },
      {
        name: 'decode (validate) only',
        node: () => r.point.decode(p),
        web: () => w.point.decode(p),
        peers: { noble: () => Point.fromBytes(p) },
      },
      {
        name: 'add P+Q',
        node: () => r.point.add(p, p),
        web: () => w.point.add(p, p),
        peers: { noble: () => Point.fromBytes(p).add(Point.fromBytes(p)).toBytes() },
      },
      {
        name: 'hashToGroup 32 B',
        node: () => r.point.hashToGroup(msg, dst),
        web: () => w.point.hashToGroup(msg, dst),
        peers: { noble: () => ristretto255_hasher.hashToCurve(msg, { DST: dst }).toBytes() },
      },
      {
        name: 'scalar mul a·b',
        node: () => r.scalar.mul(s, s),
        web: () => w.scalar.mul(s, s),
        peers: { noble: () => Point.Fn.mul(sb, sb) },
      },
      {
        name: 'scalar invert',
        node: () => r.scalar.invert(s),
        web: () => w.scalar.invert(s),
        peers: { noble: () => Point.Fn.inv(sb) },
      },
    ];
    for (const n of [16, 64]) {
      const scalars = Array.from({ length: n }, () => r.scalar.random());
      const points = Array.from({ length: n }, () => r.point.mulBase(r.scalar.random()));
      const bigs = scalars.map(toBigInt);
      cases.push({
        name: `MSM of ${n} (sum of products)`,
        node: () => r.point.multiScalarMul(scalars, points),
        web: () => w.point.multiScalarMul(scalars, points),
        peers: {
          'noble (Pippenger, incl. decode)': () =>
            pippenger(
              Point,
              points.map((q) => Point.fromBytes(q)),
              bigs,
            ).toBytes(),
        },
      });
    }
    return cases;
  },
};
