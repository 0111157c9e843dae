import { createHash } from 'crypto';

/**
 * What runs SQL: the DataSource, or the EntityManager of a transaction. Conduit reads and writes with SQL (the
 * entities are the schema's typed mirror, see docs/ARCHITECTURE.md), typed at the call through rows<T>().
 */
export interface Sql {
  query(sql: string, params?: unknown[]): Promise<unknown>;
}

/** node-postgres' client or pool, which runs named (prepared) statements. */
interface PgClient {
  query(config: { name: string; text: string; values: unknown[] }): Promise<{ rows: unknown[] }>;
}

/**
 * How a statement is planned. By default Postgres plans it for each call's values. `prepared`: it runs as a named
 * statement, planned once per connection (the open's many-table read planned in 1.4-1.7 ms and ran in 0.2 ms) — only
 * for statements whose work is bounded by their parameters (rows by id, a batch's ids or recordset). A statement whose
 * rows depend on a key's fan-out (every outcome of a signal, every deployment of an agent) must not be prepared: the
 * generic plan assumes a few rows, and for ten thousand it chose a loop that took seconds. A prepared statement called
 * with a large set (an array of more than 16 ids, a JSON recordset of more than 4 KiB) is planned for its values too.
 */
export interface Planning {
  prepared?: boolean;
}

/**
 * The pg client behind a TypeORM DataSource (its pool) or a transaction's EntityManager (its connection); null for
 * anything else, which then runs the statement as given.
 */
async function pgClientOf(q: Sql): Promise<PgClient | null> {
  const runner = (q as { queryRunner?: { connect(): Promise<PgClient> } }).queryRunner;
  if (runner) return runner.connect();
  type WithDriver = { driver?: { master?: PgClient } };
  const driver = (q as WithDriver).driver ?? (q as { connection?: WithDriver }).connection?.driver;
  return driver?.master ?? null;
}

const names = new Map<string, string>();
/** A statement's name: the same text always prepares under the same name, on every connection. */
function statementName(sql: string): string {
  let name = names.get(sql);
  if (!name) {
    name = 'c' + createHash('sha1').update(sql).digest('hex').slice(0, 20);
    names.set(sql, name);
  }
  return name;
}

const carriesSet = (params: readonly unknown[]) =>
  params.some((p) => (Array.isArray(p) && p.length > 16) || (typeof p === 'string' && p.length > 4096));

/**
 * The rows a statement answers (SELECT, or INSERT/UPDATE … RETURNING), typed by the caller. TypeORM answers a bare
 * UPDATE or DELETE with [rows, count]; that comes back as rows too.
 */
export async function rows<T>(q: Sql, sql: string, params: readonly unknown[] = [], planning: Planning = {}): Promise<T[]> {
  const client = planning.prepared && !carriesSet(params) ? await pgClientOf(q) : null;
  if (client) return (await client.query({ name: statementName(sql), text: sql, values: params as unknown[] })).rows as T[];
  const result = await q.query(sql, params as unknown[]);
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number') return result[0] as T[];
  return (result ?? []) as T[];
}

/** The first row a statement answers, or undefined. */
export async function first<T>(q: Sql, sql: string, params: readonly unknown[] = [], planning: Planning = {}): Promise<T | undefined> {
  return (await rows<T>(q, sql, params, planning))[0];
}

/** Runs a statement for its effect. */
export async function exec(q: Sql, sql: string, params: readonly unknown[] = [], planning: Planning = {}): Promise<void> {
  await rows(q, sql, params, planning);
}

/** For statements bounded by their parameters: planned once per connection (see Planning). */
export const PREPARED: Planning = { prepared: true };

/** Rows as one JSON parameter, for set-based statements (jsonb_to_recordset): one round trip whatever their number. */
export const asJson = (items: readonly object[]): string => JSON.stringify(items);
