import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { DecryptionFailed, InvalidKey } from './errors.ts';
import { KEM_LENGTHS, type KemAlgorithm } from './kem.ts';
import { nodeKem } from './node/kem.ts';
import { _x25519 as nodeX25519 } from './node/kem-dh.ts';
import { _mlkemDecapsulateExpanded as nodeExpanded } from './node/kem-mlkem.ts';
import { webKem } from './web/kem.ts';
import { _x25519 as webX25519 } from './web/kem-dh.ts';
import { _encapsulateDerand } from './web/kem-derand.ts';
import { _mlkemDecapsulateExpanded as webExpanded } from './web/kem-mlkem.ts';
import { assertArgumentError, notBytes } from './_test/hostile.ts';
import {
  hex,
  loadWycheproof,
  nonEmpty,
  readVectorJson,
  vectorsSkipReason,
  type WycheproofTest,
} from './_test/vectors.ts';

const providers = [
  ['node', nodeKem, nodeX25519, nodeExpanded],
  ['web', webKem, webX25519, webExpanded],
] as const;

const KEM_ALGS: readonly KemAlgorithm[] = [
  'x25519',
  'ml-kem-512',
  'ml-kem-768',
  'ml-kem-1024',
  'x-wing',
];
const ML_KEMS = ['ml-kem-512', 'ml-kem-768', 'ml-kem-1024'] as const;
type MlKem = (typeof ML_KEMS)[number];

const toHex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const isDecryptionFailed = (error: unknown): boolean => error instanceof DecryptionFailed;
const isInvalidKey = (error: unknown): boolean => error instanceof InvalidKey;

// Low-order X25519 u-coordinates (RFC 7748 §7 / libsodium blocklist): DH with them is all zero.
const LOW_ORDER_X25519 = [
  '0000000000000000000000000000000000000000000000000000000000000000',
  '0100000000000000000000000000000000000000000000000000000000000000',
  'e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800',
  'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
].map(hex);

for (const [name, family, x25519Raw, decapsExpanded] of providers) {
  void describe(`kem (${name})`, () => {
    void test('lists every algorithm, lengths match the specs', () => {
      assert.deepEqual([...family.algorithms].sort(), Object.keys(KEM_LENGTHS).sort());
      for (const algorithm of family.algorithms) {
        const kem = family.get(algorithm);
        assert.equal(kem.algorithm, algorithm);
        assert.deepEqual(kem.lengths, KEM_LENGTHS[algorithm]);
        assert.equal(family.get(algorithm), kem, 'cached');
      }
    });

    for (const algorithm of KEM_ALGS) {
      void test(`${algorithm}: round trip with bytes and with parsed keys`, () => {
        const kem = family.get(algorithm);
        const { publicKey, secretKey } = kem.generateKeyPair();
        assert.equal(publicKey.length, kem.lengths.publicKey);
        assert.equal(secretKey.length, kem.lengths.secretKey);
        const pk = kem.publicKey(publicKey);
        const sk = kem.secretKey(secretKey);
        assert.equal(pk.algorithm, algorithm);
        assert.equal(sk.algorithm, algorithm);
        assert.deepEqual(pk.toBytes(), publicKey);
        assert.deepEqual(sk.toBytes(), secretKey);
        assert.deepEqual(sk.publicKey.toBytes(), publicKey);
        assert.equal(sk.publicKey, sk.publicKey, 'public key computed once');
        for (const [p, s] of [
          [publicKey, secretKey],
          [pk, sk],
          [sk.publicKey, secretKey],
          [publicKey, sk],
        ] as const) {
          const { ciphertext, sharedSecret } = kem.encapsulate(p);
          assert.equal(ciphertext.length, kem.lengths.ciphertext);
          assert.equal(sharedSecret.length, kem.lengths.sharedSecret);
          assert.deepEqual(kem.decapsulate(ciphertext, s), sharedSecret);
        }
        // Two encapsulations to one key differ (fresh randomness).
        assert.notDeepEqual(kem.encapsulate(pk).sharedSecret, kem.encapsulate(pk).sharedSecret);
      });

      void test(`${algorithm}: deterministic keygen from a seed, same on both providers`, () => {
        const kem = family.get(algorithm);
        const seed = Uint8Array.from({ length: kem.lengths.seed }, (_, i) => i * 7 + 1);
        const copy = seed.slice();
        const a = kem.generateKeyPair(seed);
        const b = kem.generateKeyPair(seed);
        assert.deepEqual(seed, copy, 'seed not mutated');
        assert.deepEqual(a, b);
        const other = (name === 'node' ? webKem : nodeKem).get(algorithm).generateKeyPair(seed);
        assert.deepEqual(a, other);
        assert.deepEqual(kem.secretKey(a.secretKey).publicKey.toBytes(), a.publicKey);
      });

      void test(`${algorithm}: generateKeyPairs gives distinct working pairs`, async () => {
        const kem = family.get(algorithm);
        assert.deepEqual(await kem.generateKeyPairs(0), []);
        const pairs = await kem.generateKeyPairs(3);
        assert.equal(pairs.length, 3);
        assert.equal(new Set(pairs.map((p) => toHex(p.secretKey))).size, 3);
        for (const pair of pairs) {
          assert.equal(pair.publicKey.length, kem.lengths.publicKey);
          // The secret key re-derives the public key, and the pair round-trips.
          assert.deepEqual(kem.secretKey(pair.secretKey).publicKey.toBytes(), pair.publicKey);
          const { ciphertext, sharedSecret } = kem.encapsulate(pair.publicKey);
          assert.deepEqual(kem.decapsulate(ciphertext, pair.secretKey), sharedSecret);
        }
        for (const bad of [-1, 1.5, Number.NaN, 65537, '2' as unknown as number]) {
          await assert.rejects(kem.generateKeyPairs(bad), RangeError, String(bad));
        }
      });

      void test(`${algorithm}: interoperates with the other provider, both directions`, () => {
        const here = family.get(algorithm);
        const there = (name === 'node' ? webKem : nodeKem).get(algorithm);
        const mine = here.generateKeyPair();
        const theirs = there.generateKeyPair();
        const toMine = there.encapsulate(mine.publicKey);
        assert.deepEqual(here.decapsulate(toMine.ciphertext, mine.secretKey), toMine.sharedSecret);
        const toTheirs = here.encapsulate(theirs.publicKey);
        assert.deepEqual(
          there.decapsulate(toTheirs.ciphertext, theirs.secretKey),
          toTheirs.sharedSecret,
        );
        // Parsed keys of the other provider are accepted (re-imported from their bytes).
        const foreign = there.publicKey(mine.publicKey);
        const viaForeign = here.encapsulate(foreign);
        assert.deepEqual(
          here.decapsulate(viaForeign.ciphertext, there.secretKey(mine.secretKey)),
          viaForeign.sharedSecret,
        );
      });

      void test(`${algorithm}: inputs are not mutated, outputs are fresh`, () => {
        const kem = family.get(algorithm);
        const { publicKey, secretKey } = kem.generateKeyPair();
        const [pkCopy, skCopy] = [publicKey.slice(), secretKey.slice()];
        const pk = kem.publicKey(publicKey);
        const { ciphertext, sharedSecret } = kem.encapsulate(publicKey);
        const ctCopy = ciphertext.slice();
        kem.decapsulate(ciphertext, secretKey);
        assert.deepEqual(publicKey, pkCopy);
        assert.deepEqual(secretKey, skCopy);
        assert.deepEqual(ciphertext, ctCopy);
        // Mutating what we were given or returned does not reach the parsed key.
        publicKey.fill(0);
        pk.toBytes().fill(0);
        assert.deepEqual(pk.toBytes(), pkCopy);
        assert.ok(sharedSecret.some((b) => b !== 0));
      });

      void test(`${algorithm}: hostile arguments`, () => {
        const kem = family.get(algorithm);
        const { publicKey, secretKey } = kem.generateKeyPair();
        const { ciphertext } = kem.encapsulate(publicKey);
        const L = kem.lengths;
        for (const bad of notBytes) {
          assertArgumentError(() => kem.publicKey(bad as Uint8Array), 'publicKey');
          assertArgumentError(() => kem.secretKey(bad as Uint8Array), 'secretKey');
          assertArgumentError(() => kem.encapsulate(bad as Uint8Array), 'encapsulate');
          assertArgumentError(
            () => kem.decapsulate(bad as Uint8Array, secretKey),
            'decapsulate ct',
          );
          assertArgumentError(
            () => kem.decapsulate(ciphertext, bad as Uint8Array),
            'decapsulate sk',
          );
          if (bad !== undefined) {
            assertArgumentError(() => kem.generateKeyPair(bad as Uint8Array), 'generateKeyPair');
          }
        }
        for (const delta of [-1, 1, -L.publicKey]) {
          const pk = new Uint8Array(L.publicKey + delta);
          assertArgumentError(() => kem.publicKey(pk), 'publicKey length');
          assertArgumentError(() => kem.encapsulate(pk), 'encapsulate length');
        }
        for (const delta of [-1, 1, -L.secretKey]) {
          const sk = new Uint8Array(L.secretKey + delta);
          assertArgumentError(() => kem.secretKey(sk), 'secretKey length');
          assertArgumentError(() => kem.decapsulate(ciphertext, sk), 'decapsulate sk length');
        }
        for (const delta of [-1, 1, -L.seed]) {
          assertArgumentError(() => kem.generateKeyPair(new Uint8Array(L.seed + delta)), 'seed');
        }
        // Ciphertexts are untrusted data: a wrong length is a failed decapsulation.
        for (const ct of [
          new Uint8Array(0),
          ciphertext.subarray(1),
          new Uint8Array(L.ciphertext + 1),
        ]) {
          assert.throws(() => kem.decapsulate(ct, secretKey), isDecryptionFailed);
        }
        // Look-alike key objects are refused; keys of another algorithm are InvalidKey.
        const fake = { algorithm, toBytes: () => publicKey.slice() };
        assertArgumentError(() => kem.encapsulate(fake), 'fake public key');
        assertArgumentError(
          () => kem.decapsulate(ciphertext, { ...kem.secretKey(secretKey) }),
          'copied secret key object',
        );
        const other = family.get(algorithm === 'x25519' ? 'ml-kem-512' : 'x25519');
        const otherPair = other.generateKeyPair();
        assert.throws(() => kem.encapsulate(other.publicKey(otherPair.publicKey)), isInvalidKey);
        assert.throws(
          () => kem.decapsulate(ciphertext, other.secretKey(otherPair.secretKey)),
          isInvalidKey,
        );
        assert.throws(() => family.get('rsa' as KemAlgorithm), RangeError);
        assert.throws(() => family.get(undefined as unknown as KemAlgorithm), TypeError);
      });
    }

    void test('ML-KEM: altered ciphertexts decapsulate to an unrelated secret (implicit rejection)', () => {
      for (const algorithm of ML_KEMS) {
        const kem = family.get(algorithm);
        const { publicKey, secretKey } = kem.generateKeyPair();
        const sk = kem.secretKey(secretKey);
        const { ciphertext, sharedSecret } = kem.encapsulate(publicKey);
        for (const position of [0, 8 * ciphertext.length - 1, 4001]) {
          const altered = ciphertext.slice();
          altered[position >> 3]! ^= 1 << (position & 7);
          const rejected = kem.decapsulate(altered, sk);
          assert.equal(rejected.length, 32);
          assert.notDeepEqual(rejected, sharedSecret);
          // Deterministic: the same altered ciphertext gives the same rejection secret.
          assert.deepEqual(kem.decapsulate(altered, sk), rejected);
        }
      }
    });

    void test('x25519 / x-wing: low-order X25519 points are refused', () => {
      const x = family.get('x25519');
      const { secretKey } = x.generateKeyPair();
      for (const point of LOW_ORDER_X25519) {
        x.publicKey(point); // parses: any 32 bytes is an X25519 public key
        assert.throws(() => x.encapsulate(point), isInvalidKey);
        assert.throws(() => x.decapsulate(point, secretKey), isDecryptionFailed);
      }
      const xw = family.get('x-wing');
      const pair = xw.generateKeyPair();
      const { ciphertext } = xw.encapsulate(pair.publicKey);
      for (const point of LOW_ORDER_X25519) {
        const pk = pair.publicKey.slice();
        pk.set(point, 1184);
        assert.throws(() => xw.encapsulate(pk), isInvalidKey);
        const ct = ciphertext.slice();
        ct.set(point, 1088);
        assert.throws(() => xw.decapsulate(ct, pair.secretKey), isDecryptionFailed);
      }
    });

    void test('x-wing: altering either half of the ciphertext changes the secret', () => {
      const xw = family.get('x-wing');
      const pair = xw.generateKeyPair();
      const sk = xw.secretKey(pair.secretKey);
      const { ciphertext, sharedSecret } = xw.encapsulate(pair.publicKey);
      for (const index of [0, 1087, 1088, 1119]) {
        const ct = ciphertext.slice();
        ct[index]! ^= 0x40;
        let ss: Uint8Array | undefined;
        try {
          ss = xw.decapsulate(ct, sk);
        } catch (error) {
          assert.ok(isDecryptionFailed(error)); // an altered ct_X can land on a low-order point
        }
        if (ss !== undefined) assert.notDeepEqual(ss, sharedSecret);
      }
    });

    void test('property: seeded key pairs round-trip', () => {
      for (const algorithm of ['x25519', 'ml-kem-512', 'x-wing'] as const) {
        const kem = family.get(algorithm);
        fc.assert(
          fc.property(
            fc.uint8Array({ minLength: kem.lengths.seed, maxLength: kem.lengths.seed }),
            (seed) => {
              const { publicKey, secretKey } = kem.generateKeyPair(seed);
              const { ciphertext, sharedSecret } = kem.encapsulate(publicKey);
              assert.deepEqual(kem.decapsulate(ciphertext, secretKey), sharedSecret);
            },
          ),
          { numRuns: name === 'web' ? 4 : 20 },
        );
      }
    });

    void describe('vectors', () => {
      void test(
        'X-Wing draft vectors: keygen, decapsulation (this provider), derandomized encapsulation',
        { skip: vectorsSkipReason('xwing/test-vectors.json') },
        () => {
          const vectors = nonEmpty(
            readVectorJson<
              { seed: string; eseed: string; sk: string; pk: string; ct: string; ss: string }[]
            >('xwing/test-vectors.json'),
            'xwing',
          );
          const kem = family.get('x-wing');
          for (const v of vectors) {
            const { publicKey, secretKey } = kem.generateKeyPair(hex(v.seed));
            assert.equal(toHex(secretKey), v.sk);
            assert.equal(toHex(publicKey), v.pk);
            assert.equal(toHex(kem.decapsulate(hex(v.ct), hex(v.sk))), v.ss);
            assert.equal(toHex(kem.decapsulate(hex(v.ct), kem.secretKey(hex(v.sk)))), v.ss);
            const derand = _encapsulateDerand('x-wing', publicKey, hex(v.eseed));
            assert.equal(toHex(derand.ciphertext), v.ct);
            assert.equal(toHex(derand.sharedSecret), v.ss);
          }
          assert.equal(vectors.length, 3);
        },
      );

      void test(
        'ACVP ML-KEM keyGen (d, z → ek), encapsulation (ek, m → c, k), decapsulation (expanded dk)',
        { skip: vectorsSkipReason('acvp/ML-KEM-keyGen-FIPS203/prompt.json') },
        () => {
          let run = 0;
          const keyGen = acvp('ML-KEM-keyGen-FIPS203');
          for (const { group, test: t, expected } of keyGen) {
            const kem = family.get(acvpName(group['parameterSet']));
            const seed = hex(String(t['d']).toLowerCase() + String(t['z']).toLowerCase());
            const { publicKey, secretKey } = kem.generateKeyPair(seed);
            assert.equal(toHex(publicKey), String(expected['ek']).toLowerCase());
            assert.deepEqual(secretKey, seed);
            // The expected dk decapsulates what we encapsulate to ek: dk and our seed agree.
            const { ciphertext, sharedSecret } = kem.encapsulate(publicKey);
            const alg = acvpName(group['parameterSet']);
            assert.deepEqual(
              decapsExpanded(alg, hex(String(expected['dk']).toLowerCase()), ciphertext),
              sharedSecret,
            );
            run++;
          }
          assert.equal(run, 75);
          let decaps = 0;
          let encaps = 0;
          for (const { group, test: t, expected } of acvp('ML-KEM-encapDecap-FIPS203')) {
            const alg = acvpName(group['parameterSet']);
            if (group['function'] === 'encapsulation') {
              // ek, m → c, k through the derandomized path; this provider accepts ek.
              const ek = hex(String(t['ek']).toLowerCase());
              const derand = _encapsulateDerand(alg, ek, hex(String(t['m']).toLowerCase()));
              assert.equal(toHex(derand.ciphertext), String(expected['c']).toLowerCase());
              assert.equal(toHex(derand.sharedSecret), String(expected['k']).toLowerCase());
              family.get(alg).publicKey(ek);
              encaps++;
              continue;
            }
            const k = decapsExpanded(
              alg,
              hex(String(group['dk']).toLowerCase()),
              hex(String(t['c']).toLowerCase()),
            );
            assert.equal(toHex(k), String(expected['k']).toLowerCase());
            decaps++;
          }
          assert.deepEqual({ encaps, decaps }, { encaps: 75, decaps: 30 });
        },
      );

      void test(
        'Wycheproof ML-KEM (seed → ek, decapsulate c → K)',
        { skip: vectorsSkipReason('wycheproof/mlkem_768_test.json') },
        () => {
          const counts = { valid: 0, invalid: 0 };
          for (const algorithm of ML_KEMS) {
            const kem = family.get(algorithm);
            for (const { test: t } of nonEmpty(
              loadWycheproof(`${wycheName(algorithm)}_test.json`),
              algorithm,
            )) {
              const seed = hex(t['seed']);
              const c = hex(t['c']);
              if (t.result === 'valid') {
                assert.equal(toHex(kem.generateKeyPair(seed).publicKey), t['ek'], `tc ${t.tcId}`);
                assert.equal(toHex(kem.decapsulate(c, seed)), t['K'], `tc ${t.tcId}`);
                counts.valid++;
              } else {
                // Invalid: a seed of the wrong length (argument error) or a ciphertext of the
                // wrong length (failed decapsulation). Nothing else is invalid in these files.
                assertWycheproofRejected(t, () => kem.decapsulate(c, seed));
                counts.invalid++;
              }
            }
          }
          assert.deepEqual(counts, { valid: 459, invalid: 120 });
        },
      );

      void test(
        'Wycheproof ML-KEM encaps (ek, m → c, K; modulus check)',
        { skip: vectorsSkipReason('wycheproof/mlkem_768_encaps_test.json') },
        () => {
          const counts = { valid: 0, invalid: 0 };
          for (const algorithm of ML_KEMS) {
            const kem = family.get(algorithm);
            for (const { test: t } of nonEmpty(
              loadWycheproof(`${wycheName(algorithm)}_encaps_test.json`),
              algorithm,
            )) {
              const ek = hex(t['ek']);
              if (t.result === 'valid') {
                const { ciphertext, sharedSecret } = _encapsulateDerand(algorithm, ek, hex(t['m']));
                assert.equal(toHex(ciphertext), t['c'], `tc ${t.tcId}`);
                assert.equal(toHex(sharedSecret), t['K'], `tc ${t.tcId}`);
                kem.publicKey(ek); // this provider accepts the key
                const fresh = kem.encapsulate(ek);
                assert.equal(fresh.ciphertext.length, kem.lengths.ciphertext);
                counts.valid++;
              } else {
                assertWycheproofRejected(t, () => kem.publicKey(ek));
                assertWycheproofRejected(t, () => kem.encapsulate(ek));
                assertWycheproofRejected(t, () => _encapsulateDerand(algorithm, ek, hex(t['m'])));
                counts.invalid++;
              }
            }
          }
          assert.deepEqual(counts, { valid: 399, invalid: 396 });
        },
      );

      void test(
        'Wycheproof ML-KEM keygen from seed (ek; dk checked by decapsulation)',
        { skip: vectorsSkipReason('wycheproof/mlkem_768_keygen_seed_test.json') },
        () => {
          let run = 0;
          for (const algorithm of ML_KEMS) {
            const kem = family.get(algorithm);
            for (const { test: t } of nonEmpty(
              loadWycheproof(`${wycheName(algorithm)}_keygen_seed_test.json`),
              algorithm,
            )) {
              assert.equal(t.result, 'valid');
              const { publicKey } = kem.generateKeyPair(hex(t['seed']));
              assert.equal(toHex(publicKey), t['ek'], `tc ${t.tcId}`);
              if (t.tcId % 10 === 1) {
                // Every tenth: the expected expanded dk opens what we encapsulate (keeps web fast).
                const { ciphertext, sharedSecret } = kem.encapsulate(publicKey);
                assert.deepEqual(decapsExpanded(algorithm, hex(t['dk']), ciphertext), sharedSecret);
              }
              run++;
            }
          }
          assert.equal(run, 300);
        },
      );

      void test(
        'Wycheproof ML-KEM semi-expanded decaps (internal expanded-dk path)',
        { skip: vectorsSkipReason('wycheproof/mlkem_768_semi_expanded_decaps_test.json') },
        () => {
          const counts = { valid: 0, invalid: 0 };
          for (const algorithm of ML_KEMS) {
            for (const { test: t } of nonEmpty(
              loadWycheproof(`${wycheName(algorithm)}_semi_expanded_decaps_test.json`),
              algorithm,
            )) {
              const run = () => decapsExpanded(algorithm, hex(t['dk']), hex(t['c']));
              if (t.result === 'valid') {
                assert.equal(toHex(run()), t['K'], `tc ${t.tcId}`);
                counts.valid++;
              } else {
                assert.throws(run, (error: unknown) => {
                  const expected = t.flags.includes('InvalidDecapsulationKey')
                    ? isInvalidKey(error)
                    : error instanceof RangeError;
                  assert.ok(expected, `tc ${t.tcId}: ${String(error)}`);
                  return true;
                });
                counts.invalid++;
              }
            }
          }
          assert.deepEqual(counts, { valid: 9, invalid: 18 });
        },
      );

      void test(
        'Wycheproof X25519 (raw DH, internal)',
        { skip: vectorsSkipReason('wycheproof/x25519_test.json') },
        () => {
          const counts = { valid: 0, acceptable: 0, rejectedZero: 0 };
          for (const { test: t } of nonEmpty(loadWycheproof('x25519_test.json'), 'x25519')) {
            const run = () => x25519Raw(hex(t['private']), hex(t['public']));
            const zero = /^(00)+$/.test(String(t['shared']));
            // Policy: an all-zero result (low-order public key, flags LowOrderPublic /
            // ZeroSharedSecret) is refused with InvalidKey (RFC 7748 §6.1, RFC 9180 §7.1.4);
            // every other case, valid or acceptable (twist points, non-canonical u), must give
            // the expected secret.
            if (zero) {
              assert.notEqual(t.result, 'valid');
              assert.throws(run, isInvalidKey, `tc ${t.tcId}`);
              counts.rejectedZero++;
            } else {
              assert.equal(toHex(run()), t['shared'], `tc ${t.tcId} ${t.comment}`);
              counts[t.result === 'valid' ? 'valid' : 'acceptable']++;
            }
          }
          assert.equal(counts.valid + counts.acceptable + counts.rejectedZero, 518);
          assert.ok(counts.rejectedZero > 0 && counts.acceptable > 0);
        },
      );

      void test(
        'RFC 9180 DHKEM(X25519) vectors through the x25519 KEM',
        { skip: vectorsSkipReason('hpke/test-vectors.json') },
        () => {
          const kem = family.get('x25519');
          const entries = nonEmpty(
            readVectorJson<Record<string, unknown>[]>('hpke/test-vectors.json').filter(
              (e) => e['kem_id'] === 0x20 && (e['mode'] === 0 || e['mode'] === 1), // base, psk
            ),
            'DHKEM X25519 base/psk',
          );
          for (const e of entries) {
            const recipient = kem.generateKeyPair(hex(e['ikmR']));
            assert.equal(toHex(recipient.secretKey), e['skRm']);
            assert.equal(toHex(recipient.publicKey), e['pkRm']);
            assert.equal(toHex(kem.generateKeyPair(hex(e['ikmE'])).publicKey), e['pkEm']);
            assert.equal(
              toHex(kem.decapsulate(hex(e['enc']), recipient.secretKey)),
              e['shared_secret'],
            );
            const derand = _encapsulateDerand('x25519', recipient.publicKey, hex(e['ikmE']));
            assert.equal(toHex(derand.ciphertext), e['enc']);
            assert.equal(toHex(derand.sharedSecret), e['shared_secret']);
          }
          assert.equal(entries.length, 16);
        },
      );
    });
  });
}

function wycheName(algorithm: MlKem): string {
  return algorithm.replaceAll('-', '').replace('mlkem', 'mlkem_');
}

function acvpName(parameterSet: unknown): MlKem {
  const name = String(parameterSet).toLowerCase();
  assert.ok((ML_KEMS as readonly string[]).includes(name), name);
  return name as MlKem;
}

type AcvpRecord = Record<string, unknown>;
function acvp(folder: string): { group: AcvpRecord; test: AcvpRecord; expected: AcvpRecord }[] {
  type File = {
    testGroups: (AcvpRecord & { tgId: number; tests: (AcvpRecord & { tcId: number })[] })[];
  };
  const prompt = readVectorJson<File>(`acvp/${folder}/prompt.json`);
  const answers = readVectorJson<File>(`acvp/${folder}/expectedResults.json`);
  const out: { group: AcvpRecord; test: AcvpRecord; expected: AcvpRecord }[] = [];
  for (const group of prompt.testGroups) {
    const answerGroup = answers.testGroups.find((g) => g.tgId === group.tgId);
    for (const t of group.tests) {
      const expected = answerGroup?.tests.find((a) => a.tcId === t.tcId);
      assert.ok(expected, `ACVP ${folder} tc ${t.tcId} has an answer`);
      out.push({ group, test: t, expected });
    }
  }
  return nonEmpty(out, folder);
}

// A Wycheproof `invalid` case must be refused with a RangeError (wrong length), an InvalidKey
// (modulus check) or a DecryptionFailed (ciphertext of the wrong length) — never accepted.
function assertWycheproofRejected(t: WycheproofTest, fn: () => unknown): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(
      error instanceof RangeError || isInvalidKey(error) || isDecryptionFailed(error),
      `tc ${t.tcId} (${t.comment}): unexpected ${String(error)}`,
    );
    return true;
  });
}
