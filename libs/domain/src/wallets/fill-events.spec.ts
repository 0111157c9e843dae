import { classifyFill, HyperliquidFill, positionEventType } from './fill-events';
import { dec } from '../money';

const HASH = '0xa166e3fa63c25663024b03f2e0da011a00307e4017465df020210d3d432e7cb9';
const fill = (over: Partial<HyperliquidFill> = {}): HyperliquidFill => ({
  coin: 'BTC',
  px: '65000',
  sz: '0.5',
  side: 'B',
  time: 1767651180109,
  startPosition: '0',
  dir: 'Open Long',
  closedPnl: '0.0',
  hash: HASH,
  oid: 287286372177,
  crossed: true,
  fee: '14.625',
  tid: 164087028129848,
  ...over,
});

describe('classifyFill: the event type from startPosition and the signed size', () => {
  it.each`
    start     | side   | sz       | type        | exposure   | after     | amount
    ${'0'}    | ${'B'} | ${'0.5'} | ${'open'}   | ${'LONG'}  | ${'0.5'}  | ${'0.5'}
    ${'0'}    | ${'A'} | ${'0.5'} | ${'open'}   | ${'SHORT'} | ${'-0.5'} | ${'-0.5'}
    ${'1'}    | ${'B'} | ${'0.5'} | ${'add'}    | ${'LONG'}  | ${'1.5'}  | ${'0.5'}
    ${'-1'}   | ${'A'} | ${'0.5'} | ${'add'}    | ${'SHORT'} | ${'-1.5'} | ${'-0.5'}
    ${'1'}    | ${'A'} | ${'0.5'} | ${'reduce'} | ${'LONG'}  | ${'0.5'}  | ${'-0.5'}
    ${'-1'}   | ${'B'} | ${'0.5'} | ${'reduce'} | ${'SHORT'} | ${'-0.5'} | ${'0.5'}
    ${'0.5'}  | ${'A'} | ${'0.5'} | ${'close'}  | ${'LONG'}  | ${'0'}    | ${'-0.5'}
    ${'-0.5'} | ${'B'} | ${'0.5'} | ${'close'}  | ${'SHORT'} | ${'0'}    | ${'0.5'}
    ${'0.2'}  | ${'A'} | ${'0.5'} | ${'flip'}   | ${'SHORT'} | ${'-0.3'} | ${'-0.5'}
    ${'-0.2'} | ${'B'} | ${'0.5'} | ${'flip'}   | ${'LONG'}  | ${'0.3'}  | ${'0.5'}
  `('$start then $side $sz → $type ($exposure, after $after)', ({ start, side, sz, type, exposure, after, amount }) => {
    const e = classifyFill(fill({ startPosition: start, side, sz }));
    expect(e).toMatchObject({ eventType: type, side: exposure, positionBefore: dec(start).toFixed(), positionAfter: after, amount });
  });

  it('ignores dir: the venue writes "Open Long" for a buy that grows a long', () => {
    expect(classifyFill(fill({ startPosition: '0.7045', sz: '0.0353', dir: 'Open Long' })).eventType).toBe('add');
  });

  it('computes notional (2 places), size fraction (4 places, capped) and realized PnL net of the fee', () => {
    const e = classifyFill(fill({ startPosition: '1', side: 'A', sz: '0.5', closedPnl: '250.5', fee: '14.625' }), { equityUsd: '100000' });
    expect(e).toMatchObject({ notionalUsd: '32500.00', sizeFraction: '0.3250', realizedPnl: '235.875' });
    expect(classifyFill(fill({ px: '0.012345', sz: '3' })).notionalUsd).toBe('0.04');
    expect(classifyFill(fill(), { equityUsd: '1000' }).sizeFraction).toBe('9.9999');
    expect(classifyFill(fill(), { equityUsd: '3' }).sizeFraction).toBe('9.9999');
    expect(classifyFill(fill(), { equityUsd: '0' }).sizeFraction).toBeNull();
    expect(classifyFill(fill()).sizeFraction).toBeNull();
  });

  it('names the event hash:tid, since one transaction can carry several fills', () => {
    const a = classifyFill(fill({ tid: 1 }));
    const b = classifyFill(fill({ tid: 2, startPosition: '0.5' }));
    expect(a.identity).toBe(`${HASH}:1`);
    expect(a.identity).not.toBe(b.identity);
    expect(a.time.toISOString()).toBe('2026-01-05T22:13:00.109Z');
  });

  it('a liquidation object → liquidation, unless it names another user (this wallet is the liquidator)', () => {
    const liq = { liquidatedUser: '0xAbC', markPx: '64000', method: 'market' };
    const e = classifyFill(fill({ startPosition: '2', side: 'A', sz: '2', liquidation: liq, closedPnl: '-900' }));
    expect(e).toMatchObject({ eventType: 'liquidation', side: 'LONG', positionAfter: '0', realizedPnl: '-914.625' });
    expect(classifyFill(fill({ liquidation: liq }), { wallet: '0xabc' }).eventType).toBe('liquidation');
    expect(classifyFill(fill({ liquidation: liq }), { wallet: '0xdef' }).eventType).toBe('open');
  });

  it('refuses a size that is not positive', () => {
    expect(() => classifyFill(fill({ sz: '0' }))).toThrow(RangeError);
    expect(() => classifyFill(fill({ sz: '-1' }))).toThrow(RangeError);
  });

  it('positionEventType agrees with the table on exact decimals', () => {
    expect(positionEventType(dec('0.1'), dec('0.30000000000000000001'))).toBe('add');
    expect(positionEventType(dec('0.3'), dec('0.1').plus('0.2').minus('0.3'))).toBe('close');
  });
});
