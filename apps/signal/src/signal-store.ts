import { Injectable } from '@nestjs/common';
import { UnrecoverableError } from 'bullmq';
import { DataSource } from 'typeorm';
import { audit } from '@conduit/db';
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
    const [agent] = await this.ds.query(`SELECT status FROM agents_v3 WHERE id = $1`, [p.agentId]);
    if (!agent) throw new UnknownSubjectError(`unknown agent ${p.agentId}`);
    const gate = agentAcceptsSignals(agent.status);
    const status = gate.trade ? 'PENDING' : 'SKIPPED';

    const stored = await this.ds.transaction(async (em) => {
      const inserted = await em.query(
        `INSERT INTO signals_v3 (id, agent_id, token_symbol, side, size_model, risk_model, confidence, requested_venue,
                                 source_tweets, source_research, status, skipped_reason)
         VALUES ($1, $2, $3, $4, $5, $6, $7, 'MULTI', $8, $9, $10, $11)
         ON CONFLICT (id) DO NOTHING RETURNING status`,
        [
          p.signalId,
          p.agentId,
          normaliseSymbol(p.tokenSymbol),
          p.side.toUpperCase(),
          p.sizeModel,
          p.riskModel,
          p.confidence ?? null,
          p.sourceTweets ?? null,
          p.sourceResearch ?? null,
          status,
          gate.trade ? null : gate.reason,
        ],
      );
      if (inserted.length) {
        await audit(
          em,
          'v3.signal.created',
          'signal',
          p.signalId,
          { agent_id: p.agentId, token: p.tokenSymbol, side: p.side, status },
          p.traceId,
        );
        return inserted[0].status as string;
      }
      const [existing] = await em.query(`SELECT status FROM signals_v3 WHERE id = $1`, [p.signalId]);
      return existing.status as string;
    });

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
