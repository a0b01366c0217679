/**
 * The package against the web provider (WebCrypto, @noble, libsodium), in a child process whose
 * module resolution maps `@custos/crypto` to it: what a browser bundle runs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

void test('end to end with the web provider', () => {
  const hooks = fileURLToPath(new URL('./_test/web-provider-register.ts', import.meta.url));
  const smoke = fileURLToPath(new URL('./_test/web-smoke.ts', import.meta.url));
  const out = execFileSync(
    process.execPath,
    ['--conditions=custos-source', '--import', hooks, smoke],
    {
      encoding: 'utf8',
    },
  );
  assert.deepEqual(JSON.parse(out.trim().split('\n').pop() as string), {
    provider: 'web',
    hidden: true,
    'hidden-denied': false,
    'hidden-reencapsulated': true,
    public: true,
    'public-denied': false,
    'public-reencapsulated': true,
    traced: 0,
  });
});
