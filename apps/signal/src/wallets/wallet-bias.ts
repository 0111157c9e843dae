import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { rows } from '@conduit/db';
import { assetBias, BIAS_TIMEFRAMES, BiasEvent, BiasTimeframe, Clock } from '@conduit/domain';
import { JobName, jobId, JobProducer } from '@conduit/queue';
import { CLOCK } from '@conduit/runtime';

const HOUR_MS = 60 * 60 * 1000;
export const BIAS_WINDOW_MS: Record<BiasTimeframe, number> = { '1h': HOUR_MS, '4h': 4 * HOUR_MS, '24h': 24 * HOUR_MS };

/** An analysed event in the last 24 hours, with its wallet's latest credibility per timeframe (at or before now). */
interface WindowEvent {
  wallet_id: string;
  timestamp: Date;
  size_fraction: string | null;
  bias_impact: string | null;
  credibility_1h: string | null;
  credibility_4h: string | null;
  credibility_24h: string | null;
}

/**
 * The bias per asset and timeframe from the analysed events (signal.wallet-bias): for the given asset, or every
 * asset with events in the last 24 hours, and each timeframe (1h, 4h, 24h), assetBias over the analysed events in
 * (now − timeframe, now], each weighted by its wallet's latest credibility for that timeframe at or before now (0,
 * so no weight, when the wallet has no score yet). The credibility is the wallet's as it stands: the poll that
 * writes a wallet's first events scores it in the same transaction, after them, so weighing an event by the score
 * before it would give a newly watched wallet's first moves no weight at all. One bias row per asset and timeframe
 * at the clock's now: a repeat with the same events writes nothing; two recomputes at the same instant (two
 * events' jobs under one clock reading) keep the later one. An asset's recomputes take turns (a transaction-scoped
 * advisory lock on the asset), so the later one reads after the earlier one's commit and has seen at least as many
 * analysed events (an analysis commits before its bias job is queued). Then each ACTIVE signal agent following
 * wallets re-reads: one signal.generate job per agent, asset and timestamp.
 */
@Injectable()
export class WalletBias {
  constructor(
    private readonly ds: DataSource,
    private readonly producer: JobProducer,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async recompute(asset?: string | null, traceId?: string): Promise<{ assets: number; rows: number; agents: number }> {
    const now = this.clock.now();
    const since = new Date(now.getTime() - BIAS_WINDOW_MS['24h']);
    const assets = asset
      ? [asset]
      : (
          await rows<{ asset: string }>(
            this.ds,
            `SELECT DISTINCT asset FROM events WHERE asset IS NOT NULL AND timestamp > $1 AND timestamp <= $2 ORDER BY asset`,
            [since, now],
          )
        ).map((r) => r.asset);
    let written = 0;
    for (const a of assets) written += await this.write(a, now, since);

    const agents = assets.length
      ? await rows<{ id: string }>(
          this.ds,
          `SELECT id FROM agents_v3 WHERE status = 'ACTIVE' AND kind = 'signal'
              AND (cardinality(wallet_ids) > 0 OR wallet_top_n IS NOT NULL) ORDER BY id`,
        )
      : [];
    await this.producer.emitBulk(
      assets.flatMap((a) =>
        agents.map(({ id }) => ({
          name: JobName.SignalGenerate,
          data: { agentId: id, traceId },
          jobId: jobId(JobName.SignalGenerate, id, 'bias', a, String(now.getTime())),
        })),
      ),
    );
    return { assets: assets.length, rows: written, agents: agents.length };
  }

  /** The asset's three bias rows at `now`; how many were new. */
  private async write(asset: string, now: Date, since: Date): Promise<number> {
    return this.ds.transaction(async (em) => {
      await em.query(`SELECT pg_advisory_xact_lock(hashtext('wallet-bias:' || $1))`, [asset]);
      return this.writeLocked(em, asset, now, since);
    });
  }

  private async writeLocked(em: EntityManager, asset: string, now: Date, since: Date): Promise<number> {
    const events = await rows<WindowEvent>(
      em,
      `SELECT e.wallet_id, e.timestamp, e.size_fraction::text, a.bias_impact::text,
              s1.credibility_1h::text, s4.credibility_4h::text, s24.credibility_24h::text
         FROM events e JOIN event_analysis a ON a.event_id = e.id
         LEFT JOIN LATERAL (SELECT credibility_1h FROM wallet_scores WHERE wallet_id = e.wallet_id AND timestamp <= $3
                             AND credibility_1h IS NOT NULL ORDER BY timestamp DESC LIMIT 1) s1 ON TRUE
         LEFT JOIN LATERAL (SELECT credibility_4h FROM wallet_scores WHERE wallet_id = e.wallet_id AND timestamp <= $3
                             AND credibility_4h IS NOT NULL ORDER BY timestamp DESC LIMIT 1) s4 ON TRUE
         LEFT JOIN LATERAL (SELECT credibility_24h FROM wallet_scores WHERE wallet_id = e.wallet_id AND timestamp <= $3
                             AND credibility_24h IS NOT NULL ORDER BY timestamp DESC LIMIT 1) s24 ON TRUE
        WHERE e.asset = $1 AND e.timestamp > $2 AND e.timestamp <= $3 AND a.bias_impact IS NOT NULL
        ORDER BY e.timestamp, e.id`,
      [asset, since, now],
    );
    let written = 0;
    for (const timeframe of BIAS_TIMEFRAMES) {
      const from = now.getTime() - BIAS_WINDOW_MS[timeframe];
      const inWindow: BiasEvent[] = events
        .filter((e) => new Date(e.timestamp).getTime() > from)
        .map((e) => ({
          walletId: e.wallet_id,
          time: new Date(e.timestamp),
          biasImpact: e.bias_impact!,
          sizeFraction: e.size_fraction,
          credibility: e[`credibility_${timeframe}`] ?? '0',
        }));
      const bias = assetBias(inWindow, now, timeframe);
      const inserted = await rows<{ asset: string }>(
        em,
        `INSERT INTO bias (timestamp, asset, timeframe, value, components, confidence) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (asset, timeframe, timestamp) DO UPDATE
               SET value = EXCLUDED.value, components = EXCLUDED.components, confidence = EXCLUDED.confidence
             WHERE (bias.value, bias.components, bias.confidence)
                   IS DISTINCT FROM (EXCLUDED.value, EXCLUDED.components, EXCLUDED.confidence)
         RETURNING asset`,
        [now, asset, timeframe, bias.value, bias.components, bias.confidence],
      );
      written += inserted.length;
    }
    return written;
  }
}
