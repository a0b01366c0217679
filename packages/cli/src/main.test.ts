/**
 * The `custos` command: help, version, usage errors, and `custos serve` + `custos audit verify`
 * run as real processes through the bin launcher (as `npx custos` runs them).
 */
import assert from 'node:assert/strict';
import { spawn, execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { main } from './main.ts';

const BIN = fileURLToPath(new URL('../bin/custos.js', import.meta.url));

function run(
  args: string[],
  cwd: string,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { cwd, timeout: 30_000 },
      (error, stdout, stderr) => {
        resolve({ code: error === null ? 0 : (error.code as number | null), stdout, stderr });
      },
    );
  });
}

void describe('custos command', () => {
  void it('prints help and version, rejects unknown commands and options', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const sink = (into: string[]) =>
      ({
        write: (chunk: string) => {
          into.push(chunk);
          return true;
        },
      }) as unknown as NodeJS.WritableStream;
    const io = { stdout: sink(out), stderr: sink(err), env: {}, cwd: tmpdir() };
    assert.equal(await main(['--help'], io), 0);
    assert.equal(await main(['serve', '--help'], io), 0);
    assert.equal(await main(['--version'], io), 0);
    assert.equal(await main(['frobnicate'], io), 2);
    assert.equal(await main(['audit'], io), 2);
    assert.equal(await main(['serve', '--no-such-flag'], io), 2);
    assert.equal(await main(['serve', '--http-port', 'x'], io), 78);
    assert.equal(await main([], io), 2);
    const text = out.join('');
    assert.match(text, /Usage: custos <command>/);
    assert.match(text, /Usage: custos serve/);
    assert.match(text, /custos \d+\.\d+\.\d+/);
    const errors = err.join('');
    assert.match(errors, /unknown command frobnicate/);
    assert.match(errors, /audit verify/);
    assert.match(errors, /unknown option --no-such-flag/);
    assert.match(errors, /configuration: --http-port: must be an integer/);
  });

  void it('serve starts from the bin launcher with ./custos-data, stops on SIGTERM; audit verify checks its chain', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'custos-cli-'));
    try {
      const child = spawn(process.execPath, [BIN, 'serve', '--port', '0'], {
        cwd: dir,
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let log = '';
      const url = await new Promise<string>((resolve, reject) => {
        child.stderr.on('data', (c: Buffer) => {
          log += c.toString();
          const m = /"http":"(http:\/\/[^"]+)"/.exec(log);
          if (m !== null) resolve(m[1] as string);
        });
        child.on('exit', (code) => {
          reject(new Error(`serve exited with ${code}: ${log}`));
        });
      });
      const health = await fetch(`${url}/health`);
      assert.equal(health.status, 200);
      const create = await fetch(`${url}/kmip/2_1`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          tag: 'Create',
          value: [
            { tag: 'ObjectType', type: 'Enumeration', value: 'SymmetricKey' },
            {
              tag: 'Attributes',
              value: [
                { tag: 'CryptographicAlgorithm', type: 'Enumeration', value: 'AES' },
                { tag: 'CryptographicLength', type: 'Integer', value: 256 },
              ],
            },
          ],
        }),
      });
      assert.equal(create.status, 200);
      const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
      child.kill('SIGTERM');
      assert.equal(await exited, 0);
      assert.ok(existsSync(join(dir, 'custos-data', 'kms.sqlite')));
      assert.ok(existsSync(join(dir, 'custos-data', 'kek.key')));
      const verify = await run(['audit', 'verify'], dir);
      assert.equal(verify.code, 0, verify.stderr);
      assert.match(verify.stdout, /^ok .*: 1 records, head [0-9a-f]{64}$/m);
      const json = await run(['audit', 'verify', '--json'], dir);
      assert.equal((JSON.parse(json.stdout) as { ok: boolean }[])[0]?.ok, true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
