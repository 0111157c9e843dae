import { useId, useState, type FormEvent } from 'react';
import type { AgentView, RoutingConfig } from '../../api/agent';
import { useCreatorActions } from '../../api/agent-actions';
import { ApiError } from '../../api/client';
import { PolicyForm } from '../subscriber/PolicyEditor';
import { messagesByField, POLICY_FIELDS, shownPolicy, type FieldErrors } from '../subscriber/policy-form';
import { ROUTING_FIELDS, STRATEGIES, venueList, type RoutingField, type RoutingStrategy } from './agent-forms';

/**
 * The agent's own limits (Agent How combines them with each subscriber's policy, the stricter wins): a form for its
 * creator (PUT /agents/:id/policy), a list for anyone else.
 */
export function AgentPolicy({ agent, editable }: { agent: AgentView; editable: boolean }) {
  const { savePolicy } = useCreatorActions(agent.id);
  if (editable) return <PolicyForm label="Agent policy" current={agent.policy} save={(p) => savePolicy.mutateAsync(p)} />;
  const set = POLICY_FIELDS.filter((f) => shownPolicy(agent.policy, f.name) !== '');
  if (!set.length) return <p className="empty">No limits of its own: each subscriber’s policy applies as it is.</p>;
  return (
    <dl className="agent-policy" aria-label="Agent policy">
      {set.map((f) => (
        <div key={f.name}>
          <dt>{f.label}</dt>
          <dd>{shownPolicy(agent.policy, f.name)}</dd>
        </div>
      ))}
    </dl>
  );
}

/** The creator's routing config form (PUT /agents/:id/routing-config): venue order, strategy, failover; errors at the field. */
export function RoutingConfigForm({ agentId, config }: { agentId: string; config: RoutingConfig | null }) {
  const id = useId();
  const { saveRouting } = useCreatorActions(agentId);
  const [venues, setVenues] = useState(config?.venue_priority.join(', ') ?? '');
  const [strategy, setStrategy] = useState<RoutingStrategy>(
    config && config.routing_strategy in STRATEGIES ? (config.routing_strategy as RoutingStrategy) : 'FIRST_AVAILABLE',
  );
  const [failover, setFailover] = useState(config?.failover_enabled ?? true);
  const [errors, setErrors] = useState<FieldErrors<RoutingField>>({});
  const [general, setGeneral] = useState<string[]>([]);
  const [saved, setSaved] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setSaved(false);
    setErrors({});
    setGeneral([]);
    try {
      await saveRouting.mutateAsync({ venue_priority: venueList(venues), routing_strategy: strategy, failover_enabled: failover });
      setSaved(true);
    } catch (err) {
      const messages = err instanceof ApiError ? err.messages : [(err as Error).message];
      const { byField, rest } = messagesByField(messages, ROUTING_FIELDS);
      setErrors(byField);
      setGeneral(rest.length || Object.keys(byField).length ? rest : [(err as Error).message]);
    }
  }

  const field = (name: RoutingField) => {
    const error = errors[name];
    return {
      id: `${id}-${name}`,
      'aria-invalid': error ? true : undefined,
      'aria-describedby': `${id}-${name}-hint${error ? ` ${id}-${name}-error` : ''}`,
      error: error && (
        <p className="field-error" id={`${id}-${name}-error`}>
          {error.join('; ')}
        </p>
      ),
    };
  };
  const { error: venuesError, ...venuesProps } = field('venue_priority');
  const { error: strategyError, ...strategyProps } = field('routing_strategy');
  const { error: failoverError, ...failoverProps } = field('failover_enabled');
  return (
    <form className="policy routing-form" onSubmit={(e) => void submit(e)} noValidate aria-label="Routing config">
      <div className="field">
        <label htmlFor={venuesProps.id}>Venue priority</label>
        <input {...venuesProps} name="venue_priority" value={venues} onChange={(e) => setVenues(e.target.value)} />
        <small id={`${venuesProps.id}-hint`}>venues in the order tried, comma separated, e.g. HYPERLIQUID, OSTIUM</small>
        {venuesError}
      </div>
      <div className="field">
        <label htmlFor={strategyProps.id}>Strategy</label>
        <select
          {...strategyProps}
          name="routing_strategy"
          value={strategy}
          onChange={(e) => setStrategy(e.target.value as RoutingStrategy)}
        >
          {Object.entries(STRATEGIES).map(([value, name]) => (
            <option key={value} value={value}>
              {name}
            </option>
          ))}
        </select>
        <small id={`${strategyProps.id}-hint`}>how a venue is chosen among those available</small>
        {strategyError}
      </div>
      <div className="field">
        <label>
          <input
            {...failoverProps}
            type="checkbox"
            name="failover_enabled"
            checked={failover}
            onChange={(e) => setFailover(e.target.checked)}
          />{' '}
          Failover
        </label>
        <small id={`${failoverProps.id}-hint`}>when the chosen venue refuses an order, try the next one</small>
        {failoverError}
      </div>
      {general.length > 0 && (
        <p role="alert" className="error">
          {general.join('; ')}
        </p>
      )}
      <div className="actions">
        <button type="submit" disabled={saveRouting.isPending}>
          Save routing config
        </button>
        <span role="status">{saved ? 'Routing config saved.' : ''}</span>
      </div>
    </form>
  );
}
