import { describe, expect, it } from 'vitest';
import { AUDIT_PAGE, auditQuery, isoToLocal, localToIso, readAuditFilters, readOffset, writeAuditParams } from './audit-params';

describe('audit search parameters', () => {
  it('reads the filters from the URL and sends only those that are set', () => {
    const params = new URLSearchParams('action=v3.operator.login&trace_id=%20abc-12345678%20&offset=50&junk=1');
    const filters = readAuditFilters(params);
    expect(filters.action).toBe('v3.operator.login');
    expect(filters.trace_id).toBe('abc-12345678');
    expect(auditQuery(filters, readOffset(params))).toEqual({
      limit: AUDIT_PAGE,
      offset: 50,
      action: 'v3.operator.login',
      trace_id: 'abc-12345678',
    });
  });

  it('keeps the offset on a page boundary, never negative or junk', () => {
    expect(readOffset(new URLSearchParams('offset=60'))).toBe(50);
    expect(readOffset(new URLSearchParams('offset=-25'))).toBe(0);
    expect(readOffset(new URLSearchParams('offset=abc'))).toBe(0);
  });

  it('writes a URL of the set filters, the offset only past the first page', () => {
    const filters = readAuditFilters(new URLSearchParams('entity_type=deployment'));
    expect(writeAuditParams(filters).toString()).toBe('entity_type=deployment');
    expect(writeAuditParams(filters, 25).toString()).toBe('entity_type=deployment&offset=25');
  });

  it('turns a datetime-local value into an instant and back, in the reader zone', () => {
    const iso = localToIso('2026-06-15T09:30');
    expect(new Date(iso).getHours()).toBe(9);
    expect(isoToLocal(iso)).toBe('2026-06-15T09:30');
    expect(localToIso('')).toBe('');
    expect(isoToLocal('not a time')).toBe('');
  });
});
