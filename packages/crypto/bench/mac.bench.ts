/**
 * MACs: HMAC-SHA256 with a parsed key (the hot path: KeyObject on node, a cloned keyed state in
 * the web provider), one-shot HMAC (key parsed per call), and KMAC256 (noble in both
 * providers). Peer: node:crypto `createHmac` with a raw Buffer key, the slow path that parsing
 * a key avoids on Node 24.
 */
import { createHmac } from 'node:crypto';
import { nodeMac } from '../src/node/mac.ts';
import { webMac } from '../src/web/mac.ts';
import type { BenchCase, BenchSuite } from './_harness.ts';

export const suite: BenchSuite = {
  name: 'MAC',
  cases: () => {
    const key = new Uint8Array(32).fill(7);
    const rawKey = Buffer.from(key);
    const nodeKey = nodeMac.hmacKey('sha256', key);
    const webKey = webMac.hmacKey('sha256', key);
    const cases: BenchCase[] = [];
    for (const [label, size] of [
      ['64 B', 64],
      ['1 KiB', 1024],
    ] as const) {
      const data = new Uint8Array(size).fill(1);
      const tag = nodeKey.compute(data);
      cases.push({
        name: `HMAC-SHA256 parsed key ${label}`,
        bytes: size,
        node: () => nodeKey.compute(data),
        web: () => webKey.compute(data),
        peers: {
          'createHmac raw Buffer key': () => createHmac('sha256', rawKey).update(data).digest(),
        },
      });
      cases.push({
        name: `HMAC-SHA256 one-shot ${label}`,
        bytes: size,
        node: () => nodeMac.hmac('sha256', key, data),
        web: () => webMac.hmac('sha256', key, data),
      });
      cases.push({
        name: `HMAC-SHA256 verify ${label}`,
        bytes: size,
        node: () => nodeKey.verify(data, tag),
        web: () => webKey.verify(data, tag),
      });
    }
    const kdata = new Uint8Array(1024).fill(3);
    cases.push({
      name: 'KMAC256 → 32 B, 1 KiB',
      bytes: 1024,
      node: () => nodeMac.kmac256(key, kdata, 32),
      web: () => webMac.kmac256(key, kdata, 32),
    });
    return cases;
  },
};
