import { randomUUID } from 'crypto';
import { Wallet } from 'ethers';
import { http, ManualClock, proofOfIntent, QUICK_START, signInMessage, startHttpApp, testEnv, WalletClient } from '@conduit/testing';
import { configureGateway, GatewayAppModule } from '../apps/gateway/src/app.module';
import { useGateway } from './gateway-harness';

/** Wallet sign-in (EIP-4361): a nonce, the signed message, a short-lived bearer token; every way a message can be wrong. */
describe('wallet sign-in', () => {
  const gw = useGateway();
  const verify = (message: string, signature: string) => http('POST', `${gw.api}/api/v3/auth/verify`, { message, signature });
  const nonce = async () => (await http('GET', `${gw.api}/api/v3/auth/nonce`)).body.nonce as string;

  it('exchanges a signed EIP-4361 message for a short-lived token of the wallet', async () => {
    const wallet = Wallet.createRandom();
    const issued = await http('GET', `${gw.api}/api/v3/auth/nonce`);
    expect(issued.status).toBe(200);
    expect(issued.body.nonce).toMatch(/^[0-9a-f]{32}$/);
    const message = signInMessage(gw.api, wallet.address, issued.body.nonce);
    const res = await verify(message, await wallet.signMessage(message));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ token_type: 'Bearer', address: wallet.address.toLowerCase() });
    // AUTH_TOKEN_TTL_S (900 s), cut to the message's own expiry (10 minutes).
    const ttl = Date.parse(res.body.expires_at) - Date.now();
    expect(ttl).toBeGreaterThan(590_000);
    expect(ttl).toBeLessThanOrEqual(600_000);
    // The same signed message again: its nonce is spent.
    const replay = await verify(message, await wallet.signMessage(message));
    expect(replay.status).toBe(401);
    expect(replay.body.message.join(' ')).toMatch(/nonce is unknown, expired or already used/);
  });

  it('refuses tampered, foreign, stale, unknown-nonce and wrong-domain messages', async () => {
    const wallet = Wallet.createRandom();
    const other = Wallet.createRandom();
    const cases: [string, () => Promise<{ message: string; signature: string }>, number, RegExp][] = [
      [
        'a message changed after signing',
        async () => {
          const m = signInMessage(gw.api, wallet.address, await nonce());
          return { message: m.replace('Sign in to Conduit.', 'Sign in to Conduit!'), signature: await wallet.signMessage(m) };
        },
        401,
        /signature does not prove the wallet/,
      ],
      [
        'a signature by another wallet',
        async () => {
          const m = signInMessage(gw.api, wallet.address, await nonce());
          return { message: m, signature: await other.signMessage(m) };
        },
        401,
        /signature does not prove the wallet/,
      ],
      [
        'an expired message',
        async () => {
          const m = signInMessage(gw.api, wallet.address, await nonce(), {
            issuedAt: new Date(Date.now() - 120_000).toISOString(),
            expirationTime: new Date(Date.now() - 60_000).toISOString(),
          });
          return { message: m, signature: await wallet.signMessage(m) };
        },
        401,
        /message has expired/,
      ],
      [
        'a nonce the server never issued',
        async () => {
          const m = signInMessage(gw.api, wallet.address, 'a1b2c3d4e5f6a7b8c9d0');
          return { message: m, signature: await wallet.signMessage(m) };
        },
        401,
        /nonce is unknown, expired or already used/,
      ],
      [
        'another domain',
        async () => {
          const m = signInMessage('https://conduit.example.evil', wallet.address, await nonce());
          return { message: m, signature: await wallet.signMessage(m) };
        },
        401,
        /domain conduit\.example\.evil is not this API/,
      ],
      [
        'no expiry',
        async () => {
          const m = signInMessage(gw.api, wallet.address, await nonce(), { expirationTime: undefined });
          return { message: m, signature: await wallet.signMessage(m) };
        },
        400,
        /message must have an Expiration Time/,
      ],
      [
        'not a sign-in message',
        async () => ({ message: 'hello', signature: await wallet.signMessage('hello') }),
        400,
        /message must be an EIP-4361 sign-in message/,
      ],
      [
        'a malformed signature',
        async () => ({ message: signInMessage(gw.api, wallet.address, await nonce()), signature: '0x1234' }),
        400,
        /signature must be a 65-byte hex signature/,
      ],
    ];
    for (const [what, build, status, reason] of cases) {
      const { message, signature } = await build();
      const res = await verify(message, signature);
      expect({ what, status: res.status }).toEqual({ what, status });
      expect({ what, message: res.body.message.join(' ') }).toEqual({ what, message: expect.stringMatching(reason) });
      expect(JSON.stringify(res.body)).not.toContain('token');
    }
  });

  it('signs a token out: refused from then on, while another token of the wallet still works', async () => {
    const wallet = new Wallet(Wallet.createRandom().privateKey);
    const [first, second] = [new WalletClient(gw.api, wallet), new WalletClient(gw.api, wallet)];
    const [a, b] = [await first.authorization(), await second.authorization()];
    expect(a).not.toEqual(b);
    const out = await http('POST', `${gw.api}/api/v3/auth/logout`, undefined, a);
    expect(out.status).toBe(200);
    expect(out.body).toMatchObject({ address: first.address, revoked: true });
    const body = {
      ...QUICK_START.createAgent,
      name: 'After logout',
      creator_wallet: first.address,
      profit_receiver_address: first.address,
    };
    const refused = await http(
      'POST',
      `${gw.api}/api/v3/agents/create`,
      { ...body, ...(await proofOfIntent(wallet, first.address, body.name)) },
      a,
    );
    expect(refused.status).toBe(401);
    expect(refused.body.message.join(' ')).toMatch(/bearer token is invalid or expired/);
    expect((await http('POST', `${gw.api}/api/v3/auth/logout`, undefined, a)).status).toBe(401);
    const other = await http(
      'POST',
      `${gw.api}/api/v3/agents/create`,
      { ...body, ...(await proofOfIntent(wallet, first.address, body.name)) },
      b,
    );
    expect(other.status).toBe(201);
  });

  it('lets a nonce and a token expire, by the clock', async () => {
    // The gateway's time is a ManualClock the test moves: validity is decided against it, not by Redis TTLs.
    const clock = new ManualClock(new Date());
    const shortEnv = testEnv(gw.db, { AUTH_NONCE_TTL_S: '1', AUTH_TOKEN_TTL_S: '1', QUEUE_PREFIX: gw.env.QUEUE_PREFIX });
    const { app, url } = await startHttpApp(GatewayAppModule.forRoot(shortEnv), shortEnv, configureGateway, { clock });
    try {
      const wallet = Wallet.createRandom();
      const stale = (await http('GET', `${url}/api/v3/auth/nonce`)).body.nonce;
      clock.advance(1_300);
      const late = signInMessage(url, wallet.address, stale);
      expect((await http('POST', `${url}/api/v3/auth/verify`, { message: late, signature: await wallet.signMessage(late) })).status).toBe(
        401,
      );

      const fresh = signInMessage(url, wallet.address, (await http('GET', `${url}/api/v3/auth/nonce`)).body.nonce);
      const { token } = (await http('POST', `${url}/api/v3/auth/verify`, { message: fresh, signature: await wallet.signMessage(fresh) }))
        .body;
      const body = {
        ...QUICK_START.createAgent,
        creator_wallet: wallet.address.toLowerCase(),
        profit_receiver_address: wallet.address.toLowerCase(),
      };
      const proof = await proofOfIntent(wallet, body.creator_wallet, body.name, clock.now().toISOString());
      // Until the clock passes its expiry the token gets a request through to the handler (an unknown agent: 404).
      const unknown = await http('POST', `${url}/api/v3/agents/${randomUUID()}/activate`, undefined, {
        authorization: `Bearer ${token}`,
      });
      expect(unknown.status).toBe(404);
      clock.advance(2_100);
      const expired = await http('POST', `${url}/api/v3/agents/create`, { ...body, ...proof }, { authorization: `Bearer ${token}` });
      expect(expired.status).toBe(401);
      expect(expired.body.message.join(' ')).toMatch(/bearer token is invalid or expired/);
    } finally {
      await app.close();
    }
  });
});
