/**
 * Certificate path validation for Validate (KMIP 2.1 §6.1.48), after RFC 5280 §6.1 without
 * policies, name constraints or CRL fetching: from the leaf, each certificate's issuer is looked
 * for among the certificates of the request and those the caller can see in the KMS (same
 * subject name, matching key identifier when both carry one), and its signature is checked
 * with the issuer's key; the path must end at a self-signed certificate (the trust anchor) held
 * in the KMS or given in the request. Every certificate of the path must be within its dates at
 * the validation date, carry no critical extension we do not understand, and, when it is held
 * in the KMS, not be revoked, compromised or destroyed there. Every issuer must be a CA
 * (basicConstraints cA, v3), allow keyCertSign when it has a keyUsage, and respect its
 * pathLenConstraint.
 *
 * The verdict is Valid, Invalid (a check failed) or Unknown (the path cannot be completed or a
 * signature algorithm is not one we verify), with the reason in words.
 */
import { type Name } from '@peculiar/asn1-x509';
import { KEY_USAGE_BITS } from './_x509-extensions.ts';
import { nameText, sameName } from './_x509-names.ts';
import type { ParsedCertificate } from './_x509-cert.ts';
import { verifySignature } from './_x509-sign.ts';

/** A certificate with what the KMS knows of it. */
export interface KnownCertificate {
  readonly cert: ParsedCertificate;
  /** Identifier of the KMS object holding it. */
  readonly uid?: string;
  /** Why the KMS considers it revoked (state or revocation reason), if it does. */
  readonly revoked?: string;
}

/** Where the path builder finds certificates held in the KMS. */
export interface CertificateSource {
  /** Certificates the caller can see whose subject is `name`. */
  bySubject(name: Name): Promise<KnownCertificate[]>;
  /** The KMS object holding exactly this certificate (same SHA-256), if the caller sees one. */
  byFingerprint(cert: ParsedCertificate): Promise<KnownCertificate | undefined>;
}

export interface Verdict {
  readonly indicator: 'valid' | 'invalid' | 'unknown';
  readonly reason: string;
  /** Subjects of the path, leaf first. */
  readonly path: readonly string[];
}

/** Longest path followed (leaf included). */
export const MAX_PATH = 10;

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const equal = (a: Uint8Array, b: Uint8Array): boolean => hex(a) === hex(b);

function label(c: ParsedCertificate): string {
  return `"${nameText(c.subject).slice(0, 120)}"`;
}

function selfIssued(c: ParsedCertificate): boolean {
  return sameName(c.subject, c.issuer);
}

/** Whether `candidate` may be the issuer of `child` by name and key identifier. */
function mayIssue(candidate: ParsedCertificate, child: ParsedCertificate): boolean {
  if (!sameName(candidate.subject, child.issuer)) return false;
  if (child.authorityKeyId !== undefined && candidate.subjectKeyId !== undefined)
    return equal(child.authorityKeyId, candidate.subjectKeyId);
  return true;
}

/** Ends the path walk with a verdict (caught in validateChain, never escapes). */
class Stop extends Error {
  readonly verdict: Verdict;
  constructor(verdict: Verdict) {
    super(verdict.reason);
    this.verdict = verdict;
  }
}

/** Validates the path from `leaf`, with `pool` the other certificates of the request. */
export async function validateChain(
  leaf: KnownCertificate,
  pool: readonly KnownCertificate[],
  source: CertificateSource,
  at: Date,
): Promise<Verdict> {
  const path: KnownCertificate[] = [];
  const subjects = (): string[] => path.map((k) => nameText(k.cert.subject));
  const stop = (indicator: Verdict['indicator'], reason: string): never => {
    throw new Stop({ indicator, reason, path: subjects() });
  };
  try {
    let current = await withStatus(leaf, source);
    for (;;) {
      path.push(current);
      checkOne(current, path.length === 1, at, stop);
      // A self-signed certificate ends the path: it is the trust anchor.
      if (selfIssued(current.cert)) {
        const self = await verifySignature(
          current.cert.tbs,
          current.cert.signatureAlgorithm,
          current.cert.signature,
          current.cert.spki,
        );
        if (self.status === 'valid') {
          const where =
            current.uid !== undefined
              ? `held in the KMS as ${current.uid}`
              : 'given in the request (not held in the KMS)';
          return {
            indicator: 'valid',
            reason: `valid: path of ${path.length} certificate(s) ending at the self-signed root ${label(current.cert)}, ${where}`,
            path: subjects(),
          };
        }
        if (self.status === 'unknown')
          stop('unknown', `root ${label(current.cert)}: ${self.reason}`);
        // Self-issued but not self-signed (a key rollover certificate): look for its issuer.
      }
      if (path.length >= MAX_PATH) stop('unknown', `no root within ${MAX_PATH} certificates`);
      const next = await findIssuer(current.cert, pool, source, path, stop);
      checkIssuer(next.cert, path, stop);
      current = next;
    }
  } catch (error) {
    if (error instanceof Stop) return error.verdict;
    throw error;
  }
}

async function withStatus(
  k: KnownCertificate,
  source: CertificateSource,
): Promise<KnownCertificate> {
  if (k.uid !== undefined) return k;
  return (await source.byFingerprint(k.cert)) ?? k;
}

function checkOne(
  k: KnownCertificate,
  isLeaf: boolean,
  at: Date,
  stop: (i: Verdict['indicator'], r: string) => never,
): void {
  const c = k.cert;
  const who = `${isLeaf ? 'certificate' : 'issuer'} ${label(c)}`;
  if (k.revoked !== undefined)
    stop('invalid', `${who} is ${k.revoked} in the KMS (${k.uid ?? ''})`);
  if (at < c.notBefore) stop('invalid', `${who} is not valid before ${c.notBefore.toISOString()}`);
  if (at > c.notAfter) stop('invalid', `${who} expired on ${c.notAfter.toISOString()}`);
  if (c.unknownCritical.length > 0)
    stop('invalid', `${who} has unsupported critical extension(s) ${c.unknownCritical.join(', ')}`);
}

async function findIssuer(
  child: ParsedCertificate,
  pool: readonly KnownCertificate[],
  source: CertificateSource,
  path: readonly KnownCertificate[],
  stop: (i: Verdict['indicator'], r: string) => never,
): Promise<KnownCertificate> {
  const seen = new Set(path.map((k) => hex(k.cert.fingerprint)));
  const candidates: KnownCertificate[] = [];
  const add = (k: KnownCertificate): void => {
    const fp = hex(k.cert.fingerprint);
    if (seen.has(fp) || !mayIssue(k.cert, child)) return;
    seen.add(fp);
    candidates.push(k);
  };
  // KMS copies first: they carry the revocation status.
  for (const k of await source.bySubject(child.issuer)) add(k);
  for (const k of pool) add(await withStatus(k, source));
  if (candidates.length === 0)
    stop(
      'unknown',
      `the issuer "${nameText(child.issuer).slice(0, 120)}" of ${label(child)} was not found`,
    );
  let unknown: string | undefined;
  for (const k of candidates) {
    const r = await verifySignature(
      child.tbs,
      child.signatureAlgorithm,
      child.signature,
      k.cert.spki,
    );
    if (r.status === 'valid') return k;
    if (r.status === 'unknown') unknown ??= r.reason;
  }
  if (unknown !== undefined) return stop('unknown', `${label(child)}: ${unknown}`);
  return stop('invalid', `the signature of ${label(child)} does not verify with its issuer's key`);
}

function checkIssuer(
  issuer: ParsedCertificate,
  below: readonly KnownCertificate[],
  stop: (i: Verdict['indicator'], r: string) => never,
): void {
  const who = `issuer ${label(issuer)}`;
  const selfSignedRoot = selfIssued(issuer);
  // RFC 5280 §6.1.4 (k): an intermediate must be a v3 CA; a v1 self-signed root is a trust
  // anchor and is taken as it is.
  if (issuer.basicConstraints?.ca !== true && !(issuer.version === 1 && selfSignedRoot))
    stop('invalid', `${who} is not a CA (basicConstraints cA is not set)`);
  if (
    issuer.keyUsage !== undefined &&
    (issuer.keyUsage & (KEY_USAGE_BITS['keyCertSign'] as number)) === 0
  )
    stop('invalid', `${who} may not sign certificates (keyUsage lacks keyCertSign)`);
  const pathLen = issuer.basicConstraints?.pathLen;
  if (pathLen !== undefined) {
    // Intermediates below this issuer, the leaf and self-issued ones excepted (RFC 5280 §6.1.4 (l)).
    const intermediates = below.slice(1).filter((k) => !selfIssued(k.cert)).length;
    if (intermediates > pathLen)
      stop(
        'invalid',
        `${who} allows ${pathLen} intermediate CA(s) below it, the path has ${intermediates}`,
      );
  }
}
