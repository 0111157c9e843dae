import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AgentDecisionRow, createSignal, first, readCoinMarkets } from '@conduit/db';
import { Clock, equityFractionPct, HeldDecision, holdToLimits, traderDecisionId, TraderSnapshot, traderSignalId } from '@conduit/domain';
import { UnknownSubjectError } from '@conduit/queue';
import { BotState, CLOCK } from '@conduit/runtime';
import { logDecisions } from '../decision-log';
import { TraderAgent, TraderBook } from './trader-book';
import { TraderEffects } from './trader-effects';
import { TraderModels, TraderRun } from './trader-models';

export interface CycleResult {
  decisionId: string;
  /** false: the slot's decision was already recorded (a retry or a second worker): only its effects were re-sent. */
  decided: boolean;
  status?: string;
  action?: string;
  skipped?: string;
}

/**
 * One cycle of an llm_trader, exactly once per slot: the snapshot of its book and markets, its model's answer, the
 * answer held to its limits, and in one transaction the decision, its token usage and (for an open) the signal that
 * carries it to every deployment — under a share lock on the agent row, so a pause or stop committed first turns
 * the decision into a HOLD and one committed later waits for it. The effects (closes, the policy job) are sent on
 * every attempt from the stored decision; their job ids make a repeat a no-op.
 */
@Injectable()
export class TraderCycle {
  constructor(
    private readonly ds: DataSource,
    private readonly book: TraderBook,
    private readonly models: TraderModels,
    private readonly effects: TraderEffects,
    private readonly state: BotState,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async run(agentId: string, slot: string, traceId?: string): Promise<CycleResult> {
    const decisionId = traderDecisionId(agentId, slot);
    const agent = await this.book.agent(agentId);
    if (!agent) throw new UnknownSubjectError(`unknown llm_trader ${agentId}`);
    const stored = await this.stored(decisionId);
    if (stored) {
      await this.effects.send(agent.id, stored, traceId);
      return { decisionId, decided: false, status: stored.status, action: stored.action };
    }
    if (agent.status !== 'ACTIVE') return { decisionId, decided: false, skipped: `agent is ${agent.status}` };

    const snapshot = await this.snapshot(agent);
    const run = await this.models.decide(agent.llm_model, snapshot);
    const held = run.decision ? holdToLimits(run.decision, snapshot) : null;
    const decision = await this.record(agent, decisionId, slot, snapshot, run, held, traceId);
    await this.state.recordCycle(`llm-trader:${agent.id}`, { at: snapshot.now, error: decision.error_message });
    await this.effects.send(agent.id, decision, traceId);
    return { decisionId, decided: true, status: decision.status, action: decision.action };
  }

  private async snapshot(agent: TraderAgent): Promise<TraderSnapshot> {
    const now = this.clock.now();
    const [{ account, positions }, markets] = await Promise.all([this.book.account(agent), readCoinMarkets(this.ds, agent.coins, now)]);
    return {
      now,
      agentName: agent.name,
      strategy: agent.strategy_description,
      account,
      positions,
      markets,
      limits: this.book.limits(agent),
    };
  }

  private stored(decisionId: string) {
    return first<AgentDecisionRow>(this.ds, `SELECT id, status, action, coin, signal_id, timestamp FROM agent_decisions WHERE id = $1`, [
      decisionId,
    ]);
  }

  private async record(
    agent: TraderAgent,
    decisionId: string,
    slot: string,
    snapshot: TraderSnapshot,
    run: TraderRun,
    held: HeldDecision | null,
    traceId?: string,
  ): Promise<AgentDecisionRow> {
    await this.ds.transaction(async (em) => {
      const now = await first<{ status: string }>(em, `SELECT status FROM agents_v3 WHERE id = $1 FOR SHARE`, [agent.id]);
      const trade = held && held.status === 'success' ? (now?.status === 'ACTIVE' ? held : paused(held, now?.status ?? 'gone')) : held;
      const opens = trade?.status === 'success' && (trade.action === 'OPEN_LONG' || trade.action === 'OPEN_SHORT') ? trade : null;
      const signalId = opens ? traderSignalId(decisionId) : null;
      const written = await logDecisions(em, [
        {
          id: decisionId,
          agentId: agent.id,
          status: trade?.status ?? run.status,
          action: trade?.action ?? 'HOLD',
          coin: trade?.coin ?? run.decision?.coin ?? 'NONE',
          sizeUsd: trade?.sizeUsd ?? '0',
          leverage: trade?.leverage ?? 1,
          stopLossPrice: trade?.stopLoss ?? '0',
          takeProfitPrice: trade?.takeProfit ?? '0',
          confidence: Number(trade?.confidence ?? 0),
          reasoning: trade?.reasoning ?? run.error ?? '',
          prompt: run.prompt,
          response: run.rawResponse,
          latencyMs: run.latencyMs,
          error: trade?.error ?? run.error,
          model: run.model,
          parsed: run.decision,
          sourceType: 'llm_cycle',
          sourceId: slot,
          signalId,
          adjustments: trade?.adjustments ?? null,
        },
      ]);
      if (!written) return; // another worker recorded this slot first; its decision stands
      if (run.usage) await this.models.recordUsage(em, agent.id, decisionId, run);
      if (opens && signalId) {
        const side = opens.action === 'OPEN_LONG' ? 'LONG' : 'SHORT';
        const signal = {
          id: signalId,
          agentId: agent.id,
          tokenSymbol: opens.coin,
          side,
          sizeModel: {
            type: 'percentage',
            value: equityFractionPct(opens.sizeUsd, opens.leverage, snapshot.account.equity),
            leverage: opens.leverage,
          },
          riskModel: { type: 'fixed', stop_price: opens.stopLoss, take_profit_price: opens.takeProfit },
          confidence: Number(opens.confidence),
          sourceTweets: null,
          sourceResearch: null,
        };
        await createSignal(em, signal, null, traceId);
      }
    });
    const decision = await this.stored(decisionId);
    if (!decision) throw new Error(`decision ${decisionId} was not recorded`);
    return decision;
  }
}

/** A cycle in flight when its agent stopped being ACTIVE trades nothing: its decision is recorded as a HOLD. */
function paused(held: HeldDecision, status: string): HeldDecision {
  if (held.action === 'HOLD') return held;
  return {
    ...held,
    action: 'HOLD',
    sizeUsd: '0',
    leverage: 1,
    stopLoss: null,
    takeProfit: null,
    closes: [],
    adjustments: [...held.adjustments, { field: 'action', from: held.action, to: 'HOLD', reason: `agent is ${status}: nothing trades` }],
  };
}
