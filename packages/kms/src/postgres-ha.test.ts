/**
 * Several server instances on one PostgreSQL database: a change made through one instance is
 * honoured by the others at once (LISTEN/NOTIFY cache invalidation), even for keys the others
 * have cached; when the change feed is lost, caches are bypassed until it is back.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { RevocationReasonCode } from '@custos/kmip';
import { rejectsWithReason, ResultReason } from './_test/assert.ts';
import {
  PG_URL,
  dropSchema,
  postgresSkipReason,
  startTestServer,
  tokenSettings,
  uniqueSchema,
  type TestServer,
} from './_test/harness.ts';

function live(t: TestServer): boolean {
  return t.server.store.remoteChangesLive;
}

const PAST = new Date('2024-01-01T00:00:00Z');
const te = new TextEncoder();

void describe('two instances on one PostgreSQL', () => {
  let skip: string | undefined;
  let a: TestServer;
  let b: TestServer;
  const schema = uniqueSchema();

  before(async () => {
    skip = await postgresSkipReason();
    if (skip !== undefined) return;
    const settings = tokenSettings(['alice', 'bob']);
    [a, b] = await Promise.all([
      startTestServer({ backend: 'postgresql', schema, settings }),
      startTestServer({ backend: 'postgresql', schema, settings }),
    ]);
  });
  after(async () => {
    if (skip !== undefined) return;
    await Promise.all([a.close(), b.close()]);
    await dropSchema(schema);
  });

  void it('a revoke on one instance is honoured by the other immediately', async (ctx) => {
    if (skip !== undefined) {
      ctx.skip(skip);
      return;
    }
    for (let round = 0; round < 20; round++) {
      const uid = (await a.as('alice').createSymmetricKey({ activationDate: PAST }))
        .uniqueIdentifier as string;
      // Warm B's cache with the key.
      await b.as('alice').encrypt(uid, te.encode('warm'));
      await b.as('alice').encrypt(uid, te.encode('warm'));
      await a.as('alice').revoke(uid, RevocationReasonCode.CessationOfOperation);
      await rejectsWithReason(
        b.as('alice').encrypt(uid, te.encode('after revoke')),
        ResultReason.WrongKeyLifecycleState,
      );
    }
  });

  void it('a right revoked on one instance is gone on the other immediately', async (ctx) => {
    if (skip !== undefined) {
      ctx.skip(skip);
      return;
    }
    const uid = (await a.as('alice').createSymmetricKey({ activationDate: PAST }))
      .uniqueIdentifier as string;
    const grant = (path: string): Promise<{ status: number }> =>
      a.post(
        path,
        JSON.stringify({ unique_identifier: uid, user_id: 'bob', operation_types: ['encrypt'] }),
        { authorization: 'Bearer token-alice' },
      );
    assert.equal((await grant('/access/grant')).status, 200);
    await b.as('bob').encrypt(uid, te.encode('granted'));
    assert.equal((await grant('/access/revoke')).status, 200);
    await rejectsWithReason(
      b.as('bob').encrypt(uid, te.encode('revoked')),
      ResultReason.PermissionDenied,
    );
  });

  void it('destroy and hard delete on one instance are seen by the other', async (ctx) => {
    if (skip !== undefined) {
      ctx.skip(skip);
      return;
    }
    const uid = (await a.as('alice').createSymmetricKey({ activationDate: PAST }))
      .uniqueIdentifier as string;
    await b.as('alice').get(uid);
    await a.as('alice').revoke(uid, RevocationReasonCode.Superseded);
    await a.as('alice').destroy(uid);
    await rejectsWithReason(b.as('alice').get(uid), ResultReason.ObjectDestroyed);
  });

  void it('bypasses the cache while the change feed is down, and recovers', async (ctx) => {
    if (skip !== undefined) {
      ctx.skip(skip);
      return;
    }
    const uid = (await a.as('alice').createSymmetricKey({ activationDate: PAST }))
      .uniqueIdentifier as string;
    await b.as('alice').encrypt(uid, te.encode('cached'));
    const admin = new pg.Client({ connectionString: PG_URL });
    await admin.connect();
    try {
      await admin.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'custos-kms-listen' AND pid <> pg_backend_pid()`,
      );
      // While the feed is down a change is still honoured (B reads the database).
      await new Promise((r) => setTimeout(r, 100));
      assert.equal(b.server.store.remoteChangesLive, false);
      await a.as('alice').revoke(uid, RevocationReasonCode.Superseded);
      await rejectsWithReason(
        b.as('alice').encrypt(uid, te.encode('x')),
        ResultReason.WrongKeyLifecycleState,
      );
      for (let i = 0; i < 50 && !(live(a) && live(b)); i++)
        await new Promise((r) => setTimeout(r, 100));
      assert.equal(b.server.store.remoteChangesLive, true);
      const again = (await a.as('alice').createSymmetricKey({ activationDate: PAST }))
        .uniqueIdentifier as string;
      await b.as('alice').encrypt(again, te.encode('cached again'));
      await a.as('alice').revoke(again, RevocationReasonCode.Superseded);
      await rejectsWithReason(
        b.as('alice').encrypt(again, te.encode('x')),
        ResultReason.WrongKeyLifecycleState,
      );
    } finally {
      await admin.end();
    }
  });
});
