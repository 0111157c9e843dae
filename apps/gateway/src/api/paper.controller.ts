import { Body, Controller, HttpCode, NotFoundException, Put } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { toMoney } from '@conduit/domain';
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
  async setMark(@Body() dto: PaperMarkDto) {
    const rows = await this.ds.query(
      `WITH u AS (UPDATE venue_markets SET current_price = $3, last_synced = now() WHERE venue = $1 AND token_symbol = $2
                  RETURNING venue, token_symbol, current_price::text) SELECT * FROM u`,
      [dto.venue, dto.token_symbol, toMoney(dto.price)],
    );
    if (!rows.length) throw new NotFoundException(`${dto.venue} lists no ${dto.token_symbol}`);
    return { success: true, market: rows[0] };
  }
}
