/**
 * The CLI over HTTPS: a real KMS (in this process, SQLite) serving HTTPS with the test CA and
 * accepting client certificates and an API token; `custos` runs as a child process with
 * `--url https://... --ca ...` and either `--client-cert`/`--client-key` (mutual TLS, the CN is
 * the user) or `--token`. The test PKI is made with the openssl command, as the KMS tests make
 * it; these tests skip, saying why, when openssl is absent.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadConfig, silentLogger, startServer } from '@custos/kms';
import { makePki, opensslSkipReason, type TestPki } from '../../kms/src/_test/certs.ts';
import { json, run, type Result } from './_test/cli.ts';

function ok(r: Result): Result {
  assert.equal(r.code, 0, `exit ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  return r;
}

const skip = opensslSkipReason();

void describe('custos over HTTPS (client certificate, API token)', { skip }, () => {
  let pki: TestPki;
  let dir: string;
  let home: string;
  let url: string;
  let close: () => Promise<void>;

  before(async () => {
    pki = makePki(['alice']);
    dir = mkdtempSync(join(tmpdir(), 'custos-cli-tls-'));
    home = mkdtempSync(join(tmpdir(), 'custos-cli-tls-home-'));
    const server = await startServer(
      loadConfig({
        env: {},
        overrides: {
          data_dir: dir,
          'http.port': '0',
          'http.tls': 'true',
          'log.level': 'silent',
          'kek.value': Buffer.alloc(32, 5).toString('base64'),
          'tls.cert_file': pki.serverCert,
          'tls.key_file': pki.serverKey,
          'tls.client_ca_file': pki.caCert,
          'auth.api_tokens': JSON.stringify([
            { user: 'ci', sha256: createHash('sha256').update('token-ci').digest('hex') },
          ]),
        },
      }),
      { logger: silentLogger },
    );
    url = server.url as string;
    close = () => server.close();
  });
  after(async () => {
    await close();
    for (const d of [dir, home, pki.dir]) rmSync(d, { recursive: true, force: true });
  });

  void it('--ca --client-cert --client-key: creates a key owned by the CN, locate finds it', async () => {
    const alice = pki.client('alice');
    const tls = ['--url', url, '--ca', pki.caCert, '--client-cert', alice.cert];
    const as = (...args: string[]): Promise<Result> =>
      run([...tls, '--client-key', alice.key, ...args], home);
    const id = json(ok(await as('sym', 'keys', 'create', '-t', 'cli-mtls', '--json')))[
      'uniqueIdentifier'
    ] as string;
    assert.equal(typeof id, 'string');
    assert.deepEqual(json<string[]>(ok(await as('locate', '-t', 'cli-mtls', '--json'))), [id]);
    const owned = json<{ objectId: string }[]>(ok(await as('access-rights', 'owned', '--json')));
    assert.ok(
      owned.some((o) => o.objectId === id),
      JSON.stringify(owned),
    );
    // The CA alone (no certificate, no token) is not authentication; no CA is no connection.
    const anonymous = await run(
      ['--url', url, '--ca', pki.caCert, 'locate', '-t', 'cli-mtls'],
      home,
    );
    assert.equal(anonymous.code, 4, anonymous.stderr); // denied
    assert.match(anonymous.stderr, /401|authentication/i);
    const untrusted = await run(
      ['--url', url, '--client-cert', alice.cert, '--client-key', alice.key, 'locate'],
      home,
    );
    assert.equal(untrusted.code, 6, untrusted.stderr); // unreachable
    assert.match(untrusted.stderr, /TLS/);
    assert.doesNotMatch(untrusted.stderr + anonymous.stderr, /\n\s+at /, 'no stack trace');
  });

  void it('--token over HTTPS: creates a key, locate finds it; a wrong token is refused', async () => {
    const ci = (...args: string[]): Promise<Result> =>
      run(['--url', url, '--ca', pki.caCert, '--token', 'token-ci', ...args], home);
    const id = json(ok(await ci('sym', 'keys', 'create', '-t', 'cli-token', '--json')))[
      'uniqueIdentifier'
    ] as string;
    assert.deepEqual(json<string[]>(ok(await ci('locate', '-t', 'cli-token', '--json'))), [id]);
    // The mTLS user's key is not the token user's.
    assert.deepEqual(json<string[]>(ok(await ci('locate', '-t', 'cli-mtls', '--json'))), []);
    const wrong = await run(
      ['--url', url, '--ca', pki.caCert, '--token', 'token-cj', 'locate', '-t', 'cli-token'],
      home,
    );
    assert.equal(wrong.code, 4, wrong.stderr); // denied
    assert.match(wrong.stderr, /401|authentication/i);
  });
});
