import { DomainError } from './errors';
import { dec } from './money';
import { direction, fillPrice, profitShare, realizedPnl, riskLevels, SizeInput, sizePosition, takerFee, unrealizedPnl } from './trading';

/** Runs fn and returns the DomainError it throws (fails the test if it throws nothing or something else). */
function domainErrorOf(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(DomainError);
    return e as DomainError;
  }
  throw new Error('expected a DomainError, nothing was thrown');
}

describe('direction', () => {
  it('is +1 for LONG and -1 for SHORT', () => {
    expect(direction('LONG')).toBe(1);
    expect(direction('SHORT')).toBe(-1);
  });
});

describe('sizePosition', () => {
  const base: SizeInput = { equity: '10000', sizeModel: { type: 'percentage', value: 25 }, price: '1903.95', sizeDecimals: 4 };

  describe('percentage of equity', () => {
    it('sizes 25% of 10000 at 1903.95 to 1.3130 (floored to 4 size decimals)', () => {
      const r = sizePosition(base);
      expect(r.qty.toFixed(4)).toBe('1.3130');
      expect(r.notional.toFixed(8)).toBe('2499.88635000');
      expect(r.leverage).toBe(1);
    });

    it('accepts the value as a decimal string', () => {
      const r = sizePosition({ ...base, sizeModel: { type: 'percentage', value: '25' } });
      expect(r.qty.toFixed(4)).toBe('1.3130');
    });

    it('allows exactly 100%', () => {
      const r = sizePosition({ equity: '100', sizeModel: { type: 'percentage', value: 100 }, price: '3', sizeDecimals: 2 });
      expect(r.qty.toFixed(2)).toBe('33.33');
      expect(r.notional.toFixed(8)).toBe('99.99000000');
    });

    it('multiplies the margin by the leverage', () => {
      const r = sizePosition({
        equity: '10000',
        sizeModel: { type: 'percentage', value: 10, leverage: 3 },
        price: '30000',
        sizeDecimals: 5,
      });
      expect(r.qty.toFixed(5)).toBe('0.10000');
      expect(r.notional.toFixed(8)).toBe('3000.00000000');
      expect(r.leverage).toBe(3);
    });
  });

  describe('fixed USD', () => {
    it('uses the value as the margin regardless of equity', () => {
      const r = sizePosition({ equity: '10000', sizeModel: { type: 'fixed-usd', value: 500 }, price: '2000', sizeDecimals: 3 });
      expect(r.qty.toFixed(3)).toBe('0.250');
      expect(r.notional.toFixed(8)).toBe('500.00000000');
    });

    it('applies leverage', () => {
      const r = sizePosition({
        equity: '10000',
        sizeModel: { type: 'fixed-usd', value: '500', leverage: 5 },
        price: '2000',
        sizeDecimals: 4,
      });
      expect(r.qty.toFixed(4)).toBe('1.2500');
      expect(r.notional.toFixed(8)).toBe('2500.00000000');
      expect(r.leverage).toBe(5);
    });

    it('allows a margin equal to the equity', () => {
      const r = sizePosition({ equity: '500', sizeModel: { type: 'fixed-usd', value: '500' }, price: '250', sizeDecimals: 0 });
      expect(r.qty.toString()).toBe('2');
    });
  });

  it('floors the quantity and never rounds it up', () => {
    // 2 / 3 = 0.66666…: rounding would give 0.6667, flooring gives 0.6666.
    const r = sizePosition({ equity: '10', sizeModel: { type: 'fixed-usd', value: 2 }, price: '3', sizeDecimals: 4 });
    expect(r.qty.toFixed(4)).toBe('0.6666');
    expect(r.notional.lte(2)).toBe(true);
  });

  it('floors to whole units with 0 size decimals', () => {
    const r = sizePosition({ equity: '5000', sizeModel: { type: 'fixed-usd', value: 1000 }, price: '300', sizeDecimals: 0 });
    expect(r.qty.toString()).toBe('3');
    expect(r.notional.toFixed(2)).toBe('900.00');
  });

  describe('errors', () => {
    it.each(['0', '-1903.95'])('NO_PRICE for the non-positive price %s', (price) => {
      const e = domainErrorOf(() => sizePosition({ ...base, price }));
      expect(e.code).toBe('NO_PRICE');
    });

    it.each([0, -5, '0'])('BAD_SIZE_MODEL for the non-positive value %p', (value) => {
      const e = domainErrorOf(() => sizePosition({ ...base, sizeModel: { type: 'percentage', value } }));
      expect(e.code).toBe('BAD_SIZE_MODEL');
      expect(e.message).toContain('size_model.value');
    });

    it('BAD_SIZE_MODEL for a percentage above 100', () => {
      const e = domainErrorOf(() => sizePosition({ ...base, sizeModel: { type: 'percentage', value: '100.01' } }));
      expect(e.code).toBe('BAD_SIZE_MODEL');
      expect(e.message).toContain('above 100%');
    });

    it('BAD_SIZE_MODEL for an unknown size model type', () => {
      const e = domainErrorOf(() => sizePosition({ ...base, sizeModel: { type: 'kelly' as any, value: 10 } }));
      expect(e.code).toBe('BAD_SIZE_MODEL');
      expect(e.message).toContain('kelly');
    });

    it('INSUFFICIENT_EQUITY when the margin is above the equity', () => {
      const e = domainErrorOf(() => sizePosition({ ...base, sizeModel: { type: 'fixed-usd', value: '10001' } }));
      expect(e.code).toBe('INSUFFICIENT_EQUITY');
      expect(e.message).toBe('needs 10001.00 USD, equity is 10000.00');
    });

    it('SIZE_TOO_SMALL when the quantity floors to zero', () => {
      // 1% of 10 = 0.10 USD at 50000 is 0.000002, which is 0 at 3 size decimals.
      const e = domainErrorOf(() =>
        sizePosition({ equity: '10', sizeModel: { type: 'percentage', value: 1 }, price: '50000', sizeDecimals: 3 }),
      );
      expect(e.code).toBe('SIZE_TOO_SMALL');
      expect(e.message).toContain('3 size decimals');
    });

    it('SIZE_TOO_SMALL when the notional is below the venue minimum', () => {
      const e = domainErrorOf(() =>
        sizePosition({ equity: '100', sizeModel: { type: 'fixed-usd', value: '9.99' }, price: '1', sizeDecimals: 2, minNotional: '10' }),
      );
      expect(e.code).toBe('SIZE_TOO_SMALL');
      expect(e.message).toBe('notional 9.99 below the venue minimum 10.00');
    });

    it('accepts a notional exactly at the minimum, and a null minimum', () => {
      const input = { equity: '100', sizeModel: { type: 'fixed-usd' as const, value: '10' }, price: '1', sizeDecimals: 2 };
      expect(sizePosition({ ...input, minNotional: '10' }).notional.toFixed(2)).toBe('10.00');
      expect(sizePosition({ ...input, minNotional: null }).notional.toFixed(2)).toBe('10.00');
    });
  });
});

describe('riskLevels', () => {
  it('LONG: stop below entry, take profit above', () => {
    const r = riskLevels('LONG', '2000', { type: 'fixed', stop: 0.03, take_profit: 0.06 });
    expect(r.stopLoss!.toFixed(8)).toBe('1940.00000000');
    expect(r.takeProfit!.toFixed(8)).toBe('2120.00000000');
    expect(r.trailingParams).toBeNull();
  });

  it('SHORT: stop above entry, take profit below', () => {
    const r = riskLevels('SHORT', '2000', { type: 'fixed', stop: 0.03, take_profit: 0.06 });
    expect(r.stopLoss!.toFixed(8)).toBe('2060.00000000');
    expect(r.takeProfit!.toFixed(8)).toBe('1880.00000000');
    expect(r.trailingParams).toBeNull();
  });

  it('computes exact decimal levels from string fractions', () => {
    const long = riskLevels('LONG', '1903.95', { type: 'fixed', stop: '0.025' });
    const short = riskLevels('SHORT', '1903.95', { type: 'fixed', stop: '0.025' });
    expect(long.stopLoss!.toFixed(8)).toBe('1856.35125000');
    expect(short.stopLoss!.toFixed(8)).toBe('1951.54875000');
  });

  it('takes the price levels of a fixed model as given, whatever the entry (an LLM trader stop and take profit)', () => {
    const r = riskLevels('LONG', '2001.5', { type: 'fixed', stop: '0.02', stop_price: '1960.25', take_profit_price: '2100.125' });
    expect(r.stopLoss!.toString()).toBe('1960.25');
    expect(r.takeProfit!.toString()).toBe('2100.125');
    const fractionTp = riskLevels('SHORT', '2000', { type: 'fixed', take_profit: '0.05', stop_price: '2040' });
    expect(fractionTp.stopLoss!.toString()).toBe('2040');
    expect(fractionTp.takeProfit!.toString()).toBe('1900');
  });

  it('leaves absent levels null', () => {
    expect(riskLevels('LONG', '100', { type: 'none' })).toEqual({ stopLoss: null, takeProfit: null, trailingParams: null });
    const onlyTp = riskLevels('LONG', '100', { type: 'fixed', take_profit: '0.5' });
    expect(onlyTp.stopLoss).toBeNull();
    expect(onlyTp.takeProfit!.toFixed(2)).toBe('150.00');
  });

  it('trailing-stop: trailing parameters with the stop as trail and the entry as high water', () => {
    const r = riskLevels('LONG', '2000', { type: 'trailing-stop', stop: 0.03 });
    expect(r.trailingParams).toEqual({ type: 'trailing', trail_pct: '0.03', activation_pct: null, high_water: '2000' });
    expect(r.stopLoss!.toFixed(2)).toBe('1940.00');
  });

  it('trailing-stop: carries the activation when given', () => {
    const r = riskLevels('SHORT', '1903.95', { type: 'trailing-stop', stop: '0.05', activation: '0.01' });
    expect(r.trailingParams).toEqual({ type: 'trailing', trail_pct: '0.05', activation_pct: '0.01', high_water: '1903.95' });
    expect(r.stopLoss!.toFixed(4)).toBe('1999.1475');
  });

  it('has no trailing parameters for other types, even with an activation', () => {
    expect(riskLevels('LONG', '100', { type: 'fixed', stop: 0.1, activation: 0.02 }).trailingParams).toBeNull();
  });

  it('has no trailing parameters for a trailing-stop without a stop', () => {
    expect(riskLevels('LONG', '100', { type: 'trailing-stop' }).trailingParams).toBeNull();
  });

  it.each([0, 1, 1.5, -0.1, '0', '1'])('BAD_RISK_MODEL for the stop %p outside (0, 1)', (stop) => {
    const e = domainErrorOf(() => riskLevels('LONG', '100', { type: 'fixed', stop }));
    expect(e.code).toBe('BAD_RISK_MODEL');
    expect(e.message).toContain('risk_model.stop');
  });

  it('accepts stops just inside (0, 1)', () => {
    expect(riskLevels('LONG', '100', { type: 'fixed', stop: '0.999' }).stopLoss!.toFixed(8)).toBe('0.10000000');
    expect(riskLevels('LONG', '100', { type: 'fixed', stop: '0.0001' }).stopLoss!.toFixed(8)).toBe('99.99000000');
  });

  it.each([0, -0.5])('BAD_RISK_MODEL for the non-positive take profit %p', (take_profit) => {
    const e = domainErrorOf(() => riskLevels('SHORT', '100', { type: 'fixed', take_profit }));
    expect(e.code).toBe('BAD_RISK_MODEL');
    expect(e.message).toContain('risk_model.take_profit');
  });
});

describe('fillPrice', () => {
  it('opening a LONG buys: pays mark × (1 + slippage)', () => {
    expect(fillPrice('LONG', '2000', 5).toFixed(8)).toBe('2001.00000000');
    expect(fillPrice('LONG', '1903.95', '5').toFixed(8)).toBe('1904.90197500');
  });

  it('opening a SHORT sells: receives mark × (1 − slippage)', () => {
    expect(fillPrice('SHORT', '2000', 5).toFixed(8)).toBe('1999.00000000');
    expect(fillPrice('SHORT', '1903.95', '5').toFixed(8)).toBe('1902.99802500');
  });

  it('closing flips the direction', () => {
    expect(fillPrice('LONG', '2000', 5, true).toFixed(8)).toBe('1999.00000000');
    expect(fillPrice('SHORT', '2000', 5, true).toFixed(8)).toBe('2001.00000000');
  });

  it('fills at the mark with zero slippage', () => {
    expect(fillPrice('LONG', '1903.95', 0).toFixed(8)).toBe('1903.95000000');
    expect(fillPrice('SHORT', '1903.95', 0, true).toFixed(8)).toBe('1903.95000000');
  });
});

describe('takerFee', () => {
  it('is qty × price × fee bps', () => {
    expect(takerFee('1.313', '1903.95', '4.5').toFixed(10)).toBe('1.1249488575');
    expect(takerFee('1', '2000', 10).toFixed(8)).toBe('2.00000000');
    expect(takerFee('1', '2000', 0).toFixed(8)).toBe('0.00000000');
  });
});

describe('realizedPnl', () => {
  it('LONG gains when the price rises, SHORT loses the same', () => {
    const trade = { qty: '1', entryPrice: '2000', exitPrice: '2100' };
    expect(realizedPnl({ side: 'LONG', ...trade }).toFixed(8)).toBe('100.00000000');
    expect(realizedPnl({ side: 'SHORT', ...trade }).toFixed(8)).toBe('-100.00000000');
  });

  it('SHORT gains when the price falls', () => {
    const pnl = realizedPnl({ side: 'SHORT', qty: '0.5', entryPrice: '1903.95', exitPrice: '1850.1' });
    expect(pnl.toFixed(8)).toBe('26.92500000');
  });

  it('subtracts fees', () => {
    const pnl = realizedPnl({ side: 'SHORT', qty: '0.5', entryPrice: '1903.95', exitPrice: '1850.1', fees: '1.525' });
    expect(pnl.toFixed(8)).toBe('25.40000000');
    const flat = realizedPnl({ side: 'LONG', qty: '2', entryPrice: '100', exitPrice: '100', fees: '0.18' });
    expect(flat.toFixed(8)).toBe('-0.18000000');
  });

  it('is exact where binary floats are not (3 × (0.3 − 0.1) = 0.6)', () => {
    expect(realizedPnl({ side: 'LONG', qty: 3, entryPrice: 0.1, exitPrice: 0.3 }).toString()).toBe('0.6');
  });
});

describe('unrealizedPnl', () => {
  it('is the PnL at the mark without fees', () => {
    expect(unrealizedPnl('LONG', '1.313', '1903.95', '1950').toFixed(8)).toBe('60.46365000');
    expect(unrealizedPnl('SHORT', '1.313', '1903.95', '1950').toFixed(8)).toBe('-60.46365000');
  });
});

describe('profitShare', () => {
  it('takes 20% of a 27 USD profit: exactly 5.40', () => {
    const share = profitShare('27', '20');
    expect(share.toString()).toBe('5.4');
    expect(share.toFixed(2)).toBe('5.40');
  });

  it.each(['-27', '0', '-0.00000001'])('is 0 for the loss or break-even %s', (pnl) => {
    expect(profitShare(pnl, '20').toString()).toBe('0');
  });

  it('is the whole profit at 100% and nothing at 0%', () => {
    expect(profitShare('123.45678901', 100).toString()).toBe('123.45678901');
    expect(profitShare('123.45678901', 0).toString()).toBe('0');
  });

  it('rounds down to 8 places', () => {
    expect(profitShare('0.00000009', 50).toFixed(8)).toBe('0.00000004');
    expect(profitShare('1.99999999', '33.3').toFixed(8)).toBe('0.66599999');
  });

  it.each(['-1', '100.01'])('BAD_SHARE for the share %s outside [0, 100]', (pct) => {
    expect(domainErrorOf(() => profitShare('27', pct)).code).toBe('BAD_SHARE');
    // The share is checked even when there is no profit to share.
    expect(domainErrorOf(() => profitShare('-27', pct)).code).toBe('BAD_SHARE');
  });

  it('accepts Decimal inputs', () => {
    expect(profitShare(dec('27'), dec('20')).toString()).toBe('5.4');
  });
});
