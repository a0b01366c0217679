/**
 * `custos certificates certify|import|export|validate`: X.509 certificates on the KMS. The work
 * is in `_certificates.ts`, imported when a command runs.
 */
import { registerCommand, type CommandSpec } from './_commands.ts';

function run(action: 'certify' | 'import' | 'export' | 'validate'): CommandSpec['run'] {
  return async (ctx, args) => {
    const { runCertificates } = await import('./_certificates.ts');
    return runCertificates(action, ctx, args);
  };
}

registerCommand(['certificates', 'certify'], {
  summary: 'issue a certificate: for a CSR, a public key of the server, or a new key pair',
  description: `Exactly one source: --csr FILE (PKCS#10, PEM or DER), --public-key-id ID, or --generate ALG (a new
key pair). Self-signed unless --issuer-private-key-id (and --issuer-certificate-id) name the issuer.`,
  options: {
    csr: {
      value: 'FILE',
      short: 'r',
      help: 'certificate signing request (PEM or DER)',
      complete: 'file',
    },
    'public-key-id': { value: 'ID', short: 'p', help: 'certify this public key of the server' },
    generate: {
      value: 'ALG',
      short: 'g',
      help: 'generate a key pair and certify it',
      choices: ['rsa', 'p256', 'p384', 'p521', 'ed25519', 'ml-dsa-44', 'ml-dsa-65', 'ml-dsa-87'],
    },
    subject: { value: 'DN', short: 's', help: 'subject, e.g. "CN=alice,O=Example,C=FR"' },
    'issuer-private-key-id': {
      value: 'ID',
      short: 'k',
      help: "issuer's private key on the server",
    },
    'issuer-certificate-id': {
      value: 'ID',
      short: 'c',
      help: "issuer's certificate on the server",
    },
    days: { value: 'N', short: 'd', help: 'validity in days' },
    extensions: {
      value: 'FILE',
      short: 'e',
      help: 'X.509 v3 extensions (OpenSSL -extfile syntax)',
      complete: 'file',
    },
    tag: { value: 'TAG', short: 't', repeat: true, help: 'tag the certificate (repeatable)' },
  },
  args: [{ name: 'ID', help: 'identifier to give the certificate', optional: true }],
  run: run('certify'),
});

registerCommand(['certificates', 'import'], {
  summary: 'import a certificate (PEM or DER) into the server',
  options: {
    tag: { value: 'TAG', short: 't', repeat: true, help: 'tag the certificate (repeatable)' },
    replace: { help: 'replace an existing object with this ID (yours)' },
  },
  args: [
    {
      name: 'FILE',
      help: 'certificate file (PEM or DER; the first certificate of a PEM file)',
      complete: 'file',
    },
    { name: 'ID', help: 'identifier to store it under', optional: true },
  ],
  run: run('import'),
});

registerCommand(['certificates', 'export'], {
  summary: 'export a certificate to a file',
  options: {
    format: {
      value: 'FMT',
      short: 'f',
      help: 'file format (default x509-pem)',
      choices: ['x509-pem', 'x509-der', 'json-ttlv'],
    },
  },
  args: [
    { name: 'ID', help: 'the certificate' },
    { name: 'FILE', help: 'output file, "-" for stdout', complete: 'file' },
  ],
  run: run('export'),
});

registerCommand(['certificates', 'validate'], {
  summary: 'validate certificates: chain, validity dates, revocation',
  description: 'Exit status 0 when valid, 1 when invalid or unknown.',
  options: {
    'certificate-id': {
      value: 'ID',
      short: 'k',
      repeat: true,
      help: 'a certificate on the server (repeatable)',
    },
    date: { value: 'ISO', help: 'validate as of this date (default now)' },
  },
  args: [
    {
      name: 'FILE',
      help: 'certificate files (PEM or DER)',
      optional: true,
      variadic: true,
      complete: 'file',
    },
  ],
  run: run('validate'),
});
