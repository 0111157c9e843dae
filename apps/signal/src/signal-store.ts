import { Injectable } from '@nestjs/common';
import { UnrecoverableError } from 'bullmq';
import { DataSource } from 'typeorm';
import { createSignal, first, PREPARED } from '@conduit/db';
import { agentAcceptsSignals, signalProposalErrors } from '@conduit/domain';
import { JobName, jobId, JobProducer, SignalIngestPayload, UnknownSubjectError } from '@conduit/queue';

/**
 * Stores a venue-agnostic signal (requested_venue MULTI) once under its id and hands it to Agent How. The same
 * path for signals posted through the gateway and those Agent What generates.
 */
@Injectable()
export class SignalStore {
  constructor(
    private readonly ds: DataSource,
    private readonly producer: JobProducer,
  ) {}

  async ingest(p: SignalIngestPayload): Promise<{ signalId: string; status: string }> {
    const errors = signalProposalErrors(p);
    if (errors.length) throw new UnrecoverableError(`invalid signal: ${errors.join('; ')}`);
    const agent = await first<{ status: string }>(this.ds, `SELECT status FROM agents_v3 WHERE id = $1`, [p.agentId], PREPARED);
    if (!agent) throw new UnknownSubjectError(`unknown agent ${p.agentId}`);
    const gate = agentAcceptsSignals(agent.status);

    const signal = {
      id: p.signalId,
      agentId: p.agentId,
      tokenSymbol: normaliseSymbol(p.tokenSymbol),
      side: p.side.toUpperCase(),
      sizeModel: p.sizeModel,
      riskModel: p.riskModel,
      confidence: p.confidence ?? null,
      sourceTweets: p.sourceTweets ?? null,
      sourceResearch: p.sourceResearch ?? null,
      sourceWallets: p.sourceWallets ?? null,
      sourceEvents: p.sourceEvents ?? null,
      signalWalletId: p.signalWalletId ?? null,
    };
    const stored = await createSignal(this.ds, signal, gate.trade ? null : gate.reason, p.traceId);

    // Emitted on every attempt: if the previous attempt stored the row but died before emitting, this one emits.
    if (stored === 'PENDING') {
      await this.producer.emit({
        name: JobName.PolicyEvaluate,
        data: { signalId: p.signalId, traceId: p.traceId },
        jobId: jobId(JobName.PolicyEvaluate, p.signalId),
      });
    }
    return { signalId: p.signalId, status: stored };
  }
}

/** Tickers are upper case except Hyperliquid's k-prefixed thousands (kPEPE). */
export function normaliseSymbol(symbol: string): string {
  return /^k[A-Z0-9]+$/.test(symbol) ? symbol : symbol.toUpperCase();
}
