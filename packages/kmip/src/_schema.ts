/**
 * A small schema layer mapping TTLV trees to typed objects and back: each KMIP structure is
 * declared once as an ordered list of fields (key, tag, value codec, occurrence), and the same
 * declaration reads (with validation) and writes (in specification order).
 *
 * Reading is strict: an unknown child tag, a repeated single field, a missing required field or
 * a wrong item type is a `KmipPayloadError` naming the field path.
 */
import { KmipPayloadError } from './errors.ts';
import { tagName } from './tags.ts';
import {
  INT32_MAX,
  INT32_MIN,
  INT64_MAX,
  INT64_MIN,
  UINT32_MAX,
  dateToSeconds,
  isWellFormedText,
  secondsToDate,
  type TtlvItem,
  type TtlvStructure,
  type TtlvType,
} from './ttlv.ts';

/** Protocol version a payload is read or written for: 1.x and 2.x shape some payloads differently. */
export interface ProtocolVersion {
  readonly major: number;
  readonly minor: number;
}

export const KMIP_2_1: ProtocolVersion = { major: 2, minor: 1 };
export const KMIP_1_4: ProtocolVersion = { major: 1, minor: 4 };

export function _isV1(version: ProtocolVersion): boolean {
  return version.major < 2;
}

/** Maps one TTLV item to a typed value and back. */
export interface Codec<T> {
  /** Item types this codec reads (used to pick between alternatives). */
  readonly types: readonly TtlvType[];
  read(item: TtlvItem, version: ProtocolVersion, path: string): T;
  write(tag: number, value: T, version: ProtocolVersion, path: string): TtlvItem;
}

export function _invalid(path: string, message: string): never {
  throw new KmipPayloadError('ERR_KMIP_INVALID_FIELD', message, path);
}

function expectType<T extends TtlvType>(
  item: TtlvItem,
  type: T,
  path: string,
): Extract<TtlvItem, { type: T }> {
  if (item.type !== type) _invalid(path, `expected ${type}, got ${item.type}`);
  return item as Extract<TtlvItem, { type: T }>;
}

function simple<T>(type: TtlvType, check: (value: unknown) => value is T, what: string): Codec<T> {
  return {
    types: [type],
    read: (item, _v, path) => expectType(item, type, path).value as T,
    write: (tag, value, _v, path) => {
      if (!check(value)) _invalid(path, `must be ${what}`);
      return { tag, type, value } as TtlvItem;
    },
  };
}

const isInt32 = (v: unknown): v is number =>
  typeof v === 'number' && Number.isInteger(v) && v >= INT32_MIN && v <= INT32_MAX;
const isUint32 = (v: unknown): v is number =>
  typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= UINT32_MAX;
const isInt64 = (v: unknown): v is bigint =>
  typeof v === 'bigint' && v >= INT64_MIN && v <= INT64_MAX;

export const integer: Codec<number> = simple('Integer', isInt32, 'a signed 32-bit integer');
export const longInteger: Codec<bigint> = simple('LongInteger', isInt64, 'a signed 64-bit bigint');
export const bigInteger: Codec<bigint> = simple(
  'BigInteger',
  (v): v is bigint => typeof v === 'bigint',
  'a bigint',
);
/** Enumeration values stay numbers: extensions (0x8XXXXXXX) are valid values too. */
export const enumeration: Codec<number> = simple(
  'Enumeration',
  isUint32,
  'an unsigned 32-bit integer',
);
export const boolean: Codec<boolean> = simple(
  'Boolean',
  (v): v is boolean => typeof v === 'boolean',
  'a boolean',
);
export const textString: Codec<string> = simple(
  'TextString',
  (v): v is string => typeof v === 'string' && isWellFormedText(v),
  'a well-formed string',
);
export const byteString: Codec<Uint8Array> = simple(
  'ByteString',
  (v): v is Uint8Array => v instanceof Uint8Array,
  'a Uint8Array',
);
export const interval: Codec<number> = simple('Interval', isUint32, 'an unsigned 32-bit integer');
export const dateTimeExtended: Codec<bigint> = simple(
  'DateTimeExtended',
  isInt64,
  'a signed 64-bit bigint',
);

/** DateTime as a `Date` (whole seconds; out-of-range values are rejected). */
export const dateTime: Codec<Date> = {
  types: ['DateTime'],
  read: (item, _v, path) => {
    const date = secondsToDate(expectType(item, 'DateTime', path).value);
    if (date === undefined) _invalid(path, 'date out of the range of a Date');
    return date;
  },
  write: (tag, value, _v, path) => {
    if (!(value instanceof Date) || Number.isNaN(value.getTime()))
      _invalid(path, 'must be a valid Date');
    return { tag, type: 'DateTime', value: dateToSeconds(value) };
  },
};

/** Any item, kept as is (values whose type the schema cannot know). */
export const anyItem: Codec<TtlvItem> = {
  types: [
    'Structure',
    'Integer',
    'LongInteger',
    'BigInteger',
    'Enumeration',
    'Boolean',
    'TextString',
    'ByteString',
    'DateTime',
    'Interval',
    'DateTimeExtended',
  ],
  read: (item) => item,
  write: (tag, value, _v, path) => {
    const v: unknown = value;
    if (typeof v !== 'object' || v === null || !('type' in v))
      _invalid(path, 'must be a TTLV item');
    return { ...value, tag };
  },
};

/** A value that may be one of several item types, each with its own codec (first match wins). */
export function oneOf<T>(
  alternatives: readonly {
    codec: Codec<unknown>;
    is: (value: T) => boolean;
    wrap: (v: unknown) => T;
    unwrap: (v: T) => unknown;
  }[],
): Codec<T> {
  return {
    types: alternatives.flatMap((a) => a.codec.types),
    read: (item, version, path) => {
      for (const a of alternatives) {
        if (a.codec.types.includes(item.type)) return a.wrap(a.codec.read(item, version, path));
      }
      return _invalid(path, `unexpected item type ${item.type}`);
    },
    write: (tag, value, version, path) => {
      for (const a of alternatives)
        if (a.is(value)) return a.codec.write(tag, a.unwrap(value), version, path);
      return _invalid(path, 'value matches no alternative');
    },
  };
}

/** Converts a codec's value type both ways (e.g. an internal shape to the public one). */
export function mapped<A, B>(
  codec: Codec<A>,
  to: (a: A, path: string) => B,
  from: (b: B, path: string) => A,
): Codec<B> {
  return {
    types: codec.types,
    read: (item, version, path) => to(codec.read(item, version, path), path),
    write: (tag, value, version, path) => codec.write(tag, from(value, path), version, path),
  };
}

/** A codec whose shape depends on the protocol version. */
export function versioned<T>(v1: Codec<T>, v2: Codec<T>): Codec<T> {
  return {
    types: [...new Set([...v1.types, ...v2.types])],
    read: (item, version, path) => (_isV1(version) ? v1 : v2).read(item, version, path),
    write: (tag, value, version, path) =>
      (_isV1(version) ? v1 : v2).write(tag, value, version, path),
  };
}

/** A codec defined later (recursive or mutually dependent structures). */
export function lazy<T>(get: () => Codec<T>): Codec<T> {
  return {
    get types() {
      return get().types;
    },
    read: (item, version, path) => get().read(item, version, path),
    write: (tag, value, version, path) => get().write(tag, value, version, path),
  };
}

export type Occurs = 'one' | 'opt' | 'many' | 'many1';

/** One field of a structure. `tags` lists accepted tags; the first is written unless `writeTag` says otherwise. */
export interface Field<K extends string = string, T = unknown, O extends Occurs = Occurs> {
  readonly key: K;
  readonly tags: readonly number[];
  readonly codec: Codec<T>;
  readonly occurs: O;
  /** Tag to write for a value (objects written under their own type tag), or for a version. */
  readonly writeTag?: (value: T, version: ProtocolVersion) => number;
  /** Only read and written for this protocol major version range. */
  readonly versions?: 'v1' | 'v2';
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyField = Field<string, any>;

export function one<K extends string, T>(
  key: K,
  tag: number,
  codec: Codec<T>,
  extra?: Partial<Field<K, T, 'one'>>,
): Field<K, T, 'one'> {
  return { key, tags: [tag], codec, occurs: 'one', ...extra };
}
export function opt<K extends string, T>(
  key: K,
  tag: number,
  codec: Codec<T>,
  extra?: Partial<Field<K, T, 'opt'>>,
): Field<K, T, 'opt'> {
  return { key, tags: [tag], codec, occurs: 'opt', ...extra };
}
export function many<K extends string, T>(
  key: K,
  tag: number,
  codec: Codec<T>,
  extra?: Partial<Field<K, T, 'many'>>,
): Field<K, T, 'many'> {
  return { key, tags: [tag], codec, occurs: 'many', ...extra };
}
export function many1<K extends string, T>(
  key: K,
  tag: number,
  codec: Codec<T>,
  extra?: Partial<Field<K, T, 'many1'>>,
): Field<K, T, 'many1'> {
  return { key, tags: [tag], codec, occurs: 'many1', ...extra };
}

type ValueOf<F> =
  F extends Field<string, infer T, infer O> ? (O extends 'many' | 'many1' ? T[] : T) : never;

/** The object type a list of fields describes. */
export type StructOf<Fs extends readonly AnyField[]> = {
  -readonly [F in Fs[number] as F['occurs'] extends 'one' | 'many1' ? F['key'] : never]: ValueOf<F>;
} & {
  -readonly [F in Fs[number] as F['occurs'] extends 'opt' | 'many' ? F['key'] : never]?: ValueOf<F>;
};

/** Typed value of a codec. */
export type Infer<C> = C extends Codec<infer T> ? T : never;

export interface StructOptions {
  /** Keep unknown children with extension tags (0x54XXXX) in an `extensions` array. */
  extensions?: boolean;
  /** Check run after reading and before writing (cross-field rules). */
  check?: (value: Record<string, unknown>, path: string) => void;
}

/** Unknown children kept by a structure declared with `extensions: true`. */
export interface WithExtensions {
  extensions?: TtlvItem[];
}

/** Codec of a structure made of `fields`, read and written in their order. */
export function struct<const Fs extends readonly AnyField[]>(
  fields: Fs,
  options?: StructOptions,
): Codec<StructOf<Fs>> {
  const byTag = new Map<number, AnyField>();
  for (const f of fields) for (const t of f.tags) byTag.set(t, f);
  const active = (f: AnyField, version: ProtocolVersion): boolean =>
    f.versions === undefined || (f.versions === 'v1') === _isV1(version);
  return {
    types: ['Structure'],
    read: (item, version, path) => {
      const s = expectType(item, 'Structure', path);
      const out: Record<string, unknown> = {};
      for (const c of s.value) {
        const f = byTag.get(c.tag);
        if (f === undefined || !active(f, version)) {
          if (options?.extensions === true && c.tag >= 0x540000) {
            ((out['extensions'] ??= []) as TtlvItem[]).push(c);
            continue;
          }
          throw new KmipPayloadError(
            'ERR_KMIP_UNEXPECTED_FIELD',
            `unexpected ${tagName(c.tag) ?? `tag 0x${c.tag.toString(16)}`}`,
            path,
          );
        }
        const p = `${path}.${f.key}`;
        if (!f.codec.types.includes(c.type)) _invalid(p, `unexpected item type ${c.type}`);
        const value: unknown = f.codec.read(c, version, p);
        if (f.occurs === 'many' || f.occurs === 'many1')
          ((out[f.key] ??= []) as unknown[]).push(value);
        else if (f.key in out) _invalid(p, 'repeated field');
        else out[f.key] = value;
      }
      for (const f of fields) {
        if ((f.occurs === 'one' || f.occurs === 'many1') && !(f.key in out) && active(f, version)) {
          throw new KmipPayloadError('ERR_KMIP_MISSING_FIELD', 'missing', `${path}.${f.key}`);
        }
      }
      options?.check?.(out, path);
      return out as StructOf<Fs>;
    },
    write: (tag, value, version, path) => {
      const raw: unknown = value;
      if (typeof raw !== 'object' || raw === null) _invalid(path, 'must be an object');
      const v = raw as Record<string, unknown>;
      options?.check?.(v, path);
      const items: TtlvItem[] = [];
      for (const f of fields) {
        const x = v[f.key];
        const p = `${path}.${f.key}`;
        if (x === undefined) {
          if ((f.occurs === 'one' || f.occurs === 'many1') && active(f, version)) {
            throw new KmipPayloadError('ERR_KMIP_MISSING_FIELD', 'missing', p);
          }
          continue;
        }
        if (!active(f, version)) _invalid(p, `not part of KMIP ${version.major}.${version.minor}`);
        const values = f.occurs === 'many' || f.occurs === 'many1' ? x : [x];
        if (!Array.isArray(values)) _invalid(p, 'must be an array');
        if (f.occurs === 'many1' && values.length === 0)
          throw new KmipPayloadError('ERR_KMIP_MISSING_FIELD', 'empty', p);
        for (const one of values as unknown[]) {
          const t: number | undefined =
            f.writeTag === undefined ? f.tags[0] : f.writeTag(one, version);
          if (t === undefined) _invalid(p, 'field without a tag');
          items.push(f.codec.write(t, one, version, p));
        }
      }
      if (options?.extensions === true && v['extensions'] !== undefined) {
        const ext = v['extensions'];
        if (!Array.isArray(ext)) _invalid(`${path}.extensions`, 'must be an array');
        items.push(...(ext as TtlvItem[]));
      }
      return { tag, type: 'Structure', value: items } satisfies TtlvStructure;
    },
  };
}
