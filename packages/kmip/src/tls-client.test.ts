/**
 * KMIP over mutual TLS against an in-test `node:tls` server. Certificates are generated with
 * `openssl` in a temporary directory for each run (nothing is committed); the suite skips when
 * `openssl` is not installed.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type Server, type TLSSocket } from 'node:tls';
import { after, before, describe, test } from 'node:test';
import { decodeTtlv, encodeTtlv, ttlvMessageLength } from './binary.ts';
import * as B from './builders.ts';
import { ResultReason } from './enums.ts';
import { KmipResultError, KmipTransportError } from './errors.ts';
import { createTlsClient, tlsTransport } from './tls-client.ts';
import { KmipClient } from './client.ts';
import { respond } from './_test/responder.ts';

function opensslSkip(): string | false {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return false;
  } catch {
    return 'openssl not found: cannot generate test certificates';
  }
}

const skip = opensslSkip();
let dir = '';
let server: Server;
let port = 0;
const pem: Record<string, string> = {};
const clientNames: string[] = [];
let silent = false;

function openssl(...args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
}

/** Key + certificate signed by the test CA. */
function issue(name: string, subject: string, san?: string): void {
  openssl(
    'req',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-keyout',
    `${name}.key`,
    '-out',
    `${name}.csr`,
    '-subj',
    subject,
  );
  const ext = san === undefined ? [] : ['-extfile', `${name}.ext`];
  if (san !== undefined) writeFileSync(join(dir, `${name}.ext`), `subjectAltName=${san}\n`);
  openssl(
    'x509',
    '-req',
    '-in',
    `${name}.csr`,
    '-CA',
    'ca.crt',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-out',
    `${name}.crt`,
    '-days',
    '1',
    ...ext,
  );
  pem[`${name}.key`] = readFileSync(join(dir, `${name}.key`), 'utf8');
  pem[`${name}.crt`] = readFileSync(join(dir, `${name}.crt`), 'utf8');
}

function serve(socket: TLSSocket): void {
  clientNames.push(String(socket.getPeerCertificate().subject.CN));
  let buffered = Buffer.alloc(0);
  socket.on('data', (chunk: Buffer) => {
    buffered = Buffer.concat([buffered, chunk]);
    while (buffered.length >= 8) {
      const total = ttlvMessageLength(new Uint8Array(buffered.subarray(0, 8)));
      if (buffered.length < total) return;
      const request = decodeTtlv(new Uint8Array(buffered.subarray(0, total)));
      buffered = buffered.subarray(total);
      if (silent) continue;
      void respond(request).then((response) => socket.write(encodeTtlv(response)));
    }
  });
  socket.on('error', () => undefined);
}

before(async () => {
  if (skip !== false) return;
  dir = mkdtempSync(join(tmpdir(), 'kmip-tls-'));
  openssl(
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-keyout',
    'ca.key',
    '-out',
    'ca.crt',
    '-subj',
    '/CN=kmip-test-ca',
    '-days',
    '1',
  );
  pem['ca.crt'] = readFileSync(join(dir, 'ca.crt'), 'utf8');
  issue('server', '/CN=localhost', 'DNS:localhost,IP:127.0.0.1');
  issue('client', '/CN=alice');
  server = createServer(
    {
      key: pem['server.key'],
      cert: pem['server.crt'],
      ca: pem['ca.crt'],
      requestCert: true,
      rejectUnauthorized: true,
    },
    serve,
  );
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  assert.ok(address !== null && typeof address === 'object');
  port = address.port;
});

after(async () => {
  if (skip !== false) return;
  await new Promise((resolve) => server.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

const options = () => ({
  host: 'localhost',
  port,
  ca: pem['ca.crt'] as string,
  cert: pem['client.crt'] as string,
  key: pem['client.key'] as string,
});

void describe('TLS client (mutual TLS, binary TTLV)', { skip }, () => {
  void test('requests on one connection, identity from the client certificate', async () => {
    const client = createTlsClient(options());
    try {
      assert.equal((await client.query()).vendorIdentification, 'toy');
      assert.equal((await client.createSymmetricKey()).uniqueIdentifier, 'key-1');
      // Concurrent calls are serialized on the connection and all complete.
      const results = await Promise.all(
        [1, 2, 3].map((n) => client.encrypt('k', new Uint8Array([n, 0]))),
      );
      assert.deepEqual(
        results.map((r) => r.data?.[1]),
        [1, 2, 3],
      );
      await assert.rejects(
        client.destroy('x'),
        (e: unknown) =>
          e instanceof KmipResultError && e.resultReason === ResultReason.ItemNotFound,
      );
      const items = await client.batch([B.createSymmetricKey(), B.activate()]);
      assert.equal(items.length, 2);
      assert.deepEqual([...new Set(clientNames)], ['alice']);
    } finally {
      await client.close();
    }
  });

  void test('timeout drops the connection; the next request reconnects', async () => {
    const transport = tlsTransport(options());
    const client = new KmipClient(transport, { timeoutMs: 150 });
    try {
      silent = true;
      await assert.rejects(
        client.query(),
        (e: unknown) => e instanceof KmipTransportError && e.code === 'ERR_KMIP_TIMEOUT',
      );
      silent = false;
      assert.equal((await client.query()).vendorIdentification, 'toy');
    } finally {
      silent = false;
      await client.close();
    }
  });

  void test('the server refuses a client without certificate; a wrong CA is refused too', async () => {
    const { cert: _c, key: _k, ...noCert } = options();
    const anonymous = createTlsClient({ ...noCert, timeoutMs: 2000 });
    await assert.rejects(anonymous.query(), KmipTransportError);
    await anonymous.close();
    const wrongCa = createTlsClient({
      ...options(),
      ca: pem['client.crt'] as string,
      timeoutMs: 2000,
    });
    await assert.rejects(
      wrongCa.query(),
      (e: unknown) => e instanceof KmipTransportError && e.code === 'ERR_KMIP_TRANSPORT',
    );
    await wrongCa.close();
    assert.throws(() => tlsTransport({ host: '' }), TypeError);
    assert.throws(() => tlsTransport({ host: 'x', port: 70000 }), RangeError);
  });
});
