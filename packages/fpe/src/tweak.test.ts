import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { contextTweak } from './tweak.ts';
import { FpeString } from './string.ts';
import { Alphabet } from './alphabet.ts';
import { assertArgumentError, show } from './_test/hostile.ts';

void describe('contextTweak', () => {
  void test('length-prefixed UTF-8 parts, unambiguous', () => {
    assert.deepEqual(
      contextTweak('ab', 'c'),
      Uint8Array.from([0, 0, 0, 2, 0x61, 0x62, 0, 0, 0, 1, 0x63]),
    );
    assert.notDeepEqual(contextTweak('ab', 'c'), contextTweak('a', 'bc'));
    assert.deepEqual(contextTweak(), new Uint8Array(0));
    assert.deepEqual(contextTweak('é'), Uint8Array.from([0, 0, 0, 2, 0xc3, 0xa9]));
    assert.deepEqual(
      contextTweak(Uint8Array.of(1, 2), ''),
      Uint8Array.from([0, 0, 0, 2, 1, 2, 0, 0, 0, 0]),
    );
    // Different columns give different ciphertexts for the same value.
    const fpe = new FpeString(new Uint8Array(16), Alphabet.numeric);
    assert.notEqual(
      fpe.encrypt('4111111111111111', contextTweak('customers', 'card')),
      fpe.encrypt('4111111111111111', contextTweak('customer', 'scard')),
    );
  });

  void test('hostile parts', () => {
    for (const bad of [undefined, null, 1, 1n, {}, [1], new Uint16Array(1)]) {
      assertArgumentError(() => contextTweak('t', bad as string), show(bad));
    }
  });
});
