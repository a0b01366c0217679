/**
 * The CLI with a bearer JWT over HTTPS: a real `custos serve` child process (SQLite, the test
 * CA's server certificate) configured with one OIDC provider whose JWKS this test serves over
 * local HTTP, the user being the `sub` claim; `custos` runs as a child process and takes the JWT
 * by `--token`, by `CUSTOS_ACCESS_TOKEN`, and from `cli.toml` (`access_token`, and
 * `access_token_file` through `--conf`). Tokens are made with `jose`. Refused tokens (expired,
 * another audience, signed by a key the JWKS does not hold) exit 4 with a message that does not
 * repeat the token. The test PKI is made with the openssl command; these tests skip, saying why,
 * when openssl is absent.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SignJWT, exportJWK, generateKeyPair, type CryptoKey } from 'jose';
import { makePki, opensslSkipReason, type TestPki } from '../../kms/src/_test/certs.ts';
import { BIN, json, run, type Result } from './_test/cli.ts';

const ISSUER = 'https://idp.example';
const AUDIENCE = 'custos-kms';

function ok(r: Result): Result {
  assert.equal(r.code, 0, `exit ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  return r;
}

/** Exit 4 (denied), a one-line readable message, no stack trace, no part of the token. */
function refused(r: Result, token: string): void {
  assert.equal(r.code, 4, `exit ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  assert.match(r.stderr, /^custos: .*(401|authentication)/im);
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  assert.equal(r.stdout, '');
  for (const part of [token, ...token.split('.')])
    assert.ok(!(r.stdout + r.stderr).includes(part), 'the token (or a part of it) was printed');
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  return typeof address === 'object' && address !== null ? address.port : 0;
}

/** `custos serve` with `settings`; resolves with its https URL once it listens. */
async function serveHttps(
  dir: string,
  settings: Record<string, string>,
): Promise<{ url: string; child: ChildProcess }> {
  const args = [BIN, 'serve', '--port', '0'];
  for (const [k, v] of Object.entries(settings)) args.push('--set', `${k}=${v}`);
  const child = spawn(process.execPath, args, {
    cwd: dir,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { PATH: process.env['PATH'] ?? '', HOME: dir },
  });
  let log = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stderr.on('data', (c: Buffer) => {
      log += c.toString();
      const m = /"http":"(https:\/\/[^"]+)"/.exec(log);
      if (m !== null) resolve(m[1] as string);
    });
    child.once('exit', (code) => {
      reject(new Error(`custos serve exited with ${code}: ${log}`));
    });
  });
  return { url, child };
}

const skip = opensslSkipReason();

void describe('custos with a bearer JWT (OIDC provider, JWKS)', { skip }, () => {
  let pki: TestPki;
  let dir: string;
  let home: string;
  let url: string;
  let kms: ChildProcess;
  let jwks: Server;
  let signingKey: CryptoKey;
  let strangerKey: CryptoKey;

  /** A JWT of `ISSUER` for `sub`, valid five minutes for `AUDIENCE` unless told otherwise. */
  const jwt = (
    sub: string,
    o: { audience?: string; expires?: string; key?: CryptoKey; kid?: string } = {},
  ): Promise<string> =>
    new SignJWT({})
      .setProtectedHeader({ alg: 'ES256', kid: o.kid ?? 'k1' })
      .setIssuer(ISSUER)
      .setSubject(sub)
      .setAudience(o.audience ?? AUDIENCE)
      .setIssuedAt()
      .setExpirationTime(o.expires ?? '5m')
      .sign(o.key ?? signingKey);

  /** `custos --url URL --ca CA args...`, with `env` and the home folder `cwd`. */
  const custos = (args: string[], env: Record<string, string> = {}, cwd = home) =>
    run(['--url', url, '--ca', pki.caCert, ...args], cwd, env);

  before(async () => {
    pki = makePki([]);
    dir = mkdtempSync(join(tmpdir(), 'custos-cli-jwt-'));
    home = mkdtempSync(join(tmpdir(), 'custos-cli-jwt-home-'));
    const pair = await generateKeyPair('ES256');
    signingKey = pair.privateKey;
    strangerKey = (await generateKeyPair('ES256')).privateKey;
    const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
    jwks = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ keys: [jwk] }));
    });
    const jwksUri = `http://127.0.0.1:${await listen(jwks)}/jwks.json`;
    ({ url, child: kms } = await serveHttps(dir, {
      'http.tls': 'true',
      'tls.cert_file': pki.serverCert,
      'tls.key_file': pki.serverKey,
      'kek.value': Buffer.alloc(32, 7).toString('base64'),
      'auth.jwt': JSON.stringify([
        { issuer: ISSUER, jwks_uri: jwksUri, audiences: [AUDIENCE], user_claim: 'sub' },
      ]),
    }));
  });
  after(async () => {
    const exited = new Promise((r) => kms.once('exit', r));
    kms.kill('SIGTERM');
    await exited;
    await new Promise<void>((r) =>
      jwks.close(() => {
        r();
      }),
    );
    for (const d of [dir, home, pki.dir]) rmSync(d, { recursive: true, force: true });
  });

  void it('--token JWT: creates a key owned by the subject, locate finds it; another subject does not see it', async () => {
    const carol = await jwt('carol');
    const as = (token: string, ...args: string[]) => custos(['--token', token, ...args]);
    const id = json(ok(await as(carol, 'sym', 'keys', 'create', '-t', 'jwt-flag', '--json')))[
      'uniqueIdentifier'
    ] as string;
    assert.equal(typeof id, 'string');
    assert.deepEqual(json<string[]>(ok(await as(carol, 'locate', '-t', 'jwt-flag', '--json'))), [
      id,
    ]);
    const owned = json<{ objectId: string }[]>(
      ok(await as(carol, 'access-rights', 'owned', '--json')),
    );
    assert.ok(
      owned.some((o) => o.objectId === id),
      JSON.stringify(owned),
    );

    const dave = await jwt('dave');
    assert.deepEqual(json<string[]>(ok(await as(dave, 'locate', '-t', 'jwt-flag', '--json'))), []);
    const daveOwns = json<{ objectId: string }[]>(
      ok(await as(dave, 'access-rights', 'owned', '--json')),
    );
    assert.ok(!daveOwns.some((o) => o.objectId === id), JSON.stringify(daveOwns));
    const notHis = await as(dave, 'sym', 'keys', 'export', '-f', 'raw', id, join(home, 'k'));
    assert.equal(notHis.code, 4, notHis.stderr); // denied: dave is not the owner
    assert.match(notHis.stderr, /PermissionDenied/);
  });

  void it('CUSTOS_ACCESS_TOKEN JWT: creates a key, locate finds it', async () => {
    const env = { CUSTOS_ACCESS_TOKEN: await jwt('erin') };
    const id = json(ok(await custos(['sym', 'keys', 'create', '-t', 'jwt-env', '--json'], env)))[
      'uniqueIdentifier'
    ] as string;
    assert.deepEqual(json<string[]>(ok(await custos(['locate', '-t', 'jwt-env', '--json'], env))), [
      id,
    ]);
    // Another subject by the environment does not see erin's key.
    const frank = { CUSTOS_ACCESS_TOKEN: await jwt('frank') };
    assert.deepEqual(
      json<string[]>(ok(await custos(['locate', '-t', 'jwt-env', '--json'], frank))),
      [],
    );
  });

  void it('cli.toml JWT: access_token in the default file, access_token_file through --conf', async () => {
    // The default file, ~/.config/custos/cli.toml, with the URL, the CA and the JWT itself.
    const grace = mkdtempSync(join(tmpdir(), 'custos-cli-jwt-grace-'));
    const conf = join(grace, '.config', 'custos');
    mkdirSync(conf, { recursive: true });
    writeFileSync(
      join(conf, 'cli.toml'),
      `[kms]\nurl = "${url}"\nca_file = ${JSON.stringify(pki.caCert)}\naccess_token = "${await jwt('grace')}"\n`,
    );
    try {
      const id = json(ok(await run(['sym', 'keys', 'create', '-t', 'jwt-toml', '--json'], grace)))[
        'uniqueIdentifier'
      ] as string;
      assert.deepEqual(
        json<string[]>(ok(await run(['locate', '-t', 'jwt-toml', '--json'], grace))),
        [id],
      );

      // A file named by --conf whose access_token_file (relative to it) holds another JWT,
      // ending with a newline as `echo "$TOKEN" > token.txt` leaves it.
      const other = join(grace, 'other');
      mkdirSync(other);
      writeFileSync(join(other, 'token.txt'), `${await jwt('heidi')}\n`);
      writeFileSync(
        join(other, 'heidi.toml'),
        `[kms]\nurl = "${url}"\nca_file = ${JSON.stringify(pki.caCert)}\naccess_token_file = "token.txt"\n`,
      );
      const heidi = (...args: string[]) =>
        run(['--conf', join(other, 'heidi.toml'), ...args], grace);
      assert.deepEqual(json<string[]>(ok(await heidi('locate', '-t', 'jwt-toml', '--json'))), []);
      const hid = json(ok(await heidi('sym', 'keys', 'create', '-t', 'jwt-toml', '--json')))[
        'uniqueIdentifier'
      ] as string;
      assert.deepEqual(json<string[]>(ok(await heidi('locate', '-t', 'jwt-toml', '--json'))), [
        hid,
      ]);
      // The flag outranks the file: grace's default file with heidi's token sees heidi's key.
      const heidiToken = await jwt('heidi');
      assert.deepEqual(
        json<string[]>(
          ok(await run(['--token', heidiToken, 'locate', '-t', 'jwt-toml', '--json'], grace)),
        ),
        [hid],
      );
    } finally {
      rmSync(grace, { recursive: true, force: true });
    }
  });

  void it('a JWT with a trailing line break (environment, TOML) works; a broken one is a configuration error', async () => {
    // As a mounted secret or a pasted value often ends.
    const ivan = await jwt('ivan');
    const env = { CUSTOS_ACCESS_TOKEN: `${ivan}\n` };
    const id = json(
      ok(await custos(['sym', 'keys', 'create', '-t', 'jwt-newline', '--json'], env)),
    )['uniqueIdentifier'] as string;
    const conf = join(home, 'ivan.toml');
    writeFileSync(conf, `[kms]\naccess_token = """${ivan}\n"""\n`);
    assert.deepEqual(
      json<string[]>(ok(await custos(['--conf', conf, 'locate', '-t', 'jwt-newline', '--json']))),
      [id],
    );
    // A line break inside the token: exit 78 naming where it came from, not the token.
    const [head, body, sig] = ivan.split('.') as [string, string, string];
    const broken = `${head}.${body}\n.${sig}`;
    for (const r of [
      await custos(['locate'], { CUSTOS_ACCESS_TOKEN: broken }),
      await custos(['--token', broken, 'locate']),
    ]) {
      assert.equal(r.code, 78, r.stderr);
      assert.match(
        r.stderr,
        /^custos: (CUSTOS_ACCESS_TOKEN|--token): the access token must be one word/,
      );
      for (const part of [head, body, sig]) assert.ok(!r.stderr.includes(part), r.stderr);
    }
  });

  void it('expired, another audience, an unknown signing key: exit 4, the token not printed', async () => {
    const bad = {
      expired: await jwt('carol', { expires: '-1m' }),
      audience: await jwt('carol', { audience: 'another-service' }),
      // Same kid as the provider's key, another key: the signature does not verify.
      forged: await jwt('carol', { key: strangerKey }),
      // A kid the JWKS does not list.
      unknownKid: await jwt('carol', { key: strangerKey, kid: 'k2' }),
    };
    for (const [why, token] of Object.entries(bad)) {
      const byFlag = await custos(['--token', token, 'locate', '-t', 'jwt-flag']);
      refused(byFlag, token);
      const byEnv = await custos(['sym', 'keys', 'create', '-t', `refused-${why}`], {
        CUSTOS_ACCESS_TOKEN: token,
      });
      refused(byEnv, token);
    }
    // Nothing was created by a refused token.
    const carol = await jwt('carol');
    for (const why of Object.keys(bad))
      assert.deepEqual(
        json<string[]>(
          ok(await custos(['--token', carol, 'locate', '-t', `refused-${why}`, '--json'])),
        ),
        [],
      );
  });
});
