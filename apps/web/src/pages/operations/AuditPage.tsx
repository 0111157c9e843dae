import { useState, type FormEvent } from 'react';
import { useSearchParams } from 'react-router';
import { ApiError } from '../../api/client';
import { useAudit, type AuditEntry } from '../../api/operations';
import { Pager } from '../../components/Pager';
import { formatTime } from '../../format/time';
import {
  AUDIT_PAGE,
  auditQuery,
  isoToLocal,
  localToIso,
  readAuditFilters,
  readOffset,
  writeAuditParams,
  type AuditFilter,
  type AuditFilters,
} from './audit-params';
import { OperatorGate } from './OperatorGate';

const TEXT_FIELDS: { name: AuditFilter; label: string; hint?: string }[] = [
  { name: 'action', label: 'Action', hint: 'e.g. v3.operator.login' },
  { name: 'entity_type', label: 'Entity type', hint: 'e.g. deployment' },
  { name: 'entity_id', label: 'Entity id' },
  { name: 'user_id', label: 'Operator id' },
  { name: 'wallet', label: 'Wallet' },
  { name: 'trace_id', label: 'Trace id' },
];

/** Operators: the audit trail (GET /api/v3/admin/audit), every filter in the URL, a page of 25 at a time. */
export function AuditPage() {
  return (
    <OperatorGate title="Audit trail">
      <AuditSearch />
    </OperatorGate>
  );
}

function AuditSearch() {
  const [params, setParams] = useSearchParams();
  const applied = readAuditFilters(params);
  const offset = readOffset(params);
  const [draft, setDraft] = useState<AuditFilters>(applied);
  const audit = useAudit(auditQuery(applied, offset));
  const entries = audit.data?.entries ?? [];

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setParams(writeAuditParams(draft));
  };
  const page = (to: number) => setParams(writeAuditParams(applied, to));

  return (
    <>
      <h1>Audit trail</h1>
      <form className="audit-filters" aria-label="Audit filters" onSubmit={submit}>
        {TEXT_FIELDS.map((f) => (
          <label key={f.name}>
            {f.label}
            <input
              name={f.name}
              placeholder={f.hint}
              value={draft[f.name]}
              onChange={(e) => setDraft({ ...draft, [f.name]: e.target.value.trim() })}
            />
          </label>
        ))}
        <label>
          From
          <input
            type="datetime-local"
            name="from"
            value={isoToLocal(draft.from)}
            onChange={(e) => setDraft({ ...draft, from: localToIso(e.target.value) })}
          />
        </label>
        <label>
          Until
          <input
            type="datetime-local"
            name="to"
            value={isoToLocal(draft.to)}
            onChange={(e) => setDraft({ ...draft, to: localToIso(e.target.value) })}
          />
        </label>
        <div className="form-actions">
          <button type="submit">Search</button>
        </div>
      </form>
      {audit.isError ? (
        <p role="alert" className="error">
          The audit trail could not be searched: {audit.error instanceof ApiError ? audit.error.message : 'the API did not answer'}.
        </p>
      ) : audit.isPending ? (
        <p role="status">Searching the audit trail…</p>
      ) : (
        <>
          <p className="meta" role="status">
            {entries.length === 0
              ? offset > 0
                ? 'No more entries.'
                : 'No entry matches.'
              : `Entries ${offset + 1}–${offset + entries.length}${entries.length === AUDIT_PAGE ? ' (more on the next page)' : ''}`}
            {audit.isFetching ? ' (searching…)' : ''}
          </p>
          {entries.length > 0 && <AuditTable entries={entries} />}
          <Pager label="Audit pages" offset={offset} pageSize={AUDIT_PAGE} count={entries.length} onPage={page} busy={audit.isFetching} />
        </>
      )}
    </>
  );
}

function AuditTable({ entries }: { entries: AuditEntry[] }) {
  return (
    <div className="table-scroll" role="region" aria-label="Audit entries" tabIndex={0}>
      <table className="audit">
        <thead>
          <tr>
            <th scope="col">Time</th>
            <th scope="col">Action</th>
            <th scope="col">Entity</th>
            <th scope="col">Actor</th>
            <th scope="col">Trace</th>
            <th scope="col">Details</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((e) => (
            <tr key={e.id}>
              <td>{formatTime(new Date(e.occurred_at))}</td>
              <th scope="row" className="action">
                {e.action}
              </th>
              <td>{e.entity_type ? `${e.entity_type}${e.entity_id ? ` ${e.entity_id}` : ''}` : '—'}</td>
              <td>{[e.actor, e.wallet, e.ip_address].filter(Boolean).join(' · ') || '—'}</td>
              <td className="mono">{e.trace_id ?? '—'}</td>
              <td>
                {e.payload ? (
                  <details>
                    <summary>Payload</summary>
                    <pre>{JSON.stringify(e.payload, null, 2)}</pre>
                  </details>
                ) : (
                  '—'
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
