/**
 * Text encodings for keys: strict Base64 (RFC 4648 §4) and Base64url (§5, unpadded, as JOSE
 * uses it), and PEM armour (RFC 7468). Pure JS so it runs in browsers.
 *
 * Decoders are canonical: one byte string has exactly one accepted text form (no stray
 * characters, no non-zero padding bits), so that a key has a single encoding.
 */
import { InvalidEncoding } from './errors.ts';

const STD = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

function _table(alphabet: string): Int16Array {
  const t = new Int16Array(128).fill(-1);
  for (let i = 0; i < alphabet.length; i++) t[alphabet.charCodeAt(i)] = i;
  return t;
}
const STD_TABLE = _table(STD);
const URL_TABLE = _table(URL);

function _encode(bytes: Uint8Array, alphabet: string, pad: boolean): string {
  let out = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n =
      ((bytes[i] as number) << 16) | ((bytes[i + 1] as number) << 8) | (bytes[i + 2] as number);
    out +=
      alphabet.charAt(n >> 18) +
      alphabet.charAt((n >> 12) & 63) +
      alphabet.charAt((n >> 6) & 63) +
      alphabet.charAt(n & 63);
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = (bytes[i] as number) << 16;
    out += alphabet.charAt(n >> 18) + alphabet.charAt((n >> 12) & 63) + (pad ? '==' : '');
  } else if (rest === 2) {
    const n = ((bytes[i] as number) << 16) | ((bytes[i + 1] as number) << 8);
    out +=
      alphabet.charAt(n >> 18) +
      alphabet.charAt((n >> 12) & 63) +
      alphabet.charAt((n >> 6) & 63) +
      (pad ? '=' : '');
  }
  return out;
}

function _decode(text: string, table: Int16Array, padded: boolean, what: string): Uint8Array {
  let body = text;
  if (padded) {
    if (text.length % 4 !== 0) throw new InvalidEncoding(`${what}: bad length`);
    if (text.endsWith('==')) body = text.slice(0, -2);
    else if (text.endsWith('=')) body = text.slice(0, -1);
  }
  const rest = body.length % 4;
  if (rest === 1) throw new InvalidEncoding(`${what}: bad length`);
  const out = new Uint8Array(Math.floor((body.length * 3) / 4));
  let acc = 0;
  let bits = 0;
  let o = 0;
  for (let i = 0; i < body.length; i++) {
    const c = body.charCodeAt(i);
    const v = c < 128 ? (table[c] as number) : -1;
    if (v < 0) throw new InvalidEncoding(`${what}: invalid character`);
    acc = ((acc << 6) | v) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
    }
  }
  // Leftover bits must be zero, or two texts would decode to the same bytes.
  if (bits > 0 && (acc & ((1 << bits) - 1)) !== 0) {
    throw new InvalidEncoding(`${what}: non-canonical padding bits`);
  }
  return out;
}

/** Standard Base64 with padding. */
export function base64Encode(bytes: Uint8Array): string {
  return _encode(bytes, STD, true);
}

/** Decodes padded standard Base64; throws InvalidEncoding on any deviation. */
export function base64Decode(text: string, what = 'base64'): Uint8Array {
  return _decode(text, STD_TABLE, true, what);
}

/** Base64url without padding (RFC 7515 §2). */
export function base64urlEncode(bytes: Uint8Array): string {
  return _encode(bytes, URL, false);
}

/** Decodes unpadded Base64url; throws InvalidEncoding on any deviation (including padding). */
export function base64urlDecode(text: string, what = 'base64url'): Uint8Array {
  return _decode(text, URL_TABLE, false, what);
}

/** One PEM block: its label and DER content. */
export interface PemBlock {
  readonly label: string;
  readonly der: Uint8Array;
}

const PEM_RE =
  /^\s*-----BEGIN ([A-Z0-9 ]{1,64})-----\r?\n((?:[A-Za-z0-9+/=]{1,76}\r?\n)*)-----END ([A-Z0-9 ]{1,64})-----\s*$/;

/**
 * Parses exactly one PEM block (RFC 7468 "strict" textual encoding, lines of at most 76
 * characters, LF or CRLF). Whitespace around the block is allowed; any other text, a second
 * block, encapsulated headers (legacy encrypted PEM) or a BEGIN/END label mismatch are
 * InvalidEncoding.
 */
export function pemDecode(text: string): PemBlock {
  if (typeof text !== 'string') throw new TypeError('PEM data must be a string');
  // Bound the work done on hostile input before the regex runs.
  if (text.length > 1 << 20) throw new InvalidEncoding('PEM: input too large');
  const match = PEM_RE.exec(text);
  if (match === null) throw new InvalidEncoding('PEM: not a single well-formed block');
  const [, begin, body, end] = match as unknown as [string, string, string, string];
  if (begin !== end) throw new InvalidEncoding('PEM: BEGIN and END labels differ');
  const b64 = body.replace(/\r?\n/g, '');
  if (b64.length === 0) throw new InvalidEncoding('PEM: empty body');
  // '=' may only end the whole body, which base64Decode checks.
  return { label: begin, der: base64Decode(b64, 'PEM body') };
}

/** Wraps DER in a PEM block with 64-character lines and a final newline. */
export function pemEncode(label: string, der: Uint8Array): string {
  const b64 = base64Encode(der);
  let out = `-----BEGIN ${label}-----\n`;
  for (let i = 0; i < b64.length; i += 64) out += `${b64.slice(i, i + 64)}\n`;
  return `${out}-----END ${label}-----\n`;
}
