import type { PolicyInput, PolicyView } from '../../api/subscriber';

/** The policy fields the forms offer; the rest of a policy (kill switch, cooldown, venues…) is kept as it is. */
export const POLICY_FIELDS = [
  { name: 'max_leverage', label: 'Max leverage', hint: 'whole number, 1–100', kind: 'integer' },
  { name: 'max_position_pct', label: 'Max position (% of equity)', hint: 'above 0, at most 100', kind: 'decimal' },
  { name: 'max_open_positions', label: 'Max open positions', hint: 'whole number', kind: 'integer' },
  { name: 'max_daily_loss_usd', label: 'Max daily loss (USD)', hint: 'halts new entries until 00:00 UTC', kind: 'decimal' },
  { name: 'min_confidence', label: 'Min confidence', hint: 'from 0 to 1', kind: 'ratio' },
  { name: 'denied_tokens', label: 'Denied tokens', hint: 'comma separated, e.g. DOGE, PEPE', kind: 'tokens' },
] as const;
export type PolicyField = (typeof POLICY_FIELDS)[number]['name'];
export type FieldErrors<F extends string> = Partial<Record<F, string[]>>;

/** A policy field as a form shows it: a list comma separated, a number or decimal string as it is, '' when unset. */
export const shownPolicy = (policy: PolicyView | null | undefined, field: PolicyField): string => {
  const value = policy?.[field];
  return value === undefined ? '' : Array.isArray(value) ? value.join(', ') : String(value);
};

/**
 * The policy to send from the form's values: `current` with the offered fields replaced (an empty field drops its
 * limit). Money and percentages go as the decimal string typed (never through a float); counts and ratios as numbers.
 * A value that is not a number is refused here, at its field, before any request.
 */
export function policyFromValues(
  values: Record<PolicyField, string>,
  current: PolicyView | null | undefined,
): { policy: PolicyInput; errors: FieldErrors<PolicyField> } {
  const errors: FieldErrors<PolicyField> = {};
  const policy: PolicyInput = { ...((current ?? {}) as PolicyInput) };
  for (const f of POLICY_FIELDS) {
    const raw = values[f.name].trim();
    delete policy[f.name];
    if (raw === '') continue;
    if (f.kind === 'tokens') policy.denied_tokens = raw.split(/[\s,]+/).filter(Boolean);
    else if (!/^-?\d+(\.\d+)?$/.test(raw)) errors[f.name] = [`${f.name} must be a number`];
    else if (f.kind === 'decimal') policy[f.name] = raw;
    else policy[f.name] = Number(raw);
  }
  return { policy, errors };
}

/**
 * The API's 400 messages by the field each names (they start with it: `max_leverage must be …`, or
 * `policy.max_leverage …` for a policy inside another body); the others, and any message when none names a field, in `rest`.
 */
export function messagesByField<F extends string>(messages: string[], fields: readonly F[]): { byField: FieldErrors<F>; rest: string[] } {
  const byField: FieldErrors<F> = {};
  const rest: string[] = [];
  for (const m of messages) {
    const name = /^(?:policy\.)?([a-z_]+)/.exec(m)?.[1];
    if (name && (fields as readonly string[]).includes(name)) (byField[name as F] ??= []).push(m);
    else rest.push(m);
  }
  return { byField, rest };
}
