/**
 * The Covercrypt KEM: one encapsulation carries a 32-byte seed S to every right of a target set;
 * whoever holds the secret of one of those rights recovers S and the shared secret. The steps
 * (details and security argument in docs/covercrypt.md):
 *
 *   r  = Fr(SHAKE256(L_r ‖ S))                     FO randomness, a hash of S (fixes W1)
 *   c0 = r·B,  c1 = r·P                             the two tracing traps (P = t·B)
 *   per right i:  K1 = r·Hᵢ (Hᵢ = xᵢ·h, h = s·B)     elliptic-curve share
 *                 (K2, E) = ML-KEM-768.Encaps(ekᵢ)   post-quantum share (hybrid rights)
 *                 tagᵢ = SHA3(L_tag ‖ c0 ‖ c1 ‖ K1)[:16]   (hidden mode) or the right's id
 *   T  = SHA3(L_T ‖ authority ‖ everything above)   binds the whole encapsulation
 *   Fᵢ = S ⊕ SHA3(L_F ‖ T ‖ K1 ‖ K2)
 *   U  = SHA3(L_U ‖ T ‖ F₁ ‖ … ‖ Fₙ)
 *   ss = SHA3(L_ss ‖ S ‖ U)
 *
 * A user with tracing id (a0, a1), a0 + a1·t = s, computes A = a0·c0 + a1·c1 = r·h once, then
 * x·A = r·H for each of its right secrets; the decapsulation recomputes c0 and c1 from S
 * (Fujisaki–Okamoto re-encryption check) before releasing ss.
 *
 * Wire format of an encapsulation:
 *   "CVCK" ‖ version ‖ suite ‖ flags ‖ c0 (32) ‖ c1 (32) ‖ n (varint) ‖
 *   n × ( kind (0 classic, 1 hybrid) ‖ tag (16) | right ‖ revision  ‖ [E (1088) if hybrid] ) ‖
 *   n × F (32)
 * flags bit 0: 0 hidden policy (tags), 1 public policy (right ids and revisions in clear).
 */
import { plainView, Writer } from './_codec.ts';
import {
  KEM_CIPHERTEXT,
  LABEL,
  POINT,
  SEED,
  TAG,
  crypto,
  group,
  mlkem,
  type KemPublicKey,
  type KemSecretKey,
  readPrefix,
  scalarFrom,
  sha3,
  shuffle,
  writePrefix,
  xorInto,
} from './_scheme.ts';
import { readRight, rightKey, writeRight, type Right } from './rights.ts';

/** Whether the target rights of an encapsulation are hidden (default) or written in clear. */
export type PolicyVisibility = 'hidden' | 'public';

/** Most slots (target rights) in one encapsulation. */
export const MAX_SLOTS = 4096;

/** One right an encapsulation targets: its current public keys. */
export interface EncapsulationTarget {
  readonly right: Right;
  readonly revision: number;
  readonly H: Uint8Array;
  /** Present for hybrid rights. */
  readonly ek: KemPublicKey | undefined;
}

/** One secret that may open a slot. `x` multiplies the decapsulation point A. */
export interface DecapsulationKey {
  readonly right: Right;
  readonly revision: number;
  readonly x: Uint8Array;
  /** The parsed ML-KEM secret key (cached by the caller), or undefined for classic secrets. */
  kem(): KemSecretKey | undefined;
}

export interface ParsedSlot {
  readonly hybrid: boolean;
  readonly tag: Uint8Array | undefined;
  readonly right: Right | undefined;
  readonly revision: number | undefined;
  readonly E: Uint8Array | undefined;
  readonly F: Uint8Array;
}

export interface ParsedEncapsulation {
  readonly visibility: PolicyVisibility;
  readonly c0: Uint8Array;
  readonly c1: Uint8Array;
  readonly slots: readonly ParsedSlot[];
  /** The encapsulation bytes (a view of the input). */
  readonly bytes: Uint8Array;
  /** Offset of the F block inside `bytes`. */
  readonly fOffset: number;
}

function _transcript(authorityId: Uint8Array, prefix: Uint8Array): Uint8Array {
  return sha3(LABEL.transcript, authorityId, prefix);
}

function _mask(T: Uint8Array, K1: Uint8Array, K2: Uint8Array | undefined): Uint8Array {
  return K2 === undefined ? sha3(LABEL.mask, T, K1) : sha3(LABEL.mask, T, K1, K2);
}

/** The hidden-policy tag of a slot: who holds x with x·A = K1 recognises it. */
export function slotTag(c0: Uint8Array, c1: Uint8Array, K1: Uint8Array): Uint8Array {
  return sha3(LABEL.tag, c0, c1, K1).subarray(0, TAG);
}

/**
 * Encapsulates to `targets`. Returns the 32-byte shared secret and the encapsulation bytes.
 * `seed` supplies S: fresh CSPRNG bytes from the caller, or a fixed value for known-answer
 * vectors (ML-KEM randomness stays fresh either way).
 */
export function encapsulate(
  authorityId: Uint8Array,
  P: Uint8Array,
  targets: readonly EncapsulationTarget[],
  visibility: PolicyVisibility,
  seed?: Uint8Array,
): { key: Uint8Array; encapsulation: Uint8Array } {
  if (targets.length === 0 || targets.length > MAX_SLOTS) throw new RangeError('bad target count');
  const S = seed ?? crypto.random.bytes(SEED);
  const r = scalarFrom(LABEL.r, S);
  const c0 = group.point.mulBase(r);
  const c1 = group.point.mul(r, P);
  const slots = targets.map((t) => {
    const K1 = group.point.mul(r, t.H);
    const kem = t.ek === undefined ? undefined : mlkem.encapsulate(t.ek);
    return { t, K1, E: kem?.ciphertext, K2: kem?.sharedSecret };
  });
  // Hidden: a random order, so the position of a slot says nothing about its right.
  if (visibility === 'hidden') shuffle(slots);
  const w = new Writer(80 + slots.length * (TAG + 8 + KEM_CIPHERTEXT + SEED));
  writePrefix(w, 'encapsulation')
    .u8(visibility === 'public' ? 1 : 0)
    .raw(c0)
    .raw(c1)
    .varint(slots.length);
  for (const s of slots) {
    w.u8(s.E === undefined ? 0 : 1);
    if (visibility === 'hidden') w.raw(slotTag(c0, c1, s.K1));
    else {
      writeRight(w, s.t.right);
      w.varint(s.t.revision);
    }
    if (s.E !== undefined) w.raw(s.E);
  }
  const T = _transcript(authorityId, w.finish());
  const F = new Uint8Array(slots.length * SEED);
  slots.forEach((s, i) => {
    const f = F.subarray(i * SEED, (i + 1) * SEED);
    f.set(S);
    xorInto(f, _mask(T, s.K1, s.K2));
  });
  w.raw(F);
  const encapsulation = w.finish();
  const U = sha3(LABEL.slots, T, F);
  return { key: sha3(LABEL.key, S, U), encapsulation };
}

/**
 * Parses an encapsulation at `offset` of `bytes` (it may be followed by other data: the reader
 * stops at its end). @throws FormatError for a framing error.
 */
export function parseEncapsulation(input: Uint8Array, offset = 0): ParsedEncapsulation {
  if (!(input instanceof Uint8Array)) throw new TypeError('encapsulation must be a Uint8Array');
  const bytes = plainView(input);
  const reader = readPrefix(
    offset === 0 ? bytes : bytes.subarray(offset),
    'encapsulation',
    'encapsulation',
  );
  const flags = reader.u8('flags');
  if (flags > 1) reader.fail('unknown flags');
  const visibility: PolicyVisibility = flags === 1 ? 'public' : 'hidden';
  const c0 = reader.raw(POINT, 'c0');
  const c1 = reader.raw(POINT, 'c1');
  const n = reader.varint('slot count', MAX_SLOTS);
  if (n === 0) reader.fail('no slots');
  const partial: Omit<ParsedSlot, 'F'>[] = [];
  for (let i = 0; i < n; i++) {
    const kind = reader.u8('slot kind');
    if (kind > 1) reader.fail('unknown slot kind');
    let tag: Uint8Array | undefined;
    let right: Right | undefined;
    let revision: number | undefined;
    if (visibility === 'hidden') tag = reader.raw(TAG, 'slot tag');
    else {
      right = readRight(reader);
      revision = reader.varint('revision');
    }
    const E = kind === 1 ? reader.raw(KEM_CIPHERTEXT, 'ML-KEM ciphertext') : undefined;
    partial.push({ hybrid: kind === 1, tag, right, revision, E });
  }
  const fOffset = reader.offset;
  const slots = partial.map((p) => ({ ...p, F: reader.raw(SEED, 'slot mask') }));
  const total = reader.offset;
  const view = offset === 0 ? bytes.subarray(0, total) : bytes.subarray(offset, offset + total);
  return { visibility, c0, c1, slots, bytes: view, fOffset };
}

// 1 when two 16-byte tags are equal, else 0, without a data-dependent branch.
function _eq16(a: Uint8Array, b: Uint8Array): number {
  let d = 0;
  for (let i = 0; i < TAG; i++) d |= (a[i] as number) ^ (b[i] as number);
  return ((d - 1) >>> 31) & 1;
}

function _decodeOrUndefined(p: Uint8Array): Uint8Array | undefined {
  try {
    const q = group.point.decode(p);
    return group.point.isIdentity(q) ? undefined : q;
  } catch {
    return undefined;
  }
}

/** The checked points of an encapsulation, or undefined when one is invalid. */
export function encapsulationPoints(
  parsed: ParsedEncapsulation,
): { c0: Uint8Array; c1: Uint8Array } | undefined {
  const c0 = _decodeOrUndefined(parsed.c0);
  const c1 = _decodeOrUndefined(parsed.c1);
  return c0 === undefined || c1 === undefined ? undefined : { c0, c1 };
}

/**
 * Opens slot `slot` with key `key`, given A = r·h: recovers S, runs the FO re-encryption check
 * and returns S and ss, or undefined.
 */
export function openSlot(
  authorityId: Uint8Array,
  P: Uint8Array,
  parsed: ParsedEncapsulation,
  slot: ParsedSlot,
  K1: Uint8Array,
  kemKey: KemSecretKey | undefined,
): { S: Uint8Array; key: Uint8Array } | undefined {
  let K2: Uint8Array | undefined;
  if (slot.hybrid) {
    if (kemKey === undefined || slot.E === undefined) return undefined;
    K2 = mlkem.decapsulate(slot.E, kemKey);
  }
  const T = _transcript(authorityId, parsed.bytes.subarray(0, parsed.fOffset));
  const S = xorInto(slot.F.slice(), _mask(T, K1, K2));
  const r = scalarFrom(LABEL.r, S);
  // Fujisaki–Okamoto: S must re-derive both traps exactly, else nothing is released.
  const ok0 = _ctEqual32(group.point.mulBase(r), parsed.c0);
  const ok1 = _ctEqual32(group.point.mul(r, P), parsed.c1);
  if ((ok0 & ok1) !== 1) return undefined;
  const U = sha3(LABEL.slots, T, parsed.bytes.subarray(parsed.fOffset));
  return { S, key: sha3(LABEL.key, S, U) };
}

function _ctEqual32(a: Uint8Array, b: Uint8Array): number {
  let d = 0;
  for (let i = 0; i < POINT; i++) d |= (a[i] as number) ^ (b[i] as number);
  return ((d - 1) >>> 31) & 1;
}

/**
 * Decapsulates with a list of candidate secrets, given A = r·h computed by the caller from its
 * tracing id (user) or from s (authority). Hidden policy: every secret is tried against every
 * slot with no early exit and the match is selected without branching on it, so the time does
 * not depend on which right matched; a miss runs the same final steps on a dummy pair. Public
 * policy: the slot's right and revision select the secret directly.
 * Returns the shared secret, or undefined (not authorized, or an altered encapsulation).
 */
export function decapsulate(
  authorityId: Uint8Array,
  P: Uint8Array,
  parsed: ParsedEncapsulation,
  A: Uint8Array,
  keys: readonly DecapsulationKey[],
): Uint8Array | undefined {
  if (keys.length === 0) return undefined;
  if (parsed.visibility === 'public') {
    const byLabel = new Map(keys.map((k) => [`${rightKey(k.right)}#${k.revision}`, k]));
    for (const slot of parsed.slots) {
      const key = byLabel.get(`${rightKey(slot.right ?? [])}#${slot.revision ?? 0}`);
      if (key === undefined) continue;
      return openSlot(authorityId, P, parsed, slot, group.point.mul(key.x, A), key.kem())?.key;
    }
    return undefined;
  }
  const { c0, c1, slots } = parsed;
  let found = 0;
  let slotIndex = 0;
  let keyIndex = 0;
  const shares: Uint8Array[] = [];
  for (let j = 0; j < keys.length; j++) {
    const K1 = group.point.mul((keys[j] as DecapsulationKey).x, A);
    shares.push(K1);
    const tag = slotTag(c0, c1, K1);
    for (let i = 0; i < slots.length; i++) {
      const eq = _eq16((slots[i] as ParsedSlot).tag as Uint8Array, tag);
      const mask = -eq;
      found |= eq;
      slotIndex = (slotIndex & ~mask) | (i & mask);
      keyIndex = (keyIndex & ~mask) | (j & mask);
    }
  }
  const slot = slots[slotIndex] as ParsedSlot;
  const key = keys[keyIndex] as DecapsulationKey;
  const opened = openSlot(authorityId, P, parsed, slot, shares[keyIndex] as Uint8Array, key.kem());
  return found === 1 ? opened?.key : undefined;
}
