/**
 * The master secret key: the authority's whole state. It holds the access structure, the
 * authority's Ed25519 signing key, the tracing secrets (s, t), the key that derives user ids,
 * the MAC key of user keys, the serial counter of issued users, and for every right of the
 * universe its revisions (newest first), each an elliptic-curve scalar and, for hybrid rights,
 * an ML-KEM-768 seed. Secrets are stored as seeds (64 bytes per ML-KEM key, not the 2400-byte
 * expanded key), so the key stays small.
 *
 * Everything the authority does goes through it: publish the signed public key, issue and
 * refresh user keys, edit the structure, rekey and prune rights, open any encapsulation
 * (re-encapsulation, audit), and trace a leaked key back to the user it was issued to.
 * Mutating methods change this object in place and bump its epoch; persist it with `toBytes()`.
 *
 * Wire format: "CVCM" ‖ version ‖ suite ‖ epoch ‖ signing seed (32) ‖ s ‖ t ‖ id key (32) ‖
 * MAC key (32) ‖ next serial ‖ structure ‖ n ‖ n × (right ‖ m ‖ m × revision secret) ‖
 * HMAC-SHA-256 (32) over all of it, which catches any altered byte.
 */
import { copyBytes, Reader, Writer } from './_codec.ts';
import {
  LABEL,
  MAC,
  POINT,
  authorityIdOf,
  constantTimeEqual,
  crypto,
  group,
  mlkem,
  newRevision,
  randomScalars,
  readPrefix,
  readRevision,
  readScalar,
  writePrefix,
  writeRevision,
  type KemSecretKey,
  type RevisionSecret,
} from './_scheme.ts';
import {
  encapsulate,
  encapsulationPoints,
  openSlot,
  parseEncapsulation,
  slotTag,
  type EncapsulationTarget,
  type ParsedEncapsulation,
  type ParsedSlot,
} from './encapsulation.ts';
import { AuthenticationError, FormatError, PolicyError, StructureError } from './errors.ts';
import { encodePublicKeyBody, MasterPublicKey, publicKeySignedMessage } from './public-key.ts';
import {
  formatIdPolicy,
  readRight,
  resolvePolicy,
  rightActive,
  rightExists,
  rightKey,
  rightMode,
  rightNames,
  universe,
  universeSize,
  userRights,
  writeRight,
  MAX_UNIVERSE,
  type IdPolicy,
  type Right,
} from './rights.ts';
import { AccessStructure, type StructureSpec } from './structure.ts';
import {
  decodeUserKey,
  encodeUserKeyBody,
  userKeyMacInput,
  userKeySignedMessage,
  UserKey,
} from './user-key.ts';

interface _Match {
  readonly slot: ParsedSlot;
  readonly state: _RightState;
  readonly secret: RevisionSecret;
  readonly K1: Uint8Array;
  readonly K2: Uint8Array | undefined;
}

// Parsed ML-KEM keys of revisions (revision objects are frozen and replaced, never mutated).
const _kemKeys = new WeakMap<RevisionSecret, KemSecretKey>();

interface _RightState {
  readonly right: Right;
  /** Newest first; never empty. */
  revisions: RevisionSecret[];
}

/** Material pulled out of a leaked key or a pirate decoder, for `trace`. */
export type DecoderMaterial =
  /** The tracing id (a0, a1), or any nonzero multiple of it. */
  | { readonly kind: 'id'; readonly a0: Uint8Array; readonly a1: Uint8Array }
  /** The ratio a1/a0 (what our own decoders keep). */
  | { readonly kind: 'ratio'; readonly ratio: Uint8Array }
  /** One blinded right secret a0·x (what our own decoders keep), right unknown. */
  | { readonly kind: 'blinded-secret'; readonly secret: Uint8Array };

export interface IssuedUserKey {
  /** The encoded user key, to hand to the user over a confidential channel. */
  readonly userKey: Uint8Array;
  /** The user's serial number: record who got it; `trace` returns it. */
  readonly serial: number;
}

export interface MasterDecapsulation {
  readonly key: Uint8Array;
  /** The rights the encapsulation targets, as qualified attribute names. */
  readonly rights: string[][];
}

const SERIAL_BLOCK = 16;

type _SigningKey = Awaited<ReturnType<typeof crypto.keys.importPrivate>>;
type _VerifyKey = Awaited<ReturnType<typeof crypto.keys.importPublic>>;

export class MasterSecretKey {
  #structure: AccessStructure;
  #epoch: number;
  readonly #signingSeed: Uint8Array;
  #authorityKey: Uint8Array = new Uint8Array(POINT);
  #authorityId: Uint8Array = new Uint8Array(32);
  #signingKey: _SigningKey | undefined;
  readonly #s: Uint8Array;
  readonly #t: Uint8Array;
  readonly #h: Uint8Array;
  readonly #P: Uint8Array;
  readonly #idKey: Uint8Array;
  readonly #macKey: Uint8Array;
  #nextSerial: number;
  #rights: Map<string, _RightState>;
  // Public halves of revisions (H, ML-KEM public key), derived once.
  readonly #publicCache = new Map<string, { H: Uint8Array; ek: Uint8Array | undefined }>();
  #publicKeyBytes: { epoch: number; bytes: Uint8Array } | undefined;
  readonly #mac: ReturnType<typeof crypto.mac.hmacKey>;
  readonly #idCipher: ReturnType<typeof crypto.block.aes>;
  // Resolved user policies of the current structure version (issuing many keys for one policy).
  #policyCache: {
    version: number;
    entries: Map<string, { policy: IdPolicy; rights: Right[]; text: string }>;
  } = {
    version: -1,
    entries: new Map(),
  };

  private constructor(fields: {
    structure: AccessStructure;
    epoch: number;
    signingSeed: Uint8Array;
    s: Uint8Array;
    t: Uint8Array;
    idKey: Uint8Array;
    macKey: Uint8Array;
    nextSerial: number;
    rights: Map<string, _RightState>;
  }) {
    this.#structure = fields.structure;
    this.#epoch = fields.epoch;
    this.#signingSeed = fields.signingSeed;
    this.#s = fields.s;
    this.#t = fields.t;
    this.#h = group.point.mulBase(fields.s);
    this.#P = group.point.mulBase(fields.t);
    this.#idKey = fields.idKey;
    this.#macKey = fields.macKey;
    this.#nextSerial = fields.nextSerial;
    this.#rights = fields.rights;
    this.#mac = crypto.mac.hmacKey('sha256', fields.macKey);
    this.#idCipher = crypto.block.aes(fields.idKey);
  }

  async #initSigning(pair?: { privateKey: _SigningKey; publicKey: _VerifyKey }): Promise<void> {
    this.#signingKey =
      pair?.privateKey ?? (await crypto.keys.importPrivate('ed25519', 'raw', this.#signingSeed));
    const pub = pair?.publicKey ?? (await crypto.keys.publicKeyOf(this.#signingKey));
    this.#authorityKey = await crypto.keys.exportPublic(pub, 'raw');
    this.#authorityId = authorityIdOf(this.#authorityKey);
  }

  /**
   * A new authority for `structure`: fresh secrets for every right of its universe.
   * @throws StructureError if the universe exceeds MAX_UNIVERSE rights.
   */
  static async setup(structure: AccessStructure | StructureSpec): Promise<MasterSecretKey> {
    const s =
      structure instanceof AccessStructure ? structure.clone() : AccessStructure.create(structure);
    // The ML-KEM key pairs (half of the work) are generated on the thread pool where the
    // provider can (node), while this thread does the fixed-base multiplications H = (x·s)·B.
    const rights = universe(s);
    const hybrid = rights.filter((r) => rightMode(s, r) === 'hybrid').length;
    const pending = mlkem.generateKeyPairs(hybrid);
    pending.catch(() => undefined); // awaited below; no unhandled rejection if we throw first
    const pair = await crypto.keys.generate('ed25519');
    const st = randomScalars(2);
    const prepared = randomScalars(rights.length).map((x) => ({
      x,
      H: group.point.mulBase(group.scalar.mul(x, st[0] as Uint8Array)),
    }));
    const msk = new MasterSecretKey({
      structure: s,
      epoch: 1,
      signingSeed: await crypto.keys.exportPrivate(pair.privateKey, 'raw'),
      s: st[0] as Uint8Array,
      t: st[1] as Uint8Array,
      idKey: crypto.random.bytes(32),
      macKey: crypto.random.bytes(32),
      nextSerial: 0,
      rights: new Map(),
    });
    msk.#sync({ prepared, kemPairs: await pending });
    await msk.#initSigning(pair);
    return msk;
  }

  /**
   * Parses a master secret key. @throws FormatError for malformed or altered bytes (the
   * trailing MAC covers every byte).
   */
  static async load(bytes: Uint8Array): Promise<MasterSecretKey> {
    const reader = readPrefix(bytes, 'masterSecretKey', 'master secret key');
    if (bytes.length < reader.offset + MAC) reader.fail('truncated');
    const copy = copyBytes(bytes);
    const body = copy.subarray(0, copy.length - MAC);
    const r = new Reader(body, 'master secret key', reader.offset);
    const epoch = r.varint('epoch');
    const signingSeed = r.raw(32, 'signing seed').slice();
    const s = readScalar(r, 's').slice();
    const t = readScalar(r, 't').slice();
    const idKey = r.raw(32, 'id key').slice();
    const macKey = r.raw(32, 'MAC key').slice();
    const nextSerial = r.varint('next serial');
    const structure = AccessStructure.decode(r);
    const n = r.varint('right count', MAX_UNIVERSE);
    const rights = new Map<string, _RightState>();
    for (let i = 0; i < n; i++) {
      const right = readRight(r);
      const m = r.varint('revision count', 1 << 16);
      if (m === 0) r.fail('right without revision');
      const revisions: RevisionSecret[] = [];
      for (let j = 0; j < m; j++) revisions.push(readRevision(r));
      for (let j = 1; j < revisions.length; j++) {
        if (
          (revisions[j] as RevisionSecret).revision >= (revisions[j - 1] as RevisionSecret).revision
        ) {
          r.fail('revisions not in decreasing order');
        }
      }
      if (rights.has(rightKey(right))) r.fail('duplicate right');
      rights.set(rightKey(right), { right, revisions });
    }
    r.end();
    const tag = crypto.mac.hmac('sha256', macKey, _concat(LABEL.mskMac, body));
    if (!constantTimeEqual(tag, copy.subarray(copy.length - MAC))) {
      throw new FormatError('malformed master secret key: integrity check failed');
    }
    const msk = new MasterSecretKey({
      structure,
      epoch,
      signingSeed,
      s,
      t,
      idKey,
      macKey,
      nextSerial,
      rights,
    });
    await msk.#initSigning();
    return msk;
  }

  /** The encoded key, MAC included. Store it encrypted: it is every secret of the authority. */
  toBytes(): Uint8Array {
    const w = new Writer(1024 + this.#rights.size * 120);
    writePrefix(w, 'masterSecretKey')
      .varint(this.#epoch)
      .raw(this.#signingSeed)
      .raw(this.#s)
      .raw(this.#t)
      .raw(this.#idKey)
      .raw(this.#macKey)
      .varint(this.#nextSerial);
    this.#structure.encode(w);
    w.varint(this.#rights.size);
    for (const state of this.#rights.values()) {
      writeRight(w, state.right);
      w.varint(state.revisions.length);
      for (const rev of state.revisions) writeRevision(w, rev);
    }
    const body = w.finish();
    return _concat(body, this.#mac.compute(_concat(LABEL.mskMac, body)));
  }

  /** A copy of the current access structure. */
  get structure(): AccessStructure {
    return this.#structure.clone();
  }

  /** Increases with every change to keys or structure (published in the public key). */
  get epoch(): number {
    return this.#epoch;
  }

  /** The 32-byte authority id: what encryptors pin the public key to. */
  get authorityId(): Uint8Array {
    return this.#authorityId.slice();
  }

  /** Number of users issued so far (the next serial). */
  get issuedUsers(): number {
    return this.#nextSerial;
  }

  /** Number of rights of the universe and of stored revisions. */
  get size(): { rights: number; revisions: number } {
    let revisions = 0;
    for (const st of this.#rights.values()) revisions += st.revisions.length;
    return { rights: this.#rights.size, revisions };
  }

  #changed(): void {
    this.#epoch++;
    this.#publicKeyBytes = undefined;
  }

  // Makes the stored rights match the structure's universe: new rights get a first revision,
  // rights whose attribute was removed disappear, rights that became hybrid get an ML-KEM key.
  // `ahead` (setup): fresh scalars x with their H already computed, and ML-KEM key pairs, for
  // the new rights; whatever is missing is drawn or generated here.
  #sync(ahead?: {
    prepared: { x: Uint8Array; H: Uint8Array }[];
    kemPairs: { publicKey: Uint8Array; secretKey: Uint8Array }[];
  }): void {
    const next = new Map<string, _RightState>();
    const rights = universe(this.#structure);
    const prepared = ahead?.prepared ?? [];
    const kemPairs = ahead?.kemPairs ?? [];
    const newCount = rights.filter((r) => !this.#rights.has(rightKey(r))).length;
    const fresh = randomScalars(Math.max(0, newCount - prepared.length));
    for (const right of rights) {
      const key = rightKey(right);
      const hybrid = rightMode(this.#structure, right) === 'hybrid';
      const state = this.#rights.get(key);
      if (state === undefined) {
        const ready = prepared.pop();
        const { secret, kemPublic } = newRevision(
          1,
          hybrid,
          ready?.x ?? fresh.pop(),
          hybrid ? kemPairs.pop() : undefined,
        );
        this.#cachePublic(key, secret, kemPublic, ready?.H);
        next.set(key, { right, revisions: [secret] });
        continue;
      }
      const latest = state.revisions[0] as RevisionSecret;
      if (hybrid && latest.kem === undefined) {
        // Classic → hybrid: same x (old ciphertexts and keys stay valid), add an ML-KEM key.
        const pair = mlkem.generateKeyPair();
        const upgraded = Object.freeze({
          revision: latest.revision,
          x: latest.x,
          kem: pair.secretKey,
        });
        state.revisions[0] = upgraded;
        this.#cachePublic(key, upgraded, pair.publicKey);
      }
      next.set(key, state);
    }
    for (const key of this.#rights.keys()) if (!next.has(key)) this.#dropPublic(key);
    this.#rights = next;
  }

  #cachePublic(
    key: string,
    secret: RevisionSecret,
    ek: Uint8Array | undefined,
    H = group.point.mulBase(group.scalar.mul(secret.x, this.#s)),
  ): void {
    this.#publicCache.set(`${key}#${secret.revision}`, { H, ek });
  }

  #public(key: string, secret: RevisionSecret): { H: Uint8Array; ek: Uint8Array | undefined } {
    const id = `${key}#${secret.revision}`;
    let entry = this.#publicCache.get(id);
    if (entry === undefined || (entry.ek === undefined && secret.kem !== undefined)) {
      const ek =
        secret.kem === undefined ? undefined : mlkem.secretKey(secret.kem).publicKey.toBytes();
      this.#cachePublic(key, secret, ek);
      entry = this.#publicCache.get(id);
    }
    return entry as { H: Uint8Array; ek: Uint8Array | undefined };
  }

  #dropPublic(key: string): void {
    for (const id of this.#publicCache.keys())
      if (id.startsWith(`${key}#`)) this.#publicCache.delete(id);
  }

  /** The signed master public key of the current epoch (cached until the next change). */
  async publicKey(): Promise<Uint8Array> {
    if (this.#publicKeyBytes?.epoch === this.#epoch) return this.#publicKeyBytes.bytes.slice();
    const rights = [];
    for (const [key, state] of this.#rights) {
      if (!rightActive(this.#structure, state.right)) continue;
      const latest = state.revisions[0] as RevisionSecret;
      const mode = rightMode(this.#structure, state.right);
      const { H, ek } = this.#public(key, latest);
      rights.push({
        right: state.right,
        revision: latest.revision,
        mode,
        H,
        ek: mode === 'hybrid' ? ek : undefined,
      });
    }
    const w = encodePublicKeyBody({
      authorityKey: this.#authorityKey,
      epoch: this.#epoch,
      h: this.#h,
      P: this.#P,
      structure: this.#structure,
      rights,
    });
    const signature = await crypto.signature.sign(
      'ed25519',
      this.#signing(),
      publicKeySignedMessage(w.view()),
    );
    // Signed in place: one buffer for the cached key, one copy for the caller.
    const bytes = w.raw(signature).take();
    this.#publicKeyBytes = { epoch: this.#epoch, bytes };
    return bytes.slice();
  }

  /** The parsed public key of the current epoch (no signature check: it is our own). */
  async parsedPublicKey(): Promise<MasterPublicKey> {
    return MasterPublicKey._trusted(await this.publicKey());
  }

  #signing(): _SigningKey {
    if (this.#signingKey === undefined) throw new Error('master key not initialised');
    return this.#signingKey;
  }

  // a1 = AES-256(idKey, serial) as a 128-bit scalar; a0 = s − a1·t. Deterministic per serial, so a
  // refresh keeps the id, and tracing inverts it by search without storing a list of users.
  #idOf(serial: number): { a0: Uint8Array; a1: Uint8Array } | undefined {
    const block = new Uint8Array(SERIAL_BLOCK);
    new DataView(block.buffer).setBigUint64(0, BigInt(serial));
    const a1 = new Uint8Array(32);
    a1.set(this.#idCipher.encryptBlock(block));
    if (group.scalar.isZero(a1)) return undefined;
    const a0 = group.scalar.sub(this.#s, group.scalar.mul(a1, this.#t));
    if (group.scalar.isZero(a0)) return undefined;
    return { a0, a1 };
  }

  #userPolicy(policy: string): { policy: IdPolicy; rights: Right[]; text: string } {
    if (typeof policy !== 'string') throw new TypeError('policy must be a string');
    if (this.#policyCache.version !== this.#structure.version) {
      this.#policyCache = { version: this.#structure.version, entries: new Map() };
    }
    let entry = this.#policyCache.entries.get(policy);
    if (entry === undefined) {
      const idPolicy = resolvePolicy(this.#structure, policy);
      entry = {
        policy: idPolicy,
        rights: userRights(this.#structure, idPolicy),
        text: formatIdPolicy(this.#structure, idPolicy),
      };
      if (this.#policyCache.entries.size >= 256) this.#policyCache.entries.clear();
      this.#policyCache.entries.set(policy, entry);
    }
    return entry;
  }

  async #signUserKey(body: Uint8Array): Promise<Uint8Array> {
    const mac = this.#mac.compute(userKeyMacInput(body));
    const signature = await crypto.signature.sign(
      'ed25519',
      this.#signing(),
      userKeySignedMessage(body, mac),
    );
    return _concat(body, mac, signature);
  }

  /**
   * Issues a key for a user policy (same grammar as encryption policies). Each call gets a new
   * serial, so two users with the same policy get different keys. The serial counter lives in
   * this key: persist `toBytes()` after issuing, or a reloaded older copy would hand the same
   * serial (hence the same tracing id) to two users.
   * @throws PolicyError when the policy does not parse or names unknown attributes.
   */
  async issueUserKey(policy: string): Promise<IssuedUserKey> {
    const { policy: idPolicy, rights: accepted, text } = this.#userPolicy(policy);
    let serial = this.#nextSerial;
    let id = this.#idOf(serial);
    while (id === undefined) id = this.#idOf(++serial);
    this.#nextSerial = serial + 1;
    const rights = accepted.map((right) => {
      const state = this.#rights.get(rightKey(right)) as _RightState;
      return { right, revisions: [state.revisions[0] as RevisionSecret] };
    });
    const body = encodeUserKeyBody({
      authorityKey: this.#authorityKey,
      epoch: this.#epoch,
      P: this.#P,
      a0: id.a0,
      a1: id.a1,
      policyText: text,
      policy: idPolicy,
      rights,
    });
    return { userKey: await this.#signUserKey(body), serial };
  }

  /**
   * Re-issues a user key against the current structure and revisions, from the policy stored in
   * it: rights its policy now accepts are added, removed ones dropped, and each right gets its
   * latest secret. With `keepOldSecrets`, the older revisions the key already had (and that were
   * not pruned) are kept, so it still opens older ciphertexts. The tracing id is kept.
   * @throws FormatError for malformed bytes; AuthenticationError if this authority did not
   *   issue the key or it was altered.
   */
  async refreshUserKey(
    userKey: Uint8Array,
    options: { keepOldSecrets?: boolean } = {},
  ): Promise<Uint8Array> {
    const { contents, body, mac } = decodeUserKey(userKey);
    if (
      !this.#mac.verify(userKeyMacInput(body), mac) ||
      !constantTimeEqual(contents.authorityKey, this.#authorityKey)
    ) {
      throw new AuthenticationError('user key not issued by this authority, or altered');
    }
    const held = new Map(contents.rights.map((r) => [rightKey(r.right), r.revisions]));
    const rights = userRights(this.#structure, contents.policy).map((right) => {
      const state = this.#rights.get(rightKey(right)) as _RightState;
      const latest = state.revisions[0] as RevisionSecret;
      const revisions = [latest];
      if (options.keepOldSecrets === true) {
        const had = new Set((held.get(rightKey(right)) ?? []).map((r) => r.revision));
        for (const rev of state.revisions.slice(1)) if (had.has(rev.revision)) revisions.push(rev);
      }
      return { right, revisions };
    });
    const next = encodeUserKeyBody({
      ...contents,
      epoch: this.#epoch,
      policyText: formatIdPolicy(this.#structure, contents.policy),
      rights,
    });
    return this.#signUserKey(next);
  }

  /**
   * Edits the access structure atomically: `edit` works on a copy, and nothing changes if it
   * throws. New rights get fresh secrets; rights of removed attributes are deleted; rights whose
   * mode became hybrid gain an ML-KEM key. Existing keys stay valid for everything they could
   * open; users refresh to gain new rights.
   * @throws StructureError (from the edit, or if the universe would exceed MAX_UNIVERSE).
   */
  editStructure(edit: (structure: AccessStructure) => void): void {
    if (typeof edit !== 'function') throw new TypeError('edit must be a function');
    const copy = this.#structure.clone();
    edit(copy);
    const size = universeSize(copy);
    if (size > MAX_UNIVERSE) throw new StructureError(`the structure would have ${size} rights`);
    this.#structure = copy;
    this.#sync();
    this.#changed();
  }

  #selectRights(attributes: readonly string[]): _RightState[] {
    if (!Array.isArray(attributes) || attributes.length === 0) {
      throw new TypeError(
        'attributes must be a non-empty array of "Dimension::Attribute" (or "*")',
      );
    }
    const names = attributes as readonly unknown[];
    if (names.includes('*')) return [...this.#rights.values()];
    const ids = new Set(names.map((q) => this.#structure.attribute(q as string).id));
    return [...this.#rights.values()].filter((st) => st.right.some((id) => ids.has(id)));
  }

  /**
   * Rotates every right that names one of `attributes` (`"*"`: every right): a new revision
   * with fresh secrets. New ciphertexts for those rights need the new secrets (users refresh);
   * keys that are not refreshed keep opening older ciphertexts. Other rights are untouched.
   * @throws StructureError for an unknown attribute.
   */
  rekey(attributes: readonly string[]): void {
    for (const state of this.#selectRights(attributes)) {
      const latest = state.revisions[0] as RevisionSecret;
      const hybrid = rightMode(this.#structure, state.right) === 'hybrid';
      const { secret, kemPublic } = newRevision(latest.revision + 1, hybrid);
      this.#cachePublic(rightKey(state.right), secret, kemPublic);
      state.revisions.unshift(secret);
    }
    this.#changed();
  }

  /**
   * Deletes every revision but the latest of the rights that name one of `attributes` (`"*"`:
   * all). Irreversible: ciphertexts made for the deleted revisions can no longer be opened by
   * this key nor by refreshed user keys (re-encapsulate them first).
   */
  prune(attributes: readonly string[]): void {
    for (const state of this.#selectRights(attributes)) {
      for (const rev of state.revisions.slice(1)) {
        this.#publicCache.delete(`${rightKey(state.right)}#${rev.revision}`);
      }
      state.revisions = state.revisions.slice(0, 1);
    }
    this.#changed();
  }

  // Every slot matched to a right revision, with its elliptic-curve and ML-KEM shares; undefined
  // if a slot matches nothing (a revision pruned since, or an altered encapsulation). Hidden
  // slots are matched by their EC tag: one multiplication per stored revision serves them all.
  // The authority's scan may stop early: its timing is not exposed to the parties it protects.
  #match(parsed: ParsedEncapsulation): _Match[] | undefined {
    const points = encapsulationPoints(parsed);
    if (points === undefined) return undefined;
    const A = group.point.mul(this.#s, points.c0);
    const share = (slot: ParsedSlot, secret: RevisionSecret): Uint8Array | undefined =>
      slot.hybrid && secret.kem !== undefined
        ? mlkem.decapsulate(slot.E as Uint8Array, this.#kemKey(secret))
        : undefined;
    const out: _Match[] = [];
    if (parsed.visibility === 'public') {
      for (const slot of parsed.slots) {
        const state = this.#rights.get(rightKey(slot.right ?? []));
        const secret = state?.revisions.find((r) => r.revision === slot.revision);
        if (state === undefined || secret === undefined) return undefined;
        const K1 = group.point.mul(secret.x, A);
        out.push({ slot, state, secret, K1, K2: share(slot, secret) });
      }
      return out;
    }
    const candidates: { state: _RightState; secret: RevisionSecret; K1: Uint8Array }[] = [];
    const tags: Uint8Array[] = [];
    for (const state of this.#rights.values()) {
      for (const secret of state.revisions) {
        const K1 = group.point.mul(secret.x, A);
        candidates.push({ state, secret, K1 });
        tags.push(slotTag(parsed.c0, parsed.c1, K1));
      }
    }
    for (const slot of parsed.slots) {
      const i = tags.findIndex((tag) => constantTimeEqual(tag, slot.tag as Uint8Array));
      const hit = candidates[i];
      if (hit === undefined) return undefined;
      out.push({ slot, ...hit, K2: share(slot, hit.secret) });
    }
    return out;
  }

  // The parsed ML-KEM key of a revision, parsed once (parsing a seed costs about 3 decapsulations).
  #kemKey(secret: RevisionSecret): KemSecretKey {
    let key = _kemKeys.get(secret);
    if (key === undefined) {
      key = mlkem.secretKey(secret.kem as Uint8Array);
      _kemKeys.set(secret, key);
    }
    return key;
  }

  // Opens every slot and checks they all carry the same seed (an insider could otherwise make
  // an encapsulation that gives different keys to different rights).
  #openAll(parsed: ParsedEncapsulation): { key: Uint8Array; rights: _RightState[] } | undefined {
    const matches = this.#match(parsed);
    if (matches === undefined) return undefined;
    let first: { S: Uint8Array; key: Uint8Array } | undefined;
    for (const m of matches) {
      // c1 is checked too: the authority's A = s·c0 does not depend on it, a user's does.
      const opened = openSlot(this.#authorityId, this.#P, parsed, m.slot, m.K1, m.K2, true);
      if (opened === undefined) return undefined;
      if (first !== undefined && !constantTimeEqual(first.S, opened.S)) return undefined;
      first ??= opened;
    }
    if (first === undefined) return undefined;
    const rights = [...new Set(matches.map((m) => m.state))];
    return { key: first.key, rights };
  }

  /**
   * Opens any encapsulation of this authority (audit, re-encapsulation): the shared secret and
   * the rights it targets, or undefined if it cannot be opened (altered, or made for revisions
   * pruned since). Hidden policies cost one scalar multiplication per stored revision.
   * @throws FormatError when the bytes are not an encapsulation.
   */
  decapsulate(encapsulation: Uint8Array): MasterDecapsulation | undefined {
    const opened = this.#openAll(parseEncapsulation(encapsulation));
    if (opened === undefined) return undefined;
    return {
      key: opened.key,
      rights: opened.rights.map((st) => rightNames(this.#structure, st.right)),
    };
  }

  /**
   * @internal Re-encapsulates for the same rights under their latest revisions: returns the old
   * and new shared secrets and the new encapsulation, or undefined if it cannot be opened.
   * @throws PolicyError if a target right is now decrypt-only.
   */
  _reencapsulate(
    bytes: Uint8Array,
    offset: number,
  ):
    { oldKey: Uint8Array; newKey: Uint8Array; encapsulation: Uint8Array; end: number } | undefined {
    const parsed = parseEncapsulation(bytes, offset);
    const opened = this.#openAll(parsed);
    if (opened === undefined) return undefined;
    const targets: EncapsulationTarget[] = opened.rights.map((state) => {
      if (!rightActive(this.#structure, state.right)) {
        throw new PolicyError(
          `cannot re-encapsulate for ${rightNames(this.#structure, state.right).join(' && ')}: decrypt-only`,
        );
      }
      const latest = state.revisions[0] as RevisionSecret;
      const { H, ek } = this.#public(rightKey(state.right), latest);
      const hybrid = rightMode(this.#structure, state.right) === 'hybrid';
      return {
        right: state.right,
        revision: latest.revision,
        H,
        ek: hybrid && ek !== undefined ? mlkem.publicKey(ek) : undefined,
      };
    });
    const fresh = encapsulate(this.#authorityId, this.#P, targets, parsed.visibility);
    return {
      oldKey: opened.key,
      newKey: fresh.key,
      encapsulation: fresh.encapsulation,
      end: offset + parsed.bytes.length,
    };
  }

  // -------------------------------------------------------------------------------------------
  // Tracing

  /**
   * Names the user a leaked user key was issued to: its serial, or undefined if the key's id is
   * not one this authority issued. Works on altered keys too (signature and MAC are ignored:
   * only the id counts).
   */
  traceUserKey(userKey: Uint8Array): number | undefined {
    let contents;
    try {
      contents = decodeUserKey(userKey).contents;
    } catch {
      return undefined;
    }
    return this.trace({ kind: 'id', a0: contents.a0, a1: contents.a1 });
  }

  /**
   * Names the user whose key a pirate decoder was built from, from material extracted from it:
   * its tracing id (or any multiple of it), the ratio a1/a0, or one blinded right secret a0·x.
   * Returns the serial, or undefined. Level-1 tracing: a decoder built from two or more
   * colluding keys can carry an id that names no one, or an innocent user (docs/covercrypt.md).
   */
  trace(material: DecoderMaterial): number | undefined {
    const S = group.scalar;
    const candidates: Uint8Array[] = [];
    const fromRatio = (q: Uint8Array): void => {
      // a0 + a1·t = s and a1 = q·a0  ⇒  a0 = s / (1 + q·t)
      const denominator = S.add(_one(), S.mul(q, this.#t));
      if (S.isZero(denominator)) return;
      candidates.push(S.mul(q, S.mul(this.#s, S.invert(denominator))));
    };
    try {
      switch (material.kind) {
        case 'id':
          if (S.isZero(material.a0)) {
            if (!S.isZero(material.a1)) candidates.push(S.fromBytes(material.a1));
          } else fromRatio(S.mul(material.a1, S.invert(material.a0)));
          break;
        case 'ratio':
          fromRatio(S.fromBytes(material.ratio));
          break;
        case 'blinded-secret':
          for (const state of this.#rights.values()) {
            for (const rev of state.revisions) {
              const a0 = S.mul(material.secret, S.invert(rev.x));
              candidates.push(S.mul(S.sub(this.#s, a0), S.invert(this.#t)));
            }
          }
          break;
        default:
          throw new TypeError('unknown decoder material kind');
      }
    } catch (error) {
      if (error instanceof TypeError) throw error;
      return undefined; // non-canonical scalars: material that cannot come from a key
    }
    return this.#serialOf(candidates);
  }

  // Finds the serial whose a1 is among the candidates, by encrypting serial blocks in batches.
  #serialOf(candidates: Uint8Array[]): number | undefined {
    const wanted = new Map<string, true>();
    for (const a1 of candidates) {
      if (a1.subarray(SERIAL_BLOCK).some((b) => b !== 0)) continue; // not a 128-bit id
      wanted.set(_hex(a1.subarray(0, SERIAL_BLOCK)), true);
    }
    if (wanted.size === 0) return undefined;
    const aes = this.#idCipher;
    const batch = 4096;
    for (let start = 0; start < this.#nextSerial; start += batch) {
      const count = Math.min(batch, this.#nextSerial - start);
      const blocks = new Uint8Array(count * SERIAL_BLOCK);
      const view = new DataView(blocks.buffer);
      for (let i = 0; i < count; i++) view.setBigUint64(i * SERIAL_BLOCK, BigInt(start + i));
      const out = aes.encryptBlocks(blocks);
      for (let i = 0; i < count; i++) {
        if (wanted.has(_hex(out.subarray(i * SERIAL_BLOCK, (i + 1) * SERIAL_BLOCK))))
          return start + i;
      }
    }
    return undefined;
  }

  /** @internal For tests: whether a right (by names) still exists. */
  _hasRight(names: readonly string[]): boolean {
    const ids = names.map((q) => this.#structure.attribute(q).id).sort((a, b) => a - b);
    return rightExists(this.#structure, ids) && this.#rights.has(rightKey(ids));
  }

  /** @internal Revision numbers of a right (by names), newest first. */
  _revisions(names: readonly string[]): number[] {
    const ids = names.map((q) => this.#structure.attribute(q).id).sort((a, b) => a - b);
    return (this.#rights.get(rightKey(ids))?.revisions ?? []).map((r) => r.revision);
  }

  /** @internal Verifies a user key's MAC (authority side). */
  _verifyUserKey(userKey: Uint8Array): boolean {
    const { body, mac } = decodeUserKey(userKey);
    return this.#mac.verify(userKeyMacInput(body), mac);
  }

  /** @internal Parsed user key built from bytes this authority produced. */
  static _trustedUserKey(bytes: Uint8Array): UserKey {
    return UserKey._trusted(bytes);
  }
}

function _one(): Uint8Array {
  const one = new Uint8Array(32);
  one[0] = 1;
  return one;
}

function _concat(...parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

function _hex(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}
