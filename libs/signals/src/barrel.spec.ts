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

describe('the signals barrel', () => {
  it('loads the OpenAI client library only when the LLM classifier is used', () => {
    const lexicon = loadedAfter(`const s = require('./libs/signals/src'); new s.LexiconClassifier()`);
    expect(lexicon).toContain('sentiment');
    expect(lexicon).not.toContain('openai');
    const llm = loadedAfter(
      `const s = require('./libs/signals/src'); if (typeof s.OpenAiCompatibleClassifier !== 'function') process.exit(2)`,
    );
    expect(llm).toContain('openai');
  }, 30_000);

  it('loads the OpenAI client library only when the LLM trader is used, not for the rules models', () => {
    const rules = loadedAfter(
      `const s = require('./libs/signals/src'); s.traderMessages(require('./libs/domain/src/trader/fixtures').traderSnapshot()); ` +
        `new s.TraderRouter(null); s.parseTraderDecision('{}')`,
    );
    expect(rules).toContain('lossless-json');
    expect(rules).not.toContain('openai');
    const llm = loadedAfter(`const s = require('./libs/signals/src'); if (typeof s.OpenAiCompatibleTrader !== 'function') process.exit(2)`);
    expect(llm).toContain('openai');
  }, 30_000);

  it('loads the OpenAI client library only when the wallet event analyst is used, not to parse its answers', () => {
    const parsing = loadedAfter(`const s = require('./libs/signals/src'); s.parseEventAnalysis('{}', 'ETH')`);
    expect(parsing).toContain('lossless-json');
    expect(parsing).not.toContain('openai');
    const llm = loadedAfter(
      `const s = require('./libs/signals/src'); if (typeof s.OpenAiCompatibleEventAnalyst !== 'function') process.exit(2)`,
    );
    expect(llm).toContain('openai');
  }, 30_000);

  it('still exports the LLM classifier and its prompt', async () => {
    const signals = await import('./index');
    expect(signals.OpenAiCompatibleClassifier.name).toBe('OpenAiCompatibleClassifier');
    expect(signals.CLASSIFIER_SYSTEM_PROMPT).toEqual(expect.any(String));
    expect(typeof signals.classifierUserMessage).toBe('function');
    expect(signals.OpenAiCompatibleTrader.name).toBe('OpenAiCompatibleTrader');
  });
});
