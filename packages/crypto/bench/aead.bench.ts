/**
 * AEAD family: seal/open per algorithm and size, random-nonce encrypt, the batched API against a
 * loop, AES-SIV, AES-KW/KWP. The "node:crypto plain" peer column is the straightforward
 * implementation (createCipheriv with a cached KeyObject, update/final/getAuthTag, Buffer.concat)
 * that the node provider is meant to beat. `AES-256-GCM seal 1 MiB` is the row bench/run.ts
 * compares with `openssl speed`.
 *
 * Fixed nonces are reused across iterations: harmless for timing, never do it with real data.
 */
import { createCipheriv, createSecretKey, randomBytes } from 'node:crypto';
import { AEAD_ALGORITHMS, AEAD_PARAMETERS, type AeadAlgorithm } from '../src/aead.ts';
import { nodeAead } from '../src/node/aead.ts';
import { nodeKeyWrap } from '../src/node/keywrap.ts';
import { webAead } from '../src/web/aead.ts';
import { webKeyWrap } from '../src/web/keywrap.ts';
import type { BenchCase, BenchSuite } from './_harness.ts';

const random = (n: number): Uint8Array => new Uint8Array(randomBytes(n));

const LABEL: Record<AeadAlgorithm, string> = {
  'aes-128-gcm': 'AES-128-GCM',
  'aes-256-gcm': 'AES-256-GCM',
  'chacha20-poly1305': 'ChaCha20-Poly1305',
  'xchacha20-poly1305': 'XChaCha20-Poly1305',
};

const SIZES: readonly (readonly [number, string])[] = [
  [64, '64 B'],
  [1024, '1 KiB'],
  [16384, '16 KiB'],
  [1048576, '1 MiB'],
];

/** The naive node:crypto AES-256-GCM seal, for the peer column. */
function plainSeal(key: Uint8Array) {
  const keyObject = createSecretKey(key);
  return (nonce: Uint8Array, plaintext: Uint8Array): Uint8Array => {
    const cipher = createCipheriv('aes-256-gcm', keyObject, nonce);
    const ct = cipher.update(plaintext);
    cipher.final();
    return Buffer.concat([ct, cipher.getAuthTag()]);
  };
}

const BATCH = 100;

export const suite: BenchSuite = {
  name: 'AEAD',
  cases: () => {
    const cases: BenchCase[] = [];
    for (const algorithm of AEAD_ALGORITHMS) {
      const { keyLength, nonceLength } = AEAD_PARAMETERS[algorithm];
      const key = random(keyLength);
      const node = nodeAead.cipher(algorithm, key);
      const web = webAead.cipher(algorithm, key);
      const nonce = random(nonceLength);
      const plain = algorithm === 'aes-256-gcm' ? plainSeal(key) : undefined;
      for (const [size, label] of SIZES) {
        const pt = random(size);
        const c: BenchCase = {
          name: `${LABEL[algorithm]} seal ${label}`,
          bytes: size,
          node: () => node.seal(nonce, pt),
          web: () => web.seal(nonce, pt),
        };
        if (plain !== undefined) c.peers = { 'node:crypto plain': () => plain(nonce, pt) };
        cases.push(c);
      }
      for (const [size, label] of SIZES) {
        if (size === 16384 || (size === 64 && algorithm !== 'aes-256-gcm')) continue;
        const sealed = node.seal(nonce, random(size));
        cases.push({
          name: `${LABEL[algorithm]} open ${label}`,
          bytes: size,
          node: () => node.open(nonce, sealed),
          web: () => web.open(nonce, sealed),
        });
      }
    }

    // Random-nonce framing, the detached form, and the batch against a loop.
    const key = random(32);
    const node = nodeAead.cipher('aes-256-gcm', key);
    const web = webAead.cipher('aes-256-gcm', key);
    const kib = random(1024);
    cases.push({
      name: 'AES-256-GCM encrypt (random nonce) 1 KiB',
      bytes: 1024,
      node: () => node.encrypt(kib),
      web: () => web.encrypt(kib),
    });
    const mib = random(1048576);
    const nonce = random(12);
    cases.push({
      name: 'AES-256-GCM sealDetached 1 MiB',
      bytes: 1048576,
      node: () => node.sealDetached(nonce, mib),
      web: () => web.sealDetached(nonce, mib),
    });
    for (const algorithm of ['aes-256-gcm', 'xchacha20-poly1305'] as const) {
      const k = random(32);
      const n = nodeAead.cipher(algorithm, k);
      const w = webAead.cipher(algorithm, k);
      const cells = Array.from({ length: BATCH }, () => random(64));
      const aad = random(16);
      const sealed = n.encryptMany(cells, aad);
      cases.push(
        {
          name: `${LABEL[algorithm]} encrypt × ${BATCH} (loop) 64 B`,
          bytes: BATCH * 64,
          node: () => cells.map((c) => n.encrypt(c, aad)),
          web: () => cells.map((c) => w.encrypt(c, aad)),
        },
        {
          name: `${LABEL[algorithm]} encryptMany ${BATCH} × 64 B`,
          bytes: BATCH * 64,
          node: () => n.encryptMany(cells, aad),
          web: () => w.encryptMany(cells, aad),
        },
        {
          name: `${LABEL[algorithm]} decryptMany ${BATCH} × 64 B`,
          bytes: BATCH * 64,
          node: () => n.decryptMany(sealed, aad),
          web: () => w.decryptMany(sealed, aad),
        },
      );
    }

    // AES-SIV (64-byte key = AES-256 halves), one associated-data component.
    const sivKey = random(64);
    const nodeSiv = nodeAead.siv(sivKey);
    const webSiv = webAead.siv(sivKey);
    const ad = random(16);
    for (const [size, label] of SIZES) {
      if (size === 16384) continue;
      const pt = random(size);
      cases.push({
        name: `AES-SIV-512 seal ${label}`,
        bytes: size,
        node: () => nodeSiv.seal(pt, ad),
        web: () => webSiv.seal(pt, ad),
      });
    }
    const sivSealed = nodeSiv.seal(kib, ad);
    cases.push({
      name: 'AES-SIV-512 open 1 KiB',
      bytes: 1024,
      node: () => nodeSiv.open(sivSealed, ad),
      web: () => webSiv.open(sivSealed, ad),
    });

    // Key wrap of a 32-byte key under an AES-256 KEK.
    const kek = random(32);
    const dek = random(32);
    for (const [label, scheme] of [
      ['AES-KW', 'aesKw'],
      ['AES-KWP', 'aesKwp'],
    ] as const) {
      const nodeWrapper = nodeKeyWrap[scheme].withKek(kek);
      const webWrapper = webKeyWrap[scheme].withKek(kek);
      const wrapped = nodeWrapper.wrap(dek);
      cases.push(
        {
          name: `${label}-256 wrap 32 B key`,
          node: () => nodeWrapper.wrap(dek),
          web: () => webWrapper.wrap(dek),
        },
        {
          name: `${label}-256 unwrap 32 B key`,
          node: () => nodeWrapper.unwrap(wrapped),
          web: () => webWrapper.unwrap(wrapped),
        },
        {
          name: `${label}-256 wrap 32 B key (KEK parsed per call)`,
          node: () => nodeKeyWrap[scheme].wrap(kek, dek),
          web: () => webKeyWrap[scheme].wrap(kek, dek),
        },
      );
    }
    return cases;
  },
};
