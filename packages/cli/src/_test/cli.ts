/**
 * End-to-end helpers: a real `custos serve` child process (SQLite in a temporary folder, or the
 * test PostgreSQL in a unique schema) and `custos` runs as child processes, as a person or a
 * script runs them.
 *
 * PostgreSQL: CUSTOS_TEST_PG_URL, default postgres://postgres@127.0.0.1:5432/test.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BIN = fileURLToPath(new URL('../../bin/custos.js', import.meta.url));
export const PG_URL =
  process.env['CUSTOS_TEST_PG_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `custos args...` in `cwd` with exactly `env` (plus PATH and HOME). */
export function run(
  args: readonly string[],
  cwd: string,
  env: Record<string, string> = {},
): Promise<Result> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      {
        cwd,
        timeout: 60_000,
        env: { PATH: process.env['PATH'] ?? '', HOME: cwd, ...env },
        maxBuffer: 1 << 24,
      },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** API-token settings: `Bearer token-<user>` authenticates `<user>`. */
export function tokenSettings(users: readonly string[]): string {
  return JSON.stringify(
    users.map((u) => ({
      user: u,
      sha256: createHash('sha256').update(`token-${u}`).digest('hex'),
    })),
  );
}

export interface ServeOptions {
  users?: readonly string[];
  postgres?: { schema: string };
}

export class Served {
  readonly url: string;
  readonly dir: string;
  readonly #child: ChildProcess;

  constructor(url: string, dir: string, child: ChildProcess) {
    this.url = url;
    this.dir = dir;
    this.#child = child;
  }

  /** Stops the server (SIGTERM) and removes its folder. */
  async stop(): Promise<number | null> {
    const exited = new Promise<number | null>((resolve) => this.#child.once('exit', resolve));
    this.#child.kill('SIGTERM');
    const code = await exited;
    rmSync(this.dir, { recursive: true, force: true });
    return code;
  }
}

/** Starts `custos serve` on an ephemeral port; resolves once it listens. */
export async function serve(options: ServeOptions = {}): Promise<Served> {
  const dir = mkdtempSync(join(tmpdir(), 'custos-cli-e2e-'));
  const args = [
    BIN,
    'serve',
    '--port',
    '0',
    '--set',
    `kek.value=${Buffer.alloc(32, 3).toString('base64')}`,
  ];
  if (options.users !== undefined)
    args.push('--set', `auth.api_tokens=${tokenSettings(options.users)}`);
  if (options.postgres !== undefined)
    args.push(
      '--db',
      'postgresql',
      '--database-url',
      PG_URL,
      '--set',
      `db.schema=${options.postgres.schema}`,
    );
  const child = spawn(process.execPath, args, {
    cwd: dir,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { PATH: process.env['PATH'] ?? '', HOME: dir },
  });
  let log = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stderr.on('data', (c: Buffer) => {
      log += c.toString();
      const m = /"http":"(http:\/\/[^"]+)"/.exec(log);
      if (m !== null) resolve(m[1] as string);
    });
    child.once('exit', (code) => {
      reject(new Error(`custos serve exited with ${code}: ${log}`));
    });
  });
  return new Served(url, dir, child);
}

/** Undefined when PostgreSQL answers, else why the tests that need it skip. */
export async function postgresSkipReason(): Promise<string | undefined> {
  const { default: pg } = await import('pg');
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
}

export async function dropSchema(schema: string): Promise<void> {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: PG_URL });
  try {
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** A port nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const { createServer } = await import('node:net');
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) =>
    s.close(() => {
      r();
    }),
  );
  return port;
}

/** The JSON document a `--json` run printed. */
export function json<T = Record<string, unknown>>(r: Result): T {
  try {
    return JSON.parse(r.stdout) as T;
  } catch {
    throw new Error(`not JSON (exit ${r.code}): ${r.stdout}\n${r.stderr}`);
  }
}
