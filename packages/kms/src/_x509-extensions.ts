/**
 * X.509 v3 extensions of the certificates Certify issues, from an OpenSSL-style extension
 * description (the text of an `-extfile`, as Cosmian's `x509-extension` vendor attribute
 * carries it): one `key = value` per line, `#`/`;` comments, optional `[ section ]` headers
 * (the `v3_ca` section is used when present, else the first one). Supported keys and values:
 *
 * - `basicConstraints = [critical,] CA:TRUE|FALSE [, pathlen:N]`
 * - `keyUsage = [critical,] digitalSignature, nonRepudiation (contentCommitment),
 *   keyEncipherment, dataEncipherment, keyAgreement, keyCertSign, cRLSign, encipherOnly,
 *   decipherOnly`
 * - `extendedKeyUsage = [critical,] serverAuth, clientAuth, codeSigning, emailProtection,
 *   timeStamping, OCSPSigning, anyExtendedKeyUsage` or dotted OIDs
 * - `subjectKeyIdentifier = hash | none` (hash: RFC 7093 method 1, SHA-256 truncated to 160 bits)
 * - `authorityKeyIdentifier = keyid[:always][, issuer] | none` (the issuer's key identifier)
 * - `subjectAltName = DNS:..., IP:..., email:..., URI:..., RID:<oid>` (comma separated)
 * - `crlDistributionPoints = URI:...[, URI:...]`
 * - `authorityInfoAccess = OCSP;URI:..., caIssuers;URI:...`
 * - `certificatePolicies = <oid>[, <oid>...]`
 *
 * Anything else is refused with a message naming the key: silently dropping an extension the
 * requester asked for would issue a certificate that says something else.
 */
import { isIP } from 'node:net';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import {
  AccessDescription,
  AuthorityInfoAccessSyntax,
  AuthorityKeyIdentifier,
  BasicConstraints,
  CertificatePolicies,
  CRLDistributionPoints,
  DistributionPoint,
  DistributionPointName,
  ExtendedKeyUsage,
  Extension,
  GeneralName,
  KeyIdentifier,
  KeyUsage,
  PolicyInformation,
  SubjectAlternativeName,
  SubjectKeyIdentifier,
  SubjectPublicKeyInfo,
} from '@peculiar/asn1-x509';
import { provider } from '@custos/crypto';
import { KmsError } from './errors.ts';

export const OID_BASIC_CONSTRAINTS = '2.5.29.19';
export const OID_KEY_USAGE = '2.5.29.15';
export const OID_EXT_KEY_USAGE = '2.5.29.37';
export const OID_SUBJECT_ALT_NAME = '2.5.29.17';
export const OID_ISSUER_ALT_NAME = '2.5.29.18';
export const OID_SUBJECT_KEY_ID = '2.5.29.14';
export const OID_AUTHORITY_KEY_ID = '2.5.29.35';
export const OID_CRL_DP = '2.5.29.31';
export const OID_CERT_POLICIES = '2.5.29.32';
export const OID_AIA = '1.3.6.1.5.5.7.1.1';

/** Key usage bits (RFC 5280 §4.2.1.3), as the asn1 library numbers them. */
export const KEY_USAGE_BITS: Readonly<Record<string, number>> = {
  digitalSignature: 1,
  nonRepudiation: 2,
  contentCommitment: 2,
  keyEncipherment: 4,
  dataEncipherment: 8,
  keyAgreement: 16,
  keyCertSign: 32,
  cRLSign: 64,
  encipherOnly: 128,
  decipherOnly: 256,
};

const EKU: Readonly<Record<string, string>> = {
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
  codeSigning: '1.3.6.1.5.5.7.3.3',
  emailProtection: '1.3.6.1.5.5.7.3.4',
  timeStamping: '1.3.6.1.5.5.7.3.8',
  OCSPSigning: '1.3.6.1.5.5.7.3.9',
  anyExtendedKeyUsage: '2.5.29.37.0',
};

const AIA_METHODS: Readonly<Record<string, string>> = {
  OCSP: '1.3.6.1.5.5.7.48.1',
  caIssuers: '1.3.6.1.5.5.7.48.2',
};

const KEYS = [
  'basicConstraints',
  'keyUsage',
  'extendedKeyUsage',
  'subjectKeyIdentifier',
  'authorityKeyIdentifier',
  'subjectAltName',
  'crlDistributionPoints',
  'authorityInfoAccess',
  'certificatePolicies',
] as const;
type ExtensionKey = (typeof KEYS)[number];

/** A parsed extension description: the value text of each key. */
export type ExtensionRequest = Partial<Record<ExtensionKey, string>>;

const MAX_DESCRIPTION = 16 * 1024;
const DOTTED_OID = /^[0-2](\.(0|[1-9][0-9]{0,8}))+$/u;

function bad(message: string): never {
  throw new KmsError('ERR_KMS_X509_EXTENSION', message);
}

/** Parses an extension description. @throws KmsError ERR_KMS_X509_EXTENSION */
export function parseExtensionRequest(text: string): ExtensionRequest {
  if (text.length > MAX_DESCRIPTION) bad('the X.509 extension description is too long');
  const sections = new Map<string, string[]>();
  let current = '';
  sections.set(current, []);
  for (const raw of text.split(/\r?\n/u)) {
    const line = raw.replace(/^\s+|\s+$/gu, '');
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const header = /^\[\s*([^\]\s]+)\s*\]$/u.exec(line);
    if (header !== null) {
      current = header[1] as string;
      if (sections.has(current)) bad(`section [${current}] appears twice`);
      sections.set(current, []);
      continue;
    }
    (sections.get(current) as string[]).push(line);
  }
  const named = [...sections.keys()].filter((k) => k !== '');
  const chosen = sections.has('v3_ca') ? 'v3_ca' : (named[0] ?? '');
  const lines = [
    ...(sections.get('') ?? []),
    ...(chosen === '' ? [] : (sections.get(chosen) ?? [])),
  ];
  const out: ExtensionRequest = {};
  for (const line of lines) {
    const eq = line.indexOf('=');
    if (eq <= 0) bad(`expected "key = value" in the X.509 extension description`);
    const key = line.slice(0, eq).trim();
    const value = line.slice(eq + 1).trim();
    if (!(KEYS as readonly string[]).includes(key))
      bad(`X.509 extension "${key.slice(0, 40)}" is not supported (supported: ${KEYS.join(', ')})`);
    if (out[key as ExtensionKey] !== undefined) bad(`X.509 extension ${key} is given twice`);
    if (value === '') bad(`X.509 extension ${key} has no value`);
    out[key as ExtensionKey] = value;
  }
  return out;
}

/** Comma-separated items, with a leading `critical` flag taken out. */
function items(value: string): { critical: boolean; list: string[] } {
  const list = value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  const critical = list[0] === 'critical';
  return { critical, list: critical ? list.slice(1) : list };
}

function ext(oid: string, critical: boolean, value: unknown): Extension {
  return new Extension({
    extnID: oid,
    critical,
    extnValue: new OctetString(AsnConvert.serialize(value)),
  });
}

/** RFC 7093 §2 method 1: the leftmost 160 bits of SHA-256 of the subjectPublicKey bits. */
export function keyIdentifier(spki: Uint8Array): Uint8Array {
  const info = AsnConvert.parse(spki, SubjectPublicKeyInfo);
  return provider.hash.digest('sha256', new Uint8Array(info.subjectPublicKey)).slice(0, 20);
}

function generalName(item: string, key: string): GeneralName {
  const colon = item.indexOf(':');
  if (colon <= 0) bad(`${key} entries are written TYPE:value (DNS:, IP:, email:, URI:, RID:)`);
  const type = item.slice(0, colon);
  const v = item.slice(colon + 1);
  if (v === '') bad(`${key}: empty ${type} value`);
  if (!/^[\x20-\x7e]+$/u.test(v)) bad(`${key}: ${type} values must be printable ASCII`);
  switch (type) {
    case 'DNS':
      return new GeneralName({ dNSName: v });
    case 'IP':
      if (isIP(v) === 0) bad(`${key}: "${v.slice(0, 60)}" is not an IP address`);
      return new GeneralName({ iPAddress: v });
    case 'email':
      if (!v.includes('@')) bad(`${key}: "${v.slice(0, 60)}" is not an email address`);
      return new GeneralName({ rfc822Name: v });
    case 'URI':
      if (!/^[A-Za-z][A-Za-z0-9+.-]*:/u.test(v)) bad(`${key}: "${v.slice(0, 60)}" is not a URI`);
      return new GeneralName({ uniformResourceIdentifier: v });
    case 'RID':
      if (!DOTTED_OID.test(v)) bad(`${key}: RID needs a dotted object identifier`);
      return new GeneralName({ registeredID: v });
    default:
      return bad(`${key}: name type "${type.slice(0, 20)}" is not supported`);
  }
}

/** What the extensions of a new certificate depend on. */
export interface ExtensionContext {
  /** SubjectPublicKeyInfo (DER) of the certified key. */
  readonly subjectSpki: Uint8Array;
  /** Subject Key Identifier of the issuer (its certificate's, else computed from its key). */
  readonly issuerKeyId: Uint8Array;
  readonly selfSigned: boolean;
  /** Subject alternative names from the CSR (DER of the extension value), used when the
   * description has no subjectAltName. */
  readonly requestedSan?: Uint8Array | undefined;
}

/**
 * The extensions of a new certificate: those described, plus by default a Subject Key
 * Identifier and, when an issuer other than the subject signs, an Authority Key Identifier.
 */
export function buildExtensions(request: ExtensionRequest, c: ExtensionContext): Extension[] {
  const out: Extension[] = [];
  const bc = request.basicConstraints;
  if (bc !== undefined) {
    const { critical, list } = items(bc);
    let ca: boolean | undefined;
    let pathLen: number | undefined;
    for (const it of list) {
      const [k, v] = it.split(':').map((s) => s.trim());
      if (
        k?.toUpperCase() === 'CA' &&
        (v?.toUpperCase() === 'TRUE' || v?.toUpperCase() === 'FALSE')
      )
        ca = v.toUpperCase() === 'TRUE';
      else if (k?.toLowerCase() === 'pathlen' && v !== undefined && /^[0-9]{1,3}$/u.test(v))
        pathLen = Number(v);
      else bad(`basicConstraints: "${it.slice(0, 40)}" is not CA:TRUE, CA:FALSE or pathlen:N`);
    }
    if (ca === undefined) bad('basicConstraints needs CA:TRUE or CA:FALSE');
    if (pathLen !== undefined && !ca) bad('basicConstraints: pathlen needs CA:TRUE');
    const value = new BasicConstraints({ cA: ca });
    if (pathLen !== undefined) value.pathLenConstraint = pathLen;
    out.push(ext(OID_BASIC_CONSTRAINTS, critical, value));
  }
  const ku = request.keyUsage;
  if (ku !== undefined) {
    const { critical, list } = items(ku);
    let flags = 0;
    for (const it of list) {
      const bit = KEY_USAGE_BITS[it];
      if (bit === undefined) bad(`keyUsage: "${it.slice(0, 40)}" is not a key usage`);
      flags |= bit;
    }
    if (flags === 0) bad('keyUsage lists no usage');
    out.push(ext(OID_KEY_USAGE, critical, new KeyUsage(flags)));
  }
  const eku = request.extendedKeyUsage;
  if (eku !== undefined) {
    const { critical, list } = items(eku);
    const oids = list.map((it) => {
      const oid = EKU[it] ?? (DOTTED_OID.test(it) ? it : undefined);
      if (oid === undefined) bad(`extendedKeyUsage: "${it.slice(0, 40)}" is not a key purpose`);
      return oid;
    });
    if (oids.length === 0) bad('extendedKeyUsage lists no purpose');
    out.push(ext(OID_EXT_KEY_USAGE, critical, new ExtendedKeyUsage(oids)));
  }
  const ski = request.subjectKeyIdentifier ?? 'hash';
  if (ski === 'hash')
    out.push(
      ext(OID_SUBJECT_KEY_ID, false, new SubjectKeyIdentifier(keyIdentifier(c.subjectSpki))),
    );
  else if (ski !== 'none') bad('subjectKeyIdentifier is "hash" or "none"');
  const aki = request.authorityKeyIdentifier;
  if (aki === undefined) {
    if (!c.selfSigned)
      out.push(
        ext(
          OID_AUTHORITY_KEY_ID,
          false,
          new AuthorityKeyIdentifier({ keyIdentifier: new KeyIdentifier(c.issuerKeyId) }),
        ),
      );
  } else if (aki !== 'none') {
    const { critical, list } = items(aki);
    if (critical) bad('authorityKeyIdentifier must not be critical (RFC 5280 §4.2.1.1)');
    for (const it of list)
      if (it !== 'keyid' && it !== 'keyid:always' && it !== 'issuer')
        bad(`authorityKeyIdentifier: "${it.slice(0, 40)}" is not supported (keyid, issuer)`);
    out.push(
      ext(
        OID_AUTHORITY_KEY_ID,
        false,
        new AuthorityKeyIdentifier({ keyIdentifier: new KeyIdentifier(c.issuerKeyId) }),
      ),
    );
  }
  const san = request.subjectAltName;
  if (san !== undefined) {
    const { critical, list } = items(san);
    if (list.length === 0) bad('subjectAltName lists no name');
    const names = list.map((it) => generalName(it, 'subjectAltName'));
    out.push(ext(OID_SUBJECT_ALT_NAME, critical, new SubjectAlternativeName(names)));
  } else if (c.requestedSan !== undefined) {
    out.push(
      new Extension({
        extnID: OID_SUBJECT_ALT_NAME,
        critical: false,
        extnValue: new OctetString(c.requestedSan),
      }),
    );
  }
  const cdp = request.crlDistributionPoints;
  if (cdp !== undefined) {
    const { critical, list } = items(cdp);
    const points = list.map((it) => {
      if (!it.startsWith('URI:')) bad('crlDistributionPoints entries are URI:...');
      return new DistributionPoint({
        distributionPoint: new DistributionPointName({
          fullName: [generalName(it, 'crlDistributionPoints')],
        }),
      });
    });
    if (points.length === 0) bad('crlDistributionPoints lists no point');
    out.push(ext(OID_CRL_DP, critical, new CRLDistributionPoints(points)));
  }
  const aia = request.authorityInfoAccess;
  if (aia !== undefined) {
    const { critical, list } = items(aia);
    if (critical) bad('authorityInfoAccess must not be critical (RFC 5280 §4.2.2.1)');
    const descriptions = list.map((it) => {
      const semi = it.indexOf(';');
      const method = AIA_METHODS[it.slice(0, semi)];
      if (semi <= 0 || method === undefined)
        bad('authorityInfoAccess entries are OCSP;URI:... or caIssuers;URI:...');
      return new AccessDescription({
        accessMethod: method,
        accessLocation: generalName(it.slice(semi + 1), 'authorityInfoAccess'),
      });
    });
    if (descriptions.length === 0) bad('authorityInfoAccess lists no entry');
    out.push(ext(OID_AIA, false, new AuthorityInfoAccessSyntax(descriptions)));
  }
  const cp = request.certificatePolicies;
  if (cp !== undefined) {
    const { critical, list } = items(cp);
    const policies = list.map((it) => {
      if (!DOTTED_OID.test(it)) bad(`certificatePolicies: "${it.slice(0, 40)}" is not an OID`);
      return new PolicyInformation({ policyIdentifier: it });
    });
    if (policies.length === 0) bad('certificatePolicies lists no policy');
    out.push(ext(OID_CERT_POLICIES, critical, new CertificatePolicies(policies)));
  }
  return out;
}
