/**
 * MAC and MAC Verify (KMIP 2.1 §6.1.32–33) with HMAC-SHA-256/384/512: the hash comes from the
 * request's Cryptographic Parameters (Cryptographic Algorithm HMAC-SHA-x, or Hashing Algorithm),
 * else from the key's Cryptographic Algorithm. MAC needs an Active key with the MAC Generate
 * usage; MAC Verify a processable key with MAC Verify. Verification compares in constant time.
 */
import {
  CryptographicAlgorithm,
  CryptographicUsageMask,
  HashingAlgorithm,
  Operation,
  ValidityIndicator,
  decodeRequestPayload,
  encodeResponsePayload,
  type CryptographicParameters,
  type TtlvStructure,
} from '@custos/kmip';
import { provider } from '@custos/crypto';
import type { OperationContext, OperationResult } from './context.ts';
import { KmsError } from './errors.ts';
import { refuseStreaming } from './op-server.ts';
import { keyBytes } from './_objects.ts';
import type { LoadedObject } from './repository.ts';
import { checkUsageMask } from './rules.ts';

type HmacHash = 'sha256' | 'sha384' | 'sha512';

const BY_ALGORITHM: ReadonlyMap<number, HmacHash> = new Map([
  [CryptographicAlgorithm.HMAC_SHA256, 'sha256'],
  [CryptographicAlgorithm.HMAC_SHA384, 'sha384'],
  [CryptographicAlgorithm.HMAC_SHA512, 'sha512'],
] as const);

const BY_HASH: ReadonlyMap<number, HmacHash> = new Map([
  [HashingAlgorithm.SHA_256, 'sha256'],
  [HashingAlgorithm.SHA_384, 'sha384'],
  [HashingAlgorithm.SHA_512, 'sha512'],
] as const);

function hmacHash(loaded: LoadedObject, params: CryptographicParameters | undefined): HmacHash {
  const alg = params?.cryptographicAlgorithm ?? loaded.record.attributes.cryptographicAlgorithm;
  const byAlg = alg === undefined ? undefined : BY_ALGORITHM.get(alg);
  if (byAlg !== undefined) return byAlg;
  const h = params?.hashingAlgorithm;
  const byHash = h === undefined ? undefined : BY_HASH.get(h);
  if (byHash !== undefined) return byHash;
  throw new KmsError(
    'ERR_KMS_UNSUPPORTED_CRYPTOGRAPHIC_PARAMETERS',
    'MAC supports HMAC-SHA-256, HMAC-SHA-384 and HMAC-SHA-512',
  );
}

function macKey(loaded: LoadedObject, hash: HmacHash): ReturnType<typeof provider.mac.hmacKey> {
  return loaded.key(`hmac-${hash}`, () =>
    provider.mac.hmacKey(hash, keyBytes(loaded.object, loaded.record.uid)),
  );
}

export async function mac(ctx: OperationContext, payload: TtlvStructure): Promise<OperationResult> {
  const req = decodeRequestPayload(Operation.MAC, payload, ctx.version);
  refuseStreaming(req);
  if (req.data === undefined) throw new KmsError('ERR_KMS_MISSING_DATA', 'MAC needs Data');
  const loaded = await ctx.object(req.uniqueIdentifier, 'mac', 'protect');
  checkUsageMask(loaded.record, CryptographicUsageMask.MACGenerate, 'MAC generation');
  const macData = macKey(loaded, hmacHash(loaded, req.cryptographicParameters)).compute(req.data);
  return {
    payload: encodeResponsePayload(
      Operation.MAC,
      { uniqueIdentifier: loaded.record.uid, macData },
      ctx.version,
    ),
    uids: [],
    subject: loaded.record.uid,
  };
}

export async function macVerify(
  ctx: OperationContext,
  payload: TtlvStructure,
): Promise<OperationResult> {
  const req = decodeRequestPayload(Operation.MACVerify, payload, ctx.version);
  refuseStreaming(req);
  if (req.data === undefined || req.macData === undefined)
    throw new KmsError('ERR_KMS_MISSING_DATA', 'MAC Verify needs Data and MAC Data');
  const loaded = await ctx.object(req.uniqueIdentifier, 'mac', 'process');
  checkUsageMask(loaded.record, CryptographicUsageMask.MACVerify, 'MAC verification');
  const ok = macKey(loaded, hmacHash(loaded, req.cryptographicParameters)).verify(
    req.data,
    req.macData,
  );
  return {
    payload: encodeResponsePayload(
      Operation.MACVerify,
      {
        uniqueIdentifier: loaded.record.uid,
        validityIndicator: ok ? ValidityIndicator.Valid : ValidityIndicator.Invalid,
      },
      ctx.version,
    ),
    uids: [],
    subject: loaded.record.uid,
  };
}
