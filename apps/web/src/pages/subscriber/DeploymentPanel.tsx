import { useBills, useMyActions, usePositions, type Deployment } from '../../api/subscriber';
import { formatQuantity, formatUsd, isNegative } from '../../format/decimal';
import { formatTime } from '../../format/time';
import { ConfirmButton } from './ConfirmButton';
import { PolicyEditor } from './PolicyEditor';

/** One deployment of the signed-in wallet: its state and actions, open positions, policy and bills. */
export function DeploymentPanel({ deployment: d }: { deployment: Deployment }) {
  const { stop, killSwitch } = useMyActions();
  const stopped = d.status === 'STOPPED';
  const killed = d.policy?.kill_switch === true;
  const headingId = `deployment-${d.id}`;
  return (
    <section className="deployment" aria-labelledby={headingId}>
      <header>
        <h2 id={headingId}>
          Deployment <code>{d.id.slice(0, 8)}</code>
        </h2>
        <p className="state">
          <span className={`status status-${d.status.toLowerCase()}`}>{d.status}</span> · {d.trading_mode} · kill switch{' '}
          {killed ? 'on' : 'off'}
        </p>
        <div className="actions">
          <ConfirmButton
            label={killed ? 'Allow new entries' : 'Kill switch'}
            title={killed ? 'Allow new entries again?' : 'Stop new entries now?'}
            confirmLabel={killed ? 'Allow entries' : 'Turn on kill switch'}
            disabled={stopped || killSwitch.isPending}
            onConfirm={() => killSwitch.mutate({ id: d.id, enabled: !killed })}
          >
            {killed ? 'New signals will open positions again.' : 'No new positions will open; the open ones stay as they are.'}
          </ConfirmButton>
          <ConfirmButton
            label="Stop deployment"
            title="Stop this deployment for good?"
            confirmLabel="Stop deployment"
            danger
            disabled={stopped || stop.isPending}
            onConfirm={() => stop.mutate(d.id)}
          >
            No new entries, and every open position is closed at the market. This cannot be undone.
          </ConfirmButton>
        </div>
        {(stop.error ?? killSwitch.error) && <p role="alert">{(stop.error ?? killSwitch.error)!.message}</p>}
      </header>
      <h3>Open positions</h3>
      <Positions deploymentId={d.id} />
      <details>
        <summary>Policy</summary>
        <PolicyEditor deploymentId={d.id} disabled={stopped} />
      </details>
      <h3>Bills</h3>
      <Bills deploymentId={d.id} />
    </section>
  );
}

function Positions({ deploymentId }: { deploymentId: string }) {
  const positions = usePositions(deploymentId);
  const { closePosition } = useMyActions();
  if (positions.isPending) return <p>Loading positions…</p>;
  if (positions.isError) return <p role="alert">Could not load positions: {positions.error.message}</p>;
  if (!positions.data.length) return <p className="muted">No open position.</p>;
  return (
    <div className="table-scroll" role="region" aria-label="Open positions" tabIndex={0}>
      <table className="positions">
        <thead>
          <tr>
            <th scope="col">Token</th>
            <th scope="col">Side</th>
            <th scope="col">Size</th>
            <th scope="col">Entry</th>
            <th scope="col">Mark</th>
            <th scope="col">Unrealized PnL</th>
            <th scope="col">Opened</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {positions.data.map((p) => (
            <tr key={p.id} data-position={p.id}>
              <th scope="row">{p.token_symbol}</th>
              <td>{p.side}</td>
              <td className="num">{formatQuantity(p.qty)}</td>
              <td className="num">{formatUsd(p.entry_price)}</td>
              <td className="num">{formatUsd(p.current_price)}</td>
              <td className={`num ${isNegative(p.unrealized_pnl) ? 'loss' : ''}`}>{formatUsd(p.unrealized_pnl, { signed: true })}</td>
              <td>{formatTime(new Date(p.opened_at))}</td>
              <td>
                <ConfirmButton
                  label={`Close ${p.token_symbol}`}
                  title={`Close the ${p.token_symbol} ${p.side.toLowerCase()}?`}
                  confirmLabel="Close position"
                  disabled={closePosition.isPending}
                  onConfirm={() => closePosition.mutate(p.id)}
                >
                  It is closed at the venue mark; a profit is billed its share.
                </ConfirmButton>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Bills({ deploymentId }: { deploymentId: string }) {
  const bills = useBills(deploymentId);
  if (bills.isPending) return <p>Loading bills…</p>;
  if (bills.isError) return <p role="alert">Could not load bills: {bills.error.message}</p>;
  if (!bills.data.length) return <p className="muted">No bill yet.</p>;
  return (
    <div className="table-scroll" role="region" aria-label="Bills" tabIndex={0}>
      <table className="bills">
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">Kind</th>
            <th scope="col">Status</th>
            <th scope="col">Amount</th>
          </tr>
        </thead>
        <tbody>
          {bills.data.map((b) => (
            <tr key={b.id}>
              <td>{formatTime(new Date(b.occurred_at))}</td>
              <td>{b.kind === 'PROFIT_SHARE' ? 'Profit share' : 'Subscription'}</td>
              <td>{b.status}</td>
              <td className="num">{formatUsd(b.amount)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
