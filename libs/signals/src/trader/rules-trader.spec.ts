import { RULES_MODELS, rulesDecision, TraderSnapshot } from '@conduit/domain';
// eslint-disable-next-line @nx/enforce-module-boundaries -- test-only: the trader snapshot fixtures
import { traderMarket, traderSnapshot } from '../../../domain/src/trader/fixtures';
// eslint-disable-next-line @nx/enforce-module-boundaries -- test-only: the local OpenAI server lives in the testing lib
import { OpenAiServer, startOpenAiServer } from '../../../testing/src/llm/openai-server';
import { OpenAiCompatibleTrader } from './llm-trader';
import { traderMessages } from './prompt';
import { RulesTrader, TraderRouter } from './rules-trader';
import type { TraderBrain } from './run';

const trending = traderSnapshot({ markets: [traderMarket('BTC', { change4h: '0.031', change1h: '0.004' })] });

describe('RulesTrader', () => {
  it('answers rules:momentum through the same JSON text and validation as a model', async () => {
    const run = await new RulesTrader().decide(trending, 'rules:momentum');
    expect(run).toMatchObject({ status: 'success', model: 'rules:momentum', error: null, usage: null });
    expect(run.decision).toEqual(rulesDecision('rules:momentum', trending));
    expect(run.decision).toMatchObject({ action: 'OPEN_LONG', coin: 'BTC', size_usd: '1000', stop_loss_price: '63700' });
    expect(JSON.parse(run.rawResponse!)).toMatchObject({ action: 'OPEN_LONG', size_usd: 1000, leverage: 3, stop_loss_price: 63700 });
    expect(run.prompt).toBe(JSON.stringify(traderMessages(trending)));
    expect(run.latencyMs).toBeGreaterThanOrEqual(0);
  });

  it('answers every listed rules model, and fails an unknown one', async () => {
    for (const model of RULES_MODELS) expect((await new RulesTrader().decide(trending, model)).status).toBe('success');
    const run = await new RulesTrader().decide(trending, 'rules:mystery');
    expect(run).toMatchObject({ status: 'failed', decision: null, rawResponse: null });
    expect(run.error).toBe('unknown rules model "rules:mystery" (known: rules:momentum, rules:hold)');
  });
});

describe('TraderRouter', () => {
  let server: OpenAiServer;
  beforeEach(async () => {
    server = await startOpenAiServer();
  });
  afterEach(() => server.close());
  const llm = () => new OpenAiCompatibleTrader({ baseUrl: `${server.url}/v1`, apiKey: server.apiKey, timeoutMs: 5000 });

  it('sends rules: models to the rules and the others to the LLM', async () => {
    const router = new TraderRouter(llm());
    expect(await router.decide(trending, 'rules:momentum')).toMatchObject({ status: 'success', decision: { action: 'OPEN_LONG' } });
    expect(server.requests).toHaveLength(0);
    expect(await router.decide(trending, 'gpt-4o-mini')).toMatchObject({ status: 'success', decision: { action: 'HOLD' } });
    expect(server.requests.map((r) => r.model)).toEqual(['gpt-4o-mini']);
  });

  it('fails an LLM model when no endpoint is configured, and a brain that throws', async () => {
    const none = await new TraderRouter(null).decide(trending, 'gpt-4o');
    expect(none).toMatchObject({
      status: 'failed',
      error: 'no LLM endpoint is configured for model "gpt-4o" (set LLM_BASE_URL, or use a rules: model)',
    });
    expect(none.prompt).toBe(JSON.stringify(traderMessages(trending)));
    const throwing: TraderBrain = {
      decide: async () => {
        throw new Error('boom');
      },
    };
    const broken: TraderSnapshot = { ...trending, account: { ...trending.account, equity: 'not a number' } };
    expect(await new TraderRouter(throwing).decide(trending, 'gpt-4o')).toMatchObject({ status: 'failed', error: 'boom' });
    expect(await new TraderRouter(null).decide(broken, 'rules:momentum')).toMatchObject({ status: 'failed', error: expect.any(String) });
  });
});
