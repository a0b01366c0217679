/**
 * Input and output of the data commands: no partial file on failure, atomic replacement,
 * readable messages for unreadable inputs and unwritable outputs, backpressure on stdout, exact
 * header reads.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { after, describe, it } from 'node:test';
import { FileError, UsageError } from './_errors.ts';
import { ByteReader, openInput, openOutput, pump } from './_stream-io.ts';

const dir = mkdtempSync(join(tmpdir(), 'custos-stream-io-'));
after(() => {
  rmSync(dir, { recursive: true, force: true });
});

const signal = new AbortController().signal;
const ctx = {
  cwd: dir,
  signal,
  stdin: Readable.from([]),
  stdout: new Writable({
    write: (_c, _e, d) => {
      d();
    },
  }),
};

async function* pieces(...parts: string[]): AsyncGenerator<Uint8Array> {
  for (const p of parts) {
    await Promise.resolve();
    yield new TextEncoder().encode(p);
  }
}

async function collect(source: AsyncIterable<Uint8Array>): Promise<string> {
  let s = '';
  for await (const p of source) s += Buffer.from(p).toString();
  return s;
}

void describe('stream input/output', () => {
  void it('puts a file in place only when complete, replacing the old one atomically', async () => {
    const target = join(dir, 'out.txt');
    writeFileSync(target, 'old');
    const out = await openOutput('out.txt', ctx, { binary: true, private: true });
    await out.write(new TextEncoder().encode('new '));
    assert.equal(readFileSync(target, 'utf8'), 'old', 'not replaced before commit');
    await pump(pieces('content'), out);
    assert.equal(readFileSync(target, 'utf8'), 'new content');
    assert.deepEqual(readdirSync(dir), ['out.txt']);
  });

  void it('removes the temporary file when the data fails, and leaves an old file alone', async () => {
    const target = join(dir, 'kept.txt');
    writeFileSync(target, 'old');
    function* failing(): Generator<Uint8Array> {
      yield new Uint8Array(3 << 20); // flushed to the temporary file
      throw new Error('tag mismatch');
    }
    const out = await openOutput('kept.txt', ctx, { binary: true, private: true });
    await assert.rejects(pump(failing(), out), /tag mismatch/);
    assert.equal(readFileSync(target, 'utf8'), 'old');
    assert.deepEqual(
      readdirSync(dir).filter((f) => f.includes('kept')),
      ['kept.txt'],
    );
    const fresh = await openOutput('fresh.bin', ctx, { binary: true, private: false });
    await assert.rejects(pump(failing(), fresh), /tag mismatch/);
    assert.deepEqual(
      readdirSync(dir).filter((f) => f.includes('fresh')),
      [],
    );
  });

  void it('names the problem with an input or output file', async () => {
    mkdirSync(join(dir, 'folder'), { recursive: true });
    const cases: [() => Promise<unknown>, RegExp][] = [
      [() => openInput('missing.bin', ctx), /cannot read missing\.bin: no such file or directory/],
      [() => openInput('folder', ctx), /cannot read folder: is a directory/],
      [
        () => openOutput('no/such/dir/x', ctx, { binary: true, private: false }),
        /cannot write no\/such\/dir\/x: no such file/,
      ],
    ];
    for (const [fn, message] of cases)
      await assert.rejects(fn(), (e: unknown) => e instanceof FileError && message.test(e.message));
  });

  void it('refuses a terminal where data or input is expected', async () => {
    const tty = Object.assign(
      new Writable({
        write: (_c, _e, d) => {
          d();
        },
      }),
      { isTTY: true },
    );
    await assert.rejects(
      openOutput(undefined, { ...ctx, stdout: tty }, { binary: true, private: false }),
      UsageError,
    );
    // Decrypted text may go to a terminal.
    await openOutput('-', { ...ctx, stdout: tty }, { binary: false, private: false });
    const ttyIn = Object.assign(Readable.from([]), { isTTY: true });
    await assert.rejects(openInput(undefined, { ...ctx, stdin: ttyIn }), UsageError);
    await openInput('-', { ...ctx, stdin: ttyIn });
  });

  void it('waits for a slow stdout (backpressure) and reports a closed pipe', async () => {
    let buffered = 0;
    let maxBuffered = 0;
    const slow = new Writable({
      highWaterMark: 1024,
      write(chunk: Buffer, _e, done) {
        buffered += chunk.length;
        maxBuffered = Math.max(maxBuffered, buffered);
        setTimeout(() => {
          buffered -= chunk.length;
          done();
        }, 1);
      },
    });
    const out = await openOutput('-', { ...ctx, stdout: slow }, { binary: false, private: false });
    function* many(): Generator<Uint8Array> {
      for (let i = 0; i < 50; i++) yield new Uint8Array(4096);
    }
    await pump(many(), out);
    assert.ok(maxBuffered <= 2 * 4096, `at most one piece waits (saw ${maxBuffered})`);
    const broken = new Writable({
      write(_c, _e, done) {
        done(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
      },
    });
    broken.on('error', () => undefined);
    const out2 = await openOutput(
      '-',
      { ...ctx, stdout: broken },
      { binary: false, private: false },
    );
    await assert.rejects(pump(many(), out2), /stdout was closed/);
  });

  void it('reads exact byte counts across pieces, then the rest', async () => {
    const r = new ByteReader(pieces('ab', 'cdef', '', 'g', 'hij'));
    assert.equal(Buffer.from(await r.read(3)).toString(), 'abc');
    assert.equal(Buffer.from(await r.read(0)).toString(), '');
    assert.equal(Buffer.from(await r.read(2)).toString(), 'de');
    assert.equal(await r.atEnd(), false);
    assert.equal(await collect(r.rest()), 'fghij');
    assert.equal(await r.atEnd(), true);
    const short = new ByteReader(pieces('xy'));
    assert.equal((await short.read(5)).length, 2);
    assert.equal((await short.read(5)).length, 0);
    assert.equal(await short.atEnd(), true);
  });

  void it('streams a file input with its size', async () => {
    writeFileSync(join(dir, 'in.txt'), 'hello file');
    const input = await openInput('in.txt', ctx);
    assert.equal(input.size, 10);
    assert.equal(await collect(input.source), 'hello file');
    input.close();
    const stdin = await openInput('-', { ...ctx, stdin: Readable.from([Buffer.from('piped')]) });
    assert.equal(stdin.size, undefined);
    assert.equal(await collect(stdin.source), 'piped');
  });
});
