/**
 * The KEMs HPKE runs on, behind one internal interface: DHKEM(X25519, HKDF-SHA256) 0x0020 and
 * DHKEM(P-256, HKDF-SHA256) 0x0010 (RFC 9180 §4.1, with Auth modes), and X-Wing 0x647A
 * (draft-ietf-hpke-pq; no Auth modes). Pure JS over provider primitives.
 */
import type { Dhkem, DhGroup } from './_hpke-dhkem.ts';
import { ascii, concat, i2osp } from './_hpke-kdf.ts';
import type { XWingHashes } from './_xwing.ts';
import type { KemEncapsulation, _KemBackend } from './kem.ts';

export interface _HpkeKem<P, S> {
  readonly id: number;
  readonly publicKeyLength: number;
  readonly secretKeyLength: number;
  readonly encLength: number;
  readonly sharedSecretLength: number;
  /** Whether AuthEncap/AuthDecap exist (DHKEMs only). */
  readonly auth: boolean;
  /** Throws InvalidKey. */
  importPublic(bytes: Uint8Array): P;
  /** Throws InvalidKey. */
  importSecret(bytes: Uint8Array): { handle: S; publicKey: Uint8Array };
  publicHandle(secret: S, publicKey: Uint8Array): P;
  generateKeyPair(): { publicKey: Uint8Array; secretKey: Uint8Array };
  deriveKeyPair(ikm: Uint8Array): { publicKey: Uint8Array; secretKey: Uint8Array };
  /**
   * Encap, or AuthEncap when `sender` is given. `ikmE` (vectors only) fixes the ephemeral
   * randomness. Throws InvalidKey for an unusable recipient key.
   */
  encap(
    pkR: P,
    pkRm: Uint8Array,
    sender?: { handle: S; publicKey: Uint8Array },
    ikmE?: Uint8Array,
  ): { sharedSecret: Uint8Array; enc: Uint8Array };
  /** Decap, or AuthDecap when `sender` is given. `enc` has the right length. DecryptionFailed. */
  decap(
    enc: Uint8Array,
    skR: S,
    pkRm: Uint8Array,
    sender?: { handle: P; publicKey: Uint8Array },
  ): Uint8Array;
}

/** A DHKEM as an HPKE KEM. */
export function dhkemHpkeKem<P, S>(dhkem: Dhkem<P, S>): _HpkeKem<P, S> {
  const group: DhGroup<P, S> = dhkem.group;
  return {
    id: group.kemId,
    publicKeyLength: group.publicKeyLength,
    secretKeyLength: group.secretKeyLength,
    encLength: group.publicKeyLength,
    sharedSecretLength: dhkem.sharedSecretLength,
    auth: true,
    importPublic: (bytes) => group.importPublic(bytes),
    importSecret(bytes) {
      const handle = group.importSecret(bytes);
      return { handle, publicKey: group.publicKeyOf(handle) };
    },
    publicHandle: (secret) => group.publicHandleOf(secret),
    generateKeyPair() {
      const { secret, publicKey } = group.generate();
      return { publicKey, secretKey: group.exportSecret(secret) };
    },
    deriveKeyPair(ikm) {
      const { publicKey, secretKey } = dhkem.deriveKeyPair(ikm);
      return { publicKey, secretKey };
    },
    encap(pkR, pkRm, sender, ikmE) {
      const ephemeral = ikmE === undefined ? undefined : dhkem.deriveKeyPair(ikmE);
      const from =
        sender === undefined ? undefined : { secret: sender.handle, publicKey: sender.publicKey };
      return dhkem.encap(pkR, pkRm, from, ephemeral);
    },
    decap(enc, skR, pkRm, sender) {
      const from =
        sender === undefined ? undefined : { publicKey: sender.handle, bytes: sender.publicKey };
      return dhkem.decap(enc, skR, pkRm, from);
    },
  };
}

const XWING_SUITE_ID = concat(ascii('KEM'), i2osp(0x647a, 2));
const L_DERIVE_KEY_PAIR = ascii('DeriveKeyPair');

/**
 * X-Wing as an HPKE KEM (draft-ietf-hpke-pq): DeriveKeyPair(ikm) is X-Wing key generation
 * from the 32-byte seed LabeledDerive(ikm, "DeriveKeyPair", "", 32) with SHAKE256
 * (draft-ietf-hpke-hpke's single-stage labelling); `ikmE` is X-Wing's 64-byte `eseed`.
 */
export function xwingHpkeKem<P, S>(
  backend: _KemBackend<P, S>,
  hashes: XWingHashes,
  encapsulateDerand: (publicKey: Uint8Array, eseed: Uint8Array) => KemEncapsulation,
): _HpkeKem<P, S> {
  return {
    id: 0x647a,
    publicKeyLength: 1216,
    secretKeyLength: 32,
    encLength: 1120,
    sharedSecretLength: 32,
    auth: false,
    importPublic: (bytes) => backend.importPublic(bytes),
    importSecret: (bytes) => backend.importSecret(bytes),
    publicHandle: (secret, publicKey) => backend.publicHandle(secret, publicKey),
    generateKeyPair: () => backend.generate(undefined),
    deriveKeyPair(ikm) {
      const labeled = concat(
        ikm,
        ascii('HPKE-v1'),
        XWING_SUITE_ID,
        i2osp(L_DERIVE_KEY_PAIR.length, 2),
        L_DERIVE_KEY_PAIR,
        i2osp(32, 2),
      );
      return backend.generate(hashes.shake256(labeled, 32));
    },
    encap(pkR, pkRm, _sender, ikmE) {
      const { ciphertext, sharedSecret } =
        ikmE === undefined ? backend.encapsulate(pkR) : encapsulateDerand(pkRm, ikmE);
      return { enc: ciphertext, sharedSecret };
    },
    decap: (enc, skR) => backend.decapsulate(enc, skR),
  };
}
