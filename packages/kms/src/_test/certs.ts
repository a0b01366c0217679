/**
 * Test PKI made with the openssl command at test time in a temporary folder: a CA, a server
 * certificate for localhost/127.0.0.1 (PEM and PKCS#12), client certificates by CN, and one
 * client certificate from another CA (must be refused).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestPki {
  readonly dir: string;
  readonly caCert: string;
  readonly serverCert: string;
  readonly serverKey: string;
  readonly serverP12: string;
  readonly p12Password: string;
  /** PEM paths of a client certificate and key by CN. */
  client(cn: string): { cert: string; key: string };
  /** A client certificate signed by an unknown CA. */
  readonly rogue: { cert: string; key: string };
}

let available: string | undefined | null = null;

/** Undefined when openssl works, else why certificate tests skip. */
export function opensslSkipReason(): string | undefined {
  if (available !== null) return available;
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    available = undefined;
  } catch {
    available = 'the openssl command is not available';
  }
  return available;
}

function ssl(dir: string, args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
}

function keyAndCsr(dir: string, name: string, subject: string): void {
  ssl(dir, [
    'req',
    '-new',
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
  ]);
}

function signWith(dir: string, ca: string, name: string, extensions: string): void {
  writeFileSync(join(dir, `${name}.ext`), extensions);
  ssl(dir, [
    'x509',
    '-req',
    '-in',
    `${name}.csr`,
    '-CA',
    `${ca}.crt`,
    '-CAkey',
    `${ca}.key`,
    '-CAcreateserial',
    '-out',
    `${name}.crt`,
    '-days',
    '2',
    '-sha256',
    '-extfile',
    `${name}.ext`,
  ]);
}

function makeCa(dir: string, name: string): void {
  ssl(dir, [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-keyout',
    `${name}.key`,
    '-out',
    `${name}.crt`,
    '-days',
    '2',
    '-subj',
    `/CN=${name}`,
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  ]);
}

/** Creates the PKI (RSA client keys for PyKMIP compatibility are not needed: EC works). */
export function makePki(clients: readonly string[]): TestPki {
  const dir = mkdtempSync(join(tmpdir(), 'custos-kms-pki-'));
  makeCa(dir, 'ca');
  makeCa(dir, 'rogue-ca');
  keyAndCsr(dir, 'server', '/CN=localhost');
  signWith(
    dir,
    'ca',
    'server',
    'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n',
  );
  const p12Password = 'test-password';
  ssl(dir, [
    'pkcs12',
    '-export',
    '-in',
    'server.crt',
    '-inkey',
    'server.key',
    '-out',
    'server.p12',
    '-passout',
    `pass:${p12Password}`,
  ]);
  for (const cn of clients) {
    keyAndCsr(dir, `client-${cn}`, `/CN=${cn}`);
    signWith(dir, 'ca', `client-${cn}`, 'extendedKeyUsage=clientAuth\n');
  }
  keyAndCsr(dir, 'rogue', '/CN=alice');
  signWith(dir, 'rogue-ca', 'rogue', 'extendedKeyUsage=clientAuth\n');
  const p = (f: string): string => join(dir, f);
  return {
    dir,
    caCert: p('ca.crt'),
    serverCert: p('server.crt'),
    serverKey: p('server.key'),
    serverP12: p('server.p12'),
    p12Password,
    client: (cn) => ({ cert: p(`client-${cn}.crt`), key: p(`client-${cn}.key`) }),
    rogue: { cert: p('rogue.crt'), key: p('rogue.key') },
  };
}

export function pem(path: string): string {
  return readFileSync(path, 'utf8');
}
