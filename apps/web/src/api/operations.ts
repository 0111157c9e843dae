import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, ApiError, type Schemas } from './client';
import type { operations } from './schema';

/**
 * The operators' side: who is signed in (the session is the HttpOnly cookie the API sets, so the app keeps no token),
 * sign-in and out, and the operator-only reads (services' state, queue depths, the audit trail, reports).
 */
export type OperatorUser = Schemas['OperatorUser'];
export type ServiceState = Schemas['ServiceState'];
export type QueueDepth = Schemas['QueueDepth'];
export type VenueStatus = Schemas['VenueStatusView'];
export type AuditEntry = Schemas['AuditEntry'];
export type ReportSummary = Schemas['ReportSummary'];
export type Report = Schemas['Report'];
export type AuditParams = NonNullable<operations['AdminController_audit']['parameters']['query']>;
export type ReportListParams = NonNullable<operations['ReportsController_list']['parameters']['query']>;
export type LoginBody = Schemas['LoginDto'];

/** Every operator-only query lives under this key: signing out drops them all. */
const OPS = 'ops';
const ME = ['operator', 'me'] as const;

/** A refused sign-in: the API's status and messages, and the fields it names (`totp_code`: 2FA is on, a code is needed). */
export class LoginRefused extends ApiError {
  constructor(
    status: number,
    messages: string[],
    readonly fields: string[],
  ) {
    super(status, messages);
  }
}

/** A 4xx is an answer, not a glitch: asking again would not change it. */
const retry = (failures: number, error: Error) => !(error instanceof ApiError && error.status < 500) && failures < 1;

/**
 * GET /api/v3/operators/me: the signed-in operator, or null when the API answers 401 (nobody is). With `ask` false it
 * only reads what is known already (undefined: not asked yet): public pages never call /me, whose 401 the browser logs.
 */
export function useOperator(ask = true) {
  return useQuery({
    enabled: ask,
    queryKey: ME,
    queryFn: async ({ signal }) => {
      const { data, error, response } = await api.GET('/api/v3/operators/me', { signal });
      if (response.status === 401) return null;
      if (!data) throw ApiError.of(response, error);
      return data;
    },
    retry,
    staleTime: 60_000,
  });
}

/** POST /api/v3/operators/login: the cookie is set by the answer; the operator is then known without asking again. */
export function useLogin() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (body: LoginBody) => {
      const { data, error, response } = await api.POST('/api/v3/operators/login', { body });
      if (!data) {
        const base = ApiError.of(response, error);
        const fields = (error as { fields?: unknown } | undefined)?.fields;
        throw new LoginRefused(base.status, base.messages, Array.isArray(fields) ? fields.map(String) : []);
      }
      return data;
    },
    onSuccess: (data) => {
      client.removeQueries({ queryKey: [OPS] });
      client.setQueryData(ME, {
        success: true,
        user: data.user,
        via: 'session',
        two_fa_enrolment_required: data.two_fa_enrolment_required,
      });
    },
  });
}

/** POST /api/v3/operators/logout: the API clears the cookie; every operator answer cached here goes too. */
export function useLogout() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async () => {
      const { data, error, response } = await api.POST('/api/v3/operators/logout');
      if (!data && response.status !== 401) throw ApiError.of(response, error);
    },
    onSuccess: () => {
      client.removeQueries({ queryKey: [OPS] });
      client.setQueryData(ME, null);
    },
  });
}

/** GET /api/v3/admin/state: each service's and LLM trader's last cycle. */
export function useServiceState() {
  return useQuery({
    queryKey: [OPS, 'state'],
    queryFn: async ({ signal }) => {
      const { data, error, response } = await api.GET('/api/v3/admin/state', { signal });
      if (!data) throw ApiError.of(response, error);
      return data;
    },
    retry,
    refetchInterval: 30_000,
  });
}

/** GET /api/v3/admin/queues: every BullMQ queue's job counts. */
export function useQueueDepths() {
  return useQuery({
    queryKey: [OPS, 'queues'],
    queryFn: async ({ signal }) => {
      const { data, error, response } = await api.GET('/api/v3/admin/queues', { signal });
      if (!data) throw ApiError.of(response, error);
      return data;
    },
    retry,
    refetchInterval: 10_000,
  });
}

/** GET /api/v3/admin/venues: each venue's health as the executor's venue sync last checked it. */
export function useVenueStatus() {
  return useQuery({
    queryKey: [OPS, 'venues'],
    queryFn: async ({ signal }) => {
      const { data, error, response } = await api.GET('/api/v3/admin/venues', { signal });
      if (!data) throw ApiError.of(response, error);
      return data;
    },
    retry,
    refetchInterval: 10_000,
  });
}

/** GET /api/v3/admin/audit with the filters given; the previous page stays on screen while the next loads. */
export function useAudit(query: AuditParams) {
  return useQuery({
    queryKey: [OPS, 'audit', query],
    queryFn: async ({ signal }) => {
      const { data, error, response } = await api.GET('/api/v3/admin/audit', { params: { query }, signal });
      if (!data) throw ApiError.of(response, error);
      return data;
    },
    retry,
    placeholderData: keepPreviousData,
  });
}

/** GET /api/v3/reports, by type and period. */
export function useReports(query: ReportListParams) {
  return useQuery({
    queryKey: [OPS, 'reports', query],
    queryFn: async ({ signal }) => {
      const { data, error, response } = await api.GET('/api/v3/reports', { params: { query }, signal });
      if (!data) throw ApiError.of(response, error);
      return data;
    },
    retry,
    placeholderData: keepPreviousData,
  });
}

/** GET /api/v3/reports/:id as JSON (its markdown, metrics and notable events). */
export function useReport(id: string) {
  return useQuery({
    queryKey: [OPS, 'report', id],
    queryFn: async ({ signal }) => {
      const { data, error, response } = await api.GET('/api/v3/reports/{id}', {
        params: { path: { id } },
        headers: { accept: 'application/json' },
        signal,
      });
      // The endpoint also answers the markdown alone (text/markdown); this app asks for JSON.
      if (!data || typeof data === 'string') throw ApiError.of(response, error);
      return data.report;
    },
    retry,
  });
}
