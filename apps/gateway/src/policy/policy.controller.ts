import { Body, Controller, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { SignedIn } from '../auth/auth.decorators';
import { CurrentReader, Reader } from '../common/read-access';
import { ApiAnswers } from '../common/api-answers';
import { TraceId } from '../common/trace';
import { uuidParam } from '../common/validation';
import { KillSwitchDto, PolicyDecisionQuery, PolicyDto, RoutingConfigDto } from './policy.dto';
import { AgentPolicyResponse, DeploymentPolicyResponse, RoutingConfigResponse } from './policy.responses';
import { PolicyService } from './policy.service';

const uuid = uuidParam('id');

/** Agent How (policies, kill switch, decisions) and Agent Where (routing config) over HTTP. */
@ApiTags('agent how / where')
@Controller('api/v3')
export class PolicyController {
  constructor(private readonly policies: PolicyService) {}

  @Put('agents/:id/policy')
  @ApiOkResponse({ type: AgentPolicyResponse })
  @ApiOperation({ summary: "Replace the agent's own limits; every deployment's policy is combined with them, the stricter wins" })
  @ApiAnswers({ 403: "the signed-in wallet is not the agent's creator" })
  agentPolicy(@Param('id', uuid) id: string, @Body() dto: PolicyDto, @SignedIn() wallet: string, @TraceId() traceId: string) {
    return this.policies.setAgentPolicy(id, dto, wallet, traceId);
  }

  @Get('deployments/:id/policy')
  @ApiOkResponse({ type: DeploymentPolicyResponse })
  @ApiOperation({ summary: "The agent's limits, the subscriber's policy and the effective policy applied to new signals" })
  deploymentPolicy(@Param('id', uuid) id: string, @CurrentReader() reader: Reader) {
    return this.policies.deploymentPolicy(id, reader);
  }

  @Put('deployments/:id/policy')
  @ApiOkResponse({ type: DeploymentPolicyResponse })
  @ApiOperation({ summary: "Replace the subscriber's policy (applies from the next signal)" })
  @ApiAnswers({ 403: "the signed-in wallet is not the deployment's user" })
  setDeploymentPolicy(@Param('id', uuid) id: string, @Body() dto: PolicyDto, @SignedIn() wallet: string, @TraceId() traceId: string) {
    return this.policies.setDeploymentPolicy(id, dto, wallet, traceId);
  }

  @Post('deployments/:id/kill-switch')
  @ApiOkResponse({ type: DeploymentPolicyResponse })
  @HttpCode(200)
  @ApiOperation({ summary: 'Stop (or allow again) new entries of a deployment at once; open positions are left as they are' })
  @ApiAnswers({ 403: "the signed-in wallet is not the deployment's user" })
  killSwitch(@Param('id', uuid) id: string, @Body() dto: KillSwitchDto, @SignedIn() wallet: string, @TraceId() traceId: string) {
    return this.policies.setKillSwitch(id, dto.enabled, wallet, traceId);
  }

  @Get('deployments/:id/decisions')
  @ApiOperation({
    summary: "Agent How's decisions for a deployment, newest first: trade (final size, leverage, venues) or skip, with the reason",
  })
  deploymentDecisions(@Param('id', uuid) id: string, @Query() q: PolicyDecisionQuery, @CurrentReader() reader: Reader) {
    return this.policies.deploymentDecisions(id, q, reader);
  }

  @Get('signals/:id/decisions')
  @ApiOperation({
    summary: 'Every layer on one signal: the Agent What decision that emitted it, Agent How per deployment, Agent Where',
    description:
      "Agent How: the caller's own deployments (an operator's: every one), with totals (all deployments for the agent's creator).",
  })
  signalDecisions(@Param('id', uuid) id: string, @CurrentReader() reader: Reader) {
    return this.policies.signalDecisions(id, reader);
  }

  @Get('agents/:id/routing-config')
  @ApiOperation({ summary: "The agent's routing config, or the global default it falls back to" })
  @ApiOkResponse({ type: RoutingConfigResponse })
  routingConfig(@Param('id', uuid) id: string) {
    return this.policies.routingConfig(id);
  }

  @Put('agents/:id/routing-config')
  @ApiOkResponse({ type: RoutingConfigResponse })
  @ApiOperation({ summary: "Set the agent's venue priority, routing strategy and failover (Agent Where reloads it at once)" })
  @ApiAnswers({ 403: "the signed-in wallet is not the agent's creator" })
  setRoutingConfig(@Param('id', uuid) id: string, @Body() dto: RoutingConfigDto, @SignedIn() wallet: string, @TraceId() traceId: string) {
    return this.policies.setRoutingConfig(id, dto, wallet, traceId);
  }
}
