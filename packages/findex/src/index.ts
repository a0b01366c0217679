/**
 * `@custos/findex`: an encrypted, authenticated keyword index over untrusted key-value stores.
 * Runs in Node and in browsers (this entry point imports no `node:` module); the SQLite, Redis
 * and PostgreSQL stores are separate Node-only entry points.
 */
export { Findex } from './findex.ts';
export type {
  Bindings,
  Links,
  Query,
  FindexOptions,
  AffixOptions,
  StreamOptions,
} from './findex.ts';
export type { CompactionOptions, CompactionProgress, CompactionReport } from './compact.ts';
export { ForwardState } from './forward.ts';
export type { FindexKey } from './keys.ts';
export type { Keyword } from './keyword.ts';
export { ResultSet } from './results.ts';
export { InMemoryStore } from './memory-store.ts';
export { guardsHeld, MAX_ADDRESS_LENGTH, MAX_CELL_LENGTH } from './store.ts';
export type { FindexStore, Guard, Write, StoreStats } from './store.ts';
export {
  FindexError,
  TamperDetected,
  RollbackDetected,
  WriteConflict,
  KeyEpochMissing,
  StoreError,
} from './errors.ts';
export type { FindexErrorCode } from './errors.ts';
