import { useState } from 'react';
import { describe, expect, it } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import { render } from 'vitest-browser-react';
import { SortHeader, type Order } from './SortHeader';

type Field = 'apr' | 'pnl' | 'name';

function Headers() {
  const [state, setState] = useState<{ sort: Field; order: Order }>({ sort: 'apr', order: 'desc' });
  const props = { ...state, onSort: (sort: Field, order: Order) => setState({ sort, order }) };
  return (
    <table>
      <thead>
        <tr>
          <SortHeader field="apr" {...props}>
            APR
          </SortHeader>
          <SortHeader field="pnl" {...props}>
            PnL
          </SortHeader>
          <SortHeader field="name" first="asc" {...props}>
            Name
          </SortHeader>
        </tr>
      </thead>
    </table>
  );
}

const header = (name: string) => page.getByRole('columnheader', { name });
const sortOf = (name: string) => header(name).element().getAttribute('aria-sort');

describe('SortHeader', () => {
  it('marks only the sorted column with aria-sort, and a click sorts by it or reverses it', async () => {
    await render(<Headers />);
    expect([sortOf('APR'), sortOf('PnL'), sortOf('Name')]).toEqual(['descending', null, null]);

    await page.getByRole('button', { name: 'APR' }).click();
    await expect.element(header('APR')).toHaveAttribute('aria-sort', 'ascending');
    expect(sortOf('PnL')).toBeNull();

    await page.getByRole('button', { name: 'PnL' }).click();
    await expect.element(header('PnL')).toHaveAttribute('aria-sort', 'descending');
    expect(sortOf('APR')).toBeNull();

    await page.getByRole('button', { name: 'Name' }).click();
    await expect.element(header('Name')).toHaveAttribute('aria-sort', 'ascending');
  });

  it('sorts from the keyboard: the header is a button in the tab order', async () => {
    await render(<Headers />);
    const button = page.getByRole('button', { name: 'PnL' });
    (button.element() as HTMLButtonElement).focus();
    await expect.element(button).toHaveFocus();
    await userEvent.keyboard('{Enter}');
    await expect.element(header('PnL')).toHaveAttribute('aria-sort', 'descending');
    await userEvent.keyboard(' ');
    await expect.element(header('PnL')).toHaveAttribute('aria-sort', 'ascending');
  });
});
