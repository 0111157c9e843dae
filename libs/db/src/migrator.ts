import { DataSource } from 'typeorm';
import { dataSourceOptions } from './data-source';
import { first } from './sql';

/** Arbitrary constant: the advisory lock every migrator takes, so only one runs at a time. */
const MIGRATION_LOCK = 727_003_141;

export interface MigrateResult {
  applied: string[];
  reverted: string[];
}

/**
 * Runs migrations once, under a Postgres advisory lock: a second migrator waits, then finds nothing to do.
 * Services never call this at boot; it runs as `npm run migrate` or the one-shot `migrate` container.
 */
export async function migrate(url: string, migrations: any[], direction: 'up' | 'down' = 'up', steps = 1): Promise<MigrateResult> {
  const ds = new DataSource({ ...dataSourceOptions(url), migrations, migrationsTransactionMode: 'each', extra: { max: 2 } } as any);
  await ds.initialize();
  const lock = ds.createQueryRunner();
  await lock.connect();
  try {
    await lock.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    if (direction === 'up') {
      const applied = await ds.runMigrations({ transaction: 'each' });
      return { applied: applied.map((m) => m.name), reverted: [] };
    }
    const reverted: string[] = [];
    for (let i = 0; i < steps; i++) {
      const last = await first<{ name: string }>(ds, `SELECT name FROM migrations ORDER BY id DESC LIMIT 1`).catch(() => undefined);
      if (!last) break;
      await ds.undoLastMigration({ transaction: 'each' });
      reverted.push(last.name);
    }
    return { applied: [], reverted };
  } finally {
    await lock.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    await lock.release();
    await ds.destroy();
  }
}
