/**
 * The operations this server implements: KMIP operation code → handler, the name used in audit
 * records, metrics and rights, and whether the operation writes (writing operations run inside
 * the message's transaction; a message of reads only runs without one, on the cache).
 */
import { Operation, type TtlvStructure } from '@custos/kmip';
import type { OperationContext, OperationResult } from './context.ts';
import {
  addAttribute,
  deleteAttribute,
  getAttributeList,
  getAttributes,
  modifyAttribute,
  setAttribute,
} from './op-attributes.ts';
import { create } from './op-create.ts';
import { decrypt, encrypt } from './op-crypt.ts';
import { deriveKey } from './op-derive.ts';
import { exportObject, get } from './op-get.ts';
import { activate, check, destroy, revoke } from './op-lifecycle.ts';
import { locate } from './op-locate.ts';
import { mac, macVerify } from './op-mac.ts';
import { reKey } from './op-rekey.ts';
import { importObject, register } from './op-register.ts';
import { discoverVersions, hash, query, rngRetrieve } from './op-server.ts';
import { certify } from './op-certify.ts';
import { validate } from './op-validate.ts';
import { registerCovercryptKeyPairs } from './op-covercrypt-keypair.ts';
import { createKeyPair } from './op-keypair.ts';
import { reKeyKeyPair } from './op-rekey-keypair.ts';
import { sign, signatureVerify } from './op-sign.ts';

// Covercrypt master key pairs plug into Create Key Pair / Re-key Key Pair (op-keypair.ts).
registerCovercryptKeyPairs();

export interface OperationSpec {
  readonly code: number;
  /** Lower-case name (`getattributes`), as in audit records and metrics. */
  readonly name: string;
  readonly write: boolean;
  readonly handle: (ctx: OperationContext, payload: TtlvStructure) => Promise<OperationResult>;
}

const specs: OperationSpec[] = [];
const add = (code: number, name: string, write: boolean, handle: OperationSpec['handle']): void => {
  specs.push({ code, name, write, handle });
};

add(Operation.Create, 'create', true, create);
add(Operation.Register, 'register', true, register);
add(Operation.Import, 'import', true, importObject);
add(Operation.ReKey, 'rekey', true, reKey);
add(Operation.DeriveKey, 'derivekey', true, deriveKey);
add(Operation.Locate, 'locate', false, locate);
add(Operation.Check, 'check', false, check);
add(Operation.Get, 'get', false, get);
add(Operation.Export, 'export', false, exportObject);
add(Operation.GetAttributes, 'getattributes', false, getAttributes);
add(Operation.GetAttributeList, 'getattributelist', false, getAttributeList);
add(Operation.AddAttribute, 'addattribute', true, addAttribute);
add(Operation.SetAttribute, 'setattribute', true, setAttribute);
add(Operation.ModifyAttribute, 'modifyattribute', true, modifyAttribute);
add(Operation.DeleteAttribute, 'deleteattribute', true, deleteAttribute);
add(Operation.Activate, 'activate', true, activate);
add(Operation.Revoke, 'revoke', true, revoke);
add(Operation.Destroy, 'destroy', true, destroy);
add(
  Operation.Query,
  'query',
  false,
  query(() => specs.map((s) => s.code).sort((a, b) => a - b)),
);
add(Operation.DiscoverVersions, 'discoverversions', false, discoverVersions);
add(Operation.Encrypt, 'encrypt', false, encrypt);
add(Operation.Decrypt, 'decrypt', false, decrypt);
add(Operation.MAC, 'mac', false, mac);
add(Operation.MACVerify, 'macverify', false, macVerify);
add(Operation.RNGRetrieve, 'rngretrieve', false, rngRetrieve);
add(Operation.Hash, 'hash', false, hash);
add(Operation.Certify, 'certify', true, certify);
add(Operation.Validate, 'validate', false, validate);
add(Operation.CreateKeyPair, 'createkeypair', true, createKeyPair);
add(Operation.ReKeyKeyPair, 'rekeykeypair', true, reKeyKeyPair);
add(Operation.Sign, 'sign', false, sign);
add(Operation.SignatureVerify, 'signatureverify', false, signatureVerify);

const BY_CODE: ReadonlyMap<number, OperationSpec> = new Map(specs.map((s) => [s.code, s]));

/** The handler of an operation code, if implemented. */
export function operationSpec(code: number): OperationSpec | undefined {
  return BY_CODE.get(code);
}

/** Every implemented operation. */
export function operationSpecs(): readonly OperationSpec[] {
  return specs;
}
