/**
 * Raw AES blocks: what FF1 pays per Feistel round. The peers show the two candidate paths measured
 * in isolation: one native `node:crypto` ECB `update()` call per block on a reused cipher object
 * (KeyObject), and @noble/ciphers' own `unsafe.encryptBlock`. Their ratio is why both providers
 * use the pure-JS core for single blocks and the node provider goes native only for batches.
 */
import { createCipheriv, createSecretKey } from 'node:crypto';
import { unsafe } from '@noble/ciphers/aes.js';
import { nodeBlock } from '../src/node/block.ts';
import { webBlock } from '../src/web/block.ts';
import type { BenchCase, BenchSuite } from './_harness.ts';

export const suite: BenchSuite = {
  name: 'Raw AES block (FF1 building block)',
  cases: () => {
    const key = new Uint8Array(32).map((_, i) => i);
    const nodeAes = nodeBlock.aes(key);
    const webAes = webBlock.aes(key);
    const native = createCipheriv('aes-256-ecb', createSecretKey(key), null).setAutoPadding(false);
    const xk = unsafe.expandKeyLE(key);
    const cases: BenchCase[] = [];

    const one = new Uint8Array(16);
    cases.push({
      name: 'AES-256 encryptBlock 16 B (in place)',
      node: () => nodeAes.encryptBlock(one, one),
      web: () => webAes.encryptBlock(one, one),
      peers: {
        'node:crypto update()': () => native.update(one),
        'noble unsafe.encryptBlock': () => unsafe.encryptBlock(xk, one),
      },
    });
    const mac = new Uint8Array(32);
    const chain = new Uint8Array(16);
    cases.push({
      name: 'AES-256 cbcMac 2 blocks',
      node: () => nodeAes.cbcMac(mac, chain, chain),
      web: () => webAes.cbcMac(mac, chain, chain),
    });
    for (const size of [32, 48, 64, 128, 256, 4096, 65536]) {
      const data = new Uint8Array(size);
      const out = new Uint8Array(size);
      cases.push({
        name: `AES-256 encryptBlocks ${size} B`,
        bytes: size,
        node: () => nodeAes.encryptBlocks(data, out),
        web: () => webAes.encryptBlocks(data, out),
        peers: {
          'node:crypto update()': () => native.update(data),
          'noble unsafe.encryptBlock': () => {
            for (let i = 0; i < size; i += 16) unsafe.encryptBlock(xk, out.subarray(i, i + 16));
          },
        },
      });
    }
    return cases;
  },
};
