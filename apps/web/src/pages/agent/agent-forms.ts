import type { DeployInput, RoutingConfigInput } from '../../api/agent-actions';
import type { FieldErrors } from '../subscriber/policy-form';

/** The subscribe form's fields, as the API's 400 messages name them (the leverage inside the policy: `policy.max_leverage`). */
export const DEPLOY_FIELDS = ['trading_mode', 'max_leverage'] as const;
export type DeployField = (typeof DEPLOY_FIELDS)[number];

/**
 * POST /agents/deploy's body: the agent, the signed-in wallet, the mode, and a policy only when a max leverage is
 * given (a whole number; anything else is refused at the field before any request).
 */
export function deployBody(
  agentId: string,
  wallet: string,
  mode: 'paper' | 'live',
  maxLeverage: string,
): { body: DeployInput | null; errors: FieldErrors<DeployField> } {
  const raw = maxLeverage.trim();
  if (raw !== '' && !/^\d+$/.test(raw)) return { body: null, errors: { max_leverage: ['max_leverage must be a whole number'] } };
  const body: DeployInput = { agent_id: agentId, user_wallet: wallet, trading_mode: mode };
  if (raw !== '') body.policy = { max_leverage: Number(raw) };
  return { body, errors: {} };
}

export const ROUTING_FIELDS = ['venue_priority', 'routing_strategy', 'failover_enabled'] as const;
export type RoutingField = (typeof ROUTING_FIELDS)[number];
export type RoutingStrategy = RoutingConfigInput['routing_strategy'];

/** Agent Where's strategies, named (a key the API does not have does not compile). */
export const STRATEGIES: Record<RoutingStrategy, string> = {
  FIRST_AVAILABLE: 'First available',
  BEST_LIQUIDITY: 'Best liquidity',
  LOWEST_FEES: 'Lowest fees',
};

/** The venue priority as typed (`hyperliquid, ostium`): the venues in order, upper case; the API checks their names. */
export const venueList = (raw: string): string[] =>
  raw
    .split(/[\s,]+/)
    .filter(Boolean)
    .map((v) => v.toUpperCase());
