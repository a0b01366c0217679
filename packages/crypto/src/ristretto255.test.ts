import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ristretto255, ristretto255_hasher } from '@noble/curves/ed25519.js';
import { nodeRistretto255 } from './node/ristretto255.ts';
import { webRistretto255 } from './web/ristretto255.ts';
import { InvalidEncoding } from './errors.ts';
import { fromHex, toHex } from './bytes.ts';
import { assertArgumentError, notBytes } from './_test/hostile.ts';

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
const ELL = 2n ** 252n + 27742317777372353535851937790883648493n;

/** Little-endian 32-byte scalar ↔ bigint. */
function toScalar(n: bigint): Uint8Array {
  const out = new Uint8Array(32);
  let v = n;
  for (let i = 0; i < 32; i++) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}
function fromScalar(s: Uint8Array): bigint {
  let v = 0n;
  for (let i = 31; i >= 0; i--) v = (v << 8n) | BigInt(s[i]!);
  return v;
}
const mod = (n: bigint): bigint => ((n % ELL) + ELL) % ELL;

// RFC 9496 Appendix A.1: encodings of B·0 .. B·15 (B the generator).
const A1_MULTIPLES = [
  '0000000000000000000000000000000000000000000000000000000000000000',
  'e2f2ae0a6abc4e71a884a961c500515f58e30b6aa582dd8db6a65945e08d2d76',
  '6a493210f7499cd17fecb510ae0cea23a110e8d5b901f8acadd3095c73a3b919',
  '94741f5d5d52755ece4f23f044ee27d5d1ea1e2bd196b462166b16152a9d0259',
  'da80862773358b466ffadfe0b3293ab3d9fd53c5ea6c955358f568322daf6a57',
  'e882b131016b52c1d3337080187cf768423efccbb517bb495ab812c4160ff44e',
  'f64746d3c92b13050ed8d80236a7f0007c3b3f962f5ba793d19a601ebb1df403',
  '44f53520926ec81fbd5a387845beb7df85a96a24ece18738bdcfa6a7822a176d',
  '903293d8f2287ebe10e2374dc1a53e0bc887e592699f02d077d5263cdd55601c',
  '02622ace8f7303a31cafc63f8fc48fdc16e1c8c8d234b2f0d6685282a9076031',
  '20706fd788b2720a1ed2a5dad4952b01f413bcf0e7564de8cdc816689e2db95f',
  'bce83f8ba5dd2fa572864c24ba1810f9522bc6004afe95877ac73241cafdab42',
  'e4549ee16b9aa03099ca208c67adafcafa4c3f3e4e5303de6026e3ca8ff84460',
  'aa52e000df2e16f55fb1032fc33bc42742dad6bd5a8fc0be0167436c5948501f',
  '46376b80f409b29dc2b5f6f0c52591990896e5716f41477cd30085ab7f10301e',
  'e0c418f7c8d9c4cdd7395b93ea124f3ad99021bb681dfc3302a9d99a2e53e64e',
];

// RFC 9496 Appendix A.2: invalid encodings, by reject category.
const A2_INVALID = [
  // Non-canonical field encodings.
  '00ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff',
  'ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
  'f3ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
  'edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
  // Negative field elements.
  '0100000000000000000000000000000000000000000000000000000000000000',
  '01ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
  'ed57ffd8c914fb201471d1c3d245ce3c746fcbe63a3679d51b6a516ebebe0e20',
  'c34c4e1826e5d403b78e246e88aa051c36ccf0aafebffe137d148a2bf9104562',
  'c940e5a4404157cfb1628b108db051a8d439e1a421394ec4ebccb9ec92a8ac78',
  '47cfc5497c53dc8e61c91d17fd626ffb1c49e2bca94eed052281b510b1117a24',
  'f1c6165d33367351b0da8f6e4511010c68174a03b6581212c71c0e1d026c3c72',
  '87260f7a2f12495118360f02c26a470f450dadf34a413d21042b43b9d93e1309',
  // Non-square x².
  '26948d35ca62e643e26a83177332e6b6afeb9d08e4268b650f1f5bbd8d81d371',
  '4eac077a713c57b4f4397629a4145982c661f48044dd3f96427d40b147d9742f',
  'de6a7b00deadc788eb6b6c8d20c0ae96c2f2019078fa604fee5b87d6e989ad7b',
  'bcab477be20861e01e4a0e295284146a510150d9817763caf1a6f4b422d67042',
  '2a292df7e32cababbd9de088d1d1abec9fc0440f637ed2fba145094dc14bea08',
  'f4a9e534fc0d216c44b218fa0c42d99635a0127ee2e53c712f70609649fdff22',
  '8268436f8c4126196cf64b3c7ddbda90746a378625f9813dd9b8457077256731',
  '2810e5cbc2cc4d4eece54f61c6f69758e289aa7ab440b3cbeaa21995c2f4232b',
  // Negative xy value.
  '3eb858e78f5a7254d8c9731174a94f76755fd3941c0ac93735c07ba14579630e',
  'a45fdc55c76448c049a1ab33f17023edfb2be3581e9c7aade8a6125215e04220',
  'd483fe813c6ba647ebbfd3ec41adca1c6130c2beeee9d9bf065c8d151c5f396e',
  '8a2e1d30050198c65a54483123960ccc38aef6848e1ec8f5f780e8523769ba32',
  '32888462f8b486c68ad7dd9610be5192bbeaf3b443951ac1a8118419d9fa097b',
  '227142501b9d4355ccba290404bde41575b037693cef1f438c47f8fbf35d1165',
  '5c37cc491da847cfeb9281d407efc41e15144c876e0170b499a96a22ed31e01e',
  '445425117cb8c90edcbc7c1cc0e74f747f2c1efa5630a967c64f287792a48a4b',
  // s = −1, which causes y = 0.
  'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
].map(fromHex);

// RFC 9496 Appendix A.3: element derivation (one-way map) of 64-byte inputs; the last four
// inputs all map to the same element.
const A3_MAP: readonly [string, string][] = [
  [
    '5d1be09e3d0c82fc538112490e35701979d99e06ca3e2b5b54bffe8b4dc772c14d98b696a1bbfb5ca32c436cc61c16563790306c79eaca7705668b47dffe5bb6',
    '3066f82a1a747d45120d1740f14358531a8f04bbffe6a819f86dfe50f44a0a46',
  ],
  [
    'f116b34b8f17ceb56e8732a60d913dd10cce47a6d53bee9204be8b44f6678b270102a56902e2488c46120e9276cfe54638286b9e4b3cdb470b542d46c2068d38',
    'f26e5b6f7d362d2d2a94c5d0e7602cb4773c95a2e5c31a64f133189fa76ed61b',
  ],
  [
    '8422e1bbdaab52938b81fd602effb6f89110e1e57208ad12d9ad767e2e25510c27140775f9337088b982d83d7fcf0b2fa1edffe51952cbe7365e95c86eaf325c',
    '006ccd2a9e6867e6a2c5cea83d3302cc9de128dd2a9a57dd8ee7b9d7ffe02826',
  ],
  [
    'ac22415129b61427bf464e17baee8db65940c233b98afce8d17c57beeb7876c2150d15af1cb1fb824bbd14955f2b57d08d388aab431a391cfc33d5bafb5dbbaf',
    'f8f0c87cf237953c5890aec3998169005dae3eca1fbb04548c635953c817f92a',
  ],
  [
    '165d697a1ef3d5cf3c38565beefcf88c0f282b8e7dbd28544c483432f1cec7675debea8ebb4e5fe7d6f6e5db15f15587ac4d4d4a1de7191e0c1ca6664abcc413',
    'ae81e7dedf20a497e10c304a765c1767a42d6e06029758d2d7e8ef7cc4c41179',
  ],
  [
    'a836e6c9a9ca9f1e8d486273ad56a78c70cf18f0ce10abb1c7172ddd605d7fd2979854f47ae1ccf204a33102095b4200e5befc0465accc263175485f0e17ea5c',
    'e2705652ff9f5e44d3e841bf1c251cf7dddb77d140870d1ab2ed64f1a9ce8628',
  ],
  [
    '2cdc11eaeb95daf01189417cdddbf95952993aa9cb9c640eb5058d09702c74622c9965a697a3b345ec24ee56335b556e677b30e6f90ac77d781064f866a3c982',
    '80bd07262511cdde4863f8a7434cef696750681cb9510eea557088f76d9e5065',
  ],
  [
    'edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff1200000000000000000000000000000000000000000000000000000000000000',
    '304282791023b73128d277bdcb5c7746ef2eac08dde9f2983379cb8e5ef0517f',
  ],
  [
    'edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff',
    '304282791023b73128d277bdcb5c7746ef2eac08dde9f2983379cb8e5ef0517f',
  ],
  [
    '0000000000000000000000000000000000000000000000000000000000000080ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
    '304282791023b73128d277bdcb5c7746ef2eac08dde9f2983379cb8e5ef0517f',
  ],
  [
    '00000000000000000000000000000000000000000000000000000000000000001200000000000000000000000000000000000000000000000000000000000080',
    '304282791023b73128d277bdcb5c7746ef2eac08dde9f2983379cb8e5ef0517f',
  ],
];

// hash_to_ristretto255 has no vectors of its own in RFC 9380 (Appendix B defines it without
// any). RFC 9497 (OPRF) Appendix A.1.1, ristretto255-SHA512 OPRF mode, publishes
// BlindedElement = Blind · HashToGroup(Input) with DST "HashToGroup-OPRFV1-\x00-ristretto255-SHA512"
// and EvaluationElement = skSm · BlindedElement: known answers for hashToGroup and mul.
const OPRF_DST = utf8('HashToGroup-OPRFV1-\x00-ristretto255-SHA512');
const OPRF_SK = fromHex('5ebcea5ee37023ccb9fc2d2019f9d7737be85591ae8652ffa9ef0f4d37063b0e');
const OPRF_BLIND = fromHex('64d37aed22a27f5191de1c1d69fadb899d8862b58eb4220029e036ec4c1f6706');
const OPRF_VECTORS = [
  {
    input: '00',
    blinded: '609a0ae68c15a3cf6903766461307e5c8bb2f95e7e6550e1ffa2dc99e412803c',
    evaluated: '7ec6578ae5120958eb2db1745758ff379e77cb64fe77b0b2d8cc917ea0869c7e',
  },
  {
    input: '5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a',
    blinded: 'da27ef466870f5f15296299850aa088629945a17d1f5b7f5ff043f76b3c06418',
    evaluated: 'b4cbf5a4f1eeda5a63ce7b77c7d23f461db3fcab0dd28e4e17cecb5c90d02c25',
  },
];

const NON_CANONICAL_SCALARS = [
  toScalar(ELL), // ℓ itself
  toScalar(ELL + 1n),
  toScalar(2n ** 253n),
  new Uint8Array(32).fill(0xff),
];

const noblePoint = (bytes: Uint8Array) => ristretto255.Point.fromBytes(bytes);

for (const [name, impl] of [
  ['node', nodeRistretto255],
  ['web', webRistretto255],
] as const) {
  const { scalar, point } = impl;

  void describe(`ristretto255 (${name})`, () => {
    void test('RFC 9496 A.1: multiples of the generator (mulBase, mul, add, decode)', () => {
      let acc = point.identity;
      for (const [i, expected] of A1_MULTIPLES.entries()) {
        const s = toScalar(BigInt(i));
        assert.equal(toHex(point.mulBase(s)), expected, `mulBase ${i}`);
        assert.equal(toHex(point.mul(s, point.base)), expected, `mul ${i}`);
        assert.equal(toHex(acc), expected, `sum ${i}`);
        assert.equal(toHex(point.decode(fromHex(expected))), expected, `decode ${i}`);
        acc = point.add(acc, point.base);
      }
    });

    void test('RFC 9496 A.2: every invalid encoding is rejected by every point function', () => {
      const one = toScalar(1n);
      const zero = toScalar(0n);
      const b = point.base;
      for (const bad of A2_INVALID) {
        const h = toHex(bad);
        assert.throws(() => point.decode(bad), InvalidEncoding, `decode ${h}`);
        assert.throws(() => point.isIdentity(bad), InvalidEncoding, `isIdentity ${h}`);
        assert.throws(() => point.add(bad, b), InvalidEncoding, `add ${h}`);
        assert.throws(() => point.add(b, bad), InvalidEncoding, `add ${h}`);
        assert.throws(() => point.sub(bad, b), InvalidEncoding, `sub ${h}`);
        assert.throws(() => point.sub(b, bad), InvalidEncoding, `sub ${h}`);
        assert.throws(() => point.negate(bad), InvalidEncoding, `negate ${h}`);
        assert.throws(() => point.mul(one, bad), InvalidEncoding, `mul ${h}`);
        assert.throws(() => point.mul(zero, bad), InvalidEncoding, `mul by 0 ${h}`);
        assert.throws(() => point.equals(bad, b), InvalidEncoding, `equals ${h}`);
        assert.throws(() => point.equals(bad, bad), InvalidEncoding, `equals self ${h}`);
        assert.throws(() => point.multiScalarMul([one], [bad]), InvalidEncoding, `msm ${h}`);
        assert.throws(() => point.multiScalarMul([zero], [bad]), InvalidEncoding, `msm 0 ${h}`);
      }
    });

    void test('RFC 9496 A.3: element derivation from 64 uniform bytes', () => {
      for (const [input, output] of A3_MAP) {
        assert.equal(toHex(point.fromUniform(fromHex(input))), output, input);
      }
    });

    void test('RFC 9497 A.1.1 OPRF vectors: hashToGroup and variable-base mul', () => {
      for (const v of OPRF_VECTORS) {
        const h = point.hashToGroup(fromHex(v.input), OPRF_DST);
        const blinded = point.mul(OPRF_BLIND, h);
        assert.equal(toHex(blinded), v.blinded, `blinded ${v.input}`);
        assert.equal(toHex(point.mul(OPRF_SK, blinded)), v.evaluated, `evaluated ${v.input}`);
      }
    });

    void test('identity handling: decode accepts it, mul/mulBase by zero give it', () => {
      const zero = toScalar(0n);
      const id = point.identity;
      assert.deepEqual(id, new Uint8Array(32));
      assert.deepEqual(point.decode(new Uint8Array(32)), id);
      assert.equal(point.isIdentity(id), true);
      assert.equal(point.isIdentity(point.base), false);
      assert.deepEqual(point.mulBase(zero), id);
      assert.deepEqual(point.mul(zero, point.base), id);
      assert.deepEqual(point.mul(scalar.random(), id), id);
      assert.deepEqual(point.mul(zero, id), id);
      assert.deepEqual(point.sub(point.base, point.base), id);
      assert.deepEqual(point.add(id, point.base), point.base);
      assert.deepEqual(point.negate(id), id);
      assert.deepEqual(point.multiScalarMul([], []), id);
      // ℓ − 1 times B is −B; adding B gives the identity.
      const minusOne = toScalar(ELL - 1n);
      assert.deepEqual(point.mulBase(minusOne), point.negate(point.base));
      assert.deepEqual(point.add(point.mulBase(minusOne), point.base), id);
      // identity and base are fresh copies: mutating one does not change the next read.
      const b = point.base;
      b[0] = 0;
      assert.equal(toHex(point.base), A1_MULTIPLES[1]);
      const i = point.identity;
      i[0] = 1;
      assert.deepEqual(point.identity, new Uint8Array(32));
    });

    void test('scalar arithmetic agrees with bigint arithmetic mod ℓ (property)', () => {
      const arb = fc.bigInt({ min: 0n, max: ELL - 1n });
      fc.assert(
        fc.property(arb, arb, (a, b) => {
          const sa = toScalar(a);
          const sb = toScalar(b);
          assert.equal(fromScalar(scalar.add(sa, sb)), mod(a + b));
          assert.equal(fromScalar(scalar.sub(sa, sb)), mod(a - b));
          assert.equal(fromScalar(scalar.mul(sa, sb)), mod(a * b));
          assert.equal(fromScalar(scalar.negate(sa)), mod(-a));
          assert.equal(scalar.isZero(sa), a === 0n);
          if (a !== 0n) assert.equal(fromScalar(scalar.mul(scalar.invert(sa), sa)), 1n);
          assert.deepEqual(scalar.fromBytes(sa), sa);
        }),
        { numRuns: 100 },
      );
      fc.assert(
        fc.property(fc.uint8Array({ minLength: 64, maxLength: 64 }), (wide) => {
          let v = 0n;
          for (let i = 63; i >= 0; i--) v = (v << 8n) | BigInt(wide[i]!);
          assert.equal(fromScalar(scalar.fromUniform(wide)), mod(v));
        }),
        { numRuns: 50 },
      );
      assert.equal(fromScalar(scalar.negate(toScalar(0n))), 0n);
      assert.equal(fromScalar(scalar.fromBytes(toScalar(ELL - 1n))), ELL - 1n);
    });

    void test('random scalars: canonical, non-zero, distinct', () => {
      const seen = new Set<string>();
      for (let i = 0; i < 200; i++) {
        const s = scalar.random();
        assert.equal(s.length, 32);
        assert.ok(fromScalar(s) < ELL && fromScalar(s) > 0n);
        seen.add(toHex(s));
      }
      assert.equal(seen.size, 200);
    });

    void test('group laws (property): a·(b·P) = (ab)·P, P+Q−Q = P, msm = Σ, negation', () => {
      const arbScalar = fc.bigInt({ min: 0n, max: ELL - 1n }).map(toScalar);
      const arbPoint = fc.bigInt({ min: 0n, max: ELL - 1n }).map((k) => point.mulBase(toScalar(k)));
      fc.assert(
        fc.property(arbScalar, arbScalar, arbPoint, arbPoint, (a, b, p, q) => {
          assert.deepEqual(point.mul(a, point.mul(b, p)), point.mul(scalar.mul(a, b), p));
          assert.deepEqual(point.sub(point.add(p, q), q), p);
          assert.deepEqual(point.add(p, q), point.add(q, p));
          assert.deepEqual(point.add(p, point.negate(p)), point.identity);
          assert.deepEqual(point.mul(scalar.negate(a), p), point.negate(point.mul(a, p)));
          assert.deepEqual(
            point.add(point.mul(a, p), point.mul(b, p)),
            point.mul(scalar.add(a, b), p),
          );
          assert.deepEqual(point.mulBase(a), point.mul(a, point.base));
          assert.ok(point.equals(point.add(p, q), point.add(q, p)));
          assert.equal(point.equals(p, point.add(p, point.base)), false);
        }),
        { numRuns: 12 },
      );
      fc.assert(
        fc.property(fc.array(fc.tuple(arbScalar, arbPoint), { maxLength: 6 }), (terms) => {
          const expected = terms.reduce(
            (acc, [s, p]) => point.add(acc, point.mul(s, p)),
            point.identity,
          );
          assert.deepEqual(
            point.multiScalarMul(
              terms.map(([s]) => s),
              terms.map(([, p]) => p),
            ),
            expected,
          );
        }),
        { numRuns: 10 },
      );
    });

    void test('cross-check against @noble/curves ristretto255 for random inputs', () => {
      for (let i = 0; i < 8; i++) {
        const a = scalar.random();
        const b = scalar.random();
        const p = point.mulBase(b);
        const na = fromScalar(a);
        const np = noblePoint(p);
        assert.deepEqual(p, ristretto255.Point.BASE.multiply(fromScalar(b)).toBytes(), 'mulBase');
        assert.deepEqual(point.mul(a, p), np.multiply(na).toBytes(), 'mul');
        const q = point.mulBase(a);
        assert.deepEqual(point.add(p, q), np.add(noblePoint(q)).toBytes(), 'add');
        assert.deepEqual(point.sub(p, q), np.subtract(noblePoint(q)).toBytes(), 'sub');
        assert.deepEqual(point.negate(p), np.negate().toBytes(), 'negate');
        const msg = impl === nodeRistretto255 ? a : b;
        const dst = utf8('custos-test-dst');
        assert.deepEqual(
          point.hashToGroup(msg, dst),
          ristretto255_hasher.hashToCurve(msg, { DST: dst }).toBytes(),
          'hashToGroup',
        );
        // Both accept exactly the same encodings on random (mostly invalid) bytes.
        const random = webRandomBytes(32);
        let nobleOk = true;
        try {
          noblePoint(random);
        } catch {
          nobleOk = false;
        }
        let ours = true;
        try {
          point.decode(random);
        } catch (error) {
          assert.ok(error instanceof InvalidEncoding);
          ours = false;
        }
        assert.equal(ours, nobleOk, `decode ${toHex(random)}`);
      }
    });

    void test('the two providers agree', () => {
      const other = impl === nodeRistretto255 ? webRistretto255 : nodeRistretto255;
      const s = scalar.random();
      const p = point.hashToGroup(utf8('x'), utf8('dst'));
      assert.deepEqual(point.mul(s, p), other.point.mul(s, p));
      assert.deepEqual(
        point.fromUniform(new Uint8Array(64).fill(7)),
        other.point.fromUniform(new Uint8Array(64).fill(7)),
      );
    });

    void test('inputs are never modified; results are fresh arrays', () => {
      const s = scalar.random();
      const p = point.mulBase(scalar.random());
      const sCopy = s.slice();
      const pCopy = p.slice();
      point.mul(s, p);
      point.add(p, p);
      point.negate(p);
      scalar.invert(s);
      scalar.negate(s);
      point.multiScalarMul([s], [p]);
      assert.deepEqual(s, sCopy);
      assert.deepEqual(p, pCopy);
      assert.notEqual(point.decode(p), p);
      assert.notEqual(scalar.fromBytes(s), s);
    });

    void test('hostile inputs: scalars', () => {
      const ok = toScalar(5n);
      const unary: Record<string, (a: Uint8Array) => unknown> = {
        fromBytes: (a) => scalar.fromBytes(a),
        negate: (a) => scalar.negate(a),
        invert: (a) => scalar.invert(a),
        isZero: (a) => scalar.isZero(a),
      };
      const binary: Record<string, (a: Uint8Array, b: Uint8Array) => unknown> = {
        add: (a, b) => scalar.add(a, b),
        sub: (a, b) => scalar.sub(a, b),
        mul: (a, b) => scalar.mul(a, b),
      };
      for (const bad of [...notBytes, new Uint8Array(31), new Uint8Array(33), new Uint8Array(64)]) {
        const b = bad as Uint8Array;
        for (const [n, f] of Object.entries(unary)) assertArgumentError(() => f(b), n);
        for (const [n, f] of Object.entries(binary)) {
          assertArgumentError(() => f(b, ok), `${n} a`);
          assertArgumentError(() => f(ok, b), `${n} b`);
        }
        assertArgumentError(() => point.mulBase(b), 'mulBase');
        assertArgumentError(() => point.mul(b, point.base), 'mul scalar');
        assertArgumentError(() => point.multiScalarMul([b], [point.base]), 'msm scalar');
      }
      for (const bad of NON_CANONICAL_SCALARS) {
        for (const [n, f] of Object.entries(unary)) assert.throws(() => f(bad), InvalidEncoding, n);
        for (const [n, f] of Object.entries(binary)) {
          assert.throws(() => f(bad, ok), InvalidEncoding, n);
          assert.throws(() => f(ok, bad), InvalidEncoding, n);
        }
        assert.throws(() => point.mulBase(bad), InvalidEncoding, 'mulBase');
        assert.throws(() => point.mul(bad, point.base), InvalidEncoding, 'mul');
        assert.throws(() => point.multiScalarMul([bad], [point.base]), InvalidEncoding, 'msm');
      }
      assert.throws(() => scalar.invert(toScalar(0n)), RangeError);
      for (const bad of [...notBytes, new Uint8Array(32), new Uint8Array(63), new Uint8Array(65)]) {
        assertArgumentError(() => scalar.fromUniform(bad as Uint8Array), 'scalar.fromUniform');
      }
    });

    void test('hostile inputs: points', () => {
      const b = point.base;
      const one = toScalar(1n);
      for (const bad of [...notBytes, new Uint8Array(31), new Uint8Array(33), new Uint8Array(0)]) {
        const x = bad as Uint8Array;
        assertArgumentError(() => point.decode(x), 'decode');
        assertArgumentError(() => point.isIdentity(x), 'isIdentity');
        assertArgumentError(() => point.add(x, b), 'add p');
        assertArgumentError(() => point.add(b, x), 'add q');
        assertArgumentError(() => point.sub(x, b), 'sub p');
        assertArgumentError(() => point.sub(b, x), 'sub q');
        assertArgumentError(() => point.negate(x), 'negate');
        assertArgumentError(() => point.mul(one, x), 'mul point');
        assertArgumentError(() => point.equals(x, b), 'equals p');
        assertArgumentError(() => point.equals(b, x), 'equals q');
        assertArgumentError(() => point.multiScalarMul([one], [x]), 'msm point');
      }
      for (const bad of notBytes) {
        const x = bad as Uint8Array;
        assertArgumentError(() => point.hashToGroup(x, utf8('dst')), 'hashToGroup message');
        assertArgumentError(() => point.hashToGroup(utf8('m'), x), 'hashToGroup dst');
      }
      assertArgumentError(() => point.hashToGroup(utf8('m'), new Uint8Array(0)), 'empty dst');
      for (const bad of [...notBytes, new Uint8Array(32), new Uint8Array(63), new Uint8Array(65)]) {
        assertArgumentError(() => point.fromUniform(bad as Uint8Array), 'point.fromUniform');
      }
      assertArgumentError(() => point.hashToGroup(utf8('m'), new Uint8Array(256)), 'dst 256');
      assertArgumentError(() => point.multiScalarMul([one, one], [b]), 'msm lengths');
      assertArgumentError(() => point.multiScalarMul(undefined as never, [b]), 'msm scalars');
      assertArgumentError(() => point.multiScalarMul([one], 'x' as never), 'msm points');
      assertArgumentError(
        () => point.multiScalarMul(new Array(65537).fill(one), new Array(65537).fill(b)),
        'msm too long',
      );
    });
  });
}

function webRandomBytes(n: number): Uint8Array {
  return globalThis.crypto.getRandomValues(new Uint8Array(n));
}
