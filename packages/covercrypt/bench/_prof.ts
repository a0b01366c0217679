import { MasterSecretKey, MasterPublicKey, UserKey, encrypt, decrypt, encryptHeader } from '../src/index.ts';
import { parseEncapsulation } from '../src/encapsulation.ts';
function t(name: string, fn: () => unknown, n = 300) {
  for (let i = 0; i < 50; i++) fn();
  const xs: number[] = [];
  for (let i = 0; i < n; i++) { const t0 = process.hrtime.bigint(); fn(); xs.push(Number(process.hrtime.bigint() - t0) / 1000); }
  xs.sort((a, b) => a - b);
  console.log(name.padEnd(40), xs[n >> 1]!.toFixed(1), 'µs  p10', xs[Math.floor(n / 10)]!.toFixed(1));
}
const spec = { dimensions: [ { name: 'Department', attributes: ['R&D','HR','MKG','FIN'] }, { name: 'Security Level', kind: 'ordered' as const, attributes: ['Protected','Confidential','Top Secret'] } ] };
const P1 = 'Department::MKG && Security Level::Protected';
const P4X = '(Department::MKG && Security Level::Protected) || (Department::FIN && Security Level::Protected) || (Department::HR && Security Level::Confidential) || (Department::R&D && Security Level::Confidential)';
const msk = await MasterSecretKey.setup(spec);
const mpk = await MasterPublicKey.load(await msk.publicKey(), { authority: msk.authorityId });
const u3 = await UserKey.load((await msk.issueUserKey('Department::MKG && Security Level::Top Secret')).userKey);
const kib = new Uint8Array(1024);
const mode = process.argv[2] ?? 'all';
if (mode === 'all' || mode === 'enc') {
  t('encrypt P1 hidden', () => encrypt(mpk, P1, kib));
  t('encapsulate P1 hidden', () => mpk.encapsulate(P1));
  t('encrypt P4x hidden', () => encrypt(mpk, P4X, kib));
  t('encapsulate P4x hidden', () => mpk.encapsulate(P4X));
}
if (mode === 'all' || mode === 'dec') {
  const ct = encrypt(mpk, P1, kib); const ctp = encrypt(mpk, P1, kib, { visibility: 'public' });
  t('decrypt P1 hidden', () => decrypt(u3, ct));
  t('decrypt P1 public', () => decrypt(u3, ctp));
  const e = mpk.encapsulate(P1).encapsulation; const ep = mpk.encapsulate(P1, { visibility: 'public' }).encapsulation;
  t('decapsulate P1 hidden', () => u3.decapsulate(e));
  t('decapsulate P1 public', () => u3.decapsulate(ep));
  t('parse encapsulation', () => parseEncapsulation(e));
}
if (mode === 'keygen') {
  t('master keygen', async () => (await MasterSecretKey.setup(spec)).publicKey(), 30);
}
