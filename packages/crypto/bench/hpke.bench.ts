/**
 * HPKE (RFC 9180) single-shot seal/open of 1 KiB per KEM, base and auth modes, HKDF-SHA256 and
 * AES-128-GCM, with parsed (cached) keys; plus the per-message cost inside an open context.
 */
import { nodeHpke } from '../src/node/hpke.ts';
import { webHpke } from '../src/web/hpke.ts';
import type { HpkeKemName } from '../src/hpke.ts';
import type { BenchCase, BenchSuite } from './_harness.ts';

const KEMS: readonly HpkeKemName[] = [
  'dhkem-x25519-hkdf-sha256',
  'dhkem-p256-hkdf-sha256',
  'x-wing',
];

export const suite: BenchSuite = {
  name: 'HPKE',
  cases: () => {
    const cases: BenchCase[] = [];
    const message = new Uint8Array(1024);
    for (const kem of KEMS) {
      const params = { kem, kdf: 'hkdf-sha256', aead: 'aes-128-gcm' } as const;
      const node = nodeHpke.suite(params);
      const web = webHpke.suite(params);
      const r = node.generateKeyPair();
      const s = node.generateKeyPair();
      const keys = (suite: typeof node) => ({
        pkR: suite.publicKey(r.publicKey),
        skR: suite.secretKey(r.secretKey),
        pkS: suite.publicKey(s.publicKey),
        skS: suite.secretKey(s.secretKey),
      });
      const n = keys(node);
      const w = keys(web);
      const sealed = node.seal(n.pkR, message);
      cases.push(
        {
          name: `${kem} seal 1 KiB base`,
          bytes: 1024,
          node: () => node.seal(n.pkR, message),
          web: () => web.seal(w.pkR, message),
        },
        {
          name: `${kem} open 1 KiB base`,
          bytes: 1024,
          node: () => node.open(sealed.enc, n.skR, sealed.ciphertext),
          web: () => web.open(sealed.enc, w.skR, sealed.ciphertext),
        },
      );
      if (kem !== 'x-wing') {
        cases.push({
          name: `${kem} seal 1 KiB auth`,
          bytes: 1024,
          node: () => node.seal(n.pkR, message, { senderSecretKey: n.skS }),
          web: () => web.seal(w.pkR, message, { senderSecretKey: w.skS }),
        });
      }
    }
    const params = { kem: KEMS[0]!, kdf: 'hkdf-sha256', aead: 'aes-128-gcm' } as const;
    const r = nodeHpke.suite(params).generateKeyPair();
    const nodeContext = nodeHpke.suite(params).setupBaseS(r.publicKey).context;
    const webContext = webHpke.suite(params).setupBaseS(r.publicKey).context;
    cases.push({
      name: 'context seal 1 KiB (AES-128-GCM, after setup)',
      bytes: 1024,
      node: () => nodeContext.seal(message),
      web: () => webContext.seal(message),
    });
    return cases;
  },
};
