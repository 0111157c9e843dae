import { routeFirstAvailable, VENUE_ENUM, VENUES, VenueView } from './routing';

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
    const d = routeFirstAvailable('ETH', PRIORITY, views(view('HYPERLIQUID', { healthy: false }), view('OSTIUM', { activeMarkets: 12 })), true);
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
