/** The progress bar: its text, its throttling, and that it stays silent off a terminal. */
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import {
  createProgress,
  formatBytes,
  formatDuration,
  progressWanted,
  renderProgress,
} from './_progress.ts';

function sink(tty: boolean): { stream: NodeJS.WritableStream; text: () => string } {
  const parts: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      parts.push(chunk.toString());
      done();
    },
  });
  Object.assign(stream, { isTTY: tty, columns: 100 });
  return { stream, text: () => parts.join('') };
}

void describe('progress bar', () => {
  void it('formats sizes and durations', () => {
    assert.equal(formatBytes(0), '0 B');
    assert.equal(formatBytes(1023), '1023 B');
    assert.equal(formatBytes(1536), '1.50 KiB');
    assert.equal(formatBytes(150 * 2 ** 20), '150.0 MiB');
    assert.equal(formatBytes(2 ** 40 * 3), '3.00 TiB');
    assert.equal(formatDuration(5), '0:05');
    assert.equal(formatDuration(125.4), '2:05');
    assert.equal(formatDuration(3725), '1:02:05');
  });

  void it('shows percentage, rate and ETA when the size is known, bytes and rate otherwise', () => {
    const line = renderProgress('encrypting big.iso', 2 ** 29, 2 ** 30, 2000, 120);
    assert.match(
      line,
      /^encrypting big\.iso {2}\[#{15}-{15}\] {2}50% 512\.0 MiB \/ 1\.00 GiB {2}256\.0 MiB\/s {2}ETA 0:02$/,
    );
    assert.equal(renderProgress('x', 2 ** 30, 2 ** 30, 1000, 120).includes('ETA'), false);
    assert.equal(
      renderProgress('decrypting stdin', 3 * 2 ** 20, undefined, 1000, 80),
      'decrypting stdin  3.00 MiB  3.00 MiB/s',
    );
    // Narrow terminals: no bar, and never wider than the terminal.
    const narrow = renderProgress('encrypting a-rather-long-file-name.bin', 10, 100, 10, 40);
    assert.ok(narrow.length < 40 && !narrow.includes('['));
  });

  void it('draws on a terminal at most once per interval, and ends the line', () => {
    let t = 0;
    const s = sink(true);
    const p = createProgress(progressWanted(s.stream, false), {
      stream: s.stream,
      label: 'encrypting f',
      total: 1000,
      now: () => t,
    });
    p.add(100); // first draw
    t = 50;
    p.add(100); // throttled
    t = 250;
    p.add(100); // drawn
    p.done();
    const out = s.text();
    assert.equal(out.split('\r').length - 1, 3);
    assert.match(out, /30% 300 B \/ 1000 B/);
    assert.ok(out.endsWith('\x1b[K\n'));
    const c = sink(true);
    const q = createProgress(true, { stream: c.stream, label: 'x', now: () => 0 });
    q.add(1);
    q.clear();
    assert.ok(c.text().endsWith('\r\x1b[K'));
  });

  void it('stays silent when stderr is not a terminal or in --json mode', () => {
    const pipe = sink(false);
    assert.equal(progressWanted(pipe.stream, false), false);
    assert.equal(progressWanted(sink(true).stream, true), false);
    const p = createProgress(progressWanted(pipe.stream, false), {
      stream: pipe.stream,
      label: 'x',
    });
    p.add(10);
    p.done();
    p.clear();
    assert.equal(pipe.text(), '');
  });
});
