import { ConflictException, Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Env } from '@conduit/config';
import { randomUUID } from 'crypto';
import { AgentDecisionRow, AgentRow, audit, auditChange, auditFields, changeKey, first, rows, Sql } from '@conduit/db';
import { Clock, dec, deterministicId, manualSlot, TRADER_FIELDS, traderDecisionId } from '@conduit/domain';
import { JobName, jobId, JobProducer } from '@conduit/queue';
import { CLOCK, ENV } from '@conduit/runtime';
import { assertOwner } from '../auth/auth.decorators';
import { verifyProofOfIntent } from '../auth/proof-of-intent';
import { badRequest, conflict } from '../common/errors';
import { ChangeFeed } from '../common/change-feed';
import { ReadModels } from '../common/read-models';
import { Waited } from '../common/waited';
import { AgentListQuery, AgentSettingsDto, CreateAgentDto } from './agents.dto';
import { TraderSettingsStore } from './trader-settings';

export type AgentStatus = 'ACTIVE' | 'PAUSED' | 'STOPPED';

/** What a signal agent follows that PATCH may change (issue 14). */
const FOLLOWING_FIELDS = ['wallet_ids', 'wallet_top_n', 'wallet_bias_threshold', 'weights'] as const;

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
    const walletIds = dto.wallet_ids ? await this.watched(this.ds, dto.wallet_ids) : null;
    return this.ds.transaction(async (em) => {
      const agent = await first<AgentRow>(
        em,
        `INSERT INTO agents_v3 (creator_wallet, name, venue, x_account_ids, research_institute_ids, weights, profit_receiver_address,
                                proof_of_intent_message, proof_of_intent_signature, proof_of_intent_timestamp, policy, kind,
                                wallet_ids, wallet_top_n, wallet_bias_threshold)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
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
          walletIds,
          dto.wallet_top_n ?? null,
          dto.wallet_bias_threshold === undefined ? null : String(dto.wallet_bias_threshold),
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
        auditChange(null, auditFields(agent, ['name', 'kind', 'venue', 'creator_wallet', 'profit_receiver_address', 'policy', 'status'])),
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
    const found = await this.read.agent(id);
    // Subscribers as the leaderboard counts them: the deployments not STOPPED.
    const [{ subscribers }] = await rows<{ subscribers: number }>(
      this.ds,
      `SELECT count(*)::int AS subscribers FROM agent_deployments_v3 WHERE agent_id = $1 AND status <> 'STOPPED'`,
      [id],
    );
    const agent = { ...found, subscribers };
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

  /** Changes an llm_trader's settings, or what a signal agent follows; its creator only. */
  async update(id: string, dto: AgentSettingsDto, wallet: string, traceId: string) {
    const agent = await this.read.agent(id);
    assertOwner(wallet, agent.creator_wallet, "the agent's creator");
    const following = FOLLOWING_FIELDS.filter((f) => dto[f] !== undefined);
    if (agent.kind !== 'llm_trader') {
      const trading = TRADER_FIELDS.filter((f) => dto[f] !== undefined);
      if (trading.length) throw badRequest(trading, `${trading.join(', ')}: only for kind llm_trader (kind is signal)`);
      if (!following.length)
        throw badRequest('kind', 'nothing to change: a signal agent changes wallet_ids, wallet_top_n, wallet_bias_threshold, weights');
      return this.follow(agent, dto, wallet, traceId);
    }
    if (following.length) throw badRequest(following, `${following.join(', ')}: only for kind signal (kind is llm_trader)`);
    return this.ds.transaction(async (em) => {
      const before = await this.traders.settings(em, id);
      const { changed, settings } = await this.traders.update(em, id, dto);
      // A repeat (nothing differs) changes nothing and writes nothing.
      if (changed.length) {
        const change = auditChange(auditFields(before, changed), auditFields(settings, changed));
        await audit(em, 'v3.agent.settings', 'agent', id, { changed, by: wallet }, traceId, change);
      }
      return { success: true, agent: { ...agent, ...settings } };
    });
  }

  /** Changes what a signal agent follows: the fields that differ (a repeat writes nothing), audited. */
  private async follow(agent: AgentRow, dto: AgentSettingsDto, wallet: string, traceId: string) {
    const next = {
      wallet_ids: dto.wallet_ids === undefined ? agent.wallet_ids : await this.watched(this.ds, dto.wallet_ids),
      wallet_top_n: dto.wallet_top_n === undefined ? agent.wallet_top_n : dto.wallet_top_n,
      wallet_bias_threshold:
        dto.wallet_bias_threshold === undefined
          ? agent.wallet_bias_threshold
          : dto.wallet_bias_threshold === null
            ? null
            : dec(dto.wallet_bias_threshold).toFixed(3),
      weights: dto.weights === undefined ? agent.weights : { ...(agent.weights ?? {}), ...dto.weights },
    };
    const changed = FOLLOWING_FIELDS.filter((f) => !sameFollowing(agent[f], next[f]));
    if (!changed.length) return { success: true, agent };
    return this.ds.transaction(async (em) => {
      const updated = await first<AgentRow>(
        em,
        `UPDATE agents_v3 SET wallet_ids = $2, wallet_top_n = $3, wallet_bias_threshold = $4, weights = $5, updated_at = now()
          WHERE id = $1 RETURNING *`,
        [agent.id, next.wallet_ids, next.wallet_top_n, next.wallet_bias_threshold, next.weights],
      );
      await audit(
        em,
        'v3.agent.following',
        'agent',
        agent.id,
        { changed, by: wallet },
        traceId,
        auditChange(auditFields(agent, changed), auditFields(next, changed)),
      );
      return { success: true, agent: updated };
    });
  }

  /**
   * The followed wallets as stored: lower case, each once, in the order given. An id must name a watched wallet
   * (ids are never reused: an unknown one can never match); an address need not be watched yet (it is read once it is).
   */
  private async watched(q: Sql, given: string[]): Promise<string[]> {
    const ids = [...new Set(given.map((x) => x.toLowerCase()))];
    const uuids = ids.filter((x) => !x.startsWith('0x'));
    if (uuids.length) {
      const known = new Set((await rows<{ id: string }>(q, `SELECT id FROM wallets WHERE id = ANY($1::uuid[])`, [uuids])).map((r) => r.id));
      const unknown = uuids.filter((x) => !known.has(x));
      if (unknown.length) throw badRequest('wallet_ids', `wallet_ids: no watched wallet has the id(s) ${unknown.join(', ')}`);
    }
    return ids;
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
      await audit(em, 'v3.agent.status', 'agent', id, { from: agent.status, to: status, by: wallet }, traceId, {
        old: { status: agent.status },
        new: { status },
      });
      return { success: true, agent: updated };
    });
  }
}

/** A following setting unchanged: lists element by element, decimals by value, weights key by key. */
function sameFollowing(stored: unknown, next: unknown): boolean {
  if (Array.isArray(stored) || Array.isArray(next)) {
    const a = (stored as unknown[] | null) ?? [];
    const b = (next as unknown[] | null) ?? [];
    return a.length === b.length && a.every((v, i) => v === b[i]);
  }
  if (typeof stored === 'string' && typeof next === 'string') return dec(stored).eq(next);
  if (stored && next && typeof stored === 'object' && typeof next === 'object') {
    const a = stored as Record<string, unknown>;
    const b = next as Record<string, unknown>;
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    return [...keys].every((k) => a[k] === b[k]);
  }
  return stored === next;
}
