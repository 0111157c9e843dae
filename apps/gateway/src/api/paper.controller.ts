import { Body, Controller, HttpCode, NotFoundException, Put } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { audit } from '@conduit/db';
import { dec, toMoney } from '@conduit/domain';
import { TraceId } from '../http/trace';
import { AdminOnly } from '../auth/auth.guard';
import { PaperMarkDto } from './dto';

/** Admin: set a paper venue mark (demos and manual testing). Real venues' marks come from their adapters. */
@ApiTags('admin')
@AdminOnly()
@Controller('api/v3/admin/paper')
export class PaperController {
  constructor(private readonly ds: DataSource) {}

  @Put('marks')
  @HttpCode(200)
  @ApiOperation({ summary: 'Set the paper mark of a market' })
  async setMark(@Body() dto: PaperMarkDto, @TraceId() traceId: string) {
    return this.ds.transaction(async (em) => {
      const rows = await em.query(
        `WITH old AS (SELECT venue, token_symbol, current_price FROM venue_markets WHERE venue = $1 AND token_symbol = $2 FOR UPDATE),
              u AS (UPDATE venue_markets m SET current_price = $3, last_synced = now() FROM old
                     WHERE m.venue = old.venue AND m.token_symbol = old.token_symbol
                    RETURNING m.venue, m.token_symbol, m.current_price::text, old.current_price::text AS previous)
         SELECT * FROM u`,
        [dto.venue, dto.token_symbol, toMoney(dto.price)],
      );
      if (!rows.length) throw new NotFoundException(`${dto.venue} lists no ${dto.token_symbol}`);
      const { previous, ...market } = rows[0];
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
}
