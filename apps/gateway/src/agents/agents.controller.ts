import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { SignedIn, WalletAuth } from '../auth/auth.decorators';
import { TraceId } from '../common/trace';
import { uuidParam } from '../common/validation';
import { AgentListQuery, CreateAgentDto } from './agents.dto';
import { AgentsService } from './agents.service';

const uuid = uuidParam('id');

@ApiTags('agents')
@WalletAuth()
@Controller('api/v3/agents')
export class AgentsController {
  constructor(private readonly agents: AgentsService) {}

  @Post('create')
  @ApiOperation({
    summary: 'Create a venue-agnostic agent (status DRAFT, venue MULTI)',
    description:
      'Signed in as creator_wallet, with its proof of intent: the EIP-191 signature of the message proofOfIntentMessage() ' +
      'builds from creator_wallet, name and proof_of_intent_timestamp (fresh, single use).',
  })
  create(@Body() dto: CreateAgentDto, @SignedIn() wallet: string, @TraceId() traceId: string) {
    return this.agents.create(dto, wallet, traceId);
  }

  @Get('list')
  @ApiOperation({ summary: 'List agents, newest first' })
  list(@Query() q: AgentListQuery) {
    return this.agents.list(q);
  }

  @Get(':id')
  get(@Param('id', uuid) id: string) {
    return this.agents.get(id);
  }

  @Post(':id/activate')
  @HttpCode(200)
  activate(@Param('id', uuid) id: string, @SignedIn() wallet: string, @TraceId() traceId: string) {
    return this.agents.setStatus(id, 'ACTIVE', wallet, traceId);
  }

  @Post(':id/pause')
  @HttpCode(200)
  pause(@Param('id', uuid) id: string, @SignedIn() wallet: string, @TraceId() traceId: string) {
    return this.agents.setStatus(id, 'PAUSED', wallet, traceId);
  }

  @Post(':id/stop')
  @HttpCode(200)
  stop(@Param('id', uuid) id: string, @SignedIn() wallet: string, @TraceId() traceId: string) {
    return this.agents.setStatus(id, 'STOPPED', wallet, traceId);
  }
}
