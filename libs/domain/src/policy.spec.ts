import { agentAcceptsSignals, deploymentGate, DeploymentGateInput } from './policy';

const NOW = new Date('2025-01-15T12:00:00Z');
const HOUR = 60 * 60 * 1000;
const gate = (over: Partial<DeploymentGateInput>) => deploymentGate({ status: 'ACTIVE', subActive: true, trialEndsAt: null, ...over }, NOW);

describe('deploymentGate', () => {
  it('trades for an ACTIVE deployment with an active subscription', () => {
    expect(gate({})).toEqual({ trade: true });
  });

  it('treats a missing status as ACTIVE', () => {
    expect(gate({ status: null })).toEqual({ trade: true });
  });

  it.each(['PAUSED', 'STOPPED', 'DRAFT'])('does not trade a %s deployment, whatever its subscription', (status) => {
    expect(gate({ status })).toEqual({ trade: false, reason: `deployment is ${status}` });
    expect(gate({ status, subActive: false, trialEndsAt: new Date(NOW.getTime() + HOUR) })).toEqual({
      trade: false,
      reason: `deployment is ${status}`,
    });
  });

  it('trades when the subscription state is unknown (null)', () => {
    expect(gate({ subActive: null })).toEqual({ trade: true });
  });

  it('trades on an inactive subscription while the trial runs', () => {
    expect(gate({ subActive: false, trialEndsAt: new Date(NOW.getTime() + 1) })).toEqual({ trade: true });
  });

  it('does not trade on an inactive subscription once the trial has ended', () => {
    const noTrial = { trade: false, reason: 'subscription inactive and no trial running' };
    expect(gate({ subActive: false, trialEndsAt: new Date(NOW.getTime() - HOUR) })).toEqual(noTrial);
    expect(gate({ subActive: false, trialEndsAt: new Date(NOW.getTime()) })).toEqual(noTrial);
  });

  it('does not trade on an inactive subscription without a trial', () => {
    expect(gate({ subActive: false, trialEndsAt: null })).toEqual({ trade: false, reason: 'subscription inactive and no trial running' });
  });
});

describe('agentAcceptsSignals', () => {
  it.each(['PAUSED', 'STOPPED'])('records signals of a %s agent as skipped', (status) => {
    expect(agentAcceptsSignals(status)).toEqual({ trade: false, reason: `agent is ${status}` });
  });

  it.each(['DRAFT', 'ACTIVE', null])('accepts signals of a %p agent', (status) => {
    expect(agentAcceptsSignals(status)).toEqual({ trade: true });
  });
});
