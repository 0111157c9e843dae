import { id } from 'ethers';
import { quoterV2Interface, swapRouter02Interface } from './abi';
import {
  decodePath,
  decodeQuoteExactInputSingle,
  encodeBuy,
  encodeExactInput,
  encodePath,
  encodeQuoteExactInputSingle,
  encodeSell,
  minimumOut,
  SpotSwap,
  toTokenUnits,
} from './encoding';
import V from './uniswap-v3.vectors.json';

const USDC = '0xaf88d065e77c8cC2239327C5EDb3A432268e5831';
const WETH = '0x82aF49447D8a07e3bd95BD0d56f35241523fBab1';
const RECEIVER = '0x2222222222222222222222222222222222222222';

describe('Uniswap v3 ABI against the stated sources', () => {
  it('lays each struct out field by field as IV3SwapRouter.sol and IQuoterV2.sol do', () => {
    const fields = (i: typeof swapRouter02Interface, name: string) => i.getFunction(name)!.inputs[0].components!.map((c) => c.name);
    expect(fields(swapRouter02Interface, 'exactInputSingle')).toEqual(V.structs.exactInputSingle.fields);
    expect(fields(swapRouter02Interface, 'exactInput')).toEqual(V.structs.exactInput.fields);
    expect(fields(quoterV2Interface, 'quoteExactInputSingle')).toEqual(V.structs.quoteExactInputSingle.fields);
    expect(quoterV2Interface.getFunction('quoteExactInputSingle')!.outputs.map((o) => o.name)).toEqual(
      V.structs.quoteExactInputSingle.outputs,
    );
  });

  it('has the SwapRouter02 selectors the Uniswap SDK test calldata carries', () => {
    expect(swapRouter02Interface.getFunction('exactInputSingle')!.selector).toBe(V.routerCalldata.exactInputSingle.selector);
    expect(swapRouter02Interface.getFunction('exactInput')!.selector).toBe(V.routerCalldata.exactInput.selector);
    expect(V.routerCalldata.exactInputSingle.data.slice(0, 10)).toBe(V.routerCalldata.exactInputSingle.selector);
    expect(V.routerCalldata.exactInput.data.slice(0, 10)).toBe(V.routerCalldata.exactInput.selector);
  });

  it('the selector really depends on the layout (the original SwapRouter deadline struct hashes to something else)', () => {
    const withDeadline = 'exactInputSingle((address,address,uint24,address,uint256,uint256,uint256,uint160))';
    const withHasAlreadyPaid = 'exactInputSingle((address,address,uint24,address,uint256,uint256,uint160,bool))';
    expect(id(withDeadline).slice(0, 10)).not.toBe(V.routerCalldata.exactInputSingle.selector);
    expect(id(withHasAlreadyPaid).slice(0, 10)).not.toBe(V.routerCalldata.exactInputSingle.selector);
  });
});

describe('token units', () => {
  it('converts decimal strings exactly at the token decimals', () => {
    expect(toTokenUnits('1.5', 6)).toBe(1_500_000n);
    expect(toTokenUnits('0.000001', 6)).toBe(1n);
    expect(toTokenUnits('2.25', 18)).toBe(2_250_000_000_000_000_000n);
    expect(toTokenUnits('0.00000001', 8)).toBe(1n);
    expect(toTokenUnits('7', 0)).toBe(7n);
    expect(toTokenUnits('7.000', 0)).toBe(7n);
    // beyond a double's 15–17 significant digits: still exact
    expect(toTokenUnits('123456789.123456789123456789', 18)).toBe(123456789123456789123456789n);
  });

  it('refuses more decimals than the token has, and anything that is not a plain non-negative decimal', () => {
    expect(() => toTokenUnits('0.0000001', 6)).toThrow(/more than 6 decimals/);
    expect(() => toTokenUnits('1.5', 0)).toThrow(/more than 0 decimals/);
    for (const bad of ['-1', '1e3', '', '.5', '1.', 'NaN', '0x10']) expect(() => toTokenUnits(bad, 6)).toThrow(RangeError);
    expect(() => toTokenUnits('1', -1)).toThrow(RangeError);
    expect(() => toTokenUnits('1', 6.5)).toThrow(RangeError);
    expect(() => toTokenUnits('1', 256)).toThrow(RangeError);
  });
});

describe('minimumOut', () => {
  it('is quoted × (1 − slippage), exactly when it divides', () => {
    expect(minimumOut(1_000_000n, 50)).toBe(995_000n); // 1 USDC at 0.5 %
    expect(minimumOut(1_000_000n, 0)).toBe(1_000_000n);
    expect(minimumOut(2_000_000_000_000_000_000n, 100n)).toBe(1_980_000_000_000_000_000n);
  });

  it('rounds UP, so the minimum is never looser than the slippage asked', () => {
    // 10001 × 0.997 = 9970.997 → 9971, not 9970
    expect(minimumOut(10001n, 30)).toBe(9971n);
    // 999 × 0.9999 = 998.9001 → 999
    expect(minimumOut(999n, 1)).toBe(999n);
    // 1 × 0.995 = 0.995 → 1: a positive quote never gives a zero minimum
    expect(minimumOut(1n, 50)).toBe(1n);
    // 3 × 0.5 = 1.5 → 2
    expect(minimumOut(3n, 5000)).toBe(2n);
  });

  it('refuses a non-positive quote and a slippage that is negative, fractional or 100 % and more', () => {
    expect(() => minimumOut(0n, 10)).toThrow(RangeError);
    expect(() => minimumOut(-1n, 10)).toThrow(RangeError);
    expect(() => minimumOut(100 as unknown as bigint, 10)).toThrow(RangeError);
    for (const bps of [-1, 0.5, 10000, Number.NaN]) expect(() => minimumOut(100n, bps)).toThrow(RangeError);
  });
});

describe('packed path', () => {
  it('encodes the paths web3-ethereum-defi states', () => {
    for (const c of V.paths.cases) expect(encodePath(c.tokens, c.fees)).toBe(c.path);
  });

  it('decodes the path web3-ethereum-defi states, and round trips the others', () => {
    expect(decodePath(`0x${V.paths.decoded.bytes}`)).toEqual({ tokens: V.paths.decoded.tokens, fees: V.paths.decoded.fees });
    for (const c of V.paths.cases) expect(decodePath(c.path)).toEqual({ tokens: c.tokens, fees: c.fees });
    const path = encodePath([USDC, WETH], [500]);
    // 20 + 3 + 20 bytes, the fee 500 = 0x0001f4 between the two addresses
    expect(path).toBe(`${USDC.toLowerCase()}0001f4${WETH.slice(2).toLowerCase()}`);
  });

  it('refuses wrong lengths, unknown fee tiers, a hop to the same token and malformed paths', () => {
    expect(() => encodePath([USDC], [])).toThrow(/at least two tokens/);
    expect(() => encodePath([USDC, WETH], [])).toThrow(/needs 1 fees/);
    expect(() => encodePath([USDC, WETH], [500, 500])).toThrow(/needs 1 fees/);
    for (const fee of [0, 300, 2500, 100000, 0.5]) expect(() => encodePath([USDC, WETH], [fee])).toThrow(/fee must be one of/);
    expect(() => encodePath([USDC, USDC.toLowerCase()], [500])).toThrow(/for itself/);
    expect(() => encodePath([USDC, '0x1234'], [500])).toThrow();
    expect(() => decodePath(V.paths.cases[0].path.slice(0, -2))).toThrow(/not 20 \+ 23/);
    expect(() => decodePath(`0x${'11'.repeat(20)}`)).toThrow(/not 20 \+ 23/);
    expect(() => decodePath('nothex')).toThrow(RangeError);
  });
});

describe('SwapRouter02 calldata', () => {
  const single = V.routerCalldata.exactInputSingle.params;

  it('exactInputSingle matches the Uniswap SDK test calldata byte for byte (its tokenIn is our quote on a buy)', () => {
    const swap: SpotSwap = {
      quote: single.tokenIn,
      base: single.tokenOut,
      fee: single.fee,
      recipient: single.recipient,
      amountIn: BigInt(single.amountIn),
      amountOutMinimum: BigInt(single.amountOutMinimum),
    };
    expect(encodeBuy(swap)).toEqual({ data: V.routerCalldata.exactInputSingle.data, value: 0n });
    // the same swap as a sell of base 0x…01 for quote 0x…02
    expect(encodeSell({ ...swap, base: single.tokenIn, quote: single.tokenOut }).data).toBe(V.routerCalldata.exactInputSingle.data);
  });

  it('exactInput matches the Uniswap SDK test calldata byte for byte', () => {
    const m = V.routerCalldata.exactInput.params;
    const call = encodeExactInput({
      path: encodePath(m.tokens, m.fees),
      recipient: m.recipient,
      amountIn: BigInt(m.amountIn),
      amountOutMinimum: BigInt(m.amountOutMinimum),
    });
    expect(call).toEqual({ data: V.routerCalldata.exactInput.data, value: 0n });
  });

  it('buy and sell put every field in place (decode round trip)', () => {
    const common = { base: WETH, quote: USDC, fee: 500, recipient: RECEIVER, sqrtPriceLimitX96: 0n };
    const buy = encodeBuy({ ...common, amountIn: toTokenUnits('1000', 6), amountOutMinimum: minimumOut(toTokenUnits('0.5', 18), 50) });
    const [b] = swapRouter02Interface.decodeFunctionData('exactInputSingle', buy.data);
    expect(b.toObject()).toEqual({
      tokenIn: USDC,
      tokenOut: WETH,
      fee: 500n,
      recipient: RECEIVER,
      amountIn: 1_000_000_000n,
      amountOutMinimum: 497_500_000_000_000_000n,
      sqrtPriceLimitX96: 0n,
    });
    expect(buy.value).toBe(0n);
    const sell = encodeSell({
      ...common,
      fee: 3000,
      amountIn: toTokenUnits('0.25', 18),
      amountOutMinimum: 499_000_000n,
      sqrtPriceLimitX96: 42n,
    });
    const [s] = swapRouter02Interface.decodeFunctionData('exactInputSingle', sell.data);
    expect(s.toObject()).toEqual({
      tokenIn: WETH,
      tokenOut: USDC,
      fee: 3000n,
      recipient: RECEIVER,
      amountIn: 250_000_000_000_000_000n,
      amountOutMinimum: 499_000_000n,
      sqrtPriceLimitX96: 42n,
    });
  });

  it('refuses zero amounts, a zero minimum, a bad fee, the same token twice, a bad price limit and bad addresses', () => {
    const ok: SpotSwap = { base: WETH, quote: USDC, fee: 500, recipient: RECEIVER, amountIn: 1n, amountOutMinimum: 1n };
    expect(() => encodeBuy({ ...ok, amountIn: 0n })).toThrow(/amountIn/);
    expect(() => encodeBuy({ ...ok, amountOutMinimum: 0n })).toThrow(/amountOutMinimum/);
    expect(() => encodeSell({ ...ok, amountIn: 5 as unknown as bigint })).toThrow(/amountIn/);
    expect(() => encodeBuy({ ...ok, fee: 2500 })).toThrow(/fee must be one of/);
    expect(() => encodeBuy({ ...ok, base: USDC })).toThrow(/must differ/);
    expect(() => encodeBuy({ ...ok, sqrtPriceLimitX96: 1n << 160n })).toThrow(/uint160/);
    expect(() => encodeBuy({ ...ok, recipient: '0x1234' })).toThrow();
    expect(() => encodeExactInput({ path: '0x1234', recipient: RECEIVER, amountIn: 1n, amountOutMinimum: 1n })).toThrow(/path length/);
  });
});

describe('QuoterV2 calldata', () => {
  it('puts every field in place, in IQuoterV2 order (amountIn before fee)', () => {
    const data = encodeQuoteExactInputSingle({ tokenIn: USDC, tokenOut: WETH, amountIn: 1_000_000n, fee: 500 });
    const [p] = quoterV2Interface.decodeFunctionData('quoteExactInputSingle', data);
    expect(p.toObject()).toEqual({ tokenIn: USDC, tokenOut: WETH, amountIn: 1_000_000n, fee: 500n, sqrtPriceLimitX96: 0n });
    // word 3 of the arguments is amountIn (1_000_000 = 0xf4240), word 4 the fee (500 = 0x1f4)
    expect(data.slice(10 + 64 * 2, 10 + 64 * 3)).toBe('f4240'.padStart(64, '0'));
    expect(data.slice(10 + 64 * 3, 10 + 64 * 4)).toBe('1f4'.padStart(64, '0'));
    expect(() => encodeQuoteExactInputSingle({ tokenIn: USDC, tokenOut: USDC, amountIn: 1n, fee: 500 })).toThrow(/must differ/);
    expect(() => encodeQuoteExactInputSingle({ tokenIn: USDC, tokenOut: WETH, amountIn: 1n, fee: 1 })).toThrow(/fee/);
  });

  it('decodes the four return values', () => {
    // four words by hand: 1000e18, 100, 1, 100000
    const word = (n: bigint) => n.toString(16).padStart(64, '0');
    const result = `0x${word(1000n * 10n ** 18n)}${word(100n)}${word(1n)}${word(100_000n)}`;
    expect(decodeQuoteExactInputSingle(result)).toEqual({
      amountOut: 1000n * 10n ** 18n,
      sqrtPriceX96After: 100n,
      initializedTicksCrossed: 1n,
      gasEstimate: 100_000n,
    });
  });
});
