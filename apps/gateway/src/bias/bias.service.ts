import { Injectable, NotFoundException } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { BiasRow, EventAnalysisRow, first, rows } from '@conduit/db';
import { notFound } from '../common/errors';
import { BiasQuery } from './bias.dto';

/** A bias row with its decimals as text (exact, as stored). */
type BiasView = Pick<BiasRow, 'timestamp' | 'asset' | 'timeframe' | 'components'> & { value: string; confidence: string };

const BIAS_COLUMNS = `timestamp, asset, timeframe, value::text AS value, components, confidence::text AS confidence`;

/** The smart-money bias (seed 003) and the analyses it is made of, as the signal service writes them. */
@Injectable()
export class BiasService {
  constructor(private readonly ds: DataSource) {}

  async bias(q: BiasQuery) {
    const history = q.from !== undefined || q.to !== undefined;
    const params = [q.asset ?? null, q.timeframe ?? null, q.limit ?? 50];
    const filter = `($1::text IS NULL OR asset = $1) AND ($2::text IS NULL OR timeframe = $2)`;
    const bias = history
      ? await rows<BiasView>(
          this.ds,
          `SELECT ${BIAS_COLUMNS} FROM bias
            WHERE ${filter} AND ($4::timestamptz IS NULL OR timestamp >= $4) AND ($5::timestamptz IS NULL OR timestamp < $5)
            ORDER BY timestamp DESC, asset, timeframe LIMIT $3`,
          [...params, q.from ?? null, q.to ?? null],
        )
      : await rows<BiasView>(
          this.ds,
          `SELECT * FROM (SELECT DISTINCT ON (asset, timeframe) ${BIAS_COLUMNS} FROM bias WHERE ${filter}
                           ORDER BY asset, timeframe, timestamp DESC) latest
            ORDER BY asset, array_position(ARRAY['1h', '4h', '24h'], timeframe) LIMIT $3`,
          params,
        );
    return { success: true, mode: history ? 'history' : 'latest', count: bias.length, bias };
  }

  async analysis(eventId: string) {
    const event = await first<{ id: string }>(this.ds, `SELECT id FROM events WHERE id = $1`, [eventId]);
    if (!event) throw notFound('event', eventId);
    const analysis = await first<
      Omit<EventAnalysisRow, 'llm_confidence' | 'bias_impact'> & { llm_confidence: string; bias_impact: string }
    >(
      this.ds,
      `SELECT event_id, llm_classification, llm_confidence::text AS llm_confidence, llm_narrative, pattern_matched,
              bias_impact::text AS bias_impact, proposed_action, analyser, model, prompt, raw_response, latency_ms, error, created_at
         FROM event_analysis WHERE event_id = $1`,
      [eventId],
    );
    if (!analysis) throw new NotFoundException(`event ${eventId} is not analysed yet`);
    return { success: true, analysis };
  }
}
