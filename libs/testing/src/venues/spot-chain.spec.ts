import { Contract, Interface, JsonRpcProvider, MaxUint256, Network, Wallet } from 'ethers';
import { SpotChain } from './spot-chain';
import {
  SPOT_CHAIN_ERC20_ABI,
  SPOT_CHAIN_FACTORY_ABI,
  SPOT_CHAIN_POOL_ABI,
  SPOT_CHAIN_QUOTER_ABI,
  SPOT_CHAIN_ROUTER_ABI,
} from './spot/abi';
import {
  computeSwapStep,
  getSqrtRatioAtTick,
  getTickAtSqrtRatio,
  MAX_SQRT_RATIO,
  MIN_SQRT_RATIO,
  Q96,
  swapExactInput,
} from './spot/v3-math';

/**
 * The reference: Uniswap/v3-sdk src/entities/pool.test.ts @ 051b21897b6d61e27c8d3312bd2564a065ed15ff, "swaps": a USDC/DAI
 * pool at fee 500 (FeeAmount.LOW), price 1 (encodeSqrtRatioX96(1, 1)), liquidity 1e18 over the full usable tick range;
 * getOutputAmount of 100 raw USDC is 98 raw DAI, and of 100 raw DAI 98 raw USDC. Token addresses as in that test
 * (mainnet USDC and DAI; DAI sorts first, so it is token0).
 */
const SDK = {
  USDC: '0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48',
  DAI: '0x6B175474E89094C44Da98b954EedeAC495271d0F',
};

describe('SpotChain (local Uniswap v3 on JSON-RPC)', () => {
  let chain: SpotChain;
  let provider: JsonRpcProvider;
  const user = Wallet.createRandom();

  beforeAll(async () => {
    chain = await SpotChain.start({
      tokens: [
        { symbol: 'USDC', decimals: 6, address: SDK.USDC },
        { symbol: 'DAI', decimals: 18, address: SDK.DAI },
        { symbol: 'WETH', decimals: 18 },
        { symbol: 'WBTC', decimals: 8 },
      ],
    });
    const network = Network.from(chain.chainId);
    provider = new JsonRpcProvider(chain.url, network, { staticNetwork: network, cacheTimeout: -1 });
    chain.fund(user.address, 'ETH', '1');
  });

  afterAll(async () => {
    provider.destroy();
    await chain.close();
  });

  const signer = () => user.connect(provider);

  it('matches v3-core TickMath at the ends and v3-sdk swap reference values exactly', async () => {
    expect(getSqrtRatioAtTick(-887272)).toBe(MIN_SQRT_RATIO);
    expect(getSqrtRatioAtTick(887272)).toBe(MAX_SQRT_RATIO);
    expect(getSqrtRatioAtTick(0)).toBe(Q96);
    expect(getTickAtSqrtRatio(MIN_SQRT_RATIO)).toBe(-887272);
    expect(getTickAtSqrtRatio(MAX_SQRT_RATIO - 1n)).toBe(887271);
    for (const t of [-200000, -1, 1, 12345, 200000]) {
      expect(getTickAtSqrtRatio(getSqrtRatioAtTick(t))).toBe(t);
      expect(getTickAtSqrtRatio(getSqrtRatioAtTick(t) - 1n)).toBe(t - 1);
    }

    chain.setPool('USDC', 'DAI', 500, null, (10n ** 18n).toString(), { sqrtPriceX96: Q96 });
    const quoter = new Contract(chain.quoter, SPOT_CHAIN_QUOTER_ABI, provider);
    const usdcToDai = await quoter.quoteExactInputSingle.staticCall({
      tokenIn: SDK.USDC,
      tokenOut: SDK.DAI,
      amountIn: 100n,
      fee: 500,
      sqrtPriceLimitX96: 0n,
    });
    expect(usdcToDai.amountOut).toBe(98n);
    const daiToUsdc = await quoter.quoteExactInputSingle.staticCall({
      tokenIn: SDK.DAI,
      tokenOut: SDK.USDC,
      amountIn: 100n,
      fee: 500,
      sqrtPriceLimitX96: 0n,
    });
    expect(daiToUsdc.amountOut).toBe(98n);
    // the fee is taken from the input before the price moves: 100 × (1 − 0.05 %) → 99 in, fee 1
    const step = computeSwapStep(Q96, MIN_SQRT_RATIO + 1n, 10n ** 18n, 100n, 500);
    expect(step.amountIn + step.feeAmount).toBe(100n);
    expect(step.feeAmount).toBe(1n);
  });

  /**
   * Uniswap/v3-core test/__snapshots__/UniswapV3Pool.swaps.spec.ts.snap @ 8445f65e7d1b6714a92f287bfc8b0dcd4cc251e4, pool
   * "low fee, 1:1 price, 2e18 max range liquidity" (fee 500, one position over the usable MIN/MAX ticks, L = 2e18): these
   * swaps move the price ~8,100 ticks, over several tick-bitmap words, so each step's rounding counts. The price limit
   * 0.5 is the test's encodePriceSqrt(1, 2): bignumber.js sqrt(0.5) at 20 decimals × 2^96, floored.
   */
  it('matches v3-core swap snapshots that step over tick-bitmap words', () => {
    const pool = () => ({ sqrtPriceX96: Q96, tick: 0, liquidity: 2n * 10n ** 18n, fee: 500, tickLower: -887270, tickUpper: 887270 });
    const e18 = 10n ** 18n;
    expect(swapExactInput(pool(), true, e18, 0n)).toMatchObject({ amount0: e18, amount1: -666444407401233536n, tick: -8107 });
    expect(swapExactInput(pool(), false, e18, 0n)).toMatchObject({ amount0: -666444407401233536n, amount1: e18, tick: 8106 });
    expect(swapExactInput(pool(), true, 1000n, 0n)).toMatchObject({ amount0: 1000n, amount1: -998n, tick: -1 });
    const half = (70710678118654752440n * Q96) / 10n ** 20n;
    expect(swapExactInput(pool(), true, e18, half)).toMatchObject({
      amount0: 828841545518949575n,
      amount1: -585786437626904950n,
      tick: -6932,
    });
  });

  it('swaps through SwapRouter02 with the allowance of the sender, and emits Transfer and Swap', async () => {
    chain.fund(user.address, 'USDC', '1000');
    const usdc = new Contract(SDK.USDC, SPOT_CHAIN_ERC20_ABI, signer());
    const router = new Contract(chain.router, SPOT_CHAIN_ROUTER_ABI, signer());
    const params = {
      tokenIn: SDK.USDC,
      tokenOut: SDK.DAI,
      fee: 500,
      recipient: user.address,
      amountIn: 100n,
      amountOutMinimum: 98n,
      sqrtPriceLimitX96: 0n,
    };
    // no allowance: the router's pull fails (TransferHelper 'STF')
    await expect(router.exactInputSingle.staticCall(params)).rejects.toMatchObject({ reason: 'STF' });
    await (await usdc.approve(chain.router, MaxUint256)).wait();
    await expect(router.exactInputSingle.staticCall({ ...params, amountOutMinimum: 99n })).rejects.toMatchObject({
      reason: 'Too little received',
    });
    const receipt = await (await router.exactInputSingle(params)).wait();
    expect(receipt!.status).toBe(1);
    expect(chain.rawBalanceOf('DAI', user.address)).toBe(98n);
    expect(chain.rawBalanceOf('USDC', user.address)).toBe(1000n * 10n ** 6n - 100n);
    const swap = chain.events('Swap').at(-1)!;
    expect(swap.transactionHash).toBe(receipt!.hash);
    expect(swap.args).toMatchObject({ sender: chain.router, recipient: user.address, amount0: -98n, amount1: 100n });
    const transfers = chain.events('Transfer').filter((e) => e.transactionHash === receipt!.hash);
    expect(transfers.map((t) => [t.args.from, t.args.to, t.args.value])).toEqual([
      [swap.address, user.address, 98n],
      [user.address, swap.address, 100n],
    ]);
    const pool = new Contract(swap.address, SPOT_CHAIN_POOL_ABI, provider);
    const slot0 = await pool.slot0();
    expect(slot0.sqrtPriceX96).toBe(swap.args.sqrtPriceX96);
    expect(Number(slot0.tick)).toBe(Number(swap.args.tick));
    const factory = new Contract(chain.factory, SPOT_CHAIN_FACTORY_ABI, provider);
    expect(await factory.getPool(SDK.DAI, SDK.USDC, 500)).toBe(swap.address);
  });

  it('routes a packed path through two pools (exactInput) and checks the deadline of multicall', async () => {
    chain.setPool('WETH', 'USDC', 500, '3000', (10n ** 16n).toString());
    chain.setPool('WETH', 'WBTC', 3000, '0.05', (10n ** 12n).toString());
    const weth = chain.token('WETH').address;
    const wbtc = chain.token('WBTC').address;
    const path = '0x' + [SDK.USDC.slice(2), '0001f4', weth.slice(2), '000bb8', wbtc.slice(2)].join('').toLowerCase();
    const router = new Contract(chain.router, SPOT_CHAIN_ROUTER_ABI, signer());
    const quoter = new Contract(chain.quoter, SPOT_CHAIN_QUOTER_ABI, provider);
    const hop1 = await quoter.quoteExactInputSingle.staticCall({
      tokenIn: SDK.USDC,
      tokenOut: weth,
      amountIn: 300n * 10n ** 6n,
      fee: 500,
      sqrtPriceLimitX96: 0n,
    });
    const hop2 = await quoter.quoteExactInputSingle.staticCall({
      tokenIn: weth,
      tokenOut: wbtc,
      amountIn: hop1.amountOut,
      fee: 3000,
      sqrtPriceLimitX96: 0n,
    });
    const before = chain.rawBalanceOf('WBTC', user.address);
    await (await router.exactInput({ path, recipient: user.address, amountIn: 300n * 10n ** 6n, amountOutMinimum: hop2.amountOut })).wait();
    expect(chain.rawBalanceOf('WBTC', user.address) - before).toBe(hop2.amountOut);
    expect(chain.rawBalanceOf('WETH', chain.router)).toBe(0n);

    const inner = new Interface(SPOT_CHAIN_ROUTER_ABI).encodeFunctionData('exactInputSingle', [
      {
        tokenIn: SDK.USDC,
        tokenOut: weth,
        fee: 500,
        recipient: user.address,
        amountIn: 10n ** 6n,
        amountOutMinimum: 1n,
        sqrtPriceLimitX96: 0n,
      },
    ]);
    await expect(router['multicall(uint256,bytes[])'].staticCall(1, [inner])).rejects.toMatchObject({ reason: 'Transaction too old' });
    await expect(router['multicall(uint256,bytes[])'].staticCall(Math.floor(Date.now() / 1000) + 60, [inner])).resolves.toHaveLength(1);
  });

  it('refuses unknown selectors and malformed calldata, and holds transactions until mined', async () => {
    await expect(provider.call({ to: chain.router, data: '0xdeadbeef' })).rejects.toMatchObject({ code: 'CALL_EXCEPTION' });
    const good = new Interface(SPOT_CHAIN_ERC20_ABI).encodeFunctionData('balanceOf', [user.address]);
    await expect(provider.call({ to: SDK.USDC, data: good + '00' })).rejects.toMatchObject({ code: 'CALL_EXCEPTION' });

    chain.holdMining();
    const usdc = new Contract(SDK.USDC, SPOT_CHAIN_ERC20_ABI, signer());
    const sent = await usdc.transfer(Wallet.createRandom().address, 1n);
    await chain.whenHeld(1);
    expect(await provider.getTransactionReceipt(sent.hash)).toBeNull();
    expect(chain.mineHeld()).toEqual([sent.hash]);
    chain.holdMining(false);
    expect((await provider.getTransactionReceipt(sent.hash))!.status).toBe(1);
  });
});
