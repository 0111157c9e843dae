import { createServer, Server } from 'http';
import { AddressInfo } from 'net';
import type { GmxTicker } from '@conduit/venue';

/**
 * GMX's REST API as far as Conduit reads it: `GET /prices/tickers` answering `tickers()` (a GmxChain's oracle prices)
 * as https://arbitrum-api.gmxinfra.io does; anything else is 404.
 */
export async function startGmxTickersServer(tickers: () => GmxTicker[]): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    if (req.method === 'GET' && req.url?.split('?')[0] === '/prices/tickers') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(tickers()));
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
