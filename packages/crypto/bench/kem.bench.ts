/**
 * KEMs: key generation, encapsulation and decapsulation per algorithm, with raw-bytes keys
 * (import on every call) and with parsed keys (native handle cached). The peers are the floors:
 * node:crypto ML-KEM with a cached KeyObject, and @noble/post-quantum called directly.
 */
import { encapsulate, generateKeyPairSync } from 'node:crypto';
import { ml_kem768 } from '@noble/post-quantum/ml-kem.js';
import { KEM_ALGORITHMS } from '../src/kem.ts';
import { nodeKem } from '../src/node/kem.ts';
import { webKem } from '../src/web/kem.ts';
import type { BenchCase, BenchSuite } from './_harness.ts';

export const suite: BenchSuite = {
  name: 'KEM',
  cases: () => {
    const cases: BenchCase[] = [];
    for (const algorithm of KEM_ALGORITHMS) {
      const node = nodeKem.get(algorithm);
      const web = webKem.get(algorithm);
      const pair = node.generateKeyPair();
      const nodePk = node.publicKey(pair.publicKey);
      const nodeSk = node.secretKey(pair.secretKey);
      const webPk = web.publicKey(pair.publicKey);
      const webSk = web.secretKey(pair.secretKey);
      const { ciphertext } = node.encapsulate(nodePk);
      const peers768 = algorithm === 'ml-kem-768';
      const native = peers768 ? generateKeyPairSync('ml-kem-768') : undefined;
      const noble = peers768 ? ml_kem768.keygen() : undefined;
      cases.push(
        {
          name: `${algorithm} keygen`,
          node: () => node.generateKeyPair(),
          web: () => web.generateKeyPair(),
          ...(noble && { peers: { 'noble direct': () => ml_kem768.keygen() } }),
        },
        {
          name: `${algorithm} encapsulate (raw public key)`,
          node: () => node.encapsulate(pair.publicKey),
          web: () => web.encapsulate(pair.publicKey),
          ...(noble && { peers: { 'noble direct': () => ml_kem768.encapsulate(noble.publicKey) } }),
        },
        {
          name: `${algorithm} encapsulate (parsed public key)`,
          node: () => node.encapsulate(nodePk),
          web: () => web.encapsulate(webPk),
          ...(native && {
            peers: { 'node:crypto KeyObject': () => encapsulate(native.publicKey) },
          }),
        },
        {
          name: `${algorithm} decapsulate (raw secret key)`,
          node: () => node.decapsulate(ciphertext, pair.secretKey),
          web: () => web.decapsulate(ciphertext, pair.secretKey),
        },
        {
          name: `${algorithm} decapsulate (parsed secret key)`,
          node: () => node.decapsulate(ciphertext, nodeSk),
          web: () => web.decapsulate(ciphertext, webSk),
        },
      );
    }
    return cases;
  },
};
