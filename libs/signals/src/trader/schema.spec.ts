import type { TraderDecision } from '@conduit/domain';
import { parseTraderDecision, TRADER_DECISION_JSON_SCHEMA, TRADER_DECISION_SCHEMA_NAME, traderDecisionJson } from './schema';

const answer = (over: Record<string, string> = {}) => {
  const fields: Record<string, string> = {
    action: '"OPEN_LONG"',
    coin: '"BTC"',
    size_usd: '1000',
    leverage: '3',
    stop_loss_price: '63700',
    take_profit_price: 'null',
    confidence: '0.7',
    reasoning: '"trend up"',
    ...over,
  };
  return `{${Object.entries(fields)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `"${k}": ${v}`)
    .join(', ')}}`;
};
const decisionOf = (raw: string) => {
  const parsed = parseTraderDecision(raw);
  if ('error' in parsed) throw new Error(`expected a decision, got: ${parsed.error}`);
  return parsed.decision;
};
const errorOf = (raw: string) => {
  const parsed = parseTraderDecision(raw);
  if ('decision' in parsed) throw new Error(`expected an error, got: ${JSON.stringify(parsed.decision)}`);
  return parsed.error;
};

describe('TRADER_DECISION_JSON_SCHEMA', () => {
  it('is in the strict structured-output subset: every field required, no others, each typed', () => {
    expect(TRADER_DECISION_SCHEMA_NAME).toBe('trading_decision');
    const { properties, required, additionalProperties } = TRADER_DECISION_JSON_SCHEMA;
    expect(additionalProperties).toBe(false);
    expect([...required].sort()).toEqual(Object.keys(properties).sort());
    for (const p of Object.values(properties) as Record<string, unknown>[]) expect('type' in p || 'anyOf' in p).toBe(true);
    expect(properties.stop_loss_price.anyOf).toEqual([{ type: 'number' }, { type: 'null' }]);
    expect(properties.action.enum).toEqual(['OPEN_LONG', 'OPEN_SHORT', 'CLOSE_POSITION', 'HOLD']);
  });
});

describe('parseTraderDecision', () => {
  it('parses a bare answer into a decision with decimal strings', () => {
    expect(decisionOf(answer())).toEqual({
      action: 'OPEN_LONG',
      coin: 'BTC',
      size_usd: '1000',
      leverage: 3,
      stop_loss_price: '63700',
      take_profit_price: null,
      confidence: '0.7',
      reasoning: 'trend up',
    });
  });

  it('keeps every digit: no number passes through a JS double', () => {
    const d = decisionOf(
      answer({
        size_usd: '1234.567890123',
        stop_loss_price: '65000.123456789012345678901234',
        take_profit_price: '0.1',
        confidence: '0.30000000000000000001',
      }),
    );
    expect(d).toMatchObject({ size_usd: '1234.567890123', stop_loss_price: '65000.123456789012345678901234', take_profit_price: '0.1' });
    expect(d.confidence).toBe('0.30000000000000000001');
    expect(decisionOf(answer({ size_usd: '12345678901234567890123' })).size_usd).toBe('12345678901234567890123');
  });

  it('writes exponents out and zeros plainly', () => {
    expect(decisionOf(answer({ size_usd: '1.5e3', stop_loss_price: '6.37E4' }))).toMatchObject({
      size_usd: '1500',
      stop_loss_price: '63700',
    });
    expect(decisionOf(answer({ size_usd: '1e30' })).size_usd).toBe('1000000000000000000000000000000');
    expect(decisionOf(answer({ size_usd: '-0.0', stop_loss_price: '0' }))).toMatchObject({ size_usd: '0', stop_loss_price: '0' });
    expect(decisionOf(answer({ leverage: '3.0' })).leverage).toBe(3);
  });

  it.each([['```json\n' + answer() + '\n```'], ['```\n' + answer() + '\n```'], ['  ```JSON ' + answer() + '```  \n']])(
    'accepts the answer in a fence: %j',
    (raw) => {
      expect(decisionOf(raw)).toMatchObject({ action: 'OPEN_LONG', size_usd: '1000' });
    },
  );

  it.each([
    ['', 'answer is not JSON: the answer is empty'],
    ['```json\n```', 'answer is not JSON: the answer is empty'],
    ['I would go long BTC here.', 'answer is not JSON: '],
    ['Sure! ' + answer(), 'answer is not JSON: '],
    ['Here it is:\n```json\n' + answer() + '\n```', 'answer is not JSON: '],
    ['{"action": "OPEN_LONG", "coin": "BTC", "size_usd": ', 'answer is not JSON: '],
    [answer() + answer(), 'answer is not JSON: '],
    ['{"action": "HOLD", "action": "OPEN_LONG"}', 'answer is not JSON: Duplicate key'],
    ['[' + answer() + ']', 'answer must be a JSON object'],
    ['"HOLD"', 'answer must be a JSON object'],
    ['null', 'answer must be a JSON object'],
  ])('refuses %j: %s', (raw, error) => {
    expect(errorOf(raw).startsWith(error)).toBe(true);
  });

  it.each([
    [{ action: '"BUY"' }, 'action must be one of OPEN_LONG, OPEN_SHORT, CLOSE_POSITION, HOLD'],
    [{ coin: '7' }, 'coin must be a string'],
    [{ size_usd: '"1000"' }, 'size_usd must be a non-negative number'],
    [{ size_usd: '-5' }, 'size_usd must be a non-negative number'],
    [{ size_usd: '-0.00000000000000000001' }, 'size_usd must be a non-negative number'],
    [{ size_usd: '1e400' }, 'size_usd is out of range'],
    [{ size_usd: '-1e-400' }, 'size_usd is out of range'],
    [{ leverage: '2.5' }, 'leverage must be a positive integer'],
    [{ leverage: '2.0000000000000001' }, 'leverage must be a positive integer'],
    [{ leverage: '0' }, 'leverage must be a positive integer'],
    [{ leverage: '-3' }, 'leverage must be a positive integer'],
    [{ leverage: '1e20' }, 'leverage must be a positive integer'],
    [{ leverage: '"3"' }, 'leverage must be a positive integer'],
    [{ stop_loss_price: '"63700"' }, 'stop_loss_price must be a number or null'],
    [{ take_profit_price: 'false' }, 'take_profit_price must be a number or null'],
    [{ confidence: 'null' }, 'confidence must be a number'],
    [{ reasoning: '["a"]' }, 'reasoning must be a string'],
    [{ note: '"extra"' }, 'note is not an allowed field'],
    [{ ['__proto__']: '{"polluted": true}' }, '__proto__ is not an allowed field'],
  ])('names the field: %j → %s', (over, error) => {
    expect(errorOf(answer(over as Record<string, string>))).toBe(error);
  });

  it('names every missing field and every bad one', () => {
    expect(errorOf('{"action": "HOLD", "coin": "", "confidence": 1, "reasoning": "x"}')).toBe(
      'size_usd is required; leverage is required; stop_loss_price is required; take_profit_price is required',
    );
    expect(errorOf(answer({ action: '"SELL"', size_usd: '-1' }))).toBe(
      'action must be one of OPEN_LONG, OPEN_SHORT, CLOSE_POSITION, HOLD; size_usd must be a non-negative number',
    );
  });

  it('leaves semantics to the limits: any coin, confidence or level sign parses', () => {
    const d = decisionOf(answer({ coin: '"doge"', confidence: '1.7', stop_loss_price: '-5', take_profit_price: '0' }));
    expect(d).toMatchObject({ coin: 'doge', confidence: '1.7', stop_loss_price: '-5', take_profit_price: '0' });
  });
});

describe('traderDecisionJson', () => {
  it('writes the decimals as JSON numbers, digit for digit, and parses back to the same decision', () => {
    const d: TraderDecision = {
      action: 'OPEN_SHORT',
      coin: 'ETH',
      size_usd: '925.123456789012345678',
      leverage: 2,
      stop_loss_price: '3570.00000001',
      take_profit_price: null,
      confidence: '0.8',
      reasoning: 'down "hard"',
    };
    const json = traderDecisionJson(d);
    expect(json).toContain('"size_usd":925.123456789012345678,');
    expect(json).toContain('"stop_loss_price":3570.00000001,');
    expect(decisionOf(json)).toEqual(d);
  });
});
