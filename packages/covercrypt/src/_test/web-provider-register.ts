/**
 * `node --import` this file to make `@custos/crypto` resolve to the web provider (WebCrypto,
 * @noble, libsodium) instead of the node one, as in a browser bundle (web-provider test).
 */
import { registerHooks } from 'node:module';

const webProvider = new URL('../../../crypto/src/web/provider.ts', import.meta.url).href;

registerHooks({
  resolve(specifier, context, next) {
    return next(specifier === '@custos/crypto' ? webProvider : specifier, context);
  },
});
