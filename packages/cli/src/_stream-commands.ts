/**
 * The work of the data-path commands (`cmd-encrypt.ts`, `cmd-decrypt.ts` register them and
 * import this module when one runs): open the input, fetch or check the key, transform the data
 * as a stream, write the output (see `_stream-io.ts` for the no-partial-file rule), report.
 */
import type { KmsClient } from '@custos/client';
import { HashingAlgorithm, PaddingMethod, ResultReason } from '@custos/kmip';
import { flag, int, list, str } from './_args.ts';
import type { CommandArgs, CommandContext } from './_commands.ts';
import { CliError, Exit, UsageError } from './_errors.ts';
import {
  isHybrid,
  KMS_MAX_CHUNK,
  KMS_MIN_CHUNK,
  readHeader,
  type FileHeader,
  type HybridSuite,
} from './_file-format.ts';
import { createProgress, formatBytes, progressWanted, type Progress } from './_progress.ts';
import {
  covercryptKind,
  decryptCovercrypt,
  encryptCovercrypt,
  ONE_SHOT_LIMIT,
  readAll,
} from './_stream-cc.ts';
import { dataError, integrityFailure, notAuthorized } from './_stream-errors.ts';
import { fpeBatch, fpeFormat, fpeLines, lines, FPE_BATCH, type FpeOptions } from './_stream-fpe.ts';
import { DATA_KEY_LENGTH, encryptHybrid, unwrapLocally, wrapperFor } from './_stream-hybrid.ts';
import { ByteReader, counted, openInput, openOutput, pump, type Input } from './_stream-io.ts';
import {
  familyOf,
  fetchCovercryptKey,
  fetchPrivateKey,
  fetchPublicKey,
  fetchSymmetricKey,
  linkedPrivateKey,
  parseAuthority,
  type Family,
} from './_stream-keys.ts';
import {
  decryptThroughKms,
  encryptThroughKms,
  KMS_DEFAULT_CHUNK,
  type ChunkCipher,
} from './_stream-kms.ts';
import { decryptWithHeader, encryptSymmetric } from './_stream-sym.ts';

type Direction = 'encrypt' | 'decrypt';

/** Cosmian's Cryptographic Algorithm value of FF1 keys (the Custos server's too). */
const FPE_FF1 = 0x88800001;

/** Input and output names of a data command (`FILE` or `-i FILE`, and `-o FILE`). */
function names(
  ctx: CommandContext,
  args: CommandArgs,
): { input: string | undefined; output: string | undefined } {
  const positional = args.positionals[0];
  const option = str(args, 'input');
  if (positional !== undefined && option !== undefined)
    throw new UsageError('give the input either as FILE or with --input, not both');
  const output = str(args, 'output');
  if (ctx.out.json && (output === undefined || output === '-'))
    throw new UsageError('--json prints a report on stdout: write the data to a file with -o FILE');
  return { input: positional ?? option, output };
}

interface Transfer {
  readonly progress: Progress;
  /** The input, counted for the progress bar. */
  readonly source: AsyncIterable<Uint8Array>;
}

function startTransfer(
  ctx: CommandContext,
  args: CommandArgs,
  input: Input,
  label: string,
  output: string | undefined,
): Transfer {
  // Not over data printed on the same terminal.
  const toTerminal =
    (output === undefined || output === '-') && (ctx.stdout as { isTTY?: boolean }).isTTY === true;
  const progress = createProgress(
    progressWanted(ctx.stderr, ctx.out.json) && !flag(args, 'no-progress') && !toTerminal,
    {
      stream: ctx.stderr,
      label: `${label} ${input.name}`,
      total: input.size,
    },
  );
  return {
    progress,
    source: counted(input.source, (n) => {
      progress.add(n);
    }),
  };
}

/**
 * Writes `pieces` to the output and reports; on failure the output file is removed (stdout:
 * a warning says the output is unusable) and the error is turned into a CLI error.
 */
async function finish(
  ctx: CommandContext,
  t: Transfer,
  input: Input,
  output: string | undefined,
  direction: Direction,
  pieces: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  report: Record<string, unknown>,
): Promise<void> {
  let out;
  try {
    out = await openOutput(output, ctx, {
      binary: direction === 'encrypt',
      private: direction === 'decrypt',
    });
  } catch (error) {
    t.progress.clear();
    throw error;
  }
  try {
    await pump(pieces, out);
  } catch (error) {
    t.progress.clear();
    if (out.toStdout && out.bytes > 0)
      ctx.out.warn(
        direction === 'decrypt'
          ? 'the data already written to stdout is incomplete or unverified: discard it'
          : 'the data written to stdout is incomplete: discard it',
      );
    throw dataError(error);
  }
  t.progress.done();
  if (out.toStdout) return;
  const result = { input: input.name, output: out.name, bytes: out.bytes, ...report };
  ctx.out.result(
    result,
    (r) => `${direction}ed ${r.input} → ${r.output} (${formatBytes(r.bytes)})`,
  );
}

/** Opens the input, runs `fn` with it, closes it. */
async function withInput(
  ctx: CommandContext,
  name: string | undefined,
  fn: (input: Input) => Promise<void>,
): Promise<void> {
  const input = await openInput(name, ctx);
  try {
    await fn(input);
  } finally {
    input.close();
  }
}

/** Runs `fn`, turning library errors about the data into CLI errors. */
async function guard<T>(fn: () => Promise<T> | T): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw dataError(error);
  }
}

function isCryptographicFailure(error: unknown): boolean {
  const e = error as { name?: unknown; resultReason?: unknown };
  return e.name === 'KmsClientError' && e.resultReason === ResultReason.CryptographicFailure;
}

/** AES-GCM Encrypt/Decrypt calls of the KMS for the chunked format. */
function kmsChunks(kms: KmsClient, uid: string): ChunkCipher {
  return {
    async encrypt(data, aad) {
      const r = await kms.encrypt(uid, data, { mode: 'gcm', aad });
      if (r.iv?.length !== 12 || r.tag?.length !== 16)
        throw new CliError(
          Exit.failed,
          'the server answered AES-GCM Encrypt without a 12-byte IV and a 16-byte tag',
        );
      return { data: r.data, iv: r.iv, tag: r.tag };
    },
    async decrypt(data, iv, tag, aad) {
      try {
        return await kms.decrypt(uid, data, { mode: 'gcm', iv, tag, aad });
      } catch (error) {
        if (isCryptographicFailure(error)) throw integrityFailure();
        throw error;
      }
    },
  };
}

async function readFileHeader(reader: ByteReader): Promise<FileHeader> {
  return guard(() => readHeader((n) => reader.read(n)));
}

// ---------------------------------------------------------------------------------------------
// sym

export async function symEncrypt(ctx: CommandContext, args: CommandArgs): Promise<void> {
  const n = names(ctx, args);
  const keyId = str(args, 'key-id') as string;
  const serverSide = flag(args, 'server-side');
  const chunk = int(args, 'chunk-size', undefined, KMS_MIN_CHUNK, KMS_MAX_CHUNK);
  if (chunk !== undefined && !serverSide)
    throw new UsageError('--chunk-size goes with --server-side');
  await withInput(ctx, n.input, async (input) => {
    const kms = await ctx.client();
    const t = startTransfer(ctx, args, input, 'encrypting', n.output);
    let pieces: AsyncIterable<Uint8Array> | Iterable<Uint8Array>;
    if (serverSide) {
      // Checked first, so that a wrong key fails before any output.
      await kms.check(keyId);
      pieces = encryptThroughKms(
        kmsChunks(kms, keyId),
        keyId,
        t.source,
        chunk ?? KMS_DEFAULT_CHUNK,
      );
    } else {
      const k = await fetchSymmetricKey(kms, keyId, 'encrypt');
      pieces = encryptSymmetric(k.key, keyId, t.source, k.algorithm);
      k.key.fill(0);
    }
    await finish(ctx, t, input, n.output, 'encrypt', pieces, {
      keyId,
      mode: serverSide ? 'server-side' : 'local',
    });
  });
}

export async function symDecrypt(ctx: CommandContext, args: CommandArgs): Promise<void> {
  const n = names(ctx, args);
  await withInput(ctx, n.input, async (input) => {
    const t = startTransfer(ctx, args, input, 'decrypting', n.output);
    const reader = new ByteReader(t.source);
    const header = await readFileHeader(reader);
    if (isHybrid(header.suite))
      throw new UsageError(
        `this file was encrypted for a public key (${header.suite}): use custos ${familyOf(header.suite)} decrypt`,
      );
    const keyId = str(args, 'key-id') ?? header.keyId;
    const kms = await ctx.client();
    let pieces: AsyncIterable<Uint8Array> | Iterable<Uint8Array>;
    if (header.suite === 'kms') {
      await kms.check(keyId);
      pieces = decryptThroughKms(kmsChunks(kms, keyId), header, reader);
    } else {
      const k = await fetchSymmetricKey(kms, keyId, 'decrypt');
      pieces = decryptWithHeader(k.key, header, reader.rest());
      k.key.fill(0);
    }
    await finish(ctx, t, input, n.output, 'decrypt', pieces, {
      keyId,
      mode: header.suite === 'kms' ? 'server-side' : 'local',
    });
  });
}

// ---------------------------------------------------------------------------------------------
// rsa | ec | pqc

export async function hybridEncrypt(
  family: Family,
  ctx: CommandContext,
  args: CommandArgs,
): Promise<void> {
  const n = names(ctx, args);
  const keyId = str(args, 'key-id') as string;
  await withInput(ctx, n.input, async (input) => {
    const kms = await ctx.client();
    const recipient = await fetchPublicKey(kms, keyId, family);
    const wrap = await guard(() => wrapperFor(recipient.suite, recipient.key));
    const t = startTransfer(ctx, args, input, 'encrypting', n.output);
    const pieces = await encryptHybrid(recipient.suite, keyId, wrap, t.source);
    await finish(ctx, t, input, n.output, 'encrypt', pieces, { keyId, suite: recipient.suite });
  });
}

async function unwrapOnServer(
  kms: KmsClient,
  uid: string,
  suite: HybridSuite,
  wrapped: Uint8Array,
): Promise<Uint8Array> {
  // RSA: name OAEP/SHA-256 explicitly, whatever parameters the key carries.
  const options =
    suite === 'rsa-oaep-sha256'
      ? {
          parameters: {
            paddingMethod: PaddingMethod.OAEP,
            hashingAlgorithm: HashingAlgorithm.SHA_256,
          },
        }
      : {};
  try {
    return await kms.decrypt(uid, wrapped, options);
  } catch (error) {
    if (isCryptographicFailure(error))
      throw integrityFailure(`the data key does not unwrap with private key ${uid}`);
    throw error;
  }
}

export async function hybridDecrypt(
  family: Family,
  ctx: CommandContext,
  args: CommandArgs,
): Promise<void> {
  const n = names(ctx, args);
  await withInput(ctx, n.input, async (input) => {
    const t = startTransfer(ctx, args, input, 'decrypting', n.output);
    const reader = new ByteReader(t.source);
    const header = await readFileHeader(reader);
    if (!isHybrid(header.suite))
      throw new UsageError('this file was encrypted with a symmetric key: use custos sym decrypt');
    const suite = header.suite;
    if (familyOf(suite) !== family)
      throw new UsageError(
        `this file was encrypted for a ${suite} key: use custos ${familyOf(suite)} decrypt`,
      );
    const kms = await ctx.client();
    const privateId = str(args, 'key-id') ?? (await linkedPrivateKey(kms, header.keyId));
    if (privateId === undefined)
      throw new UsageError(
        `public key ${header.keyId} names no private key: give the private key with --key-id`,
      );
    const dek = flag(args, 'local')
      ? await guard(async () =>
          unwrapLocally(suite, await fetchPrivateKey(kms, privateId, suite), header.wrappedKey),
        )
      : await unwrapOnServer(kms, privateId, suite, header.wrappedKey);
    if (dek.length !== DATA_KEY_LENGTH)
      throw integrityFailure('the unwrapped data key has the wrong length');
    const pieces = decryptWithHeader(dek, header, reader.rest());
    dek.fill(0);
    await finish(ctx, t, input, n.output, 'decrypt', pieces, {
      keyId: privateId,
      suite,
      mode: flag(args, 'local') ? 'local' : 'server-side',
    });
  });
}

// ---------------------------------------------------------------------------------------------
// cc

function pinned(args: CommandArgs): Uint8Array | undefined {
  const hex = str(args, 'authority');
  return hex === undefined ? undefined : parseAuthority(hex);
}

export async function ccEncrypt(ctx: CommandContext, args: CommandArgs): Promise<void> {
  const n = names(ctx, args);
  const pin = pinned(args);
  if (pin !== undefined && flag(args, 'server-side'))
    throw new UsageError('--authority pins the key for local encryption only');
  const keyId = str(args, 'key-id') as string;
  const policy = str(args, 'policy') as string;
  await withInput(ctx, n.input, async (input) => {
    const kms = await ctx.client();
    const t = startTransfer(ctx, args, input, 'encrypting', n.output);
    let pieces: AsyncIterable<Uint8Array> | Iterable<Uint8Array>;
    if (flag(args, 'server-side')) {
      const data = await readAll(new ByteReader(t.source), ONE_SHOT_LIMIT);
      const ciphertext = await kms.covercryptEncrypt(keyId, policy, data);
      pieces = [ciphertext];
    } else {
      const key = await fetchCovercryptKey(kms, keyId, 'encrypt', pin);
      const { MasterPublicKey } = await import('@custos/covercrypt');
      const mpk = await guard(() => MasterPublicKey.load(key.bytes, { authority: key.authority }));
      pieces = await guard(() => encryptCovercrypt(mpk, policy, t.source));
    }
    await finish(ctx, t, input, n.output, 'encrypt', pieces, {
      keyId,
      policy,
      mode: flag(args, 'server-side') ? 'server-side' : 'local',
    });
  });
}

export async function ccDecrypt(ctx: CommandContext, args: CommandArgs): Promise<void> {
  const n = names(ctx, args);
  const pin = pinned(args);
  if (pin !== undefined && flag(args, 'server-side'))
    throw new UsageError('--authority pins the key for local decryption only');
  const keyId = str(args, 'key-id') as string;
  await withInput(ctx, n.input, async (input) => {
    const t = startTransfer(ctx, args, input, 'decrypting', n.output);
    const reader = new ByteReader(t.source);
    const head = await reader.read(4);
    const kind = covercryptKind(head);
    if (kind === undefined) throw new CliError(Exit.file, 'not Covercrypt encrypted data');
    const kms = await ctx.client();
    let pieces: AsyncIterable<Uint8Array> | Iterable<Uint8Array>;
    if (flag(args, 'server-side')) {
      if (kind !== 'ciphertext')
        throw new UsageError(
          'the KMS decrypts one-shot Covercrypt ciphertexts only: decrypt a stream without --server-side',
        );
      const data = await readAll(reader, ONE_SHOT_LIMIT, head);
      try {
        pieces = [await kms.covercryptDecrypt(keyId, data)];
      } catch (error) {
        const message = (error as { resultMessage?: unknown }).resultMessage;
        if (
          isCryptographicFailure(error) &&
          typeof message === 'string' &&
          /access policy/.test(message)
        )
          throw notAuthorized(keyId);
        if (isCryptographicFailure(error)) throw integrityFailure();
        throw error;
      }
    } else {
      const key = await fetchCovercryptKey(kms, keyId, 'decrypt', pin);
      const { UserKey } = await import('@custos/covercrypt');
      const usk = await guard(() => UserKey.load(key.bytes, { authority: key.authority }));
      pieces = await guard(() => decryptCovercrypt(usk, keyId, head, reader));
    }
    await finish(ctx, t, input, n.output, 'decrypt', pieces, {
      keyId,
      mode: flag(args, 'server-side') ? 'server-side' : 'local',
    });
  });
}

// ---------------------------------------------------------------------------------------------
// fpe

function fpeOptions(args: CommandArgs): FpeOptions {
  const format = fpeFormat({
    format: str(args, 'format'),
    type: str(args, 'type'),
    alphabet: str(args, 'alphabet'),
    set: list(args, 'set'),
  });
  const text = str(args, 'tweak');
  const hex = str(args, 'tweak-hex');
  if (text !== undefined && hex !== undefined)
    throw new UsageError('give --tweak or --tweak-hex, not both');
  if (hex !== undefined && !/^([0-9a-fA-F]{2})*$/.test(hex))
    throw new UsageError('--tweak-hex takes an even number of hexadecimal digits');
  const tweak =
    text !== undefined
      ? new TextEncoder().encode(text)
      : hex !== undefined
        ? Uint8Array.from(Buffer.from(hex, 'hex'))
        : undefined;
  return {
    ...(format === undefined ? {} : { format }),
    ...(tweak === undefined ? {} : { tweak }),
  };
}

/** Checks that `uid` is an FPE key (an AES key would answer with AES-GCM ciphertext). */
async function checkFpeKey(kms: KmsClient, uid: string): Promise<void> {
  const a = await kms.getAttributes(uid);
  if (a.cryptographicAlgorithm !== FPE_FF1)
    throw new CliError(
      Exit.invalid,
      `key ${uid} is not an FPE key (create one with custos fpe keys create)`,
    );
}

export async function fpe(
  direction: Direction,
  ctx: CommandContext,
  args: CommandArgs,
): Promise<void> {
  const keyId = str(args, 'key-id') as string;
  const options = fpeOptions(args);
  const decrypt = direction === 'decrypt';
  // A lone `-` reads stdin, as for the other data commands.
  const stdinDash = args.positionals.length === 1 && args.positionals[0] === '-';
  const values = stdinDash ? [] : args.positionals;
  const inputName = str(args, 'input') ?? (stdinDash ? '-' : undefined);
  const outputName = str(args, 'output');
  if (values.length > 0) {
    if (inputName !== undefined) throw new UsageError('give VALUEs or --input, not both');
    const kms = await ctx.client();
    await checkFpeKey(kms, keyId);
    const results: string[] = [];
    for (let i = 0; i < values.length; i += FPE_BATCH)
      results.push(
        ...(await fpeBatch(kms, keyId, values.slice(i, i + FPE_BATCH), decrypt, options)),
      );
    if (outputName === undefined || outputName === '-') {
      ctx.out.result({ values: results }, (r) => r.values.join('\n'));
      return;
    }
    const out = await openOutput(outputName, ctx, { binary: false, private: decrypt });
    await pump([new TextEncoder().encode(results.map((r) => `${r}\n`).join(''))], out);
    ctx.out.result(
      { output: out.name, values: results.length },
      (r) => `${direction}ed ${r.values} values → ${r.output}`,
    );
    return;
  }
  if (ctx.out.json && (outputName === undefined || outputName === '-'))
    throw new UsageError(
      '--json prints a report on stdout: write the values to a file with -o FILE',
    );
  await withInput(ctx, inputName, async (input) => {
    const kms = await ctx.client();
    await checkFpeKey(kms, keyId);
    const encoder = new TextEncoder();
    const t = startTransfer(
      ctx,
      args,
      input,
      direction === 'decrypt' ? 'decrypting' : 'encrypting',
      outputName,
    );
    const text = fpeLines(kms, keyId, lines(t.source), decrypt, options);
    const pieces = (async function* () {
      for await (const chunk of text) yield encoder.encode(chunk);
    })();
    const out = await openOutput(outputName, ctx, { binary: false, private: decrypt });
    try {
      await pump(pieces, out);
    } catch (error) {
      t.progress.clear();
      if (out.toStdout && out.bytes > 0) ctx.out.warn('the output on stdout is incomplete');
      throw dataError(error);
    }
    t.progress.done();
    if (!out.toStdout)
      ctx.out.result(
        { input: input.name, output: out.name },
        (r) => `${direction}ed ${r.input} → ${r.output}`,
      );
  });
}
