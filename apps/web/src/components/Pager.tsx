export interface PagerProps {
  /** The nav's accessible name, e.g. "Audit pages". */
  label: string;
  /** The first row of this page (the API's `offset`). */
  offset: number;
  /** The API's `limit`: a page shorter than it is the last one. */
  pageSize: number;
  /** How many rows this page holds. */
  count: number;
  /** Goes to the page starting at this offset. */
  onPage: (offset: number) => void;
  /** While a page loads: both buttons wait. */
  busy?: boolean;
}

/**
 * Previous and next page of an offset-paged list, the one pager of the app: a nav named by `label`, "Page N", and native
 * buttons disabled at the ends (no previous on the first page; no next once a page comes back shorter than `pageSize`).
 */
export function Pager({ label, offset, pageSize, count, onPage, busy = false }: PagerProps) {
  const first = offset <= 0;
  const last = count < pageSize;
  if (first && last) return null; // one page: nothing to move to
  return (
    <nav className="pager" aria-label={label}>
      <button type="button" disabled={first || busy} onClick={() => onPage(Math.max(0, offset - pageSize))}>
        Previous page
      </button>
      <span className="pager-page" aria-live="polite">
        Page {Math.floor(offset / pageSize) + 1}
      </span>
      <button type="button" disabled={last || busy} onClick={() => onPage(offset + pageSize)}>
        Next page
      </button>
    </nav>
  );
}
