/**
 * Test servers: a real server on an ephemeral port with its data in a temporary folder, on
 * SQLite or on the test PostgreSQL (a unique schema per server, dropped afterwards), plus
 * helpers to talk to it (typed KMIP client, raw JSON/binary posts).
 *
 * PostgreSQL: KMS_TEST_PG_URL, default postgres://postgres@127.0.0.1:5432/test; tests that need
 * it skip, saying why, when it is unreachable.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { provider, toHex } from '@custos/crypto';
import { createHttpClient, type KmipClient, type KmipEncoding } from '@custos/kmip';
import { loadConfig } from '../config.ts';
import { silentLogger } from '../log.ts';
import { startServer, type RunningServer } from '../server.ts';

export const PG_URL = process.env['KMS_TEST_PG_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';

let pgReason: Promise<string | undefined> | undefined;

/** Undefined when PostgreSQL answers, else why the tests that need it skip. */
export function postgresSkipReason(): Promise<string | undefined> {
  pgReason ??= (async () => {
    const client = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 1000 });
    try {
      await client.connect();
      await client.query('SELECT 1');
      return undefined;
    } catch (error) {
      return `PostgreSQL unreachable at ${PG_URL}: ${(error as Error).message}`;
    } finally {
      await client.end().catch(() => undefined);
    }
  })();
  return pgReason;
}

/** A fresh schema name for one test run. */
export function uniqueSchema(): string {
  return `kms_test_${process.pid}_${globalThis.crypto.randomUUID().replace(/-/g, '').slice(0, 10)}`;
}

export async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: PG_URL });
  try {
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end().catch(() => undefined);
  }
}

export type Backend = 'sqlite' | 'postgresql';

export interface TestServerOptions {
  backend?: Backend;
  /** Settings by path (`auth.api_tokens` etc. as JSON text). */
  settings?: Record<string, string>;
  /** Reuse a data folder (restart tests). */
  dir?: string;
  /** PostgreSQL schema (shared by several servers). */
  schema?: string;
  /** KEK (base64); a fixed one by default so that PostgreSQL servers can share a schema. */
  kek?: string;
}

export const TEST_KEK = Buffer.alloc(32, 7).toString('base64');

export class TestServer {
  readonly server: RunningServer;
  readonly dir: string;
  readonly schema: string | undefined;
  readonly #ownDir: boolean;

  constructor(server: RunningServer, dir: string, ownDir: boolean, schema: string | undefined) {
    this.server = server;
    this.dir = dir;
    this.#ownDir = ownDir;
    this.schema = schema;
  }

  get url(): string {
    return this.server.url as string;
  }

  /** A KMIP client; `headers` carries authentication. */
  client(
    options: {
      encoding?: KmipEncoding;
      headers?: Record<string, string>;
      path?: string;
      version?: { major: number; minor: number };
    } = {},
  ): KmipClient {
    const path =
      options.path ??
      (options.encoding === undefined || options.encoding === 'json' ? '/kmip/2_1' : '/kmip');
    return createHttpClient({
      url: `${this.url}${path}`,
      ...(options.encoding === undefined ? {} : { encoding: options.encoding }),
      headers: options.headers ?? {},
      ...(options.version === undefined ? {} : { version: options.version }),
    });
  }

  /** A client acting as `user` through an API token `token-<user>` (see `tokenSettings`). */
  as(user: string, encoding?: KmipEncoding): KmipClient {
    return this.client({
      headers: { authorization: `Bearer token-${user}` },
      ...(encoding === undefined ? {} : { encoding }),
    });
  }

  /** POSTs a body and returns status, content type and text. */
  async post(
    path: string,
    body: string | Uint8Array,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; type: string; text: string; bytes: Uint8Array }> {
    const r = await fetch(`${this.url}${path}`, {
      method: 'POST',
      body: body as BodyInit,
      headers: { 'content-type': 'application/json', ...headers },
    });
    const bytes = new Uint8Array(await r.arrayBuffer());
    return {
      status: r.status,
      type: r.headers.get('content-type') ?? '',
      text: new TextDecoder().decode(bytes),
      bytes,
    };
  }

  async get(
    path: string,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; text: string; json: () => unknown }> {
    const r = await fetch(`${this.url}${path}`, { headers });
    const text = await r.text();
    return { status: r.status, text, json: () => JSON.parse(text) as unknown };
  }

  /** Stops the server; removes its folder unless `keep`. */
  async close(keep = false): Promise<void> {
    await this.server.close();
    if (this.#ownDir && !keep) rmSync(this.dir, { recursive: true, force: true });
  }
}

/** SHA-256 of a token, as `auth.api_tokens` stores it. */
export function tokenHash(token: string): string {
  return toHex(provider.hash.digest('sha256', new TextEncoder().encode(token)));
}

/** API-token settings authenticating `Bearer token-<user>` as `<user>`. */
export function tokenSettings(users: readonly string[]): Record<string, string> {
  return {
    'auth.api_tokens': JSON.stringify(
      users.map((u) => ({ user: u, sha256: tokenHash(`token-${u}`) })),
    ),
  };
}

/** Starts a test server. */
export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const ownDir = options.dir === undefined;
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'custos-kms-test-'));
  const backend = options.backend ?? 'sqlite';
  const schema = backend === 'postgresql' ? (options.schema ?? uniqueSchema()) : undefined;
  const overrides: Record<string, string> = {
    data_dir: dir,
    'http.port': '0',
    'log.level': 'silent',
    'audit.flush_interval_ms': '5',
    'kek.value': options.kek ?? TEST_KEK,
    ...(schema === undefined
      ? {}
      : { 'db.type': 'postgresql', 'db.url': PG_URL, 'db.schema': schema }),
    ...options.settings,
  };
  const config = loadConfig({ env: {}, overrides });
  const server = await startServer(config, { logger: silentLogger });
  return new TestServer(server, dir, ownDir, schema);
}
