import { dec, DecimalLike } from './money';
import { direction, Side } from './trading';

// The position monitor's rules, pure: the venue's liquidation (paper positions), stop loss, take profit, trailing stop
// with an activation threshold, and a maximum holding time. Prices are decimals; a position's trailing state lives in
// positions_v3.trailing_params.

/** positions_v3.trailing_params of a trailing-stop position (what riskLevels writes, plus the armed state). */
export interface TrailingParams {
  type: 'trailing';
  /** Distance of the trailing stop from the best price, as a fraction (0.01 = 1%). */
  trail_pct: string;
  /** Favourable move from entry that arms the trail, as a fraction; null = armed from the start. */
  activation_pct: string | null;
  /** Best price seen since entry (highest for a long, lowest for a short). */
  high_water: string;
  /** Set once the trail is armed. */
  armed?: boolean;
}

/**
 * Why a position closed (positions_v3.exit_reason, free text: these, plus MANUAL, DEPLOYMENT_STOPPED and the
 * reconciliation's 'reconciled: closed on the venue'). LIQUIDATION: the venue liquidated it (status stays CLOSED;
 * seed 004's agent_trades.status 'liquidated' is derived from this reason).
 */
export type ExitReason = 'LIQUIDATION' | 'STOP_LOSS' | 'TAKE_PROFIT' | 'TRAILING_STOP' | 'MAX_HOLDING_TIME';

export interface MonitoredPosition {
  side: Side;
  entryPrice: DecimalLike;
  stopLoss: DecimalLike | null;
  takeProfit: DecimalLike | null;
  trailing: TrailingParams | null;
  openedAt: Date;
  /** Where the venue liquidates it, when the monitor is the venue's liquidation engine (paper); null otherwise. */
  liquidationPrice?: DecimalLike | null;
}

export interface ExitCheck {
  exit: ExitReason | null;
  /** The level that was crossed (or the mark, for the holding time); a liquidation's is the liquidation price. */
  level: string | null;
  /** New trailing state when the mark moved it (best price, armed); null when unchanged. */
  trailing: TrailingParams | null;
}

/**
 * What the monitor does with one position at a mark. The trailing state is updated first (a new best price;
 * armed once the move from entry reaches activation_pct), then the exits are checked in order: the trailing stop
 * (best × (1 ∓ trail), once armed), the stop loss, the take profit, the holding time. A long exits at or below a
 * stop and at or above a take profit; a short mirrors it.
 *
 * The stop is the tighter of the hard stop and the armed trail: a trail looser than the hard stop changes nothing,
 * so a position never loses more than its hard stop. When one mark is through both a stop and the take profit (a
 * gap past a stop that was moved, or a trail that rose, beyond the target), the stop wins: the conservative
 * convention, as backtesters take the stop first when one candle touches both, reporting the worse of the two
 * levels. The holding time comes last. exits.property.spec.ts checks these over random price paths.
 *
 * The liquidation comes first: a mark at or through the liquidation price (at or below it for a long) is the venue's
 * liquidation, whatever else it crossed. A mark that gapped through a stop and the liquidation price at once is a
 * liquidation, not a stop: the venue's engine acts on the mark before any order of the trader's, and a stop the monitor
 * had seen crossed earlier would have closed the position before the mark reached the liquidation price.
 */
export function checkExit(p: MonitoredPosition, mark: DecimalLike, now: Date, maxHoldMs?: number | null): ExitCheck {
  const px = dec(mark);
  const dir = direction(p.side);
  const entry = dec(p.entryPrice);
  if (p.liquidationPrice != null && px.minus(dec(p.liquidationPrice)).mul(dir).lte(0))
    return { exit: 'LIQUIDATION', level: dec(p.liquidationPrice).toString(), trailing: null };
  let trailing: TrailingParams | null = null;
  let stopLevel = p.stopLoss != null ? dec(p.stopLoss) : null;
  if (p.trailing) {
    const best = dec(p.trailing.high_water);
    const newBest = px.minus(best).mul(dir).gt(0) ? px : best;
    const move = newBest.minus(entry).mul(dir).div(entry);
    const armed = !!p.trailing.armed || p.trailing.activation_pct == null || move.gte(dec(p.trailing.activation_pct));
    if (!newBest.eq(best) || armed !== !!p.trailing.armed) {
      trailing = { ...p.trailing, high_water: newBest.toString(), armed };
    }
    if (armed) {
      const trail = newBest.mul(dec(1).minus(dec(p.trailing.trail_pct).mul(dir)));
      // The trail only ever tightens the stop: an armed trail looser than the hard stop leaves the hard stop in force.
      if (!stopLevel || trail.minus(stopLevel).mul(dir).gt(0)) {
        if (px.minus(trail).mul(dir).lte(0)) return { exit: 'TRAILING_STOP', level: trail.toString(), trailing };
        stopLevel = trail;
      }
    }
  }
  if (stopLevel && px.minus(stopLevel).mul(dir).lte(0)) return { exit: 'STOP_LOSS', level: stopLevel.toString(), trailing };
  if (p.takeProfit != null && px.minus(dec(p.takeProfit)).mul(dir).gte(0))
    return { exit: 'TAKE_PROFIT', level: dec(p.takeProfit).toString(), trailing };
  if (maxHoldMs && maxHoldMs > 0 && now.getTime() - p.openedAt.getTime() >= maxHoldMs)
    return { exit: 'MAX_HOLDING_TIME', level: px.toString(), trailing };
  return { exit: null, level: null, trailing };
}
