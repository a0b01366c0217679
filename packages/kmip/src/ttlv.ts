/**
 * The TTLV tree: the one in-memory model of a KMIP message that every codec reads and writes.
 *
 * An item is `{ tag, type, value }`: `tag` is the 3-byte tag value (`Tag.X`), `type` one of the
 * eleven KMIP item types, `value` its JavaScript form:
 *
 * | type | value |
 * |---|---|
 * | Structure | `TtlvItem[]` (ordered children) |
 * | Integer | `number`, signed 32-bit |
 * | LongInteger | `bigint`, signed 64-bit |
 * | BigInteger | `bigint`, any size |
 * | Enumeration | `number`, unsigned 32-bit |
 * | Boolean | `boolean` |
 * | TextString | `string` (must be well-formed Unicode) |
 * | ByteString | `Uint8Array` |
 * | DateTime | `bigint`, POSIX seconds, signed 64-bit |
 * | Interval | `number`, unsigned 32-bit seconds |
 * | DateTimeExtended | `bigint`, POSIX microseconds, signed 64-bit |
 *
 * The constructors below validate their arguments (TypeError/RangeError); encoders validate
 * every node again, so hand-built objects are safe to pass too.
 */
import { isValidTag } from './tags.ts';

export type TtlvType =
  | 'Structure'
  | 'Integer'
  | 'LongInteger'
  | 'BigInteger'
  | 'Enumeration'
  | 'Boolean'
  | 'TextString'
  | 'ByteString'
  | 'DateTime'
  | 'Interval'
  | 'DateTimeExtended';

/** Item type → type byte of the binary encoding. */
export const TTLV_TYPE_CODE: Readonly<Record<TtlvType, number>> = {
  Structure: 0x01,
  Integer: 0x02,
  LongInteger: 0x03,
  BigInteger: 0x04,
  Enumeration: 0x05,
  Boolean: 0x06,
  TextString: 0x07,
  ByteString: 0x08,
  DateTime: 0x09,
  Interval: 0x0a,
  DateTimeExtended: 0x0b,
};

/** Type byte → item type. */
export const TTLV_TYPE_BY_CODE: readonly (TtlvType | undefined)[] = (() => {
  const out: (TtlvType | undefined)[] = [];
  for (const [name, code] of Object.entries(TTLV_TYPE_CODE)) out[code] = name as TtlvType;
  return out;
})();

/** Shape check of an untrusted value before it is treated as an item (encoders validate values). */
export function isTtlvItemLike(value: unknown): value is TtlvItem {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { tag?: unknown }).tag === 'number' &&
    typeof (value as { type?: unknown }).type === 'string' &&
    'value' in value
  );
}

export function isTtlvType(value: unknown): value is TtlvType {
  return typeof value === 'string' && Object.hasOwn(TTLV_TYPE_CODE, value);
}

interface Item<T extends TtlvType, V> {
  readonly tag: number;
  readonly type: T;
  readonly value: V;
}
export type TtlvStructure = Item<'Structure', readonly TtlvItem[]>;
export type TtlvInteger = Item<'Integer', number>;
export type TtlvLongInteger = Item<'LongInteger', bigint>;
export type TtlvBigInteger = Item<'BigInteger', bigint>;
export type TtlvEnumeration = Item<'Enumeration', number>;
export type TtlvBoolean = Item<'Boolean', boolean>;
export type TtlvTextString = Item<'TextString', string>;
export type TtlvByteString = Item<'ByteString', Uint8Array>;
export type TtlvDateTime = Item<'DateTime', bigint>;
export type TtlvInterval = Item<'Interval', number>;
export type TtlvDateTimeExtended = Item<'DateTimeExtended', bigint>;

export type TtlvItem =
  | TtlvStructure
  | TtlvInteger
  | TtlvLongInteger
  | TtlvBigInteger
  | TtlvEnumeration
  | TtlvBoolean
  | TtlvTextString
  | TtlvByteString
  | TtlvDateTime
  | TtlvInterval
  | TtlvDateTimeExtended;

export const INT32_MIN = -0x80000000;
export const INT32_MAX = 0x7fffffff;
export const UINT32_MAX = 0xffffffff;
export const INT64_MIN = -(2n ** 63n);
export const INT64_MAX = 2n ** 63n - 1n;

function atag(tag: unknown): number {
  if (typeof tag !== 'number' || !Number.isInteger(tag))
    throw new TypeError('tag must be an integer');
  if (!isValidTag(tag))
    throw new RangeError('tag must be in 0x420000-0x42FFFF or 0x540000-0x54FFFF');
  return tag;
}

function aint(value: unknown, label: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value))
    throw new TypeError(`${label} must be an integer`);
  if (value < min || value > max) throw new RangeError(`${label} out of range`);
  return value;
}

function aint64(value: unknown, label: string): bigint {
  if (typeof value !== 'bigint') throw new TypeError(`${label} must be a bigint`);
  if (value < INT64_MIN || value > INT64_MAX)
    throw new RangeError(`${label} out of the signed 64-bit range`);
  return value;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** True when `s` has no lone surrogate, i.e. encodes to UTF-8 without loss. */
export function isWellFormedText(s: string): boolean {
  return !LONE_SURROGATE.test(s);
}

export function structure(tag: number, items: readonly TtlvItem[] = []): TtlvStructure {
  if (!Array.isArray(items)) throw new TypeError('structure items must be an array');
  return { tag: atag(tag), type: 'Structure', value: items };
}
export function integer(tag: number, value: number): TtlvInteger {
  return { tag: atag(tag), type: 'Integer', value: aint(value, 'Integer', INT32_MIN, INT32_MAX) };
}
export function longInteger(tag: number, value: bigint): TtlvLongInteger {
  return { tag: atag(tag), type: 'LongInteger', value: aint64(value, 'LongInteger') };
}
export function bigInteger(tag: number, value: bigint): TtlvBigInteger {
  if (typeof value !== 'bigint') throw new TypeError('BigInteger must be a bigint');
  return { tag: atag(tag), type: 'BigInteger', value };
}
export function enumeration(tag: number, value: number): TtlvEnumeration {
  return { tag: atag(tag), type: 'Enumeration', value: aint(value, 'Enumeration', 0, UINT32_MAX) };
}
export function boolean(tag: number, value: boolean): TtlvBoolean {
  if (typeof value !== 'boolean') throw new TypeError('Boolean must be a boolean');
  return { tag: atag(tag), type: 'Boolean', value };
}
export function textString(tag: number, value: string): TtlvTextString {
  if (typeof value !== 'string') throw new TypeError('TextString must be a string');
  if (!isWellFormedText(value)) throw new RangeError('TextString has a lone surrogate');
  return { tag: atag(tag), type: 'TextString', value };
}
export function byteString(tag: number, value: Uint8Array): TtlvByteString {
  if (!(value instanceof Uint8Array)) throw new TypeError('ByteString must be a Uint8Array');
  return { tag: atag(tag), type: 'ByteString', value };
}
/** DateTime from POSIX seconds (bigint) or a `Date` (milliseconds are truncated). */
export function dateTime(tag: number, value: bigint | Date): TtlvDateTime {
  const seconds = value instanceof Date ? dateToSeconds(value) : aint64(value, 'DateTime');
  return { tag: atag(tag), type: 'DateTime', value: seconds };
}
export function interval(tag: number, value: number): TtlvInterval {
  return { tag: atag(tag), type: 'Interval', value: aint(value, 'Interval', 0, UINT32_MAX) };
}
export function dateTimeExtended(tag: number, value: bigint): TtlvDateTimeExtended {
  return { tag: atag(tag), type: 'DateTimeExtended', value: aint64(value, 'DateTimeExtended') };
}

/** Seconds since the epoch of a valid `Date`, truncated toward minus infinity. */
export function dateToSeconds(date: Date): bigint {
  const ms = date.getTime();
  if (!Number.isFinite(ms)) throw new RangeError('invalid Date');
  return BigInt(Math.floor(ms / 1000));
}

/** `Date` for POSIX seconds, or undefined outside the range a `Date` can hold. */
export function secondsToDate(seconds: bigint): Date | undefined {
  if (seconds > 8_640_000_000_000n || seconds < -8_640_000_000_000n) return undefined;
  return new Date(Number(seconds) * 1000);
}

/** First child of a structure with this tag. */
export function child(item: TtlvStructure, tag: number): TtlvItem | undefined {
  return item.value.find((c) => c.tag === tag);
}

/** Every child of a structure with this tag, in order. */
export function children(item: TtlvStructure, tag: number): TtlvItem[] {
  return item.value.filter((c) => c.tag === tag);
}

/** Deep equality of two trees (same tags, types, values and child order). */
export function ttlvEquals(a: TtlvItem, b: TtlvItem): boolean {
  if (a.tag !== b.tag || a.type !== b.type) return false;
  switch (a.type) {
    case 'Structure': {
      const bv = b.value as readonly TtlvItem[];
      if (a.value.length !== bv.length) return false;
      for (let i = 0; i < a.value.length; i++) {
        if (!ttlvEquals(a.value[i] as TtlvItem, bv[i] as TtlvItem)) return false;
      }
      return true;
    }
    case 'ByteString': {
      const bv = b.value as Uint8Array;
      if (a.value.length !== bv.length) return false;
      for (let i = 0; i < bv.length; i++) if (a.value[i] !== bv[i]) return false;
      return true;
    }
    default:
      return a.value === b.value;
  }
}
