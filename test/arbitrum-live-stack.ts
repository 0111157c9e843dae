import { createServer, Server } from 'http';
import { AddressInfo } from 'net';
import { INestApplication, INestApplicationContext } from '@nestjs/common';
import { JsonRpcProvider, Network, Wallet } from 'ethers';
import { Client } from 'pg';
import { Env } from '@conduit/config';
import {
  cleanupRedis,
  createTestDatabase,
  GmxChain,
  SpotChain,
  startContext,
  startGmxTickersServer,
  startHttpApp,
  TestDatabase,
  testEnv,
  waitFor,
  WalletClient,
} from '@conduit/testing';
import { BillingAppModule } from '../apps/billing/src/app.module';
import { ExecutorAppModule } from '../apps/executor/src/app.module';
import { MarketSync } from '../apps/executor/src/venues/market-sync';
import { configureGateway, GatewayAppModule } from '../apps/gateway/src/app.module';
import { PolicyAppModule } from '../apps/policy/src/app.module';
import { RouterAppModule } from '../apps/router/src/app.module';
import { SignalAppModule } from '../apps/signal/src/app.module';

/** ≈ 11M USDC and 3,650 WETH over the pool's range at 3,000 (the SPOT adapter spec's deep pool). */
export const DEEP_POOL_LIQUIDITY = (2n * 10n ** 17n).toString();

/**
 * The six services trading live on two local Arbitrum chains: GMX v2 (libs/testing gmx-chain, its keeper executing
 * orders `autoExecuteMs` after they are created) and Uniswap v3 (spot-chain, a WETH/USDC pool), with a local HTTP
 * server answering the token list token_registry is synced from. Hyperliquid points at a closed port (no venue there).
 */
export class ArbitrumLiveStack {
  gmx!: GmxChain;
  spot!: SpotChain;
  gmxProvider!: JsonRpcProvider;
  spotProvider!: JsonRpcProvider;
  db!: TestDatabase;
  env!: Env;
  pg!: Client;
  api = '';
  user!: WalletClient;
  private gateway!: INestApplication;
  workers: INestApplicationContext[] = [];
  private tokenList!: Server;
  private gmxApi!: { url: string; close(): Promise<void> };

  async start(): Promise<void> {
    this.gmx = await GmxChain.start({
      autoExecuteMs: 150,
      positionFeeBps: 5n,
      borrowingFeeUsdPerDecrease: '0.25',
      requestExpirationSec: 1,
    });
    this.spot = await SpotChain.start();
    this.spot.setPool('WETH', 'USDC', 500, '2000', DEEP_POOL_LIQUIDITY);
    this.gmxProvider = provider(this.gmx.url, this.gmx.chainId);
    this.spotProvider = provider(this.spot.url, this.spot.chainId);
    this.tokenList = await serveTokenList(this.spot);
    this.gmxApi = await startGmxTickersServer(() => this.gmx.tickers());
    this.db = await createTestDatabase();
    this.env = testEnv(this.db, {
      LIVE_TRADING: 'true',
      HYPERLIQUID_API_URL: 'http://127.0.0.1:9',
      HYPERLIQUID_TIMEOUT_MS: '1000',
      GMX_RPC_URL: this.gmx.url,
      GMX_CHAIN_ID: String(this.gmx.chainId),
      GMX_CONTRACTS: JSON.stringify(this.gmx.network),
      GMX_KEEPER_TIMEOUT_MS: '1500',
      GMX_API_URL: this.gmxApi.url,
      SPOT_RPC_URL: this.spot.url,
      SPOT_TOKEN_LIST_URL: `http://127.0.0.1:${(this.tokenList.address() as AddressInfo).port}/tokenlist.json`,
      VENUE_SYNC_INTERVAL_MS: '0',
      RECONCILE_INTERVAL_MS: '0',
    });
    this.workers = await Promise.all(
      [SignalAppModule, PolicyAppModule, RouterAppModule, ExecutorAppModule, BillingAppModule].map((m) =>
        startContext(m.forRoot(this.env)),
      ),
    );
    ({ app: this.gateway, url: this.api } = await startHttpApp(GatewayAppModule.forRoot(this.env), this.env, configureGateway));
    this.user = new WalletClient(this.api);
    this.pg = new Client({ connectionString: this.db.url });
    await this.pg.connect();
  }

  async stop(): Promise<void> {
    await this.gateway?.close();
    await Promise.all(this.workers.map((w) => w.close()));
    this.gmxProvider?.destroy();
    this.spotProvider?.destroy();
    await this.pg?.end();
    if (this.env) await cleanupRedis(this.env);
    await this.db?.drop();
    await this.gmx?.close();
    await this.spot?.close();
    await new Promise((r) => this.tokenList?.close(r));
    await this.gmxApi?.close();
  }

  /** The executor's venue sync, once: the token list into token_registry, then each live venue's markets and health. */
  sync() {
    return this.workers[3].get(MarketSync).run();
  }

  async one(sql: string, params: unknown[] = []) {
    return (await this.pg.query(sql, params)).rows[0];
  }

  until(what: string, check: () => Promise<boolean>) {
    return waitFor(what, check, { timeoutMs: 20_000, everyMs: 50 });
  }

  /** A user wallet with ETH for gas and USDC on both chains, signed in as its own client. */
  trader(): { wallet: Wallet; client: WalletClient } {
    const wallet = new Wallet(Wallet.createRandom().privateKey);
    this.gmx.fundEth(wallet.address, '1');
    this.gmx.fund(wallet.address, '10000');
    this.spot.fund(wallet.address, 'ETH', '1');
    this.spot.fund(wallet.address, 'USDC', '10000');
    return { wallet, client: new WalletClient(this.api, new Wallet(wallet.privateKey)) };
  }

  /** Sends the approval transactions a deploy answered for a venue from the user's wallet, on that venue's chain. */
  async approve(wallet: Wallet, venue: 'GMX' | 'SPOT', transactions: { to: string; data: string; chain_id: number }[]): Promise<void> {
    const chain = venue === 'GMX' ? this.gmxProvider : this.spotProvider;
    const signer = wallet.connect(chain);
    for (const tx of transactions) {
      const receipt = await (await signer.sendTransaction({ to: tx.to, data: tx.data, gasLimit: 2_000_000n })).wait();
      if (receipt?.status !== 1) throw new Error(`${venue} approval ${tx.to} reverted`);
    }
  }
}

function provider(url: string, chainId: number): JsonRpcProvider {
  const network = Network.from(chainId);
  return new JsonRpcProvider(url, network, { staticNetwork: network, pollingInterval: 50, cacheTimeout: -1 });
}

/** The token list (Uniswap token-list schema) of the local chain's tokens, as tokens.uniswap.org serves Arbitrum's. */
async function serveTokenList(chain: SpotChain): Promise<Server> {
  const body = JSON.stringify({
    name: 'Local Arbitrum',
    timestamp: '2026-12-01T00:00:00.000Z',
    version: { major: 1, minor: 0, patch: 0 },
    tokens: ['USDC', 'WETH', 'WBTC', 'ARB'].map((symbol) => ({ chainId: chain.chainId, name: symbol, ...chain.token(symbol) })),
  });
  const server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(body));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return server;
}
