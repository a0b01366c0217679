/**
 * The decrypt matrix: every user policy of a generated set × every encryption policy, on a
 * three-dimension structure (one ordered, two unordered, one of them classic so that mixed
 * ciphertexts occur), checked against a plain boolean model written here from the semantics
 * alone (it shares no code with `rights.ts`). Both policy visibilities are run. `canOpen` and
 * `coveredRights` are checked against the same model.
 */
import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import { authority, prng, type Authority } from './_test/fixtures.ts';
import { decrypt, encrypt } from './hybrid.ts';
import { canOpen } from './rights.ts';
import type { UserKey } from './user-key.ts';

// ---- the model -------------------------------------------------------------------------------

type Dim = 'Dept' | 'Level' | 'Country';
const DIMS: Record<Dim, { ordered: boolean; values: string[] }> = {
  Dept: { ordered: false, values: ['FIN', 'MKG', 'HR'] },
  Level: { ordered: true, values: ['LOW', 'MED', 'HIGH'] },
  Country: { ordered: false, values: ['FR', 'DE'] },
};

type P = { t: 'all' } | { t: 'term'; d: Dim; v: string } | { t: 'and' | 'or'; ps: P[] };
type Label = Partial<Record<Dim, string>>;

const term = (d: Dim, v: string): P => ({ t: 'term', d, v });
const and = (...ps: P[]): P => ({ t: 'and', ps });
const or = (...ps: P[]): P => ({ t: 'or', ps });
const ALL: P = { t: 'all' };

function text(p: P): string {
  switch (p.t) {
    case 'all':
      return '*';
    case 'term':
      return `${p.d}::${p.v}`;
    case 'and':
      return p.ps.map((q) => (q.t === 'or' ? `(${text(q)})` : text(q))).join(' && ');
    case 'or':
      return p.ps.map(text).join(' || ');
  }
}

function rank(d: Dim, v: string): number {
  return DIMS[d].values.indexOf(v);
}

// Naive DNF: a list of clauses, each a list of terms.
function dnf(p: P): { d: Dim; v: string }[][] {
  if (p.t === 'all') return [[]];
  if (p.t === 'term') return [[{ d: p.d, v: p.v }]];
  if (p.t === 'or') return p.ps.flatMap(dnf);
  return p.ps.reduce<{ d: Dim; v: string }[][]>(
    (acc, q) => acc.flatMap((a) => dnf(q).map((b) => [...a, ...b])),
    [[]],
  );
}

// The data labels a ciphertext carries: per clause, its attribute per dimension (the highest one
// for an ordered dimension). Clauses with two values of an unordered dimension are not generated.
function labels(p: P): Label[] {
  return dnf(p).map((clause) => {
    const label: Label = {};
    for (const { d, v } of clause) {
      const prev = label[d];
      if (prev === undefined || (DIMS[d].ordered && rank(d, v) > rank(d, prev))) label[d] = v;
    }
    return label;
  });
}

// A user policy term accepts a label whose dimension is unspecified, equal (unordered), or at or
// below (ordered).
function accepts(p: P, label: Label): boolean {
  switch (p.t) {
    case 'all':
      return true;
    case 'term': {
      const value = label[p.d];
      if (value === undefined) return true;
      return DIMS[p.d].ordered ? rank(p.d, value) <= rank(p.d, p.v) : value === p.v;
    }
    case 'and':
      return p.ps.every((q) => accepts(q, label));
    case 'or':
      return p.ps.some((q) => accepts(q, label));
  }
}

const model = (user: P, enc: P): boolean => labels(enc).some((l) => accepts(user, l));

// ---- generated policies ----------------------------------------------------------------------

const terms: P[] = (Object.keys(DIMS) as Dim[]).flatMap((d) =>
  DIMS[d].values.map((v) => term(d, v)),
);

function randomPolicy(rand: () => number, forEncryption: boolean, depth = 0): P {
  const pick = (): P => terms[Math.floor(rand() * terms.length)] as P;
  const r = rand();
  if (depth >= 2 || r < 0.35) return pick();
  const n = 2 + Math.floor(rand() * 2);
  const ps = Array.from({ length: n }, () => randomPolicy(rand, forEncryption, depth + 1));
  if (r < 0.7) {
    const p = and(...ps);
    // An encryption clause may not name two values of one unordered dimension.
    if (forEncryption && dnf(p).some((c) => _conflict(c))) return or(...ps);
    return p;
  }
  return or(...ps);
}

function _conflict(clause: { d: Dim; v: string }[]): boolean {
  const seen = new Map<Dim, string>();
  for (const { d, v } of clause) {
    if (!DIMS[d].ordered && seen.has(d) && seen.get(d) !== v) return true;
    seen.set(d, v);
  }
  return false;
}

const rand = prng(0xc0c0);
const userPolicies: P[] = [
  ALL,
  ...terms,
  ...DIMS.Dept.values.flatMap((d) =>
    DIMS.Level.values.map((l) => and(term('Dept', d), term('Level', l))),
  ),
  and(term('Dept', 'FIN'), term('Dept', 'HR')), // two values of one dimension in a user clause
  and(term('Level', 'MED'), term('Country', 'DE'), term('Dept', 'MKG')),
  ...Array.from({ length: 10 }, () => randomPolicy(rand, false)),
];
const encryptionPolicies: P[] = [
  ALL,
  ...terms,
  and(term('Level', 'LOW'), term('Level', 'HIGH')),
  or(term('Level', 'LOW'), term('Level', 'MED')),
  and(term('Dept', 'HR'), term('Level', 'HIGH'), term('Country', 'FR')),
  or(ALL, term('Dept', 'FIN')),
  ...Array.from({ length: 12 }, () => randomPolicy(rand, true)),
];

// ---- the test --------------------------------------------------------------------------------

void describe('decrypt matrix vs boolean model (3 dimensions)', () => {
  let auth: Authority;
  let users: UserKey[];

  before(async () => {
    auth = await authority({
      dimensions: [
        { name: 'Dept', attributes: DIMS.Dept.values },
        { name: 'Level', kind: 'ordered', attributes: DIMS.Level.values },
        {
          name: 'Country',
          attributes: DIMS.Country.values.map((name) => ({ name, mode: 'classic' as const })),
        },
      ],
    });
    users = await Promise.all(userPolicies.map((p) => auth.user(text(p))));
  });

  void test('canOpen agrees with the model on every pair', () => {
    const structure = auth.mpk.structure;
    let positives = 0;
    for (const u of userPolicies) {
      for (const e of encryptionPolicies) {
        const expected = model(u, e);
        positives += expected ? 1 : 0;
        assert.equal(canOpen(structure, text(u), text(e)), expected, `${text(u)} / ${text(e)}`);
      }
    }
    // The generated sets must exercise both outcomes substantially.
    const total = userPolicies.length * encryptionPolicies.length;
    assert.ok(
      positives > total / 5 && positives < (total * 4) / 5,
      `${positives}/${total} positives`,
    );
  });

  for (const visibility of ['hidden', 'public'] as const) {
    void test(`decryption agrees with the model on every pair (${visibility})`, () => {
      const plaintext = new TextEncoder().encode('matrix');
      let checked = 0;
      for (const e of encryptionPolicies) {
        const ct = encrypt(auth.mpk, text(e), plaintext, { visibility, allowMixedModes: true });
        userPolicies.forEach((u, i) => {
          const result = decrypt(users[i] as UserKey, ct);
          assert.equal(result.authorized, model(u, e), `${visibility}: ${text(u)} / ${text(e)}`);
          if (result.authorized) assert.deepEqual(result.plaintext, plaintext);
          checked++;
        });
      }
      assert.equal(checked, userPolicies.length * encryptionPolicies.length);
    });
  }
});
