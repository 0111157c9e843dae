import { useQuery } from '@tanstack/react-query';
import { api, ApiError, type Schemas } from './client';

/** Wallet intelligence, public reads: the watchlist, the smart-money bias, a wallet's events and their analysis. */
export type ScoredWallet = Schemas['ScoredWallet'];
export type WalletEvent = Schemas['WalletEvent'];
export type BiasPoint = Schemas['BiasPoint'];
export type EventAnalysis = Schemas['EventAnalysis'];
export type BiasTimeframe = BiasPoint['timeframe'];

/** History of an asset's bias: from the start, the newest this many readings. */
export const BIAS_HISTORY = 200;

/** GET /api/v3/wallets: the active watchlist, the most credible (4h) first. */
export function useWallets() {
  return useQuery({
    queryKey: ['wallets'],
    queryFn: async ({ signal }) => {
      const { data, error, response } = await api.GET('/api/v3/wallets', { params: { query: { active: 'true', limit: 100 } }, signal });
      if (!data) throw ApiError.of(response, error);
      return data.wallets;
    },
  });
}

/** GET /api/v3/bias: the latest bias of every asset and timeframe. */
export function useLatestBias() {
  return useQuery({
    queryKey: ['bias', 'latest'],
    queryFn: async ({ signal }) => {
      const { data, error, response } = await api.GET('/api/v3/bias', { params: { query: { limit: 500 } }, signal });
      if (!data) throw ApiError.of(response, error);
      return data.bias;
    },
  });
}

/** GET /api/v3/bias?asset&timeframe&from: an asset's bias over time, newest first as the API answers it. */
export function useBiasHistory(asset: string, timeframe: BiasTimeframe) {
  return useQuery({
    queryKey: ['bias', 'history', asset, timeframe],
    queryFn: async ({ signal }) => {
      const { data, error, response } = await api.GET('/api/v3/bias', {
        params: { query: { asset, timeframe, from: '1970-01-01', limit: BIAS_HISTORY } },
        signal,
      });
      if (!data) throw ApiError.of(response, error);
      return data.bias;
    },
    enabled: asset !== '',
  });
}

/** GET /api/v3/wallets/:id/events: its fills, newest first. */
export function useWalletEvents(id: string) {
  return useQuery({
    queryKey: ['wallets', id, 'events'],
    queryFn: async ({ signal }) => {
      const { data, error, response } = await api.GET('/api/v3/wallets/{id}/events', {
        params: { path: { id }, query: { limit: 50 } },
        signal,
      });
      if (!data) throw ApiError.of(response, error);
      return data.events;
    },
    enabled: id !== '',
  });
}

/** GET /api/v3/events/:id/analysis; null when the event is not analysed yet (the API's 404). */
export function useEventAnalysis(id: string) {
  return useQuery({
    queryKey: ['events', id, 'analysis'],
    queryFn: async ({ signal }) => {
      const { data, error, response } = await api.GET('/api/v3/events/{id}/analysis', { params: { path: { id } }, signal });
      if (response.status === 404) return null;
      if (!data) throw ApiError.of(response, error);
      return data.analysis;
    },
    retry: (n, e) => !(e instanceof ApiError && e.status < 500) && n < 1,
  });
}
