/**
 * Every primitive this package uses comes from `@custos/crypto`, through this one module: the
 * provider of the runtime (node:crypto in Node, WebCrypto and @noble in browsers, chosen by
 * the package's export conditions).
 */
import { provider, type CryptoProvider } from '@custos/crypto';

export const crypto: CryptoProvider = provider;

export type AeadCipher = ReturnType<CryptoProvider['aead']['cipher']>;
export type MacKey = ReturnType<CryptoProvider['mac']['hmacKey']>;
export type AesBlockCipher = ReturnType<CryptoProvider['block']['aes']>;
