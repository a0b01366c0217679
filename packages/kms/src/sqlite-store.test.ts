/**
 * SQLite store specifics: audit writes synced off the event loop (deferred WAL sync) alongside
 * ordinary synced transactions, and idempotent audit retries.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { describe, it } from 'node:test';
import { SqliteStore } from './sqlite-store.ts';
import type { AuditRow } from './store.ts';

function rows(from: number, n: number, mac = 'b'.repeat(64)): AuditRow[] {
  return Array.from({ length: n }, (_, i) => ({
    chain: 'c',
    seq: from + i,
    at: 1_700_000_000_000 + i,
    user: 'u',
    operation: 'encrypt',
    uid: `k${i}`,
    status: 'success',
    reason: '',
    source: 'test',
    prev: 'a'.repeat(64),
    mac,
  }));
}

function tempDir(): { dir: string; [Symbol.dispose]: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'custos-sqlite-store-'));
  return {
    dir,
    [Symbol.dispose]: () => {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

void describe('SQLite store', () => {
  void it('audit writes and synced transactions interleave; both are stored', async () => {
    using t = tempDir();
    const path = join(t.dir, 'kms.sqlite');
    const store = SqliteStore.open({ path });
    // Audit batches (deferred sync) and parameter writes (synced commits) queued together.
    await Promise.all([
      store.appendAudit(rows(1, 100)),
      store.setParameter('p1', 'one'),
      store.appendAudit(rows(101, 70)),
      store.setParameter('p2', 'two'),
      store.appendAudit(rows(171, 1)),
    ]);
    // Resolved means committed: another connection sees every row.
    const db = new DatabaseSync(path);
    assert.equal((db.prepare('SELECT COUNT(*) AS n FROM audit').get() as { n: number }).n, 171);
    assert.equal(
      (db.prepare("SELECT value FROM parameters WHERE name = 'p2'").get() as { value: string })
        .value,
      'two',
    );
    db.close();
    assert.deepEqual(
      (await store.readAudit('c', 0, 1000)).map((r) => r.seq),
      Array.from({ length: 171 }, (_, i) => i + 1),
    );
    await store.close();
  });

  void it('an audit retry of rows already stored is accepted; a different row is refused', async () => {
    using t = tempDir();
    const store = SqliteStore.open({ path: join(t.dir, 'kms.sqlite') });
    await store.appendAudit(rows(1, 5));
    // The same rows again (a write whose sync failed, retried), plus new ones.
    await store.appendAudit(rows(1, 8));
    assert.equal((await store.readAudit('c', 0, 100)).length, 8);
    // Rows 7 and 8 exist with another MAC: two writers on one chain.
    await assert.rejects(store.appendAudit(rows(7, 3, 'c'.repeat(64))), /different record 7/);
    const stored = await store.readAudit('c', 0, 100);
    assert.equal(stored.length, 8, 'nothing of the refused batch is kept');
    assert.ok(stored.every((r) => r.mac === 'b'.repeat(64)));
    await store.close();
  });

  void it('finds the WAL through a symbolic link, and falls back when it cannot open it', async () => {
    using t = tempDir();
    mkdirSync(join(t.dir, 'real'));
    symlinkSync(join(t.dir, 'real'), join(t.dir, 'link'));
    const store = SqliteStore.open({ path: join(t.dir, 'link', 'kms.sqlite') });
    await store.appendAudit(rows(1, 2));
    // The WAL gone from the folder (SQLite keeps writing to its open file): the commit is
    // synced by a checkpoint instead, and audit writes keep working.
    unlinkSync(join(t.dir, 'real', 'kms.sqlite-wal'));
    const other = SqliteStore.open({ path: join(t.dir, 'real', 'other.sqlite') });
    await other.setParameter('p', 'v');
    unlinkSync(join(t.dir, 'real', 'other.sqlite-wal'));
    await other.appendAudit(rows(1, 2));
    await other.appendAudit(rows(3, 1));
    assert.equal((await other.readAudit('c', 0, 10)).length, 3);
    await other.close();
    await store.appendAudit(rows(3, 1));
    assert.equal((await store.readAudit('c', 0, 10)).length, 3);
    await store.close();
  });

  void it('a transaction queued as soon as the previous one resolved runs', async () => {
    const store = SqliteStore.open({ path: ':memory:' });
    // Each starts in the continuation of the previous await, while the loop that ran the
    // previous one is ending (this used to wait forever).
    await store.setParameter('a', '1');
    await store.setParameter('b', '2');
    await store.appendAudit(rows(1, 1));
    await store.setParameter('c', '3');
    assert.equal(await store.getParameter('c'), '3');
    await store.close();
  });

  void it('in memory and with synchronous = normal, audit writes need no WAL sync', async () => {
    using t = tempDir();
    for (const store of [
      SqliteStore.open({ path: ':memory:' }),
      SqliteStore.open({ path: join(t.dir, 'n.sqlite'), synchronous: 'normal' }),
    ]) {
      await Promise.all([store.appendAudit(rows(1, 3)), store.setParameter('p', 'v')]);
      assert.equal((await store.readAudit('c', 0, 10)).length, 3);
      await store.close();
    }
  });
});
