import { useId, useState, type FormEvent } from 'react';
import { ApiError } from '../../api/client';
import { useMyActions, usePolicy, type PolicyInput, type PolicyView } from '../../api/subscriber';
import { messagesByField, POLICY_FIELDS, policyFromValues, shownPolicy, type FieldErrors, type PolicyField } from './policy-form';

const FIELD_NAMES = POLICY_FIELDS.map((f) => f.name);

/**
 * The subscriber's policy of a deployment (GET|PUT /deployments/:id/policy): a form whose fields show the API's 400
 * messages next to the field each names; the effective policy (the stricter of the agent's and the subscriber's) below.
 */
export function PolicyEditor({ deploymentId, disabled }: { deploymentId: string; disabled?: boolean }) {
  const policy = usePolicy(deploymentId);
  const { savePolicy } = useMyActions();
  if (policy.isPending) return <p>Loading the policy…</p>;
  if (policy.isError) return <p role="alert">Could not load the policy: {policy.error.message}</p>;
  return (
    <PolicyForm
      current={policy.data.subscriber_policy}
      effective={policy.data.effective_policy}
      disabled={disabled}
      save={(p) => savePolicy.mutateAsync({ id: deploymentId, policy: p })}
    />
  );
}

/**
 * A policy's offered fields as a form (a deployment's, or an agent's own limits on its page): `save` sends the policy;
 * a 400's messages show under the field each names (`aria-invalid`, `aria-describedby`), the others above the button.
 */
export function PolicyForm(props: {
  current: PolicyView | null;
  effective?: PolicyView;
  disabled?: boolean;
  label?: string;
  save(policy: PolicyInput): Promise<unknown>;
}) {
  const id = useId();
  const [values, setValues] = useState<Record<PolicyField, string>>(
    () => Object.fromEntries(POLICY_FIELDS.map((f) => [f.name, shownPolicy(props.current, f.name)])) as Record<PolicyField, string>,
  );
  const [errors, setErrors] = useState<FieldErrors<PolicyField>>({});
  const [general, setGeneral] = useState<string[]>([]);
  const [saved, setSaved] = useState(false);
  const [pending, setPending] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setSaved(false);
    const { policy, errors: local } = policyFromValues(values, props.current);
    setErrors(local);
    setGeneral([]);
    if (Object.keys(local).length) return;
    setPending(true);
    try {
      await props.save(policy);
      setSaved(true);
    } catch (err) {
      const messages = err instanceof ApiError ? err.messages : [(err as Error).message];
      const { byField, rest } = messagesByField(messages, FIELD_NAMES);
      setErrors(byField);
      setGeneral(rest.length || Object.keys(byField).length ? rest : [(err as Error).message]);
    } finally {
      setPending(false);
    }
  }

  return (
    <form className="policy" onSubmit={(e) => void submit(e)} noValidate aria-label={props.label ?? 'Policy'}>
      {POLICY_FIELDS.map((f) => {
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
              {f.hint}
              {props.effective && `; in effect: ${shownPolicy(props.effective, f.name) || 'no limit'}`}
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
        <button type="submit" disabled={props.disabled || pending}>
          Save policy
        </button>
        <span role="status">{saved ? 'Policy saved.' : ''}</span>
      </div>
    </form>
  );
}
