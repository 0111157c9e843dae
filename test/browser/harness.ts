import { existsSync, readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { ROOT } from './web-build';

/**
 * The web app's browser tests: Debian's Chromium (CHROMIUM_PATH, default /usr/bin/chromium) driven by playwright-core,
 * never a downloaded browser. A Chromium that is missing or does not start fails the test naming the package; nothing
 * is skipped. Each page is checked with axe-core (no serious or critical violation), must log no console error, and
 * is photographed under tmp/screenshots/.
 */
export { buildWebApp, ROOT, webBuild } from './web-build';
export const SCREENSHOTS = join(ROOT, 'tmp', 'screenshots');
export const VIEWPORTS = { desktop: { width: 1280, height: 800 }, phone: { width: 390, height: 844 } } as const;
export type Viewport = (typeof VIEWPORTS)[keyof typeof VIEWPORTS];

export async function launchChromium(): Promise<Browser> {
  const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  const install = `install Debian's chromium package (apt-get install -y chromium; .ci/run does) or set CHROMIUM_PATH`;
  if (!existsSync(executablePath)) throw new Error(`no Chromium at ${executablePath}: ${install}`);
  try {
    return await chromium.launch({ executablePath, headless: true });
  } catch (e) {
    throw new Error(`Chromium at ${executablePath} did not start (${(e as Error).message.split('\n')[0]}): ${install}`);
  }
}

/**
 * A page at a viewport that records every console error, uncaught exception and failed request it meets; a failed
 * expectTexts names them.
 */
export async function openPage(browser: Browser, viewport: Viewport, colorScheme: 'light' | 'dark' = 'light') {
  const context = await browser.newContext({ viewport, colorScheme, locale: 'en-US', timezoneId: 'America/New_York' });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(`console: ${m.text()}`));
  page.on('pageerror', (e) => errors.push(`uncaught: ${e.message}`));
  // A request the page cancels itself (TanStack Query aborts a fetch nobody waits for any more) is not a failure.
  page.on('requestfailed', (r) => {
    const why = r.failure()?.errorText ?? '';
    if (why !== 'net::ERR_ABORTED') errors.push(`request failed: ${r.method()} ${r.url()} ${why}`);
  });
  page.on('response', (r) => r.status() >= 400 && errors.push(`HTTP ${r.status()}: ${r.request().method()} ${r.url()}`));
  pageErrors.set(page, errors);
  return { page, errors, close: () => context.close() };
}

const pageErrors = new WeakMap<Page, string[]>();

const AXE = join(ROOT, 'node_modules', 'axe-core', 'axe.min.js');

/**
 * axe-core's serious and critical violations on the page as it stands, one line each (rule, help, the elements), in
 * the light and the dark theme both: the page is checked in its theme, then with <html data-theme> set to the other
 * (the style sheets key on it), then put back.
 */
export async function seriousViolations(page: Page): Promise<string[]> {
  // Evaluated rather than added as a <script>: the dashboard's CSP allows no script that is not its own.
  if (!(await page.evaluate(() => 'axe' in globalThis))) await page.evaluate(readFileSync(AXE, 'utf8'));
  const original = await page.evaluate(() => ((globalThis as any).document.documentElement.dataset.theme as string | undefined) ?? null);
  const found: string[] = [];
  for (const theme of original === 'dark' ? ['dark', 'light'] : ['light', 'dark']) {
    await page.evaluate((t) => ((globalThis as any).document.documentElement.dataset.theme = t), theme);
    found.push(...(await axeRun(page)).map((v) => `${theme}: ${v}`));
  }
  await page.evaluate((t) => {
    const root = (globalThis as any).document.documentElement;
    if (t === null) delete root.dataset.theme;
    else root.dataset.theme = t;
  }, original);
  return found;
}

async function axeRun(page: Page): Promise<string[]> {
  const violations = await page.evaluate(async () => {
    const axe = (globalThis as any).axe;
    const result = await axe.run({ exclude: [] }, { resultTypes: ['violations'] });
    return result.violations.map((v: any) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n: any) => n.target.join(' ')),
    })) as { id: string; impact: string; help: string; nodes: string[] }[];
  });
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.slice(0, 5).join(', ')})`);
}

/** Writes tmp/screenshots/<name>-<width>.png of the whole page. */
export async function screenshot(page: Page, name: string): Promise<string> {
  await mkdir(SCREENSHOTS, { recursive: true });
  const file = join(SCREENSHOTS, `${name}-${page.viewportSize()!.width}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/**
 * Waits (in the page, no sleeps) until the elements the selector matches hold exactly these texts, in this order;
 * otherwise fails with the texts they hold.
 */
export async function expectTexts(page: Page, selector: string, expected: string[], timeout = 10_000): Promise<void> {
  const want = JSON.stringify(expected);
  try {
    await page.waitForFunction(
      ({ selector, want }) => {
        const nodes = (globalThis as any).document.querySelectorAll(selector) as ArrayLike<{ textContent: string | null }>;
        return JSON.stringify(Array.from(nodes, (n) => (n.textContent ?? '').trim())) === want;
      },
      { selector, want },
      { timeout },
    );
  } catch {
    const texts = (await page.locator(selector).allTextContents()).map((t) => t.trim());
    const errors = pageErrors.get(page) ?? [];
    throw new Error(
      `${selector}: expected ${want}, found ${JSON.stringify(texts)}${errors.length ? `; the page: ${errors.join('; ')}` : ''}`,
    );
  }
}

/** How many pixels of the canvases under a selector are painted (the charts draw on canvas: none painted, no chart). */
export const paintedPixels = (page: Page, selector: string) =>
  page.locator(selector).evaluateAll((canvases: any[]) => {
    let painted = 0;
    for (const canvas of canvases) {
      const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
      for (let i = 3; i < data.length; i += 4) if (data[i] > 0) painted++;
    }
    return painted;
  });

/** Debian's Chromium for the suite: launched in its beforeAll, closed in its afterAll; read `.browser` inside tests. */
export function useBrowser(): { browser: Browser } {
  const holder = {} as { browser: Browser };
  beforeAll(async () => {
    holder.browser = await launchChromium();
  });
  afterAll(() => holder.browser?.close());
  return holder;
}
