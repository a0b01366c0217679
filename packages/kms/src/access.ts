/**
 * Authorization: who may do what to which object.
 *
 * - The user who creates (Create, Register, Import, DeriveKey, ReKey) an object owns it and may
 *   do everything with it, including granting rights to others.
 * - Other users act through grants: per object, per operation (`encrypt`, `get`...), to a named
 *   user or to `*` (everyone). No right implies another (unlike Cosmian, where `get` implies
 *   every operation but revoke and destroy).
 * - Creating objects is open to everyone unless `privileged_users` is set; then only those users
 *   and the users they granted `create` may create.
 */
import { KmsError } from './errors.ts';
import type { LoadedObject } from './repository.ts';
import type { Grant } from './store.ts';

/** Rights that can be granted on an object. */
export const OBJECT_RIGHTS: readonly string[] = Object.freeze([
  'activate',
  'addattribute',
  'certify',
  'decrypt',
  'deleteattribute',
  'derivekey',
  'destroy',
  'encrypt',
  'export',
  'get',
  'getattributes',
  'import',
  'locate',
  'mac',
  'modifyattribute',
  'rekey',
  'revoke',
  'setattribute',
  'sign',
  'signatureverify',
  'validate',
]);

/** The one right that is granted on `*` (all objects): creating objects. */
export const CREATE_RIGHT = 'create';

/** Identifier under which `create` grants are stored. */
export const ALL_OBJECTS = '*';

/** Everyone, as a grantee. */
export const EVERYONE = '*';

/** Canonical spelling of a right: lower case, no `_`, `-` or spaces (`get_attributes` → `getattributes`). */
export function normalizeRight(right: string): string {
  return right.replace(/[_\-\s]/g, '').toLowerCase();
}

/** @throws KmsError ERR_KMS_BAD_REQUEST for an unknown right. */
export function checkRights(rights: readonly string[], objectId: string): string[] {
  const out = rights.map(normalizeRight);
  const allowed = objectId === ALL_OBJECTS ? [CREATE_RIGHT] : OBJECT_RIGHTS;
  for (const r of out)
    if (!allowed.includes(r))
      throw new KmsError(
        'ERR_KMS_BAD_REQUEST',
        objectId === ALL_OBJECTS
          ? `only "create" can be granted on "*"`
          : `unknown right "${r.slice(0, 40)}" (rights: ${OBJECT_RIGHTS.join(', ')})`,
      );
  return [...new Set(out)].sort();
}

/** True when `user` owns the object or holds `right` on it (directly or through `*`). */
export function hasRight(loaded: LoadedObject, user: string, right: string): boolean {
  if (loaded.record.owner === user) return true;
  for (const g of loaded.grants)
    if ((g.user === user || g.user === EVERYONE) && g.operations.includes(right)) return true;
  return false;
}

/** True when the object is visible to `user` in Locate (owner or any grant). */
export function isVisible(owner: string, grants: readonly Grant[], user: string): boolean {
  return owner === user || grants.some((g) => g.user === user || g.user === EVERYONE);
}

/** @throws KmsError ERR_KMS_PERMISSION_DENIED unless `user` may use `right` on the object. */
export function requireRight(loaded: LoadedObject, user: string, right: string): void {
  if (!hasRight(loaded, user, right))
    throw new KmsError(
      'ERR_KMS_PERMISSION_DENIED',
      `${user} may not ${right} object ${loaded.record.uid}`,
    );
}

/** Rights of `user` on an object, merged over its own grant and the `*` grant. */
export function rightsOf(grants: readonly Grant[], user: string): string[] {
  const out = new Set<string>();
  for (const g of grants)
    if (g.user === user || g.user === EVERYONE) for (const o of g.operations) out.add(o);
  return [...out].sort();
}

/**
 * @throws KmsError ERR_KMS_PERMISSION_DENIED when privileged users are configured and `user` is
 * neither one of them nor granted `create`.
 */
export function requireCreate(
  privilegedUsers: readonly string[],
  createGrants: readonly Grant[],
  user: string,
): void {
  if (privilegedUsers.length === 0 || privilegedUsers.includes(user)) return;
  if (rightsOf(createGrants, user).includes(CREATE_RIGHT)) return;
  throw new KmsError('ERR_KMS_PERMISSION_DENIED', `${user} may not create objects`);
}
