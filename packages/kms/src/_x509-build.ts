/**
 * Issuing an X.509 v3 certificate: serial number (128 random bits, positive), validity, names,
 * the subject's SubjectPublicKeyInfo as given, extensions (see `_x509-extensions.ts`), signed by
 * the issuer's key through `@custos/crypto`. The result is parsed back before it is returned,
 * so a certificate this server issues is one it also accepts.
 */
import { AsnConvert } from '@peculiar/asn1-schema';
import {
  Extensions,
  SubjectPublicKeyInfo,
  TBSCertificate,
  Time,
  Validity,
  Version,
  type Extension,
  type Name,
} from '@peculiar/asn1-x509';
import { provider } from '@custos/crypto';
import { signatureIdentifier, type SignatureAlgorithm } from './_x509-algorithms.ts';
import { parseCertificate, type ParsedCertificate } from './_x509-cert.ts';
import {
  buildExtensions,
  OID_AUTHORITY_KEY_ID,
  OID_SUBJECT_KEY_ID,
  type ExtensionRequest,
} from './_x509-extensions.ts';
import { signCertificate, type PrivateKey } from './_x509-sign.ts';

export interface NewCertificate {
  readonly subject: Name;
  readonly subjectSpki: Uint8Array;
  /** The issuer's subject name (the subject itself when self-signed). */
  readonly issuer: Name;
  /** Key identifier of the issuer (Authority Key Identifier). */
  readonly issuerKeyId: Uint8Array;
  readonly selfSigned: boolean;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly extensions: ExtensionRequest;
  /** Subject alternative names requested in a CSR (DER extension value). */
  readonly requestedSan?: Uint8Array | undefined;
  /** Extensions kept from a certificate being renewed (those described take precedence). */
  readonly copied?: readonly Extension[];
  readonly algorithm: SignatureAlgorithm;
  readonly key: PrivateKey;
}

/** A random positive 128-bit serial number (RFC 5280 §4.1.2.2: positive, at most 20 octets). */
export function randomSerial(): Uint8Array {
  const serial = provider.random.bytes(16);
  serial[0] = ((serial[0] as number) & 0x7f) | 0x40; // positive, and always 16 octets long
  return serial;
}

/** Signs and returns a new certificate. */
export async function issueCertificate(n: NewCertificate): Promise<ParsedCertificate> {
  const tbs = new TBSCertificate({
    version: Version.v3,
    serialNumber: randomSerial().buffer as ArrayBuffer,
    signature: signatureIdentifier(n.algorithm),
    issuer: n.issuer,
    validity: new Validity({ notBefore: n.notBefore, notAfter: n.notAfter }),
    subject: n.subject,
    subjectPublicKeyInfo: AsnConvert.parse(n.subjectSpki, SubjectPublicKeyInfo),
  });
  // Validity's constructor picks UTCTime before 2050 and GeneralizedTime after (RFC 5280).
  tbs.validity.notBefore = new Time(n.notBefore);
  tbs.validity.notAfter = new Time(n.notAfter);
  const extensions = buildExtensions(n.extensions, {
    subjectSpki: n.subjectSpki,
    issuerKeyId: n.issuerKeyId,
    selfSigned: n.selfSigned,
    requestedSan: n.requestedSan,
  });
  const built = new Set(extensions.map((e) => e.extnID));
  // The key identifiers describe the keys of this certificate: never copied.
  for (const e of n.copied ?? [])
    if (
      !built.has(e.extnID) &&
      e.extnID !== OID_AUTHORITY_KEY_ID &&
      e.extnID !== OID_SUBJECT_KEY_ID
    )
      extensions.push(e);
  if (extensions.length > 0) tbs.extensions = new Extensions(extensions);
  return parseCertificate(await signCertificate(tbs, n.algorithm, n.key));
}
