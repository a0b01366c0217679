/**
 * `custos cc keys create-master-key-pair|create-user-key|rekey|prune` and
 * `custos cc access-structure view|add-attribute|rename-attribute|disable-attribute|remove-attribute`:
 * Covercrypt authorities on the KMS (the data path, `cc encrypt|decrypt`, is elsewhere).
 */
import { str } from './_args.ts';
import { registerCommand, type OptionSpec } from './_commands.ts';
import { FileError, UsageError } from './_errors.ts';

const TAG: OptionSpec = {
  value: 'TAG',
  short: 't',
  repeat: true,
  help: 'tag the key (repeatable)',
};

function tagsOf(options: Record<string, unknown>): { tags?: string[] } {
  const t = options['tag'];
  return Array.isArray(t) && t.length > 0 ? { tags: t as string[] } : {};
}

registerCommand(['cc', 'keys', 'create-master-key-pair'], {
  summary: 'create a Covercrypt master key pair for an access structure',
  description: `The access structure is JSON, from --specification FILE or --structure TEXT, e.g.
  {"Security Level::<": ["Protected", "Confidential", "Top Secret::+"], "Department": ["HR", "FIN"]}
("::<" makes a dimension ordered, lowest first; "::+" makes an attribute post-quantum hybrid),
or Custos' form {"dimensions": [{"name", "kind": "ordered"|"unordered", "attributes": [...]}]}.`,
  options: {
    specification: {
      value: 'FILE',
      short: 's',
      help: 'access structure JSON file',
      complete: 'file',
    },
    structure: { value: 'JSON', help: 'access structure JSON text' },
    tag: TAG,
  },
  async run(ctx, args) {
    const file = str(args, 'specification');
    const text = str(args, 'structure');
    if ((file === undefined) === (text === undefined))
      throw new UsageError(
        'give the access structure: --specification FILE or --structure JSON',
        'cc keys create-master-key-pair',
      );
    let structure = text as string;
    if (file !== undefined) {
      const { readInput } = await import('./_keyfile.ts');
      structure = new TextDecoder().decode(await readInput(file, 'access structure file'));
    }
    try {
      JSON.parse(structure);
    } catch {
      throw new FileError(`${file ?? '--structure'}: the access structure is not JSON`);
    }
    const ids = await (
      await ctx.client()
    ).createCovercryptMasterKeyPair(structure, tagsOf(args.options));
    ctx.out.result(
      { masterSecretKeyId: ids.privateKeyId, masterPublicKeyId: ids.publicKeyId },
      (r) =>
        `created Covercrypt master key pair\n  master secret key: ${r.masterSecretKeyId}\n  master public key: ${r.masterPublicKeyId}`,
    );
  },
});

registerCommand(['cc', 'keys', 'create-user-key'], {
  summary: 'create a Covercrypt user key for an access policy',
  options: { tag: TAG },
  args: [
    { name: 'MASTER_SECRET_KEY_ID', help: 'the master secret key' },
    { name: 'ACCESS_POLICY', help: 'e.g. "Department::HR && Security Level::Confidential"' },
  ],
  async run(ctx, args) {
    const [msk, policy] = args.positionals as [string, string];
    const uid = await (
      await ctx.client()
    ).createCovercryptUserKey(msk, policy, tagsOf(args.options));
    ctx.out.result(
      { uniqueIdentifier: uid, accessPolicy: policy },
      () => `created user key ${uid}`,
    );
  },
});

for (const [action, verb] of [
  [
    'rekey',
    'rotate the secrets of the attributes an access policy names (user keys are refreshed)',
  ],
  [
    'prune',
    'drop the old secrets of the attributes an access policy names (old ciphertexts become unreadable)',
  ],
] as const)
  registerCommand(['cc', 'keys', action], {
    summary: verb,
    args: [
      { name: 'MASTER_SECRET_KEY_ID', help: 'the master secret key' },
      { name: 'ACCESS_POLICY', help: '"*", one attribute, or attributes joined by "||"' },
    ],
    async run(ctx, args) {
      const [msk, policy] = args.positionals as [string, string];
      const ids = await (
        await ctx.client()
      ).rekeyCovercrypt(msk, action === 'rekey' ? { rekey: policy } : { prune: policy });
      ctx.out.result(
        {
          masterSecretKeyId: ids.privateKeyId,
          masterPublicKeyId: ids.publicKeyId,
          action,
          accessPolicy: policy,
        },
        () => `${action === 'rekey' ? 're-keyed' : 'pruned'} ${policy} on ${msk}`,
      );
    },
  });

registerCommand(['cc', 'access-structure', 'view'], {
  summary: 'show the access structure of a master key',
  args: [{ name: 'MASTER_KEY_ID', help: 'master secret or public key' }],
  async run(ctx, args) {
    const id = args.positionals[0] as string;
    const structure = await (await ctx.client()).getAccessStructure(id);
    ctx.out.result(structure, (s) => describeStructure(s));
  },
});

/** A readable view of the structure the server describes. */
function describeStructure(s: unknown): string {
  const dims = (s as { dimensions?: unknown }).dimensions;
  if (!Array.isArray(dims)) return JSON.stringify(s, null, 2);
  const lines: string[] = [];
  for (const d of dims as {
    name?: string;
    kind?: string;
    attributes?: { name?: string; mode?: string; status?: string }[];
  }[]) {
    lines.push(`${d.name ?? '?'} (${d.kind ?? '?'})`);
    for (const a of d.attributes ?? [])
      lines.push(
        `  ${a.name ?? '?'}${a.mode === 'hybrid' ? ' [hybrid]' : ''}${a.status === undefined ? '' : ` [${a.status}]`}`,
      );
  }
  return lines.join('\n');
}

registerCommand(['cc', 'access-structure', 'add-attribute'], {
  summary: 'add an attribute to a dimension of the access structure',
  options: {
    hybrid: { help: 'make it post-quantum hybrid (ML-KEM-768 + ristretto255)' },
    after: {
      value: 'NAME',
      help: 'ordered dimensions: place it just above this attribute (default: highest)',
    },
  },
  args: [
    { name: 'MASTER_SECRET_KEY_ID', help: 'the master secret key' },
    { name: 'ATTRIBUTE', help: 'Dimension::Name' },
  ],
  async run(ctx, args) {
    const [msk, attribute] = args.positionals as [string, string];
    checkQualified(attribute, 'cc access-structure add-attribute');
    const after = str(args, 'after');
    await (
      await ctx.client()
    ).rekeyCovercrypt(msk, {
      addAttribute: [
        {
          attribute,
          hybrid: args.options['hybrid'] === true,
          ...(after === undefined ? {} : { after }),
        },
      ],
    });
    ctx.out.result({ masterSecretKeyId: msk, added: attribute }, () => `added ${attribute}`);
  },
});

registerCommand(['cc', 'access-structure', 'rename-attribute'], {
  summary: 'rename an attribute (ciphertexts and user keys keep working)',
  args: [
    { name: 'MASTER_SECRET_KEY_ID', help: 'the master secret key' },
    { name: 'ATTRIBUTE', help: 'Dimension::Name' },
    { name: 'NEW_NAME', help: 'the new name (without the dimension)' },
  ],
  async run(ctx, args) {
    const [msk, attribute, newName] = args.positionals as [string, string, string];
    checkQualified(attribute, 'cc access-structure rename-attribute');
    await (await ctx.client()).rekeyCovercrypt(msk, { renameAttribute: [{ attribute, newName }] });
    ctx.out.result(
      { masterSecretKeyId: msk, renamed: attribute, to: newName },
      () => `renamed ${attribute} to ${newName}`,
    );
  },
});

for (const [action, summary] of [
  [
    'disable-attribute',
    'disable attributes: no new encryption for them, old ciphertexts still open',
  ],
  ['remove-attribute', 'remove attributes: their ciphertexts can no longer be opened'],
] as const)
  registerCommand(['cc', 'access-structure', action], {
    summary,
    args: [
      { name: 'MASTER_SECRET_KEY_ID', help: 'the master secret key' },
      { name: 'ATTRIBUTE', help: 'Dimension::Name (several allowed)', variadic: true },
    ],
    async run(ctx, args) {
      const [msk, ...attributes] = args.positionals as [string, ...string[]];
      for (const a of attributes) checkQualified(a, `cc access-structure ${action}`);
      await (
        await ctx.client()
      ).rekeyCovercrypt(
        msk,
        action === 'disable-attribute'
          ? { disableAttribute: attributes }
          : { removeAttribute: attributes },
      );
      ctx.out.result(
        {
          masterSecretKeyId: msk,
          [action === 'disable-attribute' ? 'disabled' : 'removed']: attributes,
        },
        () => `${action === 'disable-attribute' ? 'disabled' : 'removed'} ${attributes.join(', ')}`,
      );
    },
  });

function checkQualified(attribute: string, command: string): void {
  if (!/^[^:]+::[^:]+$/.test(attribute))
    throw new UsageError(`attribute "${attribute}" must be written Dimension::Name`, command);
}
