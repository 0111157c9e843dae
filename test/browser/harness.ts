import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

/**
 * The web app's browser tests: Debian's Chromium (CHROMIUM_PATH, default /usr/bin/chromium) driven by playwright-core,
 * never a downloaded browser. A Chromium that is missing or does not start fails the test naming the package; nothing
 * is skipped. Each page is checked with axe-core (no serious or critical violation), must log no console error, and
 * is photographed under tmp/screenshots/.
 */
export const ROOT = resolve(__dirname, '..', '..');
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

/** Builds the web app with vite into `outDir` (the tests serve a build of the sources they run with, not a stale dist/). */
export function buildWebApp(outDir: string): Promise<void> {
  const vite = join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js');
  return new Promise((ok, fail) =>
    execFile(
      process.execPath,
      [vite, 'build', '--config', 'apps/web/vite.config.ts', '--outDir', outDir, '--emptyOutDir', '--logLevel', 'warn'],
      { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 },
      (e, _out, err) => (e ? fail(new Error(`vite build failed: ${err || e.message}`)) : ok()),
    ),
  );
}

/** Every file a web build depends on: the app's sources and configuration, and the lockfile. */
async function webSources(dir = join(ROOT, 'apps', 'web')): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await webSources(path)));
    else if (!entry.name.endsWith('.test.tsx') && !entry.name.endsWith('.test.ts')) out.push(path);
  }
  return out.sort();
}

/**
 * The web app built from the sources as they are now, once for every browser spec of a run: under
 * tmp/web-build/<hash of the sources and the lockfile>, built into a directory of its own and renamed into place (a
 * build another process finished first is used as it is). Answers the directory to serve (the gateway's WEB_DIR).
 */
export async function webBuild(): Promise<string> {
  const hash = createHash('sha256');
  for (const file of [...(await webSources()), join(ROOT, 'package-lock.json')]) hash.update(file).update(await readFile(file));
  const dir = join(ROOT, 'tmp', 'web-build', hash.digest('hex').slice(0, 16));
  if (existsSync(join(dir, 'index.html'))) return dir;
  const building = `${dir}.${process.pid}`;
  await buildWebApp(building);
  await rename(building, dir).catch(async (e) => {
    if (!existsSync(join(dir, 'index.html'))) throw e;
    await rm(building, { recursive: true, force: true });
  });
  return dir;
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

/** axe-core's serious and critical violations on the page as it stands, one line each (rule, help, the elements). */
export async function seriousViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: AXE });
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
