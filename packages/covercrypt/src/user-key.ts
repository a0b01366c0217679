/**
 * A user secret key: the secrets of every right (and every kept revision) its policy accepts,
 * the user's tracing id (a0, a1) with a0 + a1·t = s, the tracing point P, and the policy itself
 * (by attribute id, so renames keep it valid; the authority refreshes the key from it).
 *
 * Two users with the same policy get different ids, hence different keys. The key carries an
 * HMAC-SHA-256 tag only the authority can check (it guards refresh: a key whose policy was
 * edited is refused, post-quantum safe) and an Ed25519 signature anyone can check with the
 * authority key embedded in it (it guards the holder against a swapped or corrupted key).
 *
 * The parsed form precomputes a1/a0 and a0·x for each secret, so that decapsulation computes
 * A = (c0 + (a1/a0)·c1) with one scalar multiplication and then (a0·x)·A = x·(a0·c0 + a1·c1)
 * once, for the secret the hidden-policy scan selected (the scan runs on ML-KEM shares for
 * hybrid slots). ML-KEM keys are parsed at load.
 *
 * Wire format: "CVCU" ‖ version ‖ suite ‖ authority key (32) ‖ epoch ‖ P (32) ‖ a0 (32) ‖
 * a1 (32) ‖ policy text ‖ policy (ids) ‖ n ‖ n × (right ‖ m ‖ m × revision secret) ‖
 * HMAC (32) ‖ signature (64)
 */
import { copyBytes, Reader, Writer } from './_codec.ts';
import {
  LABEL,
  MAC,
  POINT,
  SIGNATURE,
  authorityIdOf,
  constantTimeEqual,
  crypto,
  group,
  mlkem,
  readPoint,
  readPrefix,
  readRevision,
  readScalar,
  sha3,
  writePrefix,
  writeRevision,
  type KemSecretKey,
  type RevisionSecret,
} from './_scheme.ts';
import {
  decapsulate,
  parseEncapsulation,
  scanFor,
  type DecapsulationKey,
  type ParsedEncapsulation,
} from './encapsulation.ts';
import { AuthenticationError } from './errors.ts';
import {
  readIdPolicy,
  readRight,
  rightKey,
  writeIdPolicy,
  writeRight,
  type IdPolicy,
  type Right,
} from './rights.ts';

/** What a user key holds, decoded (the master key writes and reads it). */
export interface UserKeyContents {
  readonly authorityKey: Uint8Array;
  readonly epoch: number;
  readonly P: Uint8Array;
  readonly a0: Uint8Array;
  readonly a1: Uint8Array;
  readonly policyText: string;
  readonly policy: IdPolicy;
  readonly rights: readonly {
    readonly right: Right;
    readonly revisions: readonly RevisionSecret[];
  }[];
}

export function encodeUserKeyBody(c: UserKeyContents): Uint8Array {
  const w = new Writer(512 + c.rights.length * 100);
  writePrefix(w, 'userKey').raw(c.authorityKey).varint(c.epoch).raw(c.P).raw(c.a0).raw(c.a1);
  w.string(c.policyText);
  writeIdPolicy(w, c.policy);
  w.varint(c.rights.length);
  for (const r of c.rights) {
    writeRight(w, r.right);
    w.varint(r.revisions.length);
    for (const rev of r.revisions) writeRevision(w, rev);
  }
  return w.finish();
}

/** Decodes a user key; `bytes` must end with MAC and signature. @throws FormatError. */
export function decodeUserKey(bytes: Uint8Array): {
  contents: UserKeyContents;
  body: Uint8Array;
  mac: Uint8Array;
  signature: Uint8Array;
} {
  const reader = readPrefix(bytes, 'userKey', 'user key');
  if (bytes.length < reader.offset + MAC + SIGNATURE) reader.fail('truncated');
  const body = bytes.subarray(0, bytes.length - MAC - SIGNATURE);
  const r = new Reader(body, 'user key', reader.offset);
  const authorityKey = r.raw(POINT, 'authority key').slice();
  const epoch = r.varint('epoch');
  const P = readPoint(r, 'P').slice();
  const a0 = readScalar(r, 'a0').slice();
  const a1 = readScalar(r, 'a1').slice();
  const policyText = r.string('policy text', 65536 * 4);
  const policy = readIdPolicy(r);
  const n = r.varint('right count', 1 << 16);
  const rights: { right: Right; revisions: RevisionSecret[] }[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < n; i++) {
    const right = readRight(r);
    if (seen.has(rightKey(right))) r.fail('duplicate right');
    seen.add(rightKey(right));
    const m = r.varint('revision count', 1024);
    if (m === 0) r.fail('right without secret');
    const revisions: RevisionSecret[] = [];
    for (let j = 0; j < m; j++) {
      const rev = readRevision(r);
      if (
        revisions.length > 0 &&
        rev.revision >= (revisions[revisions.length - 1] as RevisionSecret).revision
      ) {
        r.fail('revisions not in decreasing order');
      }
      revisions.push(rev);
    }
    rights.push({ right, revisions });
  }
  r.end();
  return {
    contents: { authorityKey, epoch, P, a0, a1, policyText, policy, rights },
    body,
    mac: bytes.subarray(bytes.length - MAC - SIGNATURE, bytes.length - SIGNATURE),
    signature: bytes.subarray(bytes.length - SIGNATURE),
  };
}

export function userKeyMacInput(body: Uint8Array): Uint8Array {
  const out = new Uint8Array(LABEL.uskMac.length + body.length);
  out.set(LABEL.uskMac);
  out.set(body, LABEL.uskMac.length);
  return out;
}

/** The message the authority signs: a label, then SHA3-256 of body and MAC. */
export function userKeySignedMessage(body: Uint8Array, mac: Uint8Array): Uint8Array {
  const digest = sha3(body, mac);
  const out = new Uint8Array(LABEL.uskSignature.length + digest.length);
  out.set(LABEL.uskSignature);
  out.set(digest, LABEL.uskSignature.length);
  return out;
}

// The cheaper hidden-policy scan in this runtime (ML-KEM tags on node, EC tags in browsers).
const SCAN = scanFor(crypto.name);

export interface LoadUserKeyOptions {
  /** When given, the key must have been issued by this authority (32-byte authority id). */
  readonly authority?: Uint8Array;
  /**
   * Hidden-policy decapsulation tries the candidate (slot, secret) pairs in a random order and
   * stops at the first match: the time says nothing about which right matched, but a key that
   * matches several slots stops earlier on average. `true` tries every candidate every time, so
   * that the time depends only on public facts (about twice the average scan cost).
   * Default false. See docs/covercrypt.md §5 and §10.
   */
  readonly exhaustiveScan?: boolean;
}

// ML-KEM keys are parsed when the user key is loaded, not on first use: a first-use parse would
// make the first decapsulation with a given right measurably slower, telling which right matched.
class _Secret implements DecapsulationKey {
  readonly right: Right;
  readonly revision: number;
  readonly x: Uint8Array;
  readonly hybrid: boolean;
  readonly #kem: KemSecretKey | undefined;

  constructor(right: Right, revision: number, x: Uint8Array, seed: Uint8Array | undefined) {
    this.right = right;
    this.revision = revision;
    this.x = x;
    this.hybrid = seed !== undefined;
    this.#kem = seed === undefined ? undefined : mlkem.secretKey(seed);
  }

  kem(): KemSecretKey | undefined {
    return this.#kem;
  }
}

export class UserKey {
  readonly #bytes: Uint8Array;
  readonly #contents: UserKeyContents;
  readonly #authorityId: Uint8Array;
  readonly #ratio: Uint8Array;
  readonly #secrets: readonly _Secret[];

  readonly #exhaustive: boolean;

  private constructor(bytes: Uint8Array, contents: UserKeyContents, exhaustive = false) {
    this.#bytes = bytes;
    this.#exhaustive = exhaustive;
    this.#contents = contents;
    this.#authorityId = authorityIdOf(contents.authorityKey);
    const inv = group.scalar.invert(contents.a0);
    this.#ratio = group.scalar.mul(contents.a1, inv);
    const secrets: _Secret[] = [];
    for (const r of contents.rights) {
      for (const rev of r.revisions) {
        secrets.push(
          new _Secret(r.right, rev.revision, group.scalar.mul(contents.a0, rev.x), rev.kem),
        );
      }
    }
    this.#secrets = Object.freeze(secrets);
  }

  /**
   * Parses a user key and verifies the authority's signature over it.
   * @throws TypeError for bad arguments; FormatError for malformed bytes; AuthenticationError
   *   when the signature does not verify or the key is another authority's.
   */
  static async load(bytes: Uint8Array, options: LoadUserKeyOptions = {}): Promise<UserKey> {
    const exhaustive: unknown = options.exhaustiveScan;
    if (exhaustive !== undefined && typeof exhaustive !== 'boolean') {
      throw new TypeError('options.exhaustiveScan must be a boolean');
    }
    const copy = bytes instanceof Uint8Array ? copyBytes(bytes) : bytes;
    const { contents, body, mac, signature } = decodeUserKey(copy);
    const id = authorityIdOf(contents.authorityKey);
    if (options.authority !== undefined && !constantTimeEqual(id, options.authority)) {
      throw new AuthenticationError('user key of another authority');
    }
    const verifyKey = await crypto.keys
      .importPublic('ed25519', 'raw', contents.authorityKey)
      .catch(() => {
        throw new AuthenticationError('user key signature does not verify');
      });
    const ok = await crypto.signature.verify(
      'ed25519',
      verifyKey,
      userKeySignedMessage(body, mac),
      signature,
    );
    if (!ok) throw new AuthenticationError('user key signature does not verify');
    return new UserKey(copy, contents, options.exhaustiveScan === true);
  }

  /** @internal A key the master key just built (no re-verification). */
  static _trusted(bytes: Uint8Array): UserKey {
    return new UserKey(bytes, decodeUserKey(bytes).contents);
  }

  toBytes(): Uint8Array {
    return this.#bytes.slice();
  }

  /** The authority id this key was issued by (pin the public key with it). */
  get authorityId(): Uint8Array {
    return this.#authorityId.slice();
  }

  /** The authority epoch when the key was issued or last refreshed. */
  get epoch(): number {
    return this.#contents.epoch;
  }

  /** The policy as written at issue or last refresh (attribute names of that time). */
  get policy(): string {
    return this.#contents.policyText;
  }

  /** Number of rights held (all revisions of a right count once). */
  get rightCount(): number {
    return this.#contents.rights.length;
  }

  /** Number of secrets tried per hidden-policy decapsulation (rights × kept revisions). */
  get secretCount(): number {
    return this.#secrets.length;
  }

  /**
   * Recovers the shared secret of an encapsulation, or undefined when this key is not
   * authorized for it (or the encapsulation was altered: the two are indistinguishable).
   * @throws FormatError when `encapsulation` is not a Covercrypt encapsulation at all.
   */
  decapsulate(encapsulation: Uint8Array): Uint8Array | undefined {
    return this._decapsulateAt(encapsulation, 0);
  }

  /** @internal Decapsulates an encapsulation starting at `offset`; returns its end too. */
  _decapsulateAt(bytes: Uint8Array, offset: number): Uint8Array | undefined {
    return this._open(bytes, offset).key;
  }

  /** @internal */
  _open(bytes: Uint8Array, offset: number): { key: Uint8Array | undefined; end: number } {
    const parsed = parseEncapsulation(bytes, offset);
    return { key: this._openParsed(parsed), end: offset + parsed.bytes.length };
  }

  /** @internal Decapsulates an already parsed encapsulation. */
  _openParsed(parsed: ParsedEncapsulation): Uint8Array | undefined {
    let A: Uint8Array;
    try {
      // The provider validates c0 and c1 (canonical, on the group) inside these operations; an
      // identity c0 fails the re-encryption check (r ≠ 0), an identity c1 gives a wrong K1.
      A = group.point.add(parsed.c0, group.point.mul(this.#ratio, parsed.c1));
    } catch {
      return undefined;
    }
    return decapsulate(
      this.#authorityId,
      this.#contents.P,
      parsed,
      A,
      this.#secrets,
      false, // c1 is checked implicitly: A, hence K1, depends on it (see `openSlot`)
      SCAN,
      this.#exhaustive,
    );
  }

  /**
   * Checks that this key belongs with `publicKey`: same authority, and the tracing id satisfies
   * a0·B + a1·P = h (two scalar multiplications). False means a mismatched or forged pairing.
   */
  matches(publicKey: {
    readonly authorityId: Uint8Array;
    readonly _h: Uint8Array;
    readonly _P: Uint8Array;
  }): boolean {
    if (!constantTimeEqual(publicKey.authorityId, this.#authorityId)) return false;
    if (!constantTimeEqual(publicKey._P, this.#contents.P)) return false;
    const lhs = group.point.add(
      group.point.mulBase(this.#contents.a0),
      group.point.mul(this.#contents.a1, this.#contents.P),
    );
    return constantTimeEqual(lhs, publicKey._h);
  }

  /** @internal Decoder material a pirate would extract: the id ratio a1/a0. */
  get _ratio(): Uint8Array {
    return this.#ratio.slice();
  }
}
