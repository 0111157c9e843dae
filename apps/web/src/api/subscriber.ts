import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { signUsdSend, usdSendOf } from './bill-signing';
import { api, ApiError, type Schemas } from './client';
import { useSession } from './session';

export type Deployment = Schemas['DeploymentView'];
export type Position = Schemas['PositionView'];
export type Bill = Schemas['BillListItem'];
export type PolicyView = Schemas['PolicyView'];
export type PolicyInput = Schemas['PolicyDto'];
export type NotificationSettings = Schemas['NotificationSettingsResponse'];
export type NotificationSettingsInput = Schemas['NotificationSettingsDto'];

/** Every query of the signed-in wallet starts with this key: signing out or a live event drops them together. */
export const ME = 'me';

/**
 * The signed-in wallet's bearer token as headers, and what to do with an answer: a 401 (an expired or revoked token)
 * ends the session, so the header asks to sign in again; any other error is thrown with the API's messages.
 */
export function useAuthed() {
  const { session, expire } = useSession();
  const headers = { authorization: `Bearer ${session?.token ?? ''}` };
  function check<T>(result: { data?: T; error?: unknown; response: Response }): T {
    if (result.response.status === 401) expire();
    if (result.data === undefined) throw ApiError.of(result.response, result.error);
    return result.data;
  }
  return { session, headers, check };
}

export function useMyDeployments() {
  const { session, headers, check } = useAuthed();
  return useQuery({
    queryKey: [ME, session?.address, 'deployments'],
    enabled: !!session,
    queryFn: async ({ signal }) => check(await api.GET('/api/v3/deployments', { headers, signal })).deployments,
  });
}

export function usePositions(deploymentId: string) {
  const { session, headers, check } = useAuthed();
  return useQuery({
    queryKey: [ME, session?.address, 'positions', deploymentId],
    enabled: !!session,
    queryFn: async ({ signal }) =>
      check(await api.GET('/api/v3/positions', { headers, signal, params: { query: { deployment_id: deploymentId, status: 'OPEN' } } }))
        .positions,
  });
}

/** Bills a page of /me's list. */
export const BILL_PAGE = 10;

/**
 * A page of a deployment's bills, newest first; the page on screen stays while the next loads. While a signed live
 * bill is still PENDING (the venue refused an attempt and billing retries it, or the answer came before the outcome),
 * the page is read again every 3 s until it is collected or failed.
 */
export function useBills(deploymentId: string, offset = 0) {
  const { session, headers, check } = useAuthed();
  return useQuery({
    queryKey: [ME, session?.address, 'bills', deploymentId, offset],
    enabled: !!session,
    queryFn: async ({ signal }) =>
      check(
        await api.GET('/api/v3/billing/events', {
          headers,
          signal,
          params: { query: { deployment_id: deploymentId, limit: BILL_PAGE, offset } },
        }),
      ).events,
    placeholderData: keepPreviousData,
    refetchInterval: (query) => (query.state.data?.some((b) => b.status === 'PENDING' && b.metadata?.user_signature) ? 3_000 : false),
  });
}

/**
 * Paying a live bill and retrying a failed one. A live bill (metadata.usd_send) is signed by the wallet first
 * (eth_signTypedData_v4 of its usdSend: Hyperliquid moves the funds only on the master wallet's signature); pay posts
 * the signature (POST /billing/events/:id/signature). Retry takes no signature: a live bill comes back PENDING with a
 * fresh usdSend (a new nonce), which the user then signs with "Sign and pay". Each
 * answers the bill once billing has collected it or the venue refused the attempt; then /me's queries are refetched, so
 * the bill's new status shows. A wallet refusal throws before anything is sent.
 */
export function useBillActions() {
  const { session, headers, check } = useAuthed();
  const queries = useQueryClient();
  const refresh = () => queries.invalidateQueries({ queryKey: [ME] });
  const sign = (bill: Bill) => {
    const send = usdSendOf(bill.metadata);
    if (!send || !session) throw new Error('This bill has nothing to sign.');
    return signUsdSend(session.address, send);
  };
  return {
    pay: useMutation({
      mutationFn: async (bill: Bill) => {
        const body = await sign(bill);
        return check(await api.POST('/api/v3/billing/events/{id}/signature', { params: { path: { id: bill.id } }, headers, body })).event;
      },
      onSettled: refresh,
    }),
    retry: useMutation({
      mutationFn: async (bill: Bill) => {
        return check(await api.POST('/api/v3/billing/events/{id}/retry', { params: { path: { id: bill.id } }, headers, body: {} })).event;
      },
      onSettled: refresh,
    }),
  };
}

export function usePolicy(deploymentId: string) {
  const { session, headers, check } = useAuthed();
  return useQuery({
    queryKey: [ME, session?.address, 'policy', deploymentId],
    enabled: !!session,
    queryFn: async ({ signal }) =>
      check(await api.GET('/api/v3/deployments/{id}/policy', { headers, signal, params: { path: { id: deploymentId } } })),
  });
}

export function useNotificationSettings() {
  const { session, headers, check } = useAuthed();
  return useQuery({
    queryKey: [ME, session?.address, 'notification-settings'],
    enabled: !!session,
    queryFn: async ({ signal }) => check(await api.GET('/api/v3/notifications/settings', { headers, signal })),
  });
}

/** The wallet's actions: each refreshes what it changed once the API has answered. */
export function useMyActions() {
  const { headers, check } = useAuthed();
  const queries = useQueryClient();
  const refresh = () => queries.invalidateQueries({ queryKey: [ME] });
  const path = (id: string) => ({ params: { path: { id } }, headers });
  return {
    closePosition: useMutation({
      mutationFn: async (id: string) => check(await api.POST('/api/v3/positions/{id}/close', { ...path(id), body: { reason: 'MANUAL' } })),
      onSettled: refresh,
    }),
    stop: useMutation({
      mutationFn: async (id: string) => check(await api.POST('/api/v3/deployments/{id}/stop', path(id))),
      onSettled: refresh,
    }),
    killSwitch: useMutation({
      mutationFn: async ({ id, enabled }: { id: string; enabled: boolean }) =>
        check(await api.POST('/api/v3/deployments/{id}/kill-switch', { ...path(id), body: { enabled } })),
      onSettled: refresh,
    }),
    savePolicy: useMutation({
      mutationFn: async ({ id, policy }: { id: string; policy: PolicyInput }) =>
        check(await api.PUT('/api/v3/deployments/{id}/policy', { ...path(id), body: policy })),
      onSuccess: refresh,
    }),
    saveNotifications: useMutation({
      mutationFn: async (settings: NotificationSettingsInput) =>
        check(await api.PUT('/api/v3/notifications/settings', { headers, body: settings })),
      onSuccess: refresh,
    }),
  };
}

/** The stream's events that change what /me shows. */
const LIVE_EVENTS = ['position.opened', 'position.closed', 'notification'] as const;

/**
 * While signed in, GET /api/v3/stream (server-sent events; EventSource sends no headers, so the token goes as ?token=):
 * each event refreshes the wallet's cached queries, so a position opened by a signal shows without a reload; `expired`
 * ends the session. Closed on sign-out and when the page goes.
 */
export function useLiveUpdates() {
  const { session, expire } = useSession();
  const queries = useQueryClient();
  const token = session?.token;
  useEffect(() => {
    if (!token) return;
    const source = new EventSource(`/api/v3/stream?token=${encodeURIComponent(token)}`);
    const refresh = () => void queries.invalidateQueries({ queryKey: [ME] });
    source.addEventListener('ready', refresh); // what happened before the stream listened
    for (const event of LIVE_EVENTS) source.addEventListener(event, refresh);
    source.addEventListener('expired', () => {
      source.close();
      expire();
    });
    return () => source.close();
  }, [token, queries, expire]);
}
