/**
 * Distinguished names: built from the KMIP Certificate Subject attributes of a Certify request
 * (Certificate Subject CN, O, OU, Email, C, ST, L, UID, Serial Number, Title, DC, DN Qualifier),
 * read back into the Certificate Subject / Certificate Issuer attributes of a stored
 * certificate, rendered as RFC 4514 text for messages, and compared the way chain building
 * needs (RFC 5280 §7.1, simplified: attribute types equal, string values equal after case
 * folding and whitespace compression).
 */
import { AsnConvert } from '@peculiar/asn1-schema';
import {
  AttributeTypeAndValue,
  AttributeValue,
  Name,
  RelativeDistinguishedName,
} from '@peculiar/asn1-x509';
import type { Attributes } from '@custos/kmip';
import { KmsError } from './errors.ts';

type Field =
  | 'CN'
  | 'O'
  | 'OU'
  | 'Email'
  | 'C'
  | 'ST'
  | 'L'
  | 'UID'
  | 'SerialNumber'
  | 'Title'
  | 'DC'
  | 'DNQualifier';

interface NameAttribute {
  readonly field: Field;
  readonly oid: string;
  /** RFC 4514 short name (or the OID) used in text. */
  readonly label: string;
  /** ASN.1 string type written: PrintableString for C, IA5String for Email and DC. */
  readonly kind: 'utf8' | 'printable' | 'ia5';
  readonly maxLength: number;
}

/** In the order they are written in a new name (most general first, as OpenSSL users expect). */
const NAME_ATTRIBUTES: readonly NameAttribute[] = [
  { field: 'DC', oid: '0.9.2342.19200300.100.1.25', label: 'DC', kind: 'ia5', maxLength: 63 },
  { field: 'C', oid: '2.5.4.6', label: 'C', kind: 'printable', maxLength: 2 },
  { field: 'ST', oid: '2.5.4.8', label: 'ST', kind: 'utf8', maxLength: 128 },
  { field: 'L', oid: '2.5.4.7', label: 'L', kind: 'utf8', maxLength: 128 },
  { field: 'O', oid: '2.5.4.10', label: 'O', kind: 'utf8', maxLength: 64 },
  { field: 'OU', oid: '2.5.4.11', label: 'OU', kind: 'utf8', maxLength: 64 },
  { field: 'Title', oid: '2.5.4.12', label: 'title', kind: 'utf8', maxLength: 64 },
  { field: 'CN', oid: '2.5.4.3', label: 'CN', kind: 'utf8', maxLength: 64 },
  { field: 'UID', oid: '0.9.2342.19200300.100.1.1', label: 'UID', kind: 'utf8', maxLength: 256 },
  {
    field: 'SerialNumber',
    oid: '2.5.4.5',
    label: 'serialNumber',
    kind: 'printable',
    maxLength: 64,
  },
  { field: 'DNQualifier', oid: '2.5.4.46', label: 'dnQualifier', kind: 'printable', maxLength: 64 },
  {
    field: 'Email',
    oid: '1.2.840.113549.1.9.1',
    label: 'emailAddress',
    kind: 'ia5',
    maxLength: 255,
  },
];

const BY_OID: ReadonlyMap<string, NameAttribute> = new Map(NAME_ATTRIBUTES.map((a) => [a.oid, a]));

type SubjectKey = `certificateSubject${Field}`;
type IssuerKey = `certificateIssuer${Field}`;

const PRINTABLE = /^[A-Za-z0-9 '()+,\-./:=?]*$/u;
// eslint-disable-next-line no-control-regex
const IA5 = /^[\x00-\x7f]*$/u;

/** True when a request names at least one Certificate Subject attribute. */
export function hasSubjectAttributes(a: Attributes): boolean {
  return NAME_ATTRIBUTES.some((n) => a[`certificateSubject${n.field}`] !== undefined);
}

/**
 * The subject name of the Certificate Subject attributes of a request.
 * @throws KmsError ERR_KMS_X509_EXTENSION when none is set or a value does not fit its type.
 */
export function nameFromAttributes(a: Attributes): Name {
  const rdns: RelativeDistinguishedName[] = [];
  for (const n of NAME_ATTRIBUTES) {
    const value = a[`certificateSubject${n.field}`];
    if (value === undefined) continue;
    const label = `Certificate Subject ${n.field}`;
    if (n.field === 'C' && !/^[A-Z]{2}$/u.test(value))
      throw new KmsError('ERR_KMS_X509_EXTENSION', `${label} must be a two-letter country code`);
    if (value.length === 0 || value.length > n.maxLength)
      throw new KmsError(
        'ERR_KMS_X509_EXTENSION',
        `${label} must be 1 to ${n.maxLength} characters`,
      );
    if (n.kind === 'printable' && !PRINTABLE.test(value))
      throw new KmsError('ERR_KMS_X509_EXTENSION', `${label} must be a printable string`);
    if (n.kind === 'ia5' && !IA5.test(value))
      throw new KmsError('ERR_KMS_X509_EXTENSION', `${label} must be ASCII`);
    const v =
      n.kind === 'printable'
        ? new AttributeValue({ printableString: value })
        : n.kind === 'ia5'
          ? new AttributeValue({ ia5String: value })
          : new AttributeValue({ utf8String: value });
    rdns.push(
      new RelativeDistinguishedName([new AttributeTypeAndValue({ type: n.oid, value: v })]),
    );
  }
  if (rdns.length === 0)
    throw new KmsError(
      'ERR_KMS_X509_EXTENSION',
      'a certificate needs a subject: set at least one Certificate Subject attribute (CN, O...)',
    );
  return new Name(rdns);
}

/** String value of an attribute value (undefined for non-string values). */
function valueText(v: AttributeValue): string | undefined {
  return (
    v.utf8String ??
    v.printableString ??
    v.ia5String ??
    v.teletexString ??
    v.bmpString ??
    v.universalString
  );
}

/** The Certificate Subject (or Issuer) attributes of a name (first value of each type). */
export function nameAttributes(name: Name, role: 'subject' | 'issuer'): Attributes {
  const out: Record<string, string> = {};
  for (const rdn of name)
    for (const atv of rdn) {
      const n = BY_OID.get(atv.type);
      const text = valueText(atv.value);
      if (n === undefined || text === undefined) continue;
      const key: SubjectKey | IssuerKey =
        role === 'subject' ? `certificateSubject${n.field}` : `certificateIssuer${n.field}`;
      out[key] ??= text;
    }
  return out;
}

const escape = (s: string): string =>
  s
    .replace(/([,+"\\<>;=])/gu, '\\$1')
    .replace(/^([ #])/u, '\\$1')
    .replace(/ $/u, '\\ ');

/** RFC 4514 text of a name (most specific first), for messages and the Locate-friendly attrs. */
export function nameText(name: Name): string {
  return [...name]
    .reverse()
    .map((rdn) =>
      [...rdn]
        .map((atv) => {
          const label = BY_OID.get(atv.type)?.label ?? atv.type;
          const text = valueText(atv.value);
          return `${label}=${text === undefined ? '#' : escape(text)}`;
        })
        .join('+'),
    )
    .join(',');
}

/** Canonical form for comparison (RFC 5280 §7.1 rules, simplified). */
function canonical(name: Name): string {
  return JSON.stringify(
    [...name].map((rdn) =>
      [...rdn]
        .map((atv) => {
          const text = valueText(atv.value);
          const v =
            text === undefined
              ? Buffer.from(atv.value.anyValue ?? new ArrayBuffer(0)).toString('hex')
              : text.normalize('NFKC').toLowerCase().trim().replace(/\s+/gu, ' ');
          return `${atv.type}=${v}`;
        })
        .sort(),
    ),
  );
}

/** Whether two names designate the same entity. */
export function sameName(a: Name, b: Name): boolean {
  return canonical(a) === canonical(b);
}

/** DER of a name. */
export function nameDer(name: Name): Uint8Array {
  return new Uint8Array(AsnConvert.serialize(name));
}

/** A name from its DER. @throws KmsError ERR_KMS_INVALID_CERTIFICATE */
export function parseName(der: Uint8Array): Name {
  try {
    return AsnConvert.parse(der, Name);
  } catch {
    throw new KmsError('ERR_KMS_INVALID_CERTIFICATE', 'malformed distinguished name');
  }
}
