import { dec } from './money';
import { quoteExecution, routeByCost, routeFirstAvailable, spotRefusal, VENUE_ENUM, VENUES, VenueView, viewForSignal } from './routing';

function view(venue: string, over: Partial<VenueView> = {}): VenueView {
  return { venue, healthy: true, listed: true, marketName: null, activeMarkets: 28, ...over };
}
function views(...list: VenueView[]): Map<string, VenueView> {
  return new Map(list.map((v) => [v.venue, v]));
}

describe('venue constants', () => {
  it('MULTI is a routing choice, not a venue', () => {
    expect(VENUES).not.toContain('MULTI');
    expect(VENUE_ENUM).toEqual(['MULTI', ...VENUES]);
  });
});

describe('routeFirstAvailable', () => {
  const PRIORITY = ['HYPERLIQUID', 'OSTIUM'];

  it('picks the first listed and healthy venue and stops there', () => {
    const d = routeFirstAvailable('ETH', PRIORITY, views(view('HYPERLIQUID'), view('OSTIUM', { activeMarkets: 12 })), true);
    expect(d).toEqual({
      selected: 'HYPERLIQUID',
      ranked: ['HYPERLIQUID', 'OSTIUM'],
      checked: ['HYPERLIQUID'],
      availability: { HYPERLIQUID: true },
      reason: 'Hyperliquid: pair ETH-USD available (28 pairs)',
    });
  });

  it('follows the priority order, not the order of the views', () => {
    const d = routeFirstAvailable('ETH', ['OSTIUM', 'HYPERLIQUID'], views(view('HYPERLIQUID'), view('OSTIUM')), true);
    expect(d.selected).toBe('OSTIUM');
  });

  it("names the venue's market in the reason when it has one", () => {
    const d = routeFirstAvailable('BTC', ['OSTIUM'], views(view('OSTIUM', { marketName: 'BTC/USD', activeMarkets: 12 })), true);
    expect(d.reason).toBe('Ostium: pair BTC/USD available (12 pairs)');
  });

  it('fails over from an unhealthy first venue to the second', () => {
    const d = routeFirstAvailable(
      'ETH',
      PRIORITY,
      views(view('HYPERLIQUID', { healthy: false }), view('OSTIUM', { activeMarkets: 12 })),
      true,
    );
    expect(d.selected).toBe('OSTIUM');
    expect(d.checked).toEqual(['HYPERLIQUID', 'OSTIUM']);
    expect(d.availability).toEqual({ HYPERLIQUID: false, OSTIUM: true });
    expect(d.reason).toBe('Ostium: pair ETH-USD available (12 pairs)');
  });

  it('fails over when the first venue does not list the token', () => {
    const d = routeFirstAvailable('PEPE', PRIORITY, views(view('HYPERLIQUID', { listed: false }), view('OSTIUM')), true);
    expect(d.selected).toBe('OSTIUM');
    expect(d.availability).toEqual({ HYPERLIQUID: false, OSTIUM: true });
  });

  it('treats a venue without a view (no adapter) as unavailable', () => {
    const d = routeFirstAvailable('ETH', ['GMX', 'OSTIUM'], views(view('OSTIUM')), true);
    expect(d.selected).toBe('OSTIUM');
    expect(d.availability).toEqual({ GMX: false, OSTIUM: true });
  });

  it('with failover disabled only checks the first venue', () => {
    const d = routeFirstAvailable('ETH', PRIORITY, views(view('HYPERLIQUID', { healthy: false }), view('OSTIUM')), false);
    expect(d.selected).toBeNull();
    expect(d.checked).toEqual(['HYPERLIQUID']);
    expect(d.availability).toEqual({ HYPERLIQUID: false });
    expect(d.reason).toBe('no venue lists ETH: HYPERLIQUID unavailable');
  });

  it('with failover disabled still selects a healthy first venue', () => {
    const d = routeFirstAvailable('ETH', PRIORITY, views(view('HYPERLIQUID'), view('OSTIUM')), false);
    expect(d.selected).toBe('HYPERLIQUID');
  });

  it('selects nothing when no venue lists the token, naming the token and each venue', () => {
    const d = routeFirstAvailable('WIF', PRIORITY, views(view('HYPERLIQUID', { healthy: false }), view('OSTIUM', { listed: false })), true);
    expect(d.selected).toBeNull();
    expect(d.checked).toEqual(['HYPERLIQUID', 'OSTIUM']);
    expect(d.availability).toEqual({ HYPERLIQUID: false, OSTIUM: false });
    expect(d.reason).toBe('no venue lists WIF: HYPERLIQUID unavailable; OSTIUM does not list WIF');
  });

  it('reports an unhealthy venue as unavailable even if it lists the token', () => {
    const d = routeFirstAvailable('ETH', ['GMX'], views(view('GMX', { healthy: false, listed: true })), true);
    expect(d.reason).toBe('no venue lists ETH: GMX unavailable');
  });
});

describe('quoteExecution', () => {
  const asks = [
    { price: '100', size: '10' }, // $1,000
    { price: '101', size: '10' }, // $1,010
    { price: '102', size: '100' },
  ];

  it('walks the book to the notional and measures slippage against the best level', () => {
    const q = quoteExecution(asks, '1505', '4.5');
    // $1,000 at 100 (10) + $505 at 101 (5) = 15 for $1,505 → 100.333… ; slippage 33.33 bps
    expect(q.avgPrice!.toFixed(6)).toBe('100.333333');
    expect(q.slippageBps!.toFixed(4)).toBe('33.3333');
    expect(q.takerBps.toString()).toBe('4.5');
  });

  it('a fill inside the first level has no slippage; a book too thin cannot quote', () => {
    expect(quoteExecution(asks, '500', '0').slippageBps!.toString()).toBe('0');
    expect(quoteExecution(asks, '100000', '0')).toMatchObject({ avgPrice: null, slippageBps: null });
    expect(quoteExecution([], '1', '0').avgPrice).toBeNull();
  });
});

describe('ranked venues (failover order)', () => {
  const PRIORITY = ['HYPERLIQUID', 'OSTIUM'];
  it('lists every usable venue in priority order for FIRST_AVAILABLE, only the selected one without failover', () => {
    const all = views(view('HYPERLIQUID'), view('OSTIUM'));
    expect(routeFirstAvailable('ETH', PRIORITY, all, true).ranked).toEqual(['HYPERLIQUID', 'OSTIUM']);
    expect(routeFirstAvailable('ETH', PRIORITY, all, false).ranked).toEqual(['HYPERLIQUID']);
    expect(routeFirstAvailable('ETH', PRIORITY, views(view('HYPERLIQUID', { healthy: false }), view('OSTIUM')), true).ranked).toEqual([
      'OSTIUM',
    ]);
  });
  it('orders by cost for the cost strategies, unquoted listed venues last', () => {
    const quotes = new Map([
      ['HYPERLIQUID', quoteExecution([{ price: '100', size: '1000' }], '1000', '10')],
      ['OSTIUM', quoteExecution([{ price: '100', size: '1000' }], '1000', '4')],
    ]);
    expect(routeByCost('LOWEST_FEES', 'ETH', PRIORITY, views(view('HYPERLIQUID'), view('OSTIUM')), quotes, true, '1000').ranked).toEqual([
      'OSTIUM',
      'HYPERLIQUID',
    ]);
    const one = new Map([['HYPERLIQUID', quotes.get('HYPERLIQUID')!]]);
    expect(
      routeByCost('LOWEST_FEES', 'ETH', ['OSTIUM', 'HYPERLIQUID'], views(view('HYPERLIQUID'), view('OSTIUM')), one, true, '1000').ranked,
    ).toEqual(['HYPERLIQUID', 'OSTIUM']);
  });
});

describe('routeByCost', () => {
  const PRIORITY = ['HYPERLIQUID', 'OSTIUM'];
  const quote = (slippage: string | null, taker: string) => ({
    avgPrice: null,
    slippageBps: slippage === null ? null : dec(slippage),
    takerBps: dec(taker),
  });

  it('BEST_LIQUIDITY picks the least slippage, LOWEST_FEES the least fee + slippage', () => {
    const quotes = new Map([
      ['HYPERLIQUID', quote('3', '4.5')],
      ['OSTIUM', quote('1', '10')],
    ]);
    const all = views(view('HYPERLIQUID'), view('OSTIUM'));
    const liquidity = routeByCost('BEST_LIQUIDITY', 'ETH', PRIORITY, all, quotes, true, '10000');
    expect(liquidity).toMatchObject({ selected: 'OSTIUM', checked: PRIORITY });
    expect(liquidity.reason).toBe('BEST_LIQUIDITY: Ostium fills $10000 of ETH at 1.00 bps slippage (Hyperliquid 3.00 bps)');
    const fees = routeByCost('LOWEST_FEES', 'ETH', PRIORITY, all, quotes, true, '10000');
    expect(fees.selected).toBe('HYPERLIQUID'); // 7.5 < 11
    expect(fees.reason).toBe('LOWEST_FEES: Hyperliquid fills $10000 of ETH at 7.50 bps fee + slippage (Ostium 11.00 bps)');
  });

  it('ties keep the priority order; unhealthy, unlisted and unfillable venues are passed over with the reason', () => {
    const tie = new Map([
      ['HYPERLIQUID', quote('2', '5')],
      ['OSTIUM', quote('2', '5')],
    ]);
    expect(routeByCost('BEST_LIQUIDITY', 'ETH', PRIORITY, views(view('HYPERLIQUID'), view('OSTIUM')), tie, true, '1').selected).toBe(
      'HYPERLIQUID',
    );
    const d = routeByCost(
      'BEST_LIQUIDITY',
      'ETH',
      PRIORITY,
      views(view('HYPERLIQUID', { healthy: false }), view('OSTIUM')),
      tie,
      true,
      '1',
    );
    expect(d).toMatchObject({ selected: 'OSTIUM', availability: { HYPERLIQUID: false, OSTIUM: true } });
    expect(d.reason).toMatch(/; HYPERLIQUID unavailable$/);
    const thin = new Map([
      ['HYPERLIQUID', quote(null, '5')],
      ['OSTIUM', quote('9', '5')],
    ]);
    expect(routeByCost('BEST_LIQUIDITY', 'ETH', PRIORITY, views(view('HYPERLIQUID'), view('OSTIUM')), thin, true, '5000').reason).toMatch(
      /Ostium fills .* at 9.00 bps slippage; HYPERLIQUID book cannot fill \$5000/,
    );
  });

  it('with failover off only the first venue counts; listed but unfillable everywhere falls back to the first listed', () => {
    const quotes = new Map([
      ['HYPERLIQUID', quote('50', '5')],
      ['OSTIUM', quote('1', '5')],
    ]);
    expect(routeByCost('BEST_LIQUIDITY', 'ETH', PRIORITY, views(view('HYPERLIQUID'), view('OSTIUM')), quotes, false, '1')).toMatchObject({
      selected: 'HYPERLIQUID',
      checked: ['HYPERLIQUID'],
    });
    const none = new Map([['HYPERLIQUID', quote(null, '5')]]);
    const d = routeByCost(
      'BEST_LIQUIDITY',
      'ETH',
      PRIORITY,
      views(view('HYPERLIQUID'), view('OSTIUM', { listed: false })),
      none,
      true,
      '1',
    );
    expect(d.selected).toBe('HYPERLIQUID');
    expect(d.reason).toBe(
      'Hyperliquid: pair ETH-USD available (28 pairs) [BEST_LIQUIDITY: HYPERLIQUID book cannot fill $1; OSTIUM does not list ETH]',
    );
    expect(routeByCost('LOWEST_FEES', 'ETH', PRIORITY, views(view('HYPERLIQUID', { listed: false })), new Map(), true, '1')).toMatchObject({
      selected: null,
      reason: 'no venue lists ETH: HYPERLIQUID does not list ETH; OSTIUM unavailable',
    });
  });
});

describe('four venues: SPOT takes LONGs only, at 1x', () => {
  const FOUR = ['HYPERLIQUID', 'OSTIUM', 'GMX', 'SPOT'];
  const four = (signal: { side: string; leverage?: number | null }, over: Record<string, Partial<VenueView>> = {}) =>
    new Map(FOUR.map((venue) => [venue, viewForSignal(view(venue, over[venue]), signal)]));

  it('spotRefusal: a SHORT, an opening SELL and leverage above 1 are refused on SPOT only', () => {
    expect(spotRefusal('SPOT', { side: 'SHORT' })).toBe('SPOT trades LONG only: no short on a spot swap');
    expect(spotRefusal('SPOT', { side: 'SELL', reduceOnly: false })).toBe('SPOT trades LONG only: no short on a spot swap');
    expect(spotRefusal('SPOT', { side: 'SELL', reduceOnly: true })).toBeNull();
    expect(spotRefusal('SPOT', { side: 'BUY', leverage: 3 })).toBe('SPOT trades without leverage: 3x asked, 1x the most');
    expect(spotRefusal('SPOT', { side: 'LONG', leverage: 1 })).toBeNull();
    expect(spotRefusal('GMX', { side: 'SHORT', leverage: 50 })).toBeNull();
  });

  it('a SHORT fails over past SPOT to nothing, saying why, when the perp venues are out', () => {
    const down = { HYPERLIQUID: { healthy: false }, OSTIUM: { listed: false }, GMX: { healthy: false } };
    const d = routeFirstAvailable('ETH', FOUR, four({ side: 'SHORT' }, down), true);
    expect(d.selected).toBeNull();
    expect(d.ranked).toEqual([]);
    expect(d.availability).toEqual({ HYPERLIQUID: false, OSTIUM: false, GMX: false, SPOT: false });
    expect(d.reason).toBe(
      'no venue lists ETH: HYPERLIQUID unavailable; OSTIUM does not list ETH; GMX unavailable; ' +
        'SPOT trades LONG only: no short on a spot swap',
    );
  });

  it('failover walks all four venues; a leveraged LONG on SPOT says it buys at 1x', () => {
    const down = { HYPERLIQUID: { healthy: false }, OSTIUM: { healthy: false }, GMX: { listed: false } };
    const d = routeFirstAvailable('ETH', FOUR, four({ side: 'LONG', leverage: 3 }, down), true);
    expect(d.selected).toBe('SPOT');
    expect(d.checked).toEqual(FOUR);
    expect(d.reason).toBe('Spot: pair ETH-USD available (28 pairs) buys at 1x, no leverage (the signal asks 3x)');
    const short = routeFirstAvailable('ETH', FOUR, four({ side: 'SHORT' }, { HYPERLIQUID: { healthy: false } }), true);
    expect(short.ranked).toEqual(['OSTIUM', 'GMX']);
    const first = routeFirstAvailable('ETH', ['SPOT', 'GMX'], four({ side: 'SHORT' }), true);
    expect(first.reason).toBe('Gmx: pair ETH-USD available (28 pairs) (SPOT trades LONG only: no short on a spot swap)');
  });

  it('the cost strategies never rank SPOT for a SHORT, and rank it by its cost for a LONG', () => {
    const q = (bps: string) => ({ avgPrice: dec(1), slippageBps: dec(bps), takerBps: dec('5') });
    const quotes = new Map([
      ['HYPERLIQUID', q('3')],
      ['OSTIUM', q('2')],
      ['GMX', q('4')],
      ['SPOT', q('1')],
    ]);
    const long = routeByCost('LOWEST_FEES', 'ETH', FOUR, four({ side: 'LONG', leverage: 1 }), quotes, true, '1000');
    expect(long.ranked).toEqual(['SPOT', 'OSTIUM', 'HYPERLIQUID', 'GMX']);
    const short = routeByCost('LOWEST_FEES', 'ETH', FOUR, four({ side: 'SHORT' }), quotes, true, '1000');
    expect(short.ranked).toEqual(['OSTIUM', 'HYPERLIQUID', 'GMX']);
    expect(short.reason).toContain('SPOT trades LONG only');
  });
});
