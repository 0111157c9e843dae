import { isDeepStrictEqual } from 'util';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import {
  AgentDecisionRow,
  audit,
  auditChange,
  exec,
  first,
  OutcomeRow,
  PolicyDecision,
  recordNotification,
  RoutingConfigRow,
  Row,
  rows,
  SignalRow,
} from '@conduit/db';
import { Policy, stricterPolicy } from '@conduit/domain';
import { assertOwner } from '../auth/auth.decorators';
import { aggregateRows, assertCanRead, ownRows, Reader, readerParams } from '../common/read-access';
import { ReadModels } from '../common/read-models';
import { PolicyDecisionQuery, PolicyDto, RoutingConfigDto } from './policy.dto';

/** Drops the fields a client left out (class-transformer keeps them as undefined). */
const compact = (dto: PolicyDto): Policy => Object.fromEntries(Object.entries(dto).filter(([, v]) => v !== undefined)) as Policy;

const DECISION_COLUMNS = `pd.signal_id, pd.deployment_id, pd.agent_id, pd.decision, pd.code, pd.reason, pd.size_model, pd.leverage,
                           pd.venues,
  pd.effective_policy, pd.inputs, pd.created_at, s.token_symbol, s.side, s.confidence,
  o.outcome, o.stage, o.reason AS outcome_reason, o.venue, o.position_id`;
const DECISIONS_FROM = `policy_decisions pd JOIN signals_v3 s ON s.id = pd.signal_id
  LEFT JOIN signal_outcomes o ON o.signal_id = pd.signal_id AND o.deployment_id = pd.deployment_id`;

/** A row of DECISION_COLUMNS: Agent How's decision, its signal, and the outcome when there is one (LEFT JOIN: all null). */
type DecisionView = Pick<
  Row<PolicyDecision>,
  | 'signal_id'
  | 'deployment_id'
  | 'agent_id'
  | 'decision'
  | 'code'
  | 'reason'
  | 'size_model'
  | 'leverage'
  | 'venues'
  | 'effective_policy'
  | 'inputs'
  | 'created_at'
> &
  Pick<SignalRow, 'token_symbol' | 'side' | 'confidence'> & {
    outcome: OutcomeRow['outcome'] | null;
    stage: OutcomeRow['stage'] | null;
    outcome_reason: OutcomeRow['reason'];
    venue: OutcomeRow['venue'];
    position_id: OutcomeRow['position_id'];
  };

type RoutingConfigView = Pick<RoutingConfigRow, 'agent_id' | 'venue_priority' | 'routing_strategy' | 'failover_enabled' | 'updated_at'>;

/** Agent How (policies, kill switch, decisions) and Agent Where (routing config). */
@Injectable()
export class PolicyService {
  constructor(
    private readonly ds: DataSource,
    private readonly read: ReadModels,
  ) {}

  async setAgentPolicy(id: string, dto: PolicyDto, wallet: string, traceId: string) {
    const agent = await this.read.agent(id);
    assertOwner(wallet, agent.creator_wallet, "the agent's creator");
    const policy = compact(dto);
    if (isDeepStrictEqual(agent.policy ?? {}, policy)) return { success: true, agent_id: id, policy }; // a repeat writes nothing
    await this.ds.transaction(async (em) => {
      await exec(em, `UPDATE agents_v3 SET policy = $2, updated_at = now() WHERE id = $1`, [id, policy]);
      await audit(em, 'v3.agent.policy', 'agent', id, { from: agent.policy, to: policy, by: wallet }, traceId, {
        old: { policy: agent.policy ?? {} },
        new: { policy },
      });
    });
    return { success: true, agent_id: id, policy };
  }

  /** A writer reads what it wrote: the write paths pass their signed-in wallet, already checked as the owner. */
  async deploymentPolicy(id: string, reader: Reader) {
    const d = await this.read.deployment(id);
    assertCanRead(reader, d, 'deployment', id);
    const agent = await this.read.agent(d.agent_id);
    return {
      success: true,
      deployment_id: id,
      agent_policy: agent.policy,
      subscriber_policy: d.policy,
      effective_policy: stricterPolicy(agent.policy, d.policy),
    };
  }

  async setDeploymentPolicy(id: string, dto: PolicyDto, wallet: string, traceId: string) {
    const d = await this.read.deployment(id);
    assertOwner(wallet, d.user_wallet, "the deployment's user");
    const policy = compact(dto);
    if (isDeepStrictEqual(d.policy ?? {}, policy)) return this.deploymentPolicy(id, { wallet }); // a repeat writes nothing
    await this.ds.transaction(async (em) => {
      await exec(em, `UPDATE agent_deployments_v3 SET policy = $2 WHERE id = $1`, [id, policy]);
      await audit(em, 'v3.deployment.policy', 'deployment', id, { from: d.policy, to: policy, by: wallet }, traceId, {
        old: { policy: d.policy ?? {} },
        new: { policy },
      });
    });
    return this.deploymentPolicy(id, { wallet });
  }

  async setKillSwitch(id: string, enabled: boolean, wallet: string, traceId: string) {
    const d = await this.read.deployment(id);
    assertOwner(wallet, d.user_wallet, "the deployment's user");
    if ((d.policy?.kill_switch === true) === enabled) return this.deploymentPolicy(id, { wallet }); // already so: nothing written
    await this.ds.transaction(async (em) => {
      // Conditional on the switch still being the other way: of two requests at once (a double click), the second
      // finds it moved once the first commits and writes nothing (no second audit row or notification).
      const moved = await rows<{ id: string }>(
        em,
        `UPDATE agent_deployments_v3 SET policy = CASE WHEN $2 THEN policy || '{"kill_switch": true}'::jsonb ELSE policy - 'kill_switch'
          END WHERE id = $1 AND COALESCE(policy->'kill_switch' = 'true'::jsonb, false) <> $2 RETURNING id`,
        [id, enabled],
      );
      if (!moved.length) return;
      await audit(em, 'v3.deployment.kill_switch', 'deployment', id, { enabled, by: wallet }, traceId, {
        old: { kill_switch: !enabled },
        new: { kill_switch: enabled },
      });
      await recordNotification(em, {
        event: 'deployment.kill_switch',
        wallet: d.user_wallet,
        deploymentId: id,
        agentId: d.agent_id,
        payload: { deployment_id: id, enabled },
      });
    });
    return this.deploymentPolicy(id, { wallet });
  }

  async deploymentDecisions(id: string, q: PolicyDecisionQuery, reader: Reader) {
    assertCanRead(reader, await this.read.deployment(id), 'deployment', id);
    const decisions = await rows<DecisionView>(
      this.ds,
      `SELECT ${DECISION_COLUMNS} FROM ${DECISIONS_FROM}
        WHERE pd.deployment_id = $1 AND ($2::text IS NULL OR pd.decision = $2)
        ORDER BY pd.created_at DESC, pd.signal_id LIMIT $3 OFFSET $4`,
      [id, q.decision ?? null, q.limit ?? 50, q.offset ?? 0],
    );
    return { success: true, count: decisions.length, decisions };
  }

  /**
   * The signal and Agent What's and Agent Where's decisions are the agent's (public); Agent How's are per deployment:
   * the reader's own rows, and their totals by decision and code over what the reader counts in aggregate (every
   * deployment for the agent's creator).
   */
  async signalDecisions(id: string, reader: Reader) {
    const signal = await this.read.signal(id);
    const [what, how, totals, where] = await Promise.all([
      rows<AgentDecisionRow>(this.ds, `SELECT * FROM agent_decisions WHERE signal_id = $1 ORDER BY timestamp`, [id]),
      rows<DecisionView>(
        this.ds,
        `SELECT ${DECISION_COLUMNS} FROM ${DECISIONS_FROM} JOIN agent_deployments_v3 d ON d.id = pd.deployment_id
          WHERE pd.signal_id = $1 AND ${ownRows(2)} ORDER BY pd.created_at, pd.deployment_id`,
        [id, ...readerParams(reader)],
      ),
      rows<{ decision: string; code: string | null; deployments: number }>(
        this.ds,
        `SELECT pd.decision, pd.code, count(*)::int AS deployments
           FROM policy_decisions pd JOIN agent_deployments_v3 d ON d.id = pd.deployment_id JOIN agents_v3 a ON a.id = d.agent_id
          WHERE pd.signal_id = $1 AND ${aggregateRows(2)} GROUP BY pd.decision, pd.code ORDER BY pd.decision, pd.code`,
        [id, ...readerParams(reader)],
      ),
      this.read.routing(id),
    ]);
    return { success: true, signal, agent_what: what, agent_how: how, agent_how_totals: totals, agent_where: where };
  }

  async routingConfig(id: string) {
    await this.read.agent(id);
    const config = await first<RoutingConfigView & { source: 'global' | 'agent' }>(
      this.ds,
      `SELECT agent_id, venue_priority, routing_strategy, failover_enabled, updated_at,
              CASE WHEN agent_id IS NULL THEN 'global' ELSE 'agent' END AS source
         FROM venue_routing_config_v3 WHERE agent_id = $1 OR agent_id IS NULL ORDER BY agent_id NULLS LAST LIMIT 1`,
      [id],
    );
    return { success: true, config: config ?? null };
  }

  async setRoutingConfig(id: string, dto: RoutingConfigDto, wallet: string, traceId: string) {
    const agent = await this.read.agent(id);
    assertOwner(wallet, agent.creator_wallet, "the agent's creator");
    const wanted = {
      venue_priority: dto.venue_priority,
      routing_strategy: dto.routing_strategy ?? 'FIRST_AVAILABLE',
      failover_enabled: dto.failover_enabled ?? true,
    };
    const current = await first<RoutingConfigView>(
      this.ds,
      `SELECT agent_id, venue_priority, routing_strategy, failover_enabled, updated_at FROM venue_routing_config_v3 WHERE agent_id = $1`,
      [id],
    );
    if (
      current &&
      isDeepStrictEqual(
        { venue_priority: current.venue_priority, routing_strategy: current.routing_strategy, failover_enabled: current.failover_enabled },
        wanted,
      )
    ) {
      return { success: true, config: { ...current, source: 'agent' } }; // a repeat writes nothing
    }
    const [config] = await this.ds.transaction(async (em) => {
      const upserted = await rows<RoutingConfigView>(
        em,
        `INSERT INTO venue_routing_config_v3 (agent_id, venue_priority, routing_strategy, failover_enabled)
         VALUES ($1, $2, $3, $4)
         ON CONFLICT (agent_id) DO UPDATE SET venue_priority = EXCLUDED.venue_priority, routing_strategy = EXCLUDED.routing_strategy,
                                             failover_enabled = EXCLUDED.failover_enabled, updated_at = now()
         RETURNING agent_id, venue_priority, routing_strategy, failover_enabled, updated_at`,
        [id, wanted.venue_priority, wanted.routing_strategy, wanted.failover_enabled],
      );
      const before = current
        ? { venue_priority: current.venue_priority, routing_strategy: current.routing_strategy, failover_enabled: current.failover_enabled }
        : null;
      await audit(em, 'v3.agent.routing_config', 'agent', id, { ...dto, by: wallet }, traceId, auditChange(before, wanted));
      return upserted;
    });
    return { success: true, config: { ...config, source: 'agent' } };
  }
}
