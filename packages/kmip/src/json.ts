/**
 * JSON TTLV: each item is `{"tag": ..., "type": ..., "value": ...}`.
 *
 * The decoder accepts every form of KMIP Additional Message Encodings v1.0 §4 and every form
 * Cosmian KMS v5 emits: tags as names (OASIS or Cosmian spelling) or `0x42XXXX`; `type`
 * optional for structures, keys in any order, an optional `name`; Integer as number, `0x` hex
 * or mask names (`Encrypt|Decrypt|0x00000010`); LongInteger/BigInteger as number or `0x` hex;
 * Enumeration as name (either spelling), number or `0x` hex; Boolean as `true/false` or hex;
 * ByteString as hex; DateTime as ISO-8601 or `0x` hex; a managed object under the legacy tag
 * `"Object"` takes the tag of its sibling Object Type.
 *
 * The encoder writes `tag`, `type`, `value` in that order, in one of two styles:
 * - `oasis`: normalized names, `type` always present, masks as `A|B` names, LongInteger as a
 *   number when exact, hex otherwise;
 * - `cosmian` (what Cosmian v5 clients parse): Cosmian spellings, no `type` on structures,
 *   masks as numbers, LongInteger as `0x` + 16 hex, ByteString uppercase hex, DateTime RFC 3339
 *   UTC.
 */
import { KmipCodecError } from './errors.ts';
import { _Budget, _limits, type DecodeLimits } from './_limits.ts';
import { bigintToTwosComplement, bytesToHex, hexToBytes, twosComplementToBigint } from './_hex.ts';
import {
  _SiblingContext,
  _fail,
  _formatEnumeration,
  _formatIsoDateTime,
  _formatMaskText,
  _hex64,
  _parseDateTime,
  _parseDateTimeExtended,
  _parseEnumeration,
  _parseInteger,
  _parseLong,
  _parseUint32,
  _tagOf,
} from './_text.ts';
import { ObjectType, enumName, enumValue } from './enums.ts';
import { Tag, isValidTag, tagHex, tagName, type NameStyle } from './tags.ts';
import {
  INT32_MAX,
  INT32_MIN,
  INT64_MAX,
  INT64_MIN,
  UINT32_MAX,
  isTtlvItemLike,
  TTLV_TYPE_CODE,
  isWellFormedText,
  type TtlvItem,
  type TtlvStructure,
  type TtlvType,
} from './ttlv.ts';

/** A JSON TTLV node as produced by `JSON.parse`. */
export interface JsonTtlv {
  tag: string;
  type?: string;
  name?: string;
  value?: unknown;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The default limits, resolved once: `_limits` copies and checks them on every call. */
const DEFAULTS = _limits(undefined);
const limitsOf = (limits: DecodeLimits | undefined): Required<DecodeLimits> =>
  limits === undefined ? DEFAULTS : _limits(limits);

/**
 * Decodes JSON TTLV from text, UTF-8 bytes, or an already parsed value.
 * @throws KmipCodecError on malformed JSON, unknown names, bad values or limits.
 */
export function decodeJson(input: string | Uint8Array | object, limits?: DecodeLimits): TtlvItem {
  const l = limitsOf(limits);
  let parsed: unknown;
  if (typeof input === 'string' || input instanceof Uint8Array) {
    let text: string;
    if (typeof input === 'string') text = input;
    else {
      if (input.length > l.maxBytes)
        throw new KmipCodecError('ERR_KMIP_TOO_LARGE', `input larger than ${l.maxBytes} bytes`);
      try {
        text = utf8.decode(input);
      } catch {
        throw new KmipCodecError('ERR_KMIP_BAD_UTF8', 'input is not valid UTF-8');
      }
    }
    if (text.length > l.maxBytes)
      throw new KmipCodecError('ERR_KMIP_TOO_LARGE', `input longer than ${l.maxBytes}`);
    // Each TTLV level is an object inside an array: bound the JSON nesting before parsing.
    checkNesting(text, 2 * l.maxDepth + 1);
    try {
      parsed = JSON.parse(text);
    } catch (e) {
      throw new KmipCodecError('ERR_KMIP_SYNTAX', `not JSON: ${(e as Error).message.slice(0, 80)}`);
    }
  } else if (typeof input === 'object' && (input as unknown) !== null) {
    parsed = input;
  } else {
    throw new TypeError('input must be a string, a Uint8Array or a parsed JSON object');
  }
  return new JsonReader(new _Budget(l)).node(parsed, 1, new _SiblingContext());
}

/** Rejects text whose bracket nesting exceeds `max`, scanning outside strings only. */
function checkNesting(text: string, max: number): void {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) throw new KmipCodecError('ERR_KMIP_TOO_DEEP', 'JSON nesting too deep', i);
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
}

/** The TTLV type names, for the `type` field (a Map: one hash lookup per node). */
const TYPES: ReadonlyMap<string, TtlvType> = new Map(
  (Object.keys(TTLV_TYPE_CODE) as TtlvType[]).map((t) => [t, t]),
);

/** Object Type value → tag of the object (for the legacy `"Object"` tag). */
const OBJECT_TAGS: ReadonlyMap<number, number> = new Map([
  [ObjectType.Certificate, Tag.Certificate],
  [ObjectType.SymmetricKey, Tag.SymmetricKey],
  [ObjectType.PublicKey, Tag.PublicKey],
  [ObjectType.PrivateKey, Tag.PrivateKey],
  [ObjectType.SplitKey, Tag.SplitKey],
  [ObjectType.Template, Tag.Template],
  [ObjectType.SecretData, Tag.SecretData],
  [ObjectType.OpaqueObject, Tag.OpaqueObject],
  [ObjectType.PGPKey, Tag.PGPKey],
  [ObjectType.CertificateRequest, Tag.CertificateRequest],
]);

/**
 * Reads a parsed JSON tree. Error messages name the failing node by its path
 * (`$.RequestMessage[1].Attribute`); the path is kept as a stack of tags and indexes and only
 * turned into text when a message needs it, since building it for every node was a large part
 * of the decoding time of a small request.
 */
class JsonReader {
  readonly budget: _Budget;
  /** tags[d] and index[d]: tag text and child position at depth d of the node being read. */
  readonly #tags: string[] = [];
  readonly #index: number[] = [];

  constructor(budget: _Budget) {
    this.budget = budget;
  }

  /** Path of the node at `depth` (`$` for the root), as far as its parent's child index. */
  #path(depth: number): string {
    let p = '$';
    for (let d = 1; d < depth; d++)
      p += `.${(this.#tags[d] as string).slice(0, 48)}[${this.#index[d] as number}]`;
    return p;
  }

  /** Path of the node at `depth` including its own tag. */
  #here(depth: number): string {
    return `${this.#path(depth)}.${(this.#tags[depth] as string).slice(0, 48)}`;
  }

  fail(
    message: string,
    path: string,
    code: ConstructorParameters<typeof KmipCodecError>[0] = 'ERR_KMIP_SYNTAX',
  ): never {
    throw new KmipCodecError(code, `${path}: ${message}`);
  }

  node(raw: unknown, depth: number, siblings: _SiblingContext): TtlvItem {
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
      this.fail('expected a TTLV object', this.#path(depth));
    this.budget.item();
    const obj = raw as Record<string, unknown>;
    for (const key of Object.keys(obj))
      if (key !== 'tag' && key !== 'type' && key !== 'value' && key !== 'name')
        this.fail(`unexpected key "${key.slice(0, 32)}"`, this.#path(depth));
    const tagText = obj['tag'];
    if (typeof tagText !== 'string') this.fail('"tag" must be a string', this.#path(depth));
    let tag: number;
    if (
      tagText === 'Object' &&
      siblings.objectType !== undefined &&
      OBJECT_TAGS.has(siblings.objectType)
    ) {
      tag = OBJECT_TAGS.get(siblings.objectType) as number;
    } else {
      try {
        tag = _tagOf(tagText);
      } catch (e) {
        throw new KmipCodecError(
          (e as KmipCodecError).code,
          `${this.#path(depth)}: ${(e as Error).message}`,
        );
      }
    }
    const typeText = obj['type'] ?? 'Structure';
    const type = typeof typeText === 'string' ? TYPES.get(typeText) : undefined;
    if (type === undefined) this.fail('unknown "type"', this.#path(depth), 'ERR_KMIP_BAD_TYPE');
    if (obj['name'] !== undefined && typeof obj['name'] !== 'string')
      this.fail('"name" must be a string', this.#path(depth));
    const value = obj['value'];
    this.#tags[depth] = tagText;
    if (type === 'Structure') {
      if (value !== undefined && value !== null && !Array.isArray(value))
        this.fail('a Structure value must be an array', this.#here(depth));
      this.budget.depth(depth);
      const items: TtlvItem[] = [];
      const ctx = new _SiblingContext();
      const list = (value ?? []) as unknown[];
      for (let i = 0; i < list.length; i++) {
        this.#index[depth] = i;
        const item = this.node(list[i], depth + 1, ctx);
        ctx.see(item);
        items.push(item);
      }
      return { tag, type, value: items };
    }
    try {
      return jsonValue(tag, type, value, siblings);
    } catch (e) {
      if (e instanceof KmipCodecError)
        throw new KmipCodecError(e.code, `${this.#here(depth)}: ${e.message}`);
      throw e;
    }
  }
}

function jsonValue(
  tag: number,
  type: TtlvType,
  value: unknown,
  siblings: _SiblingContext,
): TtlvItem {
  const vtag = siblings.valueTag(tag);
  switch (type) {
    case 'Integer': {
      if (typeof value === 'number') {
        if (!Number.isInteger(value) || value < INT32_MIN || value > INT32_MAX)
          _fail('Integer out of range');
        return { tag, type, value };
      }
      if (typeof value !== 'string') return _fail('Integer must be a number or a string');
      return { tag, type, value: _parseInteger(value.trim(), vtag, /\s*\|\s*/) };
    }
    case 'LongInteger':
      return { tag, type, value: toLong(value) };
    case 'BigInteger': {
      if (typeof value === 'number') {
        if (!Number.isSafeInteger(value)) _fail('BigInteger number must be a safe integer');
        return { tag, type, value: BigInt(value) };
      }
      if (typeof value !== 'string' || !value.startsWith('0x'))
        return _fail('BigInteger must be a number or 0x hex');
      const bytes = hexToBytes(value.slice(2));
      if (bytes === undefined || bytes.length === 0) return _fail('BigInteger hex is malformed');
      return { tag, type, value: twosComplementToBigint(bytes) };
    }
    case 'Enumeration': {
      if (typeof value === 'number') {
        if (!Number.isInteger(value) || value < 0 || value > UINT32_MAX)
          _fail('Enumeration out of range');
        return { tag, type, value };
      }
      if (typeof value !== 'string') return _fail('Enumeration must be a number or a string');
      return { tag, type, value: _parseEnumeration(value, vtag) };
    }
    case 'Boolean':
      if (typeof value === 'boolean') return { tag, type, value };
      if (typeof value === 'string' && /^0x0{15}[01]$/.test(value))
        return { tag, type, value: value.endsWith('1') };
      return _fail('Boolean must be true, false or 0x hex');
    case 'TextString':
      if (typeof value !== 'string') return _fail('TextString must be a string');
      if (!isWellFormedText(value))
        throw new KmipCodecError('ERR_KMIP_BAD_UTF8', 'TextString has a lone surrogate');
      return { tag, type, value };
    case 'ByteString': {
      if (typeof value !== 'string') return _fail('ByteString must be a hex string');
      const bytes = hexToBytes(value);
      if (bytes === undefined) return _fail('ByteString hex is malformed');
      return { tag, type, value: bytes };
    }
    case 'DateTime':
      if (typeof value === 'number') return { tag, type, value: toLong(value) };
      if (typeof value !== 'string') return _fail('DateTime must be a string');
      return { tag, type, value: _parseDateTime(value) };
    case 'Interval': {
      if (typeof value === 'number') {
        if (!Number.isInteger(value) || value < 0 || value > UINT32_MAX)
          _fail('Interval out of range');
        return { tag, type, value };
      }
      const v = typeof value === 'string' ? _parseUint32(value) : undefined;
      if (v === undefined) return _fail('Interval must be a number or 0x hex');
      return { tag, type, value: v };
    }
    case 'DateTimeExtended':
      if (typeof value === 'number') return { tag, type, value: toLong(value) };
      if (typeof value !== 'string') return _fail('DateTimeExtended must be a string or a number');
      return { tag, type, value: _parseDateTimeExtended(value) };
    case 'Structure':
      return _fail('unreachable');
  }
}

function toLong(value: unknown): bigint {
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) _fail('64-bit numbers beyond 2^53 must be written in hex');
    return BigInt(value);
  }
  if (typeof value !== 'string') return _fail('expected a number or a 0x hex string');
  return _parseLong(value);
}

/** Options of `encodeJson`. */
export interface JsonEncodeOptions {
  /** `cosmian` (default): what Cosmian KMS v5 and its clients expect; `oasis`: normalized names. */
  style?: NameStyle;
  /** Indentation passed to `JSON.stringify`; none by default. */
  indent?: number | string;
  /** Deepest nesting accepted (guards against cyclic trees). Default 32. */
  maxDepth?: number;
}

/**
 * The JSON object form of a tree (keys in `tag`, `type`, `value` order).
 * @throws KmipCodecError for an invalid node.
 */
export function toJsonTtlv(item: TtlvItem, options?: JsonEncodeOptions): JsonTtlv {
  const style = options?.style ?? 'cosmian';
  return writeNode(item, style, 1, maxDepthOf(options), new _SiblingContext());
}

/** Encodes a tree as JSON TTLV text. */
export function encodeJson(item: TtlvItem, options?: JsonEncodeOptions): string {
  if (options?.indent !== undefined)
    return JSON.stringify(toJsonTtlv(item, options), null, options.indent);
  return writeText(
    item,
    options?.style ?? 'cosmian',
    1,
    maxDepthOf(options),
    new _SiblingContext(),
  );
}

function maxDepthOf(options: JsonEncodeOptions | undefined): number {
  const maxDepth = options?.maxDepth;
  return maxDepth === undefined ? 32 : _limits({ maxDepth }).maxDepth;
}

function badValue(message: string): never {
  throw new KmipCodecError('ERR_KMIP_BAD_VALUE', message);
}

function writeNode(
  item: TtlvItem,
  style: NameStyle,
  depth: number,
  maxDepth: number,
  siblings: _SiblingContext,
): JsonTtlv {
  if (!isTtlvItemLike(item)) badValue('not a TTLV item');
  if (!isValidTag(item.tag)) throw new KmipCodecError('ERR_KMIP_BAD_TAG', 'not a KMIP tag');
  const tag = tagName(item.tag, style) ?? tagHex(item.tag);
  if (item.type === 'Structure') {
    if (depth > maxDepth)
      throw new KmipCodecError('ERR_KMIP_TOO_DEEP', `nesting deeper than ${maxDepth}`);
    const children: unknown = item.value;
    if (!Array.isArray(children)) badValue('Structure value must be an array');
    const ctx = new _SiblingContext();
    const value = item.value.map((c) => {
      const node = writeNode(c, style, depth + 1, maxDepth, ctx);
      ctx.see(c);
      return node;
    });
    return style === 'cosmian' ? { tag, value } : { tag, type: 'Structure', value };
  }
  return { tag, type: item.type, value: jsonScalar(item, style, siblings) };
}

/**
 * `JSON.stringify(writeNode(...))` without the intermediate objects: the same checks, the same
 * key order, the same text (compact form). Encoding a response payload this way costs about
 * half as much as building the object tree and stringifying it.
 */
function writeText(
  item: TtlvItem,
  style: NameStyle,
  depth: number,
  maxDepth: number,
  siblings: _SiblingContext,
): string {
  if (!isTtlvItemLike(item)) badValue('not a TTLV item');
  if (!isValidTag(item.tag)) throw new KmipCodecError('ERR_KMIP_BAD_TAG', 'not a KMIP tag');
  const tag = quotedTag(item.tag, style);
  if (item.type === 'Structure') {
    const head =
      style === 'cosmian' ? `{"tag":${tag},"value":` : `{"tag":${tag},"type":"Structure","value":`;
    return `${head}${childrenText(item, style, depth, maxDepth)}}`;
  }
  const head = `{"tag":${tag}${typeKey(item.type)}`;
  // Bytes, the bulk of most payloads: hex digits need no escaping (same check as jsonScalar).
  if (item.type === 'ByteString') {
    const v: unknown = item.value;
    if (!(v instanceof Uint8Array)) badValue('ByteString must be a Uint8Array');
    return `${head}"${upperHex(v)}"}`;
  }
  return `${head}${scalarText(jsonScalar(item, style, siblings))}}`;
}

/** `JSON.stringify` of each known tag's name, per style, made once. */
const QUOTED_TAGS: Readonly<Record<NameStyle, Map<number, string>>> = {
  cosmian: new Map(),
  oasis: new Map(),
};

function quotedTag(tag: number, style: NameStyle): string {
  const cache = QUOTED_TAGS[style];
  let quoted = cache.get(tag);
  if (quoted === undefined) {
    const name = tagName(tag, style);
    quoted = JSON.stringify(name ?? tagHex(tag));
    // Only named tags are kept: the cache stays as small as the tag tables.
    if (name !== undefined) cache.set(tag, quoted);
  }
  return quoted;
}

/** `,"type":"<type>","value":` of each scalar type. */
const TYPE_KEYS = new Map<string, string>();

function typeKey(type: string): string {
  let key = TYPE_KEYS.get(type);
  if (key === undefined) {
    key = `,"type":${JSON.stringify(type)},"value":`;
    // Unknown types fail in jsonScalar; only the real ones are kept.
    if (Object.hasOwn(TTLV_TYPE_CODE, type)) TYPE_KEYS.set(type, key);
  }
  return key;
}

const HEX_DIGITS = new TextEncoder().encode('0123456789ABCDEF');
/** ASCII codes of the upper-case hex digits of every byte value (high and low nibble). */
const HEX_HIGH = Uint8Array.from({ length: 256 }, (_, i) => HEX_DIGITS[i >> 4] as number);
const HEX_LOW = Uint8Array.from({ length: 256 }, (_, i) => HEX_DIGITS[i & 15] as number);
/** Decodes ASCII; any single-byte decoder does, `latin1` is one every runtime has. */
const ASCII = new TextDecoder('latin1');
/** Reused for the digits of `upperHex` (codecs run one at a time); larger values get their own. */
const hexScratch = new Uint8Array(64 * 1024);

/**
 * `bytesToHex(bytes)` (upper case): the digits are written into a reused buffer and decoded
 * once, where appending to a string would build one intermediate string per byte.
 */
function upperHex(bytes: Uint8Array): string {
  const n = bytes.length;
  const out = 2 * n > hexScratch.length ? new Uint8Array(2 * n) : hexScratch;
  for (let i = 0; i < n; i++) {
    const b = bytes[i] as number;
    out[2 * i] = HEX_HIGH[b] as number;
    out[2 * i + 1] = HEX_LOW[b] as number;
  }
  return ASCII.decode(out.subarray(0, 2 * n));
}

/** The `[...]` text of a Structure's children (depth and shape checked as `writeNode` does). */
function childrenText(
  item: TtlvStructure,
  style: NameStyle,
  depth: number,
  maxDepth: number,
): string {
  if (depth > maxDepth)
    throw new KmipCodecError('ERR_KMIP_TOO_DEEP', `nesting deeper than ${maxDepth}`);
  const children: unknown = item.value;
  if (!Array.isArray(children)) badValue('Structure value must be an array');
  const ctx = new _SiblingContext();
  let out = '[';
  for (let i = 0; i < item.value.length; i++) {
    const c = item.value[i] as TtlvItem;
    if (i > 0) out += ',';
    out += writeText(c, style, depth + 1, maxDepth, ctx);
    ctx.see(c);
  }
  return `${out}]`;
}

/** JSON text of a value `jsonScalar` returned (a string, a number or a boolean). */
function scalarText(value: unknown): string {
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return JSON.stringify(value);
}

function jsonScalar(item: TtlvItem, style: NameStyle, siblings: _SiblingContext): unknown {
  const vtag = siblings.valueTag(item.tag);
  const v: unknown = item.value;
  switch (item.type) {
    case 'Integer':
      if (typeof v !== 'number' || !Number.isInteger(v) || v < INT32_MIN || v > INT32_MAX)
        badValue('Integer out of range');
      return style === 'oasis' ? (_formatMaskText(v, vtag, '|') ?? v) : v;
    case 'LongInteger':
      checkLong(v, 'LongInteger');
      if (style === 'oasis' && v >= -(2n ** 52n) && v < 2n ** 52n) return Number(v);
      return _hex64(v);
    case 'BigInteger':
      if (typeof v !== 'bigint') badValue('BigInteger must be a bigint');
      return `0x${bytesToHex(bigintToTwosComplement(v))}`;
    case 'Enumeration':
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > UINT32_MAX)
        badValue('Enumeration out of range');
      return _formatEnumeration(v, vtag, style);
    case 'Boolean':
      if (typeof v !== 'boolean') badValue('Boolean must be a boolean');
      return v;
    case 'TextString':
      if (typeof v !== 'string') badValue('TextString must be a string');
      if (!isWellFormedText(v))
        throw new KmipCodecError('ERR_KMIP_BAD_UTF8', 'TextString has a lone surrogate');
      return v;
    case 'ByteString':
      if (!(v instanceof Uint8Array)) badValue('ByteString must be a Uint8Array');
      return bytesToHex(v);
    case 'DateTime':
      checkLong(v, 'DateTime');
      return _formatIsoDateTime(v, 'Z') ?? _hex64(v);
    case 'Interval':
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > UINT32_MAX)
        badValue('Interval out of range');
      return v;
    case 'DateTimeExtended':
      checkLong(v, 'DateTimeExtended');
      return _hex64(v);
    default:
      throw new KmipCodecError('ERR_KMIP_BAD_TYPE', 'unknown item type');
  }
}

function checkLong(v: unknown, type: string): asserts v is bigint {
  if (typeof v !== 'bigint' || v < INT64_MIN || v > INT64_MAX)
    badValue(`${type} must be a signed 64-bit bigint`);
}

/**
 * Cosmian KMS accepts on `POST /kmip/2_1` a bare operation instead of a Request Message:
 * `{"tag":"Create","value":[...payload items]}`, answered by `{"tag":"CreateResponse",...}`.
 * This reads such a document: the operation, whether it is a response, and the payload as a
 * Request/Response Payload structure.
 * @throws KmipCodecError when the root tag is not an operation name.
 */
export function decodeJsonOperation(
  input: string | Uint8Array | object,
  limits?: DecodeLimits,
): { operation: number; response: boolean; payload: TtlvStructure } {
  let root: unknown = input;
  if (typeof input === 'string' || input instanceof Uint8Array) {
    const l = limitsOf(limits);
    const text =
      typeof input === 'string' ? input : new TextDecoder('utf-8', { fatal: true }).decode(input);
    if (text.length > l.maxBytes)
      throw new KmipCodecError('ERR_KMIP_TOO_LARGE', `input longer than ${l.maxBytes}`);
    checkNesting(text, 2 * l.maxDepth + 1);
    try {
      root = JSON.parse(text);
    } catch {
      throw new KmipCodecError('ERR_KMIP_SYNTAX', 'not JSON');
    }
  }
  if (typeof root !== 'object' || root === null || Array.isArray(root))
    throw new KmipCodecError('ERR_KMIP_SYNTAX', 'expected an object');
  const { tag, value } = root as { tag?: unknown; value?: unknown };
  if (typeof tag !== 'string')
    throw new KmipCodecError('ERR_KMIP_SYNTAX', '"tag" must be a string');
  const response = tag.endsWith('Response');
  const operation = enumValue('Operation', response ? tag.slice(0, -'Response'.length) : tag);
  if (operation === undefined)
    throw new KmipCodecError('ERR_KMIP_BAD_TAG', 'root tag is not an operation name');
  const payloadTag = response ? 'ResponsePayload' : 'RequestPayload';
  const item = decodeJson({ tag: payloadTag, value: value ?? [] }, limits);
  return { operation, response, payload: item as TtlvStructure };
}

/** Writes a payload as a Cosmian bare operation document (see `decodeJsonOperation`). */
export function encodeJsonOperation(
  operation: number,
  response: boolean,
  payload: TtlvStructure,
  options?: JsonEncodeOptions,
): string {
  const style = options?.style ?? 'cosmian';
  const name = enumName('Operation', operation, style);
  if (name === undefined) throw new KmipCodecError('ERR_KMIP_BAD_VALUE', 'unknown operation');
  const root = `${name}${response ? 'Response' : ''}`;
  // The payload comes from callers in plain JS too: its shape is checked, not assumed.
  const item: unknown = payload;
  if (options?.indent === undefined && isTtlvItemLike(item) && item.type === 'Structure') {
    // The root's own checks, then its children written straight to text.
    const maxDepth = maxDepthOf(options);
    if (!isValidTag(item.tag)) throw new KmipCodecError('ERR_KMIP_BAD_TAG', 'not a KMIP tag');
    const value = childrenText(item, style, 1, maxDepth);
    return style === 'cosmian'
      ? `{"tag":${JSON.stringify(root)},"value":${value}}`
      : `{"tag":${JSON.stringify(root)},"type":"Structure","value":${value}}`;
  }
  const body = toJsonTtlv(payload, options);
  const doc =
    style === 'cosmian'
      ? { tag: root, value: body.value }
      : { tag: root, type: 'Structure', value: body.value };
  return JSON.stringify(doc, null, options?.indent);
}
