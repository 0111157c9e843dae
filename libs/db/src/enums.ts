import { VENUE_ENUM, VenueOrMulti } from '@conduit/domain';

/** Postgres enum types of the v3 schema (seed 001). Order is the enum's sort order. */
export const VENUE_V3 = VENUE_ENUM;
export type VenueV3 = VenueOrMulti;
export const AGENT_STATUS = ['DRAFT', 'ACTIVE', 'PAUSED', 'STOPPED'] as const;
export type AgentStatus = (typeof AGENT_STATUS)[number];
/** agents_v3.kind: what makes an agent's signals. */
export const AGENT_KIND = ['signal', 'llm_trader'] as const;
export type AgentKind = (typeof AGENT_KIND)[number];
export const BILL_KIND = ['SUBSCRIPTION', 'PROFIT_SHARE'] as const;
export type BillKind = (typeof BILL_KIND)[number];
// Status unions and their allowed moves live with the lifecycles (libs/domain/src/lifecycle.ts).
export type { BillStatus, OutcomeStatus, PositionStatus, SignalStatus } from '@conduit/domain';
