import { useState } from 'react';
import { describe, expect, it } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import { render } from 'vitest-browser-react';
import { Pager } from './Pager';

/** 23 rows, 10 a page: pages of 10, 10 and 3. */
function List({ busy = false }: { busy?: boolean }) {
  const [offset, setOffset] = useState(0);
  const count = Math.max(0, Math.min(10, 23 - offset));
  return (
    <>
      <p data-testid="offset">{offset}</p>
      <Pager label="Row pages" offset={offset} pageSize={10} count={count} onPage={setOffset} busy={busy} />
    </>
  );
}

const nav = () => page.getByRole('navigation', { name: 'Row pages' });
const previous = () => page.getByRole('button', { name: 'Previous page' });
const next = () => page.getByRole('button', { name: 'Next page' });

describe('Pager', () => {
  it('is a named nav with "Page N", previous disabled on the first page and next on the last', async () => {
    await render(<List />);
    await expect.element(nav()).toBeVisible();
    await expect.element(nav()).toHaveTextContent('Page 1');
    await expect.element(previous()).toBeDisabled();
    await expect.element(next()).toBeEnabled();

    await next().click();
    await expect.element(nav()).toHaveTextContent('Page 2');
    await expect.element(page.getByTestId('offset')).toHaveTextContent('10');
    await expect.element(previous()).toBeEnabled();

    await next().click();
    await expect.element(nav()).toHaveTextContent('Page 3');
    await expect.element(page.getByTestId('offset')).toHaveTextContent('20');
    await expect.element(next()).toBeDisabled();

    await previous().click();
    await expect.element(nav()).toHaveTextContent('Page 2');
  });

  it('works from the keyboard: the buttons are native ones in the tab order', async () => {
    await render(<List />);
    (next().element() as HTMLButtonElement).focus();
    await userEvent.keyboard('{Enter}');
    await expect.element(nav()).toHaveTextContent('Page 2');
    (previous().element() as HTMLButtonElement).focus();
    await userEvent.keyboard(' ');
    await expect.element(nav()).toHaveTextContent('Page 1');
  });

  it('waits while a page loads, and shows nothing for a list of one page', async () => {
    await render(<List busy />);
    await expect.element(next()).toBeDisabled();
    await render(<Pager label="Short" offset={0} pageSize={10} count={3} onPage={() => {}} />);
    expect(page.getByRole('navigation', { name: 'Short' }).query()).toBeNull();
  });
});
