/**
 * Authentication: turns what a request presents into a user name.
 *
 * - No method configured: every request is `default_username` (local use).
 * - Client certificate (HTTPS with tls.client_ca_file, and always on the KMIP socket): a
 *   certificate verified against the client CA authenticates its subject CN.
 * - `Authorization: Bearer <JWT>`: verified against the JWKS of the provider whose issuer
 *   matches (`jose`; signature, `iss`, `aud` when configured, `exp`/`nbf`); the user is the
 *   configured claim (default `email`). Verified tokens are remembered until they expire (at most
 *   five minutes) so that a busy client does not pay a signature check per request.
 * - `Authorization: Bearer <token>`: an API token, compared by SHA-256 in constant time.
 *
 * Any one method suffices. Failures are `ERR_KMS_AUTHENTICATION` with a generic message: which
 * check failed is logged at debug level, never told to the client.
 */
import { constantTimeEqual, provider, toHex } from '@custos/crypto';
import { createRemoteJWKSet, decodeJwt, jwtVerify, type JWTVerifyGetKey } from 'jose';
import { authConfigured, type JwtProviderConfig, type KmsConfig } from './config.ts';
import { KmsError } from './errors.ts';
import type { Logger } from './log.ts';

export interface Credentials {
  /** The Authorization header, if any. */
  readonly authorization?: string | undefined;
  /** Subject CN of a client certificate the TLS layer verified, if any. */
  readonly certificateCN?: string | undefined;
}

interface Provider {
  readonly config: JwtProviderConfig;
  readonly keys: JWTVerifyGetKey;
}

const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;
const TOKEN_CACHE_MAX = 10_000;

const utf8 = new TextEncoder();

function sha256(text: string): Uint8Array {
  return provider.hash.digest('sha256', utf8.encode(text));
}

function denied(): KmsError {
  return new KmsError('ERR_KMS_AUTHENTICATION', 'authentication failed');
}

export class Authenticator {
  readonly #config: KmsConfig;
  readonly #logger: Logger;
  readonly #configured: boolean;
  readonly #providers: Provider[];
  readonly #tokens: { user: string; hash: Uint8Array }[];
  readonly #verified = new Map<string, { user: string; until: number }>();

  constructor(config: KmsConfig, logger: Logger) {
    this.#config = config;
    this.#logger = logger;
    this.#configured = authConfigured(config);
    this.#providers = config.auth.jwt.map((p) => ({
      config: p,
      keys: createRemoteJWKSet(new URL(p.jwksUri)),
    }));
    this.#tokens = config.auth.apiTokens.map((t) => ({
      user: t.user,
      hash: Uint8Array.from(Buffer.from(t.sha256, 'hex')),
    }));
  }

  /** True when requests must authenticate. */
  get required(): boolean {
    return this.#configured;
  }

  /**
   * The user a request acts as; synchronous when no authentication is configured (the common
   * local case pays no promise).
   * @throws (or rejects with) KmsError ERR_KMS_AUTHENTICATION
   */
  authenticate(c: Credentials): string | Promise<string> {
    if (!this.#configured) return this.#config.defaultUsername;
    return this.#identify(c).then((user) =>
      this.#config.forceDefaultUsername ? this.#config.defaultUsername : user,
    );
  }

  async #identify(c: Credentials): Promise<string> {
    if (!this.#configured) return this.#config.defaultUsername;
    if (
      c.certificateCN !== undefined &&
      c.certificateCN !== '' &&
      this.#config.auth.clientCertificates
    )
      return c.certificateCN;
    const header = c.authorization;
    if (header === undefined) throw denied();
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (m === null) throw denied();
    const token = m[1] as string;
    // An API token may have the shape of a JWT (three dot-separated base64url parts, as some
    // token generators make them): a configured API token is recognised first, whatever its shape.
    const user = this.#apiToken(token);
    if (user !== undefined) return user;
    if (this.#providers.length > 0 && JWT_SHAPE.test(token)) return this.#jwt(token);
    this.#logger.debug('API token rejected');
    throw denied();
  }

  /** The user of a configured API token, or undefined. */
  #apiToken(token: string): string | undefined {
    const hash = sha256(token);
    let user: string | undefined;
    // Compare with every configured token so that the time taken says nothing about which matched.
    for (const t of this.#tokens)
      if (constantTimeEqual(hash, t.hash) && user === undefined) user = t.user;
    return user;
  }

  async #jwt(token: string): Promise<string> {
    const key = toHex(sha256(token));
    const now = Date.now();
    const cached = this.#verified.get(key);
    if (cached !== undefined && cached.until > now) return cached.user;
    let issuer: unknown;
    try {
      issuer = decodeJwt(token).iss;
    } catch {
      throw denied();
    }
    const provider = this.#providers.find((p) => p.config.issuer === issuer);
    if (provider === undefined) {
      this.#logger.debug('JWT from an unknown issuer rejected');
      throw denied();
    }
    let payload: Record<string, unknown>;
    try {
      const options =
        provider.config.audiences.length > 0
          ? { issuer: provider.config.issuer, audience: [...provider.config.audiences] }
          : { issuer: provider.config.issuer };
      ({ payload } = await jwtVerify(token, provider.keys, options));
    } catch (error) {
      this.#logger.debug('JWT rejected', { reason: (error as Error).message });
      throw denied();
    }
    const user = payload[provider.config.userClaim];
    if (typeof user !== 'string' || user === '') {
      this.#logger.debug('JWT without the user claim rejected', {
        claim: provider.config.userClaim,
      });
      throw denied();
    }
    const exp = typeof payload['exp'] === 'number' ? payload['exp'] * 1000 : now + 300_000;
    if (this.#verified.size >= TOKEN_CACHE_MAX) this.#verified.clear();
    this.#verified.set(key, { user, until: Math.min(exp, now + 300_000) });
    return user;
  }
}
