/**
 * X25519 and P-256 as `DhGroup`s on @noble/curves, for DHKEM, X-Wing and HPKE (synchronous;
 * WebCrypto's ECDH is promise-only). P-256 public keys are parsed once into validated points.
 */
import { x25519 } from '@noble/curves/ed25519.js';
import { p256 } from '@noble/curves/nist.js';
import { abytes } from '../_assert.ts';
import { isP256Scalar, type DhGroup } from '../_hpke-dhkem.ts';
import { InvalidKey } from '../errors.ts';
import { webRandomBytes } from './kem-hashes.ts';

/**
 * X25519 (RFC 7748). Every 32-byte string is accepted as a public key; @noble/curves refuses
 * low-order points at DH time (it never returns the all-zero output).
 */
export const webX25519Group: DhGroup<Uint8Array, Uint8Array> = Object.freeze({
  curve: 'x25519',
  kemId: 0x0020,
  publicKeyLength: 32,
  secretKeyLength: 32,
  importPublic: (bytes: Uint8Array) => bytes,
  importSecret: (bytes: Uint8Array) => bytes,
  publicKeyOf: (secret: Uint8Array) => x25519.getPublicKey(secret),
  publicHandleOf: (secret: Uint8Array) => x25519.getPublicKey(secret),
  exportSecret: (secret: Uint8Array) => secret.slice(),
  generate() {
    const secret = webRandomBytes(32);
    return { secret, publicKey: x25519.getPublicKey(secret) };
  },
  dh: (secret: Uint8Array, publicKey: Uint8Array) => x25519.getSharedSecret(secret, publicKey),
});

type P256Point = ReturnType<typeof p256.Point.fromBytes>;

function scalarOf(bytes: Uint8Array): bigint {
  let k = 0n;
  for (const b of bytes) k = (k << 8n) | BigInt(b);
  return k;
}

/** P-256 with 65-byte uncompressed SEC1 public keys, validated on the curve at import. */
export const webP256Group: DhGroup<P256Point, { scalar: bigint; bytes: Uint8Array }> =
  Object.freeze({
    curve: 'p256',
    kemId: 0x0010,
    publicKeyLength: 65,
    secretKeyLength: 32,
    importPublic(bytes: Uint8Array): P256Point {
      if (bytes.length !== 65 || bytes[0] !== 0x04) {
        throw new InvalidKey('P-256 public key must be an uncompressed point');
      }
      try {
        return p256.Point.fromBytes(bytes); // checks the curve equation, refuses the identity
      } catch (error) {
        throw new InvalidKey('invalid P-256 public key', { cause: error });
      }
    },
    importSecret(bytes: Uint8Array) {
      if (!isP256Scalar(bytes)) throw new InvalidKey('P-256 secret key must be in [1, n-1]');
      return { scalar: scalarOf(bytes), bytes };
    },
    publicKeyOf: (secret: { scalar: bigint }) =>
      p256.Point.BASE.multiply(secret.scalar).toBytes(false),
    publicHandleOf: (secret: { scalar: bigint }) => p256.Point.BASE.multiply(secret.scalar),
    exportSecret: (secret: { bytes: Uint8Array }) => secret.bytes.slice(),
    generate() {
      const bytes = p256.utils.randomSecretKey();
      const scalar = scalarOf(bytes);
      return {
        secret: { scalar, bytes },
        publicKey: p256.Point.BASE.multiply(scalar).toBytes(false),
      };
    },
    // Prime order, valid point, scalar in [1, n-1]: the product is never the identity.
    dh: (secret: { scalar: bigint }, publicKey: P256Point) =>
      publicKey.multiply(secret.scalar).toBytes(true).subarray(1),
  });

/**
 * Raw X25519(sk, pk), internal (Wycheproof vectors). Throws InvalidKey when the output would
 * be all zero (low-order point).
 */
export function _x25519(secretKey: Uint8Array, publicKey: Uint8Array): Uint8Array {
  abytes(secretKey, 'secretKey', 32);
  abytes(publicKey, 'publicKey', 32);
  try {
    return webX25519Group.dh(secretKey, publicKey);
  } catch (error) {
    throw new InvalidKey('X25519 output is all zero (low-order point)', { cause: error });
  }
}
