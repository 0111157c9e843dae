// Demo step 7 (issue 19): four venues. Agent Where routes by the agent's priority list across Hyperliquid, Ostium, GMX
// and SPOT: SPOT (a Uniswap swap) takes a LONG at 1x and never a SHORT, which goes on to a perp venue; a token no
// venue lists is skipped with the reason. Paper mode: each venue's paper adapter fills at its listed mark.

import { dec } from '@conduit/domain';

type Call = (method: string, path: string, body?: unknown, headers?: Record<string, string>) => Promise<any>;
interface DemoKit {
  call: Call;
  step: (s: string) => void;
  show: (label: string, value: unknown) => void;
}

export async function venuesDemo(kit: DemoKit, ctx: { agentId: string; as: Record<string, string> }): Promise<void> {
  const { call, step, show } = kit;
  step('7. Four venues: SPOT buys a LONG at 1x, a SHORT goes on to a perp venue; a token no venue lists is skipped');
  const route = (venue_priority: string[]) =>
    call('PUT', `/api/v3/agents/${ctx.agentId}/routing-config`, { venue_priority, routing_strategy: 'FIRST_AVAILABLE' }, ctx.as);
  await route(['SPOT', 'GMX', 'HYPERLIQUID', 'OSTIUM']);
  show('priority', 'SPOT, GMX, HYPERLIQUID, OSTIUM (PUT /agents/:id/routing-config)');
  for (const side of ['LONG', 'SHORT'] as const) {
    const { signal } = await call(
      'POST',
      '/api/v3/signals/generate',
      {
        agent_id: ctx.agentId,
        token_symbol: 'ETH',
        side,
        size_model: { type: 'percentage', value: 5, leverage: 3 },
        risk_model: { type: 'fixed', stop: 0.02 },
      },
      ctx.as,
    );
    const trade = await call('POST', '/api/v3/execute/trade', { signal_id: signal.id }, ctx.as);
    show(`${side} ETH 3x`, `${trade.routing.selected_venue}: ${trade.routing.routing_reason}`);
    const p = trade.outcomes[0]?.position;
    if (p) show('', `position ${p.side} ${p.qty} ETH @ ${p.entry_price} on ${p.venue}: ${dec(p.qty).mul(p.entry_price).toFixed(2)} USD`);
  }
  const { signal: odd } = await call(
    'POST',
    '/api/v3/signals/generate',
    {
      agent_id: ctx.agentId,
      token_symbol: 'NOTLISTED',
      side: 'SHORT',
      size_model: { type: 'percentage', value: 5 },
      risk_model: { type: 'fixed', stop: 0.02 },
    },
    ctx.as,
  );
  const skipped = await call('POST', '/api/v3/execute/trade', { signal_id: odd.id }, ctx.as);
  show('NOTLISTED', `${skipped.signal.status}: ${skipped.skipped_reason}`);
  await route(['HYPERLIQUID', 'OSTIUM', 'GMX', 'SPOT']);
}
