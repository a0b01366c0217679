/**
 * KMIP over TLS sockets (KMIP 2.1 §10.4, port 5696): binary TTLV, mutual TLS, one persistent
 * connection carrying requests one at a time. Node only (`node:tls`).
 *
 *   const client = createTlsClient({ host: 'kms', ca, cert, key });
 *   await client.query();
 *   await client.close();
 */
import { connect, type ConnectionOptions, type TLSSocket } from 'node:tls';
import { decodeTtlv, encodeTtlv, ttlvMessageLength } from './binary.ts';
import { KmipClient, type KmipClientOptions, type KmipTransport } from './client.ts';
import { KmipTransportError } from './errors.ts';
import type { DecodeLimits } from './_limits.ts';
import type { TtlvItem, TtlvStructure } from './ttlv.ts';

export interface TlsTransportOptions {
  host: string;
  /** Default 5696. */
  port?: number;
  /** Trusted CA certificate(s) (PEM) of the server. */
  ca?: string | Uint8Array | (string | Uint8Array)[];
  /** Client certificate and key (PEM) for mutual TLS. */
  cert?: string | Uint8Array;
  key?: string | Uint8Array;
  /** SNI and certificate host name, default `host`. */
  servername?: string;
  /** Largest accepted response (default 16 MiB). */
  maxResponseBytes?: number;
  /** Decoder limits for responses. */
  limits?: DecodeLimits;
  /** Any other `tls.connect` option (e.g. `minVersion`). Certificate checks stay on. */
  tlsOptions?: ConnectionOptions;
}

interface Pending {
  resolve: (item: TtlvItem) => void;
  reject: (error: unknown) => void;
}

/** A transport over one TLS connection, opened on first use and reopened after a failure. */
export function tlsTransport(
  options: TlsTransportOptions,
): KmipTransport & { close(): Promise<void> } {
  if (typeof options.host !== 'string' || options.host === '')
    throw new TypeError('host must be a non-empty string');
  const port = options.port ?? 5696;
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new RangeError('port must be 1-65535');
  const maxBytes = options.maxResponseBytes ?? 16 * 1024 * 1024;
  let socket: TLSSocket | undefined;
  let ready: Promise<TLSSocket> | undefined;
  let pending: Pending | undefined;
  let buffered: Uint8Array[] = [];
  let bufferedLength = 0;
  let queue: Promise<unknown> = Promise.resolve();

  const fail = (error: unknown): void => {
    const p = pending;
    pending = undefined;
    buffered = [];
    bufferedLength = 0;
    socket?.destroy();
    socket = undefined;
    ready = undefined;
    p?.reject(error);
  };

  const onData = (chunk: Uint8Array): void => {
    if (pending === undefined) {
      fail(new KmipTransportError('ERR_KMIP_TRANSPORT', 'data received with no request pending'));
      return;
    }
    buffered.push(chunk);
    bufferedLength += chunk.length;
    if (bufferedLength < 8) return;
    const all =
      buffered.length === 1 ? (buffered[0] as Uint8Array) : concat(buffered, bufferedLength);
    buffered = [all];
    let total: number;
    try {
      total = ttlvMessageLength(all.subarray(0, 8));
      if (total > maxBytes)
        throw new KmipTransportError(
          'ERR_KMIP_TRANSPORT',
          `response larger than ${maxBytes} bytes`,
        );
    } catch (error) {
      fail(error);
      return;
    }
    if (bufferedLength < total) return;
    if (bufferedLength > total) {
      fail(new KmipTransportError('ERR_KMIP_TRANSPORT', 'bytes after the response'));
      return;
    }
    const p = pending;
    pending = undefined;
    buffered = [];
    bufferedLength = 0;
    try {
      p.resolve(decodeTtlv(all, options.limits));
    } catch (error) {
      fail(error);
      p.reject(error);
    }
  };

  const open = (): Promise<TLSSocket> => {
    ready ??= new Promise<TLSSocket>((resolve, reject) => {
      const connection: ConnectionOptions = {
        ...options.tlsOptions,
        host: options.host,
        port,
        servername: options.servername ?? options.host,
        rejectUnauthorized: true,
      };
      if (options.ca !== undefined) connection.ca = options.ca as ConnectionOptions['ca'];
      if (options.cert !== undefined) connection.cert = options.cert as ConnectionOptions['cert'];
      if (options.key !== undefined) connection.key = options.key as ConnectionOptions['key'];
      const s = connect(connection);
      // `socket` is the live connection from here on; events of an older, dropped socket are
      // ignored so that they cannot tear down its replacement.
      socket = s;
      s.once('secureConnect', () => {
        resolve(s);
      });
      s.on('data', (chunk: Uint8Array) => {
        if (socket === s) onData(chunk);
      });
      s.on('error', (error) => {
        const failure = new KmipTransportError('ERR_KMIP_TRANSPORT', 'TLS connection failed', {
          cause: error,
        });
        reject(failure);
        if (socket === s) fail(failure);
      });
      s.on('close', () => {
        reject(
          new KmipTransportError('ERR_KMIP_TRANSPORT', 'connection closed during the handshake'),
        );
        if (socket === s) {
          fail(new KmipTransportError('ERR_KMIP_TRANSPORT', 'connection closed by the server'));
        }
      });
    });
    return ready;
  };

  const exchangeOne = async (request: TtlvStructure, signal: AbortSignal): Promise<TtlvItem> => {
    signal.throwIfAborted();
    const bytes = encodeTtlv(request);
    const s = await open();
    return new Promise<TtlvItem>((resolve, reject) => {
      const onAbort = (): void => {
        // The stream position is unknown after an abandoned request: drop the connection.
        fail(signal.reason);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      pending = {
        resolve: (item) => {
          signal.removeEventListener('abort', onAbort);
          resolve(item);
        },
        reject: (error) => {
          signal.removeEventListener('abort', onAbort);
          reject(
            error instanceof Error
              ? error
              : new KmipTransportError('ERR_KMIP_TRANSPORT', 'request abandoned'),
          );
        },
      };
      s.write(bytes);
    });
  };

  return {
    exchange(request, signal) {
      // One request at a time on the connection: responses carry no request identifier.
      const run = queue.then(() => exchangeOne(request, signal));
      queue = run.catch(() => undefined);
      return run;
    },
    async close() {
      const s = socket;
      socket = undefined;
      ready = undefined;
      const p = pending;
      pending = undefined;
      p?.reject(new KmipTransportError('ERR_KMIP_TRANSPORT', 'client closed'));
      if (s === undefined || s.destroyed) return;
      await new Promise<void>((resolve) => {
        s.once('close', () => {
          resolve();
        });
        s.end();
        // A peer that never closes its side must not hang the caller.
        setTimeout(() => s.destroy(), 1000).unref();
      });
    },
  };
}

function concat(chunks: Uint8Array[], length: number): Uint8Array {
  const out = new Uint8Array(length);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** A `KmipClient` over a TLS socket (binary TTLV). */
export function createTlsClient(options: TlsTransportOptions & KmipClientOptions): KmipClient {
  return new KmipClient(tlsTransport(options), options);
}
