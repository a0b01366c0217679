/**
 * The Covercrypt KEM: one encapsulation carries a 32-byte seed S to every right of a target set;
 * whoever holds the secret of one of those rights recovers S and the shared secret. The steps
 * (details and security argument in docs/covercrypt.md):
 *
 *   r  = Fr(SHAKE256(L_r ‖ S))                     FO randomness, a hash of S (fixes W1)
 *   c0 = r·B,  c1 = r·P                             the two tracing traps (P = t·B)
 *   per right i:  K1 = r·Hᵢ (Hᵢ = xᵢ·h, h = s·B)     elliptic-curve share
 *                 (K2, E) = ML-KEM-768.Encaps(ekᵢ)   post-quantum share (hybrid rights)
 *                 hidden mode: tagᵢ = SHA3(L_tag ‖ c0 ‖ c1 ‖ K1)[:16] and, hybrid rights,
 *                              pqtagᵢ = SHA3(L_tagpq ‖ c0 ‖ c1 ‖ K2)[:16]
 *                 public mode: the right's ids and revision
 *   T  = SHA3(L_T ‖ authority ‖ everything above)   binds the whole encapsulation
 *   Fᵢ = S ⊕ SHA3(L_F ‖ T ‖ K1 ‖ K2)
 *   U  = SHA3(L_U ‖ T ‖ F₁ ‖ … ‖ Fₙ)
 *   ss = SHA3(L_ss ‖ S ‖ U)
 *
 * A user with tracing id (a0, a1), a0 + a1·t = s, computes A = a0·c0 + a1·c1 = r·h once, then
 * K1 = x·A = r·H for the secret that opens a slot; the decapsulation recomputes c0 from S
 * (Fujisaki–Okamoto re-encryption check) before releasing ss. A hidden hybrid slot carries two
 * tags so that each runtime scans with its cheaper primitive: on node an ML-KEM decapsulation
 * (≈ 40 µs, native) is a third of a ristretto255 multiplication (libsodium WASM), so the scan
 * runs on ML-KEM shares and K1 is computed once, for the selected secret; in browsers ML-KEM is
 * pure JS and ≈ 5× slower than the multiplication, so the scan runs on K1 and one ML-KEM
 * decapsulation follows, for the selected slot.
 *
 * Wire format of an encapsulation:
 *   "CVCK" ‖ version ‖ suite ‖ flags ‖ c0 (32) ‖ c1 (32) ‖ n (varint) ‖
 *   n × ( kind (0 classic, 1 hybrid) ‖ ( tag (16) ‖ [pqtag (16) if hybrid] | right ‖ revision )
 *         ‖ [E (1088) if hybrid] ) ‖
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
  randomBelow,
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
  /** Whether the secret has an ML-KEM key (a public fact about the key: it shapes the scan). */
  readonly hybrid: boolean;
  /** The parsed ML-KEM secret key (cached by the caller), or undefined for classic secrets. */
  kem(): KemSecretKey | undefined;
}

export interface ParsedSlot {
  readonly hybrid: boolean;
  /** Hidden mode: the tag from K1 (every slot) and the tag from K2 (hybrid slots). */
  readonly tag: Uint8Array | undefined;
  readonly pqTag: Uint8Array | undefined;
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

/** The hidden-policy tag of a slot, from its EC share: who holds x with x·A = K1 recognises it. */
export function slotTag(c0: Uint8Array, c1: Uint8Array, K1: Uint8Array): Uint8Array {
  return sha3(LABEL.tag, c0, c1, K1).subarray(0, TAG);
}

/**
 * The second hidden-policy tag of a hybrid slot, from its ML-KEM share: who holds the right's
 * ML-KEM key recognises it with one decapsulation (a wrong key gives an unrelated
 * implicit-rejection secret, hence a different tag).
 */
export function hybridSlotTag(c0: Uint8Array, c1: Uint8Array, K2: Uint8Array): Uint8Array {
  return sha3(LABEL.tagPq, c0, c1, K2).subarray(0, TAG);
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
  const w = new Writer(80 + slots.length * (2 * TAG + 8 + KEM_CIPHERTEXT + SEED));
  writePrefix(w, 'encapsulation')
    .u8(visibility === 'public' ? 1 : 0)
    .raw(c0)
    .raw(c1)
    .varint(slots.length);
  for (const s of slots) {
    w.u8(s.E === undefined ? 0 : 1);
    if (visibility === 'hidden') {
      w.raw(slotTag(c0, c1, s.K1));
      if (s.K2 !== undefined) w.raw(hybridSlotTag(c0, c1, s.K2));
    } else {
      writeRight(w, s.t.right);
      w.varint(s.t.revision);
    }
    if (s.E !== undefined) w.raw(s.E);
  }
  const T = _transcript(authorityId, w.view());
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
    let pqTag: Uint8Array | undefined;
    let right: Right | undefined;
    let revision: number | undefined;
    if (visibility === 'hidden') {
      tag = reader.raw(TAG, 'slot tag');
      if (kind === 1) pqTag = reader.raw(TAG, 'slot ML-KEM tag');
    } else {
      right = readRight(reader);
      revision = reader.varint('revision');
    }
    const E = kind === 1 ? reader.raw(KEM_CIPHERTEXT, 'ML-KEM ciphertext') : undefined;
    partial.push({ hybrid: kind === 1, tag, pqTag, right, revision, E });
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
 * Opens `slot` given its elliptic-curve share K1 = r·Hᵢ and, for a hybrid slot, its ML-KEM share
 * K2: recovers S, runs the Fujisaki–Okamoto re-encryption check and returns S and ss, or
 * undefined. The check recomputes c0 = r·B, which fixes r and so S. `checkC1` also recomputes
 * c1 = r·P (one more multiplication): a user need not, because its K1 = x·(a0·c0 + a1·c1)
 * already depends on c1 (see `decapsulate`); the authority, whose A = s·c0 ignores c1, must.
 */
export function openSlot(
  authorityId: Uint8Array,
  P: Uint8Array,
  parsed: ParsedEncapsulation,
  slot: ParsedSlot,
  K1: Uint8Array,
  K2: Uint8Array | undefined,
  checkC1: boolean,
): { S: Uint8Array; key: Uint8Array } | undefined {
  if (slot.hybrid && K2 === undefined) return undefined;
  const T = _transcript(authorityId, parsed.bytes.subarray(0, parsed.fOffset));
  const S = xorInto(slot.F.slice(), _mask(T, K1, slot.hybrid ? K2 : undefined));
  const r = scalarFrom(LABEL.r, S);
  // Fujisaki–Okamoto: S must re-derive the traps exactly, else nothing is released.
  let ok = _ctEqual32(group.point.mulBase(r), parsed.c0);
  if (checkC1) ok &= _ctEqual32(group.point.mul(r, P), parsed.c1);
  if (ok !== 1) return undefined;
  const U = sha3(LABEL.slots, T, parsed.bytes.subarray(parsed.fOffset));
  return { S, key: sha3(LABEL.key, S, U) };
}

function _ctEqual32(a: Uint8Array, b: Uint8Array): number {
  let d = 0;
  for (let i = 0; i < POINT; i++) d |= (a[i] as number) ^ (b[i] as number);
  return ((d - 1) >>> 31) & 1;
}

// dst ← src where mask is −1 (all ones), unchanged where it is 0; no data-dependent branch.
function _select(dst: Uint8Array, src: Uint8Array, mask: number): void {
  for (let i = 0; i < dst.length; i++) {
    dst[i] = ((dst[i] as number) & ~mask) | ((src[i] as number) & mask);
  }
}

/**
 * How a hidden-policy decapsulation finds its slot: `ml-kem` tries every hybrid slot with one
 * ML-KEM decapsulation per secret (pqtag), `ec` tries every slot with the share K1 = x·A of
 * every secret (tag). Same result; the cheaper one depends on the runtime (`scanFor`).
 */
export type ScanStrategy = 'ml-kem' | 'ec';

/**
 * The cheaper scan for a provider: on node ML-KEM is native OpenSSL (a decapsulation ≈ 40 µs,
 * a third of a ristretto255 multiplication), in browsers it is pure JS (≈ 5× a multiplication).
 */
export function scanFor(providerName: string): ScanStrategy {
  return providerName === 'node' ? 'ml-kem' : 'ec';
}

/**
 * Decapsulates with a list of candidate secrets, given A = r·h / a0 computed by the caller
 * from its tracing id (a user, whose secrets are a0·x) or A = r·h (the authority, secrets x).
 * Returns the shared secret, or undefined (not authorized, or an altered encapsulation).
 *
 * Hidden policy: the candidates are tried in a fresh uniformly random order (CSPRNG) and the
 * scan stops at the first match. Each attempt costs the same whether it matches or not, so the
 * number of attempts is uniform over the candidates whichever right matched: the time says
 * nothing about which one (it does say, statistically, how many candidates matched, and a miss
 * tries them all; docs/covercrypt.md §10). Then the selected slot is opened; a miss opens a
 * dummy pair the same way.
 * - `ml-kem`: the candidates are the (hybrid slot, secret with an ML-KEM key) pairs, one ML-KEM
 *   decapsulation each (pqtag). Classic slots, if any, are first tried with K1 = x·A of every
 *   secret, all of them, with mask selection; if one matched, the ML-KEM scan still runs and
 *   stops at a uniformly random attempt, as it would for a hybrid match. Then K1 of the
 *   selected secret is computed once.
 * - `ec`: the candidates are the secrets, one multiplication K1 = x·A each, compared with every
 *   slot's tag (mask selection among the slots); then one ML-KEM decapsulation of the selected
 *   slot (when there is a hybrid slot).
 * `exhaustive` tries every candidate even after a match, selecting it with masks (the scan of
 * the first format-2 release): the time then depends on public facts only, not even on how
 * many candidates matched, at about twice the average cost.
 * Public policy: the slot's right and revision select the secret directly.
 */
export function decapsulate(
  authorityId: Uint8Array,
  P: Uint8Array,
  parsed: ParsedEncapsulation,
  A: Uint8Array,
  keys: readonly DecapsulationKey[],
  checkC1: boolean,
  scan: ScanStrategy,
  exhaustive = false,
): Uint8Array | undefined {
  if (keys.length === 0) return undefined;
  if (parsed.visibility === 'public') {
    const byLabel = new Map(keys.map((k) => [`${rightKey(k.right)}#${k.revision}`, k]));
    for (const slot of parsed.slots) {
      const key = byLabel.get(`${rightKey(slot.right ?? [])}#${slot.revision ?? 0}`);
      if (key === undefined) continue;
      const kem = key.kem();
      if (slot.hybrid && (kem === undefined || slot.E === undefined)) return undefined;
      const K2 = slot.hybrid
        ? mlkem.decapsulate(slot.E as Uint8Array, kem as KemSecretKey)
        : undefined;
      const K1 = group.point.mul(key.x, A);
      return openSlot(authorityId, P, parsed, slot, K1, K2, checkC1)?.key;
    }
    return undefined;
  }
  const sel =
    scan === 'ml-kem'
      ? _scanMlKem(parsed, A, keys, exhaustive)
      : _scanEc(parsed, A, keys, exhaustive);
  const slot = parsed.slots[sel.slot] as ParsedSlot;
  const opened = openSlot(authorityId, P, parsed, slot, sel.K1, sel.K2, checkC1);
  return sel.found === 1 ? opened?.key : undefined;
}

interface _Selection {
  /** 1 when a slot matched; the slot and shares are a dummy (slot 0, zero shares) otherwise. */
  found: number;
  slot: number;
  key: number;
  K1: Uint8Array;
  K2: Uint8Array;
}

// Tries every secret's EC share against the slots `applies` accepts (public facts), all of them,
// and selects a match with masks.
function _ecAll(
  parsed: ParsedEncapsulation,
  A: Uint8Array,
  keys: readonly DecapsulationKey[],
  applies: (slot: ParsedSlot) => number,
  sel: _Selection,
): void {
  const { c0, c1, slots } = parsed;
  keys.forEach((key, j) => {
    const share = group.point.mul(key.x, A);
    const tag = slotTag(c0, c1, share);
    slots.forEach((slot, i) => {
      const eq = _eq16(slot.tag as Uint8Array, tag) & applies(slot);
      const mask = -eq;
      sel.found |= eq;
      sel.slot = (sel.slot & ~mask) | (i & mask);
      sel.key = (sel.key & ~mask) | (j & mask);
      _select(sel.K1, share, mask);
    });
  });
}

function _scanMlKem(
  parsed: ParsedEncapsulation,
  A: Uint8Array,
  keys: readonly DecapsulationKey[],
  exhaustive: boolean,
): _Selection {
  const { c0, c1, slots } = parsed;
  const sel: _Selection = {
    found: 0,
    slot: 0,
    key: 0,
    K1: new Uint8Array(POINT),
    K2: new Uint8Array(SEED),
  };
  const hasClassic = slots.some((slot) => !slot.hybrid);
  if (hasClassic) _ecAll(parsed, A, keys, (slot) => (slot.hybrid ? 0 : 1), sel);
  // The candidates: (hybrid slot, secret with an ML-KEM key); a classic secret opens no hybrid
  // slot (public facts). Encoded as slot · m + secret.
  const m = keys.length;
  const pairs: number[] = [];
  slots.forEach((slot, i) => {
    if (!slot.hybrid) return;
    keys.forEach((key, j) => {
      if (key.hybrid) pairs.push(i * m + j);
    });
  });
  if (pairs.length > 0) {
    shuffle(pairs);
    // A classic match was found above: stop where a single hybrid match would, uniformly.
    const stopAt = sel.found === 1 && !exhaustive ? 1 + randomBelow(pairs.length) : pairs.length;
    for (let n = 0; n < stopAt; n++) {
      const pair = pairs[n] as number;
      const i = Math.floor(pair / m);
      const j = pair - i * m;
      const slot = slots[i] as ParsedSlot;
      const kem = (keys[j] as DecapsulationKey).kem();
      if (kem === undefined) continue; // a key that claims `hybrid` without one: opens nothing
      const share = mlkem.decapsulate(slot.E as Uint8Array, kem);
      const eq = _eq16(slot.pqTag as Uint8Array, hybridSlotTag(c0, c1, share));
      if (exhaustive) {
        const mask = -eq;
        sel.found |= eq;
        sel.slot = (sel.slot & ~mask) | (i & mask);
        sel.key = (sel.key & ~mask) | (j & mask);
        _select(sel.K2, share, mask);
      } else if (eq === 1) {
        sel.found = 1;
        sel.slot = i;
        sel.key = j;
        sel.K2.set(share);
        break;
      }
    }
    // K1 of the selected secret (a classic match's share, recomputed: the same work either way).
    sel.K1 = group.point.mul((keys[sel.key] as DecapsulationKey).x, A);
  }
  return sel;
}

function _scanEc(
  parsed: ParsedEncapsulation,
  A: Uint8Array,
  keys: readonly DecapsulationKey[],
  exhaustive: boolean,
): _Selection {
  const { c0, c1, slots } = parsed;
  const sel: _Selection = {
    found: 0,
    slot: 0,
    key: 0,
    K1: new Uint8Array(POINT),
    K2: new Uint8Array(SEED),
  };
  if (exhaustive) _ecAll(parsed, A, keys, () => 1, sel);
  const order = exhaustive ? [] : shuffle(keys.map((_, j) => j));
  for (const j of order) {
    const share = group.point.mul((keys[j] as DecapsulationKey).x, A);
    const tag = slotTag(c0, c1, share);
    let hit = 0;
    let at = 0;
    slots.forEach((slot, i) => {
      const eq = _eq16(slot.tag as Uint8Array, tag);
      const mask = -(eq & (hit ^ 1));
      at = (at & ~mask) | (i & mask);
      hit |= eq;
    });
    if (hit === 1) {
      sel.found = 1;
      sel.slot = at;
      sel.key = j;
      sel.K1 = share;
      break;
    }
  }
  const firstHybrid = slots.findIndex((slot) => slot.hybrid);
  if (firstHybrid >= 0) {
    // One ML-KEM decapsulation: of the selected slot when it is hybrid (else of the first
    // hybrid slot), with the selected secret's key (else the first one there is).
    const slot = slots[sel.slot] as ParsedSlot;
    const E = (slot.hybrid ? slot : (slots[firstHybrid] as ParsedSlot)).E as Uint8Array;
    const selected = keys[sel.key] as DecapsulationKey;
    const kem = selected.hybrid ? selected.kem() : keys.find((k) => k.hybrid)?.kem();
    if (kem !== undefined) sel.K2.set(mlkem.decapsulate(E, kem));
  }
  return sel;
}
