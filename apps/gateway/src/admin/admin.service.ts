import { Injectable, NotFoundException } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { audit, AuditRow, MarketRow, rows } from '@conduit/db';
import { dec, toMoney } from '@conduit/domain';
import { JobProducer, QueueName } from '@conduit/queue';
import { BotState } from '@conduit/runtime';
import { AuditQuery, PaperMarkDto } from './admin.dto';
import type { VenueStatusView } from './admin.responses';

/**
 * Operators: paper marks (demos and manual testing; real venues' marks come from their adapters), the audit trail and
 * the services' state.
 */
@Injectable()
export class AdminService {
  constructor(
    private readonly ds: DataSource,
    private readonly botState: BotState,
    private readonly producer: JobProducer,
  ) {}

  async setMark(dto: PaperMarkDto, traceId: string) {
    return this.ds.transaction(async (em) => {
      const moved = await rows<Pick<MarketRow, 'venue' | 'token_symbol'> & { current_price: string; previous: string | null }>(
        em,
        `WITH old AS (SELECT venue, token_symbol, current_price FROM venue_markets WHERE venue = $1 AND token_symbol = $2 FOR UPDATE),
              u AS (UPDATE venue_markets m SET current_price = $3, last_synced = now() FROM old
                     WHERE m.venue = old.venue AND m.token_symbol = old.token_symbol
                    RETURNING m.venue, m.token_symbol, m.current_price::text, old.current_price::text AS previous)
         SELECT * FROM u`,
        [dto.venue, dto.token_symbol, toMoney(dto.price)],
      );
      if (!moved.length) throw new NotFoundException(`${dto.venue} lists no ${dto.token_symbol}`);
      const { previous, ...market } = moved[0];
      // Moves positions' PnL and exits: audited, unless the mark is set to what it was.
      if (previous === null || !dec(previous).eq(market.current_price)) {
        await audit(
          em,
          'v3.paper.mark',
          'venue_market',
          null,
          { venue: market.venue, token_symbol: market.token_symbol, from: previous, to: market.current_price },
          traceId,
          { old: { current_price: previous }, new: { current_price: market.current_price } },
        );
      }
      return { success: true, market };
    });
  }

  /**
   * Oldest first within a trace (one action through every service), newest first otherwise. Each filter is one
   * indexed column (idx_audit_logs_trace, idx_audit_user, idx_audit_wallet, idx_audit_entity, idx_audit_event,
   * idx_audit_timestamp); `from` is inclusive, `to` exclusive.
   */
  async audit(q: AuditQuery) {
    const entries = await rows<
      Pick<
        AuditRow,
        | 'id'
        | 'occurred_at'
        | 'action'
        | 'entity_type'
        | 'entity_id'
        | 'actor'
        | 'user_id'
        | 'wallet'
        | 'old_value'
        | 'new_value'
        | 'payload'
        | 'ip_address'
        | 'user_agent'
        | 'trace_id'
      >
    >(
      this.ds,
      `SELECT id, occurred_at, action, entity_type, entity_id, actor, user_id, wallet, old_value, new_value, payload,
              host(ip_address) AS ip_address, user_agent, trace_id
         FROM audit_logs
        WHERE ($1::text IS NULL OR trace_id = $1) AND ($2::text IS NULL OR entity_type = $2)
          AND ($3::uuid IS NULL OR entity_id = $3) AND ($4::text IS NULL OR action = $4)
          AND ($5::uuid IS NULL OR user_id = $5) AND ($6::text IS NULL OR wallet = $6)
          AND ($7::timestamptz IS NULL OR occurred_at >= $7) AND ($8::timestamptz IS NULL OR occurred_at < $8)
        ORDER BY CASE WHEN $1::text IS NULL THEN NULL ELSE occurred_at END ASC, occurred_at DESC, id LIMIT $9 OFFSET $10`,
      [
        q.trace_id ?? null,
        q.entity_type ?? null,
        q.entity_id ?? null,
        q.action ?? null,
        q.user_id ?? null,
        q.wallet ?? null,
        q.from ?? null,
        q.to ?? null,
        q.limit ?? 50,
        q.offset ?? 0,
      ],
    );
    return { success: true, count: entries.length, entries };
  }

  /** Each queue's counts, read from Redis as Bull Board reads them (one round trip per queue). */
  async queues() {
    const queues = await Promise.all(
      Object.values(QueueName).map(async (name) => {
        const c = await this.producer.queue(name).getJobCounts('waiting', 'active', 'delayed', 'failed', 'paused');
        return {
          name,
          waiting: c.waiting ?? 0,
          active: c.active ?? 0,
          delayed: c.delayed ?? 0,
          failed: c.failed ?? 0,
          paused: c.paused ?? 0,
        };
      }),
    );
    return { success: true, queues };
  }

  /** bot_state: every key with its value parsed, in key order. */
  /** venues_status, by venue (venue_v3_t order). */
  async venues() {
    const venues = await rows<VenueStatusView>(
      this.ds,
      `SELECT venue::text, status, is_available, status_since, last_checked, latency_ms, last_error FROM venues_status ORDER BY venue`,
    );
    return { success: true, count: venues.length, venues };
  }

  async state() {
    const state = await this.botState.list();
    return { success: true, count: state.length, state };
  }
}
