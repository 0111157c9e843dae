/** What the policy layer knows of a deployment when a signal arrives. */
export interface DeploymentGateInput {
  status: string | null;
  subActive: boolean | null;
  trialEndsAt: Date | null;
}

export type GateDecision = { trade: true } | { trade: false; reason: string };

/**
 * Agent How, pass-through stage: a deployment trades when it is ACTIVE and its subscription is active
 * or its trial still runs. Every "no" carries the reason that is recorded for it.
 */
export function deploymentGate(d: DeploymentGateInput, now: Date): GateDecision {
  const status = d.status ?? 'ACTIVE';
  if (status !== 'ACTIVE') return { trade: false, reason: `deployment is ${status}` };
  if (d.subActive !== false) return { trade: true };
  if (d.trialEndsAt && d.trialEndsAt.getTime() > now.getTime()) return { trade: true };
  return { trade: false, reason: 'subscription inactive and no trial running' };
}

/** Signals of a PAUSED or STOPPED agent are recorded as skipped; DRAFT and ACTIVE agents trade. */
export function agentAcceptsSignals(status: string | null): GateDecision {
  if (status === 'PAUSED' || status === 'STOPPED') return { trade: false, reason: `agent is ${status}` };
  return { trade: true };
}
