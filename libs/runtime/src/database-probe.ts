import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { DatabaseProbe } from '@conduit/queue';

/** How long the probe waits for `SELECT 1`: a database that does not answer in that time counts as away. */
const PROBE_TIMEOUT_MS = 2000;

/** Asked by the processors when a job fails: does Postgres answer right now? (See QueueProcessor.process.) */
@Injectable()
export class DataSourceProbe implements DatabaseProbe {
  constructor(private readonly ds: DataSource) {}

  async reachable(): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    try {
      const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('timeout')), PROBE_TIMEOUT_MS)));
      await Promise.race([this.ds.query('SELECT 1'), timeout]);
      return true;
    } catch {
      return false;
    } finally {
      clearTimeout(timer);
    }
  }
}
