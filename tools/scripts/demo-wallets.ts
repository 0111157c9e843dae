// The demo's smart-money step (seed 003): two watched wallets trade BTC on a local Hyperliquid; Agent What polls them
// through the info API, records each fill once as an event, analyses it, scores the wallets and keeps a bias per
// asset; an agent following the wallets turns the bias into a signal, and its subscriber's position names the wallet.
// No venue is reachable from here, so the wallets trade on the local server that speaks Hyperliquid's protocol (the
// one the tests use): real signed orders, real fills, the info API's shapes and weights.
import { Wallet } from 'ethers';
import { ExchangeClient, HttpTransport, InfoClient } from '@nktkas/hyperliquid';
import { dec, proofOfIntentMessage } from '@conduit/domain';
import { HyperliquidSim } from '@conduit/testing';
import type { DemoKit } from './demo-trader';

export interface WalletsDemo {
  sim: HyperliquidSim;
  creator: Wallet;
  as: Record<string, string>;
  admin: Record<string, string>;
  subscriber: Record<string, string>;
  subscriberWallet: string;
}

/** A market buy of `size` BTC by `trader` on the local venue: an IOC limit 1% through the mid, signed by the trader. */
async function buyBtc(sim: HyperliquidSim, trader: Wallet, size: string): Promise<void> {
  const transport = new HttpTransport({ apiUrl: sim.url, isTestnet: true });
  const mid = (await new InfoClient({ transport }).allMids()).BTC;
  const limit = dec(mid).mul('1.01').toDecimalPlaces(0).toFixed();
  const exchange = new ExchangeClient({ transport, wallet: trader });
  await exchange.order({
    orders: [{ a: sim.assetIndex('BTC'), b: true, p: limit, s: size, r: false, t: { limit: { tif: 'Ioc' } } }],
    grouping: 'na',
  });
}

export async function smartMoneyDemo(kit: DemoKit, ctx: WalletsDemo): Promise<void> {
  const { call, step, show, poll } = kit;
  step('10. Smart money (seed 003): watched wallets trade, Agent What scores them, their bias becomes a signal');
  const traders = [new Wallet(Wallet.createRandom().privateKey), new Wallet(Wallet.createRandom().privateKey)];
  const watched: any[] = [];
  for (const [i, t] of traders.entries()) {
    ctx.sim.fund(t.address, '10000');
    const { wallet } = await call(
      'POST',
      '/api/v3/wallets',
      { address: t.address, label: `Whale ${'AB'[i]}`, tags: ['demo', 'btc'] },
      ctx.admin,
    );
    watched.push(wallet);
    show('watching', `${wallet.label} ${wallet.address} (10,000 USDC on the local Hyperliquid)`);
  }

  const creatorWallet = ctx.creator.address.toLowerCase();
  const name = `Smart Money Follower ${Date.now().toString(36)}`;
  const timestamp = new Date().toISOString();
  const intent = proofOfIntentMessage({ creatorWallet, name, timestamp });
  const { agent } = await call(
    'POST',
    '/api/v3/agents/create',
    {
      creator_wallet: creatorWallet,
      name,
      wallet_ids: watched.map((w) => w.address),
      wallet_bias_threshold: '0.3',
      weights: { x: 0, research: 0, wallets: 1 },
      profit_receiver_address: creatorWallet,
      proof_of_intent_message: intent,
      proof_of_intent_signature: await ctx.creator.signMessage(intent),
      proof_of_intent_timestamp: timestamp,
    },
    ctx.as,
  );
  await call('POST', `/api/v3/agents/${agent.id}/activate`, undefined, ctx.as);
  const { deployment } = await call(
    'POST',
    '/api/v3/agents/deploy',
    { agent_id: agent.id, user_wallet: ctx.subscriberWallet },
    ctx.subscriber,
  );
  show('agent', `"${agent.name}" follows both wallets (|bias| ≥ 0.3); deployment ${deployment.id}`);

  await buyBtc(ctx.sim, traders[0], '0.1');
  await buyBtc(ctx.sim, traders[1], '0.06');
  show('trades', 'Whale A buys 0.1 BTC, Whale B 0.06 BTC (signed IOC orders, filled by the local venue)');

  for (const w of watched) {
    const [event] = await poll(async () => {
      const r = (await call('GET', `/api/v3/wallets/${w.id}/events`)).events;
      return r.length ? r : null;
    });
    show(
      `${w.label} event`,
      `${event.event_type} ${event.amount} ${event.asset} (${event.notional_usd} USD, ${event.size_fraction} of equity)`,
    );
    const { analysis } = await poll(() => call('GET', `/api/v3/events/${event.id}/analysis`).catch(() => null));
    show('  analysis', `${analysis.pattern_matched} by ${analysis.analyser}: impact ${analysis.bias_impact}; ${analysis.llm_narrative}`);
    const { wallet: scored, positions } = await poll(async () => {
      const r = await call('GET', `/api/v3/wallets/${w.id}`);
      return r.wallet.scored_at ? r : null;
    });
    show(
      '  credibility',
      `1h ${scored.credibility_1h}, 4h ${scored.credibility_4h}, 24h ${scored.credibility_24h} (${scored.archetype}), ` +
        `equity ${scored.equity_usd} USD, open ${positions.map((p: any) => `${p.size} ${p.asset}`).join(', ')}`,
    );
  }
  // the latest 4h row once it has seen both wallets' analysed moves (an earlier run's row may be the latest until then)
  const bias = await poll(async () => {
    const [latest] = (await call('GET', '/api/v3/bias?asset=BTC&timeframe=4h')).bias;
    return latest && watched.every((w) => Number(latest.components[w.id] ?? 0) > 0) ? latest : null;
  });
  const ours = watched.map((w) => `${w.label} ${bias.components[w.id] ?? '0'}`).join(', ');
  const others = Object.keys(bias.components).length - watched.length;
  show('BTC bias (4h)', `${bias.value}, confidence ${bias.confidence}; shares ${ours}${others > 0 ? ` (+${others} earlier wallets)` : ''}`);

  const emitted = await poll(
    async () => (await call('GET', `/api/v3/agents/${agent.id}/decisions?source_type=aggregate&action=OPEN_LONG`)).decisions[0],
  );
  show('Agent What', emitted.reasoning);
  const position = await poll(async () => {
    const r = (await call('GET', `/api/v3/positions?deployment_id=${deployment.id}`, undefined, ctx.subscriber)).positions;
    return r.length ? r[0] : null;
  });
  const from = watched.find((w) => w.id === position.signal_wallet_id);
  show('position', `${position.side} ${position.qty} ${position.token_symbol} @ ${position.entry_price} on ${position.venue}`);
  show('signalled by', from ? `${from.label} ${from.address}` : String(position.signal_wallet_id));
  // The demo's wallets live on the demo's local venue only: stop watching them, so a later run does not poll them.
  for (const w of watched) await call('PATCH', `/api/v3/wallets/${w.id}`, { is_active: false }, ctx.admin);
  show('unwatched', watched.map((w) => w.label).join(', '));
}
