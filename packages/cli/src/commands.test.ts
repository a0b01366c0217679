/**
 * The client commands end to end: `custos serve` as a real process (SQLite; one pass on
 * PostgreSQL), every command run as a child process the way a person or a script runs it, and
 * the error paths (exit status and message).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  closedPort,
  dropSchema,
  json,
  postgresSkipReason,
  run,
  serve,
  type Result,
  type Served,
} from './_test/cli.ts';

function ok(r: Result): Result {
  assert.equal(r.code, 0, `exit ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  return r;
}

function fails(r: Result, code: number, message: RegExp): void {
  assert.equal(
    r.code,
    code,
    `expected exit ${code}, got ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`,
  );
  assert.match(r.stderr, message);
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace for a person');
}

void describe('custos client commands (SQLite server)', () => {
  let server: Served;
  let home: string;
  /** alice: configuration file; bob: environment. */
  let alice: (...args: string[]) => Promise<Result>;
  let bob: (...args: string[]) => Promise<Result>;

  before(async () => {
    server = await serve({ users: ['alice', 'bob'] });
    home = mkdtempSync(join(tmpdir(), 'custos-cli-home-'));
    mkdirSync(join(home, '.config', 'custos'), { recursive: true });
    writeFileSync(join(home, 'alice.token'), 'token-alice\n');
    writeFileSync(join(home, 'none.toml'), '# no settings: the environment gives them\n');
    writeFileSync(
      join(home, '.config', 'custos', 'cli.toml'),
      `[kms]\nurl = "${server.url}"\naccess_token_file = "../../alice.token"\ntimeout_ms = 20000\n`,
    );
    alice = (...args) => run(args, home);
    bob = (...args) =>
      run(args, home, {
        CUSTOS_KMS_URL: server.url,
        CUSTOS_ACCESS_TOKEN: 'token-bob',
        CUSTOS_CLI_CONF: join(home, 'none.toml'),
        CUSTOS_ENCODING: 'binary',
      }).then((r) => r);
  });
  after(async () => {
    assert.equal(await server.stop(), 0);
    rmSync(home, { recursive: true, force: true });
  });

  void it('server version, query, discover-versions; --json everywhere', async () => {
    assert.match(ok(await alice('server', 'version')).stdout, /^custos-kms /);
    assert.match(
      json(ok(await alice('server', 'version', '--json')))['version'] as string,
      /custos-kms/,
    );
    const q = ok(await alice('server', 'query'));
    assert.match(q.stdout, /operations: .*Create.*Encrypt/);
    assert.deepEqual(
      json<string[]>(ok(await alice('--json', 'server', 'discover-versions'))).slice(0, 2),
      ['2.1', '2.0'],
    );
  });

  void it('sym keys: create, export, import, wrap, unwrap, rekey, revoke, destroy; locate', async () => {
    const id = json(
      ok(await alice('sym', 'keys', 'create', '-t', 'e2e-sym', '--name', 'e2e-k', '--json')),
    )['uniqueIdentifier'] as string;
    assert.match(
      ok(await alice('sym', 'keys', 'create', 'chosen-id', '--bits', '128')).stdout,
      /created symmetric key chosen-id/,
    );
    assert.deepEqual(
      ok(await alice('locate', '-t', 'e2e-sym'))
        .stdout.trim()
        .split('\n'),
      [id],
    );
    assert.deepEqual(json<string[]>(ok(await alice('locate', '--name', 'e2e-k', '--json'))), [id]);
    ok(await alice('sym', 'keys', 'export', id, 'k.json'));
    ok(await alice('sym', 'keys', 'export', id, 'k.b64', '-f', 'base64'));
    const b64 = readFileSync(join(home, 'k.b64'), 'utf8').trim();
    assert.equal(Buffer.from(b64, 'base64').length, 32);
    assert.equal(
      ok(await alice('sym', 'keys', 'export', id, '-', '-f', 'base64')).stdout.trim(),
      b64,
    );
    // json-ttlv round trip: import under a new id (system tags dropped, user tags kept).
    ok(await alice('sym', 'keys', 'import', 'k.json', 'copy-1'));
    assert.equal(
      ok(await alice('sym', 'keys', 'export', 'copy-1', '-', '-f', 'base64')).stdout.trim(),
      b64,
    );
    assert.deepEqual(
      ok(await alice('locate', '-t', 'e2e-sym'))
        .stdout.trim()
        .split('\n')
        .sort(),
      [id, 'copy-1'].sort(),
    );
    const reg = json(ok(await alice('sym', 'keys', 'import', 'k.b64', '-f', 'base64', '--json')))[
      'uniqueIdentifier'
    ];
    assert.equal(typeof reg, 'string');
    fails(
      await alice('sym', 'keys', 'import', 'k.json', 'copy-1'),
      5,
      /already exists|ObjectAlreadyExists/i,
    );
    ok(await alice('sym', 'keys', 'import', 'k.json', 'copy-1', '--replace'));
    // Local wrap with a server key; the server unwraps on import; local unwrap gives the key back.
    const kek = json(ok(await alice('sym', 'keys', 'create', '--json')))[
      'uniqueIdentifier'
    ] as string;
    ok(await alice('sym', 'keys', 'wrap', 'k.json', 'kw.json', '--wrap-key-id', kek));
    assert.ok(readFileSync(join(home, 'kw.json'), 'utf8').includes('KeyWrappingData'));
    ok(await alice('sym', 'keys', 'import', 'kw.json', 'unwrapped-1', '--unwrap'));
    assert.equal(
      ok(await alice('sym', 'keys', 'export', 'unwrapped-1', '-', '-f', 'base64')).stdout.trim(),
      b64,
    );
    ok(await alice('sym', 'keys', 'unwrap', 'kw.json', 'ku.json'));
    ok(await alice('sym', 'keys', 'import', 'ku.json', 'unwrapped-2'));
    assert.equal(
      ok(await alice('sym', 'keys', 'export', 'unwrapped-2', '-', '-f', 'base64')).stdout.trim(),
      b64,
    );
    const local = Buffer.alloc(32, 5).toString('base64');
    ok(
      await alice(
        'sym',
        'keys',
        'wrap',
        'k.json',
        'kl.json',
        '--wrap-key-b64',
        local,
        '--wrap-mode',
        'aes-kw',
      ),
    );
    fails(
      await alice(
        'sym',
        'keys',
        'unwrap',
        'kl.json',
        'x.json',
        '--unwrap-key-b64',
        Buffer.alloc(32, 6).toString('base64'),
      ),
      5,
      /unwrapping failed/,
    );
    ok(await alice('sym', 'keys', 'unwrap', 'kl.json', 'kl2.json', '--unwrap-key-b64', local));
    // Server-side wrapped export.
    ok(await alice('sym', 'keys', 'export', id, 'ks.json', '-w', kek, '--wrap-mode', 'aes-gcm'));
    ok(await alice('sym', 'keys', 'import', 'ks.json', 'unwrapped-3', '--unwrap'));
    // Lifecycle.
    const next = json(ok(await alice('sym', 'keys', 'rekey', id, '--json')))[
      'uniqueIdentifier'
    ] as string;
    assert.notEqual(next, id);
    ok(await alice('sym', 'keys', 'revoke', next, '-r', 'key-compromise', '-m', 'e2e'));
    ok(await alice('sym', 'keys', 'destroy', next));
    fails(await alice('sym', 'keys', 'export', next, 'gone.json'), 3, /destroyed/i);
    fails(await alice('sym', 'keys', 'destroy', 'copy-1'), 5, /WrongKeyLifecycleState|revoke/i);
    assert.match(
      ok(await alice('sym', 'keys', 'destroy', 'copy-1', '--revoke', '--remove')).stdout,
      /removed copy-1/,
    );
    fails(await alice('sym', 'keys', 'export', 'copy-1', 'x.json'), 3, /not found/);
    assert.match(
      ok(await alice('fpe', 'keys', 'create', '-t', 'e2e-fpe')).stdout,
      /created FPE key/,
    );
  });

  void it('rsa, ec, pqc keys: create, export/import PEM, rekey, revoke, destroy', async () => {
    const rsa = json(ok(await alice('rsa', 'keys', 'create', '--bits', '2048', '--json')));
    assert.equal(rsa['publicKeyId'], `${rsa['privateKeyId'] as string}_pk`);
    ok(
      await alice(
        'rsa',
        'keys',
        'export',
        rsa['privateKeyId'] as string,
        'rsa.pem',
        '-f',
        'pkcs8-pem',
      ),
    );
    assert.match(readFileSync(join(home, 'rsa.pem'), 'utf8'), /^-----BEGIN PRIVATE KEY-----/);
    ok(await alice('rsa', 'keys', 'import', 'rsa.pem', 'rsa-imported', '-f', 'pkcs8-pem'));
    const ec = json(
      ok(await alice('ec', 'keys', 'create', '--curve', 'p256', '-t', 'e2e-ec', '--json')),
    );
    ok(
      await alice(
        'ec',
        'keys',
        'export',
        ec['publicKeyId'] as string,
        'ec.pub.pem',
        '-f',
        'spki-pem',
      ),
    );
    ok(await alice('ec', 'keys', 'import', 'ec.pub.pem', '-f', 'spki-pem'));
    ok(await alice('ec', 'keys', 'export', ec['privateKeyId'] as string, 'ec.json'));
    const renewed = json(
      ok(await alice('ec', 'keys', 'rekey', ec['privateKeyId'] as string, '--json')),
    );
    assert.notEqual(renewed['privateKeyId'], ec['privateKeyId']);
    const pq = json(ok(await alice('pqc', 'keys', 'create', '-a', 'ml-kem-768', '--json')));
    ok(await alice('pqc', 'keys', 'revoke', pq['privateKeyId'] as string));
    ok(await alice('pqc', 'keys', 'destroy', pq['privateKeyId'] as string));
    fails(await alice('pqc', 'keys', 'create'), 2, /missing option --algorithm/);
    fails(await alice('ec', 'keys', 'create', '--curve', 'p999'), 2, /--curve must be one of/);
  });

  void it('cc: master key pair, user key, access structure changes, rekey, prune', async () => {
    writeFileSync(
      join(home, 'structure.json'),
      JSON.stringify({ 'Level::<': ['Low', 'High'], Dept: ['HR', 'FIN'] }),
    );
    const m = json(
      ok(await alice('cc', 'keys', 'create-master-key-pair', '-s', 'structure.json', '--json')),
    );
    const msk = m['masterSecretKeyId'] as string;
    const uk = json(
      ok(await alice('cc', 'keys', 'create-user-key', msk, 'Dept::HR && Level::Low', '--json')),
    );
    assert.equal(typeof uk['uniqueIdentifier'], 'string');
    assert.match(
      ok(await alice('cc', 'access-structure', 'view', msk)).stdout,
      /Level \(ordered\)\n {2}Low\n {2}High\nDept \(unordered\)/,
    );
    ok(await alice('cc', 'access-structure', 'add-attribute', msk, 'Dept::IT', '--hybrid'));
    ok(await alice('cc', 'access-structure', 'rename-attribute', msk, 'Dept::IT', 'Tech'));
    ok(await alice('cc', 'access-structure', 'disable-attribute', msk, 'Dept::Tech'));
    const view = json<{
      dimensions: { name: string; attributes: { name: string; status?: string }[] }[];
    }>(ok(await alice('cc', 'access-structure', 'view', msk, '--json')));
    const dept = view.dimensions.find((d) => d.name === 'Dept');
    assert.ok(dept?.attributes.some((a) => a.name === 'Tech' && a.status !== undefined));
    ok(await alice('cc', 'access-structure', 'remove-attribute', msk, 'Dept::Tech'));
    ok(await alice('cc', 'keys', 'rekey', msk, 'Dept::HR'));
    ok(await alice('cc', 'keys', 'prune', msk, 'Dept::HR'));
    assert.deepEqual(
      ok(await alice('locate', '--linked-to', msk))
        .stdout.trim()
        .split('\n'),
      [uk['uniqueIdentifier']],
    );
    fails(await alice('cc', 'keys', 'rekey', msk, 'Dept::HR && Level::Low'), 5, /conjunction/);
    fails(await alice('cc', 'access-structure', 'add-attribute', msk, 'IT'), 2, /Dimension::Name/);
    fails(
      await alice('cc', 'keys', 'create-master-key-pair', '--structure', '{"bad"'),
      7,
      /not JSON/,
    );
    fails(await alice('cc', 'keys', 'create-master-key-pair'), 2, /--specification/);
  });

  void it('certificates: certify, export, validate, import', async () => {
    writeFileSync(
      join(home, 'ca.ext'),
      '[v3_ca]\nbasicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n',
    );
    const root = json(
      ok(
        await alice(
          'certificates',
          'certify',
          '--generate',
          'p256',
          '--subject',
          'CN=E2E Root,O=Custos',
          '--days',
          '30',
          '-e',
          'ca.ext',
          '--json',
        ),
      ),
    )['uniqueIdentifier'] as string;
    ok(await alice('certificates', 'export', root, 'root.pem'));
    assert.match(readFileSync(join(home, 'root.pem'), 'utf8'), /^-----BEGIN CERTIFICATE-----/);
    assert.equal(ok(await alice('certificates', 'validate', 'root.pem')).stdout.trim(), 'valid');
    assert.equal(
      json(ok(await alice('certificates', 'validate', '-k', root, '--json')))['validity'],
      'valid',
    );
    const copy = json(ok(await alice('certificates', 'import', 'root.pem', '--json')))[
      'uniqueIdentifier'
    ];
    assert.notEqual(copy, root);
    ok(await alice('certificates', 'export', root, 'root.der', '-f', 'x509-der'));
    ok(await alice('certificates', 'import', 'root.der', 'root-der'));
    const pair = json(ok(await alice('ec', 'keys', 'create', '--json')));
    const leaf = json(
      ok(
        await alice(
          'certificates',
          'certify',
          '-p',
          pair['publicKeyId'] as string,
          '-s',
          'CN=leaf',
          '-c',
          root,
          '--json',
        ),
      ),
    )['uniqueIdentifier'] as string;
    assert.equal(
      ok(await alice('certificates', 'validate', '-k', leaf, '-k', root)).stdout.trim(),
      'valid',
    );
    fails(
      await alice(
        'certificates',
        'certify',
        '-p',
        pair['publicKeyId'] as string,
        '-s',
        'CN=x',
        '-c',
        root,
        '-k',
        'no-such-key',
      ),
      3,
      /no-such-key not found/,
    );
    fails(await alice('certificates', 'certify', '-s', 'CN=x'), 2, /exactly one of/);
    writeFileSync(join(home, 'not-a-cert.pem'), 'hello');
    fails(await alice('certificates', 'validate', 'not-a-cert.pem'), 7, /neither a PEM nor a DER/);
  });

  void it('access-rights: grant, list, owned, obtained, revoke; denied for others', async () => {
    const id = json(ok(await alice('sym', 'keys', 'create', '-t', 'e2e-shared', '--json')))[
      'uniqueIdentifier'
    ] as string;
    fails(
      await bob('sym', 'keys', 'export', id, 'stolen.json'),
      4,
      /PermissionDenied|not allowed|denied/i,
    );
    ok(await alice('access-rights', 'grant', 'bob', '-i', id, 'get', 'export'));
    assert.equal(ok(await alice('access-rights', 'list', id)).stdout.trim(), 'bob: export, get');
    assert.deepEqual(json(ok(await alice('access-rights', 'list', id, '--json'))), [
      { user: 'bob', operations: ['export', 'get'] },
    ]);
    ok(await bob('sym', 'keys', 'export', id, 'shared.json'));
    assert.match(
      ok(await bob('access-rights', 'obtained')).stdout,
      new RegExp(`${id}\\s+owner alice`),
    );
    assert.ok(
      json<{ objectId: string }[]>(ok(await alice('access-rights', 'owned', '--json'))).some(
        (o) => o.objectId === id,
      ),
    );
    fails(await bob('access-rights', 'list', id), 4, /owner/);
    fails(await bob('access-rights', 'grant', 'carol', '-i', id, 'get'), 4, /owner/);
    ok(await alice('access-rights', 'revoke', 'bob', '-i', id, 'export'));
    fails(await bob('sym', 'keys', 'export', id, 'stolen.json'), 4, /./);
    fails(await alice('access-rights', 'grant', 'bob', id), 2, /missing option --object-uid/);
    fails(await alice('access-rights', 'grant', 'bob', '-i', 'no-such-id', 'get'), 3, /not found/);
    fails(
      await run(['sym', 'keys', 'create'], home, {
        CUSTOS_KMS_URL: server.url,
        CUSTOS_ACCESS_TOKEN: 'wrong',
        CUSTOS_CLI_CONF: join(home, 'none.toml'),
      }),
      4,
      /authentication/i,
    );
  });

  void it('error paths: usage, configuration, unreachable server, unknown object, bad files', async () => {
    writeFileSync(join(home, 'garbage.json'), 'garbage');
    writeFileSync(join(home, 'bad.toml'), '[kms\nurl=');
    writeFileSync(join(home, 'unknown.toml'), '[kms]\nuri = "x"\n');
    const port = await closedPort();
    const key = json(ok(await alice('sym', 'keys', 'create', '--json')))[
      'uniqueIdentifier'
    ] as string;
    const empty = mkdtempSync(join(tmpdir(), 'custos-cli-empty-'));
    // Independent cases, run concurrently: [command line, exit status, message].
    const cases: [Promise<Result>, number, RegExp][] = [
      [alice('frobnicate'), 2, /unknown command frobnicate\nRun "custos --help"/],
      [alice('sym', 'keys', 'frob'), 2, /unknown command sym keys frob/],
      [
        alice('sym', 'keys', 'export', 'only-id'),
        2,
        /missing argument FILE\nRun "custos sym keys export --help"/,
      ],
      [alice('sym', 'keys', 'create', '--nope'), 2, /unknown option --nope/],
      [alice('sym', 'keys', 'create', '--bits'), 2, /--bits needs a value/],
      [alice('sym', 'keys', 'revoke', 'a', 'b'), 2, /unexpected argument b/],
      [alice('sym'), 2, /sym keys create/],
      [
        alice('sym', 'keys', 'export', 'no-such-key', 'x.json'),
        3,
        /no-such-key not found \(ItemNotFound\)/,
      ],
      [alice('sym', 'keys', 'create', '--bits', '100'), 5, /AES keys are 128, 192 or 256 bits/],
      [alice('sym', 'keys', 'import', 'missing.json'), 7, /missing.json does not exist/],
      [alice('sym', 'keys', 'import', 'garbage.json'), 7, /not a KMIP JSON TTLV object/],
      [alice('sym', 'keys', 'export', key, join(home, 'no-dir', 'x.json')), 7, /cannot write/],
      [
        alice('--url', `http://127.0.0.1:${port}`, 'sym', 'keys', 'create'),
        6,
        /cannot reach the server: connection refused \(server http:\/\/127\.0\.0\.1:\d+\)/,
      ],
      [
        run(['sym', 'keys', 'create'], home, { CUSTOS_CLI_CONF: join(home, 'absent.toml') }),
        78,
        /absent.toml does not exist/,
      ],
      [run(['server', 'version'], empty), 78, /no KMS server configured/],
      [alice('--conf', 'bad.toml', 'server', 'version'), 78, /not valid TOML/],
      [alice('--conf', 'unknown.toml', 'server', 'version'), 78, /unknown setting kms.uri/],
      [alice('--url', 'ftp://x', 'server', 'version'), 78, /must be http/],
      [alice('--timeout', 'soon', 'server', 'version'), 78, /timeout must be a positive number/],
    ];
    const results = await Promise.all(cases.map(([p]) => p));
    cases.forEach(([, code, message], i) => {
      fails(results[i] as Result, code, message);
    });
    rmSync(empty, { recursive: true, force: true });
  });

  void it('help, version and completion scripts from the command tree', async () => {
    const h = ok(await alice('--help'));
    for (const c of [
      'serve',
      'audit verify',
      'sym keys create',
      'cc access-structure view',
      'access-rights grant',
      'certificates certify',
      'locate',
      'server query',
      'completion',
    ])
      assert.match(h.stdout, new RegExp(`\\n  ${c} `));
    assert.match(
      ok(await alice('sym', 'keys', 'create', '--help')).stdout,
      /Usage: custos sym keys create[\s\S]*--algorithm ALG[\s\S]*Global options/,
    );
    assert.match(ok(await alice('help', 'cc')).stdout, /cc keys create-user-key/);
    assert.match(ok(await alice('version')).stdout, /^custos \d/);
    const bash = ok(await alice('completion', 'bash')).stdout;
    const symKeys = /'sym keys'\) words='([^']*)'/.exec(bash)?.[1]?.split(' ') ?? [];
    for (const w of ['create', 'import', 'export', 'wrap', 'unwrap', 'revoke', 'destroy', 'rekey'])
      assert.ok(symKeys.includes(w), w);
    const check = spawnSync('bash', ['-n'], { input: bash });
    assert.equal(check.status, 0, check.stderr.toString());
    const probe = spawnSync('bash', [
      '-c',
      `${bash}\nCOMP_WORDS=(custos sym keys cr); COMP_CWORD=3; _custos; echo "\${COMPREPLY[@]}"`,
    ]);
    assert.equal(probe.stdout.toString().trim(), 'create');
    assert.match(ok(await alice('completion', 'zsh')).stdout, /^#compdef custos/);
    assert.match(
      ok(await alice('completion', 'fish')).stdout,
      /complete -c custos -n 'test \(__custos_path\) = "_sym keys"' -a 'create/,
    );
    fails(await alice('completion', 'powershell'), 2, /unknown shell/);
  });
});

void describe('custos client commands (PostgreSQL server)', async () => {
  const skip = await postgresSkipReason();
  const schema = `cli_e2e_${process.pid}_${Date.now().toString(36)}`;
  let server: Served | undefined;
  let home = '';
  const c = (...args: string[]): Promise<Result> =>
    run(args, home, {
      CUSTOS_KMS_URL: (server as Served).url,
      CUSTOS_CLI_CONF: join(home, 'none.toml'),
    });

  before(async () => {
    if (skip !== undefined) return;
    server = await serve({ postgres: { schema } });
    home = mkdtempSync(join(tmpdir(), 'custos-cli-pg-'));
    writeFileSync(join(home, 'none.toml'), '');
  });
  after(async () => {
    if (server !== undefined) assert.equal(await server.stop(), 0);
    if (skip === undefined) await dropSchema(schema);
    if (home !== '') rmSync(home, { recursive: true, force: true });
  });

  void it(
    'keys, locate, export/import, rekey, rights and destroy on PostgreSQL',
    { skip },
    async () => {
      const id = json(ok(await c('sym', 'keys', 'create', '-t', 'pg-e2e', '--json')))[
        'uniqueIdentifier'
      ] as string;
      assert.equal(ok(await c('locate', '-t', 'pg-e2e')).stdout.trim(), id);
      ok(await c('sym', 'keys', 'export', id, 'k.json'));
      ok(await c('sym', 'keys', 'import', 'k.json', 'pg-copy'));
      const next = json(ok(await c('sym', 'keys', 'rekey', id, '--json')))[
        'uniqueIdentifier'
      ] as string;
      assert.notEqual(next, id);
      const pair = json(ok(await c('ec', 'keys', 'create', '--json')));
      assert.equal(typeof pair['privateKeyId'], 'string');
      ok(await c('access-rights', 'grant', 'bob', '-i', id, 'get'));
      assert.equal(ok(await c('access-rights', 'list', id)).stdout.trim(), 'bob: get');
      ok(await c('sym', 'keys', 'destroy', 'pg-copy', '--revoke', '--remove'));
      fails(await c('sym', 'keys', 'export', 'pg-copy', 'x.json'), 3, /not found/);
    },
  );
});
