/** What the local Hyperliquid server's specs share: a fresh server per test, SDK clients on it, wallets and orders. */
import { hexlify, randomBytes, Wallet } from 'ethers';
import { ExchangeClient, HttpTransport, InfoClient } from '@nktkas/hyperliquid';
import { HyperliquidSim, startHyperliquidServer } from '../hyperliquid-server';

/** Asset index of ETH in the seeded universe (BTC is 0). */
export const ETH = 1;

export const newWallet = () => new Wallet(Wallet.createRandom().privateKey);
export const newCloid = () => hexlify(randomBytes(16)) as `0x${string}`;

/** An order wire of an IOC limit order. */
export const ioc = (a: number, b: boolean, p: string, s: string, extra: { r?: boolean; c?: `0x${string}` } = {}) => ({
  a,
  b,
  p,
  s,
  r: extra.r ?? false,
  t: { limit: { tif: 'Ioc' as const } },
  ...(extra.c ? { c: extra.c } : {}),
});

export interface SimFixture {
  sim: HyperliquidSim;
  transport: HttpTransport;
  info: InfoClient;
  exchange(wallet: Wallet, extra?: { nonceManager?: () => number }): ExchangeClient;
  /** A funded master with an agent approved through the signed approveAgent action. */
  masterWithAgent(usdc?: string): Promise<{ master: Wallet; agent: Wallet; user: `0x${string}` }>;
}

/** Registers beforeEach/afterEach: a testnet server per test, with SDK clients pointed at it. */
export function useSim(): SimFixture {
  const f = {} as SimFixture;
  f.exchange = (wallet, extra = {}) => new ExchangeClient({ transport: f.transport, wallet, ...extra });
  f.masterWithAgent = async (usdc = '1000') => {
    const master = newWallet();
    const agent = newWallet();
    f.sim.fund(master.address, usdc);
    await f.exchange(master).approveAgent({ agentAddress: agent.address as `0x${string}` });
    return { master, agent, user: master.address as `0x${string}` };
  };
  beforeEach(async () => {
    f.sim = await startHyperliquidServer({ isTestnet: true });
    f.transport = new HttpTransport({ apiUrl: f.sim.url, isTestnet: true });
    f.info = new InfoClient({ transport: f.transport });
  });
  afterEach(() => f.sim.close());
  return f;
}
