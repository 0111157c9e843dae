import { INestApplication, INestApplicationContext } from '@nestjs/common';
import { JsonRpcProvider, Network, Wallet } from 'ethers';
import { Client } from 'pg';
import { Env } from '@conduit/config';
import { clientOrderId, dec } from '@conduit/domain';
import { currentTradeProfit, fromLeverage2, fromPrice18, fromUsdc6 } from '@conduit/venue';
import {
  cleanupRedis,
  createTestDatabase,
  OstiumChain,
  QUICK_START,
  startContext,
  startHttpApp,
  TestDatabase,
  testEnv,
  waitFor,
  WalletClient,
} from '@conduit/testing';
import { BillingAppModule } from '../apps/billing/src/app.module';
import { ExecutorAppModule } from '../apps/executor/src/app.module';
import { configureGateway, GatewayAppModule } from '../apps/gateway/src/app.module';
import { PolicyAppModule } from '../apps/policy/src/app.module';
import { RouterAppModule } from '../apps/router/src/app.module';
import { SignalAppModule } from '../apps/signal/src/app.module';

const ETH_USD = 1; // Ostium pairIndex

/**
 * Live Ostium through the pipeline, against the local chain: the user sends the approval transactions Conduit
 * returns (USDC allowance, agent as delegate), a signal routed to OSTIUM becomes a PENDING position when the
 * agent's openTrade is mined, OPEN when the oracle keeper fills it, and CLOSED through closeTradeMarket; an order the
 * oracle never fills ends FAILED with the reason.
 */
describe('end to end: live Ostium through every service', () => {
  let chain: OstiumChain;
  let provider: JsonRpcProvider;
  let db: TestDatabase;
  let env: Env;
  let gateway: INestApplication;
  let workers: INestApplicationContext[] = [];
  let api: string;
  let user: WalletClient;
  let pg: Client;
  let agentId: string;
  let deploymentId: string;
  let trader: Wallet;
  /** The deployment's user signs in as the trader wallet to deploy and close. */
  const traderClient = () => new WalletClient(api, new Wallet(trader.privateKey));

  beforeAll(async () => {
    // fees on: the position's PnL must carry the opening fee and the rollover the chain charges
    chain = await OstiumChain.start({ autoFulfillMs: 200, openingFeeBps: '8', rolloverFeePerBlock: '0.0000001' });
    const network = Network.from(chain.chainId);
    provider = new JsonRpcProvider(chain.url, network, { staticNetwork: network, pollingInterval: 50, cacheTimeout: -1 });
    db = await createTestDatabase();
    env = testEnv(db, {
      LIVE_TRADING: 'true',
      OSTIUM_RPC_URL: chain.url,
      OSTIUM_CHAIN_ID: String(chain.chainId),
      OSTIUM_TRADING_ADDRESS: chain.addresses.trading,
      OSTIUM_STORAGE_ADDRESS: chain.addresses.storage,
      OSTIUM_USDC_ADDRESS: chain.addresses.usdc,
      OSTIUM_FILL_TIMEOUT_MS: '1500',
      VENUE_SYNC_INTERVAL_MS: '0',
      RECONCILE_INTERVAL_MS: '0',
    });
    workers = await Promise.all(
      [SignalAppModule, PolicyAppModule, RouterAppModule, ExecutorAppModule, BillingAppModule].map((m) => startContext(m.forRoot(env))),
    );
    ({ app: gateway, url: api } = await startHttpApp(GatewayAppModule.forRoot(env), env, configureGateway));
    user = new WalletClient(api);
    pg = new Client({ connectionString: db.url });
    await pg.connect();
    // Marks come from the price source (venue_markets); the oracle agrees with it.
    await pg.query(`UPDATE venue_markets SET current_price = 2000 WHERE token_symbol = 'ETH'`);
    chain.setPrice(ETH_USD, '2000');
  });
  afterAll(async () => {
    await gateway?.close();
    await Promise.all(workers.map((w) => w.close()));
    provider?.destroy();
    await pg?.end();
    await cleanupRedis(env);
    await db?.drop();
    await chain?.close();
  });

  const one = async (sql: string, params: unknown[] = []) => (await pg.query(sql, params)).rows[0];
  const until = (check: () => Promise<boolean>) => waitFor('the chain and the pipeline', check, { timeoutMs: 20_000, everyMs: 50 });

  it('deploys live on Ostium: the trader sends the allowance and delegate transactions Conduit returns', async () => {
    agentId = (await user.http('POST', `${api}/api/v3/agents/create`, QUICK_START.createAgent)).body.agent.id;
    await user.http('POST', `${api}/api/v3/agents/${agentId}/activate`);
    await pg.query(`INSERT INTO venue_routing_config_v3 (agent_id, venue_priority) VALUES ($1, ARRAY['OSTIUM'])`, [agentId]);
    trader = Wallet.createRandom().connect(provider) as unknown as Wallet;
    chain.fund(trader.address, '1');
    chain.mintUsdc(trader.address, '10000');
    const deployed = await traderClient().http('POST', `${api}/api/v3/agents/deploy`, {
      agent_id: agentId,
      user_wallet: trader.address,
      trading_mode: 'live',
    });
    expect(deployed.status).toBe(201);
    deploymentId = deployed.body.deployment.id;
    const ostium = deployed.body.agent_wallets.OSTIUM;
    chain.fund(ostium.agent_address, '1'); // gas for the agent wallet
    for (const tx of ostium.transactions) {
      expect(tx.chain_id).toBe(chain.chainId);
      const receipt = await (await trader.sendTransaction({ to: tx.to, data: tx.data })).wait();
      expect(receipt!.status).toBe(1);
    }
  });

  it('opens through openTrade as a PENDING position, OPEN once the oracle fills it, and closes through closeTradeMarket', async () => {
    const signal = (
      await user.http('POST', `${api}/api/v3/signals/generate`, {
        ...QUICK_START.signal(agentId),
        size_model: { type: 'percentage', value: 10, leverage: 5 },
      })
    ).body.signal;
    const traded = await user.http('POST', `${api}/api/v3/execute/trade`, QUICK_START.execute(signal.id));
    expect(traded.body.routing).toMatchObject({ selected_venue: 'OSTIUM' });
    await until(async () => (await one(`SELECT status FROM positions_v3 WHERE signal_id = $1`, [signal.id]))?.status === 'OPEN');

    const cloid = clientOrderId(deploymentId, signal.id, 'open');
    const order = await one(`SELECT * FROM venue_orders WHERE client_order_id = $1`, [cloid]);
    expect(order).toMatchObject({ venue: 'OSTIUM', status: 'FILLED', venue_slot: 0 });
    expect(order.venue_order_id).toMatch(/^0x[0-9a-f]{64}$/); // the openTrade transaction, stored before it was sent
    expect(await one(`SELECT outcome FROM signal_outcomes WHERE signal_id = $1`, [signal.id])).toEqual({ outcome: 'OPENED' });
    const [trade] = chain.trades(trader.address);
    expect(trade).toMatchObject({ pairIndex: ETH_USD, index: 0, buy: true });
    const opens = chain.calls.filter((c) => c.fn === 'openTrade' && c.via === 'tx');
    expect(opens).toHaveLength(1);
    expect(opens[0]).toMatchObject({ delegatedBy: expect.any(String) });
    const position = await one(`SELECT * FROM positions_v3 WHERE signal_id = $1`, [signal.id]);
    expect(dec(position.entry_price).eq(order.avg_fill_price)).toBe(true);

    chain.setPrice(ETH_USD, '2040');
    await pg.query(`UPDATE venue_markets SET current_price = 2040 WHERE token_symbol = 'ETH'`);
    await traderClient().http('POST', `${api}/api/v3/positions/${position.id}/close`);
    await until(async () => (await one(`SELECT status FROM positions_v3 WHERE id = $1`, [position.id])).status === 'CLOSED');
    expect(chain.calls.filter((c) => c.fn === 'closeTradeMarket' && c.via === 'tx')).toHaveLength(1);
    expect(chain.trades(trader.address)).toEqual([]);
    const closed = await one(`SELECT * FROM positions_v3 WHERE id = $1`, [position.id]);
    // the venue's PnL from what the chain recorded: gross profit at the close price, less the opening fee and the
    // rollover and funding charged at the close
    const opened = chain.events('MarketOpenExecuted').find((e) => e.args.orderId === BigInt(trade.tradeId))!;
    const t = opened.args.t as Record<string, bigint | boolean>;
    const closeEvent = chain.events('MarketCloseExecutedV2').find((e) => e.args.tradeId === BigInt(trade.tradeId))!;
    const charged = chain.events('FeesCharged').find((e) => e.args.tradeId === BigInt(trade.tradeId))!;
    const openingFees = chain
      .events()
      .filter((e) => ['DevFeeCharged', 'VaultOpeningFeeCharged'].includes(e.name) && e.args.tradeId === BigInt(trade.tradeId))
      .reduce((sum, e) => sum.plus(fromUsdc6(e.args.amount as bigint)), dec(0));
    expect(openingFees.gt(0)).toBe(true);
    const gross = currentTradeProfit({
      collateral: fromUsdc6(t.collateral as bigint),
      openPrice: fromPrice18(t.openPrice as bigint),
      currentPrice: fromPrice18(closeEvent.args.price as bigint),
      long: t.buy as boolean,
      leverage: fromLeverage2(t.leverage as bigint),
    });
    const rollover = fromUsdc6(charged.args.rolloverFees as bigint);
    expect(rollover.gt(0)).toBe(true);
    const pnl = gross
      .minus(openingFees)
      .minus(rollover)
      .minus(fromUsdc6(charged.args.fundingFees as bigint));
    expect(closed.pnl).toEqualDecimal(pnl);
    await until(async () => Boolean(await one(`SELECT id FROM billing_events_v3 WHERE position_id = $1`, [position.id])));
  });

  it('an order the oracle never fills ends FAILED with the reason', async () => {
    chain.setAutoFulfill(undefined);
    const signal = (
      await user.http('POST', `${api}/api/v3/signals/generate`, {
        ...QUICK_START.signal(agentId),
        size_model: { type: 'percentage', value: 5, leverage: 5 },
      })
    ).body.signal;
    await user.http('POST', `${api}/api/v3/execute/trade`, QUICK_START.execute(signal.id));
    await until(async () => (await one(`SELECT outcome FROM signal_outcomes WHERE signal_id = $1`, [signal.id])).outcome !== 'PENDING');
    const outcome = await one(`SELECT outcome, reason FROM signal_outcomes WHERE signal_id = $1`, [signal.id]);
    expect(outcome.outcome).toBe('FAILED');
    expect(outcome.reason).toMatch(/ORDER_REJECTED: the market open timed out on Ostium and its collateral was refunded/);
    expect(await one(`SELECT status, exit_reason FROM positions_v3 WHERE signal_id = $1`, [signal.id])).toMatchObject({ status: 'FAILED' });
    expect(await one(`SELECT status FROM signals_v3 WHERE id = $1`, [signal.id])).toEqual({ status: 'FAILED' });
    // The refusal is final on the venue too: the timeout was claimed, nothing is left for the keeper to fill.
    expect(chain.calls.filter((c) => c.fn === 'openTradeMarketTimeout' && c.via === 'tx')).toHaveLength(1);
    expect(chain.pendingOrders()).toEqual([]);
    chain.setAutoFulfill(200);
    expect(chain.fulfillPending()).toBe(0);
  });
});
