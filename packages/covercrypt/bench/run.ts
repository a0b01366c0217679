/**
 * `npm run bench` for @custos/covercrypt: ours (hidden and public policies) against the anchor
 * `cloudproof_js@10.0.1` (Cosmian Covercrypt 14 in WebAssembly) in the same process, on the same
 * structure (Department {R&D, HR, MKG, FIN} unordered × Security Level {Protected < Confidential
 * < Top Secret}, all hybrid), then sizes, then where the time goes.
 *
 * Timing: after a warm-up (WARMUP calls and WARMUP_MS of each column), the median of ITERS single-operation timings (1 MiB rows: ITERS/4),
 * taken in ROUNDS rounds that interleave ours and the anchor's so that load bursts on a shared
 * machine hit both. Knobs: ITERS (default 200), WARMUP (50), WARMUP_MS (150), ROUNDS (5), BENCH_JSON=path,
 * BENCH_FILTER=regex (only the operations whose name matches; sizes and breakdown follow).
 * The anchor's hybrid policy is written as its JSON format by hand: its `PolicyAxis` API drops
 * `isHybridized` (anchor defect W4). Its `encrypt()` output is header ‖ nonce ‖ payload ‖ tag.
 */
import { createRequire } from 'node:module';
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { provider } from '@custos/crypto';
import {
  MasterPublicKey,
  MasterSecretKey,
  UserKey,
  decrypt,
  encrypt,
  encryptHeader,
} from '../src/index.ts';

const ITERS = Number(process.env['ITERS'] ?? 200);
const WARMUP = Number(process.env['WARMUP'] ?? 50);
const ROUNDS = Number(process.env['ROUNDS'] ?? 5);
const WARMUP_MS = Number(process.env['WARMUP_MS'] ?? 150);
const FILTER = new RegExp(process.env['BENCH_FILTER'] ?? '', 'i');

const DEPTS = ['R&D', 'HR', 'MKG', 'FIN'];
const LEVELS = ['Protected', 'Confidential', 'Top Secret'];
const P1 = 'Department::MKG && Security Level::Protected';
const P4 =
  '(Department::MKG || Department::FIN) && (Security Level::Protected || Security Level::Confidential)';
const P4X =
  '(Department::MKG && Security Level::Protected) || (Department::FIN && Security Level::Protected) || (Department::HR && Security Level::Confidential) || (Department::R&D && Security Level::Confidential)';
const DENIED =
  '(Department::HR || Department::R&D) && (Security Level::Protected || Security Level::Confidential)';
const U3 = 'Department::MKG && Security Level::Top Secret';
const U12 = 'Security Level::Top Secret';

// ---- timing ----------------------------------------------------------------------------------

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

// One sample: the duration of one call, in µs.
async function sample(fn: () => unknown): Promise<number> {
  const t0 = process.hrtime.bigint();
  try {
    const r = fn();
    if (r instanceof Promise) await r;
  } catch {
    // The anchor throws on denied decryption (and sometimes on header encryption, W3).
  }
  return Number(process.hrtime.bigint() - t0) / 1000;
}

/**
 * Medians of `iters` single-call timings of each function, measured in ROUNDS interleaved
 * rounds (A, B, C, then B, C, A, ...) so that a burst of load on this shared machine hits every
 * column alike instead of one of them.
 */
async function timeAll(fns: readonly (() => unknown)[], iters = ITERS): Promise<number[]> {
  // Start every row from a clean heap when run with --expose-gc (npm run bench does).
  (globalThis as { gc?: () => void }).gc?.();
  // Warm-up: at least WARMUP calls and WARMUP_MS of each column, so that V8 has optimised our
  // JavaScript before timing starts (50 calls of a 500 µs operation are not enough for it;
  // the anchor's WebAssembly is compiled up front and needs no warm-up).
  for (const fn of fns) {
    const until = performance.now() + WARMUP_MS;
    for (let i = 0; i < WARMUP || performance.now() < until; i++) await sample(fn);
  }
  const samples: number[][] = fns.map(() => []);
  const perRound = Math.max(1, Math.ceil(iters / ROUNDS));
  for (let round = 0; round < ROUNDS; round++) {
    // Rotate the order each round, so that no column always runs right after the same one.
    for (let j = 0; j < fns.length; j++) {
      const k = (j + round) % fns.length;
      const fn = fns[k] as () => unknown;
      for (let i = 0; i < perRound; i++) (samples[k] as number[]).push(await sample(fn));
    }
  }
  return samples.map(median);
}

async function time(fn: () => unknown, iters = ITERS): Promise<number> {
  return (await timeAll([fn], iters))[0] as number;
}

const fmt = (us: number | undefined): string =>
  us === undefined ? '—' : us >= 10_000 ? `${(us / 1000).toFixed(1)} ms` : `${us.toFixed(0)} µs`;

// ---- the anchor ------------------------------------------------------------------------------

interface Anchor {
  keygen(): unknown;
  userKeygen(policy: string): Uint8Array;
  encrypt(policy: string, plaintext: Uint8Array): Uint8Array;
  decrypt(userKey: Uint8Array, ciphertext: Uint8Array): Uint8Array;
  sizes: { msk: number; mpk: number };
}

async function loadAnchor(): Promise<Anchor | undefined> {
  try {
    const require = createRequire(import.meta.url);
    const cp = require('cloudproof_js') as { CoverCrypt(): Promise<Record<string, unknown>> };
    const cc = (await cp.CoverCrypt()) as Record<
      string,
      new (...args: unknown[]) => Record<string, (...a: unknown[]) => unknown>
    > & {
      Policy: { fromBytes(bytes: Uint8Array): unknown };
    };
    let id = 0;
    const attrs = (names: string[]): Record<string, unknown> =>
      Object.fromEntries(
        names.map((n) => [
          n,
          { id: ++id, encryption_hint: 'Hybridized', write_status: 'EncryptDecrypt' },
        ]),
      );
    const levels = attrs(LEVELS);
    const depts = attrs(DEPTS);
    const json = {
      version: 'V2',
      last_attribute_value: id,
      dimensions: { 'Security Level': { Ordered: levels }, Department: { Unordered: depts } },
    };
    const policy = cc.Policy.fromBytes(new TextEncoder().encode(JSON.stringify(json)));
    const kg = new cc['CoverCryptKeyGeneration']!();
    const mk = kg['generateMasterKeys']!(policy) as {
      secretKey: Uint8Array;
      publicKey: Uint8Array;
    };
    const enc = new cc['CoverCryptHybridEncryption']!(policy, mk.publicKey);
    const decryptors = new Map<Uint8Array, Record<string, (...a: unknown[]) => unknown>>();
    return {
      keygen: () => kg['generateMasterKeys']!(policy),
      userKeygen: (p) => kg['generateUserSecretKey']!(mk.secretKey, p, policy) as Uint8Array,
      encrypt: (p, pt) => enc['encrypt']!(p, pt) as Uint8Array,
      decrypt: (usk, ct) => {
        let d = decryptors.get(usk);
        if (d === undefined) {
          d = new cc['CoverCryptHybridDecryption']!(usk);
          decryptors.set(usk, d);
        }
        return (d['decrypt']!(ct) as { plaintext: Uint8Array }).plaintext;
      },
      sizes: { msk: mk.secretKey.length, mpk: mk.publicKey.length },
    };
  } catch (error) {
    console.warn(`cloudproof_js not available (${String(error)}): anchor columns left empty`);
    return undefined;
  }
}

// ---- run -------------------------------------------------------------------------------------

// The machine is shared: the load average says whether the thread pool (master keygen) had a
// core to itself, which moves that row by a third or more (docs/covercrypt.md §13).
const loadAtStart = loadavg()[0] as number;
const anchor = await loadAnchor();
const spec = {
  dimensions: [
    { name: 'Department', attributes: DEPTS },
    { name: 'Security Level', kind: 'ordered' as const, attributes: LEVELS },
  ],
};
const msk = await MasterSecretKey.setup(spec);
const mpk = await MasterPublicKey.load(await msk.publicKey(), { authority: msk.authorityId });
const u3 = await UserKey.load((await msk.issueUserKey(U3)).userKey);
const u12 = await UserKey.load((await msk.issueUserKey(U12)).userKey);
const a3 = anchor?.userKeygen(U3);
const a12 = anchor?.userKeygen(U12);
const kib = new Uint8Array(1024).fill(7);
const mib = new Uint8Array(1 << 20).fill(7);

type Row = {
  op: string;
  hidden?: number;
  public?: number;
  anchor?: number;
  target?: number;
  kind?: 'enc' | 'dec';
};
const rows: Row[] = [];
const add = async (
  op: string,
  ours: ((visibility: 'hidden' | 'public') => () => unknown) | { both: () => unknown },
  theirs: (() => unknown) | undefined,
  options: { iters?: number; target?: number } = {},
): Promise<void> => {
  if (!FILTER.test(op)) return;
  const fns: (() => unknown)[] = 'both' in ours ? [ours.both] : [ours('hidden'), ours('public')];
  if (theirs !== undefined) fns.push(theirs);
  const medians = await timeAll(fns, options.iters ?? ITERS);
  const row: Row = { op, hidden: medians[0] as number };
  if (!('both' in ours)) row.public = medians[1] as number;
  if (theirs !== undefined) row.anchor = medians[medians.length - 1] as number;
  if (options.target !== undefined) row.target = options.target;
  rows.push(row);
};

const small = Math.max(40, ITERS >> 2);
await add(
  'master keygen (setup + signed public key)',
  { both: async () => (await MasterSecretKey.setup(spec)).publicKey() },
  anchor ? () => anchor.keygen() : undefined,
  { iters: small, target: 1 },
);
await add(
  'user keygen U3',
  { both: () => msk.issueUserKey(U3) },
  anchor ? () => anchor.userKeygen(U3) : undefined,
  { target: 1 },
);
await add(
  'user keygen U12',
  { both: () => msk.issueUserKey(U12) },
  anchor ? () => anchor.userKeygen(U12) : undefined,
  { target: 1 },
);

for (const [name, policy] of [
  ['P1 (1 right)', P1],
  ['P4 (anchor: 4 partitions; ours: 2 rights after minimisation)', P4],
  ['P4x (4 rights for both)', P4X],
] as const) {
  await add(
    `encrypt 1 KiB ${name}`,
    (v) => () => encrypt(mpk, policy, kib, { visibility: v }),
    anchor ? () => anchor.encrypt(policy, kib) : undefined,
    { target: 1.5 },
  );
}
await add(
  'encrypt header only (KEM + DEK) P1',
  (v) => () => encryptHeader(mpk, P1, { visibility: v }),
  undefined,
);
for (const [name, policy, key, anchorKey] of [
  ['P1 / U3', P1, u3, a3],
  ['P4 / U3', P4, u3, a3],
  ['P1 / U12', P1, u12, a12],
] as const) {
  const cts = {
    hidden: encrypt(mpk, policy, kib),
    public: encrypt(mpk, policy, kib, { visibility: 'public' }),
  };
  const act = anchor?.encrypt(policy, kib);
  await add(
    `decrypt 1 KiB ${name}`,
    (v) => () => decrypt(key, cts[v]),
    anchor && anchorKey && act ? () => anchor.decrypt(anchorKey, act) : undefined,
    { target: 1 },
  );
}
{
  const cts = {
    hidden: encrypt(mpk, DENIED, kib),
    public: encrypt(mpk, DENIED, kib, { visibility: 'public' }),
  };
  const act = anchor?.encrypt(DENIED, kib);
  await add(
    'decrypt 1 KiB denied (U3, full scan)',
    (v) => () => decrypt(u3, cts[v]),
    anchor && a3 && act ? () => anchor.decrypt(a3, act) : undefined,
  );
}
const big = Math.max(20, ITERS >> 2);
await add(
  'encrypt 1 MiB P1',
  (v) => () => encrypt(mpk, P1, mib, { visibility: v }),
  anchor ? () => anchor.encrypt(P1, mib) : undefined,
  { iters: big, target: 20 },
);
{
  const cts = {
    hidden: encrypt(mpk, P1, mib),
    public: encrypt(mpk, P1, mib, { visibility: 'public' }),
  };
  const act = anchor?.encrypt(P1, mib);
  await add(
    'decrypt 1 MiB P1 / U3',
    (v) => () => decrypt(u3, cts[v]),
    anchor && a3 && act ? () => anchor.decrypt(a3, act) : undefined,
    { iters: big, target: 20 },
  );
}

// ---- report ----------------------------------------------------------------------------------

const ratio = (theirs?: number, ours?: number): string =>
  theirs === undefined || ours === undefined ? '—' : `${(theirs / ours).toFixed(2)}×`;
const verdict = (r: Row, ours?: number): string => {
  if (r.target === undefined || r.anchor === undefined || ours === undefined) return '';
  return r.anchor / ours >= r.target ? '✅' : '❌';
};

console.log('# @custos/covercrypt vs cloudproof_js@10.0.1 (Covercrypt 14, WASM)\n');
console.log(
  `${cpus()[0]?.model ?? 'CPU'}, ${cpus().length} cores, Node ${process.version}, 1-minute load average ${loadAtStart.toFixed(2)} at start and ${(loadavg()[0] as number).toFixed(2)} at the end; median of ${ITERS} single-op timings (1 MiB: ${big}, master keygen: ${small}). Structure: Department (4, unordered) × Security Level (3, ordered), every attribute hybrid (ML-KEM-768 + ristretto255). Ours: 20 rights (partial coordinates); anchor: 12 partitions.\n`,
);
console.log(
  '| operation | ours, hidden policy | ours, public policy | cloudproof_js | speed-up hidden / public | target | met (hidden / public) |',
);
console.log('|---|---:|---:|---:|---:|---:|:--:|');
for (const r of rows) {
  const target = r.target === undefined ? '' : `≥ ${r.target}×`;
  console.log(
    `| ${r.op} | ${fmt(r.hidden)} | ${fmt(r.public)} | ${fmt(r.anchor)} | ${ratio(r.anchor, r.hidden)} / ${ratio(r.anchor, r.public)} | ${target} | ${verdict(r, r.hidden)} ${r.public === undefined ? '' : `/ ${verdict(r, r.public)}`} |`,
  );
}

// Sizes.
const anchorHeader = (policy: string): number | undefined =>
  anchor ? anchor.encrypt(policy, kib).length - 1024 - 28 : undefined;
const sizes: [string, number, number | undefined][] = [
  ['master secret key', msk.toBytes().length, anchor?.sizes.msk],
  ['master public key', mpk.toBytes().length, anchor?.sizes.mpk],
  ['user key U3 (ours 8 rights, anchor 3)', u3.toBytes().length, a3?.length],
  ['user key U12 (ours 20 rights, anchor 12)', u12.toBytes().length, a12?.length],
  ['header P1, hidden', encryptHeader(mpk, P1).header.length, anchorHeader(P1)],
  [
    'header P1, public',
    encryptHeader(mpk, P1, { visibility: 'public' }).header.length,
    anchorHeader(P1),
  ],
  ['header P4 (ours 2 rights, anchor 4)', encryptHeader(mpk, P4).header.length, anchorHeader(P4)],
  ['header P4x (4 rights)', encryptHeader(mpk, P4X).header.length, anchorHeader(P4X)],
  ['ciphertext of 1 KiB, P1', encrypt(mpk, P1, kib).length, anchor?.encrypt(P1, kib).length],
];
console.log('\n## Sizes (bytes)\n');
console.log('| object | ours | cloudproof_js |');
console.log('|---|---:|---:|');
for (const [name, ours, theirs] of sizes) console.log(`| ${name} | ${ours} | ${theirs ?? '—'} |`);

// Where the time goes: unit costs of the primitives, measured now, times how many each
// operation performs (counted from the construction), against the measured total.
const R = provider.ristretto255;
const kem = provider.kem.get('ml-kem-768');
const s = R.scalar.random();
const pt = R.point.mulBase(R.scalar.random());
const kp = kem.generateKeyPair();
const ek = kem.publicKey(kp.publicKey);
const dk = kem.secretKey(kp.secretKey);
const kct = kem.encapsulate(ek).ciphertext;
const gcm = provider.aead.cipher('aes-256-gcm', new Uint8Array(32));
const nonce = new Uint8Array(12);
const edKey = (await provider.keys.generate('ed25519')).privateKey;
const sealedMib = gcm.seal(nonce, mib);
const unit = {
  mul: await time(() => R.point.mul(s, pt)),
  mulBase: await time(() => R.point.mulBase(s)),
  add: await time(() => R.point.add(pt, pt)),
  kemKeygen: await time(() => kem.generateKeyPair()),
  encaps: await time(() => kem.encapsulate(ek)),
  decaps: await time(() => kem.decapsulate(kct, dk)),
  sha3: await time(() => provider.hash.digest('sha3-256', new Uint8Array(100))),
  gcm1k: await time(() => gcm.seal(nonce, kib)),
  gcm1m: await time(() => gcm.seal(nonce, mib), big),
  gcm1mOpen: await time(() => gcm.open(nonce, sealedMib), big),
  sha3Mpk: await time(() => provider.hash.digest('sha3-256', mpk.toBytes())),
  sign: await time(() => provider.signature.sign('ed25519', edKey, new Uint8Array(64))),
};
type Cost = [string, number, number][]; // [primitive, count, unit µs]
const hybridRights = 20;
const row = (prefix: string): Row | undefined => rows.find((r) => r.op.startsWith(prefix));
const m3 = u3.secretCount;
const m12 = u12.secretCount;
// The hidden scan tries the (slot, secret) pairs in a random order and stops at the match: with
// one matching pair among N it makes (N + 1) / 2 ML-KEM decapsulations on average.
const decryptHidden = (slots: number, secrets: number): Cost => {
  const tries = (slots * secrets + 1) / 2;
  return [
    [`ML-KEM-768 decaps (random-order scan of ${slots * secrets} pairs, mean)`, tries, unit.decaps],
    ['ristretto255 var-base mul (A, K1 of the selected secret)', 2, unit.mul],
    ['ristretto255 add (A)', 1, unit.add],
    ['ristretto255 fixed-base mul (FO check of c0)', 1, unit.mulBase],
    ['SHA3/SHAKE (tags tried, T, F, r, U, key, DEK, subkey)', tries + 7, unit.sha3],
    ['AES-256-GCM 1 KiB', 1, unit.gcm1k],
  ];
};
const breakdown: [string, number | undefined, Cost][] = [
  [
    'master keygen',
    row('master keygen')?.hidden,
    [
      ['ristretto255 fixed-base mul (20 × H, h, P)', hybridRights + 2, unit.mulBase],
      [
        'ML-KEM-768 keygen (on the thread pool, overlapping the above)',
        hybridRights,
        unit.kemKeygen,
      ],
      ['SHA3-256 of the public key (~25 KB) + Ed25519 sign', 1, unit.sha3Mpk + unit.sign],
    ],
  ],
  ['user keygen U3', row('user keygen U3')?.hidden, [['Ed25519 sign', 1, unit.sign]]],
  [
    'encrypt 1 KiB P1 (hidden)',
    row('encrypt 1 KiB P1')?.hidden,
    [
      ['ristretto255 fixed-base mul (c0)', 1, unit.mulBase],
      ['ristretto255 var-base mul (c1, K1)', 2, unit.mul],
      ['ML-KEM-768 encaps', 1, unit.encaps],
      ['SHA3/SHAKE (r, tag, T, F, U, key, DEK, subkey)', 8, unit.sha3],
      ['AES-256-GCM 1 KiB', 1, unit.gcm1k],
    ],
  ],
  [
    'encrypt 1 KiB P4x (hidden)',
    row('encrypt 1 KiB P4x')?.hidden,
    [
      ['ristretto255 fixed-base mul (c0)', 1, unit.mulBase],
      ['ristretto255 var-base mul (c1, 4 × K1)', 5, unit.mul],
      ['ML-KEM-768 encaps', 4, unit.encaps],
      ['SHA3/SHAKE', 14, unit.sha3],
      ['AES-256-GCM 1 KiB', 1, unit.gcm1k],
    ],
  ],
  [
    `decrypt 1 KiB P1 / U3 (hidden, 1 slot × ${m3} secrets)`,
    row('decrypt 1 KiB P1 / U3')?.hidden,
    decryptHidden(1, m3),
  ],
  [
    `decrypt 1 KiB P4 / U3 (hidden, 2 slots × ${m3} secrets)`,
    row('decrypt 1 KiB P4 / U3')?.hidden,
    decryptHidden(2, m3),
  ],
  [
    `decrypt 1 KiB P1 / U12 (hidden, 1 slot × ${m12} secrets)`,
    row('decrypt 1 KiB P1 / U12')?.hidden,
    decryptHidden(1, m12),
  ],
  [
    'decrypt 1 KiB P1 / U3 (public)',
    row('decrypt 1 KiB P1 / U3')?.public,
    [
      ['ML-KEM-768 decaps', 1, unit.decaps],
      ['ristretto255 var-base mul (A, K1)', 2, unit.mul],
      ['ristretto255 add (A)', 1, unit.add],
      ['ristretto255 fixed-base mul (FO check of c0)', 1, unit.mulBase],
      ['SHA3/SHAKE', 7, unit.sha3],
      ['AES-256-GCM 1 KiB', 1, unit.gcm1k],
    ],
  ],
  [
    'encrypt 1 MiB P1 (hidden)',
    row('encrypt 1 MiB')?.hidden,
    [
      [
        'KEM and header (as encrypt 1 KiB P1, minus its AES)',
        1,
        (row('encrypt 1 KiB P1')?.hidden ?? 0) - unit.gcm1k,
      ],
      ['AES-256-GCM 1 MiB', 1, unit.gcm1m],
    ],
  ],
  [
    'decrypt 1 MiB P1 / U3 (hidden)',
    row('decrypt 1 MiB')?.hidden,
    [
      [
        'KEM and header (as decrypt 1 KiB P1 / U3, minus its AES)',
        1,
        (row('decrypt 1 KiB P1 / U3')?.hidden ?? 0) - unit.gcm1k,
      ],
      ['AES-256-GCM 1 MiB (open)', 1, unit.gcm1mOpen],
    ],
  ],
];
console.log('\n## Where the time goes (unit costs measured in this run × operation counts)\n');
console.log('| operation | measured | primitive | count × unit | share |');
console.log('|---|---:|---|---:|---:|');
for (const [op, total, costs] of breakdown) {
  if (total === undefined) continue;
  let modeled = 0;
  costs.forEach(([name, count, u], i) => {
    modeled += count * u;
    const share = `${Math.round(((count * u) / total) * 100)}%`;
    console.log(
      `| ${i === 0 ? op : ''} | ${i === 0 ? fmt(total) : ''} | ${name} | ${count} × ${u.toFixed(1)} µs | ${share} |`,
    );
  });
  console.log(
    `| | | everything else (parsing, allocation, encoding, policy cache) | ${fmt(Math.max(0, total - modeled))} | ${Math.max(0, Math.round(((total - modeled) / total) * 100))}% |`,
  );
}
console.log(
  `\nUnit costs: ristretto255 var-base ${unit.mul.toFixed(0)} µs, fixed-base ${unit.mulBase.toFixed(0)} µs (libsodium WASM); ML-KEM-768 keygen ${unit.kemKeygen.toFixed(0)} / encaps ${unit.encaps.toFixed(0)} / decaps ${unit.decaps.toFixed(0)} µs; SHA3-256 ${unit.sha3.toFixed(1)} µs; AES-256-GCM 1 KiB ${unit.gcm1k.toFixed(1)} µs, 1 MiB ${unit.gcm1m.toFixed(0)} µs.`,
);

if (process.env['BENCH_JSON'] !== undefined) {
  writeFileSync(
    process.env['BENCH_JSON'],
    JSON.stringify({ node: process.version, rows, sizes, unit }, null, 1),
  );
}
