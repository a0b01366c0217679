/**
 * `KmsClient`: the Custos KMS (or any KMIP 2.1 server over HTTP, such as Cosmian KMS) as typed
 * methods.
 *
 *   const kms = new KmsClient({ url: 'https://kms.example.com:9998', accessToken: jwt });
 *   const id = await kms.createSymmetricKey({ tags: ['app1'] });
 *   const { data, iv, tag } = await kms.encrypt(id, bytes);
 *   await kms.grantAccess(id, 'bob@example.com', ['encrypt', 'decrypt']);
 *
 * KMIP operations go to `POST /kmip/2_1` (JSON TTLV, the default) or `POST /kmip` (binary TTLV)
 * as Request Messages built by `@custos/kmip`; the rights API, `/version`, `/health` and `/me`
 * are plain JSON routes. Authentication: `accessToken` (a JWT or an API token) as a bearer
 * header, or a client certificate (`tls.cert` + `tls.key`, Node only). Every failure is a
 * `KmsClientError` (see `errors.ts`) with the KMIP Result Reason and the server's message.
 */
import {
  CryptographicAlgorithm,
  CryptographicUsageMask,
  DerivationMethod,
  KeyFormatType,
  LinkType,
  ObjectType,
  Operation,
  QueryFunction,
  Tag,
  ValidityIndicator,
  WrappingMethod,
  assertSuccess,
  batchItem,
  createHttpClient,
  enumName,
  decodeResponsePayload,
  requestMessage,
  type AttributeReference,
  type Attributes,
  type BatchRequest,
  type CryptographicParameters,
  type KmipClient,
  type KnownOperation,
  type ManagedObject,
  type ProtocolVersion,
  type ResponsePayloadOf,
  type TtlvStructure,
} from '@custos/kmip';
import * as B from '@custos/kmip/builders';
import {
  objectAttributes,
  readTags,
  readVendorText,
  vendorText,
  withVendor,
  type ObjectOptions,
} from './_attributes.ts';
import { concat, decodeBulk, encodeBulk, leb128 } from './_leb128.ts';
import { KmsClientError, reasonByName, toClientError, unreachable } from './errors.ts';
import {
  CIPHER_MODES,
  HASHES,
  KEY_FORMATS,
  KEY_PAIR_ALGORITHMS,
  REVOCATION_REASONS,
  SYMMETRIC_ALGORITHMS,
  VENDOR,
  WRAP_MODES,
  lookupName,
  type CipherMode,
  type HashName,
  type KeyFormat,
  type KeyPairAlgorithm,
  type RevocationReason,
  type SymmetricAlgorithm,
  type WrapMode,
} from './names.ts';
import type { NodeTlsOptions } from './node-fetch.ts';

export type { ObjectOptions };
export { CryptographicUsageMask, CryptographicAlgorithm, KeyFormatType };

export interface KmsClientOptions {
  /** Base URL of the server, e.g. `https://kms.example.com:9998` (a path prefix is kept). */
  url: string | URL;
  /** Bearer credential: a JWT from the identity provider, or an API token. */
  accessToken?: string;
  /** Client certificate, trusted CAs, or `insecure` (Node only: uses `node:https`). */
  tls?: NodeTlsOptions;
  /** KMIP wire encoding: `json` (POST /kmip/2_1, default) or `binary` (POST /kmip). */
  encoding?: 'json' | 'binary';
  /** Per-request timeout in milliseconds (default 30 000). */
  timeoutMs?: number;
  /** Extra headers on every request. */
  headers?: Record<string, string>;
  /** A `fetch` implementation (default: global fetch, or node:https when `tls` is set). */
  fetch?: typeof fetch;
}

/** Identifiers of a key pair. */
export interface KeyPairIds {
  privateKeyId: string;
  publicKeyId: string;
}

/** Options of Get and Export. */
export interface ExportOptions {
  /** Key Format Type to convert to (a name or a KMIP value). */
  format?: KeyFormat | number;
  /** Wrap the key material under this key of the server. */
  wrapKeyId?: string;
  /** Wrapping mode (default aes-kwp, RFC 5649). */
  wrapMode?: WrapMode;
}

export interface EncryptOptions {
  /** Cipher mode (default: the key's parameters, else AES-GCM). */
  mode?: CipherMode;
  /** IV / nonce / XTS tweak (the server makes one when absent, and returns it). */
  iv?: Uint8Array;
  /** Authenticated additional data (AEAD modes). */
  aad?: Uint8Array;
  /** Raw Cryptographic Parameters (override `mode`). */
  parameters?: CryptographicParameters;
}

export interface EncryptResult {
  data: Uint8Array;
  iv?: Uint8Array;
  tag?: Uint8Array;
}

export interface DecryptOptions extends EncryptOptions {
  /** Authentication tag of AEAD modes (when not appended to the data). */
  tag?: Uint8Array;
}

export interface LocateCriteria {
  tags?: readonly string[];
  /** `symmetric-key`, `private-key`, `public-key`, `certificate`, `secret-data`, `opaque-object`, or a KMIP value. */
  objectType?: string | number;
  /** A KMIP Cryptographic Algorithm value. */
  algorithm?: number;
  length?: number;
  name?: string;
  /** A KMIP State value. */
  state?: number;
  /** Objects linked to this identifier (any link type given in `linkType`, default Parent Link). */
  linkedTo?: string;
  linkType?: number;
  maxItems?: number;
  offset?: number;
  /** Any other attribute to match. */
  attributes?: Attributes;
}

export interface RevokeOptions {
  reason?: RevocationReason | number;
  message?: string;
  /** When the compromise happened (compromise reasons). */
  compromiseDate?: Date;
}

/** One right on an object, as the server names it. */
export type Right =
  | 'activate'
  | 'addattribute'
  | 'create'
  | 'decrypt'
  | 'deleteattribute'
  | 'derivekey'
  | 'destroy'
  | 'encrypt'
  | 'export'
  | 'get'
  | 'getattributes'
  | 'import'
  | 'locate'
  | 'mac'
  | 'modifyattribute'
  | 'rekey'
  | 'revoke'
  | 'setattribute'
  | 'sign'
  | 'signatureverify'
  | (string & {});

export interface AccessEntry {
  user: string;
  operations: string[];
}
export interface OwnedObject {
  objectId: string;
  objectType: string;
  state: string;
  tags: string[];
}
export interface ObtainedObject {
  objectId: string;
  ownerId: string;
  state: string;
  operations: string[];
}

/** A Covercrypt access-structure change (a Re-key Key Pair action on the master secret key). */
export type CovercryptAction =
  | { rekey: string }
  | { prune: string }
  | { addAttribute: { attribute: string; hybrid?: boolean; after?: string }[] }
  | { renameAttribute: { attribute: string; newName: string }[] }
  | { disableAttribute: string[] }
  | { enableAttribute: string[] }
  | { removeAttribute: string[] };

export interface CertifyOptions extends ObjectOptions {
  /** Certify this PKCS#10 request (PEM text or DER bytes). */
  csr?: Uint8Array | string;
  /** Or: certify this public key of the server. */
  publicKeyId?: string;
  /** Or: generate a new key pair of this family and certify its public key. */
  generate?: KeyPairAlgorithm;
  /** Subject Distinguished Name, e.g. `CN=alice,O=Example` (not needed with a CSR). */
  subject?: string;
  /** Issuer's private key on the server (absent: self-signed). */
  issuerPrivateKeyId?: string;
  /** Issuer's certificate on the server. */
  issuerCertificateId?: string;
  /** Validity in days (server default when absent). */
  days?: number;
  /** X.509 v3 extensions as OpenSSL `-extfile` text (vendor attribute `x509-extension`). */
  extensions?: string;
}

export type Validity = 'valid' | 'invalid' | 'unknown';

/** Result of one item of a bulk call. */
export type BulkResult<T> = { ok: true; value: T } | { ok: false; error: KmsClientError };

const OBJECT_TYPES: Readonly<Record<string, number>> = {
  'symmetric-key': ObjectType.SymmetricKey,
  'private-key': ObjectType.PrivateKey,
  'public-key': ObjectType.PublicKey,
  certificate: ObjectType.Certificate,
  'secret-data': ObjectType.SecretData,
  'opaque-object': ObjectType.OpaqueObject,
};

/** Cosmian/Custos Destroy extension: remove the object entirely. */
const REMOVE_TAG = 0x540001;
const utf8 = new TextEncoder();

function textOrBytes(v: Uint8Array | string): Uint8Array {
  return typeof v === 'string' ? utf8.encode(v) : v;
}

function requireId(uid: unknown, what = 'uid'): string {
  if (typeof uid !== 'string' || uid === '')
    throw new TypeError(`${what} must be a non-empty string`);
  return uid;
}

function bytesArg(data: unknown, what = 'data'): Uint8Array {
  if (!(data instanceof Uint8Array)) throw new TypeError(`${what} must be a Uint8Array`);
  return data;
}

/** Parses a Distinguished Name `CN=a,O=b,OU=c,C=FR,ST=x,L=y,emailAddress=z` into attributes. */
export function subjectAttributes(dn: string): Attributes {
  const out: Attributes = {};
  const map: Record<string, keyof Attributes> = {
    CN: 'certificateSubjectCN',
    O: 'certificateSubjectO',
    OU: 'certificateSubjectOU',
    C: 'certificateSubjectC',
    ST: 'certificateSubjectST',
    L: 'certificateSubjectL',
    EMAILADDRESS: 'certificateSubjectEmail',
    E: 'certificateSubjectEmail',
    UID: 'certificateSubjectUID',
    SERIALNUMBER: 'certificateSubjectSerialNumber',
    TITLE: 'certificateSubjectTitle',
    DC: 'certificateSubjectDC',
  };
  for (const part of dn.split(/(?<!\\),/)) {
    const eq = part.indexOf('=');
    if (eq <= 0) throw new TypeError(`subject "${dn}" is not a Distinguished Name (CN=...,O=...)`);
    const key = part.slice(0, eq).trim().toUpperCase();
    const field = map[key];
    if (field === undefined) throw new TypeError(`subject: unknown attribute ${key}`);
    (out as Record<string, string>)[field] = part
      .slice(eq + 1)
      .trim()
      .replace(/\\,/g, ',');
  }
  return out;
}

export class KmsClient {
  /** The underlying KMIP client (send any Request Message with it). */
  readonly kmip: KmipClient;
  readonly baseUrl: URL;
  readonly #headers: Record<string, string>;
  readonly #fetch: typeof fetch;
  readonly #timeoutMs: number;

  constructor(options: KmsClientOptions) {
    if (typeof options !== 'object' || (options as unknown) === null)
      throw new TypeError('options must be an object');
    const base = new URL(options.url);
    if (base.protocol !== 'http:' && base.protocol !== 'https:')
      throw new TypeError('url must be http:// or https://');
    if (!base.pathname.endsWith('/')) base.pathname += '/';
    this.baseUrl = base;
    const headers: Record<string, string> = { ...options.headers };
    if (options.accessToken !== undefined) {
      if (typeof options.accessToken !== 'string' || /[\r\n]/.test(options.accessToken))
        throw new TypeError('accessToken must be a single-line string');
      headers['authorization'] = `Bearer ${options.accessToken}`;
    }
    this.#headers = headers;
    this.#timeoutMs = options.timeoutMs ?? 30_000;
    this.#fetch = options.fetch ?? globalThis.fetch.bind(globalThis);
    if (options.tls !== undefined && options.fetch === undefined)
      throw new TypeError('tls options need a fetch: use createKmsClient() (Node), or pass fetch');
    const encoding = options.encoding ?? 'json';
    this.kmip = createHttpClient({
      url: new URL(encoding === 'json' ? 'kmip/2_1' : 'kmip', base),
      encoding,
      headers,
      fetch: this.#fetch,
      timeoutMs: this.#timeoutMs,
    });
  }

  // -------------------------------------------------------------------------------------------
  // Plumbing

  /** Sends one typed batch item; failures become `KmsClientError`s named after `operation`. */
  async call<Op extends KnownOperation>(
    item: BatchRequest<Op>,
    operation: string = enumName('Operation', item.operation) ?? 'kmip',
  ): Promise<ResponsePayloadOf<Op>> {
    try {
      return await this.kmip.call(item);
    } catch (error) {
      throw toClientError(operation, error);
    }
  }

  /**
   * Sends several operations in ONE Request Message (one round trip, one server transaction for
   * writes). Each item succeeds or fails on its own (`continueOnError`, default true: Batch Error
   * Continuation Option Continue; false: Stop at the first failure, later items are reported as
   * failed without running).
   */
  async batch<Op extends KnownOperation>(
    items: readonly BatchRequest<Op>[],
    options: { continueOnError?: boolean } = {},
  ): Promise<BulkResult<ResponsePayloadOf<Op>>[]> {
    if (items.length === 0) return [];
    let responses;
    try {
      responses = await this.kmip.batch(items, {
        batchErrorContinuationOption: options.continueOnError === false ? 2 : 1,
      });
    } catch (error) {
      throw toClientError('batch', error);
    }
    return items.map((item, i): BulkResult<ResponsePayloadOf<Op>> => {
      const r = responses[i];
      const operation = enumName('Operation', item.operation) ?? 'kmip';
      if (r === undefined)
        return {
          ok: false,
          error: new KmsClientError(
            'ERR_KMS_CLIENT_RESULT',
            `${operation}: not run (an earlier item failed)`,
            {
              operation,
            },
          ),
        };
      if (r.resultStatus !== 0) {
        const reason = r.resultReason ?? 0x100;
        const name = enumName('ResultReason', reason) ?? String(reason);
        return {
          ok: false,
          error: new KmsClientError(
            'ERR_KMS_CLIENT_RESULT',
            `${operation}: ${name}${r.resultMessage === undefined ? '' : `: ${r.resultMessage}`}`,
            { operation, resultReason: reason, resultMessage: r.resultMessage },
          ),
        };
      }
      try {
        const payload: TtlvStructure = r.payload ?? {
          tag: Tag.ResponsePayload,
          type: 'Structure',
          value: [],
        };
        return { ok: true, value: decodeResponsePayload(item.operation, payload) };
      } catch (error) {
        return { ok: false, error: toClientError(operation, error) };
      }
    });
  }

  /** A JSON route (`/access/...`, `/version`, `/health`, `/me`). */
  async #rest<T>(
    operation: string,
    method: 'GET' | 'POST',
    path: string,
    body?: unknown,
  ): Promise<T> {
    const url = new URL(path, this.baseUrl);
    let response: Response;
    try {
      response = await this.#fetch(url, {
        method,
        headers: {
          ...this.#headers,
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
    } catch (error) {
      if (error instanceof DOMException && error.name === 'TimeoutError')
        throw new KmsClientError(
          'ERR_KMS_CLIENT_TIMEOUT',
          `${operation}: no response within ${this.#timeoutMs} ms`,
          {
            operation,
            cause: error,
          },
        );
      throw unreachable(operation, error);
    }
    const text = await response.text();
    if (!response.ok) {
      // The server answers `{"error","reason","message"}`; show its message, keep its reason.
      let message = text;
      let reason: number | undefined;
      try {
        const j = JSON.parse(text) as { message?: unknown; reason?: unknown; error?: unknown };
        if (typeof j.message === 'string') message = j.message;
        else if (typeof j.error === 'string') message = j.error;
        if (typeof j.reason === 'string') reason = reasonByName(j.reason);
      } catch {
        // a text body
      }
      const e = KmsClientError.fromStatus(operation, response.status, message);
      if (reason === undefined) throw e;
      throw new KmsClientError('ERR_KMS_CLIENT_HTTP', e.message, {
        operation,
        status: response.status,
        resultReason: reason,
        resultMessage: e.resultMessage,
      });
    }
    try {
      return JSON.parse(text) as T;
    } catch (error) {
      throw new KmsClientError('ERR_KMS_CLIENT_RESPONSE', `${operation}: the answer is not JSON`, {
        operation,
        cause: error,
      });
    }
  }

  async close(): Promise<void> {
    await this.kmip.close();
  }

  // -------------------------------------------------------------------------------------------
  // Server

  /** The server's version text (`custos-kms 0.1.0`). */
  async version(): Promise<string> {
    const v = await this.#rest<unknown>('version', 'GET', 'version');
    return typeof v === 'string' ? v : JSON.stringify(v);
  }

  /** The health document (`{"status":"UP",...}`); throws when the server is down. */
  health(): Promise<{ status: string; [k: string]: unknown }> {
    return this.#rest('health', 'GET', 'health');
  }

  /** Who the server thinks the caller is. */
  async whoami(): Promise<string> {
    const me = await this.#rest<{ user?: unknown }>('whoami', 'GET', 'me');
    if (typeof me.user !== 'string')
      throw new KmsClientError('ERR_KMS_CLIENT_RESPONSE', 'whoami: no user in the answer', {
        operation: 'whoami',
      });
    return me.user;
  }

  /** Query: operations, object types, vendor and server information. */
  async query(functions?: readonly number[]): Promise<{
    operations: string[];
    objectTypes: string[];
    vendor?: string;
    serverInformation?: unknown;
  }> {
    const r = await this.call(
      B.query([
        ...(functions ?? [
          QueryFunction.QueryOperations,
          QueryFunction.QueryObjects,
          QueryFunction.QueryServerInformation,
        ]),
      ]),
      'query',
    );
    const out: {
      operations: string[];
      objectTypes: string[];
      vendor?: string;
      serverInformation?: unknown;
    } = {
      operations: (r.operations ?? []).map((o) => enumName('Operation', o) ?? String(o)),
      objectTypes: (r.objectTypes ?? []).map((o) => enumName('ObjectType', o) ?? String(o)),
    };
    if (r.vendorIdentification !== undefined) out.vendor = r.vendorIdentification;
    if (r.serverInformation !== undefined) out.serverInformation = r.serverInformation;
    return out;
  }

  /** Protocol versions the server speaks (newest first), or those of `versions` it accepts. */
  async discoverVersions(versions: readonly ProtocolVersion[] = []): Promise<ProtocolVersion[]> {
    const r = await this.call(B.discoverVersions([...versions]), 'discoverVersions');
    return r.protocolVersions ?? [];
  }

  // -------------------------------------------------------------------------------------------
  // Creating objects

  /** A new symmetric key (AES-256 by default); returns its identifier. */
  async createSymmetricKey(
    options: ObjectOptions & {
      algorithm?: SymmetricAlgorithm;
      bits?: number;
      usageMask?: number;
    } = {},
  ): Promise<string> {
    const algorithm = lookupName(SYMMETRIC_ALGORITHMS, options.algorithm ?? 'aes', 'algorithm');
    const base: Attributes = { cryptographicAlgorithm: algorithm };
    if (options.bits !== undefined) base.cryptographicLength = options.bits;
    if (options.usageMask !== undefined) base.cryptographicUsageMask = options.usageMask;
    const r = await this.call(
      batchItem(Operation.Create, {
        objectType: ObjectType.SymmetricKey,
        attributes: objectAttributes(options, base),
      }),
      'createSymmetricKey',
    );
    return r.uniqueIdentifier as string;
  }

  /** Several symmetric keys in one round trip; one result per key. */
  async createSymmetricKeys(
    count: number,
    options: ObjectOptions & { algorithm?: SymmetricAlgorithm; bits?: number } = {},
  ): Promise<BulkResult<string>[]> {
    if (!Number.isSafeInteger(count) || count < 0 || count > 10_000)
      throw new RangeError('count must be an integer from 0 to 10000');
    if (options.uid !== undefined)
      throw new TypeError('createSymmetricKeys cannot choose identifiers');
    const algorithm = lookupName(SYMMETRIC_ALGORITHMS, options.algorithm ?? 'aes', 'algorithm');
    const base: Attributes = { cryptographicAlgorithm: algorithm };
    if (options.bits !== undefined) base.cryptographicLength = options.bits;
    const attributes = objectAttributes(options, base);
    const items = Array.from({ length: count }, () =>
      batchItem(Operation.Create, { objectType: ObjectType.SymmetricKey, attributes }),
    );
    return (await this.batch(items)).map((r) =>
      r.ok ? { ok: true, value: r.value.uniqueIdentifier as string } : r,
    );
  }

  /** New random secret data (256 bits by default). */
  async createSecretData(options: ObjectOptions & { bits?: number } = {}): Promise<string> {
    const base: Attributes = {};
    if (options.bits !== undefined) base.cryptographicLength = options.bits;
    const r = await this.call(
      batchItem(Operation.Create, {
        objectType: ObjectType.SecretData,
        attributes: objectAttributes(options, base),
      }),
      'createSecretData',
    );
    return r.uniqueIdentifier as string;
  }

  /** A new key pair (RSA 3072 by default for `rsa`; `bits` for RSA only). */
  async createKeyPair(
    options: ObjectOptions & {
      algorithm: KeyPairAlgorithm;
      bits?: number;
      privateKeyUsageMask?: number;
      publicKeyUsageMask?: number;
    },
  ): Promise<KeyPairIds> {
    const family = lookupName(KEY_PAIR_ALGORITHMS, options.algorithm, 'algorithm');
    const common: Attributes = { cryptographicAlgorithm: family.algorithm };
    if (family.curve !== undefined)
      common.cryptographicDomainParameters = { recommendedCurve: family.curve };
    if (options.bits !== undefined) common.cryptographicLength = options.bits;
    const privateKeyAttributes: Attributes = {};
    const publicKeyAttributes: Attributes = {};
    if (options.privateKeyUsageMask !== undefined)
      privateKeyAttributes.cryptographicUsageMask = options.privateKeyUsageMask;
    if (options.publicKeyUsageMask !== undefined)
      publicKeyAttributes.cryptographicUsageMask = options.publicKeyUsageMask;
    const r = await this.call(
      batchItem(Operation.CreateKeyPair, {
        commonAttributes: objectAttributes(options, common),
        privateKeyAttributes,
        publicKeyAttributes,
      }),
      'createKeyPair',
    );
    return {
      privateKeyId: r.privateKeyUniqueIdentifier as string,
      publicKeyId: r.publicKeyUniqueIdentifier as string,
    };
  }

  /** Registers an object given by value (Register); returns its identifier. */
  async register(object: ManagedObject, options: ObjectOptions = {}): Promise<string> {
    const r = await this.call(B.register(object, objectAttributes(options)), 'register');
    return r.uniqueIdentifier as string;
  }

  /**
   * Imports an object under a chosen identifier (Import). `replace` replaces an object the caller
   * owns; `unwrap` has the server unwrap wrapped key material first.
   */
  async importObject(
    uid: string,
    object: ManagedObject,
    options: Omit<ObjectOptions, 'uid'> & { replace?: boolean; unwrap?: boolean } = {},
  ): Promise<string> {
    requireId(uid);
    const extra: { replaceExisting?: boolean; keyWrapType?: number } = {};
    if (options.replace === true) extra.replaceExisting = true;
    if (options.unwrap === true) extra.keyWrapType = 1; // Not Wrapped
    const r = await this.call(
      B.importObject(uid, object, objectAttributes(options), extra),
      'importObject',
    );
    return r.uniqueIdentifier as string;
  }

  // -------------------------------------------------------------------------------------------
  // Reading objects

  #getOptions(options: ExportOptions): B.GetOptions {
    const out: B.GetOptions = {};
    if (options.format !== undefined)
      out.keyFormatType =
        typeof options.format === 'number'
          ? options.format
          : lookupName(KEY_FORMATS, options.format, 'format');
    if (options.wrapKeyId !== undefined)
      out.keyWrappingSpecification = {
        wrappingMethod: WrappingMethod.Encrypt,
        encryptionKeyInformation: {
          uniqueIdentifier: requireId(options.wrapKeyId, 'wrapKeyId'),
          cryptographicParameters: {
            blockCipherMode: lookupName(WRAP_MODES, options.wrapMode ?? 'aes-kwp', 'wrapMode'),
          },
        },
      };
    return out;
  }

  /** The object (Get), optionally converted or wrapped. */
  async get(
    uid: string,
    options: ExportOptions = {},
  ): Promise<{ objectType: number; uniqueIdentifier: string; object: ManagedObject }> {
    const r = await this.call(B.get(requireId(uid), this.#getOptions(options)), 'get');
    return {
      objectType: r.objectType,
      uniqueIdentifier: r.uniqueIdentifier as string,
      object: r.object,
    };
  }

  /** The object with its attributes (Export), optionally converted or wrapped. */
  async exportObject(
    uid: string,
    options: ExportOptions = {},
  ): Promise<{
    objectType: number;
    uniqueIdentifier: string;
    attributes: Attributes;
    object: ManagedObject;
  }> {
    const r = await this.call(
      B.exportObject(requireId(uid), this.#getOptions(options)),
      'exportObject',
    );
    return {
      objectType: r.objectType,
      uniqueIdentifier: r.uniqueIdentifier as string,
      attributes: r.attributes,
      object: r.object,
    };
  }

  /** The raw key bytes of a symmetric key or secret data (Get, format Raw). */
  async getKeyBytes(uid: string): Promise<Uint8Array> {
    const { object } = await this.get(uid, { format: 'raw' });
    if (!('keyBlock' in object)) throw new TypeError(`${uid} is not a key`);
    const kv = object.keyBlock.keyValue;
    const material = kv instanceof Uint8Array ? kv : kv?.keyMaterial;
    if (!(material instanceof Uint8Array))
      throw new KmsClientError(
        'ERR_KMS_CLIENT_RESPONSE',
        `getKeyBytes: ${uid} has no raw key material`,
        {
          operation: 'getKeyBytes',
        },
      );
    return material;
  }

  /** Attributes (all, or those referenced). */
  async getAttributes(
    uid: string,
    references?: readonly AttributeReference[],
  ): Promise<Attributes> {
    const r = await this.call(
      B.getAttributes(requireId(uid), references === undefined ? undefined : [...references]),
      'getAttributes',
    );
    return r.attributes;
  }

  /** Names of the attributes an object has. */
  async getAttributeList(uid: string): Promise<AttributeReference[]> {
    const r = await this.call(B.getAttributeList(requireId(uid)), 'getAttributeList');
    return r.attributeReferences ?? [];
  }

  /** The tags of an object (user and system tags). */
  async getTags(uid: string): Promise<string[]> {
    return readTags(await this.getAttributes(uid));
  }

  async setAttribute(uid: string, attribute: Attributes): Promise<void> {
    await this.call(B.setAttribute(requireId(uid), attribute), 'setAttribute');
  }
  async addAttribute(uid: string, attribute: Attributes): Promise<void> {
    await this.call(B.addAttribute(requireId(uid), attribute), 'addAttribute');
  }
  async modifyAttribute(uid: string, attribute: Attributes, current?: Attributes): Promise<void> {
    await this.call(B.modifyAttribute(requireId(uid), attribute, current), 'modifyAttribute');
  }
  async deleteAttribute(uid: string, reference: AttributeReference): Promise<void> {
    await this.call(
      B.deleteAttribute(requireId(uid), { attributeReference: reference }),
      'deleteAttribute',
    );
  }

  /** Identifiers of the objects matching every criterion (that the caller may see). */
  async locate(criteria: LocateCriteria = {}): Promise<string[]> {
    const a: Attributes = { ...criteria.attributes };
    if (criteria.objectType !== undefined)
      a.objectType =
        typeof criteria.objectType === 'number'
          ? criteria.objectType
          : lookupName(OBJECT_TYPES, criteria.objectType, 'objectType');
    if (criteria.algorithm !== undefined) a.cryptographicAlgorithm = criteria.algorithm;
    if (criteria.length !== undefined) a.cryptographicLength = criteria.length;
    if (criteria.state !== undefined) a.state = criteria.state;
    if (criteria.name !== undefined) a.names = [{ nameValue: criteria.name, nameType: 1 }];
    if (criteria.linkedTo !== undefined)
      a.links = [
        {
          linkType: criteria.linkType ?? LinkType.ParentLink,
          linkedObjectIdentifier: criteria.linkedTo,
        },
      ];
    const withTags =
      criteria.tags === undefined || criteria.tags.length === 0
        ? a
        : withVendor(a, [
            {
              vendorIdentification: 'cosmian',
              attributeName: 'tag',
              attributeValue: {
                tag: Tag.AttributeValue,
                type: 'TextString',
                value: JSON.stringify(criteria.tags),
              },
            },
          ]);
    const options: { maximumItems?: number; offsetItems?: number } = {};
    if (criteria.maxItems !== undefined) options.maximumItems = criteria.maxItems;
    if (criteria.offset !== undefined) options.offsetItems = criteria.offset;
    const r = await this.call(B.locate(withTags, options), 'locate');
    return (r.uniqueIdentifiers ?? []).filter((u): u is string => typeof u === 'string');
  }

  /** Check: the object exists and allows `usageMask`. */
  async check(uid: string, usageMask?: number): Promise<void> {
    await this.call(
      B.check(requireId(uid), usageMask === undefined ? {} : { cryptographicUsageMask: usageMask }),
      'check',
    );
  }

  // -------------------------------------------------------------------------------------------
  // Lifecycle

  async activate(uid: string): Promise<void> {
    await this.call(B.activate(requireId(uid)), 'activate');
  }

  /** Revoke: Deactivated, or Compromised for the compromise reasons. */
  async revoke(uid: string, options: RevokeOptions = {}): Promise<void> {
    const reason =
      typeof options.reason === 'number'
        ? options.reason
        : lookupName(REVOCATION_REASONS, options.reason ?? 'unspecified', 'reason');
    const extra: { message?: string; compromiseOccurrenceDate?: Date } = {};
    if (options.message !== undefined) extra.message = options.message;
    if (options.compromiseDate !== undefined)
      extra.compromiseOccurrenceDate = options.compromiseDate;
    await this.call(B.revoke(requireId(uid), reason, extra), 'revoke');
  }

  /**
   * Destroy: erases the key material, keeps the metadata; `remove` deletes the object and its
   * grants entirely. Refused on Active objects: revoke first (or pass `revoke: true`).
   */
  async destroy(uid: string, options: { remove?: boolean; revoke?: boolean } = {}): Promise<void> {
    requireId(uid);
    if (options.revoke === true) {
      try {
        await this.revoke(uid, { reason: 'cessation-of-operation' });
      } catch (error) {
        // Already not Active (Wrong Key Lifecycle State) is fine: destroy is what is asked.
        if (!(error instanceof KmsClientError) || error.reasonName !== 'WrongKeyLifecycleState')
          throw error;
      }
    }
    if (options.remove !== true) {
      await this.call(B.destroy(uid), 'destroy');
      return;
    }
    const message = requestMessage([B.destroy(uid)], { version: this.kmip.version });
    const item = message.batchItems[0];
    if (item?.payload !== undefined)
      item.payload = {
        ...item.payload,
        value: [...item.payload.value, { tag: REMOVE_TAG, type: 'Boolean', value: true }],
      };
    try {
      const response = await this.kmip.send(message);
      const first = response.batchItems?.[0];
      if (first !== undefined) assertSuccess(first);
    } catch (error) {
      throw toClientError('destroy', error);
    }
  }

  /** Re-key a symmetric key: returns the new key's identifier (the old one is deactivated). */
  async reKey(uid: string, options: { offsetSeconds?: number } = {}): Promise<string> {
    const r = await this.call(
      B.reKey(
        requireId(uid),
        options.offsetSeconds === undefined ? {} : { offset: options.offsetSeconds },
      ),
      'reKey',
    );
    return r.uniqueIdentifier as string;
  }

  /** Re-key a key pair (from its private key). */
  async reKeyKeyPair(
    privateKeyId: string,
    options: { offsetSeconds?: number; commonAttributes?: Attributes } = {},
  ): Promise<KeyPairIds> {
    const extra: { offset?: number; commonAttributes?: Attributes } = {};
    if (options.offsetSeconds !== undefined) extra.offset = options.offsetSeconds;
    if (options.commonAttributes !== undefined) extra.commonAttributes = options.commonAttributes;
    const r = await this.call(B.reKeyKeyPair(requireId(privateKeyId), extra), 'reKeyKeyPair');
    return {
      privateKeyId: r.privateKeyUniqueIdentifier as string,
      publicKeyId: r.publicKeyUniqueIdentifier as string,
    };
  }

  /** Derive Key (HKDF or PBKDF2) from a symmetric key or secret data. */
  async deriveKey(
    baseId: string,
    options: ObjectOptions & {
      method: 'hkdf' | 'pbkdf2';
      salt: Uint8Array;
      info?: Uint8Array;
      iterations?: number;
      hash?: HashName;
      bits?: number;
      algorithm?: SymmetricAlgorithm;
    },
  ): Promise<string> {
    const params: Record<string, unknown> = {
      cryptographicParameters: {
        hashingAlgorithm: lookupName(HASHES, options.hash ?? 'sha256', 'hash'),
      },
      salt: bytesArg(options.salt, 'salt'),
    };
    if (options.info !== undefined) params['derivationData'] = options.info;
    if (options.iterations !== undefined) params['iterationCount'] = options.iterations;
    const base: Attributes = {
      cryptographicAlgorithm: lookupName(
        SYMMETRIC_ALGORITHMS,
        options.algorithm ?? 'aes',
        'algorithm',
      ),
      cryptographicLength: options.bits ?? 256,
    };
    const r = await this.call(
      B.deriveKey({
        objectType: ObjectType.SymmetricKey,
        uniqueIdentifiers: [requireId(baseId)],
        derivationMethod:
          options.method === 'hkdf' ? DerivationMethod.HKDF : DerivationMethod.PBKDF2,
        derivationParameters: params,
        attributes: objectAttributes(options, base),
      }),
      'deriveKey',
    );
    return r.uniqueIdentifier as string;
  }

  // -------------------------------------------------------------------------------------------
  // Cryptography

  #params(options: EncryptOptions): CryptographicParameters | undefined {
    if (options.parameters !== undefined) return options.parameters;
    if (options.mode === undefined) return undefined;
    return { ...lookupName(CIPHER_MODES, options.mode, 'mode') };
  }

  /** Encrypt on the server (symmetric modes, or a public key). */
  async encrypt(
    uid: string,
    data: Uint8Array,
    options: EncryptOptions = {},
  ): Promise<EncryptResult> {
    const o: B.DataOptions = {};
    const p = this.#params(options);
    if (p !== undefined) o.cryptographicParameters = p;
    if (options.iv !== undefined) o.ivCounterNonce = options.iv;
    if (options.aad !== undefined) o.authenticatedEncryptionAdditionalData = options.aad;
    const r = await this.call(B.encrypt(requireId(uid), bytesArg(data), o), 'encrypt');
    const out: EncryptResult = { data: r.data ?? new Uint8Array(0) };
    if (r.ivCounterNonce !== undefined) out.iv = r.ivCounterNonce;
    if (r.authenticatedEncryptionTag !== undefined) out.tag = r.authenticatedEncryptionTag;
    return out;
  }

  /** Decrypt on the server. */
  async decrypt(uid: string, data: Uint8Array, options: DecryptOptions = {}): Promise<Uint8Array> {
    const o: B.DataOptions & { authenticatedEncryptionTag?: Uint8Array } = {};
    const p = this.#params(options);
    if (p !== undefined) o.cryptographicParameters = p;
    if (options.iv !== undefined) o.ivCounterNonce = options.iv;
    if (options.aad !== undefined) o.authenticatedEncryptionAdditionalData = options.aad;
    if (options.tag !== undefined) o.authenticatedEncryptionTag = options.tag;
    const r = await this.call(B.decrypt(requireId(uid), bytesArg(data), o), 'decrypt');
    return r.data ?? new Uint8Array(0);
  }

  /** Many Encrypt calls with one key in one round trip. */
  async encryptMany(
    uid: string,
    messages: readonly Uint8Array[],
    options: EncryptOptions = {},
  ): Promise<BulkResult<EncryptResult>[]> {
    const o: B.DataOptions = {};
    const p = this.#params(options);
    if (p !== undefined) o.cryptographicParameters = p;
    if (options.aad !== undefined) o.authenticatedEncryptionAdditionalData = options.aad;
    const items = messages.map((m) => B.encrypt(requireId(uid), bytesArg(m), o));
    return (await this.batch(items)).map((r) => {
      if (!r.ok) return r;
      const e: EncryptResult = { data: r.value.data ?? new Uint8Array(0) };
      if (r.value.ivCounterNonce !== undefined) e.iv = r.value.ivCounterNonce;
      if (r.value.authenticatedEncryptionTag !== undefined)
        e.tag = r.value.authenticatedEncryptionTag;
      return { ok: true, value: e };
    });
  }

  /** Many Decrypt calls in one round trip. */
  async decryptMany(
    uid: string,
    items: readonly { data: Uint8Array; iv?: Uint8Array; tag?: Uint8Array }[],
    options: Omit<DecryptOptions, 'iv' | 'tag'> = {},
  ): Promise<BulkResult<Uint8Array>[]> {
    const p = this.#params(options);
    const batch = items.map((it) => {
      const o: B.DataOptions & { authenticatedEncryptionTag?: Uint8Array } = {};
      if (p !== undefined) o.cryptographicParameters = p;
      if (options.aad !== undefined) o.authenticatedEncryptionAdditionalData = options.aad;
      if (it.iv !== undefined) o.ivCounterNonce = it.iv;
      if (it.tag !== undefined) o.authenticatedEncryptionTag = it.tag;
      return B.decrypt(requireId(uid), bytesArg(it.data), o);
    });
    return (await this.batch(batch)).map((r) =>
      r.ok ? { ok: true, value: r.value.data ?? new Uint8Array(0) } : r,
    );
  }

  /** Sign `data` (or an already computed digest) with a private key. */
  async sign(
    uid: string,
    data: Uint8Array,
    options: { digested?: boolean; parameters?: CryptographicParameters } = {},
  ): Promise<Uint8Array> {
    const r = await this.call(
      B.sign(
        requireId(uid),
        options.digested === true ? { digestedData: bytesArg(data) } : { data: bytesArg(data) },
        options.parameters,
      ),
      'sign',
    );
    if (r.signatureData === undefined)
      throw new KmsClientError('ERR_KMS_CLIENT_RESPONSE', 'sign: no signature in the answer', {
        operation: 'sign',
      });
    return r.signatureData;
  }

  /** Verify a signature with a public key: true when valid. */
  async verify(
    uid: string,
    data: Uint8Array,
    signature: Uint8Array,
    options: { digested?: boolean; parameters?: CryptographicParameters } = {},
  ): Promise<boolean> {
    const r = await this.call(
      B.signatureVerify(
        requireId(uid),
        options.digested === true ? { digestedData: bytesArg(data) } : { data: bytesArg(data) },
        bytesArg(signature, 'signature'),
        options.parameters,
      ),
      'signatureVerify',
    );
    return r.validityIndicator === ValidityIndicator.Valid;
  }

  /** HMAC with a key of the server. */
  async mac(
    uid: string,
    data: Uint8Array,
    parameters?: CryptographicParameters,
  ): Promise<Uint8Array> {
    const r = await this.call(B.mac(requireId(uid), bytesArg(data), parameters), 'mac');
    if (r.macData === undefined)
      throw new KmsClientError('ERR_KMS_CLIENT_RESPONSE', 'mac: no MAC in the answer', {
        operation: 'mac',
      });
    return r.macData;
  }

  /** Verify an HMAC (constant time on the server): true when valid. */
  async macVerify(
    uid: string,
    data: Uint8Array,
    mac: Uint8Array,
    parameters?: CryptographicParameters,
  ): Promise<boolean> {
    const r = await this.call(
      B.macVerify(requireId(uid), bytesArg(data), bytesArg(mac, 'mac'), parameters),
      'macVerify',
    );
    return r.validityIndicator === ValidityIndicator.Valid;
  }

  /** A digest computed by the server. */
  async hash(data: Uint8Array, algorithm: HashName = 'sha256'): Promise<Uint8Array> {
    const r = await this.call(
      B.hash(bytesArg(data), lookupName(HASHES, algorithm, 'algorithm')),
      'hash',
    );
    return r.data ?? new Uint8Array(0);
  }

  /** Random bytes from the server's generator. */
  async random(length: number): Promise<Uint8Array> {
    if (!Number.isSafeInteger(length) || length <= 0)
      throw new RangeError('length must be a positive integer');
    return (await this.call(B.rngRetrieve(length), 'random')).data;
  }

  // -------------------------------------------------------------------------------------------
  // Certificates

  /**
   * Certify: issue a certificate for a CSR, a public key of the server, or a new key pair;
   * self-signed unless an issuer is given. Returns the certificate's identifier.
   */
  async certify(options: CertifyOptions): Promise<string> {
    const sources = [options.csr, options.publicKeyId, options.generate].filter(
      (x) => x !== undefined,
    ).length;
    if (sources !== 1)
      throw new TypeError('certify takes exactly one of csr, publicKeyId, generate');
    let attributes: Attributes = objectAttributes(
      options,
      options.subject === undefined ? {} : subjectAttributes(options.subject),
    );
    const links = [...(attributes.links ?? [])];
    if (options.issuerPrivateKeyId !== undefined)
      links.push({
        linkType: LinkType.PrivateKeyLink,
        linkedObjectIdentifier: options.issuerPrivateKeyId,
      });
    if (options.issuerCertificateId !== undefined)
      links.push({
        linkType: LinkType.CertificateLink,
        linkedObjectIdentifier: options.issuerCertificateId,
      });
    if (links.length > 0) attributes.links = links;
    const vendor = [];
    if (options.days !== undefined)
      vendor.push(vendorText('requested_validity_days', String(options.days)));
    if (options.extensions !== undefined)
      vendor.push(vendorText('x509-extension', options.extensions));
    attributes = withVendor(attributes, vendor);
    const payload: Parameters<typeof B.certify>[0] = {};
    if (options.csr !== undefined) {
      const pem = typeof options.csr === 'string';
      payload.certificateRequestType = pem ? 3 : 2; // PEM / PKCS#10
      payload.certificateRequestValue = textOrBytes(options.csr);
    } else if (options.publicKeyId !== undefined)
      payload.uniqueIdentifier = requireId(options.publicKeyId, 'publicKeyId');
    else {
      const family = lookupName(KEY_PAIR_ALGORITHMS, options.generate as string, 'generate');
      attributes.cryptographicAlgorithm = family.algorithm;
      if (family.curve !== undefined)
        attributes.cryptographicDomainParameters = { recommendedCurve: family.curve };
    }
    payload.attributes = attributes;
    const r = await this.call(B.certify(payload), 'certify');
    return r.uniqueIdentifier as string;
  }

  /** Validate certificates (by identifier on the server, or DER bytes): chain, dates, revocation. */
  async validate(options: {
    uids?: readonly string[];
    certificates?: readonly Uint8Array[];
    at?: Date;
  }): Promise<Validity> {
    const payload: Parameters<typeof B.validate>[0] = {};
    if (options.uids !== undefined)
      payload.uniqueIdentifiers = options.uids.map((u) => requireId(u));
    if (options.certificates !== undefined)
      payload.certificates = options.certificates.map((c) => ({
        certificateType: 1,
        certificateValue: bytesArg(c, 'certificate'),
      }));
    if (options.at !== undefined) payload.validityDate = options.at;
    const r = await this.call(B.validate(payload), 'validate');
    return r.validityIndicator === ValidityIndicator.Valid
      ? 'valid'
      : r.validityIndicator === ValidityIndicator.Invalid
        ? 'invalid'
        : 'unknown';
  }

  // -------------------------------------------------------------------------------------------
  // Covercrypt

  /**
   * A Covercrypt master key pair for an access structure (Cosmian's JSON, e.g.
   * `{"Security Level::<": ["Protected", "Confidential"], "Department": ["HR", "FIN"]}`, or
   * Custos' `{"dimensions": [...]}`). Returns the master secret key (private) and master public
   * key identifiers.
   */
  async createCovercryptMasterKeyPair(
    accessStructure: string | object,
    options: ObjectOptions = {},
  ): Promise<KeyPairIds> {
    const text =
      typeof accessStructure === 'string' ? accessStructure : JSON.stringify(accessStructure);
    const common = withVendor({ cryptographicAlgorithm: VENDOR.COVERCRYPT }, [
      vendorText('cover_crypt_access_structure', text),
    ]);
    const r = await this.call(
      batchItem(Operation.CreateKeyPair, {
        commonAttributes: objectAttributes(options, common),
        privateKeyAttributes: {},
        publicKeyAttributes: {},
      }),
      'createCovercryptMasterKeyPair',
    );
    return {
      privateKeyId: r.privateKeyUniqueIdentifier as string,
      publicKeyId: r.publicKeyUniqueIdentifier as string,
    };
  }

  /** A Covercrypt user key for `accessPolicy` (e.g. `Department::HR && Security Level::Protected`). */
  async createCovercryptUserKey(
    masterSecretKeyId: string,
    accessPolicy: string,
    options: ObjectOptions = {},
  ): Promise<string> {
    if (typeof accessPolicy !== 'string' || accessPolicy === '')
      throw new TypeError('accessPolicy must be a non-empty string');
    const base = withVendor(
      {
        cryptographicAlgorithm: VENDOR.COVERCRYPT,
        links: [
          {
            linkType: LinkType.ParentLink,
            linkedObjectIdentifier: requireId(masterSecretKeyId, 'masterSecretKeyId'),
          },
        ],
      },
      [vendorText('cover_crypt_access_policy', accessPolicy)],
    );
    const r = await this.call(
      batchItem(Operation.Create, {
        objectType: ObjectType.PrivateKey,
        attributes: objectAttributes(options, base),
      }),
      'createCovercryptUserKey',
    );
    return r.uniqueIdentifier as string;
  }

  /**
   * Changes a Covercrypt authority: rotate or prune the secrets of attributes, add, rename,
   * disable, enable or remove attributes (Re-key Key Pair on the master secret key; the
   * server refreshes the user keys). Identifiers stay the same.
   */
  async rekeyCovercrypt(masterSecretKeyId: string, action: CovercryptAction): Promise<KeyPairIds> {
    let json: unknown;
    if ('rekey' in action) json = { RekeyAccessPolicy: action.rekey };
    else if ('prune' in action) json = { PruneAccessPolicy: action.prune };
    else if ('addAttribute' in action)
      json = {
        AddAttribute: action.addAttribute.map((a) => [
          a.attribute,
          a.hybrid === true ? 'Hybridized' : 'Classic',
          a.after ?? null,
        ]),
      };
    else if ('renameAttribute' in action)
      json = { RenameAttribute: action.renameAttribute.map((a) => [a.attribute, a.newName]) };
    else if ('disableAttribute' in action) json = { DisableAttribute: action.disableAttribute };
    else if ('enableAttribute' in action) json = { EnableAttribute: action.enableAttribute };
    else if ('removeAttribute' in action) json = { DeleteAttribute: action.removeAttribute };
    else throw new TypeError('unknown Covercrypt action');
    const common = withVendor({ cryptographicAlgorithm: VENDOR.COVERCRYPT }, [
      vendorText('cover_crypt_rekey_action', JSON.stringify(json)),
    ]);
    const r = await this.call(
      B.reKeyKeyPair(requireId(masterSecretKeyId, 'masterSecretKeyId'), {
        commonAttributes: common,
      }),
      'rekeyCovercrypt',
    );
    return {
      privateKeyId: r.privateKeyUniqueIdentifier as string,
      publicKeyId: r.publicKeyUniqueIdentifier as string,
    };
  }

  /** The access structure of a Covercrypt master key (as the server describes it, parsed JSON). */
  async getAccessStructure(masterKeyId: string): Promise<unknown> {
    const attributes = await this.getAttributes(masterKeyId);
    const text = readVendorText(attributes, 'cover_crypt_access_structure');
    if (text === undefined)
      throw new KmsClientError(
        'ERR_KMS_CLIENT_RESPONSE',
        `getAccessStructure: ${masterKeyId} has no access structure`,
        {
          operation: 'getAccessStructure',
        },
      );
    return JSON.parse(text) as unknown;
  }

  /** The access policy of a Covercrypt user key. */
  async getAccessPolicy(userKeyId: string): Promise<string | undefined> {
    return readVendorText(await this.getAttributes(userKeyId), 'cover_crypt_access_policy');
  }

  /** Covercrypt-encrypt `plaintext` for `policy` with a master public key. */
  async covercryptEncrypt(
    masterPublicKeyId: string,
    policy: string,
    plaintext: Uint8Array,
    options: { aad?: Uint8Array } = {},
  ): Promise<Uint8Array> {
    const p = utf8.encode(policy);
    const data = concat([leb128(p.length), p, bytesArg(plaintext, 'plaintext')]);
    const o: B.DataOptions = {};
    if (options.aad !== undefined) o.authenticatedEncryptionAdditionalData = options.aad;
    const r = await this.call(
      B.encrypt(requireId(masterPublicKeyId), data, o),
      'covercryptEncrypt',
    );
    return r.data ?? new Uint8Array(0);
  }

  /** Covercrypt-decrypt with a user key (Permission-like failure when its policy does not open it). */
  async covercryptDecrypt(
    userKeyId: string,
    ciphertext: Uint8Array,
    options: { aad?: Uint8Array } = {},
  ): Promise<Uint8Array> {
    const o: B.DataOptions = {};
    if (options.aad !== undefined) o.authenticatedEncryptionAdditionalData = options.aad;
    const r = await this.call(
      B.decrypt(requireId(userKeyId), bytesArg(ciphertext, 'ciphertext'), o),
      'covercryptDecrypt',
    );
    return r.data ?? new Uint8Array(0);
  }

  /** Covercrypt-encrypt many messages under ONE header (one KEM operation for all). */
  async covercryptEncryptBulk(
    masterPublicKeyId: string,
    policy: string,
    messages: readonly Uint8Array[],
    options: { aad?: Uint8Array } = {},
  ): Promise<Uint8Array> {
    const p = utf8.encode(policy);
    const data = concat([
      leb128(p.length),
      p,
      encodeBulk(messages.map((m) => bytesArg(m, 'message'))),
    ]);
    const o: B.DataOptions = {
      cryptographicParameters: { cryptographicAlgorithm: VENDOR.COVERCRYPT_BULK },
    };
    if (options.aad !== undefined) o.authenticatedEncryptionAdditionalData = options.aad;
    const r = await this.call(
      B.encrypt(requireId(masterPublicKeyId), data, o),
      'covercryptEncryptBulk',
    );
    return r.data ?? new Uint8Array(0);
  }

  /** Decrypts what `covercryptEncryptBulk` made. */
  async covercryptDecryptBulk(
    userKeyId: string,
    ciphertext: Uint8Array,
    options: { aad?: Uint8Array } = {},
  ): Promise<Uint8Array[]> {
    const o: B.DataOptions = {
      cryptographicParameters: { cryptographicAlgorithm: VENDOR.COVERCRYPT_BULK },
    };
    if (options.aad !== undefined) o.authenticatedEncryptionAdditionalData = options.aad;
    const r = await this.call(
      B.decrypt(requireId(userKeyId), bytesArg(ciphertext, 'ciphertext'), o),
      'covercryptDecryptBulk',
    );
    try {
      return decodeBulk(r.data ?? new Uint8Array(0));
    } catch (error) {
      throw new KmsClientError(
        'ERR_KMS_CLIENT_RESPONSE',
        'covercryptDecryptBulk: malformed answer',
        {
          operation: 'covercryptDecryptBulk',
          cause: error,
        },
      );
    }
  }

  // -------------------------------------------------------------------------------------------
  // FPE

  /** A key for format-preserving encryption (FF1, AES-256 by default). */
  createFpeKey(options: ObjectOptions & { bits?: 128 | 192 | 256 } = {}): Promise<string> {
    return this.createSymmetricKey({
      ...options,
      algorithm: 'fpe-ff1',
      ...(options.bits === undefined ? {} : { bits: options.bits }),
    });
  }

  #fpeOptions(options: { format?: string | object; tweak?: Uint8Array | string }): B.DataOptions {
    const o: B.DataOptions = {};
    if (options.format !== undefined)
      o.authenticatedEncryptionAdditionalData = utf8.encode(
        typeof options.format === 'string' ? options.format : JSON.stringify(options.format),
      );
    if (options.tweak !== undefined) o.ivCounterNonce = textOrBytes(options.tweak);
    return o;
  }

  /**
   * Format-preserving encryption of a value on the server. `format`: an alphabet name
   * (`numeric`, `alpha_numeric`...), characters, or a JSON format (`{"type":"card"}`,
   * `{"type":"date"}`...; docs/kms.md). `tweak`: the same at decryption.
   */
  async fpeEncrypt(
    uid: string,
    value: string,
    options: { format?: string | object; tweak?: Uint8Array | string } = {},
  ): Promise<string> {
    if (typeof value !== 'string') throw new TypeError('value must be a string');
    const r = await this.call(
      B.encrypt(requireId(uid), utf8.encode(value), this.#fpeOptions(options)),
      'fpeEncrypt',
    );
    return new TextDecoder().decode(r.data ?? new Uint8Array(0));
  }

  async fpeDecrypt(
    uid: string,
    value: string,
    options: { format?: string | object; tweak?: Uint8Array | string } = {},
  ): Promise<string> {
    if (typeof value !== 'string') throw new TypeError('value must be a string');
    const r = await this.call(
      B.decrypt(requireId(uid), utf8.encode(value), this.#fpeOptions(options)),
      'fpeDecrypt',
    );
    return new TextDecoder().decode(r.data ?? new Uint8Array(0));
  }

  // -------------------------------------------------------------------------------------------
  // Access rights

  /** Grants `rights` on object `uid` (or `*` for `create`) to `user` (`*` = everyone). */
  async grantAccess(uid: string, user: string, rights: readonly Right[]): Promise<void> {
    await this.#rest('grantAccess', 'POST', 'access/grant', {
      unique_identifier: requireId(uid),
      user_id: requireId(user, 'user'),
      operation_types: [...rights],
    });
  }

  async revokeAccess(uid: string, user: string, rights: readonly Right[]): Promise<void> {
    await this.#rest('revokeAccess', 'POST', 'access/revoke', {
      unique_identifier: requireId(uid),
      user_id: requireId(user, 'user'),
      operation_types: [...rights],
    });
  }

  /** Who holds which rights on an object (owner only). */
  async listAccess(uid: string): Promise<AccessEntry[]> {
    const r = await this.#rest<{ user_id: string; operations: string[] }[]>(
      'listAccess',
      'GET',
      `access/list/${encodeURIComponent(requireId(uid))}`,
    );
    return r.map((e) => ({ user: e.user_id, operations: e.operations }));
  }

  /** Objects the caller owns. */
  async ownedObjects(): Promise<OwnedObject[]> {
    const r = await this.#rest<
      { object_id: string; object_type: string; state: string; tags?: string[] }[]
    >('ownedObjects', 'GET', 'access/owned');
    return r.map((o) => ({
      objectId: o.object_id,
      objectType: o.object_type,
      state: o.state,
      tags: o.tags ?? [],
    }));
  }

  /** Objects others granted the caller rights on. */
  async obtainedObjects(): Promise<ObtainedObject[]> {
    const r = await this.#rest<
      { object_id: string; owner_id: string; state: string; operations: string[] }[]
    >('obtainedObjects', 'GET', 'access/obtained');
    return r.map((o) => ({
      objectId: o.object_id,
      ownerId: o.owner_id,
      state: o.state,
      operations: o.operations,
    }));
  }

  async hasCreatePermission(): Promise<boolean> {
    return (
      await this.#rest<{ has_create_permission: boolean }>(
        'hasCreatePermission',
        'GET',
        'access/create',
      )
    ).has_create_permission;
  }

  async isPrivileged(): Promise<boolean> {
    return (
      await this.#rest<{ has_privileged_access: boolean }>(
        'isPrivileged',
        'GET',
        'access/privileged',
      )
    ).has_privileged_access;
  }
}

/**
 * A `KmsClient` for Node with TLS options (client certificate, CA, insecure) wired through
 * `node:https`; without TLS options it is the plain constructor.
 */
export async function createKmsClient(options: KmsClientOptions): Promise<KmsClient> {
  if (options.tls === undefined || options.fetch !== undefined) return new KmsClient(options);
  const { createNodeFetch } = await import('./node-fetch.ts');
  return new KmsClient({ ...options, fetch: createNodeFetch(options.tls) });
}
