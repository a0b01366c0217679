/**
 * Server configuration: one table of settings (`CONFIG_KEYS`) read from, in increasing order of
 * precedence, built-in defaults, a TOML file, environment variables (`CUSTOS_<SECTION>_<KEY>`)
 * and command-line overrides. The same table generates the documentation and the flags of
 * `custos serve`, so a setting cannot exist in one place and not in another.
 *
 * Relative paths read from the TOML file are relative to the file's folder; all others are
 * relative to the working directory.
 */
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parse as parseToml, TomlError } from 'smol-toml';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

export interface ApiTokenConfig {
  /** Identity given to requests that present this token. */
  readonly user: string;
  /** Lowercase hex SHA-256 of the token (the token itself is never stored). */
  readonly sha256: string;
}

export interface JwtProviderConfig {
  /** Expected `iss` claim. */
  readonly issuer: string;
  /** URL of the JSON Web Key Set; defaults to `<issuer>/.well-known/jwks.json`. */
  readonly jwksUri: string;
  /** Accepted `aud` values (any of them); empty means the audience is not checked. */
  readonly audiences: readonly string[];
  /** Claim that names the user (default `email`, falling back to `sub` if set to it). */
  readonly userClaim: string;
}

export interface KmsConfig {
  readonly dataDir: string;
  readonly defaultUsername: string;
  readonly forceDefaultUsername: boolean;
  readonly privilegedUsers: readonly string[];
  readonly vendorIdentification: string;
  readonly instanceId: string;
  readonly http: {
    readonly enabled: boolean;
    readonly hostname: string;
    readonly port: number;
    readonly tls: boolean;
    readonly maxBodyBytes: number;
    readonly requestTimeoutMs: number;
    readonly keepAliveTimeoutMs: number;
  };
  readonly socket: {
    readonly enabled: boolean;
    readonly hostname: string;
    readonly port: number;
    readonly idleTimeoutMs: number;
  };
  readonly tls: {
    readonly certFile: string;
    readonly keyFile: string;
    readonly chainFile: string;
    readonly p12File: string;
    readonly p12Password: string;
    readonly clientCaFile: string;
  };
  readonly db: {
    readonly type: 'sqlite' | 'postgresql';
    readonly sqlitePath: string;
    readonly sqliteSynchronous: 'full' | 'normal';
    readonly url: string;
    readonly schema: string;
    readonly maxConnections: number;
    readonly cacheMaxEntries: number;
    readonly cacheTtlMs: number;
    readonly cacheSync: boolean;
  };
  readonly kek: {
    readonly file: string;
    readonly value: string;
  };
  readonly auth: {
    readonly apiTokens: readonly ApiTokenConfig[];
    readonly jwt: readonly JwtProviderConfig[];
    readonly clientCertificates: boolean;
  };
  readonly audit: {
    readonly enabled: boolean;
    readonly flushIntervalMs: number;
    readonly waitForWrite: boolean;
  };
  readonly log: {
    readonly level: LogLevel;
    readonly format: 'json' | 'text';
  };
  readonly limits: {
    readonly maxBatchItems: number;
    readonly locateMaxItems: number;
    readonly maxMessageBytes: number;
  };
}

/** A configuration that cannot be used; the message names the setting and its source. */
export class ConfigError extends Error {
  readonly code = 'ERR_KMS_CONFIG';

  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

type Kind =
  | 'string'
  | 'secret'
  | 'path'
  | 'int'
  | 'bool'
  | 'strings'
  | 'apiTokens'
  | 'jwt'
  | readonly string[];

/** One setting: its TOML path (`section.key`), kind, default and documentation. */
export interface ConfigKey {
  readonly path: string;
  readonly kind: Kind;
  readonly default: unknown;
  readonly doc: string;
  /** Smallest and largest accepted integer. */
  readonly range?: readonly [number, number];
}

const PORT: readonly [number, number] = [0, 65535];

/** Every setting, in documentation order. */
export const CONFIG_KEYS: readonly ConfigKey[] = [
  {
    path: 'data_dir',
    kind: 'path',
    default: './custos-data',
    doc: 'Folder of the SQLite database and of the generated key-encryption key.',
  },
  {
    path: 'default_username',
    kind: 'string',
    default: 'admin',
    doc: 'Identity of every request when no authentication method is configured.',
  },
  {
    path: 'force_default_username',
    kind: 'bool',
    default: false,
    doc: 'Authenticate requests, then run all of them as default_username.',
  },
  {
    path: 'privileged_users',
    kind: 'strings',
    default: [],
    doc: 'When non-empty, only these users (and users they grant "create") may Create, Register, Import, ReKey and DeriveKey.',
  },
  {
    path: 'vendor_identification',
    kind: 'string',
    default: 'custos',
    doc: 'Vendor Identification of the server and of its vendor attributes (tags); "cosmian" is accepted on input too.',
  },
  {
    path: 'instance_id',
    kind: 'string',
    default: '',
    doc: 'Name of this server instance in logs and in the audit chain (default: host name and port).',
  },
  {
    path: 'http.enabled',
    kind: 'bool',
    default: true,
    doc: 'Serve HTTP (KMIP over HTTP, rights API, health, metrics).',
  },
  {
    path: 'http.hostname',
    kind: 'string',
    default: '127.0.0.1',
    doc: 'Address the HTTP listener binds (0.0.0.0 for every interface).',
  },
  {
    path: 'http.port',
    kind: 'int',
    default: 9998,
    range: PORT,
    doc: 'HTTP port (0 picks a free port).',
  },
  {
    path: 'http.tls',
    kind: 'bool',
    default: false,
    doc: 'Serve HTTPS with the [tls] certificate (PEM or PKCS#12).',
  },
  {
    path: 'http.max_body_bytes',
    kind: 'int',
    default: 16 * 1024 * 1024,
    range: [1024, 1 << 30],
    doc: 'Largest request body accepted (413 beyond).',
  },
  {
    path: 'http.request_timeout_ms',
    kind: 'int',
    default: 30_000,
    range: [1000, 3_600_000],
    doc: 'Time allowed to receive a whole request.',
  },
  {
    path: 'http.keep_alive_timeout_ms',
    kind: 'int',
    default: 120_000,
    range: [1000, 3_600_000],
    doc: 'Idle time before a kept-alive connection is closed.',
  },
  {
    path: 'socket.enabled',
    kind: 'bool',
    default: false,
    doc: 'Serve KMIP binary over mutual TLS (needs tls certificate and tls.client_ca_file).',
  },
  {
    path: 'socket.hostname',
    kind: 'string',
    default: '127.0.0.1',
    doc: 'Address the KMIP socket listener binds.',
  },
  {
    path: 'socket.port',
    kind: 'int',
    default: 5696,
    range: PORT,
    doc: 'KMIP socket port (IANA: 5696).',
  },
  {
    path: 'socket.idle_timeout_ms',
    kind: 'int',
    default: 300_000,
    range: [1000, 86_400_000],
    doc: 'Idle time before a KMIP connection is closed.',
  },
  { path: 'tls.cert_file', kind: 'path', default: '', doc: 'Server certificate (PEM).' },
  { path: 'tls.key_file', kind: 'path', default: '', doc: 'Server private key (PEM).' },
  {
    path: 'tls.chain_file',
    kind: 'path',
    default: '',
    doc: 'Intermediate certificates sent after the server certificate (PEM).',
  },
  {
    path: 'tls.p12_file',
    kind: 'path',
    default: '',
    doc: 'Server certificate and key as PKCS#12 (instead of PEM).',
  },
  { path: 'tls.p12_password', kind: 'secret', default: '', doc: 'Password of the PKCS#12 file.' },
  {
    path: 'tls.client_ca_file',
    kind: 'path',
    default: '',
    doc: 'CA certificates (PEM) that sign client certificates; enables client-certificate authentication (identity = subject CN).',
  },
  {
    path: 'db.type',
    kind: ['sqlite', 'postgresql'],
    default: 'sqlite',
    doc: 'Database: sqlite (embedded, one instance) or postgresql (several instances).',
  },
  {
    path: 'db.sqlite_path',
    kind: 'path',
    default: '',
    doc: 'SQLite file (default <data_dir>/kms.sqlite).',
  },
  {
    path: 'db.sqlite_synchronous',
    kind: ['full', 'normal'],
    default: 'full',
    doc: 'SQLite durability: full syncs every commit to disk (an acknowledged key survives a power loss); normal syncs at checkpoints only (much faster writes; the last commits may be lost on a power loss, never on a crash of the server).',
  },
  {
    path: 'db.url',
    kind: 'secret',
    default: '',
    doc: 'PostgreSQL connection URL, e.g. postgres://user@host:5432/db.',
  },
  {
    path: 'db.schema',
    kind: 'string',
    default: 'public',
    doc: 'PostgreSQL schema holding the tables (created if missing).',
  },
  {
    path: 'db.max_connections',
    kind: 'int',
    default: 10,
    range: [1, 1000],
    doc: 'PostgreSQL pool size.',
  },
  {
    path: 'db.cache_max_entries',
    kind: 'int',
    default: 10_000,
    range: [0, 10_000_000],
    doc: 'Objects kept decrypted in memory (0 disables the cache).',
  },
  {
    path: 'db.cache_ttl_ms',
    kind: 'int',
    default: 60_000,
    range: [0, 86_400_000],
    doc: 'Longest time an object stays cached; changes made through any instance invalidate it at once.',
  },
  {
    path: 'db.cache_sync',
    kind: 'bool',
    default: true,
    doc: 'PostgreSQL: before serving a cached object, make sure every change committed by other instances has been received (one shared round trip); false trades this for throughput, changes then arrive within the notification latency.',
  },
  {
    path: 'kek.file',
    kind: 'path',
    default: '',
    doc: 'File holding the 32-byte key-encryption key (raw, hex or base64); default <data_dir>/kek.key, generated on first start for SQLite.',
  },
  {
    path: 'kek.value',
    kind: 'secret',
    default: '',
    doc: 'The key-encryption key itself, base64 or hex (prefer CUSTOS_KEK_VALUE or a file).',
  },
  {
    path: 'auth.api_tokens',
    kind: 'apiTokens',
    default: [],
    doc: 'API tokens: [{ user = "ci", sha256 = "<hex SHA-256 of the token>" }]; clients send "Authorization: Bearer <token>".',
  },
  {
    path: 'auth.jwt',
    kind: 'jwt',
    default: [],
    doc: 'OIDC/JWT providers: [{ issuer = "...", jwks_uri = "...", audiences = ["..."], user_claim = "email" }].',
  },
  {
    path: 'auth.client_certificates',
    kind: 'bool',
    default: true,
    doc: 'Accept client certificates signed by tls.client_ca_file as authentication (HTTPS and socket).',
  },
  { path: 'audit.enabled', kind: 'bool', default: true, doc: 'Write the hash-chained audit log.' },
  {
    path: 'audit.flush_interval_ms',
    kind: 'int',
    default: 20,
    range: [0, 60_000],
    doc: 'Audit records are written in batches at most this often (0: with every request).',
  },
  {
    path: 'audit.wait_for_write',
    kind: 'bool',
    default: false,
    doc: 'Answer a request only once its audit record is stored (group commit); else records are written in the background within audit.flush_interval_ms.',
  },
  {
    path: 'log.level',
    kind: ['debug', 'info', 'warn', 'error', 'silent'],
    default: 'info',
    doc: 'Least severe log level written.',
  },
  {
    path: 'log.format',
    kind: ['json', 'text'],
    default: 'json',
    doc: 'json: one JSON object per line; text: human-readable.',
  },
  {
    path: 'limits.max_batch_items',
    kind: 'int',
    default: 1000,
    range: [1, 1_000_000],
    doc: 'Most batch items in one request message.',
  },
  {
    path: 'limits.locate_max_items',
    kind: 'int',
    default: 1000,
    range: [1, 1_000_000],
    doc: 'Most identifiers one Locate returns.',
  },
  {
    path: 'limits.max_message_bytes',
    kind: 'int',
    default: 16 * 1024 * 1024,
    range: [1024, 1 << 30],
    doc: 'Largest KMIP message on the socket listener.',
  },
];

/** Environment variable of a setting: `http.port` → `CUSTOS_HTTP_PORT`. */
export function envName(path: string): string {
  return `CUSTOS_${path.replace(/\./g, '_').toUpperCase()}`;
}

/** Command-line flag of a setting: `http.port` → `--http-port`. */
export function flagName(path: string): string {
  return `--${path.replace(/[._]/g, '-')}`;
}

const KEYS_BY_PATH = new Map(CONFIG_KEYS.map((k) => [k.path, k]));

/** The setting a flag names (`--http-port`), or undefined. */
export function keyForFlag(flag: string): ConfigKey | undefined {
  return CONFIG_KEYS.find((k) => flagName(k.path) === flag);
}

export interface LoadConfigOptions {
  /** TOML file; when absent, `CUSTOS_CONFIG` is used if set, else no file. */
  file?: string;
  /** Environment to read (default `process.env`). */
  env?: Readonly<Record<string, string | undefined>>;
  /** Overrides by setting path (`http.port` → "9999"), e.g. from flags. Highest precedence. */
  overrides?: Readonly<Record<string, string>>;
  /** Working directory for relative paths (default `process.cwd()`). */
  cwd?: string;
}

type Raw = Record<string, unknown>;

/**
 * Reads and validates the configuration.
 * @throws ConfigError naming the setting and its source when a value is unusable.
 */
export function loadConfig(options: LoadConfigOptions = {}): KmsConfig {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const values = new Map<string, unknown>();
  for (const key of CONFIG_KEYS) values.set(key.path, key.default);

  const file = options.file ?? env['CUSTOS_CONFIG'];
  if (file !== undefined && file !== '') {
    const path = resolve(cwd, file);
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (e) {
      throw new ConfigError(`cannot read configuration file ${file}: ${(e as Error).message}`);
    }
    let table: Raw;
    try {
      table = parseToml(text);
    } catch (e) {
      const where = e instanceof TomlError ? ` (line ${e.line}, column ${e.column})` : '';
      throw new ConfigError(`configuration file ${file} is not valid TOML${where}`);
    }
    const base = dirname(path);
    for (const [path2, value] of flattenTable(table, '', file)) {
      const key = KEYS_BY_PATH.get(path2);
      if (key === undefined) throw new ConfigError(`unknown setting "${path2}" in ${file}`);
      values.set(path2, fromToml(key, value, `${path2} in ${file}`, base));
    }
  }
  for (const key of CONFIG_KEYS) {
    const text = env[envName(key.path)];
    if (text !== undefined && text !== '')
      values.set(key.path, fromText(key, text, envName(key.path), cwd));
  }
  for (const [path, text] of Object.entries(options.overrides ?? {})) {
    const key = KEYS_BY_PATH.get(path);
    if (key === undefined) throw new ConfigError(`unknown setting "${path}"`);
    values.set(path, fromText(key, text, flagName(path), cwd));
  }
  return build(values, cwd);
}

function flattenTable(table: Raw, prefix: string, file: string): [string, unknown][] {
  const out: [string, unknown][] = [];
  for (const [k, v] of Object.entries(table)) {
    const path = prefix === '' ? k : `${prefix}.${k}`;
    const isTable =
      typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);
    if (isTable && prefix === '' && !KEYS_BY_PATH.has(path)) {
      out.push(...flattenTable(v as Raw, path, file));
    } else out.push([path, v]);
  }
  return out;
}

function fail(where: string, what: string): never {
  throw new ConfigError(`${where}: ${what}`);
}

function checkInt(key: ConfigKey, n: number, where: string): number {
  if (!Number.isSafeInteger(n)) fail(where, 'must be an integer');
  if (key.range !== undefined && (n < key.range[0] || n > key.range[1]))
    fail(where, `must be between ${key.range[0]} and ${key.range[1]}`);
  return n;
}

function fromToml(key: ConfigKey, value: unknown, where: string, base: string): unknown {
  const kind = key.kind;
  if (Array.isArray(kind)) {
    if (typeof value !== 'string' || !kind.includes(value))
      fail(where, `must be one of ${kind.join(', ')}`);
    return value;
  }
  switch (kind) {
    case 'string':
    case 'secret':
      if (typeof value !== 'string') fail(where, 'must be a string');
      return value;
    case 'path':
      if (typeof value !== 'string') fail(where, 'must be a string');
      return value === '' ? '' : resolve(base, value);
    case 'int':
      if (typeof value !== 'number') fail(where, 'must be an integer');
      return checkInt(key, value, where);
    case 'bool':
      if (typeof value !== 'boolean') fail(where, 'must be true or false');
      return value;
    case 'strings':
      if (!Array.isArray(value) || !value.every((v) => typeof v === 'string'))
        fail(where, 'must be an array of strings');
      return value;
    case 'apiTokens':
      return apiTokens(value, where);
    case 'jwt':
      return jwtProviders(value, where);
  }
  return fail(where, 'unsupported kind');
}

function fromText(key: ConfigKey, text: string, where: string, cwd: string): unknown {
  const kind = key.kind;
  if (Array.isArray(kind)) return fromToml(key, text, where, cwd);
  switch (kind) {
    case 'string':
    case 'secret':
      return text;
    case 'path':
      return isAbsolute(text) ? text : resolve(cwd, text);
    case 'int':
      if (!/^-?\d+$/.test(text)) fail(where, 'must be an integer');
      return checkInt(key, Number(text), where);
    case 'bool':
      if (/^(true|1|yes|on)$/i.test(text)) return true;
      if (/^(false|0|no|off)$/i.test(text)) return false;
      return fail(where, 'must be true or false');
    case 'strings':
      return text
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== '');
    case 'apiTokens':
    case 'jwt': {
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        return fail(where, 'must be a JSON array');
      }
      return kind === 'apiTokens' ? apiTokens(parsed, where) : jwtProviders(parsed, where);
    }
  }
  return fail(where, 'unsupported kind');
}

function apiTokens(value: unknown, where: string): ApiTokenConfig[] {
  if (!Array.isArray(value)) fail(where, 'must be an array of { user, sha256 } tables');
  return value.map((entry: unknown, i) => {
    const e = entry as Raw;
    const user = e['user'];
    const sha256 = e['sha256'];
    if (typeof user !== 'string' || user === '') fail(`${where}[${i}]`, 'user must be a string');
    if (typeof sha256 !== 'string' || !/^[0-9a-fA-F]{64}$/.test(sha256))
      fail(`${where}[${i}]`, 'sha256 must be 64 hex digits');
    for (const k of Object.keys(e))
      if (k !== 'user' && k !== 'sha256') fail(`${where}[${i}]`, `unknown key "${k}"`);
    return { user, sha256: sha256.toLowerCase() };
  });
}

function jwtProviders(value: unknown, where: string): JwtProviderConfig[] {
  if (!Array.isArray(value)) fail(where, 'must be an array of { issuer, jwks_uri, ... } tables');
  return value.map((entry: unknown, i) => {
    const e = entry as Raw;
    const w = `${where}[${i}]`;
    for (const k of Object.keys(e))
      if (!['issuer', 'jwks_uri', 'audiences', 'user_claim'].includes(k))
        fail(w, `unknown key "${k}"`);
    const issuer = e['issuer'];
    if (typeof issuer !== 'string' || issuer === '') fail(w, 'issuer must be a string');
    const jwksUri = e['jwks_uri'] ?? `${issuer.replace(/\/$/, '')}/.well-known/jwks.json`;
    if (typeof jwksUri !== 'string' || !/^https?:\/\//.test(jwksUri))
      fail(w, 'jwks_uri must be an http(s) URL');
    const audiences = e['audiences'] ?? [];
    if (!Array.isArray(audiences) || !audiences.every((a) => typeof a === 'string'))
      fail(w, 'audiences must be an array of strings');
    const userClaim = e['user_claim'] ?? 'email';
    if (typeof userClaim !== 'string' || userClaim === '') fail(w, 'user_claim must be a string');
    return { issuer, jwksUri, audiences, userClaim };
  });
}

function build(v: Map<string, unknown>, cwd: string): KmsConfig {
  const s = (p: string): string => v.get(p) as string;
  const n = (p: string): number => v.get(p) as number;
  const b = (p: string): boolean => v.get(p) as boolean;
  const dataDir = s('data_dir') === '' ? resolve(cwd, 'custos-data') : resolve(cwd, s('data_dir'));
  const config: KmsConfig = {
    dataDir,
    defaultUsername: s('default_username'),
    forceDefaultUsername: b('force_default_username'),
    privilegedUsers: v.get('privileged_users') as string[],
    vendorIdentification: s('vendor_identification'),
    instanceId: s('instance_id'),
    http: {
      enabled: b('http.enabled'),
      hostname: s('http.hostname'),
      port: n('http.port'),
      tls: b('http.tls'),
      maxBodyBytes: n('http.max_body_bytes'),
      requestTimeoutMs: n('http.request_timeout_ms'),
      keepAliveTimeoutMs: n('http.keep_alive_timeout_ms'),
    },
    socket: {
      enabled: b('socket.enabled'),
      hostname: s('socket.hostname'),
      port: n('socket.port'),
      idleTimeoutMs: n('socket.idle_timeout_ms'),
    },
    tls: {
      certFile: s('tls.cert_file'),
      keyFile: s('tls.key_file'),
      chainFile: s('tls.chain_file'),
      p12File: s('tls.p12_file'),
      p12Password: s('tls.p12_password'),
      clientCaFile: s('tls.client_ca_file'),
    },
    db: {
      type: s('db.type') as 'sqlite' | 'postgresql',
      sqlitePath: s('db.sqlite_path') === '' ? resolve(dataDir, 'kms.sqlite') : s('db.sqlite_path'),
      sqliteSynchronous: s('db.sqlite_synchronous') as 'full' | 'normal',
      url: s('db.url'),
      schema: s('db.schema'),
      maxConnections: n('db.max_connections'),
      cacheMaxEntries: n('db.cache_max_entries'),
      cacheTtlMs: n('db.cache_ttl_ms'),
      cacheSync: b('db.cache_sync'),
    },
    kek: { file: s('kek.file'), value: s('kek.value') },
    auth: {
      apiTokens: v.get('auth.api_tokens') as ApiTokenConfig[],
      jwt: v.get('auth.jwt') as JwtProviderConfig[],
      clientCertificates: b('auth.client_certificates'),
    },
    audit: {
      enabled: b('audit.enabled'),
      flushIntervalMs: n('audit.flush_interval_ms'),
      waitForWrite: b('audit.wait_for_write'),
    },
    log: { level: s('log.level') as LogLevel, format: s('log.format') as 'json' | 'text' },
    limits: {
      maxBatchItems: n('limits.max_batch_items'),
      locateMaxItems: n('limits.locate_max_items'),
      maxMessageBytes: n('limits.max_message_bytes'),
    },
  };
  validate(config);
  return config;
}

function validate(c: KmsConfig): void {
  const hasPem = c.tls.certFile !== '' || c.tls.keyFile !== '';
  const hasP12 = c.tls.p12File !== '';
  if (hasPem && hasP12) throw new ConfigError('tls: give either cert_file/key_file or p12_file');
  if (hasPem && (c.tls.certFile === '' || c.tls.keyFile === ''))
    throw new ConfigError('tls: cert_file and key_file go together');
  const hasCert = hasPem || hasP12;
  if (c.http.tls && !hasCert) throw new ConfigError('http.tls needs a [tls] certificate');
  if (c.socket.enabled && (!hasCert || c.tls.clientCaFile === ''))
    throw new ConfigError(
      'socket.enabled needs a [tls] certificate and tls.client_ca_file (mutual TLS)',
    );
  if (c.db.type === 'postgresql' && c.db.url === '')
    throw new ConfigError('db.type = "postgresql" needs db.url');
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(c.db.schema))
    throw new ConfigError('db.schema must be a plain SQL identifier');
  if (c.defaultUsername === '') throw new ConfigError('default_username must not be empty');
  if (!c.http.enabled && !c.socket.enabled)
    throw new ConfigError('enable at least one listener (http.enabled or socket.enabled)');
}

/** True when some authentication method is configured (else every request is default_username). */
export function authConfigured(c: KmsConfig): boolean {
  return (
    c.auth.apiTokens.length > 0 ||
    c.auth.jwt.length > 0 ||
    (c.auth.clientCertificates && c.tls.clientCaFile !== '')
  );
}

/** The settings as a TOML-like list for `--help` and the docs. */
export function describeConfig(): string {
  return CONFIG_KEYS.map((k) => {
    const def = Array.isArray(k.default) ? '[]' : JSON.stringify(k.default);
    return `  ${k.path} = ${def}\n      ${k.doc}\n      env ${envName(k.path)}, flag ${flagName(k.path)}`;
  }).join('\n');
}
