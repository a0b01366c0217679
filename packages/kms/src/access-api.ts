/**
 * The rights API (`/access/*`), the same routes and bodies as Cosmian KMS so that its clients
 * work unchanged:
 *
 * | route | body / answer |
 * |---|---|
 * | `POST /access/grant` | `{"unique_identifier","user_id","operation_types":[...]}` → `{"success"}`; owner only (`*` + `create`: privileged users only) |
 * | `POST /access/revoke` | same body; removes those rights |
 * | `GET /access/list/{uid}` | `[{"user_id","operations"}]`; owner only |
 * | `GET /access/owned` | `[{"object_id","object_type","state","tags"}]` |
 * | `GET /access/obtained` | `[{"object_id","owner_id","state","operations"}]` (direct and `*` grants) |
 * | `GET /access/create` | `{"has_create_permission"}` |
 * | `GET /access/privileged` | `{"has_privileged_access"}` |
 *
 * Grant and revoke run in a transaction and are audited like KMIP operations.
 */
import { enumName } from '@custos/kmip';
import { ALL_OBJECTS, EVERYONE, checkRights, rightsOf, CREATE_RIGHT } from './access.ts';
import type { Caller, ServerState } from './context.ts';
import { KmsError, reasonName, toKmsError } from './errors.ts';
import { effectiveState } from './rules.ts';

interface GrantBody {
  unique_identifier: string;
  user_id: string;
  operation_types: string[];
}

function parseGrant(body: Buffer): GrantBody {
  let v: unknown;
  try {
    v = JSON.parse(body.toString('utf8'));
  } catch {
    throw new KmsError('ERR_KMS_BAD_REQUEST', 'the body is not JSON');
  }
  const o = v as Partial<GrantBody> | null;
  if (typeof o !== 'object' || o === null)
    throw new KmsError('ERR_KMS_BAD_REQUEST', 'the body must be an object');
  if (typeof o.unique_identifier !== 'string' || o.unique_identifier === '')
    throw new KmsError('ERR_KMS_BAD_REQUEST', 'unique_identifier must be a string');
  if (typeof o.user_id !== 'string' || o.user_id === '')
    throw new KmsError('ERR_KMS_BAD_REQUEST', 'user_id must be a string');
  if (
    !Array.isArray(o.operation_types) ||
    o.operation_types.length === 0 ||
    !o.operation_types.every((x) => typeof x === 'string')
  )
    throw new KmsError(
      'ERR_KMS_BAD_REQUEST',
      'operation_types must be a non-empty array of strings',
    );
  return {
    unique_identifier: o.unique_identifier,
    user_id: o.user_id,
    operation_types: o.operation_types,
  };
}

function stateText(state: number): string {
  return enumName('State', state, 'cosmian') ?? String(state);
}

async function changeGrant(
  s: ServerState,
  caller: Caller,
  body: Buffer,
  grant: boolean,
): Promise<unknown> {
  const g = parseGrant(body);
  const uid = g.unique_identifier;
  const rights = checkRights(g.operation_types, uid);
  if (g.user_id === caller.user)
    throw new KmsError(
      'ERR_KMS_BAD_REQUEST',
      'rights cannot be granted to or revoked from oneself',
    );
  const operation = grant ? 'grant' : 'revokeaccess';
  try {
    await s.repo.transaction(async (tx) => {
      if (uid === ALL_OBJECTS) {
        if (!s.config.privilegedUsers.includes(caller.user))
          throw new KmsError(
            'ERR_KMS_PERMISSION_DENIED',
            'only privileged users grant or revoke "create"',
          );
      } else {
        const record = await tx.getObject(uid, { lock: true });
        if (record === undefined)
          throw new KmsError('ERR_KMS_ITEM_NOT_FOUND', `object ${uid} not found`);
        if (record.owner !== caller.user)
          throw new KmsError(
            'ERR_KMS_PERMISSION_DENIED',
            `only the owner of ${uid} manages its rights`,
          );
      }
      const current = (await tx.grantsOn(uid)).find((x) => x.user === g.user_id)?.operations ?? [];
      const next = grant
        ? [...new Set([...current, ...rights])]
        : current.filter((r) => !rights.includes(r));
      await tx.setGrant(uid, g.user_id, next);
    });
  } catch (error) {
    const e = toKmsError(error);
    s.audit?.record({
      user: caller.user,
      operation,
      uid,
      status: 'failure',
      reason: reasonName(e.reason),
      source: caller.source,
    });
    throw e;
  }
  s.audit?.record({
    user: caller.user,
    operation,
    uid,
    status: 'success',
    reason: '',
    source: caller.source,
  });
  return { success: `Access for ${g.user_id} successfully ${grant ? 'added' : 'revoked'}` };
}

/**
 * Serves one `/access/*` route. @throws KmsError (status from the registry)
 */
export async function handleAccessRoute(
  s: ServerState,
  caller: Caller,
  method: string,
  path: string,
  body: Buffer,
): Promise<unknown> {
  const store = s.repo.store;
  const now = new Date();
  if (method === 'POST' && path === '/access/grant') return changeGrant(s, caller, body, true);
  if (method === 'POST' && path === '/access/revoke') return changeGrant(s, caller, body, false);
  if (method !== 'GET')
    throw new KmsError('ERR_KMS_METHOD_NOT_ALLOWED', `${method} is not allowed on ${path}`);
  if (path.startsWith('/access/list/')) {
    const uid = decodeURIComponent(path.slice('/access/list/'.length));
    if (uid === ALL_OBJECTS) {
      if (!s.config.privilegedUsers.includes(caller.user))
        throw new KmsError(
          'ERR_KMS_PERMISSION_DENIED',
          'only privileged users list "create" grants',
        );
    } else {
      const record = await store.getObject(uid);
      if (record === undefined)
        throw new KmsError('ERR_KMS_ITEM_NOT_FOUND', `object ${uid} not found`);
      if (record.owner !== caller.user)
        throw new KmsError(
          'ERR_KMS_PERMISSION_DENIED',
          `only the owner of ${uid} lists its rights`,
        );
    }
    return (await store.grantsOn(uid)).map((g) => ({ user_id: g.user, operations: g.operations }));
  }
  switch (path) {
    case '/access/owned':
      return (await store.ownedBy(caller.user)).map((r) => ({
        object_id: r.uid,
        object_type: enumName('ObjectType', r.objectType, 'cosmian') ?? String(r.objectType),
        state: stateText(effectiveState(r, now)),
        tags: r.tags,
      }));
    case '/access/obtained': {
      const grants = [
        ...(await store.grantsOf(caller.user)),
        ...(await store.grantsOf(EVERYONE)),
      ].filter((g) => g.uid !== ALL_OBJECTS);
      const byUid = new Map<string, Set<string>>();
      for (const g of grants) {
        const set = byUid.get(g.uid) ?? new Set<string>();
        for (const o of g.operations) set.add(o);
        byUid.set(g.uid, set);
      }
      const out: unknown[] = [];
      for (const [uid, ops] of byUid) {
        const r = await store.getObject(uid);
        if (r === undefined || r.owner === caller.user) continue;
        out.push({
          object_id: uid,
          owner_id: r.owner,
          state: stateText(effectiveState(r, now)),
          operations: [...ops].sort(),
        });
      }
      return out;
    }
    case '/access/create': {
      const p = s.config.privilegedUsers;
      const has =
        p.length === 0 ||
        p.includes(caller.user) ||
        rightsOf(await store.grantsOn(ALL_OBJECTS), caller.user).includes(CREATE_RIGHT);
      return { has_create_permission: has };
    }
    case '/access/privileged':
      return { has_privileged_access: s.config.privilegedUsers.includes(caller.user) };
    default:
      throw new KmsError('ERR_KMS_NOT_FOUND', `no route ${path.slice(0, 100)}`);
  }
}
