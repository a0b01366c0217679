/**
 * Frozen non-regression vectors of format version 2 (`_test/format-vectors.json`, generated once
 * by `_test/make-format-vectors.ts`). A failure here means a format or derivation changed:
 * bump the format version instead of regenerating.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { decrypt } from './hybrid.ts';
import { MasterSecretKey } from './master-key.ts';
import { MasterPublicKey } from './public-key.ts';
import { UserKey } from './user-key.ts';
import { AccessStructure } from './structure.ts';
import { VECTOR_STRUCTURE } from './_test/format-vectors-spec.ts';

interface Vectors {
  authorityId: string;
  masterSecretKey: string;
  publicKey: string;
  userPolicy: string;
  userSerial: number;
  userKey: string;
  encapsulationKats: {
    policy: string;
    visibility: 'hidden' | 'public';
    seed: string;
    key: string;
    encapsulation: string;
  }[];
  ciphertexts: {
    policy: string;
    aad: string;
    metadata: string | null;
    plaintext: string;
    ciphertext: string;
  }[];
  deniedCiphertext: string;
}

const v = JSON.parse(
  readFileSync(new URL('./_test/format-vectors.json', import.meta.url), 'utf8'),
) as Vectors;
const bin = (h: string): Uint8Array => new Uint8Array(Buffer.from(h, 'hex'));
const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

void describe('format vectors v2', () => {
  void test('vectors are present', () => {
    assert.ok(v.encapsulationKats.length >= 2 && v.ciphertexts.length >= 4);
  });

  void test('master secret key: loads, re-encodes identically, same authority and structure', async () => {
    const msk = await MasterSecretKey.load(bin(v.masterSecretKey));
    assert.deepEqual(msk.toBytes(), bin(v.masterSecretKey));
    assert.deepEqual(msk.authorityId, bin(v.authorityId));
    assert.deepEqual(
      msk.structure.dimensions(),
      AccessStructure.create(VECTOR_STRUCTURE).dimensions(),
    );
  });

  void test('public key: re-signed from the master key to the same bytes; loads pinned', async () => {
    const msk = await MasterSecretKey.load(bin(v.masterSecretKey));
    assert.deepEqual(await msk.publicKey(), bin(v.publicKey));
    const mpk = await MasterPublicKey.load(bin(v.publicKey), { authority: bin(v.authorityId) });
    assert.deepEqual(mpk.toBytes(), bin(v.publicKey));
  });

  void test('user key: re-issued to the same bytes (deterministic id, MAC, signature); traces', async () => {
    const msk = await MasterSecretKey.load(bin(v.masterSecretKey));
    const { userKey, serial } = await msk.issueUserKey(v.userPolicy);
    assert.equal(serial, v.userSerial);
    assert.deepEqual(userKey, bin(v.userKey));
    assert.equal(msk.traceUserKey(bin(v.userKey)), v.userSerial);
    const usk = await UserKey.load(bin(v.userKey), { authority: bin(v.authorityId) });
    assert.deepEqual(usk.toBytes(), bin(v.userKey));
  });

  void test('encapsulation known answers (classic, fixed seed)', async () => {
    const mpk = await MasterPublicKey.load(bin(v.publicKey), { authority: bin(v.authorityId) });
    const usk = await UserKey.load(bin(v.userKey));
    for (const kat of v.encapsulationKats) {
      const { key, encapsulation } = mpk._encapsulate(
        kat.policy,
        { visibility: kat.visibility },
        bin(kat.seed),
      );
      assert.equal(Buffer.from(encapsulation).toString('hex'), kat.encapsulation, kat.visibility);
      assert.equal(Buffer.from(key).toString('hex'), kat.key);
      assert.equal(
        Buffer.from(usk.decapsulate(bin(kat.encapsulation)) ?? []).toString('hex'),
        kat.key,
      );
    }
  });

  void test('frozen ciphertexts still decrypt; the frozen denied one is still denied', async () => {
    const usk = await UserKey.load(bin(v.userKey));
    for (const c of v.ciphertexts) {
      const r = decrypt(usk, bin(c.ciphertext), { aad: utf8(c.aad) });
      assert.ok(r.authorized, c.policy);
      assert.equal(new TextDecoder().decode(r.plaintext), c.plaintext);
      assert.deepEqual(r.metadata, c.metadata === null ? undefined : utf8(c.metadata));
    }
    assert.deepEqual(decrypt(usk, bin(v.deniedCiphertext)), { authorized: false });
  });
});
