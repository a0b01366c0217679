/**
 * Output of the client commands: text for people, or with `--json` exactly one JSON document on
 * stdout (byte strings as hex, dates as ISO text, bigints as decimal text) so that scripts can
 * pipe it to `jq`.
 */
import type { Output } from './_commands.ts';

/** JSON replacer for the values KMIP results hold. */
export function jsonReplacer(_key: string, value: unknown): unknown {
  if (value instanceof Uint8Array) return Buffer.from(value).toString('hex');
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Map) return Object.fromEntries(value);
  return value;
}

export function createOutput(
  json: boolean,
  stdout: NodeJS.WritableStream,
  stderr: NodeJS.WritableStream,
): Output {
  return {
    json,
    result<T>(value: T, human?: (value: T) => string): void {
      if (json) stdout.write(`${JSON.stringify(value, jsonReplacer, 2)}\n`);
      else if (human !== undefined) {
        const text = human(value);
        if (text !== '') stdout.write(text.endsWith('\n') ? text : `${text}\n`);
      }
    },
    info(line: string): void {
      if (!json) stdout.write(`${line}\n`);
    },
    warn(line: string): void {
      stderr.write(`custos: ${line}\n`);
    },
  };
}
