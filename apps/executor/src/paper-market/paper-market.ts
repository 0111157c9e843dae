import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Env } from '@conduit/config';
import { exec, followMarketMarks, rows } from '@conduit/db';
import { toMoney, walkStep } from '@conduit/domain';
import { ENV } from '@conduit/runtime';

/** The paper venue's market: one step of the deterministic random walk for every mark; open positions follow. */
@Injectable()
export class PaperMarket {
  constructor(
    private readonly ds: DataSource,
    @Inject(ENV) private readonly env: Env,
  ) {}

  async tick(timestamp: number): Promise<{ moved: number }> {
    const tick = Math.floor(timestamp / this.env.PAPER_WALK_INTERVAL_MS);
    const markets = await rows<{ id: string; token_symbol: string; current_price: string }>(
      this.ds,
      `SELECT id, token_symbol, current_price FROM venue_markets WHERE current_price IS NOT NULL AND is_active`,
    );
    const prices = markets.map((m) =>
      toMoney(walkStep(m.current_price, this.env.PAPER_WALK_SEED, m.token_symbol, tick, this.env.PAPER_WALK_STEP_BPS)),
    );
    await exec(
      this.ds,
      `UPDATE venue_markets m SET current_price = v.p, last_synced = now() FROM unnest($1::uuid[], $2::numeric[]) AS v(id, p) WHERE m.id =
        v.id`,
      [markets.map((m) => m.id), prices],
    );
    await followMarketMarks(this.ds);
    return { moved: markets.length };
  }
}
