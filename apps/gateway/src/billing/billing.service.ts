import { isDeepStrictEqual } from 'util';
import { ConflictException, Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Env } from '@conduit/config';
import { AgentRow, audit, BillRow, changeKey, DeploymentRow, exec, first, retryBill, rows } from '@conduit/db';
import { Clock } from '@conduit/domain';
import { collectJobOptions, JobName, jobId, JobProducer } from '@conduit/queue';
import { CLOCK, ENV } from '@conduit/runtime';
import { UsdSendPayload, usdSendPayload } from '@conduit/venue';
import { assertOwner } from '../auth/auth.decorators';
import { badRequest, conflict, notFound } from '../common/errors';
import { ChangeFeed } from '../common/change-feed';
import { aggregateRows, canReadDeployment, canReadDeploymentData, ownRows, Reader, readerParams } from '../common/read-access';
import { BillTotalsView, ReadModels } from '../common/read-models';
import { Waited } from '../common/waited';
import { BillingQuery, RetryBillDto, UserSignatureDto } from './billing.dto';

/** Bills: reading them, and paying a live one with the user's signature of its usdSend. */
@Injectable()
export class BillingService {
  constructor(
    private readonly ds: DataSource,
    private readonly read: ReadModels,
    private readonly producer: JobProducer,
    private readonly feed: ChangeFeed,
    @Inject(ENV) private readonly env: Env,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async event(id: string, reader: Reader) {
    const event = await this.read.findBillingEvent(id);
    const deployment = event?.deployment_id ? await this.read.deployment(event.deployment_id) : null;
    // A bill without a deployment is operators' only.
    const readable = deployment ? canReadDeployment(reader, deployment) : canReadDeploymentData(reader);
    if (!event || !readable) throw notFound('billing event', id);
    return { success: true, event };
  }

  /**
   * Stores the user's signature and queues its submission; waits until billing collected the bill or the venue refused
   * this attempt (metadata.last_error says why; retried). The same signature again is already submitted: not complete.
   */
  async pay(id: string, sig: UserSignatureDto, wallet: string, traceId: string): Promise<Waited<object>> {
    const event = await first<Pick<BillRow, 'id' | 'status' | 'metadata'> & Pick<DeploymentRow, 'user_wallet'>>(
      this.ds,
      `SELECT b.id, b.status, b.metadata, d.user_wallet FROM billing_events_v3 b JOIN agent_deployments_v3 d ON d.id = b.deployment_id
        WHERE b.id = $1`,
      [id],
    );
    if (!event) throw notFound('billing event', id);
    assertOwner(wallet, event.user_wallet, "the bill's deployment user");
    if (event.status !== 'PENDING') throw new ConflictException(`billing event ${id} is ${event.status}`);
    if (!event.metadata?.usd_send) throw conflict('id', 'this bill has no usdSend to sign');
    const signature = { r: sig.r, s: sig.s, v: sig.v };
    if (isDeepStrictEqual(event.metadata.user_signature, signature)) {
      // The same signature again: already submitted (under the same job id), so nothing is written or queued.
      return { complete: false, answer: { success: true, event: await this.read.findBillingEvent(id) } };
    }
    const submitted = this.clock.now().toISOString();
    await this.ds.transaction(async (em) => {
      await exec(
        em,
        `UPDATE billing_events_v3 SET metadata = (metadata - 'last_error' - 'last_attempt_at') || $2 WHERE id = $1 AND status = 'PENDING'`,
        [id, { user_signature: signature }],
      );
      await audit(em, 'v3.bill.signature_submitted', 'billing_event', id, { by: wallet }, traceId);
    });
    await this.producer.emit({
      name: JobName.BillingCollect,
      data: { billingEventId: id, traceId },
      // One job per attempt (its nonce) and signature: an attempt after a retry is never mistaken for an earlier one's job.
      jobId: jobId(JobName.BillingCollect, id, 'signed', String((event.metadata.usd_send as { nonce?: number }).nonce), sig.r.slice(2, 18)),
      opts: collectJobOptions(this.env),
    });
    const done = await this.feed.waitFor([changeKey('billing_events_v3', id)], () =>
      first<BillRow>(
        this.ds,
        `SELECT * FROM billing_events_v3 WHERE id = $1 AND (status <> 'PENDING' OR (metadata->>'last_attempt_at') >= $2)`,
        [id, submitted],
      ),
    );
    return { complete: !!done, answer: { success: true, event: done ?? (await this.read.findBillingEvent(id)) } };
  }

  /**
   * A FAILED bill back to PENDING (retryBill) and collected again. A paper bill's collection is queued again under a job
   * id with the retry number, so a double click is one retry: the second finds the bill PENDING, writes and queues
   * nothing, and answers its state (200, retried false); then this waits, like pay(), until billing collected the bill,
   * failed it again or noted an attempt. A live bill takes no signature here: its failed attempt's nonce may be spent
   * on Hyperliquid (and an old one falls out of the venue's nonce window), so the retry stores a fresh usdSend with a
   * new `time` from the clock in metadata.usd_send and answers at once; the user signs that one and posts it to
   * /signature (the earlier signature cannot pay it). A COLLECTED bill is 409.
   */
  async retry(id: string, dto: RetryBillDto, wallet: string, traceId: string): Promise<Waited<object>> {
    const bill = await first<Pick<BillRow, 'id' | 'status' | 'metadata'> & Pick<DeploymentRow, 'user_wallet' | 'trading_mode'>>(
      this.ds,
      `SELECT b.id, b.status, b.metadata, d.user_wallet, d.trading_mode
         FROM billing_events_v3 b JOIN agent_deployments_v3 d ON d.id = b.deployment_id WHERE b.id = $1`,
      [id],
    );
    if (!bill) throw notFound('billing event', id);
    assertOwner(wallet, bill.user_wallet, "the bill's deployment user");
    const given = (['r', 's', 'v'] as const).filter((f) => dto[f] !== undefined);
    const previous = bill.status === 'FAILED' ? (bill.metadata?.usd_send as UsdSendPayload | undefined) : undefined;
    if (previous && given.length)
      throw badRequest(
        given,
        'a live bill is retried without a signature: the retry prepares a fresh usdSend (a new nonce) in metadata.usd_send; ' +
          'sign its typedData and post it to /signature',
      );
    if (bill.status === 'FAILED' && given.length) throw badRequest(given, 'this bill has no usdSend to sign: retry it without a signature');
    if (bill.status === 'COLLECTED') throw conflict('id', `billing event ${id} is COLLECTED: nothing to retry`);
    const note = previous ? { usd_send: this.freshUsdSend(previous) } : {};
    const started = this.clock.now().toISOString();
    const moved = await this.ds.transaction((em) => retryBill(em, id, note, traceId));
    if (!moved?.retried) {
      if (moved?.status === 'COLLECTED') throw conflict('id', `billing event ${id} is COLLECTED: nothing to retry`);
      // Already PENDING (a repeat, or a bill that never failed): nothing written, nothing queued.
      return { complete: true, answer: { success: true, retried: false, event: await this.read.findBillingEvent(id) } };
    }
    if (previous) {
      // Nothing to submit before the user signs the fresh usdSend (POST /signature queues it).
      return { complete: true, answer: { success: true, retried: true, retry: moved.retry, event: await this.read.findBillingEvent(id) } };
    }
    await this.producer.emit({
      name: JobName.BillingCollect,
      data: { billingEventId: id, traceId },
      jobId: jobId(JobName.BillingCollect, id, 'retry', String(moved.retry)),
      opts: collectJobOptions(this.env),
    });
    const done = await this.feed.waitFor([changeKey('billing_events_v3', id)], () =>
      first<BillRow>(
        this.ds,
        `SELECT * FROM billing_events_v3 WHERE id = $1 AND (status <> 'PENDING' OR (metadata->>'last_attempt_at') >= $2)`,
        [id, started],
      ),
    );
    const event = done ?? (await this.read.findBillingEvent(id));
    return { complete: !!done, answer: { success: true, retried: true, retry: moved.retry, event } };
  }

  /**
   * The same transfer as a failed attempt's usdSend (destination, amount, chain) under a new nonce: the clock's time,
   * and always later than the previous nonce.
   */
  private freshUsdSend(previous: UsdSendPayload): UsdSendPayload {
    const { action } = previous;
    return usdSendPayload({
      destination: action.destination,
      amount: action.amount,
      time: Math.max(this.clock.now().getTime(), Number(previous.nonce) + 1),
      isTestnet: action.hyperliquidChain === 'Testnet',
      signatureChainId: action.signatureChainId,
    });
  }

  /**
   * The bills of the reader's own deployments (an operator's: every one; anonymous: none); the totals by kind and
   * status also count every bill of the agents the reader created (their revenue, in aggregate).
   */
  async list(q: BillingQuery, reader: Reader) {
    const where = `($1::uuid IS NULL OR b.deployment_id = $1) AND ($2::uuid IS NULL OR d.agent_id = $2)
      AND ($3::text IS NULL OR a.creator_wallet = $3) AND ($4::bill_kind_t IS NULL OR b.kind = $4)`;
    const from = `billing_events_v3 b JOIN agent_deployments_v3 d ON d.id = b.deployment_id JOIN agents_v3 a ON a.id = d.agent_id`;
    const filter = [q.deployment_id ?? null, q.agent_id ?? null, q.creator_wallet ?? null, q.kind ?? null];
    const events = await rows<BillRow & Pick<DeploymentRow, 'agent_id'> & Pick<AgentRow, 'creator_wallet'>>(
      this.ds,
      `SELECT b.*, d.agent_id, a.creator_wallet FROM ${from} WHERE ${where} AND ${ownRows(7)}
        ORDER BY b.occurred_at DESC, b.id LIMIT $5 OFFSET $6`,
      [...filter, q.limit ?? 50, q.offset ?? 0, ...readerParams(reader)],
    );
    const totals = await rows<BillTotalsView>(
      this.ds,
      `SELECT b.kind, b.status, count(*)::int AS events, sum(b.amount)::text AS amount FROM ${from} WHERE ${where} AND ${aggregateRows(5)}
        GROUP BY b.kind, b.status ORDER BY b.kind, b.status`,
      [...filter, ...readerParams(reader)],
    );
    return { success: true, count: events.length, events, totals };
  }
}
