import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { after, before, describe, test } from 'node:test';
import * as B from './builders.ts';
import { ResultReason } from './enums.ts';
import { KmipCodecError, KmipResultError, KmipTransportError } from './errors.ts';
import { createHttpClient } from './http-client.ts';
import {
  CONTENT_TYPES,
  decodeWire,
  encodeWire,
  encodingOfContentType,
  type KmipEncoding,
} from './wire.ts';
import { respond } from './_test/responder.ts';

let server: Server;
let base = '';
const seen: { path: string; contentType: string | undefined; auth: string | undefined }[] = [];

async function body(req: IncomingMessage): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return new Uint8Array(Buffer.concat(chunks));
}

async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  seen.push({
    path: req.url ?? '',
    contentType: req.headers['content-type'],
    auth: req.headers.authorization,
  });
  if (req.url === '/denied') {
    res.writeHead(401, { 'content-type': 'text/plain' }).end('Unauthorized: bad token');
    return;
  }
  if (req.url === '/slow') {
    setTimeout(() => res.writeHead(200).end(), 2000).unref();
    return;
  }
  if (req.url === '/huge') {
    res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(Buffer.alloc(4096));
    return;
  }
  if (req.url === '/garbage') {
    res
      .writeHead(200, { 'content-type': 'application/octet-stream' })
      .end(Buffer.from('4200780100000008', 'hex'));
    return;
  }
  const encoding: KmipEncoding = encodingOfContentType(req.headers['content-type']) ?? 'binary';
  const request = decodeWire(await body(req), encoding);
  const response = encodeWire(await respond(request), encoding);
  res.writeHead(200, { 'content-type': `${CONTENT_TYPES[encoding]}; charset=utf-8` }).end(response);
}

before(async () => {
  server = createServer((req, res) => {
    handle(req, res).catch(() => res.writeHead(500).end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  assert.ok(address !== null && typeof address === 'object');
  base = `http://127.0.0.1:${address.port}`;
});

after(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

void describe('HTTP client', () => {
  for (const [path, encoding] of [
    ['/kmip/2_1', undefined],
    ['/kmip', 'binary'],
    ['/kmip', 'json'],
    ['/kmip', 'xml'],
  ] as const) {
    void test(`${path} ${encoding ?? '(default json)'}`, async () => {
      const client = createHttpClient({
        url: `${base}${path}`,
        headers: { authorization: 'Bearer t0ken' },
        ...(encoding === undefined ? {} : { encoding }),
      });
      const query = await client.query();
      assert.equal(query.vendorIdentification, 'toy');
      const created = await client.createSymmetricKey({ length: 128 });
      assert.equal(created.uniqueIdentifier, 'key-1');
      const enc = await client.encrypt('k', new Uint8Array([1, 2, 3]));
      assert.deepEqual(enc.data, new Uint8Array([3, 2, 1]));
      // A batch using the ID Placeholder: Activate without an identifier.
      const items = await client.batch([B.createSymmetricKey(), B.activate()]);
      assert.equal(items.length, 2);
      const last = seen.at(-1);
      assert.ok(last !== undefined);
      assert.equal(last.contentType, CONTENT_TYPES[encoding ?? 'json']);
      assert.equal(last.auth, 'Bearer t0ken');
    });
  }

  void test('a failed batch item rejects with its Result Reason', async () => {
    const client = createHttpClient({ url: `${base}/kmip` });
    await assert.rejects(client.destroy('nope'), (e: unknown) => {
      assert.ok(e instanceof KmipResultError);
      assert.equal(e.resultReason, ResultReason.ItemNotFound);
      assert.equal(e.resultMessage, 'no such object');
      return true;
    });
  });

  void test('HTTP errors, timeouts, oversize and malformed answers', async () => {
    await assert.rejects(createHttpClient({ url: `${base}/denied` }).query(), (e: unknown) => {
      assert.ok(e instanceof KmipTransportError);
      assert.equal(e.code, 'ERR_KMIP_HTTP_STATUS');
      assert.equal(e.status, 401);
      assert.match(e.message, /Unauthorized/);
      return true;
    });
    const start = performance.now();
    await assert.rejects(
      createHttpClient({ url: `${base}/slow`, timeoutMs: 100 }).query(),
      (e: unknown) => e instanceof KmipTransportError && e.code === 'ERR_KMIP_TIMEOUT',
    );
    assert.ok(performance.now() - start < 1500);
    await assert.rejects(
      createHttpClient({ url: `${base}/huge`, maxResponseBytes: 1024 }).query(),
      (e: unknown) => e instanceof KmipTransportError && e.code === 'ERR_KMIP_TRANSPORT',
    );
    await assert.rejects(createHttpClient({ url: `${base}/garbage` }).query(), KmipCodecError);
    await assert.rejects(
      createHttpClient({ url: 'http://127.0.0.1:1/kmip' }).query(),
      (e: unknown) => e instanceof KmipTransportError && e.code === 'ERR_KMIP_TRANSPORT',
    );
    assert.throws(() => createHttpClient({ url: 'ftp://x/kmip' }), TypeError);
  });
});
