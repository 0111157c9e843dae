/**
 * Built-in trading models that need no LLM (an llm_trader whose llm_model is `rules:*`): deterministic decisions
 * from the snapshot's marks, in decimal arithmetic, answered in the same shape as a model's.
 */
import Decimal from 'decimal.js';
import { dec, Dec, DecimalLike } from '../money';
import { direction, Side } from '../trading';
import { levelFromPct, normalizeTraderCoin } from './limits';
import type { CoinMarket, TraderDecision, TraderSnapshot } from './types';

export const RULES_MODELS = ['rules:momentum', 'rules:hold'] as const;
export type RulesModel = (typeof RULES_MODELS)[number];

/** A model name answered by the rules (`rules:` prefix), known or not. */
export const isRulesModel = (model: string): boolean => model.trim().toLowerCase().startsWith('rules:');

/** rules:momentum's thresholds (fractions of the mark). */
export const MOMENTUM = {
  /** An open needs |4h change| above this, with the 1h change of the same sign. */
  entry4h: '0.02',
  /** A held position closes when its 1h change is against it by more than this. */
  exit1h: '0.005',
  /** Leverage of an open (at most the agent's and the market's max). */
  leverage: 3,
} as const;

/** A fraction as a signed percentage with 2 places: 0.0123 → "+1.23%"; null → "n/a". */
export function signedPercent(fraction: DecimalLike | null): string {
  if (fraction === null) return 'n/a';
  const p = dec(fraction).mul(100).toDecimalPlaces(2, Decimal.ROUND_HALF_EVEN);
  return `${p.gt(0) ? '+' : ''}${p.isZero() ? '0.00' : p.toFixed(2)}%`;
}

function decimalOrNull(value: string | null | undefined): Decimal | null {
  if (value === null || value === undefined) return null;
  try {
    const d = dec(value);
    return d.isFinite() ? d : null;
  } catch {
    return null;
  }
}

const hold = (reasoning: string): TraderDecision => ({
  action: 'HOLD',
  coin: '',
  size_usd: '0',
  leverage: 1,
  stop_loss_price: null,
  take_profit_price: null,
  confidence: '1',
  reasoning,
});

/** rules:momentum: cut a position the last hour turned against, else follow the strongest 4h trend the last hour agrees with. */
function momentum(s: TraderSnapshot): TraderDecision {
  const marketOf = (coin: string): CoinMarket | undefined => s.markets.find((m) => m.coin.toUpperCase() === coin.toUpperCase());
  const entry = dec(MOMENTUM.entry4h);
  const exit = dec(MOMENTUM.exit1h);

  const exits = s.positions
    .map((p) => {
      const change1h = decimalOrNull(marketOf(p.coin)?.change1h);
      return { p, change1h, against: change1h ? change1h.mul(-direction(p.side)) : null };
    })
    .filter((x) => x.against !== null && x.against.gt(exit))
    .sort((a, b) => b.against!.comparedTo(a.against!) || a.p.coin.localeCompare(b.p.coin));
  if (exits.length) {
    const { p, change1h } = exits[0];
    return {
      ...hold(''),
      action: 'CLOSE_POSITION',
      coin: p.coin,
      confidence: '0.8',
      reasoning:
        `${p.coin} ${p.side}: the 1h change ${signedPercent(change1h)} turned against the position by more than ` +
        `${signedPercent(exit).slice(1)}; closing it.`,
    };
  }

  const seen: string[] = [];
  const candidates: { coin: string; market: CoinMarket; side: Side; change4h: Decimal; change1h: Decimal }[] = [];
  for (const universeCoin of s.limits.coins) {
    const coin = normalizeTraderCoin(universeCoin, s.limits.coins);
    const market = marketOf(coin);
    const mark = decimalOrNull(market?.mark);
    const change4h = decimalOrNull(market?.change4h);
    const change1h = decimalOrNull(market?.change1h);
    const held = s.positions.filter((p) => p.coin.toUpperCase() === coin.toUpperCase()).map((p) => p.side);
    let note = `${coin} 4h ${signedPercent(change4h)} 1h ${signedPercent(change1h)}`;
    if (!market?.listed || mark === null || mark.lte(0)) note = `${coin} not tradable`;
    else if (change4h && change1h && change4h.abs().gt(entry) && change1h.s === change4h.s && !change1h.isZero()) {
      const side: Side = change4h.gt(0) ? 'LONG' : 'SHORT';
      if (held.includes(side)) note += ` (${side} held)`;
      else candidates.push({ coin, market, side, change4h, change1h });
    }
    seen.push(note);
  }
  candidates.sort((a, b) => b.change4h.abs().comparedTo(a.change4h.abs()));
  const best = candidates[0];
  const threshold = signedPercent(entry).slice(1);
  if (!best) return hold(`No coin moved more than ${threshold} over 4h with the 1h agreeing: ${seen.join('; ')}.`);

  const size = dec(s.account.equity).mul(dec(s.limits.maxPositionPct)).div(100).div(2).toDecimalPlaces(2, Decimal.ROUND_DOWN);
  if (size.lte(0))
    return hold(`${best.coin} trends (4h ${signedPercent(best.change4h)}) but the equity ${s.account.equity} leaves no size.`);
  const leverage = Math.max(1, Math.min(MOMENTUM.leverage, s.limits.maxLeverage, best.market.maxLeverage ?? MOMENTUM.leverage));
  const stop = levelFromPct(best.side, 'stop', best.market.mark!, s.limits.stopLossPct);
  const takeProfit = levelFromPct(best.side, 'take_profit', best.market.mark!, s.limits.takeProfitPct);
  const confidence = Decimal.min(new Dec('0.9'), best.change4h.abs().minus(entry).mul(10).plus('0.5')).toDecimalPlaces(2);
  return {
    action: best.side === 'LONG' ? 'OPEN_LONG' : 'OPEN_SHORT',
    coin: best.coin,
    size_usd: size.toFixed(),
    leverage,
    stop_loss_price: stop?.toFixed() ?? null,
    take_profit_price: takeProfit?.toFixed() ?? null,
    confidence: confidence.toFixed(),
    reasoning:
      `${best.coin} moved ${signedPercent(best.change4h)} over 4h with the 1h ${signedPercent(best.change1h)} agreeing ` +
      `(threshold ${threshold}), the strongest such move: ${best.side} half the max position, ${size.toFixed()} USD at ${leverage}x.`,
  };
}

/** The decision of a built-in rules model; null for a model name that is not one of RULES_MODELS. */
export function rulesDecision(model: string, snapshot: TraderSnapshot): TraderDecision | null {
  switch (model.trim().toLowerCase()) {
    case 'rules:momentum':
      return momentum(snapshot);
    case 'rules:hold':
      return hold('rules:hold never trades.');
    default:
      return null;
  }
}
