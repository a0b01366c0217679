/**
 * The master public key: what anyone needs to encrypt for a policy. It carries the access
 * structure, the tracing points, and for each right that accepts encryption its latest
 * elliptic-curve key H and (hybrid rights) ML-KEM-768 key, all signed by the authority.
 *
 * Loading checks the authority's Ed25519 signature over the whole object and that the signing
 * key is the one the caller expects (`authority`: the 32-byte authority id, obtained out of band
 * or from a user key): a swapped key, structure or right is refused. The parsed object caches
 * parsed ML-KEM keys and resolved policies, so keep it and reuse it.
 *
 * Wire format: "CVCP" ‖ version ‖ suite ‖ authority key (32) ‖ epoch ‖ h (32) ‖ P (32) ‖
 * structure ‖ n ‖ n × (right ‖ revision ‖ mode ‖ H (32) ‖ [ek (1184) if hybrid]) ‖ signature (64)
 */
import { copyBytes, Reader, Writer } from './_codec.ts';
import {
  KEM_PUBLIC,
  LABEL,
  POINT,
  SIGNATURE,
  authorityIdOf,
  constantTimeEqual,
  crypto,
  mlkem,
  readPoint,
  readPrefix,
  sha3,
  writePrefix,
  type KemPublicKey,
} from './_scheme.ts';
import { AuthenticationError, PolicyError } from './errors.ts';
import { encapsulate, type EncapsulationTarget, type PolicyVisibility } from './encapsulation.ts';
import {
  encryptionRights,
  readRight,
  rightKey,
  rightMode,
  rightNames,
  writeRight,
  type Right,
} from './rights.ts';
import { AccessStructure, type SecurityMode } from './structure.ts';

export interface EncapsulateOptions {
  /** `hidden` (default): the target rights cannot be told from the encapsulation. */
  readonly visibility?: PolicyVisibility;
  /**
   * Allow a policy whose rights mix classic and hybrid modes. Such an encapsulation is only as
   * strong as its classic rights (not post-quantum), so it is refused by default.
   */
  readonly allowMixedModes?: boolean;
}

export interface Encapsulated {
  /** The 32-byte shared secret. */
  readonly key: Uint8Array;
  readonly encapsulation: Uint8Array;
  /** True when every target right is hybrid (ML-KEM-768 + ristretto255). */
  readonly postQuantum: boolean;
}

export interface LoadPublicKeyOptions {
  /** The expected authority id (32 bytes). Required: an unpinned key proves nothing. */
  readonly authority: Uint8Array;
  /** Refuse keys older than this epoch (rollback protection). */
  readonly minEpoch?: number;
}

interface _RightEntry {
  readonly right: Right;
  readonly revision: number;
  readonly mode: SecurityMode;
  readonly H: Uint8Array;
  readonly ekBytes: Uint8Array | undefined;
  ek: KemPublicKey | undefined;
}

/** Body fields, shared with the master key that writes them. */
export interface PublicKeyContents {
  readonly authorityKey: Uint8Array;
  readonly epoch: number;
  readonly h: Uint8Array;
  readonly P: Uint8Array;
  readonly structure: AccessStructure;
  readonly rights: readonly {
    readonly right: Right;
    readonly revision: number;
    readonly mode: SecurityMode;
    readonly H: Uint8Array;
    readonly ek: Uint8Array | undefined;
  }[];
}

/**
 * Writes the signed bytes of a public key (the body) into a writer with room for the signature,
 * which the caller appends (`view()` is the body).
 */
export function encodePublicKeyBody(c: PublicKeyContents): Writer {
  const w = new Writer(256 + c.rights.length * (KEM_PUBLIC + 48) + SIGNATURE);
  writePrefix(w, 'publicKey').raw(c.authorityKey).varint(c.epoch).raw(c.h).raw(c.P);
  c.structure.encode(w);
  w.varint(c.rights.length);
  for (const r of c.rights) {
    writeRight(w, r.right);
    w.varint(r.revision)
      .u8(r.mode === 'hybrid' ? 1 : 0)
      .raw(r.H);
    if (r.mode === 'hybrid') w.raw(r.ek as Uint8Array);
  }
  return w;
}

/**
 * The message the authority signs: a label, then SHA3-256 of the body (signing the 32-byte
 * digest rather than 25 KB of keys saves most of the Ed25519 cost; SHA3-256 is collision
 * resistant, so the signature still covers every byte).
 */
export function publicKeySignedMessage(body: Uint8Array): Uint8Array {
  return _concat2(LABEL.mpkSignature, sha3(body));
}

function _concat2(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

const POLICY_CACHE_SIZE = 256;

export class MasterPublicKey {
  readonly #bytes: Uint8Array;
  readonly #structure: AccessStructure;
  readonly #authorityKey: Uint8Array;
  readonly #authorityId: Uint8Array;
  readonly #epoch: number;
  readonly #h: Uint8Array;
  readonly #P: Uint8Array;
  readonly #rights: Map<string, _RightEntry>;
  readonly #policies = new Map<string, readonly _RightEntry[]>();

  private constructor(bytes: Uint8Array, reader: Reader) {
    this.#bytes = bytes;
    this.#authorityKey = reader.raw(POINT, 'authority key').slice();
    this.#authorityId = authorityIdOf(this.#authorityKey);
    this.#epoch = reader.varint('epoch');
    this.#h = readPoint(reader, 'h').slice();
    this.#P = readPoint(reader, 'P').slice();
    this.#structure = AccessStructure.decode(reader);
    const n = reader.varint('right count', 1 << 16);
    this.#rights = new Map();
    for (let i = 0; i < n; i++) {
      const right = readRight(reader);
      const revision = reader.varint('revision');
      const modeByte = reader.u8('mode');
      if (modeByte > 1) reader.fail('unknown mode');
      const H = readPoint(reader, 'right key').slice();
      const ekBytes = modeByte === 1 ? reader.raw(KEM_PUBLIC, 'ML-KEM key').slice() : undefined;
      const key = rightKey(right);
      if (this.#rights.has(key)) reader.fail('duplicate right');
      this.#rights.set(key, {
        right,
        revision,
        mode: modeByte === 1 ? 'hybrid' : 'classic',
        H,
        ekBytes,
        ek: undefined,
      });
    }
  }

  /**
   * Parses a public key and verifies the authority's signature.
   * @throws TypeError for bad arguments; FormatError for malformed bytes; AuthenticationError
   *   when the signature does not verify, the key is another authority's, or older than
   *   `minEpoch`.
   */
  static async load(bytes: Uint8Array, options: LoadPublicKeyOptions): Promise<MasterPublicKey> {
    const raw: unknown = options;
    if (typeof raw !== 'object' || raw === null || !(options.authority instanceof Uint8Array)) {
      throw new TypeError('options.authority (the 32-byte authority id) is required');
    }
    if (options.authority.length !== 32) throw new RangeError('options.authority must be 32 bytes');
    const reader = readPrefix(bytes, 'publicKey', 'public key');
    if (bytes.length < SIGNATURE + 6) reader.fail('truncated');
    const copy = copyBytes(bytes);
    const body = copy.subarray(0, copy.length - SIGNATURE);
    const mpk = new MasterPublicKey(copy, new Reader(body, 'public key', reader.offset));
    if (!constantTimeEqual(mpk.#authorityId, options.authority)) {
      throw new AuthenticationError('public key of another authority');
    }
    const verifyKey = await crypto.keys
      .importPublic('ed25519', 'raw', mpk.#authorityKey)
      .catch(() => {
        throw new AuthenticationError('public key signature does not verify');
      });
    const ok = await crypto.signature.verify(
      'ed25519',
      verifyKey,
      publicKeySignedMessage(body),
      copy.subarray(copy.length - SIGNATURE),
    );
    if (!ok) throw new AuthenticationError('public key signature does not verify');
    if (options.minEpoch !== undefined && mpk.#epoch < options.minEpoch) {
      throw new AuthenticationError(
        `public key epoch ${mpk.#epoch} older than ${options.minEpoch}`,
      );
    }
    return mpk;
  }

  /** @internal Builds the parsed form of bytes the master key just signed (no re-verification). */
  static _trusted(bytes: Uint8Array): MasterPublicKey {
    const reader = readPrefix(bytes, 'publicKey', 'public key');
    return new MasterPublicKey(
      bytes,
      new Reader(bytes.subarray(0, bytes.length - SIGNATURE), 'public key', reader.offset),
    );
  }

  /** A copy of the encoded key. */
  toBytes(): Uint8Array {
    return this.#bytes.slice();
  }

  /** A copy of the access structure this key was issued for. */
  get structure(): AccessStructure {
    return this.#structure.clone();
  }

  get authorityId(): Uint8Array {
    return this.#authorityId.slice();
  }

  get epoch(): number {
    return this.#epoch;
  }

  /** @internal */
  get _P(): Uint8Array {
    return this.#P;
  }

  /** @internal */
  get _h(): Uint8Array {
    return this.#h;
  }

  /** @internal */
  get _authorityKey(): Uint8Array {
    return this.#authorityKey;
  }

  /** The rights a ciphertext for `policy` targets, as qualified attribute names. */
  targets(policy: string): string[][] {
    return this.#targets(policy).map((t) => rightNames(this.#structure, t.right));
  }

  #targets(policy: string): readonly _RightEntry[] {
    const cached = this.#policies.get(policy);
    if (cached !== undefined) return cached;
    const rights = encryptionRights(this.#structure, policy);
    const entries = rights.map((r) => {
      const e = this.#rights.get(rightKey(r));
      if (e === undefined) {
        throw new PolicyError(
          `no public key for ${rightNames(this.#structure, r).join(' && ') || '*'}`,
          policy,
          0,
        );
      }
      return e;
    });
    if (this.#policies.size >= POLICY_CACHE_SIZE) this.#policies.clear();
    this.#policies.set(policy, Object.freeze(entries));
    return entries;
  }

  /**
   * A fresh shared secret for `policy` and its encapsulation.
   * @throws PolicyError when the policy does not parse, names unknown or decrypt-only
   *   attributes, or mixes classic and hybrid rights without `allowMixedModes`.
   */
  encapsulate(policy: string, options: EncapsulateOptions = {}): Encapsulated {
    return this._encapsulate(policy, options, undefined);
  }

  /** @internal `seed` fixes S for known-answer vectors. */
  _encapsulate(
    policy: string,
    options: EncapsulateOptions,
    seed: Uint8Array | undefined,
  ): Encapsulated {
    if (typeof policy !== 'string') throw new TypeError('policy must be a string');
    const visibility = options.visibility ?? 'hidden';
    if (!(['hidden', 'public'] as unknown[]).includes(visibility)) {
      throw new RangeError('visibility must be hidden or public');
    }
    const entries = this.#targets(policy);
    const hybrid = entries.filter((e) => e.mode === 'hybrid').length;
    if (hybrid !== 0 && hybrid !== entries.length && options.allowMixedModes !== true) {
      throw new PolicyError(
        'the policy mixes classic and hybrid rights: the ciphertext would not be post-quantum (pass allowMixedModes to accept)',
        policy,
        0,
      );
    }
    const targets: EncapsulationTarget[] = entries.map((e) => {
      if (e.mode === 'hybrid') e.ek ??= mlkem.publicKey(e.ekBytes as Uint8Array);
      return {
        right: e.right,
        revision: e.revision,
        H: e.H,
        ek: e.mode === 'hybrid' ? e.ek : undefined,
      };
    });
    const { key, encapsulation } = encapsulate(
      this.#authorityId,
      this.#P,
      targets,
      visibility,
      seed,
    );
    return { key, encapsulation, postQuantum: hybrid === entries.length };
  }

  /** @internal Mode of a right in this key (for tests and tools). */
  _rightMode(right: Right): SecurityMode {
    return rightMode(this.#structure, right);
  }
}
