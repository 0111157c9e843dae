import { classifyFill, fillIdOf, isPerpFill, positionEventType, WalletFillInput } from './fill-events';
import { dec } from '../money';

const HASH = '0xa166e3fa63c25663024b03f2e0da011a00307e4017465df020210d3d432e7cb9';
/** A fill as the wallet reader parses it (@conduit/venue's WalletFill): the key is `hash:tid`. */
const fill = (over: Partial<WalletFillInput> & { dir?: string } = {}): WalletFillInput => {
  const f = {
    coin: 'BTC',
    px: '65000',
    sz: '0.5',
    side: 'BUY' as const,
    time: 1767651180109,
    startPosition: '0',
    dir: 'Open Long',
    closedPnl: '0.0',
    hash: HASH,
    fee: '14.625',
    tid: '164087028129848',
    liquidation: null,
    ...over,
  };
  return { key: `${f.hash}:${f.tid}`, ...f };
};

describe('classifyFill: the event type from startPosition and the signed size', () => {
  it.each`
    start     | side      | sz       | type        | exposure   | after     | amount
    ${'0'}    | ${'BUY'}  | ${'0.5'} | ${'open'}   | ${'LONG'}  | ${'0.5'}  | ${'0.5'}
    ${'0'}    | ${'SELL'} | ${'0.5'} | ${'open'}   | ${'SHORT'} | ${'-0.5'} | ${'-0.5'}
    ${'1'}    | ${'BUY'}  | ${'0.5'} | ${'add'}    | ${'LONG'}  | ${'1.5'}  | ${'0.5'}
    ${'-1'}   | ${'SELL'} | ${'0.5'} | ${'add'}    | ${'SHORT'} | ${'-1.5'} | ${'-0.5'}
    ${'1'}    | ${'SELL'} | ${'0.5'} | ${'reduce'} | ${'LONG'}  | ${'0.5'}  | ${'-0.5'}
    ${'-1'}   | ${'BUY'}  | ${'0.5'} | ${'reduce'} | ${'SHORT'} | ${'-0.5'} | ${'0.5'}
    ${'0.5'}  | ${'SELL'} | ${'0.5'} | ${'close'}  | ${'LONG'}  | ${'0'}    | ${'-0.5'}
    ${'-0.5'} | ${'BUY'}  | ${'0.5'} | ${'close'}  | ${'SHORT'} | ${'0'}    | ${'0.5'}
    ${'0.2'}  | ${'SELL'} | ${'0.5'} | ${'flip'}   | ${'SHORT'} | ${'-0.3'} | ${'-0.5'}
    ${'-0.2'} | ${'BUY'}  | ${'0.5'} | ${'flip'}   | ${'LONG'}  | ${'0.3'}  | ${'0.5'}
  `('$start then $side $sz → $type ($exposure, after $after)', ({ start, side, sz, type, exposure, after, amount }) => {
    const e = classifyFill(fill({ startPosition: start, side, sz }));
    expect(e).toMatchObject({ eventType: type, side: exposure, positionBefore: dec(start).toFixed(), positionAfter: after, amount });
  });

  it('ignores dir: the venue writes "Open Long" for a buy that grows a long', () => {
    expect(classifyFill(fill({ startPosition: '0.7045', sz: '0.0353', dir: 'Open Long' })).eventType).toBe('add');
  });

  it('computes notional (2 places), size fraction (4 places, capped) and realized PnL net of the fee', () => {
    const e = classifyFill(fill({ startPosition: '1', side: 'SELL', sz: '0.5', closedPnl: '250.5', fee: '14.625' }), {
      equityUsd: '100000',
    });
    expect(e).toMatchObject({ notionalUsd: '32500.00', sizeFraction: '0.3250', realizedPnl: '235.875' });
    expect(classifyFill(fill({ px: '0.012345', sz: '3' })).notionalUsd).toBe('0.04');
    expect(classifyFill(fill(), { equityUsd: '1000' }).sizeFraction).toBe('9.9999');
    expect(classifyFill(fill(), { equityUsd: '3' }).sizeFraction).toBe('9.9999');
    expect(classifyFill(fill(), { equityUsd: '0' }).sizeFraction).toBeNull();
    expect(classifyFill(fill()).sizeFraction).toBeNull();
  });

  it('names the event hash:tid, since one transaction can carry several fills', () => {
    const a = classifyFill(fill({ tid: '1' }));
    const b = classifyFill(fill({ tid: '2', startPosition: '0.5' }));
    expect(a.identity).toBe(`${HASH}:1`);
    expect(a).toMatchObject({ txHash: HASH, fillId: '1' });
    expect(a.identity).not.toBe(b.identity);
    expect(a.time.toISOString()).toBe('2026-01-05T22:13:00.109Z');
  });

  it('a liquidation object → liquidation, unless it names another user (this wallet is the liquidator)', () => {
    const liq = { liquidatedUser: '0xabc', markPx: '64000', method: 'market' };
    const e = classifyFill(fill({ startPosition: '2', side: 'SELL', sz: '2', liquidation: liq, closedPnl: '-900' }));
    expect(e).toMatchObject({ eventType: 'liquidation', side: 'LONG', positionAfter: '0', realizedPnl: '-914.625' });
    expect(classifyFill(fill({ liquidation: liq }), { wallet: '0xabc' }).eventType).toBe('liquidation');
    expect(classifyFill(fill({ liquidation: liq }), { wallet: '0xdef' }).eventType).toBe('open');
  });

  it('a liquidation naming nobody is this wallet being liquidated', () => {
    const liq = { liquidatedUser: null, markPx: '64000', method: 'backstop' };
    expect(classifyFill(fill({ startPosition: '0.5', side: 'SELL', liquidation: liq }), { wallet: '0xdef' }).eventType).toBe('liquidation');
  });

  it('a fill without a trade id gets a 40-character fill id from its key', () => {
    const old = fill({ tid: null });
    const key = [HASH, '287286372177', old.time, old.px, old.sz, old.startPosition].join(':');
    const id = fillIdOf({ tid: null, key });
    expect(id).toMatch(/^k[0-9a-f]{39}$/);
    expect(fillIdOf({ tid: null, key })).toBe(id);
    expect(fillIdOf({ tid: null, key: key + '0' })).not.toBe(id);
    expect(classifyFill({ ...old, key }).fillId).toBe(id);
  });

  it('isPerpFill: spot coins (@index, BASE/QUOTE) are not perps; HIP-3 dex:COIN is', () => {
    expect([isPerpFill({ coin: 'BTC' }), isPerpFill({ coin: 'xyz:TSLA' })]).toEqual([true, true]);
    expect([isPerpFill({ coin: '@107' }), isPerpFill({ coin: 'PURR/USDC' })]).toEqual([false, false]);
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
