/**
 * X25519 and P-256 as `DhGroup`s on node:crypto KeyObjects (OpenSSL), for DHKEM, X-Wing and
 * HPKE. Keys are imported through Node 24's raw formats; the handles are KeyObjects, which the
 * parsed key objects cache (importing a raw key costs more than the DH itself).
 */
import {
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  type KeyObject,
} from 'node:crypto';
import { abytes } from '../_assert.ts';
import { isP256Scalar, type DhGroup } from '../_hpke-dhkem.ts';
import { InvalidKey } from '../errors.ts';
import { _buf, _u8 } from './kem-hashes.ts';

function importOrThrow(make: () => KeyObject, what: string): KeyObject {
  try {
    return make();
  } catch (error) {
    throw new InvalidKey(`invalid ${what}`, { cause: error });
  }
}

const rawPublic = (key: KeyObject): Uint8Array => _u8(key.export({ format: 'raw-public' }));

/**
 * X25519 (RFC 7748). Every 32-byte string is accepted as a public key (non-canonical u
 * included, as RFC 7748 §5 asks); low-order points surface at DH time: OpenSSL refuses to
 * return the all-zero output.
 */
export const nodeX25519Group: DhGroup<KeyObject, KeyObject> = Object.freeze({
  curve: 'x25519',
  kemId: 0x0020,
  publicKeyLength: 32,
  secretKeyLength: 32,
  importPublic: (bytes: Uint8Array) =>
    importOrThrow(
      () =>
        createPublicKey({ key: _buf(bytes), format: 'raw-public', asymmetricKeyType: 'x25519' }),
      'X25519 public key',
    ),
  importSecret: (bytes: Uint8Array) =>
    importOrThrow(
      () =>
        createPrivateKey({ key: _buf(bytes), format: 'raw-private', asymmetricKeyType: 'x25519' }),
      'X25519 secret key',
    ),
  publicKeyOf: (secret: KeyObject) => rawPublic(createPublicKey(secret)),
  publicHandleOf: (secret: KeyObject) => createPublicKey(secret),
  exportSecret: (secret: KeyObject) => _u8(secret.export({ format: 'raw-private' })),
  generate() {
    const { publicKey, privateKey } = generateKeyPairSync('x25519');
    return { secret: privateKey, publicKey: rawPublic(publicKey) };
  },
  dh: (secret: KeyObject, publicKey: KeyObject) =>
    _u8(diffieHellman({ privateKey: secret, publicKey })),
});

/**
 * P-256 with 65-byte uncompressed SEC1 public keys (RFC 9180 SerializePublicKey). Node's raw
 * import checks that the point is on the curve but also takes the 1-byte identity encoding and
 * compressed points, and its raw private import takes 0 and scalars ≥ n: those are refused here
 * before import.
 */
export const nodeP256Group: DhGroup<KeyObject, KeyObject> = Object.freeze({
  curve: 'p256',
  kemId: 0x0010,
  publicKeyLength: 65,
  secretKeyLength: 32,
  importPublic(bytes: Uint8Array) {
    if (bytes.length !== 65 || bytes[0] !== 0x04) {
      throw new InvalidKey('P-256 public key must be an uncompressed point');
    }
    return importOrThrow(
      () =>
        createPublicKey({
          key: _buf(bytes),
          format: 'raw-public',
          asymmetricKeyType: 'ec',
          namedCurve: 'P-256',
        }),
      'P-256 public key',
    );
  },
  importSecret(bytes: Uint8Array) {
    if (!isP256Scalar(bytes)) throw new InvalidKey('P-256 secret key must be in [1, n-1]');
    return importOrThrow(
      () =>
        createPrivateKey({
          key: _buf(bytes),
          format: 'raw-private',
          asymmetricKeyType: 'ec',
          namedCurve: 'P-256',
        }),
      'P-256 secret key',
    );
  },
  publicKeyOf: (secret: KeyObject) => rawPublic(createPublicKey(secret)),
  publicHandleOf: (secret: KeyObject) => createPublicKey(secret),
  exportSecret: (secret: KeyObject) => _u8(secret.export({ format: 'raw-private' })),
  generate() {
    const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    return { secret: privateKey, publicKey: rawPublic(publicKey) };
  },
  dh: (secret: KeyObject, publicKey: KeyObject) =>
    _u8(diffieHellman({ privateKey: secret, publicKey })),
});

/**
 * Raw X25519(sk, pk), internal (Wycheproof vectors). Throws InvalidKey when the output would
 * be all zero (low-order point).
 */
export function _x25519(secretKey: Uint8Array, publicKey: Uint8Array): Uint8Array {
  abytes(secretKey, 'secretKey', 32);
  abytes(publicKey, 'publicKey', 32);
  const secret = nodeX25519Group.importSecret(secretKey);
  const peer = nodeX25519Group.importPublic(publicKey);
  try {
    return nodeX25519Group.dh(secret, peer);
  } catch (error) {
    throw new InvalidKey('X25519 output is all zero (low-order point)', { cause: error });
  }
}
