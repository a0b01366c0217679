/**
 * KMIP over HTTP(S) with `fetch` (runs in browsers and Node): `POST` of a Request Message in
 * binary TTLV, JSON TTLV or XML TTLV (KMIP Additional Message Encodings v1.0 §2, HTTPS
 * profile). Cosmian KMS paths: `/kmip/2_1` (JSON) and `/kmip` (binary or JSON).
 *
 *   const client = createHttpClient({ url: 'https://kms.example:9998/kmip/2_1',
 *                                     headers: { authorization: `Bearer ${token}` } });
 *   const { uniqueIdentifier } = await client.createSymmetricKey({ length: 256 });
 */
import { KmipClient, type KmipClientOptions, type KmipTransport } from './client.ts';
import { KmipTransportError } from './errors.ts';
import type { DecodeLimits } from './_limits.ts';
import type { NameStyle } from './tags.ts';
import type { TtlvItem, TtlvStructure } from './ttlv.ts';
import {
  CONTENT_TYPES,
  decodeWire,
  encodeWire,
  encodingOfContentType,
  type KmipEncoding,
} from './wire.ts';

export interface HttpTransportOptions {
  /** Endpoint, e.g. `https://kms:9998/kmip/2_1` or `.../kmip`. */
  url: string | URL;
  /** Request encoding; default `json` for a path ending in `/kmip/2_1`, else `binary`. */
  encoding?: KmipEncoding;
  /** JSON name style (default `cosmian`). */
  jsonStyle?: NameStyle;
  /** Extra headers (authorization...). */
  headers?: Record<string, string>;
  /** A `fetch` implementation (default the global one). */
  fetch?: typeof fetch;
  /** Largest accepted response body (default 16 MiB). */
  maxResponseBytes?: number;
  /** Decoder limits for the response. */
  limits?: DecodeLimits;
}

/** Reads at most `max` bytes of a body; more is an error (a hostile server cannot exhaust memory). */
async function readLimited(response: Response, max: number): Promise<Uint8Array> {
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  if (declared > max)
    throw new KmipTransportError('ERR_KMIP_TRANSPORT', `response larger than ${max} bytes`);
  if (response.body === null) return new Uint8Array(0);
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.length;
    if (total > max) {
      await reader.cancel();
      throw new KmipTransportError('ERR_KMIP_TRANSPORT', `response larger than ${max} bytes`);
    }
    chunks.push(value);
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** A transport posting each request to `options.url`. */
export function httpTransport(options: HttpTransportOptions): KmipTransport {
  const url = new URL(options.url);
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new TypeError('url must be http(s)');
  const encoding: KmipEncoding =
    options.encoding ?? (url.pathname.endsWith('/kmip/2_1') ? 'json' : 'binary');
  if (!Object.hasOwn(CONTENT_TYPES, encoding))
    throw new TypeError('encoding must be binary, json or xml');
  const doFetch = options.fetch ?? globalThis.fetch;
  if (typeof doFetch !== 'function') throw new TypeError('no fetch implementation');
  const maxBytes = options.maxResponseBytes ?? 16 * 1024 * 1024;
  const wireOptions = options.jsonStyle === undefined ? {} : { jsonStyle: options.jsonStyle };
  return {
    async exchange(request: TtlvStructure, signal: AbortSignal): Promise<TtlvItem> {
      const body = encodeWire(request, encoding, wireOptions);
      let response: Response;
      try {
        response = await doFetch(url, {
          method: 'POST',
          headers: {
            ...options.headers,
            'content-type': CONTENT_TYPES[encoding],
            accept: CONTENT_TYPES[encoding],
            'cache-control': 'no-cache',
          },
          body: body as BodyInit,
          signal,
        });
      } catch (error) {
        throw new KmipTransportError('ERR_KMIP_TRANSPORT', 'HTTP request failed', { cause: error });
      }
      const bytes = await readLimited(response, maxBytes);
      if (response.status !== 200) {
        // Servers answer non-KMIP failures (authentication, routing) with a short text body.
        const text = new TextDecoder()
          .decode(bytes.subarray(0, 512))
          .replace(/[^\x20-\x7e]/g, ' ')
          .trim();
        throw new KmipTransportError(
          'ERR_KMIP_HTTP_STATUS',
          `HTTP ${response.status}${text === '' ? '' : `: ${text}`}`,
          {
            status: response.status,
          },
        );
      }
      const answered = encodingOfContentType(response.headers.get('content-type')) ?? encoding;
      return decodeWire(bytes, answered, options.limits);
    },
  };
}

/** A `KmipClient` over HTTP(S). */
export function createHttpClient(options: HttpTransportOptions & KmipClientOptions): KmipClient {
  return new KmipClient(httpTransport(options), options);
}
