import { useId, useState, type FormEvent } from 'react';
import { ApiError } from '../../api/client';
import { useMyActions, usePolicy, type PolicyInput, type PolicyView } from '../../api/subscriber';

/** The fields the editor offers; the rest of the subscriber's policy (kill switch, cooldown, venues…) is kept as it is. */
const FIELDS = [
  { name: 'max_leverage', label: 'Max leverage', hint: 'whole number, 1–100', kind: 'integer' },
  { name: 'max_position_pct', label: 'Max position (% of equity)', hint: 'above 0, at most 100', kind: 'decimal' },
  { name: 'max_open_positions', label: 'Max open positions', hint: 'whole number', kind: 'integer' },
  { name: 'max_daily_loss_usd', label: 'Max daily loss (USD)', hint: 'halts new entries until 00:00 UTC', kind: 'decimal' },
  { name: 'min_confidence', label: 'Min confidence', hint: 'from 0 to 1', kind: 'ratio' },
  { name: 'denied_tokens', label: 'Denied tokens', hint: 'comma separated, e.g. DOGE, PEPE', kind: 'tokens' },
] as const;
type Field = (typeof FIELDS)[number]['name'];

const shown = (policy: PolicyView | null | undefined, field: Field): string => {
  const value = policy?.[field];
  return value === undefined ? '' : Array.isArray(value) ? value.join(', ') : String(value);
};

/** Which field an API message names: its messages start with the field (`max_leverage must be …`). */
export function fieldOf(message: string): Field | null {
  const name = /^(?:policy\.)?([a-z_]+)/.exec(message)?.[1];
  return FIELDS.some((f) => f.name === name) ? (name as Field) : null;
}

/**
 * The subscriber's policy of a deployment (GET|PUT /deployments/:id/policy): a form whose fields show the API's 400
 * messages next to the field each names; the effective policy (the stricter of the agent's and the subscriber's) below.
 */
export function PolicyEditor({ deploymentId, disabled }: { deploymentId: string; disabled?: boolean }) {
  const policy = usePolicy(deploymentId);
  if (policy.isPending) return <p>Loading the policy…</p>;
  if (policy.isError) return <p role="alert">Could not load the policy: {policy.error.message}</p>;
  return (
    <PolicyForm
      deploymentId={deploymentId}
      current={policy.data.subscriber_policy}
      effective={policy.data.effective_policy}
      disabled={disabled}
    />
  );
}

function PolicyForm(props: { deploymentId: string; current: PolicyView | null; effective: PolicyView; disabled?: boolean }) {
  const id = useId();
  const { savePolicy } = useMyActions();
  const [values, setValues] = useState<Record<Field, string>>(
    () => Object.fromEntries(FIELDS.map((f) => [f.name, shown(props.current, f.name)])) as Record<Field, string>,
  );
  const [errors, setErrors] = useState<Partial<Record<Field, string[]>>>({});
  const [general, setGeneral] = useState<string[]>([]);
  const [saved, setSaved] = useState(false);

  function submit(e: FormEvent) {
    e.preventDefault();
    setSaved(false);
    const local: Partial<Record<Field, string[]>> = {};
    const policy: PolicyInput = { ...(props.current ?? {}) };
    for (const f of FIELDS) {
      const raw = values[f.name].trim();
      delete policy[f.name];
      if (raw === '') continue;
      if (f.kind === 'tokens') policy.denied_tokens = raw.split(/[\s,]+/).filter(Boolean);
      else if (!/^-?\d+(\.\d+)?$/.test(raw)) local[f.name] = [`${f.name} must be a number`];
      // Limits that are money or percentages go as the decimal string typed; counts and ratios are plain numbers.
      else if (f.kind === 'decimal') policy[f.name] = raw;
      else policy[f.name] = Number(raw);
    }
    setErrors(local);
    setGeneral([]);
    if (Object.keys(local).length) return;
    savePolicy.mutate(
      { id: props.deploymentId, policy },
      {
        onSuccess: () => setSaved(true),
        onError: (err) => {
          const messages = err instanceof ApiError ? err.messages : [err.message];
          const byField: Partial<Record<Field, string[]>> = {};
          const rest: string[] = [];
          for (const m of messages) {
            const field = fieldOf(m);
            if (field) (byField[field] ??= []).push(m);
            else rest.push(m);
          }
          setErrors(byField);
          setGeneral(rest.length || Object.keys(byField).length ? rest : [err.message]);
        },
      },
    );
  }

  return (
    <form className="policy" onSubmit={submit} noValidate aria-label="Policy">
      {FIELDS.map((f) => {
        const error = errors[f.name];
        const inputId = `${id}-${f.name}`;
        return (
          <div className="field" key={f.name}>
            <label htmlFor={inputId}>{f.label}</label>
            <input
              id={inputId}
              name={f.name}
              inputMode={f.kind === 'tokens' ? 'text' : 'decimal'}
              value={values[f.name]}
              disabled={props.disabled}
              aria-invalid={error ? true : undefined}
              aria-describedby={`${inputId}-hint${error ? ` ${inputId}-error` : ''}`}
              onChange={(e) => setValues((v) => ({ ...v, [f.name]: e.target.value }))}
            />
            <small id={`${inputId}-hint`}>
              {f.hint}; in effect: {shown(props.effective, f.name) || 'no limit'}
            </small>
            {error && (
              <p className="field-error" id={`${inputId}-error`}>
                {error.join('; ')}
              </p>
            )}
          </div>
        );
      })}
      {general.length > 0 && <p role="alert">{general.join('; ')}</p>}
      <div className="actions">
        <button type="submit" disabled={props.disabled || savePolicy.isPending}>
          Save policy
        </button>
        <span role="status">{saved ? 'Policy saved.' : ''}</span>
      </div>
    </form>
  );
}
