import { randomUUID } from 'crypto';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { changeKey, PositionRow, rows } from '@conduit/db';
import { dec, deterministicId, toMoney, unrealizedPnl } from '@conduit/domain';
import { JobName, jobId, JobProducer } from '@conduit/queue';
import { assertOwner } from '../auth/auth.decorators';
import { ChangeFeed } from '../common/change-feed';
import { assertCanRead, ownRows, Reader, readerParams } from '../common/read-access';
import { ReadModels } from '../common/read-models';
import { Waited } from '../common/waited';
import { GenerateSignalDto, PositionListQuery } from './trading.dto';

const FINAL_SIGNAL = ['EXECUTED', 'SKIPPED', 'FAILED'];

/** Signals into the pipeline, their execution, and positions. */
@Injectable()
export class TradingService {
  constructor(
    private readonly ds: DataSource,
    private readonly read: ReadModels,
    private readonly producer: JobProducer,
    private readonly feed: ChangeFeed,
  ) {}

  /** Queues the signal (an Idempotency-Key makes its id deterministic) and waits for Agent What to store it. */
  async generate(dto: GenerateSignalDto, wallet: string, traceId: string, key?: string): Promise<Waited<object>> {
    const agent = await this.read.agent(dto.agent_id);
    assertOwner(wallet, agent.creator_wallet, "the agent's creator");
    const signalId = key ? deterministicId('signal', dto.agent_id, key) : randomUUID();
    await this.producer.emit({
      name: JobName.SignalIngest,
      jobId: jobId(JobName.SignalIngest, signalId),
      data: {
        signalId,
        agentId: dto.agent_id,
        tokenSymbol: dto.token_symbol,
        side: dto.side,
        sizeModel: dto.size_model,
        riskModel: dto.risk_model,
        confidence: dto.confidence ?? null,
        sourceTweets: dto.source_tweets,
        sourceResearch: dto.source_research,
        traceId,
      },
    });
    const signal = await this.feed.waitFor([changeKey('signals_v3', signalId)], () => this.read.findSignal(signalId));
    if (!signal) return { complete: false, answer: { success: true, signal_id: signalId, status: 'QUEUED', trace_id: traceId } };
    return { complete: true, answer: { success: true, signal, trace_id: traceId } };
  }

  /** The signal and its routing are the agent's (public); its outcomes are per deployment (read-access.ts). */
  async signal(id: string, reader: Reader) {
    const signal = await this.read.signal(id);
    const [routing, outcomes, totals] = await Promise.all([
      this.read.routing(id),
      this.read.outcomes(id, reader),
      this.read.outcomeTotals(id, reader),
    ]);
    return { success: true, signal, routing, outcomes, outcome_totals: totals };
  }

  /** Runs the signal through policy, routing and execution (if not already under way) and waits for its final status. */
  async execute(signalId: string, wallet: string, traceId: string): Promise<Waited<object>> {
    const signal = await this.read.signal(signalId);
    assertOwner(wallet, (await this.read.agent(signal.agent_id)).creator_wallet, "the signal's agent creator");
    if (signal.status === 'PENDING') {
      // Normally already under way since signals/generate; the deterministic job id makes this a no-op then.
      await this.producer.emitOrRetry({
        name: JobName.PolicyEvaluate,
        data: { signalId: signal.id, traceId },
        jobId: jobId(JobName.PolicyEvaluate, signal.id),
      });
    }
    const done = await this.feed.waitFor([changeKey('signals_v3', signal.id)], async () => {
      const s = await this.read.signal(signal.id);
      return FINAL_SIGNAL.includes(s.status) ? s : null;
    });
    // The creator reads its own deployments' outcomes row by row and every deployment's only as totals (read-access.ts).
    const reader: Reader = { wallet };
    const [latest, routing, outcomes, totals] = await Promise.all([
      this.read.signal(signal.id),
      this.read.routing(signal.id),
      this.read.outcomes(signal.id, reader),
      this.read.outcomeTotals(signal.id, reader),
    ]);
    const answer = {
      success: true,
      complete: !!done,
      signal: latest,
      routing: routing && {
        selected_venue: routing.selected_venue,
        routing_reason: routing.routing_reason,
        checked_venues: routing.checked_venues,
        venue_availability: routing.venue_availability,
        routing_duration_ms: routing.routing_duration_ms,
      },
      skipped_reason: latest.skipped_reason,
      outcomes,
      outcome_totals: totals,
    };
    return { complete: !!done, answer };
  }

  /** The positions of the reader's own deployments (every one for an operator; none for an anonymous reader). */
  async positions(q: PositionListQuery, reader: Reader) {
    const positions = await rows<PositionRow>(
      this.ds,
      `SELECT p.* FROM positions_history p JOIN agent_deployments_v3 d ON d.id = p.deployment_id
        WHERE ($1::uuid IS NULL OR p.deployment_id = $1) AND ($2::uuid IS NULL OR d.agent_id = $2)
          AND ($3::uuid IS NULL OR p.signal_id = $3) AND ($4::text IS NULL OR p.status = $4) AND ${ownRows(7)}
        ORDER BY p.opened_at DESC, p.id LIMIT $5 OFFSET $6`,
      [
        q.deployment_id ?? null,
        q.agent_id ?? null,
        q.signal_id ?? null,
        q.status ?? null,
        q.limit ?? 50,
        q.offset ?? 0,
        ...readerParams(reader),
      ],
    );
    // Unrealized PnL at the mark the position carries (the executor's last mark), rounded to cents like the books.
    const marked = positions.map((p) => ({
      ...p,
      unrealized_pnl:
        p.status === 'OPEN' && p.current_price !== null ? toMoney(unrealizedPnl(p.side, p.qty, p.entry_price, p.current_price)) : null,
    }));
    return { success: true, count: marked.length, positions: marked };
  }

  async position(id: string, reader: Reader) {
    const position = await this.read.position(id);
    assertCanRead(reader, await this.read.deployment(position.deployment_id), 'position', id);
    return { success: true, position };
  }

  /** Asks the executor to close the position at the mark and waits for the close and, after a profit, its bill. */
  async close(id: string, reason: string | undefined, wallet: string, traceId: string): Promise<Waited<object>> {
    const position = await this.read.position(id);
    assertOwner(wallet, (await this.read.deployment(position.deployment_id)).user_wallet, "the position's deployment user");
    await this.producer.emitOrRetry({
      name: JobName.ExecutorClose,
      data: { positionId: id, reason: reason ?? 'MANUAL', traceId },
      jobId: jobId(JobName.ExecutorClose, id),
    });
    // Woken by the position's status change and by the insert of its profit share (the bill notifies its position).
    const closed = await this.feed.waitFor([changeKey('positions_v3', id)], async () => {
      const p = await this.read.position(id);
      if (p.status !== 'CLOSED') return null;
      if (dec(p.pnl!).lte(0)) return { p, bill: null }; // a loss is never billed (closePosition sets pnl with CLOSED)
      const bill = await this.read.profitShare(id);
      return bill ? { p, bill } : null;
    });
    if (!closed) {
      const [position, bill] = [await this.read.position(id), await this.read.profitShare(id)];
      return { complete: false, answer: { success: true, complete: false, position, billing_event: bill } };
    }
    return { complete: true, answer: { success: true, complete: true, position: closed.p, billing_event: closed.bill } };
  }
}
