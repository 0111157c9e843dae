import { createServer } from 'http';
import { AddressInfo } from 'net';
import { GmxTickers, parseTickers, tickerMid } from './tickers';

const WETH = '0x82aF49447D8a07e3bd95BD0d56f35241523fBab1';
const WBTC = '0x2f2a2543B76A4166549F7aaB2e75Bef0aefC5B0f';

describe("GMX's tickers (its oracle prices, GMX's price unit)", () => {
  it('parses entries by address and takes the exact mid in USD per whole token', () => {
    const prices = parseTickers([
      // ETH 18 decimals: USD × 10^12; 3,000.10 and 3,000.20 → 3,000.15
      { tokenAddress: WETH.toLowerCase(), tokenSymbol: 'ETH', minPrice: '3000100000000000', maxPrice: '3000200000000000', updatedAt: 1 },
      // BTC 8 decimals: USD × 10^22
      { tokenAddress: WBTC, tokenSymbol: 'BTC', minPrice: '650000000000000000000000000', maxPrice: '650000000000000000000000001' },
      { tokenAddress: 'not an address', tokenSymbol: 'X', minPrice: '1', maxPrice: '1' },
      { tokenAddress: WBTC.replace('f', 'e'), tokenSymbol: 'Y', minPrice: '2', maxPrice: '1' }, // min above max
      { tokenAddress: WBTC.replace('f', 'd'), tokenSymbol: 'Z', minPrice: 1.5, maxPrice: '2' }, // not a string
    ]);
    expect([...prices.keys()]).toEqual([WETH, WBTC]);
    expect(tickerMid(prices.get(WETH)!, 18).toFixed()).toBe('3000.15');
    expect(tickerMid(prices.get(WBTC)!, 8).toFixed()).toBe('65000.00000000000000000000005');
    expect(() => parseTickers({})).toThrow('not a JSON array');
  });

  it('reads /prices/tickers over HTTP once per ttl and refuses a non-2xx answer', async () => {
    let asked = 0;
    let status = 200;
    const server = createServer((req, res) => {
      asked++;
      expect(req.url).toBe('/prices/tickers');
      res
        .writeHead(status, { 'content-type': 'application/json' })
        .end(JSON.stringify([{ tokenAddress: WETH, tokenSymbol: 'ETH', minPrice: '2', maxPrice: '4' }]));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const tickers = new GmxTickers(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`, fetch, 60_000);
      const [a, b] = await Promise.all([tickers.prices(), tickers.prices()]);
      expect(a).toBe(b);
      expect(asked).toBe(1);
      expect(a.get(WETH)).toEqual({ min: 2n, max: 4n, updatedAt: null });
      status = 503;
      await expect(new GmxTickers(`http://127.0.0.1:${(server.address() as AddressInfo).port}`).prices()).rejects.toThrow('HTTP 503');
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});
