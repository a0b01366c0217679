/**
 * The X.509 layer without a server: extension descriptions, names, certificate/CSR/PEM/PKCS#7
 * parsing of hostile bytes (always a KmsError with the right code, never anything else), and
 * the round trip issue → parse → verify for each signature algorithm, checked with node:crypto.
 */
import assert from 'node:assert/strict';
import { X509Certificate, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { provider } from '@custos/crypto';
import { KmsError } from './errors.ts';
import { signingAlgorithm } from './_x509-algorithms.ts';
import { issueCertificate } from './_x509-build.ts';
import {
  certificatesOf,
  parseCertificate,
  parseCsr,
  pemEncode,
  pkcs7Certificates,
  pkcs7Encode,
} from './_x509-cert.ts';
import { buildExtensions, keyIdentifier, parseExtensionRequest } from './_x509-extensions.ts';
import { nameFromAttributes, nameText, sameName } from './_x509-names.ts';
import { verifySignature } from './_x509-sign.ts';

function throwsCode(fn: () => unknown, code: string, message?: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof KmsError, `expected a KmsError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    if (message !== undefined) assert.match(e.message, message);
    return true;
  });
}

async function selfSigned(
  alg: 'p256' | 'p384' | 'p521' | 'rsa' | 'ed25519' | 'ml-dsa-65',
  extensions = '',
) {
  const pair = await provider.keys.generate(alg, alg === 'rsa' ? { modulusBits: 2048 } : undefined);
  const spki = await provider.keys.exportPublic(pair.publicKey, 'spki');
  const name = nameFromAttributes({
    certificateSubjectCN: `rt ${alg}`,
    certificateSubjectO: 'Custos',
  });
  const now = new Date(Math.floor(Date.now() / 1000) * 1000);
  const cert = await issueCertificate({
    subject: name,
    subjectSpki: spki,
    issuer: name,
    issuerKeyId: keyIdentifier(spki),
    selfSigned: true,
    notBefore: now,
    notAfter: new Date(now.getTime() + 86_400_000),
    extensions: parseExtensionRequest(extensions),
    algorithm: signingAlgorithm(alg, {}),
    key: pair.privateKey,
  });
  return { cert, spki };
}

const SPKI = new Uint8Array(
  generateKeyPairSync('ed25519').publicKey.export({ format: 'der', type: 'spki' }),
);

void describe('extension descriptions', () => {
  void it('reads sections, comments and every supported key', () => {
    const r = parseExtensionRequest(`# top
[ other ]
keyUsage = digitalSignature
[ v3_ca ]
basicConstraints = critical, CA:TRUE, pathlen:2
keyUsage = keyCertSign, cRLSign
extendedKeyUsage = serverAuth, 1.2.3.4
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always, issuer
subjectAltName = DNS:a.example, IP:::1, URI:https://a.example/, RID:1.2.3
crlDistributionPoints = URI:http://crl.example/x.crl
authorityInfoAccess = OCSP;URI:http://ocsp.example, caIssuers;URI:http://ca.example/ca.crt
certificatePolicies = 2.23.140.1.2.1
`);
    assert.equal(r.keyUsage, 'keyCertSign, cRLSign', 'the v3_ca section wins');
    const exts = buildExtensions(r, {
      subjectSpki: SPKI,
      issuerKeyId: new Uint8Array(20),
      selfSigned: false,
    }).map((e) => e.extnID);
    assert.equal(exts.length, 9);
  });

  void it('refuses what it does not know, with the key named', () => {
    const bad: [string, RegExp][] = [
      ['nsComment = hi', /nsComment.*not supported/],
      ['keyUsage', /key = value/],
      ['keyUsage = digitalSignature\nkeyUsage = keyCertSign', /twice/],
      ['[a]\n[a]', /twice/],
      ['basicConstraints = CA:MAYBE', /CA:TRUE/],
      ['basicConstraints = CA:FALSE, pathlen:1', /pathlen needs CA:TRUE/],
      ['extendedKeyUsage = flying', /flying/],
      ['subjectAltName = otherName:1.2;UTF8:x', /otherName/],
      ['subjectAltName = email:nobody', /email/],
      ['authorityKeyIdentifier = critical, keyid', /critical/],
      ['authorityKeyIdentifier = issuer:always', /not supported/],
      ['certificatePolicies = hello', /not an OID/],
      ['x'.repeat(20_000), /too long/],
    ];
    for (const [text, message] of bad)
      throwsCode(
        () =>
          buildExtensions(parseExtensionRequest(text), {
            subjectSpki: SPKI,
            issuerKeyId: new Uint8Array(20),
            selfSigned: true,
          }),
        'ERR_KMS_X509_EXTENSION',
        message,
      );
  });
});

void describe('names', () => {
  void it('builds, renders and compares distinguished names', () => {
    const a = nameFromAttributes({ certificateSubjectCN: 'A, B', certificateSubjectC: 'FR' });
    assert.equal(nameText(a), 'CN=A\\, B,C=FR');
    assert.ok(
      sameName(a, nameFromAttributes({ certificateSubjectCN: 'a,  b', certificateSubjectC: 'FR' })),
    );
    assert.ok(!sameName(a, nameFromAttributes({ certificateSubjectCN: 'A, B' })));
    throwsCode(() => nameFromAttributes({}), 'ERR_KMS_X509_EXTENSION', /subject/);
    throwsCode(
      () => nameFromAttributes({ certificateSubjectEmail: 'é@x' }),
      'ERR_KMS_X509_EXTENSION',
      /ASCII/,
    );
  });
});

void describe('issue, parse, verify', () => {
  for (const alg of ['p256', 'p384', 'p521', 'rsa', 'ed25519', 'ml-dsa-65'] as const) {
    void it(`${alg}: node:crypto verifies what we sign, we verify it too`, async () => {
      const { cert, spki } = await selfSigned(alg, 'basicConstraints = critical, CA:TRUE');
      const x = new X509Certificate(cert.der);
      assert.ok(x.verify(createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' })));
      assert.ok(x.ca);
      assert.equal(
        (await verifySignature(cert.tbs, cert.signatureAlgorithm, cert.signature, spki)).status,
        'valid',
      );
      const bad = cert.tbs.slice();
      bad[bad.length - 1] = (bad[bad.length - 1] as number) ^ 1;
      assert.equal(
        (await verifySignature(bad, cert.signatureAlgorithm, cert.signature, spki)).status,
        'invalid',
      );
    });
  }

  void it('reads PEM bundles with text around them, PKCS#7 both ways, RFC 7093 key identifiers', async () => {
    const { cert } = await selfSigned('p256');
    const pem = pemEncode('CERTIFICATE', cert.der) + pemEncode('CERTIFICATE', cert.der);
    assert.equal(certificatesOf(new TextEncoder().encode(`junk before\n${pem}`)).length, 2);
    const p7 = pkcs7Encode([cert.der, cert.der]);
    assert.deepEqual(pkcs7Certificates(p7), [cert.der, cert.der]);
    assert.deepEqual(certificatesOf(p7), [cert.der, cert.der]);
    assert.equal(certificatesOf(new TextEncoder().encode(pemEncode('PKCS7', p7))).length, 2);
    // The subject key identifier is RFC 7093 method 1.
    const { publicKey } = generateKeyPairSync('ed25519');
    const spki = new Uint8Array(publicKey.export({ format: 'der', type: 'spki' }));
    assert.deepEqual(
      keyIdentifier(spki),
      provider.hash.digest('sha256', spki.subarray(spki.length - 32)).slice(0, 20),
    );
  });
});

void describe('hostile bytes', () => {
  void it('certificates, containers and requests fail with their own code only', async () => {
    const { cert } = await selfSigned('ed25519');
    const check = (bytes: Uint8Array): void => {
      for (const [fn, code] of [
        [() => parseCertificate(bytes), 'ERR_KMS_INVALID_CERTIFICATE'],
        [
          () => certificatesOf(bytes).map((d) => parseCertificate(d)),
          'ERR_KMS_INVALID_CERTIFICATE',
        ],
        [() => parseCsr(bytes, false), 'ERR_KMS_INVALID_CSR'],
        [() => parseCsr(bytes, true), 'ERR_KMS_INVALID_CSR'],
      ] as const) {
        try {
          fn();
        } catch (e) {
          assert.ok(e instanceof KmsError, `not a KmsError: ${String(e)}`);
          assert.equal(e.code, code);
        }
      }
    };
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        check(bytes);
      }),
      { numRuns: 300 },
    );
    // Mutations of a real certificate: one byte changed, or cut anywhere.
    fc.assert(
      fc.property(fc.nat(cert.der.length - 1), fc.integer({ min: 1, max: 255 }), (i, x) => {
        const b = cert.der.slice();
        b[i] = (b[i] as number) ^ x;
        check(b);
        check(cert.der.subarray(0, i));
      }),
      { numRuns: 300 },
    );
  });
});
