/**
 * Reading certificates, certificate requests and their containers: X.509 DER, PEM text (one
 * block or a bundle), PKCS#7 certs-only (DER or PEM `PKCS7`), PKCS#10 (DER or PEM). The exact
 * bytes that signatures cover (TBSCertificate, CertificationRequestInfo) and the public key
 * (SubjectPublicKeyInfo) are cut out of the input with the strict DER reader, never
 * re-encoded; the ASN.1 library (@peculiar/asn1-x509, asn1-csr) reads the fields.
 *
 * Every malformed input is a `KmsError` ERR_KMS_INVALID_CERTIFICATE (ERR_KMS_INVALID_CSR for
 * requests) whose message says what is wrong without echoing the bytes.
 */
import { AsnConvert } from '@peculiar/asn1-schema';
import {
  AuthorityKeyIdentifier,
  BasicConstraints,
  Certificate,
  Extensions,
  KeyUsage,
  type AlgorithmIdentifier,
  type Extension,
  type Name,
} from '@peculiar/asn1-x509';
import { CertificationRequest } from '@peculiar/asn1-csr';
import { provider } from '@custos/crypto';
import { KmsError, type KmsErrorCode } from './errors.ts';
import { children, decode, explicit, oid, seq, set, tlv, type Der } from './_asym-der.ts';
import {
  OID_AUTHORITY_KEY_ID,
  OID_BASIC_CONSTRAINTS,
  OID_KEY_USAGE,
  OID_SUBJECT_ALT_NAME,
  OID_SUBJECT_KEY_ID,
} from './_x509-extensions.ts';

/** Extensions this server understands; an unknown critical one makes a certificate unusable. */
const UNDERSTOOD: ReadonlySet<string> = new Set([
  '2.5.29.14',
  '2.5.29.15',
  '2.5.29.17',
  '2.5.29.18',
  '2.5.29.19',
  '2.5.29.31',
  '2.5.29.32',
  '2.5.29.35',
  '2.5.29.37',
  '1.3.6.1.5.5.7.1.1',
]);

/** The most certificates one container may hold. */
export const MAX_CHAIN = 32;
/** The largest certificate or container accepted (bytes). */
export const MAX_CERTIFICATE_BYTES = 256 * 1024;

export interface ParsedCertificate {
  readonly der: Uint8Array;
  /** TBSCertificate exactly as signed. */
  readonly tbs: Uint8Array;
  readonly signatureAlgorithm: AlgorithmIdentifier;
  readonly signature: Uint8Array;
  /** 1, 2 or 3. */
  readonly version: number;
  /** Serial number magnitude bytes (as encoded, sign byte included). */
  readonly serial: Uint8Array;
  readonly issuer: Name;
  readonly issuerDer: Uint8Array;
  readonly subject: Name;
  readonly subjectDer: Uint8Array;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** SubjectPublicKeyInfo exactly as encoded. */
  readonly spki: Uint8Array;
  readonly basicConstraints?: { readonly ca: boolean; readonly pathLen?: number | undefined };
  /** Key usage bits (see KEY_USAGE_BITS), undefined when the extension is absent. */
  readonly keyUsage?: number;
  readonly subjectKeyId?: Uint8Array;
  readonly authorityKeyId?: Uint8Array;
  /** DER value of the Subject Alternative Name extension. */
  readonly subjectAltName?: Uint8Array;
  /** Every extension as encoded. */
  readonly extensions: readonly Extension[];
  /** Critical extensions this server does not understand (OIDs). */
  readonly unknownCritical: readonly string[];
  /** SHA-256 of the DER. */
  readonly fingerprint: Uint8Array;
}

function fail(code: KmsErrorCode, what: string): never {
  throw new KmsError(code, what);
}

/** Runs a parse step, turning any failure of the ASN.1 layers into `code`. */
function guarded<T>(code: KmsErrorCode, what: string, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof KmsError && error.code === code) throw error;
    throw new KmsError(code, what);
  }
}

const equalBytes = (a: Uint8Array, b: Uint8Array): boolean =>
  a.length === b.length && a.every((v, i) => v === b[i]);

/** Parses one DER certificate. @throws KmsError ERR_KMS_INVALID_CERTIFICATE */
export function parseCertificate(der: Uint8Array): ParsedCertificate {
  const code = 'ERR_KMS_INVALID_CERTIFICATE';
  if (der.length > MAX_CERTIFICATE_BYTES) fail(code, 'the certificate is too large');
  const bytes = der.slice();
  const [tbsEl, sigAlgEl, sigEl] = guarded(code, 'malformed certificate (not DER X.509)', () =>
    children(decode(bytes, 0x30), 3, 3),
  ) as [Der, Der, Der];
  const tbsFields = guarded(code, 'malformed TBSCertificate', () => children(tbsEl, 6, 10));
  const at = tbsFields[0]?.tag === 0xa0 ? 1 : 0;
  const [issuerEl, , subjectEl, spkiEl] = tbsFields.slice(at + 2, at + 6);
  if (spkiEl?.tag !== 0x30 || issuerEl?.tag !== 0x30 || subjectEl?.tag !== 0x30)
    fail(code, 'malformed TBSCertificate');
  const cert = guarded(code, 'malformed certificate fields', () =>
    AsnConvert.parse(bytes, Certificate),
  );
  const t = cert.tbsCertificate;
  if (!equalBytes(tbsFields[at + 1]?.raw ?? new Uint8Array(0), sigAlgEl.raw))
    fail(code, 'the inner and outer signature algorithms differ (RFC 5280 §4.1.1.2)');
  if (sigEl.tag !== 0x03 || sigEl.value[0] !== 0) fail(code, 'malformed signature value');
  const version = t.version + 1;
  if (version < 1 || version > 3) fail(code, 'unknown certificate version');
  const serial = new Uint8Array(t.serialNumber);
  if (serial.length === 0 || serial.length > 21) fail(code, 'bad serial number length');
  const notBefore = t.validity.notBefore.getTime();
  const notAfter = t.validity.notAfter.getTime();
  if (Number.isNaN(notBefore.getTime()) || Number.isNaN(notAfter.getTime()))
    fail(code, 'malformed validity dates');
  const parsed: {
    -readonly [K in keyof ParsedCertificate]: ParsedCertificate[K];
  } = {
    der: bytes,
    tbs: tbsEl.raw,
    signatureAlgorithm: cert.signatureAlgorithm,
    signature: sigEl.value.subarray(1),
    version,
    serial,
    issuer: t.issuer,
    issuerDer: issuerEl.raw,
    subject: t.subject,
    subjectDer: subjectEl.raw,
    notBefore,
    notAfter,
    spki: spkiEl.raw,
    extensions: t.extensions === undefined ? [] : [...t.extensions],
    unknownCritical: [],
    fingerprint: provider.hash.digest('sha256', bytes),
  };
  const unknown: string[] = [];
  const seen = new Set<string>();
  for (const e of parsed.extensions) {
    if (seen.has(e.extnID)) fail(code, `extension ${e.extnID} appears twice (RFC 5280 §4.2)`);
    seen.add(e.extnID);
    if (version !== 3) fail(code, 'extensions in a certificate that is not version 3');
    readExtension(e, parsed, unknown);
  }
  parsed.unknownCritical = unknown;
  return parsed;
}

function readExtension(
  e: Extension,
  into: { -readonly [K in keyof ParsedCertificate]: ParsedCertificate[K] },
  unknown: string[],
): void {
  const value = new Uint8Array(e.extnValue.buffer);
  guarded('ERR_KMS_INVALID_CERTIFICATE', `malformed extension ${e.extnID}`, () => {
    switch (e.extnID) {
      case OID_BASIC_CONSTRAINTS: {
        const bc = AsnConvert.parse(value, BasicConstraints);
        into.basicConstraints = { ca: bc.cA, pathLen: bc.pathLenConstraint };
        break;
      }
      case OID_KEY_USAGE:
        into.keyUsage = AsnConvert.parse(value, KeyUsage).toNumber();
        break;
      case OID_SUBJECT_KEY_ID: {
        const id = decode(value, 0x04).value;
        if (id.length === 0) throw new Error('empty key identifier');
        into.subjectKeyId = id.slice();
        break;
      }
      case OID_AUTHORITY_KEY_ID: {
        const aki = AsnConvert.parse(value, AuthorityKeyIdentifier);
        if (aki.keyIdentifier !== undefined)
          into.authorityKeyId = new Uint8Array(aki.keyIdentifier.buffer);
        break;
      }
      case OID_SUBJECT_ALT_NAME:
        into.subjectAltName = value.slice();
        break;
      default:
        if (e.critical && !UNDERSTOOD.has(e.extnID)) unknown.push(e.extnID);
    }
  });
}

// ---------------------------------------------------------------------------------------------
// Containers

const PEM_BLOCK =
  /-----BEGIN ([A-Z0-9 ]{1,40})-----\r?\n([A-Za-z0-9+/=\r\n\t ]{0,400000}?)-----END \1-----/gu;

/** The blocks of a PEM text (text outside blocks is ignored, as OpenSSL bundles carry some). */
export function pemBlocks(text: string, code: KmsErrorCode): { label: string; der: Uint8Array }[] {
  const out: { label: string; der: Uint8Array }[] = [];
  for (const m of text.matchAll(PEM_BLOCK)) {
    const b64 = (m[2] as string).replace(/\s+/gu, '');
    if (!/^[A-Za-z0-9+/]*={0,2}$/u.test(b64) || b64.length % 4 !== 0)
      fail(code, 'malformed PEM (bad Base64)');
    const der = new Uint8Array(Buffer.from(b64, 'base64'));
    if (Buffer.from(der).toString('base64') !== b64) fail(code, 'malformed PEM (bad Base64)');
    out.push({ label: m[1] as string, der });
    if (out.length > MAX_CHAIN) fail(code, `more than ${MAX_CHAIN} PEM blocks`);
  }
  if (out.length === 0) fail(code, 'malformed PEM (no complete BEGIN/END block)');
  return out;
}

/** PEM armour of DER bytes. */
export function pemEncode(label: string, der: Uint8Array): string {
  const b64 = Buffer.from(der).toString('base64');
  const lines = b64.match(/.{1,64}/gu) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

const OID_SIGNED_DATA = '1.2.840.113549.1.7.2';
const OID_DATA = '1.2.840.113549.1.7.1';

/** The certificates of a PKCS#7 / CMS SignedData "certs-only" (DER). */
export function pkcs7Certificates(der: Uint8Array): Uint8Array[] {
  const code = 'ERR_KMS_INVALID_CERTIFICATE';
  return guarded(code, 'malformed PKCS#7 (expected DER SignedData with certificates)', () => {
    const [type, content] = children(decode(der, 0x30), 2, 2) as [Der, Der];
    if (!equalBytes(type.raw, oid(OID_SIGNED_DATA)) || content.tag !== 0xa0)
      fail(code, 'the PKCS#7 content is not SignedData');
    const [signedData] = children(content, 1, 1) as [Der];
    const fields = children(signedData, 4, 6);
    const certs = fields.find((f) => f.tag === 0xa0);
    if (certs === undefined) fail(code, 'the PKCS#7 holds no certificate');
    const list = children(certs)
      .filter((c) => c.tag === 0x30)
      .map((c) => c.raw.slice());
    if (list.length === 0) fail(code, 'the PKCS#7 holds no certificate');
    if (list.length > MAX_CHAIN) fail(code, `more than ${MAX_CHAIN} certificates`);
    return list;
  });
}

/** A PKCS#7 SignedData certs-only (RFC 2315 §9.1 degenerate case) holding `certs` (DER). */
export function pkcs7Encode(certs: readonly Uint8Array[]): Uint8Array {
  const signedData = seq(
    Uint8Array.of(0x02, 0x01, 0x01), // version 1
    set(), // digestAlgorithms
    seq(oid(OID_DATA)), // contentInfo without content
    tlv(0xa0, ...certs), // certificates [0] IMPLICIT
    set(), // signerInfos
  );
  return seq(oid(OID_SIGNED_DATA), explicit(0, signedData));
}

/**
 * The certificates (DER) of a Certificate Value: DER X.509, DER PKCS#7, or PEM text holding
 * `CERTIFICATE` and/or `PKCS7` blocks. Leaf first when the input puts it first.
 */
export function certificatesOf(value: Uint8Array): Uint8Array[] {
  const code = 'ERR_KMS_INVALID_CERTIFICATE';
  if (value.length === 0) fail(code, 'empty certificate value');
  if (value.length > MAX_CERTIFICATE_BYTES * 4) fail(code, 'the certificate value is too large');
  // DER starts with a SEQUENCE whose length covers the input; anything else is read as PEM
  // text (which may carry explanatory lines around its blocks, as OpenSSL bundles do).
  let der: Der | undefined;
  if (value[0] === 0x30)
    try {
      der = decode(value, 0x30);
    } catch {
      der = undefined;
    }
  if (der === undefined) {
    const text = new TextDecoder('utf-8', { fatal: false }).decode(value);
    const out: Uint8Array[] = [];
    for (const block of pemBlocks(text, code)) {
      if (block.label === 'CERTIFICATE' || block.label === 'TRUSTED CERTIFICATE')
        out.push(block.der);
      else if (block.label === 'PKCS7') out.push(...pkcs7Certificates(block.der));
      else fail(code, `PEM block "${block.label}" is not a certificate`);
    }
    if (out.length > MAX_CHAIN) fail(code, `more than ${MAX_CHAIN} certificates`);
    return out;
  }
  // DER: a Certificate is SEQUENCE { SEQUENCE tbs, ...}; a ContentInfo starts with an OID.
  const first = guarded(
    code,
    'malformed certificate (neither DER X.509, PKCS#7 nor PEM)',
    () => children(der)[0],
  );
  if (first?.tag === 0x06) return pkcs7Certificates(value);
  return [value.slice()];
}

// ---------------------------------------------------------------------------------------------
// PKCS#10

export interface ParsedCsr {
  /** CertificationRequestInfo exactly as signed. */
  readonly info: Uint8Array;
  readonly signatureAlgorithm: AlgorithmIdentifier;
  readonly signature: Uint8Array;
  readonly subject: Name;
  readonly spki: Uint8Array;
  /** DER value of a requested Subject Alternative Name extension. */
  readonly subjectAltName?: Uint8Array;
}

const OID_EXTENSION_REQUEST = '1.2.840.113549.1.9.14';

/** Parses a PKCS#10 request, DER or PEM. @throws KmsError ERR_KMS_INVALID_CSR */
export function parseCsr(value: Uint8Array, pem: boolean): ParsedCsr {
  const code = 'ERR_KMS_INVALID_CSR';
  if (value.length === 0 || value.length > MAX_CERTIFICATE_BYTES)
    fail(code, 'the certificate request is empty or too large');
  let der = value;
  if (pem) {
    const blocks = pemBlocks(new TextDecoder('utf-8', { fatal: false }).decode(value), code);
    const block = blocks.find(
      (b) => b.label === 'CERTIFICATE REQUEST' || b.label === 'NEW CERTIFICATE REQUEST',
    );
    if (block === undefined || blocks.length !== 1)
      fail(code, 'expected one PEM CERTIFICATE REQUEST block');
    der = block.der;
  }
  const bytes = der.slice();
  const [infoEl, , sigEl] = guarded(code, 'malformed certificate request (not DER PKCS#10)', () =>
    children(decode(bytes, 0x30), 3, 3),
  ) as [Der, Der, Der];
  const infoFields = guarded(code, 'malformed CertificationRequestInfo', () =>
    children(infoEl, 3, 4),
  );
  const spkiEl = infoFields[2];
  if (spkiEl?.tag !== 0x30 || sigEl.tag !== 0x03 || sigEl.value[0] !== 0)
    fail(code, 'malformed certificate request');
  const req = guarded(code, 'malformed certificate request fields', () =>
    AsnConvert.parse(bytes, CertificationRequest),
  );
  if (req.certificationRequestInfo.version !== 0) fail(code, 'unknown certificate request version');
  let subjectAltName: Uint8Array | undefined;
  for (const attr of req.certificationRequestInfo.attributes) {
    if (attr.type !== OID_EXTENSION_REQUEST) continue;
    for (const v of attr.values) {
      const exts = guarded(code, 'malformed extension request', () =>
        AsnConvert.parse(v, Extensions),
      );
      for (const e of exts)
        if (e.extnID === OID_SUBJECT_ALT_NAME) subjectAltName = new Uint8Array(e.extnValue.buffer);
    }
  }
  return {
    info: infoEl.raw,
    signatureAlgorithm: req.signatureAlgorithm,
    signature: sigEl.value.subarray(1),
    subject: req.certificationRequestInfo.subject,
    spki: spkiEl.raw,
    ...(subjectAltName === undefined ? {} : { subjectAltName }),
  };
}
