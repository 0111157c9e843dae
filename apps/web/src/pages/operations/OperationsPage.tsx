import { Link } from 'react-router';
import { ApiError } from '../../api/client';
import {
  useQueueDepths,
  useServiceState,
  useVenueStatus,
  type QueueDepth,
  type ServiceState,
  type VenueStatus,
} from '../../api/operations';
import { formatTime } from '../../format/time';
import { LiveNotifications } from './LiveNotifications';
import { OperatorGate } from './OperatorGate';

const when = (at: string | null) => (at ? formatTime(new Date(at)) : '—');
const problem = (e: Error) => (e instanceof ApiError ? e.message : 'the API did not answer');

/**
 * Operators: each service's last cycle (bot_state), each venue's health, each queue's depth, with the way to Bull Board
 * and the audit.
 */
export function OperationsPage() {
  return (
    <OperatorGate title="Operations">
      <h1>Operations</h1>
      <p>
        <Link to="/operations/audit">Search the audit trail</Link> · <Link to="/reports">Reports</Link>
      </p>
      <ServicesSection />
      <VenuesSection />
      <QueuesSection />
      <LiveNotifications />
    </OperatorGate>
  );
}

function ServicesSection() {
  const state = useServiceState();
  return (
    <section aria-labelledby="services-heading">
      <h2 id="services-heading">Services</h2>
      {state.isError ? (
        <p role="alert" className="error">
          The services state could not be loaded: {problem(state.error)}.
        </p>
      ) : state.isPending ? (
        <p role="status">Loading the services state…</p>
      ) : state.data.state.length === 0 ? (
        <p>No service has recorded a state yet.</p>
      ) : (
        <div className="table-scroll" role="region" aria-label="Services" tabIndex={0}>
          <table className="services">
            <thead>
              <tr>
                <th scope="col">Service</th>
                <th scope="col">Status</th>
                <th scope="col">Started</th>
                <th scope="col" className="num">
                  Cycles
                </th>
                <th scope="col">Last cycle</th>
                <th scope="col">Last error</th>
              </tr>
            </thead>
            <tbody>
              {state.data.state.map((s) => (
                <ServiceRow key={s.key} s={s} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function ServiceRow({ s }: { s: ServiceState }) {
  const failing = s.value.last_error !== null;
  return (
    <tr>
      <th scope="row">{s.key}</th>
      <td>
        <span className={failing ? 'svc-status svc-bad' : 'svc-status svc-ok'}>{failing ? 'Error' : 'OK'}</span>
      </td>
      <td>{when(s.value.service_start_time)}</td>
      <td className="num">{s.value.cycle_count}</td>
      <td>{when(s.value.last_cycle_time)}</td>
      <td className="last-error">{s.value.last_error ?? '—'}</td>
    </tr>
  );
}

function VenuesSection() {
  const venues = useVenueStatus();
  return (
    <section aria-labelledby="venues-heading">
      <h2 id="venues-heading">Venues</h2>
      {venues.isError ? (
        <p role="alert" className="error">
          The venues' status could not be loaded: {problem(venues.error)}.
        </p>
      ) : venues.isPending ? (
        <p role="status">Loading the venues' status…</p>
      ) : venues.data.venues.length === 0 ? (
        <p>No venue has been checked yet (the executor's venue sync checks the live venues).</p>
      ) : (
        <div className="table-scroll" role="region" aria-label="Venues" tabIndex={0}>
          <table className="venues">
            <thead>
              <tr>
                <th scope="col">Venue</th>
                <th scope="col">Status</th>
                <th scope="col">Since</th>
                <th scope="col">Last check</th>
                <th scope="col" className="num">
                  Latency
                </th>
                <th scope="col">Last error</th>
              </tr>
            </thead>
            <tbody>
              {venues.data.venues.map((v) => (
                <VenueRow key={v.venue} v={v} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function VenueRow({ v }: { v: VenueStatus }) {
  const up = v.status === 'UP' && v.is_available;
  return (
    <tr data-venue={v.venue}>
      <th scope="row">{v.venue}</th>
      <td>
        <span className={up ? 'svc-status svc-ok' : 'svc-status svc-bad'}>{up ? 'Up' : v.status === 'UP' ? 'Unavailable' : 'Down'}</span>
      </td>
      <td>{v.status_since ? formatTime(new Date(v.status_since)) : 'not recorded'}</td>
      <td>{formatTime(new Date(v.last_checked))}</td>
      <td className="num">{v.latency_ms === null ? '—' : `${v.latency_ms} ms`}</td>
      <td className="last-error">{v.last_error ?? '—'}</td>
    </tr>
  );
}

const COUNTS = ['waiting', 'active', 'delayed', 'failed', 'paused'] as const satisfies readonly (keyof QueueDepth)[];

function QueuesSection() {
  const queues = useQueueDepths();
  return (
    <section aria-labelledby="queues-heading">
      <h2 id="queues-heading">Queues</h2>
      <p>
        {/* Bull Board is the gateway's own page (not this app's): a full navigation, same session cookie. */}
        <a href="/admin/queues">Open Bull Board</a> to inspect, retry or clean jobs.
      </p>
      {queues.isError ? (
        <p role="alert" className="error">
          The queue depths could not be loaded: {problem(queues.error)}.
        </p>
      ) : queues.isPending ? (
        <p role="status">Loading the queue depths…</p>
      ) : (
        <div className="table-scroll" role="region" aria-label="Queue depths" tabIndex={0}>
          <table className="queues">
            <thead>
              <tr>
                <th scope="col">Queue</th>
                {COUNTS.map((c) => (
                  <th scope="col" className="num" key={c}>
                    {c[0].toUpperCase() + c.slice(1)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {queues.data.queues.map((q) => (
                <tr key={q.name}>
                  <th scope="row">{q.name}</th>
                  {COUNTS.map((c) => (
                    <td className={c === 'failed' && q.failed > 0 ? 'num loss' : 'num'} key={c}>
                      {q[c]}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
