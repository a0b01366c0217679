/**
 * Certify (KMIP 2.1 §6.1.9): issue an X.509 v3 certificate and store it as a Certificate
 * object.
 *
 * The subject (name and public key) comes from, in this order:
 * - a PKCS#10 request in Certificate Request Value (Certificate Request Type PEM, the default,
 *   or PKCS#10 DER), whose signature must verify (proof of possession); its subject alternative
 *   names are kept, its other requested extensions are not (the issuer decides those);
 * - the Unique Identifier of a public key in the KMS (subject name from the Certificate Subject
 *   attributes), or of a certificate, which is renewed (same subject, key and extensions);
 * - otherwise a new key pair of the request's Cryptographic Algorithm (Length, Domain
 *   Parameters), generated and stored as Create Key Pair would.
 *
 * The issuer: a Certificate Link (the issuer's certificate) and/or a Private Key Link (its
 * private key; found from the certificate's Private Key Link when absent) in the request's
 * attributes; without either the certificate is self-signed by the subject's own private key.
 * An issuer certificate must be a CA (basicConstraints cA, keyCertSign when keyUsage is
 * present), match the private key, not be revoked and be within its dates; the new
 * certificate never outlives it.
 *
 * Validity: from the Activation Date (else now) to the Deactivation Date, else for the vendor
 * attribute `requested_validity_days` (Cosmian's; default 365). Extensions: the vendor
 * attribute `x509-extension` (an OpenSSL extension file), see `_x509-extensions.ts`.
 * Signature: the issuer key's natural algorithm, or the Digital Signature Algorithm asked.
 */
import {
  CryptographicUsageMask,
  LinkType,
  ObjectType,
  Operation,
  CertificateRequestType,
  decodeRequestPayload,
  encodeResponsePayload,
  type Attributes,
  type CertifyRequest,
  type Link,
  type TtlvItem,
  type TtlvStructure,
} from '@custos/kmip';
import { provider } from '@custos/crypto';
import type { Extension, Name } from '@peculiar/asn1-x509';
import type { OperationContext, OperationResult } from './context.ts';
import { KmsError } from './errors.ts';
import { requireCreateRight } from './op-create.ts';
import { halfAttributes, insertKeyPair } from './op-keypair.ts';
import type { LoadedObject } from './repository.ts';
import { changed } from './_objects.ts';
import {
  generateKeyPair,
  keyPairFamily,
  pairUsageMasks,
  parsedPrivateKey,
  parsedPublicKey,
} from './_asym-keys.ts';
import { insertCertificate, linkOf, loadedCertificate, revocationStatus } from './_certificates.ts';
import { signingAlgorithm } from './_x509-algorithms.ts';
import { issueCertificate } from './_x509-build.ts';
import { parseCsr } from './_x509-cert.ts';
import { keyIdentifier, parseExtensionRequest, KEY_USAGE_BITS } from './_x509-extensions.ts';
import { hasSubjectAttributes, nameFromAttributes, nameText } from './_x509-names.ts';
import { verifySignature, type PrivateKey } from './_x509-sign.ts';

const DAY_MS = 86_400_000;
const DEFAULT_DAYS = 365;
const MAX_DAYS = 36_500;

/** Vendor attribute names Certify reads (Cosmian's spelling), then drops. */
const ATTR_EXTENSIONS = 'x509-extension';
const ATTR_DAYS = 'requested_validity_days';

interface Subject {
  readonly name: Name;
  readonly spki: Uint8Array;
  readonly requestedSan?: Uint8Array | undefined;
  readonly copied?: readonly Extension[];
  readonly publicKeyUid?: string | undefined;
  readonly privateKeyUid?: string | undefined;
}

interface Issuer {
  readonly name: Name;
  readonly keyId: Uint8Array;
  readonly key: PrivateKey;
  readonly selfSigned: boolean;
  readonly certificateUid?: string;
  readonly notAfter?: Date;
}

const equal = (a: Uint8Array, b: Uint8Array): boolean =>
  a.length === b.length && a.every((v, i) => v === b[i]);

function vendorText(item: TtlvItem, name: string): string {
  if (item.type === 'TextString') return item.value;
  if (item.type === 'ByteString') {
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(item.value);
    } catch {
      throw new KmsError('ERR_KMS_X509_EXTENSION', `vendor attribute ${name} is not UTF-8 text`);
    }
  }
  if (item.type === 'Integer') return String(item.value);
  throw new KmsError('ERR_KMS_X509_EXTENSION', `vendor attribute ${name} must be text`);
}

/** Takes Certify's vendor attributes out of the request attributes. */
function takeVendor(
  a: Attributes,
  vendor: string,
): { attributes: Attributes; extensions?: string; days?: string } {
  const out: { attributes: Attributes; extensions?: string; days?: string } = { attributes: a };
  const kept = [];
  for (const v of a.vendorAttributes ?? []) {
    const ours = v.vendorIdentification === vendor || v.vendorIdentification === 'cosmian';
    if (ours && v.attributeName === ATTR_EXTENSIONS)
      out.extensions = vendorText(v.attributeValue, ATTR_EXTENSIONS);
    else if (ours && v.attributeName === ATTR_DAYS)
      out.days = vendorText(v.attributeValue, ATTR_DAYS);
    else kept.push(v);
  }
  const attributes: Attributes = { ...a };
  if (kept.length > 0) attributes.vendorAttributes = kept;
  else delete attributes.vendorAttributes;
  out.attributes = attributes;
  return out;
}

async function spkiOf(loaded: LoadedObject): Promise<Uint8Array> {
  return provider.keys.exportPublic(await parsedPublicKey(loaded), 'spki');
}

/** The private key of `uid`, checked for signing (state Active, usage Sign/Certificate Sign). */
async function signingKey(
  ctx: OperationContext,
  uid: string,
): Promise<{ loaded: LoadedObject; key: PrivateKey }> {
  const loaded = await ctx.object(uid, 'certify', 'protect');
  if (loaded.record.objectType !== ObjectType.PrivateKey)
    throw new KmsError('ERR_KMS_ILLEGAL_OBJECT_TYPE', `object ${uid} is not a private key`);
  const mask = loaded.record.attributes.cryptographicUsageMask;
  const M = CryptographicUsageMask;
  if (mask !== undefined && (mask & (M.Sign | M.CertificateSign | M.Unrestricted)) === 0)
    throw new KmsError(
      'ERR_KMS_INCOMPATIBLE_USAGE_MASK',
      `the Cryptographic Usage Mask of ${uid} allows neither Sign nor Certificate Sign`,
    );
  return { loaded, key: await parsedPrivateKey(loaded) };
}

async function subjectFromCsr(
  req: CertifyRequest,
  value: Uint8Array,
  a: Attributes,
): Promise<Subject> {
  const type = req.certificateRequestType ?? CertificateRequestType.PEM;
  if (type === CertificateRequestType.CRMF)
    throw new KmsError(
      'ERR_KMS_FEATURE_NOT_SUPPORTED',
      'CRMF certificate requests are not supported',
    );
  if (type !== CertificateRequestType.PEM && type !== CertificateRequestType.PKCS_10)
    throw new KmsError('ERR_KMS_INVALID_FIELD', 'Certificate Request Type must be PEM or PKCS#10');
  const csr = parseCsr(value, type === CertificateRequestType.PEM);
  const check = await verifySignature(csr.info, csr.signatureAlgorithm, csr.signature, csr.spki);
  if (check.status !== 'valid')
    throw new KmsError(
      'ERR_KMS_INVALID_CSR',
      check.status === 'invalid'
        ? "the certificate request's signature does not verify"
        : `the certificate request cannot be verified: ${check.reason}`,
    );
  const name =
    csr.subject.length > 0 || !hasSubjectAttributes(a) ? csr.subject : nameFromAttributes(a);
  if (name.length === 0)
    throw new KmsError('ERR_KMS_X509_EXTENSION', 'the certificate request has an empty subject');
  return { name, spki: csr.spki, requestedSan: csr.subjectAltName };
}

async function subjectFromObject(
  ctx: OperationContext,
  uid: string,
  a: Attributes,
): Promise<Subject> {
  const loaded = await ctx.object(uid, 'certify', 'read');
  const r = loaded.record;
  if (r.objectType === ObjectType.PublicKey)
    return {
      name: nameFromAttributes(a),
      spki: await spkiOf(loaded),
      publicKeyUid: r.uid,
      privateKeyUid: linkOf(r.attributes, LinkType.PrivateKeyLink),
    };
  if (r.objectType === ObjectType.Certificate) {
    const old = loadedCertificate(loaded);
    return {
      name: hasSubjectAttributes(a) ? nameFromAttributes(a) : old.subject,
      spki: old.spki,
      copied: old.extensions,
      publicKeyUid: linkOf(r.attributes, LinkType.PublicKeyLink),
      privateKeyUid: linkOf(r.attributes, LinkType.PrivateKeyLink),
    };
  }
  throw new KmsError(
    'ERR_KMS_ILLEGAL_OBJECT_TYPE',
    `Certify takes a public key or a certificate to renew; object ${uid} is neither`,
  );
}

/** A new key pair for the certificate (the request's algorithm), stored like Create Key Pair. */
async function subjectFromNewPair(ctx: OperationContext, a: Attributes): Promise<Subject> {
  const algorithm = a.cryptographicAlgorithm;
  if (algorithm === undefined)
    throw new KmsError(
      'ERR_KMS_MISSING_DATA',
      'Certify needs a certificate request, the identifier of a public key or certificate, or a Cryptographic Algorithm for a new key pair',
    );
  const name = nameFromAttributes(a);
  const family = keyPairFamily(
    algorithm,
    a.cryptographicLength,
    a.cryptographicDomainParameters?.recommendedCurve,
  );
  const pair = await generateKeyPair(family);
  const { privateAttributes, publicAttributes } = halfAttributes(
    { commonAttributes: { activationDate: ctx.now } },
    family,
    pairUsageMasks(family),
  );
  const { privateRecord, publicRecord } = await insertKeyPair(ctx, {
    privateKey: pair.privateKey,
    publicKey: pair.publicKey,
    privateAttributes,
    publicAttributes,
  });
  const loaded = await ctx.load(publicRecord.uid);
  return {
    name,
    spki: await spkiOf(loaded),
    publicKeyUid: publicRecord.uid,
    privateKeyUid: privateRecord.uid,
  };
}

async function resolveSubject(
  ctx: OperationContext,
  req: CertifyRequest,
  a: Attributes,
): Promise<Subject> {
  const value = req.certificateRequestValue;
  if (value !== undefined) {
    if (req.uniqueIdentifier !== undefined)
      throw new KmsError(
        'ERR_KMS_INVALID_FIELD',
        'Certify takes a certificate request or a Unique Identifier, not both',
      );
    return subjectFromCsr(req, value, a);
  }
  if (req.uniqueIdentifier !== undefined)
    return subjectFromObject(ctx, await ctx.resolve(req.uniqueIdentifier), a);
  return subjectFromNewPair(ctx, a);
}

async function resolveIssuer(
  ctx: OperationContext,
  subject: Subject,
  certUid: string | undefined,
  keyUid: string | undefined,
): Promise<Issuer> {
  if (certUid === undefined && keyUid === undefined) {
    // Self-signed by the subject's own private key.
    if (subject.privateKeyUid === undefined)
      throw new KmsError(
        'ERR_KMS_ISSUER',
        subject.publicKeyUid === undefined
          ? 'a certificate request is certified by an issuer: set a Certificate Link and/or Private Key Link'
          : `public key ${subject.publicKeyUid} has no Private Key Link to self-sign with: name an issuer`,
      );
    const { key } = await signingKey(ctx, subject.privateKeyUid);
    await sameKey(key, subject.spki, 'the private key linked to the subject');
    return { name: subject.name, keyId: keyIdentifier(subject.spki), key, selfSigned: true };
  }
  let certificate: LoadedObject | undefined;
  if (certUid !== undefined) {
    certificate = await ctx.object(certUid, 'certify', 'read');
    if (certificate.record.objectType !== ObjectType.Certificate)
      throw new KmsError('ERR_KMS_ILLEGAL_OBJECT_TYPE', `issuer ${certUid} is not a certificate`);
  }
  const privUid =
    keyUid ??
    (certificate === undefined
      ? undefined
      : linkOf(certificate.record.attributes, LinkType.PrivateKeyLink));
  if (privUid === undefined)
    throw new KmsError(
      'ERR_KMS_ISSUER',
      `issuer certificate ${certUid ?? ''} has no Private Key Link: name the issuer's private key with a Private Key Link`,
    );
  const { loaded: keyLoaded, key } = await signingKey(ctx, privUid);
  if (certificate === undefined) {
    const linked = linkOf(keyLoaded.record.attributes, LinkType.CertificateLink);
    if (linked !== undefined) certificate = await ctx.object(linked, 'certify', 'read');
  }
  if (certificate === undefined) {
    // A private key without a certificate can only sign its own subject.
    await sameKey(key, subject.spki, `issuer key ${privUid} has no certificate and`);
    return { name: subject.name, keyId: keyIdentifier(subject.spki), key, selfSigned: true };
  }
  const ca = loadedCertificate(certificate);
  const who = `issuer certificate ${certificate.record.uid}`;
  await sameKey(key, ca.spki, `private key ${privUid} does not match ${who}:`);
  const revoked = revocationStatus(certificate.record);
  if (revoked !== undefined) throw new KmsError('ERR_KMS_ISSUER', `${who} is ${revoked}`);
  if (ctx.now < ca.notBefore || ctx.now > ca.notAfter)
    throw new KmsError('ERR_KMS_ISSUER', `${who} is outside its validity period`);
  if (ca.basicConstraints?.ca !== true)
    throw new KmsError('ERR_KMS_ISSUER', `${who} is not a CA (basicConstraints cA is not set)`);
  if (ca.keyUsage !== undefined && (ca.keyUsage & (KEY_USAGE_BITS['keyCertSign'] as number)) === 0)
    throw new KmsError('ERR_KMS_ISSUER', `${who} may not sign certificates (no keyCertSign)`);
  return {
    name: ca.subject,
    keyId: ca.subjectKeyId ?? keyIdentifier(ca.spki),
    key,
    selfSigned: false,
    certificateUid: certificate.record.uid,
    notAfter: ca.notAfter,
  };
}

async function sameKey(key: PrivateKey, spki: Uint8Array, what: string): Promise<void> {
  const own = await provider.keys.exportPublic(await provider.keys.publicKeyOf(key), 'spki');
  if (!equal(own, spki))
    throw new KmsError('ERR_KMS_ISSUER', `${what} is not the key of the certified public key`);
}

function validity(
  ctx: OperationContext,
  a: Attributes,
  days: string | undefined,
  issuerNotAfter: Date | undefined,
): { notBefore: Date; notAfter: Date } {
  const notBefore = a.activationDate ?? ctx.now;
  let notAfter = a.deactivationDate;
  if (notAfter === undefined) {
    let n = DEFAULT_DAYS;
    if (days !== undefined) {
      if (!/^[0-9]{1,6}$/u.test(days.trim()) || Number(days) < 1 || Number(days) > MAX_DAYS)
        throw new KmsError(
          'ERR_KMS_X509_EXTENSION',
          `requested_validity_days must be 1 to ${MAX_DAYS}`,
        );
      n = Number(days);
    }
    notAfter = new Date(notBefore.getTime() + n * DAY_MS);
  } else if (days !== undefined)
    throw new KmsError(
      'ERR_KMS_INVALID_FIELD',
      'give a Deactivation Date or requested_validity_days, not both',
    );
  // A certificate never outlives its issuer's (as Cosmian and most CAs do).
  if (issuerNotAfter !== undefined && notAfter > issuerNotAfter) notAfter = issuerNotAfter;
  if (notAfter <= notBefore)
    throw new KmsError('ERR_KMS_X509_EXTENSION', 'the certificate would expire before it starts');
  return { notBefore, notAfter };
}

/** Sets (or replaces) the Certificate Link of a key the caller owns to the new certificate. */
async function linkKey(
  ctx: OperationContext,
  uid: string | undefined,
  certUid: string,
): Promise<void> {
  if (uid === undefined) return;
  const record = await ctx.writer.getObject(uid, { lock: true });
  if (record?.owner !== ctx.user) return;
  const links = (record.attributes.links ?? []).filter(
    (l) => l.linkType !== LinkType.CertificateLink,
  );
  links.push({ linkType: LinkType.CertificateLink, linkedObjectIdentifier: certUid });
  await ctx.writer.updateObject(
    changed(ctx, record, { attributes: { ...record.attributes, links } }),
  );
}

export async function certify(
  ctx: OperationContext,
  payload: TtlvStructure,
): Promise<OperationResult> {
  const req = decodeRequestPayload(Operation.Certify, payload, ctx.version);
  await requireCreateRight(ctx);
  const taken = takeVendor(req.attributes ?? {}, ctx.config.vendorIdentification);
  const a = taken.attributes;
  const extensions = taken.extensions === undefined ? {} : parseExtensionRequest(taken.extensions);
  const issuerCertUid = linkOf(a, LinkType.CertificateLink);
  const issuerKeyUid = linkOf(a, LinkType.PrivateKeyLink);
  const subject = await resolveSubject(ctx, req, a);
  const issuer = await resolveIssuer(ctx, subject, issuerCertUid, issuerKeyUid);
  const { notBefore, notAfter } = validity(ctx, a, taken.days, issuer.notAfter);
  const algorithm = signingAlgorithm(issuer.key.algorithm, {
    ...(a.digitalSignatureAlgorithm === undefined
      ? a.cryptographicParameters?.digitalSignatureAlgorithm === undefined
        ? {}
        : { digitalSignatureAlgorithm: a.cryptographicParameters.digitalSignatureAlgorithm }
      : { digitalSignatureAlgorithm: a.digitalSignatureAlgorithm }),
    ...(a.cryptographicParameters?.hashingAlgorithm === undefined
      ? {}
      : { hashingAlgorithm: a.cryptographicParameters.hashingAlgorithm }),
  });
  const cert = await issueCertificate({
    subject: subject.name,
    subjectSpki: subject.spki,
    issuer: issuer.name,
    issuerKeyId: issuer.keyId,
    selfSigned: issuer.selfSigned,
    notBefore,
    notAfter,
    extensions,
    requestedSan: subject.requestedSan,
    ...(subject.copied === undefined ? {} : { copied: subject.copied }),
    algorithm,
    key: issuer.key,
  });
  // The links that named the issuer describe the request, not the new certificate.
  const { links: _requestLinks, digitalSignatureAlgorithm: _dsa, ...clientAttributes } = a;
  const links: Link[] = [];
  if (subject.publicKeyUid !== undefined)
    links.push({ linkType: LinkType.PublicKeyLink, linkedObjectIdentifier: subject.publicKeyUid });
  if (subject.privateKeyUid !== undefined)
    links.push({
      linkType: LinkType.PrivateKeyLink,
      linkedObjectIdentifier: subject.privateKeyUid,
    });
  if (issuer.certificateUid !== undefined)
    links.push({
      linkType: LinkType.CertificateLink,
      linkedObjectIdentifier: issuer.certificateUid,
    });
  const record = await insertCertificate(ctx, { cert, attributes: clientAttributes, links });
  await linkKey(ctx, subject.publicKeyUid, record.uid);
  await linkKey(ctx, subject.privateKeyUid, record.uid);
  ctx.server.logger.info('certificate issued', {
    uid: record.uid,
    subject: nameText(cert.subject).slice(0, 200),
    issuer: nameText(cert.issuer).slice(0, 200),
  });
  return {
    payload: encodeResponsePayload(
      Operation.Certify,
      { uniqueIdentifier: record.uid },
      ctx.version,
    ),
    uids: [record.uid],
  };
}
