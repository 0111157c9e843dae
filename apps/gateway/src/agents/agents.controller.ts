import { BadRequestException, Body, Controller, Get, Headers, HttpCode, Param, Patch, Post, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { SignedIn } from '../auth/auth.decorators';
import { ApiAnswers } from '../common/api-answers';
import { TraceId } from '../common/trace';
import { respond } from '../common/waited';
import { uuidParam } from '../common/validation';
import { AgentListQuery, AgentSettingsDto, CreateAgentDto } from './agents.dto';
import { AgentResponse } from './agents.responses';
import { AgentsService } from './agents.service';

const uuid = uuidParam('id');
const AGENT_STATUS_ANSWERS = {
  403: "the signed-in wallet is not the agent's creator",
  409: 'the agent cannot move from its status to this one',
};

@ApiTags('agents')
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
  @ApiAnswers({ 403: 'creator_wallet is not the signed-in wallet' })
  create(@Body() dto: CreateAgentDto, @SignedIn() wallet: string, @TraceId() traceId: string) {
    return this.agents.create(dto, wallet, traceId);
  }

  @Get('list')
  @ApiOperation({ summary: 'List agents, newest first' })
  list(@Query() q: AgentListQuery) {
    return this.agents.list(q);
  }

  @Get(':id')
  @ApiOperation({ summary: "An agent and its subscribers; an llm_trader with its settings and its book's deployment id" })
  @ApiOkResponse({ type: AgentResponse })
  get(@Param('id', uuid) id: string) {
    return this.agents.get(id);
  }

  @Patch(':id')
  @ApiOperation({ summary: "Change an llm_trader's settings, or the wallets a signal agent follows (its creator only)" })
  @ApiAnswers({ 403: "the signed-in wallet is not the agent's creator" })
  update(@Param('id', uuid) id: string, @Body() dto: AgentSettingsDto, @SignedIn() wallet: string, @TraceId() traceId: string) {
    return this.agents.update(id, dto, wallet, traceId);
  }

  @Post(':id/cycle')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Run one cycle of an ACTIVE llm_trader now (its creator only) and answer with the decision',
    description: 'The decision as agent_decisions records it: 200 once recorded, 202 with its id if the model is still answering.',
  })
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'Same key and agent → the same cycle, never a second one' })
  @ApiAnswers({ 403: "the signed-in wallet is not the agent's creator" })
  async cycle(
    @Param('id', uuid) id: string,
    @SignedIn() wallet: string,
    @TraceId() traceId: string,
    @Res({ passthrough: true }) res: Response,
    @Headers('idempotency-key') key?: string,
  ) {
    if (key !== undefined && !/^[\x21-\x7e]{1,200}$/.test(key))
      throw new BadRequestException(['Idempotency-Key must be 1-200 visible ASCII characters']);
    return respond(res, await this.agents.cycle(id, wallet, traceId, key), 200);
  }

  @Post(':id/activate')
  @HttpCode(200)
  @ApiOperation({ summary: 'Set an agent ACTIVE (its creator only); a repeat changes nothing' })
  @ApiAnswers(AGENT_STATUS_ANSWERS)
  activate(@Param('id', uuid) id: string, @SignedIn() wallet: string, @TraceId() traceId: string) {
    return this.agents.setStatus(id, 'ACTIVE', wallet, traceId);
  }

  @Post(':id/pause')
  @HttpCode(200)
  @ApiOperation({ summary: 'Set an agent PAUSED (its creator only); a repeat changes nothing' })
  @ApiAnswers(AGENT_STATUS_ANSWERS)
  pause(@Param('id', uuid) id: string, @SignedIn() wallet: string, @TraceId() traceId: string) {
    return this.agents.setStatus(id, 'PAUSED', wallet, traceId);
  }

  @Post(':id/stop')
  @HttpCode(200)
  @ApiOperation({ summary: 'Set an agent STOPPED (its creator only); a repeat changes nothing' })
  @ApiAnswers(AGENT_STATUS_ANSWERS)
  stop(@Param('id', uuid) id: string, @SignedIn() wallet: string, @TraceId() traceId: string) {
    return this.agents.setStatus(id, 'STOPPED', wallet, traceId);
  }
}
