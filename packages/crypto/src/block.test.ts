import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createCipheriv } from 'node:crypto';
import fc from 'fast-check';
import { nodeBlock, NODE_BATCH_MIN_BYTES } from './node/block.ts';
import { webBlock } from './web/block.ts';
import { fromHex, toHex } from './bytes.ts';
import { assertArgumentError, notBytes } from './_test/hostile.ts';

// NIST SP 800-38A, Appendix F.1 (ECB-AES*.Encrypt) and F.2.1 (CBC-AES128.Encrypt). The four
// plaintext blocks are shared by every example.
const PLAIN = [
  '6bc1bee22e409f96e93d7e117393172a',
  'ae2d8a571e03ac9c9eb76fac45af8e51',
  '30c81c46a35ce411e5fbc1191a0a52ef',
  'f69f2445df4f9b17ad2b417be66c3710',
];
const ECB_VECTORS = [
  {
    name: 'F.1.1 ECB-AES128',
    key: '2b7e151628aed2a6abf7158809cf4f3c',
    ct: [
      '3ad77bb40d7a3660a89ecaf32466ef97',
      'f5d3d58503b9699de785895a96fdbaaf',
      '43b1cd7f598ece23881b00e3ed030688',
      '7b0c785e27e8ad3f8223207104725dd4',
    ],
  },
  {
    name: 'F.1.3 ECB-AES192',
    key: '8e73b0f7da0e6452c810f32b809079e562f8ead2522c6b7b',
    ct: [
      'bd334f1d6e45f25ff712a214571fa5cc',
      '974104846d0ad3ad7734ecb3ecee4eef',
      'ef7afd2270e2e60adce0ba2face6444e',
      '9a4b41ba738d6c72fb16691603c18e0e',
    ],
  },
  {
    name: 'F.1.5 ECB-AES256',
    key: '603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4',
    ct: [
      'f3eed1bdb5d2a03c064b5a7e3db181f8',
      '591ccb10d410ed26dc5ba74a31362870',
      'b6ed21b99ca6f4f9f153e7b1beafed1d',
      '23304b7a39f9f3ff067d8d8f9e24ecc7',
    ],
  },
] as const;
const CBC_F21 = {
  key: '2b7e151628aed2a6abf7158809cf4f3c',
  iv: '000102030405060708090a0b0c0d0e0f',
  ct: [
    '7649abac8119b246cee98e9b12e9197d',
    '5086cb9b507219ee95db113a917678b2',
    '73bed6b8e3c1743b7116e69e22229516',
    '3ff1caa1681fac09120eca307586e1a7',
  ],
};

/** Reference ECB and CBC from node:crypto directly, for cross-checks. */
function refEcb(key: Uint8Array, data: Uint8Array): Uint8Array {
  const c = createCipheriv(`aes-${key.length * 8}-ecb`, key, null).setAutoPadding(false);
  return new Uint8Array(Buffer.concat([c.update(data), c.final()]));
}
function refCbcMac(key: Uint8Array, data: Uint8Array, iv: Uint8Array): Uint8Array {
  if (data.length === 0) return iv.slice();
  const c = createCipheriv(`aes-${key.length * 8}-cbc`, key, iv).setAutoPadding(false);
  const ct = Buffer.concat([c.update(data), c.final()]);
  return new Uint8Array(ct.subarray(ct.length - 16));
}

const arbKey = fc
  .constantFrom(16, 24, 32)
  .chain((n) => fc.uint8Array({ minLength: n, maxLength: n }));

for (const [name, block] of [
  ['node', nodeBlock],
  ['web', webBlock],
] as const) {
  void describe(`block (${name})`, () => {
    for (const v of ECB_VECTORS) {
      void test(`${v.name}: encryptBlock, encryptBlocks, in place`, () => {
        const aes = block.aes(fromHex(v.key));
        assert.equal(aes.keyLength, v.key.length / 2);
        for (const [i, p] of PLAIN.entries()) {
          assert.equal(toHex(aes.encryptBlock(fromHex(p))), v.ct[i]);
          const inPlace = fromHex(p);
          assert.equal(aes.encryptBlock(inPlace, inPlace), inPlace);
          assert.equal(toHex(inPlace), v.ct[i]);
        }
        // 1..4 blocks: below and at the node provider's native threshold.
        for (let k = 1; k <= 4; k++) {
          const data = fromHex(PLAIN.slice(0, k).join(''));
          const before = toHex(data);
          assert.equal(toHex(aes.encryptBlocks(data)), v.ct.slice(0, k).join(''));
          assert.equal(toHex(data), before, 'input not mutated');
          const out = new Uint8Array(16 * k);
          assert.equal(aes.encryptBlocks(data, out), out);
          assert.equal(toHex(out), v.ct.slice(0, k).join(''));
          assert.equal(aes.encryptBlocks(data, data), data);
          assert.equal(toHex(data), v.ct.slice(0, k).join(''));
        }
      });
    }

    void test('F.2.1 CBC-AES128 as CBC-MAC: every prefix gives its last ciphertext block', () => {
      const aes = block.aes(fromHex(CBC_F21.key));
      const iv = fromHex(CBC_F21.iv);
      for (let k = 1; k <= 4; k++) {
        const data = fromHex(PLAIN.slice(0, k).join(''));
        assert.equal(toHex(aes.cbcMac(data, iv)), CBC_F21.ct[k - 1]);
        const out = new Uint8Array(16);
        assert.equal(aes.cbcMac(data, iv, out), out);
        assert.equal(toHex(out), CBC_F21.ct[k - 1]);
      }
      // Empty data: the chaining value itself, as a copy.
      const r = aes.cbcMac(new Uint8Array(0), iv);
      assert.equal(toHex(r), CBC_F21.iv);
      assert.notEqual(r, iv);
      // No iv: zero chaining value, so one block is plain ECB.
      assert.equal(toHex(aes.cbcMac(fromHex(PLAIN[0]!))), ECB_VECTORS[0].ct[0]);
      // out may alias iv (FF1 chains in place).
      const chain = iv.slice();
      aes.cbcMac(fromHex(PLAIN.join('')), chain, chain);
      assert.equal(toHex(chain), CBC_F21.ct[3]);
    });

    void test('batches around the native threshold and large batches match node:crypto', () => {
      const key = fromHex(ECB_VECTORS[2].key);
      const aes = block.aes(key);
      for (const blocks of [0, 1, 2, 3, 4, 5, 8, 64, 1024]) {
        const data = new Uint8Array(blocks * 16).map((_, i) => (i * 151 + 7) & 0xff);
        assert.deepEqual(aes.encryptBlocks(data), refEcb(key, data), `${blocks} blocks`);
      }
      assert.ok(NODE_BATCH_MIN_BYTES % 16 === 0);
    });

    void test('the key is copied: changing the caller array afterwards changes nothing', () => {
      const key = fromHex(ECB_VECTORS[0].key);
      const aes = block.aes(key);
      key.fill(0);
      assert.equal(toHex(aes.encryptBlock(fromHex(PLAIN[0]!))), ECB_VECTORS[0].ct[0]);
    });

    void test('unaligned views are accepted and not modified', () => {
      const keyBuf = new Uint8Array(33);
      keyBuf.set(fromHex(ECB_VECTORS[1].key), 1);
      const aes = block.aes(keyBuf.subarray(1, 25));
      const buf = new Uint8Array(80);
      buf.set(fromHex(PLAIN.join('')), 3);
      const view = buf.subarray(3, 67);
      const copy = buf.slice();
      assert.equal(toHex(aes.encryptBlocks(view)), ECB_VECTORS[1].ct.join(''));
      assert.equal(toHex(aes.encryptBlock(view.subarray(16, 32))), ECB_VECTORS[1].ct[1]);
      assert.deepEqual(buf, copy);
    });

    void test('property: blocks = ECB = node:crypto; CBC-MAC = last CBC block', () => {
      fc.assert(
        fc.property(
          arbKey,
          fc
            .integer({ min: 0, max: 12 })
            .chain((k) => fc.uint8Array({ minLength: 16 * k, maxLength: 16 * k })),
          fc.uint8Array({ minLength: 16, maxLength: 16 }),
          (key, data, iv) => {
            const aes = block.aes(key);
            const ecb = aes.encryptBlocks(data);
            assert.deepEqual(ecb, refEcb(key, data));
            for (let i = 0; i < data.length; i += 16) {
              assert.deepEqual(aes.encryptBlock(data.subarray(i, i + 16)), ecb.subarray(i, i + 16));
            }
            assert.deepEqual(aes.cbcMac(data, iv), refCbcMac(key, data, iv));
          },
        ),
        { numRuns: 60 },
      );
    });

    void test('hostile inputs', () => {
      for (const bad of notBytes) {
        assertArgumentError(() => block.aes(bad as Uint8Array), 'aes(key)');
      }
      for (const len of [0, 1, 8, 15, 17, 20, 31, 33, 64]) {
        assertArgumentError(() => block.aes(new Uint8Array(len)), `aes(${len}-byte key)`);
      }
      const aes = block.aes(new Uint8Array(16));
      for (const bad of notBytes) {
        assertArgumentError(() => aes.encryptBlock(bad as Uint8Array), 'encryptBlock(block)');
        assertArgumentError(() => aes.encryptBlocks(bad as Uint8Array), 'encryptBlocks(data)');
        assertArgumentError(() => aes.cbcMac(bad as Uint8Array), 'cbcMac(data)');
        // undefined is the documented "allocate" / "zero iv" value for the optional arguments.
        if (bad !== undefined) {
          assertArgumentError(
            () => aes.encryptBlock(new Uint8Array(16), bad as Uint8Array),
            'encryptBlock(out)',
          );
          assertArgumentError(
            () => aes.cbcMac(new Uint8Array(16), bad as Uint8Array),
            'cbcMac(iv)',
          );
          assertArgumentError(
            () => aes.encryptBlocks(new Uint8Array(64), bad as Uint8Array),
            'encryptBlocks(out)',
          );
          assertArgumentError(
            () => aes.cbcMac(new Uint8Array(16), undefined, bad as Uint8Array),
            'cbcMac(out)',
          );
        }
      }
      for (const len of [0, 1, 15, 17, 32]) {
        assertArgumentError(() => aes.encryptBlock(new Uint8Array(len)), `encryptBlock(${len})`);
        assertArgumentError(
          () => aes.encryptBlock(new Uint8Array(16), new Uint8Array(len)),
          `encryptBlock(out ${len})`,
        );
        assertArgumentError(() => aes.cbcMac(new Uint8Array(16), new Uint8Array(len)), `iv ${len}`);
        assertArgumentError(
          () => aes.cbcMac(new Uint8Array(16), undefined, new Uint8Array(len)),
          `cbcMac(out ${len})`,
        );
      }
      for (const len of [1, 15, 17, 63, 65, 1023]) {
        assertArgumentError(() => aes.encryptBlocks(new Uint8Array(len)), `encryptBlocks(${len})`);
        assertArgumentError(() => aes.cbcMac(new Uint8Array(len)), `cbcMac(${len})`);
      }
      for (const [dataLen, outLen] of [
        [64, 16],
        [64, 48],
        [64, 80],
        [16, 0],
        [16, 15],
        [16, 32],
      ] as const) {
        assertArgumentError(
          () => aes.encryptBlocks(new Uint8Array(dataLen), new Uint8Array(outLen)),
          `encryptBlocks(${dataLen}, out ${outLen})`,
        );
      }
    });
  });
}
