/**
 * The HTTP(S) listener (node:http, no framework):
 *
 * | route | body | answer |
 * |---|---|---|
 * | `POST /kmip/2_1` | JSON: a bare operation (`{"tag":"Encrypt",...}`) or a Request Message | the bare response (`EncryptResponse`) or a Response Message; a failed bare operation gets the HTTP status of its error and `{"error","reason","message"}` |
 * | `POST /kmip` | binary TTLV, JSON or XML by Content-Type (`;charset=` ignored) | 200 and a Response Message in the same encoding; failures are failed batch items |
 * | `GET /health`, `GET /version`, `GET /metrics`, `GET /openapi.json` | — | public |
 * | `GET /me`, `/access/*` | JSON | rights API (see access-api.ts) |
 *
 * Authentication happens before routing for every non-public route. Bodies beyond
 * `http.max_body_bytes` are refused with 413 (and, on the KMIP routes, a KMIP error).
 */
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { TLSSocket, type PeerCertificate } from 'node:tls';
import {
  CONTENT_TYPES,
  decodeJson,
  decodeJsonOperation,
  decodeWire,
  encodeJsonOperation,
  encodeWire,
  encodeJson,
  encodingOfContentType,
  invalidMessageResponse,
  encodeResponseMessage,
  type KmipEncoding,
  type TtlvStructure,
} from '@custos/kmip';
import { handleAccessRoute } from './access-api.ts';
import type { Authenticator } from './auth.ts';
import type { KmsConfig } from './config.ts';
import type { Caller, ServerState } from './context.ts';
import type { Dispatcher } from './dispatcher.ts';
import { KmsError, reasonName, toKmsError } from './errors.ts';
import type { Metrics } from './metrics.ts';
import { openApiDocument } from './openapi.ts';
import type { TlsMaterial } from './tls.ts';

export interface HttpDeps {
  readonly server: ServerState;
  readonly dispatcher: Dispatcher;
  readonly auth: Authenticator;
  readonly metrics: Metrics;
  readonly health: () => Promise<{ ok: boolean; latencyMs: number }>;
}

const JSON_TYPE = 'application/json';

/** Reads a body up to `limit` bytes; resolves undefined when it is larger. */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  const declared = Number(req.headers['content-length'] ?? '0');
  if (declared > limit) return Promise.resolve(undefined);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (chunk: Buffer) => {
      if (over) return;
      size += chunk.length;
      if (size > limit) {
        over = true;
        chunks.length = 0;
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!over) resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks));
    });
    req.on('error', reject);
  });
}

function send(
  res: ServerResponse,
  status: number,
  type: string,
  body: string | Uint8Array,
  close = false,
): void {
  const headers: Record<string, string | number> = {
    'content-type': type,
    'content-length': typeof body === 'string' ? Buffer.byteLength(body) : body.length,
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
  };
  if (close) headers['connection'] = 'close';
  res.writeHead(status, headers);
  res.end(body);
}

function sendJson(res: ServerResponse, status: number, value: unknown, close = false): void {
  send(res, status, JSON_TYPE, JSON.stringify(value), close);
}

/** JSON error body of a failed request. */
export function errorBody(e: KmsError): { error: string; reason: string; message: string } {
  return { error: e.code, reason: reasonName(e.reason), message: e.message };
}

function peerAddress(req: IncomingMessage): string {
  return req.socket.remoteAddress ?? 'unknown';
}

/** `http <address>` by peer address: one string per client instead of one per request. */
const SOURCES = new Map<string, string>();

function sourceOf(req: IncomingMessage): string {
  const address = peerAddress(req);
  let source = SOURCES.get(address);
  if (source === undefined) {
    if (SOURCES.size >= 4096) SOURCES.clear();
    source = `http ${address}`;
    SOURCES.set(address, source);
  }
  return source;
}

/** Subject CN of a verified client certificate, if any. */
function certificateCN(req: IncomingMessage): string | undefined {
  const socket = req.socket;
  if (!(socket instanceof TLSSocket) || !socket.authorized) return undefined;
  // An empty object when the client sent no certificate, whatever the types say.
  const cert: Partial<PeerCertificate> = socket.getPeerCertificate();
  const cn: unknown = cert.subject?.CN;
  if (typeof cn === 'string') return cn;
  return Array.isArray(cn) && typeof cn[0] === 'string' ? cn[0] : undefined;
}

export class HttpListener {
  readonly #deps: HttpDeps;
  readonly #config: KmsConfig;
  readonly server: Server;

  constructor(deps: HttpDeps, tls: TlsMaterial | undefined) {
    this.#deps = deps;
    this.#config = deps.server.config;
    // Every route sends its response before its promise settles: the status is counted then.
    // (Nothing is attached to node's request, response or socket objects: a property added to
    // them gives node's own code a second object shape to handle on every request.)
    const handler = (req: IncomingMessage, res: ServerResponse): void => {
      const url = req.url ?? '/';
      const q = url.indexOf('?');
      const path = q === -1 ? url : url.slice(0, q);
      const counter = deps.metrics.route(routeLabel(path));
      this.#handle(req, res, path).then(
        () => {
          counter.count(res.statusCode);
        },
        (error: unknown) => {
          deps.server.logger.error('unhandled HTTP error', { error });
          if (!res.headersSent)
            sendJson(res, 500, errorBody(new KmsError('ERR_KMS_INTERNAL', 'internal error')));
          else res.destroy();
          counter.count(res.statusCode);
        },
      );
    };
    const c = this.#config.http;
    const options = {
      requestTimeout: c.requestTimeoutMs,
      headersTimeout: Math.min(c.requestTimeoutMs, 60_000),
      keepAliveTimeout: c.keepAliveTimeoutMs,
      maxHeaderSize: 16 * 1024,
    };
    this.server =
      tls === undefined
        ? createHttpServer(options, handler)
        : createHttpsServer(
            { ...options, ...tls.options, requestCert: tls.clientCa, rejectUnauthorized: false },
            handler,
          );
    this.server.keepAliveTimeout = c.keepAliveTimeoutMs;
  }

  /** Starts listening; resolves with the bound port. */
  listen(): Promise<number> {
    const c = this.#config.http;
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(c.port, c.hostname, () => {
        this.server.off('error', reject);
        const address = this.server.address();
        resolve(typeof address === 'object' && address !== null ? address.port : c.port);
      });
    });
  }

  /** Stops accepting, lets in-flight requests finish, closes idle connections. */
  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => {
        resolve();
      });
      this.server.closeIdleConnections();
      // Connections still busy after the grace period are cut.
      setTimeout(() => {
        this.server.closeAllConnections();
      }, 5000).unref();
    });
  }

  /** Audits a request refused before any operation ran (unreadable body, failed login). */
  #auditRefusal(user: string, source: string, operation: string, e: KmsError): void {
    this.#deps.server.audit?.append(user, operation, '', 'failure', reasonName(e.reason), source);
  }

  async #handle(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    const method = req.method ?? 'GET';
    // Public routes.
    if (method === 'GET') {
      switch (path) {
        case '/health': {
          const h = await this.#deps.health();
          const store = this.#deps.server.repo.store.kind;
          sendJson(res, h.ok ? 200 : 503, {
            status: h.ok ? 'UP' : 'DOWN',
            latency_ms: h.latencyMs,
            dependencies: { database: { name: store, status: h.ok ? 'UP' : 'DOWN' } },
          });
          return;
        }
        case '/version':
          sendJson(res, 200, this.#deps.server.version);
          return;
        case '/metrics':
          send(res, 200, 'text/plain; version=0.0.4', this.#deps.metrics.render());
          return;
        case '/openapi.json':
          sendJson(res, 200, openApiDocument(this.#deps.server.version));
          return;
      }
    }
    let user: string;
    try {
      const pending = this.#deps.auth.authenticate({
        authorization: req.headers.authorization,
        certificateCN: certificateCN(req),
      });
      user = typeof pending === 'string' ? pending : await pending;
    } catch (error) {
      const e = toKmsError(error);
      // Failed logins are audited: repeated ones are what a monitoring system looks for.
      this.#auditRefusal('', sourceOf(req), 'authenticate', e);
      res.setHeader('www-authenticate', 'Bearer');
      sendJson(res, e.status, errorBody(e));
      req.resume();
      return;
    }
    const caller: Caller = { user, source: sourceOf(req) };
    // Awaited rather than returned: returning a promise from an async function costs two more
    // microtask turns.
    if (method === 'POST' && path === '/kmip/2_1') {
      await this.#kmip21(req, res, caller);
      return;
    }
    if (method === 'POST' && path === '/kmip') {
      await this.#kmip(req, res, caller);
      return;
    }
    if (path === '/me' && method === 'GET') {
      sendJson(res, 200, { user });
      return;
    }
    if (path.startsWith('/access/')) {
      const body = method === 'POST' ? await readBody(req, 1024 * 1024) : Buffer.alloc(0);
      if (body === undefined) {
        sendJson(
          res,
          413,
          errorBody(new KmsError('ERR_KMS_REQUEST_TOO_LARGE', 'body too large')),
          true,
        );
        return;
      }
      try {
        const out = await handleAccessRoute(this.#deps.server, caller, method, path, body);
        // Rights changes are audited; with audit.wait_for_write their answer waits for it too.
        const audit = this.#deps.server.audit;
        if (audit?.waitForWrite === true)
          await audit.persisted().catch(() => {
            throw new KmsError('ERR_KMS_UNAVAILABLE', 'the audit log could not be written');
          });
        sendJson(res, 200, out);
      } catch (error) {
        const e = toKmsError(error);
        if (e.code === 'ERR_KMS_INTERNAL')
          this.#deps.server.logger.error('access API failed', { error: e.cause ?? e });
        sendJson(res, e.status, errorBody(e));
      }
      return;
    }
    req.resume();
    const known = [
      '/kmip/2_1',
      '/kmip',
      '/me',
      '/health',
      '/version',
      '/metrics',
      '/openapi.json',
    ].includes(path);
    const e = known
      ? new KmsError('ERR_KMS_METHOD_NOT_ALLOWED', `${method} is not allowed on ${path}`)
      : new KmsError('ERR_KMS_NOT_FOUND', `no route ${path.slice(0, 100)}`);
    sendJson(res, e.status, errorBody(e));
  }

  async #kmip21(req: IncomingMessage, res: ServerResponse, caller: Caller): Promise<void> {
    const type = encodingOfContentType(req.headers['content-type'] ?? JSON_TYPE);
    if (type !== 'json') {
      req.resume();
      sendJson(
        res,
        415,
        errorBody(
          new KmsError('ERR_KMS_UNSUPPORTED_MEDIA_TYPE', '/kmip/2_1 takes application/json'),
        ),
      );
      return;
    }
    const body = await readBody(req, this.#config.http.maxBodyBytes);
    if (body === undefined) {
      sendJson(
        res,
        413,
        errorBody(
          new KmsError(
            'ERR_KMS_REQUEST_TOO_LARGE',
            `body larger than ${this.#config.http.maxBodyBytes} bytes`,
          ),
        ),
        true,
      );
      return;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch {
      const e = new KmsError('ERR_KMS_INVALID_MESSAGE', 'the body is not JSON');
      this.#auditRefusal(caller.user, caller.source, 'message', e);
      sendJson(res, 400, errorBody(e));
      return;
    }
    const isMessage =
      typeof parsed === 'object' &&
      parsed !== null &&
      (parsed as { tag?: unknown }).tag === 'RequestMessage';
    // Errors before the dispatcher (which audits what it runs) are audited here.
    let dispatched = false;
    try {
      if (isMessage) {
        const tree = decodeJson(parsed as object, { maxBytes: this.#config.http.maxBodyBytes });
        dispatched = true;
        const response = await this.#deps.dispatcher.processMessage(tree, caller);
        send(res, 200, JSON_TYPE, encodeJson(response, { style: 'cosmian' }));
        return;
      }
      const { operation, response: isResponse, payload } = decodeJsonOperation(parsed as object);
      if (isResponse) throw new KmsError('ERR_KMS_INVALID_MESSAGE', 'a response is not a request');
      dispatched = true;
      const out = await this.#deps.dispatcher.processOperation(operation, payload, caller);
      send(res, 200, JSON_TYPE, encodeJsonOperation(operation, true, out, { style: 'cosmian' }));
    } catch (error) {
      const e = toKmsError(error);
      if (e.code === 'ERR_KMS_INTERNAL')
        this.#deps.server.logger.error('KMIP JSON request failed', { error: e.cause ?? e });
      if (!dispatched) this.#auditRefusal(caller.user, caller.source, 'message', e);
      sendJson(res, e.status, errorBody(e));
    }
  }

  async #kmip(req: IncomingMessage, res: ServerResponse, caller: Caller): Promise<void> {
    const encoding = encodingOfContentType(req.headers['content-type']);
    if (encoding === undefined) {
      req.resume();
      sendJson(
        res,
        415,
        errorBody(
          new KmsError(
            'ERR_KMS_UNSUPPORTED_MEDIA_TYPE',
            '/kmip takes application/octet-stream, application/json or text/xml',
          ),
        ),
      );
      return;
    }
    const limit = this.#config.http.maxBodyBytes;
    const body = await readBody(req, limit);
    if (body === undefined) {
      this.#kmipError(res, encoding, 413, `request larger than ${limit} bytes`, true);
      return;
    }
    let response: TtlvStructure;
    try {
      const tree = decodeWire(
        new Uint8Array(body.buffer, body.byteOffset, body.byteLength),
        encoding,
        { maxBytes: limit },
      );
      response = await this.#deps.dispatcher.processMessage(tree, caller);
    } catch (error) {
      const e = toKmsError(error);
      if (e.code === 'ERR_KMS_INTERNAL')
        this.#deps.server.logger.error('KMIP request failed', { error: e.cause ?? e });
      this.#auditRefusal(caller.user, caller.source, 'message', e);
      this.#kmipError(res, encoding, 200, e.message);
      return;
    }
    send(res, 200, CONTENT_TYPES[encoding], encodeWire(response, encoding));
  }

  #kmipError(
    res: ServerResponse,
    encoding: KmipEncoding,
    status: number,
    message: string,
    close = false,
  ): void {
    const tree = encodeResponseMessage(invalidMessageResponse({ major: 2, minor: 1 }, message));
    send(res, status, CONTENT_TYPES[encoding], encodeWire(tree, encoding), close);
  }
}

/** Route labels of the metrics: the known routes only, so that their number stays bounded. */
const ROUTES: ReadonlySet<string> = new Set([
  '/kmip/2_1',
  '/kmip',
  '/health',
  '/version',
  '/metrics',
  '/openapi.json',
  '/me',
  '/access/grant',
  '/access/revoke',
  '/access/owned',
  '/access/obtained',
  '/access/create',
  '/access/privileged',
]);

function routeLabel(path: string): string {
  if (ROUTES.has(path)) return path;
  if (path.startsWith('/access/list/')) return '/access/list';
  return 'other';
}
