import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { audit, auditChange, auditFields, first, rows, WalletEventRow, WalletRow, WalletScoreRow } from '@conduit/db';
import type { Clock } from '@conduit/domain';
import { CLOCK } from '@conduit/runtime';
import { conflict, notFound } from '../common/errors';
import { UpdateWalletDto, WalletEventsQuery, WalletListQuery, WatchWalletDto } from './wallets.dto';

/** The latest score of each wallet, as the list and the detail show it. */
const LATEST_SCORE = `LEFT JOIN LATERAL (
    SELECT s.timestamp AS scored_at, s.credibility_1h::text AS credibility_1h, s.credibility_4h::text AS credibility_4h,
           s.credibility_24h::text AS credibility_24h, s.equity_usd::text AS equity_usd,
           s.trading_volume_24h::text AS trading_volume_24h, s.win_rate::text AS win_rate, s.archetype
      FROM wallet_scores s WHERE s.wallet_id = w.id ORDER BY s.timestamp DESC LIMIT 1) s ON TRUE`;

type ScoredWallet = WalletRow & Partial<Omit<WalletScoreRow, 'wallet_id' | 'timestamp'>> & { scored_at: Date | null };

/** The watchlist of smart-money wallets (seed 003): what is watched, its latest scores, its moves. */
@Injectable()
export class WalletsService {
  constructor(
    private readonly ds: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async watch(dto: WatchWalletDto, traceId: string) {
    return this.ds.transaction(async (em) => {
      const wallet = await first<WalletRow>(
        em,
        // Watched from now (the clock's): the poller reads fills from first_seen_at, and the first is first_since_watch.
        `INSERT INTO wallets (address, label, chain, tags, metadata, first_seen_at) VALUES ($1, $2, 'hyperliquid', $3, '{}', $4)
         ON CONFLICT (address) DO NOTHING RETURNING *`,
        [dto.address, dto.label ?? null, dto.tags ?? [], this.clock.now()],
      );
      if (!wallet) throw conflict('address', `address ${dto.address} is already watched`);
      const watched = { address: wallet.address, label: wallet.label, tags: wallet.tags };
      await audit(em, 'v3.wallet.watched', 'wallet', wallet.id, { address: wallet.address, label: wallet.label }, traceId, {
        new: watched,
      });
      return { success: true, wallet };
    });
  }

  async list(q: WalletListQuery) {
    // Wallets without a score yet come last, whatever the order.
    const order = { credibility_4h: 's.credibility_4h', credibility_24h: 's.credibility_24h', equity_usd: 's.equity_usd' }[
      q.sort ?? 'credibility_4h'
    ];
    const wallets = await rows<ScoredWallet>(
      this.ds,
      `SELECT w.*, s.* FROM wallets w ${LATEST_SCORE}
        WHERE ($1::boolean IS NULL OR w.is_active = $1) AND ($2::text IS NULL OR $2 = ANY(w.tags))
        ORDER BY ${order}::numeric DESC NULLS LAST, w.first_seen_at, w.id LIMIT $3 OFFSET $4`,
      [q.active ?? null, q.tag ?? null, q.limit ?? 50, q.offset ?? 0],
    );
    return { success: true, count: wallets.length, wallets };
  }

  /** A wallet with its latest scores, its open positions (the last event of each asset that left one) and recent events. */
  async get(id: string) {
    const wallet = await first<ScoredWallet>(this.ds, `SELECT w.*, s.* FROM wallets w ${LATEST_SCORE} WHERE w.id = $1`, [id]);
    if (!wallet) throw notFound('wallet', id);
    const positions = await rows<{ asset: string; size: string; since: Date }>(
      this.ds,
      `SELECT asset, size, since FROM (
         SELECT DISTINCT ON (asset) asset, position_after::text AS size, timestamp AS since
           FROM events WHERE wallet_id = $1 AND asset IS NOT NULL ORDER BY asset, timestamp DESC, fill_id DESC) last
        WHERE size::numeric <> 0 ORDER BY asset`,
      [id],
    );
    const events = await this.recentEvents(id, { limit: 20 });
    return { success: true, wallet, positions, events };
  }

  async update(id: string, dto: UpdateWalletDto, traceId: string) {
    return this.ds.transaction(async (em) => {
      const before = await first<WalletRow>(em, `SELECT * FROM wallets WHERE id = $1 FOR UPDATE`, [id]);
      if (!before) throw notFound('wallet', id);
      const next = { is_active: dto.is_active ?? before.is_active, label: dto.label ?? before.label, tags: dto.tags ?? before.tags };
      const changed = (Object.keys(next) as Array<keyof typeof next>).filter((k) => JSON.stringify(next[k]) !== JSON.stringify(before[k]));
      if (!changed.length) return { success: true, wallet: before }; // a repeat writes nothing
      const wallet = await first<WalletRow>(em, `UPDATE wallets SET is_active = $2, label = $3, tags = $4 WHERE id = $1 RETURNING *`, [
        id,
        next.is_active,
        next.label,
        next.tags,
      ]);
      await audit(
        em,
        'v3.wallet.updated',
        'wallet',
        id,
        { changed },
        traceId,
        auditChange(auditFields(before, changed), auditFields(next, changed)),
      );
      return { success: true, wallet };
    });
  }

  async events(id: string, q: WalletEventsQuery) {
    if (!(await first(this.ds, `SELECT 1 FROM wallets WHERE id = $1`, [id]))) throw notFound('wallet', id);
    const events = await this.recentEvents(id, q);
    return { success: true, count: events.length, events };
  }

  private recentEvents(id: string, q: Partial<WalletEventsQuery>) {
    return rows<WalletEventRow>(
      this.ds,
      `SELECT * FROM events WHERE wallet_id = $1 AND ($2::text IS NULL OR event_type = $2) AND ($3::text IS NULL OR asset = $3)
        ORDER BY timestamp DESC, fill_id DESC LIMIT $4 OFFSET $5`,
      [id, q.event_type ?? null, q.asset ?? null, q.limit ?? 50, q.offset ?? 0],
    );
  }
}
