/**
 * Value forms shared by the two text encodings (KMIP Additional Message Encodings v1.0 §4 JSON,
 * §6 XML): hex numbers, enumeration and mask names resolved from the item's tag, ISO-8601 date
 * times. Also the context a structure's children give each other: in KMIP 1.x an Attribute
 * Value's enumeration or mask names depend on the sibling Attribute Name, and a JSON `"Object"`
 * tag takes the tag of the sibling Object Type.
 */
import { KmipCodecError } from './errors.ts';
import { enumName, enumValue, enumerationForTag } from './enums.ts';
import { formatMask, maskForTag, parseMask } from './masks.ts';
import { Tag, tagFromAttributeName, tagFromName, type NameStyle } from './tags.ts';
import { INT32_MAX, INT32_MIN, INT64_MAX, INT64_MIN, UINT32_MAX, type TtlvItem } from './ttlv.ts';

/** What earlier siblings tell about later ones, tracked per structure while coding. */
export class _SiblingContext {
  /** Tag named by the last KMIP 1.x Attribute Name sibling (standard attributes only). */
  attributeTag: number | undefined;
  /** Whether a Vendor Identification sibling was seen (a vendor attribute: names mean nothing). */
  vendor = false;
  /** Last Object Type value, to resolve a JSON `"Object"` tag. */
  objectType: number | undefined;

  /** Records `item` after it was read or written. */
  see(item: TtlvItem): void {
    if (item.tag === Tag.AttributeName && item.type === 'TextString') {
      this.attributeTag = tagFromAttributeName(item.value);
    } else if (item.tag === Tag.VendorIdentification) {
      this.vendor = true;
    } else if (item.tag === Tag.ObjectType && item.type === 'Enumeration') {
      this.objectType = item.value;
    }
  }

  /** The tag whose enumeration/mask applies to a value with tag `tag`. */
  valueTag(tag: number): number {
    return tag === Tag.AttributeValue && !this.vendor && this.attributeTag !== undefined
      ? this.attributeTag
      : tag;
  }
}

export function _fail(message: string, offset?: number): never {
  throw new KmipCodecError('ERR_KMIP_BAD_VALUE', message, offset);
}

const DECIMAL = /^[-+]?\d{1,20}$/;
const HEX = /^0x([0-9a-fA-F]+)$/;

/** Signed value of fixed-width hex digits (two's complement over `4 * digits.length` bits). */
function signedHex(digits: string): bigint {
  const unsigned = BigInt(`0x${digits}`);
  const bits = BigInt(digits.length * 4);
  return unsigned >= 1n << (bits - 1n) ? unsigned - (1n << bits) : unsigned;
}

/**
 * Integer from text: decimal, `0x` + 8 hex digits (two's complement), or mask names when the
 * tag carries a mask (components split by `separator`).
 */
export function _parseInteger(text: string, tag: number, separator: RegExp, at?: number): number {
  if (DECIMAL.test(text)) {
    const v = Number(text);
    if (v < INT32_MIN || v > INT32_MAX) _fail('Integer out of the signed 32-bit range', at);
    return v;
  }
  const hex = HEX.exec(text);
  if (hex !== null) {
    if ((hex[1] as string).length !== 8) _fail('hex Integer must have 8 digits', at);
    return Number(signedHex(hex[1] as string));
  }
  const mask = maskForTag(tag);
  if (mask !== undefined) {
    const v = parseMask(mask, text, separator);
    if (v !== undefined) return v;
  }
  return _fail('not an Integer', at);
}

/** LongInteger/DateTimeExtended from decimal or `0x` + 16 hex digits. */
export function _parseLong(text: string, at?: number): bigint {
  let v: bigint;
  if (DECIMAL.test(text)) v = BigInt(text);
  else {
    const hex = HEX.exec(text);
    if (hex === null || (hex[1] as string).length !== 16) return _fail('not a 64-bit integer', at);
    v = signedHex(hex[1] as string);
  }
  if (v < INT64_MIN || v > INT64_MAX) _fail('out of the signed 64-bit range', at);
  return v;
}

/** Unsigned 32-bit value (Interval, Enumeration) from decimal or `0x` + 8 hex digits. */
export function _parseUint32(text: string, at?: number): number | undefined {
  let v: number;
  if (/^\d{1,10}$/.test(text)) v = Number(text);
  else {
    const hex = HEX.exec(text);
    if (hex === null) return undefined;
    if ((hex[1] as string).length !== 8) _fail('hex value must have 8 digits', at);
    v = Number.parseInt(hex[1] as string, 16);
  }
  if (v > UINT32_MAX) _fail('out of the unsigned 32-bit range', at);
  return v;
}

/** Enumeration value from a name (any spelling), decimal or `0x` + 8 hex digits. */
export function _parseEnumeration(text: string, tag: number, at?: number): number {
  const numeric = _parseUint32(text, at);
  if (numeric !== undefined) return numeric;
  const enumeration = enumerationForTag(tag);
  const v = enumeration === undefined ? undefined : enumValue(enumeration, text);
  if (v === undefined) _fail(`unknown enumeration value name for this tag`, at);
  return v;
}

/** Text of an Enumeration: its name in `style` when known, else `0x` + 8 hex digits. */
export function _formatEnumeration(value: number, tag: number, style: NameStyle): string {
  const enumeration = enumerationForTag(tag);
  const name = enumeration === undefined ? undefined : enumName(enumeration, value, style);
  return name ?? `0x${value.toString(16).toUpperCase().padStart(8, '0')}`;
}

/** Mask text of an Integer when its tag carries a mask, else undefined. */
export function _formatMaskText(value: number, tag: number, separator: string): string | undefined {
  const mask = maskForTag(tag);
  return mask === undefined ? undefined : formatMask(mask, value, separator);
}

/** `0x` + `digits` hex digits of a 64-bit two's-complement value. */
export function _hex64(value: bigint): string {
  return `0x${BigInt.asUintN(64, value).toString(16).toUpperCase().padStart(16, '0')}`;
}

const ISO = /^(-?\d{4,6})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})?$/;

/** Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar (H. Hinnant's algorithm). */
function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function civilFromDays(z: number): [number, number, number] {
  const zz = z + 719468;
  const era = Math.floor(zz / 146097);
  const doe = zz - era * 146097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp + (mp < 10 ? 3 : -9);
  return [yoe + era * 400 + (m <= 2 ? 1 : 0), m, d];
}

function daysInMonth(y: number, m: number): number {
  if (m === 2) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(m) ? 30 : 31;
}

/**
 * Parses an xsd:dateTime (`2001-01-01T10:00:00+10:00`, `...Z`, no zone = UTC). Returns POSIX
 * seconds and the fraction in microseconds (truncated), or undefined if malformed.
 */
export function _parseIsoDateTime(text: string): { seconds: bigint; micros: number } | undefined {
  const m = ISO.exec(text);
  if (m === null) return undefined;
  const [y, mo, d, h, mi, s] = [m[1], m[2], m[3], m[4], m[5], m[6]].map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo) || h > 23 || mi > 59 || s > 59)
    return undefined;
  let offset = 0;
  const zone = m[8];
  if (zone !== undefined && zone !== 'Z') {
    const oh = Number(zone.slice(1, 3));
    const om = Number(zone.slice(4, 6));
    if (oh > 14 || om > 59) return undefined;
    offset = (zone[0] === '-' ? -1 : 1) * (oh * 3600 + om * 60);
  }
  const seconds =
    BigInt(daysFromCivil(y, mo, d)) * 86400n + BigInt(h * 3600 + mi * 60 + s - offset);
  const fraction = m[7] === undefined ? 0 : Number(m[7].slice(1).padEnd(6, '0').slice(0, 6));
  return { seconds, micros: fraction };
}

/** DateTime from ISO-8601 (fractions ignored) or `0x` + 16 hex digits. */
export function _parseDateTime(text: string, at?: number): bigint {
  if (text.startsWith('0x')) return _parseLong(text, at);
  const iso = _parseIsoDateTime(text);
  if (iso === undefined) _fail('not an ISO-8601 date-time', at);
  if (iso.seconds < INT64_MIN || iso.seconds > INT64_MAX) _fail('date-time out of range', at);
  return iso.seconds;
}

/** DateTimeExtended (microseconds) from ISO-8601 with fraction, decimal or `0x` + 16 hex. */
export function _parseDateTimeExtended(text: string, at?: number): bigint {
  if (text.startsWith('0x') || DECIMAL.test(text)) return _parseLong(text, at);
  const iso = _parseIsoDateTime(text);
  if (iso === undefined) return _fail('not an ISO-8601 date-time', at);
  const v = iso.seconds * 1_000_000n + BigInt(iso.micros);
  if (v < INT64_MIN || v > INT64_MAX) _fail('date-time out of range', at);
  return v;
}

/**
 * ISO-8601 text of POSIX seconds, `2026-06-06T20:53:32Z` (or `+00:00` zone), for years
 * 0000–9999; undefined outside (callers then use the hex form).
 */
export function _formatIsoDateTime(seconds: bigint, zone: 'Z' | '+00:00'): string | undefined {
  // Years 0000-9999 only: xsd:dateTime and RFC 3339 both need four-digit years.
  if (seconds < -62167219200n || seconds > 253402300799n) return undefined;
  const n = Number(seconds);
  const days = Math.floor(n / 86400);
  const rest = n - days * 86400;
  const [y, m, d] = civilFromDays(days);
  const p2 = (v: number): string => String(v).padStart(2, '0');
  return `${String(y).padStart(4, '0')}-${p2(m)}-${p2(d)}T${p2(Math.floor(rest / 3600))}:${p2(
    Math.floor((rest % 3600) / 60),
  )}:${p2(rest % 60)}${zone}`;
}

/** Resolves a tag name of a text encoding; `0x42XXXX` always works. */
export function _tagOf(name: string, at?: number): number {
  const tag = tagFromName(name);
  if (tag === undefined)
    throw new KmipCodecError('ERR_KMIP_BAD_TAG', `unknown tag name "${name.slice(0, 64)}"`, at);
  return tag;
}
