/**
 * Binary TTLV (KMIP Specification v2.1 §10.1, the same since 1.0): Tag (3 bytes), Type (1 byte),
 * Length (4 bytes, big-endian, the unpadded value length), Value zero-padded to a multiple of 8.
 *
 * The decoder is strict: exact lengths for fixed-size types, zero padding, Boolean 0 or 1,
 * BigInteger lengths a positive multiple of 8, well-formed UTF-8, a declared length never larger
 * than what remains (so a huge length costs nothing), and no trailing bytes. Limits on input
 * size, depth and item count apply. Every failure is a `KmipCodecError`.
 */
import { KmipCodecError } from './errors.ts';
import { _Budget, _limits, type DecodeLimits } from './_limits.ts';
import { bigintToTwosComplement, twosComplementToBigint } from './_hex.ts';
import { isValidTag } from './tags.ts';
import {
  INT32_MAX,
  INT32_MIN,
  INT64_MAX,
  INT64_MIN,
  TTLV_TYPE_BY_CODE,
  TTLV_TYPE_CODE,
  UINT32_MAX,
  isWellFormedText,
  type TtlvItem,
} from './ttlv.ts';

const utf8Decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const utf8Encoder = new TextEncoder();

/** Options of `decodeTtlv`. */
export interface BinaryDecodeOptions extends DecodeLimits {
  /** Accept non-zero padding bytes (some old clients leave garbage). Default false. */
  lenientPadding?: boolean;
}

/**
 * Decodes one TTLV item that spans exactly `bytes`.
 * @throws KmipCodecError on any malformed, truncated or over-limit input.
 */
export function decodeTtlv(bytes: Uint8Array, options?: BinaryDecodeOptions): TtlvItem {
  if (!(bytes instanceof Uint8Array)) throw new TypeError('bytes must be a Uint8Array');
  const limits = _limits(options);
  if (bytes.length > limits.maxBytes) {
    throw new KmipCodecError('ERR_KMIP_TOO_LARGE', `input larger than ${limits.maxBytes} bytes`);
  }
  const reader = new Reader(bytes, new _Budget(limits), options?.lenientPadding === true);
  const item = reader.item(0, bytes.length, 1);
  if (reader.end !== bytes.length) {
    throw new KmipCodecError('ERR_KMIP_TRAILING_DATA', 'bytes after the TTLV item', reader.end);
  }
  return item;
}

/**
 * Total length (header included) of the TTLV item whose first 8 bytes are `header`: what a
 * stream reader must collect before calling `decodeTtlv`. Only Structures are accepted as
 * messages.
 * @throws KmipCodecError when the header is not a plausible message header.
 */
export function ttlvMessageLength(header: Uint8Array): number {
  if (!(header instanceof Uint8Array)) throw new TypeError('header must be a Uint8Array');
  if (header.length < 8)
    throw new KmipCodecError('ERR_KMIP_TRUNCATED', 'TTLV header needs 8 bytes');
  const tag = ((header[0] as number) << 16) | ((header[1] as number) << 8) | (header[2] as number);
  if (!isValidTag(tag)) throw new KmipCodecError('ERR_KMIP_BAD_TAG', 'not a KMIP tag', 0);
  if (header[3] !== TTLV_TYPE_CODE.Structure) {
    throw new KmipCodecError('ERR_KMIP_BAD_TYPE', 'a message must be a Structure', 3);
  }
  const length = new DataView(header.buffer, header.byteOffset, 8).getUint32(4);
  if (length % 8 !== 0)
    throw new KmipCodecError('ERR_KMIP_BAD_LENGTH', 'structure length not a multiple of 8', 4);
  return 8 + length;
}

class Reader {
  readonly bytes: Uint8Array;
  readonly view: DataView;
  readonly budget: _Budget;
  readonly lenientPadding: boolean;
  end = 0;

  constructor(bytes: Uint8Array, budget: _Budget, lenientPadding: boolean) {
    this.bytes = bytes;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.budget = budget;
    this.lenientPadding = lenientPadding;
  }

  private fail(
    code: ConstructorParameters<typeof KmipCodecError>[0],
    message: string,
    at: number,
  ): never {
    throw new KmipCodecError(code, message, at);
  }

  private padding(from: number, to: number): void {
    if (this.lenientPadding) return;
    for (let i = from; i < to; i++) {
      if (this.bytes[i] !== 0) this.fail('ERR_KMIP_BAD_PADDING', 'non-zero padding', i);
    }
  }

  private fixed(length: number, expected: number, at: number, type: string): void {
    if (length !== expected)
      this.fail('ERR_KMIP_BAD_LENGTH', `${type} length must be ${expected}`, at + 4);
  }

  /** Reads the item at `at`, which must end by `limit`; sets `this.end` past its padding. */
  item(at: number, limit: number, depth: number): TtlvItem {
    if (limit - at < 8) this.fail('ERR_KMIP_TRUNCATED', 'truncated item header', at);
    const b = this.bytes;
    const tag = ((b[at] as number) << 16) | ((b[at + 1] as number) << 8) | (b[at + 2] as number);
    if (!isValidTag(tag)) this.fail('ERR_KMIP_BAD_TAG', 'not a KMIP tag', at);
    const type = TTLV_TYPE_BY_CODE[b[at + 3] as number];
    if (type === undefined) this.fail('ERR_KMIP_BAD_TYPE', 'unknown item type', at + 3);
    this.budget.item(at);
    const length = this.view.getUint32(at + 4);
    const start = at + 8;
    const padded = type === 'Structure' ? length : length + ((8 - (length % 8)) % 8);
    if (padded > limit - start)
      this.fail('ERR_KMIP_TRUNCATED', 'declared length exceeds the input', at + 4);
    const end = start + padded;
    this.end = end;
    const v = this.view;
    switch (type) {
      case 'Structure': {
        if (length % 8 !== 0)
          this.fail('ERR_KMIP_BAD_LENGTH', 'structure length not a multiple of 8', at + 4);
        this.budget.depth(depth, at);
        const items: TtlvItem[] = [];
        let pos = start;
        while (pos < end) {
          items.push(this.item(pos, end, depth + 1));
          pos = this.end;
        }
        this.end = end;
        return { tag, type, value: items };
      }
      case 'Integer':
        this.fixed(length, 4, at, type);
        this.padding(start + 4, end);
        return { tag, type, value: v.getInt32(start) };
      case 'Enumeration':
        this.fixed(length, 4, at, type);
        this.padding(start + 4, end);
        return { tag, type, value: v.getUint32(start) };
      case 'Interval':
        this.fixed(length, 4, at, type);
        this.padding(start + 4, end);
        return { tag, type, value: v.getUint32(start) };
      case 'LongInteger':
      case 'DateTime':
      case 'DateTimeExtended':
        this.fixed(length, 8, at, type);
        return { tag, type, value: v.getBigInt64(start) };
      case 'Boolean': {
        this.fixed(length, 8, at, type);
        const raw = v.getBigUint64(start);
        if (raw > 1n) this.fail('ERR_KMIP_BAD_VALUE', 'Boolean must be 0 or 1', start);
        return { tag, type, value: raw === 1n };
      }
      case 'BigInteger':
        if (length === 0 || length % 8 !== 0) {
          this.fail(
            'ERR_KMIP_BAD_LENGTH',
            'BigInteger length must be a positive multiple of 8',
            at + 4,
          );
        }
        return { tag, type, value: twosComplementToBigint(b.subarray(start, start + length)) };
      case 'TextString': {
        this.padding(start + length, end);
        let text: string;
        try {
          text = utf8Decoder.decode(b.subarray(start, start + length));
        } catch {
          this.fail('ERR_KMIP_BAD_UTF8', 'TextString is not valid UTF-8', start);
        }
        return { tag, type, value: text };
      }
      case 'ByteString':
        this.padding(start + length, end);
        return { tag, type, value: b.slice(start, start + length) };
    }
  }
}

/** Options of `encodeTtlv`. */
export interface BinaryEncodeOptions {
  /** Deepest structure nesting accepted (guards against cyclic trees). Default 32. */
  maxDepth?: number;
}

/**
 * Encodes a tree to binary TTLV. Every node is validated (tag range, type, value range).
 * @throws KmipCodecError for an invalid node.
 */
export function encodeTtlv(item: TtlvItem, options?: BinaryEncodeOptions): Uint8Array {
  const maxDepth = _limits({ maxDepth: options?.maxDepth ?? 32 }).maxDepth;
  const texts: Uint8Array[] = [];
  const bigs: Uint8Array[] = [];
  const size = measure(item, 1, maxDepth, texts, bigs);
  const out = new Uint8Array(size);
  const writer = new Writer(out, texts, bigs);
  writer.item(item);
  return out;
}

function bad(message: string): never {
  throw new KmipCodecError('ERR_KMIP_BAD_VALUE', message);
}

function isItem(value: unknown): value is TtlvItem {
  return (
    typeof value === 'object' &&
    value !== null &&
    'tag' in value &&
    'type' in value &&
    'value' in value
  );
}

/** Validates `item` and returns its encoded size; collects UTF-8 and BigInteger bytes in order. */
function measure(
  item: unknown,
  depth: number,
  maxDepth: number,
  texts: Uint8Array[],
  bigs: Uint8Array[],
): number {
  if (!isItem(item)) bad('not a TTLV item');
  if (!isValidTag(item.tag)) throw new KmipCodecError('ERR_KMIP_BAD_TAG', 'not a KMIP tag');
  const value: unknown = item.value;
  switch (item.type) {
    case 'Structure': {
      if (depth > maxDepth)
        throw new KmipCodecError('ERR_KMIP_TOO_DEEP', `nesting deeper than ${maxDepth}`);
      if (!Array.isArray(value)) bad('Structure value must be an array');
      let size = 8;
      for (const c of value as unknown[]) size += measure(c, depth + 1, maxDepth, texts, bigs);
      if (size - 8 > 0xffffffff)
        throw new KmipCodecError('ERR_KMIP_TOO_LARGE', 'structure over 4 GiB');
      return size;
    }
    case 'Integer':
      if (
        typeof value !== 'number' ||
        !Number.isInteger(value) ||
        value < INT32_MIN ||
        value > INT32_MAX
      ) {
        bad('Integer must be a signed 32-bit integer');
      }
      return 16;
    case 'Enumeration':
    case 'Interval':
      if (
        typeof value !== 'number' ||
        !Number.isInteger(value) ||
        value < 0 ||
        value > UINT32_MAX
      ) {
        bad(`${item.type} must be an unsigned 32-bit integer`);
      }
      return 16;
    case 'LongInteger':
    case 'DateTime':
    case 'DateTimeExtended':
      if (typeof value !== 'bigint' || value < INT64_MIN || value > INT64_MAX) {
        bad(`${item.type} must be a signed 64-bit bigint`);
      }
      return 16;
    case 'Boolean':
      if (typeof value !== 'boolean') bad('Boolean must be a boolean');
      return 16;
    case 'BigInteger': {
      if (typeof value !== 'bigint') bad('BigInteger must be a bigint');
      const bytes = bigintToTwosComplement(value);
      bigs.push(bytes);
      return 8 + bytes.length;
    }
    case 'TextString': {
      if (typeof value !== 'string') bad('TextString must be a string');
      if (!isWellFormedText(value))
        throw new KmipCodecError('ERR_KMIP_BAD_UTF8', 'TextString has a lone surrogate');
      const bytes = utf8Encoder.encode(value);
      texts.push(bytes);
      return 8 + pad8(bytes.length);
    }
    case 'ByteString':
      if (!(value instanceof Uint8Array)) bad('ByteString must be a Uint8Array');
      return 8 + pad8(value.length);
    default:
      throw new KmipCodecError('ERR_KMIP_BAD_TYPE', 'unknown item type');
  }
}

function pad8(n: number): number {
  return n + ((8 - (n % 8)) % 8);
}

class Writer {
  readonly out: Uint8Array;
  readonly view: DataView;
  readonly texts: Uint8Array[];
  readonly bigs: Uint8Array[];
  pos = 0;
  textIndex = 0;
  bigIndex = 0;

  constructor(out: Uint8Array, texts: Uint8Array[], bigs: Uint8Array[]) {
    this.out = out;
    this.view = new DataView(out.buffer);
    this.texts = texts;
    this.bigs = bigs;
  }

  private header(tag: number, type: number, length: number): void {
    const o = this.out;
    const p = this.pos;
    o[p] = tag >>> 16;
    o[p + 1] = (tag >>> 8) & 0xff;
    o[p + 2] = tag & 0xff;
    o[p + 3] = type;
    this.view.setUint32(p + 4, length);
    this.pos = p + 8;
  }

  // The output buffer starts zeroed, so padding needs no writes: only advance `pos`.
  item(item: TtlvItem): void {
    const code = TTLV_TYPE_CODE[item.type];
    switch (item.type) {
      case 'Structure': {
        const at = this.pos;
        this.header(item.tag, code, 0);
        for (const c of item.value) this.item(c);
        this.view.setUint32(at + 4, this.pos - at - 8);
        return;
      }
      case 'Integer':
        this.header(item.tag, code, 4);
        this.view.setInt32(this.pos, item.value);
        this.pos += 8;
        return;
      case 'Enumeration':
      case 'Interval':
        this.header(item.tag, code, 4);
        this.view.setUint32(this.pos, item.value);
        this.pos += 8;
        return;
      case 'LongInteger':
      case 'DateTime':
      case 'DateTimeExtended':
        this.header(item.tag, code, 8);
        this.view.setBigInt64(this.pos, item.value);
        this.pos += 8;
        return;
      case 'Boolean':
        this.header(item.tag, code, 8);
        this.out[this.pos + 7] = item.value ? 1 : 0;
        this.pos += 8;
        return;
      case 'BigInteger': {
        const bytes = this.bigs[this.bigIndex++] as Uint8Array;
        this.header(item.tag, code, bytes.length);
        this.out.set(bytes, this.pos);
        this.pos += bytes.length;
        return;
      }
      case 'TextString': {
        const bytes = this.texts[this.textIndex++] as Uint8Array;
        this.header(item.tag, code, bytes.length);
        this.out.set(bytes, this.pos);
        this.pos += pad8(bytes.length);
        return;
      }
      case 'ByteString':
        this.header(item.tag, code, item.value.length);
        this.out.set(item.value, this.pos);
        this.pos += pad8(item.value.length);
        return;
    }
  }
}
