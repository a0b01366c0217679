/**
 * Operations that touch no object: Query (§6.1.37), Discover Versions (§6.1.19), RNG Retrieve
 * (§6.1.40) and Hash (§6.1.26).
 */
import {
  HashingAlgorithm,
  ObjectType,
  Operation,
  QueryFunction,
  decodeRequestPayload,
  encodeResponsePayload,
  type ProtocolVersion,
  type TtlvStructure,
} from '@custos/kmip';
import { provider } from '@custos/crypto';
import type { OperationContext, OperationResult } from './context.ts';
import { KmsError } from './errors.ts';

/** Protocol versions served, most preferred first. */
export const SUPPORTED_VERSIONS: readonly ProtocolVersion[] = [
  { major: 2, minor: 1 },
  { major: 2, minor: 0 },
  { major: 1, minor: 4 },
  { major: 1, minor: 3 },
  { major: 1, minor: 2 },
  { major: 1, minor: 1 },
  { major: 1, minor: 0 },
];

export function isSupportedVersion(v: ProtocolVersion): boolean {
  return SUPPORTED_VERSIONS.some((s) => s.major === v.major && s.minor === v.minor);
}

/** Object types that can be stored (Create makes the first two). */
const OBJECT_TYPES = [
  ObjectType.SymmetricKey,
  ObjectType.SecretData,
  ObjectType.OpaqueObject,
  ObjectType.Certificate,
  ObjectType.PublicKey,
  ObjectType.PrivateKey,
];

export function query(operations: () => readonly number[]) {
  return (ctx: OperationContext, payload: TtlvStructure): Promise<OperationResult> => {
    const req = decodeRequestPayload(Operation.Query, payload, ctx.version);
    const out: { operations?: number[]; objectTypes?: number[]; vendorIdentification?: string } =
      {};
    for (const f of req.queryFunctions) {
      if (f === QueryFunction.QueryOperations) out.operations = [...operations()];
      else if (f === QueryFunction.QueryObjects) out.objectTypes = [...OBJECT_TYPES];
      else if (f === QueryFunction.QueryServerInformation)
        out.vendorIdentification = `${ctx.config.vendorIdentification} ${ctx.server.version}`;
      // Other query functions have nothing to report: their answer is empty (KMIP 2.1 §6.1.37).
    }
    return Promise.resolve({
      payload: encodeResponsePayload(Operation.Query, out, ctx.version),
      uids: [],
    });
  };
}

export function discoverVersions(
  ctx: OperationContext,
  payload: TtlvStructure,
): Promise<OperationResult> {
  const req = decodeRequestPayload(Operation.DiscoverVersions, payload, ctx.version);
  const asked = req.protocolVersions ?? [];
  const protocolVersions =
    asked.length === 0 ? [...SUPPORTED_VERSIONS] : asked.filter((v) => isSupportedVersion(v));
  return Promise.resolve({
    payload: encodeResponsePayload(Operation.DiscoverVersions, { protocolVersions }, ctx.version),
    uids: [],
  });
}

/** Largest RNG Retrieve answer. */
const MAX_RANDOM = 1 << 20;

export function rngRetrieve(
  ctx: OperationContext,
  payload: TtlvStructure,
): Promise<OperationResult> {
  const req = decodeRequestPayload(Operation.RNGRetrieve, payload, ctx.version);
  if (req.dataLength < 1 || req.dataLength > MAX_RANDOM)
    throw new KmsError('ERR_KMS_INVALID_FIELD', `Data Length must be 1 to ${MAX_RANDOM} bytes`);
  return Promise.resolve({
    payload: encodeResponsePayload(
      Operation.RNGRetrieve,
      { data: provider.random.bytes(req.dataLength) },
      ctx.version,
    ),
    uids: [],
  });
}

/** Hash names of `@custos/crypto` by KMIP Hashing Algorithm. */
export const HASHES: ReadonlyMap<
  number,
  'sha256' | 'sha384' | 'sha512' | 'sha3-256' | 'sha3-384' | 'sha3-512'
> = new Map([
  [HashingAlgorithm.SHA_256, 'sha256'],
  [HashingAlgorithm.SHA_384, 'sha384'],
  [HashingAlgorithm.SHA_512, 'sha512'],
  [HashingAlgorithm.SHA3_256, 'sha3-256'],
  [HashingAlgorithm.SHA3_384, 'sha3-384'],
  [HashingAlgorithm.SHA3_512, 'sha3-512'],
] as const);

/** @throws KmsError FeatureNotSupported for multi-part (streamed) requests. */
export function refuseStreaming(req: {
  correlationValue?: Uint8Array;
  initIndicator?: boolean;
  finalIndicator?: boolean;
}): void {
  if (
    req.correlationValue !== undefined ||
    req.initIndicator !== undefined ||
    req.finalIndicator !== undefined
  )
    throw new KmsError(
      'ERR_KMS_FEATURE_NOT_SUPPORTED',
      'multi-part (streamed) operations are not supported',
    );
}

export function hash(ctx: OperationContext, payload: TtlvStructure): Promise<OperationResult> {
  const req = decodeRequestPayload(Operation.Hash, payload, ctx.version);
  refuseStreaming(req);
  const h = req.cryptographicParameters.hashingAlgorithm;
  const name = h === undefined ? undefined : HASHES.get(h);
  if (name === undefined)
    throw new KmsError(
      'ERR_KMS_UNSUPPORTED_CRYPTOGRAPHIC_PARAMETERS',
      'Hash supports SHA-256/384/512 and SHA3-256/384/512',
    );
  if (req.data === undefined) throw new KmsError('ERR_KMS_MISSING_DATA', 'Hash needs Data');
  return Promise.resolve({
    payload: encodeResponsePayload(
      Operation.Hash,
      { data: provider.hash.digest(name, req.data) },
      ctx.version,
    ),
    uids: [],
  });
}
