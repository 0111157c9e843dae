import { createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { ExchangeClient, HttpTransport } from '@nktkas/hyperliquid';
import { Wallet } from 'ethers';
/* eslint-disable @nx/enforce-module-boundaries -- test support from the testing lib, which depends on this one: the
   imports stay out of the project graph (nx-ignore-next-line) so that it has no cycle. */
// nx-ignore-next-line
import { ManualClock } from '../../../testing/src/clock';
// nx-ignore-next-line
import { HlSimFill, HyperliquidSim, startHyperliquidServer } from '../../../testing/src/venues/hyperliquid-server';
/* eslint-enable @nx/enforce-module-boundaries */
import { HyperliquidWalletReader } from './wallet-reader';
import { WeightBudget } from './weight-budget';

/** The wallet reader against the local Hyperliquid server: scripted wallets, real trades, and the server's 429s. */
const WATCHED = '0x' + '5e'.repeat(20);
const T0 = 1_760_000_000_000;

const simFill = (time: number, tid: number): HlSimFill => ({
  coin: 'BTC',
  px: '65000.0',
  sz: '0.001',
  side: tid % 2 ? 'A' : 'B',
  time,
  startPosition: '0.0',
  dir: 'Open Long',
  closedPnl: '0.0',
  hash: `0x${time.toString(16).padStart(64, '0')}`,
  oid: 1000 + tid,
  crossed: true,
  fee: '0.02925',
  tid,
  feeToken: 'USDC',
  twapId: null,
});

let sim: HyperliquidSim;
beforeEach(async () => (sim = await startHyperliquidServer({ isTestnet: true })));
afterEach(() => sim.close());

function fakeTime() {
  const clock = new ManualClock(new Date(T0));
  const sleeps: number[] = [];
  const sleep = async (ms: number) => {
    sleeps.push(ms);
    clock.advance(ms);
  };
  return { clock, sleeps, sleep };
}

describe('HyperliquidWalletReader on the local server', () => {
  it('reads 4,500 scripted fills in three pages, the pages overlapping on a millisecond, each fill once', async () => {
    // 3 fills per millisecond: the 2,000th fill's millisecond straddles the page boundary
    sim.scriptFills(
      WATCHED,
      Array.from({ length: 4500 }, (_, i) => simFill(T0 + Math.floor(i / 3), i)),
    );
    const reader = new HyperliquidWalletReader({ apiUrl: sim.url });
    const fills = await reader.fillsSince(WATCHED, T0, T0 + 10_000);
    expect(fills).toHaveLength(4500);
    expect(fills.map((f) => Number(f.tid))).toEqual(Array.from({ length: 4500 }, (_, i) => i));
    expect(fills[0]).toMatchObject({ coin: 'BTC', side: 'BUY', px: '65000.0', sz: '0.001', fee: '0.02925', feeToken: 'USDC' });
    expect(await reader.fillsSince(WATCHED, T0 + 1499, T0 + 1499)).toHaveLength(3);
  });

  it('reads equity and positions of a wallet that traded, and its scripted ledger', async () => {
    const master = new Wallet(Wallet.createRandom().privateKey);
    sim.fund(master.address, '1000');
    sim.setMid('ETH', '3000');
    const exchange = new ExchangeClient({ transport: new HttpTransport({ apiUrl: sim.url, isTestnet: true }), wallet: master });
    const limit = { limit: { tif: 'Ioc' as const } };
    await exchange.order({ orders: [{ a: sim.assetIndex('ETH'), b: false, p: '2900', s: '0.1', r: false, t: limit }], grouping: 'na' });
    sim.scriptLedger(master.address, [
      { time: T0, hash: '0x01', delta: { type: 'deposit', usdc: '1000.0' } },
      { time: T0 + 5, hash: '0x02', delta: { type: 'withdraw', usdc: '9.0', nonce: 1, fee: '1.0' } },
    ]);
    const reader = new HyperliquidWalletReader({ apiUrl: sim.url });
    const state = await reader.accountState(master.address);
    expect(Number(state.equity)).toBeGreaterThan(990);
    expect(state.positions).toEqual([
      expect.objectContaining({ coin: 'ETH', szi: '-0.1', leverage: { type: 'cross', value: 20 }, liquidationPx: null }),
    ]);
    expect((await reader.fillsSince(master.address, 0)).map((f) => [f.coin, f.side, f.sz, f.dir])).toEqual([
      ['ETH', 'SELL', '0.1', 'Open Short'],
    ]);
    const ledger = await reader.ledgerSince(master.address, T0 + 1);
    expect(ledger.map((e) => [e.type, e.netUsdc])).toEqual([['withdraw', '-10']]);
  });

  it('reads a scripted account (a watched wallet): equity and positions in the recorded shape, weight 2', async () => {
    sim.limitRequests({ weightPerMinute: 1200 });
    sim.scriptAccount(WATCHED, {
      accountValue: '25000.5',
      positions: [
        { coin: 'BTC', szi: '0.5', entryPx: '60000.0', positionValue: '32500.0', liquidationPx: '41000.0', leverage: 5 },
        { coin: 'ETH', szi: '-2', entryPx: '3000.0' },
      ],
    });
    const reader = new HyperliquidWalletReader({ apiUrl: sim.url });
    const state = await reader.accountState(WATCHED);
    expect(state.equity).toBe('25000.5');
    expect(state.totalNtlPos).toBe('38500.0');
    expect(state.positions).toEqual([
      expect.objectContaining({
        coin: 'BTC',
        szi: '0.5',
        positionValue: '32500.0',
        liquidationPx: '41000.0',
        leverage: { type: 'cross', value: 5 },
      }),
      expect.objectContaining({
        coin: 'ETH',
        szi: '-2',
        positionValue: '6000.0',
        liquidationPx: null,
        leverage: { type: 'cross', value: 20 },
      }),
    ]);
    expect(sim.weightUsed()).toBe(2);
    sim.scriptAccount(WATCHED, null);
    expect((await reader.accountState(WATCHED)).positions).toEqual([]);
  });

  it("answers 429 past the IP's weight per minute; the reader backs off and finishes once the minute has passed", async () => {
    const t = fakeTime();
    sim.scriptFills(
      WATCHED,
      Array.from({ length: 100 }, (_, i) => simFill(T0 + i, i)),
    );
    sim.limitRequests({ weightPerMinute: 100, now: () => t.clock.now().getTime() });
    // the reader believes it may spend 1,200 a minute: the server disagrees
    const budget = new WeightBudget({ clock: t.clock, sleep: t.sleep });
    const reader = new HyperliquidWalletReader({ apiUrl: sim.url, budget, sleep: t.sleep, backoffMs: 15_000, maxBackoffMs: 60_000 });
    const reads = [];
    for (let i = 0; i < 5; i++) reads.push(await reader.fillsSince(WATCHED, T0));
    expect(reads.every((r) => r.length === 100)).toBe(true);
    expect(sim.throttled.length).toBeGreaterThan(0);
    expect(sim.throttled.every((x) => x.type === 'userFillsByTime')).toBe(true);
    // each answer of 100 fills weighs 20 + 5: four fit in the server's minute
    expect(sim.weightUsed()).toBeLessThanOrEqual(100);
  });

  it("a reader on Hyperliquid's own budget never meets the server's 429", async () => {
    const t = fakeTime();
    sim.limitRequests({ weightPerMinute: 1200, now: () => t.clock.now().getTime() });
    const reader = new HyperliquidWalletReader({
      apiUrl: sim.url,
      budget: new WeightBudget({ clock: t.clock, sleep: t.sleep }),
      sleep: t.sleep,
    });
    for (let i = 0; i < 130; i++) await reader.accountState(WATCHED);
    for (let i = 0; i < 70; i++) await reader.ledgerSince(WATCHED, 0);
    expect(sim.throttled).toEqual([]);
    expect(t.sleeps.length).toBeGreaterThan(0);
  });

  it('gives up on an answer slower than its timeout', async () => {
    const silent = createServer(() => undefined); // accepts, never answers
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const reader = new HyperliquidWalletReader({ apiUrl: `http://127.0.0.1:${(silent.address() as AddressInfo).port}`, timeoutMs: 200 });
    try {
      await expect(reader.accountState(WATCHED)).rejects.toThrow(/timeout|aborted/i);
    } finally {
      silent.closeAllConnections();
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});
