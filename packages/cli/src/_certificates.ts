/** The certificate commands' work (`cmd-certificates.ts` declares them). */
import type { ManagedObject } from '@custos/kmip';
import { int, list, str } from './_args.ts';
import type { CommandArgs, CommandContext } from './_commands.ts';
import { Exit, FileError, UsageError } from './_errors.ts';
import { fromPem, objectToJson, readInput, toPem, writeOutput } from './_keyfile.ts';

async function certificateDer(file: string): Promise<Uint8Array> {
  const bytes = await readInput(file, 'certificate file');
  const text = new TextDecoder().decode(bytes);
  if (text.includes('-----BEGIN')) {
    const pem = fromPem(text);
    if (pem === undefined || pem.label !== 'CERTIFICATE')
      throw new FileError(`${file} holds no PEM certificate`);
    return pem.der;
  }
  if (bytes[0] !== 0x30) throw new FileError(`${file} is neither a PEM nor a DER certificate`);
  return bytes;
}

async function certify(ctx: CommandContext, args: CommandArgs): Promise<void> {
  const csrFile = str(args, 'csr');
  const publicKeyId = str(args, 'public-key-id');
  const generate = str(args, 'generate');
  const sources = [csrFile, publicKeyId, generate].filter((x) => x !== undefined).length;
  if (sources !== 1)
    throw new UsageError(
      'give exactly one of --csr, --public-key-id, --generate',
      'certificates certify',
    );
  const subject = str(args, 'subject');
  if (csrFile === undefined && subject === undefined)
    throw new UsageError('--subject is needed unless a CSR gives it', 'certificates certify');
  let csr: string | Uint8Array | undefined;
  if (csrFile !== undefined) {
    const bytes = await readInput(csrFile, 'CSR file');
    const text = new TextDecoder().decode(bytes);
    csr = text.includes('-----BEGIN') ? text : bytes;
  }
  const extFile = str(args, 'extensions');
  const extensions =
    extFile === undefined
      ? undefined
      : new TextDecoder().decode(await readInput(extFile, 'extensions file'));
  const days = int(args, 'days', undefined, 1, 36500);
  const tags = list(args, 'tag');
  const options = {
    ...(csr === undefined ? {} : { csr }),
    ...(publicKeyId === undefined ? {} : { publicKeyId }),
    ...(generate === undefined ? {} : { generate: generate as never }),
    ...(subject === undefined ? {} : { subject }),
    ...(days === undefined ? {} : { days }),
    ...(extensions === undefined ? {} : { extensions }),
    ...(tags.length === 0 ? {} : { tags }),
    ...(args.positionals[0] === undefined ? {} : { uid: args.positionals[0] }),
  };
  const issuerKey = str(args, 'issuer-private-key-id');
  const issuerCert = str(args, 'issuer-certificate-id');
  let uid: string;
  try {
    uid = await (
      await ctx.client()
    ).certify({
      ...options,
      ...(issuerKey === undefined ? {} : { issuerPrivateKeyId: issuerKey }),
      ...(issuerCert === undefined ? {} : { issuerCertificateId: issuerCert }),
    });
  } catch (error) {
    if (error instanceof TypeError) throw new UsageError(error.message, 'certificates certify');
    throw error;
  }
  ctx.out.result({ uniqueIdentifier: uid }, () => `issued certificate ${uid}`);
}

async function importCertificate(ctx: CommandContext, args: CommandArgs): Promise<void> {
  const [file, id] = args.positionals as [string, string | undefined];
  const der = await certificateDer(file);
  const object: ManagedObject = { kind: 'Certificate', certificateType: 1, certificateValue: der };
  const tags = list(args, 'tag');
  const kms = await ctx.client();
  const options = tags.length === 0 ? {} : { tags };
  const uid =
    id === undefined
      ? await kms.register(object, options)
      : await kms.importObject(id, object, {
          ...options,
          replace: args.options['replace'] === true,
        });
  ctx.out.result({ uniqueIdentifier: uid }, () => `imported certificate ${file} as ${uid}`);
}

async function exportCertificate(ctx: CommandContext, args: CommandArgs): Promise<void> {
  const [id, file] = args.positionals as [string, string];
  const format = str(args, 'format') ?? 'x509-pem';
  const r = await (await ctx.client()).exportObject(id);
  if (r.object.kind !== 'Certificate')
    throw new UsageError(`${id} is not a certificate`, 'certificates export');
  const data =
    format === 'json-ttlv'
      ? await objectToJson(r.object)
      : format === 'x509-der'
        ? r.object.certificateValue
        : toPem(r.object.certificateValue, 'CERTIFICATE');
  await writeOutput(file, data, ctx.stdout);
  if (file !== '-')
    ctx.out.result({ uniqueIdentifier: id, file, format }, () => `exported ${id} to ${file}`);
}

async function validate(ctx: CommandContext, args: CommandArgs): Promise<number> {
  const uids = list(args, 'certificate-id');
  const certificates = await Promise.all(args.positionals.map((f) => certificateDer(f)));
  if (uids.length === 0 && certificates.length === 0)
    throw new UsageError('give certificates: files or --certificate-id', 'certificates validate');
  const date = str(args, 'date');
  let at: Date | undefined;
  if (date !== undefined) {
    at = new Date(date);
    if (Number.isNaN(at.getTime()))
      throw new UsageError(`--date ${date} is not a date`, 'certificates validate');
  }
  const validity = await (
    await ctx.client()
  ).validate({ uids, certificates, ...(at === undefined ? {} : { at }) });
  ctx.out.result({ validity }, (r) => r.validity);
  return validity === 'valid' ? Exit.ok : Exit.failed;
}

export async function runCertificates(
  action: 'certify' | 'import' | 'export' | 'validate',
  ctx: CommandContext,
  args: CommandArgs,
): Promise<number | undefined> {
  if (action === 'certify') await certify(ctx, args);
  else if (action === 'import') await importCertificate(ctx, args);
  else if (action === 'export') await exportCertificate(ctx, args);
  else return validate(ctx, args);
  return undefined;
}
