/**
 * Signatures (sign and verify a 64-byte message, key objects parsed once) and the cost of
 * importing keys from each format. The "node:crypto direct" peer is a bare `crypto.sign` /
 * `crypto.verify` on a KeyObject: the distance to it is the node provider's wrapper cost
 * (argument checks, promise).
 */
import { generateKeyPairSync, sign, verify } from 'node:crypto';
import { nodeKeys } from '../src/node/keys.ts';
import { nodeSignature } from '../src/node/signature.ts';
import { webKeys } from '../src/web/keys.ts';
import { webSignature } from '../src/web/signature.ts';
import { SIGNATURE_ALGORITHMS, SIGNATURE_SCHEMES } from '../src/signature.ts';
import type { AsymmetricAlgorithm, PrivateKeyFormat, PublicKeyFormat } from '../src/keys.ts';
import type { BenchCase, BenchSuite } from './_harness.ts';

export const suite: BenchSuite = {
  name: 'Signatures and asymmetric key import',
  cases: async () => {
    const message = new Uint8Array(64).map((_, i) => i);
    const cases: BenchCase[] = [];
    const generated = new Map<AsymmetricAlgorithm, Awaited<ReturnType<typeof nodeKeys.generate>>>();
    for (const algorithm of [
      'ed25519',
      'p256',
      'p384',
      'rsa',
      'ml-dsa-44',
      'ml-dsa-65',
      'ml-dsa-87',
    ] as const) {
      generated.set(
        algorithm,
        await nodeKeys.generate(algorithm, algorithm === 'rsa' ? { modulusBits: 2048 } : undefined),
      );
    }
    const native = generateKeyPairSync('ed25519');
    const nativeSig = sign(null, message, native.privateKey);

    for (const algorithm of SIGNATURE_ALGORITHMS) {
      const keyAlgorithm = SIGNATURE_SCHEMES[algorithm].key;
      const nodePair = generated.get(keyAlgorithm) as Awaited<ReturnType<typeof nodeKeys.generate>>;
      const pkcs8 = await nodeKeys.exportPrivate(nodePair.privateKey, 'pkcs8');
      const spki = await nodeKeys.exportPublic(nodePair.publicKey, 'spki');
      const webPrivate = await webKeys.importPrivate(keyAlgorithm, 'pkcs8', pkcs8);
      const webPublic = await webKeys.importPublic(keyAlgorithm, 'spki', spki);
      const nodeSig = await nodeSignature.sign(algorithm, nodePair.privateKey, message);
      // Warm the web provider's lazily imported CryptoKeys so the rows time the operation only.
      await webSignature.verify(
        algorithm,
        webPublic,
        message,
        await webSignature.sign(algorithm, webPrivate, message),
      );
      const label = keyAlgorithm === 'rsa' ? `${algorithm} (2048)` : algorithm;
      cases.push({
        name: `${label} sign 64 B`,
        node: () => nodeSignature.sign(algorithm, nodePair.privateKey, message),
        web: () => webSignature.sign(algorithm, webPrivate, message),
        ...(algorithm === 'ed25519'
          ? { peers: { 'node:crypto direct': () => sign(null, message, native.privateKey) } }
          : {}),
      });
      cases.push({
        name: `${label} verify 64 B`,
        node: () => nodeSignature.verify(algorithm, nodePair.publicKey, message, nodeSig),
        web: () => webSignature.verify(algorithm, webPublic, message, nodeSig),
        ...(algorithm === 'ed25519'
          ? {
              peers: {
                'node:crypto direct': () => verify(null, message, native.publicKey, nativeSig),
              },
            }
          : {}),
      });
    }

    const publicRows: [AsymmetricAlgorithm, PublicKeyFormat][] = [
      ['ed25519', 'raw'],
      ['ed25519', 'spki'],
      ['ed25519', 'jwk'],
      ['p256', 'raw'],
      ['p256', 'spki'],
      ['p256', 'jwk'],
      ['rsa', 'spki'],
      ['rsa', 'jwk'],
      ['ml-dsa-65', 'raw'],
      ['ml-dsa-65', 'spki'],
    ];
    for (const [algorithm, format] of publicRows) {
      const data = await nodeKeys.exportPublic(generated.get(algorithm)!.publicKey, format);
      cases.push({
        name: `import ${algorithm} public ${format}`,
        node: () => nodeKeys.importPublic(algorithm, format, data),
        web: () => webKeys.importPublic(algorithm, format, data),
      });
    }
    const privateRows: [AsymmetricAlgorithm, PrivateKeyFormat][] = [
      ['ed25519', 'raw'],
      ['ed25519', 'pkcs8'],
      ['p256', 'raw'],
      ['p256', 'pkcs8'],
      ['rsa', 'pkcs8'],
      ['rsa', 'jwk'],
      ['ml-dsa-65', 'raw'],
    ];
    for (const [algorithm, format] of privateRows) {
      const data = await nodeKeys.exportPrivate(generated.get(algorithm)!.privateKey, format);
      cases.push({
        name: `import ${algorithm} private ${format}`,
        node: () => nodeKeys.importPrivate(algorithm, format, data),
        web: () => webKeys.importPrivate(algorithm, format, data),
      });
    }
    return cases;
  },
};
