/**
 * `custos sym|rsa|ec|pqc|cc|fpe decrypt`: the inverse of `cmd-encrypt.ts`. The key and the
 * mode come from the file header where they can (docs/cli-file-formats.md). Altered, truncated
 * or foreign data fails with a non-zero exit and no output file.
 */
import { registerCommand, type ArgSpec, type OptionSpec } from './_commands.ts';
import { FPE_DESCRIPTION, FPE_OPTIONS } from './cmd-encrypt.ts';

const IO: Readonly<Record<string, OptionSpec>> = {
  input: {
    value: 'FILE',
    short: 'i',
    help: 'input file, - for stdin (or give FILE)',
    complete: 'file',
  },
  output: {
    value: 'FILE',
    short: 'o',
    help: 'output file, - for stdout (default)',
    complete: 'file',
  },
  'no-progress': { help: 'no progress bar (it shows only when stderr is a terminal)' },
};

const FILE_ARG: readonly ArgSpec[] = [
  {
    name: 'FILE',
    help: 'encrypted file, - for stdin (default: stdin)',
    optional: true,
    complete: 'file',
  },
];

const STDOUT_NOTE = `Decrypted data reaches a file only once all of it verified. On stdout, chunks are released as
they verify: if the run fails (exit status not 0), discard what was written.`;

registerCommand(['sym', 'decrypt'], {
  summary: 'decrypt what custos sym encrypt wrote',
  usage: '[--key-id ID] [-o OUT] [FILE|-]',
  description: `The key id and the mode (local or server-side) come from the file header; --key-id overrides
the key (a key imported again under another id).
${STDOUT_NOTE}`,
  options: {
    'key-id': {
      value: 'ID',
      short: 'k',
      help: 'the symmetric key (default: the one the file names)',
    },
    ...IO,
  },
  args: FILE_ARG,
  async run(ctx, args) {
    const { symDecrypt } = await import('./_stream-commands.ts');
    await symDecrypt(ctx, args);
  },
});

for (const family of ['rsa', 'ec', 'pqc'] as const) {
  registerCommand([family, 'decrypt'], {
    summary: `decrypt what custos ${family} encrypt wrote`,
    usage: '[--key-id PRIVATE_KEY_ID] [--local] [-o OUT] [FILE|-]',
    description: `By default the KMS unwraps the file's data key with the private key (which never leaves it) and
the data is decrypted here; --local exports the private key and unwraps here. Without
--key-id, the private key linked to the file's public key is used.
${STDOUT_NOTE}`,
    options: {
      'key-id': {
        value: 'ID',
        short: 'k',
        help: "the private key (default: the one linked to the file's public key)",
      },
      local: { help: 'export the private key and unwrap the data key locally' },
      ...IO,
    },
    args: FILE_ARG,
    async run(ctx, args) {
      const { hybridDecrypt } = await import('./_stream-commands.ts');
      await hybridDecrypt(family, ctx, args);
    },
  });
}

registerCommand(['cc', 'decrypt'], {
  summary: 'decrypt Covercrypt data with a user key',
  usage: '--key-id USER_KEY_ID [--server-side] [-o OUT] [FILE|-]',
  description: `Locally (default): the user key is fetched and the data (a Covercrypt stream, or a one-shot
ciphertext up to 4 MiB) decrypted here. --server-side: the KMS decrypts a one-shot ciphertext.
A user key whose access policy does not cover the data's policy fails with exit status 8.
${STDOUT_NOTE}`,
  options: {
    'key-id': { value: 'ID', short: 'k', help: 'the Covercrypt user key', required: true },
    'server-side': { help: 'decrypt through the KMS (one-shot ciphertexts up to 4 MiB)' },
    authority: {
      value: 'HEX',
      help: 'pin the Covercrypt authority id (64 hex digits) instead of trusting the KMS for it',
    },
    ...IO,
  },
  args: FILE_ARG,
  async run(ctx, args) {
    const { ccDecrypt } = await import('./_stream-commands.ts');
    await ccDecrypt(ctx, args);
  },
});

registerCommand(['fpe', 'decrypt'], {
  summary: 'format-preserving decryption of values through the KMS',
  usage: '--key-id ID [--type TYPE] [--alphabet A] [--tweak T] [VALUE... | -i FILE] [-o OUT]',
  description: FPE_DESCRIPTION,
  options: FPE_OPTIONS,
  args: [
    {
      name: 'VALUE',
      help: 'values to decrypt (default: lines of --input or stdin)',
      optional: true,
      variadic: true,
    },
  ],
  async run(ctx, args) {
    const { fpe } = await import('./_stream-commands.ts');
    await fpe('decrypt', ctx, args);
  },
});
