/**
 * Both providers, for suites that must pass against each. Tests iterate over this list so that
 * one suite proves both implementations.
 */
import { nodeProvider } from '../node/provider.ts';
import { webProvider } from '../web/provider.ts';
import type { CryptoProvider } from '../provider.ts';

export const providers: readonly CryptoProvider[] = [nodeProvider, webProvider];
