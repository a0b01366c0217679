/**
 * Certificate objects in the KMS: the attributes a stored certificate carries (X.509 subject,
 * issuer, serial, Certificate Subject/Issuer fields, SHA-256 digest, validity as Activation /
 * Deactivation Date), storing a certificate or a whole chain (PEM bundle, PKCS#7) as linked
 * objects, finding the certificates a caller can see by subject or by digest (chain building,
 * revocation status), and the chain of a stored certificate (PKCS#7 export).
 *
 * Links: a certificate's Certificate Link names its issuer's certificate when the issuer is in
 * the KMS (a self-signed one has none); Public/Private Key Links name the subject's keys.
 */
import {
  CertificateType,
  HashingAlgorithm,
  KeyFormatType,
  LinkType,
  ObjectType,
  State,
  type Attributes,
  type Link,
  type ManagedObject,
} from '@custos/kmip';
import type { OperationContext } from './context.ts';
import { KmsError } from './errors.ts';
import type { ObjectRecord } from './model.ts';
import { insertNewObject } from './_objects.ts';
import type { LoadedObject } from './repository.ts';
import type { CertificateSource, KnownCertificate } from './_x509-chain.ts';
import {
  certificatesOf,
  MAX_CHAIN,
  parseCertificate,
  pkcs7Encode,
  type ParsedCertificate,
} from './_x509-cert.ts';
import { nameAttributes, parseName, sameName } from './_x509-names.ts';
import { verifySignature } from './_x509-sign.ts';

/** Cosmian's Certificate Type for a PKCS#7 chain, and its Key Format Type for PKCS#7 export. */
export const CERTIFICATE_TYPE_PKCS7 = 0x80000001;
export const KEY_FORMAT_PKCS7 = 0x88800002;

/** Most certificates read from the store for one lookup. */
const MAX_VISIBLE = 10_000;

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/** Attributes the server sets on a stored certificate. */
export function certificateAttributes(c: ParsedCertificate): Attributes {
  return {
    certificateType: CertificateType.X_509,
    certificateLength: c.der.length,
    x509CertificateIdentifier: {
      issuerDistinguishedName: c.issuerDer,
      certificateSerialNumber: c.serial,
    },
    x509CertificateSubject: {
      subjectDistinguishedName: c.subjectDer,
      subjectAlternativeNames: c.subjectAltName === undefined ? [] : [c.subjectAltName],
    },
    x509CertificateIssuer: { issuerDistinguishedName: c.issuerDer, issuerAlternativeNames: [] },
    ...nameAttributes(c.subject, 'subject'),
    ...nameAttributes(c.issuer, 'issuer'),
    digests: [
      {
        hashingAlgorithm: HashingAlgorithm.SHA_256,
        digestValue: c.fingerprint,
        keyFormatType: KeyFormatType.X_509,
      },
    ],
  };
}

/** The X.509 certificate object of parsed certificate. */
export function certificateObject(c: ParsedCertificate): ManagedObject {
  return { kind: 'Certificate', certificateType: CertificateType.X_509, certificateValue: c.der };
}

/** Client attributes a certificate does not keep (cryptographic ones describe keys). */
function clientCertificateAttributes(a: Attributes): Attributes {
  const {
    cryptographicAlgorithm: _a,
    cryptographicLength: _l,
    cryptographicParameters: _p,
    cryptographicDomainParameters: _d,
    cryptographicUsageMask: _m,
    ...rest
  } = a;
  return rest;
}

/** What `insertCertificate` stores. */
export interface NewCertificateObject {
  readonly cert: ParsedCertificate;
  /** Client attributes (validated by insertNewObject). */
  readonly attributes: Attributes;
  readonly links?: readonly Link[];
  readonly uid?: string;
}

/**
 * Inserts one certificate. Its validity becomes the Activation and Deactivation Dates unless
 * the client set them, so that an expired certificate is Deactivated and cannot wrap keys.
 */
export async function insertCertificate(
  ctx: OperationContext,
  n: NewCertificateObject,
): Promise<ObjectRecord> {
  const client = clientCertificateAttributes(n.attributes);
  const extra: Attributes = certificateAttributes(n.cert);
  if (client.activationDate === undefined) extra.activationDate = n.cert.notBefore;
  if (client.deactivationDate === undefined) extra.deactivationDate = n.cert.notAfter;
  const clientLinks = client.links ?? [];
  delete client.links;
  extra.links = [...clientLinks, ...(n.links ?? [])];
  if (extra.links.length === 0) delete extra.links;
  return insertNewObject(ctx, {
    objectType: ObjectType.Certificate,
    attributes: client,
    object: certificateObject(n.cert),
    extra,
    ...(n.uid === undefined ? {} : { uid: n.uid }),
  });
}

/** Index of the certificates issued to `issuerOf` among `certs` (name and key identifier). */
function issuerIndex(child: ParsedCertificate, certs: readonly ParsedCertificate[]): number {
  return certs.findIndex(
    (c) =>
      c !== child &&
      sameName(c.subject, child.issuer) &&
      (child.authorityKeyId === undefined ||
        c.subjectKeyId === undefined ||
        hex(child.authorityKeyId) === hex(c.subjectKeyId)),
  );
}

/**
 * Stores the certificates of a Certificate object given to Register or Import: one DER
 * certificate, or a chain (PEM bundle, PKCS#7). The first certificate is the leaf: it gets the
 * identifier (`uid`, else the client's Unique Identifier attribute, else a UUID) and the client
 * attributes; each other certificate becomes its own object (or is reused when the caller
 * already holds the same certificate) and each certificate is linked to its issuer.
 * Nothing is stored when any certificate does not parse.
 */
export async function insertCertificates(
  ctx: OperationContext,
  object: ManagedObject,
  attributes: Attributes,
  uid?: string,
): Promise<ObjectRecord> {
  if (object.kind !== 'Certificate')
    throw new KmsError('ERR_KMS_ILLEGAL_OBJECT_TYPE', 'expected a certificate');
  if (
    object.certificateType !== CertificateType.X_509 &&
    object.certificateType !== CERTIFICATE_TYPE_PKCS7
  )
    throw new KmsError('ERR_KMS_FEATURE_NOT_SUPPORTED', 'only X.509 certificates are supported');
  const ders = certificatesOf(object.certificateValue);
  if (ders.length > MAX_CHAIN)
    throw new KmsError('ERR_KMS_INVALID_CERTIFICATE', `more than ${MAX_CHAIN} certificates`);
  const certs = ders.map((d) => parseCertificate(d));
  const index = new CertificateIndex(ctx);
  // Identifiers first, so that links can be written as each certificate is inserted.
  const uids: (string | undefined)[] = [];
  const reused: boolean[] = [];
  for (let i = 0; i < certs.length; i++) {
    const existing =
      i === 0 ? undefined : await index.recordByFingerprint(certs[i] as ParsedCertificate);
    uids.push(existing?.uid ?? (i === 0 ? uid : globalThis.crypto.randomUUID()));
    reused.push(existing !== undefined);
  }
  let leaf: ObjectRecord | undefined;
  // Issuers before the leaf: insert from the end.
  for (let i = certs.length - 1; i >= 0; i--) {
    if (reused[i] === true) continue;
    const cert = certs[i] as ParsedCertificate;
    const links: Link[] = [];
    const j = issuerIndex(cert, certs);
    if (j >= 0 && !sameName(cert.subject, cert.issuer)) {
      const issuerUid = uids[j];
      if (issuerUid !== undefined)
        links.push({ linkType: LinkType.CertificateLink, linkedObjectIdentifier: issuerUid });
    } else if (!sameName(cert.subject, cert.issuer)) {
      const held = await index.issuerHeld(cert);
      if (held !== undefined)
        links.push({ linkType: LinkType.CertificateLink, linkedObjectIdentifier: held });
    }
    const thisUid = uids[i];
    const record = await insertCertificate(ctx, {
      cert,
      attributes: i === 0 ? attributes : {},
      links,
      ...(thisUid === undefined ? {} : { uid: thisUid }),
    });
    if (i === 0) leaf = record;
  }
  if (leaf === undefined) throw new KmsError('ERR_KMS_INTERNAL', 'no leaf certificate stored');
  return leaf;
}

/** Why a stored certificate cannot be trusted (state, revocation), if it cannot. */
export function revocationStatus(record: ObjectRecord): string | undefined {
  if (record.state === State.Compromised || record.state === State.DestroyedCompromised)
    return 'compromised';
  if (record.state === State.Destroyed) return 'destroyed';
  if (record.attributes.revocationReason !== undefined) return 'revoked';
  return undefined;
}

const ALL_STATES = [
  State.PreActive,
  State.Active,
  State.Deactivated,
  State.Compromised,
  State.Destroyed,
  State.DestroyedCompromised,
];

/**
 * The certificates a caller can see (owned or granted), read once per request and parsed on
 * demand: the KMS side of chain building.
 */
export class CertificateIndex implements CertificateSource {
  readonly #ctx: OperationContext;
  #records: Promise<ObjectRecord[]> | undefined;
  readonly #parsed = new Map<string, KnownCertificate | null>();

  constructor(ctx: OperationContext) {
    this.#ctx = ctx;
  }

  #all(): Promise<ObjectRecord[]> {
    const reader = this.#ctx.tx ?? this.#ctx.server.repo.store;
    this.#records ??= reader.locate({
      user: this.#ctx.user,
      objectType: ObjectType.Certificate,
      states: ALL_STATES,
      limit: MAX_VISIBLE,
    });
    return this.#records;
  }

  /** The certificate of a record with its KMS status (null when it has no material left). */
  async known(record: ObjectRecord): Promise<KnownCertificate | null> {
    const cached = this.#parsed.get(record.uid);
    if (cached !== undefined) return cached;
    let result: KnownCertificate | null = null;
    const revoked = revocationStatus(record);
    let loaded: LoadedObject | undefined;
    try {
      loaded = await this.#ctx.load(record.uid);
    } catch {
      loaded = undefined;
    }
    const o = loaded?.object;
    if (o?.kind === 'Certificate') {
      try {
        const cert = loaded?.key('x509', () => parseCertificate(o.certificateValue));
        if (cert !== undefined)
          result = { cert, uid: record.uid, ...(revoked === undefined ? {} : { revoked }) };
      } catch {
        result = null;
      }
    }
    this.#parsed.set(record.uid, result);
    return result;
  }

  async bySubject(name: ParsedCertificate['subject']): Promise<KnownCertificate[]> {
    const out: KnownCertificate[] = [];
    for (const r of await this.#all()) {
      // The stored subject name filters first: only candidates are opened and parsed.
      const dn = r.attributes.x509CertificateSubject?.subjectDistinguishedName;
      if (dn === undefined) continue;
      let subject: ParsedCertificate['subject'];
      try {
        subject = parseName(dn);
      } catch {
        continue;
      }
      if (!sameName(subject, name)) continue;
      const k = await this.known(r);
      if (k !== null && sameName(k.cert.subject, name)) out.push(k);
    }
    return out;
  }

  /** The record holding this exact certificate (by SHA-256 digest), if the caller sees one. */
  async recordByFingerprint(cert: ParsedCertificate): Promise<ObjectRecord | undefined> {
    const fp = hex(cert.fingerprint);
    return (await this.#all()).find((r) =>
      (r.attributes.digests ?? []).some(
        (d) =>
          d.hashingAlgorithm === HashingAlgorithm.SHA_256 &&
          d.digestValue !== undefined &&
          hex(d.digestValue) === fp,
      ),
    );
  }

  async byFingerprint(cert: ParsedCertificate): Promise<KnownCertificate | undefined> {
    const r = await this.recordByFingerprint(cert);
    if (r === undefined) return undefined;
    const revoked = revocationStatus(r);
    return { cert, uid: r.uid, ...(revoked === undefined ? {} : { revoked }) };
  }

  /** Identifier of a certificate the caller holds that signed `cert`, if any. */
  async issuerHeld(cert: ParsedCertificate): Promise<string | undefined> {
    for (const k of await this.bySubject(cert.issuer)) {
      const r = await verifySignature(
        cert.tbs,
        cert.signatureAlgorithm,
        cert.signature,
        k.cert.spki,
      );
      if (r.status === 'valid') return k.uid;
    }
    return undefined;
  }
}

/** The parsed certificate of a loaded certificate object. */
export function loadedCertificate(loaded: LoadedObject): ParsedCertificate {
  const o = loaded.object;
  if (o === undefined)
    throw new KmsError('ERR_KMS_OBJECT_DESTROYED', `object ${loaded.record.uid} is destroyed`);
  if (o.kind !== 'Certificate')
    throw new KmsError(
      'ERR_KMS_ILLEGAL_OBJECT_TYPE',
      `object ${loaded.record.uid} is not a certificate`,
    );
  return loaded.key('x509', () => parseCertificate(o.certificateValue));
}

/** Linked object identifier of a link type, if the attributes have one. */
export function linkOf(a: Attributes, linkType: number): string | undefined {
  const l = (a.links ?? []).find((x) => x.linkType === linkType)?.linkedObjectIdentifier;
  return typeof l === 'string' ? l : undefined;
}

/**
 * The DER certificates of a stored certificate and its issuers, following Certificate Links
 * (leaf first; stops at a self-signed certificate, a missing or unreadable issuer, or a loop).
 */
export async function storedChain(
  ctx: OperationContext,
  leaf: LoadedObject,
): Promise<Uint8Array[]> {
  const out = [loadedCertificate(leaf).der];
  const seen = new Set([leaf.record.uid]);
  let current = leaf;
  while (out.length < MAX_CHAIN) {
    const next = linkOf(current.record.attributes, LinkType.CertificateLink);
    if (next === undefined || seen.has(next)) break;
    seen.add(next);
    try {
      current = await ctx.object(next, 'get', 'read');
      out.push(loadedCertificate(current).der);
    } catch {
      break;
    }
  }
  return out;
}

/**
 * A stored certificate in the Key Format Type asked: X.509 (DER, as stored; the default) or
 * Cosmian's PKCS#7 (the certificate and its issuers in the KMS, leaf first). Certificates are
 * public: they are never wrapped.
 */
export async function certificateInFormat(
  ctx: OperationContext,
  loaded: LoadedObject,
  format: number | undefined,
  wrapped: boolean,
): Promise<ManagedObject> {
  const uid = loaded.record.uid;
  if (wrapped)
    throw new KmsError(
      'ERR_KMS_ILLEGAL_OBJECT_TYPE',
      `certificate ${uid} is public: it is not wrapped`,
    );
  const object = loaded.object;
  if (object === undefined)
    throw new KmsError('ERR_KMS_OBJECT_DESTROYED', `object ${uid} is destroyed`);
  if (format === undefined || format === KeyFormatType.X_509) return object;
  if (format === KEY_FORMAT_PKCS7)
    return {
      kind: 'Certificate',
      certificateType: CERTIFICATE_TYPE_PKCS7,
      certificateValue: pkcs7Encode(await storedChain(ctx, loaded)),
    };
  throw new KmsError(
    'ERR_KMS_KEY_FORMAT_NOT_SUPPORTED',
    `certificate ${uid} is returned as X.509 or PKCS#7 (0x88800002)`,
  );
}
