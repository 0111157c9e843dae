import { describe, expect, it } from 'vitest';
import { page } from 'vitest/browser';
import { render } from 'vitest-browser-react';
import { ReportMarkdown } from './ReportMarkdown';

const MD = [
  '# Summary',
  '',
  '## Agents',
  '',
  '| Agent | PnL |',
  '|---|---:|',
  '| Alpha | +$1.50 |',
  '',
  '<img src=x onerror="alert(1)"><b>bold</b>',
].join('\n');

describe('ReportMarkdown', () => {
  it('renders headings a level down and a GFM table in a focusable scroll region', async () => {
    const screen = await render(<ReportMarkdown markdown={MD} />);
    await expect.element(page.getByRole('heading', { level: 2, name: 'Summary' })).toBeVisible();
    await expect.element(page.getByRole('heading', { level: 3, name: 'Agents' })).toBeVisible();
    const region = page.getByRole('region', { name: 'Report table' });
    await expect.element(region).toHaveAttribute('tabindex', '0');
    await expect.element(page.getByRole('cell', { name: '+$1.50' })).toBeVisible();
    expect(screen.container.querySelector('h1')).toBeNull();
  });

  it('never renders raw HTML', async () => {
    const screen = await render(<ReportMarkdown markdown={MD} />);
    await expect.element(page.getByRole('heading', { level: 2, name: 'Summary' })).toBeVisible();
    expect(screen.container.querySelector('img, b, [onerror]')).toBeNull();
  });
});
