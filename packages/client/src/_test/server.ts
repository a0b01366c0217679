/**
 * A real Custos KMS for the client tests: in this process, on an ephemeral port, SQLite in a
 * temporary folder, API tokens `token-<user>` for the users asked (no authentication otherwise).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { provider, toHex } from '@custos/crypto';
import { loadConfig, silentLogger, startServer } from '@custos/kms';

export interface TestKms {
  url: string;
  close(): Promise<void>;
}

const sha256 = (t: string): string =>
  toHex(provider.hash.digest('sha256', new TextEncoder().encode(t)));

export async function startKms(users: readonly string[] = []): Promise<TestKms> {
  const dir = mkdtempSync(join(tmpdir(), 'custos-client-test-'));
  const overrides: Record<string, string> = {
    data_dir: dir,
    'http.port': '0',
    'log.level': 'silent',
    'kek.value': Buffer.alloc(32, 9).toString('base64'),
  };
  if (users.length > 0)
    overrides['auth.api_tokens'] = JSON.stringify(
      users.map((u) => ({ user: u, sha256: sha256(`token-${u}`) })),
    );
  const server = await startServer(loadConfig({ env: {}, overrides }), { logger: silentLogger });
  return {
    url: server.url as string,
    async close() {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
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
