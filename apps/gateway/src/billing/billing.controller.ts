import { Body, Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { SignedIn } from '../auth/auth.decorators';
import { CurrentReader, Reader } from '../common/read-access';
import { ApiAnswers } from '../common/api-answers';
import { TraceId } from '../common/trace';
import { uuidParam } from '../common/validation';
import { respond } from '../common/waited';
import { BillingQuery, RetryBillDto, UserSignatureDto } from './billing.dto';
import { BillingListResponse, BillPayResponse, BillResponse, BillRetryResponse } from './billing.responses';
import { BillingService } from './billing.service';

const uuid = uuidParam('id');

@ApiTags('billing')
@Controller('api/v3/billing/events')
export class BillingController {
  constructor(private readonly billing: BillingService) {}

  @Get(':id')
  @ApiOkResponse({ type: BillResponse })
  @ApiOperation({
    summary:
      'One billing event (its deployment user’s and operators’ to read); a live bill carries in metadata.usd_send the usdSend to sign',
  })
  event(@Param('id', uuid) id: string, @CurrentReader() reader: Reader) {
    return this.billing.event(id, reader);
  }

  @Post(':id/signature')
  @HttpCode(200)
  @ApiOkResponse({ type: BillPayResponse })
  @ApiAcceptedResponse({ type: BillPayResponse, description: 'the outcome did not come in time: the bill as it stands' })
  @ApiOperation({
    summary: "Pay a live bill: the user's EIP-712 signature of metadata.usd_send.typedData, submitted to Hyperliquid by billing",
  })
  @ApiAnswers({ 403: "the signed-in wallet is not the user of the bill's deployment" })
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
  @ApiOkResponse({ type: BillRetryResponse })
  @ApiAcceptedResponse({ type: BillRetryResponse, description: 'the outcome did not come in time: the bill as it stands' })
  @ApiOperation({
    summary:
      'Retry a FAILED bill (its deployment user): back to PENDING and collected again; a live bill comes back with a fresh ' +
      'usdSend (new nonce) in metadata.usd_send to sign and post to /signature, and takes no signature here. ' +
      'A bill already PENDING again answers its state and writes nothing; a COLLECTED one is 409',
  })
  @ApiAnswers({ 403: "the signed-in wallet is not the user of the bill's deployment" })
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
  @ApiOkResponse({ type: BillingListResponse })
  @ApiOperation({
    summary: 'Billing events by deployment, agent, agent creator or kind, newest first, with totals by kind and status',
    description:
      "Events: the caller's own deployments' (an operator's: every one; anonymous: none). Totals: also every bill of the agents " +
      'the caller created.',
  })
  list(@Query() q: BillingQuery, @CurrentReader() reader: Reader) {
    return this.billing.list(q, reader);
  }
}
