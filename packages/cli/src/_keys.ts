/**
 * The key commands' work (`cmd-keys.ts` declares them): create, import, export, local wrap and
 * unwrap of key files, revoke, destroy, re-key, for each key family.
 */
import type {
  KeyPairAlgorithm,
  KmsClient,
  ObjectOptions,
  SymmetricAlgorithm,
} from '@custos/client';
import type { Attributes, ManagedObject } from '@custos/kmip';
import { flag, int, list, str } from './_args.ts';
import type { CommandArgs, CommandContext } from './_commands.ts';
import { CliError, Exit, FileError, UsageError } from './_errors.ts';
import {
  SERVER_FORMAT,
  encodeKeyFile,
  fromPem,
  materialBytes,
  objectFromJson,
  objectToJson,
  readInput,
  writeOutput,
  type KeyFileFormat,
} from './_keyfile.ts';

type Family = 'sym' | 'rsa' | 'ec' | 'pqc' | 'fpe';

function objectOptions(args: CommandArgs): ObjectOptions {
  const o: ObjectOptions = {};
  const tags = list(args, 'tag');
  if (tags.length > 0) o.tags = tags;
  const name = str(args, 'name');
  if (name !== undefined) o.name = name;
  if (flag(args, 'sensitive')) o.sensitive = true;
  if (flag(args, 'pre-active')) o.activate = false;
  const id = args.positionals[0];
  if (id !== undefined) o.uid = id;
  return o;
}

function pairAlgorithm(
  family: Family,
  args: CommandArgs,
): { algorithm: KeyPairAlgorithm; bits?: number } {
  if (family === 'rsa') {
    const bits = int(args, 'bits', undefined, 2048, 4096);
    return bits === undefined ? { algorithm: 'rsa' } : { algorithm: 'rsa', bits };
  }
  if (family === 'ec') return { algorithm: (str(args, 'curve') ?? 'p256') as KeyPairAlgorithm };
  return { algorithm: str(args, 'algorithm') as KeyPairAlgorithm };
}

async function create(family: Family, ctx: CommandContext, args: CommandArgs): Promise<void> {
  const kms = await ctx.client();
  if (family === 'sym' || family === 'fpe') {
    const bits = int(args, 'bits', undefined, 8, 4096);
    const algorithm = (
      family === 'fpe' ? 'fpe-ff1' : (str(args, 'algorithm') ?? 'aes')
    ) as SymmetricAlgorithm;
    const uid = await kms.createSymmetricKey({
      ...objectOptions(args),
      algorithm,
      ...(bits === undefined ? {} : { bits }),
    });
    ctx.out.result(
      { uniqueIdentifier: uid },
      () => `created ${family === 'fpe' ? 'FPE key' : 'symmetric key'} ${uid}`,
    );
    return;
  }
  const ids = await kms.createKeyPair({ ...objectOptions(args), ...pairAlgorithm(family, args) });
  ctx.out.result(
    ids,
    (r) => `created key pair\n  private key: ${r.privateKeyId}\n  public key:  ${r.publicKeyId}`,
  );
}

function format(args: CommandArgs): KeyFileFormat {
  return (str(args, 'format') ?? 'json-ttlv') as KeyFileFormat;
}

async function exportKey(ctx: CommandContext, args: CommandArgs): Promise<void> {
  const [id, file] = args.positionals as [string, string];
  const fmt = format(args);
  const kms = await ctx.client();
  const serverFormat = SERVER_FORMAT[fmt];
  const wrapKeyId = str(args, 'wrap-key-id');
  if (wrapKeyId !== undefined && fmt !== 'json-ttlv')
    throw new UsageError('a wrapped key can only be written as json-ttlv', '');
  const r = await kms.exportObject(id, {
    ...(serverFormat === undefined ? {} : { format: serverFormat as never }),
    ...(wrapKeyId === undefined
      ? {}
      : { wrapKeyId, wrapMode: (str(args, 'wrap-mode') ?? 'aes-kwp') as never }),
  });
  await writeOutput(file, await encodeKeyFile(r.object, r.attributes, fmt), ctx.stdout);
  if (file !== '-')
    ctx.out.result({ uniqueIdentifier: id, file, format: fmt }, () => `exported ${id} to ${file}`);
}

/** The object and attributes a key file describes. */
async function readKeyFile(
  family: Family,
  file: string,
  fmt: KeyFileFormat,
  args: CommandArgs,
): Promise<{ object: ManagedObject; attributes: Attributes }> {
  const bytes = await readInput(file, 'key file');
  const { CryptographicAlgorithm, KeyFormatType } = await import('@custos/kmip');
  if (fmt === 'json-ttlv') return objectFromJson(bytes, file);
  if (fmt === 'raw' || fmt === 'base64') {
    if (family !== 'sym' && family !== 'fpe')
      throw new UsageError(`--format ${fmt} is for symmetric keys`, '');
    const key =
      fmt === 'raw'
        ? bytes
        : new Uint8Array(Buffer.from(new TextDecoder().decode(bytes).trim(), 'base64'));
    if (key.length === 0) throw new FileError(`${file} holds no key bytes`);
    const { SYMMETRIC_ALGORITHMS } = await import('@custos/client/names');
    const algorithm = SYMMETRIC_ALGORITHMS[(str(args, 'algorithm') ?? 'aes') as SymmetricAlgorithm];
    return {
      object: {
        kind: 'SymmetricKey',
        keyBlock: {
          keyFormatType: KeyFormatType.Raw,
          keyValue: { keyMaterial: key },
          cryptographicAlgorithm: algorithm,
          cryptographicLength: key.length * 8,
        },
      },
      attributes: { cryptographicAlgorithm: algorithm, cryptographicLength: key.length * 8 },
    };
  }
  let der = bytes;
  if (fmt.endsWith('-pem')) {
    const pem = fromPem(new TextDecoder().decode(bytes));
    if (pem === undefined) throw new FileError(`${file} is not a PEM file`);
    der = pem.der;
  }
  const isPublic = fmt.startsWith('spki');
  const keyFormatType = fmt.startsWith('pkcs8')
    ? KeyFormatType.PKCS_8
    : fmt.startsWith('spki')
      ? KeyFormatType.X_509
      : fmt.startsWith('pkcs1')
        ? KeyFormatType.PKCS_1
        : KeyFormatType.ECPrivateKey;
  let algorithm: number | undefined;
  if (family === 'rsa') algorithm = CryptographicAlgorithm.RSA;
  else if (family === 'ec') algorithm = CryptographicAlgorithm.EC;
  else {
    const name = str(args, 'algorithm');
    if (name === undefined)
      throw new UsageError('--algorithm is needed to import a post-quantum key', '');
    const { KEY_PAIR_ALGORITHMS } = await import('@custos/client/names');
    algorithm = KEY_PAIR_ALGORITHMS[name as KeyPairAlgorithm].algorithm;
  }
  return {
    object: {
      kind: isPublic ? 'PublicKey' : 'PrivateKey',
      keyBlock: {
        keyFormatType,
        keyValue: { keyMaterial: der },
        cryptographicAlgorithm: algorithm,
      },
    },
    attributes: { cryptographicAlgorithm: algorithm },
  };
}

/** Attributes of a key file that a server sets itself and refuses from a client. */
const SERVER_SET: readonly (keyof Attributes)[] = [
  'uniqueIdentifier',
  'state',
  'initialDate',
  'lastChangeDate',
  'destroyDate',
  'compromiseDate',
  'originalCreationDate',
  'keyValuePresent',
  'alwaysSensitive',
  'neverExtractable',
  'fresh',
  'digests',
  'links',
  'keyFormatType',
];

async function importKey(family: Family, ctx: CommandContext, args: CommandArgs): Promise<void> {
  const [file, id] = args.positionals as [string, string | undefined];
  const { object, attributes } = await readKeyFile(family, file, format(args), args);
  const clean: Attributes = { ...attributes };
  for (const k of SERVER_SET) clean[k] = undefined as never;
  // System tags (`_kk`...) are the server's: keep only the user tags of the file.
  if (clean.vendorAttributes !== undefined) {
    const { Tag } = await import('@custos/kmip');
    clean.vendorAttributes = clean.vendorAttributes.flatMap((v) => {
      if (v.attributeName !== 'tag') return [v];
      const item = v.attributeValue;
      const text =
        item.type === 'TextString'
          ? item.value
          : item.type === 'ByteString'
            ? new TextDecoder().decode(item.value)
            : '[]';
      let user: string[] = [];
      try {
        const parsed: unknown = JSON.parse(text);
        if (Array.isArray(parsed))
          user = parsed.filter((t): t is string => typeof t === 'string' && !t.startsWith('_'));
      } catch {
        throw new FileError(`${file}: the tag attribute is not a JSON list`);
      }
      return user.length === 0
        ? []
        : [
            {
              ...v,
              attributeValue: {
                tag: Tag.AttributeValue,
                type: 'TextString' as const,
                value: JSON.stringify(user),
              },
            },
          ];
    });
    if (clean.vendorAttributes.length === 0) delete clean.vendorAttributes;
  }
  // Tags travel as the vendor attribute `tag`: merge the file's with --tag ones.
  const kms = await ctx.client();
  const tags = list(args, 'tag');
  const options: ObjectOptions = { attributes: clean, activate: true };
  if (tags.length > 0) options.tags = tags;
  let uid: string;
  if (id === undefined) {
    if (flag(args, 'replace')) throw new UsageError('--replace needs the ID to replace', '');
    if (flag(args, 'unwrap'))
      throw new UsageError('--unwrap needs an ID (the Import operation)', '');
    uid = await kms.register(object, options);
  } else
    uid = await kms.importObject(id, object, {
      ...options,
      replace: flag(args, 'replace'),
      unwrap: flag(args, 'unwrap'),
    });
  ctx.out.result({ uniqueIdentifier: uid }, () => `imported ${file} as ${uid}`);
}

async function wrappingKey(
  kms: () => Promise<KmsClient>,
  id: string | undefined,
  b64: string | undefined,
  what: string,
): Promise<Uint8Array> {
  if (b64 !== undefined) {
    const key = new Uint8Array(Buffer.from(b64, 'base64'));
    if (![16, 24, 32].includes(key.length))
      throw new UsageError(`the ${what} key must be 16, 24 or 32 bytes in base64`, '');
    return key;
  }
  if (id === undefined)
    throw new UsageError(`give the ${what} key: --${what}-key-id or --${what}-key-b64`, '');
  return (await kms()).getKeyBytes(id);
}

async function wrapFile(ctx: CommandContext, args: CommandArgs): Promise<void> {
  const [input, output] = args.positionals as [string, string];
  const { object, attributes } = await objectFromJson(await readInput(input, 'key file'), input);
  if (!('keyBlock' in object)) throw new FileError(`${input} holds no key`);
  if (object.keyBlock.keyWrappingData !== undefined)
    throw new FileError(`${input} is already wrapped`);
  const material = materialBytes(object);
  if (material === undefined)
    throw new FileError(`${input}: only byte key material can be wrapped`);
  const id = str(args, 'wrap-key-id');
  const kek = await wrappingKey(() => ctx.client(), id, str(args, 'wrap-key-b64'), 'wrap');
  const { provider } = await import('@custos/crypto');
  const { BlockCipherMode, WrappingMethod } = await import('@custos/kmip');
  const mode = str(args, 'wrap-mode') ?? 'aes-kwp';
  const wrapped = (mode === 'aes-kw' ? provider.keyWrap.aesKw : provider.keyWrap.aesKwp).wrap(
    kek,
    material,
  );
  const out = {
    ...object,
    keyBlock: {
      ...object.keyBlock,
      keyValue: wrapped,
      keyWrappingData: {
        wrappingMethod: WrappingMethod.Encrypt,
        encryptionKeyInformation: {
          uniqueIdentifier: id ?? 'local',
          cryptographicParameters: {
            blockCipherMode:
              mode === 'aes-kw' ? BlockCipherMode.NISTKeyWrap : BlockCipherMode.AESKeyWrapPadding,
          },
        },
      },
    },
  } as ManagedObject;
  await writeOutput(
    output,
    await objectToJson(out, Object.keys(attributes).length > 0 ? attributes : undefined),
    ctx.stdout,
  );
  if (output !== '-') ctx.out.result({ file: output }, () => `wrapped ${input} into ${output}`);
}

async function unwrapFile(ctx: CommandContext, args: CommandArgs): Promise<void> {
  const [input, output] = args.positionals as [string, string];
  const { object, attributes } = await objectFromJson(await readInput(input, 'key file'), input);
  if (!('keyBlock' in object) || object.keyBlock.keyWrappingData === undefined)
    throw new FileError(`${input} is not a wrapped key`);
  const data = object.keyBlock.keyWrappingData;
  const wrapped = object.keyBlock.keyValue;
  if (!(wrapped instanceof Uint8Array))
    throw new FileError(`${input}: the wrapped key is not bytes`);
  const named = data.encryptionKeyInformation?.uniqueIdentifier;
  const id =
    str(args, 'unwrap-key-id') ??
    (typeof named === 'string' && named !== 'local' ? named : undefined);
  const kek = await wrappingKey(() => ctx.client(), id, str(args, 'unwrap-key-b64'), 'unwrap');
  const { provider } = await import('@custos/crypto');
  const { BlockCipherMode } = await import('@custos/kmip');
  const mode = data.encryptionKeyInformation?.cryptographicParameters?.blockCipherMode;
  if (
    mode !== undefined &&
    mode !== BlockCipherMode.NISTKeyWrap &&
    mode !== BlockCipherMode.AESKeyWrapPadding
  )
    throw new FileError(
      `${input}: only AES key wrap (RFC 3394/5649) is unwrapped locally; import it with --unwrap instead`,
    );
  let material: Uint8Array;
  try {
    material = (
      mode === BlockCipherMode.NISTKeyWrap ? provider.keyWrap.aesKw : provider.keyWrap.aesKwp
    ).unwrap(kek, wrapped);
  } catch {
    throw new CliError(Exit.invalid, `${input}: unwrapping failed (wrong key or altered file)`);
  }
  const { keyWrappingData: _gone, ...block } = object.keyBlock;
  const out = {
    ...object,
    keyBlock: { ...block, keyValue: { keyMaterial: material } },
  } as ManagedObject;
  await writeOutput(
    output,
    await objectToJson(out, Object.keys(attributes).length > 0 ? attributes : undefined),
    ctx.stdout,
  );
  if (output !== '-') ctx.out.result({ file: output }, () => `unwrapped ${input} into ${output}`);
}

export async function runKeys(
  family: Family,
  action: string,
  ctx: CommandContext,
  args: CommandArgs,
): Promise<void> {
  switch (action) {
    case 'create':
      return create(family, ctx, args);
    case 'export':
      return exportKey(ctx, args);
    case 'import':
      return importKey(family, ctx, args);
    case 'wrap':
      return wrapFile(ctx, args);
    case 'unwrap':
      return unwrapFile(ctx, args);
    case 'revoke': {
      const id = args.positionals[0] as string;
      const message = str(args, 'message');
      await (
        await ctx.client()
      ).revoke(id, {
        reason: (str(args, 'reason') ?? 'unspecified') as never,
        ...(message === undefined ? {} : { message }),
      });
      ctx.out.result({ uniqueIdentifier: id, revoked: true }, () => `revoked ${id}`);
      return;
    }
    case 'destroy': {
      const id = args.positionals[0] as string;
      await (
        await ctx.client()
      ).destroy(id, { remove: flag(args, 'remove'), revoke: flag(args, 'revoke') });
      ctx.out.result(
        { uniqueIdentifier: id, destroyed: true, removed: flag(args, 'remove') },
        () => (flag(args, 'remove') ? `removed ${id}` : `destroyed ${id}`),
      );
      return;
    }
    default: {
      const id = args.positionals[0] as string;
      const offset = int(args, 'offset', undefined);
      const kms = await ctx.client();
      if (family === 'sym') {
        const uid = await kms.reKey(id, offset === undefined ? {} : { offsetSeconds: offset });
        ctx.out.result(
          { uniqueIdentifier: uid, replaced: id },
          () => `re-keyed ${id}: new key ${uid}`,
        );
      } else {
        const ids = await kms.reKeyKeyPair(
          id,
          offset === undefined ? {} : { offsetSeconds: offset },
        );
        ctx.out.result(
          ids,
          (r) =>
            `re-keyed ${id}\n  private key: ${r.privateKeyId}\n  public key:  ${r.publicKeyId}`,
        );
      }
    }
  }
}
