import { DomainError } from './errors';
import { clientOrderId } from './ids';
import { clampLeverage, orderSide, planClose, planOpen, positionLevels } from './order-plan';

const base = {
  deploymentId: '11111111-1111-4111-8111-111111111111',
  signalId: '22222222-2222-4222-8222-222222222222',
  side: 'LONG' as const,
  sizeModel: { type: 'percentage' as const, value: 25, leverage: 3 },
  riskModel: { type: 'fixed' as const, stop: 0.05, take_profit: 0.1 },
  mark: '2000',
  equity: '10000',
  market: { sizeDecimals: 4, minNotional: '10', maxLeverage: 50 },
};

describe('planOpen', () => {
  it('sizes the margin from equity, floors the quantity to the size decimals, and sets the levels at the mark', () => {
    // 25% of 10,000 = 2,500 margin × 3 = 7,500 notional / 2,000 = 3.75 ETH
    expect(planOpen(base)).toEqual({
      clientOrderId: clientOrderId(base.deploymentId, base.signalId, 'open'),
      orderSide: 'BUY',
      qty: '3.75000000',
      leverage: 3,
      referencePrice: '2000',
      stopLoss: '1900.00000000',
      takeProfit: '2200.00000000',
    });
  });

  it('floors, never rounds up, to the market size decimals', () => {
    // 2,500 × 1 / 1,999.99 = 1.250006… → 1.2500 at 4 decimals
    const plan = planOpen({ ...base, mark: '1999.99', sizeModel: { type: 'percentage', value: 25 } });
    expect(plan.qty).toEqual('1.25000000');
    expect(plan.referencePrice).toEqual('1999.99');
  });

  it('mirrors the levels and the order side for a short', () => {
    const plan = planOpen({ ...base, side: 'SHORT' });
    expect(plan).toMatchObject({ orderSide: 'SELL', stopLoss: '2100.00000000', takeProfit: '1800.00000000' });
  });

  it('sizes the notional with the leverage the market allows: a 3x signal on SPOT (1x) buys its margin only', () => {
    // 25 % of 10,000 = 2,500 margin: 3.75 ETH at 3x on a 50x market, 1.25 ETH on a 1x market (not 3.75 at 1x)
    const spot = planOpen({ ...base, market: { ...base.market, maxLeverage: 1 } });
    expect(spot).toMatchObject({ qty: '1.25000000', leverage: 1 });
    const capped = planOpen({ ...base, sizeModel: { ...base.sizeModel, leverage: 20 }, market: { ...base.market, maxLeverage: 5 } });
    expect(capped).toMatchObject({ qty: '6.25000000', leverage: 5 });
  });

  it('clamps the leverage to the market and to at least 1', () => {
    expect(planOpen({ ...base, sizeModel: { ...base.sizeModel, leverage: 20 }, market: { ...base.market, maxLeverage: 5 } }).leverage).toBe(
      5,
    );
    expect(clampLeverage(undefined, 10)).toBe(1);
    expect(clampLeverage(0, 10)).toBe(1);
    expect(clampLeverage(7, null)).toBe(1); // an unknown maximum allows no leverage
    expect(clampLeverage('4', 10)).toBe(4);
  });

  it('refuses a size that rounds to nothing or falls below the venue minimum, naming the code', () => {
    const tiny = () => planOpen({ ...base, sizeModel: { type: 'fixed-usd', value: 0.01 } });
    expect(tiny).toThrow(DomainError);
    expect(tiny).toThrow(/size rounds to zero/);
    const belowMin = () => planOpen({ ...base, sizeModel: { type: 'fixed-usd', value: 5 }, market: { ...base.market, minNotional: '10' } });
    expect(belowMin).toThrow(/below the venue minimum 10.00/);
  });

  it('leaves the levels off for a risk model without exits', () => {
    expect(planOpen({ ...base, riskModel: { type: 'none' } })).toMatchObject({ stopLoss: null, takeProfit: null });
  });
});

describe('planClose and positionLevels', () => {
  it('closes the whole position on the opposite side under the close leg id', () => {
    const p = { deploymentId: base.deploymentId, signalId: base.signalId, side: 'LONG' as const, qty: '3.75' };
    expect(planClose(p)).toEqual({ clientOrderId: clientOrderId(p.deploymentId, p.signalId, 'close'), orderSide: 'SELL', qty: '3.75' });
    expect(planClose({ ...p, side: 'SHORT' }).orderSide).toBe('BUY');
    expect(planClose(p).clientOrderId).not.toBe(clientOrderId(p.deploymentId, p.signalId, 'open'));
  });

  it('maps sides to order sides for opening and closing', () => {
    expect([orderSide('LONG', false), orderSide('LONG', true), orderSide('SHORT', false), orderSide('SHORT', true)]).toEqual([
      'BUY',
      'SELL',
      'SELL',
      'BUY',
    ]);
  });

  it('puts the levels at the fill price, with a trailing state for a trailing stop', () => {
    expect(positionLevels('LONG', '2001', { type: 'fixed', stop: 0.05, take_profit: 0.1 })).toEqual({
      stopLoss: '1900.95000000',
      takeProfit: '2201.10000000',
      trailingParams: null,
    });
    const trailing = positionLevels('LONG', '2000', { type: 'trailing-stop', stop: 0.03 });
    expect(trailing.stopLoss).toBe('1940.00000000');
    expect(trailing.trailingParams).toEqual({ type: 'trailing', trail_pct: '0.03', activation_pct: null, high_water: '2000' });
  });
});
