/**
 * A liquidation a test asks for (the server has no margin engine that would trigger one): the account's whole
 * position in a coin is closed by the venue at a price, and the account's fill feed records it as Hyperliquid does — a
 * fill with no cloid, `crossed`, the taker fee, realised PnL, and the `liquidation` object {liquidatedUser, markPx,
 * method} (keys in the order of CCXT's recorded userFills, hyperliquid_api/ccxt_static_responses.json).
 */
import { id as keccakUtf8 } from 'ethers';
import { positionChange, SimState } from './state';
import { D, UserFill } from './types';
import { wire } from './wire';

export interface HlSimLiquidation {
  /** The fill price; default the coin's mid. */
  px?: string;
  /** The mark the liquidation was triggered at; default the coin's mid. */
  markPx?: string;
  /** 'market' (through the book, the default) or 'backstop' (the liquidator vault). */
  method?: 'market' | 'backstop';
}

/** Closes the master's whole position in `coin` as a liquidation; returns the fill recorded. */
export function liquidatePosition(state: SimState, master: string, coin: string, opts: HlSimLiquidation = {}): UserFill {
  const market = state.marketByName(coin);
  if (!market) throw new Error(`unknown coin ${coin}`);
  const account = state.accounts.get(master);
  const before = account?.positions.get(coin);
  if (!account || !before || before.szi.isZero()) throw new Error(`${master} holds no ${coin} position to liquidate`);
  const px = new D(opts.px ?? market.mid);
  const sz = before.szi.abs();
  const isBuy = before.szi.isNeg();
  const change = positionChange(before, isBuy ? sz : sz.neg(), px);
  const fee = px.mul(sz).mul(state.takerRate).toDecimalPlaces(6);
  account.positions.set(coin, change.after);
  account.usdc = account.usdc.plus(change.closedPnl).minus(fee);
  const oid = state.oid();
  const fill: UserFill = {
    coin,
    px: wire(px),
    sz: wire(sz),
    side: isBuy ? 'B' : 'A',
    time: Date.now(),
    startPosition: wire(before.szi),
    dir: change.dir,
    closedPnl: wire(change.closedPnl),
    hash: keccakUtf8(`hyperliquid-sim:liquidation:${master}:${oid}`),
    oid,
    crossed: true,
    fee: wire(fee),
    tid: state.tid(),
    liquidation: { liquidatedUser: master, markPx: wire(new D(opts.markPx ?? market.mid)), method: opts.method ?? 'market' },
    feeToken: 'USDC',
    twapId: null,
  };
  account.fills.push(fill);
  return fill;
}
