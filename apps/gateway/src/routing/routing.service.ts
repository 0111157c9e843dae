import { Inject, Injectable, ServiceUnavailableException } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Env } from '@conduit/config';
import { first } from '@conduit/db';
import { RpcClient, RpcPattern, RpcTimeoutError } from '@conduit/queue';
import { ENV } from '@conduit/runtime';
import { notFound } from '../common/errors';
import { RoutingPreviewQuery } from './routing.dto';

/** The RPC client's injection token (ClientsModule). */
export const ROUTER_RPC = 'ROUTER_RPC';

const unavailable = (message: string) =>
  new ServiceUnavailableException({ statusCode: 503, error: 'Service Unavailable', message: [message] });

/**
 * Questions to Agent Where, on the RPC channel (issue 17): the router's cache (venue health, listings, books, configs)
 * lives in the router's memory only, so the gateway asks it rather than reading the tables and guessing.
 */
@Injectable()
export class RoutingService {
  constructor(
    private readonly ds: DataSource,
    @Inject(ROUTER_RPC) private readonly router: RpcClient,
    @Inject(ENV) private readonly env: Env,
  ) {}

  /** 404 for an unknown agent (the router would route it by the global config); 503 when no router answers in time. */
  async preview(q: RoutingPreviewQuery) {
    const agent = await first<{ id: string }>(this.ds, `SELECT id FROM agents_v3 WHERE id = $1`, [q.agent_id]);
    if (!agent) throw notFound('agent', q.agent_id);
    const request = { agent_id: q.agent_id, token_symbol: q.token_symbol, side: q.side, notional_usd: q.notional_usd };
    try {
      const answer = await this.router.ask(RpcPattern.RoutingPreview, request, this.env.ROUTER_RPC_TIMEOUT_MS);
      return { success: true, ...answer };
    } catch (e) {
      if (e instanceof RpcTimeoutError) throw unavailable(`no router answered within ${e.timeoutMs} ms`);
      throw unavailable(`the router could not answer: ${(e as Error)?.message ?? String(e)}`);
    }
  }
}
