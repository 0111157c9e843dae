import { dec, DecimalLike } from './money';
import { Venue, VENUES } from './routing';
import type { SizeModel } from './trading';

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

// ---- per-deployment policies -------------------------------------------------------------------------------------

export const RISK_TOLERANCES = ['LOW', 'MEDIUM', 'HIGH'] as const;
export type RiskTolerance = (typeof RISK_TOLERANCES)[number];

/**
 * What a risk tolerance does: scales the signal's size down and caps leverage. It never trades more than the
 * signal asks for; HIGH only lifts the leverage ceiling.
 */
export const RISK_TOLERANCE_LIMITS: { readonly [T in RiskTolerance]: { sizeMultiplier: string; maxLeverage: number } } = {
  LOW: { sizeMultiplier: '0.5', maxLeverage: 2 },
  MEDIUM: { sizeMultiplier: '1', maxLeverage: 5 },
  HIGH: { sizeMultiplier: '1', maxLeverage: 20 },
};

/** A policy as stored (JSONB, snake_case), the agent's own or a subscriber's. Every field is optional. */
export interface Policy {
  risk_tolerance?: RiskTolerance;
  max_leverage?: number;
  /** Margin of one position as a percentage of equity. */
  max_position_pct?: number | string;
  min_confidence?: number;
  /** When set, only these tokens trade. */
  allowed_tokens?: string[];
  denied_tokens?: string[];
  max_open_positions?: number;
  /** Realized loss since 00:00 UTC that halts new entries for the rest of the day. */
  max_daily_loss_usd?: number | string;
  /** After this many losing closes in a row, no new entries for `minutes`. */
  cooldown?: { after_losses: number; minutes: number };
  /** Venues the deployment may trade on; absent = any. */
  enabled_venues?: string[];
  /** Stops new entries at once. */
  kill_switch?: boolean;
}

export const POLICY_FIELDS = [
  'risk_tolerance',
  'max_leverage',
  'max_position_pct',
  'min_confidence',
  'allowed_tokens',
  'denied_tokens',
  'max_open_positions',
  'max_daily_loss_usd',
  'cooldown',
  'enabled_venues',
  'kill_switch',
] as const;

const isDecimalText = (v: unknown) => (typeof v === 'number' && Number.isFinite(v)) || (typeof v === 'string' && /^\d+(\.\d+)?$/.test(v));
const isInt = (v: unknown, min: number, max: number) => Number.isInteger(v) && (v as number) >= min && (v as number) <= max;
const isSymbolList = (v: unknown) =>
  Array.isArray(v) && v.length <= 500 && v.every((t) => typeof t === 'string' && /^[A-Za-z0-9]{1,20}$/.test(t));

/** Every problem with a policy, each naming its field; empty when valid. */
export function policyErrors(p: unknown, field = 'policy'): string[] {
  if (!p || typeof p !== 'object' || Array.isArray(p)) return [`${field} must be an object`];
  const o = p as Record<string, unknown>;
  const errors: string[] = [];
  const extra = Object.keys(o).filter((k) => !(POLICY_FIELDS as readonly string[]).includes(k));
  if (extra.length) errors.push(`${field} has unknown field(s): ${extra.join(', ')}`);
  if (o.risk_tolerance !== undefined && !RISK_TOLERANCES.includes(o.risk_tolerance as RiskTolerance))
    errors.push(`${field}.risk_tolerance must be one of ${RISK_TOLERANCES.join(', ')}`);
  if (o.max_leverage !== undefined && !isInt(o.max_leverage, 1, 100)) errors.push(`${field}.max_leverage must be an integer from 1 to 100`);
  if (
    o.max_position_pct !== undefined &&
    (!isDecimalText(o.max_position_pct) || !(Number(o.max_position_pct) > 0 && Number(o.max_position_pct) <= 100))
  )
    errors.push(`${field}.max_position_pct must be a number in (0, 100]`);
  if (o.min_confidence !== undefined && !(typeof o.min_confidence === 'number' && o.min_confidence >= 0 && o.min_confidence <= 1))
    errors.push(`${field}.min_confidence must be a number from 0 to 1`);
  if (o.allowed_tokens !== undefined && !isSymbolList(o.allowed_tokens))
    errors.push(`${field}.allowed_tokens must be a list of token symbols`);
  if (o.denied_tokens !== undefined && !isSymbolList(o.denied_tokens))
    errors.push(`${field}.denied_tokens must be a list of token symbols`);
  if (o.max_open_positions !== undefined && !isInt(o.max_open_positions, 0, 10_000))
    errors.push(`${field}.max_open_positions must be an integer from 0 to 10000`);
  if (o.max_daily_loss_usd !== undefined && (!isDecimalText(o.max_daily_loss_usd) || !(Number(o.max_daily_loss_usd) > 0)))
    errors.push(`${field}.max_daily_loss_usd must be a positive number`);
  if (o.cooldown !== undefined) {
    const c = o.cooldown as Record<string, unknown> | null;
    if (!c || typeof c !== 'object' || Array.isArray(c)) errors.push(`${field}.cooldown must be an object`);
    else {
      if (!isInt(c.after_losses, 1, 1000)) errors.push(`${field}.cooldown.after_losses must be an integer from 1 to 1000`);
      if (!isInt(c.minutes, 1, 525_600)) errors.push(`${field}.cooldown.minutes must be an integer from 1 to 525600`);
      const extraC = Object.keys(c).filter((k) => k !== 'after_losses' && k !== 'minutes');
      if (extraC.length) errors.push(`${field}.cooldown has unknown field(s): ${extraC.join(', ')}`);
    }
  }
  if (
    o.enabled_venues !== undefined &&
    !(Array.isArray(o.enabled_venues) && o.enabled_venues.length > 0 && o.enabled_venues.every((v) => VENUES.includes(v as Venue)))
  )
    errors.push(`${field}.enabled_venues must be a non-empty list of ${VENUES.join(', ')}`);
  if (o.kill_switch !== undefined && typeof o.kill_switch !== 'boolean') errors.push(`${field}.kill_switch must be true or false`);
  return errors;
}

const minDefined = <T>(a: T | undefined, b: T | undefined, lt: (x: T, y: T) => boolean): T | undefined =>
  a === undefined ? b : b === undefined ? a : lt(b, a) ? b : a;
const upper = (xs: string[]) => xs.map((x) => (/^k[A-Z0-9]+$/.test(x) ? x : x.toUpperCase()));

/**
 * The agent's limits and the subscriber's combined: on every field the stricter wins (lower caps, higher
 * confidence floor, intersected allow- and venue lists, united deny lists, the longer cooldown, either kill switch).
 */
export function stricterPolicy(agent: Policy, subscriber: Policy): Policy {
  const out: Policy = {};
  const tol = minDefined(
    agent.risk_tolerance,
    subscriber.risk_tolerance,
    (x, y) => RISK_TOLERANCES.indexOf(x) < RISK_TOLERANCES.indexOf(y),
  );
  if (tol) out.risk_tolerance = tol;
  const num = (x: number | string) => dec(x);
  const lev = minDefined(agent.max_leverage, subscriber.max_leverage, (x, y) => x < y);
  if (lev !== undefined) out.max_leverage = lev;
  const pct = minDefined(agent.max_position_pct, subscriber.max_position_pct, (x, y) => num(x).lt(num(y)));
  if (pct !== undefined) out.max_position_pct = pct;
  const conf = minDefined(agent.min_confidence, subscriber.min_confidence, (x, y) => x > y);
  if (conf !== undefined) out.min_confidence = conf;
  if (agent.allowed_tokens || subscriber.allowed_tokens) {
    const a = agent.allowed_tokens ? upper(agent.allowed_tokens) : null;
    const s = subscriber.allowed_tokens ? upper(subscriber.allowed_tokens) : null;
    out.allowed_tokens = a && s ? a.filter((t) => s.includes(t)) : (a ?? s)!;
  }
  if (agent.denied_tokens || subscriber.denied_tokens) {
    out.denied_tokens = [...new Set(upper([...(agent.denied_tokens ?? []), ...(subscriber.denied_tokens ?? [])]))];
  }
  const open = minDefined(agent.max_open_positions, subscriber.max_open_positions, (x, y) => x < y);
  if (open !== undefined) out.max_open_positions = open;
  const loss = minDefined(agent.max_daily_loss_usd, subscriber.max_daily_loss_usd, (x, y) => num(x).lt(num(y)));
  if (loss !== undefined) out.max_daily_loss_usd = loss;
  if (agent.cooldown || subscriber.cooldown) {
    const a = agent.cooldown;
    const s = subscriber.cooldown;
    out.cooldown = a && s ? { after_losses: Math.min(a.after_losses, s.after_losses), minutes: Math.max(a.minutes, s.minutes) } : (a ?? s)!;
  }
  if (agent.enabled_venues || subscriber.enabled_venues) {
    const a = agent.enabled_venues;
    const s = subscriber.enabled_venues;
    out.enabled_venues = a && s ? a.filter((v) => s.includes(v)) : (a ?? s)!;
  }
  if (agent.kill_switch || subscriber.kill_switch) out.kill_switch = true;
  return out;
}

/** What the policy layer reads of a deployment's trading when a signal arrives. */
export interface PolicyState {
  openPositions: number;
  /** Realized PnL of positions closed since 00:00 UTC (negative: a loss). */
  realizedTodayUsd: DecimalLike;
  /** PnL of the latest closed positions, newest first (enough to count a losing streak). */
  recentClosedPnl: DecimalLike[];
  /** When the latest of them closed. */
  lastClosedAt: Date | null;
}

export interface PolicySignal {
  token: string;
  confidence: number | null;
  sizeModel: SizeModel;
}

export type PolicyCode =
  | 'TRADE'
  | 'DEPLOYMENT_INACTIVE'
  | 'SUBSCRIPTION_INACTIVE'
  | 'KILL_SWITCH'
  | 'TOKEN_DENIED'
  | 'TOKEN_NOT_ALLOWED'
  | 'LOW_CONFIDENCE'
  | 'MAX_OPEN_POSITIONS'
  | 'DAILY_LOSS_LIMIT'
  | 'COOLDOWN'
  | 'NO_ENABLED_VENUE';

export type PolicyDecision =
  | { trade: true; code: 'TRADE'; reason: string; sizeModel: SizeModel; leverage: number; venues: string[] | null }
  | { trade: false; code: Exclude<PolicyCode, 'TRADE'>; reason: string };

/**
 * Agent How for one signal × deployment, pure: the subscription gate, then the effective policy's checks in a
 * fixed order (kill switch, tokens, confidence, open positions, daily loss, cooldown, venues), then the final
 * size (the signal's, scaled by the risk tolerance and capped at max_position_pct of equity) and leverage
 * (the signal's, capped by max_leverage and the tolerance). The first failing check is the recorded reason.
 */
export function evaluatePolicy(
  signal: PolicySignal,
  gate: DeploymentGateInput,
  policy: Policy,
  state: PolicyState,
  now: Date,
): PolicyDecision {
  const g = deploymentGate(gate, now);
  if (!g.trade) {
    return { trade: false, code: g.reason.startsWith('deployment is') ? 'DEPLOYMENT_INACTIVE' : 'SUBSCRIPTION_INACTIVE', reason: g.reason };
  }
  if (policy.kill_switch) return { trade: false, code: 'KILL_SWITCH', reason: 'kill switch is on: no new entries' };
  const token = signal.token;
  const denied = upper(policy.denied_tokens ?? []);
  if (denied.includes(token)) return { trade: false, code: 'TOKEN_DENIED', reason: `${token} is on the denied list` };
  if (policy.allowed_tokens && !upper(policy.allowed_tokens).includes(token)) {
    const list = policy.allowed_tokens.length ? policy.allowed_tokens.join(', ') : 'none';
    return { trade: false, code: 'TOKEN_NOT_ALLOWED', reason: `${token} is not on the allowed list (${list})` };
  }
  if (policy.min_confidence !== undefined) {
    if (signal.confidence === null || signal.confidence === undefined)
      return {
        trade: false,
        code: 'LOW_CONFIDENCE',
        reason: `signal has no confidence; policy requires at least ${policy.min_confidence}`,
      };
    if (signal.confidence < policy.min_confidence)
      return { trade: false, code: 'LOW_CONFIDENCE', reason: `confidence ${signal.confidence} below the minimum ${policy.min_confidence}` };
  }
  if (policy.max_open_positions !== undefined && state.openPositions >= policy.max_open_positions) {
    return {
      trade: false,
      code: 'MAX_OPEN_POSITIONS',
      reason: `${state.openPositions} open position(s), the maximum is ${policy.max_open_positions}`,
    };
  }
  if (policy.max_daily_loss_usd !== undefined) {
    const today = dec(state.realizedTodayUsd);
    const limit = dec(policy.max_daily_loss_usd);
    if (today.lte(limit.neg())) {
      return {
        trade: false,
        code: 'DAILY_LOSS_LIMIT',
        reason:
          `daily loss limit reached: ${today.toFixed(2)} USD realized today, limit -${limit.toFixed(2)} USD; entries ` +
          `resume at 00:00 UTC`,
      };
    }
  }
  if (policy.cooldown && state.lastClosedAt) {
    let streak = 0;
    for (const pnl of state.recentClosedPnl) {
      if (dec(pnl).lt(0)) streak++;
      else break;
    }
    const until = new Date(state.lastClosedAt.getTime() + policy.cooldown.minutes * 60_000);
    if (streak >= policy.cooldown.after_losses && until.getTime() > now.getTime()) {
      return {
        trade: false,
        code: 'COOLDOWN',
        reason: `cooldown after ${streak} consecutive losses until ${until.toISOString()}`,
      };
    }
  }
  if (policy.enabled_venues && policy.enabled_venues.length === 0) {
    return { trade: false, code: 'NO_ENABLED_VENUE', reason: 'the agent and subscriber policies enable no venue in common' };
  }

  const tolerance = policy.risk_tolerance ? RISK_TOLERANCE_LIMITS[policy.risk_tolerance] : null;
  const notes: string[] = [];
  let value = dec(signal.sizeModel.value);
  if (tolerance && !dec(tolerance.sizeMultiplier).eq(1)) {
    value = value.mul(tolerance.sizeMultiplier);
    notes.push(`size × ${tolerance.sizeMultiplier} (${policy.risk_tolerance} risk tolerance)`);
  }
  const sizeModel: SizeModel = { type: signal.sizeModel.type, value: value.toString() };
  if (policy.max_position_pct !== undefined) {
    const cap = dec(policy.max_position_pct);
    if (sizeModel.type === 'percentage' && value.gt(cap)) {
      sizeModel.value = cap.toString();
      notes.push(`size capped at ${cap.toString()}% of equity`);
    } else if (sizeModel.type === 'fixed-usd') {
      sizeModel.max_pct = cap.toString();
    }
  }
  const wanted = signal.sizeModel.leverage ?? 1;
  const leverage = Math.max(1, Math.min(wanted, policy.max_leverage ?? Infinity, tolerance?.maxLeverage ?? Infinity));
  if (leverage < wanted) notes.push(`leverage ${wanted}x capped at ${leverage}x`);
  sizeModel.leverage = leverage;
  const venues = policy.enabled_venues ?? null;
  const size = sizeModel.type === 'percentage' ? `${sizeModel.value}% of equity` : `${sizeModel.value} USD`;
  return {
    trade: true,
    code: 'TRADE',
    reason: `trade ${size} at ${leverage}x` + (notes.length ? ` (${notes.join('; ')})` : '') + (venues ? ` on ${venues.join(' or ')}` : ''),
    sizeModel,
    leverage,
    venues,
  };
}
