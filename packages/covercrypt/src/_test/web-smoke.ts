/**
 * Run by `web.test.ts` in a child process whose `@custos/crypto` resolves to the web provider:
 * the whole life of a key pair, one line of JSON out.
 */
import { provider } from '@custos/crypto';
import {
  MasterPublicKey,
  MasterSecretKey,
  UserKey,
  decrypt,
  encrypt,
  reencapsulate,
} from '../index.ts';

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
const msk = await MasterSecretKey.setup({
  dimensions: [
    { name: 'D', attributes: ['a', 'b'] },
    { name: 'L', kind: 'ordered', attributes: ['lo', 'hi'] },
  ],
});
const mpk = await MasterPublicKey.load(await msk.publicKey(), { authority: msk.authorityId });
const usk = await UserKey.load((await msk.issueUserKey('D::a && L::hi')).userKey);
const results: Record<string, unknown> = { provider: provider.name };
for (const visibility of ['hidden', 'public'] as const) {
  const ct = encrypt(mpk, 'D::a && L::lo', utf8('hello'), { visibility, metadata: utf8('m') });
  const r = decrypt(usk, ct);
  results[visibility] = r.authorized && new TextDecoder().decode(r.plaintext) === 'hello';
  results[`${visibility}-denied`] = decrypt(
    usk,
    encrypt(mpk, 'D::b', utf8('x'), { visibility }),
  ).authorized;
  msk.rekey(['D::a']);
  const moved = reencapsulate(msk, ct);
  const refreshed = await UserKey.load(await msk.refreshUserKey(usk.toBytes()));
  results[`${visibility}-reencapsulated`] =
    moved !== undefined && decrypt(refreshed, moved).authorized;
}
results['traced'] = msk.traceUserKey(usk.toBytes());
console.log(JSON.stringify(results));
