import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { BotStateRow, exec, rows } from '@conduit/db';
import type { Clock } from '@conduit/domain';
import type { ServiceState } from '@conduit/queue';
import { CLOCK, SERVICE_NAME } from './tokens';

/** What bot_state keeps per key (seed 004's example), as JSON. */
export interface BotStateValue {
  /** ISO time the service last booted; null for a key no service boots under (an LLM trader's cycle). */
  service_start_time: string | null;
  /** Cycles since the key was first written, across restarts. */
  cycle_count: number;
  last_cycle_time: string | null;
  /** The last cycle's error; null when it succeeded. */
  last_error: string | null;
}

/** An error is kept this long at most (the column is TEXT; the state stays small). */
const MAX_ERROR = 1000;

/**
 * Seed 004's bot_state: what each service, and each LLM trader's cycle, last did, so an operator (GET
 * /api/v3/admin/state) sees it across restarts. Keys: the service's name ('signal', 'executor', …, 'gateway'; one
 * 'all-in-one' in the single-process build) and `llm-trader:<agent id>`.
 * - At boot a service records its service_start_time; cycle_count and the rest are kept from before the restart.
 * - Every scheduled tick its processors run (a BullMQ job scheduler's job) is a cycle (QueueProcessor → tick()).
 * Each write is one INSERT … ON CONFLICT DO UPDATE on the row, which takes the row's lock and updates the latest
 * version, so concurrent cycles of several replicas all count; nothing is read first and written back.
 */
@Injectable()
export class BotState implements ServiceState, OnApplicationBootstrap {
  private readonly logger = new Logger('BotState');

  constructor(
    private readonly ds: DataSource,
    @Inject(SERVICE_NAME) private readonly service: string,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** The state is for operators: a service whose database is away at boot still starts (the next boot records it). */
  async onApplicationBootstrap(): Promise<void> {
    try {
      await this.recordStart(this.service);
    } catch (e: any) {
      this.logger.warn(`recording the start of ${this.service} failed: ${e.message}`);
    }
  }

  /** `key` started at `at`: service_start_time set, every other field kept (a new key starts at 0 cycles). */
  async recordStart(key: string, at: Date = this.clock.now()): Promise<void> {
    await exec(
      this.ds,
      `INSERT INTO bot_state AS s (key, value)
       VALUES ($1, jsonb_build_object('service_start_time', $2::text, 'cycle_count', 0, 'last_cycle_time', NULL, 'last_error', NULL)::text)
       ON CONFLICT (key) DO UPDATE
         SET value = (s.value::jsonb || jsonb_build_object('service_start_time', $2::text))::text, updated_at = now()`,
      [key, at.toISOString()],
    );
  }

  /** One cycle of `key` at `at`: cycle_count + 1, last_cycle_time, last_error (null: it succeeded). */
  async recordCycle(key: string, cycle: { at: Date; error?: string | null }): Promise<void> {
    const error = cycle.error ? cycle.error.slice(0, MAX_ERROR) : null;
    await exec(
      this.ds,
      `INSERT INTO bot_state AS s (key, value)
       VALUES ($1, jsonb_build_object('service_start_time', NULL, 'cycle_count', 1, 'last_cycle_time', $2::text,
                                      'last_error', $3::text)::text)
       ON CONFLICT (key) DO UPDATE SET
         value = (s.value::jsonb || jsonb_build_object('cycle_count', COALESCE((s.value::jsonb ->> 'cycle_count')::bigint, 0) + 1,
                                                       'last_cycle_time', $2::text, 'last_error', $3::text))::text,
         updated_at = now()`,
      [key, cycle.at.toISOString(), error],
    );
  }

  /** A scheduled tick of this service's processors (ServiceState). */
  tick(error: string | null): Promise<void> {
    return this.recordCycle(this.service, { at: this.clock.now(), error });
  }

  /** Every key, in order, with its value parsed. */
  async list(): Promise<{ key: string; value: BotStateValue; updated_at: Date }[]> {
    const all = await rows<BotStateRow>(this.ds, `SELECT key, value, updated_at FROM bot_state ORDER BY key`);
    return all.map((r) => ({ key: r.key, value: JSON.parse(r.value) as BotStateValue, updated_at: r.updated_at }));
  }
}
