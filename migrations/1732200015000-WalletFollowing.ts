import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Watched wallets become signals (issue 14, seed 003):
 * - wallet_transfers: each watched wallet's deposits, withdrawals and transfers from Hyperliquid's non-funding ledger,
 *   once per (wallet, hash, type), so scoring nets them out (a deposit is never profit). Not in seed 003, which has
 *   no ledger; `events` keeps trades only (its CHECK).
 * - event_analysis: who analysed the event (llm or rules) and the LLM call as the other LLM calls are logged (model,
 *   prompt, raw answer, latency, error), beside seed 003's columns.
 * - agents_v3 follow wallets: by id or address (wallet_ids), or the watchlist's top N by 4h credibility
 *   (wallet_top_n), with the |bias| they need before signalling (wallet_bias_threshold; NULL = WALLET_BIAS_THRESHOLD)
 *   and a `wallets` weight in `weights` beside x and research.
 * - signals_v3 name what a wallet signal came from: the wallet with the largest share (signal_wallet_id, copied to the
 *   positions opened from it), every contributing wallet and event.
 */
export class WalletFollowing1732200015000 implements MigrationInterface {
  name = 'WalletFollowing1732200015000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE wallet_transfers (
        wallet_id UUID NOT NULL REFERENCES wallets(id) ON DELETE CASCADE,
        timestamp TIMESTAMPTZ NOT NULL,
        tx_hash VARCHAR(66) NOT NULL,
        transfer_type VARCHAR(50) NOT NULL,
        net_usdc DECIMAL(20, 8),
        raw_data JSONB,
        CONSTRAINT pk_wallet_transfers PRIMARY KEY (wallet_id, tx_hash, transfer_type)
      )`);
    await q.query(`CREATE INDEX idx_wallet_transfers_time ON wallet_transfers (wallet_id, timestamp)`);

    await q.query(`
      ALTER TABLE event_analysis
        ADD COLUMN analyser VARCHAR(10) NOT NULL DEFAULT 'rules',
        ADD COLUMN model TEXT,
        ADD COLUMN prompt TEXT,
        ADD COLUMN raw_response TEXT,
        ADD COLUMN latency_ms INTEGER,
        ADD COLUMN error TEXT,
        ADD CONSTRAINT ck_event_analysis_analyser CHECK (analyser IN ('llm', 'rules'))`);

    await q.query(`
      ALTER TABLE agents_v3
        ADD COLUMN wallet_ids TEXT[],
        ADD COLUMN wallet_top_n INTEGER,
        ADD COLUMN wallet_bias_threshold DECIMAL(4, 3),
        ADD CONSTRAINT ck_agents_v3_wallet_top_n CHECK (wallet_top_n BETWEEN 1 AND 100),
        ADD CONSTRAINT ck_agents_v3_wallet_bias_threshold CHECK (wallet_bias_threshold > 0 AND wallet_bias_threshold <= 1)`);

    await q.query(`
      ALTER TABLE signals_v3
        ADD COLUMN signal_wallet_id UUID REFERENCES wallets(id) ON DELETE SET NULL,
        ADD COLUMN source_wallets UUID[],
        ADD COLUMN source_events UUID[]`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE signals_v3 DROP COLUMN source_events, DROP COLUMN source_wallets, DROP COLUMN signal_wallet_id`);
    await q.query(`
      ALTER TABLE agents_v3 DROP CONSTRAINT ck_agents_v3_wallet_bias_threshold, DROP CONSTRAINT ck_agents_v3_wallet_top_n,
        DROP COLUMN wallet_bias_threshold, DROP COLUMN wallet_top_n, DROP COLUMN wallet_ids`);
    await q.query(`
      ALTER TABLE event_analysis DROP CONSTRAINT ck_event_analysis_analyser, DROP COLUMN error, DROP COLUMN latency_ms,
        DROP COLUMN raw_response, DROP COLUMN prompt, DROP COLUMN model, DROP COLUMN analyser`);
    await q.query(`DROP TABLE wallet_transfers`);
  }
}
