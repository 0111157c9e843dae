import { EntityManager } from 'typeorm';
import { first, rows } from '@conduit/db';
import { classifyFill, isPerpFill } from '@conduit/domain';
import type { WalletFill, WalletLedgerEntry, WalletState } from '@conduit/venue';

/**
 * Writing one poll of a watched wallet: each perp fill once as an event, each ledger entry once as a transfer, and
 * the cursors moved to what was written — all in the caller's transaction, so a crash before the commit leaves the
 * cursors where they were and the next poll reads the same fills again (the unique identity drops what was written).
 */

/** Where a wallet's reading resumes: `wallets.metadata.hyperliquid`. */
export interface WalletCursor {
  /** userFillsByTime's next startTime (ms): the time of the last fill written (the reader dedupes that millisecond). */
  fills_cursor_ms: number;
  /** userNonFundingLedgerUpdates' next startTime (ms): the time of the last entry written. */
  ledger_cursor_ms: number;
}

/** The cursor in the metadata; a wallet never read starts at the time it was first watched. */
export function readCursor(metadata: Record<string, any> | null, firstSeenAt: Date): WalletCursor {
  const hl = metadata?.hyperliquid ?? {};
  const start = firstSeenAt.getTime();
  const ms = (v: unknown) => (Number.isSafeInteger(v) ? (v as number) : start);
  return { fills_cursor_ms: ms(hl.fills_cursor_ms), ledger_cursor_ms: ms(hl.ledger_cursor_ms) };
}

export interface WalletRead {
  fills: WalletFill[];
  ledger: WalletLedgerEntry[];
  state: WalletState;
}

export interface Ingested {
  /** Events this poll inserted (not those already stored). */
  newEventIds: string[];
  transfers: number;
  cursor: WalletCursor;
}

/**
 * Writes a read of `wallet` (locked by the caller) and moves its cursor. size_fraction is each fill's notional over the
 * equity read now (the venue gives no past equity); is_first_since_watch marks the wallet's first event ever.
 */
export async function ingestWalletRead(
  em: EntityManager,
  wallet: { id: string; address: string; metadata: Record<string, any> | null; first_seen_at: Date },
  read: WalletRead,
): Promise<Ingested> {
  const before = readCursor(wallet.metadata, wallet.first_seen_at);
  let isFirst = !(await first<{ one: number }>(em, `SELECT 1 AS one FROM events WHERE wallet_id = $1 LIMIT 1`, [wallet.id]));
  const newEventIds: string[] = [];
  for (const fill of read.fills.filter(isPerpFill)) {
    const e = classifyFill(fill, { equityUsd: read.state.equity, wallet: wallet.address });
    const [inserted] = await rows<{ id: string }>(
      em,
      `INSERT INTO events (timestamp, wallet_id, tx_hash, fill_id, event_type, asset, amount, notional_usd, size_fraction, venue,
                           is_first_since_watch, position_before, position_after, realized_pnl, raw_data)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'HYPERLIQUID', $10, $11, $12, $13, $14)
       ON CONFLICT ON CONSTRAINT uq_events_identity DO NOTHING
       RETURNING id`,
      [
        e.time,
        wallet.id,
        e.txHash,
        e.fillId,
        e.eventType,
        e.asset,
        e.amount,
        e.notionalUsd,
        e.sizeFraction,
        isFirst,
        e.positionBefore,
        e.positionAfter,
        e.realizedPnl,
        JSON.stringify(fill),
      ],
    );
    if (!inserted) continue;
    newEventIds.push(inserted.id);
    isFirst = false;
  }

  let transfers = 0;
  for (const t of read.ledger) {
    const [inserted] = await rows<{ tx_hash: string }>(
      em,
      `INSERT INTO wallet_transfers (wallet_id, timestamp, tx_hash, transfer_type, net_usdc, raw_data)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT ON CONSTRAINT pk_wallet_transfers DO NOTHING
       RETURNING tx_hash`,
      [wallet.id, new Date(t.time), t.hash, t.type, t.netUsdc, JSON.stringify(t.delta)],
    );
    if (inserted) transfers++;
  }

  // never backwards: a slower concurrent poll of the same wallet may have read less
  const lastFill = read.fills.length ? read.fills[read.fills.length - 1].time : null;
  const lastEntry = read.ledger.length ? read.ledger[read.ledger.length - 1].time : null;
  const cursor: WalletCursor = {
    fills_cursor_ms: Math.max(before.fills_cursor_ms, lastFill ?? before.fills_cursor_ms),
    ledger_cursor_ms: Math.max(before.ledger_cursor_ms, lastEntry ?? before.ledger_cursor_ms),
  };
  await em.query(
    `UPDATE wallets
        SET metadata = jsonb_set(COALESCE(metadata, '{}'::jsonb), '{hyperliquid}',
                                 COALESCE(metadata -> 'hyperliquid', '{}'::jsonb) || $2::jsonb),
            last_activity = CASE WHEN $3::timestamptz IS NULL THEN last_activity
                                 ELSE GREATEST(COALESCE(last_activity, $3::timestamptz), $3::timestamptz) END
      WHERE id = $1`,
    [wallet.id, JSON.stringify(cursor), lastFill === null ? null : new Date(lastFill)],
  );
  return { newEventIds, transfers, cursor };
}
