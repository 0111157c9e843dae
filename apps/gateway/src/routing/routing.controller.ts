import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiAnswers } from '../common/api-answers';
import { RoutingPreviewQuery } from './routing.dto';
import { RoutingPreviewResponse } from './routing.responses';
import { RoutingService } from './routing.service';

/** Agent Where's view of a signal before it is sent: anyone reads it (it shows venues and costs, nobody's data). */
@ApiTags('trading')
@Controller('api/v3/routing')
export class RoutingController {
  constructor(private readonly routing: RoutingService) {}

  @Get('preview')
  @ApiOperation({
    summary: "How a signal of the agent would be routed now: the ranked venues and their reasons, from the router's cache",
  })
  @ApiOkResponse({ type: RoutingPreviewResponse })
  @ApiAnswers({ 404: 'no such agent', 503: 'no router answered within ROUTER_RPC_TIMEOUT_MS' })
  preview(@Query() q: RoutingPreviewQuery) {
    return this.routing.preview(q);
  }
}
