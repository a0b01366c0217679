/**
 * `custos sym|rsa|ec|pqc keys create|import|export|wrap|unwrap|revoke|destroy|rekey` and
 * `custos fpe keys create`: key management on the KMS, by key family. The work is in
 * `_keys.ts`, imported when a command runs.
 */
import { registerCommand, type CommandSpec, type OptionSpec } from './_commands.ts';

type Family = 'sym' | 'rsa' | 'ec' | 'pqc';

const NOUN: Readonly<Record<Family, string>> = {
  sym: 'symmetric key',
  rsa: 'RSA key pair',
  ec: 'elliptic-curve key pair',
  pqc: 'post-quantum key pair',
};

const COMMON_CREATE: Readonly<Record<string, OptionSpec>> = {
  tag: {
    value: 'TAG',
    short: 't',
    repeat: true,
    help: 'tag the key (repeatable); locate finds keys by tag',
  },
  name: { value: 'NAME', help: 'Name attribute' },
  sensitive: { help: 'never export the key unwrapped' },
  'pre-active': { help: 'create it Pre-Active (activate later) instead of Active' },
};

const CREATE: Readonly<Record<Family, Readonly<Record<string, OptionSpec>>>> = {
  sym: {
    algorithm: {
      value: 'ALG',
      short: 'a',
      help: 'algorithm (default aes)',
      choices: ['aes', 'chacha20', 'hmac-sha256', 'hmac-sha384', 'hmac-sha512', 'fpe-ff1'],
    },
    bits: { value: 'N', short: 'l', help: 'key length in bits (default 256)' },
    ...COMMON_CREATE,
  },
  rsa: {
    bits: {
      value: 'N',
      short: 'l',
      help: 'modulus size (default 3072)',
      choices: ['2048', '3072', '4096'],
    },
    ...COMMON_CREATE,
  },
  ec: {
    curve: {
      value: 'CURVE',
      short: 'c',
      help: 'curve (default p256)',
      choices: ['p256', 'p384', 'p521', 'ed25519', 'x25519'],
    },
    ...COMMON_CREATE,
  },
  pqc: {
    algorithm: {
      value: 'ALG',
      short: 'a',
      help: 'algorithm',
      required: true,
      choices: [
        'ml-kem-512',
        'ml-kem-768',
        'ml-kem-1024',
        'ml-dsa-44',
        'ml-dsa-65',
        'ml-dsa-87',
        'x-wing',
      ],
    },
    ...COMMON_CREATE,
  },
};

const FORMAT: OptionSpec = {
  value: 'FMT',
  short: 'f',
  help: 'file format (default json-ttlv)',
  choices: [
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
  ],
};

const WRAP_MODE: OptionSpec = {
  value: 'MODE',
  help: 'wrapping mode (default aes-kwp, RFC 5649)',
  choices: ['aes-kwp', 'aes-kw', 'aes-gcm'],
};

function spec(family: Family, action: string): CommandSpec {
  const noun = NOUN[family];
  const run: CommandSpec['run'] = async (ctx, args) => {
    const keys = await import('./_keys.ts');
    return keys.runKeys(family, action, ctx, args);
  };
  switch (action) {
    case 'create':
      return {
        summary: `create a ${noun}`,
        options: CREATE[family],
        args: [
          {
            name: 'ID',
            help: 'identifier to give the key (default: the server chooses)',
            optional: true,
          },
        ],
        run,
      };
    case 'export':
      return {
        summary: `export a ${family === 'sym' ? 'key' : 'key of a pair'} to a file`,
        description:
          'Writes the key (with its attributes in json-ttlv) to FILE ("-" for stdout). With --wrap-key-id the server wraps the key material under that key first.',
        options: {
          format: FORMAT,
          'wrap-key-id': { value: 'ID', short: 'w', help: 'wrap under this key of the server' },
          'wrap-mode': WRAP_MODE,
        },
        args: [
          { name: 'ID', help: 'the key' },
          { name: 'FILE', help: 'output file, "-" for stdout', complete: 'file' },
        ],
        run,
      };
    case 'import':
      return {
        summary: `import a ${family === 'sym' ? 'key' : 'private or public key'} from a file`,
        description:
          'Reads FILE (json-ttlv by default) and stores the key on the server, under ID when given (Import) or under a new identifier (Register). --unwrap has the server unwrap wrapped key material first.',
        options: {
          format: FORMAT,
          ...(family === 'sym'
            ? {
                algorithm: {
                  value: 'ALG',
                  short: 'a',
                  help: 'algorithm of raw/base64 keys (default aes)',
                  choices: [
                    'aes',
                    'chacha20',
                    'hmac-sha256',
                    'hmac-sha384',
                    'hmac-sha512',
                    'fpe-ff1',
                  ],
                },
              }
            : {}),
          ...(family === 'pqc'
            ? {
                algorithm: {
                  value: 'ALG',
                  short: 'a',
                  help: 'algorithm of a DER/PEM key',
                  choices: [
                    'ml-kem-512',
                    'ml-kem-768',
                    'ml-kem-1024',
                    'ml-dsa-44',
                    'ml-dsa-65',
                    'ml-dsa-87',
                  ],
                },
              }
            : {}),
          tag: COMMON_CREATE['tag'] as OptionSpec,
          replace: { help: 'replace an existing object with this ID (yours)' },
          unwrap: { help: 'unwrap the key material on the server when it is wrapped' },
        },
        args: [
          { name: 'FILE', help: 'key file', complete: 'file' },
          { name: 'ID', help: 'identifier to store it under', optional: true },
        ],
        run,
      };
    case 'wrap':
      return {
        summary: 'wrap a key file locally with a key of the server or a given key',
        description:
          'Reads a json-ttlv key file, wraps its key material with AES key wrap (RFC 5649 by default) under the wrapping key, and writes the wrapped json-ttlv file. The wrapping key is fetched from the server (--wrap-key-id, needs the get right; the wrapping stays local) or given in base64 (--wrap-key-b64). Import the result with "keys import --unwrap" to have the server unwrap it with the same key.',
        options: {
          'wrap-key-id': { value: 'ID', short: 'w', help: 'wrapping key on the server' },
          'wrap-key-b64': { value: 'B64', help: 'wrapping key bytes in base64' },
          'wrap-mode': { ...WRAP_MODE, choices: ['aes-kwp', 'aes-kw'] },
        },
        args: [
          { name: 'IN', help: 'json-ttlv key file', complete: 'file' },
          { name: 'OUT', help: 'wrapped key file ("-" for stdout)', complete: 'file' },
        ],
        run,
      };
    case 'unwrap':
      return {
        summary: 'unwrap a wrapped key file locally',
        description:
          'Reads a wrapped json-ttlv key file and writes it unwrapped. The unwrapping key is fetched from the server (--unwrap-key-id; default: the key named in the file) or given in base64 (--unwrap-key-b64).',
        options: {
          'unwrap-key-id': { value: 'ID', short: 'w', help: 'unwrapping key on the server' },
          'unwrap-key-b64': { value: 'B64', help: 'unwrapping key bytes in base64' },
        },
        args: [
          { name: 'IN', help: 'wrapped json-ttlv key file', complete: 'file' },
          { name: 'OUT', help: 'key file ("-" for stdout)', complete: 'file' },
        ],
        run,
      };
    case 'revoke':
      return {
        summary: `revoke a ${family === 'sym' ? 'key' : 'key (and its pair)'}`,
        options: {
          reason: {
            value: 'REASON',
            short: 'r',
            help: 'revocation reason (default unspecified; compromise reasons make the key Compromised)',
            choices: [
              'unspecified',
              'key-compromise',
              'ca-compromise',
              'affiliation-changed',
              'superseded',
              'cessation-of-operation',
              'privilege-withdrawn',
            ],
          },
          message: { value: 'TEXT', short: 'm', help: 'revocation message' },
        },
        args: [{ name: 'ID', help: 'the key' }],
        run,
      };
    case 'destroy':
      return {
        summary: 'destroy a key (its material is erased, its metadata kept)',
        options: {
          remove: { help: 'remove the object and its grants entirely' },
          revoke: { help: 'revoke it first when it is still active' },
        },
        args: [{ name: 'ID', help: 'the key' }],
        run,
      };
    default:
      return {
        summary:
          family === 'sym'
            ? 're-key: a new generation of the key (the old one is deactivated)'
            : 're-key a key pair',
        options: {
          offset: {
            value: 'SECONDS',
            help: 'the new key activates (and the old one deactivates) after this delay',
          },
        },
        args: [{ name: 'ID', help: family === 'sym' ? 'the key' : 'the private key' }],
        run,
      };
  }
}

for (const family of ['sym', 'rsa', 'ec', 'pqc'] as const)
  for (const action of [
    'create',
    'import',
    'export',
    'wrap',
    'unwrap',
    'revoke',
    'destroy',
    'rekey',
  ])
    registerCommand([family, 'keys', action], spec(family, action));

registerCommand(['fpe', 'keys', 'create'], {
  summary: 'create a key for format-preserving encryption (FF1)',
  options: {
    bits: {
      value: 'N',
      short: 'l',
      help: 'AES key length (default 256)',
      choices: ['128', '192', '256'],
    },
    ...COMMON_CREATE,
  },
  args: [{ name: 'ID', help: 'identifier to give the key', optional: true }],
  async run(ctx, args) {
    const keys = await import('./_keys.ts');
    return keys.runKeys('fpe', 'create', ctx, args);
  },
});
