import { Link } from 'react-router';
import type { AgentDecision } from '../../api/agent';
import { formatPrice, formatUsd } from '../../format/decimal';
import { formatTime } from '../../format/time';

const ACTION: Record<AgentDecision['action'], string> = {
  OPEN_LONG: 'Open long',
  OPEN_SHORT: 'Open short',
  CLOSE_POSITION: 'Close',
  HOLD: 'Hold',
};
const STATUS: Record<AgentDecision['status'], string> = { success: '', failed: 'failed', parsing_error: 'unparsable answer' };

/** Agent What's decisions, newest first: each a <details>, collapsed, whose summary says what it decided and when. */
export function DecisionLog({ decisions }: { decisions: AgentDecision[] }) {
  if (!decisions.length) return <p className="empty">No decision yet.</p>;
  return (
    <ol className="decision-log">
      {decisions.map((d) => (
        <li key={d.id}>
          <details data-decision-id={d.id}>
            <summary>
              <span className="decision-when">{formatTime(new Date(d.timestamp))}</span> <strong>{ACTION[d.action]}</strong> {d.coin}
              {d.status !== 'success' && <span className="decision-error"> ({STATUS[d.status]})</span>}
            </summary>
            <dl className="decision-facts">
              <dt>Evidence</dt>
              <dd>{d.reasoning}</dd>
              {d.action !== 'HOLD' && (
                <>
                  <dt>Size</dt>
                  <dd>
                    {formatUsd(d.size_usd)} at {d.leverage}×, stop loss {formatPrice(d.stop_loss_price)}, take profit{' '}
                    {formatPrice(d.take_profit_price)}
                  </dd>
                </>
              )}
              <dt>Confidence</dt>
              <dd>{d.confidence}</dd>
              {d.model && (
                <>
                  <dt>Model</dt>
                  <dd>{d.model}</dd>
                </>
              )}
              {d.error_message && (
                <>
                  <dt>Error</dt>
                  <dd className="error">{d.error_message}</dd>
                </>
              )}
              {d.signal_id && (
                <>
                  <dt>Signal</dt>
                  <dd>
                    <Link to={`/signals/${d.signal_id}`}>Its journey through the layers</Link>
                  </dd>
                </>
              )}
            </dl>
            {d.prompt_content && (
              <>
                <h3>Prompt</h3>
                <pre className="llm-text">{d.prompt_content}</pre>
              </>
            )}
            {d.llm_response && (
              <>
                <h3>Answer</h3>
                <pre className="llm-text">{d.llm_response}</pre>
              </>
            )}
          </details>
        </li>
      ))}
    </ol>
  );
}
