import { traderMarket, traderPosition, traderSnapshot } from './fixtures';
import { holdToLimits } from './limits';
import { isRulesModel, RULES_MODELS, rulesDecision, signedPercent } from './rules-model';

const moves = (m: Record<string, [string | null, string | null]>) =>
  ['BTC', 'ETH', 'SOL'].map((coin) => traderMarket(coin, m[coin] ? { change4h: m[coin][0], change1h: m[coin][1] } : {}));

describe('rules models', () => {
  it('knows its names and nothing else', () => {
    expect(RULES_MODELS).toEqual(['rules:momentum', 'rules:hold']);
    expect(rulesDecision('rules:nope', traderSnapshot())).toBeNull();
    expect(rulesDecision('gpt-4o', traderSnapshot())).toBeNull();
    expect(isRulesModel('rules:nope')).toBe(true);
    expect(isRulesModel('RULES:momentum')).toBe(true);
    expect(isRulesModel('deepseek-chat')).toBe(false);
    expect(rulesDecision('rules:hold', traderSnapshot())).toMatchObject({ action: 'HOLD', size_usd: '0', leverage: 1 });
  });

  it('signedPercent formats fractions with a sign and 2 places', () => {
    expect([signedPercent('0.0123'), signedPercent('-0.05'), signedPercent('0'), signedPercent(null), signedPercent('0.00004')]).toEqual([
      '+1.23%',
      '-5.00%',
      '0.00%',
      'n/a',
      '0.00%',
    ]);
  });
});

describe('rules:momentum', () => {
  const decide = (...args: Parameters<typeof traderSnapshot>) => rulesDecision('rules:momentum', traderSnapshot(...args))!;

  it('holds when no 4h move passes 2 %, citing the numbers', () => {
    const d = decide({ markets: moves({ BTC: ['0.012', '0.003'], ETH: ['-0.02', '-0.01'], SOL: [null, '0.01'] }) });
    expect(d).toMatchObject({ action: 'HOLD', size_usd: '0', stop_loss_price: null });
    expect(d.reasoning).toBe(
      'No coin moved more than 2.00% over 4h with the 1h agreeing: BTC 4h +1.20% 1h +0.30%; ETH 4h -2.00% 1h -1.00%; SOL 4h n/a 1h +1.00%.',
    );
  });

  it('opens the strongest 4h move the 1h agrees with: half the max position, 3x, levels from the pcts', () => {
    // SOL moved most but its last hour disagrees; BTC is the strongest agreeing move
    const d = decide({ markets: moves({ BTC: ['0.031', '0.004'], ETH: ['0.025', '0.001'], SOL: ['0.08', '-0.002'] }) });
    expect(d).toEqual({
      action: 'OPEN_LONG',
      coin: 'BTC',
      size_usd: '1000',
      leverage: 3,
      stop_loss_price: '63700',
      take_profit_price: '67600',
      confidence: '0.61',
      reasoning:
        'BTC moved +3.10% over 4h with the 1h +0.40% agreeing (threshold 2.00%), the strongest such move: LONG half the max position, ' +
        '1000 USD at 3x.',
    });
    // what it answers passes the limits untouched
    expect(holdToLimits(d, traderSnapshot())).toMatchObject({ status: 'success', action: 'OPEN_LONG', adjustments: [] });
  });

  it('shorts a falling coin, sized on the equity with decimals', () => {
    const d = decide({
      account: { ...traderSnapshot().account, equity: '12345.678' },
      limits: { maxPositionPct: '15', maxLeverage: 2 },
      markets: moves({ ETH: ['-0.05', '-0.01'] }),
    });
    // 12345.678 × 15 % / 2 = 925.92585 → 925.92 (rounded down to cents); stop 2 % above 3500, take profit 4 % below
    expect(d).toMatchObject({ action: 'OPEN_SHORT', coin: 'ETH', size_usd: '925.92', leverage: 2, stop_loss_price: '3570' });
    expect(d).toMatchObject({ take_profit_price: '3360', confidence: '0.8' });
  });

  it('takes the market’s max leverage when lower, and skips unlisted coins and sides already held', () => {
    const markets = [
      traderMarket('BTC', { change4h: '0.09', change1h: '0.01', listed: false }),
      traderMarket('ETH', { change4h: '0.05', change1h: '0.01' }),
      traderMarket('SOL', { change4h: '-0.03', change1h: '-0.01', maxLeverage: 2 }),
    ];
    const d = decide({ markets, positions: [traderPosition({ coin: 'ETH', side: 'LONG' })] });
    expect(d).toMatchObject({ action: 'OPEN_SHORT', coin: 'SOL', leverage: 2 });
    const none = decide({ markets: markets.slice(0, 2), positions: [traderPosition({ coin: 'ETH', side: 'LONG' })] });
    expect(none.action).toBe('HOLD');
    expect(none.reasoning).toContain('BTC not tradable; ETH 4h +5.00% 1h +1.00% (LONG held)');
  });

  it('closes the position the last hour turned against most, before any open', () => {
    const positions = [
      traderPosition({ coin: 'BTC', side: 'LONG' }),
      traderPosition({ coin: 'ETH', side: 'SHORT' }),
      traderPosition({ coin: 'SOL', side: 'SHORT' }),
    ];
    // BTC long: 1h −0.6 % against; ETH short: 1h +0.9 % against (more); SOL short: 1h −2 % in its favour
    const markets = moves({ BTC: ['0.05', '-0.006'], ETH: ['0', '0.009'], SOL: ['-0.1', '-0.02'] });
    const d = decide({ positions, markets });
    expect(d).toMatchObject({ action: 'CLOSE_POSITION', coin: 'ETH', size_usd: '0', leverage: 1 });
    expect(d.reasoning).toBe('ETH SHORT: the 1h change +0.90% turned against the position by more than 0.50%; closing it.');
    // within the threshold nothing closes (and BTC's 4h move, with the 1h disagreeing, opens nothing)
    const calm = decide({ positions, markets: moves({ BTC: ['0.05', '-0.005'], ETH: ['0', '0.004'] }) });
    expect(calm.action).toBe('HOLD');
  });

  it('holds when the equity leaves no size', () => {
    const d = decide({ account: { ...traderSnapshot().account, equity: '0' }, markets: moves({ BTC: ['0.05', '0.01'] }) });
    expect(d).toMatchObject({ action: 'HOLD', reasoning: 'BTC trends (4h +5.00%) but the equity 0 leaves no size.' });
  });
});
