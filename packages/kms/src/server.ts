/**
 * Assembles and runs a server from a configuration: store (SQLite or PostgreSQL, migrated, KEK
 * checked), object cache, audit chain, authentication, dispatcher, then the listeners (HTTP(S)
 * and the KMIP socket). `close()` shuts down gracefully: listeners stop accepting and finish
 * in-flight requests, the audit log is flushed, the store closed.
 */
import { hostname } from 'node:os';
import { readFileSync } from 'node:fs';
import { AuditLog } from './audit.ts';
import { Authenticator } from './auth.ts';
import { ConfigError, type KmsConfig } from './config.ts';
import type { ServerState } from './context.ts';
import { Dispatcher } from './dispatcher.ts';
import { HttpListener } from './http.ts';
import { loadKek, type KeyEncryptionKey } from './kek.ts';
import { createLogger, type Logger } from './log.ts';
import { Metrics } from './metrics.ts';
import { Repository } from './repository.ts';
import { SocketListener } from './socket.ts';
import { SqliteStore } from './sqlite-store.ts';
import type { Store } from './store.ts';
import { loadTls } from './tls.ts';

/** Version string of this server (`/version`, Query). */
export const SERVER_VERSION: string = (() => {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
      version?: string;
    };
    return `custos-kms ${pkg.version ?? '0.0.0'}`;
  } catch {
    return 'custos-kms';
  }
})();

export interface RunningServer {
  readonly config: KmsConfig;
  readonly state: ServerState;
  readonly dispatcher: Dispatcher;
  readonly store: Store;
  /** Bound HTTP port, when HTTP is enabled. */
  readonly httpPort: number | undefined;
  /** Bound KMIP socket port, when enabled. */
  readonly socketPort: number | undefined;
  /** Base URL of the HTTP listener. */
  readonly url: string | undefined;
  close(): Promise<void>;
}

export interface StartOptions {
  logger?: Logger;
}

/** Opens the store of a configuration and checks that the KEK is the one it was written with. */
export async function openStore(
  config: KmsConfig,
  kek: KeyEncryptionKey,
  logger: Logger,
): Promise<Store> {
  let store: Store;
  if (config.db.type === 'sqlite')
    store = SqliteStore.open({
      path: config.db.sqlitePath,
      synchronous: config.db.sqliteSynchronous,
    });
  else {
    const { PostgresStore } = await import('./postgres-store.ts');
    store = await PostgresStore.open({
      url: config.db.url,
      schema: config.db.schema,
      maxConnections: config.db.maxConnections,
      logger,
      strictCache: config.db.cacheSync,
    });
  }
  try {
    const known = await store.getParameter('kek_fingerprint');
    if (known === undefined) await store.setParameter('kek_fingerprint', kek.fingerprint);
    else if (known !== kek.fingerprint)
      throw new ConfigError(
        'the key-encryption key does not match the one this database was written with',
      );
  } catch (error) {
    await store.close();
    throw error;
  }
  return store;
}

/**
 * Starts a server.
 * @throws ConfigError (bad configuration, KEK mismatch) or the listen error (port in use).
 */
export async function startServer(
  config: KmsConfig,
  options: StartOptions = {},
): Promise<RunningServer> {
  const logger = options.logger ?? createLogger(config.log);
  const { kek, created } = loadKek(config);
  if (created !== undefined)
    logger.warn(
      'generated a new key-encryption key: back it up and keep it apart from the database',
      { file: created },
    );
  const tls = loadTls(config);
  const store = await openStore(config, kek, logger);
  const repo = new Repository(store, kek, {
    maxEntries: config.db.cacheMaxEntries,
    ttlMs: config.db.cacheTtlMs,
  });
  const port = config.http.enabled ? config.http.port : config.socket.port;
  const instance =
    config.instanceId !== ''
      ? config.instanceId
      : port === 0
        ? `${hostname()}-${globalThis.crypto.randomUUID().slice(0, 8)}`
        : `${hostname()}:${port}`;
  const audit = config.audit.enabled
    ? await AuditLog.open(
        store,
        kek.auditKey,
        instance,
        { flushIntervalMs: config.audit.flushIntervalMs, waitForWrite: config.audit.waitForWrite },
        logger,
      )
    : undefined;
  const state: ServerState = {
    config,
    repo,
    logger: logger.child({ instance }),
    audit,
    startedAt: new Date(),
    version: SERVER_VERSION,
  };
  const metrics = new Metrics();
  metrics.gauge('custos_kms_cache_entries', 'Objects in the cache.', () => repo.stats.entries);
  metrics.gauge('custos_kms_cache_hits', 'Cache hits since start.', () => repo.stats.hits);
  metrics.gauge('custos_kms_cache_misses', 'Cache misses since start.', () => repo.stats.misses);
  metrics.gauge(
    'custos_kms_audit_records_written',
    'Audit records written since start.',
    () => audit?.written ?? 0,
  );
  metrics.gauge('custos_kms_uptime_seconds', 'Seconds since start.', () =>
    Math.floor((Date.now() - state.startedAt.getTime()) / 1000),
  );
  const dispatcher = new Dispatcher(state, metrics);
  const auth = new Authenticator(config, logger);
  const health = async (): Promise<{ ok: boolean; latencyMs: number }> => {
    const t = performance.now();
    try {
      await store.ping();
      return { ok: true, latencyMs: Math.round(performance.now() - t) };
    } catch {
      return { ok: false, latencyMs: Math.round(performance.now() - t) };
    }
  };
  let http: HttpListener | undefined;
  let socket: SocketListener | undefined;
  let httpPort: number | undefined;
  let socketPort: number | undefined;
  try {
    if (config.http.enabled) {
      http = new HttpListener(
        { server: state, dispatcher, auth, metrics, health },
        config.http.tls ? tls : undefined,
      );
      httpPort = await http.listen();
    }
    if (config.socket.enabled) {
      if (tls === undefined) throw new ConfigError('the KMIP socket needs a TLS certificate');
      socket = new SocketListener(state, dispatcher, auth, tls);
      socketPort = await socket.listen();
    }
  } catch (error) {
    await http?.close();
    await audit?.close();
    await store.close();
    throw error;
  }
  const scheme = config.http.tls ? 'https' : 'http';
  const host =
    config.http.hostname === '0.0.0.0' || config.http.hostname === '::'
      ? '127.0.0.1'
      : config.http.hostname;
  const url =
    httpPort === undefined
      ? undefined
      : `${scheme}://${host.includes(':') ? `[${host}]` : host}:${httpPort}`;
  state.logger.info('custos KMS started', {
    version: SERVER_VERSION,
    http: url,
    socket: socketPort,
    database: store.kind,
    authentication: auth.required
      ? 'required'
      : `none (every request is ${config.defaultUsername})`,
  });
  let closing: Promise<void> | undefined;
  return {
    config,
    state,
    dispatcher,
    store,
    httpPort,
    socketPort,
    url,
    close: () =>
      (closing ??= (async () => {
        await Promise.all([http?.close(), socket?.close()]);
        await audit?.close();
        await store.close();
        state.logger.info('custos KMS stopped');
      })()),
  };
}
