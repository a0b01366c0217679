/** `custos locate`: find objects by tag, type, algorithm, length, name, state or link. */
import { int, list, str } from './_args.ts';
import { registerCommand } from './_commands.ts';
import { UsageError } from './_errors.ts';

const STATES: Readonly<Record<string, number>> = {
  'pre-active': 1,
  active: 2,
  deactivated: 3,
  compromised: 4,
  destroyed: 5,
  'destroyed-compromised': 6,
};

const ALGORITHMS: Readonly<Record<string, number>> = {
  aes: 0x03,
  rsa: 0x04,
  ecdsa: 0x06,
  'hmac-sha256': 0x09,
  'hmac-sha384': 0x0a,
  'hmac-sha512': 0x0b,
  ec: 0x1a,
  chacha20: 0x1c,
  ed25519: 0x37,
  'fpe-ff1': 0x88800001,
  covercrypt: 0x88800004,
  'ml-kem-512': 0x39,
  'ml-kem-768': 0x3a,
  'ml-kem-1024': 0x3b,
};

registerCommand(['locate'], {
  summary: 'find objects (those you own or hold a right on)',
  options: {
    tag: {
      value: 'TAG',
      short: 't',
      repeat: true,
      help: 'carrying this tag (repeatable: all of them)',
    },
    type: {
      value: 'TYPE',
      short: 'o',
      help: 'object type',
      choices: [
        'symmetric-key',
        'private-key',
        'public-key',
        'certificate',
        'secret-data',
        'opaque-object',
      ],
    },
    algorithm: {
      value: 'ALG',
      short: 'a',
      help: 'cryptographic algorithm',
      choices: Object.keys(ALGORITHMS),
    },
    length: { value: 'BITS', short: 'l', help: 'cryptographic length' },
    name: { value: 'NAME', short: 'n', help: 'Name attribute' },
    state: { value: 'STATE', help: 'lifecycle state', choices: Object.keys(STATES) },
    'linked-to': {
      value: 'ID',
      help: 'objects whose Parent Link names ID (e.g. the user keys of a master key)',
    },
    max: { value: 'N', help: 'at most N results' },
    offset: { value: 'N', help: 'skip the first N results' },
  },
  async run(ctx, args) {
    const criteria: Parameters<Awaited<ReturnType<typeof ctx.client>>['locate']>[0] = {};
    const tags = list(args, 'tag');
    if (tags.length > 0) criteria.tags = tags;
    const type = str(args, 'type');
    if (type !== undefined) criteria.objectType = type;
    const algorithm = str(args, 'algorithm');
    if (algorithm !== undefined) criteria.algorithm = ALGORITHMS[algorithm] as number;
    const length = int(args, 'length', undefined, 1, 1 << 20);
    if (length !== undefined) criteria.length = length;
    const name = str(args, 'name');
    if (name !== undefined) criteria.name = name;
    const state = str(args, 'state');
    if (state !== undefined) criteria.state = STATES[state] as number;
    const linked = str(args, 'linked-to');
    if (linked !== undefined) criteria.linkedTo = linked;
    const max = int(args, 'max', undefined, 1);
    if (max !== undefined) criteria.maxItems = max;
    const offset = int(args, 'offset', undefined, 0);
    if (offset !== undefined) criteria.offset = offset;
    if (args.positionals.length > 0) throw new UsageError('locate takes no argument', 'locate');
    const ids = await (await ctx.client()).locate(criteria);
    ctx.out.result(ids, (l) => (l.length === 0 ? '' : l.join('\n')));
    if (!ctx.out.json && ids.length === 0) ctx.stderr.write('custos: no object found\n');
  },
});
