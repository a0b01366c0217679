/**
 * The HTTP listener: public routes, bare-operation error statuses, malformed and oversized
 * requests (KMIP errors, the server stays up), restart durability, API-token and JWT
 * authentication.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import {
  ResultReason,
  ResultStatus,
  decodeJson,
  decodeResponseMessage,
  decodeTtlv,
  encodeTtlv,
  encodeRequestMessage,
  requestMessage,
  createSymmetricKey,
  enumName,
  batchItem,
  Operation,
} from '@custos/kmip';
import { startTestServer, tokenSettings, type TestServer } from './_test/harness.ts';

const PAST = new Date('2024-01-01T00:00:00Z');
const te = new TextEncoder();

function failureOf(
  bytes: Uint8Array,
  json = false,
): { status: number; reason: number | undefined } {
  const m = decodeResponseMessage(
    json ? decodeJson(new TextDecoder().decode(bytes)) : decodeTtlv(bytes),
  );
  const item = m.batchItems?.[0];
  return { status: item?.resultStatus ?? -1, reason: item?.resultReason };
}

void describe('HTTP listener', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer({ settings: { 'http.max_body_bytes': '65536' } });
  });
  after(() => t.close());

  void it('serves /health, /version, /metrics and /openapi.json', async () => {
    const h = await t.get('/health');
    assert.equal(h.status, 200);
    assert.deepEqual((h.json() as { status: string }).status, 'UP');
    assert.match((await t.get('/version')).text, /^"custos-kms /);
    await t.client().createSymmetricKey();
    const m = await t.get('/metrics');
    assert.match(
      m.text,
      /custos_kms_operations_total\{operation="create",status="success",reason=""\} \d+/,
    );
    assert.match(
      m.text,
      /custos_kms_operation_duration_seconds_bucket\{operation="create",le="\+Inf"\} \d+/,
    );
    const doc = (await t.get('/openapi.json')).json() as {
      openapi: string;
      paths: Record<string, unknown>;
    };
    assert.equal(doc.openapi, '3.1.0');
    assert.ok('/access/grant' in doc.paths);
    assert.equal((await t.get('/nowhere')).status, 404);
    assert.equal((await t.get('/access/nowhere-1')).status, 404);
    // HTTP responses by route and status; unknown paths share one label (bounded series).
    const after = (await t.get('/metrics')).text;
    const count = (labels: string): number =>
      Number(
        new RegExp(`^custos_kms_http_responses_total\\{${labels}\\} (\\d+)$`, 'm').exec(after)?.[1],
      );
    assert.equal(count('route="/kmip/2_1",status="200"'), 1);
    assert.equal(count('route="/health",status="200"'), 1);
    assert.equal(count('route="/metrics",status="200"'), 1);
    assert.equal(count('route="other",status="404"'), 2);
    assert.doesNotMatch(after, /nowhere/);
  });

  void it('bare operations on /kmip/2_1 answer with the HTTP status of their error', async () => {
    const create = await t.post(
      '/kmip/2_1',
      JSON.stringify({
        tag: 'Create',
        value: [
          { tag: 'ObjectType', type: 'Enumeration', value: 'SymmetricKey' },
          {
            tag: 'Attributes',
            value: [
              { tag: 'CryptographicAlgorithm', type: 'Enumeration', value: 'AES' },
              { tag: 'CryptographicLength', type: 'Integer', value: 256 },
              { tag: 'CryptographicUsageMask', type: 'Integer', value: 12 },
            ],
          },
        ],
      }),
    );
    assert.equal(create.status, 200);
    const body = JSON.parse(create.text) as {
      tag: string;
      value: { tag: string; value: string }[];
    };
    assert.equal(body.tag, 'CreateResponse');
    const uid = body.value.find((v) => v.tag === 'UniqueIdentifier')?.value as string;
    const encrypt = (id: string): Promise<{ status: number; text: string }> =>
      t.post(
        '/kmip/2_1',
        JSON.stringify({
          tag: 'Encrypt',
          value: [
            { tag: 'UniqueIdentifier', type: 'TextString', value: id },
            { tag: 'Data', type: 'ByteString', value: '0011' },
          ],
        }),
      );
    const preActive = await encrypt(uid);
    assert.equal(preActive.status, 409);
    assert.deepEqual(
      (JSON.parse(preActive.text) as { reason: string }).reason,
      'Wrong_Key_Lifecycle_State',
    );
    const missing = await encrypt('nope');
    assert.equal(missing.status, 404);
    assert.equal((JSON.parse(missing.text) as { error: string }).error, 'ERR_KMS_ITEM_NOT_FOUND');
    const unknownOp = await t.post('/kmip/2_1', JSON.stringify({ tag: 'Archive', value: [] }));
    assert.equal(unknownOp.status, 501);
    const notOp = await t.post('/kmip/2_1', JSON.stringify({ tag: 'Frobnicate', value: [] }));
    assert.equal(notOp.status, 400);
    const badField = await t.post(
      '/kmip/2_1',
      JSON.stringify({
        tag: 'Encrypt',
        value: [{ tag: 'UniqueIdentifier', type: 'Integer', value: 3 }],
      }),
    );
    assert.equal(badField.status, 400);
    // A Request Message on /kmip/2_1 gets a Response Message.
    const msg = await t.post(
      '/kmip/2_1',
      JSON.stringify({
        tag: 'RequestMessage',
        value: [
          {
            tag: 'RequestHeader',
            value: [
              {
                tag: 'ProtocolVersion',
                value: [
                  { tag: 'ProtocolVersionMajor', type: 'Integer', value: 2 },
                  { tag: 'ProtocolVersionMinor', type: 'Integer', value: 1 },
                ],
              },
              { tag: 'BatchCount', type: 'Integer', value: 1 },
            ],
          },
          {
            tag: 'BatchItem',
            value: [
              { tag: 'Operation', type: 'Enumeration', value: 'Activate' },
              {
                tag: 'RequestPayload',
                value: [{ tag: 'UniqueIdentifier', type: 'TextString', value: uid }],
              },
            ],
          },
        ],
      }),
    );
    assert.equal(msg.status, 200);
    assert.equal(failureOf(te.encode(msg.text), true).status, ResultStatus.Success);
    assert.equal((await encrypt(uid)).status, 200);
  });

  void it('malformed, oversized and unsupported requests get KMIP errors and the server stays up', async () => {
    const bin = { 'content-type': 'application/octet-stream' };
    // Garbage bytes.
    const garbage = await t.post('/kmip', new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9]), bin);
    assert.equal(garbage.status, 200);
    assert.deepEqual(failureOf(garbage.bytes), {
      status: ResultStatus.OperationFailed,
      reason: ResultReason.InvalidMessage,
    });
    // A header claiming 4 GiB.
    const lying = await t.post(
      '/kmip',
      new Uint8Array([0x42, 0, 0x78, 1, 0xff, 0xff, 0xff, 0xf8]),
      bin,
    );
    assert.deepEqual(failureOf(lying.bytes).reason, ResultReason.InvalidMessage);
    // A structure that is not a Request Message.
    const wrong = await t.post(
      '/kmip',
      encodeTtlv({ tag: 0x42007b, type: 'Structure', value: [] }),
      bin,
    );
    assert.deepEqual(failureOf(wrong.bytes).reason, ResultReason.InvalidMessage);
    // Batch Count that does not match.
    const tree = encodeRequestMessage(requestMessage([createSymmetricKey()]));
    const broken = {
      ...tree,
      value: tree.value.map((c) =>
        c.tag === 0x420077 && c.type === 'Structure'
          ? { ...c, value: c.value.map((h) => (h.tag === 0x42000d ? { ...h, value: 5 } : h)) }
          : c,
      ),
    };
    const count = await t.post('/kmip', encodeTtlv(broken as typeof tree), bin);
    assert.equal(failureOf(count.bytes).status, ResultStatus.OperationFailed);
    // Unsupported protocol version.
    const v3 = {
      ...tree,
      value: tree.value.map((c) =>
        c.tag === 0x420077 && c.type === 'Structure'
          ? {
              ...c,
              value: c.value.map((h) =>
                h.tag === 0x420069 && h.type === 'Structure'
                  ? {
                      ...h,
                      value: [
                        { tag: 0x42006a, type: 'Integer' as const, value: 3 },
                        { tag: 0x42006b, type: 'Integer' as const, value: 0 },
                      ],
                    }
                  : h,
              ),
            }
          : c,
      ),
    };
    const v3r = await t.post('/kmip', encodeTtlv(v3), bin);
    assert.equal(failureOf(v3r.bytes).reason, ResultReason.UnsupportedProtocolVersion);
    // Oversized body: 413 with a KMIP error, the connection closed.
    const big = await t.post('/kmip', new Uint8Array(100_000), bin);
    assert.equal(big.status, 413);
    assert.equal(failureOf(big.bytes).reason, ResultReason.InvalidMessage);
    const bigJson = await t.post(
      '/kmip/2_1',
      `{"tag":"Hash","value":[${'{"tag":"Data","type":"ByteString","value":"00"},'.repeat(3000)}]}`,
    );
    assert.equal(bigJson.status, 413);
    // Deeply nested JSON.
    const deep = await t.post(
      '/kmip/2_1',
      `${'{"tag":"Attributes","value":['.repeat(200)}${']}'.repeat(200)}`,
    );
    assert.equal(deep.status, 400);
    // Not JSON, wrong content type, unknown route.
    assert.equal((await t.post('/kmip/2_1', '{not json')).status, 400);
    assert.equal((await t.post('/kmip', 'x', { 'content-type': 'text/plain' })).status, 415);
    const xmlBad = await t.post('/kmip', '<RequestMessage><Oops', {
      'content-type': 'text/xml; charset=utf-8',
    });
    assert.equal(xmlBad.status, 200);
    // Still up and serving.
    assert.equal((await t.get('/health')).status, 200);
    const uid = (await t.client().createSymmetricKey({ activationDate: PAST }))
      .uniqueIdentifier as string;
    await t.client({ encoding: 'binary', path: '/kmip' }).encrypt(uid, te.encode('still up'));
    const reasonName = enumName('ResultReason', ResultReason.InvalidMessage);
    assert.equal(reasonName, 'InvalidMessage');
  });
});

void describe('concurrent writes (SQLite group commit)', () => {
  void it('keeps every request atomic: failures leave nothing, successes all persist', async () => {
    const t = await startTestServer();
    try {
      const c = t.client();
      // 40 concurrent requests; every other one reuses an identifier and must fail alone.
      const results = await Promise.allSettled(
        Array.from({ length: 40 }, (_, i) =>
          c.batch([
            createSymmetricKey({
              attributes: { uniqueIdentifier: `grp-${Math.floor(i / 2)}` },
              name: `grp-name-${i}`,
            }),
          ]),
        ),
      );
      let ok = 0;
      let failed = 0;
      for (const r of results) {
        assert.equal(r.status, 'fulfilled');
        const item = r.value[0];
        if (item?.resultStatus === ResultStatus.Success) ok++;
        else if (item?.resultReason === ResultReason.ObjectAlreadyExists) failed++;
      }
      assert.deepEqual([ok, failed], [20, 20]);
      // Each identifier exists once, with the name of the request that won it.
      for (let k = 0; k < 20; k++) {
        const names =
          (await c.call(batchItem(Operation.GetAttributes, { uniqueIdentifier: `grp-${k}` })))
            .attributes.names ?? [];
        assert.equal(names.length, 1);
        assert.match(names[0]?.nameValue ?? '', new RegExp(`^grp-name-(${2 * k}|${2 * k + 1})$`));
      }
    } finally {
      await t.close();
    }
  });
});

void describe('restart', () => {
  void it('keeps objects, grants and the audit chain across a restart', async () => {
    const settings = tokenSettings(['alice', 'bob']);
    const first = await startTestServer({ settings });
    const alice = first.as('alice');
    const uid = (await alice.createSymmetricKey({ activationDate: PAST, name: 'survivor' }))
      .uniqueIdentifier as string;
    const enc = await alice.encrypt(uid, te.encode('durable'));
    const g = await first.post(
      '/access/grant',
      JSON.stringify({ unique_identifier: uid, user_id: 'bob', operation_types: ['decrypt'] }),
      { authorization: 'Bearer token-alice' },
    );
    assert.equal(g.status, 200);
    await first.close(true);
    const second = await startTestServer({ settings, dir: first.dir });
    try {
      const d = await second.as('bob').decrypt(uid, enc.data as Uint8Array, {
        ivCounterNonce: enc.ivCounterNonce as Uint8Array,
        authenticatedEncryptionTag: enc.authenticatedEncryptionTag as Uint8Array,
      });
      assert.deepEqual(d.data, te.encode('durable'));
      const found = await second
        .as('alice')
        .locate({ names: [{ nameValue: 'survivor', nameType: 1 }] });
      assert.deepEqual(found.uniqueIdentifiers, [uid]);
    } finally {
      await second.close();
    }
  });

  void it('refuses to start with another key-encryption key', async () => {
    const first = await startTestServer();
    await first.client().createSymmetricKey();
    await first.close(true);
    await assert.rejects(
      startTestServer({ dir: first.dir, kek: Buffer.alloc(32, 9).toString('base64') }),
      /key-encryption key does not match/,
    );
  });
});

void describe('authentication', () => {
  let jwks: Server;
  let jwksUrl: string;
  let sign: (
    claims: Record<string, unknown>,
    options?: { issuer?: string; audience?: string; expires?: string },
  ) => Promise<string>;
  let t: TestServer;

  before(async () => {
    const { publicKey, privateKey } = await generateKeyPair('ES256');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
    jwks = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((r) => jwks.listen(0, '127.0.0.1', r));
    const address = jwks.address();
    jwksUrl = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}/jwks.json`;
    sign = (claims, o = {}) =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
        .setIssuer(o.issuer ?? 'https://idp.example')
        .setAudience(o.audience ?? 'custos-kms')
        .setIssuedAt()
        .setExpirationTime(o.expires ?? '5m')
        .sign(privateKey);
    t = await startTestServer({
      settings: {
        ...tokenSettings(['ci', 'dotted.api.token']),
        'auth.jwt': JSON.stringify([
          { issuer: 'https://idp.example', jwks_uri: jwksUrl, audiences: ['custos-kms'] },
        ]),
      },
    });
  });
  after(async () => {
    await t.close();
    await new Promise<void>((r) =>
      jwks.close(() => {
        r();
      }),
    );
  });

  const me = async (authorization?: string): Promise<{ status: number; text: string }> =>
    t.get('/me', authorization === undefined ? {} : { authorization });

  void it('API tokens', async () => {
    assert.equal((await me('Bearer token-ci')).text, '{"user":"ci"}');
    assert.equal((await me('Bearer token-CI')).status, 401);
    // A token shaped like a JWT (three dot-separated parts) still authenticates as an API token
    // while JWT providers are configured; an unknown one of that shape is refused.
    assert.equal((await me('Bearer token-dotted.api.token')).text, '{"user":"dotted.api.token"}');
    assert.equal((await me('Bearer token-dotted.api.tokem')).status, 401);
    assert.equal((await me()).status, 401);
    assert.equal((await me('Basic Y2k6Y2k=')).status, 401);
    // Public routes need nothing.
    assert.equal((await t.get('/health')).status, 200);
    // KMIP without credentials: 401 and no processing.
    const r = await t.post(
      '/kmip/2_1',
      JSON.stringify({
        tag: 'Query',
        value: [{ tag: 'QueryFunction', type: 'Enumeration', value: 'QueryOperations' }],
      }),
    );
    assert.equal(r.status, 401);
  });

  void it('JWT validated against the JWKS: user from the email claim', async () => {
    assert.equal(
      (await me(`Bearer ${await sign({ email: 'alice@example.com' })}`)).text,
      '{"user":"alice@example.com"}',
    );
    assert.equal(
      (await me(`Bearer ${await sign({ email: 'a@x' }, { audience: 'other' })}`)).status,
      401,
    );
    assert.equal(
      (await me(`Bearer ${await sign({ email: 'a@x' }, { issuer: 'https://evil.example' })}`))
        .status,
      401,
    );
    assert.equal(
      (await me(`Bearer ${await sign({ email: 'a@x' }, { expires: '-1m' })}`)).status,
      401,
    );
    assert.equal((await me(`Bearer ${await sign({ sub: 'no-email' })}`)).status, 401);
    const token = await sign({ email: 'bob@example.com' });
    const tampered = `${token.slice(0, -4)}AAAA`;
    assert.equal((await me(`Bearer ${tampered}`)).status, 401);
    // An unsigned token is never accepted.
    const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify({ iss: 'https://idp.example', aud: 'custos-kms', email: 'x@x', exp: 9e9 })).toString('base64url')}.`;
    assert.equal((await me(`Bearer ${none}`)).status, 401);
    // A JWT user owns what it creates.
    const c = t.client({ headers: { authorization: `Bearer ${token}` } });
    const uid = (await c.createSymmetricKey()).uniqueIdentifier as string;
    const owned = (await t.get('/access/owned', { authorization: `Bearer ${token}` })).json() as {
      object_id: string;
    }[];
    assert.deepEqual(
      owned.map((o) => o.object_id),
      [uid],
    );
  });
});
