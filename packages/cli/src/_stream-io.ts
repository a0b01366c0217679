/**
 * Input and output of the data-path commands, in constant memory:
 *
 * - input: a file, or stdin for `-` (and when no file is named and stdin is not a terminal);
 * - output: a file, written to a temporary file beside it and renamed into place only when the
 *   whole operation succeeded (a failed or interrupted decryption leaves no partial file, and an
 *   existing file is replaced only by a complete result); or stdout for `-`, where a failure
 *   after the first bytes can only be reported (the caller warns);
 * - `ByteReader`: exact reads of a header from an input, then the rest as a stream.
 */
import { randomBytes } from 'node:crypto';
import { open, rename, unlink, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { addAbortSignal, type Readable } from 'node:stream';
import { CliError, Exit, FileError, UsageError } from './_errors.ts';

/** What the engines read: pieces of bytes, sync or async. */
export type Source = AsyncIterable<Uint8Array> | Iterable<Uint8Array>;

/** Bytes per read from a file, and the write batch size. */
export const IO_CHUNK = 1 << 20;

export interface Input {
  /** The file name as given, or `stdin`. */
  readonly name: string;
  /** Size in bytes when the input is a regular file. */
  readonly size: number | undefined;
  readonly source: AsyncIterable<Uint8Array>;
  /** Closes a file input (stdin stays open). Never throws. */
  close(): void;
}

export interface InputContext {
  readonly stdin: NodeJS.ReadableStream;
  readonly cwd: string;
  readonly signal: AbortSignal;
}

function fileProblem(error: unknown, verb: string, name: string): never {
  const code = (error as NodeJS.ErrnoException).code;
  const why =
    code === 'ENOENT'
      ? 'no such file or directory'
      : code === 'EACCES' || code === 'EPERM'
        ? 'permission denied'
        : code === 'EISDIR'
          ? 'is a directory'
          : code === 'ENOTDIR'
            ? 'a parent is not a directory'
            : code === 'ENOSPC'
              ? 'no space left on the device'
              : error instanceof Error
                ? error.message
                : 'I/O error';
  throw new FileError(`cannot ${verb} ${name}: ${why}`, { cause: error });
}

function isTty(stream: unknown): boolean {
  return (stream as { isTTY?: boolean }).isTTY === true;
}

/** Re-throws a read error of the input as a FileError (or an interruption). */
async function* guarded(
  readable: AsyncIterable<Uint8Array>,
  name: string,
  signal: AbortSignal,
): AsyncGenerator<Uint8Array, void, undefined> {
  try {
    for await (const piece of readable) yield piece;
  } catch (error) {
    if (signal.aborted) throw new CliError(Exit.interrupted, 'interrupted');
    fileProblem(error, 'read', name);
  }
}

/**
 * Opens the input: `-` (or nothing, when stdin is not a terminal) is stdin.
 * @throws UsageError when nothing is named and stdin is a terminal; FileError when the file
 *   cannot be opened or is a directory.
 */
export async function openInput(path: string | undefined, ctx: InputContext): Promise<Input> {
  if (path === undefined || path === '-') {
    if (path === undefined && isTty(ctx.stdin))
      throw new UsageError(
        'no input: name a FILE, or pipe data to stdin (use - to read a terminal)',
      );
    const readable = ctx.stdin as unknown as Readable;
    if (typeof readable.destroy === 'function') addAbortSignal(ctx.signal, readable);
    return {
      name: 'stdin',
      size: undefined,
      source: guarded(readable, 'stdin', ctx.signal),
      close() {},
    };
  }
  let handle: FileHandle;
  try {
    handle = await open(resolve(ctx.cwd, path), 'r');
  } catch (error) {
    return fileProblem(error, 'read', path);
  }
  const stat = await handle.stat();
  if (stat.isDirectory()) {
    await handle.close();
    throw new FileError(`cannot read ${path}: is a directory`);
  }
  const readable = handle.createReadStream({ highWaterMark: IO_CHUNK });
  addAbortSignal(ctx.signal, readable);
  return {
    name: path,
    size: stat.isFile() ? stat.size : undefined,
    source: guarded(readable, path, ctx.signal),
    close() {
      readable.destroy();
    },
  };
}

export interface Output {
  /** The file name as given, or `stdout`. */
  readonly name: string;
  readonly toStdout: boolean;
  /** Bytes written so far. */
  readonly bytes: number;
  /** Queues `piece` (not copied: the caller must not reuse it) and writes in batches. */
  write(piece: Uint8Array): Promise<void>;
  /** Writes what is queued and puts the file in place. */
  commit(): Promise<void>;
  /** Drops the temporary file (nothing to do on stdout). Never throws. */
  abort(): Promise<void>;
}

export interface OutputContext {
  readonly stdout: NodeJS.WritableStream;
  readonly cwd: string;
}

export interface OutputOptions {
  /** The data is ciphertext: refuse to print it on a terminal. */
  readonly binary: boolean;
  /** Create the file readable by its owner only (decrypted data). */
  readonly private: boolean;
}

/**
 * Opens the output: `-` or nothing is stdout.
 * @throws UsageError for binary data to a terminal; FileError when the folder is not writable.
 */
export async function openOutput(
  path: string | undefined,
  ctx: OutputContext,
  options: OutputOptions,
): Promise<Output> {
  if (path === undefined || path === '-') {
    if (options.binary && isTty(ctx.stdout))
      throw new UsageError('refusing to write encrypted data to a terminal: use -o FILE or a pipe');
    return stdoutOutput(ctx.stdout);
  }
  const target = resolve(ctx.cwd, path);
  const temp = join(dirname(target), `.${basename(target)}.${randomBytes(6).toString('hex')}.part`);
  let handle: FileHandle;
  try {
    handle = await open(temp, 'wx', options.private ? 0o600 : 0o666);
  } catch (error) {
    return fileProblem(error, 'write', path);
  }
  return fileOutput(path, target, temp, handle);
}

function fileOutput(name: string, target: string, temp: string, handle: FileHandle): Output {
  let queue: Uint8Array[] = [];
  let queued = 0;
  let bytes = 0;
  let closed = false;
  const flush = async (): Promise<void> => {
    if (queue.length === 0) return;
    const batch = queue;
    queue = [];
    queued = 0;
    try {
      await handle.writev(batch);
    } catch (error) {
      fileProblem(error, 'write', name);
    }
  };
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    await handle.close();
  };
  return {
    name,
    toStdout: false,
    get bytes() {
      return bytes;
    },
    async write(piece) {
      queue.push(piece);
      queued += piece.length;
      bytes += piece.length;
      if (queued >= IO_CHUNK || queue.length >= 256) await flush();
    },
    async commit() {
      await flush();
      await close();
      try {
        await rename(temp, target);
      } catch (error) {
        await unlink(temp).catch(() => undefined);
        fileProblem(error, 'write', name);
      }
    },
    async abort() {
      queue = [];
      await close().catch(() => undefined);
      await unlink(temp).catch(() => undefined);
    },
  };
}

function stdoutOutput(stream: NodeJS.WritableStream): Output {
  let bytes = 0;
  let failure: unknown;
  // Settles once the last piece written was handed to the system (writes complete in order).
  let lastWrite: Promise<void> = Promise.resolve();
  const onError = (error: unknown): void => {
    failure ??= error;
  };
  stream.on('error', onError);
  const check = (): void => {
    if (failure === undefined) return;
    const code = (failure as NodeJS.ErrnoException).code;
    throw new FileError(
      code === 'EPIPE'
        ? 'stdout was closed before the end of the output'
        : `cannot write stdout: ${failure instanceof Error ? failure.message : 'error'}`,
      { cause: failure },
    );
  };
  const drain = (): Promise<void> =>
    new Promise((done) => {
      const finish = (): void => {
        stream.off('drain', finish);
        stream.off('error', finish);
        stream.off('close', finish);
        done();
      };
      stream.on('drain', finish);
      stream.on('error', finish);
      stream.on('close', finish);
    });
  return {
    name: 'stdout',
    toStdout: true,
    get bytes() {
      return bytes;
    },
    async write(piece) {
      check();
      bytes += piece.length;
      let settle: () => void = () => undefined;
      lastWrite = new Promise<void>((resolve) => {
        settle = resolve;
      });
      if (
        !stream.write(piece, () => {
          settle();
        })
      )
        await drain();
      check();
    },
    async commit() {
      // Wait until everything reached the pipe, so that a late error is still reported.
      await lastWrite;
      check();
      stream.off('error', onError);
    },
    abort() {
      stream.off('error', onError);
      return Promise.resolve();
    },
  };
}

/**
 * Exact reads from an input (to parse a header), then the rest of it as a stream. Holds at most
 * one input piece beyond what was asked.
 */
export class ByteReader {
  readonly #iterator: AsyncIterator<Uint8Array>;
  #held: Uint8Array = new Uint8Array(0);
  #done = false;

  constructor(source: Source) {
    if (Symbol.asyncIterator in source) this.#iterator = source[Symbol.asyncIterator]();
    else {
      const sync = source[Symbol.iterator]();
      this.#iterator = { next: () => Promise.resolve(sync.next()) };
    }
  }

  /** Exactly `n` bytes, or fewer when the input ends first. */
  async read(n: number): Promise<Uint8Array> {
    const parts: Uint8Array[] = [];
    let have = 0;
    while (have < n) {
      if (this.#held.length === 0) {
        if (this.#done) break;
        const next = await this.#iterator.next();
        if (next.done === true) {
          this.#done = true;
          break;
        }
        this.#held = next.value;
        continue;
      }
      const take = Math.min(n - have, this.#held.length);
      parts.push(this.#held.subarray(0, take));
      this.#held = this.#held.subarray(take);
      have += take;
    }
    if (parts.length === 1) return (parts[0] as Uint8Array).slice();
    const out = new Uint8Array(have);
    let at = 0;
    for (const p of parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }

  /** True when no byte is left. */
  async atEnd(): Promise<boolean> {
    if (this.#held.length > 0) return false;
    while (!this.#done) {
      const next = await this.#iterator.next();
      if (next.done === true) this.#done = true;
      else if (next.value.length > 0) {
        this.#held = next.value;
        return false;
      }
    }
    return true;
  }

  /** What is left, as a stream (use once, after the last `read`). */
  async *rest(): AsyncGenerator<Uint8Array, void, undefined> {
    if (this.#held.length > 0) {
      const held = this.#held;
      this.#held = new Uint8Array(0);
      yield held;
    }
    while (!this.#done) {
      const next = await this.#iterator.next();
      if (next.done === true) this.#done = true;
      else yield next.value;
    }
  }

  /** Stops reading the input (closes a file). */
  async close(): Promise<void> {
    this.#done = true;
    await this.#iterator.return?.();
  }
}

/**
 * Writes every piece of `pieces` to `output`, then commits it; on any failure aborts it (the
 * temporary file goes) and rethrows.
 */
export async function pump(
  pieces: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  output: Output,
): Promise<void> {
  try {
    for await (const piece of pieces) await output.write(piece);
    await output.commit();
  } catch (error) {
    await output.abort();
    throw error;
  }
}

/** Counts the bytes of `source` as they pass (for progress). */
export async function* counted(
  source: Source,
  add: (n: number) => void,
): AsyncGenerator<Uint8Array, void, undefined> {
  for await (const piece of source) {
    add(piece.length);
    yield piece;
  }
}
