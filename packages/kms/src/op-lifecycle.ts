/**
 * Lifecycle operations (KMIP 2.1 §3.45 state machine): Check, Activate, Revoke, Destroy.
 *
 * - Activate: Pre-Active → Active (Activation Date = now).
 * - Revoke: Key Compromise / CA Compromise → Compromised (Compromise Date = now, Compromise
 *   Occurrence Date as given); other reasons → Deactivated (Deactivation Date = now), from
 *   Pre-Active or Active only. A destroyed object revoked as compromised becomes Destroyed
 *   Compromised.
 * - Destroy: refused on an Active object (revoke it first). The key material is erased and the
 *   metadata kept (Destroyed, Destroy Date = now). Hard delete: a Custos extension, the Boolean
 *   item with tag 0x540001 ("Remove") set to true, removes the object and its grants entirely,
 *   from any state but Active.
 */
import {
  Operation,
  RevocationReasonCode,
  State,
  decodeRequestPayload,
  encodeResponsePayload,
  type TtlvStructure,
} from '@custos/kmip';
import { requireRight } from './access.ts';
import type { OperationContext, OperationResult } from './context.ts';
import { KmsError } from './errors.ts';
import { changed } from './_objects.ts';
import { checkUsageMask, effectiveState, stateName } from './rules.ts';

/** Extension tag of the hard-delete flag of Destroy. */
export const REMOVE_TAG = 0x540001;

function uidPayload(ctx: OperationContext, op: number, uid: string): TtlvStructure {
  return encodeResponsePayload(
    op as typeof Operation.Activate,
    { uniqueIdentifier: uid },
    ctx.version,
  );
}

export async function check(
  ctx: OperationContext,
  payload: TtlvStructure,
): Promise<OperationResult> {
  const req = decodeRequestPayload(Operation.Check, payload, ctx.version);
  const loaded = await ctx.object(req.uniqueIdentifier, 'getattributes', 'read');
  if (req.cryptographicUsageMask !== undefined) {
    for (let bit = 1; bit !== 0 && bit <= 0x40000000; bit <<= 1)
      if ((req.cryptographicUsageMask & bit) !== 0)
        checkUsageMask(loaded.record, bit, 'the usage asked');
  }
  const state = effectiveState(loaded.record, ctx.now);
  if (state === State.Destroyed || state === State.DestroyedCompromised)
    throw new KmsError('ERR_KMS_OBJECT_DESTROYED', `object ${loaded.record.uid} is destroyed`);
  return {
    payload: encodeResponsePayload(
      Operation.Check,
      { uniqueIdentifier: loaded.record.uid },
      ctx.version,
    ),
    uids: [],
    subject: loaded.record.uid,
  };
}

export async function activate(
  ctx: OperationContext,
  payload: TtlvStructure,
): Promise<OperationResult> {
  const req = decodeRequestPayload(Operation.Activate, payload, ctx.version);
  const loaded = await ctx.object(req.uniqueIdentifier, 'activate', 'read', true);
  const r = loaded.record;
  const state = effectiveState(r, ctx.now);
  if (state !== State.PreActive)
    throw new KmsError(
      'ERR_KMS_WRONG_STATE',
      `object ${r.uid} is ${stateName(state)}: only a Pre-Active object can be activated`,
    );
  await ctx.writer.updateObject(
    changed(ctx, r, {
      state: State.Active,
      attributes: { ...r.attributes, activationDate: ctx.now },
    }),
  );
  return { payload: uidPayload(ctx, Operation.Activate, r.uid), uids: [], subject: r.uid };
}

export async function revoke(
  ctx: OperationContext,
  payload: TtlvStructure,
): Promise<OperationResult> {
  const req = decodeRequestPayload(Operation.Revoke, payload, ctx.version);
  const loaded = await ctx.load(await ctx.resolve(req.uniqueIdentifier), true);
  requireRight(loaded, ctx.user, 'revoke');
  const r = loaded.record;
  const state = effectiveState(r, ctx.now);
  const code = req.revocationReason.revocationReasonCode;
  const compromise =
    code === RevocationReasonCode.KeyCompromise || code === RevocationReasonCode.CACompromise;
  const attributes = { ...r.attributes, revocationReason: req.revocationReason };
  let next: number;
  if (compromise) {
    if (state === State.Compromised || state === State.DestroyedCompromised)
      throw new KmsError('ERR_KMS_WRONG_STATE', `object ${r.uid} is already compromised`);
    next = state === State.Destroyed ? State.DestroyedCompromised : State.Compromised;
    attributes.compromiseDate = ctx.now;
    attributes.compromiseOccurrenceDate = req.compromiseOccurrenceDate ?? ctx.now;
  } else {
    if (state !== State.Active && state !== State.PreActive)
      throw new KmsError(
        'ERR_KMS_WRONG_STATE',
        `object ${r.uid} is ${stateName(state)}: it cannot be revoked`,
      );
    next = State.Deactivated;
    if (attributes.deactivationDate === undefined || attributes.deactivationDate > ctx.now)
      attributes.deactivationDate = ctx.now;
  }
  await ctx.writer.updateObject(changed(ctx, r, { state: next, attributes }));
  return { payload: uidPayload(ctx, Operation.Revoke, r.uid), uids: [], subject: r.uid };
}

/** Splits the Custos hard-delete flag off a Destroy payload. */
function removeFlag(payload: TtlvStructure): { payload: TtlvStructure; remove: boolean } {
  const flag = payload.value.find((c) => c.tag === REMOVE_TAG);
  if (flag === undefined) return { payload, remove: false };
  if (flag.type !== 'Boolean')
    throw new KmsError('ERR_KMS_INVALID_FIELD', 'the Remove flag (0x540001) must be a Boolean');
  return {
    payload: { ...payload, value: payload.value.filter((c) => c !== flag) },
    remove: flag.value,
  };
}

export async function destroy(
  ctx: OperationContext,
  payload: TtlvStructure,
): Promise<OperationResult> {
  const { payload: body, remove } = removeFlag(payload);
  const req = decodeRequestPayload(Operation.Destroy, body, ctx.version);
  const uid = await ctx.resolve(req.uniqueIdentifier);
  const loaded = await ctx.load(uid, true);
  requireRight(loaded, ctx.user, 'destroy');
  const r = loaded.record;
  const state = effectiveState(r, ctx.now);
  if (state === State.Active)
    throw new KmsError(
      'ERR_KMS_WRONG_STATE',
      `object ${r.uid} is Active: revoke it before destroying it`,
    );
  if (remove) await ctx.writer.deleteObject(r.uid);
  else {
    if (state === State.Destroyed || state === State.DestroyedCompromised)
      throw new KmsError('ERR_KMS_OBJECT_DESTROYED', `object ${r.uid} is already destroyed`);
    await ctx.writer.updateObject(
      changed(ctx, r, {
        state: state === State.Compromised ? State.DestroyedCompromised : State.Destroyed,
        attributes: { ...r.attributes, destroyDate: ctx.now },
        sealed: null,
      }),
    );
  }
  return { payload: uidPayload(ctx, Operation.Destroy, r.uid), uids: [], subject: r.uid };
}
