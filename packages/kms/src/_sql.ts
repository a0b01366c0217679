/**
 * SQL shared by the two stores: the schema migrations (one list per dialect, applied in order and
 * recorded in `schema_migrations`) and the Locate query builder.
 */
import { State } from '@custos/kmip';
import type { LocateQuery } from './store.ts';

export type Dialect = 'sqlite' | 'postgresql';

/** One schema step. Never edit a released step: add a new one. */
export interface Migration {
  readonly version: number;
  readonly description: string;
  readonly sql: (prefix: string) => string[];
}

const blob = (d: Dialect): string => (d === 'sqlite' ? 'BLOB' : 'BYTEA');
const bigint = (d: Dialect): string => (d === 'sqlite' ? 'INTEGER' : 'BIGINT');

/** Migrations of a dialect; `prefix` is the schema qualifier (`"s".` or empty). */
export function migrations(d: Dialect): readonly Migration[] {
  return [
    {
      version: 1,
      description: 'objects, tags, names, grants, audit, parameters',
      sql: (p) => [
        `CREATE TABLE ${p}objects (
          uid TEXT PRIMARY KEY,
          seq ${d === 'sqlite' ? 'INTEGER' : 'BIGSERIAL'} NOT NULL,
          object_type INTEGER NOT NULL,
          state INTEGER NOT NULL,
          owner TEXT NOT NULL,
          algorithm ${bigint(d)},
          length INTEGER,
          created_at ${bigint(d)} NOT NULL,
          updated_at ${bigint(d)} NOT NULL,
          version INTEGER NOT NULL,
          attributes TEXT NOT NULL,
          material ${blob(d)}
        )`,
        `CREATE INDEX objects_owner ON ${p}objects (owner)`,
        `CREATE INDEX objects_seq ON ${p}objects (seq)`,
        `CREATE INDEX objects_type_state ON ${p}objects (object_type, state)`,
        `CREATE TABLE ${p}tags (
          uid TEXT NOT NULL REFERENCES ${p}objects (uid) ON DELETE CASCADE,
          tag TEXT NOT NULL,
          PRIMARY KEY (uid, tag)
        )`,
        `CREATE INDEX tags_tag ON ${p}tags (tag)`,
        `CREATE TABLE ${p}names (
          uid TEXT NOT NULL REFERENCES ${p}objects (uid) ON DELETE CASCADE,
          name TEXT NOT NULL,
          PRIMARY KEY (uid, name)
        )`,
        `CREATE INDEX names_name ON ${p}names (name)`,
        `CREATE TABLE ${p}grants (
          uid TEXT NOT NULL,
          user_id TEXT NOT NULL,
          operations TEXT NOT NULL,
          PRIMARY KEY (uid, user_id)
        )`,
        `CREATE INDEX grants_user ON ${p}grants (user_id)`,
        `CREATE TABLE ${p}audit (
          chain TEXT NOT NULL,
          seq ${bigint(d)} NOT NULL,
          at ${bigint(d)} NOT NULL,
          user_id TEXT NOT NULL,
          operation TEXT NOT NULL,
          uid TEXT NOT NULL,
          status TEXT NOT NULL,
          reason TEXT NOT NULL,
          source TEXT NOT NULL,
          prev TEXT NOT NULL,
          mac TEXT NOT NULL,
          PRIMARY KEY (chain, seq)
        )${d === 'sqlite' ? ' WITHOUT ROWID' : ''}`,
        `CREATE TABLE ${p}parameters (name TEXT PRIMARY KEY, value TEXT NOT NULL)`,
      ],
    },
  ];
}

/** Highest schema version this code knows. */
export const SCHEMA_VERSION = 1;

/** Columns of `objects`, in a fixed order. */
export const OBJECT_COLUMNS =
  'uid, object_type, state, owner, algorithm, length, created_at, updated_at, version, attributes, material';

/**
 * The SELECT for a Locate query. `ph(i)` writes the i-th placeholder (`?` or `$i`).
 * Visibility: owner, a grant to the user, or a grant to `*`.
 */
export function locateSql(
  q: LocateQuery,
  prefix: string,
  ph: (i: number) => string,
): { sql: string; params: unknown[] } {
  const params: unknown[] = [];
  const p = (v: unknown): string => {
    params.push(v);
    return ph(params.length);
  };
  const where: string[] = [];
  if (q.allObjects !== true) {
    const u1 = p(q.user);
    const u2 = p(q.user);
    where.push(
      `(o.owner = ${u1} OR EXISTS (SELECT 1 FROM ${prefix}grants g WHERE g.uid = o.uid AND (g.user_id = ${u2} OR g.user_id = '*')))`,
    );
  }
  if (q.objectType !== undefined) where.push(`o.object_type = ${p(q.objectType)}`);
  if (q.states !== undefined) {
    if (q.states.length === 0) where.push('1 = 0');
    else where.push(`o.state IN (${q.states.map((s) => p(s)).join(', ')})`);
  } else {
    where.push(`o.state NOT IN (${p(State.Destroyed)}, ${p(State.DestroyedCompromised)})`);
  }
  if (q.algorithm !== undefined) where.push(`o.algorithm = ${p(q.algorithm)}`);
  if (q.length !== undefined) where.push(`o.length = ${p(q.length)}`);
  for (const tag of q.tags ?? [])
    where.push(`EXISTS (SELECT 1 FROM ${prefix}tags t WHERE t.uid = o.uid AND t.tag = ${p(tag)})`);
  for (const name of q.names ?? [])
    where.push(
      `EXISTS (SELECT 1 FROM ${prefix}names n WHERE n.uid = o.uid AND n.name = ${p(name)})`,
    );
  const cols = OBJECT_COLUMNS.split(', ')
    .map((c) => `o.${c}`)
    .join(', ');
  const sql = `SELECT ${cols} FROM ${prefix}objects o${
    where.length === 0 ? '' : ` WHERE ${where.join(' AND ')}`
  } ORDER BY o.seq LIMIT ${p(q.limit)}`;
  return { sql, params };
}

/** Grant operations as stored: sorted, unique, comma-separated. */
export function encodeOperations(operations: readonly string[]): string {
  return [...new Set(operations)].sort().join(',');
}

export function decodeOperations(text: string): string[] {
  return text === '' ? [] : text.split(',');
}
