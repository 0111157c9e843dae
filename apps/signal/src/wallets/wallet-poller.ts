import { randomUUID } from 'crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { first, rows, WalletRow } from '@conduit/db';
import type { Clock } from '@conduit/domain';
import { JobName, jobId, JobProducer } from '@conduit/queue';
import { CLOCK } from '@conduit/runtime';
import { ingestWalletRead, readCursor } from './wallet-ingest';
import { WalletInfo } from './wallet-info';
import { scoreWallet } from './wallet-scoring';

/** Events without an analysis re-emitted per poll at most (and only those of the last day). */
export const ANALYSE_HEAL_LIMIT = 500;
const DAY_MS = 24 * 3_600_000;

/** The deduplication id of a wallet's scheduled polls: one waiting or running at a time. */
export const pollDedupId = (walletId: string) => `wallet-poll-${walletId}`;

export interface WalletPollResult {
  /** Events this poll inserted. */
  events: number;
  transfers: number;
  /** Analyse jobs emitted (new events and earlier ones still without an analysis). */
  analyses: number;
  skipped?: 'unknown' | 'inactive';
}

/**
 * Reads watched wallets from Hyperliquid's info API into events, transfers and scores (signal.wallet-polls /
 * signal.wallet-poll; docs/WALLETS.md, "Poller"). One poll: read the fills and ledger entries since the wallet's
 * cursors and its account state (the process's shared weight budget), then in one transaction — the wallet row locked,
 * so two polls of one wallet take turns — write each perp fill once as an event, each ledger entry once as a transfer,
 * move the cursors to what was written and write one score at the clock's now. After the commit, one analyse job per
 * event without an analysis (deterministic ids: a job already queued is not queued twice).
 */
@Injectable()
export class WalletPoller {
  constructor(
    private readonly ds: DataSource,
    private readonly producer: JobProducer,
    private readonly info: WalletInfo,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /**
   * One poll job per active wallet for this tick, unless the wallet's poll of an earlier tick is still waiting or
   * running (BullMQ deduplication on the wallet): when the weight budget holds polls back, ticks do not pile up
   * behind them.
   */
  async pollAll(tick: number): Promise<{ wallets: number }> {
    const wallets = await rows<{ id: string }>(this.ds, `SELECT id FROM wallets WHERE is_active ORDER BY id`);
    await this.producer.emitBulk(
      wallets.map(({ id }) => ({
        name: JobName.SignalWalletPoll,
        data: { walletId: id, traceId: randomUUID() },
        jobId: jobId(JobName.SignalWalletPoll, id, 'tick', String(tick)),
        opts: { deduplication: { id: pollDedupId(id) } },
      })),
    );
    return { wallets: wallets.length };
  }

  async poll(walletId: string, traceId?: string): Promise<WalletPollResult> {
    type Watched = Pick<WalletRow, 'id' | 'address' | 'is_active' | 'first_seen_at'> & { metadata: Record<string, any> | null };
    const walletSql = `SELECT id, address, is_active, first_seen_at, metadata FROM wallets WHERE id = $1`;
    const wallet = await first<Watched>(this.ds, walletSql, [walletId]);
    if (!wallet) return { events: 0, transfers: 0, analyses: 0, skipped: 'unknown' };
    if (!wallet.is_active) return { events: 0, transfers: 0, analyses: 0, skipped: 'inactive' };

    const now = this.clock.now();
    const cursor = readCursor(wallet.metadata, wallet.first_seen_at as Date);
    const reader = this.info.reader;
    const fills = await reader.fillsSince(wallet.address, cursor.fills_cursor_ms, now.getTime());
    const ledger = await reader.ledgerSince(wallet.address, cursor.ledger_cursor_ms, now.getTime());
    const state = await reader.accountState(wallet.address);

    const written = await this.ds.transaction(async (em) => {
      // the row as it is now, locked: a concurrent poll of this wallet waits, then reads the cursor this one moved
      const locked = await first<Watched>(em, `${walletSql} FOR UPDATE`, [walletId]);
      if (!locked) return null;
      const ingested = await ingestWalletRead(em, { ...locked, first_seen_at: locked.first_seen_at as Date }, { fills, ledger, state });
      await scoreWallet(em, walletId, now, state);
      return ingested;
    });
    if (!written) return { events: 0, transfers: 0, analyses: 0, skipped: 'unknown' };

    // the new events, and any of the last day still without an analysis (a crash between commit and emit)
    const pending = await rows<{ id: string }>(
      this.ds,
      `SELECT e.id FROM events e
        WHERE e.wallet_id = $1 AND e.timestamp > $2
          AND NOT EXISTS (SELECT 1 FROM event_analysis a WHERE a.event_id = e.id)
        ORDER BY e.timestamp, e.id LIMIT ${ANALYSE_HEAL_LIMIT}`,
      [walletId, new Date(now.getTime() - DAY_MS)],
    );
    const ids = [...new Set([...written.newEventIds, ...pending.map((p) => p.id)])];
    await this.producer.emitBulk(
      ids.map((eventId) => ({
        name: JobName.SignalWalletAnalyse,
        data: { eventId, ...(traceId ? { traceId } : {}) },
        jobId: jobId(JobName.SignalWalletAnalyse, eventId),
      })),
    );
    return { events: written.newEventIds.length, transfers: written.transfers, analyses: ids.length };
  }
}
