import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import {
  group,
  KEM_CIPHERTEXT,
  mlkem,
  randomBelow,
  shuffle,
  type KemSecretKey,
} from './_scheme.ts';
import { FormatError, PolicyError } from './errors.ts';
import {
  decapsulate,
  encapsulate,
  parseEncapsulation,
  type DecapsulationKey,
  type ScanStrategy,
} from './encapsulation.ts';
import {
  assertArgumentError,
  authority,
  flip,
  notBytes,
  notString,
  positions,
  type Authority,
} from './_test/fixtures.ts';
import type { UserKey } from './user-key.ts';

const P1 = 'Department::MKG && Security Level::Protected';
const P_HR = 'Department::HR && Security Level::Protected';

void describe('KEM', () => {
  let auth: Authority;
  let mkgTop: UserKey;
  let hrLow: UserKey;
  let everyone: UserKey;

  before(async () => {
    auth = await authority();
    mkgTop = await auth.user('Department::MKG && Security Level::Top Secret');
    hrLow = await auth.user('Department::HR && Security Level::Protected');
    everyone = await auth.user('*');
  });

  for (const visibility of ['hidden', 'public'] as const) {
    void test(`round trip, ${visibility}`, () => {
      const { key, encapsulation, postQuantum } = auth.mpk.encapsulate(P1, { visibility });
      assert.equal(key.length, 32);
      assert.equal(postQuantum, true);
      assert.deepEqual(mkgTop.decapsulate(encapsulation), key);
      assert.deepEqual(everyone.decapsulate(encapsulation), key);
      assert.equal(hrLow.decapsulate(encapsulation), undefined);
      const parsed = parseEncapsulation(encapsulation);
      assert.equal(parsed.visibility, visibility);
      assert.equal(parsed.slots.length, 1);
      assert.equal(parsed.slots[0]?.hybrid, true);
    });

    void test(`every holder of a target right gets the same key, ${visibility}`, () => {
      const { key, encapsulation } = auth.mpk.encapsulate(`${P1} || ${P_HR}`, { visibility });
      assert.deepEqual(mkgTop.decapsulate(encapsulation), key);
      assert.deepEqual(hrLow.decapsulate(encapsulation), key);
      assert.equal(parseEncapsulation(encapsulation).slots.length, 2);
    });
  }

  void test('fresh randomness: two encapsulations differ', () => {
    const a = auth.mpk.encapsulate(P1);
    const b = auth.mpk.encapsulate(P1);
    assert.notDeepEqual(a.key, b.key);
    assert.notDeepEqual(a.encapsulation.subarray(7, 71), b.encapsulation.subarray(7, 71));
  });

  void test('sizes: 71 + n + per slot (1 kind, 16 + 16 tags, 1088 ML-KEM, 32 mask)', () => {
    const { encapsulation } = auth.mpk.encapsulate(P1);
    assert.equal(encapsulation.length, 7 + 64 + 1 + (1 + 32 + KEM_CIPHERTEXT + 32));
  });

  void test('hidden encapsulations do not contain the right ids', () => {
    const hidden = parseEncapsulation(auth.mpk.encapsulate(P1).encapsulation);
    assert.equal(hidden.slots[0]?.right, undefined);
    const pub = parseEncapsulation(
      auth.mpk.encapsulate(P1, { visibility: 'public' }).encapsulation,
    );
    assert.deepEqual(pub.slots[0]?.right, [3, 5]);
  });

  void test('mixed classic and hybrid rights are refused unless allowed', async () => {
    const mixed = await authority({
      dimensions: [{ name: 'D', attributes: [{ name: 'c', mode: 'classic' }, 'h'] }],
    });
    const user = await mixed.user('*');
    assert.throws(() => mixed.mpk.encapsulate('D::c || D::h'), PolicyError);
    const { key, encapsulation, postQuantum } = mixed.mpk.encapsulate('D::c || D::h', {
      allowMixedModes: true,
    });
    assert.equal(postQuantum, false);
    assert.deepEqual(user.decapsulate(encapsulation), key);
    const classic = mixed.mpk.encapsulate('D::c');
    assert.equal(classic.postQuantum, false);
    assert.equal(classic.encapsulation.length, 7 + 64 + 1 + (1 + 16 + 32));
    assert.deepEqual(user.decapsulate(classic.encapsulation), classic.key);
  });

  void test('a key of another authority is not authorized', async () => {
    const other = await authority();
    const stranger = await other.user('*');
    assert.equal(stranger.decapsulate(auth.mpk.encapsulate(P1).encapsulation), undefined);
    assert.equal(
      stranger.decapsulate(auth.mpk.encapsulate(P1, { visibility: 'public' }).encapsulation),
      undefined,
    );
  });

  for (const visibility of ['hidden', 'public'] as const) {
    // A KEM may return an unrelated key for an altered encapsulation (as ML-KEM's implicit
    // rejection does): altering another right's slot changes the key through U. It must never
    // return the original key, nor throw anything but FormatError for framing.
    void test(`altering any byte never yields the key, ${visibility}`, () => {
      const { key, encapsulation } = auth.mpk.encapsulate(`${P1} || ${P_HR}`, { visibility });
      let notAuthorized = 0;
      for (const p of positions(encapsulation.length, 500)) {
        {
          const altered = flip(encapsulation, p, p % 2 === 0 ? 0x01 : 0x80);
          try {
            const got = mkgTop.decapsulate(altered);
            assert.ok(got === undefined || !Buffer.from(got).equals(key), `byte ${p}`);
            if (got === undefined) notAuthorized++;
          } catch (error) {
            assert.ok(error instanceof FormatError, `byte ${p}: ${String(error)}`);
          }
        }
      }
      assert.ok(notAuthorized > 0);
    });
  }

  void test('Fujisaki–Okamoto: valid but inconsistent traps are refused', () => {
    const { encapsulation } = auth.mpk.encapsulate(P1);
    const other = group.point.mulBase(group.scalar.random());
    for (const offset of [7, 39]) {
      const forged = encapsulation.slice();
      forged.set(other, offset);
      assert.equal(mkgTop.decapsulate(forged), undefined);
      assert.equal(everyone.decapsulate(forged), undefined);
    }
  });

  void test('truncated and extended encapsulations', () => {
    const { encapsulation } = auth.mpk.encapsulate(P1);
    for (const cut of [0, 3, 6, 7, 71, 72, 200, encapsulation.length - 1]) {
      assert.throws(
        () => mkgTop.decapsulate(encapsulation.subarray(0, cut)),
        FormatError,
        `cut ${cut}`,
      );
    }
    // The parser stops at the end of the encapsulation: data after it is not part of it.
    const extended = new Uint8Array(encapsulation.length + 5);
    extended.set(encapsulation);
    assert.equal(parseEncapsulation(extended).bytes.length, encapsulation.length);
  });

  void test('hostile arguments', () => {
    for (const v of notBytes)
      assertArgumentError(() => mkgTop.decapsulate(v as Uint8Array), String(v));
    for (const v of notString)
      assertArgumentError(() => auth.mpk.encapsulate(v as string), String(v));
    assertArgumentError(
      () => auth.mpk.encapsulate(P1, { visibility: 'secret' as never }),
      'visibility',
    );
    assert.throws(() => auth.mpk.encapsulate('Department::Nope'), PolicyError);
  });
});

void describe('hidden-policy scan', () => {
  // A small authority built from the primitives, so the test can count what the scan does.
  const s = group.scalar.random();
  const t = group.scalar.random();
  const h = group.point.mulBase(s);
  const P = group.point.mulBase(t);
  const authorityId = new Uint8Array(32).fill(7);
  const a1 = group.scalar.random();
  const a0 = group.scalar.sub(s, group.scalar.mul(a1, t));
  const rights = [[1], [2], [3], [4], [5]].map((right) => {
    const x = group.scalar.random();
    const pair = mlkem.generateKeyPair();
    return {
      right,
      x,
      H: group.point.mul(x, h),
      ek: mlkem.publicKey(pair.publicKey),
      dk: mlkem.secretKey(pair.secretKey),
    };
  });
  type Right = (typeof rights)[number];
  const target = (r: Right) => ({ right: r.right, revision: 1, H: r.H, ek: r.ek });
  // Reads of x (EC work) and of the ML-KEM key (ML-KEM work) are counted.
  const counts = { x: 0, kem: 0 };
  const keyOf = (r: Right, x = group.scalar.mul(a0, r.x)): DecapsulationKey => ({
    right: r.right,
    revision: 1,
    hybrid: true,
    get x() {
      counts.x++;
      return x;
    },
    kem(): KemSecretKey {
      counts.kem++;
      return r.dk;
    },
  });
  const open = (encapsulation: Uint8Array, held: DecapsulationKey[], scan: ScanStrategy) => {
    const parsed = parseEncapsulation(encapsulation);
    const q = group.scalar.mul(a1, group.scalar.invert(a0));
    const A = group.point.add(parsed.c0, group.point.mul(q, parsed.c1));
    counts.x = 0;
    counts.kem = 0;
    const key = decapsulate(authorityId, P, parsed, A, held, false, scan);
    return { key, ...counts };
  };
  // The histogram of a count over `runs` decapsulations.
  const histogram = (runs: number, f: () => number): number[] => {
    const out: number[] = [];
    for (let i = 0; i < runs; i++) {
      const n = f();
      out[n] = (out[n] ?? 0) + 1;
    }
    return out;
  };
  const mean = (h: number[]): number => {
    let sum = 0;
    let count = 0;
    h.forEach((c, n) => {
      sum += n * c;
      count += c;
    });
    return sum / count;
  };

  for (const scan of ['ml-kem', 'ec'] as const) {
    void test(`${scan}: the number of attempts does not depend on which secret matched`, () => {
      const { key, encapsulation } = encapsulate(
        authorityId,
        P,
        [rights[0]!, rights[1]!].map(target),
        'hidden',
      );
      const first = [rights[0]!, rights[2]!, rights[3]!].map((r) => keyOf(r));
      const last = [rights[2]!, rights[3]!, rights[1]!].map((r) => keyOf(r));
      const none = [rights[2]!, rights[3]!, rights[4]!].map((r) => keyOf(r));
      // ml-kem: the candidates are the 2 slots × 3 secrets, one decapsulation each, then one
      // multiplication (K1); ec: the 3 secrets, one multiplication each, then one decapsulation.
      const candidates = scan === 'ml-kem' ? 6 : 3;
      const attempts = (held: DecapsulationKey[]) => () => {
        const run = open(encapsulation, held, scan);
        assert.equal(run.key === undefined, held === none);
        if (run.key !== undefined) assert.deepEqual(run.key, key);
        assert.equal(scan === 'ml-kem' ? run.x : run.kem, 1);
        return scan === 'ml-kem' ? run.kem : run.x;
      };
      const runs = scan === 'ml-kem' ? 240 : 150;
      const a = histogram(runs, attempts(first));
      const b = histogram(runs, attempts(last));
      // A miss tries every candidate.
      assert.deepEqual(histogram(5, attempts(none)).length, candidates + 1);
      // A match: uniform over 1..candidates wherever the matching secret sits in the key.
      for (const h of [a, b]) {
        assert.equal(h.length, candidates + 1, `counts ${JSON.stringify(h)}`);
        for (let n = 1; n <= candidates; n++) assert.ok((h[n] ?? 0) > 0, `never ${n}`);
        // Mean (candidates + 1) / 2; 5 standard deviations of the sample mean.
        const sd = Math.sqrt((candidates * candidates - 1) / 12 / runs);
        assert.ok(Math.abs(mean(h) - (candidates + 1) / 2) < 5 * sd, `mean ${mean(h)}`);
      }
    });

    void test(`${scan}, exhaustive: the same work whichever secret matched, and on a miss`, () => {
      const { key, encapsulation } = encapsulate(
        authorityId,
        P,
        [rights[0]!, rights[1]!].map(target),
        'hidden',
      );
      const run = (held: DecapsulationKey[]) => {
        const parsed = parseEncapsulation(encapsulation);
        const q = group.scalar.mul(a1, group.scalar.invert(a0));
        const A = group.point.add(parsed.c0, group.point.mul(q, parsed.c1));
        counts.x = 0;
        counts.kem = 0;
        const k = decapsulate(authorityId, P, parsed, A, held, false, scan, true);
        return { key: k, ...counts };
      };
      const first = run([rights[0]!, rights[2]!, rights[3]!].map((r) => keyOf(r)));
      const last = run([rights[2]!, rights[3]!, rights[1]!].map((r) => keyOf(r)));
      const none = run([rights[2]!, rights[3]!, rights[4]!].map((r) => keyOf(r)));
      assert.deepEqual(first.key, key);
      assert.deepEqual(last.key, key);
      assert.equal(none.key, undefined);
      for (const other of [last, none]) {
        assert.equal(other.x, first.x);
        assert.equal(other.kem, first.kem);
      }
      // ml-kem: one decapsulation per (slot, secret); ec: one per call, after the 3 shares.
      assert.equal(first.kem, scan === 'ml-kem' ? 2 * 3 : 1);
    });

    void test(`${scan}: a hybrid slot needs the right's ML-KEM key, not only its x`, () => {
      const r = rights[0]!;
      const { encapsulation } = encapsulate(authorityId, P, [target(r)], 'hidden');
      const classicOnly: DecapsulationKey = { ...keyOf(r), hybrid: false, kem: () => undefined };
      assert.equal(open(encapsulation, [classicOnly], scan).key, undefined);
    });
  }

  void test('a wrong c1 is refused: implicitly by users, explicitly by the authority', () => {
    // Made with another tracing point: c1 = r·P′ ≠ r·P, everything else honest and bound by T.
    const otherP = group.point.mulBase(group.scalar.random());
    const { key, encapsulation } = encapsulate(authorityId, otherP, [target(rights[0]!)], 'hidden');
    const held = [rights[0]!, rights[1]!].map((r) => keyOf(r));
    assert.equal(open(encapsulation, held, 'ml-kem').key, undefined);
    assert.equal(open(encapsulation, held, 'ec').key, undefined);
    // The authority's A = s·c0 ignores c1: only its explicit check refuses the encapsulation.
    const parsed = parseEncapsulation(encapsulation);
    const A = group.point.mul(s, parsed.c0);
    const master = [rights[0]!, rights[1]!].map((r) => keyOf(r, r.x));
    assert.equal(decapsulate(authorityId, P, parsed, A, master, true, 'ec'), undefined);
    assert.deepEqual(decapsulate(authorityId, P, parsed, A, master, false, 'ec'), key);
  });
});

void describe('randomBelow', () => {
  void test('stays in range, covers it roughly uniformly, refuses bad bounds', () => {
    const counts = [0, 0, 0, 0, 0];
    for (let i = 0; i < 5000; i++) counts[randomBelow(5)]! += 1;
    for (const n of counts) assert.ok(n > 850 && n < 1150, counts.join(','));
    assert.equal(randomBelow(1), 0);
    for (const bad of [0, -1, 1.5, 2 ** 32 + 1, Number.NaN]) {
      assert.throws(() => randomBelow(bad), RangeError, String(bad));
    }
  });
});

void describe('shuffle', () => {
  void test('is a permutation and roughly uniform', () => {
    const counts = new Map<string, number>();
    for (let i = 0; i < 6000; i++) {
      const order = shuffle([0, 1, 2]).join('');
      counts.set(order, (counts.get(order) ?? 0) + 1);
    }
    assert.equal(counts.size, 6);
    for (const [order, n] of counts) assert.ok(n > 800 && n < 1200, `${order}: ${n}`);
  });
});
