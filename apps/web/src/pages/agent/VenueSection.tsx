import type { RoutingConfig, RoutingHistoryResponse } from '../../api/agent';
import { formatPercent, NO_VALUE } from '../../format/decimal';
import { STRATEGIES } from './agent-forms';
import { RoutingConfigForm } from './CreatorForms';

const STRATEGY: Record<string, string> = STRATEGIES;

/**
 * Where the agent's signals were routed (Agent Where's history, by venue) and its routing config: read-only, or a form
 * for the agent's creator (`editable`).
 */
export function VenueSection({
  agentId,
  history,
  config,
  editable,
}: {
  agentId: string;
  history: RoutingHistoryResponse;
  config: RoutingConfig | null;
  editable: boolean;
}) {
  return (
    <div className="venue-section">
      <div className="table-scroll" role="region" aria-labelledby="venues-caption" tabIndex={0}>
        <table className="venues">
          <caption id="venues-caption">Signals routed per venue</caption>
          <thead>
            <tr>
              <th scope="col">Venue</th>
              <th scope="col">Signals</th>
              <th scope="col">Share</th>
              <th scope="col">Average routing time</th>
            </tr>
          </thead>
          <tbody>
            {history.summary.map((v) => (
              <tr key={v.venue}>
                <th scope="row">{v.venue}</th>
                <td className="num">{v.trades}</td>
                <td className="num">{formatPercent(v.pct)}</td>
                <td className="num">{v.avg_ms === null ? NO_VALUE : `${v.avg_ms} ms`}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {!history.summary.length && <p className="empty">No signal routed yet.</p>}
      </div>
      {editable ? (
        <RoutingConfigForm agentId={agentId} config={config} />
      ) : (
        config && (
          <dl className="routing-config" aria-label="Routing config">
            <dt>Venue priority</dt>
            <dd>{config.venue_priority.join(' → ')}</dd>
            <dt>Strategy</dt>
            <dd>{STRATEGY[config.routing_strategy] ?? config.routing_strategy}</dd>
            <dt>Failover</dt>
            <dd>{config.failover_enabled ? 'On' : 'Off'}</dd>
            <dt>Source</dt>
            <dd>{config.source === 'agent' ? 'Set by the agent’s creator' : 'The global default'}</dd>
          </dl>
        )
      )}
    </div>
  );
}
