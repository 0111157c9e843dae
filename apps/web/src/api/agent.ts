import { useQuery } from '@tanstack/react-query';
import { api, ApiError, type Schemas } from './client';

// The agent page's data: one hook per endpoint, cached by TanStack Query. Every answer is typed by the OpenAPI document.

export type AgentView = Schemas['AgentView'];
export type PerformanceResponse = Schemas['PerformanceResponse'];
export type PerformanceDay = Schemas['PerformanceDay'];
export type AgentTrade = Schemas['AgentTradeView'];
export type AgentDecision = Schemas['AgentDecisionView'];
export type RoutingHistoryResponse = Schemas['RoutingHistoryResponse'];
export type RoutingConfig = Schemas['RoutingConfigView'];
export type MarkPoint = Schemas['MarkPoint'];

const unwrap = <T>({ data, error, response }: { data?: T; error?: unknown; response: Response }): T => {
  if (!data) throw ApiError.of(response, error);
  return data;
};

const path = (id: string) => ({ params: { path: { id } } });

/** GET /api/v3/agents/:id: the agent and its subscribers (an llm_trader with its settings). */
export const useAgent = (id: string) =>
  useQuery({
    queryKey: ['agent', id],
    queryFn: async ({ signal }) => unwrap(await api.GET('/api/v3/agents/{id}', { ...path(id), signal })).agent,
  });

/** GET /api/v3/agents/:id/performance: the figures and the daily series with its running PnL and drawdown. */
export const usePerformance = (id: string) =>
  useQuery({
    queryKey: ['agent', id, 'performance'],
    queryFn: async ({ signal }) => unwrap(await api.GET('/api/v3/agents/{id}/performance', { ...path(id), signal })),
  });

/** GET /api/v3/agents/:id/trades: the positions of an llm_trader's own book, newest first (500 at most). */
export const useTrades = (id: string, enabled: boolean) =>
  useQuery({
    queryKey: ['agent', id, 'trades'],
    enabled,
    queryFn: async ({ signal }) =>
      unwrap(await api.GET('/api/v3/agents/{id}/trades', { params: { path: { id }, query: { limit: 500 } }, signal })).trades,
  });

/** GET /api/v3/agents/:id/decisions: Agent What's log, newest first. */
export const useDecisions = (id: string) =>
  useQuery({
    queryKey: ['agent', id, 'decisions'],
    queryFn: async ({ signal }) =>
      unwrap(await api.GET('/api/v3/agents/{id}/decisions', { params: { path: { id }, query: { limit: 100 } }, signal })).decisions,
  });

/** GET /api/v3/stats/routing-history?agent_id=: the agent's routing decisions and their venue distribution. */
export const useRoutingHistory = (id: string) =>
  useQuery({
    queryKey: ['agent', id, 'routing-history'],
    queryFn: async ({ signal }) =>
      unwrap(await api.GET('/api/v3/stats/routing-history', { params: { query: { agent_id: id, limit: 100 } }, signal })),
  });

/** GET /api/v3/agents/:id/routing-config: its own config, or the global default. */
export const useRoutingConfig = (id: string) =>
  useQuery({
    queryKey: ['agent', id, 'routing-config'],
    queryFn: async ({ signal }) => unwrap(await api.GET('/api/v3/agents/{id}/routing-config', { ...path(id), signal })).config,
  });

/** GET /api/v3/market/marks: a token's marks over [from, to), oldest first. */
export const useMarks = (token: string | undefined, from: string, to: string) =>
  useQuery({
    queryKey: ['marks', token, from, to],
    enabled: !!token,
    queryFn: async ({ signal }) =>
      unwrap(await api.GET('/api/v3/market/marks', { params: { query: { token_symbol: token!, from, to, limit: 5000 } }, signal })).marks,
  });

export type Journey = Schemas['JourneyResponse'];

/** GET /api/v3/signals/:id/journey: the five layers, with what the reader may read. */
export const useJourney = (id: string) =>
  useQuery({
    queryKey: ['signal', id, 'journey'],
    queryFn: async ({ signal }) => unwrap(await api.GET('/api/v3/signals/{id}/journey', { ...path(id), signal })),
  });
