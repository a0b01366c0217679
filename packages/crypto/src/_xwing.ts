/**
 * X-Wing (draft-connolly-cfrg-xwing-kem, final): the X25519 + ML-KEM-768 hybrid KEM, composed
 * from a provider's ML-KEM-768 backend, its X25519 group and its SHA3-256/SHAKE256. Pure JS.
 *
 * - Secret key: a 32-byte seed; SHAKE256(seed, 96) = d || z (ML-KEM-768 seed, 64 bytes) || sk_X.
 * - Public key: pk_M (1184) || pk_X (32). Ciphertext: ct_M (1088) || ct_X (32).
 * - Shared secret: SHA3-256(ss_M || ss_X || ct_X || pk_X || XWingLabel), XWingLabel = "\.//^\".
 *
 * X-Wing as specified never rejects: an all-zero X25519 output just enters the combiner. Both
 * our X25519 implementations (OpenSSL, @noble/curves) refuse to produce it, so a low-order pk_X
 * is InvalidKey at encapsulation and a low-order ct_X is DecryptionFailed at decapsulation.
 * Honest keys and ciphertexts never hit this; vectors are unaffected.
 */
import type { DhGroup } from './_hpke-dhkem.ts';
import { DecryptionFailed, InvalidKey } from './errors.ts';
import type { KemEncapsulation, KemKeyPair, _KemBackend } from './kem.ts';

export interface XWingHashes {
  sha3_256(parts: readonly Uint8Array[]): Uint8Array;
  shake256(data: Uint8Array, length: number): Uint8Array;
  randomBytes(length: number): Uint8Array;
}

/** The 6-byte label `\.//^\`. */
export const XWING_LABEL: Uint8Array = Uint8Array.of(0x5c, 0x2e, 0x2f, 0x2f, 0x5e, 0x5c);

const PK_M = 1184;
const CT_M = 1088;

/** SHAKE256(seed, 96) split into the ML-KEM-768 seed (64 bytes) and the X25519 secret key. */
export function xwingExpandSeed(
  hashes: Pick<XWingHashes, 'shake256'>,
  seed: Uint8Array,
): { mlkemSeed: Uint8Array; x25519Secret: Uint8Array } {
  const expanded = hashes.shake256(seed, 96);
  return { mlkemSeed: expanded.subarray(0, 64), x25519Secret: expanded.subarray(64, 96) };
}

export function xwingCombiner(
  hashes: Pick<XWingHashes, 'sha3_256'>,
  ssM: Uint8Array,
  ssX: Uint8Array,
  ctX: Uint8Array,
  pkX: Uint8Array,
): Uint8Array {
  return hashes.sha3_256([ssM, ssX, ctX, pkX, XWING_LABEL]);
}

interface XWingPublic<MP, XP> {
  mlkem: MP;
  x25519: XP;
  pkX: Uint8Array;
}
interface XWingSecret<MS, XS> {
  mlkem: MS;
  x25519: XS;
  pkX: Uint8Array;
}

/** The X-Wing backend over a provider's ML-KEM-768 backend and X25519 group. */
export function makeXWingBackend<MP, MS, XP, XS>(
  mlkem: _KemBackend<MP, MS>,
  x25519: DhGroup<XP, XS>,
  hashes: XWingHashes,
): _KemBackend<XWingPublic<MP, XP>, XWingSecret<MS, XS>> {
  const importSecret = (seed: Uint8Array) => {
    const { mlkemSeed, x25519Secret } = xwingExpandSeed(hashes, seed);
    const m = mlkem.importSecret(mlkemSeed);
    const x = x25519.importSecret(x25519Secret);
    const pkX = x25519.publicKeyOf(x);
    const publicKey = new Uint8Array(PK_M + 32);
    publicKey.set(m.publicKey, 0);
    publicKey.set(pkX, PK_M);
    return { handle: { mlkem: m.handle, x25519: x, pkX }, publicKey };
  };

  return {
    algorithm: 'x-wing',
    generate(seed: Uint8Array | undefined): KemKeyPair {
      const secretKey = seed ?? hashes.randomBytes(32);
      return { publicKey: importSecret(secretKey).publicKey, secretKey };
    },
    importPublic(bytes: Uint8Array): XWingPublic<MP, XP> {
      const pkX = bytes.slice(PK_M);
      return {
        mlkem: mlkem.importPublic(bytes.subarray(0, PK_M)),
        x25519: x25519.importPublic(pkX),
        pkX,
      };
    },
    importSecret,
    publicHandle(secret: XWingSecret<MS, XS>, publicKey: Uint8Array): XWingPublic<MP, XP> {
      return {
        mlkem: mlkem.publicHandle(secret.mlkem, publicKey.subarray(0, PK_M)),
        x25519: x25519.publicHandleOf(secret.x25519),
        pkX: secret.pkX,
      };
    },
    encapsulate(publicKey: XWingPublic<MP, XP>): KemEncapsulation {
      const m = mlkem.encapsulate(publicKey.mlkem);
      const eph = x25519.generate();
      let ssX: Uint8Array;
      try {
        ssX = x25519.dh(eph.secret, publicKey.x25519);
      } catch (error) {
        throw new InvalidKey('X-Wing X25519 public key is a low-order point', { cause: error });
      }
      const ciphertext = new Uint8Array(CT_M + 32);
      ciphertext.set(m.ciphertext, 0);
      ciphertext.set(eph.publicKey, CT_M);
      const sharedSecret = xwingCombiner(hashes, m.sharedSecret, ssX, eph.publicKey, publicKey.pkX);
      m.sharedSecret.fill(0);
      ssX.fill(0);
      return { ciphertext, sharedSecret };
    },
    decapsulate(ciphertext: Uint8Array, secret: XWingSecret<MS, XS>): Uint8Array {
      const ctX = ciphertext.subarray(CT_M);
      let ssX: Uint8Array;
      try {
        ssX = x25519.dh(secret.x25519, x25519.importPublic(ctX));
      } catch {
        throw new DecryptionFailed();
      }
      const ssM = mlkem.decapsulate(ciphertext.subarray(0, CT_M), secret.mlkem);
      const sharedSecret = xwingCombiner(hashes, ssM, ssX, ctX, secret.pkX);
      ssM.fill(0);
      ssX.fill(0);
      return sharedSecret;
    },
  };
}
