/**
 * `@custos/kms`: the Custos key-management server as a library. `startServer(loadConfig())` runs
 * it; the `custos` command (`custos serve`) is a thin wrapper around these exports.
 */
export {
  startServer,
  openStore,
  SERVER_VERSION,
  type RunningServer,
  type StartOptions,
} from './server.ts';
export {
  loadConfig,
  describeConfig,
  envName,
  flagName,
  keyForFlag,
  authConfigured,
  ConfigError,
  CONFIG_KEYS,
  type KmsConfig,
  type ConfigKey,
  type LoadConfigOptions,
} from './config.ts';
export { verifyAudit, AuditLog, type ChainReport, type AuditEvent } from './audit.ts';
export { loadKek, KeyEncryptionKey } from './kek.ts';
export {
  KmsError,
  ERROR_REGISTRY,
  reasonForVersion,
  toKmsError,
  type KmsErrorCode,
} from './errors.ts';
export { createLogger, silentLogger, type Logger } from './log.ts';
export { OBJECT_RIGHTS, CREATE_RIGHT } from './access.ts';
export { operationSpecs } from './operations.ts';
export { SqliteStore } from './sqlite-store.ts';
export type { Store, AuditRow, Grant } from './store.ts';
