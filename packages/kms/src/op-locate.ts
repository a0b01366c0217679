/**
 * Locate (KMIP 2.1 §6.1.31): the identifiers of the objects the caller owns or holds a grant on
 * that match every attribute given. Object type, algorithm, length, names and tags are matched
 * by the database; state (as of now), dates (exact, or a range when the request gives the
 * attribute twice), usage mask (every bit asked must be set), links and the other attributes
 * are matched in memory. Destroyed objects are found only when the State asked is a destroyed
 * one. Results are oldest first; Maximum Items and Offset Items page through them, and Located
 * Items gives the total number of matches.
 */
import {
  Operation,
  State,
  decodeRequestPayload,
  encodeResponsePayload,
  type Attributes,
  type TtlvStructure,
} from '@custos/kmip';
import type { OperationContext, OperationResult } from './context.ts';
import { KmsError } from './errors.ts';
import { encodeAttributes, type ObjectRecord } from './model.ts';
import { attributeKeys, effectiveState, extractTags } from './rules.ts';

type Key = keyof Attributes;

/** Most rows read from the database for one Locate before filtering in memory. */
const SCAN_LIMIT = 100_000;

const DATE_KEYS: ReadonlySet<Key> = new Set<Key>([
  'initialDate',
  'activationDate',
  'deactivationDate',
  'processStartDate',
  'protectStopDate',
  'destroyDate',
  'compromiseDate',
  'compromiseOccurrenceDate',
  'lastChangeDate',
  'archiveDate',
  'originalCreationDate',
  'rotateDate',
]);

/** Keys matched by the database query or handled specially. */
const SQL_KEYS: ReadonlySet<Key> = new Set<Key>([
  'objectType',
  'cryptographicAlgorithm',
  'cryptographicLength',
  'names',
  'state',
  'cryptographicUsageMask',
  'uniqueIdentifier',
]);

function encoded(key: Key, value: unknown): string {
  return encodeAttributes({ [key]: value });
}

function matchesInMemory(
  record: ObjectRecord,
  criteria: Attributes,
  ends: Attributes | undefined,
  now: Date,
): boolean {
  const a = record.attributes;
  if (criteria.state !== undefined && effectiveState(record, now) !== criteria.state) return false;
  if (criteria.uniqueIdentifier !== undefined && criteria.uniqueIdentifier !== record.uid)
    return false;
  const mask = criteria.cryptographicUsageMask;
  if (mask !== undefined && ((a.cryptographicUsageMask ?? 0) & mask) !== mask) return false;
  for (const key of attributeKeys(criteria)) {
    if (SQL_KEYS.has(key) || key === 'extensions') continue;
    const want = criteria[key];
    const have = a[key];
    if (DATE_KEYS.has(key)) {
      if (!(have instanceof Date) || !(want instanceof Date)) return false;
      const end = ends?.[key];
      if (end instanceof Date) {
        if (have < want || have > end) return false;
      } else if (have.getTime() !== want.getTime()) return false;
      continue;
    }
    if (Array.isArray(want)) {
      const haves = new Set(((have as unknown[] | undefined) ?? []).map((h) => encoded(key, [h])));
      if (!want.every((w) => haves.has(encoded(key, [w])))) return false;
      continue;
    }
    if (have === undefined || encoded(key, have) !== encoded(key, want)) return false;
  }
  return true;
}

export async function locate(
  ctx: OperationContext,
  payload: TtlvStructure,
): Promise<OperationResult> {
  const req = decodeRequestPayload(Operation.Locate, payload, ctx.version);
  const { attributes: criteria, tags } = extractTags(
    req.attributes,
    ctx.config.vendorIdentification,
  );
  const max = Math.min(
    req.maximumItems ?? ctx.config.limits.locateMaxItems,
    ctx.config.limits.locateMaxItems,
  );
  const offset = req.offsetItems ?? 0;
  if (max < 0 || offset < 0)
    throw new KmsError(
      'ERR_KMS_INVALID_FIELD',
      'Maximum Items and Offset Items must not be negative',
    );
  const destroyedStates = [State.Destroyed, State.DestroyedCompromised] as number[];
  const reader = ctx.tx ?? ctx.server.repo.store;
  const found = await reader.locate({
    user: ctx.user,
    ...(criteria.objectType === undefined ? {} : { objectType: criteria.objectType }),
    ...(criteria.state !== undefined && destroyedStates.includes(criteria.state)
      ? { states: [criteria.state] }
      : {}),
    ...(criteria.cryptographicAlgorithm === undefined
      ? {}
      : { algorithm: criteria.cryptographicAlgorithm }),
    ...(criteria.cryptographicLength === undefined ? {} : { length: criteria.cryptographicLength }),
    tags: tags ?? [],
    names: (criteria.names ?? []).map((n) => n.nameValue),
    limit: SCAN_LIMIT,
  });
  const ends = req.rangeEnds;
  const matched = found.filter((r) => matchesInMemory(r, criteria, ends, ctx.now));
  const page = matched.slice(offset, offset + max).map((r) => r.uid);
  const response: { locatedItems?: number; uniqueIdentifiers: string[] } = {
    uniqueIdentifiers: page,
  };
  // Located Items exists from KMIP 1.3 on.
  if (ctx.version.major > 1 || ctx.version.minor >= 3) response.locatedItems = matched.length;
  return {
    payload: encodeResponsePayload(Operation.Locate, response, ctx.version),
    uids: page,
  };
}
