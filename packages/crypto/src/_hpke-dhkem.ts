/**
 * DHKEM of RFC 9180 §4.1 over a Diffie-Hellman group that each provider injects (node:crypto
 * KeyObjects or @noble/curves). Used by the `x25519` KEM of the KEM family and by HPKE
 * (DHKEM(X25519, HKDF-SHA256) 0x0020, DHKEM(P-256, HKDF-SHA256) 0x0010). Pure JS.
 *
 * Errors: a peer public key for which DH fails (X25519 all-zero output, i.e. a low-order point)
 * is InvalidKey when it is a key the caller supplied (pkR at encapsulation, pkS at
 * authenticated decapsulation) and DecryptionFailed when it is the received `enc`.
 */
import { DecryptionFailed, InvalidKey } from './errors.ts';
import type { _KemBackend } from './kem.ts';
import { ascii, concat, i2osp, labeledExpand, labeledExtract, type HmacFn } from './_hpke-kdf.ts';

/** A prime-order (P-256) or Montgomery (X25519) group as a provider implements it. */
export interface DhGroup<P, S> {
  readonly curve: 'x25519' | 'p256';
  readonly kemId: number;
  /** Encoded public key length (P-256: 65-byte uncompressed SEC1 point). */
  readonly publicKeyLength: number;
  readonly secretKeyLength: number;
  /** Parses a public key. Throws InvalidKey (not on the curve, identity, bad prefix). */
  importPublic(bytes: Uint8Array): P;
  /** Parses a secret key. Throws InvalidKey (P-256 scalar 0 or ≥ n). */
  importSecret(bytes: Uint8Array): S;
  publicKeyOf(secret: S): Uint8Array;
  publicHandleOf(secret: S): P;
  exportSecret(secret: S): Uint8Array;
  /** A random key pair (the native generator where there is one). */
  generate(): { secret: S; publicKey: Uint8Array };
  /** The raw DH output (X25519 u / P-256 x). Throws any Error when the result is invalid. */
  dh(secret: S, publicKey: P): Uint8Array;
}

const P256_ORDER = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;

/** Whether 32 big-endian bytes are a valid P-256 scalar, 0 < k < n. */
export function isP256Scalar(bytes: Uint8Array): boolean {
  if (bytes.length !== 32) return false;
  let k = 0n;
  for (const b of bytes) k = (k << 8n) | BigInt(b);
  return k > 0n && k < P256_ORDER;
}

const L_DKP_PRK = ascii('dkp_prk');
const L_SK = ascii('sk');
const L_CANDIDATE = ascii('candidate');
const L_EAE_PRK = ascii('eae_prk');
const L_SHARED_SECRET = ascii('shared_secret');
const EMPTY = new Uint8Array(0);

export interface DhkemKeyPair<S> {
  secret: S;
  secretKey: Uint8Array;
  publicKey: Uint8Array;
}

/** RFC 9180 DHKEM over `group`, with HKDF-SHA256 (the only KDF both DHKEMs here use). */
export class Dhkem<P, S> {
  readonly group: DhGroup<P, S>;
  readonly suiteId: Uint8Array;
  readonly sharedSecretLength = 32;
  readonly #hmac: HmacFn;

  constructor(group: DhGroup<P, S>, hmac: HmacFn) {
    this.group = group;
    this.#hmac = hmac;
    this.suiteId = concat(ascii('KEM'), i2osp(group.kemId, 2));
  }

  /** DeriveKeyPair(ikm), RFC 9180 §7.1.3. */
  deriveKeyPair(ikm: Uint8Array): DhkemKeyPair<S> {
    const dkpPrk = this.#hmac(
      'sha256',
      labeledExtract(this.#hmac, 'sha256', this.suiteId, EMPTY, L_DKP_PRK, ikm),
    );
    let sk: Uint8Array | undefined;
    if (this.group.curve === 'x25519') {
      sk = labeledExpand(dkpPrk, 'sha256', this.suiteId, L_SK, EMPTY, 32);
    } else {
      for (let counter = 0; counter < 256 && sk === undefined; counter++) {
        // P-256 bitmask is 0xff: the candidate is used whole.
        const candidate = labeledExpand(
          dkpPrk,
          'sha256',
          this.suiteId,
          L_CANDIDATE,
          i2osp(counter, 1),
          32,
        );
        if (isP256Scalar(candidate)) sk = candidate;
      }
      // Probability about 2^-8192: RFC 9180 calls this DeriveKeyPairError.
      if (sk === undefined) throw new InvalidKey('DeriveKeyPair found no valid scalar');
    }
    const secret = this.group.importSecret(sk);
    return { secret, secretKey: sk, publicKey: this.group.publicKeyOf(secret) };
  }

  #extractAndExpand(dh: Uint8Array, kemContext: Uint8Array): Uint8Array {
    const eaePrk = labeledExtract(this.#hmac, 'sha256', this.suiteId, EMPTY, L_EAE_PRK, dh);
    return labeledExpand(
      this.#hmac('sha256', eaePrk),
      'sha256',
      this.suiteId,
      L_SHARED_SECRET,
      kemContext,
      this.sharedSecretLength,
    );
  }

  // DH with a key the caller vouched for: failure means that key is unusable.
  #dhWithKey(secret: S, publicKey: P): Uint8Array {
    try {
      return this.group.dh(secret, publicKey);
    } catch (error) {
      throw new InvalidKey(
        'Diffie-Hellman with this public key failed (low-order or invalid point)',
        {
          cause: error,
        },
      );
    }
  }

  /**
   * Encap / AuthEncap. `ephemeral` fixes the ephemeral key pair (test vectors only); `sender`
   * turns on the authenticated mode.
   */
  encap(
    pkR: P,
    pkRm: Uint8Array,
    sender?: { secret: S; publicKey: Uint8Array },
    ephemeral?: { secret: S; publicKey: Uint8Array },
  ): { sharedSecret: Uint8Array; enc: Uint8Array } {
    const eph = ephemeral ?? this.group.generate();
    const dhE = this.#dhWithKey(eph.secret, pkR);
    const enc = eph.publicKey;
    if (sender === undefined) {
      return { sharedSecret: this.#extractAndExpand(dhE, concat(enc, pkRm)), enc };
    }
    const dhS = this.#dhWithKey(sender.secret, pkR);
    return {
      sharedSecret: this.#extractAndExpand(concat(dhE, dhS), concat(enc, pkRm, sender.publicKey)),
      enc,
    };
  }

  /**
   * Decap / AuthDecap. Throws DecryptionFailed for a bad `enc`, InvalidKey when DH with the
   * sender's public key fails.
   */
  decap(
    enc: Uint8Array,
    skR: S,
    pkRm: Uint8Array,
    sender?: { publicKey: P; bytes: Uint8Array },
  ): Uint8Array {
    if (enc.length !== this.group.publicKeyLength) throw new DecryptionFailed();
    let dhE: Uint8Array;
    try {
      dhE = this.group.dh(skR, this.group.importPublic(enc));
    } catch {
      throw new DecryptionFailed();
    }
    if (sender === undefined) return this.#extractAndExpand(dhE, concat(enc, pkRm));
    const dhS = this.#dhWithKey(skR, sender.publicKey);
    return this.#extractAndExpand(concat(dhE, dhS), concat(enc, pkRm, sender.bytes));
  }
}

/** DHKEM(X25519, HKDF-SHA256) as the `x25519` algorithm of the KEM family. */
export function dhkemKemBackend<P, S>(
  dhkem: Dhkem<P, S>,
): _KemBackend<{ handle: P; bytes: Uint8Array }, { secret: S; publicKey: Uint8Array }> {
  const group = dhkem.group;
  return {
    algorithm: 'x25519',
    generate(seed: Uint8Array | undefined) {
      if (seed !== undefined) {
        const { secretKey, publicKey } = dhkem.deriveKeyPair(seed);
        return { publicKey, secretKey };
      }
      const { secret, publicKey } = group.generate();
      return { publicKey, secretKey: group.exportSecret(secret) };
    },
    importPublic: (bytes: Uint8Array) => ({ handle: group.importPublic(bytes), bytes }),
    importSecret(bytes: Uint8Array) {
      const secret = group.importSecret(bytes);
      const publicKey = group.publicKeyOf(secret);
      return { handle: { secret, publicKey }, publicKey };
    },
    publicHandle: (secret, publicKey) => ({
      handle: group.publicHandleOf(secret.secret),
      bytes: publicKey,
    }),
    encapsulate(publicKey) {
      const { enc, sharedSecret } = dhkem.encap(publicKey.handle, publicKey.bytes);
      return { ciphertext: enc, sharedSecret };
    },
    decapsulate: (ciphertext, secret) => dhkem.decap(ciphertext, secret.secret, secret.publicKey),
  };
}
