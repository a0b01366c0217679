/**
 * Both AES block providers of `@custos/crypto`, so every FPE suite runs against each. The node
 * family comes through the package's `block` subpath (node condition); the web family has no
 * subpath of its own yet, so it is imported from the crypto package's source directly.
 */
import type { BlockCipherFamily } from '@custos/crypto/block';
import { nodeBlock } from '@custos/crypto/block';
import { webBlock } from '../../../crypto/src/web/block.ts';

export const blockFamilies: readonly (readonly [string, BlockCipherFamily])[] = [
  ['node', nodeBlock],
  ['web', webBlock],
];
