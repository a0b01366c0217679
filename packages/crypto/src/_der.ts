/**
 * A minimal, strict DER (X.690 Distinguished Encoding Rules) reader and writer, for the few
 * fixed structures the key codecs need (PKCS#8, SubjectPublicKeyInfo, PKCS#1, SEC1, ECDSA
 * signatures). Not a general ASN.1 library: no high tag numbers, no indefinite lengths, no
 * lengths above 2^32 − 1.
 *
 * Strict means every deviation from DER is rejected with `InvalidEncoding`: trailing bytes after
 * the outermost element, non-minimal length octets, the indefinite-length form, non-minimal or
 * (where unsigned is expected) negative INTEGERs, BIT STRINGs with unused bits. Accepting BER
 * would give one key or signature several encodings, which breaks byte comparisons and has been
 * the root of signature-malleability bugs.
 *
 * Returned `value`s are views into the input (no copy): callers that keep them must copy.
 */
import { InvalidEncoding } from './errors.ts';

export const TAG_INTEGER = 0x02;
export const TAG_BIT_STRING = 0x03;
export const TAG_OCTET_STRING = 0x04;
export const TAG_NULL = 0x05;
export const TAG_OID = 0x06;
export const TAG_SEQUENCE = 0x30;
/** Context-specific tags: `[n]` constructed (explicit or constructed implicit) and primitive. */
export const TAG_CONTEXT_0 = 0xa0;
export const TAG_CONTEXT_1 = 0xa1;
export const TAG_CONTEXT_0_PRIMITIVE = 0x80;
export const TAG_CONTEXT_1_PRIMITIVE = 0x81;

/** One decoded tag-length-value. */
export interface DerElement {
  readonly tag: number;
  /** The content octets (a view into the input). */
  readonly value: Uint8Array;
}

function _fail(what: string): never {
  throw new InvalidEncoding(`malformed DER: ${what}`);
}

/** Reads the element starting at `offset`; returns it and the offset just after it. */
function _readElement(bytes: Uint8Array, offset: number): [DerElement, number] {
  if (offset + 2 > bytes.length) _fail('truncated header');
  const tag = bytes[offset] as number;
  // High-tag-number form (low five bits all set) never occurs in the structures we read.
  if ((tag & 0x1f) === 0x1f) _fail('unsupported tag');
  const first = bytes[offset + 1] as number;
  let length: number;
  let pos = offset + 2;
  if (first < 0x80) {
    length = first;
  } else {
    const count = first & 0x7f;
    if (count === 0) _fail('indefinite length');
    if (count > 4) _fail('length too large');
    if (pos + count > bytes.length) _fail('truncated length');
    if (bytes[pos] === 0) _fail('non-minimal length');
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + (bytes[pos + i] as number);
    pos += count;
    // The long form is only allowed when the short form cannot express the length.
    if (length < 0x80) _fail('non-minimal length');
  }
  if (length > bytes.length - pos) _fail('truncated content');
  return [{ tag, value: bytes.subarray(pos, pos + length) }, pos + length];
}

/** Decodes exactly one element spanning all of `bytes` (trailing data is an error). */
export function derDecode(bytes: Uint8Array): DerElement {
  const [element, end] = _readElement(bytes, 0);
  if (end !== bytes.length) _fail('trailing data');
  return element;
}

/** Decodes the children of a constructed element; they must cover its content exactly. */
export function derChildren(element: DerElement): DerElement[] {
  if ((element.tag & 0x20) === 0) _fail('expected a constructed element');
  const out: DerElement[] = [];
  let offset = 0;
  while (offset < element.value.length) {
    const [child, next] = _readElement(element.value, offset);
    out.push(child);
    offset = next;
  }
  return out;
}

/** Decodes a SEQUENCE (or other constructed tag) and checks its child count is in range. */
export function derSequence(
  element: DerElement | undefined,
  what: string,
  min: number,
  max = min,
  tag = TAG_SEQUENCE,
): DerElement[] {
  const children = derChildren(derExpect(element, tag, what));
  if (children.length < min || children.length > max) _fail(`${what}: wrong number of fields`);
  return children;
}

/** Asserts `element` exists and has `tag`. */
export function derExpect(element: DerElement | undefined, tag: number, what: string): DerElement {
  if (element === undefined) _fail(`${what}: missing`);
  if (element.tag !== tag) _fail(`${what}: unexpected tag`);
  return element;
}

/**
 * Reads a non-negative INTEGER and returns its magnitude, big-endian, without leading zeros
 * (zero is the empty array). Negative or non-minimally encoded integers are rejected.
 */
export function derUnsigned(element: DerElement | undefined, what: string): Uint8Array {
  const v = derExpect(element, TAG_INTEGER, what).value;
  if (v.length === 0) _fail(`${what}: empty integer`);
  const b0 = v[0] as number;
  if (b0 & 0x80) _fail(`${what}: negative integer`);
  if (v.length > 1 && b0 === 0 && ((v[1] as number) & 0x80) === 0) {
    _fail(`${what}: non-minimal integer`);
  }
  return b0 === 0 ? v.subarray(1) : v;
}

/** Reads a small non-negative INTEGER (versions), at most 2^31 − 1. */
export function derSmallUnsigned(element: DerElement | undefined, what: string): number {
  const magnitude = derUnsigned(element, what);
  if (magnitude.length > 4 || (magnitude.length === 4 && (magnitude[0] as number) >= 0x80)) {
    _fail(`${what}: integer too large`);
  }
  let n = 0;
  for (const b of magnitude) n = n * 256 + b;
  return n;
}

/** Reads a BIT STRING that holds whole octets (the "unused bits" octet must be 0). */
export function derBitString(
  element: DerElement | undefined,
  what: string,
  tag = TAG_BIT_STRING,
): Uint8Array {
  const v = derExpect(element, tag, what).value;
  if (v.length === 0) _fail(`${what}: empty bit string`);
  if (v[0] !== 0) _fail(`${what}: bit string with unused bits`);
  return v.subarray(1);
}

/** Reads an OCTET STRING (or an implicitly tagged one when `tag` is given). */
export function derOctetString(
  element: DerElement | undefined,
  what: string,
  tag = TAG_OCTET_STRING,
): Uint8Array {
  return derExpect(element, tag, what).value;
}

/** Reads a NULL. */
export function derNull(element: DerElement | undefined, what: string): void {
  if (derExpect(element, TAG_NULL, what).value.length !== 0) _fail(`${what}: non-empty NULL`);
}

/** True when `element` is an OBJECT IDENTIFIER whose content octets equal `oid`. */
export function derIsOid(element: DerElement | undefined, oid: Uint8Array): boolean {
  if (element?.tag !== TAG_OID || element.value.length !== oid.length) return false;
  for (let i = 0; i < oid.length; i++) if (element.value[i] !== oid[i]) return false;
  return true;
}

// ---------------------------------------------------------------------------------------------
// Writer

function _lengthOctets(length: number): number[] {
  if (length < 0x80) return [length];
  const out: number[] = [];
  for (let l = length; l > 0; l = Math.floor(l / 256)) out.unshift(l % 256);
  return [0x80 | out.length, ...out];
}

/** Encodes one element from its tag and content parts. */
export function derEncode(tag: number, ...content: Uint8Array[]): Uint8Array {
  let length = 0;
  for (const part of content) length += part.length;
  const header = [tag, ..._lengthOctets(length)];
  const out = new Uint8Array(header.length + length);
  out.set(header, 0);
  let offset = header.length;
  for (const part of content) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** SEQUENCE of already-encoded children. */
export function derEncodeSequence(...children: Uint8Array[]): Uint8Array {
  return derEncode(TAG_SEQUENCE, ...children);
}

/** Non-negative INTEGER from a big-endian magnitude (leading zeros allowed in the input). */
export function derEncodeUnsigned(magnitude: Uint8Array): Uint8Array {
  let start = 0;
  while (start < magnitude.length - 1 && magnitude[start] === 0) start++;
  const trimmed = magnitude.length === 0 ? new Uint8Array(1) : magnitude.subarray(start);
  // A set high bit would read as negative: prepend a zero octet.
  const pad = ((trimmed[0] as number) & 0x80) !== 0 ? new Uint8Array(1) : new Uint8Array(0);
  return derEncode(TAG_INTEGER, pad, trimmed);
}

/** BIT STRING of whole octets. */
export function derEncodeBitString(bytes: Uint8Array, tag = TAG_BIT_STRING): Uint8Array {
  return derEncode(tag, new Uint8Array(1), bytes);
}

/** OCTET STRING (or implicitly tagged variant). */
export function derEncodeOctetString(bytes: Uint8Array, tag = TAG_OCTET_STRING): Uint8Array {
  return derEncode(tag, bytes);
}

/** OBJECT IDENTIFIER from its content octets. */
export function derEncodeOid(oid: Uint8Array): Uint8Array {
  return derEncode(TAG_OID, oid);
}

export const DER_NULL: Uint8Array = Uint8Array.of(TAG_NULL, 0);
