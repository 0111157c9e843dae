import { Inject, Injectable } from '@nestjs/common';
import type Decimal from 'decimal.js';
import { DataSource } from 'typeorm';
import { Env } from '@conduit/config';
import { audit, createPositions, failOutcome, failOver, markOpened, NewPosition, settleSignals, stampExecuted } from '@conduit/db';
import { clampLeverage, clientOrderId, dec, DomainError, planOpen, positionLevels, positionLiquidation, toMoney } from '@conduit/domain';
import { UnknownSubjectError } from '@conduit/queue';
import { ENV } from '@conduit/runtime';
import { TradingAccounts, VenueAccount } from '../accounts/trading-accounts';
import { finalAnswer, OrderLedger, StoredOrder, VenueAnswer } from '../orders/order-ledger';
import { OrderLeg, OrderSender } from '../orders/order-sender';
import { VenuePermits } from '../permits';
import { SettleScheduler } from '../settlement/settle-scheduler';
import { keyOf, OpenContext, OpenKey, readOpenContexts } from './open-context';

export interface OpenJob extends OpenKey {
  traceId?: string;
}

export interface OpenResult {
  outcome: string;
  positionId?: string;
  reason?: string;
}

/** What became of each open of a batch: its result, or the error its job is retried with. */
export type Settled = { ok: true; result: OpenResult } | { ok: false; error: unknown };

/** One open on its way through a round. */
interface Attempt {
  job: OpenJob;
  ctx: OpenContext & { venue: string };
  account?: VenueAccount;
  leg?: OrderLeg;
  answer?: VenueAnswer;
  /** The answer was already stored by an earlier attempt. */
  fromStore?: boolean;
}

/** Failover walks a deployment's candidate venues; there are never more rounds than venues. */
const MAX_ROUNDS = 8;

/**
 * The one open path, for one open or a fan-out's hundreds alike. Per round: one read of every open's context; the
 * plan of each order (pure: libs/domain planOpen); one insert of the orders, committed before any is sent; the
 * orders sent (the venue asked first, OrderSender); one transaction for the positions, the order results, the
 * outcomes and the audit rows. A venue that refuses hands the open to the deployment's next candidate venue (the next
 * round); the last refusal is the recorded failure. Each open is answered exactly once.
 */
@Injectable()
export class Opening {
  constructor(
    private readonly ds: DataSource,
    private readonly accounts: TradingAccounts,
    private readonly ledger: OrderLedger,
    private readonly sender: OrderSender,
    private readonly settle: SettleScheduler,
    private readonly permits: VenuePermits,
    @Inject(ENV) private readonly env: Env,
  ) {}

  async open(jobs: readonly OpenJob[]): Promise<Map<string, Settled>> {
    const out = new Map<string, Settled>();
    let current = [...jobs];
    for (let round = 0; current.length && round < MAX_ROUNDS; round++) current = await this.round(current, out);
    for (const job of current) out.set(keyOf(job), { ok: false, error: new Error('failover did not settle within its rounds') });
    return out;
  }

  /** Deployments of a signal that cannot open end FAILED at the executor with the reason (those still PENDING). */
  async giveUp(signalId: string, deploymentIds: readonly string[], reason: string): Promise<void> {
    for (const deploymentId of deploymentIds) await failOutcome(this.ds, signalId, deploymentId, reason);
    await settleSignals(this.ds, [signalId]);
  }

  /** One round; returns the opens that failed over to another venue (the next round's). */
  private async round(jobs: readonly OpenJob[], out: Map<string, Settled>): Promise<OpenJob[]> {
    const ok = (job: OpenKey, result: OpenResult) => out.set(keyOf(job), { ok: true, result });
    const fail = (job: OpenKey, error: unknown) => out.set(keyOf(job), { ok: false, error });
    const contexts = await readOpenContexts(this.ds, jobs);
    const attempts: Attempt[] = [];
    const earlier: Attempt[] = [];
    for (const job of jobs) {
      const ctx = contexts.get(keyOf(job));
      if (!ctx) fail(job, new UnknownSubjectError(`no policy decision for signal ${job.signalId} × deployment ${job.deploymentId}`));
      else if (ctx.outcome !== 'PENDING') ok(job, { outcome: ctx.outcome, positionId: ctx.position_id ?? undefined });
      // Retried like any error (the router records the venue before it fans out); FAILED after the last attempt.
      else if (!ctx.venue) fail(job, new Error(`signal ${job.signalId} has no venue yet`));
      else (ctx.existing_id ? earlier : attempts).push({ job, ctx: { ...ctx, venue: ctx.venue } });
    }
    await this.adopt(earlier, out);

    const refused: { a: Attempt; error: DomainError }[] = [];
    const refuse = (a: Attempt) => (e: unknown) => (e instanceof DomainError ? refused.push({ a, error: e }) : fail(a.job, e));
    const marks = new Map<string, Promise<Decimal | null>>();
    await Promise.all(attempts.map((a) => this.prepare(a, marks).catch(refuse(a))));

    const toSend = attempts.filter((a) => a.leg && !a.answer);
    const stored = await this.ledger.store(toSend.map((a) => a.leg!));
    const storedOf = (a: Attempt) => stored.get(`${a.ctx.venue}|${a.leg!.clientOrderId}`);
    await Promise.all(
      toSend.map((a) => this.venueWork(a, () => this.sender.send(a.leg!, storedOf(a))).then((answer) => (a.answer = answer), refuse(a))),
    );
    const answered = attempts.filter((a) => a.answer && !out.has(keyOf(a.job)));
    // A refusal or a fill still to come is recorded now; a fill is recorded with its position, in one commit.
    await this.ledger.record(
      answered
        .filter((a) => a.answer!.status !== 'FILLED' && !a.fromStore)
        .map((a) => ({ venue: a.ctx.venue, clientOrderId: clientOrderId(a.job.deploymentId, a.job.signalId, 'open'), answer: a.answer! })),
    );
    for (const a of answered) {
      if (a.answer!.status === 'REJECTED')
        refused.push({ a, error: new DomainError('ORDER_REJECTED', a.answer!.error ?? 'rejected by the venue') });
    }
    await this.commit(
      answered.filter((a) => a.answer!.status !== 'REJECTED'),
      storedOf,
      out,
    );
    return this.failOver(refused, out);
  }

  /** A position an earlier attempt created: adopted (awaiting its fill, opened, or failed with its reason). */
  private async adopt(earlier: readonly Attempt[], out: Map<string, Settled>): Promise<void> {
    const opened = earlier.filter((a) => a.ctx.existing_status === 'OPEN' || a.ctx.existing_status === 'CLOSED');
    for (const a of earlier) {
      const positionId = a.ctx.existing_id!;
      if (a.ctx.existing_status === 'PENDING') await this.settle.schedule(positionId, 'open', 0, undefined, a.job.traceId);
      if (a.ctx.existing_status === 'FAILED') {
        const reason = a.ctx.existing_reason ?? 'the position failed';
        await this.giveUp(a.job.signalId, [a.job.deploymentId], reason);
        out.set(keyOf(a.job), { ok: true, result: { outcome: 'FAILED', reason } });
      } else {
        out.set(keyOf(a.job), { ok: true, result: { outcome: 'OPENED', positionId } });
      }
    }
    if (!opened.length) return;
    await markOpened(
      this.ds,
      opened.map((a) => ({ signalId: a.job.signalId, deploymentId: a.job.deploymentId, positionId: a.ctx.existing_id! })),
    );
    await settleSignals(this.ds, [...new Set(opened.map((a) => a.job.signalId))]);
  }

  /** The account, and unless an earlier attempt's answer is stored, the order: planned at the mark, leverage set. */
  private async prepare(a: Attempt, marks: Map<string, Promise<Decimal | null>>): Promise<void> {
    const { ctx, job } = a;
    const paper = ctx.trading_mode === 'paper' && ctx.user_wallet ? this.accounts.paper(ctx.venue, ctx.user_wallet) : null;
    const account = paper ?? (await this.accounts.resolve(job.deploymentId, ctx.venue));
    a.account = account;
    const known = finalAnswer(ctx.stored_order);
    if (known) {
      a.answer = known;
      a.fromStore = true;
      return;
    }
    await this.venueWork(a, async () => {
      const { adapter } = account;
      const markKey = `${adapter.mode}|${adapter.venue}|${ctx.token_symbol}`;
      if (!marks.has(markKey)) marks.set(markKey, adapter.markPrice(ctx.token_symbol));
      const mark = await marks.get(markKey)!;
      if (!mark) throw new DomainError('NO_PRICE', `no mark price for ${ctx.token_symbol} on ${ctx.venue}`);
      const equity =
        account.mode === 'live'
          ? (await adapter.accountState(account.account.address)).equity
          : dec(ctx.paper_equity ?? this.env.PAPER_STARTING_EQUITY_USD)
              .plus(ctx.realized)
              .toString();
      const plan = planOpen({
        deploymentId: job.deploymentId,
        signalId: job.signalId,
        side: ctx.side,
        sizeModel: ctx.size_model,
        riskModel: ctx.risk_model,
        mark,
        equity,
        market: {
          sizeDecimals: ctx.sz_decimals != null ? Number(ctx.sz_decimals) : 8,
          minNotional: ctx.min_position,
          maxLeverage: ctx.max_leverage,
        },
      });
      // Live margin follows the signal's leverage (capped by the market's); Ostium takes it per trade instead.
      if (account.mode === 'live') await adapter.setLeverage(account.account, ctx.token_symbol, plan.leverage);
      a.leg = {
        clientOrderId: plan.clientOrderId,
        deploymentId: job.deploymentId,
        signalId: job.signalId,
        positionId: null,
        venue: ctx.venue,
        symbol: ctx.token_symbol,
        side: plan.orderSide,
        reduceOnly: false,
        qty: plan.qty,
        referencePrice: plan.referencePrice,
        adapter,
        account: account.account,
        leverage: plan.leverage,
        takeProfit: plan.takeProfit,
        stopLoss: plan.stopLoss,
      };
    });
  }

  /** Talking to a live venue takes a permit (WORKER_CONCURRENCY at once); the paper venue answers from memory. */
  private venueWork<T>(a: Attempt, task: () => Promise<T>): Promise<T> {
    return a.account?.mode === 'live' ? this.permits.run(task) : task();
  }

  /**
   * The positions of the answered opens, in one transaction with their orders' results, outcomes and audit rows: OPEN
   * at the fill, or PENDING at the wanted price while an asynchronous fill is awaited (then settled).
   */
  private async commit(opening: readonly Attempt[], storedOf: (a: Attempt) => StoredOrder | undefined, out: Map<string, Settled>) {
    if (!opening.length) return;
    const isPending = (a: Attempt) => a.answer!.status === 'PENDING';
    const positions: NewPosition[] = opening.map((a) => {
      const answer = a.answer!;
      const entry = isPending(a) ? (a.leg?.referencePrice ?? storedOf(a)!.limit_price!) : answer.avgPrice!;
      // The leverage planOpen sent (the same clamp when an earlier attempt's answer is reused), and where the venue's
      // maintenance margin (from the market's maximum leverage) liquidates the position at this entry.
      const leverage = a.leg?.leverage ?? clampLeverage(a.ctx.size_model.leverage, a.ctx.max_leverage);
      return {
        deploymentId: a.job.deploymentId,
        signalId: a.job.signalId,
        venue: a.ctx.venue,
        tokenSymbol: a.ctx.token_symbol,
        side: a.ctx.side,
        qty: isPending(a) ? (storedOf(a)?.qty ?? a.leg!.qty) : answer.filledQty,
        entryPrice: toMoney(entry),
        ...positionLevels(a.ctx.side, entry, a.ctx.risk_model),
        leverage,
        liquidationPrice: positionLiquidation(a.ctx.side, entry, leverage, a.ctx.max_leverage),
        status: isPending(a) ? 'PENDING' : 'OPEN',
        entryTxHash: answer.venueOrderId,
        facts: {
          mode: a.account!.mode,
          fee: answer.fee,
          clientOrderId: clientOrderId(a.job.deploymentId, a.job.signalId, 'open'),
          venueOrderId: answer.venueOrderId,
          traceId: a.job.traceId,
        },
      };
    });
    const filled = opening.filter((a) => !isPending(a));
    const cloid = (a: Attempt) => clientOrderId(a.job.deploymentId, a.job.signalId, 'open');
    const signals = [...new Set(filled.map((a) => a.job.signalId))];
    const { id: positionOf, settled } = await this.ds.transaction(async (em) => {
      const idOf = await createPositions(em, positions);
      const id = (a: Attempt) => idOf(a.job.signalId, a.job.deploymentId);
      await this.ledger.record(
        filled.map((a) => ({ venue: a.ctx.venue, clientOrderId: cloid(a), answer: a.answer!, positionId: id(a) })),
        em,
      );
      await this.ledger.link(
        opening.filter(isPending).map((a) => ({ venue: a.ctx.venue, clientOrderId: cloid(a), positionId: id(a) })),
        em,
      );
      await markOpened(
        em,
        filled.map((a) => ({ signalId: a.job.signalId, deploymentId: a.job.deploymentId, positionId: id(a) })),
      );
      await stampExecuted(em, signals);
      // A signal whose every deployment ended in this transaction settles with it (a lone open saves a commit).
      return { id, settled: new Set(await settleSignals(em, signals)) };
    });
    for (const a of opening.filter(isPending)) await this.settle.schedule(positionOf(a), 'open', 0, undefined, a.job.traceId);
    // After the commit: the last open of a signal settles it (EXECUTED), seeing the other batches' outcomes.
    await settleSignals(
      this.ds,
      signals.filter((s) => !settled.has(s)),
    );
    for (const a of opening) out.set(keyOf(a.job), { ok: true, result: { outcome: 'OPENED', positionId: positionOf(a) } });
  }

  /**
   * Refused opens move to their next candidate venue (returned for the next round); with none left the refusal is
   * the recorded failure.
   */
  private async failOver(refused: readonly { a: Attempt; error: DomainError }[], out: Map<string, Settled>): Promise<OpenJob[]> {
    const next: OpenJob[] = [];
    for (const { a, error } of refused) {
      const why = `${error.code}: ${error.message}`;
      const { signalId, deploymentId, traceId } = a.job;
      const moved = await this.ds.transaction(async (em) => {
        const move = await failOver(em, signalId, deploymentId, why);
        if (move)
          await audit(
            em,
            'v3.order.failover',
            'signal',
            signalId,
            { deployment_id: deploymentId, from: move.from, to: move.to, reason: why },
            traceId,
          );
        return move;
      });
      if (moved) {
        next.push(a.job);
        continue;
      }
      await this.giveUp(signalId, [deploymentId], why);
      out.set(keyOf(a.job), { ok: true, result: { outcome: 'FAILED', reason: error.message } });
    }
    return next;
  }
}
