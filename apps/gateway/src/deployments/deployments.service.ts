import { ConflictException, Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Env } from '@conduit/config';
import { audit, DeploymentRow, exec, PositionRow, recordNotification, rows } from '@conduit/db';
import { Clock } from '@conduit/domain';
import { JobName, jobId, JobProducer } from '@conduit/queue';
import { CLOCK, ENV } from '@conduit/runtime';
import { assertOwner } from '../auth/auth.decorators';
import { badRequest, conflict } from '../common/errors';
import { assertCanRead, ownRows, Reader, readerParams } from '../common/read-access';
import { DEPLOYMENT_COLUMNS, DeploymentView, ReadModels } from '../common/read-models';
import { registryTokens, SPOT_SYMBOL_ALIASES, spotNetworkFromEnv } from '@conduit/venue';
import { AgentWallets, SpotApprovalToken } from './agent-wallets';
import { DeployAgentDto, DeploymentListQuery } from './deployments.dto';

@Injectable()
export class DeploymentsService {
  constructor(
    private readonly ds: DataSource,
    private readonly read: ReadModels,
    private readonly wallets: AgentWallets,
    private readonly producer: JobProducer,
    @Inject(ENV) private readonly env: Env,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** An ACTIVE deployment of an agent to the signed-in user's wallet, with a trial and one generated agent wallet per venue. */
  async deploy(dto: DeployAgentDto, wallet: string, traceId: string) {
    assertOwner(wallet, dto.user_wallet, 'user_wallet');
    const agent = await this.read.agent(dto.agent_id);
    if (agent.status === 'STOPPED') throw new ConflictException('agent is STOPPED; it takes no new deployments');
    const keys = this.wallets.resolve(dto);
    const deployment = await this.ds.transaction(async (em) => {
      const inserted = await rows<Pick<DeploymentRow, 'id'>>(
        em,
        `INSERT INTO agent_deployments_v3 (agent_id, user_wallet, safe_wallet, status, sub_active, sub_started_at, trial_ends_at,
          next_billing_at,
                    hyperliquid_agent_address, hyperliquid_agent_key_encrypted, hyperliquid_agent_key_iv, hyperliquid_agent_key_tag,
                    ostium_agent_address, ostium_agent_key_encrypted, ostium_agent_key_iv, ostium_agent_key_tag,
                    gmx_agent_address, gmx_agent_key_encrypted, gmx_agent_key_iv, gmx_agent_key_tag,
                    spot_agent_address, spot_agent_key_encrypted, spot_agent_key_iv, spot_agent_key_tag, trading_mode, policy)
         SELECT $1, $2, $3, 'ACTIVE', TRUE, t.now, t.now + make_interval(days => $4), t.now + make_interval(days => $4),
                $5, $6, $7, $8, $9, $10, $11, $12, $16, $17, $18, $19, $20, $21, $22, $23, $13, $14
           FROM (SELECT $15::timestamptz AS now) t
         ON CONFLICT (user_wallet, agent_id) WHERE NOT book DO NOTHING RETURNING id`,
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
          this.clock.now(), // the subscription and its trial start now
          ...(['gmx', 'spot'] as const).flatMap((p) => [
            keys[p].address,
            keys[p].sealed?.encrypted ?? null,
            keys[p].sealed?.iv ?? null,
            keys[p].sealed?.tag ?? null,
          ]),
        ],
      );
      if (!inserted.length) {
        throw conflict(['user_wallet', 'agent_id'], `user_wallet ${dto.user_wallet} already has a deployment of agent_id ${dto.agent_id}`);
      }
      // The new row as the audit shows it: its addresses, never the sealed keys.
      const created = {
        agent_id: dto.agent_id,
        user_wallet: dto.user_wallet,
        trading_mode: dto.trading_mode ?? 'paper',
        hyperliquid_agent_address: keys.hyperliquid.address,
        ostium_agent_address: keys.ostium.address,
        gmx_agent_address: keys.gmx.address,
        spot_agent_address: keys.spot.address,
      };
      await audit(em, 'v3.deployment.created', 'deployment', inserted[0].id, created, traceId, { new: created });
      const [row] = await rows<DeploymentView>(em, `SELECT ${DEPLOYMENT_COLUMNS} FROM agent_deployments_v3 d WHERE d.id = $1`, [
        inserted[0].id,
      ]);
      return row;
    });
    return { success: true, deployment, agent_wallets: this.wallets.approvals(deployment, await this.spotTokens(deployment)) };
  }

  /** The tokens a SPOT agent wallet is approved to sell back: SPOT's active markets with an address in token_registry. */
  private async spotTokens(d: { spot_agent_address: string | null }): Promise<SpotApprovalToken[]> {
    if (!d.spot_agent_address) return [];
    const network = spotNetworkFromEnv(this.env);
    const [tokens, listed] = await Promise.all([
      registryTokens(this.ds, network.chainId),
      rows<{ token_symbol: string }>(this.ds, `SELECT token_symbol FROM venue_markets WHERE venue = 'SPOT' AND is_active`),
    ]);
    const spot = new Set(listed.map((m) => m.token_symbol));
    return tokens.filter(
      (t) => spot.has(SPOT_SYMBOL_ALIASES[t.symbol] ?? t.symbol) && t.address.toLowerCase() !== network.usdc.toLowerCase(),
    );
  }

  async agentWallets(id: string, reader: Reader) {
    const deployment = await this.read.deployment(id);
    assertCanRead(reader, deployment, 'deployment', id);
    const agentWallets = this.wallets.approvals(deployment, await this.spotTokens(deployment));
    return { success: true, deployment_id: id, trading_mode: deployment.trading_mode, agent_wallets: agentWallets };
  }

  /** Paper or live: live needs the master key and an agent wallet. */
  async setTradingMode(id: string, mode: 'paper' | 'live', wallet: string, traceId: string) {
    const d = await this.read.deployment(id);
    assertOwner(wallet, d.user_wallet, "the deployment's user");
    if (mode === 'live') {
      if (!this.env.MASTER_KEY) throw badRequest('trading_mode', 'trading_mode live needs the server to have a MASTER_KEY');
      if (!d.has_hyperliquid_agent_key && !d.has_ostium_agent_key && !d.has_gmx_agent_key && !d.has_spot_agent_key)
        throw conflict('trading_mode', 'deployment has no agent wallet to trade live with');
    }
    if (d.trading_mode === mode) return { success: true, deployment: d }; // a repeat writes nothing
    await this.ds.transaction(async (em) => {
      await exec(em, `UPDATE agent_deployments_v3 SET trading_mode = $2 WHERE id = $1`, [id, mode]);
      await audit(em, 'v3.deployment.trading_mode', 'deployment', id, { from: d.trading_mode, to: mode }, traceId, {
        old: { trading_mode: d.trading_mode },
        new: { trading_mode: mode },
      });
    });
    return { success: true, deployment: await this.read.deployment(id) };
  }

  /** The reader's own deployments (every one for an operator; none for an anonymous reader). */
  async list(q: DeploymentListQuery, reader: Reader) {
    const deployments = await rows<DeploymentView>(
      this.ds,
      `SELECT ${DEPLOYMENT_COLUMNS} FROM agent_deployments_v3 d
        WHERE ($1::uuid IS NULL OR d.agent_id = $1) AND ($2::text IS NULL OR d.user_wallet = $2) AND ${ownRows(5)}
        ORDER BY d.created_at DESC, d.id LIMIT $3 OFFSET $4`,
      [q.agent_id ?? null, q.user_wallet ?? null, q.limit ?? 50, q.offset ?? 0, ...readerParams(reader)],
    );
    return { success: true, count: deployments.length, deployments };
  }

  async get(id: string, reader: Reader) {
    const deployment = await this.read.deployment(id);
    assertCanRead(reader, deployment, 'deployment', id);
    return { success: true, deployment };
  }

  /** Pauses or activates a deployment; a STOPPED one stays stopped. */
  async setStatus(id: string, status: 'ACTIVE' | 'PAUSED', wallet: string, traceId: string) {
    const d = await this.read.deployment(id);
    assertOwner(wallet, d.user_wallet, "the deployment's user");
    if (d.status === 'STOPPED') throw new ConflictException('deployment is STOPPED');
    if (d.status === status) return { success: true, deployment: d }; // a repeat writes nothing
    await this.ds.transaction(async (em) => {
      // Conditional on the status read: of two requests at once, the second moves nothing and audits nothing.
      const moved = await rows(em, `UPDATE agent_deployments_v3 SET status = $2 WHERE id = $1 AND status = $3 RETURNING id`, [
        id,
        status,
        d.status,
      ]);
      if (!moved.length) return;
      await audit(em, 'v3.deployment.status', 'deployment', id, { from: d.status, to: status, by: wallet }, traceId, {
        old: { status: d.status },
        new: { status },
      });
    });
    return { success: true, deployment: await this.read.deployment(id) };
  }

  /** Stops a deployment for good and asks for the close of each of its open positions. */
  async stop(id: string, wallet: string, traceId: string) {
    const d = await this.read.deployment(id);
    assertOwner(wallet, d.user_wallet, "the deployment's user");
    const open = await this.ds.transaction(async (em) => {
      // Stopped again: nothing written; the closes are asked for again (the same job ids: never a second close).
      // Conditional on the status read: of two stops at once, the second moves nothing, audits and notifies nothing.
      const moved =
        d.status !== 'STOPPED' &&
        (await rows(em, `UPDATE agent_deployments_v3 SET status = 'STOPPED' WHERE id = $1 AND status = $2 RETURNING id`, [id, d.status]))
          .length > 0;
      if (moved) {
        await audit(em, 'v3.deployment.status', 'deployment', id, { from: d.status, to: 'STOPPED', by: wallet }, traceId, {
          old: { status: d.status },
          new: { status: 'STOPPED' },
        });
        await recordNotification(em, {
          event: 'deployment.stopped',
          key: `deployment.stopped:${id}`,
          wallet: d.user_wallet,
          deploymentId: id,
          agentId: d.agent_id,
          payload: { deployment_id: id, from: d.status },
        });
      }
      return rows<Pick<PositionRow, 'id'>>(em, `SELECT id FROM positions_v3 WHERE deployment_id = $1 AND status = 'OPEN'`, [id]);
    });
    // One close job per position (the same id as a user's close: never two closes of one position).
    await this.producer.emitBulk(
      open.map((p) => ({
        name: JobName.ExecutorClose,
        data: { positionId: p.id, reason: 'DEPLOYMENT_STOPPED', traceId },
        jobId: jobId(JobName.ExecutorClose, p.id),
      })),
    );
    return { success: true, deployment: await this.read.deployment(id), closing_positions: open.map((p) => p.id) };
  }
}
