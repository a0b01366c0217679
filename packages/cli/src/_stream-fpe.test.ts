/** FPE helpers without a server: line splitting (endings kept, UTF-8 across pieces) and formats. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { CliError, FileError } from './_errors.ts';
import { fpeFormat, lines, MAX_LINE } from './_stream-fpe.ts';

async function all(parts: readonly Uint8Array[]): Promise<{ text: string; ending: string }[]> {
  const out: { text: string; ending: string }[] = [];
  for await (const l of lines(parts)) out.push(l);
  return out;
}

void describe('fpe helpers', () => {
  void it('splits lines anywhere in the input, keeping each ending (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.tuple(
            fc.string({ unit: 'grapheme', maxLength: 20 }).map((s) => s.replace(/[\r\n]/g, '')),
            fc.constantFrom('\n', '\r\n'),
          ),
        ),
        fc.array(fc.nat({ max: 400 }), { maxLength: 5 }),
        async (rows, cuts) => {
          const text = rows.map(([t, e]) => t + e).join('');
          const bytes = new TextEncoder().encode(text);
          const parts: Uint8Array[] = [];
          let at = 0;
          for (const c of [...cuts, bytes.length].sort((a, b) => a - b)) {
            parts.push(bytes.subarray(at, Math.max(at, Math.min(c, bytes.length))));
            at = Math.max(at, Math.min(c, bytes.length));
          }
          const got = await all(parts);
          assert.deepEqual(got.map((l) => l.text + l.ending).join(''), text);
          assert.deepEqual(
            got.map((l) => l.text),
            rows.map(([t]) => t),
          );
        },
      ),
      { numRuns: 100 },
    );
    assert.deepEqual(await all([new TextEncoder().encode('a\n\nb')]), [
      { text: 'a', ending: '\n' },
      { text: '', ending: '\n' },
      { text: 'b', ending: '' },
    ]);
  });

  void it('rejects text that is not UTF-8 and lines too long to be values', async () => {
    await assert.rejects(
      all([Uint8Array.of(0x61, 0x0a, 0xff, 0x0a)]),
      (e: unknown) => e instanceof FileError && /not UTF-8 text \(after line 0\)/.test(e.message),
    );
    await assert.rejects(all([new TextEncoder().encode('x'.repeat(MAX_LINE + 1))]), /longer than/);
  });

  void it('builds the format the KMS reads from the flags', () => {
    assert.equal(fpeFormat({}), undefined);
    assert.equal(fpeFormat({ alphabet: 'numeric' }), 'numeric');
    assert.equal(fpeFormat({ type: 'card' }), '{"type":"card"}');
    assert.equal(
      fpeFormat({ type: 'bigint', set: ['digits=12', 'signed=true', 'name=x'] }),
      '{"type":"bigint","digits":12,"signed":true,"name":"x"}',
    );
    assert.equal(fpeFormat({ type: 'text', alphabet: 'abc' }), '{"type":"text","alphabet":"abc"}');
    assert.equal(fpeFormat({ format: '{"type":"date"}' }), '{"type":"date"}');
    assert.throws(
      () => fpeFormat({ format: 'numeric', type: 'card' }),
      (e: unknown) => e instanceof CliError && e.exitCode === 2,
    );
    assert.throws(() => fpeFormat({ set: ['nokey'] }), /KEY=VALUE/);
  });
});
