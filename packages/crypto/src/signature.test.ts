import assert from 'node:assert/strict';
import {
  constants,
  createHash,
  createPrivateKey,
  generatePrimeSync,
  sign as nodeSign,
  verify as nodeVerify,
} from 'node:crypto';
import { before, describe, test } from 'node:test';
import fc from 'fast-check';
import { assertArgumentErrorAsync, bitFlips, notBytes } from './_test/hostile.ts';
import { hex, loadWycheproof, nonEmpty, vectorsSkipReason } from './_test/vectors.ts';
import { fromHex, toHex } from './bytes.ts';
import { InvalidKey } from './errors.ts';
import type { AsymmetricAlgorithm, KeyPair, KeysFamily, PrivateKey, PublicKey } from './keys.ts';
import { nodeKeys } from './node/keys.ts';
import { nodeSignature } from './node/signature.ts';
import {
  ecdsaDerToP1363,
  ecdsaP1363ToDer,
  SIGNATURE_ALGORITHMS,
  SIGNATURE_SCHEMES,
  type SignatureAlgorithm,
} from './signature.ts';
import { webKeys } from './web/keys.ts';
import { _ed25519Noble, webSignature } from './web/signature.ts';

const providers = [
  ['node', nodeKeys, nodeSignature],
  ['web', webKeys, webSignature],
] as const;

const MESSAGE = new TextEncoder().encode('Custos signs this message');

/** RFC 8032 §7.1 test 1 (empty message) and test 2 (one byte 0x72). */
const RFC8032 = [
  {
    secret: '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60',
    message: '',
    signature:
      'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b',
  },
  {
    secret: '4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb',
    message: '72',
    signature:
      '92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00',
  },
];

interface WycheproofSigGroup {
  publicKeyDer: string;
  publicKeyPem: string;
  publicKeyJwk?: unknown;
  publicKey: { pk?: string };
}

async function pairsFor(keys: KeysFamily): Promise<Map<AsymmetricAlgorithm, KeyPair>> {
  const out = new Map<AsymmetricAlgorithm, KeyPair>();
  for (const algorithm of [
    'ed25519',
    'p256',
    'p384',
    'p521',
    'rsa',
    'ml-dsa-44',
    'ml-dsa-65',
    'ml-dsa-87',
    'x25519',
  ] as const) {
    out.set(
      algorithm,
      await keys.generate(algorithm, algorithm === 'rsa' ? { modulusBits: 2048 } : undefined),
    );
  }
  return out;
}

/** Modular inverse by the extended Euclidean algorithm (a and m coprime). */
function modInverse(a: bigint, m: bigint): bigint {
  let [r0, r1, t0, t1] = [m, a % m, 0n, 1n];
  while (r1 !== 0n) {
    const q = r0 / r1;
    [r0, r1, t0, t1] = [r1, r0 - q * r1, t1, t0 - q * t1];
  }
  return ((t0 % m) + m) % m;
}

/**
 * An RSA key pair whose modulus has exactly `bits` bits, from two primes of ⌈bits/2⌉ and
 * ⌊bits/2⌋ bits (OpenSSL's generator rounds odd sizes down), imported through node's JWK.
 */
async function rsaPairOfBits(bits: number): Promise<KeyPair> {
  const e = 65537n;
  const b64 = (x: bigint): string => {
    const h = x.toString(16);
    return Buffer.from(h.length % 2 === 0 ? h : `0${h}`, 'hex').toString('base64url');
  };
  for (;;) {
    const p = generatePrimeSync(Math.ceil(bits / 2), { bigint: true });
    const q = generatePrimeSync(Math.floor(bits / 2), { bigint: true });
    const n = p * q;
    if (p === q || n.toString(2).length !== bits || (p - 1n) % e === 0n || (q - 1n) % e === 0n)
      continue;
    const d = modInverse(e, (p - 1n) * (q - 1n));
    const jwk = {
      kty: 'RSA',
      n: b64(n),
      e: b64(e),
      d: b64(d),
      p: b64(p),
      q: b64(q),
      dp: b64(d % (p - 1n)),
      dq: b64(d % (q - 1n)),
      qi: b64(modInverse(q, p)),
    };
    const pkcs8 = createPrivateKey({ key: jwk, format: 'jwk' }).export({
      format: 'der',
      type: 'pkcs8',
    });
    const privateKey = await nodeKeys.importPrivate('rsa', 'pkcs8', new Uint8Array(pkcs8));
    return { privateKey, publicKey: await nodeKeys.publicKeyOf(privateKey) };
  }
}

async function wycheproof(
  keys: KeysFamily,
  verify: (
    key: PublicKey,
    message: Uint8Array,
    signature: Uint8Array,
    group: WycheproofSigGroup,
  ) => Promise<boolean>,
  file: string,
  keyAlgorithm: AsymmetricAlgorithm,
): Promise<number> {
  const vectors = nonEmpty(loadWycheproof<WycheproofSigGroup>(file), file);
  const imported = new Map<WycheproofSigGroup, PublicKey>();
  let run = 0;
  for (const { group, test: t } of vectors) {
    let key = imported.get(group);
    if (key === undefined) {
      key = await keys.importPublic(keyAlgorithm, 'spki', hex(group.publicKeyDer));
      imported.set(group, key);
    }
    const ok = await verify(key, hex(t['msg']), hex(t['sig']), group);
    // No vector in these files is "acceptable"; if one appears, either outcome passes.
    if (t.result !== 'acceptable')
      assert.equal(
        ok,
        t.result === 'valid',
        `${file} tcId ${t.tcId} (${t.comment}) [${t.flags.join(',')}]`,
      );
    run++;
  }
  return run;
}

for (const [name, keys, signature] of providers) {
  void describe(`signature (${name})`, () => {
    let pairs: Map<AsymmetricAlgorithm, KeyPair>;
    before(async () => {
      pairs = await pairsFor(keys);
    });
    const pairOf = (algorithm: SignatureAlgorithm): KeyPair =>
      pairs.get(SIGNATURE_SCHEMES[algorithm].key) as KeyPair;

    void test('sign/verify round trip for every algorithm; altered inputs fail', async () => {
      for (const algorithm of SIGNATURE_ALGORITHMS) {
        const { privateKey, publicKey } = pairOf(algorithm);
        const sig = await signature.sign(algorithm, privateKey, MESSAGE);
        assert.ok(await signature.verify(algorithm, publicKey, MESSAGE, sig), algorithm);
        assert.equal(
          await signature.verify(algorithm, publicKey, MESSAGE.subarray(1), sig),
          false,
          `${algorithm} message`,
        );
        for (const flipped of bitFlips(sig, [0, 7, 8 * (sig.length >> 1), sig.length * 8 - 1])) {
          assert.equal(
            await signature.verify(algorithm, publicKey, MESSAGE, flipped),
            false,
            `${algorithm} flipped`,
          );
        }
        for (const bad of [
          sig.subarray(0, sig.length - 1),
          Uint8Array.from([...sig, 0]),
          new Uint8Array(0),
          new Uint8Array(sig.length),
        ]) {
          assert.equal(
            await signature.verify(algorithm, publicKey, MESSAGE, bad),
            false,
            `${algorithm} length ${bad.length}`,
          );
        }
        // Signing never mutates its input.
        const copy = MESSAGE.slice();
        await signature.sign(algorithm, privateKey, copy);
        assert.deepEqual(copy, MESSAGE);
      }
    });

    void test('a signature does not verify under another key of the same algorithm', async () => {
      for (const algorithm of ['ed25519', 'ecdsa-p256-sha256', 'ml-dsa-44'] as const) {
        const other = await keys.generate(SIGNATURE_SCHEMES[algorithm].key);
        const sig = await signature.sign(algorithm, pairOf(algorithm).privateKey, MESSAGE);
        assert.equal(
          await signature.verify(algorithm, other.publicKey, MESSAGE, sig),
          false,
          algorithm,
        );
      }
    });

    void test('Ed25519 known answers (RFC 8032 §7.1)', async () => {
      for (const v of RFC8032) {
        const key = await keys.importPrivate('ed25519', 'raw', fromHex(v.secret));
        const sig = await signature.sign('ed25519', key, fromHex(v.message));
        assert.equal(toHex(sig), v.signature);
        assert.ok(
          await signature.verify('ed25519', await keys.publicKeyOf(key), fromHex(v.message), sig),
        );
        if (name === 'web')
          assert.equal(
            toHex(_ed25519Noble.sign(fromHex(v.secret), fromHex(v.message))),
            v.signature,
          );
      }
    });

    void test('ECDSA encodings: P1363 by default, strict DER on request', async () => {
      for (const algorithm of [
        'ecdsa-p256-sha256',
        'ecdsa-p384-sha384',
        'ecdsa-p521-sha512',
      ] as const) {
        const { privateKey, publicKey } = pairOf(algorithm);
        const size = SIGNATURE_SCHEMES[algorithm].size as number;
        const p1363 = await signature.sign(algorithm, privateKey, MESSAGE);
        assert.equal(p1363.length, 2 * size);
        const der = await signature.sign(algorithm, privateKey, MESSAGE, { encoding: 'der' });
        assert.equal(der[0], 0x30);
        assert.ok(await signature.verify(algorithm, publicKey, MESSAGE, der, { encoding: 'der' }));
        assert.ok(
          await signature.verify(
            algorithm,
            publicKey,
            MESSAGE,
            ecdsaDerToP1363(der, size) as Uint8Array,
          ),
        );
        assert.ok(
          await signature.verify(algorithm, publicKey, MESSAGE, ecdsaP1363ToDer(p1363), {
            encoding: 'der',
          }),
        );
        // The other encoding is not accepted in place of the chosen one.
        assert.equal(await signature.verify(algorithm, publicKey, MESSAGE, der), false);
        assert.equal(
          await signature.verify(algorithm, publicKey, MESSAGE, p1363, { encoding: 'der' }),
          false,
        );
      }
    });

    void test('RSA PKCS#1 v1.5 is deterministic and equal across providers; PSS is randomised', async () => {
      const { privateKey } = pairOf('rsa-pkcs1-sha256');
      for (const algorithm of [
        'rsa-pkcs1-sha256',
        'rsa-pkcs1-sha384',
        'rsa-pkcs1-sha512',
      ] as const) {
        const a = await signature.sign(algorithm, privateKey, MESSAGE);
        assert.deepEqual(await signature.sign(algorithm, privateKey, MESSAGE), a);
        assert.equal(a.length, 256);
        const [, otherKeys, otherSignature] = providers.find(
          ([n]) => n !== name,
        ) as (typeof providers)[number];
        const foreign = await otherKeys.importPrivate(
          'rsa',
          'pkcs8',
          await keys.exportPrivate(privateKey, 'pkcs8'),
        );
        assert.deepEqual(await otherSignature.sign(algorithm, foreign, MESSAGE), a, algorithm);
      }
      const pss1 = await signature.sign('rsa-pss-sha256', privateKey, MESSAGE);
      const pss2 = await signature.sign('rsa-pss-sha256', privateKey, MESSAGE);
      assert.notDeepEqual(pss1, pss2);
    });

    void test('ML-DSA context strings bind the signature', async () => {
      for (const algorithm of ['ml-dsa-44', 'ml-dsa-65', 'ml-dsa-87'] as const) {
        const { privateKey, publicKey } = pairOf(algorithm);
        const context = new TextEncoder().encode('custos/test');
        const sig = await signature.sign(algorithm, privateKey, MESSAGE, { context });
        assert.ok(await signature.verify(algorithm, publicKey, MESSAGE, sig, { context }));
        assert.equal(
          await signature.verify(algorithm, publicKey, MESSAGE, sig),
          false,
          'no context',
        );
        assert.equal(
          await signature.verify(algorithm, publicKey, MESSAGE, sig, {
            context: context.subarray(1),
          }),
          false,
        );
        // An empty context is the same as none (FIPS 204 §5.2).
        const plain = await signature.sign(algorithm, privateKey, MESSAGE, {
          context: new Uint8Array(0),
        });
        assert.ok(await signature.verify(algorithm, publicKey, MESSAGE, plain));
        const max = await signature.sign(algorithm, privateKey, MESSAGE, {
          context: new Uint8Array(255),
        });
        assert.ok(
          await signature.verify(algorithm, publicKey, MESSAGE, max, {
            context: new Uint8Array(255),
          }),
        );
      }
    });

    void test("cross-provider: each provider verifies the other one's signatures", async () => {
      const [, otherKeys, otherSignature] = providers.find(
        ([n]) => n !== name,
      ) as (typeof providers)[number];
      for (const algorithm of SIGNATURE_ALGORITHMS) {
        const { privateKey, publicKey } = pairOf(algorithm);
        const keyAlgorithm = SIGNATURE_SCHEMES[algorithm].key;
        const foreignPrivate = await otherKeys.importPrivate(
          keyAlgorithm,
          'pkcs8',
          await keys.exportPrivate(privateKey, 'pkcs8'),
        );
        const foreignPublic = await otherKeys.importPublic(
          keyAlgorithm,
          'spki',
          await keys.exportPublic(publicKey, 'spki'),
        );
        const options = algorithm.startsWith('ml-dsa')
          ? { context: Uint8Array.of(1, 2, 3) }
          : undefined;
        const mine = await signature.sign(algorithm, privateKey, MESSAGE, options);
        assert.ok(
          await otherSignature.verify(algorithm, foreignPublic, MESSAGE, mine, options),
          `${algorithm} mine → other`,
        );
        const theirs = await otherSignature.sign(algorithm, foreignPrivate, MESSAGE, options);
        assert.ok(
          await signature.verify(algorithm, publicKey, MESSAGE, theirs, options),
          `${algorithm} other → mine`,
        );
        const altered = theirs.slice();
        altered[altered.length >> 1] = (altered[altered.length >> 1] as number) ^ 0x10;
        assert.equal(
          await signature.verify(algorithm, publicKey, MESSAGE, altered, options),
          false,
          `${algorithm} altered`,
        );
      }
    });

    void test(
      'Wycheproof Ed25519',
      { skip: vectorsSkipReason('wycheproof/ed25519_test.json') },
      async () => {
        const run = await wycheproof(
          keys,
          (key, m, s) => signature.verify('ed25519', key, m, s),
          'ed25519_test.json',
          'ed25519',
        );
        assert.equal(run, 151);
        if (name === 'web') {
          // The pure-JS fallback must agree with WebCrypto on every vector.
          const n = await wycheproof(
            keys,
            (_key, m, s, g) => Promise.resolve(_ed25519Noble.verify(hex(g.publicKey.pk), m, s)),
            'ed25519_test.json',
            'ed25519',
          );
          assert.equal(n, 151);
        }
      },
    );

    void test(
      'Wycheproof ECDSA P-256 SHA-256, DER',
      { skip: vectorsSkipReason('wycheproof/ecdsa_secp256r1_sha256_test.json') },
      async () => {
        const run = await wycheproof(
          keys,
          (key, m, s) => signature.verify('ecdsa-p256-sha256', key, m, s, { encoding: 'der' }),
          'ecdsa_secp256r1_sha256_test.json',
          'p256',
        );
        assert.equal(run, 484);
      },
    );

    void test(
      'Wycheproof ECDSA P-256 SHA-256, P1363',
      { skip: vectorsSkipReason('wycheproof/ecdsa_secp256r1_sha256_p1363_test.json') },
      async () => {
        const run = await wycheproof(
          keys,
          (key, m, s) => signature.verify('ecdsa-p256-sha256', key, m, s),
          'ecdsa_secp256r1_sha256_p1363_test.json',
          'p256',
        );
        assert.equal(run, 262);
      },
    );

    void test(
      'Wycheproof RSA-PSS 2048 SHA-256 MGF1 salt 32',
      { skip: vectorsSkipReason('wycheproof/rsa_pss_2048_sha256_mgf1_32_test.json') },
      async () => {
        const run = await wycheproof(
          keys,
          (key, m, s) => signature.verify('rsa-pss-sha256', key, m, s),
          'rsa_pss_2048_sha256_mgf1_32_test.json',
          'rsa',
        );
        assert.equal(run, 108);
      },
    );

    void describe('hostile input', () => {
      void test('argument types: algorithm, key, message, signature, options', async () => {
        const { privateKey, publicKey } = pairOf('ed25519');
        const sig = await signature.sign('ed25519', privateKey, MESSAGE);
        for (const bad of [undefined, null, 'ED25519', 'ecdsa-p256', 'rsa-pss-sha1', 7]) {
          await assertArgumentErrorAsync(
            () => signature.sign(bad as never, privateKey, MESSAGE),
            `sign algorithm ${String(bad)}`,
          );
          await assertArgumentErrorAsync(
            () => signature.verify(bad as never, publicKey, MESSAGE, sig),
            `verify algorithm ${String(bad)}`,
          );
        }
        for (const bad of notBytes) {
          await assertArgumentErrorAsync(
            () => signature.sign('ed25519', privateKey, bad as never),
            'sign message',
          );
          await assertArgumentErrorAsync(
            () => signature.verify('ed25519', publicKey, bad as never, sig),
            'verify message',
          );
          await assertArgumentErrorAsync(
            () => signature.verify('ed25519', publicKey, MESSAGE, bad as never),
            'verify signature',
          );
        }
        for (const bad of [
          undefined,
          null,
          {},
          'key',
          new Uint8Array(32),
          { algorithm: 'ed25519', type: 'private' },
        ]) {
          await assertArgumentErrorAsync(
            () => signature.sign('ed25519', bad as never, MESSAGE),
            'sign key',
          );
          await assertArgumentErrorAsync(
            () => signature.verify('ed25519', bad as never, MESSAGE, sig),
            'verify key',
          );
        }
        for (const bad of ['der', 5, null]) {
          await assertArgumentErrorAsync(
            () => signature.sign('ed25519', privateKey, MESSAGE, bad as never),
            'options type',
          );
        }
        await assertArgumentErrorAsync(
          () => signature.sign('ed25519', privateKey, MESSAGE, { encoding: 'der' }),
          'encoding on ed25519',
        );
        await assertArgumentErrorAsync(
          () =>
            signature.sign('ecdsa-p256-sha256', pairOf('ecdsa-p256-sha256').privateKey, MESSAGE, {
              encoding: 'asn1' as never,
            }),
          'bad encoding',
        );
        await assertArgumentErrorAsync(
          () => signature.sign('ed25519', privateKey, MESSAGE, { context: Uint8Array.of(1) }),
          'context on ed25519',
        );
        const mlDsa = pairOf('ml-dsa-44').privateKey;
        await assertArgumentErrorAsync(
          () => signature.sign('ml-dsa-44', mlDsa, MESSAGE, { context: new Uint8Array(256) }),
          'context 256',
        );
        await assertArgumentErrorAsync(
          () => signature.sign('ml-dsa-44', mlDsa, MESSAGE, { context: 'ctx' as never }),
          'context type',
        );
      });

      void test('keys of the wrong algorithm or kind are InvalidKey; foreign keys TypeError', async () => {
        const isInvalidKey = (error: unknown): boolean => error instanceof InvalidKey;
        const cases: [SignatureAlgorithm, AsymmetricAlgorithm][] = [
          ['ed25519', 'x25519'],
          ['ed25519', 'p256'],
          ['ecdsa-p256-sha256', 'p384'],
          ['ecdsa-p384-sha384', 'p256'],
          ['rsa-pss-sha256', 'p256'],
          ['ml-dsa-65', 'ml-dsa-44'],
          ['ml-dsa-44', 'ed25519'],
        ];
        for (const [algorithm, keyAlgorithm] of cases) {
          const { privateKey, publicKey } = pairs.get(keyAlgorithm) as KeyPair;
          await assert.rejects(
            () => signature.sign(algorithm, privateKey, MESSAGE),
            isInvalidKey,
            `${algorithm} with ${keyAlgorithm}`,
          );
          await assert.rejects(
            () => signature.verify(algorithm, publicKey, MESSAGE, new Uint8Array(64)),
            isInvalidKey,
          );
        }
        const { privateKey, publicKey } = pairOf('ed25519');
        await assert.rejects(
          () => signature.sign('ed25519', publicKey as unknown as PrivateKey, MESSAGE),
          isInvalidKey,
        );
        await assert.rejects(
          () =>
            signature.verify(
              'ed25519',
              privateKey as unknown as PublicKey,
              MESSAGE,
              new Uint8Array(64),
            ),
          isInvalidKey,
        );
        const [, otherKeys] = providers.find(([n]) => n !== name) as (typeof providers)[number];
        const foreign = await otherKeys.generate('ed25519');
        await assertArgumentErrorAsync(
          () => signature.sign('ed25519', foreign.privateKey, MESSAGE),
          'foreign private',
        );
        await assertArgumentErrorAsync(
          () => signature.verify('ed25519', foreign.publicKey, MESSAGE, new Uint8Array(64)),
          'foreign public',
        );
      });

      void test('malformed DER ECDSA signatures verify false', async () => {
        const algorithm = 'ecdsa-p256-sha256';
        const { privateKey, publicKey } = pairOf(algorithm);
        const der = await signature.sign(algorithm, privateKey, MESSAGE, { encoding: 'der' });
        const p1363 = ecdsaDerToP1363(der, 32) as Uint8Array;
        const r = p1363.subarray(0, 32);
        const s = p1363.subarray(32);
        const int = (v: Uint8Array, pad = 0): number[] => {
          const body = [
            ...new Array<number>(pad).fill(0),
            ...((v[0] as number) & 0x80 ? [0, ...v] : [...v]),
          ];
          return [0x02, body.length, ...body];
        };
        const seq = (...parts: number[][]): Uint8Array => {
          const body = parts.flat();
          return Uint8Array.from([0x30, body.length, ...body]);
        };
        const cases: [string, Uint8Array][] = [
          ['trailing byte', Uint8Array.from([...der, 0])],
          ['long-form length', Uint8Array.from([0x30, 0x81, ...der.subarray(1)])],
          ['padded r', seq(int(r, 1), int(s))],
          ['negative r', seq([0x02, 33, 0xff, ...r], int(s))],
          ['three integers', seq(int(r), int(s), [0x02, 1, 1])],
          ['one integer', seq(int(r))],
          ['SET', Uint8Array.from([0x31, ...der.subarray(1)])],
          ['r too long', seq([0x02, 34, 0x01, 0x00, ...r], int(s))],
          ['truncated', der.subarray(0, der.length - 1)],
          ['empty', new Uint8Array(0)],
        ];
        for (const [label, bad] of cases) {
          assert.equal(
            await signature.verify(algorithm, publicKey, MESSAGE, bad, { encoding: 'der' }),
            false,
            label,
          );
        }
      });

      void test('property: random signature bytes never verify and never throw', async () => {
        const { publicKey } = pairOf('ecdsa-p256-sha256');
        await fc.assert(
          fc.asyncProperty(
            fc.uint8Array({ maxLength: 80 }),
            fc.constantFrom('der', 'p1363'),
            async (bytes, encoding) => {
              assert.equal(
                await signature.verify('ecdsa-p256-sha256', publicKey, MESSAGE, bytes, {
                  encoding,
                }),
                false,
              );
            },
          ),
          { numRuns: 100 },
        );
      });
    });
  });
}

void describe('signature on digests (signDigest / verifyDigest)', () => {
  const sha = (hash: string, data: Uint8Array): Uint8Array =>
    new Uint8Array(createHash(hash).update(data).digest());
  const DIGESTIBLE = [
    'ecdsa-p256-sha256',
    'ecdsa-p384-sha384',
    'ecdsa-p521-sha512',
    'rsa-pkcs1-sha256',
    'rsa-pkcs1-sha384',
    'rsa-pkcs1-sha512',
    'rsa-pss-sha256',
    'rsa-pss-sha384',
    'rsa-pss-sha512',
  ] as const;
  let nodePairs: Map<AsymmetricAlgorithm, KeyPair>;
  before(async () => {
    nodePairs = await pairsFor(nodeKeys);
  });
  const nodePair = (algorithm: SignatureAlgorithm): KeyPair =>
    nodePairs.get(SIGNATURE_SCHEMES[algorithm].key) as KeyPair;

  void test('node: a digest signature is a signature of the message, and back', async () => {
    for (const algorithm of DIGESTIBLE) {
      const { privateKey, publicKey } = nodePair(algorithm);
      const digest = sha(SIGNATURE_SCHEMES[algorithm].hash as string, MESSAGE);
      for (const encoding of algorithm.startsWith('ecdsa')
        ? (['p1363', 'der'] as const)
        : [undefined]) {
        const options = encoding === undefined ? undefined : { encoding };
        const onDigest = await nodeSignature.signDigest(algorithm, privateKey, digest, options);
        assert.ok(
          await nodeSignature.verify(algorithm, publicKey, MESSAGE, onDigest, options),
          algorithm,
        );
        assert.ok(
          await nodeSignature.verifyDigest(algorithm, publicKey, digest, onDigest, options),
        );
        const onMessage = await nodeSignature.sign(algorithm, privateKey, MESSAGE, options);
        assert.ok(
          await nodeSignature.verifyDigest(algorithm, publicKey, digest, onMessage, options),
        );
        if (algorithm.startsWith('rsa-pkcs1'))
          assert.deepEqual(onDigest, onMessage, 'PKCS#1 v1.5 is deterministic');
        const other = digest.slice();
        other[0] = (other[0] as number) ^ 1;
        assert.equal(
          await nodeSignature.verifyDigest(algorithm, publicKey, other, onDigest, options),
          false,
        );
        for (const flipped of bitFlips(onDigest, [0, onDigest.length * 8 - 1]))
          assert.equal(
            await nodeSignature.verifyDigest(algorithm, publicKey, digest, flipped, options),
            false,
          );
      }
    }
  });

  void test('node: RSA-PSS digests interoperate with OpenSSL PSS at 2048/3072 and odd sizes', async () => {
    // 2049 bits: EM is one byte shorter than the modulus (emBits = 2048); 3071 bits: two
    // leftmost bits of EM are zeroed. Both are imported keys (the generator takes 2048/3072/4096).
    const rsaKeys: [number, KeyPair][] = [[2048, nodePair('rsa-pss-sha256')]];
    rsaKeys.push([3072, await nodeKeys.generate('rsa', { modulusBits: 3072 })]);
    for (const bits of [2049, 3071]) rsaKeys.push([bits, await rsaPairOfBits(bits)]);
    for (const [bits, { privateKey, publicKey }] of rsaKeys) {
      assert.equal(privateKey.modulusBits, bits);
      const node = await nodeKeys.exportPrivate(privateKey, 'pkcs8');
      const keyObject = createPrivateKey({ key: Buffer.from(node), format: 'der', type: 'pkcs8' });
      for (const algorithm of ['rsa-pss-sha256', 'rsa-pss-sha384', 'rsa-pss-sha512'] as const) {
        const hash = SIGNATURE_SCHEMES[algorithm].hash as string;
        const digest = sha(hash, MESSAGE);
        const label = `${bits} bits ${algorithm}`;
        const onDigest = await nodeSignature.signDigest(algorithm, privateKey, digest);
        assert.equal(onDigest.length, Math.ceil(bits / 8), label);
        assert.ok(await nodeSignature.verify(algorithm, publicKey, MESSAGE, onDigest), label);
        // OpenSSL itself, with the salt length fixed to the hash length.
        const pss = {
          key: keyObject,
          padding: constants.RSA_PKCS1_PSS_PADDING,
          saltLength: constants.RSA_PSS_SALTLEN_DIGEST,
        };
        assert.ok(nodeVerify(hash, MESSAGE, pss, onDigest), label);
        const onMessage = nodeSign(hash, MESSAGE, pss);
        assert.ok(await nodeSignature.verifyDigest(algorithm, publicKey, digest, onMessage), label);
        assert.notDeepEqual(
          await nodeSignature.signDigest(algorithm, privateKey, digest),
          onDigest,
          'PSS is randomised',
        );
        // A salt of another length does not verify: the salt length is the hash length.
        for (const saltLength of [
          0,
          20,
          SIGNATURE_SCHEMES[algorithm].hash === 'sha256' ? 48 : 32,
        ]) {
          const other = nodeSign(hash, MESSAGE, { ...pss, saltLength });
          assert.equal(
            await nodeSignature.verifyDigest(algorithm, publicKey, digest, other),
            false,
            `${label} salt ${saltLength}`,
          );
        }
        // The digest of another hash, or the PKCS#1 v1.5 signature, does not verify.
        const pkcs1 = algorithm.replace('pss', 'pkcs1') as SignatureAlgorithm;
        assert.equal(
          await nodeSignature.verifyDigest(
            algorithm,
            publicKey,
            digest,
            await nodeSignature.signDigest(pkcs1, privateKey, digest),
          ),
          false,
        );
      }
    }
  });

  void test(
    'Wycheproof RSA-PSS 2048 SHA-256 MGF1 salt 32 through verifyDigest',
    { skip: vectorsSkipReason('wycheproof/rsa_pss_2048_sha256_mgf1_32_test.json') },
    async () => {
      const run = await wycheproof(
        nodeKeys,
        (key, m, s) => nodeSignature.verifyDigest('rsa-pss-sha256', key, sha('sha256', m), s),
        'rsa_pss_2048_sha256_mgf1_32_test.json',
        'rsa',
      );
      assert.equal(run, 108);
    },
  );

  void test('node: RSA digests: tampered, out-of-range and wrong-length signatures are false', async () => {
    for (const algorithm of ['rsa-pss-sha256', 'rsa-pkcs1-sha256'] as const) {
      const { privateKey, publicKey } = nodePair(algorithm);
      const digest = sha('sha256', MESSAGE);
      const sig = await nodeSignature.signDigest(algorithm, privateKey, digest);
      const v = (s: Uint8Array, d = digest): Promise<boolean> =>
        nodeSignature.verifyDigest(algorithm, publicKey, d, s);
      assert.ok(await v(sig));
      for (const flipped of bitFlips(sig, [0, 7, 1000, sig.length * 8 - 1]))
        assert.equal(await v(flipped), false, algorithm);
      assert.equal(await v(sig.subarray(1)), false);
      assert.equal(await v(new Uint8Array([0, ...sig])), false);
      assert.equal(await v(new Uint8Array(256)), false, 'zero');
      assert.equal(await v(new Uint8Array(256).fill(0xff)), false, '≥ n');
      const n = await nodeKeys.exportPublic(publicKey, 'jwk');
      assert.equal(await v(Uint8Array.from(Buffer.from(n.n as string, 'base64url'))), false, 'n');
      await assert.rejects(
        nodeSignature.verifyDigest(algorithm, publicKey, digest.subarray(1), sig),
        RangeError,
      );
      await assert.rejects(
        nodeSignature.signDigest(algorithm, privateKey, new Uint8Array(48)),
        RangeError,
      );
    }
  });

  void test('web: ECDSA digests interoperate with the node provider; RSA is Unsupported', async () => {
    for (const algorithm of DIGESTIBLE) {
      const { privateKey, publicKey } = nodePair(algorithm);
      const digest = sha(SIGNATURE_SCHEMES[algorithm].hash as string, MESSAGE);
      const pkcs8 = await nodeKeys.exportPrivate(privateKey, 'pkcs8');
      const spki = await nodeKeys.exportPublic(publicKey, 'spki');
      const key = SIGNATURE_SCHEMES[algorithm].key;
      const webPrivate = await webKeys.importPrivate(key, 'pkcs8', pkcs8);
      const webPublic = await webKeys.importPublic(key, 'spki', spki);
      if (algorithm.startsWith('rsa')) {
        const unsupported = { name: 'Unsupported', message: /raw RSA.*WebCrypto lacks/ };
        await assert.rejects(webSignature.signDigest(algorithm, webPrivate, digest), unsupported);
        const sig = await nodeSignature.signDigest(algorithm, privateKey, digest);
        await assert.rejects(
          webSignature.verifyDigest(algorithm, webPublic, digest, sig),
          unsupported,
        );
        continue;
      }
      const fromWeb = await webSignature.signDigest(algorithm, webPrivate, digest);
      assert.ok(await nodeSignature.verifyDigest(algorithm, publicKey, digest, fromWeb));
      const fromNode = await nodeSignature.signDigest(algorithm, privateKey, digest, {
        encoding: 'der',
      });
      assert.ok(
        await webSignature.verifyDigest(algorithm, webPublic, digest, fromNode, {
          encoding: 'der',
        }),
      );
      assert.ok(
        await webSignature.verify(algorithm, webPublic, MESSAGE, fromNode, { encoding: 'der' }),
      );
    }
  });

  void test('hostile: wrong digest length, message-only algorithms', async () => {
    for (const [, keys, signature] of providers) {
      const pairs = keys === nodeKeys ? nodePairs : await pairsFor(keys);
      const p256 = pairs.get('p256') as KeyPair;
      await assert.rejects(
        signature.signDigest('ecdsa-p256-sha256', p256.privateKey, new Uint8Array(31)),
        RangeError,
      );
      await assert.rejects(
        signature.verifyDigest(
          'ecdsa-p256-sha256',
          p256.publicKey,
          new Uint8Array(48),
          new Uint8Array(64),
        ),
        RangeError,
      );
      for (const algorithm of ['ed25519', 'ml-dsa-44', 'ml-dsa-87'] as const) {
        const pair = pairs.get(SIGNATURE_SCHEMES[algorithm].key) as KeyPair;
        await assert.rejects(
          signature.signDigest(algorithm, pair.privateKey, new Uint8Array(32)),
          { name: 'Unsupported' },
          algorithm,
        );
      }
      await assert.rejects(
        signature.signDigest(
          'ecdsa-p256-sha256',
          (pairs.get('p384') as KeyPair).privateKey,
          new Uint8Array(32),
        ),
        InvalidKey,
      );
    }
  });
});
