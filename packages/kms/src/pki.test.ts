/**
 * PKI end to end over HTTP: Certify (self-signed, by a CA held in the KMS, from a CSR, renewal),
 * certificates in and out (DER, PEM bundles, PKCS#7), Validate, and hostile inputs. Certificates
 * the server issues are checked with node:crypto's X509Certificate and the openssl command
 * (independent implementations); openssl-made certificates and requests are fed to the server.
 */
import assert from 'node:assert/strict';
import { X509Certificate, createPublicKey } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import {
  CertificateRequestType,
  CertificateType,
  CryptographicAlgorithm,
  KeyFormatType,
  RecommendedCurve,
  DigitalSignatureAlgorithm,
  HashingAlgorithm,
  LinkType,
  ObjectType,
  Operation,
  RevocationReasonCode,
  State,
  batchItem,
  type KmipClient,
} from '@custos/kmip';
import { rejectsWithReason, ResultReason } from './_test/assert.ts';
import { opensslSkipReason } from './_test/certs.ts';
import { startTestServer, type TestServer } from './_test/harness.ts';
import {
  PAST,
  certificateCount,
  certificateDer,
  certify,
  nodeKeyPair,
  openssl,
  pemOf,
  read,
  registerKeyPair,
  tempDir,
  validate,
  vendor,
  write,
  x509,
  type TestKeyAlgorithm,
} from './_test/pki.ts';
import { parseCertificate } from './_x509-cert.ts';

const CA_EXTENSIONS = `[ v3_ca ]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign, digitalSignature
`;

const noOpenssl = opensslSkipReason();

let t: TestServer;
let c: KmipClient;

before(async () => {
  t = await startTestServer();
  c = t.client();
});
after(async () => {
  await t.close();
});

async function attributesOf(uid: string) {
  return (await c.call(batchItem(Operation.GetAttributes, { uniqueIdentifier: uid }))).attributes;
}

function link(a: Awaited<ReturnType<typeof attributesOf>>, type: number): string | undefined {
  return a.links?.find((l) => l.linkType === type)?.linkedObjectIdentifier as string | undefined;
}

/** A self-signed CA held in the KMS. */
async function makeCa(
  alg: TestKeyAlgorithm,
  cn: string,
  extra = '',
): Promise<{ sk: string; pk: string; cert: string }> {
  const keys = await registerKeyPair(c, alg);
  const cert = await certify(c, {
    uniqueIdentifier: keys.pk,
    attributes: {
      certificateSubjectCN: cn,
      certificateSubjectO: 'Custos Test',
      vendorAttributes: [vendor('x509-extension', CA_EXTENSIONS + extra)],
    },
  });
  return { ...keys, cert };
}

void describe('Certify', () => {
  void it('self-signs a registered key pair for every signing algorithm', async () => {
    for (const alg of ['p256', 'p384', 'rsa', 'ed25519', 'ml-dsa-44'] as const) {
      const pair = nodeKeyPair(alg);
      const keys = await registerKeyPair(c, alg, pair);
      const uid = await certify(c, {
        uniqueIdentifier: keys.pk,
        attributes: {
          certificateSubjectCN: `self ${alg}`,
          certificateSubjectC: 'FR',
          vendorAttributes: [vendor('requested_validity_days', '30')],
        },
      });
      const cert = await x509(c, uid);
      assert.equal(cert.subject, `C=FR\nCN=self ${alg}`, alg);
      assert.equal(cert.issuer, cert.subject);
      const spki = createPublicKey({ key: Buffer.from(pair.spki), format: 'der', type: 'spki' });
      assert.ok(cert.verify(spki), `${alg}: node verifies the self-signature`);
      assert.ok(cert.publicKey.equals(spki));
      assert.equal(cert.serialNumber.length, 32, 'a 128-bit serial number');
      const days = (Date.parse(cert.validTo) - Date.parse(cert.validFrom)) / 86_400_000;
      assert.equal(days, 30);
      const a = await attributesOf(uid);
      assert.equal(a.objectType, ObjectType.Certificate);
      assert.equal(a.certificateSubjectCN, `self ${alg}`);
      assert.equal(a.certificateIssuerCN, `self ${alg}`);
      assert.equal(link(a, LinkType.PublicKeyLink), keys.pk);
      assert.equal(link(a, LinkType.PrivateKeyLink), keys.sk);
      assert.equal(link(a, LinkType.CertificateLink), undefined);
      assert.equal(a.state, State.Active);
      assert.equal(a.deactivationDate?.getTime(), Date.parse(cert.validTo));
      assert.equal(link(await attributesOf(keys.pk), LinkType.CertificateLink), uid);
      assert.equal(link(await attributesOf(keys.sk), LinkType.CertificateLink), uid);
    }
  });

  void it('signs with RSASSA-PSS and SHA-384/512 when asked', async () => {
    const keys = await registerKeyPair(c, 'rsa');
    const pss = await certify(c, {
      uniqueIdentifier: keys.pk,
      attributes: {
        certificateSubjectCN: 'pss',
        cryptographicParameters: {
          digitalSignatureAlgorithm: DigitalSignatureAlgorithm.RSASSA_PSS,
          hashingAlgorithm: HashingAlgorithm.SHA_512,
        },
      },
    });
    const der = await certificateDer(c, pss);
    const cert = new X509Certificate(der);
    assert.ok(cert.verify(cert.publicKey));
    assert.equal(parseCertificate(der).signatureAlgorithm.algorithm, '1.2.840.113549.1.1.10');
    const sha384 = await certify(c, {
      uniqueIdentifier: keys.pk,
      attributes: {
        certificateSubjectCN: 'sha384',
        digitalSignatureAlgorithm: DigitalSignatureAlgorithm.SHA_384WithRSAEncryption,
      },
    });
    const der384 = await certificateDer(c, sha384);
    assert.equal(parseCertificate(der384).signatureAlgorithm.algorithm, '1.2.840.113549.1.1.12');
    assert.ok(new X509Certificate(der384).verify(cert.publicKey));
    await rejectsWithReason(
      certify(c, {
        uniqueIdentifier: keys.pk,
        attributes: {
          certificateSubjectCN: 'x',
          digitalSignatureAlgorithm: DigitalSignatureAlgorithm.ECDSAWithSHA256,
        },
      }),
      ResultReason.UnsupportedCryptographicParameters,
    );
  });

  void it('issues from a CA held in the KMS, with the requested extensions', async (ctx) => {
    const ca = await makeCa('p256', 'Test Root CA');
    const leafKeys = await registerKeyPair(c, 'rsa');
    const leaf = await certify(c, {
      uniqueIdentifier: leafKeys.pk,
      attributes: {
        certificateSubjectCN: 'leaf.example',
        certificateSubjectOU: 'Ops',
        links: [{ linkType: LinkType.CertificateLink, linkedObjectIdentifier: ca.cert }],
        vendorAttributes: [
          vendor(
            'x509-extension',
            [
              '# a leaf',
              'basicConstraints = critical,CA:FALSE',
              'keyUsage = critical, digitalSignature, keyEncipherment',
              'extendedKeyUsage = serverAuth, clientAuth',
              'subjectAltName = DNS:leaf.example, IP:192.0.2.7, email:ops@leaf.example',
              'crlDistributionPoints = URI:http://crl.example/ca.crl',
            ].join('\n'),
          ),
        ],
      },
    });
    const caDer = await certificateDer(c, ca.cert);
    const leafDer = await certificateDer(c, leaf);
    const caCert = new X509Certificate(caDer);
    const leafCert = new X509Certificate(leafDer);
    assert.ok(caCert.ca);
    assert.equal(leafCert.ca, false);
    assert.ok(leafCert.checkIssued(caCert));
    assert.ok(leafCert.verify(caCert.publicKey));
    assert.equal(
      leafCert.subjectAltName,
      'DNS:leaf.example, IP Address:192.0.2.7, email:ops@leaf.example',
    );
    assert.deepEqual(leafCert.keyUsage, ['1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2']);
    const parsed = parseCertificate(leafDer);
    const caParsed = parseCertificate(caDer);
    assert.equal(parsed.keyUsage, 1 | 4);
    assert.deepEqual(parsed.authorityKeyId, caParsed.subjectKeyId);
    const a = await attributesOf(leaf);
    assert.equal(link(a, LinkType.CertificateLink), ca.cert);
    assert.equal(link(a, LinkType.PublicKeyLink), leafKeys.pk);
    assert.equal(a.certificateIssuerCN, 'Test Root CA');
    // openssl agrees (an independent path validation).
    if (noOpenssl !== undefined) {
      ctx.diagnostic(noOpenssl);
      return;
    }
    const dir = tempDir();
    write(dir, 'ca.pem', pemOf(caDer));
    write(dir, 'leaf.pem', pemOf(leafDer));
    assert.match(openssl(dir, ['verify', '-CAfile', 'ca.pem', 'leaf.pem']), /leaf.pem: OK/);
    const v = await validate(c, { uniqueIdentifiers: [leaf] });
    assert.equal(v.indicator, 'valid', v.message);
    assert.match(v.message, /ending at the self-signed root .*Test Root CA.*held in the KMS/);
  });

  void it('certifies an openssl CSR (signature checked, SAN kept) and refuses a tampered one', async (ctx) => {
    if (noOpenssl !== undefined) {
      ctx.skip(noOpenssl);
      return;
    }
    const ca = await makeCa('p384', 'CSR CA');
    const dir = tempDir();
    openssl(dir, [
      'req',
      '-new',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      'k.pem',
      '-out',
      'r.pem',
      '-subj',
      '/CN=from-csr/O=Req',
      '-addext',
      'subjectAltName=DNS:csr.example',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
    ]);
    const pemCsr = new TextEncoder().encode(openssl(dir, ['req', '-in', 'r.pem']));
    const issuerLink = [{ linkType: LinkType.CertificateLink, linkedObjectIdentifier: ca.cert }];
    const uid = await certify(c, {
      certificateRequestType: CertificateRequestType.PEM,
      certificateRequestValue: pemCsr,
      attributes: { links: issuerLink },
    });
    const der = await certificateDer(c, uid);
    const cert = new X509Certificate(der);
    assert.equal(cert.subject, 'CN=from-csr\nO=Req');
    assert.equal(cert.subjectAltName, 'DNS:csr.example');
    assert.equal(cert.ca, false, 'a CA:TRUE asked in the CSR is not granted');
    write(dir, 'ca.pem', pemOf(await certificateDer(c, ca.cert)));
    write(dir, 'c.pem', pemOf(der));
    assert.match(openssl(dir, ['verify', '-CAfile', 'ca.pem', 'c.pem']), /c.pem: OK/);
    // The private key never reached the KMS, but the certificate matches it.
    openssl(dir, ['x509', '-in', 'c.pem', '-noout', '-pubkey', '-out', 'cpub.pem']);
    openssl(dir, ['pkey', '-in', 'k.pem', '-pubout', '-out', 'kpub.pem']);
    assert.equal(
      openssl(dir, ['pkey', '-pubin', '-in', 'cpub.pem']),
      openssl(dir, ['pkey', '-pubin', '-in', 'kpub.pem']),
    );
    // DER request, type PKCS#10.
    openssl(dir, ['req', '-in', 'r.pem', '-outform', 'DER', '-out', 'r.der']);
    const derCsr = new Uint8Array(read(dir, 'r.der'));
    await certify(c, {
      certificateRequestType: CertificateRequestType.PKCS_10,
      certificateRequestValue: derCsr,
      attributes: { links: issuerLink },
    });
    // A tampered request: one bit of the signature flipped.
    const before = await certificateCount(c);
    const bad = derCsr.slice();
    bad[bad.length - 3] = (bad[bad.length - 3] as number) ^ 1;
    await rejectsWithReason(
      certify(c, {
        certificateRequestType: CertificateRequestType.PKCS_10,
        certificateRequestValue: bad,
        attributes: { links: issuerLink },
      }),
      ResultReason.InvalidCSR,
      /signature does not verify/,
    );
    await rejectsWithReason(
      certify(c, {
        certificateRequestValue: new TextEncoder().encode(
          '-----BEGIN CERTIFICATE REQUEST-----\n!!!\n-----END CERTIFICATE REQUEST-----\n',
        ),
        attributes: { links: issuerLink },
      }),
      ResultReason.InvalidCSR,
    );
    await rejectsWithReason(
      certify(c, { certificateRequestValue: pemCsr }),
      ResultReason.InvalidField,
      /issuer/,
    );
    assert.equal(await certificateCount(c), before, 'nothing stored');
  });

  void it('generates the key pair when none is named, and issues by a CA named by its private key', async () => {
    const ca = await makeCa('ed25519', 'Key-named CA');
    const uid = await certify(c, {
      attributes: {
        cryptographicAlgorithm: CryptographicAlgorithm.EC,
        cryptographicDomainParameters: { recommendedCurve: RecommendedCurve.P_384 },
        certificateSubjectCN: 'generated',
        links: [{ linkType: LinkType.PrivateKeyLink, linkedObjectIdentifier: ca.sk }],
      },
    });
    const a = await attributesOf(uid);
    const pk = link(a, LinkType.PublicKeyLink) as string;
    const sk = link(a, LinkType.PrivateKeyLink) as string;
    assert.equal(
      link(a, LinkType.CertificateLink),
      ca.cert,
      'the CA certificate, found from its key',
    );
    const pkA = await attributesOf(pk);
    assert.equal(pkA.objectType, ObjectType.PublicKey);
    assert.equal(pkA.cryptographicLength, 384);
    assert.equal(link(pkA, LinkType.CertificateLink), uid);
    assert.equal(link(pkA, LinkType.PrivateKeyLink), sk);
    const cert = await x509(c, uid);
    assert.equal(cert.issuer, 'O=Custos Test\nCN=Key-named CA');
    assert.ok(cert.verify((await x509(c, ca.cert)).publicKey));
    const v = await validate(c, { uniqueIdentifiers: [uid] });
    assert.equal(v.indicator, 'valid', v.message);
  });

  void it('renews a certificate (same subject, key and extensions, new serial)', async () => {
    const ca = await makeCa('p256', 'Renewed CA');
    const renewed = await certify(c, {
      uniqueIdentifier: ca.cert,
      attributes: { vendorAttributes: [vendor('requested_validity_days', '10')] },
    });
    const a = parseCertificate(await certificateDer(c, ca.cert));
    const b = parseCertificate(await certificateDer(c, renewed));
    assert.equal(Buffer.compare(a.spki, b.spki), 0);
    assert.equal(Buffer.compare(a.subjectDer, b.subjectDer), 0);
    assert.notEqual(Buffer.from(a.serial).toString('hex'), Buffer.from(b.serial).toString('hex'));
    assert.equal(b.basicConstraints?.ca, true);
    assert.equal(b.keyUsage, a.keyUsage);
  });

  void it('refuses bad issuers, subjects, validities and extension descriptions, storing nothing', async () => {
    const leafKeys = await registerKeyPair(c, 'p256');
    const notCaKeys = await registerKeyPair(c, 'p256');
    const notCa = await certify(c, {
      uniqueIdentifier: notCaKeys.pk,
      attributes: { certificateSubjectCN: 'not a CA' },
    });
    const other = await registerKeyPair(c, 'p256');
    const ca = await makeCa('p256', 'Strict CA');
    const before = await certificateCount(c);
    const cases: [Parameters<typeof certify>[1], number, RegExp][] = [
      [
        { uniqueIdentifier: leafKeys.pk, attributes: {} },
        ResultReason.InvalidAttributeValue,
        /subject/,
      ],
      [
        {
          uniqueIdentifier: leafKeys.pk,
          attributes: {
            certificateSubjectCN: 'x',
            links: [{ linkType: LinkType.CertificateLink, linkedObjectIdentifier: notCa }],
          },
        },
        ResultReason.InvalidField,
        /not a CA/,
      ],
      [
        {
          uniqueIdentifier: leafKeys.pk,
          attributes: {
            certificateSubjectCN: 'x',
            links: [
              { linkType: LinkType.CertificateLink, linkedObjectIdentifier: ca.cert },
              { linkType: LinkType.PrivateKeyLink, linkedObjectIdentifier: other.sk },
            ],
          },
        },
        ResultReason.InvalidField,
        /does not match/,
      ],
      [
        {
          uniqueIdentifier: leafKeys.pk,
          attributes: { certificateSubjectCN: 'x', certificateSubjectC: 'France' },
        },
        ResultReason.InvalidAttributeValue,
        /country/,
      ],
      [
        {
          uniqueIdentifier: leafKeys.pk,
          attributes: {
            certificateSubjectCN: 'x',
            vendorAttributes: [vendor('x509-extension', 'nameConstraints = permitted;DNS:x')],
          },
        },
        ResultReason.InvalidAttributeValue,
        /nameConstraints.*not supported/,
      ],
      [
        {
          uniqueIdentifier: leafKeys.pk,
          attributes: {
            certificateSubjectCN: 'x',
            vendorAttributes: [vendor('x509-extension', 'keyUsage = flying')],
          },
        },
        ResultReason.InvalidAttributeValue,
        /flying/,
      ],
      [
        {
          uniqueIdentifier: leafKeys.pk,
          attributes: {
            certificateSubjectCN: 'x',
            vendorAttributes: [vendor('x509-extension', 'subjectAltName = IP:999.1.1.1')],
          },
        },
        ResultReason.InvalidAttributeValue,
        /not an IP address/,
      ],
      [
        {
          uniqueIdentifier: leafKeys.pk,
          attributes: {
            certificateSubjectCN: 'x',
            vendorAttributes: [vendor('requested_validity_days', '-3')],
          },
        },
        ResultReason.InvalidAttributeValue,
        /requested_validity_days/,
      ],
      [
        { uniqueIdentifier: leafKeys.sk, attributes: { certificateSubjectCN: 'x' } },
        ResultReason.IllegalObjectType,
        /neither/,
      ],
      [
        { attributes: { certificateSubjectCN: 'x' } },
        ResultReason.MissingData,
        /Cryptographic Algorithm/,
      ],
      [
        { uniqueIdentifier: 'no-such-key', attributes: { certificateSubjectCN: 'x' } },
        ResultReason.ItemNotFound,
        /not found/,
      ],
    ];
    for (const [request, reason, message] of cases)
      await rejectsWithReason(certify(c, request), reason, message);
    assert.equal(await certificateCount(c), before, 'nothing stored');
  });

  void it('refuses an issuer that is revoked or lacks keyCertSign', async () => {
    const ca = await makeCa('p256', 'Revoked CA');
    const noSign = await registerKeyPair(c, 'p256');
    const noSignCa = await certify(c, {
      uniqueIdentifier: noSign.pk,
      attributes: {
        certificateSubjectCN: 'No keyCertSign',
        vendorAttributes: [
          vendor('x509-extension', 'basicConstraints=CA:TRUE\nkeyUsage=digitalSignature'),
        ],
      },
    });
    const leaf = await registerKeyPair(c, 'p256');
    await rejectsWithReason(
      certify(c, {
        uniqueIdentifier: leaf.pk,
        attributes: {
          certificateSubjectCN: 'x',
          links: [{ linkType: LinkType.CertificateLink, linkedObjectIdentifier: noSignCa }],
        },
      }),
      ResultReason.InvalidField,
      /keyCertSign/,
    );
    await c.revoke(ca.cert, RevocationReasonCode.CACompromise);
    await rejectsWithReason(
      certify(c, {
        uniqueIdentifier: leaf.pk,
        attributes: {
          certificateSubjectCN: 'x',
          links: [{ linkType: LinkType.CertificateLink, linkedObjectIdentifier: ca.cert }],
        },
      }),
      ResultReason.InvalidField,
      /compromised/,
    );
  });
});

void describe('certificates in and out', () => {
  void it('registers a PEM bundle and a PKCS#7 as linked objects and exports the chain as PKCS#7', async (ctx) => {
    if (noOpenssl !== undefined) {
      ctx.skip(noOpenssl);
      return;
    }
    const dir = tempDir();
    openssl(dir, [
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
      'ca.pem',
      '-days',
      '3',
      '-subj',
      '/CN=Bundle Root',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign',
    ]);
    openssl(dir, [
      'req',
      '-new',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      'int.key',
      '-out',
      'int.csr',
      '-subj',
      '/CN=Bundle Intermediate',
    ]);
    write(
      dir,
      'int.ext',
      'basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n',
    );
    openssl(dir, [
      'x509',
      '-req',
      '-in',
      'int.csr',
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      'int.pem',
      '-days',
      '2',
      '-extfile',
      'int.ext',
    ]);
    openssl(dir, [
      'req',
      '-new',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      'leaf.key',
      '-out',
      'leaf.csr',
      '-subj',
      '/CN=bundle.example',
    ]);
    write(dir, 'leaf.ext', 'subjectAltName=DNS:bundle.example\nauthorityKeyIdentifier=keyid\n');
    openssl(dir, [
      'x509',
      '-req',
      '-in',
      'leaf.csr',
      '-CA',
      'int.pem',
      '-CAkey',
      'int.key',
      '-CAcreateserial',
      '-out',
      'leaf.pem',
      '-days',
      '1',
      '-extfile',
      'leaf.ext',
    ]);
    const bundle =
      openssl(dir, ['x509', '-in', 'leaf.pem']) +
      openssl(dir, ['x509', '-in', 'int.pem']) +
      openssl(dir, ['x509', '-in', 'ca.pem']);
    const leafUid = `bundle-${process.pid}`;
    await c.call(
      batchItem(Operation.Register, {
        objectType: ObjectType.Certificate,
        attributes: { uniqueIdentifier: leafUid },
        object: {
          kind: 'Certificate',
          certificateType: CertificateType.X_509,
          certificateValue: new TextEncoder().encode(bundle),
        },
      }),
    );
    const leafA = await attributesOf(leafUid);
    assert.equal(leafA.certificateSubjectCN, 'bundle.example');
    const intUid = link(leafA, LinkType.CertificateLink) as string;
    const intA = await attributesOf(intUid);
    assert.equal(intA.certificateSubjectCN, 'Bundle Intermediate');
    const rootUid = link(intA, LinkType.CertificateLink) as string;
    const rootA = await attributesOf(rootUid);
    assert.equal(rootA.certificateSubjectCN, 'Bundle Root');
    assert.equal(link(rootA, LinkType.CertificateLink), undefined);
    // Stored as DER; Get returns DER X.509 by default.
    const leafDer = await certificateDer(c, leafUid);
    assert.equal(new X509Certificate(leafDer).subject, 'CN=bundle.example');
    // PKCS#7 of the chain, read back by openssl.
    const p7 = await c.get(leafUid, { keyFormatType: 0x88800002 });
    assert.ok(p7.object.kind === 'Certificate');
    write(dir, 'chain.p7b', p7.object.certificateValue);
    const printed = openssl(dir, [
      'pkcs7',
      '-inform',
      'DER',
      '-in',
      'chain.p7b',
      '-print_certs',
      '-noout',
    ]);
    assert.deepEqual(
      [...printed.matchAll(/subject=CN ?= ?([^\n]+)/g)].map((m) => m[1]),
      ['bundle.example', 'Bundle Intermediate', 'Bundle Root'],
    );
    const v = await validate(c, { uniqueIdentifiers: [leafUid] });
    assert.equal(v.indicator, 'valid', v.message);
    // The same chain as an openssl PKCS#7 (DER): the issuers already held are reused.
    openssl(dir, [
      'crl2pkcs7',
      '-nocrl',
      '-certfile',
      'leaf.pem',
      '-certfile',
      'int.pem',
      '-outform',
      'DER',
      '-out',
      'in.p7b',
    ]);
    const count = await certificateCount(c);
    const p7uid = await c.call(
      batchItem(Operation.Register, {
        objectType: ObjectType.Certificate,
        attributes: {},
        object: {
          kind: 'Certificate',
          certificateType: CertificateType.X_509,
          certificateValue: new Uint8Array(read(dir, 'in.p7b')),
        },
      }),
    );
    assert.equal(await certificateCount(c), count + 1, 'only the leaf is new');
    assert.equal(
      link(await attributesOf(p7uid.uniqueIdentifier as string), LinkType.CertificateLink),
      intUid,
    );
  });

  void it('imports an openssl PKCS#12 (key, certificate, chain) as linked objects', async (ctx) => {
    if (noOpenssl !== undefined) {
      ctx.skip(noOpenssl);
      return;
    }
    const dir = tempDir();
    openssl(dir, [
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
      'ca.pem',
      '-days',
      '3',
      '-subj',
      '/CN=P12 Root',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign',
    ]);
    openssl(dir, [
      'req',
      '-new',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      'leaf.key',
      '-out',
      'leaf.csr',
      '-subj',
      '/CN=p12.example',
    ]);
    openssl(dir, [
      'x509',
      '-req',
      '-in',
      'leaf.csr',
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      'leaf.pem',
      '-days',
      '1',
    ]);
    openssl(dir, [
      'pkcs12',
      '-export',
      '-inkey',
      'leaf.key',
      '-in',
      'leaf.pem',
      '-certfile',
      'ca.pem',
      '-out',
      'x.p12',
      '-passout',
      'pass:s3cret',
      '-name',
      'p12 leaf',
    ]);
    const pfx = new Uint8Array(read(dir, 'x.p12'));
    const request = (password: string, uid: string) =>
      batchItem(Operation.Import, {
        uniqueIdentifier: uid,
        objectType: ObjectType.PrivateKey,
        attributes: { vendorAttributes: [vendor('pkcs12_password', password)] },
        object: {
          kind: 'PrivateKey',
          keyBlock: { keyFormatType: KeyFormatType.PKCS_12, keyValue: { keyMaterial: pfx } },
        },
      });
    const before = await certificateCount(c);
    await rejectsWithReason(
      c.call(request('wrong', `p12-bad-${process.pid}`)),
      ResultReason.InvalidField,
      /PKCS#12 password is wrong or the file is corrupt$/,
    );
    assert.equal(await certificateCount(c), before, 'nothing stored');
    const skUid = `p12-${process.pid}`;
    await c.call(request('s3cret', skUid));
    const sk = await attributesOf(skUid);
    const leafUid = link(sk, LinkType.CertificateLink) as string;
    const leaf = await attributesOf(leafUid);
    assert.equal(leaf.certificateSubjectCN, 'p12.example');
    assert.equal(link(leaf, LinkType.PrivateKeyLink), skUid);
    const rootUid = link(leaf, LinkType.CertificateLink) as string;
    assert.equal((await attributesOf(rootUid)).certificateSubjectCN, 'P12 Root');
    const v = await validate(c, { uniqueIdentifiers: [leafUid] });
    assert.equal(v.indicator, 'valid', v.message);
  });

  void it('rejects hostile certificate values cleanly and stores nothing', async () => {
    const before = await certificateCount(c);
    const te = new TextEncoder();
    const good = parseCertificate(
      await certificateDer(c, (await makeCa('p256', 'Hostile ref')).cert),
    ).der;
    const truncated = good.slice(0, good.length - 10);
    const trailing = new Uint8Array([...good, 0]);
    const values: [string, Uint8Array][] = [
      ['empty', new Uint8Array(0)],
      ['garbage', te.encode('hello world')],
      ['truncated DER', truncated],
      ['trailing byte', trailing],
      ['bad base64', te.encode('-----BEGIN CERTIFICATE-----\nMII$$$\n-----END CERTIFICATE-----\n')],
      ['no END line', te.encode('-----BEGIN CERTIFICATE-----\nMIIB\n')],
      [
        'PEM key',
        te.encode(
          `-----BEGIN PRIVATE KEY-----\n${Buffer.from(good).toString('base64')}\n-----END PRIVATE KEY-----\n`,
        ),
      ],
      ['SEQUENCE of junk', Uint8Array.of(0x30, 0x03, 0x02, 0x01, 0x01)],
      ['indefinite length', Uint8Array.of(0x30, 0x80, 0x00, 0x00)],
    ];
    const after0 = await certificateCount(c);
    for (const [name, value] of values) {
      await rejectsWithReason(
        c.call(
          batchItem(Operation.Register, {
            objectType: ObjectType.Certificate,
            attributes: {},
            object: {
              kind: 'Certificate',
              certificateType: CertificateType.X_509,
              certificateValue: value,
            },
          }),
        ),
        ResultReason.InvalidField,
        undefined,
      ).catch((e: unknown) => {
        throw new Error(`${name}: ${String(e)}`);
      });
    }
    assert.equal(await certificateCount(c), after0);
    assert.ok(after0 > before);
  });
});

void describe('Validate', () => {
  void it('follows dates, signatures, CA flags, path length and revocation', async () => {
    const root = await makeCa('p256', 'V Root', 'subjectKeyIdentifier = hash\n');
    const intKeys = await registerKeyPair(c, 'p256');
    const intermediate = await certify(c, {
      uniqueIdentifier: intKeys.pk,
      attributes: {
        certificateSubjectCN: 'V Intermediate',
        links: [{ linkType: LinkType.CertificateLink, linkedObjectIdentifier: root.cert }],
        vendorAttributes: [
          vendor(
            'x509-extension',
            'basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=keyCertSign',
          ),
        ],
      },
    });
    const subKeys = await registerKeyPair(c, 'p256');
    const sub = await certify(c, {
      uniqueIdentifier: subKeys.pk,
      attributes: {
        certificateSubjectCN: 'V Sub CA',
        links: [{ linkType: LinkType.CertificateLink, linkedObjectIdentifier: intermediate }],
        vendorAttributes: [
          vendor('x509-extension', 'basicConstraints=critical,CA:TRUE\nkeyUsage=keyCertSign'),
        ],
      },
    });
    const leafKeys = await registerKeyPair(c, 'ed25519');
    const leaf = await certify(c, {
      uniqueIdentifier: leafKeys.pk,
      attributes: {
        certificateSubjectCN: 'V Leaf',
        links: [{ linkType: LinkType.CertificateLink, linkedObjectIdentifier: intermediate }],
        vendorAttributes: [vendor('requested_validity_days', '5')],
      },
    });
    const belowSub = await registerKeyPair(c, 'p256');
    const tooDeep = await certify(c, {
      uniqueIdentifier: belowSub.pk,
      attributes: {
        certificateSubjectCN: 'V Too Deep',
        links: [{ linkType: LinkType.CertificateLink, linkedObjectIdentifier: sub }],
      },
    });
    let v = await validate(c, { uniqueIdentifiers: [leaf] });
    assert.equal(v.indicator, 'valid', v.message);
    assert.match(v.message, /path of 3 certificate/);
    v = await validate(c, {
      uniqueIdentifiers: [leaf],
      validityDate: new Date(Date.now() + 6 * 86_400_000),
    });
    assert.equal(v.indicator, 'invalid');
    assert.match(v.message, /expired/);
    v = await validate(c, { uniqueIdentifiers: [leaf], validityDate: PAST });
    assert.equal(v.indicator, 'invalid');
    assert.match(v.message, /not valid before/);
    v = await validate(c, { uniqueIdentifiers: [tooDeep] });
    assert.equal(v.indicator, 'invalid');
    assert.match(v.message, /allows 0 intermediate/);
    // By value, with an issuer the KMS does not hold: Unknown.
    const lone = await registerKeyPair(c, 'p256');
    const orphanCa = await makeCa('p256', 'Orphan CA');
    const orphan = await certify(c, {
      uniqueIdentifier: lone.pk,
      attributes: {
        certificateSubjectCN: 'orphan',
        links: [{ linkType: LinkType.CertificateLink, linkedObjectIdentifier: orphanCa.cert }],
      },
    });
    const orphanDer = await certificateDer(c, orphan);
    const orphanCaDer = await certificateDer(c, orphanCa.cert);
    await c.revoke(orphan, RevocationReasonCode.Superseded);
    v = await validate(c, { uniqueIdentifiers: [orphan] });
    assert.equal(v.indicator, 'invalid');
    assert.match(v.message, /revoked in the KMS/);
    // A by-value copy of a revoked certificate is recognised too.
    v = await validate(c, {
      certificates: [{ certificateType: CertificateType.X_509, certificateValue: orphanDer }],
    });
    assert.equal(v.indicator, 'invalid');
    assert.match(v.message, /revoked/);
    // Destroyed (it was revoked first): invalid by identifier and by value.
    await c.destroy(orphan);
    v = await validate(c, { uniqueIdentifiers: [orphan] });
    assert.equal(v.indicator, 'invalid');
    assert.match(v.message, /destroyed/);
    v = await validate(c, {
      certificates: [{ certificateType: CertificateType.X_509, certificateValue: orphanDer }],
    });
    assert.equal(v.indicator, 'invalid');
    assert.match(v.message, /destroyed in the KMS/);
    // A tampered signature: invalid.
    const tampered = orphanCaDer.slice();
    tampered[tampered.length - 5] = (tampered[tampered.length - 5] as number) ^ 0x40;
    const leafOfTampered = await certificateDer(c, leaf);
    const leafIsGood = parseCertificate(leafOfTampered);
    assert.equal(leafIsGood.subject.length, 1);
    v = await validate(c, {
      certificates: [{ certificateType: CertificateType.X_509, certificateValue: tampered }],
    });
    assert.equal(v.indicator, 'invalid', v.message);
    assert.match(v.message, /does not verify/);
    // A leaf given by value whose issuers the KMS holds: valid.
    v = await validate(c, {
      certificates: [{ certificateType: CertificateType.X_509, certificateValue: leafOfTampered }],
    });
    assert.equal(v.indicator, 'valid', v.message);
    // Revoking the intermediate invalidates the leaf.
    await c.revoke(intermediate, RevocationReasonCode.KeyCompromise);
    v = await validate(c, { uniqueIdentifiers: [leaf] });
    assert.equal(v.indicator, 'invalid');
    assert.match(v.message, /compromised/);
  });

  void it('answers Unknown when the issuer is nowhere and Invalid for a non-CA issuer', async (ctx) => {
    const root = await makeCa('p256', 'Unknown Root');
    const leafKeys = await registerKeyPair(c, 'p256');
    const leaf = await certify(c, {
      uniqueIdentifier: leafKeys.pk,
      attributes: {
        certificateSubjectCN: 'unknown leaf',
        links: [{ linkType: LinkType.CertificateLink, linkedObjectIdentifier: root.cert }],
      },
    });
    const leafDer = await certificateDer(c, leaf);
    // A second server that shares nothing does not know the root.
    const t2 = await startTestServer();
    try {
      const v = await validate(t2.client(), {
        certificates: [{ certificateType: CertificateType.X_509, certificateValue: leafDer }],
      });
      assert.equal(v.indicator, 'unknown', v.message);
      assert.match(v.message, /issuer "CN=Unknown Root,O=Custos Test" .* was not found/);
      // With the root given too, the path closes on a root the server does not hold.
      const withRoot = await validate(t2.client(), {
        certificates: [
          { certificateType: CertificateType.X_509, certificateValue: leafDer },
          {
            certificateType: CertificateType.X_509,
            certificateValue: await certificateDer(c, root.cert),
          },
        ],
      });
      assert.equal(withRoot.indicator, 'valid', withRoot.message);
      assert.match(withRoot.message, /given in the request \(not held in the KMS\)/);
    } finally {
      await t2.close();
    }
    if (noOpenssl !== undefined) {
      ctx.diagnostic(noOpenssl);
      return;
    }
    // openssl signs with a certificate that is not a CA; the server does not accept the path.
    const dir = tempDir();
    openssl(dir, [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      'p.key',
      '-out',
      'p.pem',
      '-days',
      '2',
      '-subj',
      '/CN=Plain Issuer',
      '-addext',
      'basicConstraints=critical,CA:FALSE',
    ]);
    openssl(dir, [
      'req',
      '-new',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      'l.key',
      '-out',
      'l.csr',
      '-subj',
      '/CN=under plain',
    ]);
    openssl(dir, [
      'x509',
      '-req',
      '-in',
      'l.csr',
      '-CA',
      'p.pem',
      '-CAkey',
      'p.key',
      '-CAcreateserial',
      '-out',
      'l.pem',
      '-days',
      '1',
    ]);
    const v = await validate(c, {
      certificates: [
        {
          certificateType: CertificateType.X_509,
          certificateValue: new Uint8Array(read(dir, 'l.pem')),
        },
        {
          certificateType: CertificateType.X_509,
          certificateValue: new Uint8Array(read(dir, 'p.pem')),
        },
      ],
    });
    assert.equal(v.indicator, 'invalid', v.message);
    assert.match(v.message, /"CN=Plain Issuer" is not a CA/);
  });
});
