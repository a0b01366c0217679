import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { _setHpkeSequence } from './_hpke-context.ts';
import { DecryptionFailed, InvalidKey, StreamStateError, Unsupported } from './errors.ts';
import {
  HPKE_AEAD_IDS,
  HPKE_KDF_IDS,
  HPKE_KEM_IDS,
  _hpkeInternals,
  type HpkeAeadName,
  type HpkeFamily,
  type HpkeKdfName,
  type HpkeKemName,
  type HpkeSuite,
} from './hpke.ts';
import { nodeHpke } from './node/hpke.ts';
import { webHpke } from './web/hpke.ts';
import { assertArgumentError, bitFlips, notBytes, notInteger } from './_test/hostile.ts';
import { hex, nonEmpty, readVectorJson, vectorsSkipReason } from './_test/vectors.ts';

const providers = [
  ['node', nodeHpke],
  ['web', webHpke],
] as const;

const toHex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);
const isDecryptionFailed = (error: unknown): boolean => error instanceof DecryptionFailed;
const isInvalidKey = (error: unknown): boolean => error instanceof InvalidKey;
const isUnsupported = (error: unknown): boolean => error instanceof Unsupported;

const byId = <T extends string>(table: Readonly<Record<T, number>>, id: unknown): T | undefined =>
  (Object.keys(table) as T[]).find((name) => table[name] === id);

const MODES = ['base', 'psk', 'auth', 'auth-psk'] as const;
type Mode = (typeof MODES)[number];
const PSK = utf8('a pre-shared key of at least 32 bytes!');
const PSK_ID = utf8('psk id');

interface Entry {
  mode: number;
  kem_id: number;
  kdf_id: number;
  aead_id: number;
  info: string;
  ikmR: string;
  ikmE: string;
  ikmS?: string;
  skRm: string;
  skEm?: string;
  skSm?: string;
  pkRm: string;
  pkEm?: string;
  pkSm?: string;
  psk?: string;
  psk_id?: string;
  enc: string;
  shared_secret: string;
  key_schedule_context?: string;
  secret?: string;
  key: string;
  base_nonce: string;
  exporter_secret: string;
  encryptions: { aad: string; ct: string; nonce: string; pt: string }[];
  exports: { exporter_context: string; L: number; exported_value: string }[];
}

/** Runs one vector entry through a suite; returns how many encryptions and exports it checked. */
function runEntry(suite: HpkeSuite, e: Entry): { encryptions: number; exports: number } {
  const recipient = suite.deriveKeyPair(hex(e.ikmR));
  assert.equal(toHex(recipient.secretKey), e.skRm);
  assert.equal(toHex(recipient.publicKey), e.pkRm);
  if (e.skEm !== undefined) {
    const ephemeral = suite.deriveKeyPair(hex(e.ikmE));
    assert.equal(toHex(ephemeral.secretKey), e.skEm);
    assert.equal(toHex(ephemeral.publicKey), e.pkEm);
  }
  let sender: { publicKey: Uint8Array; secretKey: Uint8Array } | undefined;
  if (e.ikmS !== undefined) {
    sender = suite.deriveKeyPair(hex(e.ikmS));
    assert.equal(toHex(sender.secretKey), e.skSm);
    assert.equal(toHex(sender.publicKey), e.pkSm);
  }
  const common = {
    mode: e.mode,
    info: hex(e.info),
    psk: e.psk === undefined ? undefined : hex(e.psk),
    pskId: e.psk_id === undefined ? undefined : hex(e.psk_id),
  };
  const internals = _hpkeInternals(suite);
  // Parsed keys on the sender side, raw bytes on the recipient side: both paths get covered.
  const s = internals.setupSender({
    ...common,
    pkR: suite.publicKey(recipient.publicKey),
    skS: sender === undefined ? undefined : suite.secretKey(sender.secretKey),
    ikmE: hex(e.ikmE),
  });
  const r = internals.setupRecipient({
    ...common,
    enc: hex(e.enc),
    skR: recipient.secretKey,
    pkS: sender?.publicKey,
  });
  assert.equal(toHex(s.enc), e.enc);
  for (const side of [s, r]) {
    assert.equal(toHex(side.sharedSecret), e.shared_secret);
    if (e.key_schedule_context !== undefined) {
      assert.equal(toHex(side.values.keyScheduleContext), e.key_schedule_context);
    }
    if (e.secret !== undefined) assert.equal(toHex(side.values.secret), e.secret);
    assert.equal(toHex(side.values.key), e.key);
    assert.equal(toHex(side.values.baseNonce), e.base_nonce);
    assert.equal(toHex(side.values.exporterSecret), e.exporter_secret);
  }
  for (const [i, enc] of e.encryptions.entries()) {
    const ct = s.context.seal(hex(enc.pt), hex(enc.aad));
    assert.equal(toHex(ct), enc.ct, `encryption ${i}`);
    assert.equal(toHex(r.context.open(hex(enc.ct), hex(enc.aad))), enc.pt, `decryption ${i}`);
  }
  for (const x of e.exports) {
    assert.equal(toHex(s.context.export(hex(x.exporter_context), x.L)), x.exported_value);
    assert.equal(toHex(r.context.export(hex(x.exporter_context), x.L)), x.exported_value);
  }
  return { encryptions: e.encryptions.length, exports: e.exports.length };
}

function suiteOf(family: HpkeFamily, e: Entry): HpkeSuite | string {
  const kem = byId(HPKE_KEM_IDS, e.kem_id);
  const kdf = byId(HPKE_KDF_IDS, e.kdf_id);
  const aead = byId(HPKE_AEAD_IDS, e.aead_id);
  if (kem === undefined) return `KEM 0x${e.kem_id.toString(16)} not supported`;
  if (kdf === undefined) return `KDF 0x${e.kdf_id.toString(16)} not supported`;
  if (aead === undefined) return `AEAD 0x${e.aead_id.toString(16)} not supported`;
  return family.suite({ kem, kdf, aead });
}

/** One sealed message in the given mode, through the public setup functions. */
function setupPair(suite: HpkeSuite, mode: Mode, info: Uint8Array) {
  const recipient = suite.generateKeyPair();
  const sender = suite.generateKeyPair();
  switch (mode) {
    case 'base': {
      const { enc, context } = suite.setupBaseS(recipient.publicKey, info);
      return {
        enc,
        sender: context,
        recipient: suite.setupBaseR(enc, recipient.secretKey, info),
        keys: { recipient, sender },
      };
    }
    case 'psk': {
      const { enc, context } = suite.setupPskS(recipient.publicKey, info, PSK, PSK_ID);
      return {
        enc,
        sender: context,
        recipient: suite.setupPskR(enc, recipient.secretKey, info, PSK, PSK_ID),
        keys: { recipient, sender },
      };
    }
    case 'auth': {
      const { enc, context } = suite.setupAuthS(recipient.publicKey, info, sender.secretKey);
      return {
        enc,
        sender: context,
        recipient: suite.setupAuthR(enc, recipient.secretKey, info, sender.publicKey),
        keys: { recipient, sender },
      };
    }
    case 'auth-psk': {
      const { enc, context } = suite.setupAuthPskS(
        recipient.publicKey,
        info,
        PSK,
        PSK_ID,
        sender.secretKey,
      );
      return {
        enc,
        sender: context,
        recipient: suite.setupAuthPskR(
          enc,
          recipient.secretKey,
          info,
          PSK,
          PSK_ID,
          sender.publicKey,
        ),
        keys: { recipient, sender },
      };
    }
  }
}

const ALL_KEMS = Object.keys(HPKE_KEM_IDS) as HpkeKemName[];
const ALL_KDFS = Object.keys(HPKE_KDF_IDS) as HpkeKdfName[];
const ALL_AEADS = Object.keys(HPKE_AEAD_IDS) as HpkeAeadName[];
const SEALING_AEADS = ALL_AEADS.filter((a) => a !== 'export-only');

for (const [name, family] of providers) {
  void describe(`hpke (${name})`, () => {
    void test(
      'RFC 9180 test vectors (every supported entry: keys, key schedule, encryptions, exports)',
      { skip: vectorsSkipReason('hpke/test-vectors.json') },
      () => {
        const entries = nonEmpty(readVectorJson<Entry[]>('hpke/test-vectors.json'), 'hpke');
        const run = { entries: 0, encryptions: 0, exports: 0 };
        const skipped = new Map<string, number>();
        for (const e of entries) {
          const suite = suiteOf(family, e);
          if (typeof suite === 'string') {
            skipped.set(suite, (skipped.get(suite) ?? 0) + 1);
            continue;
          }
          const counts = runEntry(suite, e);
          run.entries++;
          run.encryptions += counts.encryptions;
          run.exports += counts.exports;
        }
        // 2 KEMs × 2 KDFs × 4 AEADs × 4 modes; the export-only entries have no encryptions.
        assert.deepEqual(run, { entries: 64, encryptions: 48 * 257, exports: 64 * 3 });
        assert.deepEqual(Object.fromEntries(skipped), {
          'KEM 0x12 not supported': 32, // DHKEM(P-521)
          'KEM 0x21 not supported': 32, // DHKEM(X448)
        });
      },
    );

    void test(
      'draft-ietf-hpke-pq vectors: X-Wing with HKDF-SHA256',
      { skip: vectorsSkipReason('hpke/hpke-pq-test-vectors.json') },
      () => {
        const entries = nonEmpty(
          readVectorJson<Entry[]>('hpke/hpke-pq-test-vectors.json'),
          'hpke-pq',
        );
        const run = { entries: 0, encryptions: 0, exports: 0 };
        const skipped = new Map<string, number>();
        for (const e of entries) {
          const suite = suiteOf(family, e);
          if (typeof suite === 'string') {
            skipped.set(suite, (skipped.get(suite) ?? 0) + 1);
            continue;
          }
          const counts = runEntry(suite, e);
          run.entries++;
          run.encryptions += counts.encryptions;
          run.exports += counts.exports;
        }
        assert.deepEqual(run, { entries: 1, encryptions: 10, exports: 5 });
        // Pure ML-KEM (0x40-0x42) and the P-256/P-384 hybrids (0x50, 0x51) are not offered;
        // the single-stage SHAKE/TurboSHAKE KDFs (0x10-0x13) neither.
        assert.equal(
          [...skipped.values()].reduce((a, b) => a + b, 0),
          12,
        );
      },
    );

    for (const kem of ALL_KEMS) {
      void test(`${kem}: every KDF × AEAD × mode round-trips (contexts, single-shot, exports)`, () => {
        for (const kdf of ALL_KDFS) {
          for (const aead of ALL_AEADS) {
            const suite = family.suite({ kem, kdf, aead });
            assert.equal(family.suite({ kem, kdf, aead }), suite, 'suites are cached');
            for (const mode of MODES) {
              if (kem === 'x-wing' && (mode === 'auth' || mode === 'auth-psk')) {
                const { publicKey, secretKey } = suite.generateKeyPair();
                assert.throws(
                  () => suite.setupAuthS(publicKey, undefined, secretKey),
                  isUnsupported,
                );
                continue;
              }
              const info = utf8(`info ${mode}`);
              const { enc, sender, recipient } = setupPair(suite, mode, info);
              assert.equal(enc.length, suite.lengths.enc);
              assert.deepEqual(sender.export(utf8('ctx'), 42), recipient.export(utf8('ctx'), 42));
              if (aead === 'export-only') {
                assert.throws(() => sender.seal(utf8('x')), isUnsupported);
                assert.throws(() => recipient.open(new Uint8Array(32)), isUnsupported);
                continue;
              }
              for (const message of ['', 'one', 'two'.repeat(300)]) {
                const ct = sender.seal(utf8(message), utf8('aad'));
                assert.equal(ct.length, message.length + 16);
                assert.deepEqual(recipient.open(ct, utf8('aad')), utf8(message));
              }
            }
            if (aead === 'export-only') continue;
            const r = suite.generateKeyPair();
            const s = suite.generateKeyPair();
            const sealed = suite.seal(r.publicKey, utf8('single shot'), {
              info: utf8('i'),
              aad: utf8('a'),
            });
            assert.deepEqual(
              suite.open(sealed.enc, r.secretKey, sealed.ciphertext, {
                info: utf8('i'),
                aad: utf8('a'),
              }),
              utf8('single shot'),
            );
            const withPsk = suite.seal(suite.publicKey(r.publicKey), utf8('psk'), {
              psk: PSK,
              pskId: PSK_ID,
            });
            assert.deepEqual(
              suite.open(withPsk.enc, suite.secretKey(r.secretKey), withPsk.ciphertext, {
                psk: PSK,
                pskId: PSK_ID,
              }),
              utf8('psk'),
            );
            assert.throws(
              () => suite.open(withPsk.enc, r.secretKey, withPsk.ciphertext),
              isDecryptionFailed,
            );
            if (kem !== 'x-wing') {
              const auth = suite.seal(r.publicKey, utf8('auth'), {
                senderSecretKey: s.secretKey,
                psk: PSK,
                pskId: PSK_ID,
              });
              assert.deepEqual(
                suite.open(auth.enc, r.secretKey, auth.ciphertext, {
                  senderPublicKey: s.publicKey,
                  psk: PSK,
                  pskId: PSK_ID,
                }),
                utf8('auth'),
              );
              const other = suite.generateKeyPair();
              assert.throws(
                () =>
                  suite.open(auth.enc, r.secretKey, auth.ciphertext, {
                    senderPublicKey: other.publicKey,
                    psk: PSK,
                    pskId: PSK_ID,
                  }),
                isDecryptionFailed,
              );
            }
            const exported = suite.sendExport(r.publicKey, utf8('label'), 64, { info: utf8('i') });
            assert.deepEqual(
              suite.receiveExport(exported.enc, r.secretKey, utf8('label'), 64, {
                info: utf8('i'),
              }),
              exported.exported,
            );
          }
        }
      });
    }

    void test('interoperates with the other provider, both directions', () => {
      const other = name === 'node' ? webHpke : nodeHpke;
      for (const kem of ALL_KEMS) {
        for (const aead of SEALING_AEADS) {
          const params = { kem, kdf: 'hkdf-sha256', aead } as const;
          const here = family.suite(params);
          const there = other.suite(params);
          const mine = here.generateKeyPair();
          const theirs = there.generateKeyPair();
          const options = kem === 'x-wing' ? {} : { senderSecretKey: theirs.secretKey };
          const toMine = there.seal(mine.publicKey, utf8('to me'), options);
          assert.deepEqual(
            here.open(
              toMine.enc,
              mine.secretKey,
              toMine.ciphertext,
              kem === 'x-wing' ? {} : { senderPublicKey: theirs.publicKey },
            ),
            utf8('to me'),
          );
          const toTheirs = here.seal(there.publicKey(theirs.publicKey), utf8('to you'));
          assert.deepEqual(
            there.open(toTheirs.enc, here.secretKey(theirs.secretKey), toTheirs.ciphertext),
            utf8('to you'),
          );
        }
      }
    });

    void test('sequence numbers: in-order only, failures do not advance, overflow is refused', () => {
      const suite = family.suite({
        kem: 'dhkem-x25519-hkdf-sha256',
        kdf: 'hkdf-sha256',
        aead: 'aes-128-gcm',
      });
      const { sender, recipient } = setupPair(suite, 'base', utf8('seq'));
      const c0 = sender.seal(utf8('zero'));
      const c1 = sender.seal(utf8('one'));
      assert.notDeepEqual(sender.seal(utf8('one')), c1, 'same plaintext, new nonce');
      assert.throws(() => recipient.open(c1), isDecryptionFailed, 'out of order');
      const tampered = c0.slice();
      tampered[0]! ^= 1;
      assert.throws(() => recipient.open(tampered), isDecryptionFailed);
      assert.deepEqual(recipient.open(c0), utf8('zero'), 'failures did not advance the sequence');
      assert.deepEqual(recipient.open(c1), utf8('one'));
      _setHpkeSequence(sender, Number.MAX_SAFE_INTEGER - 1);
      sender.seal(utf8('last'));
      assert.throws(
        () => sender.seal(utf8('one too many')),
        (e: unknown) => e instanceof StreamStateError,
      );
      _setHpkeSequence(recipient, Number.MAX_SAFE_INTEGER);
      assert.throws(
        () => recipient.open(c0),
        (e: unknown) => e instanceof StreamStateError,
      );
    });

    void test('altered enc, ciphertext, aad, info, psk or keys fail uniformly', () => {
      for (const kem of ALL_KEMS) {
        const suite = family.suite({ kem, kdf: 'hkdf-sha512', aead: 'chacha20-poly1305' });
        const r = suite.generateKeyPair();
        const info = utf8('info');
        const aad = utf8('aad');
        const { enc, ciphertext } = suite.seal(r.publicKey, utf8('secret message'), {
          info,
          aad,
          psk: PSK,
          pskId: PSK_ID,
        });
        const options = { info, aad, psk: PSK, pskId: PSK_ID };
        assert.deepEqual(suite.open(enc, r.secretKey, ciphertext, options), utf8('secret message'));
        const fails = (e: Uint8Array, c: Uint8Array, o: object, sk = r.secretKey): void => {
          assert.throws(() => suite.open(e, sk, c, o), isDecryptionFailed);
        };
        for (const badEnc of [
          ...bitFlips(enc, [0, 9, 8 * enc.length - 1]),
          enc.subarray(1),
          new Uint8Array(enc.length + 1),
          new Uint8Array(0),
        ]) {
          fails(badEnc, ciphertext, options);
        }
        for (const badCt of [
          ...bitFlips(ciphertext, [0, 8 * ciphertext.length - 1]),
          ciphertext.subarray(0, 15),
          new Uint8Array(0),
        ]) {
          fails(enc, badCt, options);
        }
        fails(enc, ciphertext, { ...options, aad: utf8('aaD') });
        fails(enc, ciphertext, { ...options, aad: undefined });
        fails(enc, ciphertext, { ...options, info: utf8('infO') });
        fails(enc, ciphertext, { ...options, psk: PSK.map((b, i) => (i === 0 ? b ^ 1 : b)) });
        fails(enc, ciphertext, { ...options, pskId: utf8('other id') });
        fails(enc, ciphertext, options, suite.generateKeyPair().secretKey);
      }
    });

    void test('invalid and low-order public keys', () => {
      const p256 = family.suite({
        kem: 'dhkem-p256-hkdf-sha256',
        kdf: 'hkdf-sha256',
        aead: 'aes-128-gcm',
      });
      const r = p256.generateKeyPair();
      const s = p256.generateKeyPair();
      const offCurve = r.publicKey.slice();
      offCurve[64]! ^= 1;
      const compressedPrefix = r.publicKey.slice();
      compressedPrefix[0] = 0x02;
      const zeros = new Uint8Array(65);
      zeros[0] = 0x04; // (0, 0): not on the curve
      const xTooBig = new Uint8Array(65).fill(0xff);
      xTooBig[0] = 0x04;
      const badPoints = [offCurve, compressedPrefix, zeros, xTooBig, new Uint8Array(65)];
      for (const point of badPoints) {
        assert.throws(() => p256.publicKey(point), isInvalidKey);
        assert.throws(() => p256.seal(point, utf8('x')), isInvalidKey);
        assert.throws(
          () => p256.setupAuthR(p256.setupBaseS(r.publicKey).enc, r.secretKey, undefined, point),
          isInvalidKey,
        );
        assert.throws(() => p256.open(point, r.secretKey, new Uint8Array(32)), isDecryptionFailed);
      }
      // The 1-byte identity encoding and compressed points are refused as wrong lengths.
      assertArgumentError(() => p256.publicKey(Uint8Array.of(0)), 'identity');
      assertArgumentError(() => p256.publicKey(r.publicKey.subarray(0, 33)), 'compressed');
      const order = hex('ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551');
      for (const scalar of [new Uint8Array(32), order, new Uint8Array(32).fill(0xff)]) {
        assert.throws(() => p256.secretKey(scalar), isInvalidKey);
        assert.throws(() => p256.setupAuthS(r.publicKey, undefined, scalar), isInvalidKey);
      }
      assert.ok(s.secretKey.length === 32);

      const x = family.suite({
        kem: 'dhkem-x25519-hkdf-sha256',
        kdf: 'hkdf-sha256',
        aead: 'aes-128-gcm',
      });
      const xr = x.generateKeyPair();
      const lowOrder = hex('e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800');
      for (const point of [new Uint8Array(32), lowOrder]) {
        assert.throws(() => x.seal(point, utf8('x')), isInvalidKey);
        assert.throws(() => x.open(point, xr.secretKey, new Uint8Array(32)), isDecryptionFailed);
        assert.throws(
          () => x.setupAuthR(x.setupBaseS(xr.publicKey).enc, xr.secretKey, undefined, point),
          isInvalidKey,
        );
      }
      const xw = family.suite({ kem: 'x-wing', kdf: 'hkdf-sha256', aead: 'aes-128-gcm' });
      const notReduced = xw.generateKeyPair().publicKey;
      notReduced.fill(0xff, 0, 384); // ML-KEM coefficients ≥ q: fails the modulus check
      assert.throws(() => xw.publicKey(notReduced), isInvalidKey);
      assert.throws(() => xw.seal(notReduced, utf8('x')), isInvalidKey);
    });

    void test('hostile arguments', () => {
      assert.throws(
        () =>
          family.suite({
            kem: 'dhkem-p521-hkdf-sha512',
            kdf: 'hkdf-sha256',
            aead: 'aes-128-gcm',
          } as never),
        RangeError,
      );
      assert.throws(
        () => family.suite({ kem: 'x-wing', kdf: 'hkdf-sha384', aead: 'aes-128-gcm' } as never),
        RangeError,
      );
      assert.throws(
        () => family.suite({ kem: 'x-wing', kdf: 'hkdf-sha256', aead: 'aes-192-gcm' } as never),
        RangeError,
      );
      assert.throws(() => family.suite(null as never), TypeError);
      assert.throws(() => family.suite({} as never), TypeError);
      for (const kem of ALL_KEMS) {
        const suite = family.suite({ kem, kdf: 'hkdf-sha256', aead: 'aes-256-gcm' });
        const r = suite.generateKeyPair();
        const s = suite.generateKeyPair();
        const { enc, ciphertext } = suite.seal(r.publicKey, utf8('m'));
        const { context } = suite.setupBaseS(r.publicKey);
        const inputs = [r.publicKey, r.secretKey, enc, ciphertext].map((b) => b.slice());
        for (const bad of notBytes) {
          const b = bad as Uint8Array;
          assertArgumentError(() => suite.publicKey(b), 'publicKey');
          assertArgumentError(() => suite.secretKey(b), 'secretKey');
          assertArgumentError(() => suite.deriveKeyPair(b), 'deriveKeyPair');
          assertArgumentError(() => suite.setupBaseS(b), 'pkR');
          assertArgumentError(() => suite.setupBaseR(b, r.secretKey), 'enc');
          assertArgumentError(() => suite.setupBaseR(enc, b), 'skR');
          assertArgumentError(() => suite.setupPskS(r.publicKey, undefined, b, PSK_ID), 'psk');
          assertArgumentError(() => suite.setupPskS(r.publicKey, undefined, PSK, b), 'pskId');
          assertArgumentError(() => suite.open(enc, r.secretKey, b), 'ciphertext');
          assertArgumentError(() => context.export(b, 32), 'exporterContext');
          if (bad !== undefined) {
            assertArgumentError(() => suite.setupBaseS(r.publicKey, b), 'info');
            assertArgumentError(() => suite.seal(r.publicKey, b), 'plaintext');
            assertArgumentError(() => suite.seal(r.publicKey, utf8('m'), { aad: b }), 'aad');
            assertArgumentError(() => context.seal(utf8('m'), b), 'context aad');
            if (kem !== 'x-wing') {
              assertArgumentError(() => suite.setupAuthS(r.publicKey, undefined, b), 'skS');
              assertArgumentError(() => suite.setupAuthR(enc, r.secretKey, undefined, b), 'pkS');
            }
          }
        }
        for (const bad of notInteger)
          assertArgumentError(() => context.export(utf8('c'), bad as number), 'length');
        assertArgumentError(() => context.export(utf8('c'), 255 * 32 + 1), 'length too big');
        assert.equal(context.export(utf8('c'), 255 * 32).length, 255 * 32);
        assertArgumentError(() => suite.publicKey(r.publicKey.subarray(1)), 'short public key');
        assertArgumentError(
          () => suite.secretKey(new Uint8Array(r.secretKey.length + 1)),
          'long secret key',
        );
        assertArgumentError(
          () => suite.deriveKeyPair(new Uint8Array(suite.lengths.secretKey - 1)),
          'short ikm',
        );
        assertArgumentError(
          () => suite.setupPskS(r.publicKey, undefined, PSK.subarray(0, 31), PSK_ID),
          'short psk',
        );
        assertArgumentError(
          () => suite.setupPskS(r.publicKey, undefined, PSK, new Uint8Array(0)),
          'empty psk id',
        );
        assertArgumentError(
          () => suite.seal(r.publicKey, utf8('m'), { psk: PSK }),
          'psk without id',
        );
        assertArgumentError(
          () => suite.seal(r.publicKey, utf8('m'), 'options' as never),
          'options',
        );
        assertArgumentError(
          () => suite.seal({ kem, toBytes: () => r.publicKey }, utf8('m')),
          'fake key',
        );
        const otherKem = family.suite({
          kem: kem === 'x-wing' ? 'dhkem-x25519-hkdf-sha256' : 'x-wing',
          kdf: 'hkdf-sha256',
          aead: 'aes-256-gcm',
        });
        assert.throws(
          () => suite.seal(otherKem.publicKey(otherKem.generateKeyPair().publicKey), utf8('m')),
          isInvalidKey,
        );
        // A key parsed through one suite serves every suite on the same KEM.
        const sibling = family.suite({ kem, kdf: 'hkdf-sha512', aead: 'chacha20-poly1305' });
        const parsed = suite.secretKey(r.secretKey);
        const viaSibling = sibling.seal(parsed.publicKey, utf8('m'));
        assert.deepEqual(sibling.open(viaSibling.enc, parsed, viaSibling.ciphertext), utf8('m'));
        assert.deepEqual([r.publicKey, r.secretKey, enc, ciphertext], inputs, 'inputs not mutated');
        assert.ok(s.publicKey.length === suite.lengths.publicKey);
      }
      const exportOnly = family.suite({
        kem: 'dhkem-x25519-hkdf-sha256',
        kdf: 'hkdf-sha256',
        aead: 'export-only',
      });
      const r = exportOnly.generateKeyPair();
      assert.throws(() => exportOnly.seal(r.publicKey, utf8('m')), isUnsupported);
      assert.throws(
        () => exportOnly.open(new Uint8Array(32), r.secretKey, new Uint8Array(16)),
        isUnsupported,
      );
    });

    void test('property: random messages, aad and info round-trip', () => {
      const suite = family.suite({
        kem: 'dhkem-x25519-hkdf-sha256',
        kdf: 'hkdf-sha256',
        aead: 'aes-128-gcm',
      });
      const r = suite.generateKeyPair();
      const pk = suite.publicKey(r.publicKey);
      const sk = suite.secretKey(r.secretKey);
      fc.assert(
        fc.property(
          fc.uint8Array({ maxLength: 300 }),
          fc.uint8Array({ maxLength: 40 }),
          fc.uint8Array({ maxLength: 40 }),
          (pt, aad, info) => {
            const { enc, ciphertext } = suite.seal(pk, pt, { aad, info });
            assert.deepEqual(suite.open(enc, sk, ciphertext, { aad, info }), pt);
          },
        ),
        { numRuns: name === 'web' ? 10 : 50 },
      );
    });
  });
}
