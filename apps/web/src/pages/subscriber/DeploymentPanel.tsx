import { useState } from 'react';
import { usdSendOf, WalletRefused } from '../../api/bill-signing';
import { ApiError } from '../../api/client';
import { BILL_PAGE, useBillActions, useBills, useMyActions, usePositions, type Bill, type Deployment } from '../../api/subscriber';
import { Pager } from '../../components/Pager';
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
  const [offset, setOffset] = useState(0);
  const bills = useBills(deploymentId, offset);
  if (bills.isPending) return <p>Loading bills…</p>;
  if (bills.isError) return <p role="alert">Could not load bills: {bills.error.message}</p>;
  if (!bills.data.length && offset === 0) return <p className="muted">No bill yet.</p>;
  return (
    <>
      {bills.data.length ? (
        <div className="table-scroll" role="region" aria-label="Bills" tabIndex={0}>
          <table className="bills">
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Kind</th>
                <th scope="col" className="num">
                  Amount
                </th>
                <th scope="col">Status</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {bills.data.map((b) => (
                <BillRow key={b.id} bill={b} />
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <p className="muted">No more bills.</p>
      )}
      <Pager label="Bill pages" offset={offset} pageSize={BILL_PAGE} count={bills.data.length} onPage={setOffset} busy={bills.isFetching} />
    </>
  );
}

/** What a bill waits for, or why it failed, as a line under its status. */
function billNote(b: Bill, live: boolean): string | null {
  const m = b.metadata ?? {};
  const text = (key: string) => (typeof m[key] === 'string' ? (m[key] as string) : null);
  if (b.status === 'FAILED') return text('failure_reason');
  if (b.status !== 'PENDING') return null;
  if (text('last_error')) return text('last_error');
  if (live) return m.user_signature ? 'Signature sent: being paid on Hyperliquid.' : 'Awaiting your signature.';
  return null;
}

/** Why a payment or retry did not go through, for the reader. */
function refusal(e: Error): string {
  if (e instanceof WalletRefused) return e.message;
  if (e instanceof ApiError) return `The payment was refused (${e.messages.join('; ') || `HTTP ${e.status}`}).`;
  return `The payment did not go through: ${e.message}.`;
}

/**
 * One bill: a live one awaiting the wallet's signature has "Sign and pay" (the wallet's own prompt confirms it); a
 * FAILED one has "Retry", after a confirmation since it moves money (a live one comes back with a fresh usdSend to sign).
 */
function BillRow({ bill: b }: { bill: Bill }) {
  const { pay, retry } = useBillActions();
  const send = usdSendOf(b.metadata);
  const awaiting = b.status === 'PENDING' && !!send && !b.metadata?.user_signature;
  const note = billNote(b, !!send);
  const busy = pay.isPending || retry.isPending;
  const error = pay.error ?? retry.error;
  const amount = formatUsd(b.amount);
  return (
    <tr data-bill={b.id}>
      <td>{formatTime(new Date(b.occurred_at))}</td>
      <td>{b.kind === 'PROFIT_SHARE' ? 'Profit share' : 'Subscription'}</td>
      <td className="num">{amount}</td>
      <td>
        <span className={`status status-${b.status.toLowerCase()}`}>{b.status}</span>
        {note && <span className="bill-note">{note}</span>}
      </td>
      <td>
        {awaiting && (
          <button type="button" disabled={busy} onClick={() => pay.mutate(b)}>
            {pay.isPending ? 'Signing…' : 'Sign and pay'}
          </button>
        )}
        {b.status === 'FAILED' && (
          <ConfirmButton
            label={retry.isPending ? 'Retrying…' : 'Retry'}
            title={`Retry this ${amount} bill?`}
            confirmLabel={send ? 'Prepare a new transfer' : 'Retry payment'}
            disabled={busy}
            onConfirm={() => retry.mutate(b)}
          >
            {send
              ? `A new transfer of ${amount} is prepared; sign it with "Sign and pay" to pay it from your Hyperliquid account.`
              : `${amount} is collected again from your paper balance.`}
          </ConfirmButton>
        )}
        {error && !busy && (
          <p role="alert" className="bill-error">
            {refusal(error)}
          </p>
        )}
      </td>
    </tr>
  );
}
