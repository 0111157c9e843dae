// The chaos run's GMX leg: a local GMX v2 chain inside the harness process (so it outlives every service kill) whose
// keeper executes each order a fixed delay after it was created, and a few live deployments of the chaos agent trading
// on it: sealed agent keys, user wallets funded with USDC and ETH, the approvals sent from them, the agents funded with
// ETH. Every signal's token is a GMX market too, priced as the harness prices it on Hyperliquid paper.
import { JsonRpcProvider, keccak256, Network, toUtf8Bytes, Wallet } from 'ethers';
import { Pool } from 'pg';
import { KeyVault } from '@conduit/custody';
import { deterministicId } from '@conduit/domain';
import { GmxChain, startGmxTickersServer } from '@conduit/testing';
import { gmxApprovalTransactions } from '@conduit/venue';
import { AGENT_ID, SignalSpec } from './scenario';

/** A fixed test key for the services' vault (MASTER_KEY): the agent keys are sealed under it. */
export const CHAOS_MASTER_KEY = '0x' + 'c4'.repeat(32);
export const gmxDeploymentId = (j: number) => deterministicId('chaos', 'gmx-deployment', String(j));
const USER_USDC = '100000';

export interface GmxAccount {
  deploymentId: string;
  user: string;
  agent: string;
}

/** What the chain holds at the end of a run, per account and in all (orders as the chain's events count them). */
export interface GmxChainFigures {
  accounts: number;
  ordersCreated: number;
  ordersExecuted: number;
  ordersCancelled: number;
  ordersFrozen: number;
  openPositions: number;
  /** Each position left on chain: token, side, size in USD and collateral (a close that did not close it all). */
  openPositionDetail: string[];
  pendingOrders: number;
  /** OrderCreated events of each account (deployment id → count). */
  createdByDeployment: Record<string, number>;
}

export class GmxLeg {
  readonly accounts: GmxAccount[] = [];
  private provider!: JsonRpcProvider;
  /** GMX's REST API for the chain: its /prices/tickers are the oracle prices the harness sets (the GMX marks). */
  private api!: { url: string; close(): Promise<void> };

  private constructor(readonly chain: GmxChain) {}

  /** A chain with one market per signal token (18-decimal index tokens), each at the signal's opening mark. */
  static async start(specs: SignalSpec[], keeperMs: number): Promise<GmxLeg> {
    const chain = await GmxChain.start({
      autoExecuteMs: keeperMs,
      positionFeeBps: 5n,
      borrowingFeeUsdPerDecrease: '0.25',
      requestExpirationSec: 1,
      markets: specs.map((s) => ({ symbol: s.token, indexDecimals: 18, maxLeverage: 50 })),
    });
    for (const s of specs) chain.setPrice(s.token, s.openMark);
    const leg = new GmxLeg(chain);
    leg.api = await startGmxTickersServer(() => chain.tickers());
    const network = Network.from(chain.chainId);
    leg.provider = new JsonRpcProvider(chain.url, network, { staticNetwork: network, pollingInterval: 50, cacheTimeout: -1 });
    return leg;
  }

  /** What the services need to trade live GMX here (Hyperliquid live points at a closed port: nothing to reach there). */
  env(): Record<string, string> {
    return {
      LIVE_TRADING: 'true',
      MASTER_KEY: CHAOS_MASTER_KEY,
      HYPERLIQUID_API_URL: 'http://127.0.0.1:9',
      HYPERLIQUID_TIMEOUT_MS: '1000',
      GMX_RPC_URL: this.chain.url,
      GMX_CHAIN_ID: String(this.chain.chainId),
      GMX_CONTRACTS: JSON.stringify(this.chain.network),
      GMX_KEEPER_TIMEOUT_MS: '120000',
      GMX_API_URL: this.api.url,
      // The harness writes the markets and moves the marks itself; nothing to reconcile against.
      VENUE_SYNC_INTERVAL_MS: '0',
      RECONCILE_INTERVAL_MS: '0',
    };
  }

  /**
   * The GMX markets in venue_markets, the agent's routing (Hyperliquid, then GMX; each deployment's policy names its
   * venue) and `n` live deployments: user wallets deterministic (the same in both runs), agent keys fresh and sealed.
   */
  async seed(pg: Pool, specs: SignalSpec[], n: number): Promise<void> {
    await pg.query(
      `INSERT INTO venue_markets (venue, token_symbol, market_name, market_index, is_active, min_position, max_leverage, current_price,
        last_synced, metadata)
       SELECT 'GMX', t.token, t.token || '/USD', t.i, TRUE, 10, 50, t.mark::numeric, now(), '{"szDecimals": 6, "source": "chaos"}'::jsonb
         FROM unnest($1::text[], $2::int[], $3::text[]) AS t(token, i, mark)`,
      [specs.map((s) => s.token), specs.map((s) => s.index), specs.map((s) => s.openMark)],
    );
    await pg.query(`INSERT INTO venue_routing_config_v3 (agent_id, venue_priority) VALUES ($1, ARRAY['HYPERLIQUID', 'GMX'])`, [AGENT_ID]);
    const vault = new KeyVault(CHAOS_MASTER_KEY);
    for (let j = 0; j < n; j++) {
      const user = new Wallet(keccak256(toUtf8Bytes(`conduit-chaos-gmx-user-${j}`)), this.provider);
      const agent = vault.generate('GMX');
      this.chain.fund(user.address, USER_USDC);
      this.chain.fundEth(user.address, '1');
      this.chain.fundEth(agent.address, '10'); // gas and GMX's execution fees
      for (const tx of gmxApprovalTransactions(this.chain.network, user.address, agent.address, 'unlimited')) {
        const receipt = await (await user.sendTransaction({ to: tx.to, data: tx.data, gasLimit: 2_000_000n })).wait();
        if (receipt?.status !== 1) throw new Error(`GMX approval to ${tx.to} reverted for ${user.address}`);
      }
      const id = gmxDeploymentId(j);
      await pg.query(
        `INSERT INTO agent_deployments_v3 (id, agent_id, user_wallet, status, sub_active, trading_mode, policy, gmx_agent_address,
          gmx_agent_key_encrypted, gmx_agent_key_iv, gmx_agent_key_tag)
         VALUES ($1, $2, $3, 'ACTIVE', TRUE, 'live', $4, $5, $6, $7, $8)`,
        [
          id,
          AGENT_ID,
          user.address.toLowerCase(),
          { enabled_venues: ['GMX'] },
          agent.address,
          agent.sealed.encrypted,
          agent.sealed.iv,
          agent.sealed.tag,
        ],
      );
      this.accounts.push({ deploymentId: id, user: user.address.toLowerCase(), agent: agent.address.toLowerCase() });
    }
  }

  /** The keeper's price for a token; set before the harness moves the mark in the database, so closes fill there. */
  setPrice(token: string, price: string): void {
    this.chain.setPrice(token, price);
  }

  figures(): GmxChainFigures {
    const accountOf = (topic: string | null) => (topic ? `0x${topic.slice(-40)}`.toLowerCase() : '');
    const created = this.chain.events('OrderCreated');
    const createdByDeployment: Record<string, number> = {};
    for (const a of this.accounts) createdByDeployment[a.deploymentId] = created.filter((e) => accountOf(e.topic2) === a.user).length;
    return {
      accounts: this.accounts.length,
      ordersCreated: created.length,
      ordersExecuted: this.chain.events('OrderExecuted').length,
      ordersCancelled: this.chain.events('OrderCancelled').length,
      ordersFrozen: this.chain.events('OrderFrozen').length,
      openPositions: this.accounts.reduce((n, a) => n + this.chain.positions(a.user).length, 0),
      openPositionDetail: this.accounts.flatMap((a) =>
        this.chain
          .positions(a.user)
          .map((p) => `${p.symbol} ${p.isLong ? 'long' : 'short'} ${p.sizeInUsd} USD, ${p.collateral} USDC collateral (${a.deploymentId})`),
      ),
      pendingOrders: this.chain.pendingOrders().length,
      createdByDeployment,
    };
  }

  async close(): Promise<void> {
    this.provider.destroy();
    await this.api.close();
    await this.chain.close();
  }
}
