import { INestApplication } from '@nestjs/common';
import { cleanupRedis, createTestDatabase, http, QUICK_START, startHttpApp, TestDatabase, testEnv, WalletClient } from '@conduit/testing';
import { Env } from '@conduit/config';
import { AllInOneModule, configureAllInOne } from '../apps/all-in-one/src/app.module';

/** `npm run dev`: every service in one process still runs the whole flow. */
describe('all-in-one process', () => {
  let db: TestDatabase;
  let env: Env;
  let app: INestApplication;
  let api: string;
  let user: WalletClient;

  beforeAll(async () => {
    db = await createTestDatabase();
    env = testEnv(db);
    ({ app, url: api } = await startHttpApp(AllInOneModule.forRoot(env), env, configureAllInOne));
    user = new WalletClient(api);
  });
  afterAll(async () => {
    await app?.close();
    await cleanupRedis(env);
    await db?.drop();
  });

  it('opens a position for the quick-start signal and serves /health and /metrics', async () => {
    const agent = (await user.http('POST', `${api}/api/v3/agents/create`, QUICK_START.createAgent)).body.agent;
    await user.http('POST', `${api}/api/v3/agents/deploy`, QUICK_START.deploy(agent.id));
    const signal = (await user.http('POST', `${api}/api/v3/signals/generate`, { ...QUICK_START.signal(agent.id), token_symbol: 'SOL' }))
      .body.signal;
    const trade = await user.http('POST', `${api}/api/v3/execute/trade`, { signal_id: signal.id });
    expect(trade.body.routing.selected_venue).toBe('HYPERLIQUID');
    // The process asks its own router over the RPC channel, as the deployed gateway asks the router.
    const preview = await http('GET', `${api}/api/v3/routing/preview?agent_id=${agent.id}&token_symbol=SOL&side=LONG&notional_usd=100`);
    expect(preview.body).toMatchObject({ selected: 'HYPERLIQUID', reason: trade.body.routing.routing_reason });
    expect(trade.body.outcomes).toEqual([expect.objectContaining({ outcome: 'OPENED' })]);
    expect(trade.body.outcomes[0].position.entry_price).toBe('26.52925800'); // recorded SOL mid 26.516 + 5 bps
    expect((await http('GET', `${api}/health`)).status).toBe(200);
    const metrics = await fetch(`${api}/metrics`).then((r) => r.text());
    expect(metrics).toMatch(
      /conduit_jobs_total\{queue="conduit-executor",name="executor.open-many",status="completed",service="all-in-one"\} 1/,
    );
  });
});
