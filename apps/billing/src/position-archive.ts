import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Env } from '@conduit/config';
import { Clock } from '@conduit/domain';
import { first, rows } from '@conduit/db';
import { CLOCK, ENV } from '@conduit/runtime';

/** Positions moved per statement: each statement holds its locks, and its share of the WAL, only that long. */
export const ARCHIVE_BATCH = 5000;

/** What one archive run did; the shape of a retention result, `table` being positions_archive. */
export interface ArchiveResult {
  table: 'positions_archive';
  /** Positions closed before this moved. */
  before: string;
  /** Positions moved from positions_v3. */
  deleted: number;
  statements: number;
  skipped?: string;
}

/**
 * Moves CLOSED positions whose closed_at is older than RETENTION_POSITIONS_ARCHIVE_DAYS (by the injected clock) from
 * positions_v3 to positions_archive, part of billing.retention. Each batch is one statement (a DELETE ... RETURNING
 * feeding an INSERT), so a position is in exactly one of the two tables at any time and a run that stops half-way
 * leaves nothing to repair; a repeated or overlapping run moves what is left. A position waits while its profit
 * share (the only bill that names a position) is PENDING: its collection still reads it. Its bills, orders and
 * outcomes stay where they are and still name it (the PositionArchive migration). Readers of history read
 * positions_history.
 */
@Injectable()
export class PositionArchive {
  private readonly logger = new Logger(PositionArchive.name);

  constructor(
    private readonly ds: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(ENV) private readonly env: Env,
  ) {}

  async run(): Promise<ArchiveResult> {
    const before = new Date(this.clock.now().getTime() - this.env.RETENTION_POSITIONS_ARCHIVE_DAYS * 86_400_000);
    const result: ArchiveResult = { table: 'positions_archive', before: before.toISOString(), deleted: 0, statements: 0 };
    const columns = await this.columns();
    if (typeof columns === 'string') {
      // A migration changed positions_v3 without positions_archive: moving now would drop or misplace a column.
      this.logger.error(`archive of positions skipped: ${columns}`);
      return { ...result, skipped: columns };
    }
    const list = columns.map((c) => `"${c}"`).join(', ');
    const sql = `WITH batch AS (
                   SELECT p.id FROM positions_v3 p
                    WHERE p.status = 'CLOSED' AND p.closed_at < $1
                      AND NOT EXISTS (SELECT 1 FROM billing_events_v3 b
                                       WHERE b.position_id = p.id AND b.kind = 'PROFIT_SHARE' AND b.status = 'PENDING')
                    ORDER BY p.closed_at LIMIT $2),
                 moved AS (
                   DELETE FROM positions_v3 p USING batch
                    WHERE p.id = batch.id AND p.status = 'CLOSED' AND p.closed_at < $1
                   RETURNING p.*),
                 archived AS (
                   INSERT INTO positions_archive (${list}) SELECT ${list} FROM moved RETURNING 1)
                 SELECT count(*)::int AS n FROM archived`;
    for (;;) {
      const { n } = (await first<{ n: number }>(this.ds, sql, [before, ARCHIVE_BATCH]))!;
      result.deleted += n;
      result.statements += 1;
      if (n < ARCHIVE_BATCH) return result;
    }
  }

  /** positions_v3's columns when positions_archive has the same ones (names and types), else why not. */
  private async columns(): Promise<string[] | string> {
    const found = await rows<{ table_name: string; column_name: string; type: string }>(
      this.ds,
      `SELECT c.relname AS table_name, a.attname AS column_name, format_type(a.atttypid, a.atttypmod) AS type
         FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
        WHERE c.oid IN ('positions_v3'::regclass, 'positions_archive'::regclass) AND a.attnum > 0 AND NOT a.attisdropped
        ORDER BY a.attname`,
    );
    const of = (t: string) => new Map(found.filter((r) => r.table_name === t).map((r) => [r.column_name, r.type]));
    const [live, archive] = [of('positions_v3'), of('positions_archive')];
    const differ = [...new Set([...live.keys(), ...archive.keys()])].filter((c) => live.get(c) !== archive.get(c));
    if (differ.length) return `positions_archive and positions_v3 differ in ${differ.join(', ')}`;
    return [...live.keys()];
  }
}
