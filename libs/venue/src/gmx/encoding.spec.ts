import { id, ParamType, Result, ZeroAddress, ZeroHash } from 'ethers';
import { GMX_EXCHANGE_ROUTER_ABI, GmxDecreasePositionSwapType, gmxExchangeRouterInterface, GmxOrderType } from './abi';
import {
  acceptablePrice,
  encodeDecreaseOrder,
  encodeIncreaseOrder,
  GmxIncreaseOrder,
  parseExactUnits,
  priceFromGmx,
  priceToGmx,
  usdToGmx30,
} from './encoding';
import V from './gmx-v2.vectors.json';

const E30 = 10n ** 30n;
const VAULT = '0x1111111111111111111111111111111111111111';
const RECEIVER = '0x2222222222222222222222222222222222222222';
const MARKET = '0x3333333333333333333333333333333333333333';
const USDC = '0x4444444444444444444444444444444444444444';
const UI = '0x5555555555555555555555555555555555555555';
const REFERRAL = `0x${'ab'.repeat(32)}`;

/** Decodes a multicall's data into [function name, decoded args] per inner call. */
function innerCalls(data: string): Array<[string, Result]> {
  const [calls] = gmxExchangeRouterInterface.decodeFunctionData('multicall', data);
  return (calls as string[]).map((c) => {
    const parsed = gmxExchangeRouterInterface.parseTransaction({ data: c });
    if (!parsed) throw new Error(`unknown inner call ${c.slice(0, 10)}`);
    return [parsed.name, parsed.args];
  });
}

/** A decoded value as plain objects (tuples by component name) and arrays, walking the ABI's own types. */
function plain(type: ParamType, value: unknown): unknown {
  if (type.isTuple()) return Object.fromEntries(type.components.map((c, i) => [c.name, plain(c, (value as Result)[i])]));
  if (type.isArray()) return (value as Result).toArray().map((v) => plain(type.arrayChildren, v));
  return value;
}

/** createOrder's decoded CreateOrderParams as plain values. */
function createOrderFields(args: Result) {
  return plain(gmxExchangeRouterInterface.getFunction('createOrder')!.inputs[0], args[0]);
}

describe('GMX v2 ABI against the stated sources', () => {
  it('has the selectors tradingstrategy-ai/web3-ethereum-defi states for the ExchangeRouter', () => {
    const stated = V.selectors;
    for (const name of ['multicall', 'sendWnt', 'sendTokens', 'createOrder'] as const) {
      expect({ name, selector: gmxExchangeRouterInterface.getFunction(name)!.selector }).toEqual({ name, selector: stated[name] });
    }
    expect(gmxExchangeRouterInterface.fragments).toHaveLength(GMX_EXCHANGE_ROUTER_ABI.length);
  });

  it('lays CreateOrderParams out field by field as IBaseOrderUtils.sol does', () => {
    const params = gmxExchangeRouterInterface.getFunction('createOrder')!.inputs[0];
    expect(params.components!.map((c) => c.name)).toEqual(V.struct.params);
    expect(params.components![0].components!.map((c) => c.name)).toEqual(V.struct.addresses);
    expect(params.components![1].components!.map((c) => c.name)).toEqual(V.struct.numbers);
  });

  it('the selector really depends on the layout (the v2.1 struct hashes to something else)', () => {
    const v21 =
      'createOrder(((address,address,address,address,address,address,address[]),' +
      '(uint256,uint256,uint256,uint256,uint256,uint256,uint256),uint8,uint8,bool,bool,bool,bytes32))';
    expect(id(v21).slice(0, 10)).not.toBe(V.selectors.createOrder);
  });

  it('numbers the order types and swap types as GMX does', () => {
    const orderTypes = Object.fromEntries(Object.keys(V.orderType.values).map((k) => [k, GmxOrderType[k as keyof typeof GmxOrderType]]));
    expect(orderTypes).toEqual(V.orderType.values);
    type SwapTypeName = keyof typeof GmxDecreasePositionSwapType;
    const swapTypes = Object.fromEntries(
      Object.keys(V.decreasePositionSwapType.values).map((k) => [k, GmxDecreasePositionSwapType[k as SwapTypeName]]),
    );
    expect(swapTypes).toEqual(V.decreasePositionSwapType.values);
  });
});

describe('GMX v2 units', () => {
  it('converts USD to 30 decimals exactly', () => {
    expect(usdToGmx30('1000')).toBe(1000n * E30);
    expect(usdToGmx30('0')).toBe(0n);
    expect(usdToGmx30('12.5')).toBe(125n * 10n ** 29n);
    expect(usdToGmx30('0.000000000000000000000000000001')).toBe(1n);
    // beyond Decimal's 40 significant digits: still exact
    expect(usdToGmx30('123456789012.123456789012345678901234567891')).toBe(123456789012123456789012345678901234567891n);
    // trailing zeros past the 30th place say nothing more
    expect(usdToGmx30('1.5000000000000000000000000000000000')).toBe(15n * 10n ** 29n);
  });

  it('refuses more than 30 decimals and anything that is not a plain non-negative decimal', () => {
    expect(() => usdToGmx30('0.0000000000000000000000000000001')).toThrow(/more than 30 decimals/);
    expect(() => usdToGmx30('1.0000000000000000000000000000005')).toThrow(/more than 30 decimals/);
    for (const bad of ['-1', '1e3', '', '.5', '1.', 'NaN', 'Infinity', '0x10', '1,5']) expect(() => usdToGmx30(bad)).toThrow(RangeError);
    expect(() => usdToGmx30(1000 as unknown as string)).toThrow(RangeError);
    expect(() => parseExactUnits('1', -1)).toThrow(RangeError);
  });

  it('prices per smallest token unit: price × 10^(30 − token decimals)', () => {
    // ETH, 18 decimals: 2000 USD → 2000 × 10^12
    expect(priceToGmx('2000', 18)).toBe(2000n * 10n ** 12n);
    // BTC, 8 decimals: 65000.5 USD → 650005 × 10^21
    expect(priceToGmx('65000.5', 8)).toBe(650005n * 10n ** 21n);
    // USDC, 6 decimals: 1 USD → 10^24
    expect(priceToGmx('1', 6)).toBe(10n ** 24n);
    // 18 decimals leave 12 places: the 12th is kept, a 13th is refused
    expect(priceToGmx('2000.000000000001', 18)).toBe(2000n * 10n ** 12n + 1n);
    expect(() => priceToGmx('2000.0000000000001', 18)).toThrow(/more than 12 decimals/);
    expect(() => priceToGmx('1', 31)).toThrow(RangeError);
    expect(() => priceToGmx('1', 1.5)).toThrow(RangeError);
    expect(priceFromGmx(650005n * 10n ** 21n, 8)).toBe('65000.5');
    expect(priceFromGmx(1n, 18)).toBe('0.000000000001');
    expect(priceFromGmx(0n, 18)).toBe('0');
  });
});

describe('acceptablePrice', () => {
  it('widens the mark by the slippage against the trader, exactly when it divides', () => {
    const mark = priceToGmx('2000', 18);
    expect(acceptablePrice(mark, 'LONG', 50, true)).toBe(priceToGmx('2010', 18));
    expect(acceptablePrice(mark, 'SHORT', 50, true)).toBe(priceToGmx('1990', 18));
    expect(acceptablePrice(mark, 'LONG', 50, false)).toBe(priceToGmx('1990', 18));
    expect(acceptablePrice(mark, 'SHORT', 50, false)).toBe(priceToGmx('2010', 18));
    expect(acceptablePrice(mark, 'LONG', 0, true)).toBe(mark);
    expect(acceptablePrice(mark, 'SHORT', 0n, false)).toBe(mark);
  });

  it('rounds a maximum down and a minimum up, so the bound is never looser than asked', () => {
    // 10001 × 1.003 = 10031.003 and 10001 × 0.997 = 9970.997
    expect(acceptablePrice(10001n, 'LONG', 30, true)).toBe(10031n);
    expect(acceptablePrice(10001n, 'SHORT', 30, false)).toBe(10031n);
    expect(acceptablePrice(10001n, 'SHORT', 30, true)).toBe(9971n);
    expect(acceptablePrice(10001n, 'LONG', 30, false)).toBe(9971n);
  });

  it('refuses a non-positive mark and a slippage that is negative, fractional or 100 % and more', () => {
    expect(() => acceptablePrice(0n, 'LONG', 10, true)).toThrow(RangeError);
    expect(() => acceptablePrice(-5n, 'LONG', 10, true)).toThrow(RangeError);
    for (const bps of [-1, 0.5, 10000, Number.NaN]) expect(() => acceptablePrice(100n, 'LONG', bps, true)).toThrow(RangeError);
    expect(() => acceptablePrice(100n, 'FLAT' as 'LONG', 10, true)).toThrow(RangeError);
  });
});

describe('GMX v2 order calldata', () => {
  const increase: GmxIncreaseOrder = {
    orderVault: VAULT,
    receiver: RECEIVER,
    market: MARKET,
    collateralToken: USDC,
    collateralAmount: 250_000_000n, // 250 USDC
    sizeDeltaUsd: usdToGmx30('1000'),
    acceptablePrice: acceptablePrice(priceToGmx('2000', 18), 'LONG', 50, true),
    executionFee: 150_000_000_000_000n,
    isLong: true,
  };

  it('increase: multicall(sendWnt, sendTokens, createOrder MarketIncrease) with every field in place', () => {
    const call = encodeIncreaseOrder({ ...increase, uiFeeReceiver: UI, referralCode: REFERRAL, callbackGasLimit: 0n });
    expect(call.data.slice(0, 10)).toBe(V.selectors.multicall);
    expect(call.value).toBe(increase.executionFee);
    const calls = innerCalls(call.data);
    expect(calls.map(([name]) => name)).toEqual(['sendWnt', 'sendTokens', 'createOrder']);
    expect(calls[0][1].toArray()).toEqual([VAULT, 150_000_000_000_000n]);
    expect(calls[1][1].toArray()).toEqual([USDC, VAULT, 250_000_000n]);
    expect(createOrderFields(calls[2][1])).toEqual({
      addresses: {
        receiver: RECEIVER,
        cancellationReceiver: ZeroAddress,
        callbackContract: ZeroAddress,
        uiFeeReceiver: UI,
        market: MARKET,
        initialCollateralToken: USDC,
        swapPath: [],
      },
      numbers: {
        sizeDeltaUsd: 1000n * E30,
        initialCollateralDeltaAmount: 250_000_000n,
        triggerPrice: 0n,
        acceptablePrice: 2010n * 10n ** 12n,
        executionFee: 150_000_000_000_000n,
        callbackGasLimit: 0n,
        minOutputAmount: 0n,
        validFromTime: 0n,
      },
      orderType: 2n,
      decreasePositionSwapType: 0n,
      isLong: true,
      shouldUnwrapNativeToken: false,
      autoCancel: false,
      referralCode: REFERRAL,
      dataList: [],
    });
    // the inner calls carry the stated selectors
    const [inner] = gmxExchangeRouterInterface.decodeFunctionData('multicall', call.data);
    expect((inner as string[]).map((c) => c.slice(0, 10))).toEqual([V.selectors.sendWnt, V.selectors.sendTokens, V.selectors.createOrder]);
  });

  it('decrease: multicall(sendWnt, createOrder MarketDecrease), no token sent', () => {
    const call = encodeDecreaseOrder({
      orderVault: VAULT,
      receiver: RECEIVER,
      market: MARKET,
      collateralToken: USDC,
      sizeDeltaUsd: usdToGmx30('400.25'),
      acceptablePrice: acceptablePrice(priceToGmx('2000', 18), 'SHORT', 50, false),
      executionFee: 90_000_000_000_000n,
      isLong: false,
      collateralDeltaAmount: 100_000_000n,
      minOutputAmount: 99_000_000n,
      decreasePositionSwapType: GmxDecreasePositionSwapType.SwapPnlTokenToCollateralToken,
      swapPath: [UI],
      shouldUnwrapNativeToken: true,
    });
    expect(call.value).toBe(90_000_000_000_000n);
    const calls = innerCalls(call.data);
    expect(calls.map(([name]) => name)).toEqual(['sendWnt', 'createOrder']);
    expect(calls[0][1].toArray()).toEqual([VAULT, 90_000_000_000_000n]);
    expect(createOrderFields(calls[1][1])).toEqual({
      addresses: {
        receiver: RECEIVER,
        cancellationReceiver: ZeroAddress,
        callbackContract: ZeroAddress,
        uiFeeReceiver: ZeroAddress,
        market: MARKET,
        initialCollateralToken: USDC,
        swapPath: [UI],
      },
      numbers: {
        sizeDeltaUsd: 40025n * 10n ** 28n,
        initialCollateralDeltaAmount: 100_000_000n,
        triggerPrice: 0n,
        acceptablePrice: 2010n * 10n ** 12n,
        executionFee: 90_000_000_000_000n,
        callbackGasLimit: 0n,
        minOutputAmount: 99_000_000n,
        validFromTime: 0n,
      },
      orderType: 4n,
      decreasePositionSwapType: 1n,
      isLong: false,
      shouldUnwrapNativeToken: true,
      autoCancel: false,
      referralCode: ZeroHash,
      dataList: [],
    });
  });

  it('checksums lower-case addresses and refuses malformed ones', () => {
    const call = encodeIncreaseOrder({ ...increase, market: '0xaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' });
    const fields = createOrderFields(innerCalls(call.data)[2][1]) as { addresses: { market: string } };
    expect(fields.addresses.market).toBe('0xaAaAaAaaAaAaAaaAaAAAAAAAAaaaAaAaAaaAaaAa');
    expect(() => encodeIncreaseOrder({ ...increase, receiver: '0x1234' })).toThrow();
  });

  it('refuses missing money: no fee, no collateral or no size on an increase, negative amounts, a bad referral code', () => {
    expect(() => encodeIncreaseOrder({ ...increase, executionFee: 0n })).toThrow(/executionFee must be positive/);
    expect(() => encodeIncreaseOrder({ ...increase, collateralAmount: 0n })).toThrow(/collateralAmount must be positive/);
    expect(() => encodeIncreaseOrder({ ...increase, sizeDeltaUsd: 0n })).toThrow(/sizeDeltaUsd must be positive/);
    expect(() => encodeIncreaseOrder({ ...increase, acceptablePrice: -1n })).toThrow(RangeError);
    expect(() => encodeIncreaseOrder({ ...increase, sizeDeltaUsd: 1000 as unknown as bigint })).toThrow(RangeError);
    expect(() => encodeIncreaseOrder({ ...increase, referralCode: '0x1234' })).toThrow(/referral code/);
    expect(() => encodeDecreaseOrder({ ...increase, executionFee: 0n })).toThrow(/executionFee must be positive/);
  });
});
