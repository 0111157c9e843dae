import { Inject, Injectable, Logger, OnModuleDestroy, UnauthorizedException } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { createHmac, randomBytes, randomUUID } from 'crypto';
import IORedis from 'ioredis';
import { SiweMessage } from 'siwe';
import { ConfigError, Env } from '@conduit/config';
import { Clock } from '@conduit/domain';
import { redisOptions } from '@conduit/queue';
import { CLOCK, ENV } from '@conduit/runtime';
import { badRequest } from '../common/errors';

/** Audience of every bearer token the gateway issues. */
export const TOKEN_AUDIENCE = 'conduit-api';

/**
 * Replicated gateways (GATEWAY_REPLICAS above 1) must share the key of their tokens: without AUTH_TOKEN_SECRET or
 * MASTER_KEY each would sign with a random key of its own, and a token would work on the replica that issued it only.
 */
export function requireSharedTokenKey(env: Env): void {
  if (env.GATEWAY_REPLICAS > 1 && !env.AUTH_TOKEN_SECRET && !env.MASTER_KEY)
    throw new ConfigError(
      `invalid environment: GATEWAY_REPLICAS is ${env.GATEWAY_REPLICAS}, so the gateways need one token key: ` +
        'set AUTH_TOKEN_SECRET (32+ characters, the same on every replica), or MASTER_KEY to derive it from',
    );
}

/** The signing key of bearer tokens: AUTH_TOKEN_SECRET, else derived from MASTER_KEY, else random for this process. */
export function tokenSecret(env: Env, logger = new Logger('Auth')): string {
  requireSharedTokenKey(env);
  if (env.AUTH_TOKEN_SECRET) return env.AUTH_TOKEN_SECRET;
  if (env.MASTER_KEY) return createHmac('sha256', env.MASTER_KEY).update('conduit/auth-token/v1').digest('hex');
  logger.warn('neither AUTH_TOKEN_SECRET nor MASTER_KEY is set: bearer tokens are valid on this gateway process only');
  return randomBytes(32).toString('hex');
}

/** A message's domain against the configured ones; `host:*` accepts any port of host (local development and tests). */
export function domainAllowed(allowed: string[], domain: string): boolean {
  return allowed.some(
    (d) => d === domain || (d.endsWith(':*') && domain.startsWith(d.slice(0, -1)) && /^\d{1,5}$/.test(domain.slice(d.length - 1))),
  );
}

const denied = (message: string) => new UnauthorizedException({ statusCode: 401, error: 'Unauthorized', message: [message] });

export interface IssuedNonce {
  nonce: string;
  expires_at: string;
}

export interface IssuedToken {
  token: string;
  token_type: 'Bearer';
  address: string;
  expires_at: string;
}

/**
 * Sign-In with Ethereum (EIP-4361): the server issues a single-use nonce (kept in Redis), the wallet signs a message
 * naming this API's domain, the nonce and an expiry, and gets a short-lived bearer token (HS256 JWT) whose subject is
 * the wallet, lower-case. Whether a nonce, a message or a token is still valid is decided against the injected clock;
 * the Redis TTLs of nonces and revocations only collect the garbage.
 */
@Injectable()
export class AuthService implements OnModuleDestroy {
  private readonly redis: IORedis;

  constructor(
    @Inject(ENV) private readonly env: Env,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly jwt: JwtService,
  ) {
    this.redis = new IORedis({ ...redisOptions(env.REDIS_URL), lazyConnect: true });
  }

  async onModuleDestroy(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }

  private key(nonce: string): string {
    return `${this.env.QUEUE_PREFIX}:auth:nonce:${nonce}`;
  }

  get domains(): string[] {
    return this.env.AUTH_DOMAINS.split(',')
      .map((d) => d.trim())
      .filter(Boolean);
  }

  /** A nonce kept with its expiry (clock time, ms); its Redis TTL is the same span, to collect it if never used. */
  async issueNonce(): Promise<IssuedNonce> {
    const nonce = randomBytes(16).toString('hex');
    const expires = this.clock.now().getTime() + this.env.AUTH_NONCE_TTL_S * 1000;
    await this.redis.set(this.key(nonce), String(expires), 'EX', this.env.AUTH_NONCE_TTL_S);
    return { nonce, expires_at: new Date(expires).toISOString() };
  }

  /** Checks a signed sign-in message and spends its nonce; answers the bearer token. */
  async verify(text: string, signature: string): Promise<IssuedToken> {
    const now = this.clock.now();
    // The parser prints what it cannot parse; a message that does not even start like EIP-4361 is refused first.
    if (!/^\S+ wants you to sign in with your Ethereum account:\n0x[0-9a-fA-F]{40}\n/.test(text)) {
      throw badRequest(
        'message',
        'message must be an EIP-4361 sign-in message ("<domain> wants you to sign in with your Ethereum account:" then the address)',
      );
    }
    let message: SiweMessage;
    try {
      message = new SiweMessage(text);
    } catch (e: any) {
      throw badRequest('message', `message is not a valid EIP-4361 sign-in message: ${String(e?.message ?? e).split('\n')[0]}`);
    }
    if (!domainAllowed(this.domains, message.domain))
      throw denied(`message domain ${message.domain} is not this API (${this.domains.join(', ')})`);
    if (!message.expirationTime) throw badRequest('message', 'message must have an Expiration Time');
    const expires = Date.parse(message.expirationTime);
    if (expires <= now.getTime()) throw denied('message has expired');
    if (message.issuedAt && Date.parse(message.issuedAt) > now.getTime() + 60_000) throw denied('message is issued in the future');
    const checked = await message.verify({ signature, domain: message.domain, time: now.toISOString() }, { suppressExceptions: true });
    if (!checked.success) throw denied(`signature does not prove the wallet: ${checked.error?.type ?? 'invalid'}`);
    // Spent only by a valid signature, once: a replay or a stale nonce finds nothing.
    const nonceExpires = Number(await this.redis.getdel(this.key(message.nonce)));
    if (!(nonceExpires > now.getTime())) throw denied('nonce is unknown, expired or already used');
    const address = message.address.toLowerCase();
    const ttl = Math.max(1, Math.min(this.env.AUTH_TOKEN_TTL_S, Math.floor((expires - now.getTime()) / 1000)));
    // Issued at the clock's now (iat), so the token's exp is the clock's now + ttl.
    const token = await this.jwt.signAsync(
      { sub: address, iat: Math.floor(now.getTime() / 1000) },
      { expiresIn: ttl, audience: TOKEN_AUDIENCE, jwtid: randomUUID() },
    );
    return { token, token_type: 'Bearer', address, expires_at: new Date(now.getTime() + ttl * 1000).toISOString() };
  }

  /** The clock's now in whole seconds, as JWT times are. */
  private seconds(): number {
    return Math.floor(this.clock.now().getTime() / 1000);
  }

  private revokedKey(jti: string): string {
    return `${this.env.QUEUE_PREFIX}:auth:revoked:${jti}`;
  }

  /** The wallet a bearer token was issued to, or null when it is not a valid, unexpired, unrevoked token of ours. */
  async walletOf(token: string): Promise<string | null> {
    const claims = await this.claims(token);
    if (!claims) return null;
    if (await this.redis.exists(this.revokedKey(claims.jti))) return null;
    return claims.sub;
  }

  /** Signs a token out before its expiry: it is refused from now on (kept in Redis until it would have expired). */
  async revoke(token: string): Promise<void> {
    const claims = await this.claims(token);
    if (!claims) return;
    const ttl = Math.max(1, claims.exp - this.seconds());
    await this.redis.set(this.revokedKey(claims.jti), '1', 'EX', ttl);
  }

  private async claims(token: string): Promise<{ sub: string; jti: string; exp: number } | null> {
    try {
      const c = await this.jwt.verifyAsync<{ sub: string; jti: string; exp: number }>(token, {
        audience: TOKEN_AUDIENCE,
        algorithms: ['HS256'],
        clockTimestamp: this.seconds(), // expired or not by the clock
      });
      return typeof c.sub === 'string' && /^0x[0-9a-f]{40}$/.test(c.sub) && typeof c.jti === 'string' ? c : null;
    } catch {
      return null;
    }
  }
}
