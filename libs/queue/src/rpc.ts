import { context, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { ClientRedis, ReadPacket, ServerRedis } from '@nestjs/microservices';
import { firstValueFrom, timeout } from 'rxjs';
import { redisOptions } from './redis';

/**
 * Questions one service asks another and waits for (issue 17), on @nestjs/microservices' Redis transport: queues carry
 * work (at least once, retried, nobody waits), these carry questions (at most once, answered within a bounded time or
 * not at all). The value is the wire name, a contract like QueueName: renaming one leaves the askers unanswered.
 */
export enum RpcPattern {
  /** Agent Where: how a signal of an agent, token, side and size would be routed now, from the router's cache. */
  RoutingPreview = 'routing.preview',
}

export interface RoutingPreviewRequest {
  agent_id: string;
  token_symbol: string;
  side: 'LONG' | 'SHORT';
  /** The size to route, in USD (a decimal string). */
  notional_usd: string;
}

/** What filling the size on one venue would cost (the cost strategies quote it from the cached book); decimals as strings. */
export interface RoutedVenueCosts {
  avg_price: string | null;
  slippage_bps: string | null;
  taker_bps: string;
  /** What the strategy ranks by: slippage (BEST_LIQUIDITY) or taker fee + slippage (LOWEST_FEES); null when unfillable. */
  cost_bps: string | null;
}

export interface RoutedVenue {
  venue: string;
  /** 1 = selected, then the failover order; null when the venue cannot take the signal (or was not checked). */
  rank: number | null;
  /** Healthy (venues_status, an adapter) and lists the token. */
  available: boolean;
  market_name: string | null;
  reason: string;
  /** Only where a cost strategy quoted the venue. */
  costs: RoutedVenueCosts | null;
}

export interface RoutingPreviewAnswer {
  agent_id: string;
  token_symbol: string;
  side: 'LONG' | 'SHORT';
  notional_usd: string;
  /** Whose routing config decided: the agent's own, the global row, or the built-in default when there is neither. */
  config: 'agent' | 'global' | 'default';
  strategy: string;
  failover_enabled: boolean;
  /** Every venue of the config's priority list, in that order. */
  venues: RoutedVenue[];
  selected: string | null;
  /** The routing reason a signal routed now would record (venue_routing_history_v3.routing_reason). */
  reason: string;
  computed_at: string;
  /** The router replica that answered (its host and process). */
  answered_by: string;
}

/** The request and the answer of every pattern, by name. */
export interface RpcRequestMap {
  [RpcPattern.RoutingPreview]: RoutingPreviewRequest;
}
export interface RpcAnswerMap {
  [RpcPattern.RoutingPreview]: RoutingPreviewAnswer;
}

/**
 * The Redis channel of a pattern: under the deployment's QUEUE_PREFIX, so that two Conduits (or two test runs) on one
 * Redis never answer each other's questions. The transport replies on the same channel + `.reply`.
 */
export function rpcChannel(prefix: string, pattern: string): string {
  return `${prefix}:rpc:${pattern}`;
}

interface RpcEnv {
  REDIS_URL: string;
  QUEUE_PREFIX: string;
}

/** The W3C trace context of the span active now, for a packet; undefined when the process does not trace. */
function traceCarrier(): Record<string, string> | undefined {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return Object.keys(carrier).length ? carrier : undefined;
}

const tracer = () => trace.getTracer('conduit');

/** Runs `fn` in a span of the RPC (a no-op span when the process does not trace), ended when `fn` settles. */
async function inRpcSpan<T>(name: string, kind: SpanKind, fn: () => Promise<T>): Promise<T> {
  return tracer().startActiveSpan(name, { kind, attributes: { 'rpc.system': 'nestjs-redis' } }, async (span) => {
    try {
      return await fn();
    } catch (e) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: (e as Error)?.message });
      throw e;
    } finally {
      span.end();
    }
  });
}

/** The transport's ioredis options: the queues' Redis, reconnecting every second for as long as it takes. */
function transportOptions(env: RpcEnv) {
  const { host, port, username, password, db, tls } = redisOptions(env.REDIS_URL);
  return { host, port, username, password, db, tls, retryAttempts: Number.MAX_SAFE_INTEGER, retryDelay: 1000 };
}

/**
 * The answering side: Nest's Redis server with every @MessagePattern(RpcPattern.…) subscribed under the prefix. Redis
 * pub/sub delivers a question to every subscriber, so every replica answers it; the asker keeps the first answer.
 */
export class RpcServer extends ServerRedis {
  private readonly prefix: string;

  constructor(env: RpcEnv) {
    super(transportOptions(env));
    this.prefix = rpcChannel(env.QUEUE_PREFIX, '');
  }

  override getRequestPattern(pattern: string): string {
    return this.prefix + pattern;
  }

  override getHandlerByPattern(channel: string) {
    return super.getHandlerByPattern(channel.startsWith(this.prefix) ? channel.slice(this.prefix.length) : channel);
  }

  /** A question that carries its asker's trace context is answered in a server span of that trace. */
  override async handleMessage(channel: string, buffer: string, pub: any, pattern: string): Promise<any> {
    let carrier: Record<string, string> | undefined;
    try {
      carrier = JSON.parse(String(buffer))?.trace;
    } catch {
      /* not JSON: the transport answers the parse error itself */
    }
    const parent = carrier ? propagation.extract(context.active(), carrier) : context.active();
    const name = `rpc ${channel.startsWith(this.prefix) ? channel.slice(this.prefix.length) : channel}`;
    return context.with(parent, () => inRpcSpan(name, SpanKind.SERVER, () => super.handleMessage(channel, buffer, pub, pattern)));
  }
}

/** No answer within the bound: no replica listens, or none answered in time. */
export class RpcTimeoutError extends Error {
  constructor(
    readonly pattern: RpcPattern,
    readonly timeoutMs: number,
  ) {
    super(`no answer to ${pattern} within ${timeoutMs} ms`);
  }
}

/** The asking side: Nest's Redis client on the prefixed channels, with a typed, bounded ask. */
export class RpcClient extends ClientRedis {
  private readonly prefix: string;

  constructor(env: RpcEnv) {
    super(transportOptions(env));
    this.prefix = rpcChannel(env.QUEUE_PREFIX, '');
  }

  override getRequestPattern(pattern: string): string {
    return this.prefix + pattern;
  }

  override getReplyPattern(pattern: string): string {
    return `${this.prefix}${pattern}.reply`;
  }

  /**
   * Asks once and resolves with the first answer (several replicas each answer; the rest are dropped, as their packet
   * id no longer has a waiter), or rejects with RpcTimeoutError after timeoutMs, connecting included. An error the
   * answering handler threw rejects as that error.
   */
  async ask<P extends RpcPattern>(pattern: P, request: RpcRequestMap[P], timeoutMs: number): Promise<RpcAnswerMap[P]> {
    return inRpcSpan(`rpc ${pattern}`, SpanKind.CLIENT, async () => {
      try {
        return await firstValueFrom(this.send<RpcAnswerMap[P], RpcRequestMap[P]>(pattern, request).pipe(timeout(timeoutMs)));
      } catch (e) {
        if ((e as Error)?.name === 'TimeoutError') throw new RpcTimeoutError(pattern, timeoutMs);
        throw e;
      }
    });
  }

  /** Every question carries the asker's trace context (W3C traceparent) beside its data, when the process traces. */
  protected override publish(packet: ReadPacket, callback: (packet: any) => void): () => void {
    const trace = traceCarrier();
    return super.publish(trace ? ({ ...packet, trace } as ReadPacket) : packet, callback);
  }
}
