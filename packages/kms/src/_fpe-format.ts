/**
 * The format of an FPE Encrypt/Decrypt, read from the Authenticated Encryption Additional Data
 * as Cosmian KMS does (FPE has no associated data; Cosmian uses the field for the format):
 *
 * - absent or empty: text over `alpha_numeric`;
 * - a preset name or a character set (not starting with `{`): text over that alphabet;
 * - JSON `{"type": ..., "alphabet": ..., ...}`:
 *
 * | type | Data (UTF-8) | options |
 * |---|---|---|
 * | `text` (default) | any text: alphabet characters are encrypted, the others stay in place | `alphabet` (default `alpha_numeric`) |
 * | `integer` | digits of an alphabet of radix 2-16 (default `numeric`), length kept (Cosmian's) | `alphabet` |
 * | `bigint` | a decimal integer, e.g. `-42` | `digits` [+ `radix`], or `bits` [+ `signed`], or `min` and `max` |
 * | `float` | a finite decimal number | `format` (`float64`/`float32`), `mode` (`full`/`mantissa`) |
 * | `decimal` | a decimal, e.g. `1234.50` | `precision`, `scale`, `signed` |
 * | `card` | a card number (spaces, dashes kept; Luhn residue kept) | `keepLeading` (6), `keepTrailing` (0) |
 * | `date` | `YYYY-MM-DD`, `…THH:MM:SSZ` or `….mmmZ` | `unit` (`day`/`second`/`millisecond`), `min`, `max` |
 *
 * Common options: `rounds` (`hardened`, the default and Cosmian's FF1 with 18+ rounds; `nist`;
 * or an even number 10-256) and `allowSmallDomain`. Custom alphabets are sorted by code point
 * and deduplicated, as Cosmian does, so `"9876543210"` is the numeric alphabet.
 */
import { Alphabet } from '@custos/fpe/alphabet';
import { FpeBigInt } from '@custos/fpe/bigint';
import { FpeCard } from '@custos/fpe/card';
import { FpeDate } from '@custos/fpe/date';
import { FpeDecimal } from '@custos/fpe/decimal';
import { FpeError } from '@custos/fpe/errors';
import { FpeFloat } from '@custos/fpe/float';
import type { HelperOptions } from '@custos/fpe/integer';
import { FpeString } from '@custos/fpe/string';
import { KmsError } from './errors.ts';

/** Cosmian's Cryptographic Algorithm value for FF1 keys (`FPE_FF1`). */
export const FPE_FF1 = 0x88800001;

/** A format-preserving cipher of text values. */
export interface FpeCipher {
  encrypt(value: string, tweak: Uint8Array): string;
  decrypt(value: string, tweak: Uint8Array): string;
}

/** Largest format description accepted (Cosmian's limit too). */
export const MAX_FORMAT_BYTES = 4096;

function badFormat(message: string): never {
  throw new KmsError('ERR_KMS_BAD_CRYPTOGRAPHIC_PARAMETERS', `FPE format: ${message}`);
}

function range(from: number, to: number): string {
  let s = '';
  for (let c = from; c <= to; c++) s += String.fromCodePoint(c);
  return s;
}

/** Cosmian's preset names and ours. */
function preset(name: string): Alphabet | undefined {
  switch (name) {
    case 'numeric':
      return Alphabet.numeric;
    case 'hexadecimal':
      return Alphabet.hexadecimal;
    case 'alpha_lower':
    case 'lower':
      return Alphabet.lower;
    case 'alpha_upper':
    case 'upper':
      return Alphabet.upper;
    case 'alpha':
      return Alphabet.alpha;
    case 'alpha_numeric':
    case 'alphanumeric':
      return Alphabet.alphanumeric;
    case 'chinese':
    case 'cjk':
      return Alphabet.cjk;
    case 'latin1sup':
    case 'latin1':
      return Alphabet.latin1;
    case 'latin1sup_alphanum':
    case 'latin1Alphanumeric':
      return Alphabet.latin1Alphanumeric;
    case 'unicode':
      return Alphabet.unicode;
    case 'ascii_printable':
      return Alphabet.custom(range(0x20, 0x7e));
    case 'base64':
      return custom('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/');
    case 'utf':
      return badFormat(
        'Cosmian\'s "utf" alphabet contains control characters; use "unicode" (printable BMP)',
      );
    default:
      return undefined;
  }
}

/** A character set as Cosmian reads it: sorted by code point, duplicates dropped. */
function custom(chars: string): Alphabet {
  const points = [...new Set(Array.from(chars, (c) => c.codePointAt(0) as number))].sort(
    (a, b) => a - b,
  );
  if (points.length < 2) badFormat('an alphabet needs at least 2 distinct characters');
  return Alphabet.custom(String.fromCodePoint(...points));
}

function alphabetOf(value: unknown, fallback: string): Alphabet {
  if (value === undefined) return preset(fallback) as Alphabet;
  if (typeof value !== 'string' || value === '') badFormat('"alphabet" must be a non-empty string');
  return preset(value) ?? custom(value);
}

type Json = Record<string, unknown>;

function num(j: Json, key: string): number | undefined {
  const v = j[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) badFormat(`"${key}" must be an integer`);
  return v;
}

function bool(j: Json, key: string): boolean | undefined {
  const v = j[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'boolean') badFormat(`"${key}" must be true or false`);
  return v;
}

function str(j: Json, key: string): string | undefined {
  const v = j[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') badFormat(`"${key}" must be a string`);
  return v;
}

function big(j: Json, key: string): bigint | undefined {
  const v = j[key];
  if (v === undefined) return undefined;
  if (typeof v === 'number' && Number.isSafeInteger(v)) return BigInt(v);
  if (typeof v === 'string' && /^[+-]?\d{1,4096}$/u.test(v)) return BigInt(v);
  return badFormat(`"${key}" must be an integer (a string for large values)`);
}

function helperOptions(j: Json): HelperOptions {
  const out: HelperOptions = {};
  const rounds = j['rounds'];
  if (rounds !== undefined) {
    if (rounds !== 'nist' && rounds !== 'hardened' && typeof rounds !== 'number')
      badFormat('"rounds" is "hardened", "nist" or an even number');
    out.rounds = rounds;
  }
  const small = bool(j, 'allowSmallDomain');
  if (small !== undefined) out.allowSmallDomain = small;
  return out;
}

const DECIMAL_NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/u;
const INTEGER = /^[+-]?\d{1,4096}$/u;

function parseFloatText(text: string): number {
  const t = text.trim();
  if (!DECIMAL_NUMBER.test(t)) throw new FpeError('ERR_FPE_INVALID_INPUT', 'not a decimal number');
  const x = Number(t);
  if (!Number.isFinite(x)) throw new FpeError('ERR_FPE_OUT_OF_RANGE', 'not a finite number');
  return x;
}

function parseIntegerText(text: string): bigint {
  const t = text.trim();
  if (!INTEGER.test(t)) throw new FpeError('ERR_FPE_INVALID_INPUT', 'not a decimal integer');
  return BigInt(t);
}

function build(key: Uint8Array, j: Json): FpeCipher {
  const type = str(j, 'type') ?? 'text';
  const options = helperOptions(j);
  switch (type) {
    case 'text': {
      const f = new FpeString(key, alphabetOf(j['alphabet'], 'alpha_numeric'), options);
      return { encrypt: (v, t) => f.encrypt(v, t), decrypt: (v, t) => f.decrypt(v, t) };
    }
    case 'integer': {
      const alphabet = alphabetOf(j['alphabet'], 'numeric');
      if (alphabet.radix > 16) badFormat('integer alphabets have 2 to 16 characters');
      const f = new FpeString(key, alphabet, { ...options, passthrough: false });
      return { encrypt: (v, t) => f.encrypt(v, t), decrypt: (v, t) => f.decrypt(v, t) };
    }
    case 'bigint': {
      const digits = num(j, 'digits');
      const bits = num(j, 'bits');
      const min = big(j, 'min');
      const max = big(j, 'max');
      let domain: ConstructorParameters<typeof FpeBigInt>[1];
      if (digits !== undefined) {
        const radix = num(j, 'radix');
        domain = radix === undefined ? { digits } : { digits, radix };
      } else if (bits !== undefined) {
        const signed = bool(j, 'signed');
        domain = signed === undefined ? { bits } : { bits, signed };
      } else if (min !== undefined && max !== undefined) domain = { min, max };
      else return badFormat('bigint needs "digits", "bits", or "min" and "max"');
      const f = new FpeBigInt(key, domain, options);
      return {
        encrypt: (v, t) => f.encrypt(parseIntegerText(v), t).toString(),
        decrypt: (v, t) => f.decrypt(parseIntegerText(v), t).toString(),
      };
    }
    case 'float': {
      const format = str(j, 'format');
      const mode = str(j, 'mode');
      if (format !== undefined && format !== 'float64' && format !== 'float32')
        badFormat('"format" is float64 or float32');
      if (mode !== undefined && mode !== 'full' && mode !== 'mantissa')
        badFormat('"mode" is full or mantissa');
      const f = new FpeFloat(
        key,
        {
          ...(format === undefined ? {} : { format }),
          ...(mode === undefined ? {} : { mode }),
        },
        options,
      );
      return {
        encrypt: (v, t) => String(f.encrypt(parseFloatText(v), t)),
        decrypt: (v, t) => String(f.decrypt(parseFloatText(v), t)),
      };
    }
    case 'decimal': {
      const precision = num(j, 'precision');
      const scale = num(j, 'scale');
      if (precision === undefined || scale === undefined)
        badFormat('decimal needs "precision" and "scale"');
      const signed = bool(j, 'signed');
      const f = new FpeDecimal(
        key,
        { precision, scale, ...(signed === undefined ? {} : { signed }) },
        options,
      );
      return { encrypt: (v, t) => f.encrypt(v, t), decrypt: (v, t) => f.decrypt(v, t) };
    }
    case 'card': {
      const keepLeading = num(j, 'keepLeading');
      const keepTrailing = num(j, 'keepTrailing');
      const f = new FpeCard(
        key,
        {
          ...(keepLeading === undefined ? {} : { keepLeading }),
          ...(keepTrailing === undefined ? {} : { keepTrailing }),
        },
        options,
      );
      return { encrypt: (v, t) => f.encrypt(v, t), decrypt: (v, t) => f.decrypt(v, t) };
    }
    case 'date': {
      const unit = str(j, 'unit');
      if (unit !== undefined && unit !== 'day' && unit !== 'second' && unit !== 'millisecond')
        badFormat('"unit" is day, second or millisecond');
      const min = str(j, 'min');
      const max = str(j, 'max');
      const f = new FpeDate(
        key,
        {
          ...(unit === undefined ? {} : { unit }),
          ...(min === undefined ? {} : { min }),
          ...(max === undefined ? {} : { max }),
        },
        options,
      );
      return { encrypt: (v, t) => f.encrypt(v, t), decrypt: (v, t) => f.decrypt(v, t) };
    }
    default:
      return badFormat(
        `unknown type "${type.slice(0, 40)}" (text, integer, bigint, float, decimal, card, date)`,
      );
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The format description as text ('' when absent). */
export function formatText(aad: Uint8Array | undefined): string {
  if (aad === undefined || aad.length === 0) return '';
  if (aad.length > MAX_FORMAT_BYTES)
    badFormat(`the description is longer than ${MAX_FORMAT_BYTES} bytes`);
  try {
    return utf8.decode(aad).trim();
  } catch {
    return badFormat('the description is not UTF-8');
  }
}

/**
 * The cipher a format description selects, for `key`.
 * @throws KmsError ERR_KMS_BAD_CRYPTOGRAPHIC_PARAMETERS for a bad description or key length.
 */
export function fpeCipher(key: Uint8Array, format: string): FpeCipher {
  let j: Json;
  if (format === '') j = {};
  else if (format.startsWith('{')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(format);
    } catch {
      return badFormat('not valid JSON');
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
      return badFormat('must be a JSON object');
    j = parsed as Json;
  } else j = { alphabet: format };
  try {
    return build(key, j);
  } catch (error) {
    // At construction, a domain the helper refuses is the format's fault, not the data's.
    if (error instanceof FpeError)
      throw new KmsError('ERR_KMS_BAD_CRYPTOGRAPHIC_PARAMETERS', `FPE format: ${error.message}`);
    return fpeError(error);
  }
}

/** FPE library failures as KMS errors (messages name lengths and bounds, never values). */
export function fpeError(error: unknown): never {
  if (error instanceof KmsError) throw error;
  if (error instanceof FpeError) throw new KmsError('ERR_KMS_FPE_DATA', error.message);
  if (error instanceof TypeError || error instanceof RangeError)
    throw new KmsError('ERR_KMS_BAD_CRYPTOGRAPHIC_PARAMETERS', `FPE: ${error.message}`);
  throw error;
}
