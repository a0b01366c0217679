/**
 * Format-preserving encryption of many values through the KMS (`custos fpe encrypt|decrypt`):
 * values from the command line, or one per line of a file or stdin, sent in batches (one
 * request message of up to `FPE_BATCH` Encrypt/Decrypt items per round trip), results written
 * in order, one per line. Memory holds one batch.
 *
 * Lines keep their ending (`\n` or `\r\n`); empty lines stay empty (FPE has no empty value).
 * The format goes in the Authenticated Encryption Additional Data and the tweak in the IV, as
 * the Custos and Cosmian KMS read them (docs/kms.md, FPE).
 */
import type { KmsClient } from '@custos/client';
import * as B from '@custos/kmip/builders';
import { CliError, Exit, FileError } from './_errors.ts';
import type { Source } from './_stream-io.ts';

/** Items per request message (the server's default limit is 1000). */
export const FPE_BATCH = 500;
/** Longest line accepted, in UTF-16 code units. */
export const MAX_LINE = 1 << 16;

export interface FpeOptions {
  /** Format text: an alphabet name, characters, or JSON (`{"type":"card"}`). */
  readonly format?: string;
  readonly tweak?: Uint8Array;
}

const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Builds the format text from the command's flags: `--format` wins; else `--type` (with
 * `--alphabet` and `--set key=value` options) as JSON; else `--alphabet` alone; else none (the
 * server's default, alphanumeric text).
 */
export function fpeFormat(flags: {
  format?: string | undefined;
  type?: string | undefined;
  alphabet?: string | undefined;
  set?: readonly string[];
}): string | undefined {
  const set = flags.set ?? [];
  if (flags.format !== undefined) {
    if (flags.type !== undefined || flags.alphabet !== undefined || set.length > 0)
      throw new CliError(
        Exit.usage,
        '--format replaces --type, --alphabet and --set: give one or the other',
      );
    return flags.format;
  }
  if (flags.type === undefined && set.length === 0) return flags.alphabet;
  const json: Record<string, unknown> = { type: flags.type ?? 'text' };
  if (flags.alphabet !== undefined) json['alphabet'] = flags.alphabet;
  for (const item of set) {
    const eq = item.indexOf('=');
    if (eq <= 0)
      throw new CliError(Exit.usage, `--set takes KEY=VALUE (got ${JSON.stringify(item)})`);
    const key = item.slice(0, eq);
    const text = item.slice(eq + 1);
    json[key] =
      text === 'true'
        ? true
        : text === 'false'
          ? false
          : /^-?\d+(\.\d+)?$/.test(text)
            ? Number(text)
            : text;
  }
  return JSON.stringify(json);
}

/** Splits decoded text into lines (without their endings), keeping each ending apart. */
export async function* lines(
  source: Source,
): AsyncGenerator<{ text: string; ending: string }, void, undefined> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let pending = '';
  let number = 0;
  const decode = (bytes: Uint8Array | undefined): string => {
    try {
      return bytes === undefined ? decoder.decode() : decoder.decode(bytes, { stream: true });
    } catch {
      throw new FileError(`the input is not UTF-8 text (after line ${number})`);
    }
  };
  const emit = function* (final: boolean): Generator<{ text: string; ending: string }> {
    let nl: number;
    while ((nl = pending.indexOf('\n')) !== -1) {
      number++;
      let text = pending.slice(0, nl);
      let ending = '\n';
      if (text.endsWith('\r')) {
        text = text.slice(0, -1);
        ending = '\r\n';
      }
      pending = pending.slice(nl + 1);
      yield { text, ending };
    }
    if (pending.length > MAX_LINE)
      throw new FileError(`line ${number + 1} is longer than ${MAX_LINE} characters`);
    if (final && pending.length > 0) {
      number++;
      yield { text: pending, ending: '' };
      pending = '';
    }
  };
  for await (const piece of source) {
    pending += decode(piece);
    yield* emit(false);
  }
  pending += decode(undefined);
  yield* emit(true);
}

/** One value of a batch failed: `index` in the batch, `why` the server's reason. */
export class FpeValueError extends CliError {
  readonly index: number;
  readonly why: string;

  constructor(index: number, why: string, cause: unknown) {
    super(Exit.invalid, why, { cause });
    this.index = index;
    this.why = why;
  }
}

/**
 * Sends one batch of values in one request message; returns the results in order.
 * @throws FpeValueError for the first value the server refused (the rest did not run).
 */
export async function fpeBatch(
  kms: KmsClient,
  uid: string,
  values: readonly string[],
  decrypt: boolean,
  options: FpeOptions,
): Promise<string[]> {
  const o: B.DataOptions = {};
  if (options.format !== undefined)
    o.authenticatedEncryptionAdditionalData = utf8.encode(options.format);
  if (options.tweak !== undefined) o.ivCounterNonce = options.tweak;
  const items = values.map((v) =>
    decrypt ? B.decrypt(uid, utf8.encode(v), o) : B.encrypt(uid, utf8.encode(v), o),
  );
  const results = await kms.batch(items, { continueOnError: false });
  return results.map((r, i) => {
    if (!r.ok) {
      // A failure of the whole message (unknown key, no right) is the same for every item.
      throw new FpeValueError(i, r.error.resultMessage ?? r.error.message, r.error);
    }
    try {
      return fromUtf8.decode(r.value.data ?? new Uint8Array(0));
    } catch {
      throw new CliError(Exit.failed, 'the server answered FPE with text that is not UTF-8');
    }
  });
}

export interface Line {
  readonly text: string;
  readonly ending: string;
}

/**
 * Encrypts or decrypts every line of `source`, yielding the output text batch by batch, in
 * order. A refused value fails the whole run with its line number.
 */
export async function* fpeLines(
  kms: KmsClient,
  uid: string,
  source: AsyncIterable<Line>,
  decrypt: boolean,
  options: FpeOptions,
): AsyncGenerator<string, void, undefined> {
  let batch: Line[] = [];
  let firstLine = 1;
  const flush = async (): Promise<string> => {
    const numbered = batch
      .map((b, i) => ({ ...b, line: firstLine + i }))
      .filter((b) => b.text !== '');
    let results: string[] = [];
    if (numbered.length > 0) {
      try {
        results = await fpeBatch(
          kms,
          uid,
          numbered.map((b) => b.text),
          decrypt,
          options,
        );
      } catch (error) {
        if (!(error instanceof FpeValueError)) throw error;
        const line = numbered[error.index]?.line ?? firstLine;
        throw new CliError(error.exitCode, `line ${line}: ${error.why}`, { cause: error.cause });
      }
    }
    let k = 0;
    let out = '';
    for (const b of batch) out += (b.text === '' ? '' : (results[k++] as string)) + b.ending;
    firstLine += batch.length;
    batch = [];
    return out;
  };
  for await (const item of source) {
    batch.push(item);
    if (batch.length >= FPE_BATCH) yield await flush();
  }
  if (batch.length > 0) yield await flush();
}
