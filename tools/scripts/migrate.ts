// Runs the migrations once: `up` (default) applies all pending, `down [n|all]` reverts the last n (default 1).
import 'reflect-metadata';
import { loadEnv } from '@conduit/config';
import { migrate } from '@conduit/db';
import { MIGRATIONS } from '../../migrations';

async function main() {
  const [direction = 'up', stepsArg = '1'] = process.argv.slice(2);
  if (direction !== 'up' && direction !== 'down') throw new Error(`unknown direction ${direction}: use up or down`);
  const env = loadEnv();
  await ensureDatabase(env.DATABASE_URL);
  const steps = stepsArg === 'all' ? MIGRATIONS.length : Number(stepsArg);
  const result = await migrate(env.DATABASE_URL, MIGRATIONS, direction, steps);
  const names = direction === 'up' ? result.applied : result.reverted;
  console.log(`migrate ${direction}: ${names.length ? names.join(', ') : 'nothing to do'}`);
}

/** Creates the target database when it does not exist yet (a fresh machine has only `postgres`). */
async function ensureDatabase(url: string) {
  const { Client } = await import('pg');
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1));
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!rowCount) await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
  } catch (e: any) {
    if (e.code !== '42P04') throw e; // created meanwhile by another migrator
  } finally {
    await client.end();
  }
}

main().catch((e) => {
  console.error(`migrate failed: ${e.message}`);
  process.exit(1);
});
