import { spawnSync } from 'child_process';
import { join } from 'path';

const ROOT = join(__dirname, '..', '..', '..');

/** Runs `script` in a fresh Node with the TypeScript loader; prints the packages then in require.cache. */
function loadedAfter(script: string): string[] {
  const code =
    `${script}; const loaded = new Set(); for (const f of Object.keys(require.cache)) { ` +
    `const m = /node_modules\\/((@[^/]+\\/)?[^/]+)/.exec(f); if (m) loaded.add(m[1]); } console.log(JSON.stringify([...loaded]));`;
  const run = spawnSync(process.execPath, ['-r', '@swc-node/register', '-e', code], { cwd: ROOT, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(run.stderr);
  return JSON.parse(run.stdout.trim().split('\n').pop()!);
}

describe('the venue barrel', () => {
  it('loads the Hyperliquid SDK only when a live adapter or action builder is used', () => {
    const paper =
      `const v = require('./libs/venue/src'); const { loadEnv } = require('./libs/config/src'); ` +
      `new v.VenueRegistry({ query: async () => [] }, loadEnv({ LIVE_TRADING: 'false' }))`;
    expect(loadedAfter(paper)).not.toContain('@nktkas/hyperliquid');
    const live = loadedAfter(`const v = require('./libs/venue/src'); if (typeof v.HyperliquidAdapter !== 'function') process.exit(2)`);
    expect(live).toContain('@nktkas/hyperliquid');
  }, 30_000);

  it('still exports the live adapters, as classes', async () => {
    const venue = await import('./index');
    expect(venue.HyperliquidAdapter.name).toBe('HyperliquidAdapter');
    expect(venue.OstiumAdapter.name).toBe('OstiumAdapter');
    expect(typeof venue.limitPrice).toBe('function');
    expect(venue.orderWire).toBe((await import('./hyperliquid/actions')).orderWire);
    expect(Object.keys(venue)).toEqual(expect.arrayContaining(['HyperliquidAdapter', 'OstiumAdapter', 'limitPrice', 'VenueRegistry']));
  });
});
