/**
 * `custos sym|rsa|ec|pqc|cc|fpe encrypt`: encrypt files and streams of any size in constant
 * memory, locally with a key fetched from the KMS or through the KMS. The work is in
 * `_stream-commands.ts`, imported when a command runs; formats in docs/cli-file-formats.md.
 */
import { registerCommand, type ArgSpec, type OptionSpec } from './_commands.ts';

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
    help: 'input file, - for stdin (default: stdin)',
    optional: true,
    complete: 'file',
  },
];

const OUTPUT_NOTE = `The output file is written beside its final name and renamed into place once complete: a
failed run leaves no partial file.`;

registerCommand(['sym', 'encrypt'], {
  summary: 'encrypt a file or stream with a symmetric key of the KMS',
  usage: '--key-id ID [--server-side] [-o OUT] [FILE|-]',
  description: `Locally (default): the 256-bit key is exported once and the data encrypted here with the
Custos STREAM format (AES-256-GCM, or ChaCha20-Poly1305 for a ChaCha20 key), at constant memory.
--server-side: the key stays in the KMS; the data goes through its Encrypt operation, one
request per chunk (slower: for modest sizes, or keys that cannot be exported).
${OUTPUT_NOTE}`,
  options: {
    'key-id': { value: 'ID', short: 'k', help: 'the symmetric key', required: true },
    'server-side': { help: 'encrypt through the KMS instead of exporting the key' },
    'chunk-size': { value: 'BYTES', help: 'server-side: bytes per request (default 1048576)' },
    ...IO,
  },
  args: FILE_ARG,
  async run(ctx, args) {
    const { symEncrypt } = await import('./_stream-commands.ts');
    await symEncrypt(ctx, args);
  },
});

const HYBRID: Readonly<Record<'rsa' | 'ec' | 'pqc', string>> = {
  rsa: 'RSA-OAEP (SHA-256)',
  ec: 'HPKE with P-256 or X25519',
  pqc: 'ML-KEM-512/768/1024 or HPKE with X-Wing',
};

for (const family of ['rsa', 'ec', 'pqc'] as const) {
  registerCommand([family, 'encrypt'], {
    summary: `encrypt a file or stream for ${family === 'pqc' ? 'a post-quantum' : `an ${family.toUpperCase()}`} public key of the KMS`,
    usage: '--key-id PUBLIC_KEY_ID [-o OUT] [FILE|-]',
    description: `Hybrid encryption: a fresh data key, wrapped for the public key with ${HYBRID[family]},
then the data under it with the Custos STREAM format (AES-256-GCM), at constant memory. Only
the public key is fetched from the KMS. Decrypt with custos ${family} decrypt.
${OUTPUT_NOTE}`,
    options: {
      'key-id': { value: 'ID', short: 'k', help: 'the recipient public key', required: true },
      ...IO,
    },
    args: FILE_ARG,
    async run(ctx, args) {
      const { hybridEncrypt } = await import('./_stream-commands.ts');
      await hybridEncrypt(family, ctx, args);
    },
  });
}

const AUTHORITY: OptionSpec = {
  value: 'HEX',
  help: 'pin the Covercrypt authority id (64 hex digits) instead of trusting the KMS for it',
};

registerCommand(['cc', 'encrypt'], {
  summary: 'encrypt a file or stream for a Covercrypt access policy',
  usage: '--key-id MASTER_PUBLIC_KEY_ID --policy EXPR [--server-side] [-o OUT] [FILE|-]',
  description: `Locally (default): the master public key is fetched (its authority signature checked) and the
data encrypted here as a Covercrypt stream, at constant memory. --server-side: the KMS encrypts
(a one-shot Covercrypt ciphertext; input up to 4 MiB).
Example policy: "Department::HR && Security Level::Confidential".
${OUTPUT_NOTE}`,
  options: {
    'key-id': { value: 'ID', short: 'k', help: 'the Covercrypt master public key', required: true },
    policy: {
      value: 'EXPR',
      short: 'p',
      help: 'encryption policy (boolean expression of attributes)',
      required: true,
    },
    'server-side': { help: 'encrypt through the KMS (input up to 4 MiB)' },
    authority: AUTHORITY,
    ...IO,
  },
  args: FILE_ARG,
  async run(ctx, args) {
    const { ccEncrypt } = await import('./_stream-commands.ts');
    await ccEncrypt(ctx, args);
  },
});

/** Options shared by `fpe encrypt` and `fpe decrypt`. */
export const FPE_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  'key-id': { value: 'ID', short: 'k', help: 'the FPE (FF1) key', required: true },
  type: {
    value: 'TYPE',
    short: 't',
    help: 'value type (default text)',
    choices: ['text', 'integer', 'bigint', 'float', 'decimal', 'card', 'date'],
  },
  alphabet: {
    value: 'ALPHABET',
    short: 'a',
    help: 'alphabet: numeric, hexadecimal, alpha_lower, alpha_upper, alpha, alpha_numeric, latin1sup, chinese... or the characters themselves',
  },
  set: {
    value: 'KEY=VALUE',
    repeat: true,
    help: 'a format option of the type (digits=12, precision=10, scale=2, keepLeading=6...)',
  },
  format: {
    value: 'FORMAT',
    help: 'the whole format as the KMS reads it (JSON, or an alphabet); replaces --type/--alphabet/--set',
  },
  tweak: { value: 'TEXT', help: 'tweak (UTF-8 text); the same one decrypts' },
  'tweak-hex': { value: 'HEX', help: 'tweak as hexadecimal bytes' },
  input: {
    value: 'FILE',
    short: 'i',
    help: 'read values one per line from FILE (- for stdin)',
    complete: 'file',
  },
  output: {
    value: 'FILE',
    short: 'o',
    help: 'write results one per line to FILE (default stdout)',
    complete: 'file',
  },
  'no-progress': { help: 'no progress bar' },
};

export const FPE_DESCRIPTION = `Format-preserving encryption (FF1) by the KMS. Values come from the command line, or one per
line from --input (stdin when no VALUE is given); they go to the KMS in batches of 500 per
request, and results come out in order, one per line (empty lines stay empty). Types: text over
an alphabet (characters outside it stay in place), integer, bigint, float, decimal, card
(Luhn kept), date. See docs/fpe.md and docs/kms.md for the formats.`;

registerCommand(['fpe', 'encrypt'], {
  summary: 'format-preserving encryption of values through the KMS',
  usage: '--key-id ID [--type TYPE] [--alphabet A] [--tweak T] [VALUE... | -i FILE] [-o OUT]',
  description: FPE_DESCRIPTION,
  options: FPE_OPTIONS,
  args: [
    {
      name: 'VALUE',
      help: 'values to encrypt (default: lines of --input or stdin)',
      optional: true,
      variadic: true,
    },
  ],
  async run(ctx, args) {
    const { fpe } = await import('./_stream-commands.ts');
    await fpe('encrypt', ctx, args);
  },
});
