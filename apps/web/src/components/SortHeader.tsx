import type { ReactNode } from 'react';

export type Order = 'asc' | 'desc';

/**
 * A column header that sorts: a button inside the <th>, whose aria-sort says how the table is sorted by it (only the
 * sorted column carries one). Clicking the sorted column reverses the order; another column starts from `first`.
 */
export function SortHeader<K extends string>(props: {
  field: K;
  sort: K;
  order: Order;
  first?: Order;
  onSort(field: K, order: Order): void;
  children: ReactNode;
}) {
  const { field, sort, order, first = 'desc', onSort, children } = props;
  const active = field === sort;
  const next: Order = active ? (order === 'desc' ? 'asc' : 'desc') : first;
  return (
    <th scope="col" aria-sort={active ? (order === 'asc' ? 'ascending' : 'descending') : undefined}>
      <button type="button" className="sort-button" onClick={() => onSort(field, next)}>
        {children}
        <span className="sort-mark" aria-hidden="true">
          {active ? (order === 'asc' ? '▲' : '▼') : '↕'}
        </span>
      </button>
    </th>
  );
}
