import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { SignedIn } from '../auth/auth.decorators';
import { CurrentReader, Reader } from '../common/read-access';
import { ApiAnswers } from '../common/api-answers';
import { TraceId } from '../common/trace';
import { uuidParam } from '../common/validation';
import { DeployAgentDto, DeploymentListQuery, TradingModeDto } from './deployments.dto';
import { DeploymentListResponse, DeploymentStopResponse, DeployResponse } from './deployments.responses';
import { DeploymentsService } from './deployments.service';

const uuid = uuidParam('id');
const DEPLOYMENT_STATUS_ANSWERS = { 403: "the signed-in wallet is not the deployment's user", 409: 'the deployment is STOPPED' };

@ApiTags('deployments')
@Controller('api/v3')
export class DeploymentsController {
  constructor(private readonly deployments: DeploymentsService) {}

  @Post('agents/deploy')
  @ApiCreatedResponse({ type: DeployResponse })
  @ApiOperation({
    summary: "Deploy an agent to a user's wallet; the deployment starts ACTIVE with a trial",
    description:
      'Generates one agent wallet per venue server-side (its key sealed under the master key, never returned) and answers with the ' +
      'agent addresses and the payloads the user signs to approve them (Hyperliquid approveAgent; Ostium USDC allowance and setDelegate).',
  })
  @ApiAnswers({ 403: 'user_wallet is not the signed-in wallet' })
  deploy(@Body() dto: DeployAgentDto, @SignedIn() wallet: string, @TraceId() traceId: string) {
    return this.deployments.deploy(dto, wallet, traceId);
  }

  @Get('deployments/:id/agent-wallets')
  @ApiOperation({ summary: 'Agent wallet addresses of a deployment and the payloads the user signs to approve them' })
  agentWallets(@Param('id', uuid) id: string, @CurrentReader() reader: Reader) {
    return this.deployments.agentWallets(id, reader);
  }

  @Post('deployments/:id/trading-mode')
  @HttpCode(200)
  @ApiOperation({ summary: 'Switch a deployment between paper and live trading (live needs its agent wallets and the master key)' })
  @ApiAnswers({ 403: "the signed-in wallet is not the deployment's user" })
  tradingMode(@Param('id', uuid) id: string, @Body() dto: TradingModeDto, @SignedIn() wallet: string, @TraceId() traceId: string) {
    return this.deployments.setTradingMode(id, dto.trading_mode, wallet, traceId);
  }

  @Get('deployments')
  @ApiOkResponse({ type: DeploymentListResponse })
  @ApiOperation({ summary: "The caller's own deployments (an operator's: every one; anonymous: none), newest first" })
  list(@Query() q: DeploymentListQuery, @CurrentReader() reader: Reader) {
    return this.deployments.list(q, reader);
  }

  @Get('deployments/:id')
  @ApiOperation({ summary: "A deployment: its user's and operators' to read (404 for anyone else)" })
  get(@Param('id', uuid) id: string, @CurrentReader() reader: Reader) {
    return this.deployments.get(id, reader);
  }

  @Post('deployments/:id/pause')
  @HttpCode(200)
  @ApiOperation({ summary: 'Set a deployment PAUSED (its user only); a repeat changes nothing' })
  @ApiAnswers(DEPLOYMENT_STATUS_ANSWERS)
  pause(@Param('id', uuid) id: string, @SignedIn() wallet: string, @TraceId() traceId: string) {
    return this.deployments.setStatus(id, 'PAUSED', wallet, traceId);
  }

  @Post('deployments/:id/activate')
  @HttpCode(200)
  @ApiOperation({ summary: 'Set a deployment ACTIVE again (its user only); a repeat changes nothing' })
  @ApiAnswers(DEPLOYMENT_STATUS_ANSWERS)
  activate(@Param('id', uuid) id: string, @SignedIn() wallet: string, @TraceId() traceId: string) {
    return this.deployments.setStatus(id, 'ACTIVE', wallet, traceId);
  }

  @Post('deployments/:id/stop')
  @ApiOkResponse({ type: DeploymentStopResponse })
  @HttpCode(200)
  @ApiOperation({
    summary: 'Stop a deployment for good: no new entries, and every open position is closed at the market (reason DEPLOYMENT_STOPPED)',
  })
  @ApiAnswers({ 403: "the signed-in wallet is not the deployment's user" })
  stop(@Param('id', uuid) id: string, @SignedIn() wallet: string, @TraceId() traceId: string) {
    return this.deployments.stop(id, wallet, traceId);
  }
}
