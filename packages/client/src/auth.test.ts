/**
 * `KmsClient` over HTTPS against a real Custos KMS (in this process, SQLite) with every
 * authentication the server supports: the server certificate checked against the `ca` option,
 * a bearer JWT verified against a JWKS this test serves, an API token, and a client certificate
 * (mutual TLS, the subject CN is the user). The test PKI is made with the openssl command, as
 * the KMS tests make it; these tests skip, saying why, when openssl is absent.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import { provider, toHex } from '@custos/crypto';
import { loadConfig, silentLogger, startServer } from '@custos/kms';
import { KmsClient, KmsClientError, createKmsClient, type KmsClientOptions } from './index.ts';
import { makePki, opensslSkipReason, pem, type TestPki } from '../../kms/src/_test/certs.ts';

const ISSUER = 'https://idp.example';
const AUDIENCE = 'custos-kms';

const sha256 = (t: string): string =>
  toHex(provider.hash.digest('sha256', new TextEncoder().encode(t)));

/** Awaits a failure and checks it is the client error asked for (never a crash or a TypeError). */
async function clientError(
  p: Promise<unknown>,
  code: string,
  reasonName?: string,
): Promise<KmsClientError> {
  try {
    await p;
  } catch (error) {
    assert.ok(error instanceof KmsClientError, `not a KmsClientError: ${String(error)}`);
    assert.equal(error.code, code, error.message);
    if (reasonName !== undefined) assert.equal(error.reasonName, reasonName, error.message);
    return error;
  }
  assert.fail('expected a failure');
}

/** The 401 answer of a refused credential, as the client maps it. */
async function unauthenticated(p: Promise<unknown>): Promise<void> {
  const e = await clientError(p, 'ERR_KMS_CLIENT_HTTP', 'AuthenticationNotSuccessful');
  assert.equal(e.status, 401);
}

const skip = opensslSkipReason();

void describe('KmsClient over HTTPS: server certificate and authentication', { skip }, () => {
  let pki: TestPki;
  let dir: string;
  let url: string;
  let close: () => Promise<void>;
  let jwks: Server;
  let sign: (
    claims: Record<string, unknown>,
    options?: { audience?: string; expires?: string },
  ) => Promise<string>;
  let ca: string;
  /** A client over HTTPS trusting the test CA, with `extra` options. */
  let client: (extra?: Partial<KmsClientOptions>) => Promise<KmsClient>;

  before(async () => {
    pki = makePki(['alice']);
    ca = pem(pki.caCert);
    const { publicKey, privateKey } = await generateKeyPair('ES256');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
    jwks = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((r) => jwks.listen(0, '127.0.0.1', r));
    const address = jwks.address();
    const jwksUri = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}/jwks.json`;
    sign = (claims, o = {}) =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
        .setIssuer(ISSUER)
        .setAudience(o.audience ?? AUDIENCE)
        .setIssuedAt()
        .setExpirationTime(o.expires ?? '5m')
        .sign(privateKey);
    dir = mkdtempSync(join(tmpdir(), 'custos-client-tls-'));
    const server = await startServer(
      loadConfig({
        env: {},
        overrides: {
          data_dir: dir,
          'http.port': '0',
          'http.tls': 'true',
          'log.level': 'silent',
          'kek.value': Buffer.alloc(32, 9).toString('base64'),
          'tls.cert_file': pki.serverCert,
          'tls.key_file': pki.serverKey,
          'tls.client_ca_file': pki.caCert,
          'auth.api_tokens': JSON.stringify([{ user: 'bob', sha256: sha256('token-bob') }]),
          'auth.jwt': JSON.stringify([
            { issuer: ISSUER, jwks_uri: jwksUri, audiences: [AUDIENCE] },
          ]),
        },
      }),
      { logger: silentLogger },
    );
    url = server.url as string;
    close = () => server.close();
    client = (extra = {}) =>
      createKmsClient({ url, timeoutMs: 5000, ...extra, tls: { ca, ...extra.tls } });
  });
  after(async () => {
    await close();
    await new Promise<void>((r) =>
      jwks.close(() => {
        r();
      }),
    );
    rmSync(dir, { recursive: true, force: true });
    rmSync(pki.dir, { recursive: true, force: true });
  });

  void it('the server certificate: verified with `ca`, refused without it, accepted by `insecure`', async () => {
    assert.match(url, /^https:\/\/127\.0\.0\.1:\d+$/);
    const trusting = await client({ accessToken: 'token-bob' });
    assert.equal(await trusting.whoami(), 'bob');
    assert.equal((await trusting.health()).status, 'UP');

    // Global fetch (no tls option) and node:https without the CA: both refuse the certificate,
    // on REST routes and on KMIP alike, with a clear unreachable error naming TLS.
    for (const c of [
      new KmsClient({ url, accessToken: 'token-bob', timeoutMs: 5000 }),
      await createKmsClient({
        url,
        accessToken: 'token-bob',
        timeoutMs: 5000,
        tls: { insecure: false },
      }),
    ]) {
      const e = await clientError(c.whoami(), 'ERR_KMS_CLIENT_UNREACHABLE');
      assert.match(e.message, /^whoami: cannot reach the server: TLS: /);
      const k = await clientError(c.createSymmetricKey(), 'ERR_KMS_CLIENT_UNREACHABLE');
      assert.match(k.message, /TLS: /);
    }
    // A CA that did not sign the server certificate is no better.
    const wrongCa = await createKmsClient({
      url,
      accessToken: 'token-bob',
      tls: { ca: pem(pki.rogue.cert) },
    });
    await clientError(wrongCa.whoami(), 'ERR_KMS_CLIENT_UNREACHABLE');

    const insecure = await createKmsClient({
      url,
      accessToken: 'token-bob',
      tls: { insecure: true },
    });
    assert.equal(await insecure.whoami(), 'bob');
  });

  void it('bearer JWT: a valid token works; expired or for another audience is a 401', async () => {
    const jwtClient = await client({ accessToken: await sign({ email: 'carol@example.com' }) });
    assert.equal(await jwtClient.whoami(), 'carol@example.com');
    const id = await jwtClient.createSymmetricKey({ tags: ['tls-jwt'] });
    assert.deepEqual(await jwtClient.locate({ tags: ['tls-jwt'] }), [id]);
    assert.ok((await jwtClient.ownedObjects()).some((o) => o.objectId === id));

    for (const token of [
      await sign({ email: 'carol@example.com' }, { expires: '-1m' }),
      await sign({ email: 'carol@example.com' }, { audience: 'another-service' }),
    ]) {
      const refused = await client({ accessToken: token });
      await unauthenticated(refused.whoami());
      await unauthenticated(refused.createSymmetricKey());
      await unauthenticated(refused.getAttributes(id));
    }
  });

  void it('API token: the right token works, a wrong one is a 401', async () => {
    const bob = await client({ accessToken: 'token-bob', encoding: 'binary' });
    assert.equal(await bob.whoami(), 'bob');
    const id = await bob.createSymmetricKey({ tags: ['tls-token'] });
    assert.equal((await bob.getAttributes(id)).cryptographicLength, 256);
    assert.deepEqual(await bob.locate({ tags: ['tls-token'] }), [id]);

    const wrong = await client({ accessToken: 'token-bobby' });
    await unauthenticated(wrong.whoami());
    await unauthenticated(wrong.createSymmetricKey());
    const wrongBinary = await client({ accessToken: 'token-bobby', encoding: 'binary' });
    await unauthenticated(wrongBinary.createSymmetricKey());
  });

  void it('client certificate: the subject CN is the user and owns what it creates; no or a rogue certificate is a 401', async () => {
    const alicePem = pki.client('alice');
    const alice = await client({ tls: { cert: pem(alicePem.cert), key: pem(alicePem.key) } });
    assert.equal(await alice.whoami(), 'alice');
    const id = await alice.createSymmetricKey({ tags: ['tls-mtls'] });
    const owned = await alice.ownedObjects();
    assert.ok(
      owned.some((o) => o.objectId === id && o.tags.includes('tls-mtls')),
      JSON.stringify(owned),
    );
    const { data, iv, tag } = await alice.encrypt(id, new TextEncoder().encode('over mTLS'));
    assert.equal(
      new TextDecoder().decode(
        await alice.decrypt(id, data, {
          ...(iv === undefined ? {} : { iv }),
          ...(tag === undefined ? {} : { tag }),
        }),
      ),
      'over mTLS',
    );
    // Bob (API token) does not own alice's key and has no right on it.
    const bob = await client({ accessToken: 'token-bob' });
    assert.ok(!(await bob.ownedObjects()).some((o) => o.objectId === id));
    await clientError(bob.getAttributes(id), 'ERR_KMS_CLIENT_RESULT');

    // The same TLS connection settings without a client certificate (and no token): refused.
    const anonymous = await client();
    await unauthenticated(anonymous.whoami());
    await unauthenticated(anonymous.createSymmetricKey());
    // A certificate from a CA the server does not trust authenticates nobody.
    const rogue = await client({
      tls: { cert: pem(pki.rogue.cert), key: pem(pki.rogue.key) },
    });
    await unauthenticated(rogue.whoami());
    await unauthenticated(rogue.locate({ tags: ['tls-mtls'] }));
  });
});
