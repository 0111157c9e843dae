import { Body, Controller, Get, HttpCode, Put, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AdminOnly, DataFeed } from '../auth/auth.decorators';
import { TraceId } from '../common/trace';
import { AuditQuery, PaperMarkDto } from './admin.dto';
import { AuditResponse, QueuesResponse, StateResponse, VenuesResponse } from './admin.responses';
import { AdminService } from './admin.service';

/** Operators only: a session with the viewer role reads, the operator role acts; paper marks also take an API key. */
@ApiTags('admin')
@AdminOnly()
@Controller('api/v3/admin')
export class AdminController {
  constructor(private readonly admin: AdminService) {}

  @Put('paper/marks')
  @DataFeed()
  @HttpCode(200)
  @ApiOperation({ summary: 'Set the paper mark of a market' })
  setMark(@Body() dto: PaperMarkDto, @TraceId() traceId: string) {
    return this.admin.setMark(dto, traceId);
  }

  @Get('state')
  @ApiOperation({
    summary: "Every service's and LLM trader's state (seed 004 bot_state): start time, cycles, last cycle and its error",
  })
  @ApiOkResponse({ type: StateResponse })
  state(): Promise<StateResponse> {
    return this.admin.state();
  }

  @Get('queues')
  @ApiOperation({ summary: "Every BullMQ queue's job counts: waiting, active, delayed, failed, paused (Bull Board at /admin/queues)" })
  @ApiOkResponse({ type: QueuesResponse })
  queues(): Promise<QueuesResponse> {
    return this.admin.queues();
  }

  @Get('venues')
  @ApiOperation({
    summary: "Each venue's health as the executor's venue sync last checked it: up or down, since when, the last check and its error",
  })
  @ApiOkResponse({ type: VenuesResponse })
  venues(): Promise<VenuesResponse> {
    return this.admin.venues();
  }

  @Get('audit')
  @ApiOperation({ summary: 'Audit log entries, oldest first within a trace, newest first otherwise' })
  @ApiOkResponse({ type: AuditResponse })
  audit(@Query() q: AuditQuery): Promise<AuditResponse> {
    return this.admin.audit(q);
  }
}
