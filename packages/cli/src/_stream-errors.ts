/**
 * How the data-path commands report what goes wrong with the data itself (the launcher prints
 * `custos: <message>` and exits with the code):
 *
 * | condition | exit |
 * |---|---|
 * | altered, truncated or extended data; wrong key (tags do not verify) | 1 |
 * | not a file of the expected format, unsupported version | 7 |
 * | Covercrypt: the user key's access policy does not open the data | 8 |
 * | Covercrypt: bad encryption policy | 5 |
 *
 * Messages never carry key bytes or plaintext.
 */
import { CliError, Exit, FileError } from './_errors.ts';
import { FileFormatError } from './_file-format.ts';

/** Exit status when a Covercrypt user key is not authorized to decrypt (see docs/cli-file-formats.md). */
export const EXIT_NOT_AUTHORIZED = Exit.notAuthorized;

export const INTEGRITY_MESSAGE =
  'decryption failed: the data was altered or truncated, or was not encrypted under this key';

/** The data did not authenticate. */
export function integrityFailure(detail?: string): CliError {
  return new CliError(
    Exit.failed,
    detail === undefined ? INTEGRITY_MESSAGE : `${INTEGRITY_MESSAGE} (${detail})`,
  );
}

/** A Covercrypt user key whose policy does not open the data. */
export function notAuthorized(keyId: string): CliError {
  return new CliError(
    EXIT_NOT_AUTHORIZED,
    `not authorized: the access policy of user key ${keyId} does not cover the policy this data was encrypted for`,
  );
}

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * Turns a library error met while transforming data into a CLI error; passes anything else
 * (network, KMS, file errors) through unchanged.
 */
export function dataError(error: unknown): unknown {
  if (error instanceof CliError) return error;
  if (error instanceof FileFormatError) return new FileError(error.message, { cause: error });
  const code = codeOf(error);
  switch (code) {
    case 'ERR_CRYPTO_DECRYPTION_FAILED':
      return integrityFailure();
    case 'ERR_CRYPTO_INVALID_ENCODING':
      return new FileError(`the encrypted data is malformed (${(error as Error).message})`, {
        cause: error,
      });
    case 'ERR_COVERCRYPT_FORMAT':
      return new FileError(`not Covercrypt encrypted data (${(error as Error).message})`, {
        cause: error,
      });
    case 'ERR_COVERCRYPT_POLICY':
      return new CliError(Exit.invalid, `encryption policy: ${(error as Error).message}`, {
        cause: error,
      });
    case 'ERR_COVERCRYPT_AUTHENTICATION':
      return new CliError(
        Exit.failed,
        `the Covercrypt key does not verify against its authority (${(error as Error).message})`,
        { cause: error },
      );
    default:
      return error;
  }
}
