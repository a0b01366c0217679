/**
 * A small PKCS#12 (RFC 7292) writer and reader, built on `@custos/crypto` primitives only
 * (PBKDF2-HMAC, HMAC, SHA-2) and the server's AES-CBC (`crypto-modes.ts`): `@custos/crypto` has
 * no PKCS#12 codec, and this is the one container the KMS must produce and read for private
 * keys with their certificates.
 *
 * Written (the modern profile OpenSSL 3 writes and reads by default):
 * - the private key in a pkcs8ShroudedKeyBag, PBES2 (RFC 8018) with PBKDF2-HMAC-SHA256 (16-byte
 *   salt, 10 000 iterations) and AES-256-CBC; the certificates (leaf, then its chain) in
 *   certBags of an unencrypted SafeContents (certificates are public);
 * - localKeyId (SHA-256 of the leaf certificate, or of the key if there is none) on the key and
 *   the leaf, friendlyName from the key's PKCS#12 Friendly Name attribute;
 * - the integrity MAC: HMAC-SHA256 keyed with the PKCS#12 KDF (RFC 7292 Appendix B, SHA-256,
 *   ID 3, 10 000 iterations) over the AuthenticatedSafe.
 *
 * Read: the same, with PBES2 ciphers AES-128/192/256-CBC and PBKDF2 PRFs HMAC-SHA-256/384/512,
 * MAC hashes SHA-256/384/512; unencrypted keyBags and encryptedData SafeContents too. The legacy
 * PKCS#12 PBE schemes (RC2, 3DES, SHA-1 MAC) are refused. The MAC is required and checked in
 * constant time before anything is decrypted. Iteration counts above 10 000 000 are refused.
 *
 * Passwords: UTF-8 for PBKDF2 (what OpenSSL does for PBES2), BMPString + two zero bytes for the
 * PKCS#12 KDF (RFC 7292 B.1).
 *
 * A MAC that does not match, or a key bag that does not decrypt, is Invalid Field with one
 * fixed message (`WRONG_PASSWORD`): the two causes, a wrong password and altered bytes, cannot
 * be told apart (the MAC covers the whole AuthenticatedSafe), so the message names both, and it
 * never carries the password. Invalid Field rather than Authentication Not Successful: the
 * password opens a file in the request, it does not authenticate the client, and clients treat
 * Authentication Not Successful (HTTP 401) as "your credentials were refused".
 */
import { constantTimeEqual, provider } from '@custos/crypto';
import * as der from './_asym-der.ts';
import { aesCbcDecrypt, aesCbcEncrypt, secretKey } from './crypto-modes.ts';
import { KmsError } from './errors.ts';

const OID = {
  data: '1.2.840.113549.1.7.1',
  encryptedData: '1.2.840.113549.1.7.6',
  keyBag: '1.2.840.113549.1.12.10.1.1',
  shroudedKeyBag: '1.2.840.113549.1.12.10.1.2',
  certBag: '1.2.840.113549.1.12.10.1.3',
  x509Certificate: '1.2.840.113549.1.9.22.1',
  friendlyName: '1.2.840.113549.1.9.20',
  localKeyId: '1.2.840.113549.1.9.21',
  pbes2: '1.2.840.113549.1.5.13',
  pbkdf2: '1.2.840.113549.1.5.12',
} as const;

/** The one message for a MAC or key-bag decryption failure (see the file comment). */
export const WRONG_PASSWORD = 'PKCS#12 password is wrong or the file is corrupt';

function wrongPassword(): never {
  throw new KmsError('ERR_KMS_INVALID_FIELD', WRONG_PASSWORD);
}

type Hash = 'sha256' | 'sha384' | 'sha512';
const HASH_OIDS: Readonly<Record<string, Hash>> = {
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
};
const HMAC_OIDS: Readonly<Record<string, Hash>> = {
  '1.2.840.113549.2.9': 'sha256',
  '1.2.840.113549.2.10': 'sha384',
  '1.2.840.113549.2.11': 'sha512',
};
const AES_CBC_OIDS: Readonly<Record<string, number>> = {
  '2.16.840.1.101.3.4.1.2': 16,
  '2.16.840.1.101.3.4.1.22': 24,
  '2.16.840.1.101.3.4.1.42': 32,
};
const HASH_BLOCK: Readonly<Record<Hash, number>> = { sha256: 64, sha384: 128, sha512: 128 };
const HASH_LENGTH: Readonly<Record<Hash, number>> = { sha256: 32, sha384: 48, sha512: 64 };

export const PKCS12_ITERATIONS = 10_000;
const MAX_ITERATIONS = 10_000_000;

function fail(message: string): never {
  throw new KmsError('ERR_KMS_INVALID_FIELD', `PKCS#12: ${message}`);
}

function unsupported(message: string): never {
  throw new KmsError('ERR_KMS_KEY_FORMAT_NOT_SUPPORTED', `PKCS#12: ${message}`);
}

/** RFC 7292 B.1: the password as a BMPString with two trailing zero bytes. */
function bmpPassword(password: string): Uint8Array {
  const out = new Uint8Array(password.length * 2 + 2);
  for (let i = 0; i < password.length; i++) {
    const c = password.charCodeAt(i);
    out[2 * i] = c >> 8;
    out[2 * i + 1] = c & 0xff;
  }
  return out;
}

function repeatTo(bytes: Uint8Array, v: number): Uint8Array {
  if (bytes.length === 0) return bytes;
  const out = new Uint8Array(v * Math.ceil(bytes.length / v));
  for (let i = 0; i < out.length; i++) out[i] = bytes[i % bytes.length] as number;
  return out;
}

/** RFC 7292 Appendix B.2 key derivation (ID 3: MAC key). */
export function pkcs12Kdf(
  hash: Hash,
  password: string,
  salt: Uint8Array,
  iterations: number,
  id: number,
  length: number,
): Uint8Array {
  const v = HASH_BLOCK[hash];
  const u = HASH_LENGTH[hash];
  const d = new Uint8Array(v).fill(id);
  const i = new Uint8Array([...repeatTo(salt, v), ...repeatTo(bmpPassword(password), v)]);
  const out = new Uint8Array(Math.ceil(length / u) * u);
  for (let block = 0; block * u < length; block++) {
    let a = provider.hash.digest(hash, new Uint8Array([...d, ...i]));
    for (let r = 1; r < iterations; r++) a = provider.hash.digest(hash, a);
    out.set(a, block * u);
    // I_j = (I_j + B + 1) mod 2^(8v), B = A repeated to v bytes.
    const b = repeatTo(a, v).subarray(0, v);
    for (let j = 0; j < i.length; j += v) {
      let carry = 1;
      for (let k = v - 1; k >= 0; k--) {
        const sum = (i[j + k] as number) + (b[k] as number) + carry;
        i[j + k] = sum & 0xff;
        carry = sum >> 8;
      }
    }
  }
  return out.subarray(0, length);
}

const utf8 = new TextEncoder();

async function pbes2Encrypt(
  password: string,
  plaintext: Uint8Array,
): Promise<{ algId: Uint8Array; ciphertext: Uint8Array }> {
  const salt = provider.random.bytes(16);
  const iv = provider.random.bytes(16);
  const key = await provider.kdf.pbkdf2(
    'sha256',
    utf8.encode(password),
    salt,
    PKCS12_ITERATIONS,
    32,
  );
  const ciphertext = aesCbcEncrypt(secretKey(key), iv, plaintext, true);
  key.fill(0);
  const algId = der.seq(
    der.oid(OID.pbes2),
    der.seq(
      der.seq(
        der.oid(OID.pbkdf2),
        der.seq(
          der.octets(salt),
          der.integer(PKCS12_ITERATIONS),
          der.seq(der.oid('1.2.840.113549.2.9'), der.nullValue()),
        ),
      ),
      der.seq(der.oid('2.16.840.1.101.3.4.1.42'), der.octets(iv)),
    ),
  );
  return { algId, ciphertext };
}

function iterations(el: der.Der | undefined): number {
  const n = el === undefined ? 1 : der.smallInt(el);
  if (n < 1 || n > MAX_ITERATIONS) fail('iteration count out of range');
  return n;
}

async function pbes2Decrypt(
  algId: der.Der,
  password: string,
  ciphertext: Uint8Array,
): Promise<Uint8Array> {
  const [oid, params] = der.children(der.expect(algId, der.SEQUENCE), 1, 2);
  if (der.oidText(oid) !== OID.pbes2)
    unsupported('only PBES2 encryption is supported (legacy RC2/3DES schemes are refused)');
  const [kdf, scheme] = der.children(der.expect(params, der.SEQUENCE), 2, 2);
  const [kdfOid, kdfParams] = der.children(der.expect(kdf, der.SEQUENCE), 2, 2);
  if (der.oidText(kdfOid) !== OID.pbkdf2) unsupported('PBES2 needs PBKDF2');
  const p = der.children(der.expect(kdfParams, der.SEQUENCE), 2, 4);
  const salt = der.expect(p[0], der.OCTET_STRING).value;
  const count = iterations(p[1]);
  let at = 2;
  let keyLength: number | undefined;
  if (p[at]?.tag === der.INTEGER) keyLength = der.smallInt(p[at++]);
  let prf: Hash | undefined = undefined;
  if (p[at] !== undefined) {
    const [prfOid] = der.children(der.expect(p[at], der.SEQUENCE), 1, 2);
    prf = HMAC_OIDS[der.oidText(prfOid)];
  }
  if (prf === undefined) unsupported('PBKDF2 with HMAC-SHA-256/384/512 only');
  const [encOid, ivEl] = der.children(der.expect(scheme, der.SEQUENCE), 2, 2);
  const size = AES_CBC_OIDS[der.oidText(encOid)];
  if (size === undefined) unsupported('PBES2 with AES-CBC only');
  if (keyLength !== undefined && keyLength !== size) fail('key length does not match the cipher');
  const iv = der.expect(ivEl, der.OCTET_STRING).value;
  if (iv.length !== 16) fail('AES-CBC needs a 16-byte IV');
  const key = await provider.kdf.pbkdf2(prf, utf8.encode(password), salt, count, size);
  try {
    return aesCbcDecrypt(secretKey(key), iv, ciphertext, true);
  } catch {
    // Past the MAC this means a bag encrypted under another password (OpenSSL -twopass) or
    // altered before the MAC was computed: the same answer as a MAC failure.
    wrongPassword();
  } finally {
    key.fill(0);
  }
}

function attribute(oid: string, value: Uint8Array): Uint8Array {
  return der.seq(der.oid(oid), der.set(value));
}

function bmpString(text: string): Uint8Array {
  return der.tlv(der.BMP_STRING, bmpPassword(text).subarray(0, text.length * 2));
}

function contentInfoData(content: Uint8Array): Uint8Array {
  return der.seq(der.oid(OID.data), der.explicit(0, der.octets(content)));
}

/** What a PKCS#12 file carries for the KMS. */
export interface Pkcs12Contents {
  /** PrivateKeyInfo DER. */
  readonly privateKey: Uint8Array;
  /** Certificates (DER): the leaf (matching the key) first, then the others in file order. */
  readonly certificates: readonly Uint8Array[];
  readonly friendlyName?: string;
}

/** Builds a PKCS#12 file holding `contents`, protected by `password`. */
export async function buildPkcs12(contents: Pkcs12Contents, password: string): Promise<Uint8Array> {
  const leaf = contents.certificates[0];
  const localKeyId = provider.hash.digest('sha256', leaf ?? contents.privateKey);
  const keyAttributes = [attribute(OID.localKeyId, der.octets(localKeyId))];
  if (contents.friendlyName !== undefined)
    keyAttributes.push(attribute(OID.friendlyName, bmpString(contents.friendlyName)));
  const shrouded = await pbes2Encrypt(password, contents.privateKey);
  const keyBag = der.seq(
    der.oid(OID.shroudedKeyBag),
    der.explicit(0, der.seq(shrouded.algId, der.octets(shrouded.ciphertext))),
    der.set(...keyAttributes),
  );
  const safes: Uint8Array[] = [];
  if (contents.certificates.length > 0) {
    const certBags = contents.certificates.map((cert, i) =>
      der.seq(
        der.oid(OID.certBag),
        der.explicit(0, der.seq(der.oid(OID.x509Certificate), der.explicit(0, der.octets(cert)))),
        ...(i === 0 ? [der.set(attribute(OID.localKeyId, der.octets(localKeyId)))] : []),
      ),
    );
    safes.push(contentInfoData(der.seq(...certBags)));
  }
  safes.push(contentInfoData(der.seq(keyBag)));
  const authSafe = der.seq(...safes);
  const macSalt = provider.random.bytes(16);
  const macKey = pkcs12Kdf('sha256', password, macSalt, PKCS12_ITERATIONS, 3, 32);
  const mac = provider.mac.hmac('sha256', macKey, authSafe);
  macKey.fill(0);
  return der.seq(
    der.integer(3),
    contentInfoData(authSafe),
    der.seq(
      der.seq(der.seq(der.oid('2.16.840.1.101.3.4.2.1'), der.nullValue()), der.octets(mac)),
      der.octets(macSalt),
      der.integer(PKCS12_ITERATIONS),
    ),
  );
}

/** The OCTET STRING content of a `data` ContentInfo. */
function dataContent(ci: der.Der): Uint8Array {
  const [oid, content] = der.children(der.expect(ci, der.SEQUENCE), 2, 2);
  if (der.oidText(oid) !== OID.data) fail('expected a data ContentInfo');
  const [octets] = der.children(der.expect(content, 0xa0), 1, 1);
  return der.expect(octets, der.OCTET_STRING).value;
}

function verifyMac(macData: der.Der | undefined, password: string, authSafe: Uint8Array): void {
  if (macData === undefined) fail('the integrity MAC is missing');
  const [digestInfo, saltEl, iterEl] = der.children(der.expect(macData, der.SEQUENCE), 2, 3);
  const [algId, digestEl] = der.children(der.expect(digestInfo, der.SEQUENCE), 2, 2);
  const [hashOid] = der.children(der.expect(algId, der.SEQUENCE), 1, 2);
  const hash = HASH_OIDS[der.oidText(hashOid)];
  if (hash === undefined) unsupported('MAC hashes are SHA-256/384/512 (SHA-1 MACs are refused)');
  const salt = der.expect(saltEl, der.OCTET_STRING).value;
  const key = pkcs12Kdf(hash, password, salt, iterations(iterEl), 3, HASH_LENGTH[hash]);
  const mac = provider.mac.hmac(hash, key, authSafe);
  key.fill(0);
  const expected = der.expect(digestEl, der.OCTET_STRING).value;
  if (expected.length !== mac.length || !constantTimeEqual(expected, mac)) wrongPassword();
}

interface Bag {
  readonly type: string;
  readonly value: der.Der;
  readonly localKeyId?: Uint8Array;
  readonly friendlyName?: string;
}

function bagsOf(safeContents: Uint8Array): Bag[] {
  return der.children(der.decode(safeContents, der.SEQUENCE)).map((bag) => {
    const [oid, value, attrs] = der.children(der.expect(bag, der.SEQUENCE), 2, 3);
    const [inner] = der.children(der.expect(value, 0xa0), 1, 1);
    let localKeyId: Uint8Array | undefined;
    let friendlyName: string | undefined;
    for (const a of attrs === undefined ? [] : der.children(der.expect(attrs, der.SET))) {
      const [aOid, values] = der.children(der.expect(a, der.SEQUENCE), 2, 2);
      const [first] = der.children(der.expect(values, der.SET), 1);
      const id = der.oidText(aOid);
      if (id === OID.localKeyId) localKeyId = der.expect(first, der.OCTET_STRING).value;
      if (id === OID.friendlyName) {
        const b = der.expect(first, der.BMP_STRING).value;
        let s = '';
        for (let i = 0; i + 1 < b.length; i += 2)
          s += String.fromCharCode(((b[i] as number) << 8) | (b[i + 1] as number));
        friendlyName = s;
      }
    }
    return {
      type: der.oidText(oid),
      value: inner as der.Der,
      ...(localKeyId === undefined ? {} : { localKeyId }),
      ...(friendlyName === undefined ? {} : { friendlyName }),
    };
  });
}

/** Reads a PKCS#12 file: checks its MAC, decrypts its key, returns key and certificates. */
export async function readPkcs12(pfx: Uint8Array, password: string): Promise<Pkcs12Contents> {
  const [version, authSafeCi, macData] = der.children(der.decode(pfx, der.SEQUENCE), 2, 3);
  if (der.smallInt(version) !== 3) fail('version must be 3');
  const authSafe = dataContent(authSafeCi as der.Der);
  verifyMac(macData, password, authSafe);
  const bags: Bag[] = [];
  for (const ci of der.children(der.decode(authSafe, der.SEQUENCE))) {
    const [oid, content] = der.children(der.expect(ci, der.SEQUENCE), 1, 2);
    const type = der.oidText(oid);
    if (type === OID.data) bags.push(...bagsOf(dataContent(ci)));
    else if (type === OID.encryptedData) {
      const [encryptedData] = der.children(der.expect(content, 0xa0), 1, 1);
      const [, eci] = der.children(der.expect(encryptedData, der.SEQUENCE), 2, 3);
      const [, algId, encrypted] = der.children(der.expect(eci, der.SEQUENCE), 2, 3);
      if (encrypted?.tag !== 0x80) fail('encrypted content missing');
      bags.push(...bagsOf(await pbes2Decrypt(algId as der.Der, password, encrypted.value)));
    } else unsupported('only data and encryptedData contents are supported');
  }
  const keys: { key: Uint8Array; bag: Bag }[] = [];
  const certs: { cert: Uint8Array; bag: Bag }[] = [];
  for (const bag of bags) {
    if (bag.type === OID.keyBag) keys.push({ key: bag.value.raw, bag });
    else if (bag.type === OID.shroudedKeyBag) {
      const [algId, data] = der.children(der.expect(bag.value, der.SEQUENCE), 2, 2);
      const key = await pbes2Decrypt(
        algId as der.Der,
        password,
        der.expect(data, der.OCTET_STRING).value,
      );
      keys.push({ key, bag });
    } else if (bag.type === OID.certBag) {
      const [certId, certValue] = der.children(der.expect(bag.value, der.SEQUENCE), 2, 2);
      if (der.oidText(certId) !== OID.x509Certificate) continue;
      const [octets] = der.children(der.expect(certValue, 0xa0), 1, 1);
      certs.push({ cert: der.expect(octets, der.OCTET_STRING).value, bag });
    }
  }
  if (keys.length !== 1) fail('exactly one private key is expected');
  const { key, bag } = keys[0] as { key: Uint8Array; bag: Bag };
  const id = bag.localKeyId;
  const leafAt =
    id === undefined
      ? -1
      : certs.findIndex(
          (c) => c.bag.localKeyId !== undefined && constantTimeEqual(c.bag.localKeyId, id),
        );
  const ordered =
    leafAt < 0
      ? certs
      : [certs[leafAt] as (typeof certs)[number], ...certs.filter((_, i) => i !== leafAt)];
  return {
    privateKey: key,
    certificates: ordered.map((c) => c.cert.slice()),
    ...(bag.friendlyName === undefined ? {} : { friendlyName: bag.friendlyName }),
  };
}
