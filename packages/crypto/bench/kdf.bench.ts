/**
 * KDFs: HKDF-SHA256 to 32 bytes (a per-message key derivation), PBKDF2-HMAC-SHA256 at the OWASP
 * 2023 count (600 000), Argon2id at the OWASP minimum (m = 19 MiB, t = 2, p = 1).
 * Web provider: noble HKDF and Argon2id, WebCrypto PBKDF2.
 */
import { nodeKdf } from '../src/node/kdf.ts';
import { webKdf } from '../src/web/kdf.ts';
import type { Argon2idParams } from '../src/kdf.ts';
import type { BenchSuite } from './_harness.ts';

export const suite: BenchSuite = {
  name: 'KDF',
  cases: () => {
    const ikm = new Uint8Array(32).fill(1);
    const salt = new Uint8Array(16).fill(2);
    const info = new TextEncoder().encode('custos bench info');
    const password = new TextEncoder().encode('correct horse battery staple');
    const argon: Argon2idParams = {
      password,
      salt,
      memoryKiB: 19 * 1024,
      passes: 2,
      parallelism: 1,
      length: 32,
    };
    return [
      {
        name: 'HKDF-SHA256 → 32 B',
        node: () => nodeKdf.hkdf('sha256', ikm, salt, info, 32),
        web: () => webKdf.hkdf('sha256', ikm, salt, info, 32),
      },
      {
        name: 'HKDF-SHA256 expand only → 32 B',
        node: () => nodeKdf.hkdfExpand('sha256', ikm, info, 32),
        web: () => webKdf.hkdfExpand('sha256', ikm, info, 32),
      },
      {
        name: 'PBKDF2-HMAC-SHA256 600 000 iterations',
        node: () => nodeKdf.pbkdf2('sha256', password, salt, 600_000, 32),
        web: () => webKdf.pbkdf2('sha256', password, salt, 600_000, 32),
      },
      {
        name: 'Argon2id m=19 MiB t=2 p=1',
        node: () => nodeKdf.argon2id(argon),
        web: () => webKdf.argon2id(argon),
      },
    ];
  },
};
