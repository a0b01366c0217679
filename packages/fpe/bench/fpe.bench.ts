/**
 * FPE operations. The headline row is 16-digit FF1 with NIST's 10 rounds and no tweak, the exact
 * work @noble/ciphers' FF1 does; the other rows show the tweak, the hardened mode (the typed
 * helpers' default) and each helper end to end.
 */
import { FF1 as NobleFF1 } from '@noble/ciphers/ff1.js';
import { nodeBlock } from '@custos/crypto/block';
import { webBlock } from '../../crypto/src/web/block.ts';
import type { BlockCipherFamily } from '@custos/crypto/block';
import { FF1 } from '../src/ff1.ts';
import { FF3_1 } from '../src/ff3-1.ts';
import { Alphabet } from '../src/alphabet.ts';
import { FpeString } from '../src/string.ts';
import { FpeInteger } from '../src/integer.ts';
import { FpeBigInt } from '../src/bigint.ts';
import { FpeDecimal } from '../src/decimal.ts';
import { FpeFloat } from '../src/float.ts';
import { FpeCard } from '../src/card.ts';
import { FpeDate } from '../src/date.ts';
import { contextTweak } from '../src/tweak.ts';
import type { FpeBenchCase, FpeBenchSuite } from './run.ts';

const KEY = new Uint8Array(32).map((_, i) => i * 7 + 1);
const TWEAK = contextTweak('customers', 'card_number');
const DIGITS16 = [4, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1];
const DIGITS40 = Array.from({ length: 40 }, (_, i) => (i * 3) % 10);

/** One case measured on both AES providers: `make` builds the operation for a block family. */
function both(
  name: string,
  make: (block: BlockCipherFamily) => () => unknown,
  noble?: () => unknown,
): FpeBenchCase {
  const c: FpeBenchCase = { name, node: make(nodeBlock), web: make(webBlock) };
  if (noble !== undefined) c.noble = noble;
  return c;
}

export const suite: FpeBenchSuite = {
  name: 'Format-preserving encryption (AES-256)',
  cases: () => {
    const noble16 = NobleFF1(10, KEY);
    const noble16t = NobleFF1(10, KEY, TWEAK);
    const noble40 = NobleFF1(10, KEY);
    // Every operation feeds its output back in, so data (and AES table accesses) vary as in real
    // use; a constant input flatters table-based AES through warm caches and branch history.
    let n16 = DIGITS16;
    let n40 = DIGITS40;
    let card = '4111 1111 1111 1111';
    let n = 123456789;
    let big = 2n ** 63n - 25n;
    let x = 1234.5;
    let day = '2024-02-29';
    return [
      both(
        'FF1 encrypt 16 digits (NIST, no tweak)',
        (block) => {
          const ff1 = new FF1(KEY, 10, { block });
          let x = DIGITS16;
          return () => (x = ff1.encrypt(x));
        },
        () => (n16 = noble16.encrypt(n16)),
      ),
      both(
        'FF1 decrypt 16 digits (NIST, no tweak)',
        (block) => {
          const ff1 = new FF1(KEY, 10, { block });
          let x = DIGITS16;
          return () => (x = ff1.decrypt(x));
        },
        () => (n16 = noble16.decrypt(n16)),
      ),
      both(
        'FF1 encrypt 16 digits (NIST, table/column tweak)',
        (block) => {
          const ff1 = new FF1(KEY, 10, { block });
          let x = DIGITS16;
          return () => (x = ff1.encrypt(x, TWEAK));
        },
        () => (n16 = noble16t.encrypt(n16)),
      ),
      both('FF1 encrypt 16 digits (hardened, 18 rounds)', (block) => {
        const ff1 = new FF1(KEY, 10, { block, rounds: 'hardened' });
        let x = DIGITS16;
        return () => (x = ff1.encrypt(x, TWEAK));
      }),
      both(
        'FF1 encrypt 40 digits (NIST, BigInt halves)',
        (block) => {
          const ff1 = new FF1(KEY, 10, { block });
          let x = DIGITS40;
          return () => (x = ff1.encrypt(x));
        },
        () => (n40 = noble40.encrypt(n40)),
      ),
      both('FF3-1 encrypt 16 digits (interop only)', (block) => {
        const ff3 = new FF3_1(KEY, 10, { block });
        const t = new Uint8Array(7);
        let x = DIGITS16;
        return () => (x = ff3.encrypt(x, t));
      }),
      both('FpeCard 16-digit PAN (keep BIN, Luhn, hardened)', (block) => {
        const fpe = new FpeCard(KEY, undefined, { block });
        return () => (card = fpe.encrypt(card, TWEAK));
      }),
      both('FpeString 12 alphanumerics (hardened)', (block) => {
        const fpe = new FpeString(KEY, Alphabet.alphanumeric, { block });
        let name = 'JeanDupont42';
        return () => (name = fpe.encrypt(name, TWEAK));
      }),
      both('FpeString 8 CJK ideographs (hardened)', (block) => {
        const fpe = new FpeString(KEY, Alphabet.cjk, { block });
        let text = '天地玄黄宇宙洪荒';
        return () => (text = fpe.encrypt(text, TWEAK));
      }),
      both('FpeInteger 9 digits (hardened)', (block) => {
        const fpe = new FpeInteger(KEY, { digits: 9 }, { block });
        return () => (n = fpe.encrypt(n, TWEAK));
      }),
      both('FpeBigInt int64 (hardened)', (block) => {
        const fpe = new FpeBigInt(KEY, { bits: 64, signed: true }, { block });
        return () => (big = fpe.encrypt(big, TWEAK));
      }),
      both('FpeDecimal DECIMAL(12,2) string (hardened)', (block) => {
        const fpe = new FpeDecimal(KEY, { precision: 12, scale: 2 }, { block });
        let amount = '-1234567.89';
        return () => (amount = fpe.encrypt(amount, TWEAK));
      }),
      both('FpeFloat float64 full (hardened)', (block) => {
        const fpe = new FpeFloat(KEY, {}, { block });
        return () => (x = fpe.encrypt(x, TWEAK));
      }),
      both('FpeDate day (hardened)', (block) => {
        const fpe = new FpeDate(KEY, {}, { block });
        return () => (day = fpe.encrypt(day, TWEAK));
      }),
    ];
  },
};
