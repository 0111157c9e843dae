import { ConflictException, Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Env } from '@conduit/config';
import { randomUUID } from 'crypto';
import { AgentDecisionRow, AgentRow, audit, changeKey, first, rows } from '@conduit/db';
import { Clock, deterministicId, manualSlot, traderDecisionId } from '@conduit/domain';
import { JobName, jobId, JobProducer } from '@conduit/queue';
import { CLOCK, ENV } from '@conduit/runtime';
import { assertOwner } from '../auth/auth.decorators';
import { verifyProofOfIntent } from '../auth/proof-of-intent';
import { badRequest, conflict } from '../common/errors';
import { ChangeFeed } from '../common/change-feed';
import { ReadModels } from '../common/read-models';
import { Waited } from '../common/waited';
import { AgentListQuery, CreateAgentDto, TraderSettingsDto } from './agents.dto';
import { TraderSettingsStore } from './trader-settings';

export type AgentStatus = 'ACTIVE' | 'PAUSED' | 'STOPPED';

/** The statuses an agent may come from into each status (a repeat is allowed and writes nothing). */
const AGENT_TRANSITIONS: Record<AgentStatus, string[]> = {
  ACTIVE: ['DRAFT', 'PAUSED', 'ACTIVE'],
  PAUSED: ['ACTIVE', 'PAUSED', 'DRAFT'],
  STOPPED: ['DRAFT', 'ACTIVE', 'PAUSED', 'STOPPED'],
};

@Injectable()
export class AgentsService {
  constructor(
    private readonly ds: DataSource,
    private readonly read: ReadModels,
    private readonly traders: TraderSettingsStore,
    private readonly producer: JobProducer,
    private readonly feed: ChangeFeed,
    @Inject(ENV) private readonly env: Env,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** A DRAFT agent of the signed-in creator, with its fresh, single-use proof of intent. */
  async create(dto: CreateAgentDto, wallet: string, traceId: string) {
    assertOwner(wallet, dto.creator_wallet, 'creator_wallet');
    verifyProofOfIntent(dto, this.env.PROOF_OF_INTENT_MAX_AGE_S, this.clock.now().getTime());
    return this.ds.transaction(async (em) => {
      const agent = await first<AgentRow>(
        em,
        `INSERT INTO agents_v3 (creator_wallet, name, venue, x_account_ids, research_institute_ids, weights, profit_receiver_address,
                                proof_of_intent_message, proof_of_intent_signature, proof_of_intent_timestamp, policy, kind)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
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
          dto.kind ?? 'signal',
        ],
      );
      if (!agent) throw conflict('proof_of_intent_signature', 'proof_of_intent_signature was already used to create an agent');
      const trader = dto.kind === 'llm_trader' ? await this.traders.create(em, agent, dto) : null;
      await audit(
        em,
        'v3.agent.created',
        'agent',
        agent.id,
        { name: agent.name, kind: agent.kind, creator_wallet: agent.creator_wallet, by: wallet },
        traceId,
      );
      return { success: true, agent: trader ? { ...agent, ...trader } : agent };
    });
  }

  async list(q: AgentListQuery) {
    const agents = await rows<AgentRow & { deployments: number }>(
      this.ds,
      `SELECT a.*, (SELECT count(*)::int FROM agent_deployments_v3 d WHERE d.agent_id = a.id) AS deployments
         FROM agents_v3 a
        WHERE ($1::agent_status_t IS NULL OR a.status = $1) AND ($2::text IS NULL OR a.creator_wallet = $2)
        ORDER BY a.created_at DESC, a.id LIMIT $3 OFFSET $4`,
      [q.status ?? null, q.creator_wallet ?? null, q.limit ?? 50, q.offset ?? 0],
    );
    return { success: true, count: agents.length, agents };
  }

  async get(id: string) {
    const agent = await this.read.agent(id);
    return { success: true, agent: agent.kind === 'llm_trader' ? { ...agent, ...(await this.traders.settings(this.ds, id)) } : agent };
  }

  /** Runs one cycle of an ACTIVE llm_trader now and waits (up to the LLM's timeout) for its recorded decision. */
  async cycle(id: string, wallet: string, traceId: string, key?: string): Promise<Waited<object>> {
    const agent = await this.read.agent(id);
    assertOwner(wallet, agent.creator_wallet, "the agent's creator");
    if (agent.kind !== 'llm_trader') throw badRequest('kind', 'only an llm_trader runs cycles (kind is signal)');
    if (agent.status !== 'ACTIVE') throw conflict('status', `agent is ${agent.status}: only an ACTIVE llm_trader runs cycles`);
    const slot = manualSlot(key ? deterministicId('trader-cycle', id, key) : randomUUID());
    const decisionId = traderDecisionId(id, slot);
    await this.producer.emit({
      name: JobName.SignalTraderCycle,
      data: { agentId: id, slot, traceId },
      jobId: jobId(JobName.SignalTraderCycle, id, slot),
    });
    const decision = await this.feed.waitFor(
      [changeKey('agent_decisions', decisionId)],
      () => first<AgentDecisionRow>(this.ds, `SELECT * FROM agent_decisions WHERE id = $1`, [decisionId]),
      Math.max(this.env.GATEWAY_WAIT_MS, this.env.LLM_TIMEOUT_MS + 2000),
    );
    if (!decision) return { complete: false, answer: { success: true, decision_id: decisionId, status: 'QUEUED', trace_id: traceId } };
    return { complete: true, answer: { success: true, decision, trace_id: traceId } };
  }

  /** Changes an llm_trader's settings; its creator only. */
  async update(id: string, dto: TraderSettingsDto, wallet: string, traceId: string) {
    const agent = await this.read.agent(id);
    assertOwner(wallet, agent.creator_wallet, "the agent's creator");
    if (agent.kind !== 'llm_trader') throw badRequest('kind', 'only an llm_trader has settings to change (kind is signal)');
    return this.ds.transaction(async (em) => {
      const { changed, settings } = await this.traders.update(em, id, dto);
      // A repeat (nothing differs) changes nothing and writes nothing.
      if (changed.length) await audit(em, 'v3.agent.settings', 'agent', id, { changed, by: wallet }, traceId);
      return { success: true, agent: { ...agent, ...settings } };
    });
  }

  /** Moves an agent to a status its creator asks for, where its current status allows it. */
  async setStatus(id: string, status: AgentStatus, wallet: string, traceId: string) {
    const agent = await this.read.agent(id);
    assertOwner(wallet, agent.creator_wallet, "the agent's creator");
    if (!AGENT_TRANSITIONS[status].includes(agent.status)) throw new ConflictException(`agent is ${agent.status}; cannot become ${status}`);
    if (agent.status === status) return { success: true, agent }; // a repeat changes nothing and writes nothing
    return this.ds.transaction(async (em) => {
      const updated = await first<AgentRow>(
        em,
        `WITH u AS (UPDATE agents_v3 SET status = $2, updated_at = now() WHERE id = $1 RETURNING *) SELECT * FROM u`,
        [id, status],
      );
      await audit(em, 'v3.agent.status', 'agent', id, { from: agent.status, to: status, by: wallet }, traceId);
      return { success: true, agent: updated };
    });
  }
}
