import Decimal from 'decimal.js';
import { HDNodeWallet, JsonRpcProvider, Network, Wallet } from 'ethers';
import { OstiumChain } from '@conduit/testing';
import { KeyHandle, OstiumAdapter, OstiumAdapterOptions, PriceSource } from '@conduit/venue';

/** What an Ostium adapter test uses; chain, provider and agent are there once the suite's beforeAll has run. */
export interface OstiumHarness {
  chain: OstiumChain;
  provider: JsonRpcProvider;
  /** The agent key that trades for the users it onboards (funded with ETH for gas). */
  agent: HDNodeWallet;
  /** The marks the adapters' price source answers, by symbol. */
  marks: Map<string, Decimal>;
  /** A new adapter on the chain (destroyed after the suite). */
  adapter(overrides?: Partial<OstiumAdapterOptions>): OstiumAdapter;
  /** An agent key handle that counts its uses. */
  keyHandle(wallet: HDNodeWallet): KeyHandle & { uses: number };
  /** A user with ETH for gas and USDC; optionally approves TradingStorage and delegates to the agent by signed transactions. */
  onboard(agent: HDNodeWallet, opts?: { usdc?: string; approve?: string | null; delegate?: boolean }): Promise<Wallet>;
  /** The transactions the agent sent on its own behalf (not delegated ones). */
  agentTxs(agent: string): OstiumChain['calls'];
}

/**
 * The local JSON-RPC chain (libs/testing ostium-chain) for the suite: started in beforeAll with rollover and funding on
 * the SDK test's curve (a higher cap and a stiffer spring, so that the few blocks a trade stays open accrue visible
 * fees), closed in afterAll with every adapter made here.
 */
export function useOstiumChain(): OstiumHarness {
  const adapters: OstiumAdapter[] = [];
  const marks = new Map<string, Decimal>();
  const prices: PriceSource = { mark: async (_venue, symbol) => marks.get(symbol) ?? null };
  const h = { marks } as OstiumHarness;
  h.adapter = (overrides = {}) => {
    const a = new OstiumAdapter({
      rpcUrl: h.chain.url,
      chainId: h.chain.chainId,
      tradingAddress: h.chain.addresses.trading,
      storageAddress: h.chain.addresses.storage,
      usdcAddress: h.chain.addresses.usdc,
      prices,
      fillTimeoutMs: 60_000,
      ...overrides,
    });
    adapters.push(a);
    return a;
  };
  h.keyHandle = (wallet) => {
    const handle = {
      address: wallet.address,
      uses: 0,
      use: async <T>(fn: (pk: string) => Promise<T>) => (handle.uses++, fn(wallet.privateKey)),
    };
    return handle as KeyHandle & { uses: number };
  };
  h.onboard = async (agent, opts = {}) => {
    const trader = Wallet.createRandom().connect(h.provider);
    h.chain.fund(trader.address, '1');
    h.chain.mintUsdc(trader.address, opts.usdc ?? '1000');
    const txs = h.adapter().approvalTransactions(trader.address, agent.address, opts.approve ?? '500');
    if (opts.approve !== null) expect((await (await trader.sendTransaction({ to: txs[0].to, data: txs[0].data })).wait())!.status).toBe(1);
    if (opts.delegate !== false)
      expect((await (await trader.sendTransaction({ to: txs[1].to, data: txs[1].data })).wait())!.status).toBe(1);
    return trader as unknown as Wallet;
  };
  h.agentTxs = (agent) => h.chain.calls.filter((c) => c.via === 'tx' && c.from === agent && !c.delegatedBy);

  beforeAll(async () => {
    h.chain = await OstiumChain.start({
      openingFeeBps: '5',
      rolloverFeePerBlock: '0.0000001',
      funding: {
        maxFundingFeePerBlock: '0.00001',
        hillInflectionPoint: '0.16',
        hillPosScale: '1.18',
        hillNegScale: '0.91',
        springFactor: '0.5',
        sFactorUpScaleP: '110',
        sFactorDownScaleP: '90',
      },
    });
    const network = Network.from(h.chain.chainId);
    h.provider = new JsonRpcProvider(h.chain.url, network, { staticNetwork: network, pollingInterval: 50, cacheTimeout: -1 });
    h.agent = Wallet.createRandom();
    h.chain.fund(h.agent.address, '1');
  });
  afterAll(async () => {
    adapters.forEach((a) => a.destroy());
    h.provider?.destroy();
    await h.chain?.close();
  });
  return h;
}
