/**
 * One entry point for the three wire encodings (binary TTLV, JSON TTLV, XML TTLV): bytes in,
 * tree out and back, with the HTTP content types of KMIP Additional Message Encodings v1.0 §2.
 */
import { decodeTtlv, encodeTtlv } from './binary.ts';
import { KmipCodecError } from './errors.ts';
import { decodeJson, encodeJson } from './json.ts';
import { _limits, type DecodeLimits } from './_limits.ts';
import type { NameStyle } from './tags.ts';
import type { TtlvItem } from './ttlv.ts';
import { decodeXml, encodeXml } from './xml.ts';

export type KmipEncoding = 'binary' | 'json' | 'xml';

/** HTTP Content-Type of each encoding. */
export const CONTENT_TYPES: Readonly<Record<KmipEncoding, string>> = {
  binary: 'application/octet-stream',
  json: 'application/json',
  xml: 'text/xml',
};

/** Encoding named by a Content-Type header (parameters such as `charset` ignored), if any. */
export function encodingOfContentType(
  contentType: string | null | undefined,
): KmipEncoding | undefined {
  if (typeof contentType !== 'string') return undefined;
  const type = (contentType.split(';')[0] ?? '').trim().toLowerCase();
  if (type === 'application/octet-stream') return 'binary';
  if (type === 'application/json') return 'json';
  if (type === 'text/xml' || type === 'application/xml') return 'xml';
  return undefined;
}

const utf8 = new TextEncoder();

/** Options of `encodeWire`. */
export interface WireEncodeOptions {
  /** JSON name style (default `cosmian`). */
  jsonStyle?: NameStyle;
}

/** Encodes a tree in `encoding` as bytes (UTF-8 for JSON and XML). */
export function encodeWire(
  item: TtlvItem,
  encoding: KmipEncoding,
  options?: WireEncodeOptions,
): Uint8Array {
  switch (encoding) {
    case 'binary':
      return encodeTtlv(item);
    case 'json':
      return utf8.encode(encodeJson(item, { style: options?.jsonStyle ?? 'cosmian' }));
    case 'xml':
      return utf8.encode(encodeXml(item, { indent: '' }));
    default:
      throw new TypeError('encoding must be binary, json or xml');
  }
}

/** Decodes bytes in `encoding` to a tree, under `limits`. @throws KmipCodecError */
export function decodeWire(
  bytes: Uint8Array,
  encoding: KmipEncoding,
  limits?: DecodeLimits,
): TtlvItem {
  if (!(bytes instanceof Uint8Array)) throw new TypeError('bytes must be a Uint8Array');
  const l = _limits(limits);
  if (bytes.length > l.maxBytes)
    throw new KmipCodecError('ERR_KMIP_TOO_LARGE', `input larger than ${l.maxBytes} bytes`);
  switch (encoding) {
    case 'binary':
      return decodeTtlv(bytes, l);
    case 'json':
      return decodeJson(bytes, l);
    case 'xml':
      return decodeXml(bytes, l);
    default:
      throw new TypeError('encoding must be binary, json or xml');
  }
}
