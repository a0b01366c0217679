/**
 * The context a client command runs with: configuration, a lazily created `KmsClient`, output,
 * standard streams and the interruption signal.
 */
import type { KmsClient } from '@custos/client';
import type { CommandContext } from './_commands.ts';
import type { CliConfig } from './_config.ts';
import { ConfigFileError, FileError } from './_errors.ts';
import { createOutput } from './_output.ts';
import { readFileSync } from 'node:fs';

export interface Io {
  stdin: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
  cwd: string;
  signal: AbortSignal;
}

function readPem(file: string, what: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    throw new FileError(`cannot read ${what} file ${file}`);
  }
}

/** Builds the client of a configuration (TLS files read here). */
export async function clientFor(config: CliConfig): Promise<KmsClient> {
  if (config.url === undefined)
    throw new ConfigFileError(
      'no KMS server configured: pass --url, set CUSTOS_KMS_URL, or write url in the [kms] section of ~/.config/custos/cli.toml',
    );
  const { createKmsClient } = await import('@custos/client');
  const tls =
    config.caFile !== undefined || config.clientCertFile !== undefined || config.insecure
      ? {
          ...(config.caFile === undefined ? {} : { ca: readPem(config.caFile, 'CA') }),
          ...(config.clientCertFile === undefined
            ? {}
            : { cert: readPem(config.clientCertFile, 'client certificate') }),
          ...(config.clientKeyFile === undefined
            ? {}
            : { key: readPem(config.clientKeyFile, 'client key') }),
          insecure: config.insecure,
        }
      : undefined;
  return createKmsClient({
    url: config.url,
    encoding: config.encoding,
    timeoutMs: config.timeoutMs,
    ...(config.accessToken === undefined ? {} : { accessToken: config.accessToken }),
    ...(tls === undefined ? {} : { tls }),
  });
}

export function createContext(
  config: CliConfig,
  json: boolean,
  io: Io,
): CommandContext & { dispose(): Promise<void> } {
  let client: Promise<KmsClient> | undefined;
  return {
    config,
    client: () => (client ??= clientFor(config)),
    out: createOutput(json, io.stdout, io.stderr),
    stdin: io.stdin,
    stdout: io.stdout,
    stderr: io.stderr,
    env: io.env,
    cwd: io.cwd,
    signal: io.signal,
    async dispose() {
      if (client !== undefined) await (await client.catch(() => undefined))?.close();
    },
  };
}
