/**
 * Key files of the key commands. Formats:
 *
 * - `json-ttlv` (default): the KMIP object as JSON TTLV, attributes inside its Key Value (what
 *   Cosmian's `ckms` writes and reads), so a key moves between servers with its metadata;
 * - `raw` / `base64`: the bare key bytes (symmetric keys, secret data);
 * - `pkcs8-pem`, `pkcs8-der`, `spki-pem`, `spki-der`, `pkcs1-pem`, `pkcs1-der`, `sec1-pem`,
 *   `sec1-der`: asymmetric keys in their standard encodings;
 * - `x509-pem`, `x509-der`: certificates.
 */
import { readFile, writeFile } from 'node:fs/promises';
import type { Attributes, ManagedObject } from '@custos/kmip';
import { FileError } from './_errors.ts';

export const KEY_FILE_FORMATS = [
  'json-ttlv',
  'raw',
  'base64',
  'pkcs8-pem',
  'pkcs8-der',
  'spki-pem',
  'spki-der',
  'pkcs1-pem',
  'pkcs1-der',
  'sec1-pem',
  'sec1-der',
  'x509-pem',
  'x509-der',
] as const;
export type KeyFileFormat = (typeof KEY_FILE_FORMATS)[number];

/** Key Format Type asked of the server for each format (json-ttlv: as stored). */
export const SERVER_FORMAT: Readonly<Record<KeyFileFormat, string | undefined>> = {
  'json-ttlv': undefined,
  raw: 'raw',
  base64: 'raw',
  'pkcs8-pem': 'pkcs8',
  'pkcs8-der': 'pkcs8',
  'spki-pem': 'spki',
  'spki-der': 'spki',
  'pkcs1-pem': 'pkcs1',
  'pkcs1-der': 'pkcs1',
  'sec1-pem': 'sec1',
  'sec1-der': 'sec1',
  'x509-pem': undefined,
  'x509-der': undefined,
};

const PEM_LABEL: Readonly<Partial<Record<KeyFileFormat, string>>> = {
  'pkcs8-pem': 'PRIVATE KEY',
  'spki-pem': 'PUBLIC KEY',
  'pkcs1-pem': 'RSA PRIVATE KEY',
  'sec1-pem': 'EC PRIVATE KEY',
  'x509-pem': 'CERTIFICATE',
};

export function toPem(der: Uint8Array, label: string): string {
  const b64 = Buffer.from(der).toString('base64');
  return `-----BEGIN ${label}-----\n${(b64.match(/.{1,64}/g) ?? []).join('\n')}\n-----END ${label}-----\n`;
}

/** DER of the first PEM block (any label), or undefined when `text` is not PEM. */
export function fromPem(text: string): { label: string; der: Uint8Array } | undefined {
  const m = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/.exec(text);
  if (m === null) return undefined;
  return {
    label: m[1] as string,
    der: new Uint8Array(Buffer.from((m[2] as string).replace(/\s+/g, ''), 'base64')),
  };
}

export async function readInput(file: string, what: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(file));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new FileError(
      code === 'ENOENT'
        ? `${what} ${file} does not exist`
        : `cannot read ${what} ${file} (${code ?? 'error'})`,
      { cause: error },
    );
  }
}

export async function writeOutput(
  file: string,
  data: Uint8Array | string,
  stdout: NodeJS.WritableStream,
): Promise<void> {
  if (file === '-') {
    stdout.write(data);
    return;
  }
  try {
    await writeFile(file, data, { mode: 0o600 });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new FileError(`cannot write ${file} (${code ?? 'error'})`, { cause: error });
  }
}

/** The bytes of an object's key material (unwrapped byte form), or undefined. */
export function materialBytes(object: ManagedObject): Uint8Array | undefined {
  if (object.kind === 'Certificate') return object.certificateValue;
  if (object.kind === 'OpaqueObject') return object.opaqueDataValue;
  if (!('keyBlock' in object)) return undefined;
  const kv = object.keyBlock.keyValue;
  if (kv instanceof Uint8Array) return kv;
  return kv?.keyMaterial instanceof Uint8Array ? kv.keyMaterial : undefined;
}

/** A JSON TTLV document of `object`, with `attributes` put in its Key Value. */
export async function objectToJson(
  object: ManagedObject,
  attributes?: Attributes,
): Promise<string> {
  const { managedObject, encodeJson, KMIP_2_1 } = await import('@custos/kmip');
  let o = object;
  if (attributes !== undefined && 'keyBlock' in object) {
    const kv = object.keyBlock.keyValue;
    if (kv !== undefined && !(kv instanceof Uint8Array))
      o = {
        ...object,
        keyBlock: { ...object.keyBlock, keyValue: { ...kv, attributes } },
      };
  }
  return `${encodeJson(managedObject.write(0, o, KMIP_2_1, 'object'))}\n`;
}

/** Parses a JSON TTLV key file. @throws FileError when it is not one. */
export async function objectFromJson(
  bytes: Uint8Array,
  file: string,
): Promise<{ object: ManagedObject; attributes: Attributes }> {
  const { managedObject, decodeJson, KMIP_2_1 } = await import('@custos/kmip');
  let object: ManagedObject;
  try {
    object = managedObject.read(decodeJson(bytes), KMIP_2_1, 'object');
  } catch (error) {
    throw new FileError(`${file} is not a KMIP JSON TTLV object (${(error as Error).message})`, {
      cause: error,
    });
  }
  let attributes: Attributes = {};
  if ('keyBlock' in object) {
    const kv = object.keyBlock.keyValue;
    if (kv !== undefined && !(kv instanceof Uint8Array) && kv.attributes !== undefined) {
      attributes = kv.attributes;
      const { attributes: _dropped, ...rest } = kv;
      object = { ...object, keyBlock: { ...object.keyBlock, keyValue: rest } };
    }
  }
  return { object, attributes };
}

/** The file bytes of an exported object in `format`. */
export async function encodeKeyFile(
  object: ManagedObject,
  attributes: Attributes | undefined,
  format: KeyFileFormat,
): Promise<Uint8Array | string> {
  if (format === 'json-ttlv') return objectToJson(object, attributes);
  const bytes = materialBytes(object);
  if (bytes === undefined)
    throw new FileError(
      `the key cannot be written as ${format} (its material is wrapped or structured): use json-ttlv`,
    );
  if (format === 'base64') return `${Buffer.from(bytes).toString('base64')}\n`;
  const label = PEM_LABEL[format];
  return label === undefined ? bytes : toPem(bytes, label);
}

export { PEM_LABEL };
