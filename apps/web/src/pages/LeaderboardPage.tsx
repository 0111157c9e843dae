import { useSearchParams } from 'react-router';
import { useLeaderboard } from '../api/leaderboard';
import { ApiError } from '../api/client';
import { formatTime } from '../format/time';
import { CompareView } from './CompareView';
import { LeaderboardTable } from './LeaderboardTable';
import { MAX_COMPARED, queryOf, readBoardState, writeBoardState, type BoardState } from './leaderboard-params';

/** Agents ranked by the API's figures: filters, a sortable table with sparklines, and a comparison of 2–4 of them. */
export function LeaderboardPage() {
  const [params, setParams] = useSearchParams();
  const state = readBoardState(params);
  const update = (change: Partial<BoardState>) => setParams(writeBoardState({ ...state, ...change }), { replace: true });
  const board = useLeaderboard(queryOf(state));
  const rows = board.data?.agents ?? [];
  const compared = state.compare.map((id) => rows.find((r) => r.agent_id === id)).filter((r) => r !== undefined);

  return (
    <>
      <h1>Leaderboard</h1>
      <form className="filters" aria-label="Filters" onSubmit={(e) => e.preventDefault()}>
        <label>
          Kind{' '}
          <select value={state.kind} onChange={(e) => update({ kind: e.target.value as BoardState['kind'], compare: [] })}>
            <option value="">All kinds</option>
            <option value="signal">Signal</option>
            <option value="llm_trader">LLM trader</option>
          </select>
        </label>
        <label>
          Sparkline{' '}
          <select value={state.days} onChange={(e) => update({ days: e.target.value === '90' ? 90 : 30 })}>
            <option value="30">30 days</option>
            <option value="90">90 days</option>
          </select>
        </label>
      </form>
      {board.isError ? (
        <p role="alert" className="error">
          The leaderboard could not be loaded: {board.error instanceof ApiError ? board.error.message : 'the API did not answer'}.
        </p>
      ) : board.isPending ? (
        <p role="status">Loading agents…</p>
      ) : (
        <>
          <p className="meta" role="status">
            {rows.length} {rows.length === 1 ? 'agent' : 'agents'}
            {board.dataUpdatedAt ? `, updated ${formatTime(board.dataUpdatedAt)}` : ''}
            {board.isFetching ? ' (refreshing…)' : ''}
          </p>
          <LeaderboardTable
            rows={rows}
            state={state}
            onSort={(sort, order) => update({ sort, order })}
            onCompare={(compare) => update({ compare })}
          />
          <section aria-labelledby="compare-heading" className="compare">
            <h2 id="compare-heading">Compare</h2>
            {compared.length >= 2 ? (
              <CompareView rows={compared} days={state.days} />
            ) : (
              <p>Pick two to {MAX_COMPARED} agents in the table to compare them.</p>
            )}
          </section>
        </>
      )}
    </>
  );
}
