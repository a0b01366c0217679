/** Configuration: defaults, TOML file, environment and flags, validation, the sample file. */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'smol-toml';
import {
  CONFIG_KEYS,
  ConfigError,
  authConfigured,
  envName,
  flagName,
  keyForFlag,
  loadConfig,
} from './config.ts';

function withFile(text: string, fn: (file: string, dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'custos-config-'));
  try {
    const file = join(dir, 'custos.toml');
    writeFileSync(file, text);
    fn(file, dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

void describe('configuration', () => {
  void it('has safe defaults: HTTP on 127.0.0.1:9998, SQLite under ./custos-data, no authentication', () => {
    const c = loadConfig({ env: {}, cwd: '/srv/kms' });
    assert.equal(c.http.port, 9998);
    assert.equal(c.http.hostname, '127.0.0.1');
    assert.equal(c.db.type, 'sqlite');
    assert.equal(c.dataDir, '/srv/kms/custos-data');
    assert.equal(c.db.sqlitePath, '/srv/kms/custos-data/kms.sqlite');
    assert.equal(c.socket.enabled, false);
    assert.equal(authConfigured(c), false);
  });

  void it('applies file < environment < flags, and resolves file paths against the file', () => {
    withFile(
      `data_dir = "data"\nprivileged_users = ["root"]\n[http]\nport = 1234\nhostname = "0.0.0.0"\n[db]\ncache_max_entries = 5\n[auth]\napi_tokens = [{ user = "ci", sha256 = "${'ab'.repeat(32)}" }]\n`,
      (file, dir) => {
        const c = loadConfig({
          file,
          env: { CUSTOS_HTTP_PORT: '2345', CUSTOS_DB_CACHE_MAX_ENTRIES: '7' },
          overrides: { 'http.port': '3456' },
          cwd: '/elsewhere',
        });
        assert.equal(c.dataDir, join(dir, 'data'));
        assert.equal(c.http.port, 3456);
        assert.equal(c.http.hostname, '0.0.0.0');
        assert.equal(c.db.cacheMaxEntries, 7);
        assert.deepEqual(c.privilegedUsers, ['root']);
        assert.deepEqual(c.auth.apiTokens, [{ user: 'ci', sha256: 'ab'.repeat(32) }]);
        assert.equal(authConfigured(c), true);
        const viaEnv = loadConfig({ env: { CUSTOS_CONFIG: file }, cwd: '/elsewhere' });
        assert.equal(viaEnv.http.port, 1234);
      },
    );
  });

  void it('parses environment values by kind', () => {
    const c = loadConfig({
      env: {
        CUSTOS_SOCKET_ENABLED: 'false',
        CUSTOS_PRIVILEGED_USERS: 'a, b,,c',
        CUSTOS_AUTH_JWT: '[{"issuer":"https://idp.example"}]',
        CUSTOS_LOG_LEVEL: 'debug',
      },
    });
    assert.deepEqual(c.privilegedUsers, ['a', 'b', 'c']);
    assert.equal(c.auth.jwt[0]?.jwksUri, 'https://idp.example/.well-known/jwks.json');
    assert.equal(c.auth.jwt[0].userClaim, 'email');
    assert.equal(c.log.level, 'debug');
  });

  void it('rejects unknown settings, bad values and impossible combinations, naming them', () => {
    const bad = (options: Parameters<typeof loadConfig>[0], re: RegExp): void => {
      assert.throws(
        () => loadConfig({ env: {}, ...options }),
        (e: unknown) => e instanceof ConfigError && re.test(e.message),
      );
    };
    bad({ overrides: { 'http.port': '70000' } }, /--http-port: must be between 0 and 65535/);
    bad({ overrides: { 'http.prot': '1' } }, /unknown setting "http.prot"/);
    bad({ env: { CUSTOS_HTTP_TLS: 'maybe' } }, /CUSTOS_HTTP_TLS: must be true or false/);
    bad({ overrides: { 'db.type': 'mysql' } }, /must be one of sqlite, postgresql/);
    bad({ overrides: { 'db.type': 'postgresql' } }, /needs db.url/);
    bad({ overrides: { 'socket.enabled': 'true' } }, /mutual TLS/);
    bad({ overrides: { 'http.tls': 'true' } }, /needs a \[tls\] certificate/);
    bad({ overrides: { 'db.schema': 'x"; drop' } }, /plain SQL identifier/);
    bad({ overrides: { 'auth.api_tokens': '[{"user":"x","sha256":"short"}]' } }, /64 hex digits/);
    bad({ overrides: { 'auth.jwt': '[{"issuer":"i","jwks_uri":"ftp://x"}]' } }, /http\(s\) URL/);
    withFile('[http]\nport = "9998"\n', (file) => {
      bad({ file }, /http.port in .*custos.toml: must be an integer/);
    });
    withFile('[http]\nnope = 1\n', (file) => {
      bad({ file }, /unknown setting "http.nope"/);
    });
    withFile('[http\n', (file) => {
      bad({ file }, /not valid TOML \(line 1/);
    });
    bad({ file: '/no/such/file.toml' }, /cannot read configuration file/);
  });

  void it('derives env and flag names from the setting table', () => {
    assert.equal(envName('http.max_body_bytes'), 'CUSTOS_HTTP_MAX_BODY_BYTES');
    assert.equal(flagName('http.max_body_bytes'), '--http-max-body-bytes');
    assert.equal(keyForFlag('--db-url')?.path, 'db.url');
    assert.equal(keyForFlag('--nope'), undefined);
  });

  void it('ships a sample file that parses and documents every setting', () => {
    const text = readFileSync(new URL('../custos.sample.toml', import.meta.url), 'utf8');
    assert.deepEqual(JSON.parse(JSON.stringify(parse(text))), {
      http: {},
      socket: {},
      tls: {},
      db: {},
      kek: {},
      auth: {},
      audit: {},
      log: {},
      limits: {},
    });
    // Uncommenting every line gives a file the loader accepts (placeholders aside).
    const live = text
      .split('\n')
      .filter((l) => !l.includes('<64 hex digits'))
      .map((l) => (/^# [a-z_]+ = /.test(l) ? l.slice(2) : l))
      .join('\n');
    withFile(live, (file) => {
      const c = loadConfig({ file, env: {} });
      assert.equal(c.http.port, 9998);
    });
    for (const k of CONFIG_KEYS) {
      const key = k.path.includes('.') ? k.path.slice(k.path.indexOf('.') + 1) : k.path;
      assert.match(text, new RegExp(`^# ${key} = `, 'm'), `${k.path} is documented in the sample`);
    }
  });
});
