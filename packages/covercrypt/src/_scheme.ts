/**
 * Suite 1 of Covercrypt: ristretto255, ML-KEM-768, SHA3-256/SHAKE256, AES-256-GCM, Ed25519
 * (authority signatures) and HMAC-SHA-256 (authority MACs). Constants, domain-separated hashes
 * and the small derivations every object shares. See docs/covercrypt.md for the construction.
 *
 * All primitives come from `@custos/crypto` (the provider of this runtime).
 */
import { provider, constantTimeEqual, type CryptoProvider } from '@custos/crypto';
import { Reader, type Writer } from './_codec.ts';
import { FormatError } from './errors.ts';

export const crypto: CryptoProvider = provider;
export const group: CryptoProvider['ristretto255'] = provider.ristretto255;
export const mlkem: ReturnType<CryptoProvider['kem']['get']> = provider.kem.get('ml-kem-768');
export type KemPublicKey = ReturnType<typeof mlkem.publicKey>;
export type KemSecretKey = ReturnType<typeof mlkem.secretKey>;
export { constantTimeEqual };

export const FORMAT_VERSION = 2;
export const SUITE = 1;
export const SUITE_NAME = 'ristretto255 + ML-KEM-768, SHA3-256/SHAKE256, AES-256-GCM, Ed25519';

export const POINT = 32;
export const SCALAR = 32;
export const TAG = 16;
export const SEED = 32;
export const KEM_SEED = mlkem.lengths.secretKey; // 64: FIPS 203 seed form d || z
export const KEM_PUBLIC = mlkem.lengths.publicKey; // 1184
export const KEM_CIPHERTEXT = mlkem.lengths.ciphertext; // 1088
export const SIGNATURE = 64;
export const MAC = 32;

/** The 4-byte magic of each object kind; every object starts magic ‖ version ‖ suite. */
export const MAGIC = {
  masterSecretKey: 'CVCM',
  publicKey: 'CVCP',
  userKey: 'CVCU',
  encapsulation: 'CVCK',
  header: 'CVCH',
  ciphertext: 'CVCE',
  stream: 'CVCS',
} as const;
export type ObjectKind = keyof typeof MAGIC;

const UTF8 = new TextEncoder();

function _label(name: string): Uint8Array {
  const text = UTF8.encode(`custos/covercrypt/v${FORMAT_VERSION}/${name}`);
  const out = new Uint8Array(1 + text.length);
  out[0] = text.length;
  out.set(text, 1);
  return out;
}

/** Domain-separation labels, each length-prefixed, one per use. */
export const LABEL = {
  authority: _label('authority-id'),
  r: _label('fo-randomness'),
  tag: _label('slot-tag'),
  tagPq: _label('slot-tag-ml-kem'),
  transcript: _label('transcript'),
  mask: _label('slot-mask'),
  slots: _label('slot-binding'),
  key: _label('shared-secret'),
  dek: _label('dek-pad'),
  payload: _label('payload-key'),
  metadata: _label('metadata-key'),
  batch: _label('batch-key'),
  stream: _label('stream-key'),
  mpkSignature: _label('public-key-signature'),
  uskSignature: _label('user-key-signature'),
  uskMac: _label('user-key-mac'),
  mskMac: _label('master-key-mac'),
} as const;

// Below this total size the parts are joined and hashed in one call: a one-shot hash costs about
// half an incremental one on node (no hasher object; no state copy for SHAKE), and copying up to
// a few KB (an encapsulation's transcript) costs less than the difference. Hot paths hash 2–4
// short parts per call. The parts are joined in one scratch buffer, reused (hashing is
// synchronous and calls nothing back) and wiped after each hash, since parts are often secret
// (S, K1, K2): a fresh array per call cost more than the copy.
const ONE_SHOT_MAX = 16384;
const _scratch = new Uint8Array(ONE_SHOT_MAX);

function _joined<T>(parts: readonly Uint8Array[], hash: (data: Uint8Array) => T): T | undefined {
  if (parts.length === 1) return hash(parts[0] as Uint8Array);
  let total = 0;
  for (const p of parts) total += p.length;
  if (total > ONE_SHOT_MAX) return undefined;
  let offset = 0;
  for (const p of parts) {
    _scratch.set(p, offset);
    offset += p.length;
  }
  try {
    return hash(_scratch.subarray(0, total));
  } finally {
    _scratch.fill(0, 0, total);
  }
}

const _sha3 = (data: Uint8Array): Uint8Array => provider.hash.digest('sha3-256', data);

/** SHA3-256 over the concatenation of `parts` (each part fixed-length or self-delimiting). */
export function sha3(...parts: Uint8Array[]): Uint8Array {
  const digest = _joined(parts, _sha3);
  if (digest !== undefined) return digest;
  const h = provider.hash.create('sha3-256');
  for (const p of parts) h.update(p);
  return h.digest();
}

/** SHAKE256 over the parts, `length` bytes. */
export function shake(length: number, ...parts: Uint8Array[]): Uint8Array {
  const out = _joined(parts, (data) => provider.hash.xof('shake256', data, length));
  if (out !== undefined) return out;
  const x = provider.hash.createXof('shake256');
  for (const p of parts) x.update(p);
  return x.digest(length);
}

/** A scalar from a seed: SHAKE256 to 64 bytes, reduced mod ℓ (bias ≈ 2^-260). */
export function scalarFrom(label: Uint8Array, seed: Uint8Array): Uint8Array {
  return group.scalar.fromUniform(shake(64, label, seed));
}

/** The authority id: SHA3-256 of its Ed25519 public key, domain separated. */
export function authorityIdOf(authorityKey: Uint8Array): Uint8Array {
  return sha3(LABEL.authority, authorityKey);
}

export function xorInto(target: Uint8Array, mask: Uint8Array): Uint8Array {
  for (let i = 0; i < target.length; i++) target[i] = (target[i] as number) ^ (mask[i] as number);
  return target;
}

// ---------------------------------------------------------------------------------------------
// Object framing

export function writePrefix(writer: Writer, kind: ObjectKind): Writer {
  return writer.raw(UTF8.encode(MAGIC[kind])).u8(FORMAT_VERSION).u8(SUITE);
}

/**
 * Checks magic, version and suite. Throws FormatError naming what is wrong (a different object
 * kind, a newer version, an unknown suite), so a caller handing the wrong blob learns which.
 */
export function readPrefix(bytes: Uint8Array, kind: ObjectKind, what: string): Reader {
  if (!(bytes instanceof Uint8Array)) throw new TypeError(`${what} must be a Uint8Array`);
  const reader = new Reader(bytes, what);
  const magic = String.fromCharCode(...reader.raw(4, 'magic'));
  if (magic !== MAGIC[kind]) {
    const other = (Object.keys(MAGIC) as ObjectKind[]).find((k) => MAGIC[k] === magic);
    throw new FormatError(
      other === undefined
        ? `not a Covercrypt ${what}`
        : `expected a ${what}, got a Covercrypt ${other}`,
    );
  }
  const version = reader.u8('version');
  if (version !== FORMAT_VERSION) throw new FormatError(`unsupported ${what} version ${version}`);
  const suite = reader.u8('suite');
  if (suite !== SUITE) throw new FormatError(`unsupported ${what} suite ${suite}`);
  return reader;
}

/** The object kind of a blob by its magic, or undefined. */
export function kindOf(bytes: Uint8Array): ObjectKind | undefined {
  if (bytes.length < 4) return undefined;
  const magic = String.fromCharCode(
    bytes[0] as number,
    bytes[1] as number,
    bytes[2] as number,
    bytes[3] as number,
  );
  return (Object.keys(MAGIC) as ObjectKind[]).find((k) => MAGIC[k] === magic);
}

/** A canonical scalar, nonzero. */
export function readScalar(reader: Reader, label: string): Uint8Array {
  const raw = reader.raw(SCALAR, label);
  try {
    const s = group.scalar.fromBytes(raw);
    if (group.scalar.isZero(s)) reader.fail(`${label} is zero`);
    return s;
  } catch (error) {
    if (error instanceof FormatError) throw error;
    return reader.fail(`${label} is not a canonical scalar`);
  }
}

/** A valid group element other than the identity. */
export function readPoint(reader: Reader, label: string): Uint8Array {
  const raw = reader.raw(POINT, label);
  try {
    const p = group.point.decode(raw);
    if (group.point.isIdentity(p)) reader.fail(`${label} is the identity`);
    return p;
  } catch (error) {
    if (error instanceof FormatError) throw error;
    return reader.fail(`${label} is not a valid ristretto255 point`);
  }
}

// ---------------------------------------------------------------------------------------------
// Secrets of one revision of one right

/**
 * The secrets of one revision of a right: the elliptic-curve scalar x (its public key is
 * H = x·h = (x·s)·B) and, once the right has been hybrid, the ML-KEM-768 seed. A right that
 * switches from classic to hybrid keeps x and gains a seed; one that switches back keeps both
 * (old hybrid ciphertexts stay readable), so a mode change never invalidates a key.
 */
export interface RevisionSecret {
  readonly revision: number;
  readonly x: Uint8Array;
  readonly kem: Uint8Array | undefined;
}

export function writeRevision(writer: Writer, secret: RevisionSecret): void {
  writer
    .varint(secret.revision)
    .u8(secret.kem === undefined ? 0 : 1)
    .raw(secret.x);
  if (secret.kem !== undefined) writer.raw(secret.kem);
}

export function readRevision(reader: Reader): RevisionSecret {
  const revision = reader.varint('revision');
  if (revision === 0) reader.fail('revision 0');
  const flags = reader.u8('revision flags');
  if (flags > 1) reader.fail('unknown revision flags');
  const x = readScalar(reader, 'right secret').slice();
  const kem = flags === 1 ? reader.raw(KEM_SEED, 'ML-KEM seed').slice() : undefined;
  return Object.freeze({ revision, x, kem });
}

/**
 * `count` uniformly random nonzero scalars: 64 random bytes each, reduced mod ℓ (bias ≈ 2^-260;
 * cheaper here than the provider's rejection sampling). One CSPRNG call for all of them: setup
 * draws one per right.
 */
export function randomScalars(count: number): Uint8Array[] {
  const wide = provider.random.bytes(64 * count);
  const out: Uint8Array[] = [];
  for (let i = 0; i < count; i++) {
    let s = group.scalar.fromUniform(wide.subarray(64 * i, 64 * (i + 1)));
    while (group.scalar.isZero(s)) s = group.scalar.fromUniform(provider.random.bytes(64));
    out.push(s);
  }
  wide.fill(0);
  return out;
}

/** A uniformly random nonzero scalar (see `randomScalars`). */
export function randomScalar(): Uint8Array {
  return randomScalars(1)[0] as Uint8Array;
}

/**
 * Fresh secrets for a revision, with the ML-KEM public key when one was generated. `x` is a
 * fresh random scalar from the caller (`randomScalars`), drawn if not given; `kemPair` a fresh
 * ML-KEM key pair from the caller (generated ahead on the thread pool), generated if not given.
 */
export function newRevision(
  revision: number,
  hybrid: boolean,
  x: Uint8Array = randomScalar(),
  kemPair?: { publicKey: Uint8Array; secretKey: Uint8Array },
): { secret: RevisionSecret; kemPublic: Uint8Array | undefined } {
  const pair = hybrid ? (kemPair ?? mlkem.generateKeyPair()) : undefined;
  const secret = Object.freeze({ revision, x, kem: pair?.secretKey });
  return { secret, kemPublic: pair?.publicKey };
}

// Unbiased draws in [0, bound) from CSPRNG 32-bit words, by rejection sampling.
class _Draws {
  readonly #pool: Uint32Array;
  #used: number;

  constructor(words: number) {
    this.#pool = new Uint32Array(Math.max(2, words));
    this.#used = this.#pool.length;
  }

  below(bound: number): number {
    const limit = 0x1_0000_0000 - (0x1_0000_0000 % bound);
    let v = this.#next();
    while (v >= limit) v = this.#next();
    return v % bound;
  }

  #next(): number {
    if (this.#used === this.#pool.length) {
      provider.random.fill(new Uint8Array(this.#pool.buffer));
      this.#used = 0;
    }
    return this.#pool[this.#used++] as number;
  }
}

/** Fisher–Yates with unbiased indices from the CSPRNG (rejection sampling on 32-bit draws). */
export function shuffle<T>(items: T[]): T[] {
  const n = items.length;
  if (n < 2) return items;
  const draws = new _Draws(n * 2);
  for (let i = n - 1; i > 0; i--) {
    const j = draws.below(i + 1);
    const tmp = items[i] as T;
    items[i] = items[j] as T;
    items[j] = tmp;
  }
  return items;
}

/** A uniformly random integer in [0, bound), bound ≤ 2^32, from the CSPRNG. */
export function randomBelow(bound: number): number {
  if (!Number.isSafeInteger(bound) || bound < 1 || bound > 0x1_0000_0000) {
    throw new RangeError('bound out of range');
  }
  return new _Draws(2).below(bound);
}

/** Throws the uniform decryption failure of `@custos/crypto`. */
export { DecryptionFailed } from '@custos/crypto';
