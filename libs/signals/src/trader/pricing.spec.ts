import { DEFAULT_LLM_PRICES, llmCostUsd, llmPrice, llmPriceTable, parseLlmPrices } from './pricing';

const usage = (promptTokens: number, completionTokens: number) => ({ promptTokens, completionTokens });

describe('llmCostUsd', () => {
  it('prices prompt and completion tokens per million, exactly', () => {
    // 1234 × 2.50 + 567 × 10.00 = 3085 + 5670 = 8755 → 0.008755
    expect(llmCostUsd('gpt-4o', usage(1234, 567))).toBe('0.008755');
    // 1 × 0.15 + 1 × 0.60 → 0.00000075
    expect(llmCostUsd('gpt-4o-mini', usage(1, 1))).toBe('0.00000075');
    expect(llmCostUsd('gpt-4o', usage(0, 0))).toBe('0');
    const table = { m: { prompt: '0.1', completion: '0.2' } };
    // 0.1 + 0.2 is 0.3 in decimals (a double would give 0.30000000000000004)
    expect(llmCostUsd('m', usage(1_000_000, 1_000_000), table)).toBe('0.3');
    expect(llmCostUsd('m', usage(3, 7), { m: { prompt: '0.333333333333333333', completion: '1' } })).toBe('0.000007999999999999999999');
  });

  it('finds dated snapshots, provider prefixes and any case, but prices no other variant of a listed name', () => {
    expect(llmPrice('gpt-4o-mini-2024-07-18')).toEqual(DEFAULT_LLM_PRICES['gpt-4o-mini']);
    expect(llmPrice('claude-3-5-sonnet-20241022')).toEqual(DEFAULT_LLM_PRICES['claude-3-5-sonnet']);
    expect(llmPrice('claude-3-5-sonnet-latest')).toEqual(DEFAULT_LLM_PRICES['claude-3-5-sonnet']);
    expect(llmPrice('openai/GPT-4.1-mini')).toEqual(DEFAULT_LLM_PRICES['gpt-4.1-mini']);
    expect(llmPrice('DeepSeek-Chat')).toEqual(DEFAULT_LLM_PRICES['deepseek-chat']);
    expect(llmPrice('gpt-4o-audio-preview')).toBeNull();
  });

  it('is null for an unknown model or without usage, and 0 for a rules model', () => {
    expect(llmCostUsd('my-local-llama', usage(10, 10))).toBeNull();
    expect(llmCostUsd('gpt-4o', null)).toBeNull();
    expect(llmCostUsd('gpt-4o', usage(-1, 10))).toBeNull();
    expect(llmCostUsd('gpt-4o', usage(1.5, 10))).toBeNull();
    expect(llmCostUsd('rules:momentum', null)).toBe('0');
  });

  it('lists the common models, each with two non-negative decimal prices', () => {
    for (const m of ['deepseek-chat', 'deepseek-reasoner', 'gpt-4o', 'gpt-4o-mini', 'gpt-4.1', 'gpt-4.1-mini', 'claude-3-5-sonnet'])
      expect(DEFAULT_LLM_PRICES[m]).toBeDefined();
    for (const [model, p] of Object.entries(DEFAULT_LLM_PRICES)) {
      expect(model).toBe(model.toLowerCase());
      expect([p.prompt, p.completion].every((v) => /^\d+\.\d+$/.test(v))).toBe(true);
    }
  });
});

describe('LLM_PRICES', () => {
  it('parses strings and numbers exactly, with model names in lower case', () => {
    expect(
      parseLlmPrices(
        '{"DeepSeek-Chat": {"prompt": "0.27", "completion": "1.10"}, "m": {"prompt": 0.1000000000000000055511, "completion": 2}}',
      ),
    ).toEqual({
      'deepseek-chat': { prompt: '0.27', completion: '1.1' },
      m: { prompt: '0.1000000000000000055511', completion: '2' },
    });
  });

  it('overrides and extends the defaults; unset or blank keeps them', () => {
    const table = llmPriceTable('{"gpt-4o": {"prompt": "2", "completion": "8"}, "local": {"prompt": "0", "completion": "0"}}');
    expect(table['gpt-4o']).toEqual({ prompt: '2', completion: '8' });
    expect(table['gpt-4o-mini']).toEqual(DEFAULT_LLM_PRICES['gpt-4o-mini']);
    expect(llmCostUsd('gpt-4o', usage(1000, 1000), table)).toBe('0.01');
    expect(llmCostUsd('local', usage(1000, 1000), table)).toBe('0');
    expect(llmPriceTable(undefined)).toBe(DEFAULT_LLM_PRICES);
    expect(llmPriceTable('  ')).toBe(DEFAULT_LLM_PRICES);
  });

  it.each([
    ['{"gpt-4o": {"prompt": "2"', /^LLM_PRICES is not JSON: /],
    ['[1, 2]', /^LLM_PRICES must be a JSON object like \{"deepseek-chat"/],
    ['"cheap"', /^LLM_PRICES must be a JSON object/],
    ['{"gpt-4o": "2/8"}', /^LLM_PRICES\["gpt-4o"\] must be an object with prompt and completion/],
    ['{"gpt-4o": {"prompt": "2"}}', /^LLM_PRICES\["gpt-4o"\]\.completion must be a non-negative decimal/],
    ['{"gpt-4o": {"prompt": "-1", "completion": "8"}}', /^LLM_PRICES\["gpt-4o"\]\.prompt must be a non-negative decimal/],
    ['{"gpt-4o": {"prompt": 1e3, "completion": "8"}}', /^LLM_PRICES\["gpt-4o"\]\.prompt must be a non-negative decimal/],
    ['{"gpt-4o": {"prompt": "abc", "completion": "8"}}', /^LLM_PRICES\["gpt-4o"\]\.prompt must be a non-negative decimal/],
    ['{"gpt-4o": {"input": "2", "prompt": "2", "completion": "8"}}', /^LLM_PRICES\["gpt-4o"\] has an unknown field "input"/],
    ['{"GPT-4o": {"prompt": "2", "completion": "8"}, "gpt-4o": {"prompt": "3", "completion": "8"}}', /listed twice/],
    ['{"": {"prompt": "2", "completion": "8"}}', /^LLM_PRICES has an empty model name$/],
  ])('refuses %s with a clear error', (raw, error) => {
    expect(() => parseLlmPrices(raw)).toThrow(error);
  });
});
