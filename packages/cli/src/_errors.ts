/**
 * Errors of the `custos` command and the exit status each gets (the table of docs/cli.md).
 * Commands throw these (or let a `KmsClientError` through); the launcher prints
 * `custos: <message>` on stderr and exits with `exitCodeOf(error)`.
 */

/** Exit statuses of `custos`. Stable: scripts test them. */
export const Exit = {
  ok: 0,
  /** The operation failed for another reason (server failure, broken audit chain, invalid signature). */
  failed: 1,
  /** Bad command line: unknown command or option, missing or malformed argument. */
  usage: 2,
  /** The object (or the route) does not exist. */
  notFound: 3,
  /** Authentication failed or the caller lacks the right. */
  denied: 4,
  /** The server rejected the request as invalid (bad attribute, wrong key kind, unsupported). */
  invalid: 5,
  /** The server could not be reached or did not answer in time. */
  unreachable: 6,
  /** A local file could not be read, written or understood. */
  file: 7,
  /** Covercrypt: the user key's access policy does not open the data. */
  notAuthorized: 8,
  /** Bad configuration (file, environment or setting flags). */
  config: 78,
  /** Interrupted by SIGINT/SIGTERM. */
  interrupted: 130,
} as const;

/** An error with the exit status to leave with. */
export class CliError extends Error {
  readonly exitCode: number;

  constructor(exitCode: number, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.exitCode = exitCode;
  }
}

/** A usage error: printed with a hint to `--help`; exit 2. */
export class UsageError extends CliError {
  /** Command path whose help the hint names. */
  readonly command: string;

  constructor(message: string, command = '') {
    super(Exit.usage, message);
    this.command = command;
  }
}

/** The client configuration is wrong; exit 78. */
export class ConfigFileError extends CliError {
  constructor(message: string) {
    super(Exit.config, message);
  }
}

/** A local file problem; exit 7. */
export class FileError extends CliError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(Exit.file, message, options);
  }
}

/** KMIP Result Reason names (as `KmsClientError.reasonName` spells them) → exit status. */
const NOT_FOUND = new Set([
  'ItemNotFound',
  'ObjectNotFound',
  'ObjectDestroyed',
  'WrappingObjectNotFound',
]);
const DENIED = new Set([
  'AuthenticationNotSuccessful',
  'PermissionDenied',
  'NotAuthorised',
  'NotExtractable',
  'Sensitive',
]);
const FAILED = new Set([
  'GeneralFailure',
  'InternalServerError',
  'ServerLimitExceeded',
  'ResponseTooLarge',
]);

/** Exit status of any error a command may throw. */
export function exitCodeOf(error: unknown): number {
  if (error instanceof CliError) return error.exitCode;
  const e = error as { name?: unknown; code?: unknown };
  if (e.name === 'KmsClientError') {
    if (e.code === 'ERR_KMS_CLIENT_UNREACHABLE' || e.code === 'ERR_KMS_CLIENT_TIMEOUT')
      return Exit.unreachable;
    if (e.code === 'ERR_KMS_CLIENT_RESPONSE') return Exit.failed;
    const reason = (error as { reasonName?: unknown }).reasonName;
    if (typeof reason !== 'string') return Exit.failed;
    if (NOT_FOUND.has(reason)) return Exit.notFound;
    if (DENIED.has(reason)) return Exit.denied;
    return FAILED.has(reason) ? Exit.failed : Exit.invalid;
  }
  if (e.name === 'ConfigError') return Exit.config;
  if ((error as { syscall?: unknown }).syscall === 'listen') return Exit.failed;
  if (e.code === 'ENOENT' || e.code === 'EACCES' || e.code === 'EISDIR' || e.code === 'ENOTDIR')
    return Exit.file;
  return Exit.failed;
}
