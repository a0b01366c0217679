import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { before, describe, test } from 'node:test';
import fc from 'fast-check';
import { assertArgumentErrorAsync, notBytes } from './_test/hostile.ts';
import { hex, loadWycheproof, nonEmpty, vectorsSkipReason } from './_test/vectors.ts';
import {
  derEncode,
  derEncodeOctetString,
  derEncodeSequence,
  derEncodeUnsigned,
  derEncodeOid,
} from './_der.ts';
import { base64urlEncode, pemEncode } from './_pem.ts';
import { CryptoError, InvalidEncoding, InvalidKey, Unsupported } from './errors.ts';
import {
  ASYMMETRIC_ALGORITHMS,
  type AsymmetricAlgorithm,
  type Jwk,
  type KeyPair,
  type PrivateKey,
  type PublicKey,
} from './keys.ts';
import { nodeKeys } from './node/keys.ts';
import { webKeys } from './web/keys.ts';
import { toHex, fromHex } from './bytes.ts';

const providers = [
  ['node', nodeKeys],
  ['web', webKeys],
] as const;

type ErrorClass = typeof InvalidEncoding | typeof InvalidKey | typeof Unsupported;

async function rejectsWith(
  fn: () => Promise<unknown>,
  classes: ErrorClass[],
  label: string,
): Promise<void> {
  await assert.rejects(fn, (error: unknown) => {
    assert.ok(
      classes.some((c) => error instanceof c),
      `${label}: expected ${classes.map((c) => c.name).join('/')}, got ${String(error)}`,
    );
    return true;
  });
}

const BAD = [InvalidEncoding, InvalidKey];

function normalise(value: unknown): unknown {
  return value instanceof Uint8Array ? toHex(value) : value;
}

/** RSA key pair made by node:crypto for fixtures (tests only). */
function nodeRsa(bits: number): {
  pkcs8: Uint8Array;
  spki: Uint8Array;
  jwk: Jwk;
  pkcs1: Uint8Array;
} {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: bits });
  return {
    pkcs8: new Uint8Array(privateKey.export({ format: 'der', type: 'pkcs8' })),
    pkcs1: new Uint8Array(privateKey.export({ format: 'der', type: 'pkcs1' })),
    spki: new Uint8Array(publicKey.export({ format: 'der', type: 'spki' })),
    jwk: privateKey.export({ format: 'jwk' }) as Jwk,
  };
}

// Known answers: RFC 8032 §7.1 test 1, RFC 7748 §6.1 (Alice), RFC 6979 A.2.5 (P-256).
const KNOWN: { algorithm: AsymmetricAlgorithm; secret: string; publicKey: string }[] = [
  {
    algorithm: 'ed25519',
    secret: '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60',
    publicKey: 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a',
  },
  {
    algorithm: 'x25519',
    secret: '77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a',
    publicKey: '8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a',
  },
  {
    algorithm: 'p256',
    secret: 'c9afa9d845ba75166b5c215767b1d6934e50c3db36e89b127b8a622b120f6721',
    publicKey:
      '0460fed4ba255a9d31c961eb74c6356d68c049b8923b61fa6ce669622e60f29fb6' +
      '7903fe1008b8bc99a41ae9e95628bc64f2f1b20c2d7e9f5177a3c294d4462299',
  },
];

for (const [name, keys] of providers) {
  void describe(`keys (${name})`, () => {
    const pairs = new Map<AsymmetricAlgorithm, KeyPair>();
    before(async () => {
      for (const algorithm of ASYMMETRIC_ALGORITHMS) {
        pairs.set(
          algorithm,
          await keys.generate(algorithm, algorithm === 'rsa' ? { modulusBits: 2048 } : undefined),
        );
      }
    });
    const pair = (algorithm: AsymmetricAlgorithm): KeyPair => pairs.get(algorithm) as KeyPair;

    void test('generated keys describe themselves', () => {
      for (const algorithm of ASYMMETRIC_ALGORITHMS) {
        const { privateKey, publicKey } = pair(algorithm);
        assert.equal(privateKey.algorithm, algorithm);
        assert.equal(privateKey.type, 'private');
        assert.equal(publicKey.type, 'public');
        assert.equal(publicKey.algorithm, algorithm);
        assert.equal(privateKey.modulusBits, algorithm === 'rsa' ? 2048 : undefined);
        assert.ok(Object.isFrozen(privateKey));
        // Serialising a key never reveals material.
        assert.deepEqual(
          Object.keys(JSON.parse(JSON.stringify(privateKey)) as object).sort(),
          algorithm === 'rsa' ? ['algorithm', 'modulusBits', 'type'] : ['algorithm', 'type'],
        );
      }
    });

    void test('every format round-trips for every algorithm, byte for byte', async () => {
      for (const algorithm of ASYMMETRIC_ALGORITHMS) {
        const { privateKey, publicKey } = pair(algorithm);
        const privateFormats =
          algorithm === 'rsa'
            ? (['pkcs8', 'jwk', 'pem'] as const)
            : (['raw', 'pkcs8', 'jwk', 'pem'] as const);
        for (const format of privateFormats) {
          const exported = await keys.exportPrivate(privateKey, format);
          const again = await keys.importPrivate(algorithm, format, exported);
          assert.deepEqual(
            normalise(await keys.exportPrivate(again, format)),
            normalise(exported),
            `${algorithm} ${format}`,
          );
          const derived = await keys.publicKeyOf(again);
          assert.deepEqual(
            await keys.exportPublic(derived, 'spki'),
            await keys.exportPublic(publicKey, 'spki'),
          );
        }
        const publicFormats =
          algorithm === 'rsa'
            ? (['spki', 'jwk', 'pem'] as const)
            : (['raw', 'spki', 'jwk', 'pem'] as const);
        for (const format of publicFormats) {
          const exported = await keys.exportPublic(publicKey, format);
          const again = await keys.importPublic(algorithm, format, exported);
          assert.deepEqual(
            normalise(await keys.exportPublic(again, format)),
            normalise(exported),
            `${algorithm} public ${format}`,
          );
        }
      }
    });

    void test('raw forms have the documented sizes; ML-* private keys export their seed', async () => {
      const sizes: Partial<Record<AsymmetricAlgorithm, [number, number]>> = {
        ed25519: [32, 32],
        x25519: [32, 32],
        p256: [32, 65],
        p384: [48, 97],
        p521: [66, 133],
        'ml-dsa-44': [32, 1312],
        'ml-dsa-65': [32, 1952],
        'ml-dsa-87': [32, 2592],
        'ml-kem-512': [64, 800],
        'ml-kem-768': [64, 1184],
        'ml-kem-1024': [64, 1568],
      };
      for (const [algorithm, [secret, pub]] of Object.entries(sizes) as [
        AsymmetricAlgorithm,
        [number, number],
      ][]) {
        assert.equal(
          (await keys.exportPrivate(pair(algorithm).privateKey, 'raw')).length,
          secret,
          algorithm,
        );
        assert.equal(
          (await keys.exportPublic(pair(algorithm).publicKey, 'raw')).length,
          pub,
          algorithm,
        );
      }
      // Seed-only PKCS#8 (RFC 9881): 22-byte header, [0] seed.
      const der = await keys.exportPrivate(pair('ml-dsa-65').privateKey, 'pkcs8');
      assert.equal(der.length, 54);
      assert.equal(toHex(der.subarray(0, 22)), '3034020100300b060960864801650304031204228020');
    });

    void test('known answers: RFC 8032, RFC 7748, RFC 6979 public keys from raw private keys', async () => {
      for (const { algorithm, secret, publicKey } of KNOWN) {
        const key = await keys.importPrivate(algorithm, 'raw', fromHex(secret));
        assert.equal(
          toHex(await keys.exportPublic(await keys.publicKeyOf(key), 'raw')),
          publicKey,
          algorithm,
        );
      }
    });

    void test('P-256/P-384/P-521 accept compressed points and export them uncompressed', async () => {
      for (const algorithm of ['p256', 'p384', 'p521'] as const) {
        const raw = await keys.exportPublic(pair(algorithm).publicKey, 'raw');
        const size = (raw.length - 1) / 2;
        const compressed = new Uint8Array(size + 1);
        compressed[0] = 0x02 + ((raw[raw.length - 1] as number) & 1);
        compressed.set(raw.subarray(1, 1 + size), 1);
        const key = await keys.importPublic(algorithm, 'raw', compressed);
        assert.deepEqual(await keys.exportPublic(key, 'raw'), raw);
      }
    });

    void test('PKCS#1 and SEC1 PEM forms are accepted on import', async () => {
      const rsa = await keys.exportPrivate(pair('rsa').privateKey, 'pkcs8');
      const fixture = nodeRsa(2048);
      const fromPkcs1 = await keys.importPrivate(
        'rsa',
        'pem',
        pemEncode('RSA PRIVATE KEY', fixture.pkcs1),
      );
      assert.deepEqual(await keys.exportPrivate(fromPkcs1, 'pkcs8'), fixture.pkcs8);
      const rsaPublicPkcs1 = fixture.spki.subarray(24); // SPKI = 24-byte prefix + BIT STRING content
      const fromPublicPkcs1 = await keys.importPublic(
        'rsa',
        'pem',
        pemEncode('RSA PUBLIC KEY', rsaPublicPkcs1),
      );
      assert.deepEqual(await keys.exportPublic(fromPublicPkcs1, 'spki'), fixture.spki);
      assert.ok(rsa.length > 1000);
      const ec = generateKeyPairSync('ec', { namedCurve: 'P-384' });
      const sec1 = ec.privateKey.export({ format: 'pem', type: 'sec1' }) as string;
      const fromSec1 = await keys.importPrivate('p384', 'pem', sec1);
      assert.deepEqual(
        await keys.exportPublic(await keys.publicKeyOf(fromSec1), 'spki'),
        new Uint8Array(ec.publicKey.export({ format: 'der', type: 'spki' })),
      );
      await rejectsWith(
        () => keys.importPrivate('p256', 'pem', sec1),
        [InvalidKey],
        'SEC1 of another curve',
      );
      await rejectsWith(
        () => keys.importPrivate('ed25519', 'pem', pemEncode('RSA PRIVATE KEY', fixture.pkcs1)),
        [InvalidKey],
        'PKCS#1 as ed25519',
      );
    });

    void test('ML-DSA/ML-KEM PKCS#8 "both" form is checked against its seed; expanded-only is Unsupported', async () => {
      for (const algorithm of ['ml-dsa-44', 'ml-kem-768'] as const) {
        const native = generateKeyPairSync(algorithm as 'ml-dsa-44');
        const both = new Uint8Array(native.privateKey.export({ format: 'der', type: 'pkcs8' }));
        const key = await keys.importPrivate(algorithm, 'pkcs8', both);
        assert.deepEqual(
          await keys.exportPrivate(key, 'raw'),
          new Uint8Array(native.privateKey.export({ format: 'raw-seed' })),
        );
        // Flip one byte of the expanded key (the last byte of the structure).
        const tampered = both.slice();
        tampered[tampered.length - 1] = (tampered[tampered.length - 1] as number) ^ 1;
        await rejectsWith(
          () => keys.importPrivate(algorithm, 'pkcs8', tampered),
          [InvalidKey],
          `${algorithm} both mismatch`,
        );
        // Expanded-only: the OCTET STRING alternative of the CHOICE.
        const expanded = both.subarray(both.length - (algorithm === 'ml-dsa-44' ? 2560 : 2400));
        const oid = algorithm === 'ml-dsa-44' ? '608648016503040311' : '608648016503040402';
        const expandedOnly = derEncodeSequence(
          derEncodeUnsigned(new Uint8Array(0)),
          derEncodeSequence(derEncodeOid(fromHex(oid))),
          derEncodeOctetString(derEncodeOctetString(expanded)),
        );
        await rejectsWith(
          () => keys.importPrivate(algorithm, 'pkcs8', expandedOnly),
          [Unsupported],
          `${algorithm} expanded-only`,
        );
      }
    });

    void test(
      'ML-KEM keygen from seed matches Wycheproof (FIPS 203 KeyGen_internal)',
      { skip: vectorsSkipReason('wycheproof/mlkem_768_keygen_seed_test.json') },
      async () => {
        for (const [bits, algorithm] of [
          [512, 'ml-kem-512'],
          [768, 'ml-kem-768'],
          [1024, 'ml-kem-1024'],
        ] as const) {
          const vectors = nonEmpty(
            loadWycheproof(`mlkem_${bits}_keygen_seed_test.json`).slice(0, 10),
            algorithm,
          );
          for (const { test: t } of vectors) {
            const key = await keys.importPrivate(algorithm, 'raw', hex(t['seed']));
            assert.equal(
              toHex(await keys.exportPublic(await keys.publicKeyOf(key), 'raw')),
              t['ek'],
              `${algorithm} ${t.tcId}`,
            );
            // The "both" container with the vector's dk is consistent, so it imports.
            const oid = {
              512: '608648016503040401',
              768: '608648016503040402',
              1024: '608648016503040403',
            }[bits];
            const both = derEncodeSequence(
              derEncodeUnsigned(new Uint8Array(0)),
              derEncodeSequence(derEncodeOid(fromHex(oid))),
              derEncodeOctetString(
                derEncodeSequence(
                  derEncodeOctetString(hex(t['seed'])),
                  derEncodeOctetString(hex(t['dk'])),
                ),
              ),
            );
            await keys.importPrivate(algorithm, 'pkcs8', both);
          }
        }
      },
    );

    void test(
      'Wycheproof RSA key: PKCS#8, PEM and JWK forms import to the same key',
      { skip: vectorsSkipReason('wycheproof/rsa_oaep_2048_sha256_mgf1sha256_test.json') },
      async () => {
        const { group } = nonEmpty(
          loadWycheproof<Record<string, unknown>>('rsa_oaep_2048_sha256_mgf1sha256_test.json'),
          'rsa oaep',
        )[0]!;
        const pkcs8 = hex(group['privateKeyPkcs8']);
        const fromDer = await keys.importPrivate('rsa', 'pkcs8', pkcs8);
        const fromPem = await keys.importPrivate('rsa', 'pem', group['privateKeyPem'] as string);
        const fromJwk = await keys.importPrivate('rsa', 'jwk', group['privateKeyJwk'] as Jwk);
        assert.equal(fromDer.modulusBits, 2048);
        for (const key of [fromDer, fromPem, fromJwk])
          assert.deepEqual(await keys.exportPrivate(key, 'pkcs8'), pkcs8);
      },
    );

    void test(
      'Wycheproof public keys: DER, PEM, JWK and raw forms agree',
      { skip: vectorsSkipReason('wycheproof/ecdsa_secp256r1_sha256_p1363_test.json') },
      async () => {
        const files = [
          [
            'ed25519_test.json',
            'ed25519',
            (g: Record<string, unknown>) => hex((g['publicKey'] as { pk: string }).pk),
          ],
          [
            'ecdsa_secp256r1_sha256_p1363_test.json',
            'p256',
            (g: Record<string, unknown>) =>
              hex((g['publicKey'] as { uncompressed: string }).uncompressed),
          ],
          ['rsa_pss_2048_sha256_mgf1_32_test.json', 'rsa', undefined],
        ] as const;
        for (const [file, algorithm, raw] of files) {
          const groups = new Set(
            nonEmpty(loadWycheproof<Record<string, unknown>>(file), file).map((v) => v.group),
          );
          for (const g of groups) {
            const der = hex(g['publicKeyDer']);
            const keysOf: PublicKey[] = [
              await keys.importPublic(algorithm, 'spki', der),
              await keys.importPublic(algorithm, 'pem', g['publicKeyPem'] as string),
            ];
            if (g['publicKeyJwk'] !== undefined)
              keysOf.push(await keys.importPublic(algorithm, 'jwk', g['publicKeyJwk'] as Jwk));
            if (raw !== undefined) keysOf.push(await keys.importPublic(algorithm, 'raw', raw(g)));
            if (algorithm === 'rsa')
              keysOf.push(
                await keys.importPublic(
                  'rsa',
                  'pem',
                  pemEncode('RSA PUBLIC KEY', hex(g['publicKeyAsn'])),
                ),
              );
            for (const key of keysOf)
              assert.deepEqual(await keys.exportPublic(key, 'spki'), der, file);
          }
        }
      },
    );

    void describe('hostile input', () => {
      void test('argument errors: algorithm, format, data types', async () => {
        for (const bad of [undefined, null, 'RSA', 'ed448', 1]) {
          await assertArgumentErrorAsync(
            () => keys.importPrivate(bad as never, 'raw', new Uint8Array(32)),
            `algorithm ${String(bad)}`,
          );
          await assertArgumentErrorAsync(
            () => keys.importPublic(bad as never, 'raw', new Uint8Array(32)),
            `algorithm ${String(bad)}`,
          );
          await assertArgumentErrorAsync(
            () => keys.generate(bad as never),
            `generate ${String(bad)}`,
          );
        }
        for (const bad of [undefined, 'der', 'spki', 'RAW', 5]) {
          await assertArgumentErrorAsync(
            () => keys.importPrivate('ed25519', bad as 'raw', new Uint8Array(32)),
            `private format ${String(bad)}`,
          );
          await assertArgumentErrorAsync(
            () => keys.exportPrivate(pair('ed25519').privateKey, bad as never),
            `export format ${String(bad)}`,
          );
        }
        await assertArgumentErrorAsync(
          () => keys.importPublic('ed25519', 'pkcs8' as 'raw', new Uint8Array(32)),
          'public pkcs8',
        );
        await assertArgumentErrorAsync(
          () => keys.exportPublic(pair('ed25519').publicKey, 'pkcs8' as never),
          'export public pkcs8',
        );
        for (const bad of notBytes) {
          for (const format of ['raw', 'pkcs8'] as const) {
            await assertArgumentErrorAsync(
              () => keys.importPrivate('ed25519', format, bad as never),
              `private ${format}`,
            );
          }
          for (const format of ['raw', 'spki'] as const) {
            await assertArgumentErrorAsync(
              () => keys.importPublic('p256', format, bad as never),
              `public ${format}`,
            );
          }
        }
        for (const bad of [undefined, null, 5, new Uint8Array(10), ['x']]) {
          await assertArgumentErrorAsync(
            () => keys.importPrivate('ed25519', 'pem', bad as never),
            'pem type',
          );
          await assertArgumentErrorAsync(
            () => keys.importPublic('ed25519', 'jwk', bad as never),
            'jwk type',
          );
        }
      });

      void test('generate options', async () => {
        for (const bad of [1024, 2047, 8192, '2048', null]) {
          await assertArgumentErrorAsync(
            () => keys.generate('rsa', { modulusBits: bad as never }),
            `modulusBits ${String(bad)}`,
          );
        }
        await assertArgumentErrorAsync(
          () => keys.generate('rsa', { modulusBits: 2048, publicExponent: 3 as never }),
          'e = 3',
        );
        await assertArgumentErrorAsync(
          () => keys.generate('ed25519', { modulusBits: 2048 }),
          'RSA option on ed25519',
        );
        await assertArgumentErrorAsync(
          () => keys.generate('ed25519', 'x' as never),
          'options type',
        );
      });

      void test('keys of the other provider are TypeError, wrong kind is InvalidKey', async () => {
        const [, other] = providers.find(([n]) => n !== name) as (typeof providers)[number];
        const foreign = await other.generate('ed25519');
        await assertArgumentErrorAsync(
          () => keys.exportPrivate(foreign.privateKey, 'raw'),
          'foreign private',
        );
        await assertArgumentErrorAsync(
          () => keys.exportPublic(foreign.publicKey, 'raw'),
          'foreign public',
        );
        await assertArgumentErrorAsync(
          () => keys.publicKeyOf(foreign.privateKey),
          'foreign publicKeyOf',
        );
        const forged = { algorithm: 'ed25519', type: 'private' } as PrivateKey;
        await assertArgumentErrorAsync(() => keys.exportPrivate(forged, 'raw'), 'forged');
        await rejectsWith(
          () => keys.exportPrivate(pair('ed25519').publicKey as unknown as PrivateKey, 'raw'),
          [InvalidKey],
          'public as private',
        );
        await rejectsWith(
          () => keys.exportPublic(pair('ed25519').privateKey as unknown as PublicKey, 'raw'),
          [InvalidKey],
          'private as public',
        );
      });

      void test('raw: wrong lengths, out-of-range scalars, RSA has no raw form', async () => {
        for (const algorithm of ASYMMETRIC_ALGORITHMS.filter((a) => a !== 'rsa')) {
          const secret = await keys.exportPrivate(pair(algorithm).privateKey, 'raw');
          const pub = await keys.exportPublic(pair(algorithm).publicKey, 'raw');
          for (const bad of [
            secret.subarray(1),
            new Uint8Array(secret.length + 1),
            new Uint8Array(0),
          ]) {
            await rejectsWith(
              () => keys.importPrivate(algorithm, 'raw', bad),
              [InvalidKey],
              `${algorithm} secret length ${bad.length}`,
            );
          }
          for (const bad of [pub.subarray(1), new Uint8Array(pub.length + 1), new Uint8Array(0)]) {
            await rejectsWith(
              () => keys.importPublic(algorithm, 'raw', bad),
              [InvalidKey],
              `${algorithm} public length ${bad.length}`,
            );
          }
        }
        const order256 = fromHex(
          'ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551',
        );
        for (const bad of [new Uint8Array(32), order256, new Uint8Array(32).fill(0xff)]) {
          await rejectsWith(
            () => keys.importPrivate('p256', 'raw', bad),
            [InvalidKey],
            'p256 scalar range',
          );
        }
        await rejectsWith(
          () => keys.importPrivate('rsa', 'raw', new Uint8Array(256)),
          [Unsupported],
          'rsa raw private',
        );
        await rejectsWith(
          () => keys.importPublic('rsa', 'raw', new Uint8Array(256)),
          [Unsupported],
          'rsa raw public',
        );
        await rejectsWith(
          () => keys.exportPrivate(pair('rsa').privateKey, 'raw'),
          [Unsupported],
          'rsa raw export',
        );
        await rejectsWith(
          () => keys.exportPublic(pair('rsa').publicKey, 'raw'),
          [Unsupported],
          'rsa raw public export',
        );
      });

      void test('EC points off the curve, bad prefixes; ML-KEM keys failing the modulus check', async () => {
        const raw = await keys.exportPublic(pair('p256').publicKey, 'raw');
        const offCurve = raw.slice();
        offCurve[64] = (offCurve[64] as number) ^ 1;
        const badPrefix = raw.slice();
        badPrefix[0] = 0x05;
        const infinity = new Uint8Array(65);
        infinity[0] = 0x04;
        for (const bad of [offCurve, badPrefix, infinity]) {
          await rejectsWith(
            () => keys.importPublic('p256', 'raw', bad),
            [InvalidKey],
            'p256 point',
          );
        }
        // x = p (not a field element) in compressed form.
        const xIsP = fromHex('02ffffffff00000001000000000000000000000000ffffffffffffffffffffffff');
        await rejectsWith(() => keys.importPublic('p256', 'raw', xIsP), [InvalidKey], 'p256 x = p');
        const ek = (await keys.exportPublic(pair('ml-kem-768').publicKey, 'raw')).slice();
        ek[0] = 0xff;
        ek[1] = 0x0f; // first coefficient = 0xfff ≥ 3329
        await rejectsWith(
          () => keys.importPublic('ml-kem-768', 'raw', ek),
          [InvalidKey],
          'ml-kem modulus',
        );
      });

      void test('RSA: moduli below 2048 bits, inconsistent CRT values', async () => {
        const small = nodeRsa(1024);
        await rejectsWith(
          () => keys.importPrivate('rsa', 'pkcs8', small.pkcs8),
          [InvalidKey],
          '1024 pkcs8',
        );
        await rejectsWith(
          () => keys.importPrivate('rsa', 'jwk', small.jwk),
          [InvalidKey],
          '1024 jwk',
        );
        await rejectsWith(
          () => keys.importPrivate('rsa', 'pem', pemEncode('RSA PRIVATE KEY', small.pkcs1)),
          [InvalidKey],
          '1024 pkcs1',
        );
        await rejectsWith(
          () => keys.importPublic('rsa', 'spki', small.spki),
          [InvalidKey],
          '1024 spki',
        );
        const { jwk } = nodeRsa(2048);
        for (const field of ['dp', 'dq', 'qi', 'd', 'p'] as const) {
          const bytes = Buffer.from(jwk[field] as string, 'base64url');
          bytes[bytes.length - 1] = (bytes[bytes.length - 1] as number) ^ 2;
          await rejectsWith(
            () =>
              keys.importPrivate('rsa', 'jwk', { ...jwk, [field]: bytes.toString('base64url') }),
            [InvalidKey],
            `rsa ${field}`,
          );
        }
        const even = { kty: 'RSA', n: `${(jwk.n as string).slice(0, -1)}A`, e: 'AQAB' };
        await rejectsWith(() => keys.importPublic('rsa', 'jwk', even), BAD, 'even modulus');
        for (const e of ['AQ', 'Ag', 'AQABAQABAQ']) {
          await rejectsWith(
            () => keys.importPublic('rsa', 'jwk', { kty: 'RSA', n: jwk.n as string, e }),
            [InvalidKey],
            `e ${e}`,
          );
        }
        const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...publicOnly } = jwk;
        await rejectsWith(
          () => keys.importPrivate('rsa', 'jwk', { ...publicOnly, d: jwk.d as string }),
          [Unsupported],
          'no CRT',
        );
      });

      void test('DER: truncated, trailing data, non-minimal and indefinite lengths, wrong tags, wrong OIDs', async () => {
        for (const algorithm of ['ed25519', 'p256', 'rsa', 'ml-dsa-44'] as const) {
          const pkcs8 = await keys.exportPrivate(pair(algorithm).privateKey, 'pkcs8');
          const spki = await keys.exportPublic(pair(algorithm).publicKey, 'spki');
          for (const [kind, der] of [
            ['pkcs8', pkcs8],
            ['spki', spki],
          ] as const) {
            const variants: [string, Uint8Array][] = [
              ['empty', new Uint8Array(0)],
              ['one byte', der.subarray(0, 1)],
              ['header only', der.subarray(0, 4)],
              ['half', der.subarray(0, der.length >> 1)],
              ['minus one', der.subarray(0, der.length - 1)],
              ['trailing zero', Uint8Array.from([...der, 0])],
              ['trailing junk', Uint8Array.from([...der, 0x30, 0x00])],
              ['SET tag', Uint8Array.from([0x31, ...der.subarray(1)])],
              [
                'indefinite',
                Uint8Array.from([0x30, 0x80, ...der.subarray(der[1] === 0x82 ? 4 : 2), 0, 0]),
              ],
            ];
            if (der[1] === 0x82) {
              // Same content with a 3-byte length: non-minimal.
              variants.push([
                'non-minimal length',
                Uint8Array.from([0x30, 0x83, 0x00, ...der.subarray(2)]),
              ]);
            } else {
              variants.push([
                'non-minimal length',
                Uint8Array.from([0x30, 0x81, ...der.subarray(1)]),
              ]);
            }
            for (const [label, bad] of variants) {
              const run =
                kind === 'pkcs8'
                  ? () => keys.importPrivate(algorithm, 'pkcs8', bad)
                  : () => keys.importPublic(algorithm, 'spki', bad);
              await rejectsWith(run, BAD, `${algorithm} ${kind} ${label}`);
            }
          }
        }
        // Right container, wrong algorithm.
        const edPkcs8 = await keys.exportPrivate(pair('ed25519').privateKey, 'pkcs8');
        await rejectsWith(
          () => keys.importPrivate('x25519', 'pkcs8', edPkcs8),
          [InvalidKey],
          'ed25519 as x25519',
        );
        const p256Spki = await keys.exportPublic(pair('p256').publicKey, 'spki');
        await rejectsWith(
          () => keys.importPublic('p384', 'spki', p256Spki),
          [InvalidKey],
          'p256 as p384',
        );
        await rejectsWith(
          () => keys.importPublic('rsa', 'spki', p256Spki),
          [InvalidKey],
          'p256 as rsa',
        );
        const mlDsa = await keys.exportPublic(pair('ml-dsa-44').publicKey, 'spki');
        await rejectsWith(
          () => keys.importPublic('ml-dsa-65', 'spki', mlDsa),
          [InvalidKey],
          'ml-dsa-44 as 65',
        );
        // Ed25519 with (forbidden) NULL parameters.
        const withNull = derEncodeSequence(
          derEncodeUnsigned(new Uint8Array(0)),
          derEncodeSequence(derEncodeOid(fromHex('2b6570')), Uint8Array.of(5, 0)),
          derEncodeOctetString(derEncodeOctetString(new Uint8Array(32))),
        );
        await rejectsWith(
          () => keys.importPrivate('ed25519', 'pkcs8', withNull),
          BAD,
          'ed25519 NULL params',
        );
        // OneAsymmetricKey v2 whose public key does not match.
        const otherPub = await keys.exportPublic((await keys.generate('ed25519')).publicKey, 'raw');
        const v2 = derEncodeSequence(
          derEncodeUnsigned(Uint8Array.of(1)),
          derEncodeSequence(derEncodeOid(fromHex('2b6570'))),
          derEncodeOctetString(
            derEncodeOctetString(await keys.exportPrivate(pair('ed25519').privateKey, 'raw')),
          ),
          derEncode(0x81, Uint8Array.of(0), otherPub),
        );
        await rejectsWith(
          () => keys.importPrivate('ed25519', 'pkcs8', v2),
          [InvalidKey],
          'v2 public mismatch',
        );
      });

      void test('PEM: wrong label, mismatched labels, bad base64, extra text, encrypted', async () => {
        const pem = await keys.exportPrivate(pair('p256').privateKey, 'pem');
        const pubPem = await keys.exportPublic(pair('p256').publicKey, 'pem');
        const cases: [string, string][] = [
          ['public label for private', pem.replaceAll('PRIVATE KEY', 'PUBLIC KEY')],
          ['certificate label', pem.replaceAll('PRIVATE KEY', 'CERTIFICATE')],
          ['mismatched END', pem.replace('END PRIVATE KEY', 'END PUBLIC KEY')],
          ['no END', pem.split('-----END')[0] as string],
          ['bad base64 char', pem.replace(/\n([A-Za-z0-9+/])/, '\n*')],
          ['text before', `hello\n${pem}`],
          ['two blocks', pem + pem],
          ['empty body', '-----BEGIN PRIVATE KEY-----\n-----END PRIVATE KEY-----\n'],
          ['header', pem.replace('-----\n', '-----\nProc-Type: 4,ENCRYPTED\n\n')],
          ['spki in private label', pubPem.replaceAll('PUBLIC KEY', 'PRIVATE KEY')],
        ];
        for (const [label, bad] of cases) {
          await rejectsWith(() => keys.importPrivate('p256', 'pem', bad), BAD, label);
        }
        await rejectsWith(
          () => keys.importPublic('p256', 'pem', pem),
          BAD,
          'private PEM as public',
        );
        await rejectsWith(
          () =>
            keys.importPrivate(
              'p256',
              'pem',
              pem.replaceAll('PRIVATE KEY', 'ENCRYPTED PRIVATE KEY'),
            ),
          [Unsupported],
          'encrypted',
        );
        // CRLF line endings are fine.
        await keys.importPrivate('p256', 'pem', pem.replaceAll('\n', '\r\n'));
      });

      void test('JWK: wrong kty/crv/alg/use, bad members, private members in a public key, mismatched halves', async () => {
        const ed = await keys.exportPrivate(pair('ed25519').privateKey, 'jwk');
        const edPub = await keys.exportPublic(pair('ed25519').publicKey, 'jwk');
        const ec = await keys.exportPrivate(pair('p256').privateKey, 'jwk');
        const ml = await keys.exportPrivate(pair('ml-dsa-65').privateKey, 'jwk');
        const otherEd = await keys.exportPublic((await keys.generate('ed25519')).publicKey, 'jwk');
        const cases: [string, AsymmetricAlgorithm, unknown][] = [
          ['Ed25519 as x25519', 'x25519', ed],
          ['wrong crv', 'ed25519', { ...ed, crv: 'Ed448' }],
          ['wrong kty', 'ed25519', { ...ed, kty: 'EC' }],
          ['missing kty', 'ed25519', { ...ed, kty: undefined }],
          ['wrong alg', 'ed25519', { ...ed, alg: 'ES256' }],
          ['enc use for a signing key', 'ed25519', { ...ed, use: 'enc' }],
          ['bad use', 'ed25519', { ...ed, use: 'both' }],
          ['key_ops not array', 'ed25519', { ...ed, key_ops: 'sign' }],
          ['ext not boolean', 'ed25519', { ...ed, ext: 'true' }],
          ['d not a string', 'ed25519', { ...ed, d: 5 }],
          ['d padded', 'ed25519', { ...ed, d: `${ed.d as string}=` }],
          [
            'd standard base64',
            'ed25519',
            { ...ed, d: (ed.d as string).replaceAll('-', '+').replaceAll('_', '/') + '+' },
          ],
          [
            'd non-canonical last char',
            'ed25519',
            { ...ed, d: (ed.d as string).slice(0, -1) + 'B' },
          ],
          ['d too short', 'ed25519', { ...ed, d: base64urlEncode(new Uint8Array(31)) }],
          ['x of another key', 'ed25519', { ...ed, x: otherEd.x }],
          ['missing x', 'ed25519', { ...ed, x: undefined }],
          ['EC crv P-384', 'p256', { ...ec, crv: 'P-384' }],
          [
            'EC y flipped',
            'p256',
            {
              ...ec,
              y: base64urlEncode(
                Buffer.from(ec.y as string, 'base64url').map((b, i) => (i === 31 ? b ^ 1 : b)),
              ),
            },
          ],
          ['EC x short', 'p256', { ...ec, x: base64urlEncode(new Uint8Array(31)) }],
          ['AKP wrong alg', 'ml-dsa-65', { ...ml, alg: 'ML-DSA-44' }],
          ['AKP no alg', 'ml-dsa-65', { ...ml, alg: undefined }],
          ['AKP as ML-KEM', 'ml-kem-768', ml],
          ['no private part', 'ed25519', edPub],
        ];
        for (const [label, algorithm, jwk] of cases) {
          await rejectsWith(
            () => keys.importPrivate(algorithm, 'jwk', JSON.parse(JSON.stringify(jwk)) as Jwk),
            BAD,
            label,
          );
        }
        await rejectsWith(
          () => keys.importPublic('ed25519', 'jwk', ed),
          [InvalidKey],
          'private JWK as public',
        );
        await rejectsWith(
          () => keys.importPublic('ed25519', 'jwk', { ...edPub, crv: 'X25519' }),
          [InvalidKey],
          'public crv',
        );
        // Optional members that are valid are accepted.
        await keys.importPrivate('ed25519', 'jwk', {
          ...ed,
          alg: 'EdDSA',
          use: 'sig',
          key_ops: ['sign'],
          kid: 'k',
          ext: true,
        });
      });

      void test('cross-provider: keys exported by the other provider import to identical exports', async () => {
        const [, other] = providers.find(([n]) => n !== name) as (typeof providers)[number];
        for (const algorithm of ASYMMETRIC_ALGORITHMS.filter((a) => a !== 'rsa')) {
          const foreign = await other.generate(algorithm);
          const pkcs8 = await other.exportPrivate(foreign.privateKey, 'pkcs8');
          const mine = await keys.importPrivate(algorithm, 'pkcs8', pkcs8);
          assert.deepEqual(
            await keys.exportPrivate(mine, 'jwk'),
            await other.exportPrivate(foreign.privateKey, 'jwk'),
            algorithm,
          );
          assert.deepEqual(
            await keys.exportPublic(await keys.publicKeyOf(mine), 'raw'),
            await other.exportPublic(foreign.publicKey, 'raw'),
            `${algorithm}: both implementations derive the same public key`,
          );
        }
      });

      void test('property: imports of random bytes either succeed or throw a CryptoError', async () => {
        await fc.assert(
          fc.asyncProperty(
            fc.constantFrom(...ASYMMETRIC_ALGORITHMS),
            fc.constantFrom('pkcs8', 'spki', 'raw'),
            fc.uint8Array({ maxLength: 120 }),
            async (algorithm, format, bytes) => {
              try {
                if (format === 'spki') await keys.importPublic(algorithm, 'spki', bytes);
                else await keys.importPrivate(algorithm, format, bytes);
              } catch (error) {
                assert.ok(error instanceof CryptoError, `unexpected ${String(error)}`);
              }
            },
          ),
          { numRuns: 200 },
        );
      });
    });
  });
}
