import { useSearchParams } from 'react-router';
import { ApiError } from '../../api/client';
import { useLatestBias, useWallets, type BiasTimeframe, type ScoredWallet } from '../../api/wallets';
import { formatDecimal, formatShare, formatUsd, NO_VALUE } from '../../format/decimal';
import { BiasHeatmap, TIMEFRAMES } from './BiasHeatmap';
import { BiasHistory } from './BiasHistory';
import { walletName, WalletEvents } from './WalletEvents';

const problem = (e: Error) => (e instanceof ApiError ? e.message : 'the API did not answer');

/**
 * Wallet intelligence (public reads): the watchlist with credibility and archetype, the latest bias as a heatmap,
 * an asset's bias over time, and a wallet's events with their analysis. Choices live in the URL
 * (`?wallet=<id>&event=<id>&asset=ETH&timeframe=4h`).
 */
export function WalletsPage() {
  const [params, setParams] = useSearchParams();
  const set = (change: Record<string, string>) => {
    // From the URL as it is now, not as this render saw it: two changes in a row (asset, then timeframe) keep both.
    const next = new URLSearchParams(globalThis.location.search);
    for (const [k, v] of Object.entries(change))
      if (v) next.set(k, v);
      else next.delete(k);
    setParams(next, { replace: true });
  };
  const wallets = useWallets();
  const bias = useLatestBias();
  const assets = [...new Set((bias.data ?? []).map((b) => b.asset))].sort();
  const asset = assets.includes(params.get('asset') ?? '') ? params.get('asset')! : (assets[0] ?? '');
  const tf = params.get('timeframe');
  const timeframe: BiasTimeframe = tf === '1h' || tf === '24h' ? tf : '4h';
  const chosen = wallets.data?.find((w) => w.id === params.get('wallet'));

  return (
    <>
      <h1>Wallet intelligence</h1>
      <section aria-labelledby="watchlist-heading">
        <h2 id="watchlist-heading">Watchlist</h2>
        {wallets.isError ? (
          <p role="alert" className="error">
            The watchlist could not be loaded: {problem(wallets.error)}.
          </p>
        ) : wallets.isPending ? (
          <p role="status">Loading the watchlist…</p>
        ) : wallets.data.length === 0 ? (
          <p>No wallet is watched.</p>
        ) : (
          <WatchTable wallets={wallets.data} chosen={chosen?.id ?? ''} onChoose={(id) => set({ wallet: id, event: '' })} />
        )}
      </section>
      <section aria-labelledby="bias-heading">
        <h2 id="bias-heading">Smart-money bias</h2>
        {bias.isError ? (
          <p role="alert" className="error">
            The bias could not be loaded: {problem(bias.error)}.
          </p>
        ) : bias.isPending ? (
          <p role="status">Loading the bias…</p>
        ) : bias.data.length === 0 ? (
          <p>No bias computed yet.</p>
        ) : (
          <>
            <BiasHeatmap bias={bias.data} />
            <h3>Over time</h3>
            <form className="filters" aria-label="Bias history" onSubmit={(e) => e.preventDefault()}>
              <label>
                Asset{' '}
                <select value={asset} onChange={(e) => set({ asset: e.target.value })}>
                  {assets.map((a) => (
                    <option key={a}>{a}</option>
                  ))}
                </select>
              </label>
              <label>
                Timeframe{' '}
                <select value={timeframe} onChange={(e) => set({ timeframe: e.target.value })}>
                  {TIMEFRAMES.map((t) => (
                    <option key={t}>{t}</option>
                  ))}
                </select>
              </label>
            </form>
            <BiasHistory asset={asset} timeframe={timeframe} />
          </>
        )}
      </section>
      <section aria-labelledby="events-heading">
        <h2 id="events-heading">{chosen ? `Events of ${walletName(chosen)}` : 'Events'}</h2>
        {chosen ? (
          <WalletEvents wallet={chosen} open={params.get('event') ?? ''} onOpen={(event) => set({ event })} />
        ) : (
          <p>Choose a wallet in the watchlist to see its events.</p>
        )}
      </section>
    </>
  );
}

function WatchTable({ wallets, chosen, onChoose }: { wallets: ScoredWallet[]; chosen: string; onChoose: (id: string) => void }) {
  return (
    <div className="table-scroll" role="region" aria-label="Watched wallets" tabIndex={0}>
      <table className="watchlist">
        <thead>
          <tr>
            <th scope="col">Wallet</th>
            <th scope="col">Archetype</th>
            <th scope="col" className="num">
              Credibility 1h
            </th>
            <th scope="col" className="num">
              Credibility 4h
            </th>
            <th scope="col" className="num">
              Credibility 24h
            </th>
            <th scope="col" className="num">
              Equity
            </th>
            <th scope="col" className="num">
              Win rate
            </th>
            <th scope="col">Tags</th>
          </tr>
        </thead>
        <tbody>
          {wallets.map((w) => (
            <tr key={w.id} aria-current={w.id === chosen ? 'true' : undefined}>
              <th scope="row">
                <button type="button" className="link-button" onClick={() => onChoose(w.id)} title={w.address}>
                  {walletName(w)}
                </button>
              </th>
              <td>{w.archetype ?? NO_VALUE}</td>
              <td className="num">{formatDecimal(w.credibility_1h, 1)}</td>
              <td className="num">{formatDecimal(w.credibility_4h, 1)}</td>
              <td className="num">{formatDecimal(w.credibility_24h, 1)}</td>
              <td className="num">{formatUsd(w.equity_usd)}</td>
              <td className="num">{formatShare(w.win_rate)}</td>
              <td>{w.tags?.length ? w.tags.join(', ') : NO_VALUE}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
