// The chat messages an llm_trader's model sees each cycle: its role, strategy and limits, then the snapshot's numbers.
// Deterministic (same snapshot, same text) and compact; every number is printed as the snapshot holds it.
import { CoinMarket, dec, notionalCaps, signedPercent, TraderPosition, TraderSnapshot } from '@conduit/domain';
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';

/** A decimal with its sign: "+500", "-12.5", "0". */
function signed(value: string): string {
  return dec(value).gt(0) ? `+${value}` : value;
}

/** A fraction as a percentage without rounding: 0.0325 → "3.25%". */
function percent(fraction: string): string {
  return `${dec(fraction).mul(100).toFixed()}%`;
}

/** Whole minutes between two times as "2h 05m" (or "45m"). */
export function holdingTime(from: Date, to: Date): string {
  const minutes = Math.max(0, Math.floor((to.getTime() - from.getTime()) / 60_000));
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return h ? `${h}h ${String(m).padStart(2, '0')}m` : `${m}m`;
}

export const TRADER_ANSWER_FORMAT =
  '{"action": "OPEN_LONG" | "OPEN_SHORT" | "CLOSE_POSITION" | "HOLD", "coin": string, "size_usd": number, "leverage": integer, ' +
  '"stop_loss_price": number | null, "take_profit_price": number | null, "confidence": number, "reasoning": string}';

/** Role, strategy, limits and the answer's schema. */
export function traderSystemMessage(s: TraderSnapshot): string {
  const l = s.limits;
  return [
    `You are ${s.agentName}, an autonomous trading agent for crypto perpetual futures. You manage your own account and ` +
      'decide once per cycle: open one position, close one, or hold.',
    `Strategy: ${s.strategy?.trim() || 'none given; trade only when the numbers show a clear edge.'}`,
    '',
    'Limits (the platform enforces them: a larger size or leverage is cut down, a missing or wrong-side level is replaced):',
    `- Coins you may trade: ${l.coins.join(', ')}. Any other coin, or one no venue lists, fails the cycle.`,
    `- size_usd is the position's notional in USD. It may not exceed ${l.maxPositionPct}% of your equity, and its margin ` +
      '(size_usd / leverage) may not exceed your cash.',
    `- leverage: a whole number from 1 to ${l.maxLeverage} (a coin's market may allow less).`,
    '- A LONG needs stop_loss_price < mark < take_profit_price, a SHORT take_profit_price < mark < stop_loss_price. ' +
      `Given null or on the wrong side, the stop loss is set ${l.stopLossPct}% and the take profit ${l.takeProfitPct}% from the mark.`,
    '- One position per coin and side: an OPEN in a coin and side you already hold is ignored; an OPEN against a position ' +
      'you hold in the coin closes that position first.',
    '- CLOSE_POSITION closes your whole position in the coin.',
    '',
    'Answer with exactly one JSON object and nothing else:',
    TRADER_ANSWER_FORMAT,
    '- action: OPEN_LONG or OPEN_SHORT opens a position, CLOSE_POSITION closes one, HOLD does nothing.',
    '- coin: the coin to open or close, as listed above; "" for HOLD.',
    '- size_usd: the notional to open in USD; 0 for CLOSE_POSITION and HOLD.',
    '- leverage: the leverage to open with; 1 for CLOSE_POSITION and HOLD.',
    '- stop_loss_price, take_profit_price: prices for the new position, or null for the defaults above.',
    '- confidence: from 0 (a guess) to 1 (certain).',
    '- reasoning: one to three sentences citing the numbers you used.',
  ].join('\n');
}

function accountLines(s: TraderSnapshot): string[] {
  const a = s.account;
  const caps = notionalCaps(a.equity, a.cash, s.limits.maxPositionPct, s.limits.maxLeverage);
  return [
    `Account (USD): equity ${a.equity} (initial balance ${a.initialBalance} + realized PnL ${signed(a.realizedPnl)}), cash ${a.cash}, ` +
      `position value ${a.positionValue}, unrealized PnL ${signed(a.unrealizedPnl)}, ` +
      `Sharpe so far ${a.sharpe ?? 'n/a (too few closed trades)'}.`,
    `Largest new position now: notional ${caps.byEquity.toFixed()} (${s.limits.maxPositionPct}% of equity), and at most ` +
      `cash × leverage (${caps.byCash.toFixed()} at ${s.limits.maxLeverage}x).`,
  ];
}

function positionLine(p: TraderPosition, now: Date): string {
  return (
    `- ${p.coin} ${p.side}: qty ${p.qty}, entry ${p.entryPrice}, mark ${p.mark}, unrealized PnL ${signed(p.unrealizedPnl)}, ` +
    `${p.leverage}x, stop ${p.stopLoss ?? 'none'}, take profit ${p.takeProfit ?? 'none'}, ` +
    `liquidation ${p.liquidationPrice ?? 'n/a'}, held ${holdingTime(p.openedAt, now)}`
  );
}

function marketLine(m: CoinMarket): string {
  if (!m.listed) return `- ${m.coin}: not listed by any venue; cannot be traded.`;
  if (m.mark === null) return `- ${m.coin}: no mark price; cannot be traded.`;
  const parts = [
    `mark ${m.mark}`,
    `change 1h ${signedPercent(m.change1h)}, 4h ${signedPercent(m.change4h)}, 24h ${signedPercent(m.change24h)}`,
  ];
  if (m.maxLeverage !== null) parts.push(`max leverage ${m.maxLeverage}x`);
  if (m.fundingRate !== null) parts.push(`funding rate ${m.fundingRate}`);
  if (m.openInterest !== null) parts.push(`open interest ${m.openInterest}`);
  const ind = m.indicators;
  if (ind && (ind.ret6h !== null || ind.volatility24h !== null)) {
    const vol = ind.volatility24h === null ? 'n/a' : percent(ind.volatility24h);
    parts.push(`last 6h: return ${signedPercent(ind.ret6h)}, 24h volatility ${vol}`);
  }
  if (m.series.length) parts.push(`marks, oldest first: ${m.series.join(' ')}`);
  return `- ${m.coin}: ${parts.join('; ')}`;
}

/** Time, account, open positions, markets and the answer instruction. */
export function traderUserMessage(s: TraderSnapshot): string {
  return [
    `Time: ${s.now.toISOString()}`,
    '',
    ...accountLines(s),
    '',
    s.positions.length ? 'Open positions:' : 'Open positions: none.',
    ...s.positions.map((p) => positionLine(p, s.now)),
    '',
    'Markets:',
    ...s.markets.map(marketLine),
    '',
    'Decide now. Answer with the JSON object only.',
  ].join('\n');
}

/** The system and user messages of one cycle. */
export function traderMessages(snapshot: TraderSnapshot): ChatCompletionMessageParam[] {
  return [
    { role: 'system', content: traderSystemMessage(snapshot) },
    { role: 'user', content: traderUserMessage(snapshot) },
  ];
}
