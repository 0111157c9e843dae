import { randomUUID } from 'crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { rows } from '@conduit/db';
import { Clock, scheduledSlot } from '@conduit/domain';
import { JobName, jobId, JobProducer } from '@conduit/queue';
import { CLOCK } from '@conduit/runtime';

/**
 * The llm_traders' intervals: each tick (signal.trader-cycles) queues one trader-cycle job per ACTIVE llm_trader for
 * the slot its interval is in. The job id is the agent's and the slot's, so the ticks of one slot, two workers or a
 * restart queue it once; the decision's id is the slot's too, so even a job run twice decides once. A paused or
 * stopped agent is not queued, and a queued cycle finds it inactive and does nothing.
 */
@Injectable()
export class TraderSchedule {
  constructor(
    private readonly ds: DataSource,
    private readonly producer: JobProducer,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async due(): Promise<{ agents: number }> {
    const now = this.clock.now();
    const agents = await rows<{ id: string; cycle_interval_seconds: number }>(
      this.ds,
      `SELECT a.id, t.cycle_interval_seconds FROM agents_v3 a JOIN trading_agents t ON t.id = a.id
        WHERE a.kind = 'llm_trader' AND a.status = 'ACTIVE'`,
    );
    await this.producer.emitBulk(
      agents.map((a) => {
        const slot = scheduledSlot(now, a.cycle_interval_seconds);
        return {
          name: JobName.SignalTraderCycle,
          data: { agentId: a.id, slot, traceId: randomUUID() },
          jobId: jobId(JobName.SignalTraderCycle, a.id, slot),
        };
      }),
    );
    return { agents: agents.length };
  }
}
