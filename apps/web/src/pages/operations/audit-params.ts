import type { AuditParams } from '../../api/operations';

/** The audit search's filters, as the URL keeps them (`?action=…&from=…&offset=50`): the API's own names. */
export const AUDIT_FILTERS = ['user_id', 'wallet', 'entity_type', 'entity_id', 'action', 'trace_id', 'from', 'to'] as const;
export type AuditFilter = (typeof AUDIT_FILTERS)[number];
export type AuditFilters = Record<AuditFilter, string>;
export const AUDIT_PAGE = 25;

export function readAuditFilters(params: URLSearchParams): AuditFilters {
  return Object.fromEntries(AUDIT_FILTERS.map((f) => [f, params.get(f)?.trim() ?? ''])) as AuditFilters;
}

export function readOffset(params: URLSearchParams): number {
  const n = Number.parseInt(params.get('offset') ?? '', 10);
  return Number.isFinite(n) && n > 0 ? n - (n % AUDIT_PAGE) : 0;
}

/** The URL of a search: the filters that are set, and the offset when past the first page. */
export function writeAuditParams(filters: AuditFilters, offset = 0): URLSearchParams {
  const out = new URLSearchParams();
  for (const f of AUDIT_FILTERS) if (filters[f]) out.set(f, filters[f]);
  if (offset > 0) out.set('offset', String(offset));
  return out;
}

/** The API's query: the filters that are set, a page of AUDIT_PAGE. */
export function auditQuery(filters: AuditFilters, offset: number): AuditParams {
  const q: AuditParams = { limit: AUDIT_PAGE, offset };
  for (const f of AUDIT_FILTERS) if (filters[f]) q[f] = filters[f];
  return q;
}

/** A datetime-local input's value (the reader's wall clock) as an ISO instant; '' stays ''. */
export function localToIso(local: string): string {
  if (!local) return '';
  const at = new Date(local);
  return Number.isNaN(at.getTime()) ? '' : at.toISOString();
}

/** An ISO instant as a datetime-local input's value in the reader's zone (minutes); '' or a bad value gives ''. */
export function isoToLocal(iso: string): string {
  const at = new Date(iso);
  if (!iso || Number.isNaN(at.getTime())) return '';
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}T${pad(at.getHours())}:${pad(at.getMinutes())}`;
}
