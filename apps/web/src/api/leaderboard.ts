import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api, ApiError, type LeaderboardParams } from './client';

/** GET /api/v3/agents/leaderboard, cached per query; the previous answer stays on screen while a new sort loads. */
export function useLeaderboard(query: LeaderboardParams) {
  return useQuery({
    queryKey: ['leaderboard', query],
    queryFn: async ({ signal }) => {
      const { data, error, response } = await api.GET('/api/v3/agents/leaderboard', { params: { query }, signal });
      if (!data) throw ApiError.of(response, error);
      return data;
    },
    placeholderData: keepPreviousData,
  });
}
