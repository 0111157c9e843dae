/**
 * The lifecycles money flows through, as data: each status union and the moves allowed between its values. The
 * database functions that change a status (libs/db/src/lifecycle) take their `WHERE status = ANY(...)` guard from
 * these tables, so a move not listed here cannot happen, and a second attempt of a move already made changes nothing.
 */
export interface Lifecycle<S extends string> {
  readonly name: string;
  /** The statuses a row may be created with. */
  readonly initial: readonly S[];
  /** For each status, the statuses it may move to (none: final). */
  readonly moves: { readonly [From in S]: readonly S[] };
  /**
   * The moves (also listed in `moves`) that go back to an earlier status: a user's retry. They are the only cycles a
   * lifecycle may have; every path that takes none of them ends in a final status.
   */
  readonly reopens: readonly (readonly [S, S])[];
}

function lifecycle<S extends string>(
  name: string,
  initial: readonly S[],
  moves: { readonly [From in S]: readonly S[] },
  reopens: readonly (readonly [S, S])[] = [],
): Lifecycle<S> {
  return { name, initial, moves, reopens };
}

/** signals_v3.status: Agent What stores it, Agent How may skip it, Agent Where routes or skips it, the executor ends it. */
export const SIGNAL_STATUSES = ['PENDING', 'ROUTED', 'EXECUTED', 'SKIPPED', 'FAILED'] as const;
export type SignalStatus = (typeof SIGNAL_STATUSES)[number];
export const SIGNAL_LIFECYCLE = lifecycle<SignalStatus>('signal', ['PENDING', 'SKIPPED'], {
  PENDING: ['ROUTED', 'SKIPPED', 'FAILED'],
  ROUTED: ['EXECUTED', 'FAILED'],
  EXECUTED: [],
  SKIPPED: [],
  FAILED: [],
});

/** signal_outcomes.outcome: the one recorded end of each signal × deployment. */
export const OUTCOME_STATUSES = ['PENDING', 'OPENED', 'SKIPPED', 'FAILED'] as const;
export type OutcomeStatus = (typeof OUTCOME_STATUSES)[number];
export const OUTCOME_LIFECYCLE = lifecycle<OutcomeStatus>('outcome', ['PENDING', 'SKIPPED', 'FAILED'], {
  PENDING: ['OPENED', 'SKIPPED', 'FAILED'],
  OPENED: [],
  SKIPPED: [],
  FAILED: [],
});
/** The layer that recorded an outcome's end (signal_outcomes.stage). */
export type OutcomeStage = 'policy' | 'router' | 'executor';

/** positions_v3.status: PENDING waits for an asynchronous (oracle) fill. */
export const POSITION_STATUSES = ['PENDING', 'OPEN', 'CLOSED', 'FAILED'] as const;
export type PositionStatus = (typeof POSITION_STATUSES)[number];
export const POSITION_LIFECYCLE = lifecycle<PositionStatus>('position', ['PENDING', 'OPEN'], {
  PENDING: ['OPEN', 'FAILED'],
  OPEN: ['CLOSED'],
  CLOSED: [],
  FAILED: [],
});

/** billing_events_v3.status (bill_status_t). */
export const BILL_STATUSES = ['PENDING', 'COLLECTED', 'FAILED'] as const;
export type BillStatus = (typeof BILL_STATUSES)[number];
/** A FAILED bill is not a dead end: its user retries it (POST /api/v3/billing/events/:id/retry), back to PENDING. */
export const BILL_LIFECYCLE = lifecycle<BillStatus>(
  'bill',
  ['PENDING'],
  {
    PENDING: ['COLLECTED', 'FAILED'],
    COLLECTED: [],
    FAILED: ['PENDING'],
  },
  [['FAILED', 'PENDING']],
);

/** venue_orders.status: NEW is stored before the venue hears of the order; PENDING awaits a fill. */
export const ORDER_STATUSES = ['NEW', 'PENDING', 'FILLED', 'REJECTED'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];
export const ORDER_LIFECYCLE = lifecycle<OrderStatus>('order', ['NEW'], {
  NEW: ['PENDING', 'FILLED', 'REJECTED'],
  PENDING: ['FILLED', 'REJECTED'],
  FILLED: [],
  REJECTED: [],
});

/** The statuses a row may move to `to` from; throws when no status may (a move the lifecycle does not have). */
export function movesInto<S extends string>(l: Lifecycle<S>, to: S): S[] {
  const from = (Object.keys(l.moves) as S[]).filter((s) => l.moves[s].includes(to));
  if (!from.length) throw new Error(`${l.name}: nothing moves into ${to}`);
  return from;
}

/** Whether a row in `from` may move to `to`. */
export function canMove<S extends string>(l: Lifecycle<S>, from: S, to: S): boolean {
  return l.moves[from].includes(to);
}

/** Final statuses: nothing moves out of them. */
export function isFinal<S extends string>(l: Lifecycle<S>, status: S): boolean {
  return l.moves[status].length === 0;
}
