import pg from 'pg';
import { PostgresStore } from './src/postgres-store.ts';
const pool = new pg.Pool({ connectionString: 'postgres://postgres@127.0.0.1:5432/test', max: 20, options: '-c synchronous_commit=off' });
const s = new PostgresStore(pool, { table: 'fx_tmp_bench' }); await s.ensureTable();
const a = new Uint8Array(16); let cur: Uint8Array | null = null;
const c = await pool.connect();
let t = performance.now(); for (let i = 0; i < 500; i++) await c.query('SELECT 1'); console.log('SELECT 1 µs', ((performance.now() - t) / 500 * 1000).toFixed(0)); c.release();
t = performance.now();
for (let i = 0; i < 500; i++) { const v = new Uint8Array(180); v[0] = i & 255; v[1] = i >> 8; v[2] = 1; await s.guardedWrite([{ address: a, expected: cur }], [{ address: a, value: v }, { address: v.subarray(0, 16), value: v }]); cur = v; }
console.log('seq success µs', ((performance.now() - t) / 500 * 1000).toFixed(0));
t = performance.now(); for (let i = 0; i < 500; i++) await s.batchRead([a]); console.log('read µs', ((performance.now() - t) / 500 * 1000).toFixed(0));
await s.drop(); await pool.end();
