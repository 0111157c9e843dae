import { BadRequestException, Body, ConflictException, Controller, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { Env } from '@conduit/config';
import { audit } from '@conduit/db';
import { JobName, jobId, JobProducer } from '@conduit/queue';
import { ENV } from '@conduit/runtime';
import { AgentListQuery, CreateAgentDto, DeployAgentDto, DeploymentListQuery, TradingModeDto } from './dto';
import { uuidParam } from '../http/validation';
import { TraceId } from '../http/trace';
import { assertOwner, SignedIn, WalletAuth } from '../auth/auth.guard';
import { verifyProofOfIntent } from '../auth/proof-of-intent';
import { DEPLOYMENT_COLUMNS, Views } from './views';
import { AgentWallets } from './agent-wallets';

const uuid = uuidParam('id');

@ApiTags('agents')
@WalletAuth()
@Controller('api/v3')
export class AgentsController {
  constructor(
    private readonly ds: DataSource,
    private readonly views: Views,
    private readonly wallets: AgentWallets,
    private readonly producer: JobProducer,
    @Inject(ENV) private readonly env: Env,
  ) {}

  @Post('agents/create')
  @ApiOperation({
    summary: 'Create a venue-agnostic agent (status DRAFT, venue MULTI)',
    description:
      'Signed in as creator_wallet, with its proof of intent: the EIP-191 signature of the message proofOfIntentMessage() ' +
      'builds from creator_wallet, name and proof_of_intent_timestamp (fresh, single use).',
  })
  async create(@Body() dto: CreateAgentDto, @SignedIn() wallet: string, @TraceId() traceId: string) {
    assertOwner(wallet, dto.creator_wallet, 'creator_wallet');
    verifyProofOfIntent(dto, this.env.PROOF_OF_INTENT_MAX_AGE_S);
    return this.ds.transaction(async (em) => {
      const [agent] = await em.query(
        `INSERT INTO agents_v3 (creator_wallet, name, venue, x_account_ids, research_institute_ids, weights, profit_receiver_address,
                                proof_of_intent_message, proof_of_intent_signature, proof_of_intent_timestamp, policy)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
         ON CONFLICT (proof_of_intent_signature) WHERE proof_of_intent_signature IS NOT NULL DO NOTHING RETURNING *`,
        [
          dto.creator_wallet,
          dto.name,
          dto.venue ?? 'MULTI',
          dto.x_account_ids ?? [],
          dto.research_institute_ids ?? [],
          dto.weights ?? null,
          dto.profit_receiver_address,
          dto.proof_of_intent_message,
          dto.proof_of_intent_signature.toLowerCase(),
          dto.proof_of_intent_timestamp,
          dto.policy ?? {},
        ],
      );
      if (!agent) {
        throw new ConflictException({
          statusCode: 409,
          error: 'Conflict',
          message: ['proof_of_intent_signature was already used to create an agent'],
          fields: ['proof_of_intent_signature'],
        });
      }
      await audit(
        em,
        'v3.agent.created',
        'agent',
        agent.id,
        { name: agent.name, creator_wallet: agent.creator_wallet, by: wallet },
        traceId,
      );
      return { success: true, agent };
    });
  }

  @Get('agents/list')
  @ApiOperation({ summary: 'List agents, newest first' })
  async list(@Query() q: AgentListQuery) {
    const agents = await this.ds.query(
      `SELECT a.*, (SELECT count(*)::int FROM agent_deployments_v3 d WHERE d.agent_id = a.id) AS deployments
         FROM agents_v3 a
        WHERE ($1::agent_status_t IS NULL OR a.status = $1) AND ($2::text IS NULL OR a.creator_wallet = $2)
        ORDER BY a.created_at DESC, a.id LIMIT $3 OFFSET $4`,
      [q.status ?? null, q.creator_wallet ?? null, q.limit ?? 50, q.offset ?? 0],
    );
    return { success: true, count: agents.length, agents };
  }

  @Get('agents/:id')
  async get(@Param('id', uuid) id: string) {
    return { success: true, agent: await this.views.agent(id) };
  }

  @Post('agents/:id/activate')
  @HttpCode(200)
  activate(@Param('id', uuid) id: string, @SignedIn() wallet: string, @TraceId() traceId: string) {
    return this.setAgentStatus(id, 'ACTIVE', ['DRAFT', 'PAUSED', 'ACTIVE'], wallet, traceId);
  }

  @Post('agents/:id/pause')
  @HttpCode(200)
  pause(@Param('id', uuid) id: string, @SignedIn() wallet: string, @TraceId() traceId: string) {
    return this.setAgentStatus(id, 'PAUSED', ['ACTIVE', 'PAUSED', 'DRAFT'], wallet, traceId);
  }

  @Post('agents/:id/stop')
  @HttpCode(200)
  stop(@Param('id', uuid) id: string, @SignedIn() wallet: string, @TraceId() traceId: string) {
    return this.setAgentStatus(id, 'STOPPED', ['DRAFT', 'ACTIVE', 'PAUSED', 'STOPPED'], wallet, traceId);
  }

  private async setAgentStatus(id: string, status: string, from: string[], wallet: string, traceId: string) {
    const agent = await this.views.agent(id);
    assertOwner(wallet, agent.creator_wallet, "the agent's creator");
    if (!from.includes(agent.status)) throw new ConflictException(`agent is ${agent.status}; cannot become ${status}`);
    if (agent.status === status) return { success: true, agent }; // a repeat changes nothing and writes nothing
    return this.ds.transaction(async (em) => {
      const [updated] = await em.query(
        `WITH u AS (UPDATE agents_v3 SET status = $2, updated_at = now() WHERE id = $1 RETURNING *) SELECT * FROM u`,
        [id, status],
      );
      await audit(em, 'v3.agent.status', 'agent', id, { from: agent.status, to: status, by: wallet }, traceId);
      return { success: true, agent: updated };
    });
  }

  @Post('agents/deploy')
  @ApiOperation({
    summary: "Deploy an agent to a user's wallet; the deployment starts ACTIVE with a trial",
    description:
      'Generates one agent wallet per venue server-side (its key sealed under the master key, never returned) and answers with the ' +
      'agent addresses and the payloads the user signs to approve them (Hyperliquid approveAgent; Ostium USDC allowance and setDelegate).',
  })
  async deploy(@Body() dto: DeployAgentDto, @SignedIn() wallet: string, @TraceId() traceId: string) {
    assertOwner(wallet, dto.user_wallet, 'user_wallet');
    const agent = await this.views.agent(dto.agent_id);
    if (agent.status === 'STOPPED') throw new ConflictException('agent is STOPPED; it takes no new deployments');
    const keys = this.wallets.resolve(dto);
    const deployment = await this.ds.transaction(async (em) => {
      const inserted = await em.query(
        `INSERT INTO agent_deployments_v3 (agent_id, user_wallet, safe_wallet, status, sub_active, sub_started_at, trial_ends_at,
          next_billing_at,
                    hyperliquid_agent_address, hyperliquid_agent_key_encrypted, hyperliquid_agent_key_iv, hyperliquid_agent_key_tag,
                    ostium_agent_address, ostium_agent_key_encrypted, ostium_agent_key_iv, ostium_agent_key_tag, trading_mode, policy)
         VALUES ($1, $2, $3, 'ACTIVE', TRUE, now(), now() + make_interval(days => $4), now() + make_interval(days => $4),
                 $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
         ON CONFLICT (user_wallet, agent_id) DO NOTHING RETURNING id`,
        [
          dto.agent_id,
          dto.user_wallet,
          dto.safe_wallet ?? null,
          this.env.TRIAL_DAYS,
          keys.hyperliquid.address,
          keys.hyperliquid.sealed?.encrypted ?? null,
          keys.hyperliquid.sealed?.iv ?? null,
          keys.hyperliquid.sealed?.tag ?? null,
          keys.ostium.address,
          keys.ostium.sealed?.encrypted ?? null,
          keys.ostium.sealed?.iv ?? null,
          keys.ostium.sealed?.tag ?? null,
          dto.trading_mode ?? 'paper',
          dto.policy ?? {},
        ],
      );
      if (!inserted.length) {
        throw new ConflictException({
          statusCode: 409,
          error: 'Conflict',
          message: [`user_wallet ${dto.user_wallet} already has a deployment of agent_id ${dto.agent_id}`],
          fields: ['user_wallet', 'agent_id'],
        });
      }
      await audit(
        em,
        'v3.deployment.created',
        'deployment',
        inserted[0].id,
        {
          agent_id: dto.agent_id,
          user_wallet: dto.user_wallet,
          trading_mode: dto.trading_mode ?? 'paper',
          hyperliquid_agent_address: keys.hyperliquid.address,
          ostium_agent_address: keys.ostium.address,
        },
        traceId,
      );
      const [row] = await em.query(`SELECT ${DEPLOYMENT_COLUMNS} FROM agent_deployments_v3 d WHERE d.id = $1`, [inserted[0].id]);
      return row;
    });
    return { success: true, deployment, agent_wallets: this.wallets.approvals(deployment) };
  }

  @Get('deployments/:id/agent-wallets')
  @ApiOperation({ summary: 'Agent wallet addresses of a deployment and the payloads the user signs to approve them' })
  async agentWallets(@Param('id', uuid) id: string) {
    const deployment = await this.views.deployment(id);
    return { success: true, deployment_id: id, trading_mode: deployment.trading_mode, agent_wallets: this.wallets.approvals(deployment) };
  }

  @Post('deployments/:id/trading-mode')
  @HttpCode(200)
  @ApiOperation({ summary: 'Switch a deployment between paper and live trading (live needs its agent wallets and the master key)' })
  async tradingMode(@Param('id', uuid) id: string, @Body() dto: TradingModeDto, @SignedIn() wallet: string, @TraceId() traceId: string) {
    const d = await this.views.deployment(id);
    assertOwner(wallet, d.user_wallet, "the deployment's user");
    if (dto.trading_mode === 'live') {
      if (!this.env.MASTER_KEY)
        throw new BadRequestException({
          statusCode: 400,
          error: 'Bad Request',
          message: ['trading_mode live needs the server to have a MASTER_KEY'],
          fields: ['trading_mode'],
        });
      if (!d.has_hyperliquid_agent_key && !d.has_ostium_agent_key) {
        throw new ConflictException({
          statusCode: 409,
          error: 'Conflict',
          message: ['deployment has no agent wallet to trade live with'],
          fields: ['trading_mode'],
        });
      }
    }
    if (d.trading_mode === dto.trading_mode) return { success: true, deployment: d }; // a repeat writes nothing
    await this.ds.transaction(async (em) => {
      await em.query(`UPDATE agent_deployments_v3 SET trading_mode = $2 WHERE id = $1`, [id, dto.trading_mode]);
      await audit(em, 'v3.deployment.trading_mode', 'deployment', id, { from: d.trading_mode, to: dto.trading_mode }, traceId);
    });
    return { success: true, deployment: await this.views.deployment(id) };
  }

  @Get('deployments')
  async deployments(@Query() q: DeploymentListQuery) {
    const deployments = await this.ds.query(
      `SELECT ${DEPLOYMENT_COLUMNS} FROM agent_deployments_v3 d
        WHERE ($1::uuid IS NULL OR d.agent_id = $1) AND ($2::text IS NULL OR d.user_wallet = $2)
        ORDER BY d.created_at DESC, d.id LIMIT $3 OFFSET $4`,
      [q.agent_id ?? null, q.user_wallet ?? null, q.limit ?? 50, q.offset ?? 0],
    );
    return { success: true, count: deployments.length, deployments };
  }

  @Get('deployments/:id')
  async deployment(@Param('id', uuid) id: string) {
    return { success: true, deployment: await this.views.deployment(id) };
  }

  @Post('deployments/:id/pause')
  @HttpCode(200)
  pauseDeployment(@Param('id', uuid) id: string, @SignedIn() wallet: string, @TraceId() traceId: string) {
    return this.setDeploymentStatus(id, 'PAUSED', wallet, traceId);
  }

  @Post('deployments/:id/activate')
  @HttpCode(200)
  activateDeployment(@Param('id', uuid) id: string, @SignedIn() wallet: string, @TraceId() traceId: string) {
    return this.setDeploymentStatus(id, 'ACTIVE', wallet, traceId);
  }

  @Post('deployments/:id/stop')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Stop a deployment for good: no new entries, and every open position is closed at the market (reason DEPLOYMENT_STOPPED)',
  })
  async stopDeployment(@Param('id', uuid) id: string, @SignedIn() wallet: string, @TraceId() traceId: string) {
    const d = await this.views.deployment(id);
    assertOwner(wallet, d.user_wallet, "the deployment's user");
    const open: { id: string }[] = await this.ds.transaction(async (em) => {
      // Stopped again: nothing written; the closes are asked for again (the same job ids: never a second close).
      if (d.status !== 'STOPPED') {
        await em.query(`UPDATE agent_deployments_v3 SET status = 'STOPPED' WHERE id = $1`, [id]);
        await audit(em, 'v3.deployment.status', 'deployment', id, { from: d.status, to: 'STOPPED', by: wallet }, traceId);
      }
      return em.query(`SELECT id FROM positions_v3 WHERE deployment_id = $1 AND status = 'OPEN'`, [id]);
    });
    // One close job per position (the same id as a user's close: never two closes of one position).
    await this.producer.emitBulk(
      open.map((p) => ({
        name: JobName.ExecutorClose,
        data: { positionId: p.id, reason: 'DEPLOYMENT_STOPPED', traceId },
        jobId: jobId(JobName.ExecutorClose, p.id),
      })),
    );
    return { success: true, deployment: await this.views.deployment(id), closing_positions: open.map((p) => p.id) };
  }

  private async setDeploymentStatus(id: string, status: string, wallet: string, traceId: string) {
    const d = await this.views.deployment(id);
    assertOwner(wallet, d.user_wallet, "the deployment's user");
    if (d.status === 'STOPPED') throw new ConflictException('deployment is STOPPED');
    if (d.status === status) return { success: true, deployment: d }; // a repeat writes nothing
    await this.ds.transaction(async (em) => {
      await em.query(`UPDATE agent_deployments_v3 SET status = $2 WHERE id = $1`, [id, status]);
      await audit(em, 'v3.deployment.status', 'deployment', id, { from: d.status, to: status, by: wallet }, traceId);
    });
    return { success: true, deployment: await this.views.deployment(id) };
  }
}
