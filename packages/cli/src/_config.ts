/**
 * Configuration of the `custos` client commands: which KMS, how to authenticate, how to trust
 * it. Sources, lowest to highest precedence: the TOML file (`--conf FILE`, else
 * `$CUSTOS_CLI_CONF`, else `~/.config/custos/cli.toml` when present), environment variables,
 * global flags. Relative file names in the file resolve against the file's folder.
 *
 *   [kms]
 *   url = "https://kms.example.com:9998"
 *   access_token_file = "token.txt"   # or access_token = "..." (a JWT or an API token)
 *   ca_file = "ca.pem"                # trust this CA for the server's certificate
 *   client_cert_file = "me.pem"       # authenticate with a client certificate
 *   client_key_file = "me.key"
 *   insecure = false                  # accept any server certificate (tests only)
 *   timeout_ms = 30000
 *   encoding = "json"                 # KMIP wire encoding: json (/kmip/2_1) or binary (/kmip)
 */
import { readFileSync, existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { ConfigFileError } from './_errors.ts';

export interface CliConfig {
  /** Base URL of the KMS (`https://kms:9998`); absent when nothing configured it. */
  readonly url?: string;
  /** Bearer credential: a JWT or an API token. */
  readonly accessToken?: string;
  /** PEM file of CA certificates trusted for the server. */
  readonly caFile?: string;
  /** PEM client certificate and key for mutual TLS. */
  readonly clientCertFile?: string;
  readonly clientKeyFile?: string;
  /** Accept any server certificate. */
  readonly insecure: boolean;
  readonly timeoutMs: number;
  readonly encoding: 'json' | 'binary';
  /** The configuration file read, if any. */
  readonly file?: string;
}

/** The global flags, already parsed (names without dashes). */
export interface GlobalFlags {
  conf?: string;
  url?: string;
  token?: string;
  'token-file'?: string;
  ca?: string;
  'client-cert'?: string;
  'client-key'?: string;
  insecure?: boolean;
  timeout?: string;
  encoding?: string;
}

const KEYS = new Set([
  'url',
  'access_token',
  'access_token_file',
  'ca_file',
  'client_cert_file',
  'client_key_file',
  'insecure',
  'timeout_ms',
  'encoding',
]);

type Mutable = { -readonly [K in keyof CliConfig]: CliConfig[K] };

/** Default configuration file: `$XDG_CONFIG_HOME/custos/cli.toml` or `~/.config/custos/cli.toml`. */
export function defaultConfigFile(env: NodeJS.ProcessEnv): string {
  const base = env['XDG_CONFIG_HOME'] ?? join(env['HOME'] ?? homedir(), '.config');
  return join(base, 'custos', 'cli.toml');
}

/**
 * A bearer credential as given: surrounding blanks dropped (a token pasted into a variable or a
 * TOML string often ends with a newline, as token files do); one left inside cannot be a JWT nor
 * an API token, and would break the Authorization header, so it is a configuration error. The
 * message names where the token came from, never the token.
 */
function cleanToken(text: string, from: string): string {
  const token = text.trim();
  if (token === '') throw new ConfigFileError(`${from}: the access token is empty`);
  if (/[\s\p{Cc}]/u.test(token))
    throw new ConfigFileError(
      `${from}: the access token must be one word (no spaces or line breaks)`,
    );
  return token;
}

function readToken(file: string, from: string): string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new ConfigFileError(`${from}: cannot read token file ${file}`);
  }
  if (text.trim() === '') throw new ConfigFileError(`${from}: token file ${file} is empty`);
  return cleanToken(text, `${from} (${file})`);
}

function parseTimeout(text: string, from: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n <= 0)
    throw new ConfigFileError(`${from}: timeout must be a positive number of milliseconds`);
  return n;
}

function parseEncoding(text: string, from: string): 'json' | 'binary' {
  if (text !== 'json' && text !== 'binary')
    throw new ConfigFileError(`${from}: encoding must be json or binary`);
  return text;
}

function parseBool(text: string, from: string): boolean {
  if (/^(1|true|yes|on)$/i.test(text)) return true;
  if (/^(0|false|no|off|)$/i.test(text)) return false;
  throw new ConfigFileError(`${from}: must be true or false`);
}

async function readFile(file: string, explicit: boolean, into: Mutable): Promise<void> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    if (!explicit) return;
    throw new ConfigFileError(`cannot read configuration file ${file}`);
  }
  const { parse } = await import('smol-toml');
  let doc: Record<string, unknown>;
  try {
    doc = parse(text);
  } catch (error) {
    const line = (error as { line?: number }).line;
    throw new ConfigFileError(
      `${file}: not valid TOML${line === undefined ? '' : ` (line ${line})`}`,
    );
  }
  into.file = file;
  const section = doc['kms'] ?? {};
  for (const k of Object.keys(doc))
    if (k !== 'kms') throw new ConfigFileError(`${file}: unknown section [${k}]`);
  if (typeof section !== 'object' || Array.isArray(section))
    throw new ConfigFileError(`${file}: [kms] must be a table`);
  const at = (p: string): string => (isAbsolute(p) ? p : resolve(dirname(file), p));
  for (const [key, value] of Object.entries(section as Record<string, unknown>)) {
    const from = `${file}: kms.${key}`;
    if (!KEYS.has(key)) throw new ConfigFileError(`${file}: unknown setting kms.${key}`);
    if (key === 'insecure') {
      if (typeof value !== 'boolean') throw new ConfigFileError(`${from} must be true or false`);
      into.insecure = value;
      continue;
    }
    if (key === 'timeout_ms') {
      if (typeof value !== 'number' && typeof value !== 'bigint')
        throw new ConfigFileError(`${from} must be a number`);
      into.timeoutMs = parseTimeout(String(value), from);
      continue;
    }
    if (typeof value !== 'string') throw new ConfigFileError(`${from} must be a string`);
    if (key === 'url') into.url = value;
    else if (key === 'access_token') into.accessToken = cleanToken(value, from);
    else if (key === 'access_token_file') into.accessToken = readToken(at(value), from);
    else if (key === 'ca_file') into.caFile = at(value);
    else if (key === 'client_cert_file') into.clientCertFile = at(value);
    else if (key === 'client_key_file') into.clientKeyFile = at(value);
    else into.encoding = parseEncoding(value, from);
  }
}

/**
 * Merges file, environment (`CUSTOS_KMS_URL`, `CUSTOS_ACCESS_TOKEN`, `CUSTOS_ACCESS_TOKEN_FILE`,
 * `CUSTOS_CA_FILE`, `CUSTOS_CLIENT_CERT_FILE`, `CUSTOS_CLIENT_KEY_FILE`, `CUSTOS_INSECURE`,
 * `CUSTOS_TIMEOUT_MS`, `CUSTOS_ENCODING`) and flags.
 * @throws ConfigFileError (exit 78) for an unreadable explicit file or a bad value.
 */
export async function loadCliConfig(
  flags: GlobalFlags,
  env: NodeJS.ProcessEnv,
  cwd: string,
): Promise<CliConfig> {
  const out: Mutable = { insecure: false, timeoutMs: 30_000, encoding: 'json' };
  const explicit = flags.conf ?? env['CUSTOS_CLI_CONF'];
  const file =
    explicit === undefined || explicit === '' ? defaultConfigFile(env) : resolve(cwd, explicit);
  if (explicit !== undefined && explicit !== '' && !existsSync(file))
    throw new ConfigFileError(`configuration file ${file} does not exist`);
  await readFile(file, explicit !== undefined && explicit !== '', out);

  const e = (name: string): string | undefined => {
    const v = env[name];
    return v === undefined || v === '' ? undefined : v;
  };
  const envUrl = e('CUSTOS_KMS_URL');
  if (envUrl !== undefined) out.url = envUrl;
  const envTokenFile = e('CUSTOS_ACCESS_TOKEN_FILE');
  if (envTokenFile !== undefined)
    out.accessToken = readToken(resolve(cwd, envTokenFile), 'CUSTOS_ACCESS_TOKEN_FILE');
  const envToken = e('CUSTOS_ACCESS_TOKEN');
  if (envToken !== undefined) out.accessToken = cleanToken(envToken, 'CUSTOS_ACCESS_TOKEN');
  const envCa = e('CUSTOS_CA_FILE');
  if (envCa !== undefined) out.caFile = resolve(cwd, envCa);
  const envCert = e('CUSTOS_CLIENT_CERT_FILE');
  if (envCert !== undefined) out.clientCertFile = resolve(cwd, envCert);
  const envKey = e('CUSTOS_CLIENT_KEY_FILE');
  if (envKey !== undefined) out.clientKeyFile = resolve(cwd, envKey);
  const envInsecure = e('CUSTOS_INSECURE');
  if (envInsecure !== undefined) out.insecure = parseBool(envInsecure, 'CUSTOS_INSECURE');
  const envTimeout = e('CUSTOS_TIMEOUT_MS');
  if (envTimeout !== undefined) out.timeoutMs = parseTimeout(envTimeout, 'CUSTOS_TIMEOUT_MS');
  const envEncoding = e('CUSTOS_ENCODING');
  if (envEncoding !== undefined) out.encoding = parseEncoding(envEncoding, 'CUSTOS_ENCODING');

  if (flags.url !== undefined) out.url = flags.url;
  if (flags['token-file'] !== undefined)
    out.accessToken = readToken(resolve(cwd, flags['token-file']), '--token-file');
  if (flags.token !== undefined) out.accessToken = cleanToken(flags.token, '--token');
  if (flags.ca !== undefined) out.caFile = resolve(cwd, flags.ca);
  if (flags['client-cert'] !== undefined) out.clientCertFile = resolve(cwd, flags['client-cert']);
  if (flags['client-key'] !== undefined) out.clientKeyFile = resolve(cwd, flags['client-key']);
  if (flags.insecure === true) out.insecure = true;
  if (flags.timeout !== undefined) out.timeoutMs = parseTimeout(flags.timeout, '--timeout');
  if (flags.encoding !== undefined) out.encoding = parseEncoding(flags.encoding, '--encoding');

  if (out.url !== undefined) {
    let u: URL;
    try {
      u = new URL(out.url);
    } catch {
      throw new ConfigFileError(`server URL ${out.url} is not a URL`);
    }
    if (u.protocol !== 'http:' && u.protocol !== 'https:')
      throw new ConfigFileError(`server URL ${out.url} must be http:// or https://`);
  }
  if ((out.clientCertFile === undefined) !== (out.clientKeyFile === undefined))
    throw new ConfigFileError('a client certificate needs both a certificate and a key file');
  return out;
}
