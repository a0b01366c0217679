/**
 * How Covercrypt objects are described on the KMIP wire, as Cosmian KMS v5 does it:
 *
 * - Cryptographic Algorithm `CoverCrypt` (0x88800004), `CoverCryptBulk` (0x88800005) to select
 *   bulk encryption; Key Format Types `CoverCryptSecretKey` (0x8880000C) for the master secret key
 *   and user keys, `CoverCryptPublicKey` (0x8880000D) for the master public key (the key material
 *   is a Byte String: Custos' own Covercrypt encodings, docs/covercrypt.md §11);
 * - vendor attributes (vendor `cosmian` or this server's identification): `cover_crypt_access_structure`
 *   (the access structure, JSON), `cover_crypt_access_policy` (a user key's policy, UTF-8 text),
 *   `cover_crypt_rekey_action` (a ReKeyKeyPair action, JSON).
 *
 * This module parses those (and refuses bad ones with KMS errors), and writes the attributes the
 * server keeps on the objects.
 */
import {
  AccessStructure,
  CovercryptError,
  parsePolicy,
  type PolicyNode,
  type StructureSpec,
} from '@custos/covercrypt';
import { Tag, type Attributes, type VendorAttribute } from '@custos/kmip';
import { KmsError } from './errors.ts';

/** Cosmian's Cryptographic Algorithm values. */
export const COVERCRYPT = 0x88800004;
export const COVERCRYPT_BULK = 0x88800005;
/** Cosmian's Key Format Type values. */
export const COVERCRYPT_SECRET_KEY = 0x8880000c;
export const COVERCRYPT_PUBLIC_KEY = 0x8880000d;

export const ATTR_ACCESS_STRUCTURE = 'cover_crypt_access_structure';
export const ATTR_ACCESS_POLICY = 'cover_crypt_access_policy';
export const ATTR_REKEY_ACTION = 'cover_crypt_rekey_action';
/** Custos: the authority id (hex) the keys are pinned to. */
export const ATTR_AUTHORITY = 'cover_crypt_authority';
/** Custos: the tracing serial of a user key (decimal text). */
export const ATTR_USER_SERIAL = 'cover_crypt_user_serial';

/** Largest vendor attribute value read (an access structure of 16 × 1024 names fits). */
const MAX_VALUE = 1 << 20;
const utf8 = new TextDecoder('utf-8', { fatal: true });

function isOurs(v: VendorAttribute, vendor: string): boolean {
  return v.vendorIdentification === vendor || v.vendorIdentification === 'cosmian';
}

/** The text of the vendor attribute `name` (Byte String as UTF-8, or Text String), if present. */
export function vendorText(
  attributes: Attributes | undefined,
  name: string,
  vendor: string,
): string | undefined {
  const v = attributes?.vendorAttributes?.find(
    (a) => a.attributeName === name && isOurs(a, vendor),
  );
  if (v === undefined) return undefined;
  const item = v.attributeValue;
  if (item.type === 'TextString') return item.value;
  if (item.type !== 'ByteString')
    throw new KmsError('ERR_KMS_INVALID_ATTRIBUTE_VALUE', `${name} must be a byte or text string`);
  if (item.value.length > MAX_VALUE)
    throw new KmsError('ERR_KMS_INVALID_ATTRIBUTE_VALUE', `${name} is too long`);
  try {
    return utf8.decode(item.value);
  } catch {
    throw new KmsError('ERR_KMS_INVALID_ATTRIBUTE_VALUE', `${name} is not UTF-8 text`);
  }
}

/** `attributes` without the vendor attributes named `names` (ours or Cosmian's). */
export function withoutVendor(
  attributes: Attributes,
  names: readonly string[],
  vendor: string,
): Attributes {
  const rest = (attributes.vendorAttributes ?? []).filter(
    (v) => !(names.includes(v.attributeName) && isOurs(v, vendor)),
  );
  const out: Attributes = { ...attributes };
  if (rest.length === 0) delete out.vendorAttributes;
  else out.vendorAttributes = rest;
  return out;
}

/** A vendor attribute holding `text` as UTF-8 bytes (Cosmian writes these as Byte Strings). */
export function vendorBytes(name: string, text: string, vendor: string): VendorAttribute {
  return {
    vendorIdentification: vendor,
    attributeName: name,
    attributeValue: {
      tag: Tag.AttributeValue,
      type: 'ByteString',
      value: new TextEncoder().encode(text),
    },
  };
}

/** A Covercrypt library error as a KMS error with a precise code (messages name no secret). */
export function covercryptError(error: unknown, code: 'structure' | 'policy'): never {
  if (error instanceof KmsError) throw error;
  if (error instanceof CovercryptError) {
    if (error.code === 'ERR_COVERCRYPT_STRUCTURE')
      throw new KmsError('ERR_KMS_ACCESS_STRUCTURE', error.message);
    if (error.code === 'ERR_COVERCRYPT_POLICY')
      throw new KmsError(
        code === 'structure' ? 'ERR_KMS_ACCESS_STRUCTURE' : 'ERR_KMS_ACCESS_POLICY',
        error.message,
      );
    if (error.code === 'ERR_COVERCRYPT_FORMAT')
      throw new KmsError('ERR_KMS_CRYPTOGRAPHIC_FAILURE', error.message);
    throw new KmsError('ERR_KMS_CRYPTOGRAPHIC_FAILURE', 'cryptographic failure');
  }
  if (error instanceof TypeError || error instanceof RangeError)
    throw new KmsError(
      code === 'structure' ? 'ERR_KMS_ACCESS_STRUCTURE' : 'ERR_KMS_ACCESS_POLICY',
      error.message,
    );
  throw error;
}

// ---------------------------------------------------------------------------------------------
// Access structures

/**
 * Parses an access structure in either JSON form:
 *
 * - Cosmian's: `{"Security Level::<": ["Protected", "Confidential", "Top Secret::+"],
 *   "Department": ["R&D", "HR"]}` — a `::<` suffix makes a dimension ordered (attributes lowest
 *   first), a `::+` suffix makes an attribute hybrid (ML-KEM-768 + ristretto255), others are
 *   classic, as in the anchor; the broadcast right `*` is then classic too.
 * - Custos': `{"dimensions": [{"name", "kind": "ordered"|"unordered", "attributes": [name or
 *   {"name", "mode": "classic"|"hybrid"}]}], "mode": "hybrid"|"classic"}` (hybrid by default).
 *
 * @throws KmsError ERR_KMS_ACCESS_STRUCTURE for anything else.
 */
export function parseAccessStructure(text: string): AccessStructure {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new KmsError('ERR_KMS_ACCESS_STRUCTURE', 'the access structure is not JSON');
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    throw new KmsError('ERR_KMS_ACCESS_STRUCTURE', 'the access structure must be a JSON object');
  const spec = 'dimensions' in json ? (json as StructureSpec) : cosmianSpec(json);
  try {
    return AccessStructure.create(spec);
  } catch (error) {
    return covercryptError(error, 'structure');
  }
}

function cosmianSpec(json: object): StructureSpec {
  const dimensions = [];
  for (const [key, value] of Object.entries(json)) {
    if (!Array.isArray(value) || !value.every((a) => typeof a === 'string'))
      throw new KmsError(
        'ERR_KMS_ACCESS_STRUCTURE',
        `dimension "${key.slice(0, 80)}" must list its attributes as strings`,
      );
    const ordered = key.endsWith('::<');
    dimensions.push({
      name: ordered ? key.slice(0, -3) : key,
      kind: ordered ? ('ordered' as const) : ('unordered' as const),
      attributes: value.map((a: string) =>
        a.endsWith('::+')
          ? { name: a.slice(0, -3), mode: 'hybrid' as const }
          : { name: a, mode: 'classic' as const },
      ),
    });
  }
  if (dimensions.length === 0)
    throw new KmsError('ERR_KMS_ACCESS_STRUCTURE', 'the access structure has no dimension');
  return { dimensions, mode: 'classic' };
}

/** The structure as Custos JSON (what GetAttributes shows in `cover_crypt_access_structure`). */
export function describeStructure(structure: AccessStructure): string {
  return JSON.stringify({
    dimensions: structure.dimensions().map((d) => ({
      name: d.name,
      kind: d.kind,
      attributes: d.attributes.map((a) =>
        a.status === 'active'
          ? { name: a.name, mode: a.mode }
          : { name: a.name, mode: a.mode, status: a.status },
      ),
    })),
    mode: structure.mode,
  });
}

// ---------------------------------------------------------------------------------------------
// Re-key actions

/** What a ReKeyKeyPair on a master secret key does. */
export type RekeyAction =
  | { readonly kind: 'rekey'; readonly attributes: readonly string[] }
  | { readonly kind: 'prune'; readonly attributes: readonly string[] }
  | { readonly kind: 'remove'; readonly attributes: readonly string[] }
  | { readonly kind: 'disable'; readonly attributes: readonly string[] }
  | { readonly kind: 'enable'; readonly attributes: readonly string[] }
  | {
      readonly kind: 'add';
      readonly attributes: readonly {
        readonly qualified: string;
        readonly hybrid: boolean;
        /** Ordered dimensions: place just above this attribute (else highest). */
        readonly after: string | undefined;
      }[];
    }
  | {
      readonly kind: 'rename';
      readonly attributes: readonly { readonly qualified: string; readonly name: string }[];
    };

function bad(message: string): never {
  throw new KmsError('ERR_KMS_INVALID_ATTRIBUTE_VALUE', `cover_crypt_rekey_action: ${message}`);
}

function stringList(value: unknown, what: string): string[] {
  if (!Array.isArray(value) || value.length === 0 || !value.every((v) => typeof v === 'string'))
    bad(`${what} takes a non-empty list of "Dimension::Attribute"`);
  return value;
}

/**
 * The attributes a re-key or prune policy names. Rotating by a policy rotates every right that
 * names one of its attributes, so only policies where that is exactly what they say are
 * accepted: `*`, one attribute, or attributes joined by `||`. A conjunction would silently
 * rotate (or, for a prune, irreversibly drop old secrets of) more than it names, so it is
 * refused.
 */
export function policyAttributes(policy: string): string[] {
  let node: PolicyNode;
  try {
    node = parsePolicy(policy);
  } catch (error) {
    return covercryptError(error, 'policy');
  }
  const out: string[] = [];
  const walk = (n: PolicyNode): void => {
    if (n.type === 'all') out.push('*');
    else if (n.type === 'attribute') out.push(`${n.dimension}::${n.attribute}`);
    else if (n.type === 'or') n.operands.forEach(walk);
    else
      throw new KmsError(
        'ERR_KMS_ACCESS_POLICY',
        're-key and prune take "*", one attribute or attributes joined by "||" (a conjunction would affect more rights than it names)',
      );
  };
  walk(node);
  return out.includes('*') ? ['*'] : out;
}

/**
 * Parses the `cover_crypt_rekey_action` JSON: Cosmian's actions `{"RekeyAccessPolicy": policy}`,
 * `{"PruneAccessPolicy": policy}`, `{"DeleteAttribute": [...]}` (also `RemoveAttribute`),
 * `{"DisableAttribute": [...]}`, `{"AddAttribute": [[name, "Hybridized"|"Classic", after]]}`,
 * `{"RenameAttribute": [[name, newName]]}`, the older `{"RotateAttributes": [...]}`, and Custos'
 * `{"EnableAttribute": [...]}`.
 */
export function parseRekeyAction(text: string): RekeyAction {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return bad('not JSON');
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    return bad('must be a JSON object with one action');
  const entries = Object.entries(json);
  if (entries.length !== 1) return bad('must hold exactly one action');
  const [name, value] = entries[0] as [string, unknown];
  switch (name) {
    case 'RekeyAccessPolicy':
    case 'PruneAccessPolicy':
      if (typeof value !== 'string') return bad(`${name} takes a policy string`);
      return {
        kind: name === 'RekeyAccessPolicy' ? 'rekey' : 'prune',
        attributes: policyAttributes(value),
      };
    case 'RotateAttributes':
      return { kind: 'rekey', attributes: stringList(value, name) };
    case 'DeleteAttribute':
    case 'RemoveAttribute':
      return { kind: 'remove', attributes: stringList(value, name) };
    case 'DisableAttribute':
      return { kind: 'disable', attributes: stringList(value, name) };
    case 'EnableAttribute':
      return { kind: 'enable', attributes: stringList(value, name) };
    case 'AddAttribute': {
      if (!Array.isArray(value) || value.length === 0) return bad('AddAttribute takes a list');
      return {
        kind: 'add',
        attributes: value.map((entry: unknown) => {
          const e = typeof entry === 'string' ? [entry] : entry;
          if (!Array.isArray(e) || typeof e[0] !== 'string')
            return bad('AddAttribute entries are [name, "Hybridized"|"Classic", after?]');
          const hint: unknown = e[1] ?? 'Classic';
          if (hint !== 'Hybridized' && hint !== 'Classic')
            return bad('the encryption hint is "Hybridized" or "Classic"');
          const after: unknown = e[2];
          if (after !== undefined && after !== null && typeof after !== 'string')
            return bad('"after" is an attribute name or null');
          // Cosmian sends null for "default place".
          return {
            qualified: e[0],
            hybrid: hint === 'Hybridized',
            after: typeof after === 'string' ? after : undefined,
          };
        }),
      };
    }
    case 'RenameAttribute': {
      if (!Array.isArray(value) || value.length === 0) return bad('RenameAttribute takes a list');
      return {
        kind: 'rename',
        attributes: value.map((entry: unknown) => {
          if (!Array.isArray(entry) || typeof entry[0] !== 'string' || typeof entry[1] !== 'string')
            return bad('RenameAttribute entries are [name, newName]');
          return { qualified: entry[0], name: entry[1] };
        }),
      };
    }
    default:
      return bad(`unknown action "${name.slice(0, 40)}"`);
  }
}
