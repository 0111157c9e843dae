import { id } from 'ethers';
import { decodeRevert, explainRevert, tradingInterface } from './abi';
import { OSTIUM_MARKETS, OSTIUM_PAIRS } from './constants';
import {
  assertSlippageP,
  bpsToSlippageP,
  encodeCloseTradeMarket,
  encodeDelegatedAction,
  encodeOpenTrade,
  fromLeverage2,
  fromPrice18,
  fromUsdc6,
  openTradeStruct,
  percentToSlippageP,
  toBuilderFee,
  toCollateral6,
  toLeverage2,
  toPercent2,
  toPrice18,
  toUsdc6,
} from './encoding';

/**
 * Values copied from ostium.json (schema "ostium.json v1"): `open_trade.sdk_abi_selector_derived`,
 * `open_trade.derived_example_encoding`, `close_trade.derived_example_calldata`, `other_functions_sdk_abi`.
 */
const VECTORS = {
  openTradeSelector: '0x742088c0',
  closeTradeMarketSelector: '0xefc10755',
  openTradeCalldata:
    '0x742088c00000000000000000000000000000000000000000000000000000000005f5e10000000000000000000000000000' +
    '00000000000000000008ffedfb59597590000000000000000000000000000000000000000000000000000000000000000000' +
    '0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000001479169726' +
    '0e4c9a71f18484c9f997b308e5932500000000000000000000000000000000000000000000000000000000000003e8000000' +
    '0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000' +
    '0000000000000000000000000000000000000000000000000000000000000000000000000000000000000100000000000000' +
    '0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000' +
    '0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000' +
    '0000000000000000000000000000000000000000c8',
  openTradeTrader: '0x14791697260E4c9A71f18484C9f997B308e59325',
  closeTradeCalldata:
    '0xefc10755000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000' +
    '0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000027' +
    '1000000000000000000000000000000000000000000000091b08e0303c64e000000000000000000000000000000000000000' +
    '0000000000000000000000000000c8',
  otherSelectors: {
    cancelOpenLimitOrder: ['cancelOpenLimitOrder(uint16,uint8)', '0xc444e746'],
    closeTradeMarketTimeout: ['closeTradeMarketTimeout(uint256,bool)', '0x3f21ea62'],
    delegatedAction: ['delegatedAction(address,bytes)', '0x9a10cc32'],
    openTradeMarketTimeout: ['openTradeMarketTimeout(uint256)', '0x876d3abd'],
    setDelegate: ['setDelegate(address)', '0xca5eb5e1'],
  },
};

describe('Ostium ABI', () => {
  it('has the SDK selectors', () => {
    expect(tradingInterface.getFunction('openTrade')!.selector).toBe(VECTORS.openTradeSelector);
    expect(tradingInterface.getFunction('closeTradeMarket')!.selector).toBe(VECTORS.closeTradeMarketSelector);
    for (const [name, [signature, selector]] of Object.entries(VECTORS.otherSelectors)) {
      expect(id(signature).slice(0, 10)).toBe(selector); // the vector is self-consistent
      if (tradingInterface.getFunction(name)) expect(tradingInterface.getFunction(name)!.selector).toBe(selector);
    }
    expect(tradingInterface.getFunction('setDelegate')!.selector).toBe('0xca5eb5e1');
    expect(tradingInterface.getFunction('delegatedAction')!.selector).toBe('0x9a10cc32');
  });

  it('reproduces derived_example_encoding.calldata byte for byte', () => {
    const calldata = encodeOpenTrade({
      collateral: '100',
      openPrice: '42500',
      tp: null,
      sl: null,
      trader: VECTORS.openTradeTrader,
      leverage: 10,
      pairIndex: 0,
      buy: true,
      slippageBps: '200', // 2 %
    });
    expect(calldata).toBe(VECTORS.openTradeCalldata);
    expect(
      openTradeStruct({
        collateral: '100',
        openPrice: '42500',
        trader: VECTORS.openTradeTrader,
        leverage: 10,
        pairIndex: 0,
        buy: true,
        slippageBps: 200,
      }),
    ).toEqual({
      collateral: 100000000n,
      openPrice: 42500000000000000000000n,
      tp: 0n,
      sl: 0n,
      trader: VECTORS.openTradeTrader,
      leverage: 1000,
      pairIndex: 0,
      index: 0,
      buy: true,
    });
  });

  it('reproduces close_trade.derived_example_calldata byte for byte', () => {
    expect(encodeCloseTradeMarket({ pairIndex: 0, index: 0, marketPrice: '43000', slippageBps: '200' })).toBe(VECTORS.closeTradeCalldata);
  });

  it('wraps a call in delegatedAction for the trader', () => {
    const inner = encodeCloseTradeMarket({ pairIndex: 0, index: 0, marketPrice: '43000', slippageBps: '200' });
    const outer = encodeDelegatedAction(VECTORS.openTradeTrader, inner);
    expect(outer.slice(0, 10)).toBe('0x9a10cc32');
    const decoded = tradingInterface.decodeFunctionData('delegatedAction', outer);
    expect(decoded[0]).toBe(VECTORS.openTradeTrader);
    expect(decoded[1]).toBe(inner);
  });

  it('decodes revert data into words', () => {
    expect(decodeRevert(tradingInterface.encodeErrorResult('WrongTP', []))).toBe('WrongTP()');
    const notDelegate = tradingInterface.encodeErrorResult('NotDelegate', [
      VECTORS.openTradeTrader,
      '0x000000000000000000000000000000000000dEaD',
    ]);
    expect(explainRevert(notDelegate)).toMatch(
      /not the trader's delegate.*NotDelegate\(0x14791697260E4c9A71f18484C9f997B308e59325, 0x000000000000000000000000000000000000dEaD\)/,
    );
    expect(
      decodeRevert('0x08c379a0' + '0'.repeat(62) + '20' + '0'.repeat(63) + '5' + Buffer.from('hello').toString('hex').padEnd(64, '0')),
    ).toBe('hello');
    expect(decodeRevert('0x')).toBeNull();
    expect(explainRevert('0x')).toBe('reverted without a reason');
  });
});

describe('Ostium fixed-point encoding', () => {
  it('prices: round_half_even(price × 1e5) × 1e13', () => {
    expect(toPrice18('42500')).toBe(42500n * 10n ** 18n);
    expect(toPrice18('43000')).toBe(0x91b08e0303c64e00000n);
    expect(toPrice18('1.234565')).toBe(123456n * 10n ** 13n); // tie → even (6)
    expect(toPrice18('1.234575')).toBe(123458n * 10n ** 13n); // tie → even (8)
    expect(toPrice18('1.2345651')).toBe(123457n * 10n ** 13n); // above the tie → up
    expect(toPrice18('0.000005')).toBe(0n); // tie at zero → even (0)
    expect(toPrice18('0.000015')).toBe(2n * 10n ** 13n);
    expect(toPrice18('150.123456789')).toBe(15012346n * 10n ** 13n);
    expect(toPrice18(0)).toBe(0n);
    expect(() => toPrice18('-1')).toThrow(RangeError);
    expect(fromPrice18(42500n * 10n ** 18n).toString()).toBe('42500');
    expect(fromPrice18('1234560000000000000').toString()).toBe('1.23456');
  });

  it('collateral: USDC PRECISION_6 from five decimals (SDK precision 5, scale 6)', () => {
    expect(toCollateral6('100')).toBe(100_000_000n);
    expect(toCollateral6('42.5')).toBe(42_500_000n);
    expect(toCollateral6('12.345675')).toBe(12_345_680n); // 12.34568 (tie → even)
    expect(toCollateral6('12.345665')).toBe(12_345_660n); // 12.34566 (tie → even)
    expect(toUsdc6('12.3456785')).toBe(12_345_678n); // exact amounts: 6 decimals, tie → even
    expect(toUsdc6('1000')).toBe(1_000_000_000n);
    expect(fromUsdc6(47_262_499n).toString()).toBe('47.262499');
  });

  it('leverage ×100, truncated like the SDK', () => {
    expect(toLeverage2(10)).toBe(1000);
    expect(toLeverage2('2.5')).toBe(250);
    expect(toLeverage2('2.555')).toBe(255);
    expect(() => toLeverage2(0)).toThrow(RangeError);
    expect(() => toLeverage2('0.001')).toThrow(RangeError);
    expect(fromLeverage2(1000).toString()).toBe('10');
  });

  it('slippage: hundredths of a percent, one basis point per unit', () => {
    expect(bpsToSlippageP('50')).toBe(50);
    expect(bpsToSlippageP('1')).toBe(1);
    expect(bpsToSlippageP('200')).toBe(200);
    expect(bpsToSlippageP('12.9')).toBe(12);
    expect(percentToSlippageP(2)).toBe(200); // SDK default
    expect(percentToSlippageP('0.5')).toBe(50);
    expect(() => assertSlippageP(0)).toThrow(RangeError);
    expect(() => assertSlippageP(10000)).toThrow(RangeError);
    expect(() => assertSlippageP(9999)).not.toThrow();
  });

  it('close percentage and builder fee', () => {
    expect(toPercent2(100)).toBe(10000);
    expect(toPercent2('33.33')).toBe(3333);
    expect(() => toPercent2(101)).toThrow(RangeError);
    expect(toBuilderFee('0.1')).toBe(100000);
    expect(toBuilderFee('0.05')).toBe(50000);
    expect(() => toBuilderFee('0.6')).toThrow(RangeError);
  });

  it('keeps builder zero/0 unless configured', () => {
    const base = {
      collateral: '10',
      openPrice: '100',
      trader: VECTORS.openTradeTrader,
      leverage: 5,
      pairIndex: 1,
      buy: false,
      slippageBps: '30',
    };
    const none = tradingInterface.decodeFunctionData('openTrade', encodeOpenTrade(base));
    expect(none[1].builder).toBe('0x0000000000000000000000000000000000000000');
    expect(none[1].builderFee).toBe(0n);
    expect(none[2]).toBe(0n); // MARKET
    expect(none[3]).toBe(30n);
    const withBuilder = tradingInterface.decodeFunctionData(
      'openTrade',
      encodeOpenTrade({ ...base, builder: { address: VECTORS.openTradeTrader, feePercent: '0.1' } }),
    );
    expect(withBuilder[1].builderFee).toBe(100000n);
  });
});

describe('Ostium pairs', () => {
  it('maps X-USD to X and USD-X to X (inverted), crosses inactive', () => {
    const bySymbol = new Map(OSTIUM_MARKETS.map((m) => [m.symbol, m]));
    expect(bySymbol.get('BTC')).toMatchObject({ id: 0, pair: 'BTC-USD', inverted: false, active: true });
    expect(bySymbol.get('JPY')).toMatchObject({ id: 4, pair: 'USD-JPY', inverted: true, active: true });
    expect(bySymbol.get('NIK')).toMatchObject({ id: 13, pair: 'NIK-JPY', active: false });
    expect(bySymbol.get('PLTR')).toMatchObject({ id: 44, active: false });
    expect(new Set(OSTIUM_MARKETS.map((m) => m.symbol)).size).toBe(OSTIUM_MARKETS.length); // symbols are unique
    expect(OSTIUM_PAIRS.map((p) => p.id)).toEqual(OSTIUM_PAIRS.map((_, i) => i));
  });
});
