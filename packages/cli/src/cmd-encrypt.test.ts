/**
 * `custos sym|rsa|ec|pqc|cc|fpe encrypt|decrypt` end to end against a real `custos serve` child
 * process (SQLite; and PostgreSQL for the round trips): every command's round trip, files and
 * pipes, local and server-side, and every error path — non-zero exit, readable message, no
 * output file left behind. The CLI runs in this process through `main()` with its own standard
 * streams (the process-level paths, 1 GiB pipes and memory, are in `_stream-pipe.test.ts`).
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { KmsClient } from '@custos/client';
import { provider } from '@custos/crypto';
import { closedPort, dropSchema, postgresSkipReason, serve, type Served } from './_test/cli.ts';
import { main } from './main.ts';

interface Ran {
  code: number;
  stdout: Buffer;
  stderr: string;
}

const work = mkdtempSync(join(tmpdir(), 'custos-data-cmds-'));
after(() => {
  rmSync(work, { recursive: true, force: true });
});

/** Runs `custos ...args` in this process against `url`, in `cwd`, with `stdin`. */
async function custos(
  url: string,
  args: readonly string[],
  stdin?: Uint8Array,
  cwd = work,
): Promise<Ran> {
  const out: Buffer[] = [];
  let err = '';
  const code = await main(args, {
    stdin: Readable.from(stdin === undefined ? [] : [Buffer.from(stdin)]),
    stdout: new Writable({
      write(c: Buffer, _e, done) {
        out.push(Buffer.from(c));
        done();
      },
    }),
    stderr: new Writable({
      write(c: Buffer, _e, done) {
        err += c.toString();
        done();
      },
    }),
    env: { CUSTOS_KMS_URL: url, HOME: work },
    cwd,
  });
  return { code, stdout: Buffer.concat(out), stderr: err };
}

function ok(r: Ran, what: string): Ran {
  assert.equal(r.code, 0, `${what}: exit ${r.code}: ${r.stderr}`);
  return r;
}

/** A fresh folder per case, to see exactly which files a run leaves. */
function folder(): string {
  const d = join(work, randomUUID());
  mkdirSync(d);
  return d;
}

const STRUCTURE = {
  'Security Level::<': ['Protected', 'Confidential', 'Top Secret::+'],
  Department: ['HR', 'FIN'],
};

interface Keys {
  aes: string;
  chacha: string;
  pairs: Record<string, { privateKeyId: string; publicKeyId: string }>;
  ccPublic: string;
  ccHr: string;
  ccFin: string;
  fpe: string;
}

async function createKeys(kms: KmsClient, families: readonly string[]): Promise<Keys> {
  const pairs: Keys['pairs'] = {};
  for (const algorithm of families)
    pairs[algorithm] = await kms.createKeyPair({
      algorithm: algorithm as 'rsa',
      ...(algorithm === 'rsa' ? { bits: 2048 } : {}),
    });
  const cc = await kms.createCovercryptMasterKeyPair(STRUCTURE);
  return {
    aes: await kms.createSymmetricKey(),
    chacha: await kms.createSymmetricKey({ algorithm: 'chacha20' }),
    pairs,
    ccPublic: cc.publicKeyId,
    ccHr: await kms.createCovercryptUserKey(
      cc.privateKeyId,
      'Department::HR && Security Level::Confidential',
    ),
    ccFin: await kms.createCovercryptUserKey(
      cc.privateKeyId,
      'Department::FIN && Security Level::Top Secret',
    ),
    fpe: await kms.createFpeKey(),
  };
}

const FAMILY: Readonly<Record<string, string>> = {
  rsa: 'rsa',
  p256: 'ec',
  x25519: 'ec',
  'ml-kem-512': 'pqc',
  'ml-kem-768': 'pqc',
  'ml-kem-1024': 'pqc',
  'x-wing': 'pqc',
};

/** Round trips of every command against the server at `url`. */
function roundTrips(label: string, setup: () => Promise<{ url: string; keys: Keys }>): void {
  void describe(`data commands, round trips (${label})`, () => {
    let url: string;
    let keys: Keys;
    before(async () => {
      ({ url, keys } = await setup());
    });

    void it('sym: local, files and pipes, sizes around the chunk boundary, AES and ChaCha20', async () => {
      for (const [key, size] of [
        [keys.aes, 0],
        [keys.aes, 1],
        [keys.aes, 1 << 20],
        [keys.chacha, (3 << 20) + 7],
      ] as const) {
        const data = provider.random.bytes(size);
        const d = folder();
        writeFileSync(join(d, 'in.bin'), data);
        ok(
          await custos(
            url,
            ['sym', 'encrypt', '--key-id', key, 'in.bin', '-o', 'in.enc'],
            undefined,
            d,
          ),
          'encrypt',
        );
        const enc = readFileSync(join(d, 'in.enc'));
        assert.equal(enc.subarray(0, 4).toString(), 'CSTF');
        // No key id needed: the file names its key.
        ok(
          await custos(url, ['sym', 'decrypt', 'in.enc', '-o', 'out.bin'], undefined, d),
          'decrypt',
        );
        assert.deepEqual(readFileSync(join(d, 'out.bin')), Buffer.from(data));
        const piped = ok(await custos(url, ['sym', 'decrypt', '-'], enc, d), 'decrypt stdin');
        assert.deepEqual(piped.stdout, Buffer.from(data));
        assert.deepEqual(readdirSync(d).sort(), ['in.bin', 'in.enc', 'out.bin']);
      }
      const viaPipe = ok(
        await custos(url, ['sym', 'encrypt', '-k', keys.aes], Buffer.from('from stdin')),
        'stdin',
      );
      const back = ok(
        await custos(url, ['sym', 'decrypt', '-k', keys.aes], viaPipe.stdout),
        'back',
      );
      assert.equal(back.stdout.toString(), 'from stdin');
    });

    void it('sym --server-side: chunked through the KMS, any chunk size', async () => {
      const data = provider.random.bytes(5000);
      for (const chunk of ['1000', '4096']) {
        const enc = ok(
          await custos(
            url,
            ['sym', 'encrypt', '-k', keys.aes, '--server-side', '--chunk-size', chunk, '-'],
            data,
          ),
          'encrypt',
        );
        assert.equal(enc.stdout[5], 0x02);
        const dec = ok(await custos(url, ['sym', 'decrypt', '-'], enc.stdout), 'decrypt');
        assert.deepEqual(dec.stdout, Buffer.from(data));
      }
      const empty = ok(
        await custos(url, ['sym', 'encrypt', '-k', keys.aes, '--server-side'], new Uint8Array(0)),
        'empty',
      );
      assert.equal(
        ok(await custos(url, ['sym', 'decrypt'], empty.stdout), 'empty back').stdout.length,
        0,
      );
    });

    void it('rsa, ec, pqc: the KMS unwraps, or --local; the linked private key by default', async () => {
      const data = provider.random.bytes(200_000);
      for (const [algorithm, pair] of Object.entries(keys.pairs)) {
        const family = FAMILY[algorithm] as string;
        const d = folder();
        writeFileSync(join(d, 'in.bin'), data);
        ok(
          await custos(
            url,
            [family, 'encrypt', '-k', pair.publicKeyId, 'in.bin', '-o', 'in.enc'],
            undefined,
            d,
          ),
          `${algorithm} encrypt`,
        );
        const enc = readFileSync(join(d, 'in.enc'));
        const server = ok(
          await custos(url, [family, 'decrypt', '-'], enc, d),
          `${algorithm} decrypt`,
        );
        assert.deepEqual(server.stdout, Buffer.from(data), algorithm);
        const local = ok(
          await custos(
            url,
            [family, 'decrypt', '--local', '-k', pair.privateKeyId, 'in.enc', '-o', 'out.bin'],
            undefined,
            d,
          ),
          `${algorithm} --local`,
        );
        assert.equal(local.stdout.toString().trim().startsWith('decrypted in.enc → out.bin'), true);
        assert.deepEqual(readFileSync(join(d, 'out.bin')), Buffer.from(data), algorithm);
      }
    });

    void it('cc: local stream and server-side one-shot, read by either side', async () => {
      const data = provider.random.bytes(300_000);
      const policy = 'Department::HR && Security Level::Protected';
      const stream = ok(
        await custos(url, ['cc', 'encrypt', '-k', keys.ccPublic, '-p', policy], data),
        'encrypt',
      );
      assert.equal(stream.stdout.subarray(0, 4).toString(), 'CVCS');
      assert.deepEqual(
        ok(await custos(url, ['cc', 'decrypt', '-k', keys.ccHr], stream.stdout), 'decrypt').stdout,
        Buffer.from(data),
      );
      const oneShot = ok(
        await custos(
          url,
          ['cc', 'encrypt', '--server-side', '-k', keys.ccPublic, '-p', policy],
          data,
        ),
        'server encrypt',
      );
      assert.equal(oneShot.stdout.subarray(0, 4).toString(), 'CVCE');
      for (const extra of [[], ['--server-side']])
        assert.deepEqual(
          ok(
            await custos(url, ['cc', 'decrypt', ...extra, '-k', keys.ccHr], oneShot.stdout),
            `decrypt ${extra.join('')}`,
          ).stdout,
          Buffer.from(data),
        );
    });

    void it('fpe: values, lines of a file, typed formats, tweaks', async () => {
      const cards = ok(
        await custos(url, [
          'fpe',
          'encrypt',
          '-k',
          keys.fpe,
          '-t',
          'card',
          '4111 1111 1111 1111',
          '5500-0000-0000-0004',
        ]),
        'cards',
      );
      const [c1, c2] = cards.stdout.toString().trim().split('\n') as [string, string];
      assert.match(c1, /^4111 11\d\d \d{4} \d{4}$/);
      assert.match(c2, /^5500-00\d\d-\d{4}-\d{4}$/);
      const back = ok(
        await custos(url, ['fpe', 'decrypt', '-k', keys.fpe, '-t', 'card', c1, c2]),
        'cards back',
      );
      assert.equal(back.stdout.toString(), '4111 1111 1111 1111\n5500-0000-0000-0004\n');
      const d = folder();
      const lines = Array.from({ length: 1200 }, (_, i) =>
        i % 100 === 7 ? '' : `user${i}@example.com`,
      );
      writeFileSync(join(d, 'emails.txt'), `${lines.join('\r\n')}\r\n`);
      ok(
        await custos(
          url,
          [
            'fpe',
            'encrypt',
            '-k',
            keys.fpe,
            '--tweak',
            'emails',
            '-i',
            'emails.txt',
            '-o',
            'emails.enc',
          ],
          undefined,
          d,
        ),
        'lines',
      );
      const enc = readFileSync(join(d, 'emails.enc'), 'utf8').split('\r\n');
      assert.equal(enc.length, 1201);
      assert.equal(enc[7], '');
      assert.match(enc[0] as string, /^[a-zA-Z0-9]{5}@[a-zA-Z0-9]{7}\.[a-zA-Z0-9]{3}$/);
      assert.notEqual(enc[0], 'user0@example.com');
      const dec = ok(
        await custos(
          url,
          ['fpe', 'decrypt', '-k', keys.fpe, '--tweak', 'emails', '-'],
          readFileSync(join(d, 'emails.enc')),
          d,
        ),
        'lines back',
      );
      assert.equal(dec.stdout.toString(), `${lines.join('\r\n')}\r\n`);
      const other = ok(
        await custos(url, [
          'fpe',
          'decrypt',
          '-k',
          keys.fpe,
          '--tweak-hex',
          '00',
          enc[0] as string,
        ]),
        'other tweak',
      );
      assert.notEqual(other.stdout.toString().trim(), 'user0@example.com');
      const big = ok(
        await custos(url, [
          '--json',
          'fpe',
          'encrypt',
          '-k',
          keys.fpe,
          '-t',
          'bigint',
          '--set',
          'digits=20',
          '12345678901234567890',
        ]),
        'bigint',
      );
      const [value] = (JSON.parse(big.stdout.toString()) as { values: string[] }).values;
      assert.match(value as string, /^\d{1,20}$/);
    });
  });
}

let sqlite: Served;
let sqliteKeys: Keys;
const ready = (async () => {
  sqlite = await serve();
  const kms = new KmsClient({ url: sqlite.url });
  sqliteKeys = await createKeys(kms, Object.keys(FAMILY));
  await kms.close();
  return { url: sqlite.url, keys: sqliteKeys };
})();
after(async () => {
  await ready.catch(() => undefined);
  await sqlite.stop();
});

roundTrips('SQLite', () => ready);

void describe('data commands, every error path (SQLite)', () => {
  let url: string;
  let keys: Keys;
  let kms: KmsClient;
  before(async () => {
    ({ url, keys } = await ready);
    kms = new KmsClient({ url });
  });
  after(async () => {
    await kms.close();
  });

  /** Runs a failing command in a fresh folder holding `files`; checks exit, message, no output. */
  async function fails(
    args: readonly string[],
    code: number,
    message: RegExp,
    files: Record<string, Uint8Array> = {},
    stdin?: Uint8Array,
  ): Promise<Ran> {
    const d = folder();
    for (const [name, bytes] of Object.entries(files)) writeFileSync(join(d, name), bytes);
    const r = await custos(url, args, stdin, d);
    assert.equal(r.code, code, `${args.join(' ')}: exit ${r.code}, ${r.stderr}`);
    assert.match(r.stderr, /^custos: /, args.join(' '));
    assert.match(r.stderr, message, args.join(' '));
    assert.deepEqual(
      readdirSync(d).sort(),
      Object.keys(files).sort(),
      `${args.join(' ')}: files left`,
    );
    return r;
  }

  const data = provider.random.bytes((2 << 20) + 100);
  let enc: Uint8Array;
  let kmsEnc: Uint8Array;
  before(async () => {
    enc = ok(await custos(url, ['sym', 'encrypt', '-k', keys.aes], data), 'encrypt').stdout;
    kmsEnc = ok(
      await custos(
        url,
        ['sym', 'encrypt', '-k', keys.aes, '--server-side', '--chunk-size', '65536'],
        data.subarray(0, 200_000),
      ),
      'kms',
    ).stdout;
  });
  const flip = (b: Uint8Array, at: number): Uint8Array => {
    const c = Uint8Array.from(b);
    c[at] = (c[at] as number) ^ 1;
    return c;
  };

  void it('missing key, wrong key, wrong kind of key, key not usable', async () => {
    await fails(['sym', 'encrypt', '-k', 'no-such-key', 'in', '-o', 'out'], 3, /not found/, {
      in: data,
    });
    await fails(['sym', 'decrypt', '-k', 'no-such-key', 'in', '-o', 'out'], 3, /not found/, {
      in: enc,
    });
    await fails(
      ['sym', 'decrypt', '-k', keys.chacha, 'in', '-o', 'out'],
      1,
      /decryption failed: the data was altered or truncated, or was not encrypted under this key/,
      { in: enc },
    );
    await fails(
      ['sym', 'encrypt', '-k', keys.fpe, 'in', '-o', 'out'],
      5,
      /FPE key: use custos fpe encrypt/,
      { in: data },
    );
    const pair = keys.pairs['p256'] as { privateKeyId: string; publicKeyId: string };
    await fails(
      ['sym', 'encrypt', '-k', pair.publicKeyId, 'in', '-o', 'out'],
      5,
      /not a symmetric key/,
      { in: data },
    );
    await fails(
      ['ec', 'encrypt', '-k', pair.privateKeyId, 'in', '-o', 'out'],
      5,
      /is a private key: encrypt with its public key/,
      { in: data },
    );
    const rsa = keys.pairs['rsa'] as { publicKeyId: string };
    await fails(
      ['ec', 'encrypt', '-k', rsa.publicKeyId, 'in', '-o', 'out'],
      5,
      /rsa-oaep-sha256 key: use custos rsa/,
      { in: data },
    );
    const small = await kms.createSymmetricKey({ bits: 128 });
    await fails(
      ['sym', 'encrypt', '-k', small, 'in', '-o', 'out'],
      5,
      /128 bits: local streaming takes 256-bit keys \(use --server-side\)/,
      { in: data },
    );
    const revoked = await kms.createSymmetricKey();
    await kms.revoke(revoked);
    await fails(
      ['sym', 'encrypt', '-k', revoked, 'in', '-o', 'out'],
      5,
      /Deactivated: only an Active key encrypts/,
      { in: data },
    );
    const sensitive = await kms.createSymmetricKey({ sensitive: true });
    await fails(['sym', 'encrypt', '-k', sensitive, 'in', '-o', 'out'], 4, /use --server-side/, {
      in: data,
    });
    await fails(
      ['cc', 'encrypt', '-k', keys.ccHr, '-p', 'Department::HR', 'in', '-o', 'out'],
      5,
      /not a Covercrypt master public key/,
      { in: data },
    );
    await fails(
      ['cc', 'encrypt', '-k', keys.ccPublic, '-p', 'Department::Sales', 'in', '-o', 'out'],
      5,
      /encryption policy: .*Sales/,
      { in: data },
    );
  });

  void it('tampered, truncated, extended or foreign input', async () => {
    const cases: [string, Uint8Array, number, RegExp][] = [
      ['tampered chunk', flip(enc, 1 << 20), 1, /decryption failed/],
      ['tampered header', flip(enc, 9), 1, /decryption failed/],
      ['tampered stream salt', flip(enc, 40), 1, /decryption failed/],
      ['truncated mid-chunk', enc.subarray(0, enc.length - 100), 1, /decryption failed/],
      [
        'truncated at a chunk boundary',
        enc.subarray(0, 10 + keys.aes.length + 49 + (1 << 20) + 16),
        1,
        /decryption failed/,
      ],
      ['extended by a byte', new Uint8Array([...enc, 1]), 1, /decryption failed/],
      ['empty', new Uint8Array(0), 7, /not a Custos encrypted file/],
      [
        'plain text',
        new TextEncoder().encode('hello, not encrypted'),
        7,
        /not a Custos encrypted file/,
      ],
      ['server-side: tampered record', flip(kmsEnc, 200), 1, /decryption failed/],
      ['server-side: truncated', kmsEnc.subarray(0, kmsEnc.length - 1), 1, /decryption failed/],
      [
        'server-side: last record dropped',
        kmsEnc.subarray(0, kmsEnc.length - (200_000 % 65536) - 33),
        1,
        /decryption failed/,
      ],
    ];
    for (const [name, bytes, code, message] of cases) {
      const r = await fails(['sym', 'decrypt', '-k', keys.aes, 'in', '-o', 'out'], code, message, {
        in: bytes,
      });
      assert.doesNotMatch(r.stderr, /discard/, name);
    }
    // On stdout, chunks verified before the failure are out already: the run says to discard them.
    const r = await fails(
      ['sym', 'decrypt', '-k', keys.aes, '-'],
      1,
      /discard it/,
      {},
      enc.subarray(0, enc.length - 100),
    );
    assert.ok(r.stdout.length > 0);
  });

  void it('hybrid: altered wrapped key, wrong private key, wrong command', async () => {
    const pair = keys.pairs['x25519'] as { privateKeyId: string; publicKeyId: string };
    const other = keys.pairs['p256'] as { privateKeyId: string; publicKeyId: string };
    const h = ok(
      await custos(url, ['ec', 'encrypt', '-k', pair.publicKeyId], data.subarray(0, 5000)),
      'encrypt',
    ).stdout;
    const keyEnd = 10 + pair.publicKeyId.length + 80; // x25519 HPKE: enc 32, key 32, tag 16
    await fails(['ec', 'decrypt', 'in', '-o', 'out'], 1, /does not unwrap with private key/, {
      in: flip(h, keyEnd - 1),
    });
    await fails(['ec', 'decrypt', '--local', 'in', '-o', 'out'], 1, /decryption failed/, {
      in: flip(h, keyEnd - 1),
    });
    await fails(
      ['ec', 'decrypt', '--local', '-k', other.privateKeyId, 'in', '-o', 'out'],
      5,
      /hpke-p256 key, the data needs a hpke-x25519 key/,
      { in: h },
    );
    await fails(
      ['ec', 'decrypt', '-k', other.privateKeyId, 'in', '-o', 'out'],
      1,
      /does not unwrap/,
      { in: h },
    );
    await fails(['rsa', 'decrypt', 'in', '-o', 'out'], 2, /use custos ec decrypt/, { in: h });
    await fails(['sym', 'decrypt', 'in', '-o', 'out'], 2, /use custos ec decrypt/, { in: h });
    await fails(['ec', 'decrypt', 'in', '-o', 'out'], 2, /use custos sym decrypt/, { in: enc });
  });

  void it('Covercrypt: not authorized has its own exit status, locally and on the server', async () => {
    const policy = 'Department::HR && Security Level::Protected';
    const stream = ok(
      await custos(
        url,
        ['cc', 'encrypt', '-k', keys.ccPublic, '-p', policy],
        data.subarray(0, 9000),
      ),
      'encrypt',
    ).stdout;
    const oneShot = ok(
      await custos(
        url,
        ['cc', 'encrypt', '--server-side', '-k', keys.ccPublic, '-p', policy],
        data.subarray(0, 9000),
      ),
      'encrypt',
    ).stdout;
    const denied = /not authorized: the access policy of user key \S+ does not cover/;
    await fails(['cc', 'decrypt', '-k', keys.ccFin, 'in', '-o', 'out'], 8, denied, { in: stream });
    await fails(['cc', 'decrypt', '-k', keys.ccFin, 'in', '-o', 'out'], 8, denied, { in: oneShot });
    await fails(
      ['cc', 'decrypt', '--server-side', '-k', keys.ccFin, 'in', '-o', 'out'],
      8,
      denied,
      { in: oneShot },
    );
    await fails(['cc', 'decrypt', '-k', keys.ccHr, 'in', '-o', 'out'], 1, /decryption failed/, {
      in: flip(stream, stream.length - 20),
    });
    await fails(
      ['cc', 'decrypt', '-k', keys.ccHr, 'in', '-o', 'out'],
      7,
      /not Covercrypt encrypted data/,
      { in: enc },
    );
    await fails(
      ['cc', 'decrypt', '--server-side', '-k', keys.ccHr, 'in', '-o', 'out'],
      2,
      /one-shot Covercrypt ciphertexts only/,
      { in: stream },
    );
    await fails(
      ['cc', 'encrypt', '--server-side', '-k', keys.ccPublic, '-p', policy, 'in', '-o', 'out'],
      7,
      /larger than 4 MiB/,
      { in: new Uint8Array((4 << 20) + 1) },
    );
    await fails(
      ['cc', 'decrypt', '-k', keys.ccHr, '--authority', '00'.repeat(32), 'in', '-o', 'out'],
      1,
      /does not verify against its authority/,
      { in: stream },
    );
  });

  void it('FPE: a refused value names its line; nothing is written', async () => {
    await fails(
      ['fpe', 'encrypt', '-k', keys.fpe, '-a', 'numeric', '-i', 'in', '-o', 'out'],
      5,
      /^custos: line 3: .*numerals/,
      {
        in: new TextEncoder().encode('123456\n234567\n12\n345678\n'),
      },
    );
    await fails(['fpe', 'encrypt', '-k', keys.aes, 'abcdef'], 5, /is not an FPE key/);
    await fails(
      ['fpe', 'encrypt', '-k', keys.fpe, '--format', 'numeric', '-t', 'card', '1'],
      2,
      /--format replaces/,
    );
  });

  void it('unreadable input, unwritable output, bad command lines, server down', async () => {
    await fails(
      ['sym', 'encrypt', '-k', keys.aes, 'missing.bin', '-o', 'out'],
      7,
      /cannot read missing\.bin: no such file or directory/,
    );
    const d = folder();
    mkdirSync(join(d, 'sub'));
    const r = await custos(url, ['sym', 'decrypt', 'sub', '-o', 'out'], undefined, d);
    assert.equal(r.code, 7);
    assert.match(r.stderr, /cannot read sub: is a directory/);
    await fails(
      ['sym', 'encrypt', '-k', keys.aes, 'in', '-o', 'no/dir/out'],
      7,
      /cannot write no\/dir\/out: no such file or directory/,
      { in: data },
    );
    await fails(
      ['--json', 'sym', 'encrypt', '-k', keys.aes, 'in'],
      2,
      /--json prints a report on stdout/,
      { in: data },
    );
    await fails(
      ['sym', 'encrypt', '-k', keys.aes, 'in', '-i', 'in'],
      2,
      /either as FILE or with --input/,
      { in: data },
    );
    await fails(['sym', 'encrypt', 'in'], 2, /missing option --key-id/, { in: data });
    await fails(
      ['sym', 'encrypt', '-k', keys.aes, '--chunk-size', '100', 'in'],
      2,
      /--chunk-size goes with --server-side/,
      { in: data },
    );
    await fails(
      ['cc', 'decrypt', '-k', keys.ccHr, '--authority', 'xyz', 'in'],
      2,
      /--authority must be 64 hexadecimal digits/,
      { in: data },
    );
    const down = `http://127.0.0.1:${await closedPort()}`;
    const d2 = folder();
    writeFileSync(join(d2, 'in'), enc);
    const r2 = await custos(down, ['sym', 'decrypt', 'in', '-o', 'out'], undefined, d2);
    assert.equal(r2.code, 6, r2.stderr);
    assert.match(r2.stderr, /cannot reach the server: connection refused/);
    assert.deepEqual(readdirSync(d2), ['in']);
  });

  void it('reports with --json when writing a file', async () => {
    const d = folder();
    writeFileSync(join(d, 'in'), data.subarray(0, 10));
    const r = ok(
      await custos(
        url,
        ['--json', 'sym', 'encrypt', '-k', keys.aes, 'in', '-o', 'out'],
        undefined,
        d,
      ),
      'json',
    );
    const report = JSON.parse(r.stdout.toString()) as Record<string, unknown>;
    assert.deepEqual(report, {
      input: 'in',
      output: 'out',
      bytes: 10 + keys.aes.length + 49 + 10 + 16,
      keyId: keys.aes,
      mode: 'local',
    });
    assert.ok(existsSync(join(d, 'out')));
  });
});

// One PostgreSQL pass over the round trips (a server on a unique schema, dropped after).
const pgSkip = await postgresSkipReason();
if (pgSkip !== undefined) {
  void it('PostgreSQL round trips', { skip: pgSkip }, () => undefined);
} else {
  const schema = `cli_data_${process.pid}_${randomUUID().replace(/-/g, '').slice(0, 8)}`;
  let pg: Served | undefined;
  const pgReady = (async () => {
    await ready;
    pg = await serve({ postgres: { schema } });
    const kms = new KmsClient({ url: pg.url });
    const keys = await createKeys(kms, ['rsa', 'x25519', 'ml-kem-768']);
    await kms.close();
    return { url: pg.url, keys };
  })();
  after(async () => {
    await pgReady.catch(() => undefined);
    await pg?.stop();
    await dropSchema(schema);
  });
  roundTrips('PostgreSQL', () => pgReady);
}
