/** Postgres enum types of the v3 schema (seed 001). Order is the enum's sort order. */
export const VENUE_V3 = ['MULTI', 'HYPERLIQUID', 'OSTIUM', 'GMX', 'SPOT'] as const;
export type VenueV3 = (typeof VENUE_V3)[number];
export const AGENT_STATUS = ['DRAFT', 'ACTIVE', 'PAUSED', 'STOPPED'] as const;
export type AgentStatus = (typeof AGENT_STATUS)[number];
export const BILL_KIND = ['SUBSCRIPTION', 'PROFIT_SHARE'] as const;
export type BillKind = (typeof BILL_KIND)[number];
export const BILL_STATUS = ['PENDING', 'COLLECTED', 'FAILED'] as const;
export type BillStatus = (typeof BILL_STATUS)[number];

/** signals_v3.status (TEXT in the seed). */
export const SIGNAL_STATUS = ['PENDING', 'ROUTED', 'EXECUTED', 'SKIPPED', 'FAILED'] as const;
export type SignalStatus = (typeof SIGNAL_STATUS)[number];
/** positions_v3.status (TEXT in the seed). */
export const POSITION_STATUS = ['OPEN', 'CLOSED'] as const;
export type PositionStatus = (typeof POSITION_STATUS)[number];
/** signal_outcomes.outcome: the one recorded end of each signal × deployment. */
export const OUTCOME = ['PENDING', 'OPENED', 'SKIPPED', 'FAILED'] as const;
export type Outcome = (typeof OUTCOME)[number];
