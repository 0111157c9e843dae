import { riskLevels, DomainError, signalProposalErrors, routeFirstAvailable } from './index';

// Bugs found in review, each pinned so it cannot come back.
describe('regressions', () => {
  it('rejects a SHORT take profit of 100% or more (the level would be zero or negative)', () => {
    expect(() => riskLevels('SHORT', '100', { type: 'fixed', take_profit: 1.5 })).toThrow(DomainError);
    expect(() => riskLevels('SHORT', '100', { type: 'fixed', take_profit: 1 })).toThrow(/below 1 for a SHORT/);
    expect(riskLevels('SHORT', '100', { type: 'fixed', take_profit: 0.5 }).takeProfit!.toFixed(8)).toBe('50.00000000');
    expect(riskLevels('LONG', '100', { type: 'fixed', take_profit: 1.5 }).takeProfit!.toFixed(8)).toBe('250.00000000');
    const errors = signalProposalErrors({
      tokenSymbol: 'ETH',
      side: 'short',
      sizeModel: { type: 'percentage', value: 5 },
      riskModel: { type: 'fixed', take_profit: 2 },
    });
    expect(errors).toEqual(['risk_model.take_profit must be below 1 for a SHORT (a short cannot gain more than 100%)']);
  });

  it("sets no levels for risk type 'none'", () => {
    expect(riskLevels('LONG', '100', { type: 'none', stop: 0.05 })).toEqual({ stopLoss: null, takeProfit: null, trailingParams: null });
  });

  it('says why when no venue is configured at all', () => {
    expect(routeFirstAvailable('ETH', [], new Map(), true).reason).toBe('no venue lists ETH: no venue configured');
  });
});
