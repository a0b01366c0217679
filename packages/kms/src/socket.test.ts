/**
 * KMIP over mutual TLS (socket listener), HTTPS with client certificates and PKCS#12, and the
 * PyKMIP interoperability scenario (python3-pykmip from Debian, KMIP 1.2).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { connect } from 'node:tls';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createCipheriv } from 'node:crypto';
import { request } from 'node:https';
import { ResultReason, decodeResponseMessage, decodeTtlv } from '@custos/kmip';
import { createTlsClient } from '@custos/kmip/tls-client';
import { makePki, opensslSkipReason, pem, type TestPki } from './_test/certs.ts';
import { rejectsWithReason } from './_test/assert.ts';
import { startTestServer, type TestServer } from './_test/harness.ts';

const PAST = new Date('2024-01-01T00:00:00Z');
const PYTHON = '/usr/bin/python3';

function pykmipSkipReason(): Promise<string | undefined> {
  if (!existsSync(PYTHON)) return Promise.resolve(`${PYTHON} not found`);
  return new Promise((resolve) => {
    execFile(PYTHON, ['-c', 'import kmip'], (error) => {
      resolve(
        error === null ? undefined : 'PyKMIP is not installed (apt-get install python3-pykmip)',
      );
    });
  });
}

void describe('KMIP over mutual TLS', () => {
  const skip = opensslSkipReason();
  let pki: TestPki;
  let t: TestServer;

  before(async () => {
    if (skip !== undefined) return;
    pki = makePki(['alice', 'bob', 'pykmip']);
    t = await startTestServer({
      settings: {
        'socket.enabled': 'true',
        'socket.port': '0',
        'http.tls': 'true',
        'tls.cert_file': pki.serverCert,
        'tls.key_file': pki.serverKey,
        'tls.client_ca_file': pki.caCert,
      },
    });
  });
  after(async () => {
    if (skip !== undefined) return;
    await t.close();
    rmSync(pki.dir, { recursive: true, force: true });
  });

  const client = (cn: string): ReturnType<typeof createTlsClient> =>
    createTlsClient({
      host: '127.0.0.1',
      port: t.server.socketPort as number,
      ca: pem(pki.caCert),
      cert: pem(pki.client(cn).cert),
      key: pem(pki.client(cn).key),
      servername: 'localhost',
    });

  void it('serves persistent connections; the certificate CN is the user', { skip }, async () => {
    const alice = client('alice');
    const bob = client('bob');
    try {
      const uid = (await alice.createSymmetricKey({ activationDate: PAST }))
        .uniqueIdentifier as string;
      for (let i = 0; i < 20; i++) await alice.encrypt(uid, new Uint8Array([i]));
      await rejectsWithReason(bob.get(uid), ResultReason.PermissionDenied);
      const q = await bob.query([1]);
      assert.ok((q.operations?.length ?? 0) > 10);
    } finally {
      await alice.close();
      await bob.close();
    }
  });

  void it(
    'refuses clients without a certificate or with one from another CA',
    { skip },
    async () => {
      for (const creds of [{}, { cert: pem(pki.rogue.cert), key: pem(pki.rogue.key) }]) {
        const rogue = createTlsClient({
          host: '127.0.0.1',
          port: t.server.socketPort as number,
          ca: pem(pki.caCert),
          servername: 'localhost',
          timeoutMs: 3000,
          ...creds,
        });
        await assert.rejects(rogue.query([1]));
        await rogue.close();
      }
    },
  );

  void it(
    'answers a garbage frame with Invalid Message and closes; the listener stays up',
    { skip },
    async () => {
      const reply = await new Promise<Buffer>((resolve, reject) => {
        const s = connect(
          {
            host: '127.0.0.1',
            port: t.server.socketPort,
            ca: pem(pki.caCert),
            cert: pem(pki.client('alice').cert),
            key: pem(pki.client('alice').key),
            servername: 'localhost',
          },
          () => {
            s.write(Buffer.from('0123456789abcdef'));
          },
        );
        const chunks: Buffer[] = [];
        s.on('data', (c: Buffer) => chunks.push(c));
        s.on('end', () => {
          resolve(Buffer.concat(chunks));
        });
        s.on('error', reject);
      });
      const m = decodeResponseMessage(decodeTtlv(reply));
      assert.equal(m.batchItems?.[0]?.resultReason, ResultReason.InvalidMessage);
      const again = client('alice');
      await again.query([1]);
      await again.close();
    },
  );

  void it('HTTPS: client certificates authenticate by CN', { skip }, async () => {
    const get = (cert?: { cert: string; key: string }): Promise<{ status: number; body: string }> =>
      new Promise((resolve, reject) => {
        const req = request(
          {
            host: '127.0.0.1',
            port: t.server.httpPort,
            path: '/me',
            ca: pem(pki.caCert),
            servername: 'localhost',
            ...(cert === undefined ? {} : { cert: pem(cert.cert), key: pem(cert.key) }),
          },
          (res) => {
            let body = '';
            res.on('data', (c: Buffer) => (body += c.toString()));
            res.on('end', () => {
              resolve({ status: res.statusCode ?? 0, body });
            });
          },
        );
        req.on('error', reject);
        req.end();
      });
    assert.deepEqual(await get(pki.client('bob')), { status: 200, body: '{"user":"bob"}' });
    assert.equal((await get()).status, 401);
    assert.equal((await get(pki.rogue)).status, 401);
  });

  void it('PyKMIP (KMIP 1.2 over mutual TLS): create, register, get, locate, attributes, activate, encrypt, decrypt, revoke, destroy', async (ctx) => {
    if (skip !== undefined) {
      ctx.skip(skip);
      return;
    }
    const why = await pykmipSkipReason();
    if (why !== undefined) {
      ctx.skip(why);
      return;
    }
    const script = fileURLToPath(new URL('./_test/pykmip_scenario.py', import.meta.url));
    const { cert, key } = pki.client('pykmip');
    const output = await new Promise<string>((resolve, reject) => {
      execFile(
        PYTHON,
        [script, '127.0.0.1', String(t.server.socketPort), cert, key, pki.caCert],
        { timeout: 60_000 },
        (error, stdout, stderr) => {
          if (error !== null)
            reject(new Error(`PyKMIP scenario failed: ${stderr.slice(-2000)}\n${stdout}`));
          else resolve(stdout);
        },
      );
    });
    if (process.env['KMS_TEST_VERBOSE'] !== undefined) console.log(output);
    const steps = new Map(
      output
        .trim()
        .split('\n')
        .map((l) => {
          const o = JSON.parse(l) as { step: string } & Record<string, unknown>;
          return [o.step, o];
        }),
    );
    const uid = steps.get('create')?.['uid'] as string;
    assert.equal(typeof uid, 'string');
    assert.equal(steps.get('get')?.['length'], 32);
    assert.equal(steps.get('get-registered')?.['equal'], true);
    assert.deepEqual(steps.get('locate')?.['found'], [uid]);
    const attrs = steps.get('get-attributes')?.['attributes'] as Record<string, string>;
    assert.match(attrs['State'] ?? '', /PRE_ACTIVE/);
    assert.match(attrs['Cryptographic Algorithm'] ?? '', /AES/);
    assert.match(steps.get('activate')?.['state'] as string, /ACTIVE/);
    assert.equal(steps.get('encrypt-decrypt')?.['ok'], true);
    assert.match(steps.get('revoke')?.['state'] as string, /DEACTIVATED/);
    assert.match(steps.get('destroy')?.['state'] as string, /DESTROYED/);
    assert.equal(steps.get('get-destroyed')?.['refused'], true);
    // The ciphertext PyKMIP received is standard AES-256-CBC (PKCS#7, zero IV) under the key it got.
    const ed = steps.get('encrypt-decrypt') as Record<string, string>;
    const ref = createCipheriv(
      'aes-256-cbc',
      Buffer.from(steps.get('get')?.['key'] as string, 'hex'),
      Buffer.alloc(16),
    );
    const expected = Buffer.concat([
      ref.update(Buffer.from(ed['plaintext'] as string, 'hex')),
      ref.final(),
    ]);
    assert.equal(ed['ciphertext'], expected.toString('hex'));
  });
});

void describe('HTTPS with PKCS#12', () => {
  const skip = opensslSkipReason();
  void it('starts from a PKCS#12 file', { skip }, async () => {
    const pki = makePki([]);
    const t = await startTestServer({
      settings: {
        'http.tls': 'true',
        'tls.p12_file': pki.serverP12,
        'tls.p12_password': pki.p12Password,
      },
    });
    try {
      assert.match(t.url, /^https:/);
      const status = await new Promise<number>((resolve, reject) => {
        const req = request(
          {
            host: '127.0.0.1',
            port: t.server.httpPort,
            path: '/health',
            ca: pem(pki.caCert),
            servername: 'localhost',
          },
          (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          },
        );
        req.on('error', reject);
        req.end();
      });
      assert.equal(status, 200);
    } finally {
      await t.close();
      rmSync(pki.dir, { recursive: true, force: true });
    }
  });
});
