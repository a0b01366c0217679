/**
 * KMIP binary TTLV over mutual TLS (the KMIP port, 5696). Connections are persistent: a client
 * sends Request Messages one after the other, each framed by its own TTLV header (8 bytes: tag,
 * type, length), and gets one Response Message for each, in order. The identity is the subject
 * CN of the client certificate, which must be signed by `tls.client_ca_file` (the KMIP
 * Credential of the request header is ignored).
 *
 * A frame that cannot be a message (bad header, larger than `limits.max_message_bytes`) is
 * answered with Invalid Message and the connection is closed, since the stream cannot be
 * resynchronized; a well-framed but invalid message gets an error response and the connection
 * stays open.
 */
import { createServer, type PeerCertificate, type Server, type TLSSocket } from 'node:tls';
import {
  decodeTtlv,
  encodeResponseMessage,
  encodeTtlv,
  invalidMessageResponse,
  ttlvMessageLength,
} from '@custos/kmip';
import type { Authenticator } from './auth.ts';
import type { ServerState } from './context.ts';
import type { Dispatcher } from './dispatcher.ts';
import { reasonName, toKmsError } from './errors.ts';
import type { TlsMaterial } from './tls.ts';

export class SocketListener {
  readonly server: Server;
  readonly #state: ServerState;
  readonly #dispatcher: Dispatcher;
  readonly #auth: Authenticator;
  readonly #sockets = new Set<TLSSocket>();

  constructor(state: ServerState, dispatcher: Dispatcher, auth: Authenticator, tls: TlsMaterial) {
    this.#state = state;
    this.#dispatcher = dispatcher;
    this.#auth = auth;
    this.server = createServer(
      { ...tls.options, requestCert: true, rejectUnauthorized: true },
      (socket) => {
        this.#connection(socket);
      },
    );
    this.server.on('tlsClientError', (error: Error) => {
      state.logger.debug('KMIP TLS handshake failed', { reason: error.message });
    });
  }

  listen(): Promise<number> {
    const c = this.#state.config.socket;
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(c.port, c.hostname, () => {
        this.server.off('error', reject);
        const a = this.server.address();
        resolve(typeof a === 'object' && a !== null ? a.port : c.port);
      });
    });
  }

  /** Stops accepting; open connections finish their current message and close. */
  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => {
        resolve();
      });
      for (const s of this.#sockets) s.end();
      setTimeout(() => {
        for (const s of this.#sockets) s.destroy();
      }, 5000).unref();
    });
  }

  #connection(socket: TLSSocket): void {
    this.#sockets.add(socket);
    socket.on('close', () => this.#sockets.delete(socket));
    socket.on('error', (error: Error) => {
      this.#state.logger.debug('KMIP connection error', { reason: error.message });
    });
    socket.setTimeout(this.#state.config.socket.idleTimeoutMs, () => socket.end());
    // An empty object when the client sent no certificate, whatever the types say.
    const cert: Partial<PeerCertificate> = socket.getPeerCertificate();
    const cnRaw: unknown = cert.subject?.CN;
    const cn =
      typeof cnRaw === 'string' ? cnRaw : Array.isArray(cnRaw) ? String(cnRaw[0]) : undefined;
    const source = `socket ${socket.remoteAddress ?? 'unknown'}`;
    let pending: Buffer = Buffer.alloc(0);
    let busy = false;
    const max = this.#state.config.limits.maxMessageBytes;
    // A function, so that the state is read again after each await.
    const open = (): boolean => !socket.destroyed;

    const fail = (message: string): void => {
      const tree = encodeResponseMessage(invalidMessageResponse({ major: 1, minor: 0 }, message));
      socket.end(encodeTtlv(tree));
      pending = Buffer.alloc(0);
    };

    const pump = async (): Promise<void> => {
      if (busy) return;
      busy = true;
      try {
        while (pending.length >= 8 && open()) {
          let length: number;
          try {
            length = ttlvMessageLength(pending.subarray(0, 8));
          } catch {
            fail('not a KMIP message');
            return;
          }
          if (length > max) {
            fail(`message larger than ${max} bytes`);
            return;
          }
          if (pending.length < length) break;
          const frame = pending.subarray(0, length);
          pending = pending.subarray(length);
          let response: Uint8Array;
          try {
            const user = await this.#auth.authenticate({ certificateCN: cn });
            const tree = decodeTtlv(
              new Uint8Array(frame.buffer, frame.byteOffset, frame.byteLength),
              { maxBytes: max },
            );
            response = encodeTtlv(await this.#dispatcher.processMessage(tree, { user, source }));
          } catch (error) {
            const e = toKmsError(error);
            this.#state.audit?.record({
              user: cn ?? '',
              operation: e.code === 'ERR_KMS_AUTHENTICATION' ? 'authenticate' : 'message',
              uid: '',
              status: 'failure',
              reason: reasonName(e.reason),
              source,
            });
            if (e.code === 'ERR_KMS_INTERNAL')
              this.#state.logger.error('KMIP socket request failed', { error: e.cause ?? e });
            response = encodeTtlv(
              encodeResponseMessage(invalidMessageResponse({ major: 1, minor: 0 }, e.message)),
            );
          }
          if (open()) socket.write(response);
        }
      } finally {
        busy = false;
      }
      if (pending.length >= 8 && open()) void pump();
    };

    socket.on('data', (chunk: Buffer) => {
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      if (pending.length > max + 8) {
        fail(`message larger than ${max} bytes`);
        return;
      }
      void pump();
    });
  }
}
