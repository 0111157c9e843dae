import type { LeaderboardParams, LeaderboardSort } from '../api/client';
import type { Order } from '../components/SortHeader';

/** The leaderboard's state lives in the URL (shareable, kept on reload): sort, order, kind, days and the compared ids. */
export interface BoardState {
  sort: LeaderboardSort;
  order: Order;
  kind: NonNullable<LeaderboardParams['kind']> | '';
  days: 30 | 90;
  compare: string[];
}

const SORTS: readonly LeaderboardSort[] = [
  'apr_30d',
  'apr_90d',
  'apr_si',
  'sharpe',
  'max_drawdown',
  'max_drawdown_percent',
  'subscribers',
  'realized_pnl',
  'name',
];
export const MAX_COMPARED = 4;

export function readBoardState(params: URLSearchParams): BoardState {
  const sort = params.get('sort') as LeaderboardSort | null;
  const kind = params.get('kind');
  return {
    sort: sort && SORTS.includes(sort) ? sort : 'apr_30d',
    order: params.get('order') === 'asc' ? 'asc' : 'desc',
    kind: kind === 'signal' || kind === 'llm_trader' ? kind : '',
    days: params.get('days') === '90' ? 90 : 30,
    compare: (params.get('compare') ?? '').split(',').filter(Boolean).slice(0, MAX_COMPARED),
  };
}

export function writeBoardState(state: BoardState): URLSearchParams {
  const params = new URLSearchParams();
  if (state.sort !== 'apr_30d') params.set('sort', state.sort);
  if (state.order !== 'desc') params.set('order', state.order);
  if (state.kind) params.set('kind', state.kind);
  if (state.days !== 30) params.set('days', String(state.days));
  if (state.compare.length) params.set('compare', state.compare.join(','));
  return params;
}

/** The API query of a state. */
export const queryOf = (s: BoardState): LeaderboardParams => ({
  sort: s.sort,
  order: s.order,
  days: s.days,
  limit: 100,
  ...(s.kind ? { kind: s.kind } : {}),
});
