/**
 * A small strict DER (X.690) reader and writer for the containers the asymmetric key formats
 * need around what `@custos/crypto` encodes (PKCS#1, SEC1, X.509 certificates, PKCS#12). Not a
 * general ASN.1 library: no high tag numbers, no indefinite lengths (BER is refused), lengths
 * below 2^32.
 *
 * Every malformed input throws `KmsError` Invalid Field with a generic message: these bytes come
 * from clients, and the message must not echo them.
 */
import { KmsError } from './errors.ts';

export const INTEGER = 0x02;
export const BIT_STRING = 0x03;
export const OCTET_STRING = 0x04;
export const NULL = 0x05;
export const OID = 0x06;
export const UTF8_STRING = 0x0c;
export const BMP_STRING = 0x1e;
export const SEQUENCE = 0x30;
export const SET = 0x31;

/** One decoded element; `value` is a view into the input. */
export interface Der {
  readonly tag: number;
  readonly value: Uint8Array;
  /** The whole element (header and content), a view into the input. */
  readonly raw: Uint8Array;
}

function fail(what: string): never {
  throw new KmsError('ERR_KMS_INVALID_FIELD', `malformed DER: ${what}`);
}

function readAt(bytes: Uint8Array, offset: number): [Der, number] {
  if (offset + 2 > bytes.length) fail('truncated header');
  const tag = bytes[offset] as number;
  if ((tag & 0x1f) === 0x1f) fail('unsupported tag');
  const first = bytes[offset + 1] as number;
  let pos = offset + 2;
  let length = first;
  if (first >= 0x80) {
    const count = first & 0x7f;
    if (count === 0) fail('indefinite length');
    if (count > 4 || pos + count > bytes.length) fail('bad length');
    if (bytes[pos] === 0) fail('non-minimal length');
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + (bytes[pos + i] as number);
    pos += count;
    if (length < 0x80) fail('non-minimal length');
  }
  if (length > bytes.length - pos) fail('truncated content');
  const end = pos + length;
  return [{ tag, value: bytes.subarray(pos, end), raw: bytes.subarray(offset, end) }, end];
}

/** Decodes exactly one element covering all of `bytes`; `tag` checks its tag. */
export function decode(bytes: Uint8Array, tag?: number): Der {
  const [el, end] = readAt(bytes, 0);
  if (end !== bytes.length) fail('trailing data');
  if (tag !== undefined && el.tag !== tag) fail('unexpected element');
  return el;
}

/** Children of a constructed element (they must cover its content exactly). */
export function children(el: Der, min = 0, max = Number.MAX_SAFE_INTEGER): Der[] {
  if ((el.tag & 0x20) === 0) fail('expected a constructed element');
  const out: Der[] = [];
  let offset = 0;
  while (offset < el.value.length) {
    const [child, next] = readAt(el.value, offset);
    out.push(child);
    offset = next;
  }
  if (out.length < min || out.length > max) fail('wrong number of fields');
  return out;
}

/** Checks a tag and returns the element. */
export function expect(el: Der | undefined, tag: number): Der {
  if (el?.tag !== tag) fail('unexpected element');
  return el;
}

/** A non-negative INTEGER's magnitude (minimal big-endian, leading zero dropped). */
export function unsigned(el: Der | undefined): Uint8Array {
  const v = expect(el, INTEGER).value;
  if (v.length === 0) fail('empty integer');
  if ((v[0] as number) & 0x80) fail('negative integer');
  if (v.length > 1 && v[0] === 0 && ((v[1] as number) & 0x80) === 0) fail('non-minimal integer');
  return v[0] === 0 && v.length > 1 ? v.subarray(1) : v;
}

/** A small INTEGER as a number. */
export function smallInt(el: Der | undefined): number {
  const v = unsigned(el);
  if (v.length > 6) fail('integer too large');
  let n = 0;
  for (const b of v) n = n * 256 + b;
  return n;
}

/** The bytes of a BIT STRING with no unused bits. */
export function bits(el: Der | undefined): Uint8Array {
  const v = expect(el, BIT_STRING).value;
  if (v.length === 0 || v[0] !== 0) fail('bit string with unused bits');
  return v.subarray(1);
}

/** Dotted text of an OBJECT IDENTIFIER. */
export function oidText(el: Der | undefined): string {
  const v = expect(el, OID).value;
  if (v.length === 0) fail('empty object identifier');
  const parts: number[] = [];
  let n = 0;
  for (let i = 0; i < v.length; i++) {
    const b = v[i] as number;
    if (n === 0 && b === 0x80) fail('non-minimal object identifier');
    n = n * 128 + (b & 0x7f);
    if (n > Number.MAX_SAFE_INTEGER / 128) fail('object identifier too large');
    if ((b & 0x80) === 0) {
      if (parts.length === 0) parts.push(n < 80 ? Math.floor(n / 40) : 2, n < 80 ? n % 40 : n - 80);
      else parts.push(n);
      n = 0;
    } else if (i === v.length - 1) fail('truncated object identifier');
  }
  return parts.join('.');
}

// ---------------------------------------------------------------------------------------------
// Writing

function lengthBytes(n: number): number[] {
  if (n < 0x80) return [n];
  const out: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) out.unshift(v % 256);
  return [0x80 | out.length, ...out];
}

/** One element from its tag and content. */
export function tlv(tag: number, ...content: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const c of content) n += c.length;
  const head = [tag, ...lengthBytes(n)];
  const out = new Uint8Array(head.length + n);
  out.set(head);
  let at = head.length;
  for (const c of content) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

export const seq = (...items: Uint8Array[]): Uint8Array => tlv(SEQUENCE, ...items);
export const set = (...items: Uint8Array[]): Uint8Array => tlv(SET, ...items);
export const octets = (bytes: Uint8Array): Uint8Array => tlv(OCTET_STRING, bytes);
export const bitString = (bytes: Uint8Array): Uint8Array =>
  tlv(BIT_STRING, Uint8Array.of(0), bytes);
export const nullValue = (): Uint8Array => Uint8Array.of(NULL, 0);
/** `[n]` EXPLICIT (constructed context tag). */
export const explicit = (n: number, ...items: Uint8Array[]): Uint8Array => tlv(0xa0 | n, ...items);

/** INTEGER from a non-negative magnitude (bytes, bigint or number). */
export function integer(value: Uint8Array | bigint | number): Uint8Array {
  let mag: Uint8Array;
  if (value instanceof Uint8Array) {
    let i = 0;
    while (i < value.length - 1 && value[i] === 0) i++;
    mag = value.subarray(i);
  } else mag = bigintBytes(BigInt(value));
  if (mag.length === 0) mag = Uint8Array.of(0);
  return (mag[0] as number) & 0x80 ? tlv(INTEGER, Uint8Array.of(0), mag) : tlv(INTEGER, mag);
}

/** OBJECT IDENTIFIER from dotted text. */
export function oid(text: string): Uint8Array {
  const parts = text.split('.').map((p) => Number(p));
  const first = (parts[0] as number) * 40 + (parts[1] as number);
  const out: number[] = [];
  for (const n of [first, ...parts.slice(2)]) {
    const groups: number[] = [n % 128];
    for (let v = Math.floor(n / 128); v > 0; v = Math.floor(v / 128))
      groups.unshift(0x80 | (v % 128));
    out.push(...groups);
  }
  return tlv(OID, Uint8Array.from(out));
}

/** Big-endian bytes of a non-negative bigint (empty for 0). */
export function bigintBytes(v: bigint): Uint8Array {
  if (v < 0n) throw new RangeError('negative');
  let hex = v.toString(16);
  if (v === 0n) return new Uint8Array(0);
  if (hex.length % 2 === 1) hex = `0${hex}`;
  return Uint8Array.from(Buffer.from(hex, 'hex'));
}

/** Big-endian bytes of `v` left-padded to `length`. */
export function fixedBytes(v: bigint, length: number): Uint8Array {
  const b = bigintBytes(v);
  if (b.length > length) throw new RangeError('value too large');
  const out = new Uint8Array(length);
  out.set(b, length - b.length);
  return out;
}

/** A bigint from big-endian bytes. */
export function toBigint(bytes: Uint8Array): bigint {
  return bytes.length === 0 ? 0n : BigInt(`0x${Buffer.from(bytes).toString('hex')}`);
}
