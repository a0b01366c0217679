/**
 * Rights: what a key holds and what a ciphertext targets.
 *
 * A right is a partial coordinate of the access structure: at most one attribute per dimension,
 * written as the sorted list of its attribute ids. `[]` is the broadcast right (`*`). The
 * universe Ω holds every partial coordinate, so |Ω| = ∏ (|D| + 1).
 *
 * The semantics, in one sentence: a right is a data label, and a term `D::a` of a user policy
 * accepts a label whose D-coordinate is unspecified, or equal to `a` (unordered D), or at or
 * below `a` (ordered D). A user key holds every right of Ω its policy accepts (evaluated as a
 * boolean formula). An encryption policy in disjunctive normal form targets one right per clause
 * (the clause's attributes; in an ordered dimension the highest one named); clauses whose readers
 * are a subset of another clause's are dropped (a label that dominates another, see
 * `_dominates`), which changes no reader and shortens ciphertexts.
 */
import { MAX_VARINT, type Reader, type Writer } from './_codec.ts';
import { PolicyError, StructureError } from './errors.ts';
import { formatTerm, parsePolicy, toDnf, type PolicyNode } from './policy.ts';
import type { AccessStructure, AttributeInfo, SecurityMode } from './structure.ts';

/** Sorted attribute ids, at most one per dimension. */
export type Right = readonly number[];

/** A policy whose names are resolved to ids (what user keys store: renames keep it valid). */
export type IdPolicy =
  | { readonly type: 'all' }
  | { readonly type: 'attribute'; readonly dimension: number; readonly attribute: number }
  | { readonly type: 'and' | 'or'; readonly operands: readonly IdPolicy[] };

/** Largest universe accepted (the product of dimension sizes + 1). */
export const MAX_UNIVERSE = 1 << 16;

/** Map key of a right. */
export function rightKey(right: Right): string {
  return right.join('.');
}

// Per-structure view: which dimension each attribute id lives in and at which rank.
interface _Layout {
  readonly dims: readonly {
    readonly id: number;
    readonly ordered: boolean;
    readonly ids: readonly number[];
  }[];
  readonly where: ReadonlyMap<number, { readonly dim: number; readonly rank: number }>;
}

const _layouts = new WeakMap<AccessStructure, { version: number; layout: _Layout }>();

function _layout(structure: AccessStructure): _Layout {
  const cached = _layouts.get(structure);
  if (cached?.version === structure.version) return cached.layout;
  const dims = structure.dimensions().map((d) => ({
    id: d.id,
    ordered: d.kind === 'ordered',
    ids: d.attributes.map((a) => a.id),
  }));
  const where = new Map<number, { dim: number; rank: number }>();
  dims.forEach((d, dim) => {
    d.ids.forEach((id, rank) => {
      where.set(id, { dim, rank });
    });
  });
  const layout = { dims, where };
  _layouts.set(structure, { version: structure.version, layout });
  return layout;
}

/** |Ω| for a structure. */
export function universeSize(structure: AccessStructure): number {
  let n = 1;
  for (const d of _layout(structure).dims) n *= d.ids.length + 1;
  return n;
}

/** Every right of Ω (broadcast first). @throws StructureError beyond MAX_UNIVERSE rights. */
export function universe(structure: AccessStructure): Right[] {
  const size = universeSize(structure);
  if (size > MAX_UNIVERSE) {
    throw new StructureError(`the structure has ${size} rights, more than ${MAX_UNIVERSE}`);
  }
  let rights: number[][] = [[]];
  for (const d of _layout(structure).dims) {
    const next: number[][] = [];
    for (const r of rights) {
      next.push(r);
      for (const id of d.ids) next.push([...r, id]);
    }
    rights = next;
  }
  return rights.map((r) => Object.freeze(r.sort((a, b) => a - b)));
}

/** The mode of a right: hybrid if any of its attributes is; the broadcast right has the default. */
export function rightMode(structure: AccessStructure, right: Right): SecurityMode {
  if (right.length === 0) return structure.mode;
  const byId = structure.attributesById();
  return right.some((id) => byId.get(id)?.mode === 'hybrid') ? 'hybrid' : 'classic';
}

/** Whether every attribute of the right is active (encryption allowed). */
export function rightActive(structure: AccessStructure, right: Right): boolean {
  const byId = structure.attributesById();
  return right.every((id) => byId.get(id)?.status === 'active');
}

/** Whether a right still exists in the structure (none of its attributes was removed). */
export function rightExists(structure: AccessStructure, right: Right): boolean {
  const { where } = _layout(structure);
  const dims = new Set<number>();
  for (const id of right) {
    const w = where.get(id);
    if (w === undefined || dims.has(w.dim)) return false;
    dims.add(w.dim);
  }
  return true;
}

/** The qualified names of a right's attributes (`[]` for broadcast). */
export function rightNames(structure: AccessStructure, right: Right): string[] {
  const byId = structure.attributesById();
  return right.map((id) => {
    const a = byId.get(id);
    return a === undefined ? `#${id}` : formatTerm(a.dimension, a.name);
  });
}

function _source(policy: string | PolicyNode): { node: PolicyNode; source: string | undefined } {
  if (typeof policy === 'string') return { node: parsePolicy(policy), source: policy };
  const raw: unknown = policy;
  if (typeof raw !== 'object' || raw === null) throw new TypeError('policy must be a string');
  return { node: policy, source: undefined };
}

function _resolveTerm(
  structure: AccessStructure,
  dimension: string,
  attribute: string,
  position: number,
  source: string | undefined,
): AttributeInfo {
  const info = structure.lookup(dimension, attribute);
  if (info !== undefined) return info;
  const where = structure.dimension(dimension) === undefined ? 'dimension' : 'attribute';
  const name = where === 'dimension' ? dimension : formatTerm(dimension, attribute);
  throw new PolicyError(`unknown ${where} ${name}`, source, position);
}

/** Resolves names to ids. @throws PolicyError (with position) for an unknown name. */
export function resolvePolicy(structure: AccessStructure, policy: string | PolicyNode): IdPolicy {
  const { node, source } = _source(policy);
  const dimIds = new Map(structure.dimensions().map((d) => [d.name, d.id]));
  const walk = (n: PolicyNode): IdPolicy => {
    switch (n.type) {
      case 'all':
        return ALL;
      case 'attribute': {
        const a = _resolveTerm(structure, n.dimension, n.attribute, n.position, source);
        return Object.freeze({
          type: 'attribute',
          dimension: dimIds.get(a.dimension) as number,
          attribute: a.id,
        });
      }
      case 'and':
      case 'or':
        return Object.freeze({ type: n.type, operands: Object.freeze(n.operands.map(walk)) });
    }
  };
  return walk(node);
}

const ALL: IdPolicy = Object.freeze({ type: 'all' });

/** Text of an id policy under the current names (removed attributes print as `#id`). */
export function formatIdPolicy(structure: AccessStructure, policy: IdPolicy): string {
  const byId = structure.attributesById();
  const walk = (n: IdPolicy): string => {
    switch (n.type) {
      case 'all':
        return '*';
      case 'attribute': {
        const a = byId.get(n.attribute);
        return a === undefined
          ? `"#${n.dimension}"::"#${n.attribute}"`
          : formatTerm(a.dimension, a.name);
      }
      case 'and':
        return n.operands.map((o) => (o.type === 'or' ? `(${walk(o)})` : walk(o))).join(' && ');
      case 'or':
        return n.operands.map(walk).join(' || ');
    }
  };
  return walk(policy);
}

// Evaluates a user policy on a right (a data label), per the module comment.
function _accepts(
  layout: _Layout,
  policy: IdPolicy,
  coordinate: ReadonlyMap<number, number>,
): boolean {
  switch (policy.type) {
    case 'all':
      return true;
    case 'attribute': {
      const dimIndex = layout.dims.findIndex((d) => d.id === policy.dimension);
      if (dimIndex < 0) return true; // dimension removed: no right specifies it any more
      const value = coordinate.get(dimIndex);
      if (value === undefined) return true;
      const term = layout.where.get(policy.attribute);
      if (term === undefined) return false; // attribute removed: only unspecified labels match
      const dim = layout.dims[dimIndex] as _Layout['dims'][number];
      const valueRank = (layout.where.get(value) as { rank: number }).rank;
      return dim.ordered ? valueRank <= term.rank : value === policy.attribute;
    }
    case 'and':
      return policy.operands.every((o) => _accepts(layout, o, coordinate));
    case 'or':
      return policy.operands.some((o) => _accepts(layout, o, coordinate));
  }
}

function _coordinate(layout: _Layout, right: Right): Map<number, number> {
  const c = new Map<number, number>();
  for (const id of right) {
    const w = layout.where.get(id);
    if (w !== undefined) c.set(w.dim, id);
  }
  return c;
}

/** The rights of Ω a user policy accepts (all of them, decrypt-only included). */
export function userRights(structure: AccessStructure, policy: IdPolicy): Right[] {
  const layout = _layout(structure);
  return universe(structure).filter((r) => _accepts(layout, policy, _coordinate(layout, r)));
}

// True when `a` dominates `b`: every reader of `b` also reads `a`, because each coordinate `a`
// specifies is specified by `b` at the same value (unordered) or a value at or above (ordered),
// and user rights sets are closed downwards in exactly that order.
function _dominates(layout: _Layout, a: Right, b: Right): boolean {
  const cb = _coordinate(layout, b);
  for (const id of a) {
    const w = layout.where.get(id) as { dim: number; rank: number };
    const other = cb.get(w.dim);
    if (other === undefined) return false;
    const dim = layout.dims[w.dim] as _Layout['dims'][number];
    if (dim.ordered ? (layout.where.get(other) as { rank: number }).rank < w.rank : other !== id) {
      return false;
    }
  }
  return true;
}

/**
 * The rights an encryption policy targets, minimal (no right dominated by another).
 * @throws PolicyError for unknown names (with position), two different attributes of one
 *   unordered dimension in a clause, or a target naming a decrypt-only attribute.
 */
export function encryptionRights(structure: AccessStructure, policy: string | PolicyNode): Right[] {
  const { node, source } = _source(policy);
  const layout = _layout(structure);
  const labels = new Map<string, Right>();
  for (const clause of toDnf(node, source)) {
    const chosen = new Map<number, { id: number; rank: number }>();
    for (const term of clause) {
      const a = _resolveTerm(structure, term.dimension, term.attribute, term.position, source);
      const w = layout.where.get(a.id) as { dim: number; rank: number };
      const previous = chosen.get(w.dim);
      if (previous === undefined || previous.id === a.id) {
        chosen.set(w.dim, { id: a.id, rank: w.rank });
      } else if ((layout.dims[w.dim] as _Layout['dims'][number]).ordered) {
        if (w.rank > previous.rank) chosen.set(w.dim, { id: a.id, rank: w.rank });
      } else {
        throw new PolicyError(
          `a clause names two attributes of the unordered dimension ${a.dimension}; an encryption target takes one (did you mean ||?)`,
          source,
          term.position,
        );
      }
    }
    const right = Object.freeze([...chosen.values()].map((v) => v.id).sort((x, y) => x - y));
    labels.set(rightKey(right), right);
  }
  const all = [...labels.values()];
  const minimal = all.filter((b) => !all.some((a) => a !== b && _dominates(layout, a, b)));
  for (const right of minimal) {
    if (!rightActive(structure, right)) {
      const names = rightNames(structure, right).join(' && ');
      throw new PolicyError(`cannot encrypt for ${names}: an attribute is decrypt-only`, source, 0);
    }
  }
  return minimal;
}

/**
 * The rights a policy covers: for `'encryption'`, the rights a ciphertext for it targets; for
 * `'user-key'`, the rights a user key for it holds. Each as its qualified attribute names.
 */
export function coveredRights(
  structure: AccessStructure,
  policy: string,
  usage: 'encryption' | 'user-key',
): string[][] {
  const rights =
    usage === 'encryption'
      ? encryptionRights(structure, policy)
      : userRights(structure, resolvePolicy(structure, policy));
  return rights.map((r) => rightNames(structure, r));
}

/** Whether a key for `userPolicy` opens a ciphertext for `encryptionPolicy` (same structure). */
export function canOpen(
  structure: AccessStructure,
  userPolicy: string,
  encryptionPolicy: string,
): boolean {
  const held = new Set(userRights(structure, resolvePolicy(structure, userPolicy)).map(rightKey));
  return encryptionRights(structure, encryptionPolicy).some((r) => held.has(rightKey(r)));
}

// ---------------------------------------------------------------------------------------------
// Codecs

export function writeRight(writer: Writer, right: Right): void {
  writer.varint(right.length);
  for (const id of right) writer.varint(id);
}

/** Reads a right: strictly increasing ids (the canonical form), at most 16 of them. */
export function readRight(reader: Reader): Right {
  const n = reader.varint('right size', 16);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const id = reader.varint('attribute id', MAX_VARINT);
    if (id === 0 || (out.length > 0 && id <= (out[out.length - 1] as number))) {
      reader.fail('right ids not strictly increasing');
    }
    out.push(id);
  }
  return Object.freeze(out);
}

const POLICY_TAGS = { all: 0, attribute: 1, and: 2, or: 3 } as const;

export function writeIdPolicy(writer: Writer, policy: IdPolicy): void {
  writer.u8(POLICY_TAGS[policy.type]);
  if (policy.type === 'attribute') writer.varint(policy.dimension).varint(policy.attribute);
  else if (policy.type !== 'all') {
    writer.varint(policy.operands.length);
    for (const o of policy.operands) writeIdPolicy(writer, o);
  }
}

export function readIdPolicy(reader: Reader, depth = 0): IdPolicy {
  if (depth > 64) reader.fail('policy nested too deep');
  const tag = reader.u8('policy tag');
  switch (tag) {
    case 0:
      return ALL;
    case 1:
      return Object.freeze({
        type: 'attribute',
        dimension: reader.varint('dimension id'),
        attribute: reader.varint('attribute id'),
      });
    case 2:
    case 3: {
      const n = reader.varint('operand count', 4096);
      if (n < 2) reader.fail('operator with fewer than two operands');
      const operands: IdPolicy[] = [];
      for (let i = 0; i < n; i++) operands.push(readIdPolicy(reader, depth + 1));
      return Object.freeze({ type: tag === 2 ? 'and' : 'or', operands: Object.freeze(operands) });
    }
    default:
      return reader.fail('unknown policy tag');
  }
}
