import type { ReactNode } from 'react';
import { Link, useParams } from 'react-router';
import { useJourney, type Journey } from '../../api/agent';
import { formatPrice, formatQuantity, formatUsd, NO_VALUE } from '../../format/decimal';
import { formatTime } from '../../format/time';

const PRIVATE = 'Per deployment, this layer is its subscriber’s and the agent creator’s to read: nothing here is yours.';
const when = (iso: string | null) => (iso ? formatTime(new Date(iso)) : NO_VALUE);

interface Layer {
  key: 'what' | 'how' | 'where' | 'executor' | 'billing';
  title: string;
  at: string | null;
  body: ReactNode;
}

function Facts({ items }: { items: [string, ReactNode][] }) {
  return (
    <dl className="journey-facts">
      {items.map(([k, v]) => (
        <div key={k}>
          <dt>{k}</dt>
          <dd>{v}</dd>
        </div>
      ))}
    </dl>
  );
}

function layers(j: Journey): Layer[] {
  const { signal: s, what, how, where, executor, billing } = j;
  return [
    {
      key: 'what',
      title: 'Agent What: the signal',
      at: what.at,
      body: (
        <>
          <Facts
            items={[
              ['Signal', `${s.side === 'LONG' ? 'Long' : 'Short'} ${s.token_symbol}`],
              ['Confidence', what.confidence === null ? NO_VALUE : String(what.confidence)],
              ['Sources', `${what.source_tweets.length} posts, ${what.source_research.length} research notes`],
              ...(what.lunarcrush_reasoning ? [['Market context', what.lunarcrush_reasoning] as [string, string]] : []),
            ]}
          />
          {what.decisions.map((d) => (
            <p key={d.id} className="journey-evidence">
              <strong>{d.action}</strong> {d.coin} ({d.confidence}): {d.reasoning}
            </p>
          ))}
        </>
      ),
    },
    {
      key: 'how',
      title: 'Agent How: each deployment’s decision',
      at: how.at,
      body:
        how.decisions.length || how.totals.length ? (
          <>
            <ul className="journey-list">
              {how.totals.map((t) => (
                <li key={`${t.decision}-${t.code}`}>
                  {t.deployments} {t.deployments === 1 ? 'deployment' : 'deployments'}: {t.decision.toLowerCase()}
                  {t.code && t.code !== t.decision ? ` (${t.code})` : ''}
                </li>
              ))}
            </ul>
            <ul className="journey-list">
              {how.decisions.map((d) => (
                <li key={d.deployment_id}>
                  Deployment <code>{d.deployment_id.slice(0, 8)}</code>: <strong>{d.decision}</strong> {d.reason}
                  {d.venues?.length ? ` on ${d.venues.join(', ')}` : ''}
                </li>
              ))}
            </ul>
          </>
        ) : (
          <p className="meta">{PRIVATE}</p>
        ),
    },
    {
      key: 'where',
      title: 'Agent Where: the venue',
      at: where?.at ?? null,
      body: where ? (
        <Facts
          items={[
            ['Selected', where.selected_venue],
            ['Reason', where.routing_reason],
            ['Checked', where.availability.map((v) => `${v.venue} ${v.available ? 'available' : 'unavailable'}`).join(', ') || NO_VALUE],
            ['Duration', where.routing_duration_ms === null ? NO_VALUE : `${where.routing_duration_ms} ms`],
          ]}
        />
      ) : (
        <p className="meta">{s.skipped_reason ? `Not routed: ${s.skipped_reason}` : 'Not routed yet.'}</p>
      ),
    },
    {
      key: 'executor',
      title: 'Executor: orders and fills',
      at: executor.at,
      body: (
        <>
          {executor.outcome_totals.length > 0 && (
            <p>{executor.outcome_totals.map((t) => `${t.deployments} ${t.outcome.toLowerCase()}`).join(', ')}</p>
          )}
          {executor.orders.length ? (
            <ul className="journey-list">
              {executor.orders.map((o) => (
                <li key={o.id}>
                  {o.side === 'BUY' ? 'Buy' : 'Sell'}
                  {o.reduce_only ? ' (close)' : ''} {formatQuantity(o.qty)} on {o.venue}: {o.status.toLowerCase()}
                  {o.avg_fill_price && ` at ${formatPrice(o.avg_fill_price)}`}
                  {o.fee && `, fee ${formatUsd(o.fee)}`}
                  {o.error && <span className="error"> {o.error}</span>}
                </li>
              ))}
            </ul>
          ) : (
            <p className="meta">{PRIVATE}</p>
          )}
          {executor.failovers.map((f) => (
            <p key={`${f.deployment_id}-${f.at}`}>
              Failover {f.from_venue} → {f.to_venue} ({when(f.at)}): {f.reason}
            </p>
          ))}
        </>
      ),
    },
    {
      key: 'billing',
      title: 'Billing',
      at: billing.at,
      body:
        billing.bills.length || billing.totals.length ? (
          <ul className="journey-list">
            {(billing.bills.length ? billing.bills : billing.totals).map((b) => (
              <li key={'id' in b ? b.id : `${b.kind}-${b.status}`}>
                {b.kind === 'PROFIT_SHARE' ? 'Profit share' : 'Subscription'} {formatUsd(b.amount)}: {b.status.toLowerCase()}
              </li>
            ))}
          </ul>
        ) : (
          <p className="meta">No bill you may read.</p>
        ),
    },
  ];
}

/** The layers by time; a layer without a time (none readable yet) keeps its place after the timed ones. */
const byTime = (list: Layer[]) => [...list.filter((l) => l.at).sort((a, b) => a.at!.localeCompare(b.at!)), ...list.filter((l) => !l.at)];

/** /signals/:id: one signal through the five layers as a vertical timeline. */
export function SignalJourneyPage() {
  const { id = '' } = useParams();
  const journey = useJourney(id);
  if (journey.isPending) return <p aria-live="polite">Loading the signal…</p>;
  if (journey.error)
    return (
      <>
        <h1>Signal not found</h1>
        <p className="error" role="alert">
          {journey.error.message}
        </p>
      </>
    );
  const j = journey.data;
  return (
    <article className="journey-page">
      <h1>
        {j.signal.side === 'LONG' ? 'Long' : 'Short'} {j.signal.token_symbol}: {j.signal.status.toLowerCase()}
      </h1>
      <p className="meta">
        A signal of <Link to={`/agents/${j.signal.agent_id}`}>{j.signal.agent_name}</Link>, {when(j.signal.created_at)}
      </p>
      <ol className="timeline">
        {byTime(layers(j)).map((l) => (
          <li key={l.key} className={`timeline-${l.key}`} data-layer={l.key}>
            <h2>{l.title}</h2>
            <p className="timeline-when">{when(l.at)}</p>
            {l.body}
          </li>
        ))}
      </ol>
      {j.audit && (
        <details className="journey-audit">
          <summary>Audit trail ({j.audit.length} entries)</summary>
          <ol>
            {j.audit.map((a, i) => (
              <li key={i}>
                {when(a.occurred_at)} <code>{a.action}</code> {a.entity_type ?? ''} {a.actor ? `by ${a.actor}` : ''}
              </li>
            ))}
          </ol>
        </details>
      )}
    </article>
  );
}
