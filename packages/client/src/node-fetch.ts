/**
 * A `fetch` over `node:https` for what the global `fetch` cannot be told per client: a client
 * certificate (mutual TLS), extra trusted CAs, or accepting any server certificate. Node-only;
 * `KmsClient` uses it only when one of those TLS options is set.
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { Readable } from 'node:stream';

export interface NodeTlsOptions {
  /** PEM CA certificates trusted for the server (instead of the system store). */
  ca?: string | Uint8Array;
  /** PEM client certificate (chain) and its private key. */
  cert?: string | Uint8Array;
  key?: string | Uint8Array;
  /** Accept any server certificate (tests only). */
  insecure?: boolean;
}

function bodyBytes(body: BodyInit | null | undefined): Uint8Array | string | undefined {
  if (body === null || body === undefined) return undefined;
  if (typeof body === 'string' || body instanceof Uint8Array) return body;
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  throw new TypeError('node fetch sends strings and byte arrays only');
}

/** A `fetch` whose HTTPS requests use `tls`. */
export function createNodeFetch(tls: NodeTlsOptions): typeof fetch {
  const doFetch = (input: string | URL | Request, init: RequestInit = {}): Promise<Response> =>
    new Promise((resolve, reject) => {
      const url = new URL(input instanceof Request ? input.url : input);
      const headers = new Headers(init.headers);
      const body = bodyBytes(init.body);
      const options = {
        method: init.method ?? 'GET',
        headers: Object.fromEntries(headers.entries()),
        ...(url.protocol === 'https:'
          ? {
              ...(tls.ca === undefined ? {} : { ca: Buffer.from(tls.ca) }),
              ...(tls.cert === undefined ? {} : { cert: Buffer.from(tls.cert) }),
              ...(tls.key === undefined ? {} : { key: Buffer.from(tls.key) }),
              rejectUnauthorized: tls.insecure !== true,
            }
          : {}),
        ...(init.signal === null || init.signal === undefined ? {} : { signal: init.signal }),
      };
      const req = (url.protocol === 'https:' ? httpsRequest : httpRequest)(url, options, (res) => {
        const responseHeaders = new Headers();
        for (const [k, v] of Object.entries(res.headers)) {
          if (v === undefined) continue;
          for (const one of Array.isArray(v) ? v : [v]) responseHeaders.append(k, one);
        }
        const noBody = res.statusCode === 204 || res.statusCode === 304;
        resolve(
          new Response(noBody ? null : (Readable.toWeb(res) as ReadableStream<Uint8Array>), {
            status: res.statusCode ?? 500,
            headers: responseHeaders,
          }),
        );
      });
      req.on('error', reject);
      req.end(body);
    });
  return doFetch;
}
