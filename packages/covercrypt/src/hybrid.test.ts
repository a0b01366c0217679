import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DecryptionFailed } from '@custos/crypto';
import { FormatError } from './errors.ts';
import {
  createStreamEncryptor,
  decrypt,
  decryptBatch,
  decryptHeader,
  decryptStream,
  encrypt,
  encryptBatch,
  encryptHeader,
  encryptStream,
} from './hybrid.ts';
import {
  assertArgumentError,
  authority,
  collect,
  flip,
  notBytes,
  positions,
  type Authority,
} from './_test/fixtures.ts';
import type { UserKey } from './user-key.ts';

const P1 = 'Department::MKG && Security Level::Protected';
const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

function* pieces(bytes: Uint8Array, size: number): Generator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

void describe('hybrid encryption', () => {
  let auth: Authority;
  let reader: UserKey;
  let outsider: UserKey;

  before(async () => {
    auth = await authority();
    reader = await auth.user('Department::MKG && Security Level::Top Secret');
    outsider = await auth.user('Department::HR');
  });

  void test('round trip with metadata and AAD; not authorized is a value', () => {
    const aad = utf8('row 17');
    const ct = encrypt(auth.mpk, P1, utf8('hello'), { aad, metadata: utf8('name=a.txt') });
    const result = decrypt(reader, ct, { aad });
    assert.ok(result.authorized);
    assert.deepEqual(result.plaintext, utf8('hello'));
    assert.deepEqual(result.metadata, utf8('name=a.txt'));
    assert.deepEqual(decrypt(outsider, ct, { aad }), { authorized: false });
    const plain = decrypt(reader, encrypt(auth.mpk, P1, new Uint8Array(0)));
    assert.ok(plain.authorized && plain.plaintext.length === 0 && plain.metadata === undefined);
  });

  void test('wrong AAD throws DecryptionFailed', () => {
    const ct = encrypt(auth.mpk, P1, utf8('hello'), { aad: utf8('a'), metadata: utf8('m') });
    assert.throws(() => decrypt(reader, ct, { aad: utf8('b') }), DecryptionFailed);
    assert.throws(() => decrypt(reader, ct), DecryptionFailed);
  });

  void test('ciphertext size: 6 + header + plaintext + 16', () => {
    const { header } = encryptHeader(auth.mpk, P1);
    const ct = encrypt(auth.mpk, P1, new Uint8Array(1024));
    assert.equal(ct.length, 6 + header.length + 1024 + 16);
    assert.equal(header.length, 6 + 1225 + 32 + 1);
  });

  void test('altering any byte: not authorized, DecryptionFailed or FormatError, never plaintext', () => {
    const ct = encrypt(auth.mpk, P1, utf8('secret payload'), { metadata: utf8('meta') });
    const seen = new Set<string>();
    for (const p of positions(ct.length, 400)) {
      const altered = flip(ct, p, p % 2 === 0 ? 0x01 : 0x40);
      try {
        const r = decrypt(reader, altered);
        assert.equal(r.authorized, false, `byte ${p} decrypted`);
        seen.add('not-authorized');
      } catch (error) {
        assert.ok(
          error instanceof DecryptionFailed || error instanceof FormatError,
          `byte ${p}: ${String(error)}`,
        );
        seen.add(error.constructor.name);
      }
    }
    assert.deepEqual([...seen].sort(), ['DecryptionFailed', 'FormatError', 'not-authorized']);
  });

  void test('header API: the DEK opens what the caller encrypted', () => {
    const { header, dek } = encryptHeader(auth.mpk, P1, { metadata: utf8('m') });
    const opened = decryptHeader(reader, header);
    assert.ok(opened.authorized);
    assert.deepEqual(opened.dek, dek);
    assert.equal(opened.length, header.length);
    assert.deepEqual(decryptHeader(outsider, header), { authorized: false });
  });

  void test('batch: many messages under one header, bound to their index', () => {
    const messages = Array.from({ length: 50 }, (_, i) => utf8(`cell ${i}`));
    const { header, ciphertexts } = encryptBatch(auth.mpk, P1, messages, { aad: utf8('t') });
    const r = decryptBatch(reader, header, ciphertexts, { aad: utf8('t') });
    assert.ok(r.authorized);
    assert.deepEqual(r.plaintexts, messages);
    assert.deepEqual(decryptBatch(outsider, header, ciphertexts, { aad: utf8('t') }), {
      authorized: false,
    });
    const swapped = [...ciphertexts];
    [swapped[0], swapped[1]] = [swapped[1] as Uint8Array, swapped[0] as Uint8Array];
    assert.throws(
      () => decryptBatch(reader, header, swapped, { aad: utf8('t') }),
      DecryptionFailed,
    );
    assert.throws(() => decryptBatch(reader, header, ciphertexts), DecryptionFailed);
  });

  void test('stream: chunked, constant memory, any piece sizes', async () => {
    const data = new Uint8Array(70_000).map((_, i) => i & 0xff);
    const enc = createStreamEncryptor(auth.mpk, P1, {
      chunkSize: 4096,
      metadata: utf8('video'),
      aad: utf8('x'),
    });
    const parts = [enc.header];
    for (const piece of pieces(data, 10_000)) parts.push(...enc.push(piece));
    parts.push(enc.final());
    const stream = Buffer.concat(parts);
    for (const size of [1, 333, 8192, stream.length]) {
      const r = await decryptStream(reader, pieces(stream, size), { aad: utf8('x') });
      assert.ok(r.authorized);
      assert.deepEqual(r.metadata, utf8('video'));
      assert.deepEqual(await collect(r.plaintext), Buffer.from(data));
    }
    assert.deepEqual(await decryptStream(outsider, pieces(stream, 1000)), { authorized: false });
    const viaGenerator = await collect(
      encryptStream(auth.mpk, P1, pieces(data, 5000), { chunkSize: 1024 }),
    );
    const r2 = await decryptStream(reader, [viaGenerator]);
    assert.ok(r2.authorized);
    assert.deepEqual(await collect(r2.plaintext), Buffer.from(data));
  });

  void test('stream: truncation and alteration are detected', async () => {
    const data = new Uint8Array(20_000).fill(9);
    const stream = await collect(encryptStream(auth.mpk, P1, [data], { chunkSize: 1024 }));
    const truncated = await decryptStream(reader, [stream.subarray(0, stream.length - 1100)]);
    assert.ok(truncated.authorized);
    await assert.rejects(collect(truncated.plaintext), DecryptionFailed);
    const altered = await decryptStream(reader, [flip(stream, stream.length - 5000)]);
    assert.ok(altered.authorized);
    await assert.rejects(collect(altered.plaintext), DecryptionFailed);
    await assert.rejects(decryptStream(reader, [stream.subarray(0, 8)]), FormatError);
  });

  void test('property: round trip for random plaintext, metadata and AAD', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 3000 }),
        fc.option(fc.uint8Array({ maxLength: 64 }), { nil: undefined }),
        fc.uint8Array({ maxLength: 32 }),
        fc.constantFrom('hidden' as const, 'public' as const),
        (plaintext, metadata, aad, visibility) => {
          const ct = encrypt(auth.mpk, P1, plaintext, {
            aad,
            visibility,
            ...(metadata === undefined ? {} : { metadata }),
          });
          const r = decrypt(reader, ct, { aad });
          assert.ok(r.authorized);
          assert.deepEqual(r.plaintext, plaintext);
          assert.deepEqual(r.metadata, metadata);
        },
      ),
      { numRuns: 25 },
    );
  });

  void test('caller buffers (Node Buffers included) are never modified nor aliased', async () => {
    const plaintext = Buffer.from('plaintext bytes');
    const aad = Buffer.from('aad');
    const ct = Buffer.from(encrypt(auth.mpk, P1, plaintext, { aad, metadata: Buffer.from('m') }));
    const snapshot = Buffer.from(ct);
    const r = decrypt(reader, ct, { aad });
    assert.ok(r.authorized);
    assert.deepEqual(ct, snapshot);
    assert.deepEqual(plaintext, Buffer.from('plaintext bytes'));
    const keyBytes = Buffer.from(reader.toBytes());
    const loaded = await (await import('./user-key.ts')).UserKey.load(keyBytes);
    keyBytes.fill(0);
    assert.ok(decrypt(loaded, ct, { aad }).authorized);
  });

  void test('hostile arguments', () => {
    for (const [i, v] of notBytes.entries()) {
      assertArgumentError(() => encrypt(auth.mpk, P1, v as Uint8Array), `plaintext ${i}`);
      assertArgumentError(() => decrypt(reader, v as Uint8Array), `ciphertext ${i}`);
      if (v !== undefined) {
        assertArgumentError(
          () => encrypt(auth.mpk, P1, new Uint8Array(1), { aad: v as Uint8Array }),
          `aad ${i}`,
        );
        assertArgumentError(
          () => encrypt(auth.mpk, P1, new Uint8Array(1), { metadata: v as Uint8Array }),
          `metadata ${i}`,
        );
      }
    }
    assertArgumentError(() => encryptBatch(auth.mpk, P1, 'x' as never), 'messages');
    assertArgumentError(() => encryptBatch(auth.mpk, P1, [1] as never), 'message');
    assertArgumentError(
      () => decryptBatch(reader, new Uint8Array(10), 'x' as never),
      'ciphertexts',
    );
    assert.throws(() => decrypt(reader, utf8('not a ciphertext at all')), FormatError);
  });
});
