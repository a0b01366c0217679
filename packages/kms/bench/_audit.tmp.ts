import { SqliteStore } from '../src/sqlite-store.ts';
import { AuditLog } from '../src/audit.ts';
import { silentLogger } from '../src/log.ts';
import { mkdtempSync } from 'node:fs'; import { tmpdir } from 'node:os'; import { join } from 'node:path';
const store = SqliteStore.open({ path: join(mkdtempSync(join(tmpdir(), 'a-')), 'x.sqlite') });
const log = await AuditLog.open(store, new Uint8Array(32), 'vm:9998', 1000000, silentLogger);
const ev = { user: 'admin', operation: 'encrypt', uid: globalThis.crypto.randomUUID(), status: 'success' as const, reason: '', source: 'http 127.0.0.1' };
for (let round = 0; round < 5; round++) {
  const t0 = performance.now(); const c0 = process.cpuUsage();
  for (let i = 0; i < 150 * 100; i++) { log.record({ ...ev }); if (i % 150 === 149) await log.flush(); }
  const c1 = process.cpuUsage(c0);
  console.log('per record µs wall', ((performance.now() - t0) * 1000 / 15000).toFixed(2), 'cpu', ((c1.user + c1.system) / 15000).toFixed(2));
}
