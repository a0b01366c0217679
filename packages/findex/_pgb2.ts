import pg from 'pg';
const pool = new pg.Pool({ connectionString: 'postgres://postgres@127.0.0.1:5432/test', max: 4 });
await pool.query('CREATE TABLE IF NOT EXISTS fx_tmp2 (a bytea primary key, w bytea not null)');
const c = await pool.connect();
const a = Buffer.alloc(16);
for (const [name, q] of [['plain', { text: 'SELECT a, w FROM fx_tmp2 WHERE a = ANY($1::bytea[])', values: [[a]] }], ['named', { name: 'fxr', text: 'SELECT a, w FROM fx_tmp2 WHERE a = ANY($1::bytea[])', values: [[a]] }], ['select1', { text: 'SELECT 1' }]] as const) {
  for (let i = 0; i < 50; i++) await c.query(q as any);
  const t = performance.now(); for (let i = 0; i < 500; i++) await c.query(q as any); console.log(name, ((performance.now() - t) / 500 * 1000).toFixed(0));
}
c.release(); await pool.query('DROP TABLE fx_tmp2'); await pool.end();
