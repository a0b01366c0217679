/**
 * The key-encryption key (KEK) that protects key material at rest. Every managed object's
 * material is stored as `0x01 || nonce (12) || AES-256-GCM(material) || tag (16)` with the
 * object's unique identifier bound as associated data, so that a blob copied onto another row
 * does not decrypt. Attributes stay in clear (Locate filters on them).
 *
 * The KEK also keys the audit chain (HMAC-SHA256 under a key derived with HKDF), so that whoever
 * can write the database but does not hold the KEK cannot rewrite the audit log undetected.
 *
 * Source, in order: `kek.value` (base64 or hex), `kek.file` (raw 32 bytes, hex or base64 text),
 * `<data_dir>/kek.key`. With SQLite and no KEK configured, a fresh one is generated into
 * `<data_dir>/kek.key` (mode 0600) on first start; PostgreSQL deployments must configure one, since
 * every instance needs the same.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { DecryptionFailed, provider, toHex } from '@custos/crypto';
import { ConfigError, type KmsConfig } from './config.ts';

type AeadCipher = ReturnType<typeof provider.aead.cipher>;

const VERSION = 0x01;
const encoder = new TextEncoder();

export class KeyEncryptionKey {
  readonly #cipher: AeadCipher;
  /** Hex identifier of this KEK (not secret): lets the store refuse a wrong KEK at start. */
  readonly fingerprint: string;
  /** Key of the audit chain MAC. */
  readonly auditKey: Uint8Array;

  constructor(key: Uint8Array) {
    if (!(key instanceof Uint8Array) || key.length !== 32)
      throw new RangeError('the key-encryption key must be 32 bytes');
    this.#cipher = provider.aead.cipher('aes-256-gcm', key);
    const info = (s: string): Uint8Array => encoder.encode(s);
    this.fingerprint = toHex(
      provider.kdf.hkdf(
        'sha256',
        key,
        new Uint8Array(0),
        info('custos-kms kek fingerprint v1'),
        16,
      ),
    );
    this.auditKey = provider.kdf.hkdf(
      'sha256',
      key,
      new Uint8Array(0),
      info('custos-kms audit v1'),
      32,
    );
  }

  /** Encrypts `plaintext` for the object `uid`. */
  seal(uid: string, plaintext: Uint8Array): Uint8Array {
    const sealed = this.#cipher.encrypt(plaintext, aad(uid));
    const out = new Uint8Array(1 + sealed.length);
    out[0] = VERSION;
    out.set(sealed, 1);
    return out;
  }

  /** Decrypts a blob sealed for `uid`. @throws DecryptionFailed (wrong KEK, wrong row, altered). */
  open(uid: string, blob: Uint8Array): Uint8Array {
    if (blob.length < 1 + 12 + 16 || blob[0] !== VERSION) throw new DecryptionFailed();
    return this.#cipher.decrypt(blob.subarray(1), aad(uid));
  }
}

function aad(uid: string): Uint8Array {
  return encoder.encode(`custos-kms object v1\u0000${uid}`);
}

/** Parses KEK text: 64 hex digits or base64 of 32 bytes. */
function parseKeyText(text: string, where: string): Uint8Array {
  const t = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(t)) return Uint8Array.from(Buffer.from(t, 'hex'));
  if (/^[A-Za-z0-9+/_-]{43}=?$/.test(t)) {
    const bytes = Buffer.from(t.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    if (bytes.length === 32) return Uint8Array.from(bytes);
  }
  throw new ConfigError(
    `${where}: the key-encryption key must be 32 bytes as 64 hex digits or base64`,
  );
}

/**
 * Loads (or, for SQLite, creates) the KEK described by the configuration.
 * @throws ConfigError when it is missing, unreadable or malformed.
 */
export function loadKek(config: KmsConfig): { kek: KeyEncryptionKey; created: string | undefined } {
  if (config.kek.value !== '')
    return {
      kek: new KeyEncryptionKey(parseKeyText(config.kek.value, 'kek.value')),
      created: undefined,
    };
  const explicit = config.kek.file !== '';
  const file = explicit ? config.kek.file : resolve(config.dataDir, 'kek.key');
  if (existsSync(file)) {
    const raw = readFileSync(file);
    const key = raw.length === 32 ? Uint8Array.from(raw) : parseKeyText(raw.toString('utf8'), file);
    return { kek: new KeyEncryptionKey(key), created: undefined };
  }
  if (explicit) throw new ConfigError(`kek.file ${file} does not exist`);
  if (config.db.type !== 'sqlite')
    throw new ConfigError(
      'PostgreSQL needs a key-encryption key shared by every instance: set kek.file or CUSTOS_KEK_VALUE',
    );
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const key = provider.random.bytes(32);
  writeFileSync(file, `${Buffer.from(key).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(file, 0o600);
  return { kek: new KeyEncryptionKey(key), created: file };
}
