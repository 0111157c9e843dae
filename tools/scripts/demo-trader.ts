// The demo's LLM-trader step (seed 004): an llm_trader decides through cycles, its limits hold the decision, its own
// book and a subscriber trade it, and a later cycle closes it. With LLM_BASE_URL set its model is the LLM
// (LLM_MODEL); without, the built-in rules:momentum model answers in the same schema through the same checks.
import { Client } from 'pg';
import { Wallet } from 'ethers';
import { dec, proofOfIntentMessage } from '@conduit/domain';

export interface DemoKit {
  call(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<any>;
  step(s: string): void;
  show(label: string, value: unknown): void;
  poll<T>(check: () => Promise<T | null | undefined>): Promise<T>;
}

export interface TraderDemo {
  creator: Wallet;
  as: Record<string, string>;
  admin: Record<string, string>;
  subscriber: Record<string, string>;
  subscriberWallet: string;
  databaseUrl: string;
  llmModel: string | null;
}

/** Four hours of BTC marks ending at today's, rising 3% (the last hour +0.75%): what a market feed would have left. */
async function replayBtcPath(databaseUrl: string): Promise<string> {
  const pg = new Client({ connectionString: databaseUrl });
  await pg.connect();
  try {
    const { rows } = await pg.query(
      `INSERT INTO market_marks (venue, token_symbol, minute, mark)
       SELECT m.venue, m.token_symbol, date_trunc('minute', now()) - make_interval(mins => i),
              round(m.current_price * (1 - 0.03 * i / 240.0), 8)
         FROM venue_markets m, generate_series(1, 240) AS i
        WHERE m.token_symbol = 'BTC' AND m.is_active AND m.current_price IS NOT NULL
       ON CONFLICT (venue, token_symbol, minute) DO UPDATE SET mark = EXCLUDED.mark
       RETURNING (SELECT current_price::text FROM venue_markets WHERE venue = 'HYPERLIQUID' AND token_symbol = 'BTC') AS mark`,
    );
    return rows[0].mark;
  } finally {
    await pg.end();
  }
}

function describe(kit: DemoKit, d: any) {
  kit.show(
    'decision',
    `${d.status}: ${d.action} ${d.coin} size ${d.size_usd} USD at ${d.leverage}x (model ${d.model}, ${d.execution_time_ms} ms)`,
  );
  if (d.action.startsWith('OPEN')) kit.show('levels', `stop ${d.stop_loss_price}, take profit ${d.take_profit_price}`);
  for (const a of d.adjustments ?? []) kit.show('limit held', `${a.field}: ${a.from ?? '—'} → ${a.to ?? '—'} (${a.reason})`);
  kit.show('reasoning', d.reasoning || d.error_message);
}

export async function llmTraderDemo(kit: DemoKit, ctx: TraderDemo): Promise<void> {
  const { call, step, show, poll } = kit;
  step('9. An LLM trader (seed 004): its model decides each cycle, its limits hold, its book and subscribers trade');
  const mark = await replayBtcPath(ctx.databaseUrl);
  show('market data', `4 hours of BTC marks replayed into market_marks, ending at ${mark} (+3% in 4h, +0.75% in the last hour)`);
  const wallet = ctx.creator.address.toLowerCase();
  const name = `Momentum Trader ${Date.now().toString(36)}`;
  const timestamp = new Date().toISOString();
  const intent = proofOfIntentMessage({ creatorWallet: wallet, name, timestamp });
  const { agent } = await call(
    'POST',
    '/api/v3/agents/create',
    {
      kind: 'llm_trader',
      creator_wallet: wallet,
      name,
      llm_model: ctx.llmModel ?? 'rules:momentum',
      initial_balance: '10000',
      coins: ['BTC', 'ETH', 'SOL'],
      max_leverage: 5,
      cycle_interval_seconds: 3600,
      strategy_description: 'Follow the 4h trend when the last hour agrees; cut a position as soon as the hour turns against it.',
      profit_receiver_address: wallet,
      proof_of_intent_message: intent,
      proof_of_intent_signature: await ctx.creator.signMessage(intent),
      proof_of_intent_timestamp: timestamp,
    },
    ctx.as,
  );
  show(
    'llm_trader',
    `${agent.id}  "${agent.name}"  model ${agent.llm_model}, book ${agent.initial_balance} USD, max ${agent.max_leverage}x`,
  );
  await call('POST', `/api/v3/agents/${agent.id}/activate`, undefined, ctx.as);
  const { deployment } = await call(
    'POST',
    '/api/v3/agents/deploy',
    { agent_id: agent.id, user_wallet: ctx.subscriberWallet },
    ctx.subscriber,
  );
  show('subscriber', `${deployment.id} (paper, its own equity)`);

  const first = (await call('POST', `/api/v3/agents/${agent.id}/cycle`, undefined, ctx.as)).decision;
  describe(kit, first);
  if (!first.signal_id) return;
  const layers = await poll(async () => {
    // The book's and the subscriber's parts: an operator reads both (each wallet only its own).
    const r = await call('GET', `/api/v3/signals/${first.signal_id}/decisions`, undefined, ctx.admin);
    return ['EXECUTED', 'FAILED', 'SKIPPED'].includes(r.signal.status) ? r : null;
  });
  for (const d of layers.agent_how) {
    const who = d.deployment_id === agent.book_deployment_id ? 'book' : 'subscriber';
    show(`Agent How (${who})`, `${d.decision}: ${d.reason} → ${d.outcome}${d.venue ? ' on ' + d.venue : ''}`);
  }
  const open = (await call('GET', `/api/v3/agents/${agent.id}/trades?status=open`)).trades;
  for (const t of open) show('book trade', `${t.side} ${t.size} ${t.coin} @ ${t.entry_price}, decision ${t.decision_id}`);

  // The hour turns against the position (−1.4% from here, above its 2% stop): the next cycle cuts it.
  const lower = dec(mark).mul('0.986').toFixed(2);
  await call('PUT', '/api/v3/admin/paper/marks', { venue: 'HYPERLIQUID', token_symbol: 'BTC', price: lower }, ctx.admin);
  show('BTC mark', `${mark} → ${lower}`);
  const second = (await call('POST', `/api/v3/agents/${agent.id}/cycle`, undefined, ctx.as)).decision;
  describe(kit, second);
  if (second.action === 'CLOSE_POSITION') {
    const closed = await poll(async () => {
      const r = (await call('GET', `/api/v3/agents/${agent.id}/trades?status=closed`)).trades;
      return r.length === open.length && r.length ? r : null;
    });
    for (const t of closed) show('book trade', `closed at ${t.exit_price} (${t.notes}), realized ${t.realized_pnl} USD, fees ${t.fees}`);
  }
  const usage = await call('GET', `/api/v3/agents/${agent.id}/llm-usage`);
  show('token usage', ctx.llmModel ? usage.totals : 'none: the rules model calls no LLM');
  const state = (await call('GET', '/api/v3/admin/state', undefined, ctx.admin)).state?.find(
    (s: any) => s.key === `llm-trader:${agent.id}`,
  );
  if (state) show('bot_state', state.value);
}
