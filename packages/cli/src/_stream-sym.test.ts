/**
 * The data engines without a server: symmetric and hybrid streaming (round trips over random
 * splits, every alteration and truncation fails), the KMS-chunked format against a local
 * AES-GCM standing in for the KMS, and Covercrypt streams (not authorized is its own error).
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import fc from 'fast-check';
import { MasterPublicKey, MasterSecretKey, UserKey } from '@custos/covercrypt';
import { provider } from '@custos/crypto';
import { CliError } from './_errors.ts';
import { readHeader, type HybridSuite } from './_file-format.ts';
import { covercryptKind, decryptCovercrypt, encryptCovercrypt } from './_stream-cc.ts';
import { dataError, EXIT_NOT_AUTHORIZED } from './_stream-errors.ts';
import { encryptHybrid, unwrapLocally, wrapperFor, type KeyEncoding } from './_stream-hybrid.ts';
import { ByteReader } from './_stream-io.ts';
import { decryptThroughKms, encryptThroughKms, type ChunkCipher } from './_stream-kms.ts';
import { decryptWithHeader, encryptSymmetric } from './_stream-sym.ts';

function* split(bytes: Uint8Array, cuts: readonly number[]): Generator<Uint8Array> {
  let at = 0;
  for (const c of [...cuts].sort((a, b) => a - b)) {
    const to = Math.min(c, bytes.length);
    if (to > at) yield bytes.slice(at, to);
    at = Math.max(at, to);
  }
  if (at < bytes.length) yield bytes.slice(at);
}

async function join(source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const p of source) parts.push(p.slice());
  return new Uint8Array(Buffer.concat(parts));
}

/** Parses the envelope of `file` and decrypts the rest with `key`. */
async function open(
  key: Uint8Array,
  file: Uint8Array,
  cuts: readonly number[] = [],
): Promise<Uint8Array> {
  const reader = new ByteReader(split(file, cuts));
  const header = await readHeader((n) => reader.read(n));
  return join(decryptWithHeader(key, header, reader.rest()));
}

/** Expects `fn` to fail as the CLI reports altered data (exit 1) or a malformed file (exit 7). */
async function fails(fn: () => Promise<unknown>, label: string): Promise<void> {
  await assert.rejects(fn(), (e: unknown) => {
    const mapped = dataError(e);
    assert.ok(mapped instanceof CliError, `${label}: ${String(e)}`);
    assert.ok(mapped.exitCode === 1 || mapped.exitCode === 7, `${label}: exit ${mapped.exitCode}`);
    return true;
  });
}

const key = provider.random.bytes(32);

void describe('symmetric streaming engine', () => {
  void it('round-trips any data split anywhere (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 5000 }),
        fc.array(fc.nat({ max: 6000 }), { maxLength: 6 }),
        fc.array(fc.nat({ max: 6000 }), { maxLength: 6 }),
        async (data, cutsIn, cutsOut) => {
          const file = await join(encryptSymmetric(key, 'key-1', split(data, cutsIn)));
          assert.deepEqual(await open(key, file, cutsOut), data);
        },
      ),
      { numRuns: 60 },
    );
  });

  void it('fails on every altered byte, every truncation, a wrong key, extra bytes', async () => {
    const data = provider.random.bytes(3000);
    const file = await join(encryptSymmetric(key, 'key-1', [data], 'chacha20-poly1305'));
    assert.deepEqual(await open(key, file), data);
    for (let i = 0; i < file.length; i += 37) {
      const bad = file.slice();
      bad[i] = (bad[i] as number) ^ 0x40;
      await fails(() => open(key, bad), `byte ${i}`);
    }
    for (const cut of [0, 5, 11, 12, 60, 61, file.length - 17, file.length - 1])
      await fails(() => open(key, file.subarray(0, cut)), `cut at ${cut}`);
    await fails(() => open(provider.random.bytes(32), file), 'wrong key');
    await fails(() => open(key, new Uint8Array([...file, 0])), 'trailing byte');
  });

  void it('binds the key id of the header', async () => {
    const a = await join(encryptSymmetric(key, 'key-A', [Uint8Array.of(1, 2, 3)]));
    const b = a.slice();
    b[12] = 0x42; // "key-A" → "key-B"
    const r = new ByteReader([b]);
    assert.equal((await readHeader((n) => r.read(n))).keyId, 'key-B');
    await fails(() => open(key, b), 'edited key id');
  });
});

const SUITES: [HybridSuite, () => Promise<{ pub: KeyEncoding; priv: KeyEncoding }>][] = [
  [
    'rsa-oaep-sha256',
    async () => {
      const pair = await provider.keys.generate('rsa', { modulusBits: 2048 });
      return {
        pub: { format: 'der', bytes: await provider.keys.exportPublic(pair.publicKey, 'spki') },
        priv: { format: 'der', bytes: await provider.keys.exportPrivate(pair.privateKey, 'pkcs8') },
      };
    },
  ],
  ...(['p256', 'x25519', 'ml-kem-512', 'ml-kem-768', 'ml-kem-1024'] as const).map(
    (alg): [HybridSuite, () => Promise<{ pub: KeyEncoding; priv: KeyEncoding }>] => [
      alg === 'p256' ? 'hpke-p256' : alg === 'x25519' ? 'hpke-x25519' : alg,
      async () => {
        const pair = await provider.keys.generate(alg);
        return {
          pub: { format: 'der', bytes: await provider.keys.exportPublic(pair.publicKey, 'spki') },
          priv: {
            format: 'der',
            bytes: await provider.keys.exportPrivate(pair.privateKey, 'pkcs8'),
          },
        };
      },
    ],
  ),
  [
    'hpke-x-wing',
    () => {
      const pair = provider.kem.get('x-wing').generateKeyPair();
      return Promise.resolve({
        pub: { format: 'raw', bytes: pair.publicKey },
        priv: { format: 'raw', bytes: pair.secretKey },
      });
    },
  ],
];

void describe('hybrid streaming engine', () => {
  for (const [suite, make] of SUITES)
    void it(`${suite}: wraps for the public key, unwraps with the private key only`, async () => {
      const { pub, priv } = await make();
      const other = await make();
      const data = provider.random.bytes(70_000);
      const file = await join(
        await encryptHybrid(suite, 'pk-1', await wrapperFor(suite, pub), split(data, [1, 65_536])),
      );
      const reader = new ByteReader([file]);
      const header = await readHeader((n) => reader.read(n));
      assert.equal(header.suite, suite);
      assert.equal(header.keyId, 'pk-1');
      const dek = await unwrapLocally(suite, priv, header.wrappedKey);
      assert.equal(dek.length, 32);
      assert.deepEqual(await join(decryptWithHeader(dek, header, reader.rest())), data);
      await fails(() => unwrapLocally(suite, other.priv, header.wrappedKey), 'other private key');
      const bad = header.wrappedKey.slice();
      bad[bad.length - 1] = (bad[bad.length - 1] as number) ^ 1;
      await fails(() => unwrapLocally(suite, priv, bad), 'altered wrapped key');
      // The header is bound to the data: a byte of the wrapped key changed after unwrapping fails.
      const altered = file.slice();
      altered[header.bytes.length - 1] = (altered[header.bytes.length - 1] as number) ^ 1;
      await fails(() => open(dek, altered), 'altered header');
    });
});

/** AES-256-GCM with a random IV, as the KMS Encrypt/Decrypt answer. */
function localKms(): ChunkCipher & { calls: number } {
  const c = provider.aead.cipher('aes-256-gcm', provider.random.bytes(32));
  const state = {
    calls: 0,
    encrypt(data: Uint8Array, aad: Uint8Array) {
      state.calls++;
      const iv = provider.random.bytes(12);
      const { ciphertext, tag } = c.sealDetached(iv, data, aad);
      return Promise.resolve({ data: ciphertext, iv, tag });
    },
    decrypt(data: Uint8Array, iv: Uint8Array, tag: Uint8Array, aad: Uint8Array) {
      state.calls++;
      return Promise.resolve(c.openDetached(iv, data, tag, aad));
    },
  };
  return state;
}

async function kmsOpen(kms: ChunkCipher, file: Uint8Array): Promise<Uint8Array> {
  const reader = new ByteReader(split(file, [7, 100]));
  const header = await readHeader((n) => reader.read(n));
  return join(decryptThroughKms(kms, header, reader));
}

void describe('KMS-chunked engine', () => {
  void it('round-trips with one call per chunk, the last one short', async () => {
    const kms = localKms();
    for (const size of [0, 1, 99, 100, 101, 1000]) {
      const data = provider.random.bytes(size);
      kms.calls = 0;
      const file = await join(encryptThroughKms(kms, 'k', split(data, [3, 50, 150]), 100));
      assert.equal(kms.calls, Math.floor(size / 100) + 1);
      assert.deepEqual(await kmsOpen(kms, file), data);
    }
  });

  void it('fails on reordered, dropped, altered or truncated records and trailing bytes', async () => {
    const kms = localKms();
    const data = provider.random.bytes(250);
    const file = await join(encryptThroughKms(kms, 'k', [data], 100));
    const h = encryptThroughKms(kms, 'k', [], 100);
    const headerLength = ((await h.next()).value as Uint8Array).length;
    const rec = 33 + 100;
    const r0 = file.subarray(headerLength, headerLength + rec);
    const r1 = file.subarray(headerLength + rec, headerLength + 2 * rec);
    const last = file.subarray(headerLength + 2 * rec);
    const head = file.subarray(0, headerLength);
    const cat = (...p: Uint8Array[]): Uint8Array => new Uint8Array(Buffer.concat(p));
    await fails(() => kmsOpen(kms, cat(head, r1, r0, last)), 'swapped');
    await fails(() => kmsOpen(kms, cat(head, r0, last)), 'dropped');
    await fails(() => kmsOpen(kms, cat(head, r0, r1)), 'no final record');
    await fails(() => kmsOpen(kms, cat(head, r0, r1, last, last)), 'final record twice');
    await fails(() => kmsOpen(kms, file.subarray(0, file.length - 3)), 'truncated');
    for (let i = 0; i < file.length; i += 29) {
      const bad = file.slice();
      bad[i] = (bad[i] as number) ^ 4;
      await fails(() => kmsOpen(kms, bad), `byte ${i}`);
    }
  });
});

void describe('Covercrypt streaming engine', () => {
  let mpk: MasterPublicKey;
  let hr: UserKey;
  let fin: UserKey;

  before(async () => {
    const msk = await MasterSecretKey.setup({
      dimensions: [
        { name: 'Department', attributes: ['HR', 'FIN'] },
        { name: 'Level', kind: 'ordered', attributes: ['Low', 'High'] },
      ],
    });
    mpk = await MasterPublicKey.load(await msk.publicKey(), { authority: msk.authorityId });
    hr = await UserKey.load((await msk.issueUserKey('Department::HR && Level::High')).userKey);
    fin = await UserKey.load((await msk.issueUserKey('Department::FIN && Level::High')).userKey);
  });

  void it('round-trips a stream, and "not authorized" exits with its own status', async () => {
    const data = provider.random.bytes(200_000);
    const file = await join(
      encryptCovercrypt(mpk, 'Department::HR && Level::Low', split(data, [10, 70_000])),
    );
    assert.equal(covercryptKind(file), 'stream');
    const read = async (k: UserKey): Promise<Uint8Array> => {
      const reader = new ByteReader(split(file, [2, 9, 4000]));
      const head = await reader.read(4);
      return join(await decryptCovercrypt(k, 'uk', head, reader));
    };
    assert.deepEqual(await read(hr), data);
    await assert.rejects(
      read(fin),
      (e: unknown) => e instanceof CliError && e.exitCode === EXIT_NOT_AUTHORIZED,
    );
    assert.throws(
      () => encryptCovercrypt(mpk, 'Department::NOPE', []),
      (e: unknown) => {
        const m = dataError(e);
        return m instanceof CliError && m.exitCode === 5 && /encryption policy/.test(m.message);
      },
    );
    const cut = file.subarray(0, file.length - 1);
    const reader = new ByteReader([cut]);
    const head = await reader.read(4);
    await fails(
      async () => join(await decryptCovercrypt(hr, 'uk', head, reader)),
      'truncated stream',
    );
  });
});
