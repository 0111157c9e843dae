import { hostname } from 'os';
import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { Dec } from '@conduit/domain';
import { RoutedVenue, RoutingPreviewAnswer, RoutingPreviewRequest, RpcPattern } from '@conduit/queue';
import { RouterProcessor, Routing } from './router.processor';
import { RoutingCache } from './routing-cache';

const ANSWERED_BY = `${hostname()}:${process.pid}`;

/**
 * Agent Where answers questions about its cache (issue 17), on the RPC channel (libs/queue/src/rpc.ts): only this
 * process knows venue availability and costs as the next routing will read them. Listens where the worker is started
 * as a microservice (bootstrapWorker's rpc option); in a plain application context the handler is simply not called.
 */
@Controller()
export class RoutingPreviewController {
  constructor(
    private readonly router: RouterProcessor,
    private readonly cache: RoutingCache,
  ) {}

  /**
   * How a signal of the agent, token, side and size would be routed now: the routing of a signal itself
   * (RouterProcessor.evaluate), with the agent's routing config (else the global one) and every venue of it. A real
   * signal also narrows the venues to those its approved deployments enable and sums their sizes; the preview has no
   * deployments, so it is the routing of a deployment that enables every venue, at the size asked.
   */
  @MessagePattern(RpcPattern.RoutingPreview)
  async preview(@Payload() req: RoutingPreviewRequest): Promise<RoutingPreviewAnswer> {
    await this.cache.settled();
    const signal = { agent_id: req.agent_id, token_symbol: req.token_symbol, side: req.side, size_model: {} };
    const routing = await this.router.evaluate(signal, [], new Dec(req.notional_usd));
    const { decision, config } = routing;
    return {
      agent_id: req.agent_id,
      token_symbol: req.token_symbol,
      side: req.side,
      notional_usd: req.notional_usd,
      config: this.cache.configSource(req.agent_id),
      strategy: config.routing_strategy,
      failover_enabled: config.failover_enabled,
      venues: routing.priority.map((venue) => venueOf(venue, req.token_symbol, req.notional_usd, routing)),
      selected: decision.selected,
      reason: decision.reason,
      computed_at: new Date().toISOString(),
      answered_by: ANSWERED_BY,
    };
  }
}

/** One venue of the priority list as the decision saw it: its rank, whether it can take the token, why, and its costs. */
function venueOf(venue: string, token: string, notional: string, { decision, views, quotes, config, priority }: Routing): RoutedVenue {
  const view = views.get(venue);
  const available = !!view && view.healthy && view.listed;
  const quote = quotes.get(venue);
  const index = decision.ranked.indexOf(venue);
  const rank = index < 0 ? null : index + 1;
  const costBps =
    quote?.slippageBps == null
      ? null
      : config.routing_strategy === 'LOWEST_FEES'
        ? quote.slippageBps.plus(quote.takerBps)
        : quote.slippageBps;
  let reason: string;
  if (!config.failover_enabled && venue !== priority[0])
    reason = 'not considered: failover is off, so only the first venue of the priority list counts';
  else if (!view?.healthy) reason = `${venue} unavailable`;
  else if (!view.listed) reason = `${venue} does not list ${token}`;
  else if (venue === decision.selected) reason = decision.reason;
  else if (quote && costBps === null) reason = `${venue} book cannot fill $${new Dec(notional).toFixed(0)}`;
  else if (costBps !== null) reason = `failover ${rank}: ${costBps.toFixed(2)} bps`;
  else reason = `failover ${rank}: pair ${view.marketName ?? `${token}-USD`} available`;
  return {
    venue,
    rank,
    available,
    market_name: view?.marketName ?? null,
    reason,
    costs: quote
      ? {
          avg_price: quote.avgPrice ? places(quote.avgPrice, 8) : null,
          slippage_bps: quote.slippageBps ? places(quote.slippageBps, 4) : null,
          taker_bps: places(quote.takerBps, 4),
          cost_bps: costBps ? places(costBps, 4) : null,
        }
      : null,
  };
}

/** A decimal to at most `n` places, without trailing zeros (the quotes' exact values carry division noise). */
const places = (d: Dec, n: number) => d.toDecimalPlaces(n).toString();
