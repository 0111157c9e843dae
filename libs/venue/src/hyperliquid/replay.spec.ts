import Decimal from 'decimal.js';
import { Wallet } from 'ethers';
/* eslint-disable @nx/enforce-module-boundaries -- test support from the testing lib, which depends on this one: the
   imports stay out of the project graph (nx-ignore-next-line) so that it has no cycle. */
// nx-ignore-next-line
import * as replays from '../../../testing/src/venues/hyperliquid-replay';
// nx-ignore-next-line
import { readVectors } from '../../../testing/src/vectors';
/* eslint-enable @nx/enforce-module-boundaries */
import { updateLeverageAction } from './actions';
import { HyperliquidAdapter } from './hyperliquid-adapter';
import { parseAssetContexts } from './info-parsers';

/**
 * Recorded answers of the live API (hyperliquid_api/: the python SDK's cassettes, CCXT's static response tests, the
 * GitBook's examples) replayed through the adapter: a local server answers each request with what was recorded for
 * it, and the parsed values must be exactly those of the recorded JSON. The requests the adapter sends must have the
 * shape recorded requests of the same type have.
 */
type HlRecording = replays.HlRecording;
const CCXT = readVectors('hyperliquid_api/ccxt_static_responses.json').entries as any[];
const ccxt = (description: string) => {
  const entry = CCXT.find((e) => e.description === description);
  if (!entry) throw new Error(`no CCXT response "${description}"`);
  return entry.httpResponse;
};
const [PYSDK_META] = replays.pysdkCassette('test_get_info');
/** The address CCXT's recorded requests query (its responses carry no request). */
const CCXT_USER = '0x15f43D1f2DeE81424aFd891943262aa90F22cc2A';
const info = (request: Record<string, unknown>, response: unknown, source: string): HlRecording => ({ request, response, source });

let replay: replays.HyperliquidReplay | undefined;
afterEach(() => replay?.close());

/** An adapter on a replay of these recordings. */
async function adapterOn(recordings: HlRecording[]) {
  replay = await replays.startHyperliquidReplay(recordings);
  return new HyperliquidAdapter({ isTestnet: false, apiUrl: replay.url });
}

/** Every request answered by a recording, and shaped like a recorded request of its type. */
function expectRecordedRequests(optional: string[] = []) {
  const requests = replay!.requests.filter((r) => r.path === '/info').map((r) => r.body);
  expect(replay!.unmatched.map((r) => r.body)).toEqual([]);
  expect(requests.length).toBeGreaterThan(0);
  expect(replays.unrecordedShapes(requests, replays.recordedInfoRequests(), optional)).toEqual([]);
}

const minSizeOf = (szDecimals: number) => (szDecimals === 0 ? '1' : `0.${'0'.repeat(szDecimals - 1)}1`);
/** A first-dex perp coin; HIP-3 coins are "<dex>:<coin>", spot ones "@<index>" or "PURR/USDC". */
const notPerp = (coin: string) => coin.includes(':') || coin.startsWith('@') || coin.includes('/');

describe('meta → markets() and health()', () => {
  const metas: [string, HlRecording][] = [
    ['python SDK (July 2023, 28 perps)', PYSDK_META],
    [
      'GitBook (isolated-only HPOS, delisted LOOM)',
      info({ type: 'meta' }, replays.gitbookExample('Retrieve perpetuals metadata (universe and margin tables)'), 'gitbook'),
    ],
    ['CCXT (integers spelt as strings)', info({ type: 'meta' }, ccxt("fetchCurrencies (disabled in CCXT: 'using spotMeta now')"), 'ccxt')],
  ];

  it.each(metas)('%s', async (_name, recording) => {
    const adapter = await adapterOn([recording]);
    const universe = (recording.response as any).universe as any[];
    const markets = await adapter.markets();
    expect(markets).toHaveLength(universe.length);
    universe.forEach((u, index) => {
      const m = markets[index];
      expect(m).toMatchObject({
        symbol: u.name,
        index,
        pair: `${u.name}-USD`,
        szDecimals: Number(u.szDecimals),
        maxLeverage: Number(u.maxLeverage),
      });
      expect(m.minSize).toEqualDecimal(minSizeOf(Number(u.szDecimals)));
      expect(m.minNotionalUsd).toEqualDecimal('10');
      expect(m.active).toBe(u.isDelisted !== true);
    });
    expect(await adapter.health()).toMatchObject({ ok: true });
    expectRecordedRequests();
  });
});

describe('allMids → markPrices() / markPrice()', () => {
  it('python SDK: the mid of every listed perp, recorded the same day as its meta', async () => {
    const [mids] = replays.pysdkCassette('test_get_all_mids');
    const adapter = await adapterOn([PYSDK_META, mids]);
    const recorded = mids.response as Record<string, string>;
    const listed = new Set(((PYSDK_META.response as any).universe as any[]).map((u) => u.name));
    const marks = await adapter.markPrices();
    expect([...marks.keys()].sort()).toEqual(
      Object.keys(recorded)
        .filter((coin) => listed.has(coin))
        .sort(),
    );
    expect(marks.size).toBe(28);
    for (const [coin, px] of marks) expect(px).toEqualDecimal(recorded[coin]);
    expect(await adapter.markPrice('ETH')).toEqualDecimal(recorded.ETH);
    expectRecordedRequests();
  });

  it('GitBook: mids of coins the meta does not list are left out', async () => {
    const mids = replays.gitbookExample('Retrieve mids for all coins');
    const gitbookMeta = replays.gitbookExample('Retrieve perpetuals metadata (universe and margin tables)');
    const adapter = await adapterOn([info({ type: 'meta' }, gitbookMeta, 'gitbook'), info({ type: 'allMids' }, mids, 'gitbook')]);
    expect(Object.keys(mids)).toEqual(['APE', 'ARB']);
    expect((await adapter.markPrices()).size).toBe(0);
    expect(await adapter.markPrice('APE')).toBeNull();
    expectRecordedRequests();
  });
});

describe('metaAndAssetCtxs → marketStats()', () => {
  const section = 'Retrieve perpetuals asset contexts (includes mark price, current funding, open interest, etc.)';
  /** The recorded answer's figures per perp, in universe order: exactly the recorded strings, USD at the mark. */
  const recorded = ([meta, contexts]: [any, any[]]) =>
    contexts.map((c, i) => ({
      symbol: meta.universe[i].name,
      fundingRate: c.funding,
      openInterest: c.openInterest,
      mark: c.markPx,
      openInterestUsd: new Decimal(c.openInterest).mul(c.markPx).toFixed(),
    }));

  it('GitBook (first perp dex): the hourly funding and open interest of every perp, and the USD open interest at its mark', async () => {
    const answer = replays.gitbookExample(section, 0);
    const adapter = await adapterOn([info({ type: 'metaAndAssetCtxs' }, answer, 'gitbook')]);
    const stats = await adapter.marketStats();
    expect(stats).toEqual(recorded(answer));
    expect(stats.map((s) => [s.symbol, s.fundingRate, s.openInterest, s.openInterestUsd])).toEqual([
      ['BTC', '0.0000125', '688.11', '9851.051571'],
      ['ETH', '0.0000125', '1882.55', '11377.37918'],
      ['HPOS', '0.0000125', '2912.05', '24619.05311'],
    ]);
    expectRecordedRequests();
  });

  it('GitBook (HIP-3 dex): read alike, with null premium, impact and mid prices and a zero funding rate', () => {
    const answer = replays.gitbookExample(section, 1);
    expect(answer[1].map((c: any) => [c.premium, c.midPx])).toEqual([
      ['0.0031136686', '25451.0'],
      [null, '464.92'],
      [null, null],
    ]);
    const stats = parseAssetContexts(answer);
    expect(stats).toEqual(recorded(answer));
    expect(stats[0]).toEqual({
      symbol: 'xyz:XYZ100',
      fundingRate: '0.0002110251',
      openInterest: '0.0854',
      mark: '25451.0',
      openInterestUsd: '2173.5154',
    });
    expect(stats[1].fundingRate).toEqualDecimal('0');
  });
});

describe('l2Book → orderBook()', () => {
  const books: [string, HlRecording][] = [
    ['python SDK (DYDX, 20 levels a side)', replays.pysdkCassette('test_get_l2_snapshot')[1]],
    ['GitBook (BTC)', info({ type: 'l2Book', coin: 'BTC' }, replays.gitbookExample('L2 book snapshot'), 'gitbook')],
  ];

  it.each(books)('%s: every level, then the first three', async (_name, recording) => {
    const adapter = await adapterOn([recording]);
    const book = recording.response as { coin: string; time: number; levels: { px: string; sz: string }[][] };
    const levels = (side: { px: string; sz: string }[], n = side.length) => side.slice(0, n).map((l) => ({ price: l.px, size: l.sz }));
    const full = await adapter.orderBook(book.coin, 100);
    expect(full).toEqual({ symbol: book.coin, bids: levels(book.levels[0]), asks: levels(book.levels[1]), time: book.time });
    const top = await adapter.orderBook(book.coin, 3);
    expect([top.bids, top.asks]).toEqual([levels(book.levels[0], 3), levels(book.levels[1], 3)]);
    expectRecordedRequests();
  });
});

describe('clearinghouseState → accountState() and openPositions()', () => {
  const states: [string, HlRecording][] = [
    ['python SDK (13 cross positions, 2023)', replays.pysdkCassette('test_get_user_state')[0]],
    ...['fetch positions (cross longs)', 'short position (cross)', 'isolated short position', 'swap balance (no positions)'].map(
      (d): [string, HlRecording] => [`CCXT ${d}`, info({ type: 'clearinghouseState', user: CCXT_USER }, ccxt(d), `ccxt ${d}`)],
    ),
    [
      'GitBook (isolated ETH)',
      info(
        { type: 'clearinghouseState', user: CCXT_USER },
        replays.gitbookExample("Retrieve user's perpetuals account summary"),
        'gitbook',
      ),
    ],
  ];

  it.each(states)('%s', async (_name, recording) => {
    const adapter = await adapterOn([recording]);
    const user = String(recording.request.user);
    const state = recording.response as any;
    const account = await adapter.accountState(user);
    expect(account.equity).toEqualDecimal(state.marginSummary.accountValue);
    expect(account.freeCollateral).toEqualDecimal(state.withdrawable);

    const positions = await adapter.openPositions(user);
    const held = (state.assetPositions as any[]).map((a) => a.position).filter((p) => !new Decimal(p.szi).isZero());
    expect(positions.map((p) => p.symbol)).toEqual(held.map((p) => p.coin));
    held.forEach((p, i) => {
      const ours = positions[i];
      expect(ours.side).toBe(p.szi.startsWith('-') ? 'SHORT' : 'LONG');
      expect(ours.qty).toEqualDecimal(p.szi.replace(/^-/, ''));
      expect(ours.entryPrice).toEqualDecimal(p.entryPx);
      expect(ours.unrealizedPnl).toEqualDecimal(p.unrealizedPnl);
      expect(ours.leverage).toBe(Number(p.leverage.value));
    });
    expectRecordedRequests();
  });
});

describe('userFills / userFillsByTime → fills()', () => {
  const userFills: [string, HlRecording][] = [
    ['python SDK (500 fills, 2023)', replays.pysdkCassette('test_get_user_fills')[0]],
    ...[
      'trades with builderFee (incl. HIP-3 dex coin flx:CRCL and liquidation fills)',
      'user trades (perp fill with cloid)',
      'user trades (spot fill)',
    ].map((d): [string, HlRecording] => [`CCXT ${d}`, info({ type: 'userFills', user: CCXT_USER }, ccxt(d), `ccxt ${d}`)]),
    [
      'GitBook (perp, HIP-3 and spot fills)',
      info({ type: 'userFills', user: CCXT_USER }, replays.gitbookExample("Retrieve a user's fills"), 'gitbook'),
    ],
  ];

  /** The recorded fills of first-dex perps, as Fill values. */
  const expected = (fills: any[]) =>
    fills
      .filter((f) => !notPerp(f.coin))
      .map((f) => ({
        symbol: f.coin,
        side: ({ B: 'BUY', A: 'SELL' } as const)[f.side as 'A' | 'B'],
        qty: f.sz,
        price: f.px,
        fee: f.fee,
        closedPnl: f.closedPnl,
        time: Number(f.time),
        clientOrderId: f.cloid ?? null,
        venueOrderId: String(f.oid),
        liquidation: f.liquidation
          ? { liquidatedUser: f.liquidation.liquidatedUser.toLowerCase(), markPrice: f.liquidation.markPx, method: f.liquidation.method }
          : null,
      }));

  it.each(userFills)('%s: perp fills only', async (_name, recording) => {
    const adapter = await adapterOn([recording]);
    const recorded = recording.response as any[];
    const fills = await adapter.fills(String(recording.request.user));
    expect(fills).toEqual(expected(recorded));
    expect(fills.length).toBe(recorded.length - recorded.filter((f) => notPerp(f.coin)).length);
    expectRecordedRequests();
  });

  it("reads a liquidation fill's liquidation (CCXT: a HYPE long liquidated through the book)", async () => {
    const recording = userFills.find(([name]) => name.includes('liquidation fills'))![1];
    const adapter = await adapterOn([recording]);
    const liquidated = (await adapter.fills(String(recording.request.user))).filter((f) => f.liquidation);
    expect(liquidated).toEqual([
      expect.objectContaining({
        symbol: 'HYPE',
        side: 'SELL',
        qty: '5.2',
        price: '21.147',
        fee: '0.047504',
        closedPnl: '-46.0356',
        liquidation: { liquidatedUser: '0x193bd350ec838b1e22d6f302da5343b920aa1c2b', markPrice: '21.193', method: 'market' },
      }),
    ]);
    expectRecordedRequests();
  });

  it('leaves out the spot and HIP-3 fills the feed carries (CCXT and GitBook recordings)', async () => {
    const recorded = userFills.slice(1).flatMap(([, r]) => r.response as any[]);
    expect(recorded.filter((f) => notPerp(f.coin)).map((f) => f.coin)).toEqual(['flx:CRCL', 'flx:CRCL', 'PURR/USDC', 'xyz:XYZ100', '@107']);
  });

  it('python SDK, by time: asked from a time on (the recording ends at its newest fill, the adapter asks up to now)', async () => {
    const [byTime] = replays.pysdkCassette('test_get_user_fills_by_time');
    const { user, startTime, endTime } = byTime.request as { user: string; startTime: number; endTime: number };
    const recorded = byTime.response as any[];
    expect(Math.max(...recorded.map((f) => f.time))).toBe(endTime);
    const adapter = await adapterOn([{ ...byTime, optional: ['endTime'] }]);
    expect(await adapter.fills(user, startTime)).toEqual(expected(recorded));
    expectRecordedRequests(['endTime']);
  });
});

describe('orderStatus (+ userFills) → orderStatus()', () => {
  const cloid = '0x1234567890abcdef1234567890abcded';
  /** Fills of other orders of the account (CCXT's SOL fill): none belongs to the order asked for. */
  const otherFills = ccxt('user trades (perp fill with cloid)');
  const account = { address: CCXT_USER };

  const cases: [string, unknown, 'PENDING' | 'REJECTED' | null, string | null][] = [
    ['CCXT fetch postOnly order (open)', ccxt('fetch postOnly order'), 'PENDING', 'order is still open'],
    [
      'CCXT fetchOrder (HIP-3 dex coin xyz:XYZ100) (open)',
      ccxt('fetchOrder (HIP-3 dex coin xyz:XYZ100)'),
      'PENDING',
      'order is still open',
    ],
    // Filled, but no fill of it in the feed yet: it traded, so it is no refusal (the adapter said REJECTED "order filled").
    ['CCXT fetch order (perp, filled)', ccxt('fetch order (perp, filled)'), 'PENDING', 'order filled; its fills are not visible yet'],
    ['CCXT spot order (filled Ioc)', ccxt('spot order (filled Ioc)'), 'PENDING', 'order filled; its fills are not visible yet'],
    // Canceled with its whole size left (sz = origSz): nothing traded.
    ['CCXT fetchOrder with both ts (spot, canceled)', ccxt('fetchOrder with both ts (spot, canceled)'), 'REJECTED', 'order canceled'],
    ['GitBook missing order', replays.gitbookExample('Query order status by oid or cloid'), null, null],
  ];

  it.each(cases)('%s', async (_name, answer, status, error) => {
    const adapter = await adapterOn([
      info({ type: 'orderStatus', user: CCXT_USER, oid: cloid }, answer, 'orderStatus'),
      info({ type: 'userFills', user: CCXT_USER }, otherFills, 'ccxt user trades (perp fill with cloid)'),
    ]);
    const result = await adapter.orderStatus(account, { clientOrderId: cloid, symbol: 'ETH' });
    if (status === null) {
      expect((answer as any).status).toBe('unknownOid');
      expect(result).toBeNull();
    } else {
      const { order } = (answer as any).order;
      expect(result).toEqual({
        clientOrderId: cloid,
        status,
        filledQty: '0',
        avgPrice: null,
        fee: '0',
        venueOrderId: String(order.oid),
        error,
      });
    }
    expectRecordedRequests();
  });
});

describe('updateLeverage, answered as the GitBook shows', () => {
  const ok = replays.gitbookExample('Update leverage');
  const agent = Wallet.createRandom();
  const account = {
    address: CCXT_USER,
    signer: { address: agent.address, use: <T>(fn: (key: string) => Promise<T>) => fn(agent.privateKey) },
  };
  const gitbookMeta = replays.gitbookExample('Retrieve perpetuals metadata (universe and margin tables)');

  it('an isolated-only market (HPOS) gets isCross false; a cross one (BTC) true; both capped at their maximum', async () => {
    const hpos = 2;
    const btc = 0;
    expect(gitbookMeta.universe[hpos]).toMatchObject({ name: 'HPOS', onlyIsolated: true, maxLeverage: 3 });
    const adapter = await adapterOn([
      info({ type: 'meta' }, gitbookMeta, 'gitbook'),
      { path: '/exchange', request: updateLeverageAction({ index: hpos, szDecimals: 0 }, 3, false), response: ok },
      { path: '/exchange', request: updateLeverageAction({ index: btc, szDecimals: 5 }, 20, true), response: ok },
    ]);
    await adapter.setLeverage(account, 'HPOS', 10);
    await adapter.setLeverage(account, 'BTC', 20);
    expect(replay!.requests.filter((r) => r.path === '/exchange').map((r) => r.body.action)).toEqual([
      { type: 'updateLeverage', asset: hpos, isCross: false, leverage: 3 },
      { type: 'updateLeverage', asset: btc, isCross: true, leverage: 20 },
    ]);
    expectRecordedRequests();
  });
});
