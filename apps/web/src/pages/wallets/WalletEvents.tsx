import { ApiError } from '../../api/client';
import { useEventAnalysis, useWalletEvents, type ScoredWallet, type WalletEvent } from '../../api/wallets';
import { formatDecimal, formatSize, formatUsd, isNegative, NO_VALUE } from '../../format/decimal';
import { formatTime } from '../../format/time';

const analysisLabel = (e: WalletEvent, shown: boolean) =>
  `${shown ? 'Hide' : 'Show'} the analysis of the ${e.event_type} of ${e.asset ?? 'an asset'} at ${formatTime(new Date(e.timestamp))}`;

export const walletName = (w: ScoredWallet) => w.label ?? `${w.address.slice(0, 6)}…${w.address.slice(-4)}`;

/** A wallet's fills, newest first; one of them opened shows how it was analysed. */
export function WalletEvents({ wallet, open, onOpen }: { wallet: ScoredWallet; open: string; onOpen: (event: string) => void }) {
  const events = useWalletEvents(wallet.id);
  const name = walletName(wallet);
  if (events.isError)
    return (
      <p role="alert" className="error">
        The events of {name} could not be loaded: {events.error instanceof ApiError ? events.error.message : 'the API did not answer'}.
      </p>
    );
  if (events.isPending) return <p role="status">Loading the events of {name}…</p>;
  if (events.data.length === 0) return <p>{name} has no event yet.</p>;
  const opened = events.data.find((e) => e.id === open);
  return (
    <>
      <div className="table-scroll" role="region" aria-label={`Events of ${name}`} tabIndex={0}>
        <table className="wallet-events">
          <thead>
            <tr>
              <th scope="col">Time</th>
              <th scope="col">Event</th>
              <th scope="col">Asset</th>
              <th scope="col" className="num">
                Size
              </th>
              <th scope="col" className="num">
                Notional
              </th>
              <th scope="col" className="num">
                Position after
              </th>
              <th scope="col" className="num">
                Realized PnL
              </th>
              <th scope="col">Analysis</th>
            </tr>
          </thead>
          <tbody>
            {events.data.map((e) => (
              <tr key={e.id}>
                <td>{formatTime(new Date(e.timestamp))}</td>
                <th scope="row">{e.event_type}</th>
                <td>{e.asset ?? NO_VALUE}</td>
                <td className="num">{formatSize(e.amount, { signed: true })}</td>
                <td className="num">{formatUsd(e.notional_usd)}</td>
                <td className="num">{formatSize(e.position_after, { signed: true })}</td>
                <td className={isNegative(e.realized_pnl) ? 'num loss' : 'num'}>
                  {e.realized_pnl === null ? NO_VALUE : formatUsd(e.realized_pnl, { signed: true })}
                </td>
                <td>
                  <button
                    type="button"
                    aria-pressed={e.id === open}
                    aria-label={analysisLabel(e, e.id === open)}
                    onClick={() => onOpen(e.id === open ? '' : e.id)}
                  >
                    {e.id === open ? 'Hide' : 'Show'}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {opened && <Analysis event={opened} />}
    </>
  );
}

function Analysis({ event }: { event: WalletEvent }) {
  const analysis = useEventAnalysis(event.id);
  return (
    <section className="event-analysis" aria-labelledby="analysis-heading">
      <h3 id="analysis-heading">
        Analysis of the {event.event_type} of {event.asset ?? 'an asset'}, {formatTime(new Date(event.timestamp))}
      </h3>
      {analysis.isError ? (
        <p role="alert" className="error">
          The analysis could not be loaded: {analysis.error instanceof ApiError ? analysis.error.message : 'the API did not answer'}.
        </p>
      ) : analysis.isPending ? (
        <p role="status">Loading the analysis…</p>
      ) : analysis.data === null ? (
        <p>This event is not analysed yet.</p>
      ) : (
        <dl className="analysis">
          <dt>Classification</dt>
          <dd>{analysis.data.llm_classification ?? NO_VALUE}</dd>
          <dt>Confidence</dt>
          <dd>{formatDecimal(analysis.data.llm_confidence, 2)}</dd>
          <dt>Bias impact</dt>
          <dd>{formatDecimal(analysis.data.bias_impact, 3, { signed: true })}</dd>
          <dt>Pattern</dt>
          <dd>{analysis.data.pattern_matched ?? NO_VALUE}</dd>
          <dt>Analyser</dt>
          <dd>{analysis.data.analyser === 'llm' ? `LLM${analysis.data.model ? ` (${analysis.data.model})` : ''}` : 'rules'}</dd>
          <dt>Narrative</dt>
          <dd>{analysis.data.llm_narrative ?? NO_VALUE}</dd>
        </dl>
      )}
    </section>
  );
}
