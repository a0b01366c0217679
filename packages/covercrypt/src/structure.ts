/**
 * The access structure: named dimensions, each a set of attributes, either unordered (any one
 * value, e.g. Department) or ordered (a hierarchy low → high, e.g. Security: a key for a level
 * also opens the levels below it).
 *
 * Every attribute has a numeric id drawn from a counter that only grows, so an id is never
 * reused after a removal (the anchor's W2: a reused id let holders of a deleted attribute read
 * the new one). Keys and ciphertexts refer to ids, never to names, so renaming keeps every key
 * valid. An attribute has a security mode (`hybrid`: ML-KEM-768 + elliptic-curve KEM, the
 * default; or `classic`: elliptic curve only) and a status (`active`, or `decrypt-only` once
 * disabled: no new encryption, old ciphertexts stay readable).
 *
 * Names are compared after Unicode NFC normalisation and case folding: `department::mkg` finds
 * `Department::MKG`, and two names that differ only in case cannot coexist in one dimension.
 */
import { Reader, Writer } from './_codec.ts';
import { StructureError } from './errors.ts';
import { parsePolicy } from './policy.ts';

export type DimensionKind = 'unordered' | 'ordered';
export type SecurityMode = 'classic' | 'hybrid';
export type AttributeStatus = 'active' | 'decrypt-only';

export interface AttributeInfo {
  readonly id: number;
  readonly dimension: string;
  readonly name: string;
  readonly mode: SecurityMode;
  readonly status: AttributeStatus;
  /** Position in its dimension: the hierarchy level for ordered dimensions (0 = lowest). */
  readonly rank: number;
}

export interface DimensionInfo {
  readonly id: number;
  readonly name: string;
  readonly kind: DimensionKind;
  /** In rank order (low → high for ordered dimensions, insertion order otherwise). */
  readonly attributes: readonly AttributeInfo[];
}

export interface AttributeSpec {
  name: string;
  mode?: SecurityMode;
}

export interface DimensionSpec {
  name: string;
  /** Default `unordered`. */
  kind?: DimensionKind;
  /** For ordered dimensions, lowest first. */
  attributes: readonly (string | AttributeSpec)[];
}

export interface StructureSpec {
  dimensions: readonly DimensionSpec[];
  /** Mode of attributes that do not say, and of the broadcast right `*`. Default `hybrid`. */
  mode?: SecurityMode;
}

/** Largest name, in UTF-8 bytes. */
export const MAX_NAME_BYTES = 255;
/** Most dimensions and attributes per dimension accepted (the universe grows as a product). */
export const MAX_DIMENSIONS = 16;
export const MAX_ATTRIBUTES_PER_DIMENSION = 1024;

interface _Attr {
  id: number;
  name: string;
  mode: SecurityMode;
  status: AttributeStatus;
}

interface _Dim {
  id: number;
  name: string;
  kind: DimensionKind;
  attrs: _Attr[];
}

const MODES: readonly SecurityMode[] = ['classic', 'hybrid'];
const KINDS: readonly DimensionKind[] = ['unordered', 'ordered'];
const STATUSES: readonly AttributeStatus[] = ['active', 'decrypt-only'];
const UTF8 = new TextEncoder();

/** The lookup key of a name: NFC then lower case. */
export function nameKey(name: string): string {
  return name.normalize('NFC').toLowerCase();
}

function _name(value: unknown, what: string): string {
  if (typeof value !== 'string') throw new TypeError(`${what} must be a string`);
  const name = value.normalize('NFC');
  if (name.length === 0) throw new StructureError(`${what} is empty`);
  if (name !== name.trim()) throw new StructureError(`${what} has leading or trailing spaces`);
  if (/\p{Cc}/u.test(name)) throw new StructureError(`${what} contains control characters`);
  if (UTF8.encode(name).length > MAX_NAME_BYTES) {
    throw new StructureError(`${what} is longer than ${MAX_NAME_BYTES} UTF-8 bytes`);
  }
  return name;
}

function _mode(value: unknown, fallback: SecurityMode): SecurityMode {
  if (value === undefined) return fallback;
  if (!MODES.includes(value as SecurityMode))
    throw new RangeError('mode must be classic or hybrid');
  return value as SecurityMode;
}

/** Splits `Dimension::Attribute` (policy syntax, quotes allowed). */
export function parseQualifiedName(qualified: string): { dimension: string; attribute: string } {
  if (typeof qualified !== 'string') throw new TypeError('attribute must be a string');
  const node = parsePolicy(qualified);
  if (node.type !== 'attribute') {
    throw new StructureError(`'${qualified}' is not a single Dimension::Attribute`);
  }
  return { dimension: node.dimension, attribute: node.attribute };
}

export class AccessStructure {
  #dims: _Dim[] = [];
  #nextDimensionId = 0;
  #nextAttributeId = 1;
  #mode: SecurityMode = 'hybrid';
  #version = 0;
  #index: Map<number, AttributeInfo> | undefined;

  /**
   * Builds a structure from a plain description.
   * @throws TypeError/RangeError on malformed arguments; StructureError on duplicate or invalid
   *   names, or too many dimensions or attributes.
   */
  static create(spec: StructureSpec): AccessStructure {
    const raw: unknown = spec;
    if (typeof raw !== 'object' || raw === null || !Array.isArray(spec.dimensions)) {
      throw new TypeError('spec must be { dimensions: [...] }');
    }
    const s = new AccessStructure();
    s.#mode = _mode(spec.mode, 'hybrid');
    for (const d of spec.dimensions as readonly DimensionSpec[]) s.addDimension(d);
    return s;
  }

  /** Mode of the broadcast right `*` and default mode of new attributes. */
  get mode(): SecurityMode {
    return this.#mode;
  }

  /** Changes the default mode (and so the broadcast right's mode). */
  setMode(mode: SecurityMode): void {
    this.#mode = _mode(mode, this.#mode);
    this.#changed();
  }

  /** Increases on every edit (used to cache derived data). */
  get version(): number {
    return this.#version;
  }

  #changed(): void {
    this.#version++;
    this.#index = undefined;
  }

  /** A deep copy. */
  clone(): AccessStructure {
    return AccessStructure.decode(new Reader(this.encode(), 'access structure'));
  }

  dimensions(): readonly DimensionInfo[] {
    return this.#dims.map((d) => this.#info(d));
  }

  #info(d: _Dim): DimensionInfo {
    return Object.freeze({
      id: d.id,
      name: d.name,
      kind: d.kind,
      attributes: Object.freeze(d.attrs.map((a, rank) => this.#attrInfo(d, a, rank))),
    });
  }

  #attrInfo(d: _Dim, a: _Attr, rank: number): AttributeInfo {
    return Object.freeze({
      id: a.id,
      dimension: d.name,
      name: a.name,
      mode: a.mode,
      status: a.status,
      rank,
    });
  }

  /** Every attribute by id (cached until the next edit). */
  attributesById(): ReadonlyMap<number, AttributeInfo> {
    if (this.#index === undefined) {
      const index = new Map<number, AttributeInfo>();
      for (const d of this.#dims)
        d.attrs.forEach((a, rank) => index.set(a.id, this.#attrInfo(d, a, rank)));
      this.#index = index;
    }
    return this.#index;
  }

  /** Dimension id of an attribute id (internal; undefined when unknown). */
  dimensionOf(attributeId: number): DimensionInfo | undefined {
    for (const d of this.#dims) if (d.attrs.some((a) => a.id === attributeId)) return this.#info(d);
    return undefined;
  }

  /** The dimension called `name`, or undefined. */
  dimension(name: string): DimensionInfo | undefined {
    const d = this.#findDim(name);
    return d === undefined ? undefined : this.#info(d);
  }

  /** The attribute `dimension::attribute` (names compared case-insensitively), or undefined. */
  lookup(dimension: string, attribute: string): AttributeInfo | undefined {
    const d = this.#findDim(dimension);
    if (d === undefined) return undefined;
    const key = nameKey(attribute);
    const rank = d.attrs.findIndex((a) => nameKey(a.name) === key);
    return rank < 0 ? undefined : this.#attrInfo(d, d.attrs[rank] as _Attr, rank);
  }

  /** The attribute named by a qualified string `Dim::Attr`. @throws StructureError if unknown. */
  attribute(qualified: string): AttributeInfo {
    const { dimension, attribute } = parseQualifiedName(qualified);
    const info = this.lookup(dimension, attribute);
    if (info === undefined) throw new StructureError(`unknown attribute ${qualified}`);
    return info;
  }

  #findDim(name: string): _Dim | undefined {
    if (typeof name !== 'string') throw new TypeError('dimension must be a string');
    const key = nameKey(name);
    return this.#dims.find((d) => nameKey(d.name) === key);
  }

  #dimOrThrow(name: string): _Dim {
    const d = this.#findDim(name);
    if (d === undefined) throw new StructureError(`unknown dimension ${name}`);
    return d;
  }

  #attrOrThrow(qualified: string): { d: _Dim; a: _Attr; rank: number } {
    const { dimension, attribute } = parseQualifiedName(qualified);
    const d = this.#dimOrThrow(dimension);
    const key = nameKey(attribute);
    const rank = d.attrs.findIndex((a) => nameKey(a.name) === key);
    if (rank < 0) throw new StructureError(`unknown attribute ${qualified}`);
    return { d, a: d.attrs[rank] as _Attr, rank };
  }

  /**
   * Adds a dimension with at least one attribute. Existing rights and keys are unaffected:
   * they become the rights that leave the new dimension unspecified.
   */
  addDimension(spec: DimensionSpec): void {
    const raw: unknown = spec;
    if (typeof raw !== 'object' || raw === null || !Array.isArray(spec.attributes)) {
      throw new TypeError('dimension spec must be { name, kind?, attributes: [...] }');
    }
    const entries = spec.attributes as readonly unknown[];
    const name = _name(spec.name, 'dimension name');
    const kind = spec.kind ?? 'unordered';
    if (!KINDS.includes(kind)) throw new RangeError('kind must be unordered or ordered');
    if (this.#findDim(name) !== undefined)
      throw new StructureError(`dimension ${name} already exists`);
    if (this.#dims.length >= MAX_DIMENSIONS) {
      throw new StructureError(`at most ${MAX_DIMENSIONS} dimensions`);
    }
    if (spec.attributes.length === 0)
      throw new StructureError(`dimension ${name} has no attributes`);
    if (spec.attributes.length > MAX_ATTRIBUTES_PER_DIMENSION) {
      throw new StructureError(`at most ${MAX_ATTRIBUTES_PER_DIMENSION} attributes per dimension`);
    }
    const attrs: _Attr[] = [];
    const seen = new Set<string>();
    for (const entry of entries) {
      const a = (typeof entry === 'string' ? { name: entry } : entry) as AttributeSpec | null;
      if (typeof a !== 'object' || a === null)
        throw new TypeError('attribute must be a string or { name, mode? }');
      const attrName = _name(a.name, 'attribute name');
      if (seen.has(nameKey(attrName))) {
        throw new StructureError(`attribute ${attrName} appears twice in dimension ${name}`);
      }
      seen.add(nameKey(attrName));
      attrs.push({ id: 0, name: attrName, mode: _mode(a.mode, this.#mode), status: 'active' });
    }
    // Ids are assigned only once everything validated, so a refused edit consumes none.
    for (const a of attrs) a.id = this.#nextAttributeId++;
    this.#dims.push({ id: this.#nextDimensionId++, name, kind, attrs });
    this.#changed();
  }

  /** Removes a dimension: rights that name one of its attributes disappear with it. */
  removeDimension(name: string): void {
    const d = this.#dimOrThrow(name);
    this.#dims = this.#dims.filter((x) => x !== d);
    this.#changed();
  }

  renameDimension(name: string, newName: string): void {
    const d = this.#dimOrThrow(name);
    const next = _name(newName, 'dimension name');
    const other = this.#findDim(next);
    if (other !== undefined && other !== d)
      throw new StructureError(`dimension ${next} already exists`);
    d.name = next;
    this.#changed();
  }

  /**
   * Adds an attribute to a dimension. For an ordered dimension, `after` places it just above the
   * named attribute; `null` places it lowest; by default it becomes the highest.
   */
  addAttribute(
    dimension: string,
    name: string,
    options: { mode?: SecurityMode; after?: string | null } = {},
  ): AttributeInfo {
    const d = this.#dimOrThrow(dimension);
    const attrName = _name(name, 'attribute name');
    if (d.attrs.some((a) => nameKey(a.name) === nameKey(attrName))) {
      throw new StructureError(`attribute ${attrName} already exists in dimension ${d.name}`);
    }
    if (d.attrs.length >= MAX_ATTRIBUTES_PER_DIMENSION) {
      throw new StructureError(`at most ${MAX_ATTRIBUTES_PER_DIMENSION} attributes per dimension`);
    }
    let at = d.attrs.length;
    if (options.after !== undefined) {
      if (d.kind !== 'ordered')
        throw new StructureError('after applies to ordered dimensions only');
      if (options.after === null) {
        at = 0;
      } else {
        const key = nameKey(options.after);
        const below = d.attrs.findIndex((a) => nameKey(a.name) === key);
        if (below < 0) throw new StructureError(`unknown attribute ${d.name}::${options.after}`);
        at = below + 1;
      }
    }
    const attr: _Attr = {
      id: this.#nextAttributeId++,
      name: attrName,
      mode: _mode(options.mode, this.#mode),
      status: 'active',
    };
    d.attrs.splice(at, 0, attr);
    this.#changed();
    return this.#attrInfo(d, attr, at);
  }

  renameAttribute(qualified: string, newName: string): void {
    const { d, a } = this.#attrOrThrow(qualified);
    const next = _name(newName, 'attribute name');
    if (d.attrs.some((x) => x !== a && nameKey(x.name) === nameKey(next))) {
      throw new StructureError(`attribute ${next} already exists in dimension ${d.name}`);
    }
    a.name = next;
    this.#changed();
  }

  /** Decrypt-only: no new encryption for rights naming it; existing keys keep reading. */
  disableAttribute(qualified: string): void {
    this.#attrOrThrow(qualified).a.status = 'decrypt-only';
    this.#changed();
  }

  enableAttribute(qualified: string): void {
    this.#attrOrThrow(qualified).a.status = 'active';
    this.#changed();
  }

  setAttributeMode(qualified: string, mode: SecurityMode): void {
    this.#attrOrThrow(qualified).a.mode = _mode(mode, 'hybrid');
    this.#changed();
  }

  /**
   * Removes an attribute for good: its rights and their secrets disappear at the next key update.
   * Refuses to remove the last attribute of a dimension (remove the dimension instead).
   */
  removeAttribute(qualified: string): void {
    const { d, a } = this.#attrOrThrow(qualified);
    if (d.attrs.length === 1) {
      throw new StructureError(
        `${qualified} is the last attribute of ${d.name}: remove the dimension`,
      );
    }
    d.attrs = d.attrs.filter((x) => x !== a);
    this.#changed();
  }

  /** Internal: dimensions as [kind, attribute ids in rank order]. */
  _layout(): readonly { readonly kind: DimensionKind; readonly ids: readonly number[] }[] {
    return this.#dims.map((d) => ({ kind: d.kind, ids: d.attrs.map((a) => a.id) }));
  }

  encode(writer: Writer = new Writer()): Uint8Array {
    writer
      .varint(this.#nextDimensionId)
      .varint(this.#nextAttributeId)
      .u8(MODES.indexOf(this.#mode));
    writer.varint(this.#dims.length);
    for (const d of this.#dims) {
      writer.varint(d.id).string(d.name).u8(KINDS.indexOf(d.kind)).varint(d.attrs.length);
      for (const a of d.attrs) {
        writer.varint(a.id).string(a.name).u8(MODES.indexOf(a.mode)).u8(STATUSES.indexOf(a.status));
      }
    }
    return writer.finish();
  }

  /** Reads a structure, checking every invariant the edits maintain. @throws FormatError. */
  static decode(reader: Reader): AccessStructure {
    const s = new AccessStructure();
    s.#nextDimensionId = reader.varint('next dimension id');
    s.#nextAttributeId = reader.varint('next attribute id');
    s.#mode = _enum(reader, MODES, 'mode');
    const count = reader.varint('dimension count', MAX_DIMENSIONS);
    const dimIds = new Set<number>();
    const attrIds = new Set<number>();
    const dimNames = new Set<string>();
    for (let i = 0; i < count; i++) {
      const id = reader.varint('dimension id');
      const name = _decodedName(reader, 'dimension name');
      const kind = _enum(reader, KINDS, 'dimension kind');
      if (id >= s.#nextDimensionId || dimIds.has(id)) reader.fail('bad dimension id');
      if (dimNames.has(nameKey(name))) reader.fail('duplicate dimension name');
      dimIds.add(id);
      dimNames.add(nameKey(name));
      const n = reader.varint('attribute count', MAX_ATTRIBUTES_PER_DIMENSION);
      if (n === 0) reader.fail('dimension without attributes');
      const attrs: _Attr[] = [];
      const attrNames = new Set<string>();
      for (let j = 0; j < n; j++) {
        const aid = reader.varint('attribute id');
        const aname = _decodedName(reader, 'attribute name');
        const mode = _enum(reader, MODES, 'attribute mode');
        const status = _enum(reader, STATUSES, 'attribute status');
        if (aid === 0 || aid >= s.#nextAttributeId || attrIds.has(aid))
          reader.fail('bad attribute id');
        if (attrNames.has(nameKey(aname))) reader.fail('duplicate attribute name');
        attrIds.add(aid);
        attrNames.add(nameKey(aname));
        attrs.push({ id: aid, name: aname, mode, status });
      }
      s.#dims.push({ id, name, kind, attrs });
    }
    return s;
  }
}

function _enum<T>(reader: Reader, values: readonly T[], label: string): T {
  const v = values[reader.u8(label)];
  if (v === undefined) reader.fail(`unknown ${label}`);
  return v;
}

function _decodedName(reader: Reader, label: string): string {
  const name = reader.string(label, MAX_NAME_BYTES);
  try {
    if (_name(name, label) !== name) reader.fail(`${label} not in NFC form`);
  } catch (error) {
    if (error instanceof StructureError) reader.fail(`invalid ${label}`);
    throw error;
  }
  return name;
}
