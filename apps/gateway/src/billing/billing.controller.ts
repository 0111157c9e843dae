import { Body, Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { SignedIn, WalletAuth } from '../auth/auth.decorators';
import { TraceId } from '../common/trace';
import { uuidParam } from '../common/validation';
import { respond } from '../common/waited';
import { BillingQuery, RetryBillDto, UserSignatureDto } from './billing.dto';
import { BillingService } from './billing.service';

const uuid = uuidParam('id');

@ApiTags('billing')
@Controller('api/v3/billing/events')
export class BillingController {
  constructor(private readonly billing: BillingService) {}

  @Get(':id')
  @ApiOperation({ summary: 'One billing event; a live bill carries in metadata.usd_send the usdSend the user signs to pay it' })
  event(@Param('id', uuid) id: string) {
    return this.billing.event(id);
  }

  @Post(':id/signature')
  @HttpCode(200)
  @ApiOperation({
    summary: "Pay a live bill: the user's EIP-712 signature of metadata.usd_send.typedData, submitted to Hyperliquid by billing",
  })
  @WalletAuth()
  async pay(
    @Param('id', uuid) id: string,
    @Body() dto: UserSignatureDto,
    @Res({ passthrough: true }) res: Response,
    @SignedIn() wallet: string,
    @TraceId() traceId: string,
  ) {
    return respond(res, await this.billing.pay(id, dto, wallet, traceId), 200);
  }

  @Post(':id/retry')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Retry a FAILED bill (its deployment user): back to PENDING and collected again; a live bill takes a fresh signature. ' +
      'A bill already PENDING again answers its state and writes nothing; a COLLECTED one is 409',
  })
  @WalletAuth()
  async retry(
    @Param('id', uuid) id: string,
    @Body() dto: RetryBillDto,
    @Res({ passthrough: true }) res: Response,
    @SignedIn() wallet: string,
    @TraceId() traceId: string,
  ) {
    return respond(res, await this.billing.retry(id, dto, wallet, traceId), 200);
  }

  @Get()
  @ApiOperation({ summary: 'Billing events by deployment, agent, agent creator or kind, newest first, with totals by kind and status' })
  list(@Query() q: BillingQuery) {
    return this.billing.list(q);
  }
}
