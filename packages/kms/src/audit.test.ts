/**
 * The audit chain: every operation is recorded (who, what, which object, result), the chain
 * verifies, and any alteration, deletion or reordering is detected.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { describe, it } from 'node:test';
import { KeyEncryptionKey } from './kek.ts';
import { SqliteStore } from './sqlite-store.ts';
import { verifyAudit, AuditLog } from './audit.ts';
import { silentLogger } from './log.ts';
import { startTestServer, TEST_KEK, tokenSettings } from './_test/harness.ts';

const PAST = new Date('2024-01-01T00:00:00Z');

void describe('audit log', () => {
  void it('records every operation and verifies; tampering is detected', async () => {
    const t = await startTestServer({ settings: tokenSettings(['alice', 'mallory']) });
    const alice = t.as('alice');
    const uid = (await alice.createSymmetricKey({ activationDate: PAST }))
      .uniqueIdentifier as string;
    await alice.encrypt(uid, new Uint8Array(8));
    await t
      .as('mallory')
      .get(uid)
      .catch(() => undefined);
    assert.equal((await t.get('/me', { authorization: 'Bearer wrong' })).status, 401);
    await t.post(
      '/access/grant',
      JSON.stringify({ unique_identifier: uid, user_id: 'mallory', operation_types: ['get'] }),
      { authorization: 'Bearer token-alice' },
    );
    const chain = t.server.state.audit?.chain as string;
    await t.close(true);

    const kek = new KeyEncryptionKey(Uint8Array.from(Buffer.from(TEST_KEK, 'base64')));
    const path = join(t.dir, 'kms.sqlite');
    const store = SqliteStore.open({ path });
    const rows = await store.readAudit(chain, 0, 100);
    assert.deepEqual(
      rows.map((r) => [r.user, r.operation, r.uid, r.status, r.reason]),
      [
        ['alice', 'create', uid, 'success', ''],
        ['alice', 'encrypt', uid, 'success', ''],
        ['mallory', 'get', uid, 'failure', 'Permission_Denied'],
        ['', 'authenticate', '', 'failure', 'Authentication_Not_Successful'],
        ['alice', 'grant', uid, 'success', ''],
      ],
    );
    assert.ok(rows.every((r) => r.source.startsWith('http ')));
    const ok = await verifyAudit(store, kek.auditKey);
    assert.equal(ok.length, 1);
    assert.equal(ok[0]?.ok, true);
    assert.equal(ok[0].records, 5);
    assert.equal(ok[0].head, rows[4]?.mac);
    // The wrong key cannot verify (nor forge) the chain.
    const other = new KeyEncryptionKey(new Uint8Array(32).fill(1));
    assert.equal((await verifyAudit(store, other.auditKey))[0]?.ok, false);
    await store.close();

    const db = new DatabaseSync(path);
    // Altered record.
    db.prepare('UPDATE audit SET status = ? WHERE chain = ? AND seq = 3').run('success', chain);
    let s = SqliteStore.open({ path });
    let r = (await verifyAudit(s, kek.auditKey))[0];
    assert.equal(r?.ok, false);
    // Batches are the unit of verification: the break is reported at the start of the batch
    // holding record 3, and every record before that batch is valid.
    assert.ok((r.brokenAt ?? 99) <= 3);
    assert.equal(r.records, (r.brokenAt ?? 0) - 1);
    await s.close();
    db.prepare('UPDATE audit SET status = ? WHERE chain = ? AND seq = 3').run('failure', chain);
    // Deleted record.
    db.prepare('DELETE FROM audit WHERE chain = ? AND seq = 2').run(chain);
    s = SqliteStore.open({ path });
    r = (await verifyAudit(s, kek.auditKey))[0];
    assert.equal(r?.ok, false);
    assert.ok((r.brokenAt ?? 99) <= 2);
    assert.match(r.problem ?? '', /missing|does not match/);
    await s.close();
    db.close();
  });

  void it('continues the chain after a restart and batches writes', async () => {
    const kek = new KeyEncryptionKey(new Uint8Array(32).fill(3));
    const store = SqliteStore.open({ path: ':memory:' });
    const event = {
      user: 'u',
      operation: 'get',
      uid: 'x',
      status: 'success' as const,
      reason: '',
      source: 'test',
    };
    const a = await AuditLog.open(store, kek.auditKey, 'c1', 50, silentLogger);
    for (let i = 0; i < 100; i++) a.record(event);
    await a.close();
    const b = await AuditLog.open(store, kek.auditKey, 'c1', 0, silentLogger);
    b.record(event);
    await b.close();
    const c2 = await AuditLog.open(store, kek.auditKey, 'c2', 0, silentLogger);
    c2.record(event);
    await c2.close();
    const reports = await verifyAudit(store, kek.auditKey);
    assert.deepEqual(
      reports.map((x) => [x.chain, x.records, x.ok]),
      [
        ['c1', 101, true],
        ['c2', 1, true],
      ],
    );
    await store.close();
  });

  void it('wait_for_write: a response is sent only once its record is stored', async () => {
    const t = await startTestServer({
      settings: { 'audit.wait_for_write': 'true', 'audit.flush_interval_ms': '60000' },
    });
    const admin = t.as('admin');
    const uid = (await admin.createSymmetricKey({ activationDate: PAST }))
      .uniqueIdentifier as string;
    await Promise.all([
      admin.encrypt(uid, new Uint8Array(8)),
      admin.encrypt(uid, new Uint8Array(8)),
    ]);
    // No close, no flush: with a 60 s interval only wait_for_write can have written them.
    const chain = t.server.state.audit?.chain as string;
    const rows = await t.server.store.readAudit(chain, 0, 100);
    assert.deepEqual(
      rows.map((r) => r.operation),
      ['create', 'encrypt', 'encrypt'],
    );
    await t.close(true);
  });

  void it('persisted() rejects while the store refuses records, which stay queued', async () => {
    const kek = new KeyEncryptionKey(new Uint8Array(32).fill(4));
    const store = SqliteStore.open({ path: ':memory:' });
    const append = store.appendAudit.bind(store);
    let refuse = true;
    store.appendAudit = (rows) => (refuse ? Promise.reject(new Error('disk full')) : append(rows));
    const log = await AuditLog.open(
      store,
      kek.auditKey,
      'c',
      { flushIntervalMs: 60_000, waitForWrite: true },
      silentLogger,
    );
    assert.equal(log.waitForWrite, true);
    log.append('u', 'encrypt', 'x', 'success', '', 'test');
    await assert.rejects(log.persisted());
    refuse = false;
    log.append('u', 'decrypt', 'x', 'success', '', 'test');
    await log.persisted();
    assert.deepEqual(
      (await store.readAudit('c', 0, 10)).map((r) => [r.seq, r.operation]),
      [
        [1, 'encrypt'],
        [2, 'decrypt'],
      ],
    );
    assert.equal((await verifyAudit(store, kek.auditKey))[0]?.ok, true);
    await log.close();
    await store.close();
  });
});
