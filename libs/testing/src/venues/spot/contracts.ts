import { dataLength, dataSlice, getAddress, Interface, Result, ZeroAddress } from 'ethers';
import {
  allowanceKey,
  balanceKey,
  Ctx,
  emit,
  errorString,
  lc,
  MAX_UINT256,
  plain,
  PoolRecord,
  Revert,
  SpotChainCall,
  SpotChainToken,
} from './chain-state';
import { chainErc20, chainFactory, chainPool, chainQuoter, chainRouter } from './abi';
import { swapExactInput, SwapOutcome } from './v3-math';

type ContractName = SpotChainCall['contract'];

export interface SpotAddresses {
  router: string;
  quoter: string;
  factory: string;
}

const IFACES: Record<ContractName, Interface> = {
  ERC20: chainErc20,
  SwapRouter02: chainRouter,
  QuoterV2: chainQuoter,
  Factory: chainFactory,
  Pool: chainPool,
};

const GAS: Record<string, bigint> = {
  approve: 46_000n,
  transfer: 52_000n,
  transferFrom: 60_000n,
  exactInputSingle: 130_000n,
  exactInput: 190_000n,
  multicall: 200_000n,
};

/**
 * The contracts of the local SPOT chain: ERC20 tokens (FiatToken-like: transferFrom emits Transfer only; the revert
 * messages are OpenZeppelin's), SwapRouter02 (exactInputSingle, exactInput, multicall with a deadline), QuoterV2
 * (quoteExactInputSingle), UniswapV3Factory.getPool and the pools' views. Every call is decoded with the ABI and
 * re-encoded to check it is canonical (dirty bits, trailing bytes or an unknown selector revert).
 */
export class SpotContracts {
  constructor(
    private readonly tokens: Map<string, SpotChainToken & { address: string }>,
    private readonly addresses: SpotAddresses,
    private readonly calls: SpotChainCall[],
    private readonly poolsOf: () => Map<string, PoolRecord>,
  ) {}

  contractOf(address: string): ContractName | null {
    const a = lc(address);
    if (this.tokens.has(a)) return 'ERC20';
    if (a === lc(this.addresses.router)) return 'SwapRouter02';
    if (a === lc(this.addresses.quoter)) return 'QuoterV2';
    if (a === lc(this.addresses.factory)) return 'Factory';
    if (this.poolsOf().has(a)) return 'Pool';
    return null;
  }

  gasFor(to: string, data: string): bigint {
    const name = this.contractOf(to);
    if (!name) return 21_000n;
    const fragment = data.length >= 10 ? IFACES[name].getFunction(data.slice(0, 10)) : null;
    return 21_000n + (fragment ? (GAS[fragment.name] ?? 30_000n) : 30_000n);
  }

  /** Runs a call to a contract of the chain; returns the ABI-encoded result or throws a Revert. */
  dispatch(ctx: Ctx, sender: string, to: string, data: string, value: bigint): string {
    const name = this.contractOf(to);
    if (!name) return '0x';
    const iface = IFACES[name];
    const record: SpotChainCall = {
      via: ctx.via,
      txHash: ctx.txHash,
      from: getAddress(sender),
      to: getAddress(to),
      contract: name,
      fn: '',
      args: {},
    };
    this.calls.push(record);
    const selector = data.slice(0, 10).toLowerCase();
    const fragment = data.length >= 10 ? iface.getFunction(selector) : null;
    if (!fragment) {
      record.fn = `unknown(${selector || '0x'})`;
      record.reverted = `no function with selector ${selector || '(none)'} on ${name}`;
      throw new Revert('0x', record.reverted);
    }
    record.fn = fragment.name;
    let args: Result;
    try {
      args = iface.decodeFunctionData(fragment, data);
      if (lc(iface.encodeFunctionData(fragment, args)) !== lc(data)) throw new Error('calldata is not in canonical ABI encoding');
    } catch (err) {
      record.reverted = `malformed calldata for ${fragment.name}: ${(err as Error).message}`;
      throw new Revert('0x', record.reverted);
    }
    record.args = plain(args) as Record<string, unknown>;
    try {
      if (value > 0n && name !== 'SwapRouter02') throw new Revert('0x', `${name}.${fragment.name} is not payable`);
      if (value > 0n) throw errorString('local chain: native ETH swaps are not simulated');
      const out = this.execute(ctx, name, fragment.name, args, getAddress(sender), getAddress(to));
      return iface.encodeFunctionResult(fragment, out);
    } catch (err) {
      if (err instanceof Revert) record.reverted = err.reason;
      throw err;
    }
  }

  private execute(ctx: Ctx, name: ContractName, fn: string, args: Result, sender: string, self: string): unknown[] {
    switch (name) {
      case 'ERC20':
        return this.erc20(ctx, self, fn, args, sender);
      case 'Factory': {
        const pool = this.poolFor(ctx.s.pools, args[0], args[1], Number(args[2]));
        return [pool ? pool.address : ZeroAddress];
      }
      case 'Pool':
        return this.poolView(ctx, self, fn);
      case 'QuoterV2': {
        const p = args[0];
        const pool = this.requirePool(ctx, p.tokenIn, p.tokenOut, Number(p.fee));
        const zeroForOne = lc(p.tokenIn) < lc(p.tokenOut);
        const out = this.swapMath(pool, zeroForOne, p.amountIn as bigint, p.sqrtPriceLimitX96 as bigint);
        const amountOut = -(zeroForOne ? out.amount1 : out.amount0);
        // initializedTicksCrossed: the only initialized ticks are the range's ends, never crossed (a swap stops there).
        return [amountOut, out.sqrtPriceX96, 0n, 90_000n];
      }
      case 'SwapRouter02':
        return this.router(ctx, fn, args, sender);
    }
  }

  // ---- ERC20 ------------------------------------------------------------------------------------------------

  private erc20(ctx: Ctx, token: string, fn: string, args: Result, sender: string): unknown[] {
    const meta = this.tokens.get(lc(token))!;
    const s = ctx.s;
    switch (fn) {
      case 'name':
      case 'symbol':
        return [meta.symbol];
      case 'decimals':
        return [meta.decimals];
      case 'totalSupply':
        return [[...s.balances.entries()].filter(([k]) => k.startsWith(lc(token))).reduce((t, [, v]) => t + v, 0n)];
      case 'balanceOf':
        return [s.balances.get(balanceKey(token, args[0])) ?? 0n];
      case 'allowance':
        return [s.allowances.get(allowanceKey(token, args[0], args[1])) ?? 0n];
      case 'approve':
        if (args[0] === ZeroAddress) throw errorString('ERC20: approve to the zero address');
        s.allowances.set(allowanceKey(token, sender, args[0]), args[1]);
        emit(ctx, token, chainErc20, 'Approval', [sender, args[0], args[1]]);
        return [true];
      case 'transfer':
        this.transfer(ctx, token, sender, args[0], args[1]);
        return [true];
      case 'transferFrom':
        this.transferFrom(ctx, token, sender, args[0], args[1], args[2]);
        return [true];
      default:
        throw new Revert('0x', `ERC20.${fn} is not simulated`);
    }
  }

  transfer(ctx: Ctx, token: string, from: string, to: string, amount: bigint): void {
    if (lc(to) === lc(ZeroAddress)) throw errorString('ERC20: transfer to the zero address');
    const balance = ctx.s.balances.get(balanceKey(token, from)) ?? 0n;
    if (balance < amount) throw errorString('ERC20: transfer amount exceeds balance');
    ctx.s.balances.set(balanceKey(token, from), balance - amount);
    ctx.s.balances.set(balanceKey(token, to), (ctx.s.balances.get(balanceKey(token, to)) ?? 0n) + amount);
    emit(ctx, token, chainErc20, 'Transfer', [getAddress(from), getAddress(to), amount]);
  }

  private transferFrom(ctx: Ctx, token: string, spender: string, from: string, to: string, amount: bigint): void {
    const key = allowanceKey(token, from, spender);
    const allowance = ctx.s.allowances.get(key) ?? 0n;
    if (allowance < amount) throw errorString('ERC20: transfer amount exceeds allowance');
    this.transfer(ctx, token, from, to, amount);
    if (allowance !== MAX_UINT256) ctx.s.allowances.set(key, allowance - amount);
  }

  // ---- pools --------------------------------------------------------------------------------------------------

  poolFor(pools: Map<string, PoolRecord>, tokenA: string, tokenB: string, fee: number): PoolRecord | null {
    const [t0, t1] = lc(tokenA) < lc(tokenB) ? [lc(tokenA), lc(tokenB)] : [lc(tokenB), lc(tokenA)];
    for (const p of pools.values()) if (lc(p.token0) === t0 && lc(p.token1) === t1 && p.fee === fee) return p;
    return null;
  }

  private requirePool(ctx: Ctx, tokenIn: string, tokenOut: string, fee: number): PoolRecord {
    const pool = this.poolFor(ctx.s.pools, tokenIn, tokenOut, fee);
    // the router computes the pool's address and calls it: no code there reverts without data
    if (!pool)
      throw new Revert('0x', `no pool ${getAddress(tokenIn)}/${getAddress(tokenOut)} fee ${fee} (call to an address without code)`);
    return pool;
  }

  private poolView(ctx: Ctx, self: string, fn: string): unknown[] {
    const p = ctx.s.pools.get(lc(self));
    if (!p) throw new Revert('0x', 'pool not created at this block');
    switch (fn) {
      case 'slot0':
        return [p.sqrtPriceX96, p.tick, 0, 1, 1, 0, true];
      case 'liquidity':
        return [p.liquidity];
      case 'token0':
        return [p.token0];
      case 'token1':
        return [p.token1];
      case 'fee':
        return [p.fee];
      default:
        return [{ 100: 1, 500: 10, 3000: 60, 10000: 200 }[p.fee] ?? 0];
    }
  }

  private swapMath(pool: PoolRecord, zeroForOne: boolean, amountIn: bigint, limit: bigint): SwapOutcome {
    try {
      return swapExactInput(pool, zeroForOne, amountIn, limit);
    } catch (err) {
      throw errorString((err as Error).message);
    }
  }

  /**
   * UniswapV3Pool.swap as the router drives it: the pool pays the output to the recipient, then the router's callback
   * pays the input from `payer` (transferFrom with the payer's allowance to the router, or the router's own balance
   * between hops; a failing token call is 'STF', as TransferHelper), then the Swap event.
   */
  private poolSwap(
    ctx: Ctx,
    tokenIn: string,
    tokenOut: string,
    fee: number,
    amountIn: bigint,
    limit: bigint,
    recipient: string,
    payer: string,
  ): bigint {
    const pool = this.requirePool(ctx, tokenIn, tokenOut, fee);
    const zeroForOne = lc(tokenIn) < lc(tokenOut);
    const out = this.swapMath(pool, zeroForOne, amountIn, limit);
    const [paid, received] = zeroForOne ? [out.amount0, -out.amount1] : [out.amount1, -out.amount0];
    if (received > 0n) this.transfer(ctx, tokenOut, pool.address, recipient, received);
    try {
      const router = this.addresses.router;
      if (lc(payer) === lc(router)) this.transfer(ctx, tokenIn, router, pool.address, paid);
      else this.transferFrom(ctx, tokenIn, router, payer, pool.address, paid);
    } catch (err) {
      if (err instanceof Revert) throw errorString('STF');
      throw err;
    }
    Object.assign(pool, { sqrtPriceX96: out.sqrtPriceX96, tick: out.tick });
    emit(ctx, pool.address, chainPool, 'Swap', [
      this.addresses.router,
      getAddress(recipient),
      out.amount0,
      out.amount1,
      out.sqrtPriceX96,
      pool.liquidity,
      out.tick,
    ]);
    return received;
  }

  // ---- SwapRouter02 ---------------------------------------------------------------------------------------------

  private router(ctx: Ctx, fn: string, args: Result, sender: string): unknown[] {
    switch (fn) {
      case 'exactInputSingle': {
        const p = args[0];
        const out = this.poolSwap(
          ctx,
          p.tokenIn,
          p.tokenOut,
          Number(p.fee),
          p.amountIn,
          p.sqrtPriceLimitX96,
          this.recipient(p.recipient),
          sender,
        );
        if (out < p.amountOutMinimum) throw errorString('Too little received');
        return [out];
      }
      case 'exactInput': {
        const p = args[0];
        const hops = decodeHops(p.path);
        let amount: bigint = p.amountIn;
        hops.forEach((hop, i) => {
          const last = i === hops.length - 1;
          const to = last ? this.recipient(p.recipient) : this.addresses.router;
          amount = this.poolSwap(ctx, hop.tokenIn, hop.tokenOut, hop.fee, amount, 0n, to, i === 0 ? sender : this.addresses.router);
        });
        if (amount < p.amountOutMinimum) throw errorString('Too little received');
        return [amount];
      }
      case 'multicall': {
        if (ctx.timestamp > Number(args[0])) throw errorString('Transaction too old');
        const results = (args[1] as string[]).map((inner) => {
          const innerName = inner.length >= 10 ? chainRouter.getFunction(inner.slice(0, 10))?.name : undefined;
          if (!innerName || innerName === 'multicall') throw new Revert('0x', 'multicall: unsupported inner call');
          return this.dispatch(ctx, sender, this.addresses.router, inner, 0n);
        });
        return [results];
      }
      default:
        throw new Revert('0x', `SwapRouter02.${fn} is not simulated`);
    }
  }

  /** SwapRouter02's recipient constants: address(1) = msg.sender is not simulated, address(2) = the router itself. */
  private recipient(address: string): string {
    if (lc(address) === lc('0x0000000000000000000000000000000000000002')) return this.addresses.router;
    return address;
  }
}

/** A packed path's hops; a malformed path reverts as Path/BytesLib would (without a reason). */
function decodeHops(path: string): { tokenIn: string; fee: number; tokenOut: string }[] {
  const length = dataLength(path);
  if (length < 43 || (length - 20) % 23 !== 0) throw new Revert('0x', 'malformed path');
  const hops: { tokenIn: string; fee: number; tokenOut: string }[] = [];
  for (let at = 0; at + 43 <= length; at += 23)
    hops.push({
      tokenIn: getAddress(dataSlice(path, at, at + 20)),
      fee: Number(BigInt(dataSlice(path, at + 20, at + 23))),
      tokenOut: getAddress(dataSlice(path, at + 23, at + 43)),
    });
  return hops;
}
