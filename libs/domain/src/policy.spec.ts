import {
  agentAcceptsSignals,
  deploymentGate,
  DeploymentGateInput,
  evaluatePolicy,
  policyErrors,
  PolicyState,
  stricterPolicy,
} from './policy';

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

describe('policies', () => {
  const ACTIVE = { status: 'ACTIVE', subActive: true, trialEndsAt: null };
  const STATE: PolicyState = { openPositions: 0, realizedTodayUsd: '0', recentClosedPnl: [], lastClosedAt: null };
  const SIGNAL = { token: 'ETH', confidence: 0.8, sizeModel: { type: 'percentage' as const, value: 25, leverage: 5 } };
  const decide = (policy: object, over: Partial<typeof STATE> = {}, signal: Partial<typeof SIGNAL> = {}) =>
    evaluatePolicy({ ...SIGNAL, ...signal }, ACTIVE, policy, { ...STATE, ...over }, NOW);

  it('trades the signal as sent under an empty policy', () => {
    expect(decide({})).toMatchObject({
      trade: true,
      code: 'TRADE',
      leverage: 5,
      venues: null,
      sizeModel: { type: 'percentage', value: '25', leverage: 5 },
    });
  });

  it('checks the subscription before anything else', () => {
    const d = evaluatePolicy(SIGNAL, { status: 'ACTIVE', subActive: false, trialEndsAt: null }, { kill_switch: true }, STATE, NOW);
    expect(d).toMatchObject({ trade: false, code: 'SUBSCRIPTION_INACTIVE' });
  });

  it.each([
    [{ kill_switch: true }, {}, 'KILL_SWITCH', 'kill switch is on: no new entries'],
    [{ denied_tokens: ['eth'] }, {}, 'TOKEN_DENIED', 'ETH is on the denied list'],
    [{ allowed_tokens: ['BTC', 'SOL'] }, {}, 'TOKEN_NOT_ALLOWED', 'ETH is not on the allowed list (BTC, SOL)'],
    [{ min_confidence: 0.9 }, {}, 'LOW_CONFIDENCE', 'confidence 0.8 below the minimum 0.9'],
    [{ max_open_positions: 2 }, { openPositions: 2 }, 'MAX_OPEN_POSITIONS', '2 open position(s), the maximum is 2'],
    [
      { max_daily_loss_usd: '100' },
      { realizedTodayUsd: '-100.00000001' },
      'DAILY_LOSS_LIMIT',
      'daily loss limit reached: -100.00 USD realized today, limit -100.00 USD; entries resume at 00:00 UTC',
    ],
  ])('skips under %j with its reason', (policy, state, code, reason) => {
    expect(decide(policy, state as object)).toEqual({ trade: false, code, reason });
  });

  it('lets a trade through just above the daily loss limit', () => {
    expect(decide({ max_daily_loss_usd: '100' }, { realizedTodayUsd: '-99.99' }).trade).toBe(true);
  });

  it('cools down after N consecutive losses, and only for the configured minutes', () => {
    const policy = { cooldown: { after_losses: 2, minutes: 30 } };
    const closed = new Date(NOW.getTime() - 10 * 60_000);
    expect(decide(policy, { recentClosedPnl: ['-1', '-2', '5'], lastClosedAt: closed })).toEqual({
      trade: false,
      code: 'COOLDOWN',
      reason: 'cooldown after 2 consecutive losses until 2025-01-15T12:20:00.000Z',
    });
    expect(decide(policy, { recentClosedPnl: ['-1', '4', '-2'], lastClosedAt: closed }).trade).toBe(true);
    expect(decide(policy, { recentClosedPnl: ['-1', '-2'], lastClosedAt: new Date(NOW.getTime() - 31 * 60_000) }).trade).toBe(true);
  });

  it('scales and caps the size and leverage, and says so', () => {
    const d = decide({ risk_tolerance: 'LOW', max_position_pct: 10, max_leverage: 3 });
    expect(d).toEqual({
      trade: true,
      code: 'TRADE',
      reason: 'trade 10% of equity at 2x (size × 0.5 (LOW risk tolerance); size capped at 10% of equity; leverage 5x capped at 2x)',
      sizeModel: { type: 'percentage', value: '10', leverage: 2 },
      leverage: 2,
      venues: null,
    });
  });

  it('passes a margin cap along with a fixed-USD size', () => {
    const d = decide({ max_position_pct: 5 }, {}, { sizeModel: { type: 'fixed-usd', value: 5000, leverage: 1 } as any });
    expect(d).toMatchObject({ trade: true, sizeModel: { type: 'fixed-usd', value: '5000', max_pct: '5', leverage: 1 } });
  });

  it('combines agent and subscriber: the stricter wins on every field', () => {
    const merged = stricterPolicy(
      {
        risk_tolerance: 'HIGH',
        max_leverage: 10,
        max_position_pct: 20,
        min_confidence: 0.5,
        allowed_tokens: ['BTC', 'ETH', 'SOL'],
        denied_tokens: ['DOGE'],
        max_open_positions: 5,
        max_daily_loss_usd: '500',
        cooldown: { after_losses: 3, minutes: 60 },
        enabled_venues: ['HYPERLIQUID', 'OSTIUM'],
      },
      {
        risk_tolerance: 'MEDIUM',
        max_leverage: 20,
        max_position_pct: '10',
        min_confidence: 0.7,
        allowed_tokens: ['eth', 'SOL', 'AVAX'],
        denied_tokens: ['SOL'],
        max_open_positions: 8,
        max_daily_loss_usd: 200,
        cooldown: { after_losses: 2, minutes: 30 },
        enabled_venues: ['OSTIUM'],
        kill_switch: false,
      },
    );
    expect(merged).toEqual({
      risk_tolerance: 'MEDIUM',
      max_leverage: 10,
      max_position_pct: '10',
      min_confidence: 0.7,
      allowed_tokens: ['ETH', 'SOL'],
      denied_tokens: ['DOGE', 'SOL'],
      max_open_positions: 5,
      max_daily_loss_usd: 200,
      cooldown: { after_losses: 2, minutes: 60 },
      enabled_venues: ['OSTIUM'],
    });
    expect(stricterPolicy({ kill_switch: true }, {}).kill_switch).toBe(true);
    expect(decide(stricterPolicy({ enabled_venues: ['HYPERLIQUID'] }, { enabled_venues: ['OSTIUM'] }))).toMatchObject({
      code: 'NO_ENABLED_VENUE',
    });
  });

  it('names every bad field', () => {
    expect(
      policyErrors({
        max_leverage: 0,
        max_position_pct: 150,
        min_confidence: 1.5,
        allowed_tokens: 'ETH',
        cooldown: { after_losses: 0 },
        enabled_venues: ['BINANCE'],
        kill_switch: 'yes',
        foo: 1,
      }),
    ).toEqual([
      'policy has unknown field(s): foo',
      'policy.max_leverage must be an integer from 1 to 100',
      'policy.max_position_pct must be a number in (0, 100]',
      'policy.min_confidence must be a number from 0 to 1',
      'policy.allowed_tokens must be a list of token symbols',
      'policy.cooldown.after_losses must be an integer from 1 to 1000',
      'policy.cooldown.minutes must be an integer from 1 to 525600',
      'policy.enabled_venues must be a non-empty list of HYPERLIQUID, OSTIUM, GMX, SPOT',
      'policy.kill_switch must be true or false',
    ]);
    expect(policyErrors({})).toEqual([]);
  });
});
