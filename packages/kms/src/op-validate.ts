/**
 * Validate (KMIP 2.1 §6.1.48): is a certificate chain valid at the Validity Date (default now)?
 * The chain is given by value (Certificate structures: DER, PEM or PKCS#7 values) and/or by the
 * Unique Identifiers of certificate objects; the first certificate (by value first, then by
 * identifier) is the one validated, the others are candidate issuers, as are the certificates
 * the caller can see in the KMS. See `_x509-chain.ts` for the checks.
 *
 * The answer is the Validity Indicator (Valid, Invalid, Unknown) with the reason as the batch
 * item's Result Message. A chain that does not validate is an answer, not an error; requests
 * that cannot be read (malformed certificates, identifiers of other objects) are errors.
 */
import {
  ObjectType,
  Operation,
  ValidityIndicator,
  decodeRequestPayload,
  encodeResponsePayload,
  type TtlvStructure,
} from '@custos/kmip';
import type { OperationContext, OperationResult } from './context.ts';
import { KmsError } from './errors.ts';
import { CertificateIndex, revocationStatus } from './_certificates.ts';
import { validateChain, type KnownCertificate, type Verdict } from './_x509-chain.ts';
import { certificatesOf, MAX_CHAIN, parseCertificate } from './_x509-cert.ts';

const INDICATOR: Readonly<Record<Verdict['indicator'], number>> = {
  valid: ValidityIndicator.Valid,
  invalid: ValidityIndicator.Invalid,
  unknown: ValidityIndicator.Unknown,
};

function answer(ctx: OperationContext, verdict: Verdict, subject?: string): OperationResult {
  return {
    payload: encodeResponsePayload(
      Operation.Validate,
      { validityIndicator: INDICATOR[verdict.indicator] },
      ctx.version,
    ),
    uids: [],
    ...(subject === undefined ? {} : { subject }),
    message: verdict.reason,
  };
}

export async function validate(
  ctx: OperationContext,
  payload: TtlvStructure,
): Promise<OperationResult> {
  const req = decodeRequestPayload(Operation.Validate, payload, ctx.version);
  const given: KnownCertificate[] = [];
  for (const c of req.certificates ?? [])
    for (const der of certificatesOf(c.certificateValue))
      given.push({ cert: parseCertificate(der) });
  for (const id of req.uniqueIdentifiers ?? []) {
    const loaded = await ctx.object(id, 'validate', 'metadata');
    const r = loaded.record;
    if (r.objectType !== ObjectType.Certificate)
      throw new KmsError('ERR_KMS_ILLEGAL_OBJECT_TYPE', `object ${r.uid} is not a certificate`);
    const o = loaded.object;
    if (o?.kind !== 'Certificate')
      return answer(
        ctx,
        { indicator: 'invalid', reason: `certificate ${r.uid} is destroyed`, path: [] },
        r.uid,
      );
    const cert = loaded.key('x509', () => parseCertificate(o.certificateValue));
    const revoked = revocationStatus(r);
    given.push({ cert, uid: r.uid, ...(revoked === undefined ? {} : { revoked }) });
  }
  if (given.length > MAX_CHAIN)
    throw new KmsError('ERR_KMS_INVALID_FIELD', `Validate takes at most ${MAX_CHAIN} certificates`);
  const [leaf, ...pool] = given;
  if (leaf === undefined)
    throw new KmsError('ERR_KMS_MISSING_DATA', 'Validate needs certificates or identifiers');
  const at = req.validityDate ?? ctx.now;
  const verdict = await validateChain(leaf, pool, new CertificateIndex(ctx), at);
  return answer(ctx, verdict, leaf.uid);
}
