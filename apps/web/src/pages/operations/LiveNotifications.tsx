import { useOperatorStream, type StreamNotification } from '../../api/operator-stream';
import { formatTime } from '../../format/time';

/** A notification's payload as `key value` pairs: its scalar fields as the API wrote them (amounts stay strings). */
export function payloadFacts(payload: StreamNotification['payload']): [string, string][] {
  return Object.entries(payload)
    .filter(([, v]) => ['string', 'number', 'boolean'].includes(typeof v))
    .map(([k, v]) => [k.replace(/_/g, ' '), String(v)]);
}

/**
 * The notifications written for the signed-in operator, as they are written (the operator's stream); each one also
 * refreshes the page's figures. Which events reach an operator is their notification settings
 * (PUT /api/v3/operators/me/notifications/settings).
 */
export function LiveNotifications() {
  const { live, notifications } = useOperatorStream(true);
  return (
    <section aria-labelledby="live-heading">
      <h2 id="live-heading">Live notifications</h2>
      <p className="muted" role="status">
        {live ? 'Listening: the notifications you subscribed to appear here as they are written.' : 'Connecting to the live stream…'}
      </p>
      <ol className="live-notifications" aria-live="polite">
        {notifications.map((n) => (
          <li key={n.id}>
            <time dateTime={n.created_at}>{formatTime(new Date(n.created_at))}</time> <strong>{n.event_type}</strong>
            {payloadFacts(n.payload).map(([k, v]) => (
              <span key={k} className="fact">
                {' '}
                · {k} {v}
              </span>
            ))}
          </li>
        ))}
      </ol>
    </section>
  );
}
