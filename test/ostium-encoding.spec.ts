import { id } from 'ethers';
import { readVectors } from '@conduit/testing';
import {
  assertSlippageP,
  bpsToSlippageP,
  decodeRevert,
  encodeCloseTradeMarket,
  encodeDelegatedAction,
  encodeOpenTrade,
  explainRevert,
  fromLeverage2,
  fromPrice18,
  fromUsdc6,
  NO_BUILDER,
  OSTIUM_MARKETS,
  OSTIUM_NETWORKS,
  OSTIUM_PAIRS,
  OstiumOrderType,
  openTradeStruct,
  percentToSlippageP,
  toBuilderFee,
  toCollateral6,
  toLeverage2,
  toPercent2,
  toPrice18,
  toUsdc6,
  tradingInterface,
} from '@conduit/venue';

/**
 * The ABI and the encodings against ostium.json (`open_trade`, `close_trade`, `other_functions_sdk_abi`, `contracts`,
 * `pairs`), read from the file; the fixed-point rounding cases below it are this spec's own.
 */
const V = readVectors('ostium.json');
const exampleTrade = V.open_trade.derived_example_encoding.trade;

/** A number the vectors give only in a caveat's words (`slippage 2% (200)`): read it, or fail. */
function fromWords(text: string, pattern: RegExp): string[] {
  const m = pattern.exec(text);
  if (!m) throw new Error(`ostium.json no longer says ${pattern} in: ${text}`);
  return m.slice(1);
}

describe('Ostium ABI', () => {
  it('has every function of the SDK ABI the vectors list, with its signature and selector', () => {
    const listed = [
      { name: 'openTrade', signature: V.open_trade.sdk_abi_signature, selector_derived: V.open_trade.sdk_abi_selector_derived },
      { name: 'closeTradeMarket', signature: V.close_trade.sdk_abi_signature, selector_derived: V.close_trade.sdk_abi_selector_derived },
      ...V.other_functions_sdk_abi,
    ];
    expect(V.other_functions_sdk_abi.length).toBeGreaterThan(0);
    for (const f of listed) {
      // the vector is self-consistent
      expect({ name: f.name, selector: id(f.signature).slice(0, 10) }).toEqual({ name: f.name, selector: f.selector_derived });
      const fragment = tradingInterface.getFunction(f.name);
      // a function the ABI lacks is a failure, not a skipped check
      expect({ name: f.name, present: fragment !== null }).toEqual({ name: f.name, present: true });
      expect({ name: f.name, signature: fragment!.format('sighash'), selector: fragment!.selector }).toEqual({
        name: f.name,
        signature: f.signature,
        selector: f.selector_derived,
      });
    }
  });

  it('reproduces derived_example_encoding.calldata byte for byte', () => {
    const [slippagePercent, slippageP] = fromWords(V.open_trade.derived_example_encoding.caveat, /slippage ([\d.]+)% \((\d+)\)/);
    expect(percentToSlippageP(slippagePercent)).toBe(Number(slippageP));
    expect(V.open_trade.builder_fee_struct[0].sdk_default).toBe(NO_BUILDER.builder);
    const human = {
      collateral: fromUsdc6(exampleTrade.collateral),
      openPrice: fromPrice18(exampleTrade.openPrice),
      tp: exampleTrade.tp === '0' ? null : fromPrice18(exampleTrade.tp),
      sl: exampleTrade.sl === '0' ? null : fromPrice18(exampleTrade.sl),
      trader: exampleTrade.trader,
      leverage: fromLeverage2(exampleTrade.leverage),
      pairIndex: exampleTrade.pairIndex,
      buy: exampleTrade.buy,
      orderType: V.open_trade.order_type_enum.MARKET as OstiumOrderType,
      slippageBps: slippageP, // 1 bp is one unit of slippageP
    };
    expect(encodeOpenTrade(human)).toBe(V.open_trade.derived_example_encoding.calldata);
    expect(openTradeStruct(human)).toEqual({
      collateral: BigInt(exampleTrade.collateral),
      openPrice: BigInt(exampleTrade.openPrice),
      tp: BigInt(exampleTrade.tp),
      sl: BigInt(exampleTrade.sl),
      trader: exampleTrade.trader,
      leverage: exampleTrade.leverage,
      pairIndex: exampleTrade.pairIndex,
      index: exampleTrade.index,
      buy: exampleTrade.buy,
    });
  });

  it('reproduces close_trade.derived_example_calldata byte for byte', () => {
    const example = V.close_trade.derived_example_calldata;
    const [percent, pairIndex, slot, price, slippagePercent] = fromWords(
      example.caveat,
      /close ([\d.]+)% of pair (\d+) slot (\d+) at ([\d.]+) with ([\d.]+)% slippage/,
    );
    const calldata = encodeCloseTradeMarket({
      pairIndex: Number(pairIndex),
      index: Number(slot),
      closePercentage: toPercent2(percent),
      marketPrice: price,
      slippageBps: percentToSlippageP(slippagePercent),
    });
    expect(calldata).toBe(example.calldata);
  });

  it('wraps a call in delegatedAction for the trader', () => {
    const inner = V.close_trade.derived_example_calldata.calldata;
    const outer = encodeDelegatedAction(exampleTrade.trader, inner);
    expect(outer.slice(0, 10)).toBe(V.other_functions_sdk_abi.find((f: { name: string }) => f.name === 'delegatedAction').selector_derived);
    const decoded = tradingInterface.decodeFunctionData('delegatedAction', outer);
    expect(decoded[0]).toBe(exampleTrade.trader);
    expect(decoded[1]).toBe(inner);
  });

  it('decodes revert data into words', () => {
    expect(decodeRevert(tradingInterface.encodeErrorResult('WrongTP', []))).toBe('WrongTP()');
    const notDelegate = tradingInterface.encodeErrorResult('NotDelegate', [
      exampleTrade.trader,
      '0x000000000000000000000000000000000000dEaD',
    ]);
    expect(explainRevert(notDelegate)).toContain(`not the trader's delegate`);
    expect(explainRevert(notDelegate)).toContain(`NotDelegate(${exampleTrade.trader}, 0x000000000000000000000000000000000000dEaD)`);
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
      trader: exampleTrade.trader,
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
      encodeOpenTrade({ ...base, builder: { address: exampleTrade.trader, feePercent: '0.1' } }),
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

  it("are the vectors file's pairs, sources and leverage snapshot", () => {
    const listed = [
      ...V.pairs.official_as_of_2025_05.pairs.map((p: any) => ({ ...p, source: 'sdk' })),
      ...V.pairs.later_additions_third_party.pairs.map((p: any) => ({ ...p, source: `third-party-${p.sources.length}` })),
    ];
    const leverage: Record<string, number> = V.pairs.max_leverage_third_party_unverified.by_id;
    expect(OSTIUM_PAIRS.map((p) => ({ id: p.id, pair: p.pair, from: p.from, to: p.to, category: p.category, source: p.source }))).toEqual(
      listed.map((p) => ({ id: p.id, pair: p.symbol, from: p.from, to: p.to, category: p.category, source: p.source })),
    );
    for (const [id, max] of Object.entries(leverage)) expect({ id, max: OSTIUM_PAIRS[Number(id)].maxLeverage }).toEqual({ id, max });
  });

  it("has the vectors file's contract addresses", () => {
    for (const [name, key] of [
      ['mainnet', 'arbitrum_mainnet'],
      ['sepolia', 'arbitrum_sepolia'],
    ] as const) {
      const { chainId, trading, tradingStorage, usdc, subgraph } = V.contracts[key];
      expect(OSTIUM_NETWORKS[name]).toEqual({ chainId, trading, tradingStorage, usdc, subgraph });
    }
  });
});
