import { Body, Controller, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { DataFeed } from '../auth/auth.decorators';
import { TraceId } from '../common/trace';
import { uuidParam } from '../common/validation';
import { UpdateWalletDto, WalletEventsQuery, WalletListQuery, WatchWalletDto } from './wallets.dto';
import { WalletEventsResponse, WalletListResponse } from './wallets.responses';
import { WalletsService } from './wallets.service';

const uuid = uuidParam('id');

/** The smart-money watchlist (seed 003): operators add and change wallets; anyone reads them. */
@ApiTags('wallets')
@Controller('api/v3/wallets')
export class WalletsController {
  constructor(private readonly wallets: WalletsService) {}

  @Post()
  @DataFeed()
  @ApiOperation({ summary: 'Watch a Hyperliquid wallet' })
  watch(@Body() dto: WatchWalletDto, @TraceId() traceId: string) {
    return this.wallets.watch(dto, traceId);
  }

  @Get()
  @ApiOperation({ summary: 'Watched wallets with their latest scores, the most credible first' })
  @ApiOkResponse({ type: WalletListResponse })
  list(@Query() q: WalletListQuery) {
    return this.wallets.list(q);
  }

  @Get(':id')
  @ApiOperation({ summary: 'A wallet: latest scores, open positions, recent events' })
  get(@Param('id', uuid) id: string) {
    return this.wallets.get(id);
  }

  @Patch(':id')
  @DataFeed()
  @ApiOperation({ summary: 'Activate or deactivate a wallet, or change its label or tags' })
  update(@Param('id', uuid) id: string, @Body() dto: UpdateWalletDto, @TraceId() traceId: string) {
    return this.wallets.update(id, dto, traceId);
  }

  @Get(':id/events')
  @ApiOperation({ summary: "A wallet's events (its fills), newest first" })
  @ApiOkResponse({ type: WalletEventsResponse })
  events(@Param('id', uuid) id: string, @Query() q: WalletEventsQuery) {
    return this.wallets.events(id, q);
  }
}
