/**
 * Keywords and the domain keywords actually indexed.
 *
 * A keyword is a string (UTF-8 encoded) or raw bytes. What the index stores is a *domain
 * keyword*: one domain byte followed by bytes, so that exact keywords, prefixes, suffixes and
 * the internal keyword registry can never collide:
 *
 * - 0 exact: the keyword itself. Its entries are values, plus links (synonyms) to other keywords.
 * - 1 prefix: every prefix of the keyword of min..max units (code points for strings, bytes for
 *   byte keywords). Entries carry `rest length (1) ‖ rest ‖ value`, where rest is the part of
 *   the keyword after the prefix: this keeps (keyword, value) pairs apart, so deleting a value
 *   from "apple" does not remove it from prefix "app" while "apply" still holds it, and it lets
 *   a prefix query longer than max be answered exactly by filtering the max-length prefix.
 * - 2 suffix: the same with suffixes; rest is the part before the suffix.
 * - 3 registry: one internal keyword listing every domain keyword created (for compaction).
 */
import { bytesKey, isBytes } from './_assert.ts';

export type Keyword = string | Uint8Array;

export const DOMAIN_EXACT = 0;
export const DOMAIN_PREFIX = 1;
export const DOMAIN_SUFFIX = 2;
export const DOMAIN_REGISTRY = 3;
export const MAX_KEYWORD_BYTES = 1024;
/** Longest rest kept in a prefix/suffix entry (keywords longer than max + this are refused). */
export const MAX_REST_BYTES = 96;

const ENC = new TextEncoder();

export interface AffixConfig {
  readonly min: number;
  readonly max: number;
}

export const REGISTRY_KEYWORD = Uint8Array.of(DOMAIN_REGISTRY);

/** UTF-8 (or copied) bytes of a keyword. @throws TypeError/RangeError */
export function keywordBytes(keyword: unknown, label = 'keyword'): Uint8Array {
  let bytes: Uint8Array;
  if (typeof keyword === 'string') bytes = ENC.encode(keyword);
  else if (isBytes(keyword)) bytes = keyword.slice();
  else throw new TypeError(`${label} must be a string or a Uint8Array`);
  if (bytes.length === 0 || bytes.length > MAX_KEYWORD_BYTES) {
    throw new RangeError(`${label} must be 1 to ${MAX_KEYWORD_BYTES} bytes long`);
  }
  return bytes;
}

/**
 * The exact-domain keyword of `keyword` and its `bytesKey` (a Map key). ASCII strings, the
 * common case, take one pass and no TextEncoder call (whose result is a fresh ArrayBuffer).
 * @throws TypeError/RangeError
 */
export function exactKeyword(
  keyword: unknown,
  label = 'keyword',
  index?: number,
): { dk: Uint8Array; name: string } {
  if (typeof keyword === 'string' && keyword.length > 0 && keyword.length <= MAX_KEYWORD_BYTES) {
    const n = keyword.length;
    const dk = new Uint8Array(n + 1);
    let ascii = true;
    for (let i = 0; i < n; i++) {
      const c = keyword.charCodeAt(i);
      if (c >= 0x80) {
        ascii = false;
        break;
      }
      dk[i + 1] = c;
    }
    // Latin-1 of ASCII bytes is the string itself.
    if (ascii) return { dk, name: `\u0000${keyword}` };
  }
  // The label of an indexed argument is only built for the error message.
  const dk = domainKeyword(
    DOMAIN_EXACT,
    keywordBytes(keyword, index === undefined ? label : `${label}[${index}]`),
  );
  return { dk, name: bytesKey(dk) };
}

export function domainKeyword(domain: number, bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(bytes.length + 1);
  out[0] = domain;
  out.set(bytes, 1);
  return out;
}

/**
 * Byte offsets of unit boundaries: for a string keyword the start of each code point (plus the
 * end), for bytes every offset. `boundaries[n]` is the byte length of the first n units.
 */
export function unitBoundaries(keyword: Keyword, bytes: Uint8Array): number[] {
  const out = [0];
  if (typeof keyword === 'string') {
    for (let i = 1; i < bytes.length; i++) if (((bytes[i] as number) & 0xc0) !== 0x80) out.push(i);
  } else {
    for (let i = 1; i < bytes.length; i++) out.push(i);
  }
  out.push(bytes.length);
  return out;
}

/** `rest length ‖ rest ‖ value`. */
export function affixPayload(rest: Uint8Array, value: Uint8Array): Uint8Array {
  const out = new Uint8Array(1 + rest.length + value.length);
  out[0] = rest.length;
  out.set(rest, 1);
  out.set(value, 1 + rest.length);
  return out;
}

export function splitAffixPayload(
  payload: Uint8Array,
): { rest: Uint8Array; value: Uint8Array } | null {
  const n = payload[0];
  if (n === undefined || 1 + n >= payload.length) return null;
  return { rest: payload.subarray(1, 1 + n), value: payload.subarray(1 + n) };
}

/** The (domain keyword, payload) pairs a (keyword, value) adds to the prefix or suffix domain. */
export function affixEntries(
  domain: typeof DOMAIN_PREFIX | typeof DOMAIN_SUFFIX,
  config: AffixConfig,
  keyword: Keyword,
  bytes: Uint8Array,
  value: Uint8Array,
): { dk: Uint8Array; payload: Uint8Array }[] {
  const b = unitBoundaries(keyword, bytes);
  const units = b.length - 1;
  const out: { dk: Uint8Array; payload: Uint8Array }[] = [];
  for (let len = config.min; len <= Math.min(units, config.max); len++) {
    if (domain === DOMAIN_PREFIX) {
      const cut = b[len] as number;
      out.push({
        dk: domainKeyword(domain, bytes.subarray(0, cut)),
        payload: affixPayload(bytes.subarray(cut), value),
      });
    } else {
      const cut = b[units - len] as number;
      out.push({
        dk: domainKeyword(domain, bytes.subarray(cut)),
        payload: affixPayload(bytes.subarray(0, cut), value),
      });
    }
  }
  return out;
}

export interface AffixQuery {
  readonly dk: Uint8Array;
  /** For queries longer than max: keeps the entries whose full keyword matches the query. */
  readonly filter: ((rest: Uint8Array) => boolean) | null;
}

/** The domain keyword to read for a prefix or suffix query, and the filter to apply. */
export function affixQuery(
  domain: typeof DOMAIN_PREFIX | typeof DOMAIN_SUFFIX,
  config: AffixConfig,
  query: Keyword,
  label: string,
): AffixQuery {
  const bytes = keywordBytes(query, label);
  const b = unitBoundaries(query, bytes);
  const units = b.length - 1;
  if (units < config.min) {
    throw new RangeError(
      `${label} must be at least ${config.min} ${typeof query === 'string' ? 'characters' : 'bytes'} long`,
    );
  }
  if (units <= config.max) return { dk: domainKeyword(domain, bytes), filter: null };
  if (domain === DOMAIN_PREFIX) {
    const cut = b[config.max] as number;
    const want = bytes.subarray(cut);
    return {
      dk: domainKeyword(domain, bytes.subarray(0, cut)),
      filter: (rest) => _startsWith(rest, want),
    };
  }
  const cut = b[units - config.max] as number;
  const want = bytes.subarray(0, cut);
  return {
    dk: domainKeyword(domain, bytes.subarray(cut)),
    filter: (rest) => _endsWith(rest, want),
  };
}

function _startsWith(a: Uint8Array, p: Uint8Array): boolean {
  if (p.length > a.length) return false;
  for (let i = 0; i < p.length; i++) if (a[i] !== p[i]) return false;
  return true;
}

function _endsWith(a: Uint8Array, s: Uint8Array): boolean {
  if (s.length > a.length) return false;
  const o = a.length - s.length;
  for (let i = 0; i < s.length; i++) if (a[o + i] !== s[i]) return false;
  return true;
}
