import { DomainError } from './errors';
import { checkExit } from './exits';
import { liquidationLevel, liquidationPrice, maintenanceMarginRate, positionLiquidation } from './liquidation';
import Decimal from 'decimal.js';
import { dec, Dec, toMoney } from './money';
import { Side } from './trading';

describe('maintenanceMarginRate (half the initial margin rate at the market maximum)', () => {
  it.each([
    [50, '0.01'],
    [40, '0.0125'],
    [20, '0.025'],
    [10, '0.05'],
    [1, '0.5'],
  ])('%ix maximum → %s', (max, rate) => expect(maintenanceMarginRate(max)).toEqualDecimal(rate));

  it('3x maximum → 1/6 (16.7%, as Hyperliquid lists it)', () => {
    expect(maintenanceMarginRate(3).mul(6)).toEqualDecimal(1);
    expect(maintenanceMarginRate(3).toDecimalPlaces(3)).toEqualDecimal('0.167');
  });

  it('an unknown maximum is a 1x market (as clampLeverage takes it)', () => {
    expect(maintenanceMarginRate(null)).toEqualDecimal('0.5');
    expect(maintenanceMarginRate(undefined)).toEqualDecimal('0.5');
  });
});

describe('liquidationPrice (isolated margin: equity = maintenance margin)', () => {
  const at = (side: Side, entryPrice: string, leverage: number, mmr: string) =>
    liquidationPrice({ side, entryPrice, leverage, maintenanceMarginRate: mmr });

  it('long: entry × (1 − 1/L) / (1 − mmr), exact', () => {
    // 1980 × 0.9 / 0.99 = 1782 / 0.99 = 1800
    expect(at('LONG', '1980', 10, '0.01')).toEqualDecimal('1800');
    // 2000 × 0.95 / 0.975 = 1900 / 0.975 = 1948.717948…  (20x on a 20x market: mmr 0.025)
    expect(at('LONG', '2000', 20, '0.025')).toEqualDecimal(new Dec(1900).div('0.975'));
    // 100 × 0.5 / 0.9 = 55.555…
    expect(at('LONG', '100', 2, '0.1')).toEqualDecimal(new Dec(50).div('0.9'));
  });

  it('short: entry × (1 + 1/L) / (1 + mmr), exact', () => {
    // 2020 × 1.1 / 1.01 = 2222 / 1.01 = 2200
    expect(at('SHORT', '2020', 10, '0.01')).toEqualDecimal('2200');
    // a 1x short on a 50x market: 100 × 2 / 1.01
    expect(at('SHORT', '100', 1, '0.01')).toEqualDecimal(new Dec(200).div('1.01'));
  });

  it('at the liquidation price the equity is exactly the maintenance margin', () => {
    for (const [side, lev, mmr] of [
      ['LONG', 7, '0.0125'],
      ['SHORT', 7, '0.0125'],
      ['LONG', 3, '0.1'],
      ['SHORT', 25, '0.02'],
    ] as const) {
      const entry = dec('1234.5');
      const qty = dec('0.37');
      const p = at(side, entry.toString(), lev, mmr)!;
      const equity = entry
        .mul(qty)
        .div(lev)
        .plus(
          p
            .minus(entry)
            .mul(qty)
            .mul(side === 'LONG' ? 1 : -1),
        );
      expect(equity.minus(dec(mmr).mul(p).mul(qty)).abs().lt('1e-30')).toBe(true);
    }
  });

  it('agrees with Hyperliquid’s form: price − side × margin_available / size / (1 − l × side)', () => {
    const entry = dec('2500');
    const qty = dec('2');
    const lev = 8;
    const l = dec('0.02'); // 1 / maintenance leverage (25x max → 50)
    for (const side of ['LONG', 'SHORT'] as const) {
      const s = side === 'LONG' ? 1 : -1;
      const available = entry.mul(qty).div(lev).minus(l.mul(entry).mul(qty));
      const theirs = entry.minus(
        available
          .mul(s)
          .div(qty)
          .div(new Dec(1).minus(l.mul(s))),
      );
      expect(at(side, '2500', lev, '0.02')).toEqualDecimal(theirs);
    }
  });

  it('a long at 1x is never liquidated (null); a short at 1x is', () => {
    expect(at('LONG', '2000', 1, '0.01')).toBeNull();
    expect(at('SHORT', '2000', 1, '0.01')).not.toBeNull();
  });

  it('refuses a leverage below 1, a non-positive entry and a maintenance margin at or above the initial one', () => {
    expect(() => at('LONG', '2000', 0.5, '0.01')).toThrow(DomainError);
    expect(() => at('LONG', '0', 10, '0.01')).toThrow(DomainError);
    expect(() => at('LONG', '2000', 10, '0.1')).toThrow(/leaves no margin/);
    expect(() => at('SHORT', '2000', 10, '-0.01')).toThrow(DomainError);
  });

  it('properties: long liq < entry < short liq; more leverage → closer; a higher maintenance rate → closer', () => {
    const entry = dec('1000');
    for (const max of [3, 5, 10, 20, 25, 40, 50]) {
      const mmr = maintenanceMarginRate(max);
      let lastLong = new Dec(0);
      let lastShort = new Dec(Infinity);
      for (let lev = 1; lev <= max; lev++) {
        const long = at('LONG', '1000', lev, mmr.toString());
        const short = at('SHORT', '1000', lev, mmr.toString())!;
        expect(short.gt(entry)).toBe(true);
        expect(short.lt(lastShort)).toBe(true);
        lastShort = short;
        if (lev === 1) {
          expect(long).toBeNull();
          continue;
        }
        expect(long!.lt(entry) && long!.gt(0)).toBe(true);
        expect(long!.gt(lastLong)).toBe(true);
        lastLong = long!;
        // the loss to the liquidation price is less than the initial margin (the maintenance margin is left)
        expect(entry.minus(long!).div(entry).lt(new Dec(1).div(lev))).toBe(true);
        expect(short.minus(entry).div(entry).lt(new Dec(1).div(lev))).toBe(true);
      }
      if (max > 3) {
        const looser = maintenanceMarginRate(max * 2);
        expect(at('LONG', '1000', 3, mmr.toString())!.gt(at('LONG', '1000', 3, looser.toString())!)).toBe(true);
        expect(at('SHORT', '1000', 3, mmr.toString())!.lt(at('SHORT', '1000', 3, looser.toString())!)).toBe(true);
      }
    }
  });
});

describe('liquidationLevel / positionLiquidation (the stored DECIMAL(20,8))', () => {
  it('rounds toward the entry: up for a long, down for a short', () => {
    // 2001 × 0.9 / 0.99 = 1819.0909…  → 1819.09090910;  2001 × 1.1 / 1.01 = 2201.1 / 1.01 = 2179.3069306…  → 2179.30693069
    expect(liquidationLevel({ side: 'LONG', entryPrice: '2001', leverage: 10, maintenanceMarginRate: '0.01' })).toBe('1819.09090910');
    expect(liquidationLevel({ side: 'SHORT', entryPrice: '2001', leverage: 10, maintenanceMarginRate: '0.01' })).toBe('2179.30693069');
  });

  it('takes the maintenance margin from the market maximum', () => {
    expect(positionLiquidation('LONG', '1980', 10, 50)).toBe('1800.00000000');
    expect(positionLiquidation('SHORT', '2020', 10, 50)).toBe('2200.00000000');
    expect(positionLiquidation('LONG', '1980', 1, 50)).toBeNull();
    // a maximum lowered below the position's leverage since it opened: the leverage's own maximum (20x: mmr 0.025)
    expect(positionLiquidation('LONG', '1950', 20, 5)).toBe(toMoney(new Dec(1950).mul('0.95').div('0.975'), Decimal.ROUND_CEIL));
    expect(positionLiquidation('LONG', '1950', 20, 5)).toBe('1900.00000000');
  });
});

describe('checkExit with a liquidation price (the paper venue’s liquidation)', () => {
  const t0 = new Date('2026-01-01T00:00:00Z');
  const long = {
    side: 'LONG' as const,
    entryPrice: '1980',
    stopLoss: '1900',
    takeProfit: '2200',
    trailing: null,
    openedAt: t0,
    liquidationPrice: '1800',
  };

  it('liquidates at or through the liquidation price, at that price', () => {
    expect(checkExit(long, '1800', t0)).toEqual({ exit: 'LIQUIDATION', level: '1800', trailing: null });
    expect(checkExit(long, '1800.00000001', t0).exit).toBe('STOP_LOSS');
    expect(checkExit({ ...long, side: 'SHORT', stopLoss: null, takeProfit: null, liquidationPrice: '2200' }, '2250', t0)).toEqual({
      exit: 'LIQUIDATION',
      level: '2200',
      trailing: null,
    });
  });

  it('wins over a stop the same mark gapped through', () => {
    expect(checkExit(long, '1700', t0)).toMatchObject({ exit: 'LIQUIDATION', level: '1800' });
    const trailing = { type: 'trailing' as const, trail_pct: '0.01', activation_pct: null, high_water: '1980' };
    expect(checkExit({ ...long, trailing }, '1750', t0)).toMatchObject({ exit: 'LIQUIDATION', level: '1800' });
  });

  it('changes nothing without one (live positions: the venue liquidates)', () => {
    expect(checkExit({ ...long, liquidationPrice: null }, '1700', t0)).toMatchObject({ exit: 'STOP_LOSS', level: '1900' });
  });
});
