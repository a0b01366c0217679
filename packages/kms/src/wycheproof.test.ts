/**
 * Wycheproof vectors through the server, end to end over HTTP: each group's key is registered
 * (SPKI or PKCS#8, as the vectors give it) and every test runs as a KMIP Signature Verify or
 * Decrypt. A valid vector must verify (or decrypt to its message); an invalid one must be
 * answered Invalid or with a KMIP error, never accepted. "Acceptable" vectors (legacy encodings
 * a verifier may take or refuse) are counted but not judged.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  DigitalSignatureAlgorithm,
  HashingAlgorithm,
  KeyFormatType,
  ObjectType,
  Operation,
  PaddingMethod,
  ValidityIndicator,
  batchItem,
  type CryptographicParameters,
  type KmipClient,
} from '@custos/kmip';
import { startTestServer, type TestServer } from './_test/harness.ts';
import {
  loadWycheproofGroups,
  wycheproofSkipReason,
  type WycheproofTest,
} from './_test/vectors.ts';

const PAST = new Date('2024-01-01T00:00:00Z');
const hex = (s: unknown): Uint8Array => Uint8Array.from(Buffer.from(s as string, 'hex'));

async function registerKey(
  c: KmipClient,
  kind: 'PublicKey' | 'PrivateKey',
  der: Uint8Array,
): Promise<string> {
  const r = await c.call(
    batchItem(Operation.Register, {
      objectType: kind === 'PublicKey' ? ObjectType.PublicKey : ObjectType.PrivateKey,
      attributes: { activationDate: PAST },
      object: {
        kind,
        keyBlock: {
          keyFormatType: kind === 'PublicKey' ? KeyFormatType.X_509 : KeyFormatType.PKCS_8,
          keyValue: { keyMaterial: der },
        },
      },
    }),
  );
  return r.uniqueIdentifier as string;
}

/** True = Valid, false = Invalid, undefined = refused with a KMIP error. */
async function verify(
  c: KmipClient,
  uid: string,
  data: Uint8Array,
  signatureData: Uint8Array,
  cryptographicParameters: CryptographicParameters,
): Promise<boolean | undefined> {
  try {
    const r = await c.call(
      batchItem(Operation.SignatureVerify, {
        uniqueIdentifier: uid,
        data,
        signatureData,
        cryptographicParameters,
      }),
    );
    return r.validityIndicator === ValidityIndicator.Valid;
  } catch (error) {
    // A KMIP failure (malformed signature encoding) is a rejection; anything else is a bug.
    if ((error as { resultReason?: unknown }).resultReason === undefined) throw error;
    return undefined;
  }
}

interface Tally {
  valid: number;
  invalid: number;
  acceptable: number;
}

function judge(test: WycheproofTest, accepted: boolean, tally: Tally, file: string): void {
  const where = `${file} tcId ${test.tcId} (${test.comment})`;
  if (test.result === 'valid') {
    assert.ok(accepted, `valid vector refused: ${where}`);
    tally.valid++;
  } else if (test.result === 'invalid') {
    assert.ok(!accepted, `invalid vector accepted: ${where}`);
    tally.invalid++;
  } else tally.acceptable++;
}

const SIGNATURE_FILES = [
  {
    file: 'ecdsa_secp256r1_sha256_test.json',
    params: { digitalSignatureAlgorithm: DigitalSignatureAlgorithm.ECDSAWithSHA256 },
  },
  { file: 'ed25519_test.json', params: {} },
  {
    file: 'rsa_pss_2048_sha256_mgf1_32_test.json',
    params: {
      digitalSignatureAlgorithm: DigitalSignatureAlgorithm.RSASSA_PSS,
      hashingAlgorithm: HashingAlgorithm.SHA_256,
    },
  },
] as const;

const OAEP_FILE = 'rsa_oaep_2048_sha256_mgf1sha256_test.json';

void describe('Wycheproof through the server', () => {
  let t: TestServer;
  let c: KmipClient;
  before(async () => {
    t = await startTestServer();
    c = t.client();
  });
  after(async () => {
    await t.close();
  });

  for (const { file, params } of SIGNATURE_FILES) {
    void test(`Signature Verify: ${file}`, { skip: wycheproofSkipReason(file) }, async (ctx) => {
      const tally: Tally = { valid: 0, invalid: 0, acceptable: 0 };
      for (const group of loadWycheproofGroups(file)) {
        const uid = await registerKey(c, 'PublicKey', hex(group['publicKeyDer']));
        for (const v of group.tests) {
          const ok = await verify(c, uid, hex(v['msg']), hex(v['sig']), params);
          judge(v, ok === true, tally, file);
        }
      }
      assert.ok(tally.valid > 0 && tally.invalid > 0, 'both valid and invalid vectors ran');
      ctx.diagnostic(
        `${tally.valid} valid, ${tally.invalid} invalid, ${tally.acceptable} acceptable`,
      );
    });
  }

  void test(
    `Decrypt (RSA-OAEP): ${OAEP_FILE}`,
    { skip: wycheproofSkipReason(OAEP_FILE) },
    async (ctx) => {
      const tally: Tally = { valid: 0, invalid: 0, acceptable: 0 };
      let labelled = 0;
      const params: CryptographicParameters = {
        paddingMethod: PaddingMethod.OAEP,
        hashingAlgorithm: HashingAlgorithm.SHA_256,
        maskGeneratorHashingAlgorithm: HashingAlgorithm.SHA_256,
      };
      for (const group of loadWycheproofGroups(OAEP_FILE)) {
        const uid = await registerKey(c, 'PrivateKey', hex(group['privateKeyPkcs8']));
        for (const v of group.tests) {
          // KMIP has no field for an OAEP label: only label-less vectors apply.
          if ((v['label'] as string) !== '') {
            labelled++;
            continue;
          }
          let plain: Uint8Array | undefined;
          try {
            const r = await c.call(
              batchItem(Operation.Decrypt, {
                uniqueIdentifier: uid,
                data: hex(v['ct']),
                cryptographicParameters: params,
              }),
            );
            plain = r.data;
          } catch (error) {
            if ((error as { resultReason?: unknown }).resultReason === undefined) throw error;
          }
          const accepted = plain !== undefined && Buffer.from(plain).equals(hex(v['msg']));
          judge(v, accepted, tally, OAEP_FILE);
        }
      }
      assert.ok(tally.valid > 0 && tally.invalid > 0, 'both valid and invalid vectors ran');
      ctx.diagnostic(
        `${tally.valid} valid, ${tally.invalid} invalid, ${tally.acceptable} acceptable, ${labelled} with a label skipped`,
      );
    },
  );
});
