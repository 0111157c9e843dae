import { Injectable, NotFoundException } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { audit, AuditRow, MarketRow, rows } from '@conduit/db';
import { dec, toMoney } from '@conduit/domain';
import { BotState } from '@conduit/runtime';
import { AuditQuery, PaperMarkDto } from './admin.dto';

/**
 * Operators: paper marks (demos and manual testing; real venues' marks come from their adapters), the audit trail and
 * the services' state.
 */
@Injectable()
export class AdminService {
  constructor(
    private readonly ds: DataSource,
    private readonly botState: BotState,
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
        );
      }
      return { success: true, market };
    });
  }

  /** Oldest first within a trace (one action through every service), newest first otherwise. */
  async audit(q: AuditQuery) {
    const entries = await rows<
      Pick<AuditRow, 'id' | 'event_name' | 'subject_type' | 'subject_id' | 'payload' | 'trace_id' | 'occurred_at'>
    >(
      this.ds,
      `SELECT id, event_name, subject_type, subject_id, payload, trace_id, occurred_at FROM audit_logs
        WHERE ($1::text IS NULL OR trace_id = $1) AND ($2::text IS NULL OR subject_type = $2)
          AND ($3::uuid IS NULL OR subject_id = $3) AND ($4::text IS NULL OR event_name = $4)
        ORDER BY CASE WHEN $1::text IS NULL THEN NULL ELSE occurred_at END ASC, occurred_at DESC, id LIMIT $5 OFFSET $6`,
      [q.trace_id ?? null, q.subject_type ?? null, q.subject_id ?? null, q.event_name ?? null, q.limit ?? 50, q.offset ?? 0],
    );
    return { success: true, count: entries.length, entries };
  }

  /** bot_state: every key with its value parsed, in key order. */
  async state() {
    const state = await this.botState.list();
    return { success: true, count: state.length, state };
  }
}
