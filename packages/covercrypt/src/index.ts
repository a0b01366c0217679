/**
 * `@custos/covercrypt`: attribute-based, post-quantum hybrid encryption with hidden access
 * policies and traceable user keys. Specification: docs/covercrypt.md.
 *
 * Authority: `MasterSecretKey.setup(structure)` → `publicKey()`, `issueUserKey(policy)`,
 * `editStructure`, `rekey`, `prune`, `refreshUserKey`, `reencapsulate`, `trace`.
 * Encryptor: `MasterPublicKey.load(bytes, { authority })` → `encrypt`, `encryptBatch`,
 * `createStreamEncryptor`, or the KEM `publicKey.encapsulate(policy)`.
 * User: `UserKey.load(bytes)` → `decrypt`, `decryptBatch`, `decryptStream`, or the KEM
 * `userKey.decapsulate(encapsulation)`.
 */
export {
  AccessStructure,
  type AttributeInfo,
  type AttributeSpec,
  type AttributeStatus,
  type DimensionInfo,
  type DimensionKind,
  type DimensionSpec,
  type SecurityMode,
  type StructureSpec,
} from './structure.ts';
export { formatPolicy, parsePolicy, toDnf, type PolicyNode, type PolicyTerm } from './policy.ts';
export { canOpen, coveredRights, universeSize } from './rights.ts';
export {
  MasterSecretKey,
  type DecoderMaterial,
  type IssuedUserKey,
  type MasterDecapsulation,
} from './master-key.ts';
export {
  MasterPublicKey,
  type EncapsulateOptions,
  type Encapsulated,
  type LoadPublicKeyOptions,
} from './public-key.ts';
export { UserKey, type LoadUserKeyOptions } from './user-key.ts';
export { type PolicyVisibility } from './encapsulation.ts';
export {
  createStreamEncryptor,
  decrypt,
  decryptBatch,
  decryptHeader,
  decryptStream,
  encrypt,
  encryptBatch,
  encryptHeader,
  encryptStream,
  reencapsulate,
  type CovercryptStreamEncryptor,
  type DecryptOptions,
  type Decrypted,
  type DecryptedStream,
  type EncryptOptions,
  type NotAuthorized,
  type OpenedHeader,
  type StreamEncryptOptions,
} from './hybrid.ts';
export {
  AuthenticationError,
  CovercryptError,
  FormatError,
  PolicyError,
  StructureError,
  type CovercryptErrorCode,
} from './errors.ts';
export { SUITE_NAME } from './_scheme.ts';
