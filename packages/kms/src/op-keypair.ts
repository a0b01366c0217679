/**
 * Create Key Pair (KMIP 2.1 §6.1.7): a private key and its public key, linked both ways
 * (Public Key Link on the private key, Private Key Link on the public key), owned by the
 * caller. The private key's identifier comes first in the result (it becomes the ID
 * Placeholder); the public key's is the private one with `_pk` appended, as in Cosmian KMS.
 *
 * Extension point: other key-pair families (Covercrypt master keys) plug in with
 * `registerKeyPairAlgorithm(algorithm, { create, rekey })`; Create Key Pair and Re-key Key Pair
 * hand a request whose Cryptographic Algorithm is registered to those handlers before anything
 * else, and the built-in families (RSA, EC, Ed25519, X25519, ML-KEM, ML-DSA, X-Wing) never see
 * it. `insertKeyPair` is exported so that such handlers store their pairs the same way.
 */
import {
  LinkType,
  ObjectType,
  Operation,
  decodeRequestPayload,
  encodeResponsePayload,
  type Attributes,
  type CreateKeyPairRequest,
  type ManagedObject,
  type ReKeyKeyPairRequest,
  type TtlvStructure,
} from '@custos/kmip';
import type { OperationContext, OperationResult } from './context.ts';
import { KmsError } from './errors.ts';
import { requireCreateRight } from './op-create.ts';
import type { LoadedObject } from './repository.ts';
import { insertNewObject } from './_objects.ts';
import type { ObjectRecord } from './model.ts';
import {
  familyAttributes,
  generateKeyPair,
  keyPairFamily,
  pairUsageMasks,
  type KeyFamily,
} from './_asym-keys.ts';

/** What a key-pair family registered from outside provides. */
export interface KeyPairAlgorithmHandlers {
  /**
   * Creates a pair. Called with the decoded request once the caller's creation right has been
   * checked, inside the message's transaction (`ctx.writer`).
   */
  readonly create: (ctx: OperationContext, req: CreateKeyPairRequest) => Promise<OperationResult>;
  /**
   * Renews the pair whose private key is `old` (resolved, locked, `rekey` right and state
   * checked; creation right checked).
   */
  readonly rekey: (
    ctx: OperationContext,
    req: ReKeyKeyPairRequest,
    old: LoadedObject,
  ) => Promise<OperationResult>;
}

const extensions = new Map<number, KeyPairAlgorithmHandlers>();

/**
 * Routes Create Key Pair and Re-key Key Pair requests for `algorithm` (a Cryptographic
 * Algorithm value, e.g. Cosmian's CoverCrypt 0x88800004) to `handlers`. Registering an
 * algorithm twice replaces the earlier handlers (one family per algorithm).
 */
export function registerKeyPairAlgorithm(
  algorithm: number,
  handlers: KeyPairAlgorithmHandlers,
): void {
  extensions.set(algorithm, handlers);
}

/** The handlers registered for `algorithm`, if any. */
export function keyPairExtension(
  algorithm: number | undefined,
): KeyPairAlgorithmHandlers | undefined {
  return algorithm === undefined ? undefined : extensions.get(algorithm);
}

/** Cryptographic Algorithm a Create Key Pair request names (common, then private, then public). */
export function requestedAlgorithm(req: {
  readonly commonAttributes?: Attributes | undefined;
  readonly privateKeyAttributes?: Attributes | undefined;
  readonly publicKeyAttributes?: Attributes | undefined;
}): number | undefined {
  return (
    req.commonAttributes?.cryptographicAlgorithm ??
    req.privateKeyAttributes?.cryptographicAlgorithm ??
    req.publicKeyAttributes?.cryptographicAlgorithm
  );
}

/** What `insertKeyPair` stores. */
export interface NewKeyPair {
  readonly privateKey: ManagedObject;
  readonly publicKey: ManagedObject;
  /** Client attributes of each half (common merged with the half's own). */
  readonly privateAttributes: Attributes;
  readonly publicAttributes: Attributes;
  /** Server-set attributes added to each half (links to older generations...). */
  readonly privateExtra?: Attributes;
  readonly publicExtra?: Attributes;
}

/**
 * Inserts a private key and its public key linked both ways. The public key's identifier is
 * the private one + `_pk` unless the public attributes name one.
 */
export async function insertKeyPair(
  ctx: OperationContext,
  pair: NewKeyPair,
): Promise<{ privateRecord: ObjectRecord; publicRecord: ObjectRecord }> {
  const privUid = textUid(pair.privateAttributes) ?? globalThis.crypto.randomUUID();
  const pubUid = textUid(pair.publicAttributes) ?? `${privUid}_pk`;
  if (privUid === pubUid)
    throw new KmsError('ERR_KMS_INVALID_FIELD', 'the two keys of a pair need distinct identifiers');
  const privateRecord = await insertNewObject(ctx, {
    objectType: ObjectType.PrivateKey,
    attributes: pair.privateAttributes,
    object: pair.privateKey,
    uid: privUid,
    extra: {
      ...pair.privateExtra,
      links: [
        ...(pair.privateExtra?.links ?? []),
        { linkType: LinkType.PublicKeyLink, linkedObjectIdentifier: pubUid },
      ],
    },
  });
  const publicRecord = await insertNewObject(ctx, {
    objectType: ObjectType.PublicKey,
    attributes: pair.publicAttributes,
    object: pair.publicKey,
    uid: pubUid,
    extra: {
      ...pair.publicExtra,
      links: [
        ...(pair.publicExtra?.links ?? []),
        { linkType: LinkType.PrivateKeyLink, linkedObjectIdentifier: privUid },
      ],
    },
  });
  return { privateRecord, publicRecord };
}

function textUid(a: Attributes): string | undefined {
  const u = a.uniqueIdentifier;
  if (u === undefined) return undefined;
  if (typeof u !== 'string')
    throw new KmsError('ERR_KMS_INVALID_FIELD', 'a new object needs a text Unique Identifier');
  return u;
}

/** The Create Key Pair / Re-key Key Pair result: private key first (ID Placeholder). */
export function keyPairResult(
  ctx: OperationContext,
  operation: typeof Operation.CreateKeyPair | typeof Operation.ReKeyKeyPair,
  privUid: string,
  pubUid: string,
): OperationResult {
  return {
    payload: encodeResponsePayload(
      operation,
      { privateKeyUniqueIdentifier: privUid, publicKeyUniqueIdentifier: pubUid },
      ctx.version,
    ),
    uids: [privUid, pubUid],
  };
}

/**
 * Client attributes of both halves: common attributes under each half's own, the Cryptographic
 * Algorithm and Length the server settled on, and the usage masks (requested, else the family's
 * defaults).
 */
export function halfAttributes(
  req: {
    readonly commonAttributes?: Attributes | undefined;
    readonly privateKeyAttributes?: Attributes | undefined;
    readonly publicKeyAttributes?: Attributes | undefined;
  },
  family: KeyFamily,
  defaults: { readonly privateMask: number; readonly publicMask: number },
): { privateAttributes: Attributes; publicAttributes: Attributes } {
  const common: Attributes = { ...req.commonAttributes };
  // A common Unique Identifier cannot name two objects: it names the private key.
  const { uniqueIdentifier: commonUid, ...commonRest } = common;
  const priv: Attributes = { ...commonRest, ...req.privateKeyAttributes };
  if (priv.uniqueIdentifier === undefined && commonUid !== undefined)
    priv.uniqueIdentifier = commonUid;
  const pub: Attributes = { ...commonRest, ...req.publicKeyAttributes };
  for (const a of [priv, pub]) Object.assign(a, familyAttributes(family));
  priv.cryptographicUsageMask ??= defaults.privateMask;
  pub.cryptographicUsageMask ??= defaults.publicMask;
  delete priv.objectType;
  delete pub.objectType;
  return { privateAttributes: priv, publicAttributes: pub };
}

export async function createKeyPair(
  ctx: OperationContext,
  payload: TtlvStructure,
): Promise<OperationResult> {
  const req = decodeRequestPayload(Operation.CreateKeyPair, payload, ctx.version);
  await requireCreateRight(ctx);
  const algorithm = requestedAlgorithm(req);
  // Extension point (Covercrypt master key pairs...): registered families come first.
  const delegated = keyPairExtension(algorithm);
  if (delegated !== undefined) return delegated.create(ctx, req);

  checkAgreeing(req, algorithm);
  const family = keyPairFamily(
    algorithm,
    req.commonAttributes?.cryptographicLength ??
      req.privateKeyAttributes?.cryptographicLength ??
      req.publicKeyAttributes?.cryptographicLength,
    req.commonAttributes?.cryptographicDomainParameters?.recommendedCurve ??
      req.privateKeyAttributes?.cryptographicDomainParameters?.recommendedCurve,
  );
  const generated = await generateKeyPair(family);
  const { privateAttributes, publicAttributes } = halfAttributes(
    req,
    family,
    pairUsageMasks(family),
  );
  const { privateRecord, publicRecord } = await insertKeyPair(ctx, {
    privateKey: generated.privateKey,
    publicKey: generated.publicKey,
    privateAttributes,
    publicAttributes,
  });
  return keyPairResult(ctx, Operation.CreateKeyPair, privateRecord.uid, publicRecord.uid);
}

/** The three attribute sets must not name different algorithms. */
function checkAgreeing(req: CreateKeyPairRequest, algorithm: number | undefined): void {
  for (const a of [req.commonAttributes, req.privateKeyAttributes, req.publicKeyAttributes]) {
    const x = a?.cryptographicAlgorithm;
    if (x !== undefined && x !== algorithm)
      throw new KmsError(
        'ERR_KMS_INVALID_FIELD',
        'common, private and public attributes name different algorithms',
      );
  }
}
